/*
 * tag: turns what a user typed into a canonical hashtag, or explains why it
 * is not one, and builds the tag's TikTok link. Pure, no I/O.
 */
#include "tag.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "array.h"
#include "text.h"

/* Error messages show at most this much of the input, so they stay one line. */
#define SHOW_MAX_CHARS 40
/* Worst case per shown character is an escape such as "\u0085". */
#define SHOW_BUF_SIZE (SHOW_MAX_CHARS * 6 + sizeof("..."))

static const char url_prefix[] = "https://www.tiktok.com/tag/";

/* Letter-ness comes from utf8proc's Unicode tables, never from the locale. */
static bool is_letter(uint32_t cp)
{
	utf8proc_category_t cat;

	if (cp < 0x80)
		return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z');
	cat = utf8proc_category((utf8proc_int32_t)cp);
	return cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO;
}

/*
 * A combining mark that is not default-ignorable: variation selectors and
 * the grapheme joiner are invisible and would make look-alike tags.
 */
static bool is_mark(uint32_t cp)
{
	utf8proc_category_t cat;

	if (cp < 0x80)
		return false;
	cat = utf8proc_category((utf8proc_int32_t)cp);
	return cat >= UTF8PROC_CATEGORY_MN && cat <= UTF8PROC_CATEGORY_ME &&
	       !utf8proc_get_property((utf8proc_int32_t)cp)->ignorable;
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
 * A combining mark is accepted only after a letter (or after a mark that
 * follows one): NFC composes "cafe\u0301" into "café", and the marks that
 * do not compose, such as Thai tone marks and Devanagari vowel signs, are
 * kept because words like "น่ารัก" and "हिंदी" need them. A mark with no letter
 * to sit on (at the start, after a digit, '_' or a space) is refused.
 */
static void scan_tag(const char *s, size_t len, struct scan *sc)
{
	const unsigned char *p = (const unsigned char *)s;
	bool after_letter = false;
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
			after_letter = false;
		} else if (is_letter(cp)) {
			after_letter = true;
		} else if ((cp >= '0' && cp <= '9') || cp == '_') {
			after_letter = false;
		} else if (!(after_letter && is_mark(cp))) {
			sc->bad_pos = sc->chars;
			sc->bad_off = off;
			sc->bad_len = n;
			sc->bad_cp = cp;
			return;
		}
		off += n;
	}
}

/* How folding a valid body into its canonical form went. */
enum fold {
	FOLD_OK,
	FOLD_NOMEM,	/* utf8proc could not allocate */
	FOLD_LONG,	/* more than TAG_MAX_CHARS characters once folded */
	FOLD_BAD,	/* folding made a character that is not valid (sc says which) */
};

/*
 * The canonical form of s (len bytes, already scanned valid) in out (at
 * least TAG_BUF_SIZE bytes): Unicode NFC with full case folding, so that
 * "CAFÉ", "café" and "cafe\u0301" are one tag. sc describes the result.
 */
static enum fold fold_tag(const char *s, size_t len, char *out, struct scan *sc)
{
	utf8proc_uint8_t *folded = NULL;
	utf8proc_ssize_t n;
	enum fold ret = FOLD_OK;

	out[0] = '\0';
	n = utf8proc_map((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)len, &folded,
			 UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD);
	if (n < 0)
		return FOLD_NOMEM;  /* the input is valid UTF-8: no other error is possible */
	scan_tag((const char *)folded, (size_t)n, sc);
	if (sc->utf8_byte || sc->bad_pos || sc->spaces)
		ret = FOLD_BAD;
	else if (sc->chars > TAG_MAX_CHARS)
		ret = FOLD_LONG;
	else
		memcpy(out, folded, (size_t)n + 1);  /* at most 4 bytes a character */
	free(folded);
	return ret;
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
	char shown[SHOW_BUF_SIZE], raw[TAG_BUF_SIZE], joined[TAG_BUF_SIZE];
	size_t joined_chars = sc->chars - sc->spaces, i, n = 0;
	struct scan folded;

	show_input(s, len, shown, sizeof(shown));
	if (joined_chars >= 1 && joined_chars <= TAG_MAX_CHARS) {
		/* At most TAG_MAX_CHARS characters of at most 4 bytes each remain. */
		for (i = 0; i < len; i++)
			if (s[i] != ' ')
				raw[n++] = s[i];
		raw[n] = '\0';
		if (fold_tag(raw, n, joined, &folded) == FOLD_OK) {
			snprintf(err, errsz, "invalid character ' ' (space) at position %zu "
				 "in '%s'; did you mean '%s'?", sc->space_pos, shown, joined);
			return;
		}
	}
	snprintf(err, errsz, "invalid character ' ' (space) at position %zu in '%s'",
		 sc->space_pos, shown);
}

static void report_too_long(const char *s, size_t len, size_t chars, char *err, size_t errsz)
{
	char shown[SHOW_BUF_SIZE];

	show_input(s, len, shown, sizeof(shown));
	snprintf(err, errsz, "hashtag '%s' is too long: %zu characters, at most %d",
		 shown, chars, TAG_MAX_CHARS);
}

int tag_normalize(const char *raw, char *out, char *err, size_t errsz)
{
	char shown[SHOW_BUF_SIZE];
	struct scan sc, folded;
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
	switch (fold_tag(s, len, out, &folded)) {
	case FOLD_OK:
		return 0;
	case FOLD_LONG:
		report_too_long(s, len, folded.chars, err, errsz);
		break;
	case FOLD_BAD:
		show_input(s, len, shown, sizeof(shown));
		snprintf(err, errsz, "invalid character U+%04X in '%s' once normalised",
			 (unsigned)folded.bad_cp, shown);
		break;
	case FOLD_NOMEM:
		snprintf(err, errsz, "out of memory normalising a hashtag");
		break;
	}
	out[0] = '\0';
	return -1;
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
