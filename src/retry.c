/* retry: header hints, backoff and the retry and pacing decisions, kept apart from I/O. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "retry.h"
#include "timefmt.h"

static int64_t min64(int64_t a, int64_t b)
{
	return a < b ? a : b;
}

static int64_t max64(int64_t a, int64_t b)
{
	return a > b ? a : b;
}

void retry_hints_init(struct retry_hints *h)
{
	*h = (struct retry_hints){ -1, -1, -1, -1, -1 };
}

static const char *skip_blanks(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

static bool only_blanks(const char *s)
{
	while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
		s++;
	return *s == '\0';
}

/*
 * A whole non-negative decimal number (surrounding blanks allowed), -1
 * otherwise. One too large for int64_t saturates at INT64_MAX: a server that
 * says "wait very long" is not ignored, and no arithmetic on it can overflow
 * once it is capped or bounded (every use below does one or the other).
 */
static int64_t parse_count(const char *s, const char **rest)
{
	int64_t v;
	size_t n;

	s = skip_blanks(s);
	if ((n = parse_digits(s, SIZE_MAX, &v)) == 0)
		return -1;
	if (v < 0)
		v = INT64_MAX;
	s += n;
	if (rest)
		*rest = s;
	else if (!only_blanks(s))
		return -1;
	return v;
}

/* Seconds from now until `when` (epoch seconds), as capped milliseconds; 0 when past. */
static int64_t ms_until(int64_t when, int64_t now)
{
	/* when > now, so the unsigned difference is exact even where int64_t's would overflow */
	uint64_t secs = (uint64_t)when - (uint64_t)now;

	if (when <= now)
		return 0;
	return secs > RETRY_CAP_MS / 1000 ? RETRY_CAP_MS : (int64_t)secs * 1000;
}

static int64_t capped_seconds(int64_t secs)
{
	return secs > RETRY_CAP_MS / 1000 ? RETRY_CAP_MS : secs * 1000;
}

static int64_t date_epoch(int y, const char *mon, int d, int hh, int mm, int ss)
{
	int m = time_month_from_name(mon);

	if (!m || d < 1 || d > 31 || hh > 23 || mm > 59 || ss > 60 || hh < 0 || mm < 0 || ss < 0)
		return -1;
	return time_days_from_civil(y, m, d) * 86400 + hh * 3600 + mm * 60 + ss;
}

int64_t retry_http_date(const char *value)
{
	char wday[16], mon[8], zone[8];
	int d, y, hh, mm, ss, end = 0;
	const char *s = skip_blanks(value);

	/* IMF-fixdate: Sun, 06 Nov 1994 08:49:37 GMT */
	/* field widths of 2 to 4 digits cannot overflow an int: */
	/* NOLINTNEXTLINE(cert-err34-c) */
	if (sscanf(s, "%15[A-Za-z], %2d %3[A-Za-z] %4d %2d:%2d:%2d %3s%n",
		   wday, &d, mon, &y, &hh, &mm, &ss, zone, &end) == 8 &&
	    strcmp(zone, "GMT") == 0 && only_blanks(s + end))
		return date_epoch(y, mon, d, hh, mm, ss);
	/* RFC 850: Sunday, 06-Nov-94 08:49:37 GMT (two-digit years: 1970-2069) */
	end = 0;
	/* NOLINTNEXTLINE(cert-err34-c) */
	if (sscanf(s, "%15[A-Za-z], %2d-%3[A-Za-z]-%2d %2d:%2d:%2d %3s%n",
		   wday, &d, mon, &y, &hh, &mm, &ss, zone, &end) == 8 &&
	    strcmp(zone, "GMT") == 0 && only_blanks(s + end))
		return date_epoch(y + (y < 70 ? 2000 : 1900), mon, d, hh, mm, ss);
	/* asctime: Sun Nov  6 08:49:37 1994 */
	end = 0;
	/* NOLINTNEXTLINE(cert-err34-c) */
	if (sscanf(s, "%3[A-Za-z] %3[A-Za-z] %2d %2d:%2d:%2d %4d%n",
		   wday, mon, &d, &hh, &mm, &ss, &y, &end) == 7 && only_blanks(s + end))
		return date_epoch(y, mon, d, hh, mm, ss);
	return -1;
}

