/* Tests for src/scavio.c: every accepted answer shape, and every way to fail. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "scavio.h"

#define N_CASES(t) (sizeof(t) / sizeof((t)[0]))

/* Parse from an exact-size copy, so the sanitizer catches any read past len. */
static int parse_exact(const char *text, struct scavio_counts *out,
		       char *err, size_t errsz)
{
	size_t len = strlen(text);
	char *body = malloc(len ? len : 1);
	int rc;

	assert_non_null(body);
	memcpy(body, text, len);
	rc = scavio_parse(body, len, out, err, errsz);
	free(body);
	return rc;
}

struct accepted {
	const char *name;
	const char *body;
	int64_t videos, views;
	int shape;
};

static const struct accepted accepted_cases[] = {
	{ "shape 1 exact counts as strings",
	  "{\"data\":{\"challengeInfo\":{\"statsV2\":{\"videoCount\":\"123\",\"viewCount\":\"456\"}}}}",
	  123, 456, 1 },
	{ "shape 1 counts as numbers",
	  "{\"data\":{\"challengeInfo\":{\"statsV2\":{\"videoCount\":123,\"viewCount\":456}}}}",
	  123, 456, 1 },
	{ "shape 2 rounded counts",
	  "{\"data\":{\"challengeInfo\":{\"stats\":{\"videoCount\":1200,\"viewCount\":4500000}}}}",
	  1200, 4500000, 2 },
	{ "shape 3 snake case under stats",
	  "{\"data\":{\"stats\":{\"video_count\":7,\"view_count\":8}}}", 7, 8, 3 },
	{ "shape 4 camel case under data",
	  "{\"data\":{\"videoCount\":9,\"viewCount\":10}}", 9, 10, 4 },
	{ "shape 4 snake case under data",
	  "{\"data\":{\"video_count\":11,\"view_count\":12}}", 11, 12, 4 },
	{ "shape 5 at top level",
	  "{\"video_count\":13,\"view_count\":14}", 13, 14, 5 },
	{ "shape 1 wins over a rounded shape 2 in the same answer",
	  "{\"data\":{\"challengeInfo\":{\"statsV2\":{\"videoCount\":\"1234567\",\"viewCount\":\"89012345\"},"
	  "\"stats\":{\"videoCount\":1200000,\"viewCount\":89000000}}}}",
	  1234567, 89012345, 1 },
	{ "shape 1 with only one count falls through to shape 2",
	  "{\"data\":{\"challengeInfo\":{\"statsV2\":{\"videoCount\":\"5\"},"
	  "\"stats\":{\"videoCount\":6,\"viewCount\":7}}}}", 6, 7, 2 },
	{ "a null count is missing, so shape 1 falls through",
	  "{\"data\":{\"challengeInfo\":{\"statsV2\":{\"videoCount\":\"5\",\"viewCount\":null},"
	  "\"stats\":{\"videoCount\":6,\"viewCount\":7}}}}", 6, 7, 2 },
	{ "a null object on the path is missing too",
	  "{\"data\":{\"challengeInfo\":null,\"stats\":null},\"video_count\":1,\"view_count\":2}",
	  1, 2, 5 },
	{ "shape 4 mixing camel and snake case is no shape 4",
	  "{\"data\":{\"videoCount\":1,\"view_count\":2},\"video_count\":3,\"view_count\":4}",
	  3, 4, 5 },
	{ "zero counts are counts",
	  "{\"video_count\":0,\"view_count\":\"0\"}", 0, 0, 5 },
	{ "2^53 as a JSON number is exact",
	  "{\"video_count\":9007199254740992,\"view_count\":1}", 9007199254740992, 1, 5 },
	{ "2^52 as a JSON number is exact",
	  "{\"video_count\":4503599627370496,\"view_count\":1}", 4503599627370496, 1, 5 },
	{ "2^63-1 as a string is kept exact",
	  "{\"video_count\":\"9223372036854775807\",\"view_count\":\"9007199254740993\"}",
	  INT64_MAX, 9007199254740993, 5 },
	{ "leading zeros in a string are still decimal",
	  "{\"video_count\":\"007\",\"view_count\":\"0\"}", 7, 0, 5 },
	{ "an integral number in exponent form is accepted",
	  "{\"video_count\":1e3,\"view_count\":2.5E1}", 1000, 25, 5 },
	{ "minus zero is zero",
	  "{\"video_count\":1,\"view_count\":-0}", 1, 0, 5 },
	{ "white space around the answer is fine",
	  " \r\n{ \"video_count\" : 1 , \"view_count\" : 2 }\n\n", 1, 2, 5 },
	{ "a NUL elsewhere in the answer leaves the counts alone, escaped digits are digits",
	  "{\"title\":\"x\\u0000y\",\"\\u0000\":1,\"video_count\":\"\\u0031\\u0032\",\"view_count\":3}",
	  12, 3, 5 },
	{ "numbers in other fields do not confuse exact reading",
	  "{\"id\":-1.5e3,\"note\":\"9007199254740993 \\\" 5\",\"video_count\":9007199254740992,"
	  "\"view_count\":3}", 9007199254740992, 3, 5 },
	{ "shape 6 is Scavio's own measured example, its 0 videos unknown beside views",
	  "{\"data\":{\"challengeInfo\":{\"challenge\":{\"id\":\"1\",\"title\":\"fyp\","
	  "\"stats\":{\"videoCount\":0,\"viewCount\":119178100000000}}}}}",
	  COUNT_UNKNOWN, 119178100000000, 6 },
	{ "shape 6 with both counts known",
	  "{\"data\":{\"challengeInfo\":{\"challenge\":{\"stats\":"
	  "{\"videoCount\":52,\"viewCount\":900}}}}}", 52, 900, 6 },
	{ "a shape with both counts known wins over an earlier one with only one",
	  "{\"data\":{\"challengeInfo\":{\"statsV2\":{\"viewCount\":\"5\"},"
	  "\"stats\":{\"videoCount\":6,\"viewCount\":7}}}}", 6, 7, 2 },
	{ "an answer with only a view count keeps it, videos unknown",
	  "{\"data\":{\"challengeInfo\":{\"stats\":{\"viewCount\":4500000}}}}",
	  COUNT_UNKNOWN, 4500000, 2 },
	{ "an answer with only a video count keeps it, views unknown",
	  "{\"video_count\":8,\"view_count\":null}", 8, COUNT_UNKNOWN, 5 },
	{ "0 videos beside 0 views is two known zeros",
	  "{\"data\":{\"videoCount\":0,\"viewCount\":0}}", 0, 0, 4 },
	{ "0 videos beside views falls through to a shape that tells both",
	  "{\"data\":{\"challengeInfo\":{\"stats\":{\"videoCount\":0,\"viewCount\":900},"
	  "\"challenge\":{\"stats\":{\"videoCount\":3,\"viewCount\":900}}}}}", 3, 900, 6 },
};

