/*
 * cmd_export: every snapshot out as CSV or JSON, and back in from CSV.
 * Export streams (a year of thousands of tags never sits in memory); import
 * is one transaction, so a bad row leaves the database as it was.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "array.h"
#include "csvread.h"
#include "jsonread.h"
#include "msg.h"
#include "snapout.h"
#include "timefmt.h"

/* A snapshot row is a few hundred bytes at most (a tag is up to 400); a longer line is junk. */
#define IMPORT_MAX_LINE 4096
#define IMPORT_MAX_LINE_TEXT "4096"

/* ---- export ------------------------------------------------------------- */

static const char export_usage[] = "usage: hashtrack export [--since DUR] [--format csv|json]\n";

static void export_help(void)
{
	printf("%s\nEvery snapshot of every hashtag in the database, tracked or removed, by\n"
	       "hashtag then time, with the columns hashtag,ts,video_count,view_count,source\n"
	       "(ts in RFC 3339 UTC; source the response shape 1-5, empty or null when the\n"
	       "snapshot was imported). `hashtrack import` reads the CSV back.\n\n"
	       "  --since DUR    only snapshots taken in the last DUR (e.g. 30d)\n"
	       "  --format FMT   csv (default) or json\n\n"
	       "example:\n  hashtrack export > backup.csv\n", export_usage);
}

static int export_row(void *arg, const char *tag, const struct snapshot *s)
{
	snapout_row(arg, tag, s);
	return 0;
}

static int parse_export_format(const char *s, enum snapout_format *out)
{
	if (strcmp(s, "csv") == 0)
		*out = SNAPOUT_CSV;
	else if (strcmp(s, "json") == 0)
		*out = SNAPOUT_JSON;
	else
		return error("export: unknown format '%s'; use csv or json", s);
	return 0;
}

int cmd_export(struct cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "since", required_argument, NULL, 's' },
		COMMON_OPTIONS,
		{ 0 },
	};
	enum snapout_format fmt = SNAPOUT_CSV;
	int64_t since = INT64_MIN;
	struct snapout o;
	int c, rc;

	while ((c = cmd_getopt(ctx, argc, argv, longopts)) != -1) {
		if (c == 'f' && parse_export_format(optarg, &fmt) == 0)
			continue;
		if (c == 'f')
			return EXIT_USAGE;
		if (c == 's' && parse_since(ctx, "export", optarg, &since) == 0)
			continue;
		if (c == 's')
			return EXIT_USAGE;
		if (c == 'h')
			return export_help(), EXIT_SUCCESS;
		return usage_error("export", export_usage);
	}
	if (optind < argc) {
		error("export: unexpected argument '%s'", argv[optind]);
		return usage_error("export", export_usage);
	}
	if ((rc = open_store_readonly(ctx)))
		return rc;
	snapout_begin(&o, stdout, fmt);
	rc = store_each_snapshot(ctx->st, NULL, since, export_row, &o);
	snapout_end(&o);
	if (rc)
		return error("export: %s", store_error(ctx->st)), EXIT_FAILURE;
	return EXIT_SUCCESS;
}

/* ---- import ------------------------------------------------------------- */

static const char import_usage[] = "usage: hashtrack import FILE|-\n";

static void import_help(void)
{
	printf("%s\nLoad snapshots from CSV with the columns export writes (FILE, or - for\n"
	       "standard input): a header naming hashtag, ts, video_count, view_count and\n"
	       "optionally source, in any order, then one snapshot a line. The JSON that\n"
	       "`export --format json` writes is read too (a file that starts with '[');\n"
	       "its bad rows are named by their index in the array, from 0.\n\n"
	       "A hashtag and time already in the database is skipped, so importing the\n"
	       "same file twice changes nothing. A bad line or row stops the import with a\n"
	       "message naming it, and nothing is imported (exit status 1).\n\n"
	       "A hashtag not in the database is created untracked: its history is kept\n"
	       "and `report TAG` and `history TAG` show it, but `run` fetches it only once\n"
	       "`hashtrack add TAG` starts tracking it.\n\n"
	       "example:\n  hashtrack export | ssh newhost hashtrack import -\n", import_usage);
}

struct import {
	const char *name;               /* the file as messages call it */
	struct snap_header header;
	bool has_header;
	size_t line, rows, added, skipped, new_tags;
	struct snap_row row;
};

/* Untracked tags named in the closing warning before "and N more". */
#define NAMED_NEW_TAGS 5

static int line_error(const struct import *im, const char *why)
{
	return error("import: %s:%zu: %s", im->name, im->line, why);
}

static int read_header(struct import *im, char **fields, int n)
{
	char why[256];

	if (snap_header_parse(fields, (size_t)n, &im->header, why, sizeof(why)))
		return line_error(im, why);
	im->has_header = true;
	return 0;
}

