/* tag: hashtag normalisation, validation and the TikTok link. Pure, no I/O. */
#ifndef HASHTRACK_TAG_H
#define HASHTRACK_TAG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "detect.h"
#include "pace.h"

#define TAG_MAX_CHARS 100
/* Worst case: 100 four-byte UTF-8 characters plus the terminating NUL. */
#define TAG_BUF_SIZE (TAG_MAX_CHARS * 4 + 1)
/* A campaign name: up to 64 characters of UTF-8, and the terminating NUL. */
#define CAMPAIGN_MAX_CHARS 64
#define CAMPAIGN_BUF_SIZE (CAMPAIGN_MAX_CHARS * 4 + 1)

/*
 * Normalise raw user input into out (at least TAG_BUF_SIZE bytes): trim
 * surrounding white space, drop leading '#'s, validate, then fold to Unicode
 * NFC with full case folding ("CAFÉ", "café" and "cafe\u0301" are one tag).
 * Valid: 1 to TAG_MAX_CHARS characters (counted once folded) of ASCII
 * letters, digits and '_', non-ASCII letters, and combining marks that
 * follow a letter. Returns 0 on success; -1 with a one-line reason in err naming the
 * offending character (and suggesting a fix where one is obvious, such as
 * "vibe coding" -> "vibecoding").
 */
int tag_normalize(const char *raw, char *out, char *err, size_t errsz);

/* The tag's TikTok link, percent-encoded; malloc'd, NULL on allocation failure. */
char *tag_url(const char *tag);

/* ---- a tracked tag, as the database keeps it ---- */

/* The outcome of the tag's last fetch. */
enum tag_status { TAG_NO_DATA, TAG_OK, TAG_NOT_FOUND, TAG_ERROR };

/* The flags sit beside the status and the texts after the numbers: little padding. */
struct tag_info {
	int64_t added_at;
	int64_t muted_until;            /* alerts muted before this time; 0: never muted */
	struct snapshot last;           /* when has_last */
	struct pace_alert_state state;  /* its alert edge, as the last run left it */
	struct pace_heat heat;          /* how close to firing its last evaluation left it */
	struct tag_rules rules;
	enum tag_status status;
	bool active;
	bool has_last;
	char last_error[256];
	char mute_reason[256];
	char campaign[CAMPAIGN_BUF_SIZE];       /* "" when in none */
	char name[TAG_BUF_SIZE];
};

/* "no-data", "ok", "not-found", "error"; and back (TAG_NO_DATA when unknown). */
const char *tag_status_name(enum tag_status s);
enum tag_status tag_status_parse(const char *name);

#endif
