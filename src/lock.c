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
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "lock.h"

/*
 * The pid holding an flock on the file (dev, ino), from Linux's /proc/locks
 * ("1: FLOCK  ADVISORY  WRITE 1234 fe:00:5678 0 EOF"); 0 when unknown.
 */
static long flock_holder(dev_t dev, ino_t ino)
{
	FILE *f = fopen("/proc/locks", "re");
	char line[256], kind[16];
	unsigned maj, min;
	unsigned long long inode;
	long pid, found = 0;

	if (!f)
		return 0;
	while (!found && fgets(line, sizeof(line), f)) {
		/* a waiter's line reads "1: -> FLOCK ...": kind is "->", never matched */
		if (sscanf(line, "%*d: %15s %*s %*s %ld %x:%x:%llu", kind, &pid, &maj, &min,
			   &inode) == 5 && strcmp(kind, "FLOCK") == 0 && maj == major(dev) &&
		    min == minor(dev) && inode == (unsigned long long)ino)
			found = pid;
	}
	fclose(f);
	return found;
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