static int read_row(struct import *im, char **fields, int n)
{
	char why[512];

	if (snap_row_parse(fields, (size_t)n, &im->header, &im->row, why, sizeof(why)))
		return line_error(im, why);
	return 0;
}

static void name_untracked(struct import *im, const char *tag)
{
	if (im->new_tags++ < NAMED_NEW_TAGS)
		warn("import: #%s was not tracked; its history is kept, untracked "
		     "(start tracking it with 'hashtrack add %s')", tag, tag);
}

/* The checked row into the import's transaction, counted. */
static int import_row(struct import *im, struct store_import *si)
{
	bool added, new_tag;

	if (store_import_row(si, im->row.tag, &im->row.s, &added, &new_tag))
		return -1;
	if (new_tag)
		name_untracked(im, im->row.tag);
	im->rows++;
	if (added)
		im->added++;
	return 0;
}

/*
 * The end of an import that got to rc: when all went well, the rows out of
 * key order in and the counts made whole (what is not added was present);
 * then the import committed, or rolled back after any failure. Returns rc,
 * or -1 when the end failed (said why).
 */
static int import_finish(struct cmd_ctx *ctx, struct import *im, struct store_import *si,
			 int rc)
{
	size_t late;

	if (rc == 0 && store_import_flush(si, &late)) {
		rc = error("import: %s: %s", im->name, store_error(ctx->st));
	} else if (rc == 0) {
		im->added += late;
		im->skipped = im->rows - im->added;
	}
	if (store_import_end(si, rc == 0) && rc == 0)
		rc = error("import: %s", store_error(ctx->st));
	return rc;
}

/* One line of the file: the header, a blank line, or a snapshot. */
static int import_line(struct import *im, struct store_import *si, char *text, struct cmd_ctx *ctx)
{
	char *fields[CSV_MAX_FIELDS];
	char why[256];
	int n;

	if (*text == '\0')
		return 0;
	n = csv_split(text, fields, CSV_MAX_FIELDS, why, sizeof(why));
	if (n < 0)
		return line_error(im, why);
	if (!im->has_header)
		return read_header(im, fields, n);
	if (read_row(im, fields, n))
		return -1;
	if (import_row(im, si))
		return error("import: %s:%zu: %s", im->name, im->line, store_error(ctx->st));
	return 0;
}

/* The input, with the bytes read to tell JSON from CSV put back in front. */
struct import_in {
	FILE *f;
	char peeked[IMPORT_MAX_LINE];
	size_t npeeked, at;
};

static int in_getc(struct import_in *in)
{
	if (in->at < in->npeeked)
		return (unsigned char)in->peeked[in->at++];
	return getc_unlocked(in->f);
}

/*
 * Read past a byte order mark and blank space, keeping what was read; the
 * first other byte is returned (and kept too). '[' there means JSON.
 */
static int peek_first(struct import_in *in)
{
	static const char bom[] = "\xEF\xBB\xBF";
	bool in_bom = true;
	int c;

	while (in->npeeked < sizeof(in->peeked) && (c = getc_unlocked(in->f)) != EOF) {
		in->peeked[in->npeeked] = (char)c;
		in_bom = in_bom && in->npeeked < 3 && c == (unsigned char)bom[in->npeeked];
		in->npeeked++;
		if (!in_bom && c != ' ' && c != '\t' && c != '\r' && c != '\n')
			return c;
	}
	return EOF;
}

/*
 * Read one line into buf (size bytes) without buffering an unbounded one.
 * Returns its length with the terminator, -1 at the end, -2 when it does not fit.
 */
static ssize_t read_line(struct import_in *in, char *buf, size_t size)
{
	size_t len = 0;
	int c;

	while ((c = in_getc(in)) != EOF) {
		if (len + 1 >= size)
			return -2;
		buf[len++] = (char)c;
		if (c == '\n')
			break;
	}
	buf[len] = '\0';
	return len == 0 && c == EOF ? -1 : (ssize_t)len;
}

