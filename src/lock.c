/* lock: flock on a file beside the database; the kernel drops it if we die. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "lock.h"

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
	if (flock(fd, LOCK_EX | LOCK_NB) == 0)
		return fd;
	close(fd);
	if (errno == EWOULDBLOCK)
		return -2;
	snprintf(err, errsz, "cannot lock: %s", strerror(errno));
	return -1;
}

void lock_release(int fd)
{
	if (fd >= 0)
		close(fd);
}
