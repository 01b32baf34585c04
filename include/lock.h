/* lock: the exclusive run lock beside the database (flock). */
#ifndef HASHTRACK_LOCK_H
#define HASHTRACK_LOCK_H

#include <stddef.h>

/*
 * Take the lock "<db_path>.lock" without waiting. Returns the held file
 * descriptor, -1 on failure (reason in err) or -2 when another process holds
 * it (err then says so, with the holder's pid when known).
 */
int lock_take(const char *db_path, char *err, size_t errsz);
void lock_release(int fd);

#endif
