/* table: collect text cells, then print them aligned or as CSV. */
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "jsonout.h"
#include "table.h"

void table_init(struct table *t, const struct column *cols, size_t ncols)
{
	*t = (struct table){ .cols = cols, .ncols = ncols };
}

void table_release(struct table *t)
{
	for (size_t i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	free(t->cells);
	free(t->styles);
	*t = (struct table){ 0 };
}

void table_clear(struct table *t)
{
	for (size_t i = 0; i < t->nrows * t->ncols; i++) {
		free(t->cells[i]);
		t->cells[i] = NULL;
	}
	t->nrows = 0;
}

void table_add_row(struct table *t)
{
	if (t->failed)
		return;
	if (t->nrows == t->cap) {
		size_t ncap = t->cap ? t->cap * 2 : 16;
		char **grown = realloc(t->cells, ncap * t->ncols * sizeof(*grown));
		const char **styles;

		if (!grown) {
			t->failed = true;
			return;
		}
		t->cells = grown;
		styles = realloc(t->styles, ncap * t->ncols * sizeof(*styles));
		if (!styles) {
			t->failed = true;
			return;
		}
		t->styles = styles;
		t->cap = ncap;
	}
	memset(t->cells + t->nrows * t->ncols, 0, t->ncols * sizeof(*t->cells));
	memset(t->styles + t->nrows * t->ncols, 0, t->ncols * sizeof(*t->styles));
	t->nrows++;
}

void table_set(struct table *t, size_t col, const char *fmt, ...)
{
	char **cell;
	va_list ap;
	int len;

	if (t->failed || !t->nrows || col >= t->ncols)
		return;
	cell = &t->cells[(t->nrows - 1) * t->ncols + col];
	va_start(ap, fmt);
	len = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	free(*cell);
	*cell = len >= 0 ? malloc((size_t)len + 1) : NULL;
	if (!*cell) {
		t->failed = true;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(*cell, (size_t)len + 1, fmt, ap);
	va_end(ap);
}

void table_style(struct table *t, size_t col, const char *sgr)
{
	if (t->failed || !t->nrows || col >= t->ncols)
		return;
	t->styles[(t->nrows - 1) * t->ncols + col] = sgr;
}

static const char *cell(const struct table *t, size_t row, size_t col)
{
	const char *s = t->cells[row * t->ncols + col];

	return s ? s : "";
}

/*
 * Display width in terminal columns: East Asian wide characters take two,
 * combining marks and controls none. A byte that is not valid UTF-8 counts
 * as one column, as terminals show it as a replacement character.
 */
static size_t width(const char *s)
{
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
	utf8proc_int32_t cp;
	utf8proc_ssize_t n;
	size_t w = 0;

	while (*p) {
		n = utf8proc_iterate(p, -1, &cp);
		if (n <= 0) {
			w++;
			p++;
			continue;
		}
		w += (size_t)utf8proc_charwidth(cp);
		p += n;
	}
	return w;
}

/* The text, wrapped in its style when it has one; padding stays outside it. */
static void put_styled(FILE *f, const char *s, const char *sgr)
{
	if (sgr && *s)
		fprintf(f, "\033[%sm%s\033[0m", sgr, s);
	else
		fputs(s, f);
}

static void print_cell(FILE *f, const char *s, const char *sgr, size_t w, bool right,
		       bool last)
{
	int pad = (int)(w - width(s));

	if (right)
		fprintf(f, "%*s", pad, "");
	put_styled(f, s, sgr);
	if (!right && !last)
		fprintf(f, "%*s", pad, "");
	fputs(last ? "\n" : "  ", f);
}

/* The last column shown in the format; it ends the line. */
static size_t last_col(const struct table *t, bool csv)
{
	size_t last = 0;

	for (size_t c = 0; c < t->ncols; c++)
		if (csv ? t->cols[c].csv != NULL : t->cols[c].title != NULL)
			last = c;
	return last;
}

/* One line of cells; row SIZE_MAX is the headings. */
static void print_line(const struct table *t, FILE *f, const size_t *w, size_t row,
		       bool color)
{
	size_t last = last_col(t, false);
	const char *sgr;

	for (size_t c = 0; c < t->ncols; c++) {
		if (!t->cols[c].title)
			continue;
		sgr = !color ? NULL : row == SIZE_MAX ? "1" : t->styles[row * t->ncols + c];
		print_cell(f, row == SIZE_MAX ? t->cols[c].title : cell(t, row, c), sgr, w[c],
			   t->cols[c].right, c == last);
	}
}

int table_print(const struct table *t, FILE *f)
{
	return table_print_color(t, f, false);
}

int table_print_color(const struct table *t, FILE *f, bool color)
{
	size_t *w;

	if (t->failed || !(w = calloc(t->ncols, sizeof(*w))))
		return -1;
	for (size_t c = 0; c < t->ncols; c++) {
		w[c] = t->cols[c].title ? width(t->cols[c].title) : 0;
		for (size_t r = 0; r < t->nrows; r++)
			if (width(cell(t, r, c)) > w[c])
				w[c] = width(cell(t, r, c));
	}
	print_line(t, f, w, SIZE_MAX, color);
	for (size_t r = 0; r < t->nrows; r++)
		print_line(t, f, w, r, color);
	free(w);
	return 0;
}

int table_print_csv_head(const struct table *t, FILE *f)
{
	size_t last = last_col(t, true);

	for (size_t c = 0; c < t->ncols; c++)
		if (t->cols[c].csv)
			csv_field(f, t->cols[c].csv, c == last);
	return 0;
}

int table_print_csv_body(const struct table *t, FILE *f)
{
	size_t last = last_col(t, true);

	if (t->failed)
		return -1;
	for (size_t r = 0; r < t->nrows; r++)
		for (size_t c = 0; c < t->ncols; c++)
			if (t->cols[c].csv)
				csv_field(f, cell(t, r, c), c == last);
	return 0;
}

int table_print_csv(const struct table *t, FILE *f)
{
	if (t->failed)
		return -1;
	table_print_csv_head(t, f);
	return table_print_csv_body(t, f);
}
