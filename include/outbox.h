/*
 * outbox: pending alerts out to the webhook, oldest first, each attempt
 * written back as it happens, so a crash in the middle of a round loses no
 * "sent" and resends nothing already confirmed.
 */
#ifndef HASHTRACK_OUTBOX_H
#define HASHTRACK_OUTBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "store.h"

/*
 * Send the pending alerts with an id above after_id. Returns how many of
 * them are still pending afterwards; *max_id gets the highest pending id
 * seen, so a later call sends only what was recorded since. *lost: an
 * outcome could not be recorded (a full disk), so the round stopped there,
 * saying so in one line.
 */
size_t outbox_send(struct store *st, const struct config *cfg, int64_t after_id,
		   int64_t *max_id, bool *lost);

/*
 * `alerts test`: a test message through every channel, or the one called
 * name, one line on stdout each. Writes nothing to the database. Returns 0
 * when all went through, 1 when one failed, 2 when no channel is called name.
 */
int outbox_test(const struct config *cfg, const char *name);

/* A dry run sends nothing, but prints what a run would send. */
void outbox_print_pending(struct store *st);

/* Alerts left pending when no webhook is configured: a warning, and how many. */
size_t outbox_orphaned(struct store *st);

#endif
