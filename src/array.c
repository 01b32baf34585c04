/* array: growing a malloc'd array by doubling. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"

int array_grow(void *items, size_t *cap, size_t need, size_t size, size_t first)
{
	void *grown, *old;
	size_t ncap = *cap ? *cap : (first ? first : 1);

	if (need <= *cap)
		return 0;
	while (ncap < need) {
		if (ncap > SIZE_MAX / 2)
			return -1;
		ncap *= 2;
	}
	if (ncap > SIZE_MAX / size)
		return -1;
	memcpy(&old, items, sizeof(old));
	grown = realloc(old, ncap * size);
	if (!grown)
		return -1;
	memcpy(items, &grown, sizeof(grown));
	*cap = ncap;
	return 0;
}
