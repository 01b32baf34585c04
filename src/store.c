/* store: the SQLite schema, its migrations and every SQL statement. */
#include <errno.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "array.h"
#include "clock.h"
#include "store.h"
#include "timefmt.h"

/* The statements `run` executes per tag, prepared once per connection. */
enum hot_stmt {
	HOT_ADD_SNAPSHOT, HOT_SET_STATUS, HOT_ADD_ALERT,
	HOT_SAVEPOINT, HOT_RELEASE, HOT_SET_STATE, HOT_HISTORY,
	HOT_SET_HEAT,
	HOT_COUNT
};

struct store {
	sqlite3 *db;
	sqlite3_stmt *hot[HOT_COUNT];
	bool batching;          /* store_batch_begin: transactions become savepoints */
	bool batch_open;        /* the batch's own BEGIN was issued, no COMMIT yet */
	bool in_savepoint;
	size_t batch_units;     /* units released into the open batch */
	int64_t batch_since_us; /* when the open batch began */
	bool full;              /* the last failure was SQLITE_FULL: no space left */
	void (*waiting)(void *ctx);     /* store_wait_writable's, and its argument */
	void *waiting_ctx;
	int64_t busy_since_us;  /* when the current wait for another writer began */
	bool said_waiting;
	char err[STORE_ERR_SIZE];
};

static int merge_unfolded_tags(struct store *st);
static int status_check_by_equality(struct store *st);

/*
 * Forward migrations, one per schema version: migrations[i] takes a database
 * from version i to i + 1, running its SQL (if any) and then its C step (if
 * any), for what SQL cannot do. Never edit a released step; add a new one.
 */
static const struct migration {
	const char *sql;
	int (*step)(struct store *st);
} migrations[] = {
	{
	/* 0 -> 1: the first release */
	"CREATE TABLE hashtag ("
	"  id INTEGER PRIMARY KEY,"
	"  name TEXT NOT NULL UNIQUE,"
	"  added_at INTEGER NOT NULL,"
	"  active INTEGER NOT NULL DEFAULT 1,"
	"  min_new_videos INTEGER,"              /* NULL: the configured default */
	"  video_growth REAL,"
	"  view_growth REAL,"
	"  status TEXT NOT NULL DEFAULT 'no-data'"
	"    CHECK (status IN ('no-data', 'ok', 'not-found', 'error')),"
	"  last_error TEXT"
	");"
	/* The primary key makes the baseline lookup one index seek. */
	"CREATE TABLE snapshot ("
	"  hashtag_id INTEGER NOT NULL REFERENCES hashtag(id) ON DELETE CASCADE,"
	"  ts INTEGER NOT NULL,"
	"  video_count INTEGER NOT NULL CHECK (video_count >= 0),"
	"  view_count INTEGER NOT NULL CHECK (view_count >= 0),"
	"  source INTEGER CHECK (source BETWEEN 1 AND 5),"   /* NULL: imported */
	"  PRIMARY KEY (hashtag_id, ts)"
	") WITHOUT ROWID;"
	"CREATE TABLE alert ("
	"  id INTEGER PRIMARY KEY,"
	"  hashtag_id INTEGER NOT NULL REFERENCES hashtag(id) ON DELETE CASCADE,"
	"  detected_at INTEGER NOT NULL,"
	"  status TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'recorded')),"
	"  attempts INTEGER NOT NULL DEFAULT 0,"
	"  last_error TEXT,"
	"  sent_at INTEGER,"
	"  elapsed INTEGER NOT NULL,"
	"  video_count INTEGER NOT NULL,"
	"  view_count INTEGER NOT NULL,"
	"  new_videos INTEGER NOT NULL,"
	"  new_views INTEGER NOT NULL,"
	"  video_growth_pct REAL,"
	"  view_growth_pct REAL,"
	"  videos_per_hour REAL NOT NULL,"
	"  views_per_hour REAL NOT NULL,"
	"  rules INTEGER NOT NULL"
	");"
	"CREATE INDEX alert_by_tag ON alert(hashtag_id, detected_at);"
	"CREATE INDEX alert_pending ON alert(id) WHERE status = 'pending';"
	"CREATE TABLE meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;",
	NULL },

	{
	/*
	 * 1 -> 2: detection by pace. A count may be unknown (NULL, never 0) and
	 * come in shape 6; a tag has a surge rule and remembers its alert edge;
	 * an alert is a viral, escalation or calmed event that tells its pace.
	 */
	"CREATE TABLE snapshot_v2 ("
	"  hashtag_id INTEGER NOT NULL REFERENCES hashtag(id) ON DELETE CASCADE,"
	"  ts INTEGER NOT NULL,"
	"  video_count INTEGER CHECK (video_count >= 0),"
	"  view_count INTEGER CHECK (view_count >= 0),"
	"  source INTEGER CHECK (source BETWEEN 1 AND 6),"   /* NULL: imported */
	"  CHECK (video_count IS NOT NULL OR view_count IS NOT NULL),"
	"  PRIMARY KEY (hashtag_id, ts)"
	") WITHOUT ROWID;"
	"INSERT INTO snapshot_v2 SELECT hashtag_id, ts, video_count, view_count, source"
	"  FROM snapshot;"
	"DROP TABLE snapshot;"
	"ALTER TABLE snapshot_v2 RENAME TO snapshot;"
	"ALTER TABLE hashtag ADD COLUMN surge REAL;"            /* NULL: the configured default */
	"ALTER TABLE hashtag ADD COLUMN rules_seen INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE hashtag ADD COLUMN rules_held INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE hashtag ADD COLUMN firing INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE hashtag ADD COLUMN alert_rules INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE hashtag ADD COLUMN alert_pace REAL NOT NULL DEFAULT 0;"
	"ALTER TABLE hashtag ADD COLUMN calmed_at INTEGER;"
	"CREATE TABLE alert_v2 ("
	"  id INTEGER PRIMARY KEY,"
	"  hashtag_id INTEGER NOT NULL REFERENCES hashtag(id) ON DELETE CASCADE,"
	"  event TEXT NOT NULL DEFAULT 'viral'"
	"    CHECK (event IN ('viral', 'escalation', 'calmed')),"
	"  detected_at INTEGER NOT NULL,"
	"  status TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'recorded')),"
	"  attempts INTEGER NOT NULL DEFAULT 0,"
	"  last_error TEXT,"
	"  sent_at INTEGER,"
	"  elapsed INTEGER NOT NULL,"
	"  video_count INTEGER,"
	"  view_count INTEGER,"
	"  new_videos INTEGER,"
	"  new_views INTEGER,"
	"  video_growth_pct REAL,"
	"  view_growth_pct REAL,"
	"  videos_per_hour REAL,"
	"  views_per_hour REAL,"
	"  usual_videos_per_hour REAL,"
	"  usual_views_per_hour REAL,"
	"  usual_span INTEGER NOT NULL DEFAULT 0,"
	"  pace_of_views INTEGER NOT NULL DEFAULT 1,"
	"  pace_ratio REAL,"
	"  rules INTEGER NOT NULL"
	");"
	"INSERT INTO alert_v2 (id, hashtag_id, detected_at, status, attempts, last_error,"
	"  sent_at, elapsed, video_count, view_count, new_videos, new_views,"
	"  video_growth_pct, view_growth_pct, videos_per_hour, views_per_hour, rules)"
	" SELECT id, hashtag_id, detected_at, status, attempts, last_error, sent_at, elapsed,"
	"  video_count, view_count, new_videos, new_views, video_growth_pct,"
	"  view_growth_pct, videos_per_hour, views_per_hour, rules FROM alert;"
	"DROP TABLE alert;"
	"ALTER TABLE alert_v2 RENAME TO alert;"
	"CREATE INDEX alert_by_tag ON alert(hashtag_id, detected_at);"
	"CREATE INDEX alert_pending ON alert(id) WHERE status = 'pending';",
	NULL },

	/*
	 * 2 -> 3: tags fold to Unicode NFC with full case folding. A name stored
	 * in another form ("CAFÉ", "cafe\u0301") is renamed to its folded form,
	 * or merged into the row already holding it.
	 */
	{ NULL, merge_unfolded_tags },

	{
	/*
	 * 3 -> 4: campaigns and muting. A tag belongs to at most one campaign
	 * and may be muted until a time; an alert keeps the campaign it was
	 * raised under (its routing) and may be recorded as muted.
	 */
	"ALTER TABLE hashtag ADD COLUMN campaign TEXT;"
	"ALTER TABLE hashtag ADD COLUMN muted_until INTEGER;"
	"ALTER TABLE hashtag ADD COLUMN mute_reason TEXT;"
	"CREATE INDEX hashtag_by_campaign ON hashtag(campaign) WHERE campaign IS NOT NULL;"
	"CREATE TABLE alert_v4 ("
	"  id INTEGER PRIMARY KEY,"
	"  hashtag_id INTEGER NOT NULL REFERENCES hashtag(id) ON DELETE CASCADE,"
	"  event TEXT NOT NULL DEFAULT 'viral'"
	"    CHECK (event IN ('viral', 'escalation', 'calmed')),"
	"  detected_at INTEGER NOT NULL,"
	"  status TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'recorded', 'muted')),"
	"  attempts INTEGER NOT NULL DEFAULT 0,"
	"  last_error TEXT,"
	"  sent_at INTEGER,"
	"  elapsed INTEGER NOT NULL,"
	"  video_count INTEGER,"
	"  view_count INTEGER,"
	"  new_videos INTEGER,"
	"  new_views INTEGER,"
	"  video_growth_pct REAL,"
	"  view_growth_pct REAL,"
	"  videos_per_hour REAL,"
	"  views_per_hour REAL,"
	"  usual_videos_per_hour REAL,"
	"  usual_views_per_hour REAL,"
	"  usual_span INTEGER NOT NULL DEFAULT 0,"
	"  pace_of_views INTEGER NOT NULL DEFAULT 1,"
	"  pace_ratio REAL,"
	"  rules INTEGER NOT NULL,"
	"  campaign TEXT"
	");"
	"INSERT INTO alert_v4 SELECT *, NULL FROM alert;"
	"DROP TABLE alert;"
	"ALTER TABLE alert_v4 RENAME TO alert;"
	"CREATE INDEX alert_by_tag ON alert(hashtag_id, detected_at);"
	"CREATE INDEX alert_pending ON alert(id) WHERE status = 'pending';",
	NULL },

	/*
	 * 4 -> 5: the run ledger, one row per `run` (not --dry-run). Credits are
	 * NULL when the API did not say.
	 */
	{
	"CREATE TABLE run ("
	"  id INTEGER PRIMARY KEY,"
	"  started_at INTEGER NOT NULL,"
	"  finished_at INTEGER NOT NULL,"
	"  tags INTEGER NOT NULL,"
	"  due INTEGER NOT NULL,"
	"  stored INTEGER NOT NULL,"
	"  failed INTEGER NOT NULL,"
	"  alerts INTEGER NOT NULL,"
	"  requests INTEGER NOT NULL,"
	"  credits_used INTEGER,"
	"  credits_remaining INTEGER,"
	"  exit INTEGER NOT NULL"
	");"
	"CREATE INDEX run_by_start ON run(started_at);",
	NULL },

	{
	/*
	 * 5 -> 6: channels. An alert's delivery on each channel it is routed to;
	 * alert.status stays the summary. What was pending went to the [alert]
	 * webhook, now the channel "default".
	 */
	"CREATE TABLE delivery ("
	"  alert_id INTEGER NOT NULL REFERENCES alert(id) ON DELETE CASCADE,"
	"  channel TEXT NOT NULL,"
	"  status TEXT NOT NULL CHECK (status IN ('pending', 'sent')),"
	"  attempts INTEGER NOT NULL DEFAULT 0,"
	"  last_error TEXT,"
	"  sent_at INTEGER,"
	"  PRIMARY KEY (alert_id, channel)"
	") WITHOUT ROWID;"
	"CREATE INDEX delivery_pending ON delivery(channel, alert_id) WHERE status = 'pending';"
	"INSERT INTO delivery (alert_id, channel, status, attempts, last_error)"
	"  SELECT id, 'default', 'pending', attempts, last_error FROM alert"
	"  WHERE status = 'pending';",
	NULL },

	/*
	 * 6 -> 7: the adaptive schedule. How close to firing a tag's last
	 * evaluation left it: hot (fetched every hot_every) and heat (which hot
	 * tag goes first under the daily credit cap).
	 */
	{
	"ALTER TABLE hashtag ADD COLUMN hot INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE hashtag ADD COLUMN heat REAL NOT NULL DEFAULT 0;",
	NULL },

	/*
	 * 7 -> 8: hashtag.status's CHECK as equalities, same meaning. SQLite
	 * checks an IN list of more than two constants by filling a temporary
	 * table for every row it writes.
	 */
	{ NULL, status_check_by_equality },
};

