/* The store at agency scale: tags read one at a time, counted, imports in any order. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "store_fixture.h"

struct seen {
	char names[4][TAG_BUF_SIZE];
	size_t n, stop_at;
};

static void untrack(struct store *st, const char *tag)
{
	bool found;

	assert_int_equal(store_remove_tag(st, tag, false, &found), 0);
	assert_true(found);
}

static int collect(void *ctx, const struct tag_info *t)
{
	struct seen *s = ctx;

	if (s->n == s->stop_at)
		return -1;
	snprintf(s->names[s->n++], TAG_BUF_SIZE, "%s", t->name);
	return 0;
}

static void each_tag_gives_the_tracked_tags_in_name_order(void **state)
{
	struct store *st = *state;
	struct seen s = { .stop_at = 4 };

	add(st, "gamma");
	add(st, "alpha");
	add(st, "beta");
	untrack(st, "beta");
	assert_int_equal(store_each_tag(st, collect, &s), 0);
	assert_int_equal(s.n, 2);
	assert_string_equal(s.names[0], "alpha");
	assert_string_equal(s.names[1], "gamma");
}

static void each_tag_stops_when_the_callback_fails(void **state)
{
	struct store *st = *state;
	struct seen s = { .stop_at = 1 };

	add(st, "alpha");
	add(st, "beta");
	assert_int_equal(store_each_tag(st, collect, &s), -1);
	assert_int_equal(s.n, 1);
	assert_string_equal(store_error(st), "out of memory");
}

static void count_tags_counts_the_tracked_ones_and_names_the_first(void **state)
{
	struct store *st = *state;
	char first[TAG_BUF_SIZE] = "x";
	int64_t n = -1;

	assert_int_equal(store_count_tags(st, &n, first, sizeof(first)), 0);
	assert_int_equal(n, 0);
	assert_string_equal(first, "");
	add(st, "zeta");
	add(st, "beta");
	add(st, "alpha");
	untrack(st, "alpha");
	assert_int_equal(store_count_tags(st, &n, first, sizeof(first)), 0);
	assert_int_equal(n, 2);
	assert_string_equal(first, "beta");
}

static void import_row(struct store_import *im, const char *tag, int64_t ts, int64_t videos,
		       bool want_added)
{
	struct snapshot s = { .ts = ts, .videos = videos, .views = videos * 10 };
	bool added, new_tag;

	assert_int_equal(store_import_row(im, tag, &s, &added, &new_tag), 0);
	assert_int_equal(added, want_added);
}

static void import_inserts_rows_out_of_key_order_at_the_flush(void **state)
{
	struct store *st = *state;
	struct store_import *im;
	struct snapshot got;
	bool found;
	size_t late;

	add(st, "a");
	add(st, "b");
	snap(st, "b", 100, 1, 1);
	assert_int_equal(store_import_begin(st, 4242, &im), 0);
	import_row(im, "a", 200, 2, true);      /* in key order: in at once */
	import_row(im, "b", 200, 3, true);
	import_row(im, "a", 300, 4, false);     /* a after b: waits */
	import_row(im, "a", 300, 5, false);     /* the same key again: the first wins */
	import_row(im, "b", 100, 6, false);     /* there already: skipped at the flush */
	import_row(im, "a", 100, 7, false);
	assert_int_equal(store_import_flush(im, &late), 0);
	assert_int_equal(late, 2);
	assert_int_equal(store_import_end(im, true), 0);

	assert_int_equal(store_latest(st, "a", &got, &found), 0);
	assert_true(found);
	assert_int_equal(got.ts, 300);
	assert_int_equal(got.videos, 4);
	assert_int_equal(store_baseline(st, "a", 0, 150, &got, &found), 0);
	assert_true(found && got.videos == 7);
	assert_int_equal(store_baseline(st, "b", 0, 150, &got, &found), 0);
	assert_true(found && got.videos == 1);
}

static void import_rolled_back_leaves_no_waiting_row(void **state)
{
	struct store *st = *state;
	struct store_import *im;
	struct snapshot got;
	bool found;
	size_t late;

	add(st, "a");
	assert_int_equal(store_import_begin(st, 1, &im), 0);
	import_row(im, "a", 300, 1, true);
	import_row(im, "a", 200, 2, false);
	assert_int_equal(store_import_end(im, false), 0);
	assert_int_equal(store_latest(st, "a", &got, &found), 0);
	assert_false(found);
	/* and the next import has its own, empty, sort table */
	assert_int_equal(store_import_begin(st, 1, &im), 0);
	import_row(im, "a", 300, 1, true);
	import_row(im, "a", 200, 2, false);
	assert_int_equal(store_import_flush(im, &late), 0);
	assert_int_equal(late, 1);
	assert_int_equal(store_import_end(im, true), 0);
}

static void import_committed_without_a_flush_keeps_the_waiting_rows(void **state)
{
	struct store *st = *state;
	struct store_import *im;
	struct snapshot got;
	bool found;

	add(st, "a");
	assert_int_equal(store_import_begin(st, 1, &im), 0);
	import_row(im, "a", 300, 1, true);
	import_row(im, "a", 200, 2, false);
	assert_int_equal(store_import_end(im, true), 0);
	assert_int_equal(store_baseline(st, "a", 0, 250, &got, &found), 0);
	assert_true(found && got.videos == 2);
}

static void integrity_quick_and_full_both_say_ok(void **state)
{
	struct store *st = *state;
	char result[64];

	add(st, "a");
	snap(st, "a", 100, 1, 1);
	assert_int_equal(store_integrity(st, false, result, sizeof(result)), 0);
	assert_string_equal(result, "ok");
	assert_int_equal(store_integrity(st, true, result, sizeof(result)), 0);
	assert_string_equal(result, "ok");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(each_tag_gives_the_tracked_tags_in_name_order,
						open_db, close_db),
		cmocka_unit_test_setup_teardown(each_tag_stops_when_the_callback_fails,
						open_db, close_db),
		cmocka_unit_test_setup_teardown(count_tags_counts_the_tracked_ones_and_names_the_first,
						open_db, close_db),
		cmocka_unit_test_setup_teardown(import_inserts_rows_out_of_key_order_at_the_flush,
						open_db, close_db),
		cmocka_unit_test_setup_teardown(import_rolled_back_leaves_no_waiting_row,
						open_db, close_db),
		cmocka_unit_test_setup_teardown(
			import_committed_without_a_flush_keeps_the_waiting_rows, open_db, close_db),
		cmocka_unit_test_setup_teardown(integrity_quick_and_full_both_say_ok,
						open_db, close_db),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
