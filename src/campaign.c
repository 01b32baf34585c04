/*
 * campaign: campaign names and mute reasons checked and made canonical, and
 * the sums a campaign's totals are made of. Pure, no I/O.
 */
#include "campaign.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "text.h"
#include "timefmt.h"

/* How much of the input an error message quotes. */
#define SHOWN_SIZE 128

/* What a label may hold, and what it is called in messages. */
struct label_rules {
	const char *what;               /* "campaign", "mute reason" */
	size_t max_chars;
	size_t outsz;
	const char *forbidden;          /* ASCII characters refused beside the classes */
};

/*
 * Visible text: letters, marks, digits, punctuation, symbols and the ASCII
 * space; and the joiner and variation selectors emoji are written with
 * ("\u2600\uFE0F"), though they are invisible. Other invisible characters
 * (zero-width spaces, bidi overrides) would make look-alike names.
 */
static bool is_visible(utf8proc_int32_t cp)
{
	utf8proc_category_t cat = utf8proc_category(cp);

	if (cp == ' ' || cp == 0x200D || cp == 0xFE0E || cp == 0xFE0F)
		return true;
	return cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_SO &&
	       !utf8proc_get_property(cp)->ignorable;
}

/* Name a refused character: 'x', or U+XXXX and what kind of character it is. */
static void describe(utf8proc_int32_t cp, const char *bytes, size_t n, char *buf, size_t bufsz)
{
	utf8proc_category_t cat = utf8proc_category(cp);
	const char *kind = cat == UTF8PROC_CATEGORY_CC ? "a control character" :
			   cat == UTF8PROC_CATEGORY_CF ? "an invisible format character" :
			   cat == UTF8PROC_CATEGORY_ZS ? "a space other than ' '" :
			   cat == UTF8PROC_CATEGORY_ZL || cat == UTF8PROC_CATEGORY_ZP ?
			   "a line break" :
			   cat == UTF8PROC_CATEGORY_CO ? "a private-use character" :
			   cat == UTF8PROC_CATEGORY_CN ? "an unassigned code point" :
			   "an invisible character";

	if (cp > ' ' && cp < 0x7F)
		snprintf(buf, bufsz, "'%c'", (char)cp);
	else if (is_visible(cp))
		snprintf(buf, bufsz, "'%.*s' (U+%04X)", (int)n, bytes, (unsigned)cp);
	else
		snprintf(buf, bufsz, "U+%04X (%s)", (unsigned)cp, kind);
}

/* Why a forbidden ASCII character is refused. */
static const char *forbidden_why(char c)
{
	if (c == ',')
		return ": a channel's campaigns list separates names with commas";
	if (c == ';')
		return ": ';' starts a comment in the config file";
	return "";
}

/* s (valid UTF-8, len bytes) for a message: one line, controls replaced, cut when long. */
static void show(const char *s, size_t len, char *buf)
{
	size_t used = text_sanitize_utf8(buf, SHOWN_SIZE - 3, s, len);

	if (used < len)
		strcat(buf, "...");
}

/* The first character s may not hold, described in err; true when there is none. */
static bool scan_label(const char *s, size_t len, const struct label_rules *r, char *err,
		       size_t errsz)
{
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
	utf8proc_ssize_t n;
	utf8proc_int32_t cp;
	size_t off, pos = 0;
	char what[64], shown[SHOWN_SIZE];

	/* Invalid UTF-8 anywhere first: the message then quotes text that is valid. */
	for (off = 0; off < len; off += (size_t)n) {
		n = utf8proc_iterate(p + off, (utf8proc_ssize_t)(len - off), &cp);
		if (n < 0) {
			snprintf(err, errsz, "invalid UTF-8 at byte %zu of the %s", off + 1, r->what);
			return false;
		}
	}
	for (off = 0; off < len; off += (size_t)n) {
		n = utf8proc_iterate(p + off, (utf8proc_ssize_t)(len - off), &cp);
		pos++;
		if (is_visible(cp) && !(cp < 0x80 && r->forbidden && strchr(r->forbidden, (char)cp)))
			continue;
		describe(cp, s + off, (size_t)n, what, sizeof(what));
		show(s, len, shown);
		snprintf(err, errsz, "invalid character %s at position %zu in %s '%s'%s", what, pos,
			 r->what, shown, cp < 0x80 ? forbidden_why((char)cp) : "");
		return false;
	}
	return true;
}

static size_t count_chars(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

static int label_normalize(const char *raw, const struct label_rules *r, char *out, char *err,
			   size_t errsz)
{
	utf8proc_uint8_t *nfc = NULL;
	utf8proc_ssize_t n;
	size_t len, chars;
	const char *s = text_trim(raw, &len);
	char shown[SHOWN_SIZE];
	int rc = -1;

	out[0] = '\0';
	if (len == 0) {
		snprintf(err, errsz, "empty %s", r->what);
		return -1;
	}
	if (!scan_label(s, len, r, err, errsz))
		return -1;
	n = utf8proc_map((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)len, &nfc,
			 UTF8PROC_STABLE | UTF8PROC_COMPOSE);
	if (n < 0) {
		snprintf(err, errsz, "out of memory normalising the %s", r->what);
		return -1;
	}
	chars = count_chars((const char *)nfc);
	if (chars > r->max_chars || (size_t)n >= r->outsz) {
		show(s, len, shown);
		snprintf(err, errsz, "%s '%s' is too long: %zu characters, at most %zu", r->what,
			 shown, chars, r->max_chars);
	} else {
		memcpy(out, nfc, (size_t)n + 1);
		rc = 0;
	}
	free(nfc);
	return rc;
}

int campaign_normalize(const char *raw, char *out, char *err, size_t errsz)
{
	static const struct label_rules rules = {
		"campaign", CAMPAIGN_MAX_CHARS, CAMPAIGN_BUF_SIZE, ",;",
	};

	return label_normalize(raw, &rules, out, err, errsz);
}

int mute_reason_normalize(const char *raw, char *out, char *err, size_t errsz)
{
	static const struct label_rules rules = {
		"mute reason", MUTE_REASON_MAX_CHARS, MUTE_REASON_BUF_SIZE, NULL,
	};

	return label_normalize(raw, &rules, out, err, errsz);
}

/* ---- totals ---- */

void count_sum_add(struct count_sum *s, bool known, int64_t v)
{
	if (!known) {
		s->unknown++;
		return;
	}
	s->known++;
	if (!s->overflow && __builtin_add_overflow(s->sum, v, &s->sum))
		s->overflow = true;
}

bool count_sum_has(const struct count_sum *s)
{
	return s->known > 0 && !s->overflow;
}

void count_sum_text(const struct count_sum *s, bool sign, char *buf, size_t bufsz)
{
	char digits[32];
	int len;

	if (!count_sum_has(s)) {
		snprintf(buf, bufsz, "%s", "");
		return;
	}
	fmt_thousands(s->sum, digits, sizeof(digits));
	len = snprintf(buf, bufsz, "%s%s", sign && s->sum > 0 ? "+" : "", digits);
	if (s->unknown > 0 && len >= 0 && (size_t)len < bufsz)
		snprintf(buf + len, bufsz - (size_t)len, " (%zu of %zu)", s->known,
			 s->known + s->unknown);
}