_Static_assert(ARRAY_SIZE(migrations) == STORE_SCHEMA_VERSION,
	       "one migration per schema version");

__attribute__((format(printf, 2, 3)))
static int fail(struct store *st, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(st->err, sizeof(st->err), fmt, ap);
	va_end(ap);
	st->full = false;
	return -1;
}

static int fail_db(struct store *st, const char *doing)
{
	fail(st, "database: %s: %s", doing, sqlite3_errmsg(st->db));
	st->full = sqlite3_errcode(st->db) == SQLITE_FULL;
	return -1;
}

const char *store_error(const struct store *st)
{
	return st->err;
}

bool store_disk_full(const struct store *st)
{
	return st->full;
}

static sqlite3_stmt *prepare(struct store *st, const char *sql)
{
	sqlite3_stmt *stmt = NULL;

	if (sqlite3_prepare_v2(st->db, sql, -1, &stmt, NULL) != SQLITE_OK) {
		fail_db(st, "prepare");
		return NULL;
	}
	return stmt;
}

/*
 * A statement of the per-tag path: parsed on first use, then kept (parsing
 * cost more than running it). Give it back with hot_done(), never finalize it.
 */
static sqlite3_stmt *prepare_hot(struct store *st, enum hot_stmt which, const char *sql)
{
	if (!st->hot[which] &&
	    sqlite3_prepare_v3(st->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st->hot[which],
			       NULL) != SQLITE_OK) {
		fail_db(st, "prepare");
		return NULL;
	}
	return st->hot[which];
}

/* Reset a kept statement: it holds no read snapshot and no bound text after this. */
static void hot_done(sqlite3_stmt *stmt)
{
	sqlite3_reset(stmt);
	sqlite3_clear_bindings(stmt);
}

