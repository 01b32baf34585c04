/*
 * payload: what one channel receives, in its format: one alert, a digest of
 * several, or a test message; and the email around it. Pure: the wording is
 * alert.c's sentence, the limits are each platform's.
 */
#ifndef HASHTRACK_PAYLOAD_H
#define HASHTRACK_PAYLOAD_H

#include <stddef.h>
#include <stdint.h>

#include "alert.h"

/* Each platform's own limits, and a margin under them. */
#define PAYLOAD_DISCORD_MAX_CHARS 2000  /* content */
#define PAYLOAD_SLACK_SECTION_MAX 3000  /* a section's text */
#define PAYLOAD_SLACK_MAX_BLOCKS 50
#define PAYLOAD_TEAMS_MAX_BYTES (28 * 1024)     /* the whole Workflows message */
#define PAYLOAD_NTFY_MAX_BYTES 4096     /* a longer body becomes an attachment */

struct payload {
	char *body;     /* what is POSTed; for email, the message's text */
	char *title;    /* one line naming the tag: ntfy's Title, the email's Subject */
	char *link;     /* the TikTok link (ntfy's Click); NULL for a digest or a test */
};

void payload_release(struct payload *p);

/* One alert in fmt. Returns 0, -1 when out of memory. */
int payload_alert(enum alert_format fmt, const struct alert *a, struct payload *out);

/*
 * alerts[0..n) as one message in fmt (not json: a json channel gets each
 * alert alone), listing as many as the format's limit holds, then "and K
 * more" with a pointer to `hashtrack alerts`. Returns 0, -1 when out of memory.
 */
int payload_digest(enum alert_format fmt, const struct alert *const *alerts, size_t n,
		   struct payload *out);

/* A message that says it is a test through channel, in fmt. */
int payload_test(enum alert_format fmt, const char *channel, struct payload *out);

/*
 * text as a header value: as it is when printable ASCII, else RFC 2047
 * encoded words ("=?UTF-8?B?...?=") separated by sep (" " for HTTP,
 * "\r\n " to fold a mail header). Control characters become spaces. malloc'd.
 */
char *payload_header_value(const char *text, const char *sep);

/*
 * The email: Date (now), From, To, Subject (p->title), Message-ID (from
 * unique and the sender's domain), a plain-text UTF-8 body (p->body), with
 * CRLF line ends. malloc'd.
 */
char *payload_email(const struct payload *p, const char *from, const char *to, int64_t now,
		    const char *unique);

#endif
