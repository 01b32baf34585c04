/*
 * tag: turns what a user typed into a canonical hashtag, or explains why it
 * is not one, and builds the tag's TikTok link. Pure, no I/O.
 */
#include "tag.h"

#include <locale.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wctype.h>

#include "array.h"
#include "text.h"

/* Error messages show at most this much of the input, so they stay one line. */
#define SHOW_MAX_CHARS 40
/* Worst case per shown character is an escape such as "\u0085". */
#define SHOW_BUF_SIZE (SHOW_MAX_CHARS * 6 + sizeof("..."))

static const char url_prefix[] = "https://www.tiktok.com/tag/";

/*
 * Letter-ness of non-ASCII code points comes from the C.UTF-8 locale, held
 * privately so that the process locale (and the user's LANG) plays no part.
 */
static locale_t utf8_locale;
static wctype_t combining_class;
static pthread_once_t utf8_once = PTHREAD_ONCE_INIT;

static void utf8_locale_init(void)
{
	utf8_locale = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
	/* glibc has a "combining" class; elsewhere this is 0 and marks are refused. */
	if (utf8_locale)
		combining_class = wctype_l("combining", utf8_locale);
}

/*
 * Without a UTF-8 locale every non-ASCII code point counts as a letter
 * except these blocks of controls, punctuation, symbols and emoji.
 */
static const struct range {
	uint32_t lo, hi;
} fallback_non_letters[] = {
	{ 0x0080, 0x00BF },	/* C1 controls, Latin-1 punctuation and signs */
	{ 0x00D7, 0x00D7 },	/* multiplication sign */
	{ 0x00F7, 0x00F7 },	/* division sign */
	{ 0x2000, 0x2BFF },	/* general punctuation through arrows and dingbats */
	{ 0x2E00, 0x2E7F },	/* supplemental punctuation */
	{ 0x3000, 0x3004 },	/* ideographic space and CJK punctuation */
	{ 0x3008, 0x3020 },	/* CJK brackets and marks */
	{ 0xE000, 0xF8FF },	/* private use */
	{ 0xFE00, 0xFE0F },	/* variation selectors */
	{ 0xFEFF, 0xFEFF },	/* byte order mark */
	{ 0xFF01, 0xFF0F },	/* full-width punctuation */
	{ 0xFF1A, 0xFF20 },	/* full-width punctuation */
	{ 0xFFF0, 0xFFFF },	/* specials */
	{ 0x1F000, 0x1FAFF },	/* emoji and pictographs */
	{ 0xE0000, 0xE007F },	/* tag characters */
	{ 0xF0000, 0x10FFFF },	/* supplementary private use */
};

static bool fallback_is_letter(uint32_t cp)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(fallback_non_letters); i++)
		if (cp >= fallback_non_letters[i].lo && cp <= fallback_non_letters[i].hi)
			return false;
	return true;
}

static bool is_ascii_tag_char(uint32_t cp)
{
	return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') ||
	       (cp >= '0' && cp <= '9') || cp == '_';
}

/*
 * A non-ASCII letter, or a combining mark right after an accepted character:
 * Thai tone marks and decomposed accents are not letters on their own, yet
 * "น่ารัก" and "cafe\u0301" are words TikTok accepts.
 */
static bool is_tag_char(uint32_t cp, bool after_tag_char)
{
	if (cp < 0x80)
		return is_ascii_tag_char(cp);
	pthread_once(&utf8_once, utf8_locale_init);
	if (!utf8_locale)
		return fallback_is_letter(cp);
	if (iswalpha_l((wint_t)cp, utf8_locale))
		return true;
	return after_tag_char && combining_class &&
	       iswctype_l((wint_t)cp, combining_class, utf8_locale);
}

/*
 * Decode one UTF-8 sequence from s (n bytes available) into *cp. Returns
 * its length, or 0 when it is invalid: a stray or truncated byte, an
 * overlong form, a surrogate or a code point beyond U+10FFFF.
 */
static size_t utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
	static const uint32_t min_cp[] = { 0, 0, 0x80, 0x800, 0x10000 };
	uint32_t c = s[0];
	size_t len, i;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if ((c & 0xE0) == 0xC0) {
		len = 2;
		c &= 0x1F;
	} else if ((c & 0xF0) == 0xE0) {
		len = 3;
		c &= 0x0F;
	} else if ((c & 0xF8) == 0xF0) {
		len = 4;
		c &= 0x07;
	} else {
		return 0;
	}
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3F);
	}
	if (c < min_cp[len] || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
		return 0;
	*cp = c;
	return len;
}