/* Run a kept statement that returns no rows. */
static int hot_step_done(struct store *st, sqlite3_stmt *stmt, const char *doing)
{
	int rc = sqlite3_step(stmt);

	if (rc != SQLITE_DONE)
		fail_db(st, doing);
	hot_done(stmt);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* Run a statement that returns no rows; finalizes it. */
static int step_done(struct store *st, sqlite3_stmt *stmt, const char *doing)
{
	int rc = sqlite3_step(stmt);

	sqlite3_finalize(stmt);
	if (rc != SQLITE_DONE)
		return fail_db(st, doing);
	return 0;
}

static int exec(struct store *st, const char *sql, const char *doing)
{
	if (sqlite3_exec(st->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return fail_db(st, doing);
	return 0;
}

/* mkdir -p of path's directory, private to the user. */
static int make_parent_dirs(const char *path, char *err, size_t errsz)
{
	char *dir = strdup(path);
	int rc = 0;

	if (!dir) {
		snprintf(err, errsz, "out of memory");
		return -1;
	}
	for (char *p = dir + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
			snprintf(err, errsz, "cannot create directory '%s': %s", dir,
				 strerror(errno));
			rc = -1;
			break;
		}
		*p = '/';
	}
	free(dir);
	return rc;
}

/*
 * SQLite creates the database and its -wal and -shm files beside it, so the
 * directory must be writable; checked first so the error names the reason
 * ("permission denied") rather than SQLite's bare "unable to open database file".
 */
static int check_parent_writable(const char *path, char *err, size_t errsz)
{
	const char *slash = strrchr(path, '/');
	char *dir = slash ? strndup(path, slash == path ? 1 : (size_t)(slash - path)) : strdup(".");
	struct stat sb;
	int rc = 0;

	if (!dir) {
		snprintf(err, errsz, "out of memory");
		return -1;
	}
	if (stat(dir, &sb) == 0 && !S_ISDIR(sb.st_mode)) {
		snprintf(err, errsz, "cannot create database '%s': '%s' is not a directory", path, dir);
		rc = -1;
	} else if (access(dir, W_OK | X_OK) != 0) {
		snprintf(err, errsz, "cannot create database '%s': directory '%s': %s", path, dir,
			 strerror(errno));
		rc = -1;
	}
	free(dir);
	return rc;
}

int store_schema_version(struct store *st, int *version)
{
	sqlite3_stmt *stmt = prepare(st, "PRAGMA user_version");

	if (!stmt)
		return -1;
	if (sqlite3_step(stmt) != SQLITE_ROW) {
		sqlite3_finalize(stmt);
		return fail_db(st, "read schema version");
	}
	*version = sqlite3_column_int(stmt, 0);
	sqlite3_finalize(stmt);
	return 0;
}

/* The tables every hashtrack schema has, from version 1 on. */
#define STORE_CORE_TABLES "('hashtag', 'snapshot')"

enum kind { KIND_FRESH, KIND_OURS, KIND_FOREIGN };

/*
 * Whose database this is, reading only: fresh (version 0, nothing in it:
 * an empty file or a new one), ours (a version and our tables), or
 * another application's. *version gets PRAGMA user_version.
 */
static int classify(struct store *st, enum kind *kind, int *version)
{
	sqlite3_stmt *stmt = prepare(st,
		"SELECT (SELECT user_version FROM pragma_user_version),"
		"       (SELECT count(*) FROM sqlite_master),"
		"       (SELECT count(*) FROM sqlite_master WHERE type = 'table'"
		"           AND name IN " STORE_CORE_TABLES ")");
	int objects, core;

	if (!stmt)
		return -1;
	if (sqlite3_step(stmt) != SQLITE_ROW) {
		sqlite3_finalize(stmt);
		return fail_db(st, "read schema");
	}
	*version = sqlite3_column_int(stmt, 0);
	objects = sqlite3_column_int(stmt, 1);
	core = sqlite3_column_int(stmt, 2);
	sqlite3_finalize(stmt);
	if (*version == 0 && objects == 0)
		*kind = KIND_FRESH;
	else if (*version > 0 && core == 2)
		*kind = KIND_OURS;
	else
		*kind = KIND_FOREIGN;
	return 0;
}

/* Refuse what is not ours or too new, touching nothing. */
static int check_schema(struct store *st, const char *path, enum kind *kind, int *version,
			char *err, size_t errsz)
{
	if (classify(st, kind, version)) {
		if (sqlite3_errcode(st->db) == SQLITE_NOTADB)
			snprintf(err, errsz, "'%s' is not a hashtrack database (not an SQLite file); "
				 "point --db or [storage] db at hashtrack's database", path);
		else
			snprintf(err, errsz, "'%s': %s", path, st->err);
		return -1;
	}
	if (*kind == KIND_FOREIGN) {
		snprintf(err, errsz, "'%s' is not a hashtrack database (its tables are another "
			 "application's); point --db or [storage] db at hashtrack's database", path);
		return -1;
	}
	if (*version > STORE_SCHEMA_VERSION) {
		snprintf(err, errsz, "'%s': database schema version %d is newer than this "
			 "hashtrack understands (%d); upgrade hashtrack", path, *version,
			 STORE_SCHEMA_VERSION);
		return -1;
	}
	return 0;
}

/* A stored name and the form tag_normalize gives it today. */
struct unfolded {
	int64_t id;
	char folded[TAG_BUF_SIZE];
};

/* The rows whose name is not in today's form, oldest first; malloc'd in *out. */
static int list_unfolded(struct store *st, struct unfolded **out, size_t *n)
{
	sqlite3_stmt *stmt = prepare(st, "SELECT id, name FROM hashtag ORDER BY id");
	char folded[TAG_BUF_SIZE], why[256];
	size_t cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (!stmt)
		return -1;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(stmt, 1);

		/* A name no longer valid is left as it is: its snapshots stay readable. */
		if (!name || tag_normalize(name, folded, why, sizeof(why)) != 0 ||
		    strcmp(name, folded) == 0)
			continue;
		if (array_grow(out, &cap, *n + 1, sizeof(**out), 8)) {
			sqlite3_finalize(stmt);
			return fail(st, "out of memory");
		}
		(*out)[*n].id = sqlite3_column_int64(stmt, 0);
		memcpy((*out)[*n].folded, folded, sizeof(folded));
		(*n)++;
	}
	sqlite3_finalize(stmt);
	return rc == SQLITE_DONE ? 0 : fail_db(st, "list tags to fold");
}

/* The tag's id, or 0 when it is not in the database. */
static int tag_id(struct store *st, const char *tag, int64_t *id)
{
	sqlite3_stmt *stmt = prepare(st, "SELECT id FROM hashtag WHERE name = ?1");
	int rc;

	if (!stmt)
		return -1;
	sqlite3_bind_text(stmt, 1, tag, -1, SQLITE_STATIC);
	rc = sqlite3_step(stmt);
	*id = rc == SQLITE_ROW ? sqlite3_column_int64(stmt, 0) : 0;
	sqlite3_finalize(stmt);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return fail_db(st, "look up hashtag");
	return 0;
}

/* Run sql with ?1 = a and ?2 = b. */
static int run_ids(struct store *st, const char *sql, int64_t a, int64_t b, const char *doing)
{
	sqlite3_stmt *stmt = prepare(st, sql);

	if (!stmt)
		return -1;
	sqlite3_bind_int64(stmt, 1, a);
	sqlite3_bind_int64(stmt, 2, b);
	return step_done(st, stmt, doing);
}

/*
 * Row from into row into: its snapshots move (the one already there wins
 * at a time both have), its alerts move, and the row goes. into keeps its
 * own settings and alert state.
 */
static int merge_tag_rows(struct store *st, int64_t from, int64_t into)
{
	if (run_ids(st, "INSERT OR IGNORE INTO snapshot (hashtag_id, ts, video_count,"
		    " view_count, source) SELECT ?2, ts, video_count, view_count, source"
		    " FROM snapshot WHERE hashtag_id = ?1", from, into, "merge snapshots") ||
	    run_ids(st, "DELETE FROM snapshot WHERE hashtag_id = ?1", from, into,
		    "merge snapshots") ||
	    run_ids(st, "UPDATE alert SET hashtag_id = ?2 WHERE hashtag_id = ?1", from, into,
		    "merge alerts"))
		return -1;
	return run_ids(st, "DELETE FROM hashtag WHERE id = ?1", from, into,
		       "merge tags");
}

static int rename_tag_row(struct store *st, int64_t id, const char *name)
{
	sqlite3_stmt *stmt = prepare(st, "UPDATE hashtag SET name = ?2 WHERE id = ?1");

	if (!stmt)
		return -1;
	sqlite3_bind_int64(stmt, 1, id);
	sqlite3_bind_text(stmt, 2, name, -1, SQLITE_STATIC);
	return step_done(st, stmt, "rename tag");
}

/* Schema 3's step: every tag under its folded name, one row per folded name. */
static int merge_unfolded_tags(struct store *st)
{
	struct unfolded *rows;
	size_t n, i;
	int64_t into;
	int rc = 0;

	if (list_unfolded(st, &rows, &n))
		return -1;
	for (i = 0; i < n && rc == 0; i++) {
		rc = tag_id(st, rows[i].folded, &into);
		if (rc == 0)
			rc = into ? merge_tag_rows(st, rows[i].id, into)
				  : rename_tag_row(st, rows[i].id, rows[i].folded);
	}
	free(rows);
	return rc;
}

/*
 * Schema 8's step. The new CHECK means what the old one did, so no row can
 * break it: SQLite's documented edit of the table's SQL in sqlite_schema
 * for removing a CHECK (lang_altertable.html, "Making Other Kinds Of Table
 * Schema Changes"), inside the migration's transaction. Rebuilding the table
 * instead would copy every row and need foreign keys off outside any
 * transaction, or dropping it would cascade to every snapshot and alert.
 */
static int status_check_by_equality(struct store *st)
{
	sqlite3_stmt *stmt = prepare(st, "PRAGMA schema_version");
	char bump[64];
	int defensive = 0, rc;

	if (!stmt)
		return -1;
	if (sqlite3_step(stmt) != SQLITE_ROW) {
		sqlite3_finalize(stmt);
		return fail_db(st, "read schema version");
	}
	/* Other connections reparse the schema when this number changes. */
	snprintf(bump, sizeof(bump), "PRAGMA schema_version = %d", sqlite3_column_int(stmt, 0) + 1);
	sqlite3_finalize(stmt);
	/* A build that defaults to defensive mode would refuse the edit. */
	sqlite3_db_config(st->db, SQLITE_DBCONFIG_DEFENSIVE, -1, &defensive);
	sqlite3_db_config(st->db, SQLITE_DBCONFIG_DEFENSIVE, 0, NULL);
	rc = exec(st, "PRAGMA writable_schema = ON;"
		  "UPDATE sqlite_schema SET sql = replace(sql,"
		  "  'CHECK (status IN (''no-data'', ''ok'', ''not-found'', ''error''))',"
		  "  'CHECK (status = ''no-data'' OR status = ''ok'' OR status = ''not-found'''"
		  "    || ' OR status = ''error'')')"
		  " WHERE type = 'table' AND name = 'hashtag';", "migrate schema") ||
	     exec(st, bump, "migrate schema");
	/* Off again, and this connection reads the edited schema too. */
	if (exec(st, "PRAGMA writable_schema = RESET", "migrate schema"))
		rc = -1;
	sqlite3_db_config(st->db, SQLITE_DBCONFIG_DEFENSIVE, defensive, NULL);
	return rc;
}

/* From version to STORE_SCHEMA_VERSION, in one write transaction. */
static int migrate(struct store *st, int version)
{
	char sql[64];
	enum kind kind;

	if (version == STORE_SCHEMA_VERSION)
		return 0;       /* nothing to write: opening never takes the write lock */
	/* Again inside the transaction: another process may have migrated meanwhile. */
	if (store_begin(st) || classify(st, &kind, &version))
		goto cleanup;
	if (kind == KIND_FOREIGN || version > STORE_SCHEMA_VERSION) {
		fail(st, "the database changed while it was being opened; try again");
		goto cleanup;
	}
	for (; version < STORE_SCHEMA_VERSION; version++) {
		const struct migration *m = &migrations[version];

		if ((m->sql && exec(st, m->sql, "migrate schema")) || (m->step && m->step(st)))
			goto cleanup;
	}
	/* PRAGMA takes no parameters; the version is our own constant. */
	snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", STORE_SCHEMA_VERSION);
	if (exec(st, sql, "set schema version") || store_commit(st))
		goto cleanup;
	return 0;
cleanup:
	store_rollback(st);
	return -1;
}

static struct store *store_new(const char *path, int flags, char *err, size_t errsz)
{
	struct store *st = calloc(1, sizeof(*st));

	if (!st) {
		snprintf(err, errsz, "out of memory");
		return NULL;
	}
	if (sqlite3_open_v2(path, &st->db, flags, NULL) != SQLITE_OK) {
		snprintf(err, errsz, "cannot open database '%s': %s", path,
			 st->db ? sqlite3_errmsg(st->db) : "out of memory");
		store_close(st);
		return NULL;
	}
	sqlite3_busy_timeout(st->db, 10000);
	return st;
}

int store_open(const char *path, struct store **out, char *err, size_t errsz)
{
	struct store *st;
	enum kind kind;
	int version;
	size_t len;

	*out = NULL;
	if (make_parent_dirs(path, err, errsz) || check_parent_writable(path, err, errsz))
		goto no_db;
	st = store_new(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, err, errsz);
	if (!st)
		goto no_db;
	if (check_schema(st, path, &kind, &version, err, errsz))
		goto cleanup;
	/* WAL + NORMAL survives a killed process; only a power cut may drop the last commits. */
	if (exec(st, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;"
		 " PRAGMA foreign_keys = ON;", "configure") || migrate(st, version)) {
		snprintf(err, errsz, "'%s': %s", path, st->err);
		goto cleanup;
	}
	*out = st;
	return 0;
cleanup:
	store_close(st);
	return -1;
no_db:
	/* The newcomer's commonest trouble: say what to do, not only what failed. */
	len = strlen(err);
	snprintf(err + len, errsz - len, "; make it writable or choose another with --db or HASHTRACK_DB");
	return -1;
}

/* "file:<path>?immutable=1", the path percent-encoded; NULL when out of memory. */
static char *immutable_uri(const char *path)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t size = sizeof("file:") + 3 * strlen(path) + sizeof("?immutable=1");
	char *uri = malloc(size), *p = uri;

	if (!uri)
		return NULL;
	p += snprintf(p, size, "file:");
	for (const unsigned char *c = (const unsigned char *)path; *c; c++) {
		if ((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
		    (*c >= '0' && *c <= '9') || strchr("/._~-", *c)) {
			*p++ = (char)*c;
		} else {
			*p++ = '%';
			*p++ = hex[*c >> 4];
			*p++ = hex[*c & 15];
		}
	}
	snprintf(p, size - (size_t)(p - uri), "?immutable=1");
	return uri;
}

/*
 * A WAL database in a directory we cannot write, closed cleanly (no -wal
 * file): SQLite cannot create the -shm it needs to read it. Nothing can be
 * writing to it without a -wal file, so read the file as it is. Returns 0
 * with *st reopened so, or -1 with *st as it was.
 */
static int reopen_immutable(struct store **st, const char *path)
{
	size_t size = strlen(path) + sizeof("-wal");
	struct store *again;
	char *wal, *uri, err[STORE_ERR_SIZE];
	bool has_wal;

	if (sqlite3_errcode((*st)->db) != SQLITE_CANTOPEN || !(wal = malloc(size)))
		return -1;
	snprintf(wal, size, "%s-wal", path);
	has_wal = access(wal, F_OK) == 0;
	free(wal);
	if (has_wal || !(uri = immutable_uri(path)))
		return -1;
	again = store_new(uri, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, err, sizeof(err));
	free(uri);
	if (!again)
		return -1;
	store_close(*st);
	*st = again;
	return 0;
}

int store_open_readonly(const char *path, struct store **out, char *err, size_t errsz)
{
	struct store *st;
	struct stat sb;
	enum kind kind;
	int version, rc = -1;

	*out = NULL;
	if (stat(path, &sb) != 0 && errno == ENOENT) {
		snprintf(err, errsz, "'%s' does not exist", path);
		return STORE_NO_DATA;
	}
	st = store_new(path, SQLITE_OPEN_READONLY, err, errsz);
	if (!st)
		return -1;
	if (classify(st, &kind, &version))
		reopen_immutable(&st, path);    /* when it applies; else check_schema says why */
	if (check_schema(st, path, &kind, &version, err, errsz))
		goto cleanup;
	if (kind == KIND_FRESH) {
		snprintf(err, errsz, "'%s' is empty", path);
		rc = STORE_NO_DATA;
		goto cleanup;
	}
	if (version < STORE_SCHEMA_VERSION) {
		snprintf(err, errsz, "'%s' has schema version %d, older than this hashtrack's "
			 "(%d); run 'hashtrack run' (or any command that writes) once to upgrade it",
			 path, version, STORE_SCHEMA_VERSION);
		goto cleanup;
	}
	*out = st;
	return 0;
cleanup:
	store_close(st);
	return rc;
}

void store_close(struct store *st)
{
	if (!st)
		return;
	for (int i = 0; i < HOT_COUNT; i++)
		sqlite3_finalize(st->hot[i]);
	sqlite3_close(st->db);
	free(st);
}

/* The batch's transaction ended without our COMMIT: an error rolled it back. */
static bool batch_lost(struct store *st)
{
	return st->batch_open && sqlite3_get_autocommit(st->db);
}

/* In a batch: the batch's transaction (opened on first use), then a savepoint. */
static int begin_in_batch(struct store *st)
{
	sqlite3_stmt *stmt;

	if (batch_lost(st))
		return fail(st, "database: the batch was rolled back after an error: %s",
			    sqlite3_errmsg(st->db));
	if (!st->batch_open) {
		if (exec(st, "BEGIN IMMEDIATE", "begin transaction"))
			return -1;
		st->batch_open = true;
		st->batch_units = 0;
		st->batch_since_us = clock_monotonic_us();
	}
	stmt = prepare_hot(st, HOT_SAVEPOINT, "SAVEPOINT unit");
	if (!stmt || hot_step_done(st, stmt, "begin savepoint"))
		return -1;
	st->in_savepoint = true;
	return 0;
}

int store_begin(struct store *st)
{
	if (st->batching)
		return begin_in_batch(st);
	return exec(st, "BEGIN IMMEDIATE", "begin transaction");
}

int store_commit(struct store *st)
{
	sqlite3_stmt *stmt;

	if (!st->batching)
		return exec(st, "COMMIT", "commit");
	if (batch_lost(st))
		return fail(st, "database: the batch was rolled back after an error: %s",
			    sqlite3_errmsg(st->db));
	stmt = prepare_hot(st, HOT_RELEASE, "RELEASE unit");
	if (!stmt || hot_step_done(st, stmt, "release savepoint"))
		return -1;
	st->in_savepoint = false;
	st->batch_units++;
	return 0;
}

void store_rollback(struct store *st)
{
	if (st->batching) {
		/* Undo the unit only; the batch and the units released into it stay. */
		if (st->in_savepoint && !sqlite3_get_autocommit(st->db))
			sqlite3_exec(st->db, "ROLLBACK TO unit; RELEASE unit", NULL, NULL, NULL);
		st->in_savepoint = false;
		return;
	}
	if (!sqlite3_get_autocommit(st->db))
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
}

void store_batch_begin(struct store *st)
{
	st->batching = true;
}

int64_t store_batch_due_in(const struct store *st)
{
	int64_t age;

	if (!st->batch_open)
		return -1;
	age = clock_monotonic_us() - st->batch_since_us;
	if (st->batch_units >= STORE_BATCH_UNITS || age >= STORE_BATCH_US)
		return 0;
	return STORE_BATCH_US - age;
}

int store_batch_commit(struct store *st)
{
	bool lost = batch_lost(st);

	if (!st->batch_open)
		return 0;
	st->batch_open = false;
	st->in_savepoint = false;
	if (lost)
		return fail(st, "database: the batch was rolled back after an error: %s",
			    sqlite3_errmsg(st->db));
	if (exec(st, "COMMIT", "commit")) {
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
		return -1;
	}
	return 0;
}

int store_batch_end(struct store *st)
{
	int rc = store_batch_commit(st);

	st->batching = false;
	return rc;
}

static void bind_opt_int(sqlite3_stmt *stmt, int i, bool has, int64_t v)
{
	if (has)
		sqlite3_bind_int64(stmt, i, v);
	else
		sqlite3_bind_null(stmt, i);
}

static void bind_opt_double(sqlite3_stmt *stmt, int i, bool has, double v)
{
	if (has)
		sqlite3_bind_double(stmt, i, v);
	else
		sqlite3_bind_null(stmt, i);
}

static void copy_text(char *dst, size_t n, sqlite3_stmt *stmt, int col)
{
	const unsigned char *s = sqlite3_column_text(stmt, col);

	snprintf(dst, n, "%s", s ? (const char *)s : "");
}

int store_add_tag(struct store *st, const char *tag, const struct tag_rules *rules,
		  int64_t now, bool *created)
{
	sqlite3_stmt *stmt;
	int64_t id;

	if (tag_id(st, tag, &id))
		return -1;
	*created = id == 0;
	stmt = prepare(st, "INSERT INTO hashtag (name, added_at) VALUES (?1, ?2)"
		       " ON CONFLICT (name) DO UPDATE SET active = 1");
	if (!stmt)
		return -1;
	sqlite3_bind_text(stmt, 1, tag, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 2, now);
	if (step_done(st, stmt, "add hashtag"))
		return -1;
	stmt = prepare(st, "UPDATE hashtag SET"
		       " min_new_videos = CASE WHEN ?2 THEN ?3 ELSE min_new_videos END,"
		       " video_growth = CASE WHEN ?4 THEN ?5 ELSE video_growth END,"
		       " view_growth = CASE WHEN ?6 THEN ?7 ELSE view_growth END,"
		       " surge = CASE WHEN ?8 THEN ?9 ELSE surge END"
		       " WHERE name = ?1");
	if (!stmt)
		return -1;
	sqlite3_bind_text(stmt, 1, tag, -1, SQLITE_STATIC);
	sqlite3_bind_int(stmt, 2, rules->has_min_new_videos);
	sqlite3_bind_int64(stmt, 3, rules->min_new_videos);
	sqlite3_bind_int(stmt, 4, rules->has_video_growth);
	sqlite3_bind_double(stmt, 5, rules->video_growth);
	sqlite3_bind_int(stmt, 6, rules->has_view_growth);
	sqlite3_bind_double(stmt, 7, rules->view_growth);
	sqlite3_bind_int(stmt, 8, rules->has_surge);
	sqlite3_bind_double(stmt, 9, rules->surge);
	return step_done(st, stmt, "set hashtag rules");
}

int store_remove_tag(struct store *st, const char *tag, bool purge, bool *found)
{
	sqlite3_stmt *stmt;

	/* Snapshots and alerts go with the hashtag row through ON DELETE CASCADE. */
	stmt = prepare(st, purge ? "DELETE FROM hashtag WHERE name = ?1"
			   : "UPDATE hashtag SET active = 0 WHERE name = ?1");
	if (!stmt)
		return -1;
	sqlite3_bind_text(stmt, 1, tag, -1, SQLITE_STATIC);
	if (step_done(st, stmt, "remove hashtag"))
		return -1;
	*found = sqlite3_changes(st->db) > 0;
	return 0;
}

/* A count column: NULL is an unknown count, never 0. */
static int64_t column_count(sqlite3_stmt *stmt, int col)
{
	if (sqlite3_column_type(stmt, col) == SQLITE_NULL)
		return COUNT_UNKNOWN;
	return sqlite3_column_int64(stmt, col);
}

static void bind_count(sqlite3_stmt *stmt, int i, int64_t count)
{
	bind_opt_int(stmt, i, count_known(count), count);
}

static void read_snapshot(sqlite3_stmt *stmt, int col, struct snapshot *s)
{
	s->ts = sqlite3_column_int64(stmt, col);
	s->videos = column_count(stmt, col + 1);
	s->views = column_count(stmt, col + 2);
	s->source = sqlite3_column_int(stmt, col + 3);  /* NULL reads as 0: imported */
}

static void read_tag_info(sqlite3_stmt *stmt, struct tag_info *t)
{
	memset(t, 0, sizeof(*t));
	copy_text(t->name, sizeof(t->name), stmt, 0);
	t->added_at = sqlite3_column_int64(stmt, 1);
	t->active = sqlite3_column_int(stmt, 2);
	t->rules.has_min_new_videos = sqlite3_column_type(stmt, 3) != SQLITE_NULL;
	t->rules.min_new_videos = sqlite3_column_int64(stmt, 3);
	t->rules.has_video_growth = sqlite3_column_type(stmt, 4) != SQLITE_NULL;
	t->rules.video_growth = sqlite3_column_double(stmt, 4);
	t->rules.has_view_growth = sqlite3_column_type(stmt, 5) != SQLITE_NULL;
	t->rules.view_growth = sqlite3_column_double(stmt, 5);
	t->status = tag_status_parse((const char *)sqlite3_column_text(stmt, 6));
	copy_text(t->last_error, sizeof(t->last_error), stmt, 7);
	t->has_last = sqlite3_column_type(stmt, 8) != SQLITE_NULL;
	if (t->has_last)
		read_snapshot(stmt, 8, &t->last);
	t->rules.has_surge = sqlite3_column_type(stmt, 12) != SQLITE_NULL;
	t->rules.surge = sqlite3_column_double(stmt, 12);
	t->state.seen = (unsigned)sqlite3_column_int(stmt, 13);
	t->state.held = (unsigned)sqlite3_column_int(stmt, 14);
	t->state.firing = sqlite3_column_int(stmt, 15);
	t->state.alert_rules = (unsigned)sqlite3_column_int(stmt, 16);
	t->state.alert_pace = sqlite3_column_double(stmt, 17);
	t->state.calmed_at = sqlite3_column_type(stmt, 18) == SQLITE_NULL
			     ? -1 : sqlite3_column_int64(stmt, 18);
	copy_text(t->campaign, sizeof(t->campaign), stmt, 19);
	t->muted_until = sqlite3_column_type(stmt, 20) == SQLITE_NULL
			 ? 0 : sqlite3_column_int64(stmt, 20);
	copy_text(t->mute_reason, sizeof(t->mute_reason), stmt, 21);
	t->heat.hot = sqlite3_column_int(stmt, 22);
	t->heat.heat = sqlite3_column_double(stmt, 23);
}

/* Append the rows of stmt to the growing array *out. */
static int collect_tags(struct store *st, sqlite3_stmt *stmt, struct tag_info **out,
			size_t *n, size_t *cap)
{
	int rc;

	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		if (array_grow(out, cap, *n + 1, sizeof(**out), 16))
			return fail(st, "out of memory");
		read_tag_info(stmt, &(*out)[(*n)++]);
	}
	if (rc != SQLITE_DONE)
		return fail_db(st, "list hashtags");
	return 0;
}

