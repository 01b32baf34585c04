/*
 * store: the SQLite database. Every SQL statement of hashtrack lives in
 * store.c; callers get plain structs. Functions return 0 on success and -1
 * on failure, with the reason in store_error().
 */
#ifndef HASHTRACK_STORE_H
#define HASHTRACK_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "alert.h"
#include "detect.h"
#include "ledger.h"
#include "pace.h"
#include "tag.h"

#define STORE_SCHEMA_VERSION 8
#define STORE_ERR_SIZE 512
#define STORE_BATCH_UNITS 256        /* group commit: at most this many units ... */
#define STORE_BATCH_US 1000000       /* ... or this old, in microseconds */

struct store;

/* ---- opening and closing ---- */

/*
 * For commands that write: open (creating it and its directory, private,
 * when missing) and migrate the database to STORE_SCHEMA_VERSION. A file
 * that is not a hashtrack database (another application's tables, or not
 * SQLite) is refused untouched. Opening writes nothing when the schema is
 * current. err gets the reason on failure.
 */
int store_open(const char *path, struct store **out, char *err, size_t errsz);

/* store_open_readonly's "nothing here": no file, or an empty one. */
#define STORE_NO_DATA (-2)

/*
 * For commands that only read: open read-only, creating, migrating and
 * changing nothing. Returns 0, STORE_NO_DATA when there is no database at
 * path yet (err says "'PATH' does not exist" or "... is empty"), or -1
 * (err says why: not hashtrack's, a schema too old or too new, ...).
 */
int store_open_readonly(const char *path, struct store **out, char *err, size_t errsz);
void store_close(struct store *st);
const char *store_error(const struct store *st);
/* Whether the last failure was for want of space (SQLite's "database or disk is full"). */
bool store_disk_full(const struct store *st);

/*
 * From now on every commit reaches the disk before it returns
 * (synchronous = FULL): what `run` confirms survives a power cut or reboot,
 * not only a killed process.
 */
int store_set_durable(struct store *st);

/*
 * From now on a write waits for other writers however long they take,
 * instead of failing after 10 s, and waiting(ctx) is called once when a
 * wait has lasted a second; then wait until no other writer is left. For
 * `run`, which a long `import` must delay, not fail (nor make it send an
 * alert it cannot then mark sent).
 */
int store_wait_writable(struct store *st, void (*waiting)(void *ctx), void *ctx);

/* ---- transactions and the group commit ---- */

/*
 * A write transaction (BEGIN IMMEDIATE); rollback is safe after any failure.
 * In a batch (below) the same calls make a savepoint inside the batch's
 * transaction: commit releases it into the batch, rollback undoes it alone.
 */
int store_begin(struct store *st);
int store_commit(struct store *st);
void store_rollback(struct store *st);

/*
 * Group commit, for `run`: from store_batch_begin on, every store_begin ..
 * store_commit unit (one tag's snapshot, verdict and alert) is atomic on its
 * own, and nothing reaches the disk until store_batch_commit commits every
 * unit released since the last one in a single transaction (one fsync).
 * A crash before that loses those units whole, never part of one. Writes
 * outside a unit join the open batch, or commit alone when none is open.
 * store_batch_commit fails when an error rolled the batch back: none of its
 * units is stored then. store_batch_end commits and leaves batch mode.
 */
void store_batch_begin(struct store *st);
/*
 * When the open batch falls due: once STORE_BATCH_UNITS units were released
 * into it, or its first unit began STORE_BATCH_US ago (so a crash loses at
 * most that much, which the next run fetches again). Microseconds until
 * then, 0 when due now, -1 when no batch is open.
 */
int64_t store_batch_due_in(const struct store *st);
int store_batch_commit(struct store *st);
int store_batch_end(struct store *st);

/* ---- tags ---- */

/* Track a tag, or re-activate it; rules given replace the tag's overrides. */
int store_add_tag(struct store *st, const char *tag, const struct tag_rules *rules,
		  int64_t now, bool *created);
/* Stop tracking (purge: delete its history too); *found false when unknown. */
int store_remove_tag(struct store *st, const char *tag, bool purge, bool *found);

/*
 * Tags in name order: the active ones, or, when names are given, those
 * (active or not) that exist. *out is malloc'd (free()), *n its length.
 */
int store_list_tags(struct store *st, const char *const *names, size_t nnames,
		    struct tag_info **out, size_t *n);
/*
 * The tracked tags as store_list_tags lists them with no names, one at a time
 * into fn (t is valid during the call only), none of them kept: a run of
 * 20,000 tags keeps what it needs of each, not 16 MiB of struct tag_info.
 * fn returns nonzero when out of memory, which stops the listing (-1).
 */
