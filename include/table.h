/* table: rows of text cells printed as aligned columns or as CSV. Pure. */
#ifndef HASHTRACK_TABLE_H
#define HASHTRACK_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct column {
	const char *title;      /* table heading; NULL: CSV only */
	const char *csv;        /* CSV header field; NULL: table only */
	bool right;             /* right-align (numbers) */
};

struct table {
	const struct column *cols;
	size_t ncols;
	char **cells;           /* nrows * ncols, row by row; NULL is empty */
	const char **styles;    /* the same layout: an SGR code such as "1;31", or NULL */
	size_t nrows, cap;
	bool failed;            /* an allocation failed; printing reports it */
};

void table_init(struct table *t, const struct column *cols, size_t ncols);
void table_release(struct table *t);
/* Start a new row of empty cells. */
void table_add_row(struct table *t);
/* Set column col of the last row. */
void table_set(struct table *t, size_t col, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/*
 * Give column col of the last row a terminal style, an SGR parameter string
 * such as "1;31" (bold red) that must outlive the table. Only
 * table_print_color with color true shows it.
 */
void table_style(struct table *t, size_t col, const char *sgr);
/*
 * Aligned columns padded by display width (a CJK character takes two
 * columns, a combining mark none), or CSV with a header row. Returns 0 or -1.
 */
int table_print(const struct table *t, FILE *f);
/* table_print, with bold headings and the cells' styles when color is true. */
int table_print_color(const struct table *t, FILE *f, bool color);
int table_print_csv(const struct table *t, FILE *f);
/*
 * CSV in pieces, for rows that stream by: the header once, then the rows
 * added since the last table_clear (which drops them, keeping the columns).
 */
int table_print_csv_head(const struct table *t, FILE *f);
int table_print_csv_body(const struct table *t, FILE *f);
void table_clear(struct table *t);

#endif