/* read_tag_info's columns */
#define LIST_TAGS_SELECT \
		"SELECT h.name, h.added_at, h.active, h.min_new_videos, h.video_growth," \
		"       h.view_growth, h.status, h.last_error," \
		"       s.ts, s.video_count, s.view_count, s.source, h.surge," \
		"       h.rules_seen, h.rules_held, h.firing, h.alert_rules, h.alert_pace," \
		"       h.calmed_at, h.campaign, h.muted_until, h.mute_reason," \
		"       h.hot, h.heat" \
		"  FROM hashtag h" \
		"  LEFT JOIN snapshot s ON s.hashtag_id = h.id AND s.ts =" \
		"       (SELECT max(ts) FROM snapshot WHERE hashtag_id = h.id)"

int store_each_tag(struct store *st, int (*fn)(void *ctx, const struct tag_info *t), void *ctx)
{
	sqlite3_stmt *stmt = prepare(st, LIST_TAGS_SELECT " WHERE h.active ORDER BY h.name");
	struct tag_info *t = malloc(sizeof(*t));        /* one, reused: no array of them */
	int rc = -1, step;

	if (!stmt || !t) {
		if (stmt)
			fail(st, "out of memory");
		goto cleanup;
	}
	while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
		read_tag_info(stmt, t);
		if (fn(ctx, t)) {
			fail(st, "out of memory");
			goto cleanup;
		}
	}
	if (step != SQLITE_DONE) {
		fail_db(st, "list hashtags");
		goto cleanup;
	}
	rc = 0;
cleanup:
	free(t);
	sqlite3_finalize(stmt);
	return rc;
}

int store_list_tags(struct store *st, const char *const *names, size_t nnames,
		    struct tag_info **out, size_t *n)
{
	/*
	 * No names: the active tags, in name order. A name: that tag, active
	 * or not, found through the name index (an OR of the two would scan
	 * every tag once per name). The latest snapshot is one seek either way.
	 */
	sqlite3_stmt *stmt = prepare(st, nnames == 0
		? LIST_TAGS_SELECT " WHERE h.active ORDER BY h.name"
		: LIST_TAGS_SELECT " WHERE h.name = ?1");
	size_t cap = 0;
	int rc = 0;

	*out = NULL;
	*n = 0;
	if (!stmt)
		return -1;
	if (nnames == 0)
		rc = collect_tags(st, stmt, out, n, &cap);
	for (size_t i = 0; i < nnames && rc == 0; i++) {
		sqlite3_reset(stmt);
		sqlite3_bind_text(stmt, 1, names[i], -1, SQLITE_STATIC);
		rc = collect_tags(st, stmt, out, n, &cap);
	}
	sqlite3_finalize(stmt);
	if (rc) {
		free(*out);
		*out = NULL;
		*n = 0;
	}
	return rc;
}

int store_baseline(struct store *st, const char *tag, int64_t from, int64_t to,
		   struct snapshot *out, bool *found)
{
	struct store_seek seek = { .tag = tag, .from = from, .to = to };

	if (store_seek_many(st, &seek, 1))
		return -1;
	*found = seek.found;
	if (seek.found)
		*out = seek.snap;
	return 0;
}

int store_latest(struct store *st, const char *tag, struct snapshot *out, bool *found)
{
	return store_baseline(st, tag, INT64_MIN, INT64_MAX, out, found);
}

int store_add_snapshot(struct store *st, const char *tag, const struct snapshot *s)
{
	sqlite3_stmt *stmt = prepare_hot(st, HOT_ADD_SNAPSHOT,
		"INSERT INTO snapshot (hashtag_id, ts, video_count, view_count, source)"
		" VALUES ((SELECT id FROM hashtag WHERE name = ?1), ?2, ?3, ?4, ?5)");
	int rc;

	if (!stmt)
		return -1;
	sqlite3_bind_text(stmt, 1, tag, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 2, s->ts);
	bind_count(stmt, 3, s->videos);
	bind_count(stmt, 4, s->views);
	bind_opt_int(stmt, 5, s->source != 0, s->source);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_DONE) {
		hot_done(stmt);
		return 0;
	}
	/* Two runs in one second: the one stored first stands, left as it is. */
	if (sqlite3_extended_errcode(st->db) == SQLITE_CONSTRAINT_PRIMARYKEY) {
		hot_done(stmt);
		return 2;
	}
	rc = sqlite3_extended_errcode(st->db);
	fail_db(st, "store snapshot");
	hot_done(stmt);
	/* No hashtag row to point at: `remove --purge` took it since the tag was read. */
	if (rc == SQLITE_CONSTRAINT_NOTNULL) {
		int64_t id;

		if (tag_id(st, tag, &id) == 0 && id == 0)
			return fail(st, "#%s is not in the database", tag), 1;
	}
	return -1;
}

