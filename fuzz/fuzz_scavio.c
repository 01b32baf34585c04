/* libFuzzer target: API answer bodies through the response parser and the error-body readers. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "scavio.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct scavio_counts counts;
	struct scavio_billing bill;
	char err[256], msg[256];
	double secs;

	/* Accepted counts are known (never negative) or COUNT_UNKNOWN, never both unknown. */
	if (scavio_parse((const char *)data, size, &counts, err, sizeof(err)) == 0 &&
	    (counts.videos < COUNT_UNKNOWN || counts.views < COUNT_UNKNOWN ||
	     (!count_known(counts.videos) && !count_known(counts.views)) ||
	     counts.shape < 1 || counts.shape > 6))
		__builtin_trap();
	scavio_error_message((const char *)data, size, msg, sizeof(msg));
	secs = scavio_retry_after((const char *)data, size);
	if (secs != -1 && !(secs >= 0))
		__builtin_trap();
	scavio_billing((const char *)data, size, &bill);
	if (strlen(bill.url) >= sizeof(bill.url) || (bill.url[0] && strncmp(bill.url, "https://", 8)))
		__builtin_trap();
	return 0;
}
