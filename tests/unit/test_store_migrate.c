/*
 * Tests for src/store.c's migrations against real files. To schema 3: tags
 * stored in another Unicode form than today's (NFC, case-folded) are renamed
 * or merged into the row holding that form, keeping every snapshot. To
 * schema 8: hashtag.status's CHECK without an IN list, every row kept.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store.h"

#include "store_fixture.h"

#define CAFE_COMPOSED "caf\xC3\xA9"
#define CAFE_DECOMPOSED "cafe\xCC\x81"

/* Run SQL on the file behind the store's back. */
static void raw_sql(const char *sql)
{
	sqlite3 *db;
	char *msg = NULL;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("%s: %s", sql, msg);
	sqlite3_close(db);
}

/* sql's result code on the file behind the store's back (extended). */
static int raw_rc(const char *sql)
{
	sqlite3 *db;
	int rc;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	sqlite3_extended_result_codes(db, 1);
	rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
	sqlite3_close(db);
	return rc;
}

static int64_t raw_count(const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *stmt;
	int64_t n;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &stmt, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
	n = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	sqlite3_close(db);
	return n;
}

/* hashtag.status's CHECK before and after 7 -> 8, as SQL string literals. */
#define STATUS_IN "'CHECK (status IN (''no-data'', ''ok'', ''not-found'', ''error''))'"
#define STATUS_EQ "'CHECK (status = ''no-data'' OR status = ''ok'' OR status = ''not-found''" \
		  " OR status = ''error'')'"

/* 7 -> 8 taken out again: the CHECK as schema 1 wrote it. */
#define UNDO_V8 \
	"PRAGMA writable_schema = ON;" \
	"UPDATE sqlite_schema SET sql = replace(sql, " STATUS_EQ ", " STATUS_IN ")" \
	"  WHERE type = 'table' AND name = 'hashtag';" \
	"PRAGMA writable_schema = RESET;"

/*
 * What the migrations after 2 -> 3 added, taken out again, so that a file
 * made at the current version looks as schema 3 left it (each later
 * migration adds its undo here).
 */
static const char undo_after_v3[] =
	"DROP TABLE delivery;"
	"DROP INDEX hashtag_by_campaign;"
	"ALTER TABLE hashtag DROP COLUMN campaign;"
	"ALTER TABLE hashtag DROP COLUMN muted_until;"
	"ALTER TABLE hashtag DROP COLUMN mute_reason;"
	"ALTER TABLE alert DROP COLUMN campaign;"
	"DROP TABLE run;"
	"ALTER TABLE hashtag DROP COLUMN hot;"
	"ALTER TABLE hashtag DROP COLUMN heat;"
	UNDO_V8;

/* Close the store, let setup write the file as schema 2 did, reopen it. */
static void reopen_from_v2(void **state, const char *setup)
{
	char err[STORE_ERR_SIZE] = "";
	struct store *st;

	store_close(*state);
	*state = NULL;
	raw_sql(undo_after_v3);
	raw_sql(setup);
	raw_sql("PRAGMA user_version = 2");
	if (store_open(path, &st, err, sizeof(err)) != 0)
		fail_msg("reopening: %s", err);
	*state = st;
}

static void a_decomposed_tag_merges_into_its_composed_twin_keeping_snapshots(void **state)
{
	struct snapshot *hist = NULL;
	size_t n = 0, cap = 0;
	int64_t *times = NULL;
	size_t nalerts = 0;
	int version = 0;

	add(*state, CAFE_COMPOSED);
	snap(*state, CAFE_COMPOSED, 100, 1, 1);
	snap(*state, CAFE_COMPOSED, 200, 2, 1);
	reopen_from_v2(state,
		"INSERT INTO hashtag (id, name, added_at) VALUES (50, '" CAFE_DECOMPOSED "', 900);"
		"INSERT INTO snapshot (hashtag_id, ts, video_count, view_count, source) VALUES"
		"  (50, 200, 99, 990, 1), (50, 300, 3, 30, 1);"
		"INSERT INTO alert (hashtag_id, detected_at, status, elapsed, rules)"
		"  VALUES (50, 300, 'recorded', 0, 1);");

	assert_int_equal(store_schema_version(*state, &version), 0);
	assert_int_equal(version, STORE_SCHEMA_VERSION);
	assert_int_equal(raw_count("SELECT count(*) FROM hashtag"), 1);
	assert_int_equal(store_history(*state, CAFE_COMPOSED, 0, &hist, &n, &cap), 0);
	assert_int_equal(n, 3);
	assert_int_equal(hist[0].ts, 100);
	assert_int_equal(hist[1].ts, 200);
	assert_int_equal(hist[1].videos, 2);    /* the row already there wins at a shared ts */
	assert_int_equal(hist[2].ts, 300);
	assert_int_equal(hist[2].videos, 3);
	free(hist);
	assert_int_equal(store_alert_times(*state, CAFE_COMPOSED, &times, &nalerts), 0);
	assert_int_equal(nalerts, 1);
	assert_int_equal(times[0], 300);
	free(times);
	assert_int_equal(raw_count("SELECT count(*) FROM snapshot WHERE hashtag_id = 50"), 0);
}

