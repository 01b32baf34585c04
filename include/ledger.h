/*
 * ledger: the run ledger's rows and what they tell: how often runs come
 * (the schedule's interval, for doctor's "no recent success" warning), and
 * the credits spent per day and this month. Pure.
 */
#ifndef HASHTRACK_LEDGER_H
#define HASHTRACK_LEDGER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One `run` (not --dry-run), as `runs` shows it. */
struct run_row {
	int64_t started_at, finished_at;        /* the run's clock (HASHTRACK_NOW honoured) */
	int64_t tags;           /* tags the run was to fetch */
	int64_t due;            /* of those, selected for fetching (today: all of them) */
	int64_t stored, failed, alerts;
	int64_t requests;       /* API requests started, retries included */
	bool has_credits_used, has_credits_remaining;   /* false: the API did not say */
	int64_t credits_used, credits_remaining;
	int exit;               /* the run's exit status */
};

/* Runs looked at for the interval, newest first, and gaps shorter than this ignored. */
#define LEDGER_INTERVAL_RUNS 10
#define LEDGER_MIN_GAP 60
/* Gaps needed before the ledger's interval is trusted over the fallback. */
#define LEDGER_MIN_GAPS 3
/* Days of runs the spend per day is measured over. */
#define LEDGER_SPEND_DAYS 7

/*
 * The schedule's interval as the runs show it: the median gap between the
 * starts of the last LEDGER_INTERVAL_RUNS runs (oldest first in runs[0..n)),
 * gaps under LEDGER_MIN_GAP (a run started by hand right after another)
 * left out; fallback when fewer than LEDGER_MIN_GAPS gaps remain.
 */
int64_t ledger_interval(const struct run_row *runs, size_t n, int64_t fallback);

struct ledger_spend {
	bool known;             /* false: no run in the period said what it spent */
	double per_day;         /* credits a day over the last LEDGER_SPEND_DAYS days */
	int64_t month_spent;    /* spent since the 1st of this month (UTC) */
	int64_t month_projected; /* month_spent plus per_day for the rest of the month */
	bool has_days_left;
	double days_left;       /* the latest credits_remaining at per_day */
};

/*
 * What runs[0..n) (oldest first) spent: each run's credits_used, or, for a
 * run that did not report it, the drop in credits_remaining since the run
 * before (a rise is a top-up, not a spend).
 */
void ledger_spend(const struct run_row *runs, size_t n, int64_t now, struct ledger_spend *out);

/* Midnight UTC of the 1st of now's month. */
int64_t ledger_month_start(int64_t now);

#endif
