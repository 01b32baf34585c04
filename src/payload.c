/* payload: each channel format's message for an alert, a digest or a test. */
#include "payload.h"

#include <cjson/cJSON.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tag.h"
#include "text.h"

#define TEST_TEXT "hashtrack test message: channel '%s' works; this is not an alert"
#define MORE_TEXT "and %zu more; see them all with 'hashtrack alerts'"
/* Room kept for the "and K more" line and the JSON around the text. */
#define MORE_ROOM 96
#define TEAMS_TEXT_BUDGET (PAYLOAD_TEAMS_MAX_BYTES - 4096)
#define EMAIL_MAX_LISTED 1000

void payload_release(struct payload *p)
{
	free(p->body);
	free(p->title);
	free(p->link);
	memset(p, 0, sizeof(*p));
}

/* cJSON's text of obj, which it takes; NULL when obj is NULL or out of memory. */
static char *print_take(cJSON *obj, bool ok)
{
	char *text = ok && obj ? cJSON_PrintUnformatted(obj) : NULL;

	cJSON_Delete(obj);
	return text;
}

/* ---- the lines of a message: a head, an item per alert, the rest counted ---- */

struct lines {
	char *head;             /* "hashtrack: 7 alerts in this run" */
	char **item;            /* each alert's sentence, as the format shows it */
	size_t n;               /* items that fit */
	size_t more;            /* items left out */
	char *tail;             /* "and K more; ..." or NULL */
};

static void lines_release(struct lines *l)
{
	free(l->head);
	for (size_t i = 0; i < l->n; i++)
		free(l->item[i]);
	free(l->item);
	free(l->tail);
}

/* The sentences that fit in budget bytes, each with a newline, head and tail included. */
static int lines_build(struct lines *l, enum alert_format fmt, const struct alert *const *a,
		       size_t n, size_t budget, size_t max_items)
{
	size_t used;

	memset(l, 0, sizeof(*l));
	l->head = text_printf("hashtrack: %zu alerts in this run", n);
	l->item = calloc(n ? n : 1, sizeof(*l->item));
	if (!l->head || !l->item)
		return -1;
	used = strlen(l->head) + 1 + MORE_ROOM;
	for (size_t i = 0; i < n && l->n < max_items; i++) {
		char *s = alert_sentence_for(fmt, a[i]);

		if (!s)
			return -1;
		if (used + strlen(s) + 1 > budget) {
			free(s);
			break;
		}
		used += strlen(s) + 1;
		l->item[l->n++] = s;
	}
	l->more = n - l->n;
	if (l->more && !(l->tail = text_printf(MORE_TEXT, l->more)))
		return -1;
	return 0;
}

/* head, items and tail joined by newlines. */
static char *lines_join(const struct lines *l, bool with_head)
{
	size_t len = 1;
	char *out;

	len += with_head ? strlen(l->head) + 1 : 0;
	for (size_t i = 0; i < l->n; i++)
		len += strlen(l->item[i]) + 1;
	len += l->tail ? strlen(l->tail) + 1 : 0;
	out = malloc(len);
	if (!out)
		return NULL;
	out[0] = '\0';
	if (with_head)
		strcat(strcat(out, l->head), "\n");
	for (size_t i = 0; i < l->n; i++)
		strcat(strcat(out, l->item[i]), "\n");
	if (l->tail)
		strcat(strcat(out, l->tail), "\n");
	if (len > 1 && out[strlen(out) - 1] == '\n')
		out[strlen(out) - 1] = '\0';
	return out;
}

/* ---- Slack ---- */

static cJSON *slack_mrkdwn_block(const char *type, const char *text)
{
	cJSON *b = cJSON_CreateObject(), *t = cJSON_CreateObject(), *holder = t;
	bool ok = b && t && cJSON_AddStringToObject(t, "type", "mrkdwn") &&
		  cJSON_AddStringToObject(t, "text", text) &&
		  cJSON_AddStringToObject(b, "type", type);

	if (ok && strcmp(type, "context") == 0) {
		holder = cJSON_CreateArray();
		ok = holder && cJSON_AddItemToArray(holder, t);
		if (!ok)
			cJSON_Delete(holder);
	}
	if (ok && !cJSON_AddItemToObject(b, strcmp(type, "context") == 0 ? "elements" : "text",
					 holder))
		ok = false;
	if (!ok) {
		cJSON_Delete(b);
		if (holder == t)
			cJSON_Delete(t);
		return NULL;
	}
	return b;
}

/*
 * Items packed into sections of at most PAYLOAD_SLACK_SECTION_MAX bytes, in
 * at most max sections; *placed gets how many items went in.
 */