int store_set_status(struct store *st, const char *tag, enum tag_status status,
		     const char *error)
{
	/* Only when it changes: `run` sets every tag's status every time. */
	sqlite3_stmt *stmt = prepare_hot(st, HOT_SET_STATUS,
		"UPDATE hashtag SET status = ?2, last_error = ?3"
		" WHERE name = ?1 AND (status IS NOT ?2 OR last_error IS NOT ?3)");

	if (!stmt)
		return -1;
	sqlite3_bind_text(stmt, 1, tag, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, tag_status_name(status), -1, SQLITE_STATIC);
	if (error)
		sqlite3_bind_text(stmt, 3, error, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(stmt, 3);
	return hot_step_done(st, stmt, "set hashtag status");
}

int store_set_alert_state(struct store *st, const char *tag, const struct pace_alert_state *s)
{
	sqlite3_stmt *stmt = prepare_hot(st, HOT_SET_STATE,
		"UPDATE hashtag SET rules_seen = ?2, rules_held = ?3, firing = ?4,"
		" alert_rules = ?5, alert_pace = ?6, calmed_at = ?7 WHERE name = ?1");

	if (!stmt)
		return -1;
	sqlite3_bind_text(stmt, 1, tag, -1, SQLITE_STATIC);
	sqlite3_bind_int(stmt, 2, (int)s->seen);
	sqlite3_bind_int(stmt, 3, (int)s->held);
	sqlite3_bind_int(stmt, 4, s->firing);
	sqlite3_bind_int(stmt, 5, (int)s->alert_rules);
	sqlite3_bind_double(stmt, 6, s->alert_pace);
	bind_opt_int(stmt, 7, s->calmed_at >= 0, s->calmed_at);
	return hot_step_done(st, stmt, "remember the alert state");
}

int store_set_heat(struct store *st, const char *tag, const struct pace_heat *h)
{
	sqlite3_stmt *stmt = prepare_hot(st, HOT_SET_HEAT,
		"UPDATE hashtag SET hot = ?2, heat = ?3 WHERE name = ?1");

	if (!stmt)
		return -1;
	sqlite3_bind_text(stmt, 1, tag, -1, SQLITE_STATIC);
	sqlite3_bind_int(stmt, 2, h->hot);
	sqlite3_bind_double(stmt, 3, h->heat);
	return hot_step_done(st, stmt, "remember how close to firing the tag is");
}

int store_api_snapshots(struct store *st, int64_t from, int64_t to, int64_t *n)
{
	/* Per tag, a range of the snapshot's primary key: no scan of every snapshot. */
	sqlite3_stmt *stmt = prepare(st,
		"SELECT count(*) FROM hashtag h JOIN snapshot s"
		"  ON s.hashtag_id = h.id AND s.ts >= ?1 AND s.ts < ?2"
		" WHERE s.source IS NOT NULL");
	int rc;

	*n = 0;
	if (!stmt)
		return -1;
	sqlite3_bind_int64(stmt, 1, from);
	sqlite3_bind_int64(stmt, 2, to);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		*n = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	if (rc != SQLITE_ROW)
		return fail_db(st, "count the credits spent");
	return 0;
}

/* ---- campaigns and muting ---- */

static void bind_opt_text(sqlite3_stmt *stmt, int i, const char *s)
{
	if (s && *s)
		sqlite3_bind_text(stmt, i, s, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(stmt, i);
}

int store_set_campaign(struct store *st, const char *tag, const char *campaign, bool *found)
{
	sqlite3_stmt *stmt = prepare(st, "UPDATE hashtag SET campaign = ?2 WHERE name = ?1");

	if (!stmt)
		return -1;
	sqlite3_bind_text(stmt, 1, tag, -1, SQLITE_STATIC);
	bind_opt_text(stmt, 2, campaign);
	if (step_done(st, stmt, "set the campaign"))
		return -1;
	*found = sqlite3_changes(st->db) > 0;
	return 0;
}

int store_set_mute(struct store *st, const char *tag, int64_t until, const char *reason,
		   bool *found)
{
	sqlite3_stmt *stmt = prepare(st, "UPDATE hashtag SET muted_until = ?2, mute_reason = ?3"
				     " WHERE name = ?1 AND active");

	if (!stmt)
		return -1;
	sqlite3_bind_text(stmt, 1, tag, -1, SQLITE_STATIC);
	bind_opt_int(stmt, 2, until > 0, until);
	bind_opt_text(stmt, 3, until > 0 ? reason : NULL);
	if (step_done(st, stmt, until > 0 ? "mute" : "unmute"))
		return -1;
	*found = sqlite3_changes(st->db) > 0;
	return 0;
}

int store_history(struct store *st, const char *tag, int64_t since, struct snapshot **buf,
		  size_t *n, size_t *cap)
{
	sqlite3_stmt *stmt = prepare_hot(st, HOT_HISTORY,
		"SELECT ts, video_count, view_count, source FROM snapshot"
		" WHERE hashtag_id = (SELECT id FROM hashtag WHERE name = ?1) AND ts >= ?2"
		" ORDER BY ts");
	int rc;

	*n = 0;
	if (!stmt)
		return -1;
	sqlite3_bind_text(stmt, 1, tag, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 2, since);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		if (array_grow(buf, cap, *n + 1, sizeof(**buf), 64)) {
			hot_done(stmt);
			return fail(st, "out of memory");
		}
		read_snapshot(stmt, 0, &(*buf)[(*n)++]);
	}
	if (rc != SQLITE_DONE)
		fail_db(st, "read snapshots");
	hot_done(stmt);
	return rc == SQLITE_DONE ? 0 : -1;
}

int store_add_alert(struct store *st, const struct alert *a, enum alert_status status,
		    int64_t *id)
{
	sqlite3_stmt *stmt = prepare_hot(st, HOT_ADD_ALERT,
		"INSERT INTO alert (hashtag_id, detected_at, status, elapsed,"
		"  video_count, view_count, new_videos, new_views, video_growth_pct,"
		"  view_growth_pct, videos_per_hour, views_per_hour, rules, event,"
		"  usual_videos_per_hour, usual_views_per_hour, usual_span, pace_of_views,"
		"  pace_ratio, campaign)"
		" VALUES ((SELECT id FROM hashtag WHERE name = ?1), ?2, ?3, ?4, ?5, ?6,"
		"  ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20)");

	if (!stmt)
		return -1;
	sqlite3_bind_text(stmt, 1, a->tag, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 2, a->detected_at);
	sqlite3_bind_text(stmt, 3, alert_status_name(status), -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 4, a->elapsed);
	bind_count(stmt, 5, a->video_count);
	bind_count(stmt, 6, a->view_count);
	bind_opt_int(stmt, 7, a->has_new_videos, a->new_videos);
	bind_opt_int(stmt, 8, a->has_new_views, a->new_views);
	bind_opt_double(stmt, 9, a->has_video_growth, a->video_growth_pct);
	bind_opt_double(stmt, 10, a->has_view_growth, a->view_growth_pct);
	bind_opt_double(stmt, 11, a->has_new_videos, a->videos_per_hour);
	bind_opt_double(stmt, 12, a->has_new_views, a->views_per_hour);
	sqlite3_bind_int(stmt, 13, (int)a->rules);
	sqlite3_bind_text(stmt, 14, alert_event_name(a->event), -1, SQLITE_STATIC);
	bind_opt_double(stmt, 15, a->has_usual_videos, a->usual_videos_per_hour);
	bind_opt_double(stmt, 16, a->has_usual_views, a->usual_views_per_hour);
	sqlite3_bind_int64(stmt, 17, a->usual_span);
	sqlite3_bind_int(stmt, 18, a->pace_of_views);
	bind_opt_double(stmt, 19, a->has_pace_ratio, a->pace_ratio);
	if (a->campaign && *a->campaign)
		sqlite3_bind_text(stmt, 20, a->campaign, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(stmt, 20);
	if (hot_step_done(st, stmt, "record alert"))
		return -1;
	*id = sqlite3_last_insert_rowid(st->db);
	return 0;
}

static void read_alert_row(sqlite3_stmt *stmt, struct alert_row *r)
{
	memset(r, 0, sizeof(*r));
	r->id = sqlite3_column_int64(stmt, 0);
	copy_text(r->tag, sizeof(r->tag), stmt, 1);
	r->a.tag = r->tag;
	r->a.detected_at = sqlite3_column_int64(stmt, 2);
	r->status = alert_status_parse((const char *)sqlite3_column_text(stmt, 3));
	r->attempts = sqlite3_column_int(stmt, 4);
	copy_text(r->last_error, sizeof(r->last_error), stmt, 5);
	r->has_sent_at = sqlite3_column_type(stmt, 6) != SQLITE_NULL;
	r->sent_at = sqlite3_column_int64(stmt, 6);
	r->a.elapsed = sqlite3_column_int64(stmt, 7);
	r->a.video_count = column_count(stmt, 8);
	r->a.view_count = column_count(stmt, 9);
	r->a.has_new_videos = sqlite3_column_type(stmt, 10) != SQLITE_NULL;
	r->a.new_videos = sqlite3_column_int64(stmt, 10);
	r->a.has_new_views = sqlite3_column_type(stmt, 11) != SQLITE_NULL;
	r->a.new_views = sqlite3_column_int64(stmt, 11);
	r->a.has_video_growth = sqlite3_column_type(stmt, 12) != SQLITE_NULL;
	r->a.video_growth_pct = sqlite3_column_double(stmt, 12);
	r->a.has_view_growth = sqlite3_column_type(stmt, 13) != SQLITE_NULL;
	r->a.view_growth_pct = sqlite3_column_double(stmt, 13);
	r->a.videos_per_hour = sqlite3_column_double(stmt, 14);
	r->a.views_per_hour = sqlite3_column_double(stmt, 15);
	r->a.rules = (unsigned)sqlite3_column_int(stmt, 16);
	if (alert_event_parse((const char *)sqlite3_column_text(stmt, 17), &r->a.event))
		r->a.event = ALERT_VIRAL;
	r->a.has_usual_videos = sqlite3_column_type(stmt, 18) != SQLITE_NULL;
	r->a.usual_videos_per_hour = sqlite3_column_double(stmt, 18);
	r->a.has_usual_views = sqlite3_column_type(stmt, 19) != SQLITE_NULL;
	r->a.usual_views_per_hour = sqlite3_column_double(stmt, 19);
	r->a.usual_span = sqlite3_column_int64(stmt, 20);
	r->a.pace_of_views = sqlite3_column_int(stmt, 21);
	r->a.has_pace_ratio = sqlite3_column_type(stmt, 22) != SQLITE_NULL;
	r->a.pace_ratio = sqlite3_column_double(stmt, 22);
	copy_text(r->campaign, sizeof(r->campaign), stmt, 23);
	r->a.campaign = r->campaign[0] ? r->campaign : NULL;
}

/* The columns read_alert_row reads, in its order. */
#define ALERT_COLUMNS \
	"SELECT a.id, h.name, a.detected_at, a.status, a.attempts, a.last_error," \
	"       a.sent_at, a.elapsed, a.video_count, a.view_count, a.new_videos," \
	"       a.new_views, a.video_growth_pct, a.view_growth_pct," \
	"       a.videos_per_hour, a.views_per_hour, a.rules, a.event," \
	"       a.usual_videos_per_hour, a.usual_views_per_hour, a.usual_span," \
	"       a.pace_of_views, a.pace_ratio, a.campaign" \
	"  FROM alert a JOIN hashtag h ON h.id = a.hashtag_id"

int store_pending_alerts(struct store *st, struct alert_row **out, size_t *n)
{
	return store_list_alerts(st, INT64_MIN, true, out, n);
}

int store_alert_attempt(struct store *st, int64_t id, bool sent, int64_t now,
			const char *error)
{
	sqlite3_stmt *stmt = prepare(st,
		"UPDATE alert SET attempts = attempts + 1,"
		" status = CASE WHEN ?2 THEN 'sent' ELSE status END,"
		" sent_at = CASE WHEN ?2 THEN ?3 ELSE sent_at END,"
		" last_error = ?4 WHERE id = ?1");

	if (!stmt)
		return -1;
	sqlite3_bind_int64(stmt, 1, id);
	sqlite3_bind_int(stmt, 2, sent);
	sqlite3_bind_int64(stmt, 3, now);
	if (error)
		sqlite3_bind_text(stmt, 4, error, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(stmt, 4);
	return step_done(st, stmt, "update alert");
}

int store_set_meta(struct store *st, const char *key, int64_t value)
{
	sqlite3_stmt *stmt = prepare(st,
		"INSERT INTO meta (key, value) VALUES (?1, ?2)"
		" ON CONFLICT (key) DO UPDATE SET value = excluded.value");

	if (!stmt)
		return -1;
	sqlite3_bind_text(stmt, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 2, value);
	return step_done(st, stmt, "set meta");
}

int store_get_meta(struct store *st, const char *key, int64_t *value, bool *found)
{
	sqlite3_stmt *stmt = prepare(st, "SELECT value FROM meta WHERE key = ?1");
	int rc;

	if (!stmt)
		return -1;
	sqlite3_bind_text(stmt, 1, key, -1, SQLITE_STATIC);
	rc = sqlite3_step(stmt);
	*found = rc == SQLITE_ROW;
	*value = *found ? sqlite3_column_int64(stmt, 0) : 0;
	sqlite3_finalize(stmt);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return fail_db(st, "read meta");
	return 0;
}

int store_integrity(struct store *st, bool full, char *out, size_t outsz)
{
	/* quick_check skips what integrity_check adds: indexes against their tables */
	sqlite3_stmt *stmt = prepare(st, full ? "PRAGMA integrity_check(1)"
					      : "PRAGMA quick_check(1)");

	if (!stmt)
		return -1;
	if (sqlite3_step(stmt) != SQLITE_ROW) {
		sqlite3_finalize(stmt);
		return fail_db(st, "integrity check");
	}
	copy_text(out, outsz, stmt, 0);
	sqlite3_finalize(stmt);
	return 0;
}

int store_count_tags(struct store *st, int64_t *n, char *first, size_t firstsz)
{
	/* Two index reads, where listing the tags would seek every tag's latest snapshot. */
	sqlite3_stmt *stmt = prepare(st,
		"SELECT (SELECT count(*) FROM hashtag WHERE active),"
		"       (SELECT min(name) FROM hashtag WHERE active)");
	int rc;

	*n = 0;
	if (first && firstsz)
		first[0] = '\0';
	if (!stmt)
		return -1;
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		*n = sqlite3_column_int64(stmt, 0);
		if (first)
			copy_text(first, firstsz, stmt, 1);
	}
	sqlite3_finalize(stmt);
	if (rc != SQLITE_ROW)
		return fail_db(st, "count hashtags");
	return 0;
}

const char *store_sqlite_version(void)
{
	return sqlite3_libversion();
}

/* SQLite's busy handler after store_wait_writable: wait on, saying so once. */
static int wait_for_writer(void *user, int count)
{
	struct store *st = user;
	struct timespec pause = { .tv_nsec = 20 * 1000000 };
	int64_t now = clock_monotonic_us();

	if (count == 0)
		st->busy_since_us = now;
	else if (!st->said_waiting && now - st->busy_since_us >= 1000000) {
		st->said_waiting = true;
		st->waiting(st->waiting_ctx);
	}
	nanosleep(&pause, NULL);
	return 1;
}

int store_wait_writable(struct store *st, void (*waiting)(void *ctx), void *ctx)
{
	st->waiting = waiting;
	st->waiting_ctx = ctx;
	sqlite3_busy_handler(st->db, wait_for_writer, st);
	/* An empty write transaction: it begins once no other writer is left. */
	if (store_begin(st) || store_commit(st)) {
		store_rollback(st);
		return -1;
	}
	return 0;
}

/* ---- reporting: bulk reads for report, history and export; import ---- */

static int seek_one(struct store *st, sqlite3_stmt *stmt, struct store_seek *s)
{
	int rc;

	sqlite3_reset(stmt);
	sqlite3_bind_text(stmt, 1, s->tag, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 2, s->from);
	sqlite3_bind_int64(stmt, 3, s->to);
	rc = sqlite3_step(stmt);
	s->found = rc == SQLITE_ROW;
	if (s->found)
		read_snapshot(stmt, 0, &s->snap);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return fail_db(st, "read snapshot");
	return 0;
}

int store_seek_many(struct store *st, struct store_seek *seeks, size_t n)
{
	/* The newest snapshot in a range: one index seek on the primary key. */
	sqlite3_stmt *stmt = prepare(st,
		"SELECT ts, video_count, view_count, source FROM snapshot"
		" WHERE hashtag_id = (SELECT id FROM hashtag WHERE name = ?1)"
		"   AND ts BETWEEN ?2 AND ?3 ORDER BY ts DESC LIMIT 1");
	int rc = 0;

	if (!stmt)
		return -1;
	for (size_t i = 0; i < n && rc == 0; i++)
		rc = seek_one(st, stmt, &seeks[i]);
	sqlite3_finalize(stmt);
	return rc;
}

/* The newest k snapshots of one tag into out, oldest first. */
static int recent_one(struct store *st, sqlite3_stmt *stmt, const char *tag, size_t k,
		      struct snapshot *out, size_t *count)
{
	size_t n = 0;
	int rc = SQLITE_DONE;

	sqlite3_reset(stmt);
	sqlite3_bind_text(stmt, 1, tag, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 2, (sqlite3_int64)k);
	while (n < k && (rc = sqlite3_step(stmt)) == SQLITE_ROW)
		read_snapshot(stmt, 0, &out[n++]);
	if (n < k && rc != SQLITE_DONE)
		return fail_db(st, "read snapshots");
	for (size_t i = 0; i < n / 2; i++) {
		struct snapshot tmp = out[i];

		out[i] = out[n - 1 - i];
		out[n - 1 - i] = tmp;
	}
	*count = n;
	return 0;
}

int store_recent_many(struct store *st, const char *const *tags, size_t n, size_t k,
		      struct snapshot *out, size_t *counts)
{
	sqlite3_stmt *stmt = prepare(st,
		"SELECT ts, video_count, view_count, source FROM snapshot"
		" WHERE hashtag_id = (SELECT id FROM hashtag WHERE name = ?1)"
		" ORDER BY ts DESC LIMIT ?2");
	int rc = 0;

	if (!stmt)
		return -1;
	for (size_t i = 0; i < n && rc == 0; i++)
		rc = recent_one(st, stmt, tags[i], k, out + i * k, &counts[i]);
	sqlite3_finalize(stmt);
	return rc;
}

int store_each_snapshot(struct store *st, const char *tag, int64_t since,
			store_snapshot_fn fn, void *ctx)
{
	/* Both walk the primary key in order: no sort, whatever the table's size. */
	sqlite3_stmt *stmt = prepare(st, tag
		? "SELECT ?1, ts, video_count, view_count, source FROM snapshot"
		  " WHERE hashtag_id = (SELECT id FROM hashtag WHERE name = ?1)"
		  "   AND ts >= ?2 ORDER BY ts"
		: "SELECT h.name, s.ts, s.video_count, s.view_count, s.source"
		  "  FROM hashtag h JOIN snapshot s ON s.hashtag_id = h.id"
		  " WHERE s.ts >= ?2 ORDER BY h.name, s.ts");
	struct snapshot s;
	int rc, stop = 0;

	if (!stmt)
		return -1;
	if (tag)
		sqlite3_bind_text(stmt, 1, tag, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 2, since);
	while (!stop && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		read_snapshot(stmt, 1, &s);
		stop = fn(ctx, (const char *)sqlite3_column_text(stmt, 0), &s);
	}
	sqlite3_finalize(stmt);
	if (stop)
		return stop;
	if (rc != SQLITE_DONE)
		return fail_db(st, "read snapshots");
	return 0;
}

int store_alert_times(struct store *st, const char *tag, int64_t **out, size_t *n)
{
	sqlite3_stmt *stmt = prepare(st,
		"SELECT detected_at FROM alert"
		" WHERE hashtag_id = (SELECT id FROM hashtag WHERE name = ?1)"
		" ORDER BY detected_at");
	size_t cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (!stmt)
		return -1;
	sqlite3_bind_text(stmt, 1, tag, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		if (array_grow(out, &cap, *n + 1, sizeof(**out), 8)) {
			rc = SQLITE_NOMEM;
			break;
		}
		(*out)[(*n)++] = sqlite3_column_int64(stmt, 0);
	}
	sqlite3_finalize(stmt);
	if (rc == SQLITE_DONE)
		return 0;
	free(*out);
	*out = NULL;
	*n = 0;
	return fail(st, "database: read alerts: %s", sqlite3_errstr(rc));
}

/* A row out of key order, waiting to go in sorted; seq is its place in the file. */
struct import_late {
	int64_t id, ts, videos, views;
	int32_t source;
	uint32_t seq;
};

/* A tag's id by name, for the import. */
struct import_id {
	char *name;                     /* malloc'd; NULL: a free slot */
	int64_t id;
};

/*
 * Rows go straight into snapshot while their keys (tag id, time) ascend, as
 * a file in tag order does. A row out of that order (a time-ordered file:
 * nearly every row) waits in memory and goes in with the others sorted by
 * key (STORE_IMPORT_LATE_MAX at a time): inserting in time order would
 * touch one leaf page per tag per row, far more than the page cache holds
 * at thousands of tags (4.4x slower at 20,000 tags x 200 rows; a 64 MiB
 * cache did not help). Each row's tag id comes from a hash of the tags
 * seen, as a time-ordered file names another tag at every row.
 */
struct store_import {
	struct store *st;
	int64_t now;
	sqlite3_stmt *find, *create, *insert;
	char tag[TAG_BUF_SIZE];         /* the last row's tag, and its id: files come sorted */
	int64_t id;
	int64_t last_id, last_ts;       /* the key of the last row inserted straight */
	struct import_id *ids;          /* every tag seen: time-ordered files switch at each row */
	size_t n_ids, cap_ids;          /* cap_ids: 0 or a power of two, at most half full */
	struct import_late *late;       /* the rows waiting, in file order */
	size_t n_late, cap_late;
	uint32_t seq;
	size_t late_added;              /* rows of earlier sorted runs that went in */
};

int store_import_begin(struct store *st, int64_t now, struct store_import **out)
{
	struct store_import *im = calloc(1, sizeof(*im));

	*out = NULL;
	if (!im)
		return fail(st, "out of memory");
	im->st = st;
	im->now = now;
	if (store_begin(st))
		goto cleanup;
	im->find = prepare(st, "SELECT id FROM hashtag WHERE name = ?1");
	im->create = prepare(st, "INSERT INTO hashtag (name, added_at, active) VALUES (?1, ?2, 0)");
	im->insert = prepare(st,
		"INSERT INTO snapshot (hashtag_id, ts, video_count, view_count, source)"
		" VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (hashtag_id, ts) DO NOTHING");
	if (!im->find || !im->create || !im->insert)
		goto cleanup;
	*out = im;
	return 0;
cleanup:
	store_import_end(im, false);
	return -1;
}

/* FNV-1a: the slot to start looking for name at. */
static size_t import_slot(const struct store_import *im, const char *name)
{
	uint64_t h = 14695981039346656037u;

	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		h = (h ^ *p) * 1099511628211u;
	return (size_t)h & (im->cap_ids - 1);
}

/* The slot holding name, or the free one where it would go. */
static struct import_id *import_find_id(const struct store_import *im, const char *name)
{
	size_t i = import_slot(im, name);

	while (im->ids[i].name && strcmp(im->ids[i].name, name) != 0)
		i = (i + 1) & (im->cap_ids - 1);
	return &im->ids[i];
}

/* Remember name's id; -1 when out of memory (the import then fails). */
static int import_keep_id(struct store_import *im, const char *name, int64_t id)
{
	struct import_id *slot;

	if (2 * (im->n_ids + 1) > im->cap_ids) {
		struct import_id *old = im->ids;
		size_t old_cap = im->cap_ids, cap = old_cap ? 2 * old_cap : 1024;

		im->ids = calloc(cap, sizeof(*im->ids));
		if (!im->ids) {
			im->ids = old;
			return fail(im->st, "out of memory");
		}
		im->cap_ids = cap;
		for (size_t i = 0; i < old_cap; i++)
			if (old[i].name)
				*import_find_id(im, old[i].name) = old[i];
		free(old);
	}
	slot = import_find_id(im, name);
	slot->name = strdup(name);
	if (!slot->name)
		return fail(im->st, "out of memory");
	slot->id = id;
	im->n_ids++;
	return 0;
}

/* The id of tag, creating it untracked when it is not in the database. */
static int import_tag_id(struct store_import *im, const char *tag, bool *new_tag)
{
	struct store *st = im->st;
	struct import_id *known;
	int rc;

	*new_tag = false;
	if (im->id && strcmp(im->tag, tag) == 0)
		return 0;
	known = im->cap_ids ? import_find_id(im, tag) : NULL;
	if (known && known->name) {
		im->id = known->id;
		snprintf(im->tag, sizeof(im->tag), "%s", tag);
		return 0;
	}
	sqlite3_reset(im->find);
	sqlite3_bind_text(im->find, 1, tag, -1, SQLITE_STATIC);
	rc = sqlite3_step(im->find);
	if (rc == SQLITE_ROW) {
		im->id = sqlite3_column_int64(im->find, 0);
	} else if (rc == SQLITE_DONE) {
		sqlite3_reset(im->create);
		sqlite3_bind_text(im->create, 1, tag, -1, SQLITE_STATIC);
		sqlite3_bind_int64(im->create, 2, im->now);
		if (sqlite3_step(im->create) != SQLITE_DONE)
			return fail_db(st, "add hashtag");
		im->id = sqlite3_last_insert_rowid(st->db);
		*new_tag = true;
	} else {
		return fail_db(st, "look up hashtag");
	}
	snprintf(im->tag, sizeof(im->tag), "%s", tag);
	return import_keep_id(im, tag, im->id);
}

static int cmp_late(const void *a, const void *b)
{
	const struct import_late *x = a, *y = b;

	if (x->id != y->id)
		return x->id < y->id ? -1 : 1;
	if (x->ts != y->ts)
		return x->ts < y->ts ? -1 : 1;
	return (x->seq > y->seq) - (x->seq < y->seq);
}

/* One row through the insert statement; *added when it went in. */
static int import_insert(struct store_import *im, int64_t id, const struct snapshot *s,
			 bool *added)
{
	sqlite3_stmt *stmt = im->insert;

	sqlite3_reset(stmt);
	sqlite3_bind_int64(stmt, 1, id);
	sqlite3_bind_int64(stmt, 2, s->ts);
	bind_count(stmt, 3, s->videos);
	bind_count(stmt, 4, s->views);
	bind_opt_int(stmt, 5, s->source != 0, s->source);
	if (sqlite3_step(stmt) != SQLITE_DONE)
		return fail_db(im->st, "store snapshot");
	*added = sqlite3_changes(im->st->db) > 0;
	return 0;
}

/*
 * The waiting rows in, sorted by key; of two rows with one key the first in
 * the file wins, as it does straight. A row keyed like an earlier straight
 * one or an earlier run's is present already and stays out.
 */
static int import_late_run(struct store_import *im)
{
	if (im->n_late == 0)            /* and no array yet: qsort wants one */
		return 0;
	qsort(im->late, im->n_late, sizeof(*im->late), cmp_late);
	for (size_t i = 0; i < im->n_late; i++) {
		const struct import_late *r = &im->late[i];
		struct snapshot s = { .ts = r->ts, .videos = r->videos, .views = r->views,
				      .source = r->source };
		bool added;

		if (import_insert(im, r->id, &s, &added))
			return -1;
		im->late_added += added;
	}
	im->n_late = 0;
	return 0;
}

static int import_defer(struct store_import *im, const struct snapshot *s)
{
	if (im->n_late == STORE_IMPORT_LATE_MAX && import_late_run(im))
		return -1;
	if (array_grow(&im->late, &im->cap_late, im->n_late + 1, sizeof(*im->late), 1024))
		return fail(im->st, "out of memory");
	im->late[im->n_late++] = (struct import_late){
		.id = im->id, .ts = s->ts, .videos = s->videos, .views = s->views,
		.source = s->source, .seq = im->seq++,
	};
	return 0;
}

int store_import_row(struct store_import *im, const char *tag, const struct snapshot *s,
		     bool *added, bool *new_tag)
{
	*added = false;
	if (import_tag_id(im, tag, new_tag))
		return -1;
	if (im->id < im->last_id || (im->id == im->last_id && s->ts <= im->last_ts))
		return import_defer(im, s);
	if (import_insert(im, im->id, s, added))
		return -1;
	im->last_id = im->id;
	im->last_ts = s->ts;
	return 0;
}

int store_import_flush(struct store_import *im, size_t *added)
{
	int rc = import_late_run(im);

	*added = im->late_added;
	im->late_added = 0;
	return rc;
}

int store_import_end(struct store_import *im, bool commit)
{
	size_t late;
	int rc = 0;

	if (!im)
		return 0;
	if (commit && im->n_late)       /* rows still waiting: in, rather than lost */
		rc = store_import_flush(im, &late);
	sqlite3_finalize(im->find);
	sqlite3_finalize(im->create);
	sqlite3_finalize(im->insert);
	if (commit && rc == 0)
		rc = store_commit(im->st);
	store_rollback(im->st);         /* a no-op after a commit */
	for (size_t i = 0; i < im->cap_ids; i++)
		free(im->ids[i].name);
	free(im->ids);
	free(im->late);
	free(im);
	return rc;
}

/* ---- faults: the alert outbox listing and durable commits (run, alerts) ---- */

/* fn for each row of stmt (read_alert_row's columns), then finalize stmt. */
static int walk_alerts(struct store *st, sqlite3_stmt *stmt, store_alert_fn fn, void *ctx)
{
	struct alert_row *row = malloc(sizeof(*row));
	int rc = SQLITE_DONE, stop = 0;

	if (!row) {
		sqlite3_finalize(stmt);
		return fail(st, "out of memory");
	}
	while (stop == 0 && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		read_alert_row(stmt, row);
		stop = fn(ctx, row);
	}
	if (stop == 0 && rc != SQLITE_DONE)
		stop = fail_db(st, "list alerts");
	sqlite3_finalize(stmt);
	free(row);
	return stop;
}

/* The alerts detected at or after since (only the pending ones), oldest first. */
static sqlite3_stmt *alerts_since(struct store *st, int64_t since, bool pending_only)
{
	/* The pending ones through their own partial index: run asks every time. */
	sqlite3_stmt *stmt = prepare(st, pending_only
		? ALERT_COLUMNS " WHERE a.status = 'pending' AND a.detected_at >= ?1 ORDER BY a.id"
		: ALERT_COLUMNS " WHERE a.detected_at >= ?1 ORDER BY a.id");

	if (stmt)
		sqlite3_bind_int64(stmt, 1, since);
	return stmt;
}

int store_each_alert(struct store *st, int64_t since, bool pending_only, store_alert_fn fn,
		     void *ctx)
{
	sqlite3_stmt *stmt = alerts_since(st, since, pending_only);

	return stmt ? walk_alerts(st, stmt, fn, ctx) : -1;
}

struct alert_list {
	struct alert_row *rows;
	size_t n, cap;
};

static int keep_alert(void *ctx, const struct alert_row *r)
{
	struct alert_list *l = ctx;

	if (array_grow(&l->rows, &l->cap, l->n + 1, sizeof(*l->rows), 16))
		return 1;
	l->rows[l->n++] = *r;
	return 0;
}

/* Every row of stmt (read_alert_row's columns) into *out, malloc'd; finalizes stmt. */
static int collect_alerts(struct store *st, sqlite3_stmt *stmt, struct alert_row **out,
			  size_t *n)
{
	struct alert_list l = { 0 };
	int rc = walk_alerts(st, stmt, keep_alert, &l);

	if (rc > 0)     /* keep_alert ran out of memory */
		rc = fail(st, "out of memory");
	/* rows point into their own buffers: fix them where they now are */
	for (size_t i = 0; rc == 0 && i < l.n; i++) {
		l.rows[i].a.tag = l.rows[i].tag;
		l.rows[i].a.campaign = l.rows[i].campaign[0] ? l.rows[i].campaign : NULL;
	}
	if (rc) {
		free(l.rows);
		l = (struct alert_list){ 0 };
	}
	*out = l.rows;
	*n = l.n;
	return rc;
}

int store_list_alerts(struct store *st, int64_t since, bool pending_only,
		      struct alert_row **out, size_t *n)
{
	sqlite3_stmt *stmt = alerts_since(st, since, pending_only);

	*out = NULL;
	*n = 0;
	return stmt ? collect_alerts(st, stmt, out, n) : -1;
}

/* ---- deliveries ---- */

int store_add_delivery(struct store *st, int64_t id, const char *channel)
{
	sqlite3_stmt *stmt = prepare(st,
		"INSERT INTO delivery (alert_id, channel, status) VALUES (?1, ?2, 'pending')");

	if (!stmt)
		return -1;
	sqlite3_bind_int64(stmt, 1, id);
	sqlite3_bind_text(stmt, 2, channel, -1, SQLITE_STATIC);
	return step_done(st, stmt, "record delivery");
}

int store_pending_on(struct store *st, const char *channel, struct alert_row **out, size_t *n)
{
	sqlite3_stmt *stmt = prepare(st, ALERT_COLUMNS
		" JOIN delivery d ON d.alert_id = a.id"
		" WHERE d.channel = ?1 AND d.status = 'pending' ORDER BY a.id");

	*out = NULL;
	*n = 0;
	if (!stmt)
		return -1;
	sqlite3_bind_text(stmt, 1, channel, -1, SQLITE_STATIC);
	return collect_alerts(st, stmt, out, n);
}

/* The summary of alert ?1 from its deliveries. */
#define ALERT_SUMMARY \
	" status = CASE WHEN EXISTS (SELECT 1 FROM delivery WHERE alert_id = alert.id" \
	"   AND status = 'pending') THEN 'pending'" \
	"  WHEN EXISTS (SELECT 1 FROM delivery WHERE alert_id = alert.id) THEN 'sent'" \
	"  ELSE 'recorded' END"

static int attempt_one(struct store *st, const char *channel, int64_t id, bool sent,
		       int64_t now, const char *error)
{
	sqlite3_stmt *d = prepare(st,
		"UPDATE delivery SET attempts = attempts + 1,"
		" status = CASE WHEN ?3 THEN 'sent' ELSE status END,"
		" sent_at = CASE WHEN ?3 THEN ?4 ELSE sent_at END,"
		" last_error = ?5 WHERE alert_id = ?1 AND channel = ?2");
	sqlite3_stmt *a;

	if (!d)
		return -1;
	sqlite3_bind_int64(d, 1, id);
	sqlite3_bind_text(d, 2, channel, -1, SQLITE_STATIC);
	sqlite3_bind_int(d, 3, sent);
	sqlite3_bind_int64(d, 4, now);
	if (error)
		sqlite3_bind_text(d, 5, error, -1, SQLITE_STATIC);
	if (step_done(st, d, "update delivery"))
		return -1;
	a = prepare(st, "UPDATE alert SET attempts = attempts + 1, last_error = ?2," ALERT_SUMMARY
		    " WHERE id = ?1");
	if (!a)
		return -1;
	sqlite3_bind_int64(a, 1, id);
	if (error)
		sqlite3_bind_text(a, 2, error, -1, SQLITE_STATIC);
	if (step_done(st, a, "update alert"))
		return -1;
	a = prepare(st, "UPDATE alert SET sent_at = ?2 WHERE id = ?1 AND status = 'sent'"
		    " AND sent_at IS NULL");
	if (!a)
		return -1;
	sqlite3_bind_int64(a, 1, id);
	sqlite3_bind_int64(a, 2, now);
	return step_done(st, a, "update alert");
}

int store_delivery_attempt(struct store *st, const char *channel, const int64_t *ids, size_t n,
			   bool sent, int64_t now, const char *error)
{
	if (exec(st, "BEGIN IMMEDIATE", "begin transaction"))
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (attempt_one(st, channel, ids[i], sent, now, error)) {
			bool full = st->full;

			sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
			st->full = full;
			return -1;
		}
	}
	return exec(st, "COMMIT", "commit");
}

int store_pending_channels(struct store *st, char ***out, size_t *n)
{
	sqlite3_stmt *stmt = prepare(st,
		"SELECT DISTINCT channel FROM delivery WHERE status = 'pending' ORDER BY channel");
	size_t cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (!stmt)
		return -1;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		char *name = strdup((const char *)sqlite3_column_text(stmt, 0));

		if (!name || array_grow(out, &cap, *n + 1, sizeof(**out), 4)) {
			free(name);
			rc = SQLITE_NOMEM;
			break;
		}
		(*out)[(*n)++] = name;
	}
	sqlite3_finalize(stmt);
	if (rc == SQLITE_DONE)
		return 0;
	for (size_t i = 0; i < *n; i++)
		free((*out)[i]);
	free(*out);
	*out = NULL;
	*n = 0;
	return fail(st, "database: list channels: %s", sqlite3_errstr(rc));
}

