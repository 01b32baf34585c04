/* csvread: records of the import CSV, split, named and checked. */
#include "csvread.h"
#include "text.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "timefmt.h"

/* Values quoted in messages are cut to this many bytes so a message stays one line. */

static const char *const col_names[SNAPCOL_COUNT] = {
	[SNAPCOL_HASHTAG] = "hashtag", [SNAPCOL_TS] = "ts", [SNAPCOL_VIDEOS] = "video_count",
	[SNAPCOL_VIEWS] = "view_count", [SNAPCOL_SOURCE] = "source",
};

#define COLUMNS_HINT "expected hashtag,ts,video_count,view_count[,source]"

size_t csv_chomp(char *line, size_t len)
{
	if (len > 0 && line[len - 1] == '\n')
		line[--len] = '\0';
	if (len > 0 && line[len - 1] == '\r')
		line[--len] = '\0';
	return len;
}

/* A quoted field starting at *p (just after its opening quote), unquoted into *out. */
static int split_quoted(char **p, char **out, char *err, size_t errsz)
{
	char *r = *p, *w = *p;

	for (;;) {
		if (*r == '\0') {
			snprintf(err, errsz, "a quoted field has no closing quote");
			return -1;
		}
		if (*r == '"' && r[1] == '"') {
			*w++ = '"';
			r += 2;
		} else if (*r == '"') {
			r++;
			break;
		} else {
			*w++ = *r++;
		}
	}
	if (*r != ',' && *r != '\0') {
		snprintf(err, errsz, "text follows a closing quote");
		return -1;
	}
	*w = '\0';
	*out = r;       /* at the separator or the end */
	return 0;
}

int csv_split(char *line, char **fields, size_t max, char *err, size_t errsz)
{
	char *p = line, *end;
	size_t n = 0;

	for (;;) {
		if (n == max) {
			snprintf(err, errsz, "more than %zu fields", max);
			return -1;
		}
		if (*p == '"') {
			fields[n++] = ++p;
			if (split_quoted(&p, &end, err, errsz))
				return -1;
			p = end;
		} else {
			fields[n++] = p;
			p += strcspn(p, ",\"");
			if (*p == '"') {
				snprintf(err, errsz, "a quote inside an unquoted field");
				return -1;
			}
		}
		if (*p == '\0')
			return (int)n;
		*p++ = '\0';    /* the comma ends this field */
	}
}

/* s without surrounding spaces and tabs, in place. */
static char *trim(char *s)
{
	size_t len;

	while (*s == ' ' || *s == '\t')
		s++;
	len = strlen(s);
	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		s[--len] = '\0';
	return s;
}

static int column_of(const char *name)
{
	for (int c = 0; c < SNAPCOL_COUNT; c++)
		if (strcasecmp(name, col_names[c]) == 0)
			return c;
	return -1;
}

int snap_header_parse(char *const *fields, size_t n, struct snap_header *h,
		      char *err, size_t errsz)
{
	for (int c = 0; c < SNAPCOL_COUNT; c++)
		h->at[c] = -1;
	h->nfields = n;
	for (size_t i = 0; i < n; i++) {
		const char *name = trim(fields[i]);
		int c = column_of(name);
		char shown[TEXT_QUOTE_SIZE];

		if (c < 0) {
			snprintf(err, errsz, "unknown column '%s' in the header; " COLUMNS_HINT,
				 text_quote(name, strlen(name), shown));
			return -1;
		}
		if (h->at[c] >= 0) {
			snprintf(err, errsz, "column '%s' appears twice in the header", col_names[c]);
			return -1;
		}
		h->at[c] = (int)i;
	}
	for (int c = 0; c < SNAPCOL_SOURCE; c++) {
		if (h->at[c] < 0) {
			snprintf(err, errsz, "the header has no '%s' column; " COLUMNS_HINT,
				 col_names[c]);
			return -1;
		}
	}
	return 0;
}

/* A count, or empty for one the API did not tell (unknown, never 0). */
static int parse_count(const char *name, char *text, int64_t *out, char *err, size_t errsz)
{
	const char *s = trim(text);
	char shown[TEXT_QUOTE_SIZE];

	*out = COUNT_UNKNOWN;
	if (*s == '\0' || parse_uint63(s, out) == 0)
		return 0;
	snprintf(err, errsz, "%s '%s' is not a whole number from 0 to %lld", name,
		 text_quote(s, strlen(s), shown), (long long)INT64_MAX);
	return -1;
}

static int parse_source(char *text, int *out, char *err, size_t errsz)
{
	const char *s = trim(text);
	char shown[TEXT_QUOTE_SIZE];

	*out = 0;       /* empty: imported, compares with any shape */
	if (*s == '\0')
		return 0;
	if (s[0] >= '1' && s[0] <= '6' && s[1] == '\0') {
		*out = s[0] - '0';
		return 0;
	}
	snprintf(err, errsz, "source '%s' is not a response shape 1 to 6, or empty",
		 text_quote(s, strlen(s), shown));
	return -1;
}

int snap_row_parse(char *const *fields, size_t n, const struct snap_header *h,
		   struct snap_row *out, char *err, size_t errsz)
{
	char why[256];

	if (n != h->nfields) {
		snprintf(err, errsz, "%zu field%s where the header has %zu", n, n == 1 ? "" : "s",
			 h->nfields);
		return -1;
	}
	if (tag_normalize(fields[h->at[SNAPCOL_HASHTAG]], out->tag, why, sizeof(why))) {
		snprintf(err, errsz, "hashtag: %s", why);
		return -1;
	}
	if (time_parse(fields[h->at[SNAPCOL_TS]], &out->s.ts, why, sizeof(why))) {
		snprintf(err, errsz, "ts: %s", why);
		return -1;
	}
	if (parse_count("video_count", fields[h->at[SNAPCOL_VIDEOS]], &out->s.videos, err, errsz) ||
	    parse_count("view_count", fields[h->at[SNAPCOL_VIEWS]], &out->s.views, err, errsz))
		return -1;
	if (!count_known(out->s.videos) && !count_known(out->s.views)) {
		snprintf(err, errsz, "video_count and view_count are both empty; a snapshot needs one");
		return -1;
	}
	if (h->at[SNAPCOL_SOURCE] < 0) {
		out->s.source = 0;
		return 0;
	}
	return parse_source(fields[h->at[SNAPCOL_SOURCE]], &out->s.source, err, errsz);
}