static bool slack_sections(cJSON *blocks, const struct lines *l, size_t max, size_t *placed)
{
	char *buf = malloc(PAYLOAD_SLACK_SECTION_MAX + 1);
	size_t used = 0, sections = 0;
	bool ok = buf != NULL;

	*placed = 0;
	for (size_t i = 0; ok && i <= l->n; i++) {
		size_t len = i < l->n ? strlen(l->item[i]) : 0;

		if (used && (i == l->n || used + 1 + len > PAYLOAD_SLACK_SECTION_MAX)) {
			ok = cJSON_AddItemToArray(blocks, slack_mrkdwn_block("section", buf));
			used = 0;
			*placed = i;
			if (++sections == max)
				break;
		}
		if (i < l->n && ok) {
			used += (size_t)snprintf(buf + used, PAYLOAD_SLACK_SECTION_MAX + 1 - used,
						 "%s%s", used ? "\n" : "", l->item[i]);
			used = used > PAYLOAD_SLACK_SECTION_MAX ? PAYLOAD_SLACK_SECTION_MAX : used;
		}
	}
	free(buf);
	return ok;
}

/* The head, the items in sections (as many as 50 blocks hold), then "and K more". */
static char *slack_digest(struct lines *l)
{
	cJSON *obj = cJSON_CreateObject(), *blocks;
	size_t placed = 0;
	bool ok = obj && cJSON_AddStringToObject(obj, "text", l->head) &&
		  (blocks = cJSON_AddArrayToObject(obj, "blocks")) &&
		  cJSON_AddItemToArray(blocks, slack_mrkdwn_block("section", l->head)) &&
		  slack_sections(blocks, l, PAYLOAD_SLACK_MAX_BLOCKS - 2, &placed);

	if (ok && placed < l->n) {
		free(l->tail);
		l->more += l->n - placed;
		l->tail = text_printf(MORE_TEXT, l->more);
		ok = l->tail != NULL;
	}
	ok = ok && (!l->tail ||
		    cJSON_AddItemToArray(blocks, slack_mrkdwn_block("context", l->tail)));
	return print_take(obj, ok);
}

static char *slack_text(const char *text)
{
	cJSON *obj = cJSON_CreateObject(), *blocks;
	char *esc = alert_slack_escape(text);
	bool ok = obj && esc && cJSON_AddStringToObject(obj, "text", esc) &&
		  (blocks = cJSON_AddArrayToObject(obj, "blocks")) &&
		  cJSON_AddItemToArray(blocks, slack_mrkdwn_block("section", esc));

	free(esc);
	return print_take(obj, ok);
}

/* ---- Discord ---- */

static char *discord_text(const char *text)
{
	cJSON *obj = cJSON_CreateObject();
	char *copy = strdup(text);
	bool ok;

	if (copy)
		alert_cut_chars(copy, PAYLOAD_DISCORD_MAX_CHARS);
	ok = obj && copy && cJSON_AddStringToObject(obj, "content", copy) &&
	     alert_add_no_mentions(obj);
	free(copy);
	return print_take(obj, ok);
}

/* ---- Teams: a Workflows message carrying one Adaptive Card ---- */

static bool add_text_block(cJSON *body, const char *text, bool heading)
{
	cJSON *b = cJSON_CreateObject();

	if (!b || !cJSON_AddStringToObject(b, "type", "TextBlock") ||
	    !cJSON_AddStringToObject(b, "text", text) || !cJSON_AddTrueToObject(b, "wrap") ||
	    (heading && (!cJSON_AddStringToObject(b, "weight", "Bolder") ||
			 !cJSON_AddStringToObject(b, "size", "Medium")))) {
		cJSON_Delete(b);
		return false;
	}
	return cJSON_AddItemToArray(body, b);
}

/* Teams' button: title as plain text (no markdown there), the TikTok link. */
static bool add_open_url(cJSON *card, const char *title, const char *url)
{
	cJSON *actions = cJSON_AddArrayToObject(card, "actions"), *a = cJSON_CreateObject();

	if (!actions || !a || !cJSON_AddStringToObject(a, "type", "Action.OpenUrl") ||
	    !cJSON_AddStringToObject(a, "title", title) || !cJSON_AddStringToObject(a, "url", url)) {
		cJSON_Delete(a);
		return false;
	}
	return cJSON_AddItemToArray(actions, a);
}