static void accepted_answers_yield_their_counts_and_shape(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_CASES(accepted_cases); i++) {
		const struct accepted *c = &accepted_cases[i];
		struct scavio_counts out;
		char err[128] = "";

		if (parse_exact(c->body, &out, err, sizeof(err)) != 0)
			fail_msg("%s: rejected: %s", c->name, err);
		if (out.videos != c->videos || out.views != c->views || out.shape != c->shape)
			fail_msg("%s: got %lld/%lld shape %d", c->name,
				 (long long)out.videos, (long long)out.views, out.shape);
	}
}

struct rejected {
	const char *name;
	const char *body;
	const char *err;
};

static const struct rejected rejected_cases[] = {
	{ "an invalid shape 1 value fails without falling through",
	  "{\"data\":{\"challengeInfo\":{\"statsV2\":{\"videoCount\":\"5\",\"viewCount\":\"12a\"},"
	  "\"stats\":{\"videoCount\":6,\"viewCount\":7}}}}",
	  "viewCount \"12a\" is not a decimal count" },
	{ "a fractional number",
	  "{\"data\":{\"videoCount\":1,\"viewCount\":12.5}}", "viewCount is fractional (12.5)" },
	{ "a negative number",
	  "{\"video_count\":-5,\"view_count\":1}", "video_count is negative" },
	{ "a negative string",
	  "{\"data\":{\"videoCount\":\"-5\",\"viewCount\":\"1\"}}",
	  "videoCount \"-5\" is not a decimal count" },
	{ "an empty string",
	  "{\"data\":{\"videoCount\":\"\",\"viewCount\":\"1\"}}",
	  "videoCount \"\" is not a decimal count" },
	{ "a string in exponent form",
	  "{\"video_count\":\"1e3\",\"view_count\":\"1\"}",
	  "video_count \"1e3\" is not a decimal count" },
	{ "a string with white space",
	  "{\"video_count\":\" 12\",\"view_count\":\"1\"}",
	  "video_count \" 12\" is not a decimal count" },
	{ "a string with letters after digits",
	  "{\"video_count\":\"12a\",\"view_count\":\"1\"}",
	  "video_count \"12a\" is not a decimal count" },
	{ "a long bad string is quoted short",
	  "{\"video_count\":\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\",\"view_count\":\"1\"}",
	  "video_count \"xxxxxxxxxxxxxxxxxxxxxxxxxxxx...\" is not a decimal count" },
	{ "control characters in a bad string stay on one line",
	  "{\"video_count\":\"1\\n2\",\"view_count\":\"1\"}",
	  "video_count \"1 2\" is not a decimal count" },
	{ "invalid UTF-8 in a bad string is quoted as U+FFFD",
	  "{\"video_count\":\"1\xc3(\",\"view_count\":\"1\"}",
	  "video_count \"1\xEF\xBF\xBD(\" is not a decimal count" },
	{ "a count string with an escaped NUL is not cut at it",
	  "{\"data\":{\"challengeInfo\":{\"statsV2\":{\"videoCount\":\"12\\u000034\","
	  "\"viewCount\":\"5\"}}}}",
	  "videoCount holds a NUL character (\\u0000)" },
	{ "... nor when other escapes come first",
	  "{\"video_count\":\"1\",\"view_count\":\"\\\\\\\"9\\u0000\"}",
	  "view_count holds a NUL character (\\u0000)" },
	{ "a key with an escaped NUL does not pass for the count's",
	  "{\"title\":\"a\\u0000b\",\"data\":{\"videoCount\\u0000x\":\"7\",\"viewCount\":\"5\"}}",
	  "videoCount holds a NUL character (\\u0000)" },
	{ "an escaped backslash before u0000 is no NUL",
	  "{\"video_count\":\"1\",\"view_count\":\"\\\\u0000\"}",
	  "view_count \"\\u0000\" is not a decimal count" },
	{ "2^63 as a string",
	  "{\"video_count\":\"9223372036854775808\",\"view_count\":\"1\"}",
	  "video_count \"9223372036854775808\" is too large" },
	{ "2^53+1 as a JSON number",
	  "{\"video_count\":9007199254740993,\"view_count\":1}",
	  "video_count is imprecise (9007199254740993), send it as a string" },
	{ "2^53+2 as a JSON number",
	  "{\"video_count\":1,\"view_count\":9007199254740994}",
	  "view_count is imprecise (9007199254740994), send it as a string" },
	{ "a huge JSON number",
	  "{\"video_count\":1e300,\"view_count\":1}",
	  "video_count is imprecise (1e300), send it as a string" },
	{ "a number too big to hold halves written with a fraction",
	  "{\"video_count\":4503599627370496.5,\"view_count\":1}",
	  "video_count is imprecise (4503599627370496.5), send it as a string" },
	{ "a boolean",
	  "{\"video_count\":true,\"view_count\":1}",
	  "video_count is not a number or a string of digits" },
	{ "an object",
	  "{\"video_count\":{},\"view_count\":1}",
	  "video_count is not a number or a string of digits" },
	{ "an array",
	  "{\"video_count\":1,\"view_count\":[2]}",
	  "view_count is not a number or a string of digits" },
	{ "a top-level array", "[{\"video_count\":1,\"view_count\":2}]",
	  "answer is not a JSON object" },
	{ "a top-level string", "\"hello\"", "answer is not a JSON object" },
	{ "an empty body", "", "answer is not JSON" },
	{ "a blank body", " \n", "answer is not JSON" },
	{ "an HTML page", "<html><body>502 Bad Gateway</body></html>", "answer is not JSON" },
	{ "truncated JSON", "{\"video_count\":1,\"view_co", "answer is not JSON" },
	{ "junk after the JSON", "{\"video_count\":1,\"view_count\":2} x", "answer is not JSON" },
	{ "an empty object", "{}", "answer has no video/view counts" },
	{ "an empty data object", "{\"data\":{}}", "answer has no video/view counts" },
	{ "only a 0 video count beside nothing", "{\"video_count\":null,\"view_count\":null,"
	  "\"data\":{\"stats\":{}}}", "answer has no video/view counts" },
	{ "a bad value in the one count there is", "{\"video_count\":\"12x\"}",
	  "video_count \"12x\" is not a decimal count" },
	{ "both counts null", "{\"video_count\":null,\"view_count\":null}",
	  "answer has no video/view counts" },
	{ "counts under an unknown key", "{\"result\":{\"video_count\":1,\"view_count\":2}}",
	  "answer has no video/view counts" },
};

