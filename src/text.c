/* text: trimming, quoting and masking text for one-line error messages. */
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
