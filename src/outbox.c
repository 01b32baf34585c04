/* outbox: pending alerts -> each channel's payloads -> deliver, each outcome recorded at once. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "deliver.h"
#include "msg.h"
#include "outbox.h"
#include "payload.h"

/* One delivery round on one channel: payload i covers rows [first[i], first[i] + count[i]). */
struct round {
	struct store *st;
	const struct config *cfg;
	const struct channel *ch;
	const struct alert_row *rows;
	size_t n;
	size_t *first, *count;
	size_t pending;
	bool lost;              /* an outcome could not be recorded: the round stopped */
};

/*
 * The store cannot record an outcome: one line. The round stops, since every
 * further POST would be sent again next run; this alert's, if it went out, is.
 */
static void outcome_lost(struct round *o, size_t i, const struct delivery *d)
{
	const struct alert_row *row = &o->rows[o->first[i]];

	error("cannot record alert outcomes in '%s': %s (#%s's alert was %s on channel '%s'; "
	      "no further alert sent, the run stopped there)", o->cfg->db_path,
	      store_disk_full(o->st) ? "the disk is full; free some space, then run again"
				     : store_error(o->st),
	      row->tag, d->sent ? "delivered and will be sent once more" : "not delivered",
	      o->ch->name);
	o->lost = true;
	o->pending += o->n - o->first[i];       /* this one and the rest stay pending */
}

/* Record each outcome at once: a crash later in the round loses no "sent". */
static int on_delivered(void *user, size_t i, const struct delivery *d)
{
	struct round *o = user;
	const struct alert_row *row = &o->rows[o->first[i]];
	int64_t *ids = calloc(o->count[i], sizeof(*ids));

	for (size_t k = 0; ids && k < o->count[i]; k++)
		ids[k] = o->rows[o->first[i] + k].id;
	if (d->tried && (!ids || store_delivery_attempt(o->st, o->ch->name, ids, o->count[i],
							d->sent, o->cfg->now,
							d->sent ? NULL : d->error))) {
		free(ids);
		outcome_lost(o, i, d);
		return 1;
	}
	free(ids);
	if (d->sent) {
		note("#%s: alert delivered to channel '%s'%s", row->tag, o->ch->name,
		     o->count[i] > 1 ? " (in a digest)" : "");
	} else {
		o->pending += o->count[i];
		if (o->count[i] > 1)
			error("digest of %zu alerts not delivered to channel '%s': %s%s; they stay "
			      "pending for the next run", o->count[i], o->ch->name, d->error,
			      d->tried ? "" : " for an earlier alert");
		else
			error("#%s: alert not delivered: %s%s; it stays pending for the next run "
			      "on channel '%s'", row->tag, d->error,
			      d->tried ? "" : " for an earlier alert", o->ch->name);
	}
	return 0;
}

/* More than [alert] digest alerts go as one message; json channels get each alone. */
static size_t plan_payloads(const struct config *cfg, const struct channel *ch,
			    const struct alert_row *rows, size_t n, struct payload *payloads,
			    size_t *first, size_t *count)
{
	const struct alert **list;

	if (cfg->digest == 0 || n <= (size_t)cfg->digest || ch->format == ALERT_JSON) {
		for (size_t i = 0; i < n; i++) {
			first[i] = i;
			count[i] = 1;
			payload_alert(ch->format, &rows[i].a, &payloads[i]);
		}
		return n;
	}
	first[0] = 0;
	count[0] = n;
	list = calloc(n, sizeof(const struct alert *));
	for (size_t i = 0; list && i < n; i++)
		list[i] = &rows[i].a;
	if (list)
		payload_digest(ch->format, list, n, &payloads[0]);
	free(list);
	return 1;
}

/* Send rows[0..n) through ch; returns how many stay pending. */
static size_t send_rows(struct store *st, const struct config *cfg, const struct channel *ch,
			const struct alert_row *rows, size_t n, bool *lost)
{
	struct round o = { .st = st, .cfg = cfg, .ch = ch, .rows = rows, .n = n };
	struct payload *payloads = calloc(n, sizeof(*payloads));
	size_t np = 0;

	o.first = calloc(n, sizeof(*o.first));
	o.count = calloc(n, sizeof(*o.count));
	if (!payloads || !o.first || !o.count) {
		error("out of memory; %zu alerts stay pending for the next run", n);
		o.pending = n;
		goto cleanup;
	}
	if (ch->password_exposed)
		warn("channel '%s': '%s' holds the SMTP password and others can read it; run "
		     "'chmod 600 %s'", ch->name, ch->password_file, ch->password_file);
	np = plan_payloads(cfg, ch, rows, n, payloads, o.first, o.count);
	/* [api] timeout bounds each webhook POST too: the webhook has no setting of its own. */
	if (deliver_all(ch, payloads, np, cfg->timeout, cfg->ca_file, on_delivered, &o)) {
		o.pending = n;
		error("cannot set up channel '%s'; %zu alerts stay pending for the next run",
		      ch->name, n);
	}
cleanup:
	for (size_t i = 0; payloads && i < np; i++)
		payload_release(&payloads[i]);
	free(payloads);
	free(o.first);
	free(o.count);
	*lost = o.lost;
	return o.pending;
}

