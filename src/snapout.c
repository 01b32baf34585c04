/* snapout: history and export rows, CSV or JSON, written as they come. */
#include "snapout.h"

#include <inttypes.h>

#include "jsonout.h"
#include "timefmt.h"

static const char csv_header[] = "hashtag,ts,video_count,view_count,source\n";

void snapout_begin(struct snapout *o, FILE *f, enum snapout_format fmt)
{
	*o = (struct snapout){ .f = f, .fmt = fmt };
	fputs(fmt == SNAPOUT_CSV ? csv_header : "[", f);
}

/* A JSON string; tags are letters, digits and _, but the database may say otherwise. */
static void json_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

/* A count's digits, or what stands for an unknown one. */
static void count_out(FILE *f, int64_t count, const char *unknown)
{
	if (count_known(count))
		fprintf(f, "%" PRId64, count);
	else
		fputs(unknown, f);
}

static void json_row(struct snapout *o, const char *tag, const struct snapshot *s,
		     const char *when)
{
	FILE *f = o->f;

	fputs(o->rows ? ",\n  {\"hashtag\": " : "\n  {\"hashtag\": ", f);
	json_string(f, tag);
	fprintf(f, ", \"ts\": \"%s\", \"video_count\": ", when);
	count_out(f, s->videos, "null");
	fputs(", \"view_count\": ", f);
	count_out(f, s->views, "null");
	if (s->source)
		fprintf(f, ", \"source\": %d}", s->source);
	else
		fputs(", \"source\": null}", f);
}

void snapout_row(struct snapout *o, const char *tag, const struct snapshot *s)
{
	char when[TIME_BUF_SIZE];

	time_format(s->ts, when);
	if (o->fmt == SNAPOUT_JSON) {
		json_row(o, tag, s, when);
	} else {
		csv_field(o->f, tag, false);
		fprintf(o->f, "%s,", when);
		count_out(o->f, s->videos, "");
		fputc(',', o->f);
		count_out(o->f, s->views, "");
		fputc(',', o->f);
		if (s->source)
			fprintf(o->f, "%d", s->source);
		fputc('\n', o->f);
	}
	o->rows++;
}

int snapout_end(struct snapout *o)
{
	if (o->fmt == SNAPOUT_JSON)
		fputs(o->rows ? "\n]\n" : "]\n", o->f);
	return ferror(o->f) ? -1 : 0;
}