int64_t retry_after_parse(const char *value, int64_t now)
{
	int64_t secs = parse_count(value, NULL), when;

	if (secs >= 0)
		return capped_seconds(secs);
	when = retry_http_date(value);
	return when < 0 ? -1 : ms_until(when, now);
}

int64_t retry_reset_parse(const char *value, int64_t now)
{
	int64_t v = parse_count(value, NULL);

	if (v < 0)
		return -1;
	return v <= RETRY_RESET_DELTA_MAX ? capped_seconds(v) : ms_until(v, now);
}

/* "10", "10;w=1" or "10, 10;w=1, 1000;w=3600": the limit, and the first window given. */
static void parse_limit(struct retry_hints *h, const char *value)
{
	const char *rest, *w;
	int64_t limit = parse_count(value, &rest), window;

	if (limit <= 0)
		return;
	h->limit = limit;
	w = strstr(rest, "w=");
	if (w && (window = parse_count(w + 2, &rest)) > 0)
		h->window_s = min64(window, RETRY_WINDOW_MAX_S);
}

/* The header's value when line is "name: value", copied into buf; NULL otherwise. */
static const char *header_value(const char *line, size_t n, const char *name,
				char *buf, size_t bufsz)
{
	size_t len = strlen(name);

	if (n <= len || line[len] != ':' || strncasecmp(line, name, len) != 0 ||
	    n - len - 1 >= bufsz)
		return NULL;
	memcpy(buf, line + len + 1, n - len - 1);
	buf[n - len - 1] = '\0';
	return buf;
}

bool retry_hints_header(struct retry_hints *h, const char *line, size_t n, int64_t now)
{
	char buf[128];
	const char *v;

	if (n >= 5 && strncmp(line, "HTTP/", 5) == 0) {
		retry_hints_init(h);
		return false;
	}
	if ((v = header_value(line, n, "Retry-After", buf, sizeof(buf))))
		h->retry_after_ms = retry_after_parse(v, now);
	else if ((v = header_value(line, n, "X-RateLimit-Reset", buf, sizeof(buf))))
		h->reset_ms = retry_reset_parse(v, now);
	else if ((v = header_value(line, n, "X-RateLimit-Remaining", buf, sizeof(buf))))
		h->remaining = parse_count(v, NULL);
	else if ((v = header_value(line, n, "X-RateLimit-Limit", buf, sizeof(buf))))
		parse_limit(h, v);
	else
		return false;
	return true;
}

bool retry_is_retryable(enum fetch_kind kind)
{
	return kind == FETCH_RATE_LIMITED || kind == FETCH_TRANSIENT;
}

int64_t retry_delay_ms(int attempt, int64_t hint_ms, uint32_t random)
{
	int64_t ceiling;

	if (hint_ms >= 0)
		return min64(hint_ms, RETRY_CAP_MS);
	if (attempt < 1)
		attempt = 1;
	ceiling = attempt > 20 ? RETRY_CAP_MS : (int64_t)RETRY_BASE_MS << (attempt - 1);
	ceiling = min64(ceiling, RETRY_CAP_MS);
	return (int64_t)(random % (uint64_t)(ceiling + 1));
}

int64_t retry_next_start(int64_t interval_us, int64_t slot_us, int64_t now_us)
{
	int64_t slack = min64(interval_us / 2, RETRY_PACE_SLACK_US);

	if (interval_us <= 0)
		return now_us;
	return max64(slot_us + interval_us, now_us + interval_us - slack);
}

void retry_quota_init(struct retry_quota *q)
{
	*q = (struct retry_quota){ -1, 0 };
}

void retry_quota_update(struct retry_quota *q, const struct retry_hints *h, int64_t now_us)
{
	if (h->remaining < 0 || h->reset_ms < 0)
		return;
	q->left = h->remaining;
	q->until_us = now_us + h->reset_ms * 1000;      /* reset_ms is capped: no overflow */
}

int64_t retry_quota_wait_us(const struct retry_quota *q, int64_t now_us)
{
	return q->left == 0 && now_us < q->until_us ? q->until_us - now_us : 0;
}