static void invalid_answers_fail_with_a_reason(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_CASES(rejected_cases); i++) {
		const struct rejected *c = &rejected_cases[i];
		struct scavio_counts out;
		char err[128] = "";

		if (parse_exact(c->body, &out, err, sizeof(err)) != -1)
			fail_msg("%s: accepted", c->name);
		if (strcmp(err, c->err) != 0)
			fail_msg("%s: error \"%s\", want \"%s\"", c->name, err, c->err);
	}
}

struct credits_case {
	const char *name;
	const char *body;
	bool has;
	int64_t credits;
};

static const struct credits_case credits_cases[] = {
	{ "credits at top level",
	  "{\"credits_remaining\":42,\"video_count\":1,\"view_count\":2}", true, 42 },
	{ "credits under data",
	  "{\"data\":{\"credits_remaining\":7,\"videoCount\":1,\"viewCount\":2}}", true, 7 },
	{ "top level wins over data",
	  "{\"credits_remaining\":3,\"data\":{\"credits_remaining\":7,\"videoCount\":1,\"viewCount\":2}}",
	  true, 3 },
	{ "null at top level falls back to data",
	  "{\"credits_remaining\":null,\"data\":{\"credits_remaining\":9,\"videoCount\":1,\"viewCount\":2}}",
	  true, 9 },
	{ "an invalid top level value falls back to data",
	  "{\"credits_remaining\":-1,\"data\":{\"credits_remaining\":9,\"videoCount\":1,\"viewCount\":2}}",
	  true, 9 },
	{ "zero credits are credits",
	  "{\"credits_remaining\":0,\"video_count\":1,\"view_count\":2}", true, 0 },
	{ "credits as a string of digits",
	  "{\"credits_remaining\":\"15\",\"video_count\":1,\"view_count\":2}", true, 15 },
	{ "no credits field", "{\"video_count\":1,\"view_count\":2}", false, 0 },
	{ "negative credits are ignored",
	  "{\"credits_remaining\":-4,\"video_count\":1,\"view_count\":2}", false, 0 },
	{ "fractional credits are ignored",
	  "{\"credits_remaining\":1.5,\"video_count\":1,\"view_count\":2}", false, 0 },
};

