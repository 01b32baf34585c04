/*
 * report_out: the report's rows as an aligned table, CSV, JSON, or a
 * self-contained HTML page (through html.c). Pure: writes to the FILE it
 * is given.
 */
#ifndef HASHTRACK_REPORT_OUT_H
#define HASHTRACK_REPORT_OUT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "report.h"

enum report_format { REPORT_TABLE, REPORT_CSV, REPORT_JSON, REPORT_HTML };

struct report_meta {
	int64_t generated_at;
	int64_t window;                 /* seconds */
	const char *version;            /* hashtrack's, for the HTML page's footer */
	bool color;                     /* the table may use colour */
};

/* Parse a --format value; returns 0 or -1. */
int report_format_parse(const char *s, enum report_format *out);

/* Write r in fmt. Returns 0, or -1 when out of memory or writing failed. */
int report_write(FILE *f, enum report_format fmt, const struct report *r,
		 const struct report_meta *m);

#endif