int store_drop_channel(struct store *st, const char *channel, size_t *n)
{
	sqlite3_stmt *stmt;

	if (exec(st, "BEGIN IMMEDIATE", "begin transaction"))
		return -1;
	stmt = prepare(st, "DELETE FROM delivery WHERE channel = ?1 AND status = 'pending'");
	if (!stmt)
		goto fail;
	sqlite3_bind_text(stmt, 1, channel, -1, SQLITE_STATIC);
	if (step_done(st, stmt, "drop deliveries"))
		goto fail;
	*n = (size_t)sqlite3_changes(st->db);
	if (exec(st, "UPDATE alert SET" ALERT_SUMMARY " WHERE status = 'pending'",
		 "update alerts") == 0)
		return exec(st, "COMMIT", "commit");
fail:
	sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}

int store_alert_deliveries(struct store *st, int64_t id, struct delivery_row **out, size_t *n)
{
	sqlite3_stmt *stmt = prepare(st,
		"SELECT channel, status, attempts, last_error, sent_at FROM delivery"
		" WHERE alert_id = ?1 ORDER BY channel");
	size_t cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (!stmt)
		return -1;
	sqlite3_bind_int64(stmt, 1, id);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		struct delivery_row *r;

		if (array_grow(out, &cap, *n + 1, sizeof(**out), 4)) {
			rc = SQLITE_NOMEM;
			break;
		}
		r = &(*out)[(*n)++];
		memset(r, 0, sizeof(*r));
		copy_text(r->channel, sizeof(r->channel), stmt, 0);
		r->sent = strcmp((const char *)sqlite3_column_text(stmt, 1), "sent") == 0;
		r->attempts = sqlite3_column_int(stmt, 2);
		copy_text(r->last_error, sizeof(r->last_error), stmt, 3);
		r->has_sent_at = sqlite3_column_type(stmt, 4) != SQLITE_NULL;
		r->sent_at = sqlite3_column_int64(stmt, 4);
	}
	sqlite3_finalize(stmt);
	if (rc == SQLITE_DONE)
		return 0;
	free(*out);
	*out = NULL;
	*n = 0;
	return fail(st, "database: read deliveries: %s", sqlite3_errstr(rc));
}

