/* array: the element count of a fixed array, and growing a malloc'd one. */
#ifndef HASHTRACK_ARRAY_H
#define HASHTRACK_ARRAY_H

#include <stddef.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/*
 * Make room for at least `need` elements of `size` bytes in *items, whose
 * capacity is *cap: doubles from `first` (at least 1). Returns 0, or -1 with
 * *items and *cap unchanged when out of memory.
 */
int array_grow(void *items, size_t *cap, size_t need, size_t size, size_t first);

#endif
