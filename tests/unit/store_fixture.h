/*
 * The store tests' fixture: a fresh database file in a directory of its own
 * that store_open has to create, removed after each test; plus two helpers.
 * Included by test_store*.c after cmocka.h.
 */
#ifndef HASHTRACK_STORE_FIXTURE_H
#define HASHTRACK_STORE_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>

#include "store.h"

static char dir[64], path[96];

static int open_db(void **state)
{
	char err[STORE_ERR_SIZE];
	struct store *st;

	snprintf(dir, sizeof(dir), "/tmp/hashtrack-test-store-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	/* a directory that does not exist yet: store_open creates it */
	snprintf(path, sizeof(path), "%s/sub/ht.db", dir);
	if (store_open(path, &st, err, sizeof(err)) != 0)
		return -1;
	*state = st;
	return 0;
}

static int close_db(void **state)
{
	char cmd[128];

	store_close(*state);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static const struct tag_rules no_rules;

__attribute__((unused))
static void add(struct store *st, const char *tag)
{
	bool created;

	assert_int_equal(store_add_tag(st, tag, &no_rules, 1000, &created), 0);
}

/* A snapshot with views ten times its videos. */
__attribute__((unused))
static void snap(struct store *st, const char *tag, int64_t ts, int64_t videos, int source)
{
	struct snapshot s = { .ts = ts, .videos = videos, .views = videos * 10, .source = source };

	assert_int_equal(store_add_snapshot(st, tag, &s), 0);
}

#endif
