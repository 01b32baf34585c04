/*
 * lock: flock on a file beside the database; the kernel drops it if we die,
 * so a killed or rebooted run never leaves a stale lock behind. The holder
 * writes its pid into the file, only to name it in the busy message.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "lock.h"

/* "another hashtrack run is in progress (pid 123)", the pid when readable. */
static void describe_holder(int fd, char *err, size_t errsz)
{
	char buf[32];
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
	long pid = 0;

	if (n > 0) {
		buf[n] = '\0';
		pid = strtol(buf, NULL, 10);
	}
	if (pid > 0)
		snprintf(err, errsz, "another hashtrack run is in progress (pid %ld)", pid);
	else
		snprintf(err, errsz, "another hashtrack run is in progress");
}

static void write_pid(int fd)
{
	char buf[32];
	int len = snprintf(buf, sizeof(buf), "%ld\n", (long)getpid());

	if (ftruncate(fd, 0) != 0 || pwrite(fd, buf, (size_t)len, 0) != len)
		return;         /* best effort: the lock is the flock, not the file's contents */
}

int lock_take(const char *db_path, char *err, size_t errsz)
{
	size_t len = strlen(db_path) + sizeof(".lock");
	char *path = malloc(len);
	int fd;

	if (!path) {
		snprintf(err, errsz, "out of memory");
		return -1;
	}
	snprintf(path, len, "%s.lock", db_path);
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0) {
		snprintf(err, errsz, "cannot open lock file '%s': %s", path, strerror(errno));
		free(path);
		return -1;
	}
	free(path);
	if (flock(fd, LOCK_EX | LOCK_NB) == 0) {
		write_pid(fd);
		return fd;
	}
	if (errno == EWOULDBLOCK) {
		describe_holder(fd, err, errsz);
		close(fd);
		return -2;
	}
	snprintf(err, errsz, "cannot lock: %s", strerror(errno));
	close(fd);
	return -1;
}

void lock_release(int fd)
{
	if (fd >= 0)
		close(fd);
}