/* Pending deliveries of a channel no longer configured are dropped, saying so. */
static void drop_removed_channels(struct store *st, const struct config *cfg)
{
	char **names;
	size_t n, dropped;

	if (cfg->nchannels == 0 || store_pending_channels(st, &names, &n))
		return;
	for (size_t i = 0; i < n; i++) {
		if (!config_channel(cfg, names[i])) {
			if (store_drop_channel(st, names[i], &dropped) == 0)
				warn("channel '%s' is no longer in the config: %zu alert%s pending "
				     "for it dropped", names[i], dropped, dropped == 1 ? "" : "s");
			else
				error("%s", store_error(st));
		}
		free(names[i]);
	}
	free(names);
}

size_t outbox_send(struct store *st, const struct config *cfg, int64_t after_id,
		   int64_t *max_id, bool *lost)
{
	size_t pending = 0;

	*lost = false;
	drop_removed_channels(st, cfg);
	for (size_t c = 0; c < cfg->nchannels && !*lost; c++) {
		const struct channel *ch = &cfg->channels[c];
		struct alert_row *rows;
		size_t n, first = 0;

		if (store_pending_on(st, ch->name, &rows, &n)) {
			error("%s", store_error(st));
			pending++;
			continue;
		}
		while (first < n && rows[first].id <= after_id)
			first++;
		if (n > 0 && rows[n - 1].id > *max_id)
			*max_id = rows[n - 1].id;
		if (first < n)
			pending += send_rows(st, cfg, ch, rows + first, n - first, lost);
		free(rows);
	}
	return pending;
}

/* deliver_all's report of the one test message. */
static int on_test(void *user, size_t i, const struct delivery *d)
{
	(void)i;
	*(struct delivery *)user = *d;
	return 0;
}

int outbox_test(const struct config *cfg, const char *name)
{
	int failed = 0;

	if (name && !config_channel(cfg, name)) {
		error("no channel '%s'; the channels are the [alert] webhook ('" CHANNEL_DEFAULT
		      "') and each [channel.NAME] section", name);
		return 2;
	}
	for (size_t c = 0; c < cfg->nchannels; c++) {
		const struct channel *ch = &cfg->channels[c];
		struct delivery d = { 0 };
		struct payload p;
		char origin[300] = "?";

		if (name && strcmp(name, ch->name) != 0)
			continue;
		config_url_origin(ch->url, origin, sizeof(origin));
		if (payload_test(ch->format, ch->name, &p) ||
		    deliver_all(ch, &p, 1, cfg->timeout, cfg->ca_file, on_test, &d))
			snprintf(d.error, sizeof(d.error), "out of memory");
		payload_release(&p);
		if (d.sent) {
			printf("ok    %-16s %-8s %s/...\n", ch->name, alert_format_name(ch->format),
			       origin);
		} else {
			printf("fail  %-16s %-8s %s/...: %s\n", ch->name,
			       alert_format_name(ch->format), origin, d.error);
			failed = 1;
		}
	}
	if (cfg->nchannels == 0) {
		error("no channel to test; set [alert] webhook (or HASHTRACK_WEBHOOK) or add a "
		      "[channel.NAME] section");
		return 1;
	}
	return failed;
}

void outbox_print_pending(struct store *st)
{
	struct alert_row *rows;
	size_t n;

	if (store_pending_alerts(st, &rows, &n)) {
		error("%s", store_error(st));
		return;
	}
	for (size_t i = 0; i < n; i++) {
		char *sentence = alert_sentence(&rows[i].a);

		printf("would send pending alert: %s\n", sentence ? sentence : "(out of memory)");
		free(sentence);
	}
	free(rows);
}

size_t outbox_orphaned(struct store *st)
{
	struct alert_row *rows;
	size_t n;

	if (store_pending_alerts(st, &rows, &n)) {
		error("%s", store_error(st));
		return 1;
	}
	if (n > 0)
		warn("%zu alert%s still pending, but no webhook is configured; set [alert] webhook "
		     "to send them", n, n == 1 ? " is" : "s are");
	free(rows);
	return n;
}
