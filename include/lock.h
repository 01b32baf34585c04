/* lock: the exclusive run lock, an flock on the database file itself. */
#ifndef HASHTRACK_LOCK_H
#define HASHTRACK_LOCK_H

#include <stddef.h>

/*
 * Take the lock of the database at db_path (which must exist) without
 * waiting. Returns 0 when taken, -2 when another process holds it (err says
 * so, with the holder's pid when known) or -1 on failure (err says why).
 * *fd is a descriptor of the database file on 0 and -2, else -1.
 *
 * Give *fd to lock_release() only after the store is closed, on -2 too:
 * closing any descriptor of the database file drops every POSIX lock this
 * process holds on it, including SQLite's own.
 */
int lock_take(const char *db_path, int *fd, char *err, size_t errsz);
void lock_release(int fd);

#endif
