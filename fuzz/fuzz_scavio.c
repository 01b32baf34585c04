/* libFuzzer target: API answer bodies through the response parser. */
#include <stddef.h>
#include <stdint.h>

#include "scavio.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct scavio_counts counts;
	char err[256], msg[256];

	if (scavio_parse((const char *)data, size, &counts, err, sizeof(err)) == 0 &&
	    (counts.videos < 0 || counts.views < 0 || counts.shape < 1 || counts.shape > 5))
		__builtin_trap();       /* accepted counts are never negative */
	scavio_error_message((const char *)data, size, msg, sizeof(msg));
	return 0;
}
