/* text: trimming, quoting and masking text for one-line error messages. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

bool text_is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

const char *text_trim(const char *s, size_t *len)
{
	const char *end;

	while (text_is_space(*s))
		s++;
	end = s + strlen(s);
	while (end > s && text_is_space(end[-1]))
		end--;
	*len = (size_t)(end - s);
	return s;
}

const char *text_quote(const char *s, size_t len, char *buf)
{
	size_t i, n = len > TEXT_QUOTE_MAX ? TEXT_QUOTE_MAX : len;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		buf[i] = (c < 0x20 || c == 0x7F) ? '?' : (char)c;
	}
	memcpy(buf + i, n < len ? "..." : "", n < len ? sizeof("...") : 1);
	return buf;
}

size_t text_mask_secret(char *buf, size_t len, const char *secret)
{
	size_t slen = secret ? strlen(secret) : 0, stars = slen < 4 ? slen : 4;
	size_t in = 0, out = 0;

	if (slen == 0)
		return len;
	/* Never longer than the input, so the copy can go in place. */
	while (in < len) {
		if (len - in >= slen && memcmp(buf + in, secret, slen) == 0) {
			memset(buf + out, '*', stars);
			out += stars;
			in += slen;
		} else {
			buf[out++] = buf[in++];
		}
	}
	buf[out] = '\0';
	return out;
}

#define REPLACEMENT "\xEF\xBF\xBD"     /* U+FFFD in UTF-8 */

/*
 * The length of the valid UTF-8 character at s (n bytes available), or 0
 * when none starts there; *bad gets the length of the maximal subpart to
 * replace then (at least 1). Ranges per Unicode table 3-7.
 */
static size_t utf8_char(const unsigned char *s, size_t n, size_t *bad)
{
	unsigned char c = s[0], lo = 0x80, hi = 0xBF;
	size_t need, i;

	*bad = 1;
	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF)
		need = 2;
	else if (c >= 0xE0 && c <= 0xEF)
		need = 3, lo = c == 0xE0 ? 0xA0 : 0x80, hi = c == 0xED ? 0x9F : 0xBF;
	else if (c >= 0xF0 && c <= 0xF4)
		need = 4, lo = c == 0xF0 ? 0x90 : 0x80, hi = c == 0xF4 ? 0x8F : 0xBF;
	else
		return 0;
	for (i = 1; i < need; i++) {
		if (i >= n || s[i] < lo || s[i] > hi)
			return 0;
		*bad = i + 1;
		lo = 0x80, hi = 0xBF;
	}
	return need;
}

size_t text_sanitize_utf8(char *out, size_t outsz, const char *s, size_t len)
{
	const unsigned char *in = (const unsigned char *)s;
	size_t i = 0, o = 0;

	if (outsz == 0)
		return 0;
	while (i < len) {
		size_t bad, n = utf8_char(in + i, len - i, &bad);
		const char *rep = (const char *)in + i;
		size_t replen = n;

		if (n == 0) {
			rep = REPLACEMENT, replen = sizeof(REPLACEMENT) - 1, n = bad;
		} else if (n == 1 && text_is_space((char)in[i])) {
			rep = " ", replen = 1;
		} else if ((n == 1 && (in[i] < 0x20 || in[i] == 0x7F)) ||
			   (n == 2 && in[i] == 0xC2 && in[i + 1] < 0xA0)) {
			rep = REPLACEMENT, replen = sizeof(REPLACEMENT) - 1;
		}
		if (o + replen >= outsz)
			break;
		memcpy(out + o, rep, replen);
		o += replen;
		i += n;
	}
	out[o] = '\0';
	return i;
}

char *text_printf(const char *fmt, ...)
{
	va_list ap;
	char *text;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return NULL;
	text = malloc((size_t)n + 1);
	if (!text)
		return NULL;
	va_start(ap, fmt);
	vsnprintf(text, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return text;
}
