/*
 * Tests for the reporting block of src/store.c (bulk reads, the export walk,
 * import), against a real SQLite file.
 */
#include <inttypes.h>
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

/* a: 100..500 every 100; b: 250; c: nothing. */
static void fill(struct store *st)
{
	add(st, "a");
	add(st, "b");
	add(st, "c");
	for (int i = 1; i <= 5; i++)
		snap(st, "a", i * 100, i, i % 2 ? 1 : 0);
	snap(st, "b", 250, 9, 2);
}

static void seek_many_finds_the_newest_in_each_range(void **state)
{
	struct store *st = *state;
	struct store_seek seeks[] = {
		{ .tag = "a", .from = 100, .to = 350 },
		{ .tag = "b", .from = 0, .to = 249 },
		{ .tag = "c", .from = 0, .to = 1000 },
		{ .tag = "nope", .from = 0, .to = 1000 },
		{ .tag = "a", .from = 1, .to = 0 },
	};

	(void)state;
	fill(st);
	assert_int_equal(store_seek_many(st, seeks, 5), 0);
	assert_true(seeks[0].found);
	assert_int_equal(seeks[0].snap.ts, 300);
	assert_int_equal(seeks[0].snap.views, 30);
	assert_int_equal(seeks[0].snap.source, 1);
	assert_false(seeks[1].found);
	assert_false(seeks[2].found);
	assert_false(seeks[3].found);
	assert_false(seeks[4].found);
	assert_int_equal(store_seek_many(st, seeks, 0), 0);
}

static void recent_many_gives_the_newest_k_oldest_first(void **state)
{
	struct store *st = *state;
	const char *tags[] = { "a", "b", "c" };
	struct snapshot out[3 * 3];
	size_t counts[3];

	fill(st);
	assert_int_equal(store_recent_many(st, tags, 3, 3, out, counts), 0);
	assert_int_equal(counts[0], 3);
	assert_int_equal(out[0].ts, 300);
	assert_int_equal(out[1].ts, 400);
	assert_int_equal(out[2].ts, 500);
	assert_int_equal(counts[1], 1);
	assert_int_equal(out[3].ts, 250);
	assert_int_equal(counts[2], 0);
}

struct walk {
	char seen[16][8];
	int64_t ts[16];
	size_t n, stop_at;
};

static int walk_fn(void *arg, const char *tag, const struct snapshot *s)
{
	struct walk *w = arg;

	snprintf(w->seen[w->n], sizeof(w->seen[0]), "%s", tag);
	w->ts[w->n++] = s->ts;
	return w->n == w->stop_at ? 7 : 0;
}

static void each_snapshot_walks_by_tag_then_time_from_since(void **state)
{
	struct store *st = *state;
	struct walk w = { .n = 0 };

	fill(st);
	assert_int_equal(store_each_snapshot(st, NULL, 250, walk_fn, &w), 0);
	assert_int_equal(w.n, 4);
	assert_string_equal(w.seen[0], "a");
	assert_int_equal(w.ts[0], 300);
	assert_int_equal(w.ts[2], 500);
	assert_string_equal(w.seen[3], "b");
	assert_int_equal(w.ts[3], 250);
	memset(&w, 0, sizeof(w));
	assert_int_equal(store_each_snapshot(st, "a", INT64_MIN, walk_fn, &w), 0);
	assert_int_equal(w.n, 5);
	assert_string_equal(w.seen[4], "a");
	memset(&w, 0, sizeof(w));
	w.stop_at = 2;
	assert_int_equal(store_each_snapshot(st, "a", INT64_MIN, walk_fn, &w), 7);
	assert_int_equal(w.n, 2);
}