int store_set_durable(struct store *st)
{
	return exec(st, "PRAGMA synchronous = FULL", "configure durable commits");
}

/* SQLite's online backup from st into the open dst, in one step: one consistent read. */
static int copy_into(struct store *st, sqlite3 *dst, const char *path)
{
	sqlite3_backup *b = sqlite3_backup_init(dst, "main", st->db, "main");
	int rc, tries = 0;

	if (!b)
		return fail(st, "backup to '%s': %s", path, sqlite3_errmsg(dst));
	/* -1: every page under one read transaction, so a run writing meanwhile cannot tear it. */
	while ((rc = sqlite3_backup_step(b, -1)) == SQLITE_BUSY || rc == SQLITE_LOCKED) {
		if (++tries > 100)
			break;
		sqlite3_sleep(100);
	}
	sqlite3_backup_finish(b);
	if (rc != SQLITE_DONE)
		return fail(st, "backup to '%s': %s", path, sqlite3_errstr(rc));
	if (sqlite3_errcode(dst) != SQLITE_OK)
		return fail(st, "backup to '%s': %s", path, sqlite3_errmsg(dst));
	return 0;
}

/* Put the finished copy at path, never over an existing file (link fails with EEXIST). */
static int publish_copy(struct store *st, const char *tmp, const char *path)
{
	struct stat sb;

	if (link(tmp, path) == 0)
		return 0;
	if (errno == EEXIST)
		return fail(st, "'%s' already exists; remove it or choose another name", path);
	/* A file system without hard links: check, then rename. */
	if (errno != EPERM && errno != ENOTSUP && errno != ENOSYS)
		return fail(st, "cannot write '%s': %s", path, strerror(errno));
	if (lstat(path, &sb) == 0)
		return fail(st, "'%s' already exists; remove it or choose another name", path);
	if (rename(tmp, path) != 0)
		return fail(st, "cannot write '%s': %s", path, strerror(errno));
	return 0;
}

