/*
 * text: the small string helpers the parsers share for their error messages,
 * and the cleaning of text that came from the network. Pure.
 */
#ifndef HASHTRACK_TEXT_H
#define HASHTRACK_TEXT_H

#include <stdbool.h>
#include <stddef.h>

/* Error messages quote at most this much of the input. */
#define TEXT_QUOTE_MAX 40
#define TEXT_QUOTE_SIZE (TEXT_QUOTE_MAX + sizeof("..."))

/* printf into a malloc'd string; NULL when out of memory. */
__attribute__((format(printf, 1, 2)))
char *text_printf(const char *fmt, ...);

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

/*
 * Replace every occurrence of secret in the len bytes of buf with "****"
 * (as many stars as the secret has characters, when it has fewer than four),
 * so that text from elsewhere that echoes a secret can be shown or stored.
 * buf may hold NUL bytes; a NUL is written after the result, so buf needs
 * len + 1 bytes. Returns the new length. An empty or NULL secret changes
 * nothing.
 */
size_t text_mask_secret(char *buf, size_t len, const char *secret);

/*
 * Text from the network made safe to print and to store: valid UTF-8 on one
 * line. Copies len bytes of s (NUL bytes included) into out (outsz >= 1
 * bytes, always NUL terminated). Each invalid sequence (overlong forms,
 * surrogates, code points above U+10FFFF, stray or missing continuation
 * bytes: one U+FFFD per maximal subpart, as Unicode recommends) and each
 * control character (C0, DEL, C1) becomes U+FFFD, except that white space
 * (tab, line breaks) becomes a space. Text too long for out is cut before
 * the first character that does not fit, never inside one. Returns how many
 * bytes of s were consumed: len when all of it fit.
 */
size_t text_sanitize_utf8(char *out, size_t outsz, const char *s, size_t len);

#endif
