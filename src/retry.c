/* retry: the retry decision and backoff delay, kept apart from the transfer loop. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "retry.h"

bool retry_is_retryable(enum fetch_kind kind)
{
	return kind == FETCH_RATE_LIMITED || kind == FETCH_TRANSIENT;
}

int64_t retry_delay_ms(int attempt, int64_t retry_after_ms, uint32_t random)
{
	int64_t ceiling;

	if (retry_after_ms >= 0)
		return retry_after_ms < RETRY_CAP_MS ? retry_after_ms : RETRY_CAP_MS;
	if (attempt < 1)
		attempt = 1;
	ceiling = attempt > 20 ? RETRY_CAP_MS : (int64_t)RETRY_BASE_MS << (attempt - 1);
	if (ceiling > RETRY_CAP_MS)
		ceiling = RETRY_CAP_MS;
	return (int64_t)(random % (uint64_t)(ceiling + 1));
}

int64_t retry_after_ms_parse(const char *value)
{
	char *end;
	long long secs;

	while (*value == ' ' || *value == '\t')
		value++;
	if (!isdigit((unsigned char)*value))
		return -1;
	secs = strtoll(value, &end, 10);
	while (*end == ' ' || *end == '\t' || *end == '\r' || *end == '\n')
		end++;
	if (*end || secs > RETRY_CAP_MS / 1000)
		return *end ? -1 : RETRY_CAP_MS;
	return (int64_t)secs * 1000;
}

bool retry_after_header(const char *line, size_t n, int64_t *ms)
{
	static const char name[] = "Retry-After:";
	const size_t nlen = sizeof(name) - 1;
	char value[64];

	if (n <= nlen || n - nlen >= sizeof(value) || strncasecmp(line, name, nlen) != 0)
		return false;
	memcpy(value, line + nlen, n - nlen);
	value[n - nlen] = '\0';
	*ms = retry_after_ms_parse(value);
	return true;
}
