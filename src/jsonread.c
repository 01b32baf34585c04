/* jsonread: the JSON export's rows, back into snapshots through csvread's checks. */
#include <cjson/cJSON.h>
#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "jsonread.h"
#include "text.h"

/* Beyond 2^53 a JSON number is not held exactly; the CSV export keeps such counts. */
#define JSON_EXACT_MAX 9007199254740992.0

/* The longest field text: a digit string up to 2^63-1, or a tag of 100 characters. */
#define FIELD_SIZE 512

static const char *const keys[SNAPCOL_COUNT] = {
	[SNAPCOL_HASHTAG] = "hashtag", [SNAPCOL_TS] = "ts", [SNAPCOL_VIDEOS] = "video_count",
	[SNAPCOL_VIEWS] = "view_count", [SNAPCOL_SOURCE] = "source",
};

int json_rows_parse(struct json_rows *r, const char *text, char *err, size_t errsz)
{
	const char *end = NULL;
	cJSON *root;

	*r = (struct json_rows){ 0 };
	root = cJSON_ParseWithOpts(text, &end, 1);
	if (!root) {
		size_t line = 1;

		for (const char *p = text; end && p < end; p++)
			line += *p == '\n';
		snprintf(err, errsz, "line %zu: not valid JSON", line);
		return -1;
	}
	r->root = root;
	if (!cJSON_IsArray(root)) {
		snprintf(err, errsz, "not a JSON array of snapshots as 'export --format json' writes");
		return -1;
	}
	r->next = root->child;
	return 0;
}

/* A value as the CSV field it stands for: null is empty, a number its digits. */
static int field_text(const cJSON *v, const char *key, bool number_ok, char *buf,
		      char *err, size_t errsz)
{
	double d;

	buf[0] = '\0';
	if (!v || cJSON_IsNull(v))
		return 0;
	if (cJSON_IsString(v)) {
		if (strlen(v->valuestring) >= FIELD_SIZE) {
			snprintf(err, errsz, "%s is longer than %d bytes", key, FIELD_SIZE - 1);
			return -1;
		}
		snprintf(buf, FIELD_SIZE, "%s", v->valuestring);
		return 0;
	}
	if (!number_ok || !cJSON_IsNumber(v)) {
		snprintf(err, errsz, "%s is not %s", key, number_ok ? "a number, a string or null"
								   : "a string");
		return -1;
	}
	d = v->valuedouble;
	if (d != floor(d) || fabs(d) > JSON_EXACT_MAX) {
		snprintf(err, errsz, d == floor(d)
			 ? "%s %.17g is beyond 2^53 and not exact in JSON; import the CSV export"
			 : "%s %.17g is not a whole number", key, d);
		return -1;
	}
	snprintf(buf, FIELD_SIZE, "%" PRId64, (int64_t)d);
	return 0;
}

/* Every key known and once; hashtag, ts and both counts present. */
static int check_keys(const cJSON *obj, char *err, size_t errsz)
{
	bool seen[SNAPCOL_COUNT] = { false };
	char shown[TEXT_QUOTE_SIZE];

	for (const cJSON *m = obj->child; m; m = m->next) {
		int c = 0;

		while (c < SNAPCOL_COUNT && strcmp(m->string, keys[c]) != 0)
			c++;
		if (c == SNAPCOL_COUNT) {
			snprintf(err, errsz, "unknown key '%s'; expected hashtag, ts, video_count, "
				 "view_count and optionally source",
				 text_quote(m->string, strlen(m->string), shown));
			return -1;
		}
		if (seen[c]) {
			snprintf(err, errsz, "key '%s' appears twice", keys[c]);
			return -1;
		}
		seen[c] = true;
	}
	for (int c = 0; c < SNAPCOL_SOURCE; c++) {
		if (!seen[c]) {
			snprintf(err, errsz, "no '%s'", keys[c]);
			return -1;
		}
	}
	return 0;
}

int json_rows_next(struct json_rows *r, struct snap_row *out, char *err, size_t errsz)
{
	static const struct snap_header header = { .at = { 0, 1, 2, 3, 4 },
						   .nfields = SNAPCOL_COUNT };
	char text[SNAPCOL_COUNT][FIELD_SIZE];
	char *fields[SNAPCOL_COUNT];
	cJSON *obj = r->next;

	if (!obj)
		return 0;
	if (obj != ((cJSON *)r->root)->child)
		r->index++;
	r->next = obj->next;
	if (!cJSON_IsObject(obj)) {
		snprintf(err, errsz, "not an object with hashtag, ts, video_count, view_count");
		return -1;
	}
	if (check_keys(obj, err, errsz))
		return -1;
	for (int c = 0; c < SNAPCOL_COUNT; c++) {
		fields[c] = text[c];
		if (field_text(cJSON_GetObjectItemCaseSensitive(obj, keys[c]), keys[c],
			       c >= SNAPCOL_VIDEOS, text[c], err, errsz))
			return -1;
	}
	return snap_row_parse(fields, SNAPCOL_COUNT, &header, out, err, errsz) ? -1 : 1;
}

void json_rows_release(struct json_rows *r)
{
	cJSON_Delete(r->root);
	*r = (struct json_rows){ 0 };
}
