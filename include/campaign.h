/*
 * campaign: what a user types for a campaign name or a mute reason, checked
 * and made canonical; and a campaign's totals, which add known counts only
 * and say how many were unknown. Pure, no I/O.
 */
#ifndef HASHTRACK_CAMPAIGN_H
#define HASHTRACK_CAMPAIGN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tag.h"

/* A mute reason: up to 60 characters, so that it fits tag_info.mute_reason. */
#define MUTE_REASON_MAX_CHARS 60
#define MUTE_REASON_BUF_SIZE (MUTE_REASON_MAX_CHARS * 4 + 1)

/*
 * Normalise a campaign name into out (CAMPAIGN_BUF_SIZE bytes): surrounding
 * white space trimmed, Unicode NFC (so a name typed composed or decomposed
 * is one campaign); case is kept and names compare exactly. Valid: 1 to
 * CAMPAIGN_MAX_CHARS characters of letters, marks, digits, punctuation,
 * symbols and the ASCII space, except ',' and ';' (a channel's `campaigns`
 * lists names separated by commas, and ';' starts a comment in the config).
 * Refused, with err naming the offending character and its position:
 * invalid UTF-8, control and format characters (bidi overrides, zero-width
 * spaces), other white space, unassigned and private-use code points, an
 * empty or over-long name. Returns 0 or -1.
 */
int campaign_normalize(const char *raw, char *out, char *err, size_t errsz);

/*
 * The same for a mute reason (--reason), into out (MUTE_REASON_BUF_SIZE
 * bytes): 1 to MUTE_REASON_MAX_CHARS characters; ',' and ';' are fine.
 */
int mute_reason_normalize(const char *raw, char *out, char *err, size_t errsz);

/* ---- totals ---- */

/*
 * A sum over counts some of which may be unknown: the known ones are added
 * (an unknown count is never read as 0), and those that were not are counted.
 */
struct count_sum {
	int64_t sum;
	size_t known, unknown;
	bool overflow;                  /* the known ones do not fit in 64 bits */
};

void count_sum_add(struct count_sum *s, bool known, int64_t v);

/* Whether there is a sum to show: some count known, and no overflow. */
bool count_sum_has(const struct count_sum *s);

/*
 * The sum as people read it, with thousands separators (a '+' before a
 * positive delta when sign): "12,345" when every count was known,
 * "12,345 (2 of 3)" when only 2 of 3 were, "" when none was (or it
 * overflowed). buf needs COUNT_SUM_TEXT_SIZE bytes.
 */
#define COUNT_SUM_TEXT_SIZE 80
void count_sum_text(const struct count_sum *s, bool sign, char *buf, size_t bufsz);

/* A campaign's (or the tags in no campaign's) totals in a report. */
struct campaign_totals {
	size_t tags, firing, muted;
	struct count_sum videos, views;         /* the latest counts */
	struct count_sum new_videos, new_views; /* what the window added */
};

/* A report's rows of one campaign, one after the other, and their totals. */
struct campaign_group {
	const char *campaign;           /* NULL: the tags in no campaign */
	size_t first, n;                /* the rows first .. first + n - 1 */
	struct campaign_totals totals;
};

#endif
