/*
 * timefmt: RFC 3339 UTC timestamps, month names, digit runs and number
 * formatting. The calendar is
 * pure arithmetic, so neither TZ nor the C library's time zone code can
 * shift a snapshot's time. Pure, no I/O.
 */
#include "array.h"
#include "text.h"
#include "timefmt.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#define SECONDS_PER_DAY 86400
/* 9999-12-31T23:59:59Z: the last instant with a four-digit year. */
#define EPOCH_MAX INT64_C(253402300799)


#define TIME_HINT "use RFC 3339 UTC such as 2026-05-22T06:00:00Z, or @EPOCH"

/* "2026-05-22T06:00:00": digits everywhere except these separators. */
static const char layout[] = "dddd-dd-ddTdd:dd:dd";
#define LAYOUT_LEN (sizeof(layout) - 1)

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int64_t y, int m)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

int64_t time_days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* The inverse: the date of a day count since 1970-01-01 (civil_from_days). */
static void civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
	int64_t era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

static const char *const month_names[] = {
	"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
};

#define N_MONTHS (ARRAY_SIZE(month_names))

int time_month_from_name(const char *name)
{
	for (size_t i = 0; i < N_MONTHS; i++)
		if (strcmp(month_names[i], name) == 0)
			return (int)i + 1;
	return 0;
}

const char *time_month_name(int m)
{
	return m >= 1 && m <= (int)N_MONTHS ? month_names[m - 1] : "";
}

size_t parse_digits(const char *s, size_t max, int64_t *value)
{
	size_t n;
	int64_t v = 0;

	for (n = 0; n < max && is_digit(s[n]); n++) {
		int digit = s[n] - '0';

		if (v >= 0)
			v = v > (INT64_MAX - digit) / 10 ? -1 : v * 10 + digit;
	}
	*value = v;
	return n;
}

/* The number in s[at .. at+n), known to be digits (at most 4: it fits an int). */
static int field(const char *s, size_t at, size_t n)
{
	int64_t v;

	parse_digits(s + at, n, &v);
	return (int)v;
}

static bool matches_layout(const char *s, size_t len)
{
	size_t i;

	if (len < LAYOUT_LEN)
		return false;
	for (i = 0; i < LAYOUT_LEN; i++) {
		if (layout[i] == 'd' ? !is_digit(s[i]) : s[i] != layout[i])
			return false;
	}
	return true;
}

/* Only UTC is accepted; say so when the text carries some other zone or none. */
static int check_zone(const char *zone, size_t n, const char *shown, char *err, size_t errsz)
{
	if ((n == 1 && zone[0] == 'Z') || (n == 6 && memcmp(zone, "+00:00", 6) == 0))
		return 0;
	if (n == 0)
		snprintf(err, errsz, "time '%s' has no time zone; add Z for UTC", shown);
	else if (n == 6 && (zone[0] == '+' || zone[0] == '-') && zone[3] == ':')
		snprintf(err, errsz, "time '%s' is not UTC; use Z or +00:00", shown);
	else
		snprintf(err, errsz, "invalid time '%s'; " TIME_HINT, shown);
	return -1;
}

static int range_error(const char *what, int value, const char *shown, char *err, size_t errsz)
{
	snprintf(err, errsz, "invalid %s %02d in '%s'", what, value, shown);
	return -1;
}

