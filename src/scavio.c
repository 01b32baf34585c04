/*
 * scavio: the request body we send and the counts we read back. Scavio's
 * answers come in several shapes; this file is the one place that knows them.
 */
#include "scavio.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "text.h"

/* Above 2^52 a double cannot hold halves, above 2^53 not even every integer. */
#define HALVES_LOST 4503599627370496.0
#define EXACT_MAX 9007199254740992.0
#define EXACT_MAX_TEXT "9007199254740992"

/* Longest piece of an answer quoted back in a message. */
#define QUOTE_MAX 32

/* A response shape: the objects to descend into, then the two count keys. */
struct shape {
	int id;
	const char *path[5];    /* NULL-terminated */
	const char *videos, *views;
};

/* In the contract's order: exact counts first, rounded ones later. */
static const struct shape shapes[] = {
	{ 1, { "data", "challengeInfo", "statsV2", NULL }, "videoCount", "viewCount" },
	{ 2, { "data", "challengeInfo", "stats", NULL }, "videoCount", "viewCount" },
	{ 3, { "data", "stats", NULL }, "video_count", "view_count" },
	{ 4, { "data", NULL }, "videoCount", "viewCount" },
	{ 4, { "data", NULL }, "video_count", "view_count" },
	{ 5, { NULL }, "video_count", "view_count" },
	{ 6, { "data", "challengeInfo", "challenge", "stats" }, "videoCount", "viewCount" },
};

/* A parsed answer with its text, which still holds numbers' exact digits. */
struct answer {
	const char *body;
	size_t len;
	const cJSON *root;
};

__attribute__((format(printf, 3, 4)))
static void set_err(char *err, size_t errsz, const char *fmt, ...)
{
	va_list ap;

	if (!err || errsz == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errsz, fmt, ap);
	va_end(ap);
}

/*
 * Quote text from the answer in a message: valid UTF-8, on one line, short,
 * and marked when cut. It ends up on stderr and in the database, from which
 * `list --format json` prints it.
 */
static void quote(char *out, size_t outsz, const char *s, size_t len)
{
	if (outsz < 4 || text_sanitize_utf8(out, outsz, s, len) == len)
		return;
	text_sanitize_utf8(out, outsz - 3, s, len);
	strcat(out, "...");
}

/* cJSON stops at the end of the first value; anything but blanks after it is junk. */
static bool only_blanks(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)s[i] > ' ')
			return false;
	return true;
}

static cJSON *parse_json(const char *body, size_t len)
{
	const char *end = NULL;
	cJSON *root;

	if (!body || len == 0)
		return NULL;
	root = cJSON_ParseWithLengthOpts(body, len, &end, 0);
	if (root && !only_blanks(end, len - (size_t)(end - body))) {
		cJSON_Delete(root);
		return NULL;
	}
	return root;
}

/* A member that is JSON null counts as missing. */
static const cJSON *member(const cJSON *obj, const char *key)
{
	const cJSON *item;

	if (!cJSON_IsObject(obj))
		return NULL;
	item = cJSON_GetObjectItemCaseSensitive(obj, key);
	return cJSON_IsNull(item) ? NULL : item;
}

static const cJSON *descend(const cJSON *root, const char *const *path)
{
	const cJSON *obj = root;

	for (; *path && obj; path++)
		obj = member(obj, *path);
	return cJSON_IsObject(obj) ? obj : NULL;
}

/* How many numbers precede target in document order, which cJSON keeps. */
static bool numbers_before(const cJSON *node, const cJSON *target, size_t *n)
{
	for (const cJSON *c = node->child; c; c = c->next) {
		if (c == target)
			return true;
		if (cJSON_IsNumber(c))
			(*n)++;
		if (numbers_before(c, target, n))
			return true;
	}
	return false;
}

static size_t skip_string(const char *s, size_t len, size_t i)
{
	for (i++; i < len && s[i] != '"'; i++)
		if (s[i] == '\\')
			i++;
	return i + 1;
}

