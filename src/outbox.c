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
	size_t pending;
};

/* Record each outcome at once: a crash later in the round loses no "sent". */
static int on_delivered(void *user, size_t i, const struct delivery *d)
{
	struct round *o = user;
	const struct alert_row *row = &o->rows[i];

	if (d->sent) {
		note("#%s: alert delivered", row->tag);
	} else {
		o->pending++;
		error("#%s: alert not delivered: %s%s; it stays pending for the next run",
		      row->tag, d->error, d->tried ? "" : " for an earlier alert");
	}
	if (d->tried && store_alert_attempt(o->st, row->id, d->sent, o->cfg->now,
					    d->sent ? NULL : d->error))
		error("#%s: %s", row->tag, store_error(o->st));
	return 0;
}

/* POST rows[0..n) through deliver_all; returns how many stay pending. */
static size_t send_rows(struct store *st, const struct config *cfg,
			const struct alert_row *rows, size_t n)
{
	struct round o = { .st = st, .cfg = cfg, .rows = rows };
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
	return o.pending;
}

size_t outbox_send(struct store *st, const struct config *cfg, int64_t after_id,
		   int64_t *max_id)
{
	struct alert_row *rows;
	size_t n, first = 0, pending = 0;

	if (store_pending_alerts(st, &rows, &n)) {
		error("%s", store_error(st));
		return 1;
	}
	while (first < n && rows[first].id <= after_id)
		first++;
	if (n > 0 && rows[n - 1].id > *max_id)
		*max_id = rows[n - 1].id;
	if (first < n)
		pending = send_rows(st, cfg, rows + first, n - first);
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

	if (store_pending_alerts(st, &rows, &n))
		return 0;
	if (n > 0)
		warn("%zu alert%s still pending, but no webhook is configured; set [alert] webhook "
		     "to send them", n, n == 1 ? " is" : "s are");
	free(rows);
	return n;
}
