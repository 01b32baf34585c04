/* libFuzzer target: user input through tag normalisation and the link. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tag.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *raw = malloc(size + 1), out[TAG_BUF_SIZE], again[TAG_BUF_SIZE], err[512];
	char *url;

	if (!raw)
		return 0;
	memcpy(raw, data, size);
	raw[size] = '\0';
	if (tag_normalize(raw, out, err, sizeof(err)) == 0) {
		/* normalising is idempotent, and every valid tag has a link */
		if (tag_normalize(out, again, err, sizeof(err)) != 0 || strcmp(out, again) != 0)
			__builtin_trap();
		url = tag_url(out);
		if (!url)
			__builtin_trap();
		free(url);
	}
	free(raw);
	return 0;
}