static void credits_remaining_is_read_from_top_level_then_data(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_CASES(credits_cases); i++) {
		const struct credits_case *c = &credits_cases[i];
		struct scavio_counts out;
		char err[128] = "";

		if (parse_exact(c->body, &out, err, sizeof(err)) != 0)
			fail_msg("%s: rejected: %s", c->name, err);
		if (out.has_credits != c->has || out.credits != c->credits)
			fail_msg("%s: got has=%d credits=%lld", c->name,
				 out.has_credits, (long long)out.credits);
	}
}

static const struct credits_case used_cases[] = {
	{ "used at top level",
	  "{\"credits_used\":1,\"video_count\":1,\"view_count\":2}", true, 1 },
	{ "used under data",
	  "{\"data\":{\"credits_used\":2,\"videoCount\":1,\"viewCount\":2}}", true, 2 },
	{ "used as a string of digits, beside remaining",
	  "{\"credits_used\":\"3\",\"credits_remaining\":9,\"video_count\":1,\"view_count\":2}",
	  true, 3 },
	{ "no credits_used field",
	  "{\"credits_remaining\":9,\"video_count\":1,\"view_count\":2}", false, 0 },
	{ "a negative credits_used is ignored, the counts are not",
	  "{\"credits_used\":-1,\"video_count\":1,\"view_count\":2}", false, 0 },
};

