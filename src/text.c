/* text: trimming and quoting input for one-line error messages. */
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
