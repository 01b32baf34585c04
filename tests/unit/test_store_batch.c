/* Tests for src/store.c's group commit (store_batch_*), against a real SQLite file. */
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

/* One tag's unit, as `run` writes it: its snapshot and its status. */
static int unit(struct store *st, const char *tag, int64_t ts)
{
	struct snapshot s = { .ts = ts, .videos = 5, .views = 50, .source = 1 };

	if (store_begin(st))
		return -1;
	if (store_add_snapshot(st, tag, &s) || store_set_status(st, tag, TAG_OK, NULL)) {
		store_rollback(st);
		return -1;
	}
	return store_commit(st);
}

/* What another connection sees (a plain reader: the batch holds the write lock). */
static bool stored_elsewhere(const char *tag)
{
	sqlite3 *db;
	sqlite3_stmt *stmt;
	bool found;

	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db,
		"SELECT 1 FROM snapshot s JOIN hashtag h ON h.id = s.hashtag_id WHERE h.name = ?1",
		-1, &stmt, NULL), SQLITE_OK);
	sqlite3_bind_text(stmt, 1, tag, -1, SQLITE_STATIC);
	found = sqlite3_step(stmt) == SQLITE_ROW;
	sqlite3_finalize(stmt);
	sqlite3_close(db);
	return found;
}

static void units_reach_the_disk_only_with_the_batch_commit(void **state)
{
	struct store *st = *state;

	add(st, "one");
	add(st, "two");
	store_batch_begin(st);
	assert_int_equal(unit(st, "one", 100), 0);
	assert_int_equal(unit(st, "two", 100), 0);
	assert_false(stored_elsewhere("one"));
	assert_int_equal(store_batch_commit(st), 0);
	assert_true(stored_elsewhere("one"));
	assert_true(stored_elsewhere("two"));
	assert_int_equal(store_batch_end(st), 0);
}

static void a_failed_unit_is_undone_alone_and_the_batch_goes_on(void **state)
{
	struct store *st = *state;
	struct snapshot s;
	bool found;

	add(st, "kept");
	add(st, "dup");
	store_batch_begin(st);
	assert_int_equal(unit(st, "dup", 100), 0);
	assert_int_equal(unit(st, "kept", 100), 0);
	/* the same time again: the unit gives up, and only this unit is undone */
	assert_int_equal(unit(st, "dup", 100), -1);
	assert_int_equal(unit(st, "kept", 200), 0);
	assert_int_equal(store_batch_end(st), 0);
	assert_int_equal(store_latest(st, "kept", &s, &found), 0);
	assert_true(found);
	assert_int_equal(s.ts, 200);
	assert_true(stored_elsewhere("dup"));
}

static void a_unit_rolled_back_by_its_caller_leaves_nothing(void **state)
{
	struct store *st = *state;
	struct snapshot s = { .ts = 100, .videos = 1, .views = 2, .source = 1 };
	bool found;

	add(st, "gone");
	store_batch_begin(st);
	assert_int_equal(store_begin(st), 0);
	assert_int_equal(store_add_snapshot(st, "gone", &s), 0);
	store_rollback(st);
	assert_int_equal(store_batch_end(st), 0);
	assert_int_equal(store_latest(st, "gone", &s, &found), 0);
	assert_false(found);
}

static void a_batch_lost_before_its_commit_stores_none_of_its_units(void **state)
{
	struct store *st = *state;
	char err[STORE_ERR_SIZE];

	add(st, "crash");
	store_batch_begin(st);
	assert_int_equal(unit(st, "crash", 100), 0);
	/* A killed process: the connection goes away without the commit. */
	store_close(st);
	assert_false(stored_elsewhere("crash"));
	assert_int_equal(store_open(path, &st, err, sizeof(err)), 0);
	*state = st;
}

static void commits_outside_a_batch_are_immediate_as_before(void **state)
{
	struct store *st = *state;

	add(st, "plain");
	assert_int_equal(unit(st, "plain", 100), 0);
	assert_true(stored_elsewhere("plain"));
	/* an empty batch commits nothing and fails nothing */
	store_batch_begin(st);
	assert_int_equal(store_batch_commit(st), 0);
	assert_int_equal(store_batch_end(st), 0);
}

static void a_status_is_written_only_when_it_changes(void **state)
{
	struct store *st = *state;
	struct tag_info *tags;
	size_t n;

	add(st, "flaky");
	assert_int_equal(store_set_status(st, "flaky", TAG_ERROR, "API answered 503"), 0);
	assert_int_equal(store_set_status(st, "flaky", TAG_ERROR, "API answered 502"), 0);
	assert_int_equal(store_set_status(st, "flaky", TAG_OK, NULL), 0);
	assert_int_equal(store_set_status(st, "flaky", TAG_OK, NULL), 0);
	assert_int_equal(store_list_tags(st, NULL, 0, &tags, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(tags[0].status, TAG_OK);
	assert_string_equal(tags[0].last_error, "");
	free(tags);
	assert_int_equal(store_set_status(st, "flaky", TAG_ERROR, "API answered 502"), 0);
	assert_int_equal(store_list_tags(st, NULL, 0, &tags, &n), 0);
	assert_int_equal(tags[0].status, TAG_ERROR);
	assert_string_equal(tags[0].last_error, "API answered 502");
	free(tags);
}

#define DB_TEST(fn) cmocka_unit_test_setup_teardown(fn, open_db, close_db)

int main(void)
{
	const struct CMUnitTest tests[] = {
		DB_TEST(units_reach_the_disk_only_with_the_batch_commit),
		DB_TEST(a_failed_unit_is_undone_alone_and_the_batch_goes_on),
		DB_TEST(a_unit_rolled_back_by_its_caller_leaves_nothing),
		DB_TEST(a_batch_lost_before_its_commit_stores_none_of_its_units),
		DB_TEST(commits_outside_a_batch_are_immediate_as_before),
		DB_TEST(a_status_is_written_only_when_it_changes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