int store_each_tag(struct store *st, int (*fn)(void *ctx, const struct tag_info *t), void *ctx);

/*
 * Insert a snapshot. Returns 1, nothing stored, when the tag is not in the
 * database (purged since it was read); 2, nothing stored and no error, when
 * a snapshot of the tag at that time is already there (it is left as it is).
 */
int store_add_snapshot(struct store *st, const char *tag, const struct snapshot *s);
/* Remember the outcome of the tag's last fetch (error may be NULL). */
int store_set_status(struct store *st, const char *tag, enum tag_status status,
		     const char *error);
/* Remember the tag's alert edge after an evaluation. */
int store_set_alert_state(struct store *st, const char *tag, const struct pace_alert_state *s);

/* Remember how close to firing the tag's last evaluation left it (the schedule). */
int store_set_heat(struct store *st, const char *tag, const struct pace_heat *h);
/* Put tag in campaign (NULL or "": in none); *found false when the tag is unknown. */
int store_set_campaign(struct store *st, const char *tag, const char *campaign, bool *found);
/*
 * Mute a tracked tag's alerts until `until` with reason (NULL or "": none
 * given); until 0 unmutes it. *found false when the tag is not tracked.
 */
int store_set_mute(struct store *st, const char *tag, int64_t until, const char *reason,
		   bool *found);

/* ---- snapshots ---- */

/*
 * The tag's snapshots with ts >= since, oldest first, into the growing *buf
 * (capacity *cap, kept for the next call; free() it).
 */
int store_history(struct store *st, const char *tag, int64_t since, struct snapshot **buf,
		  size_t *n, size_t *cap);

/* The newest snapshot of tag, or *found false. */
int store_latest(struct store *st, const char *tag, struct snapshot *out, bool *found);
/* The newest snapshot with from <= ts <= to, or *found false: one index seek. */
int store_baseline(struct store *st, const char *tag, int64_t from, int64_t to,
		   struct snapshot *out, bool *found);

/* One lookup for store_seek_many: the newest snapshot of tag with from <= ts <= to. */
struct store_seek {
	const char *tag;
	int64_t from, to;
	bool found;             /* out */
	struct snapshot snap;   /* out, when found */
};

/* Every seek through one prepared statement: one index seek each. */
int store_seek_many(struct store *st, struct store_seek *seeks, size_t n);

/*
 * The newest k snapshots of each of the n tags, oldest first, in
 * out[i * k .. i * k + counts[i]); out holds n * k snapshots.
 */
int store_recent_many(struct store *st, const char *const *tags, size_t n, size_t k,
		      struct snapshot *out, size_t *counts);

/* Called per snapshot; tag and s are valid during the call only. Non-zero stops the walk. */
typedef int (*store_snapshot_fn)(void *ctx, const char *tag, const struct snapshot *s);

/*
 * Every snapshot with ts >= since of tag (NULL: of every tag, tracked or
 * not), by tag name then time. Returns 0, -1 on a database failure, or the
 * callback's non-zero value when it stopped the walk.
 */
int store_each_snapshot(struct store *st, const char *tag, int64_t since,
			store_snapshot_fn fn, void *ctx);

/*
 * The credits spent in [from, to): the snapshots stored from the API's
 * answers (source set; imported ones cost nothing), of every tag. One index
 * range per tag.
 */
int store_api_snapshots(struct store *st, int64_t from, int64_t to, int64_t *n);

/* ---- alerts ---- */

/* Record an alert; *id gets its id. */
int store_add_alert(struct store *st, const struct alert *a, enum alert_status status,
		    int64_t *id);

/*
 * Alerts detected at or after since (INT64_MIN: all), only the pending ones
 * when pending_only, oldest first; *out malloc'd (free()).
 */
int store_list_alerts(struct store *st, int64_t since, bool pending_only,
		      struct alert_row **out, size_t *n);

/* Called per alert; r is valid during the call only. Non-zero stops the walk. */
typedef int (*store_alert_fn)(void *ctx, const struct alert_row *r);

/*
 * Every alert detected at or after since (only the pending ones when
 * pending_only), oldest first, one at a time: memory stays flat however
 * many there are. Returns 0, -1 on a database failure, or the callback's
 * non-zero value when it stopped the walk.
 */
int store_each_alert(struct store *st, int64_t since, bool pending_only, store_alert_fn fn,
		     void *ctx);

/* Pending alerts, oldest first; *out malloc'd (free()). */
int store_pending_alerts(struct store *st, struct alert_row **out, size_t *n);
/* After a delivery attempt: sent (at now) or still pending with error. */
int store_alert_attempt(struct store *st, int64_t id, bool sent, int64_t now,
			const char *error);