static void alert_times_come_oldest_first(void **state)
{
	struct store *st = *state;
	struct alert a = { .tag = "a" };
	int64_t *times, id;
	size_t n;

	fill(st);
	a.detected_at = 500;
	assert_int_equal(store_add_alert(st, &a, ALERT_RECORDED, &id), 0);
	a.detected_at = 300;
	assert_int_equal(store_add_alert(st, &a, ALERT_RECORDED, &id), 0);
	assert_int_equal(store_alert_times(st, "a", &times, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(times[0], 300);
	assert_int_equal(times[1], 500);
	free(times);
	assert_int_equal(store_alert_times(st, "b", &times, &n), 0);
	assert_int_equal(n, 0);
	free(times);
}

static void import_skips_what_is_there_and_creates_tags_untracked(void **state)
{
	struct store *st = *state;
	struct store_import *im;
	struct snapshot s = { .ts = 300, .videos = 77, .views = 1 };
	struct tag_info *tags;
	size_t n;
	bool added, new_tag;

	fill(st);
	assert_int_equal(store_import_begin(st, 4242, &im), 0);
	assert_int_equal(store_import_row(im, "a", &s, &added, &new_tag), 0);
	assert_false(added);            /* a@300 is there: kept as it was */
	assert_false(new_tag);
	s.ts = 600;
	assert_int_equal(store_import_row(im, "a", &s, &added, &new_tag), 0);
	assert_true(added);
	assert_int_equal(store_import_row(im, "fresh", &s, &added, &new_tag), 0);
	assert_true(added && new_tag);
	assert_int_equal(store_import_row(im, "fresh", &s, &added, &new_tag), 0);
	assert_false(added || new_tag);
	assert_int_equal(store_import_end(im, true), 0);

	const char *names[] = { "fresh", "a" };

	assert_int_equal(store_list_tags(st, names, 2, &tags, &n), 0);
	assert_int_equal(n, 2);
	assert_false(tags[0].active);
	assert_int_equal(tags[0].added_at, 4242);
	assert_true(tags[0].has_last && tags[0].last.videos == 77 && tags[0].last.source == 0);
	assert_int_equal(tags[1].last.ts, 600);
	free(tags);
	assert_int_equal(store_list_tags(st, NULL, 0, &tags, &n), 0);
	assert_int_equal(n, 3);         /* fresh is not tracked */
	free(tags);
}

static void an_import_not_committed_leaves_nothing(void **state)
{
	struct store *st = *state;
	struct store_import *im;
	struct snapshot s = { .ts = 900, .videos = 1, .views = 1 };
	struct tag_info *tags;
	size_t n;
	bool added, new_tag;
	const char *names[] = { "ghost" };

	fill(st);
	assert_int_equal(store_import_begin(st, 1, &im), 0);
	assert_int_equal(store_import_row(im, "ghost", &s, &added, &new_tag), 0);
	assert_int_equal(store_import_row(im, "a", &s, &added, &new_tag), 0);
	assert_int_equal(store_import_end(im, false), 0);
	assert_int_equal(store_list_tags(st, names, 1, &tags, &n), 0);
	assert_int_equal(n, 0);
	free(tags);
	assert_int_equal(store_begin(st), 0);  /* no transaction was left open */
	store_rollback(st);
}

/*
 * More rows out of key order than wait in memory: they go in as sorted runs,
 * every one counted, and of two rows with one key the first in the file wins
 * even when the second comes in a later run.
 */
static void rows_out_of_order_past_the_cap_go_in_as_sorted_runs(void **state)
{
	struct store *st = *state;
	struct store_import *im;
	struct snapshot s = { .ts = 1 << 30, .videos = 1, .views = 1 }, *hist = NULL;
	const int64_t n = STORE_IMPORT_LATE_MAX + 10;
	size_t late, got, cap = 0;
	bool added, new_tag;

	assert_int_equal(store_import_begin(st, 1, &im), 0);
	assert_int_equal(store_import_row(im, "a", &s, &added, &new_tag), 0);
	assert_true(added);
	s.ts = 1;
	assert_int_equal(store_import_row(im, "b", &s, &added, &new_tag), 0);
	assert_true(added);             /* b's id is above a's: a's rows now wait */
	for (int64_t t = n - 1; t >= 0; t--) {
		s.ts = t;
		s.videos = 100;
		assert_int_equal(store_import_row(im, "a", &s, &added, &new_tag), 0);
		assert_false(added);
		if (t == 3) {           /* n - 5 again, in the second run: loses */
			s.ts = n - 5;
			s.videos = 999;
			assert_int_equal(store_import_row(im, "a", &s, &added, &new_tag), 0);
		}
	}
	s.ts = n - 5;
	s.videos = 555;                 /* and once more, last: loses too */
	assert_int_equal(store_import_row(im, "a", &s, &added, &new_tag), 0);
	assert_int_equal(store_import_flush(im, &late), 0);
	assert_int_equal(late, (size_t)n);
	assert_int_equal(store_import_end(im, true), 0);
	assert_int_equal(store_history(st, "a", 0, &hist, &got, &cap), 0);
	assert_int_equal(got, (size_t)n + 1);
	for (size_t i = 0; i + 1 < got; i++)
		if (hist[i].ts != (int64_t)i || hist[i].videos != 100)
			fail_msg("a@%zu: ts %" PRId64 " videos %" PRId64, i, hist[i].ts,
				 hist[i].videos);
	free(hist);
}

/* The plan of a query: fails on a full scan of snapshot or a sort. */
static void assert_plan_seeks(const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *stmt;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &stmt, NULL), SQLITE_OK);
	while (sqlite3_step(stmt) == SQLITE_ROW) {
		const char *detail = (const char *)sqlite3_column_text(stmt, 3);

		if (strstr(detail, "TEMP B-TREE") || strstr(detail, "SCAN s") ||
		    strstr(detail, "SCAN snapshot"))
			fail_msg("%s: %s", sql, detail);
	}
	sqlite3_finalize(stmt);
	sqlite3_close(db);
}

static void the_export_walk_and_the_list_query_never_scan_or_sort(void **state)
{
	(void)state;
	assert_plan_seeks("EXPLAIN QUERY PLAN SELECT h.name, s.ts, s.video_count, s.view_count,"
			  " s.source FROM hashtag h JOIN snapshot s ON s.hashtag_id = h.id"
			  " WHERE s.ts >= ?2 ORDER BY h.name, s.ts");
	assert_plan_seeks("EXPLAIN QUERY PLAN SELECT h.name, s.ts FROM hashtag h"
			  " LEFT JOIN snapshot s ON s.hashtag_id = h.id AND s.ts ="
			  " (SELECT max(ts) FROM snapshot WHERE hashtag_id = h.id)"
			  " WHERE h.active ORDER BY h.name");
}

#define DB_TEST(fn) cmocka_unit_test_setup_teardown(fn, open_db, close_db)

int main(void)
{
	const struct CMUnitTest tests[] = {
		DB_TEST(seek_many_finds_the_newest_in_each_range),
		DB_TEST(recent_many_gives_the_newest_k_oldest_first),
		DB_TEST(each_snapshot_walks_by_tag_then_time_from_since),
		DB_TEST(alert_times_come_oldest_first),
		DB_TEST(import_skips_what_is_there_and_creates_tags_untracked),
		DB_TEST(an_import_not_committed_leaves_nothing),
		DB_TEST(rows_out_of_order_past_the_cap_go_in_as_sorted_runs),
		DB_TEST(the_export_walk_and_the_list_query_never_scan_or_sort),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
