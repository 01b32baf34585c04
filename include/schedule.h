/*
 * schedule: the adaptive schedule ([schedule] adaptive = yes). Which tags an
 * hourly run fetches: each tag is due when hot_every (hot) or cold_every
 * (otherwise) has passed since its last snapshot, and when the day's credits
 * would not cover every due tag, the hot tags closest to firing go first,
 * then the others by how long they have been due. Pure, no I/O.
 *
 * Why the last snapshot and not the last attempt: a tag whose fetch failed
 * has no new snapshot, so it stays due and the next hourly run tries again
 * (the contract's "since its last snapshot"). A failed fetch costs no
 * credit that the day's count sees, and a tag failing for good (not found)
 * is one `hashtrack remove` away.
 */
#ifndef HASHTRACK_SCHEDULE_H
#define HASHTRACK_SCHEDULE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct schedule_config {
	bool adaptive;
	int64_t hot_every;              /* seconds */
	int64_t cold_every;             /* seconds, >= hot_every */
	int64_t max_credits_per_day;    /* 0: no cap */
};

/* One tag as the schedule sees it. */
struct schedule_tag {
	size_t index;           /* the caller's: which tag this is */
	bool has_last;          /* it has a snapshot */
	int64_t last_ts;        /* its newest snapshot's time */
	int64_t added_at;       /* due from here when it has none */
	bool hot;               /* as its last evaluation left it */
	double heat;            /* how close it is to firing: 1 = at a rule (hot tags) */
};

/* hot_every or cold_every. */
int64_t schedule_interval(const struct schedule_config *c, bool hot);

/* When t falls due: its last snapshot plus its interval, else when it was added. */
int64_t schedule_next_due(const struct schedule_config *c, const struct schedule_tag *t);

/*
 * Whether t is due at now. A twelfth of the interval early counts (5 minutes
 * of 1h, 30 minutes of 6h): a run that started a little late (cron, a slow
 * previous run, systemd's RandomizedDelaySec) does not push the tag back by
 * a whole run.
 */
bool schedule_is_due(const struct schedule_config *c, const struct schedule_tag *t, int64_t now);

/*
 * The credits a run may still spend today: max_credits_per_day less spent
 * (the credits of the last 24 hours), at least 0; -1 when there is no cap.
 */
int64_t schedule_budget(const struct schedule_config *c, int64_t spent);

/*
 * Put the tags of t[0..n) that are due at now (every tag when all) first,
 * in the order they deserve the credits: hot tags by heat, highest first,
 * then the others by due time, the longest due first (ties: the caller's
 * order). *ndue gets how many are due; *nfetch how many of them the budget
 * (-1: none) lets the run fetch: t[0..*nfetch). The rest of the due ones,
 * t[*nfetch..*ndue), wait for the daily credit cap; the tags not due
 * follow in the caller's order. Returns 0, or -1 when out of memory.
 */
int schedule_plan(const struct schedule_config *c, int64_t now, bool all, int64_t budget,
		  struct schedule_tag *t, size_t n, size_t *ndue, size_t *nfetch);

#endif
