/* schedule: due times and the order of due tags under the daily credit cap. */
#include <stdlib.h>

#include "schedule.h"

int64_t schedule_interval(const struct schedule_config *c, bool hot)
{
	return hot ? c->hot_every : c->cold_every;
}

int64_t schedule_next_due(const struct schedule_config *c, const struct schedule_tag *t)
{
	if (!t->has_last)
		return t->added_at;
	return t->last_ts + schedule_interval(c, t->hot);
}

bool schedule_is_due(const struct schedule_config *c, const struct schedule_tag *t, int64_t now)
{
	if (!t->has_last)
		return true;
	return now >= schedule_next_due(c, t) - schedule_interval(c, t->hot) / 12;
}

int64_t schedule_budget(const struct schedule_config *c, int64_t spent)
{
	if (c->max_credits_per_day <= 0)
		return -1;
	return spent < c->max_credits_per_day ? c->max_credits_per_day - spent : 0;
}

/* A tag with what the order needs, computed once. */
struct ranked {
	struct schedule_tag tag;
	bool due;
	int64_t due_at;
	size_t pos;             /* the caller's order, for ties */
};

static int by_claim(const void *pa, const void *pb)
{
	const struct ranked *a = pa, *b = pb;

	if (a->due != b->due)
		return a->due ? -1 : 1;
	if (a->due && a->tag.hot != b->tag.hot)
		return a->tag.hot ? -1 : 1;
	if (a->due && a->tag.hot && a->tag.heat != b->tag.heat)
		return a->tag.heat > b->tag.heat ? -1 : 1;
	if (a->due && a->due_at != b->due_at)
		return a->due_at < b->due_at ? -1 : 1;
	return a->pos < b->pos ? -1 : a->pos > b->pos;
}

int schedule_plan(const struct schedule_config *c, int64_t now, bool all, int64_t budget,
		  struct schedule_tag *t, size_t n, size_t *ndue, size_t *nfetch)
{
	struct ranked *r = malloc((n ? n : 1) * sizeof(*r));
	size_t k = 0;

	*ndue = *nfetch = 0;
	if (!r)
		return -1;
	for (size_t i = 0; i < n; i++) {
		r[i] = (struct ranked){ t[i], all || schedule_is_due(c, &t[i], now),
					schedule_next_due(c, &t[i]), i };
		k += r[i].due;
	}
	qsort(r, n, sizeof(*r), by_claim);
	for (size_t i = 0; i < n; i++)
		t[i] = r[i].tag;
	free(r);
	*ndue = k;
	*nfetch = budget >= 0 && (uint64_t)budget < k ? (size_t)budget : k;
	return 0;
}