static bool is_control(uint32_t cp)
{
	return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F);
}

/* The part of raw that is the tag: white space trimmed, leading '#'s dropped. */
static const char *tag_body(const char *raw, size_t *len)
{
	const char *end;

	raw = text_trim(raw, len);
	end = raw + *len;
	while (raw < end && *raw == '#')
		raw++;
	*len = (size_t)(end - raw);
	return raw;
}

/* Append up to n bytes of src at *pos in buf (size bufsz), always terminated. */
static void append(char *buf, size_t bufsz, size_t *pos, const char *src, size_t n)
{
	if (*pos + n >= bufsz)
		return;
	memcpy(buf + *pos, src, n);
	*pos += n;
	buf[*pos] = '\0';
}

/*
 * A printable copy of the input for error messages: controls and invalid
 * bytes escaped so the message stays one clean line, long input shortened.
 */
static void show_input(const char *s, size_t len, char *buf, size_t bufsz)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t off = 0, pos = 0, chars = 0, n;
	char esc[8];
	uint32_t cp;

	buf[0] = '\0';
	while (off < len) {
		if (chars++ == SHOW_MAX_CHARS) {
			append(buf, bufsz, &pos, "...", 3);
			return;
		}
		n = utf8_decode(p + off, len - off, &cp);
		if (n == 0) {
			n = 1;
			cp = p[off];
		}
		esc[0] = '\0';
		if (n == 1 && (cp < 0x20 || cp >= 0x7F))
			snprintf(esc, sizeof(esc), "\\x%02X", (unsigned)cp);
		else if (is_control(cp))
			snprintf(esc, sizeof(esc), "\\u%04X", (unsigned)cp);
		if (esc[0])
			append(buf, bufsz, &pos, esc, strlen(esc));
		else
			append(buf, bufsz, &pos, s + off, n);
		off += n;
	}
}

/* Name one character: 'x' for printable ASCII, U+XXXX for controls, both otherwise. */
static void describe_char(uint32_t cp, const char *bytes, size_t n, char *buf, size_t bufsz)
{
	if (cp == ' ')
		snprintf(buf, bufsz, "' ' (space)");
	else if (is_control(cp))
		snprintf(buf, bufsz, "U+%04X", (unsigned)cp);
	else if (cp < 0x80)
		snprintf(buf, bufsz, "'%c'", (char)cp);
	else
		snprintf(buf, bufsz, "'%.*s' (U+%04X)", (int)n, bytes, (unsigned)cp);
}

/* What scanning a tag body found; positions are 1-based, 0 means none. */
struct scan {
	size_t chars;		/* code points, spaces included */
	size_t spaces;		/* ASCII spaces between the parts */
	size_t utf8_byte;	/* first invalid UTF-8 byte */
	size_t bad_pos;		/* first character that is neither valid nor a space */
	size_t space_pos;	/* first space */
	size_t bad_off, bad_len;
	uint32_t bad_cp;
};

/*
 * Scan up to the first invalid byte or character. Spaces do not stop the
 * scan: when they are the only fault, the joined form can be suggested.
 */
static void scan_tag(const char *s, size_t len, struct scan *sc)
{
	const unsigned char *p = (const unsigned char *)s;
	bool after_tag_char = false;
	size_t off = 0, n;
	uint32_t cp;

	memset(sc, 0, sizeof(*sc));
	while (off < len) {
		n = utf8_decode(p + off, len - off, &cp);
		if (n == 0) {
			sc->utf8_byte = off + 1;
			return;
		}
		sc->chars++;
		if (cp == ' ') {
			sc->spaces++;
			if (!sc->space_pos)
				sc->space_pos = sc->chars;
			after_tag_char = false;
		} else if (is_tag_char(cp, after_tag_char)) {
			after_tag_char = true;
		} else {
			sc->bad_pos = sc->chars;
			sc->bad_off = off;
			sc->bad_len = n;
			sc->bad_cp = cp;
			return;
		}
		off += n;
	}
}