static int import_csv(struct cmd_ctx *ctx, struct import_in *in, struct import *im)
{
	struct store_import *si;
	char text[IMPORT_MAX_LINE + 2];  /* the line, its newline and the NUL */
	ssize_t len;
	int rc = -1;

	if (store_import_begin(ctx->st, ctx->cfg.now, &si))
		return error("import: %s", store_error(ctx->st));
	while ((len = read_line(in, text, sizeof(text))) != -1) {
		size_t n;
		char *p = text;

		im->line++;
		if (len == -2) {
			line_error(im, "line longer than " IMPORT_MAX_LINE_TEXT " bytes");
			goto cleanup;
		}
		n = csv_chomp(text, (size_t)len);
		if (strlen(text) != n) {
			line_error(im, "a NUL byte; this is not a CSV text file");
			goto cleanup;
		}
		if (im->line == 1 && strncmp(p, "\xEF\xBB\xBF", 3) == 0)
			p += 3;         /* a byte order mark, as spreadsheets write */
		if (import_line(im, si, p, ctx))
			goto cleanup;
	}
	if (ferror(in->f)) {
		error("import: cannot read '%s': %s", im->name, strerror(errno));
		goto cleanup;
	}
	if (!im->has_header) {
		im->line = 1;
		line_error(im, "no header; expected hashtag,ts,video_count,view_count[,source]");
		goto cleanup;
	}
	rc = 0;
cleanup:
	return import_finish(ctx, im, si, rc);
}

/* All of the input, NUL-terminated, into *text (free() it); -1 said why. */
static int slurp(struct import_in *in, const char *name, char **text)
{
	size_t len = 0, cap = 0;
	int c;

	*text = NULL;
	while ((c = in_getc(in)) != EOF) {
		if (c == '\0') {
			free(*text);
			return error("import: %s: a NUL byte; this is not a JSON text file", name);
		}
		if (array_grow(text, &cap, len + 2, 1, 65536)) {
			free(*text);
			return error("out of memory");
		}
		(*text)[len++] = (char)c;
	}
	if (ferror(in->f)) {
		free(*text);
		return error("import: cannot read '%s': %s", name, strerror(errno));
	}
	(*text)[len] = '\0';
	return 0;
}

/* The JSON export, whole: rows are named by their index in its array. */
static int import_json(struct cmd_ctx *ctx, struct import_in *in, struct import *im)
{
	struct store_import *si;
	struct json_rows rows;
	char why[512];
	char *text;
	int rc = -1, got;

	if (slurp(in, im->name, &text))
		return -1;
	if (json_rows_parse(&rows, text, why, sizeof(why))) {
		error("import: %s: %s", im->name, why);
		json_rows_release(&rows);
		free(text);
		return -1;
	}
	free(text);
	if (store_import_begin(ctx->st, ctx->cfg.now, &si)) {
		json_rows_release(&rows);
		return error("import: %s", store_error(ctx->st));
	}
	while ((got = json_rows_next(&rows, &im->row, why, sizeof(why))) == 1) {
		if (import_row(im, si)) {
			error("import: %s[%zu]: %s", im->name, rows.index, store_error(ctx->st));
			goto cleanup;
		}
	}
	if (got < 0) {
		error("import: %s[%zu]: %s", im->name, rows.index, why);
		goto cleanup;
	}
	rc = 0;
cleanup:
	json_rows_release(&rows);
	return import_finish(ctx, im, si, rc);
}

static int import_stream(struct cmd_ctx *ctx, FILE *f, struct import *im)
{
	struct import_in *in = calloc(1, sizeof(*in));
	int rc;

	if (!in)
		return error("out of memory");
	in->f = f;
	rc = peek_first(in) == '[' ? import_json(ctx, in, im) : import_csv(ctx, in, im);
	free(in);
	return rc;
}

static void import_summary(struct cmd_ctx *ctx, const struct import *im)
{
	char added[32], skipped[32];

	fmt_thousands((int64_t)im->added, added, sizeof(added));
	fmt_thousands((int64_t)im->skipped, skipped, sizeof(skipped));
	if (im->new_tags > NAMED_NEW_TAGS)
		warn("import: and %zu more untracked hashtags; 'hashtrack list' shows the "
		     "tracked ones", im->new_tags - NAMED_NEW_TAGS);
	if (ctx->stdout_tty)
		printf("imported %s snapshots; %s already present\n", added, skipped);
	else
		note("imported %s snapshots; %s already present", added, skipped);
}

int cmd_import(struct cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		COMMON_OPTIONS,
		{ 0 },
	};
	struct import im = { 0 };
	const char *path;
	FILE *in;
	int c, rc;

	while ((c = cmd_getopt(ctx, argc, argv, longopts)) != -1) {
		if (c == 'h')
			return import_help(), EXIT_SUCCESS;
		return usage_error("import", import_usage);
	}
	if (argc - optind != 1) {
		error(argc == optind ? "import: which file? name one, or - for standard input"
				     : "import: one file at a time");
		return usage_error("import", import_usage);
	}
	path = argv[optind];
	in = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
	if (!in)
		return error("import: cannot open '%s': %s", path, strerror(errno)), EXIT_FAILURE;
	im.name = in == stdin ? "stdin" : path;
	rc = import_stream(ctx, in, &im);
	if (in != stdin)
		fclose(in);
	if (rc)
		return EXIT_FAILURE;
	import_summary(ctx, &im);
	return EXIT_SUCCESS;
}