static void an_unfolded_tag_alone_is_renamed_and_later_twins_merge_into_it(void **state)
{
	struct tag_info *tags = NULL;
	struct snapshot *hist = NULL;
	size_t n = 0, cap = 0, ntags = 0;

	add(*state, "plain");
	reopen_from_v2(state,
		"INSERT INTO hashtag (id, name, added_at) VALUES (10, '\xC3\x89T\xC3\x89', 900),"
		"  (11, 'E\xCC\x81T\xC3\x89', 950);"
		"INSERT INTO snapshot (hashtag_id, ts, video_count, view_count, source) VALUES"
		"  (10, 100, 1, 10, 1), (11, 200, 2, 20, 1);");

	assert_int_equal(store_list_tags(*state, NULL, 0, &tags, &ntags), 0);
	assert_int_equal(ntags, 2);
	assert_string_equal(tags[0].name, "plain");
	assert_string_equal(tags[1].name, "\xC3\xA9t\xC3\xA9");
	free(tags);
	assert_int_equal(raw_count("SELECT id FROM hashtag WHERE name = '\xC3\xA9t\xC3\xA9'"), 10);
	assert_int_equal(store_history(*state, "\xC3\xA9t\xC3\xA9", 0, &hist, &n, &cap), 0);
	assert_int_equal(n, 2);
	free(hist);
}

static void a_name_no_longer_valid_is_left_as_it_was(void **state)
{
	reopen_from_v2(state,
		"INSERT INTO hashtag (id, name, added_at) VALUES (7, '1\xE2\x83\xA3', 900);");
	assert_int_equal(raw_count("SELECT count(*) FROM hashtag WHERE id = 7"
				   " AND name = '1\xE2\x83\xA3'"), 1);
}

/* How many temporary tables (OpenEphemeral) SQLite's plan for sql opens. */
static int ephemeral_tables(const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *stmt;
	char *explain;
	int n = 0;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	explain = sqlite3_mprintf("EXPLAIN %s", sql);
	assert_non_null(explain);
	assert_int_equal(sqlite3_prepare_v2(db, explain, -1, &stmt, NULL), SQLITE_OK);
	while (sqlite3_step(stmt) == SQLITE_ROW)
		n += strcmp((const char *)sqlite3_column_text(stmt, 1), "OpenEphemeral") == 0;
	sqlite3_finalize(stmt);
	sqlite3_free(explain);
	sqlite3_close(db);
	return n;
}

#define SET_STATUS "UPDATE hashtag SET status = 'ok' WHERE name = 'a'"

/* Close the store, take 7 -> 8 out of the file, reopen it (migrating again). */
static void reopen_from_v7(void **state)
{
	char err[STORE_ERR_SIZE] = "";
	struct store *st;

	store_close(*state);
	*state = NULL;
	raw_sql(UNDO_V8 "PRAGMA user_version = 7;");
	assert_int_equal(ephemeral_tables(SET_STATUS), 1);      /* what 7 -> 8 is for */
	if (store_open(path, &st, err, sizeof(err)) != 0)
		fail_msg("reopening: %s", err);
	*state = st;
}

static void a_fresh_database_checks_status_without_a_temporary_table(void **state)
{
	add(*state, "a");
	assert_int_equal(ephemeral_tables(SET_STATUS), 0);
	assert_int_equal(raw_count("SELECT count(*) FROM sqlite_schema WHERE name = 'hashtag'"
				   "  AND instr(sql, " STATUS_EQ ") > 0"), 1);
}