static bool number_char(char c)
{
	return (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' ||
	       c == 'e' || c == 'E';
}

/* The text of the k-th number token of a valid JSON text; -1 if there is none. */
static int nth_number(const char *s, size_t len, size_t k,
		      const char **tok, size_t *toklen)
{
	size_t i = 0;

	while (i < len) {
		size_t start = i;

		if (s[i] == '"') {
			i = skip_string(s, len, i);
			continue;
		}
		if (s[i] != '-' && !(s[i] >= '0' && s[i] <= '9')) {
			i++;
			continue;
		}
		while (i < len && number_char(s[i]))
			i++;
		if (k-- == 0) {
			*tok = s + start;
			*toklen = i - start;
			return 0;
		}
	}
	return -1;
}

/* A number as the answer wrote it, since cJSON keeps only the rounded double. */
static int number_text(const struct answer *ans, const cJSON *item,
		       const char **tok, size_t *toklen)
{
	size_t k = 0;

	if (!numbers_before(ans->root, item, &k))
		return -1;
	return nth_number(ans->body, ans->len, k, tok, toklen);
}

/* Where a double cannot tell neighbours apart, only plain digits up to 2^53 are exact. */
static bool exact_digits(const char *tok, size_t len)
{
	const size_t max = sizeof(EXACT_MAX_TEXT) - 1;

	while (len > 1 && *tok == '0')
		tok++, len--;
	for (size_t i = 0; i < len; i++)
		if (tok[i] < '0' || tok[i] > '9')
			return false;
	return len < max || (len == max && memcmp(tok, EXACT_MAX_TEXT, max) <= 0);
}

static void number_quote(const struct answer *ans, const cJSON *item,
			 char *buf, size_t bufsz)
{
	const char *tok;
	size_t len;

	if (number_text(ans, item, &tok, &len) == 0)
		quote(buf, bufsz, tok, len);
	else
		snprintf(buf, bufsz, "%.17g", item->valuedouble);
}

static int count_from_number(const struct answer *ans, const char *name,
			     const cJSON *item, int64_t *out,
			     char *err, size_t errsz)
{
	double v = item->valuedouble;
	char lit[QUOTE_MAX];
	const char *tok;
	size_t len;

	if (v < 0) {
		set_err(err, errsz, "%s is negative", name);
		return -1;
	}
	if (v > EXACT_MAX || (v >= HALVES_LOST &&
	    (number_text(ans, item, &tok, &len) != 0 || !exact_digits(tok, len)))) {
		number_quote(ans, item, lit, sizeof(lit));
		set_err(err, errsz, "%s is imprecise (%s), send it as a string", name, lit);
		return -1;
	}
	if (v != floor(v)) {
		number_quote(ans, item, lit, sizeof(lit));
		set_err(err, errsz, "%s is fractional (%s)", name, lit);
		return -1;
	}
	*out = (int64_t)v;
	return 0;
}

/* Digits only, up to 2^63-1, read exactly: no sign, no blanks, no exponent. */
static int count_from_string(const char *name, const char *s, int64_t *out,
			     char *err, size_t errsz)
{
	char q[QUOTE_MAX];
	int64_t n = 0;
	size_t i;

	for (i = 0; s[i] >= '0' && s[i] <= '9'; i++) {
		int d = s[i] - '0';

		if (n > (INT64_MAX - d) / 10) {
			quote(q, sizeof(q), s, strlen(s));
			set_err(err, errsz, "%s \"%s\" is too large", name, q);
			return -1;
		}
		n = n * 10 + d;
	}
	if (i == 0 || s[i] != '\0') {
		quote(q, sizeof(q), s, strlen(s));
		set_err(err, errsz, "%s \"%s\" is not a decimal count", name, q);
		return -1;
	}
	*out = n;
	return 0;
}

/*
 * How many string tokens (keys and string values) precede target's value in
 * document order, which cJSON keeps: a member's key comes before its value.
 */
static bool strings_before(const cJSON *node, const cJSON *target, size_t *n)
{
	for (const cJSON *c = node->child; c; c = c->next) {
		if (c->string)
			(*n)++;
		if (c == target)
			return true;
		if (cJSON_IsString(c))
			(*n)++;
		if (strings_before(c, target, n))
			return true;
	}
	return false;
}

/* Whether the k-th string token of a valid JSON text decodes to text with a NUL in it. */
static bool nth_string_has_nul(const char *s, size_t len, size_t k)
{
	size_t i = 0;

	for (; i < len; i++) {
		if (s[i] != '"')
			continue;
		if (k == 0)
			break;
		k--;
		i = skip_string(s, len, i) - 1;
	}
	for (i++; i < len && s[i] != '"'; i++) {
		if (s[i] == '\0')
			return true;
		if (s[i] == '\\' && i + 5 < len && s[i + 1] == 'u' &&
		    memcmp(s + i + 2, "0000", 4) == 0)
			return true;
		if (s[i] == '\\')
			i++;
	}
	return false;
}

/*
 * cJSON hands strings over NUL terminated, so "12\u000034" would read as
 * "12", and a key "videoCount\u0000x" would match videoCount: look at the
 * answer's own text for the member's key and string value.
 */
static bool member_has_nul(const struct answer *ans, const cJSON *item)
{
	size_t k = 0;

	if (!strings_before(ans->root, item, &k))
		return false;
	if (item->string && nth_string_has_nul(ans->body, ans->len, k - 1))
		return true;
	return cJSON_IsString(item) && nth_string_has_nul(ans->body, ans->len, k);
}

static int read_count(const struct answer *ans, const char *name,
		      const cJSON *item, int64_t *out, char *err, size_t errsz)
{
	if (member_has_nul(ans, item)) {
		set_err(err, errsz, "%s holds a NUL character (\\u0000)", name);
		return -1;
	}
	if (cJSON_IsNumber(item))
		return count_from_number(ans, name, item, out, err, errsz);
	if (cJSON_IsString(item))
		return count_from_string(name, item->valuestring, out, err, errsz);
	set_err(err, errsz, "%s is not a number or a string of digits", name);
	return -1;
}

/*
 * Informational only: a bad credits_remaining or credits_used is ignored,
 * never fatal. Top level first, then under "data".
 */
static void read_credit(const struct answer *ans, const char *name, bool *has, int64_t *value)
{
	const cJSON *where[2] = { ans->root, member(ans->root, "data") };
	char ignored[8];

	for (size_t i = 0; i < ARRAY_SIZE(where); i++) {
		const cJSON *item = member(where[i], name);

		if (item && read_count(ans, name, item, value, ignored, sizeof(ignored)) == 0) {
			*has = true;
			return;
		}
	}
}

static void read_credits(const struct answer *ans, struct scavio_counts *out)
{
	read_credit(ans, "credits_remaining", &out->has_credits, &out->credits);
	read_credit(ans, "credits_used", &out->has_credits_used, &out->credits_used);
}

/*
 * Read the shape's counts that are there: 1 when both are known, 0 when one
 * is (the other COUNT_UNKNOWN), -2 when none is, -1 when a value present is
 * invalid. A videoCount of 0 beside a positive viewCount is TikTok not
 * telling (a hashtag with views has videos): unknown.
 */
static int read_shape(const struct answer *ans, const struct shape *sh, bool both_only,
		      struct scavio_counts *out, char *err, size_t errsz)
{
	const cJSON *obj = descend(ans->root, sh->path);
	const cJSON *videos = member(obj, sh->videos);
	const cJSON *views = member(obj, sh->views);

	if (!videos && !views)
		return -2;
	if (both_only && (!videos || !views))
		return -2;
	out->videos = out->views = COUNT_UNKNOWN;
	if ((videos && read_count(ans, sh->videos, videos, &out->videos, err, errsz) != 0) ||
	    (views && read_count(ans, sh->views, views, &out->views, err, errsz) != 0))
		return -1;
	if (out->videos == 0 && count_known(out->views) && out->views > 0)
		out->videos = COUNT_UNKNOWN;
	out->shape = sh->id;
	return count_known(out->videos) && count_known(out->views) ? 1 : 0;
}

/*
 * The first shape, in the contract's order, whose two counts are both known;
 * else the first with one known count. A value present but invalid in the
 * shape being read fails the tag: no falling through to a later shape.
 */
static int find_counts(const struct answer *ans, struct scavio_counts *out,
		       char *err, size_t errsz)
{
	struct scavio_counts one = { 0 };

	for (size_t i = 0; i < ARRAY_SIZE(shapes); i++) {
		int r = read_shape(ans, &shapes[i], true, out, err, errsz);

		if (r == 1 || r == -1)
			return r > 0 ? 0 : -1;
		if (r == 0 && !one.shape)
			one = *out;
	}
	for (size_t i = 0; !one.shape && i < ARRAY_SIZE(shapes); i++) {
		int r = read_shape(ans, &shapes[i], false, out, err, errsz);

		if (r == -1)
			return -1;
		if (r == 0)
			one = *out;
	}
	if (!one.shape) {
		set_err(err, errsz, "answer has no video/view counts");
		return -1;
	}
	out->videos = one.videos;
	out->views = one.views;
	out->shape = one.shape;
	return 0;
}

char *scavio_request_body(const char *tag)
{
	cJSON *obj;
	char *text = NULL;

	if (!tag)
		return NULL;
	obj = cJSON_CreateObject();
	if (obj && cJSON_AddStringToObject(obj, "hashtag_name", tag))
		text = cJSON_PrintUnformatted(obj);
	cJSON_Delete(obj);
	return text;
}

int scavio_parse(const char *body, size_t len, struct scavio_counts *out,
		 char *err, size_t errsz)
{
	struct answer ans = { body, len, NULL };
	cJSON *root;
	int rc;

	memset(out, 0, sizeof(*out));
	root = parse_json(body, len);
	if (!root) {
		set_err(err, errsz, "answer is not JSON");
		return -1;
	}
	ans.root = root;
	if (!cJSON_IsObject(root)) {
		set_err(err, errsz, "answer is not a JSON object");
		rc = -1;
		goto cleanup;
	}
	read_credits(&ans, out);
	rc = find_counts(&ans, out, err, errsz);
cleanup:
	cJSON_Delete(root);
	return rc;
}

int scavio_error_message(const char *body, size_t len, char *out, size_t outsz)
{
	cJSON *root = parse_json(body, len);
	const cJSON *error = member(root, "error");
	const cJSON *message = member(error, "message");
	const char *msg = NULL;
	int rc = -1;

	/* Most answers nest the message; some send the text as "error" itself. */
	if (cJSON_IsString(error))
		msg = error->valuestring;
	else if (cJSON_IsString(message))
		msg = message->valuestring;
	if (msg && *msg && outsz > 0) {
		text_sanitize_utf8(out, outsz, msg, strlen(msg));
		rc = 0;
	}
	cJSON_Delete(root);
	return rc;
}

/* name at the top level, under "error" or under "data": where error answers put their extras. */
static const cJSON *error_field(const cJSON *root, const char *name)
{
	const cJSON *where[3] = { root, member(root, "error"), member(root, "data") };

	for (size_t i = 0; i < ARRAY_SIZE(where); i++) {
		const cJSON *item = member(where[i], name);

		if (item)
			return item;
	}
	return NULL;
}

double scavio_retry_after(const char *body, size_t len)
{
	cJSON *root = parse_json(body, len);
	const cJSON *item = error_field(root, "retry_after");
	double secs = -1;
	char *end;

	if (cJSON_IsNumber(item) && isfinite(item->valuedouble) && item->valuedouble >= 0)
		secs = item->valuedouble;
	else if (cJSON_IsString(item) && item->valuestring[0] >= '0' &&
		 item->valuestring[0] <= '9') {
		secs = strtod(item->valuestring, &end);
		if (*end)
			secs = -1;      /* "5" and "1.5" are seconds; "5s" or "soon" is not */
	}
	cJSON_Delete(root);
	return isfinite(secs) ? secs : -1;
}

/* A balance as text: a whole number, or digits given as a string. */
static bool balance_text(const cJSON *item, char *out, size_t outsz)
{
	if (cJSON_IsNumber(item) && isfinite(item->valuedouble) &&
	    fabs(item->valuedouble) < 1e15) {
		snprintf(out, outsz, "%.15g", item->valuedouble);
		return true;
	}
	if (cJSON_IsString(item) && item->valuestring[0] &&
	    strspn(item->valuestring, "0123456789.-") == strlen(item->valuestring) &&
	    strlen(item->valuestring) < outsz) {
		snprintf(out, outsz, "%s", item->valuestring);
		return true;
	}
	return false;
}

void scavio_billing(const char *body, size_t len, struct scavio_billing *out)
{
	static const char *const balances[] = { "balance", "credits_remaining", "credits" };
	cJSON *root = parse_json(body, len);
	const cJSON *url = error_field(root, "billing_url");

	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < ARRAY_SIZE(balances) && !out->balance[0]; i++)
		balance_text(error_field(root, balances[i]), out->balance, sizeof(out->balance));
	/* shown to the user as a link to open: a web address only, made safe to print */
	if (cJSON_IsString(url) && strncmp(url->valuestring, "https://", 8) == 0 &&
	    strcspn(url->valuestring, " \t\r\n") == strlen(url->valuestring))
		text_sanitize_utf8(out->url, sizeof(out->url), url->valuestring,
				   strlen(url->valuestring));
	cJSON_Delete(root);
}
