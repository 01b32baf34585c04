/* libFuzzer target: durations, rates and RFC 3339 times. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "duration.h"
#include "timefmt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1), err[256], buf[TIME_BUF_SIZE];
	int64_t secs, epoch, back;
	struct rate r;

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if (duration_parse(s, &secs, err, sizeof(err)) == 0 && secs <= 0)
		__builtin_trap();
	if (rate_parse(s, &r, err, sizeof(err)) == 0 && rate_interval_us(&r) < 0)
		__builtin_trap();
	if (time_parse(s, &epoch, err, sizeof(err)) == 0) {
		/* what we print, we read back */
		time_format(epoch, buf);
		if (time_parse(buf, &back, err, sizeof(err)) != 0 || back != epoch)
			__builtin_trap();
	}
	free(s);
	return 0;
}