static void credits_used_is_read_like_credits_remaining(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_CASES(used_cases); i++) {
		const struct credits_case *c = &used_cases[i];
		struct scavio_counts out;
		char err[128] = "";

		if (parse_exact(c->body, &out, err, sizeof(err)) != 0)
			fail_msg("%s: rejected: %s", c->name, err);
		if (out.has_credits_used != c->has || out.credits_used != c->credits)
			fail_msg("%s: got has=%d used=%lld", c->name,
				 out.has_credits_used, (long long)out.credits_used);
	}
}

static void a_body_is_read_only_up_to_its_length(void **state)
{
	const char text[] = "{\"video_count\":1,\"view_count\":2}garbage";
	struct scavio_counts out;
	char err[64];

	(void)state;
	assert_int_equal(scavio_parse(text, strlen(text) - strlen("garbage"),
				      &out, err, sizeof(err)), 0);
	assert_int_equal(out.videos, 1);
	assert_int_equal(out.views, 2);
}

static void a_raw_nul_byte_in_a_count_string_is_refused(void **state)
{
	const char text[] = "{\"video_count\":\"12\0" "34\",\"view_count\":\"5\"}";
	struct scavio_counts out;
	char err[64];

	(void)state;
	assert_int_equal(scavio_parse(text, sizeof(text) - 1, &out, err, sizeof(err)), -1);
	assert_string_equal(err, "video_count holds a NUL character (\\u0000)");
}

static void a_short_error_buffer_is_truncated_safely(void **state)
{
	struct scavio_counts out;
	char err[8];

	(void)state;
	assert_int_equal(parse_exact("{}", &out, err, sizeof(err)), -1);
	assert_string_equal(err, "answer ");
	assert_int_equal(parse_exact("{}", &out, NULL, 0), -1);
}

static const char *const request_tags[] = {
	"vibecoding", "日本", "quote\"back\\slash", "tab\there",
};

static void the_request_body_names_the_tag_as_json(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_CASES(request_tags); i++) {
		char *body = scavio_request_body(request_tags[i]);
		cJSON *root, *name;

		assert_non_null(body);
		root = cJSON_Parse(body);
		assert_non_null(root);
		assert_int_equal(cJSON_GetArraySize(root), 1);
		name = cJSON_GetObjectItemCaseSensitive(root, "hashtag_name");
		assert_true(cJSON_IsString(name));
		assert_string_equal(name->valuestring, request_tags[i]);
		cJSON_Delete(root);
		free(body);
	}
	assert_null(scavio_request_body(NULL));
}

static void the_request_body_is_compact(void **state)
{
	char *body = scavio_request_body("vibecoding");

	(void)state;
	assert_string_equal(body, "{\"hashtag_name\":\"vibecoding\"}");
	free(body);
}

struct errmsg_case {
	const char *name;
	const char *body;
	size_t outsz;
	int rc;
	const char *msg;
};

static const struct errmsg_case errmsg_cases[] = {
	{ "a nested error message",
	  "{\"error\":{\"code\":401,\"message\":\"Invalid API key\"}}", 64, 0, "Invalid API key" },
	{ "an error given as a string", "{\"error\":\"quota exceeded\"}", 64, 0, "quota exceeded" },
	{ "a long message is cut", "{\"error\":{\"message\":\"abcdefghij\"}}", 5, 0, "abcd" },
	{ "a cut never splits a character", "{\"error\":{\"message\":\"\xc3\xa9\xc3\xa9\"}}", 4, 0,
	  "\xc3\xa9" },
	{ "line breaks become spaces", "{\"error\":{\"message\":\"bad\\nkey\"}}", 64, 0, "bad key" },
	{ "invalid UTF-8 and terminal escapes become U+FFFD",
	  "{\"error\":{\"message\":\"a\xff\x1b[2J\\u001b\xed\xa0\x80\"}}", 64, 0,
	  "a\xEF\xBF\xBD\xEF\xBF\xBD[2J\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD" },
	{ "a code without a message", "{\"error\":{\"code\":500}}", 64, -1, NULL },
	{ "an empty message", "{\"error\":{\"message\":\"\"}}", 64, -1, NULL },
	{ "no error at all", "{\"video_count\":1,\"view_count\":2}", 64, -1, NULL },
	{ "a null error", "{\"error\":null}", 64, -1, NULL },
	{ "not JSON", "<html>oops</html>", 64, -1, NULL },
	{ "an empty body", "", 64, -1, NULL },
};