/* Copy the body into out, ASCII lower-cased and, if asked, without spaces. */
static void copy_lower(const char *s, size_t len, bool drop_spaces, char *out)
{
	size_t i;

	for (i = 0; i < len; i++) {
		char c = s[i];

		if (drop_spaces && c == ' ')
			continue;
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		*out++ = c;
	}
	*out = '\0';
}

static void report_bad_char(const char *s, size_t len, const struct scan *sc,
			    char *err, size_t errsz)
{
	char shown[SHOW_BUF_SIZE], what[32];

	show_input(s, len, shown, sizeof(shown));
	describe_char(sc->bad_cp, s + sc->bad_off, sc->bad_len, what, sizeof(what));
	snprintf(err, errsz, "invalid character %s at position %zu in '%s'",
		 what, sc->bad_pos, shown);
}

/* "vibe coding" is most likely #vibecoding: say so when that tag is valid. */
static void report_space(const char *s, size_t len, const struct scan *sc,
			 char *err, size_t errsz)
{
	char shown[SHOW_BUF_SIZE], joined[TAG_BUF_SIZE];
	size_t joined_chars = sc->chars - sc->spaces;

	show_input(s, len, shown, sizeof(shown));
	if (joined_chars < 1 || joined_chars > TAG_MAX_CHARS) {
		snprintf(err, errsz, "invalid character ' ' (space) at position %zu in '%s'",
			 sc->space_pos, shown);
		return;
	}
	/* At most TAG_MAX_CHARS characters of at most 4 bytes each remain. */
	copy_lower(s, len, true, joined);
	snprintf(err, errsz, "invalid character ' ' (space) at position %zu in '%s'; "
		 "did you mean '%s'?", sc->space_pos, shown, joined);
}

int tag_normalize(const char *raw, char *out, char *err, size_t errsz)
{
	char shown[SHOW_BUF_SIZE];
	struct scan sc;
	size_t len;
	const char *s = tag_body(raw, &len);

	out[0] = '\0';
	if (len == 0) {
		snprintf(err, errsz, "empty hashtag");
		return -1;
	}
	scan_tag(s, len, &sc);
	if (sc.utf8_byte) {
		show_input(s, len, shown, sizeof(shown));
		snprintf(err, errsz, "invalid UTF-8 at byte %zu in '%s'", sc.utf8_byte, shown);
		return -1;
	}
	if (sc.bad_pos) {
		report_bad_char(s, len, &sc, err, errsz);
		return -1;
	}
	if (sc.spaces) {
		report_space(s, len, &sc, err, errsz);
		return -1;
	}
	if (sc.chars > TAG_MAX_CHARS) {
		show_input(s, len, shown, sizeof(shown));
		snprintf(err, errsz, "hashtag '%s' is too long: %zu characters, at most %d",
			 shown, sc.chars, TAG_MAX_CHARS);
		return -1;
	}
	copy_lower(s, len, false, out);
	return 0;
}

static bool is_url_safe(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '~' || c == '-';
}

char *tag_url(const char *tag)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t n = strlen(tag);
	char *url, *p;

	if (n > (SIZE_MAX - sizeof(url_prefix)) / 3)
		return NULL;
	url = malloc(sizeof(url_prefix) + 3 * n);
	if (!url)
		return NULL;
	memcpy(url, url_prefix, sizeof(url_prefix) - 1);
	p = url + sizeof(url_prefix) - 1;
	for (; *tag; tag++) {
		unsigned char c = (unsigned char)*tag;

		if (is_url_safe(c)) {
			*p++ = (char)c;
		} else {
			*p++ = '%';
			*p++ = hex[c >> 4];
			*p++ = hex[c & 0x0F];
		}
	}
	*p = '\0';
	return url;
}

static const char *const tag_status_names[] = {
	[TAG_NO_DATA] = "no-data", [TAG_OK] = "ok",
	[TAG_NOT_FOUND] = "not-found", [TAG_ERROR] = "error",
};

const char *tag_status_name(enum tag_status s)
{
	return tag_status_names[s];
}

enum tag_status tag_status_parse(const char *name)
{
	for (size_t i = 0; name && i < ARRAY_SIZE(tag_status_names); i++)
		if (strcmp(name, tag_status_names[i]) == 0)
			return (enum tag_status)i;
	return TAG_NO_DATA;
}
