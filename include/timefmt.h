/*
 * timefmt: RFC 3339 UTC timestamps, month names, digit runs and human
 * number formatting. Pure.
 */
#ifndef HASHTRACK_TIMEFMT_H
#define HASHTRACK_TIMEFMT_H

#include <stddef.h>
#include <stdint.h>

#define TIME_BUF_SIZE 32

/*
 * Parse "2026-05-22T06:00:00Z" (UTC only, 'Z' or "+00:00"), or "@EPOCH".
 * Returns 0, or -1 with a reason in err.
 */
int time_parse(const char *s, int64_t *epoch, char *err, size_t errsz);

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil). */
int64_t time_days_from_civil(int64_t y, int m, int d);

/* Format epoch seconds as "2026-05-22T06:00:00Z" into buf (TIME_BUF_SIZE). */
void time_format(int64_t epoch, char *buf);

/* Integer with thousands separators: -1234567 -> "-1,234,567". buf >= 32. */
void fmt_thousands(int64_t n, char *buf, size_t bufsz);

/* Parse a decimal string of digits only into a non-negative int64; -1 on overflow/junk. */
int parse_uint63(const char *s, int64_t *out);

/*
 * Read the run of ASCII digits at s, at most max of them (SIZE_MAX: the
 * whole run), into *value, which is -1 when the number exceeds INT64_MAX:
 * each caller decides whether that saturates or is an error. Returns how
 * many digits were read; 0, with *value 0, when s starts with none.
 */
size_t parse_digits(const char *s, size_t max, int64_t *value);

/* The month (1 to 12) of its English three-letter name as written: "Jan"; 0 for any other text. */
int time_month_from_name(const char *name);

/* The English three-letter name of month m (1 to 12): "Jan"; "" for any other m. */
const char *time_month_name(int m);

#endif