/* ---- deliveries: an alert's state on each channel it is routed to ---- */

struct delivery_row {
	char channel[64];
	bool sent;              /* else pending */
	int attempts;
	char last_error[256];
	bool has_sent_at;
	int64_t sent_at;
};

/* A pending delivery of alert id on channel (in the caller's transaction). */
int store_add_delivery(struct store *st, int64_t id, const char *channel);

/* The alerts pending on channel, oldest first; *out malloc'd (free()). */
int store_pending_on(struct store *st, const char *channel, struct alert_row **out, size_t *n);

/*
 * One attempt for alerts ids[0..n) on channel (a digest is one attempt for
 * all of them), in one transaction: each delivery sent (at now) or still
 * pending with error, and each alert's summary: pending while any channel
 * is, sent when all are.
 */
int store_delivery_attempt(struct store *st, const char *channel, const int64_t *ids, size_t n,
			   bool sent, int64_t now, const char *error);

/* The channels with a pending delivery; *out malloc'd (free() each and it). */
int store_pending_channels(struct store *st, char ***out, size_t *n);

/* Drop channel's pending deliveries (it left the config); *n gets how many. */
int store_drop_channel(struct store *st, const char *channel, size_t *n);

/* Alert id's deliveries, by channel name; *out malloc'd (free()). */
int store_alert_deliveries(struct store *st, int64_t id, struct delivery_row **out, size_t *n);

/* detected_at of each alert of tag, oldest first; *out malloc'd (free()). */
int store_alert_times(struct store *st, const char *tag, int64_t **out, size_t *n);

/* ---- import ---- */

/*
 * A bulk import in one write transaction: begin, rows, then end with commit
 * (or not, which rolls everything back). A tag not in the database is
 * created untracked (active = 0, added at now): its history is kept and
 * `add` starts tracking it.
 */
struct store_import;
/*
 * Rows out of key order wait in memory, at most this many (10 MiB), and go
 * in sorted: a time-ordered file then costs what a tag-ordered one does.
 * Past the cap they go in as one sorted run and the next run starts.
 */
#define STORE_IMPORT_LATE_MAX 262144
int store_import_begin(struct store *st, int64_t now, struct store_import **out);
/*
 * Insert s unless tag has a snapshot at s->ts; *new_tag when the tag was
 * created. *added says whether it went in, for a row in key order (tag,
 * then time); a row out of that order waits (*added false) for
 * store_import_flush, which inserts the waiting rows sorted, each unless
 * its tag has a snapshot at its time already, and says how many went in.
 */
int store_import_row(struct store_import *im, const char *tag, const struct snapshot *s,
		     bool *added, bool *new_tag);
int store_import_flush(struct store_import *im, size_t *added);
/* Commit (flushing rows still waiting) or roll back, and free im; -1 when the commit failed. */
int store_import_end(struct store_import *im, bool commit);

/* ---- the run ledger ---- */

/* Append a run to the ledger. */
int store_add_run(struct store *st, const struct run_row *r);

/* Runs started at or after since (INT64_MIN: all), oldest first; *out malloc'd (free()). */
int store_list_runs(struct store *st, int64_t since, struct run_row **out, size_t *n);

/*
 * The newest run that exited 0, or *found false; ledger reading for doctor
 * and the metrics.
 */
int store_last_success(struct store *st, struct run_row *out, bool *found);

/* How many alerts of each event were ever recorded, indexed by enum alert_event. */
#define STORE_ALERT_EVENTS (ALERT_CALMED + 1)
int store_alert_totals(struct store *st, int64_t totals[STORE_ALERT_EVENTS]);

/* ---- facts kept between runs, and the database itself ---- */

/* Small facts kept between runs: "credits_remaining", "last_run". */
int store_set_meta(struct store *st, const char *key, int64_t value);
int store_get_meta(struct store *st, const char *key, int64_t *value, bool *found);

/*
 * For doctor: the schema version on disk, and the first line of PRAGMA
 * quick_check, or of the full integrity_check (slower: it checks every index
 * against its table).
 */
int store_schema_version(struct store *st, int *version);
int store_integrity(struct store *st, bool full, char *out, size_t outsz);
/* The tracked tags: how many, and the first by name into first ("" when none). */
int store_count_tags(struct store *st, int64_t *n, char *first, size_t firstsz);
/* The SQLite library version, for --version. */
const char *store_sqlite_version(void);

/*
 * A consistent copy of the whole database at path, through SQLite's online
 * backup (safe while a run writes). Refuses, writing nothing, when path
 * exists; the copy appears there whole or not at all.
 */
int store_backup(struct store *st, const char *path);

#endif