/* {"type":"message","attachments":[{"contentType":...,"content":<card>}]}; *body gets the card's. */
static cJSON *teams_message(cJSON **card_body, cJSON **card)
{
	cJSON *msg = cJSON_CreateObject(), *atts, *att = cJSON_CreateObject();

	*card = cJSON_CreateObject();
	if (!msg || !att || !*card || !cJSON_AddStringToObject(msg, "type", "message") ||
	    !(atts = cJSON_AddArrayToObject(msg, "attachments")) ||
	    !cJSON_AddStringToObject(att, "contentType", "application/vnd.microsoft.card.adaptive") ||
	    !cJSON_AddStringToObject(*card, "type", "AdaptiveCard") ||
	    !cJSON_AddStringToObject(*card, "$schema",
				     "http://adaptivecards.io/schemas/adaptive-card.json") ||
	    !cJSON_AddStringToObject(*card, "version", "1.4") ||
	    !(*card_body = cJSON_AddArrayToObject(*card, "body")) ||
	    !cJSON_AddItemToObject(att, "content", *card)) {
		cJSON_Delete(msg);
		cJSON_Delete(att);
		cJSON_Delete(*card);
		return NULL;
	}
	cJSON_AddItemToArray(atts, att);
	return msg;
}

static char *teams_lines(const struct lines *l, const char *action_title, const char *url)
{
	cJSON *body, *card, *msg = teams_message(&body, &card);
	bool ok = msg != NULL;

	if (ok && l->head)
		ok = add_text_block(body, l->head, true);
	for (size_t i = 0; ok && i < l->n; i++)
		ok = add_text_block(body, l->item[i], false);
	if (ok && l->tail)
		ok = add_text_block(body, l->tail, false);
	if (ok && url)
		ok = add_open_url(card, action_title, url);
	return print_take(msg, ok);
}

/* ---- one alert ---- */

static int alert_teams(const struct alert *a, struct payload *out)
{
	char *title = alert_title(a), *sentence = alert_sentence_for(ALERT_TEAMS, a);
	char *button = title ? text_printf("Open %s on TikTok", strchr(title, '#')) : NULL;
	struct lines l = { .item = &sentence, .n = sentence ? 1 : 0 };

	out->link = tag_url(a->tag);
	if (sentence && out->link && button)
		out->body = teams_lines(&l, button, out->link);
	free(title);
	free(sentence);
	free(button);
	return out->body ? 0 : -1;
}

int payload_alert(enum alert_format fmt, const struct alert *a, struct payload *out)
{
	memset(out, 0, sizeof(*out));
	out->title = alert_title(a);
	if (!out->title)
		return -1;
	switch (fmt) {
	case ALERT_TEAMS:
		if (alert_teams(a, out))
			goto fail;
		return 0;
	case ALERT_NTFY:
	case ALERT_EMAIL:
		out->body = alert_sentence_for(fmt, a);
		break;
	default:
		out->body = alert_payload(fmt, a);
		break;
	}
	out->link = tag_url(a->tag);
	if (out->body && out->link)
		return 0;
fail:
	payload_release(out);
	return -1;
}

/* ---- a digest ---- */

static size_t digest_budget(enum alert_format fmt)
{
	switch (fmt) {
	case ALERT_DISCORD:
		return PAYLOAD_DISCORD_MAX_CHARS;       /* bytes: never more characters */
	case ALERT_SLACK:
		return (size_t)(PAYLOAD_SLACK_MAX_BLOCKS - 3) * PAYLOAD_SLACK_SECTION_MAX;
	case ALERT_TEAMS:
		return TEAMS_TEXT_BUDGET;
	case ALERT_NTFY:
		return PAYLOAD_NTFY_MAX_BYTES;
	default:
		return SIZE_MAX;
	}
}

int payload_digest(enum alert_format fmt, const struct alert *const *alerts, size_t n,
		   struct payload *out)
{
	struct lines l;
	char *text = NULL;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	if (fmt == ALERT_JSON)
		return -1;
	if (lines_build(&l, fmt, alerts, n, digest_budget(fmt),
			fmt == ALERT_EMAIL ? EMAIL_MAX_LISTED : SIZE_MAX))
		goto cleanup;
	out->title = strdup(l.head);
	if (fmt == ALERT_SLACK)
		out->body = slack_digest(&l);
	else if (fmt == ALERT_TEAMS)
		out->body = teams_lines(&l, NULL, NULL);
	else if ((text = lines_join(&l, fmt != ALERT_NTFY && fmt != ALERT_EMAIL)))
		out->body = fmt == ALERT_DISCORD ? discord_text(text) : strdup(text);
	rc = out->body && out->title ? 0 : -1;
cleanup:
	free(text);
	lines_release(&l);
	if (rc)
		payload_release(out);
	return rc;
}

