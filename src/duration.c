/*
 * duration: the "6h"-style durations and "5/min"-style rates of the command
 * line and the config file, parsed with messages that say how to fix them.
 * Pure, no I/O.
 */
#include "array.h"
#include "duration.h"
#include "text.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#define MINUTE 60
#define HOUR (60 * MINUTE)
#define DAY (24 * HOUR)
#define WEEK (7 * DAY)
/* Nothing hashtrack times lasts a century: a longer duration is a typo. */
#define DURATION_MAX ((int64_t)36500 * DAY)
/* A million starts a second is a 1 us spacing; more would round to none. */
#define RATE_MAX_COUNT 1000000
#define US_PER_SECOND 1000000

#define UNITS_HINT "use s, m, h, d or w, e.g. 6h"
#define RATE_HINT "use N/s or N/min (e.g. 5/min), or 0 for no limit"

static const struct unit {
	char name;
	int64_t seconds;
} units[] = {
	/* Largest first: duration_suggest picks the first that divides exactly. */
	{ 'w', WEEK }, { 'd', DAY }, { 'h', HOUR }, { 'm', MINUTE }, { 's', 1 },
};

#define N_UNITS (ARRAY_SIZE(units))

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_letter(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Surrounding white space is forgiven (text_trim), as in the config file; inner is not. */
static bool has_inner_space(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (text_is_space(s[i]))
			return true;
	return false;
}

/*
 * Read the digits at *p (before end) into *value, capped at max + 1 so
 * that long inputs cannot overflow. Returns the number of digits read.
 */
static size_t read_number(const char **p, const char *end, int64_t max, int64_t *value)
{
	const char *start = *p;
	int64_t v = 0;

	for (; *p < end && is_digit(**p); (*p)++) {
		v = v * 10 + (**p - '0');
		if (v > max)
			v = max + 1;
	}
	*value = v;
	return (size_t)(*p - start);
}

static const struct unit *find_unit(const char *name, size_t len)
{
	size_t i;

	if (len != 1)
		return NULL;
	for (i = 0; i < N_UNITS; i++)
		if (units[i].name == name[0])
			return &units[i];
	return NULL;
}

/* The exact total in the largest single unit, for "1h30m" -> "90m". */
static void duration_suggest(int64_t seconds, char *buf, size_t bufsz)
{
	size_t i;

	for (i = 0; i < N_UNITS; i++) {
		if (seconds % units[i].seconds == 0) {
			snprintf(buf, bufsz, "%lld%c", (long long)(seconds / units[i].seconds),
				 units[i].name);
			return;
		}
	}
}

/* Everything wrong with a duration's text, found by one pass over it. */
enum dur_fault {
	DUR_OK,
	DUR_JUNK,		/* not number-and-unit at all */
	DUR_NO_UNIT,		/* a bare number */
	DUR_BAD_UNIT,		/* letters that are not a unit */
	DUR_MANY_UNITS,		/* "1h30m" */
	DUR_TOO_LONG,
};

struct dur_scan {
	int64_t total;
	int terms;
	const char *bad_unit;
	size_t bad_unit_len;
};

/* Read "N unit" terms; hashtrack wants one, but knowing more helps the message. */
static enum dur_fault scan_duration(const char *p, const char *end, struct dur_scan *ds)
{
	const struct unit *u;
	const char *name;
	int64_t n;

	memset(ds, 0, sizeof(*ds));
	if (p == end)
		return DUR_JUNK;
	while (p < end) {
		if (read_number(&p, end, DURATION_MAX, &n) == 0)
			return DUR_JUNK;
		name = p;
		while (p < end && is_letter(*p))
			p++;
		if (p == name)
			return p == end && ds->terms == 0 ? DUR_NO_UNIT : DUR_JUNK;
		u = find_unit(name, (size_t)(p - name));
		if (!u) {
			ds->bad_unit = name;
			ds->bad_unit_len = (size_t)(p - name);
			return DUR_BAD_UNIT;
		}
		if (n > DURATION_MAX / u->seconds)
			return DUR_TOO_LONG;
		ds->total += n * u->seconds;
		if (ds->total > DURATION_MAX)
			return DUR_TOO_LONG;
		ds->terms++;
	}
	return ds->terms > 1 ? DUR_MANY_UNITS : DUR_OK;
}

static void duration_error(enum dur_fault fault, const char *shown, const struct dur_scan *ds,
			   char *err, size_t errsz)
{
	char hint[32];

	switch (fault) {
	case DUR_NO_UNIT:
		snprintf(err, errsz, "'%s' has no unit; " UNITS_HINT, shown);
		break;
	case DUR_BAD_UNIT:
		snprintf(err, errsz, "unknown unit '%.*s' in '%s'; " UNITS_HINT,
			 (int)(ds->bad_unit_len > TEXT_QUOTE_MAX ? TEXT_QUOTE_MAX : ds->bad_unit_len),
			 ds->bad_unit, shown);
		break;
	case DUR_MANY_UNITS:
		duration_suggest(ds->total, hint, sizeof(hint));
		snprintf(err, errsz, "'%s' has more than one unit; use one, e.g. %s", shown, hint);
		break;
	case DUR_TOO_LONG:
		snprintf(err, errsz, "duration '%s' is too long; at most 100 years", shown);
		break;
	case DUR_JUNK:
	case DUR_OK:
		snprintf(err, errsz, "invalid duration '%s'; " UNITS_HINT, shown);
		break;
	}
}

/* Number-and-unit text, whatever its sign or size: "-5m" and "0h0m" count. */
static bool is_well_formed(enum dur_fault fault)
{
	return fault == DUR_OK || fault == DUR_MANY_UNITS || fault == DUR_TOO_LONG;
}

int duration_parse(const char *s, int64_t *seconds, char *err, size_t errsz)
{
	char shown[TEXT_QUOTE_SIZE];
	struct dur_scan ds;
	enum dur_fault fault;
	size_t len;
	const char *p = text_trim(s, &len);
	bool negative = len > 0 && p[0] == '-';

	if (len == 0) {
		snprintf(err, errsz, "empty duration; " UNITS_HINT);
		return -1;
	}
	text_quote(p, len, shown);
	if (has_inner_space(p, len)) {
		snprintf(err, errsz, "invalid duration '%s'; write the number and its unit "
			 "together, e.g. 6h", shown);
		return -1;
	}
	fault = scan_duration(p + negative, p + len, &ds);
	/* A too-long scan stops before adding up, so its total means nothing. */
	if (is_well_formed(fault) && (negative || (fault != DUR_TOO_LONG && ds.total == 0))) {
		snprintf(err, errsz, "duration '%s' must be positive", shown);
		return -1;
	}
	if (fault != DUR_OK) {
		duration_error(negative ? DUR_JUNK : fault, shown, &ds, err, errsz);
		return -1;
	}
	*seconds = ds.total;
	return 0;
}

void duration_format(int64_t seconds, char *buf, size_t bufsz)
{
	static const struct unit parts[] = {
		{ 'd', DAY }, { 'h', HOUR }, { 'm', MINUTE }, { 's', 1 },
	};
	char text[64];
	size_t i, pos = 0;
	/* Work on the magnitude in unsigned, where INT64_MIN has one too. */
	uint64_t left = seconds < 0 ? (uint64_t)0 - (uint64_t)seconds : (uint64_t)seconds;

	if (bufsz == 0)
		return;
	if (seconds < 0)
		text[pos++] = '-';
	for (i = 0; i < ARRAY_SIZE(parts); i++) {
		uint64_t n = left / (uint64_t)parts[i].seconds;

		if (n == 0)
			continue;
		left -= n * (uint64_t)parts[i].seconds;
		pos += (size_t)snprintf(text + pos, sizeof(text) - pos, "%llu%c",
					(unsigned long long)n, parts[i].name);
	}
	if (seconds == 0)
		strcpy(text, "0s");
	snprintf(buf, bufsz, "%s", text);
}

/* "1 hour", "6 hours" into a small buffer. */
static void plural(char *buf, size_t bufsz, uint64_t n, const char *unit)
{
	snprintf(buf, bufsz, "%llu %s%s", (unsigned long long)n, unit, n == 1 ? "" : "s");
}

void duration_human(int64_t seconds, char *buf, size_t bufsz)
{
	/* The magnitude in unsigned, where INT64_MIN has one too. */
	uint64_t left = seconds < 0 ? (uint64_t)0 - (uint64_t)seconds : (uint64_t)seconds;
	uint64_t m = (left + MINUTE / 2) / MINUTE, h;     /* to the nearest minute */
	char a[48], b[48] = "";

	if (bufsz == 0)
		return;
	if (left < 2 * MINUTE && left != MINUTE) {
		plural(a, sizeof(a), left, "second");
	} else if (m < 2 * 60 && m != 60) {
		plural(a, sizeof(a), m, "minute");
	} else if (m < 2 * 24 * 60 && m % (24 * 60) != 0) {
		plural(a, sizeof(a), m / 60, "hour");
		if (m % 60)
			plural(b, sizeof(b), m % 60, "minute");
	} else {
		h = (m + 30) / 60;                      /* to the nearest hour */
		plural(a, sizeof(a), h / 24, "day");
		if (h % 24)
			plural(b, sizeof(b), h % 24, "hour");
	}
	snprintf(buf, bufsz, "%s%s%s%s", seconds < 0 ? "-" : "", a, b[0] ? " " : "", b);
}

static int rate_fail(char *err, size_t errsz, const char *what, const char *shown)
{
	snprintf(err, errsz, "%s '%s'; " RATE_HINT, what, shown);
	return -1;
}

static bool slice_is(const char *p, const char *end, const char *word)
{
	size_t n = strlen(word);

	return (size_t)(end - p) == n && memcmp(p, word, n) == 0;
}

int rate_parse(const char *s, struct rate *out, char *err, size_t errsz)
{
	char shown[TEXT_QUOTE_SIZE];
	struct rate r = { 0, 1 };
	size_t len;
	const char *p = text_trim(s, &len), *end = p + len, *q = p;

	if (len == 0) {
		snprintf(err, errsz, "empty rate; " RATE_HINT);
		return -1;
	}
	text_quote(p, len, shown);
	if (read_number(&q, end, RATE_MAX_COUNT, &r.count) == 0)
		return rate_fail(err, errsz, "invalid rate", shown);
	if (q == end && r.count != 0)
		return rate_fail(err, errsz, "no /s or /min in rate", shown);
	if (q == end) {
		*out = r;	/* "0": no limit */
		return 0;
	}
	if (slice_is(q, end, "/s"))
		r.per_seconds = 1;
	else if (slice_is(q, end, "/min"))
		r.per_seconds = MINUTE;
	else if (*q == '/')
		return rate_fail(err, errsz, "unknown period in rate", shown);
	else
		return rate_fail(err, errsz, "invalid rate", shown);
	if (r.count == 0)
		return rate_fail(err, errsz, "zero requests in rate", shown);
	if (r.count > RATE_MAX_COUNT) {
		snprintf(err, errsz, "rate '%s' is too high; at most %d per second or minute, "
			 "or 0 for no limit", shown, RATE_MAX_COUNT);
		return -1;
	}
	*out = r;
	return 0;
}

int64_t rate_interval_us(const struct rate *r)
{
	if (r->count <= 0)
		return 0;
	/* rate_parse keeps per_seconds at a minute or less: this cannot overflow. */
	return r->per_seconds * US_PER_SECOND / r->count;
}