static void error_answers_yield_their_message(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_CASES(errmsg_cases); i++) {
		const struct errmsg_case *c = &errmsg_cases[i];
		size_t len = strlen(c->body);
		char *body = malloc(len ? len : 1);
		char out[64] = "untouched";
		int rc;

		assert_non_null(body);
		memcpy(body, c->body, len);
		rc = scavio_error_message(body, len, out, c->outsz);
		free(body);
		if (rc != c->rc)
			fail_msg("%s: returned %d", c->name, rc);
		if (c->msg && strcmp(out, c->msg) != 0)
			fail_msg("%s: message \"%s\", want \"%s\"", c->name, out, c->msg);
	}
}

static void a_429_body_says_when_to_come_back(void **state)
{
	static const struct { const char *body; double secs; } cases[] = {
		{ "{\"retry_after\":5}", 5 },
		{ "{\"retry_after\":1.5}", 1.5 },
		{ "{\"error\":{\"code\":429,\"retry_after\":\"7\"}}", 7 },
		{ "{\"data\":{\"retry_after\":0}}", 0 },
		{ "{\"retry_after\":-1}", -1 },
		{ "{\"retry_after\":\"5s\"}", -1 },
		{ "{\"retry_after\":\"soon\"}", -1 },
		{ "{\"retry_after\":null}", -1 },
		{ "{\"retry_after\":true}", -1 },
		{ "{\"retry_after\":1e400}", -1 },
		{ "{}", -1 }, { "not json", -1 }, { "", -1 },
	};

	(void)state;
	for (size_t i = 0; i < N_CASES(cases); i++) {
		double got = scavio_retry_after(cases[i].body, strlen(cases[i].body));

		if (got != cases[i].secs)
			fail_msg("%s: got %g, want %g", cases[i].body, got, cases[i].secs);
	}
}

static void a_402_body_yields_its_balance_and_billing_url(void **state)
{
	static const struct { const char *body, *balance, *url; } cases[] = {
		{ "{\"error\":{\"code\":402},\"balance\":0,"
		  "\"billing_url\":\"https://scavio.dev/billing\"}", "0", "https://scavio.dev/billing" },
		{ "{\"error\":{\"credits_remaining\":\"12\",\"billing_url\":\"https://x.test/b\"}}",
		  "12", "https://x.test/b" },
		{ "{\"data\":{\"credits\":3.5}}", "3.5", "" },
		/* not a web address to open, or not safe to print on one line: left out */
		{ "{\"billing_url\":\"javascript:alert(1)\"}", "", "" },
		{ "{\"billing_url\":\"https://x.test/a b\"}", "", "" },
		{ "{\"billing_url\":\"https://x.test/\\nfake line\"}", "", "" },
		{ "{\"balance\":\"lots\"}", "", "" },
		{ "{\"balance\":{}}", "", "" },
		{ "<html>", "", "" }, { "", "", "" },
	};

	(void)state;
	for (size_t i = 0; i < N_CASES(cases); i++) {
		struct scavio_billing b;

		scavio_billing(cases[i].body, strlen(cases[i].body), &b);
		if (strcmp(b.balance, cases[i].balance) != 0 || strcmp(b.url, cases[i].url) != 0)
			fail_msg("%s: got '%s' '%s'", cases[i].body, b.balance, b.url);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(accepted_answers_yield_their_counts_and_shape),
		cmocka_unit_test(invalid_answers_fail_with_a_reason),
		cmocka_unit_test(credits_remaining_is_read_from_top_level_then_data),
		cmocka_unit_test(credits_used_is_read_like_credits_remaining),
		cmocka_unit_test(a_body_is_read_only_up_to_its_length),
		cmocka_unit_test(a_raw_nul_byte_in_a_count_string_is_refused),
		cmocka_unit_test(a_short_error_buffer_is_truncated_safely),
		cmocka_unit_test(the_request_body_names_the_tag_as_json),
		cmocka_unit_test(the_request_body_is_compact),
		cmocka_unit_test(error_answers_yield_their_message),
		cmocka_unit_test(a_429_body_says_when_to_come_back),
		cmocka_unit_test(a_402_body_yields_its_balance_and_billing_url),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
