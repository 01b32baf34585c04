/* tag: hashtag normalisation, validation and the TikTok link. Pure, no I/O. */
#ifndef HASHTRACK_TAG_H
#define HASHTRACK_TAG_H

#include <stddef.h>

#define TAG_MAX_CHARS 100
/* Worst case: 100 four-byte UTF-8 characters plus the terminating NUL. */
#define TAG_BUF_SIZE (TAG_MAX_CHARS * 4 + 1)

/*
 * Normalise raw user input into out (at least TAG_BUF_SIZE bytes): trim
 * surrounding white space, drop leading '#'s, lower-case ASCII letters, then
 * validate. Returns 0 on success; -1 with a one-line reason in err naming the
 * offending character (and suggesting a fix where one is obvious, such as
 * "vibe coding" -> "vibecoding").
 */
int tag_normalize(const char *raw, char *out, char *err, size_t errsz);

/* The tag's TikTok link, percent-encoded; malloc'd, NULL on allocation failure. */
char *tag_url(const char *tag);

#endif
