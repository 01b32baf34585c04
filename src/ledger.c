/* ledger: the schedule's interval and the credits spent, from the run ledger. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ledger.h"

static int cmp_int64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

int64_t ledger_interval(const struct run_row *runs, size_t n, int64_t fallback)
{
	int64_t gaps[LEDGER_INTERVAL_RUNS];
	size_t first = n > LEDGER_INTERVAL_RUNS ? n - LEDGER_INTERVAL_RUNS : 0, k = 0;

	for (size_t i = first + 1; i < n; i++) {
		int64_t gap = runs[i].started_at - runs[i - 1].started_at;

		if (gap >= LEDGER_MIN_GAP)
			gaps[k++] = gap;
	}
	if (k < LEDGER_MIN_GAPS)
		return fallback;
	qsort(gaps, k, sizeof(gaps[0]), cmp_int64);
	return k % 2 ? gaps[k / 2] : (gaps[k / 2 - 1] + gaps[k / 2]) / 2;
}

int64_t ledger_month_start(int64_t now)
{
	time_t t = (time_t)now;
	struct tm tm;

	gmtime_r(&t, &tm);
	tm.tm_mday = 1;
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	return (int64_t)timegm(&tm);
}

/* Midnight UTC of the 1st of the month after now's. */
static int64_t next_month_start(int64_t now)
{
	time_t t = (time_t)now;
	struct tm tm;

	gmtime_r(&t, &tm);
	tm.tm_mday = 1;
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	tm.tm_mon++;            /* timegm carries December into January */
	return (int64_t)timegm(&tm);
}

/* What run i spent, or false when neither it nor the runs around it say. */
static bool spent(const struct run_row *runs, size_t i, int64_t *used)
{
	const struct run_row *r = &runs[i];

	if (r->has_credits_used) {
		*used = r->credits_used;
		return true;
	}
	for (size_t j = i; j-- > 0;) {
		if (!runs[j].has_credits_remaining)
			continue;
		if (!r->has_credits_remaining)
			return false;
		*used = runs[j].credits_remaining > r->credits_remaining ?
			runs[j].credits_remaining - r->credits_remaining : 0;
		return true;
	}
	return false;
}

void ledger_spend(const struct run_row *runs, size_t n, int64_t now, struct ledger_spend *out)
{
	int64_t since = now - LEDGER_SPEND_DAYS * 86400, month = ledger_month_start(now);
	int64_t week = 0, span, used;
	bool known = false;

	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < n; i++) {
		if (runs[i].started_at > now || !spent(runs, i, &used))
			continue;
		if (runs[i].started_at >= month)
			out->month_spent += used;
		if (runs[i].started_at <= since)
			continue;
		known = true;
		week += used;
	}
	if (!known)
		return;
	out->known = true;
	/*
	 * Over the whole week when the ledger reaches back that far, else over
	 * its own age, read as at least a day: no wild early figures.
	 */
	span = n && runs[0].started_at > since ? now - runs[0].started_at : now - since;
	out->per_day = (double)week * 86400.0 / (double)(span > 86400 ? span : 86400);
	out->month_projected = out->month_spent +
		(int64_t)(out->per_day * (double)(next_month_start(now) - now) / 86400.0 + 0.5);
	for (size_t i = n; i-- > 0;) {
		if (runs[i].has_credits_remaining && out->per_day > 0) {
			out->has_days_left = true;
			out->days_left = (double)runs[i].credits_remaining / out->per_day;
			break;
		}
	}
}