int store_backup(struct store *st, const char *path)
{
	struct stat sb;
	char *tmp = NULL;
	sqlite3 *dst = NULL;
	int fd, rc = -1;

	if (lstat(path, &sb) == 0)
		return fail(st, "'%s' already exists; remove it or choose another name", path);
	if (!(tmp = malloc(strlen(path) + sizeof(".XXXXXX"))))
		return fail(st, "out of memory");
	sprintf(tmp, "%s.XXXXXX", path);
	/* Beside the target, so the copy appears whole or not at all. */
	if ((fd = mkstemp(tmp)) < 0) {
		fail(st, "cannot write '%s': %s", path, strerror(errno));
		free(tmp);
		return -1;
	}
	close(fd);
	if (sqlite3_open_v2(tmp, &dst, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
		fail(st, "cannot write '%s': %s", path, dst ? sqlite3_errmsg(dst) : "out of memory");
		goto cleanup;
	}
	if (copy_into(st, dst, path))
		goto cleanup;
	if (sqlite3_close(dst) != SQLITE_OK) {
		fail(st, "backup to '%s': %s", path, sqlite3_errmsg(dst));
		goto cleanup;
	}
	dst = NULL;
	rc = publish_copy(st, tmp, path);
cleanup:
	sqlite3_close(dst);
	unlink(tmp);
	free(tmp);
	return rc;
}

int store_add_run(struct store *st, const struct run_row *r)
{
	sqlite3_stmt *stmt = prepare(st,
		"INSERT INTO run (started_at, finished_at, tags, due, stored, failed, alerts,"
		" requests, credits_used, credits_remaining, exit)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)");

	if (!stmt)
		return -1;
	sqlite3_bind_int64(stmt, 1, r->started_at);
	sqlite3_bind_int64(stmt, 2, r->finished_at);
	sqlite3_bind_int64(stmt, 3, r->tags);
	sqlite3_bind_int64(stmt, 4, r->due);
	sqlite3_bind_int64(stmt, 5, r->stored);
	sqlite3_bind_int64(stmt, 6, r->failed);
	sqlite3_bind_int64(stmt, 7, r->alerts);
	sqlite3_bind_int64(stmt, 8, r->requests);
	bind_opt_int(stmt, 9, r->has_credits_used, r->credits_used);
	bind_opt_int(stmt, 10, r->has_credits_remaining, r->credits_remaining);
	sqlite3_bind_int(stmt, 11, r->exit);
	return step_done(st, stmt, "record the run");
}

/* The columns read_run_row reads, in its order. */
#define RUN_COLUMNS \
	"SELECT started_at, finished_at, tags, due, stored, failed, alerts, requests," \
	"       credits_used, credits_remaining, exit FROM run"

static void read_run_row(sqlite3_stmt *stmt, struct run_row *r)
{
	memset(r, 0, sizeof(*r));
	r->started_at = sqlite3_column_int64(stmt, 0);
	r->finished_at = sqlite3_column_int64(stmt, 1);
	r->tags = sqlite3_column_int64(stmt, 2);
	r->due = sqlite3_column_int64(stmt, 3);
	r->stored = sqlite3_column_int64(stmt, 4);
	r->failed = sqlite3_column_int64(stmt, 5);
	r->alerts = sqlite3_column_int64(stmt, 6);
	r->requests = sqlite3_column_int64(stmt, 7);
	r->has_credits_used = sqlite3_column_type(stmt, 8) != SQLITE_NULL;
	r->credits_used = sqlite3_column_int64(stmt, 8);
	r->has_credits_remaining = sqlite3_column_type(stmt, 9) != SQLITE_NULL;
	r->credits_remaining = sqlite3_column_int64(stmt, 9);
	r->exit = sqlite3_column_int(stmt, 10);
}

int store_list_runs(struct store *st, int64_t since, struct run_row **out, size_t *n)
{
	sqlite3_stmt *stmt = prepare(st, RUN_COLUMNS " WHERE started_at >= ?1"
					 " ORDER BY started_at, id");
	size_t cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (!stmt)
		return -1;
	sqlite3_bind_int64(stmt, 1, since);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		if (array_grow(out, &cap, *n + 1, sizeof(**out), 16)) {
			rc = SQLITE_NOMEM;
			break;
		}
		read_run_row(stmt, &(*out)[(*n)++]);
	}
	sqlite3_finalize(stmt);
	if (rc == SQLITE_DONE)
		return 0;
	free(*out);
	*out = NULL;
	*n = 0;
	return rc == SQLITE_NOMEM ? fail(st, "out of memory") : fail_db(st, "list runs");
}

int store_last_success(struct store *st, struct run_row *out, bool *found)
{
	sqlite3_stmt *stmt = prepare(st, RUN_COLUMNS " WHERE exit = 0"
					 " ORDER BY started_at DESC, id DESC LIMIT 1");
	int rc;

	*found = false;
	if (!stmt)
		return -1;
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		read_run_row(stmt, out);
		*found = true;
	}
	sqlite3_finalize(stmt);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return fail_db(st, "read the last successful run");
	return 0;
}

int store_alert_totals(struct store *st, int64_t totals[STORE_ALERT_EVENTS])
{
	sqlite3_stmt *stmt = prepare(st, "SELECT event, count(*) FROM alert GROUP BY event");
	enum alert_event e;
	int rc;

	for (size_t i = 0; i < STORE_ALERT_EVENTS; i++)
		totals[i] = 0;
	if (!stmt)
		return -1;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
		if (alert_event_parse((const char *)sqlite3_column_text(stmt, 0), &e) == 0)
			totals[e] += sqlite3_column_int64(stmt, 1);
	sqlite3_finalize(stmt);
	if (rc != SQLITE_DONE)
		return fail_db(st, "count alerts");
	return 0;
}