static void schema_7_migrates_keeping_every_snapshot_alert_and_delivery(void **state)
{
	int version = 0;

	add(*state, "a");
	add(*state, "b");
	snap(*state, "a", 100, 1, 1);
	snap(*state, "a", 200, 2, 1);
	snap(*state, "b", 100, 5, 1);
	raw_sql("UPDATE hashtag SET status = 'error', last_error = 'HTTP 500' WHERE name = 'b';"
		"INSERT INTO alert (id, hashtag_id, detected_at, status, elapsed, rules)"
		"  SELECT 1, id, 200, 'pending', 0, 1 FROM hashtag WHERE name = 'a';"
		"INSERT INTO alert (id, hashtag_id, detected_at, status, elapsed, rules)"
		"  SELECT 2, id, 100, 'recorded', 0, 1 FROM hashtag WHERE name = 'b';"
		"INSERT INTO delivery (alert_id, channel, status) VALUES (1, 'default', 'pending');");
	reopen_from_v7(state);

	assert_int_equal(store_schema_version(*state, &version), 0);
	assert_int_equal(version, STORE_SCHEMA_VERSION);
	assert_int_equal(ephemeral_tables(SET_STATUS), 0);
	assert_int_equal(raw_count("SELECT count(*) FROM hashtag"), 2);
	assert_int_equal(raw_count("SELECT count(*) FROM hashtag WHERE name = 'b'"
				   "  AND status = 'error' AND last_error = 'HTTP 500'"), 1);
	assert_int_equal(raw_count("SELECT count(*) FROM snapshot"), 3);
	assert_int_equal(raw_count("SELECT count(*) FROM alert"), 2);
	assert_int_equal(raw_count("SELECT count(*) FROM delivery"), 1);
	assert_int_equal(raw_count("SELECT count(*) FROM pragma_foreign_key_check"), 0);
	assert_int_equal(raw_count("SELECT count(*) FROM pragma_integrity_check"
				   "  WHERE integrity_check = 'ok'"), 1);
	/* The same CHECK as ever: every status the tool writes, nothing else. */
	assert_int_equal(store_set_status(*state, "a", TAG_NOT_FOUND, NULL), 0);
	assert_int_equal(raw_rc("UPDATE hashtag SET status = 'no-data' WHERE name = 'a'"),
			 SQLITE_OK);
	assert_int_equal(raw_rc("UPDATE hashtag SET status = 'OK' WHERE name = 'a'"),
			 SQLITE_CONSTRAINT_CHECK);
	assert_int_equal(raw_rc("INSERT INTO hashtag (name, added_at, status)"
				" VALUES ('c', 1, 'bogus')"), SQLITE_CONSTRAINT_CHECK);
	/* Deleting a tag still takes its rows along: the foreign keys hold. */
	assert_int_equal(raw_rc("PRAGMA foreign_keys = ON; DELETE FROM hashtag WHERE name = 'a'"),
			 SQLITE_OK);
	assert_int_equal(raw_count("SELECT count(*) FROM snapshot"), 1);
	assert_int_equal(raw_count("SELECT count(*) FROM alert"), 1);
	assert_int_equal(raw_count("SELECT count(*) FROM delivery"), 0);
}

/* Every object of the file's schema, in one string; malloc'd. */
static char *schema_text(void)
{
	sqlite3 *db;
	sqlite3_stmt *stmt;
	char *text;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT group_concat(type || ' ' || name || ' '"
					    " || coalesce(sql, ''), ';') FROM (SELECT * FROM"
					    " sqlite_schema ORDER BY type, name)", -1, &stmt, NULL),
			 SQLITE_OK);
	assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
	text = strdup((const char *)sqlite3_column_text(stmt, 0));
	assert_non_null(text);
	sqlite3_finalize(stmt);
	sqlite3_close(db);
	return text;
}

static void a_migrated_database_ends_with_a_fresh_ones_schema(void **state)
{
	char *fresh = schema_text(), *migrated;

	reopen_from_v7(state);
	migrated = schema_text();
	assert_string_equal(migrated, fresh);
	free(migrated);
	free(fresh);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
			a_decomposed_tag_merges_into_its_composed_twin_keeping_snapshots,
			open_db, close_db),
		cmocka_unit_test_setup_teardown(
			an_unfolded_tag_alone_is_renamed_and_later_twins_merge_into_it,
			open_db, close_db),
		cmocka_unit_test_setup_teardown(a_name_no_longer_valid_is_left_as_it_was,
						open_db, close_db),
		cmocka_unit_test_setup_teardown(
			a_fresh_database_checks_status_without_a_temporary_table, open_db, close_db),
		cmocka_unit_test_setup_teardown(
			schema_7_migrates_keeping_every_snapshot_alert_and_delivery,
			open_db, close_db),
		cmocka_unit_test_setup_teardown(a_migrated_database_ends_with_a_fresh_ones_schema,
						open_db, close_db),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