int payload_test(enum alert_format fmt, const char *channel, struct payload *out)
{
	char *text = text_printf(TEST_TEXT, channel);
	struct lines l = { .item = &text, .n = 1 };
	cJSON *obj;

	memset(out, 0, sizeof(*out));
	out->title = strdup("hashtrack test message");
	if (!text || !out->title)
		goto fail;
	switch (fmt) {
	case ALERT_SLACK:
		out->body = slack_text(text);
		break;
	case ALERT_DISCORD:
		out->body = discord_text(text);
		break;
	case ALERT_TEAMS:
		out->body = teams_lines(&l, NULL, NULL);
		break;
	case ALERT_JSON:
		obj = cJSON_CreateObject();
		out->body = print_take(obj, obj && cJSON_AddStringToObject(obj, "event", "test") &&
				       cJSON_AddStringToObject(obj, "message", text));
		break;
	default:
		out->body = strdup(text);
		break;
	}
	free(text);
	text = NULL;
	if (out->body)
		return 0;
fail:
	free(text);
	payload_release(out);
	return -1;
}

/* ---- headers and email ---- */

static bool plain_ascii(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s >= 0x7f)
			return false;
	return true;
}

static void base64(const unsigned char *in, size_t n, char *out)
{
	static const char abc[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

	for (size_t i = 0; i < n; i += 3) {
		unsigned v = (unsigned)in[i] << 16 | (i + 1 < n ? (unsigned)in[i + 1] << 8 : 0) |
			     (i + 2 < n ? in[i + 2] : 0);

		*out++ = abc[v >> 18 & 63];
		*out++ = abc[v >> 12 & 63];
		*out++ = i + 1 < n ? abc[v >> 6 & 63] : '=';
		*out++ = i + 2 < n ? abc[v & 63] : '=';
	}
	*out = '\0';
}

/* Bytes of one encoded word: 45 encode to 60, and the word stays under RFC 2047's 75. */
#define WORD_BYTES 45

char *payload_header_value(const char *text, const char *sep)
{
	size_t len = strlen(text), cap;
	char *clean = strdup(text), *out, *p;

	if (!clean)
		return NULL;
	for (char *q = clean; *q; q++)
		if ((unsigned char)*q < 0x20 || *q == 0x7f)
			*q = ' ';
	if (plain_ascii(clean))
		return clean;
	cap = (len / WORD_BYTES + 1) * (WORD_BYTES / 3 * 4 + 16 + strlen(sep)) + 1;
	out = malloc(cap);
	if (!out) {
		free(clean);
		return NULL;
	}
	p = out;
	for (size_t i = 0; i < len;) {
		size_t n = len - i < WORD_BYTES ? len - i : WORD_BYTES;
		char word[WORD_BYTES / 3 * 4 + 8];

		/* never split a character: back off to the start of the one cut */
		while (n > 0 && i + n < len && ((unsigned char)clean[i + n] & 0xC0) == 0x80)
			n--;
		base64((const unsigned char *)clean + i, n, word);
		p += sprintf(p, "%s=?UTF-8?B?%s?=", i ? sep : "", word);
		i += n;
	}
	free(clean);
	return out;
}

/* RFC 5322's date, in UTC, with English names whatever the locale. */
static void mail_date(int64_t now, char buf[64])
{
	static const char *const days[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
	static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
					      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	time_t t = (time_t)now;
	struct tm tm;

	gmtime_r(&t, &tm);
	snprintf(buf, 64, "%s, %02d %s %04d %02d:%02d:%02d +0000", days[tm.tm_wday], tm.tm_mday,
		 months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/* The body with CRLF line ends. */
static char *crlf(const char *s)
{
	size_t lf = 0;
	char *out, *p;

	for (const char *q = s; *q; q++)
		lf += *q == '\n';
	out = malloc(strlen(s) + lf + 1);
	if (!out)
		return NULL;
	for (p = out; *s; s++) {
		if (*s == '\n')
			*p++ = '\r';
		*p++ = *s;
	}
	*p = '\0';
	return out;
}

char *payload_email(const struct payload *p, const char *from, const char *to, int64_t now,
		    const char *unique)
{
	const char *domain = strrchr(from, '@');
	char date[64], *subject = payload_header_value(p->title, "\r\n "), *body = crlf(p->body);
	char *out = NULL;

	mail_date(now, date);
	domain = domain && domain[1] ? domain + 1 : "hashtrack.invalid";
	if (subject && body)
		out = text_printf("Date: %s\r\nFrom: %s\r\nTo: %s\r\nSubject: %s\r\n"
				 "Message-ID: <%s@%s>\r\nMIME-Version: 1.0\r\n"
				 "Content-Type: text/plain; charset=UTF-8\r\n"
				 "Content-Transfer-Encoding: 8bit\r\n\r\n%s\r\n",
				 date, from, to, subject, unique, domain, body);
	free(subject);
	free(body);
	return out;
}
