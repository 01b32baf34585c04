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
#include "tag.h"

#define STORE_SCHEMA_VERSION 1
#define STORE_ERR_SIZE 512

struct store;

/* Per-tag rule overrides; a rule without has_* uses the configured default. */
struct tag_rules {
	bool has_min_new_videos, has_video_growth, has_view_growth;
	int64_t min_new_videos;
	double video_growth, view_growth;
};

enum tag_status { TAG_NO_DATA, TAG_OK, TAG_NOT_FOUND, TAG_ERROR };

struct tag_info {
	char name[TAG_BUF_SIZE];
	int64_t added_at;
	bool active;
	struct tag_rules rules;
	bool has_last;
	struct snapshot last;
	enum tag_status status;
	char last_error[256];
};

enum alert_status { ALERT_PENDING, ALERT_SENT, ALERT_RECORDED };

/* "no-data", "ok", "not-found", "error"; and "pending", "sent", "recorded". */
const char *tag_status_name(enum tag_status s);
const char *alert_status_name(enum alert_status s);

struct alert_row {
	int64_t id;
	char tag[TAG_BUF_SIZE];
	struct alert a;                 /* a.tag points at tag above */
	enum alert_status status;
	int attempts;
	char last_error[256];
	bool has_sent_at;
	int64_t sent_at;
};

/*
 * Open (creating it and its directory, private, when missing) and migrate the
 * database to STORE_SCHEMA_VERSION. err gets the reason on failure.
 */
int store_open(const char *path, struct store **out, char *err, size_t errsz);
void store_close(struct store *st);
const char *store_error(const struct store *st);

/* A write transaction (BEGIN IMMEDIATE); rollback is safe after any failure. */
int store_begin(struct store *st);
int store_commit(struct store *st);
void store_rollback(struct store *st);

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

/* The newest snapshot of tag, or *found false. */
int store_latest(struct store *st, const char *tag, struct snapshot *out, bool *found);
/* The newest snapshot with from <= ts <= to, or *found false: one index seek. */
int store_baseline(struct store *st, const char *tag, int64_t from, int64_t to,
		   struct snapshot *out, bool *found);
/* detected_at of the tag's newest alert, or -1 when it never had one. */
int store_last_alert(struct store *st, const char *tag, int64_t *out);

/* Insert a snapshot; fails naming the tag and time when one exists there. */
int store_add_snapshot(struct store *st, const char *tag, const struct snapshot *s);
/* Remember the outcome of the tag's last fetch (error may be NULL). */
int store_set_status(struct store *st, const char *tag, enum tag_status status,
		     const char *error);
/* Record an alert; *id gets its id. */
int store_add_alert(struct store *st, const struct alert *a, enum alert_status status,
		    int64_t *id);

/* Pending alerts, oldest first; *out malloc'd (free()). */
int store_pending_alerts(struct store *st, struct alert_row **out, size_t *n);
/* After a delivery attempt: sent (at now) or still pending with error. */
int store_alert_attempt(struct store *st, int64_t id, bool sent, int64_t now,
			const char *error);

/* Small facts kept between runs: "credits_remaining", "last_run". */
int store_set_meta(struct store *st, const char *key, int64_t value);
int store_get_meta(struct store *st, const char *key, int64_t *value, bool *found);

/* For doctor: the schema version on disk, and PRAGMA integrity_check's first line. */
int store_schema_version(struct store *st, int *version);
int store_integrity(struct store *st, char *out, size_t outsz);
/* The SQLite library version, for --version. */
const char *store_sqlite_version(void);

#endif
