/*
 * lock: the run lock is an flock on the database file itself, so every path
 * that reaches the file (a symlink, a hard link, "dir/../ht.db") meets the
 * same lock, and no lock file exists that a planted symlink could redirect.
 * The kernel drops it if we die: a killed run never leaves a stale lock.
 * SQLite locks with POSIX fcntl locks, which on Linux are independent of
 * flock, so the two never block each other.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "lock.h"

/*
 * One line of Linux's /proc/locks, "1: FLOCK  ADVISORY  WRITE 1234 fe:00:5678
 * 0 EOF": its pid when it is an flock on the file (dev, ino), else 0. A
 * waiter's line reads "1: -> FLOCK ...", never matched.
 */
static long flock_line_pid(char *line, dev_t dev, ino_t ino)
{
	char *field[6], *save = NULL, *end;
	unsigned long maj, min;
	unsigned long long inode;
	long pid;
	int n = 0;

	for (char *f = strtok_r(line, " \t\n", &save); f && n < 6;
	     f = strtok_r(NULL, " \t\n", &save))
		field[n++] = f;
	if (n < 6 || strcmp(field[1], "FLOCK") != 0)
		return 0;
	pid = strtol(field[4], &end, 10);
	if (*end)
		return 0;
	maj = strtoul(field[5], &end, 16);
	if (*end != ':')
		return 0;
	min = strtoul(end + 1, &end, 16);
	if (*end != ':')
		return 0;
	inode = strtoull(end + 1, &end, 10);
	if (*end || maj != major(dev) || min != minor(dev) || inode != (unsigned long long)ino)
		return 0;
	return pid;
}

/* The pid holding an flock on the file (dev, ino); 0 when unknown. */
static long flock_holder(dev_t dev, ino_t ino)
{
	FILE *f = fopen("/proc/locks", "re");
	char line[256];
	long pid = 0;

	if (!f)
		return 0;
	while (!pid && fgets(line, sizeof(line), f))
		pid = flock_line_pid(line, dev, ino);
	fclose(f);
	return pid;
}

static void describe_holder(const struct stat *sb, char *err, size_t errsz)
{
	long pid = flock_holder(sb->st_dev, sb->st_ino);

	if (pid > 0)
		snprintf(err, errsz, "another hashtrack run is in progress (pid %ld)", pid);
	else
		snprintf(err, errsz, "another hashtrack run is in progress");
}

int lock_take(const char *db_path, int *fd, char *err, size_t errsz)
{
	struct stat sb;

	/* Non-blocking: a FIFO planted at the path must not hang the run. */
	*fd = open(db_path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (*fd < 0) {
		snprintf(err, errsz, "cannot open '%s' to lock it: %s", db_path, strerror(errno));
		return -1;
	}
	if (fstat(*fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
		snprintf(err, errsz, "cannot lock '%s': not a regular file; point --db or [storage] "
			 "db at the database file", db_path);
		goto cleanup;
	}
	if (flock(*fd, LOCK_EX | LOCK_NB) == 0)
		return 0;
	if (errno == EWOULDBLOCK) {
		describe_holder(&sb, err, errsz);
		return -2;
	}
	snprintf(err, errsz, "cannot lock '%s': %s", db_path, strerror(errno));
cleanup:
	close(*fd);
	*fd = -1;
	return -1;
}

void lock_release(int fd)
{
	if (fd >= 0)
		close(fd);
}
