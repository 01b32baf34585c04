/*
 * Tests for src/store.c's opening: read-only for readers, refusing what is
 * not hashtrack's, no write lock taken on open, waiting for other writers;
 * and a snapshot of a tag purged meanwhile. Against real SQLite files.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "store.h"

#include "store_fixture.h"

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The whole file, malloc'd; *len its size. */
static char *slurp(const char *file, size_t *len)
{
	FILE *f = fopen(file, "rb");
	char *buf = malloc(1 << 16);

	assert_non_null(f);
	assert_non_null(buf);
	*len = fread(buf, 1, 1 << 16, f);
	fclose(f);
	return buf;
}

static void reading_a_missing_database_is_no_data_and_creates_nothing(void **state)
{
	char none[160], err[STORE_ERR_SIZE] = "", parent[128];
	struct store *st;
	struct stat sb;

	(void)state;
	snprintf(parent, sizeof(parent), "%s/none", dir);
	snprintf(none, sizeof(none), "%s/ht.db", parent);
	assert_int_equal(store_open_readonly(none, &st, err, sizeof(err)), STORE_NO_DATA);
	assert_null(st);
	assert_non_null(strstr(err, "does not exist"));
	assert_int_not_equal(stat(parent, &sb), 0);
}

static void an_empty_file_is_no_data_for_readers_and_set_up_by_writers(void **state)
{
	char empty[128], err[STORE_ERR_SIZE] = "";
	struct store *st;
	FILE *f;

	(void)state;
	snprintf(empty, sizeof(empty), "%s/empty.db", dir);
	f = fopen(empty, "w");
	assert_non_null(f);
	fclose(f);
	assert_int_equal(store_open_readonly(empty, &st, err, sizeof(err)), STORE_NO_DATA);
	assert_non_null(strstr(err, "is empty"));
	assert_int_equal(store_open(empty, &st, err, sizeof(err)), 0);
	store_close(st);
	assert_int_equal(store_open_readonly(empty, &st, err, sizeof(err)), 0);
	store_close(st);
}

static void another_applications_database_is_refused_untouched(void **state)
{
	char other[128], err[STORE_ERR_SIZE] = "";
	struct store *st;
	size_t len, len2;
	char *before, *after;
	sqlite3 *db;

	(void)state;
	snprintf(other, sizeof(other), "%s/other.db", dir);
	assert_int_equal(sqlite3_open(other, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "CREATE TABLE notes (body TEXT);"
				      "INSERT INTO notes VALUES ('keep me')", NULL, NULL, NULL),
			 SQLITE_OK);
	sqlite3_close(db);
	before = slurp(other, &len);
	assert_int_equal(store_open(other, &st, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "is not a hashtrack database"));
	err[0] = '\0';
	assert_int_equal(store_open_readonly(other, &st, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "is not a hashtrack database"));
	after = slurp(other, &len2);
	assert_int_equal(len, len2);
	assert_memory_equal(before, after, len);
	free(before);
	free(after);
}

static void opening_a_current_database_takes_no_write_lock(void **state)
{
	char err[STORE_ERR_SIZE] = "";
	struct store *st;
	sqlite3 *writer;
	double t0 = now_s();

	(void)state;
	assert_int_equal(sqlite3_open(path, &writer), SQLITE_OK);
	assert_int_equal(sqlite3_exec(writer, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(store_open(path, &st, err, sizeof(err)), 0);
	store_close(st);
	assert_int_equal(store_open_readonly(path, &st, err, sizeof(err)), 0);
	store_close(st);
	assert_true(now_s() - t0 < 2);
	sqlite3_exec(writer, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_close(writer);
}

static void a_read_only_store_cannot_write(void **state)
{
	char err[STORE_ERR_SIZE] = "";
	struct tag_rules none = { 0 };
	struct store *st;
	bool created;

	(void)state;
	assert_int_equal(store_open_readonly(path, &st, err, sizeof(err)), 0);
	assert_int_equal(store_add_tag(st, "a", &none, 1, &created), -1);
	assert_non_null(strstr(store_error(st), "readonly"));
	store_close(st);
}

static void a_snapshot_of_a_purged_tag_is_refused_as_such(void **state)
{
	struct store *st = *state;
	struct snapshot s = { .ts = 100, .videos = 1, .views = 2, .source = 1 };
	bool found;

	add(st, "gone");
	assert_int_equal(store_remove_tag(st, "gone", true, &found), 0);
	assert_int_equal(store_add_snapshot(st, "gone", &s), 1);
	assert_non_null(strstr(store_error(st), "#gone is not in the database"));
}

/* Another writer holding the write lock for a while, on its own thread. */
static void *hold_write_lock(void *arg)
{
	sqlite3 *writer = arg;
	struct timespec pause = { .tv_sec = 1, .tv_nsec = 300 * 1000000 };

	nanosleep(&pause, NULL);
	sqlite3_exec(writer, "COMMIT", NULL, NULL, NULL);
	return NULL;
}

static void count_waiting(void *ctx)
{
	(*(int *)ctx)++;
}

static void waiting_for_writers_outlasts_them_and_says_so_once(void **state)
{
	struct store *st = *state;
	sqlite3 *writer;
	pthread_t thread;
	int said = 0;
	double t0;

	assert_int_equal(sqlite3_open(path, &writer), SQLITE_OK);
	assert_int_equal(sqlite3_exec(writer, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
	t0 = now_s();
	assert_int_equal(pthread_create(&thread, NULL, hold_write_lock, writer), 0);
	assert_int_equal(store_wait_writable(st, count_waiting, &said), 0);
	assert_true(now_s() - t0 >= 1.2);
	assert_int_equal(said, 1);
	pthread_join(thread, NULL);
	sqlite3_close(writer);
	add(st, "after");
}

#define DB_TEST(fn) cmocka_unit_test_setup_teardown(fn, open_db, close_db)

int main(void)
{
	const struct CMUnitTest tests[] = {
		DB_TEST(reading_a_missing_database_is_no_data_and_creates_nothing),
		DB_TEST(an_empty_file_is_no_data_for_readers_and_set_up_by_writers),
		DB_TEST(another_applications_database_is_refused_untouched),
		DB_TEST(opening_a_current_database_takes_no_write_lock),
		DB_TEST(a_read_only_store_cannot_write),
		DB_TEST(a_snapshot_of_a_purged_tag_is_refused_as_such),
		DB_TEST(waiting_for_writers_outlasts_them_and_says_so_once),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
