/* Tests for src/store.c, against a real SQLite file. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store.h"

#include "store_fixture.h"

static void reopening_keeps_the_schema_version(void **state)
{
	char err[STORE_ERR_SIZE];
	struct store *again;
	sqlite3 *db;
	sqlite3_stmt *stmt;

	(void)state;
	assert_int_equal(store_open(path, &again, err, sizeof(err)), 0);
	store_close(again);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &stmt, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(stmt, 0), STORE_SCHEMA_VERSION);
	sqlite3_finalize(stmt);
	sqlite3_close(db);
}

static void a_newer_schema_is_refused_with_advice(void **state)
{
	char err[STORE_ERR_SIZE] = "";
	struct store *again;
	sqlite3 *db;

	(void)state;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "PRAGMA user_version = 99", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(store_open(path, &again, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "version 99 is newer"));
	assert_non_null(strstr(err, "upgrade hashtrack"));
}

static void adding_twice_updates_only_the_rules_given(void **state)
{
	struct store *st = *state;
	struct tag_rules r = { .has_min_new_videos = true, .min_new_videos = 10 };
	struct tag_info *tags;
	size_t n;
	bool created;

	assert_int_equal(store_add_tag(st, "a", &r, 5, &created), 0);
	assert_true(created);
	r = (struct tag_rules){ .has_view_growth = true, .view_growth = 0 };
	assert_int_equal(store_add_tag(st, "a", &r, 9, &created), 0);
	assert_false(created);
	assert_int_equal(store_list_tags(st, NULL, 0, &tags, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(tags[0].added_at, 5);
	assert_true(tags[0].rules.has_min_new_videos && tags[0].rules.min_new_videos == 10);
	assert_false(tags[0].rules.has_video_growth);
	assert_true(tags[0].rules.has_view_growth && tags[0].rules.view_growth == 0);
	assert_int_equal(tags[0].status, TAG_NO_DATA);
	assert_false(tags[0].has_last);
	free(tags);
}

static void baseline_is_the_newest_snapshot_in_range(void **state)
{
	struct store *st = *state;
	struct snapshot s;
	bool found;

	add(st, "a");
	add(st, "b");
	snap(st, "a", 100, 1, 1);
	snap(st, "a", 200, 2, 1);
	snap(st, "a", 300, 3, 1);
	snap(st, "b", 250, 9, 2);
	assert_int_equal(store_baseline(st, "a", 100, 250, &s, &found), 0);
	assert_true(found);
	assert_int_equal(s.ts, 200);
	assert_int_equal(s.videos, 2);
	assert_int_equal(s.views, 20);
	assert_int_equal(s.source, 1);
	assert_int_equal(store_baseline(st, "a", 301, 400, &s, &found), 0);
	assert_false(found);
	assert_int_equal(store_latest(st, "b", &s, &found), 0);
	assert_true(found && s.ts == 250 && s.source == 2);
}

static void baseline_lookup_is_one_index_seek(void **state)
{
	sqlite3 *db;
	sqlite3_stmt *stmt;
	const char *detail;

	(void)state;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db,
		"EXPLAIN QUERY PLAN SELECT ts, video_count, view_count, source FROM snapshot"
		" WHERE hashtag_id = (SELECT id FROM hashtag WHERE name = ?1)"
		"   AND ts BETWEEN ?2 AND ?3 ORDER BY ts DESC LIMIT 1", -1, &stmt, NULL), SQLITE_OK);
	while (sqlite3_step(stmt) == SQLITE_ROW) {
		detail = (const char *)sqlite3_column_text(stmt, 3);
		assert_null(strstr(detail, "SCAN"));
		assert_null(strstr(detail, "TEMP B-TREE"));
	}
	sqlite3_finalize(stmt);
	sqlite3_close(db);
}

static void a_second_snapshot_at_the_same_time_leaves_the_first_as_it_is(void **state)
{
	struct store *st = *state;
	struct snapshot s = { .ts = 0, .videos = 1, .views = 1, .source = 1 };
	struct snapshot later = { .ts = 0, .videos = 2, .views = 2, .source = 2 };
	struct snapshot *hist = NULL;
	size_t n = 0, cap = 0;

	add(st, "a");
	assert_int_equal(store_add_snapshot(st, "a", &s), 0);
	assert_int_equal(store_add_snapshot(st, "a", &later), 2);
	assert_int_equal(store_history(st, "a", INT64_MIN, &hist, &n, &cap), 0);
	assert_int_equal(n, 1);
	assert_int_equal(hist[0].videos, 1);
	assert_int_equal(hist[0].views, 1);
	free(hist);
}

static void removing_keeps_history_and_purging_deletes_it(void **state)
{
	struct store *st = *state;
	const char *name = "a";
	struct tag_info *tags;
	struct snapshot s;
	size_t n;
	bool found;

	add(st, "a");
	snap(st, "a", 100, 1, 1);
	assert_int_equal(store_remove_tag(st, "a", false, &found), 0);
	assert_true(found);
	assert_int_equal(store_list_tags(st, NULL, 0, &tags, &n), 0);
	assert_int_equal(n, 0);
	free(tags);
	assert_int_equal(store_list_tags(st, &name, 1, &tags, &n), 0);
	assert_int_equal(n, 1);
	assert_false(tags[0].active);
	assert_true(tags[0].has_last);
	free(tags);
	assert_int_equal(store_remove_tag(st, "a", true, &found), 0);
	assert_true(found);
	assert_int_equal(store_latest(st, "a", &s, &found), 0);
	assert_false(found);
	assert_int_equal(store_remove_tag(st, "nope", false, &found), 0);
	assert_false(found);
}

static void a_rolled_back_transaction_leaves_nothing(void **state)
{
	struct store *st = *state;
	struct snapshot s;
	bool found;

	add(st, "a");
	assert_int_equal(store_begin(st), 0);
	snap(st, "a", 100, 1, 1);
	store_rollback(st);
	assert_int_equal(store_latest(st, "a", &s, &found), 0);
	assert_false(found);
}

static void alerts_stay_pending_until_sent(void **state)
{
	struct store *st = *state;
	struct alert a = { .tag = "a", .detected_at = 500, .elapsed = 21600, .video_count = 9,
			   .has_new_videos = true, .new_videos = 300, .has_video_growth = true, .video_growth_pct = 45.5,
			   .rules = 1 };
	struct alert_row *rows;
	int64_t id, *times;
	size_t n;

	add(st, "a");
	assert_int_equal(store_alert_times(st, "a", &times, &n), 0);
	assert_int_equal(n, 0);
	free(times);
	assert_int_equal(store_add_alert(st, &a, ALERT_PENDING, &id), 0);
	assert_int_equal(store_alert_attempt(st, id, false, 600, "webhook answered 500"), 0);
	assert_int_equal(store_pending_alerts(st, &rows, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(rows[0].a.tag, "a");
	assert_int_equal(rows[0].attempts, 1);
	assert_string_equal(rows[0].last_error, "webhook answered 500");
	assert_int_equal(rows[0].a.new_videos, 300);
	assert_true(rows[0].a.has_video_growth && rows[0].a.video_growth_pct == 45.5);
	assert_false(rows[0].a.has_view_growth);
	free(rows);
	assert_int_equal(store_alert_attempt(st, id, true, 700, NULL), 0);
	assert_int_equal(store_pending_alerts(st, &rows, &n), 0);
	assert_int_equal(n, 0);
	free(rows);
	assert_int_equal(store_alert_times(st, "a", &times, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(times[0], 500);
	free(times);
}

static void meta_values_round_trip(void **state)
{
	struct store *st = *state;
	int64_t v;
	bool found;

	assert_int_equal(store_get_meta(st, "credits_remaining", &v, &found), 0);
	assert_false(found);
	assert_int_equal(store_set_meta(st, "credits_remaining", 41), 0);
	assert_int_equal(store_set_meta(st, "credits_remaining", 40), 0);
	assert_int_equal(store_get_meta(st, "credits_remaining", &v, &found), 0);
	assert_true(found && v == 40);
}

#define DB_TEST(fn) cmocka_unit_test_setup_teardown(fn, open_db, close_db)

int main(void)
{
	const struct CMUnitTest tests[] = {
		DB_TEST(reopening_keeps_the_schema_version),
		DB_TEST(a_newer_schema_is_refused_with_advice),
		DB_TEST(adding_twice_updates_only_the_rules_given),
		DB_TEST(baseline_is_the_newest_snapshot_in_range),
		DB_TEST(baseline_lookup_is_one_index_seek),
		DB_TEST(a_second_snapshot_at_the_same_time_leaves_the_first_as_it_is),
		DB_TEST(removing_keeps_history_and_purging_deletes_it),
		DB_TEST(a_rolled_back_transaction_leaves_nothing),
		DB_TEST(alerts_stay_pending_until_sent),
		DB_TEST(meta_values_round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
