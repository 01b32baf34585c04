/* outbox: pending alerts -> payloads -> deliver, each outcome recorded at once. */
#include <stdio.h>
#include <stdlib.h>

#include "deliver.h"
#include "msg.h"
#include "outbox.h"

/* One delivery round: the alerts in payload order, and how many stay pending. */
struct round {
	struct store *st;
	const struct config *cfg;
	const struct alert_row *rows;
	size_t n;
	size_t pending;
	bool lost;              /* an outcome could not be recorded: the round stopped */
};

/*
 * The store cannot record an outcome: one line. The round stops, since every
 * further POST would be sent again next run; this alert's, if it went out, is.
 */
static void outcome_lost(struct round *o, size_t i, const struct delivery *d)
{
	error("cannot record alert outcomes in '%s': %s (#%s's alert was %s; no further "
	      "alert sent, the run stopped there)", o->cfg->db_path,
	      store_disk_full(o->st) ? "the disk is full; free some space, then run again"
				     : store_error(o->st),
	      o->rows[i].tag, d->sent ? "delivered and will be sent once more" : "not delivered");
	o->lost = true;
	o->pending += o->n - i;         /* this one and the rest stay pending */
}

/* Record each outcome at once: a crash later in the round loses no "sent". */
static int on_delivered(void *user, size_t i, const struct delivery *d)
{
	struct round *o = user;
	const struct alert_row *row = &o->rows[i];

	if (d->tried && store_alert_attempt(o->st, row->id, d->sent, o->cfg->now,
					    d->sent ? NULL : d->error)) {
		outcome_lost(o, i, d);
		return 1;
	}
	if (d->sent) {
		note("#%s: alert delivered", row->tag);
	} else {
		o->pending++;
		error("#%s: alert not delivered: %s%s; it stays pending for the next run",
		      row->tag, d->error, d->tried ? "" : " for an earlier alert");
	}
	return 0;
}

/* POST rows[0..n) through deliver_all; returns how many stay pending. */
static size_t send_rows(struct store *st, const struct config *cfg,
			const struct alert_row *rows, size_t n, bool *lost)
{
	struct round o = { .st = st, .cfg = cfg, .rows = rows, .n = n };
	char **payloads = calloc(n, sizeof(*payloads));

	if (!payloads) {
		error("out of memory; %zu alerts stay pending for the next run", n);
		return n;
	}
	for (size_t i = 0; i < n; i++)
		payloads[i] = alert_payload(cfg->alert_format, &rows[i].a);
	/* [api] timeout bounds each webhook POST too: the webhook has no setting of its own. */
	if (deliver_all(cfg->webhook, (const char *const *)payloads, n, cfg->timeout,
			on_delivered, &o)) {
		o.pending = n;
		error("cannot set up the webhook request; %zu alerts stay pending for the next run",
		      n);
	}
	for (size_t i = 0; i < n; i++)
		free(payloads[i]);
	free(payloads);
	*lost = o.lost;
	return o.pending;
}

size_t outbox_send(struct store *st, const struct config *cfg, int64_t after_id,
		   int64_t *max_id, bool *lost)
{
	struct alert_row *rows;
	size_t n, first = 0, pending = 0;

	*lost = false;
	if (store_pending_alerts(st, &rows, &n)) {
		error("%s", store_error(st));
		return 1;
	}
	while (first < n && rows[first].id <= after_id)
		first++;
	if (n > 0 && rows[n - 1].id > *max_id)
		*max_id = rows[n - 1].id;
	if (first < n)
		pending = send_rows(st, cfg, rows + first, n - first, lost);
	free(rows);
	return pending;
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
