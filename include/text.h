/* text: the small string helpers the parsers share for their error messages. Pure. */
#ifndef HASHTRACK_TEXT_H
#define HASHTRACK_TEXT_H

#include <stdbool.h>
#include <stddef.h>

/* Error messages quote at most this much of the input. */
#define TEXT_QUOTE_MAX 40
#define TEXT_QUOTE_SIZE (TEXT_QUOTE_MAX + sizeof("..."))

/* C's white space, without the locale isspace() consults. */
bool text_is_space(char c);

/* s without surrounding white space: the start, and its length in *len. */
const char *text_trim(const char *s, size_t *len);

/*
 * A quotable copy of len bytes of s in buf (TEXT_QUOTE_SIZE bytes): control
 * bytes become '?' so the message stays on one line, long text is cut with
 * "...". Returns buf.
 */
const char *text_quote(const char *s, size_t len, char *buf);

#endif