static int parse_rfc3339(const char *s, size_t len, const char *shown, int64_t *epoch,
			 char *err, size_t errsz)
{
	int64_t y;
	int mo, d, h, mi, sec;
	size_t zone = LAYOUT_LEN;

	if (!matches_layout(s, len)) {
		snprintf(err, errsz, "invalid time '%s'; " TIME_HINT, shown);
		return -1;
	}
	/* RFC 3339's fraction of a second: at least one digit, dropped (the clock counts seconds). */
	if (zone < len && s[zone] == '.') {
		size_t digits = 0;

		while (zone + 1 + digits < len && is_digit(s[zone + 1 + digits]))
			digits++;
		if (digits == 0) {
			snprintf(err, errsz, "invalid time '%s'; " TIME_HINT, shown);
			return -1;
		}
		zone += 1 + digits;
	}
	if (check_zone(s + zone, len - zone, shown, err, errsz) < 0)
		return -1;
	y = field(s, 0, 4);
	mo = field(s, 5, 2);
	d = field(s, 8, 2);
	h = field(s, 11, 2);
	mi = field(s, 14, 2);
	sec = field(s, 17, 2);
	if (mo < 1 || mo > 12)
		return range_error("month", mo, shown, err, errsz);
	if (d < 1 || d > days_in_month(y, mo))
		return range_error("day", d, shown, err, errsz);
	if (h > 23)
		return range_error("hour", h, shown, err, errsz);
	if (mi > 59)
		return range_error("minute", mi, shown, err, errsz);
	/* No leap seconds: the clock they would feed counts none either. */
	if (sec > 59)
		return range_error("second", sec, shown, err, errsz);
	*epoch = time_days_from_civil(y, mo, d) * SECONDS_PER_DAY + h * 3600 + mi * 60 + sec;
	return 0;
}

static int parse_at_epoch(const char *s, size_t len, const char *shown, int64_t *epoch,
			  char *err, size_t errsz)
{
	char digits[24];
	int64_t v;

	/* Longer than any int64 (leading zeros aside) is junk or out of range anyway. */
	if (len - 1 >= sizeof(digits) || len < 2) {
		snprintf(err, errsz, "invalid time '%s'; " TIME_HINT, shown);
		return -1;
	}
	memcpy(digits, s + 1, len - 1);
	digits[len - 1] = '\0';
	if (parse_uint63(digits, &v) < 0 || v > EPOCH_MAX) {
		snprintf(err, errsz, "invalid time '%s'; @EPOCH takes seconds from 0 to %" PRId64,
			 shown, EPOCH_MAX);
		return -1;
	}
	*epoch = v;
	return 0;
}

int time_parse(const char *s, int64_t *epoch, char *err, size_t errsz)
{
	char shown[TEXT_QUOTE_SIZE];
	size_t len;
	const char *p = text_trim(s, &len);

	text_quote(p, len, shown);
	if (len == 0) {
		snprintf(err, errsz, "empty time; " TIME_HINT);
		return -1;
	}
	if (p[0] == '@')
		return parse_at_epoch(p, len, shown, epoch, err, errsz);
	return parse_rfc3339(p, len, shown, epoch, err, errsz);
}

void time_format(int64_t epoch, char *buf)
{
	int64_t days = epoch / SECONDS_PER_DAY, secs = epoch % SECONDS_PER_DAY, y;
	int m, d;

	/* C division truncates toward zero; the calendar wants the floor. */
	if (secs < 0) {
		secs += SECONDS_PER_DAY;
		days--;
	}
	civil_from_days(days, &y, &m, &d);
	snprintf(buf, TIME_BUF_SIZE, "%04" PRId64 "-%02d-%02dT%02d:%02d:%02dZ", y, m, d,
		 (int)(secs / 3600), (int)(secs / 60 % 60), (int)(secs % 60));
}

void fmt_thousands(int64_t n, char *buf, size_t bufsz)
{
	char rev[32];
	char text[32];
	size_t len = 0, i, pos = 0;
	/* The magnitude in unsigned, where INT64_MIN has one too. */
	uint64_t u = n < 0 ? (uint64_t)0 - (uint64_t)n : (uint64_t)n;

	do {
		if (len % 4 == 3)
			rev[len++] = ',';
		rev[len++] = (char)('0' + u % 10);
		u /= 10;
	} while (u > 0);
	if (n < 0)
		text[pos++] = '-';
	for (i = len; i > 0; i--)
		text[pos++] = rev[i - 1];
	text[pos] = '\0';
	if (bufsz > 0)
		snprintf(buf, bufsz, "%s", text);
}

int parse_uint63(const char *s, int64_t *out)
{
	int64_t v;
	size_t n;

	if (!s || (n = parse_digits(s, SIZE_MAX, &v)) == 0 || s[n] != '\0' || v < 0)
		return -1;
	*out = v;
	return 0;
}