void retry_quota_take(struct retry_quota *q, int64_t now_us)
{
	if (q->left < 0)
		return;
	if (now_us >= q->until_us)
		q->left = -1;   /* its window is over: no word until the next answer */
	else if (q->left > 0)
		q->left--;
}

int64_t retry_seconds_ms(double seconds)
{
	if (!(seconds >= 0))    /* also NaN */
		return -1;
	if (seconds * 1000 >= RETRY_CAP_MS)
		return RETRY_CAP_MS;
	return (int64_t)(seconds * 1000 + 0.999);
}

/* The server's word on when to come back: Retry-After, else the rate limit's reset. */
static int64_t hint_ms(const struct retry_answer *a)
{
	const struct retry_hints *h = &a->hints;

	if (h->retry_after_ms >= 0)
		return h->retry_after_ms;
	if (h->reset_ms >= 0 && (a->kind == FETCH_RATE_LIMITED || h->remaining == 0))
		return h->reset_ms;
	return -1;
}

/* The spacing X-RateLimit-Limit asks for, in microseconds; 0 when it says nothing. */
static int64_t limit_interval_us(const struct retry_hints *h)
{
	int64_t window = min64(h->window_s, RETRY_WINDOW_MAX_S);

	/* a limit without its window says nothing usable (see struct retry_hints) */
	if (h->limit <= 0 || window <= 0)
		return 0;
	return window * 1000000 / h->limit;
}

/* The pacing after a 429 with this hint (see retry_decide). */
static struct retry_pace slow_pace(const struct retry_answer *a, const struct retry_pace *pace,
				   int64_t hint)
{
	int64_t limit_us = limit_interval_us(&a->hints);
	int64_t next;

	if (pace->slow && !a->started_slow)
		return *pace;   /* sent before the slowdown, which already took it into account */
	if (!pace->slow && limit_us > 0) {
		next = limit_us;
	} else {
		next = max64(pace->interval_us * 2, RETRY_SLOW_MIN_US);
		/* The server said when to come back: doubling past that only loses time. */
		if (hint >= 0)
			next = min64(next, max64(hint * 1000, RETRY_SLOW_MIN_US));
		next = max64(next, limit_us);
	}
	next = min64(max64(next, pace->interval_us), (int64_t)RETRY_CAP_MS * 1000);
	return (struct retry_pace){ .interval_us = next, .slow = true };
}

void retry_decide(const struct retry_answer *a, const struct retry_pace *pace,
		  struct retry_plan *out)
{
	const struct retry_hints *h = &a->hints;
	int64_t hint = hint_ms(a);

	*out = (struct retry_plan){ .pace = *pace };
	if (h->remaining == 0 && h->reset_ms >= 0)
		out->hold_ms = h->reset_ms;
	if (!retry_is_retryable(a->kind))
		return;
	out->delay_ms = retry_delay_ms(a->attempts, hint, a->random);
	if (a->kind == FETCH_RATE_LIMITED) {
		out->pace = slow_pace(a, pace, hint);
		if (hint < 0)
			out->delay_ms = max64(out->delay_ms, out->pace.interval_us / 1000);
		out->hold_ms = max64(out->hold_ms, out->delay_ms);
		out->give_up = a->rate_waited_ms > RETRY_RATE_BUDGET_MS - out->hold_ms;
	}
	out->charged = a->kind != FETCH_RATE_LIMITED || a->started_slow;
	out->retry = !out->give_up && (!out->charged || a->attempts <= a->retries);
}

enum retry_hook_action retry_hook_decide(long status, const struct retry_hints *h, int waits,
					 uint32_t random, int64_t *delay_ms)
{
	*delay_ms = 0;
	if (status >= 200 && status <= 299)
		return RETRY_HOOK_SENT;
	if (status == 400 || status == 413 || status == 422)
		return RETRY_HOOK_NEXT;
	if (status != 429 || waits >= RETRY_HOOK_MAX_WAITS)
		return RETRY_HOOK_STOP;
	if (h->retry_after_ms >= 0)
		*delay_ms = min64(h->retry_after_ms, RETRY_CAP_MS);
	else
		*delay_ms = max64(retry_delay_ms(waits + 1, -1, random), 1000);
	return RETRY_HOOK_RESEND;
}

uint32_t retry_random(uint32_t *state)
{
	uint32_t x = *state;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return *state = x;
}
