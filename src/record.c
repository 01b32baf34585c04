/*
 * record: one tag's snapshot, verdict, status and alert as one unit of the
 * group commit; the run's own facts at the end.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "judge.h"
#include "msg.h"
#include "record.h"
#include "timefmt.h"

int record_tags_add(struct record_tags *ts, const struct tag_info *t)
{
	struct record_tag *rt;

	if (array_grow(&ts->v, &ts->cap, ts->n + 1, sizeof(*ts->v), 64))
		return -1;
	rt = &ts->v[ts->n];
	*rt = (struct record_tag){ .name = strdup(t->name), .added_at = t->added_at,
				   .muted_until = t->muted_until, .last = t->last,
				   .state = t->state, .heat = t->heat, .rules = t->rules,
				   .has_last = t->has_last,
				   .status_ok = t->status == TAG_OK && !t->last_error[0] };
	if (t->campaign[0])
		rt->campaign = strdup(t->campaign);
	if (!rt->name || (t->campaign[0] && !rt->campaign)) {
		free(rt->name);
		free(rt->campaign);
		return -1;
	}
	ts->n++;
	return 0;
}

void record_due_tag(const struct record_tag *t, size_t index, struct schedule_tag *out)
{
	*out = (struct schedule_tag){
		.index = index, .has_last = t->has_last, .last_ts = t->last.ts,
		.added_at = t->added_at, .hot = t->heat.hot, .heat = t->heat.heat,
	};
}

static int keep_tag(void *ts, const struct tag_info *t)
{
	return record_tags_add(ts, t);
}

int record_tags_load(struct record_tags *ts, struct store *st)
{
	return store_each_tag(st, keep_tag, ts);
}

void record_tags_release(struct record_tags *ts)
{
	for (size_t i = 0; i < ts->n; i++) {
		free(ts->v[i].name);
		free(ts->v[i].campaign);
	}
	free(ts->v);
	*ts = (struct record_tags){ 0 };
}

void record_begin(struct recorder *r, struct store *st, const struct config *cfg,
		  const struct record_tag *tags, bool dry_run)
{
	*r = (struct recorder){ .st = st, .cfg = cfg, .tags = tags, .dry_run = dry_run };
	if (!dry_run)
		store_batch_begin(st);
}

static void save_failure(struct recorder *r, size_t index, enum tag_status status,
			 const char *why);

/*
 * Commit the open batch. Its tags count as stored only now; when the commit
 * fails none of them is, and each fails naming the reason.
 */
static void commit_batch(struct recorder *r)
{
	struct record_saved saved[STORE_BATCH_UNITS];
	size_t n = r->nbatch;
	char why[STORE_ERR_SIZE + 32];

	/* Emptied first: a failure below begins units of a new batch. */
	for (size_t i = 0; i < n; i++)
		saved[i] = r->batch[i];
	r->nbatch = 0;
	if (store_batch_commit(r->st) == 0) {
		for (size_t i = 0; i < n; i++) {
			r->stored++;
			r->alerts += saved[i].alert;
			note("#%s: stored, %s%s", r->tags[saved[i].index].name,
			     verdict_status_name(saved[i].status), saved[i].alert ? ", viral" : "");
		}
		return;
	}
	snprintf(why, sizeof(why), "%s; nothing stored", store_error(r->st));
	for (size_t i = 0; i < n; i++)
		save_failure(r, saved[i].index, TAG_ERROR, why);
}

int64_t record_idle(struct recorder *r)
{
	if (r->dry_run)
		return -1;
	if (store_batch_due_in(r->st) == 0)
		commit_batch(r);
	return store_batch_due_in(r->st);
}

static void save_failure(struct recorder *r, size_t index, enum tag_status status,
			 const char *why)
{
	const char *tag = r->tags[index].name;
	struct store *st = r->st;

	r->failed++;
	if (!r->quiet)
		error("#%s: %s", tag, why);
	if (r->dry_run)
		return;
	if (store_begin(st)) {
		error("#%s: %s", tag, store_error(st));
		return;
	}
	if (store_set_status(st, tag, status, why) || store_commit(st)) {
		error("#%s: %s", tag, store_error(st));
		store_rollback(st);
	}
}

void record_failure(struct recorder *r, size_t index, enum tag_status status, const char *why)
{
	save_failure(r, index, status, why);
	record_idle(r);
}

/* A count, or "unknown": what a person reads for a count the API did not tell. */
static void count_text(int64_t count, char *buf, size_t bufsz)
{
	if (count_known(count))
		fmt_thousands(count, buf, bufsz);
	else
		snprintf(buf, bufsz, "unknown");
}

static void print_dry_run(const char *tag, const struct snapshot *cur,
			  const struct judgement *j, const struct alert *a)
{
	char videos[32], views[32];
	char *sentence;

	count_text(cur->videos, videos, sizeof(videos));
	count_text(cur->views, views, sizeof(views));
	printf("would store #%s: %s videos, %s views (%s)\n", tag, videos, views,
	       j->learning && j->v.status == VERDICT_OK ? "learning" :
	       verdict_status_name(j->v.status));
	if (!a)
		return;
	sentence = alert_sentence(a);
	printf("would alert: %s\n", sentence ? sentence : "(out of memory)");
	free(sentence);
}

/*
 * A 0 where the tag's last snapshot had a positive count is TikTok hiding
 * it: that count is unknown. Returns false when no count is left known.
 */
static bool unzero(const struct record_tag *t, struct snapshot *cur, char *why, size_t whysz)
{
	unsigned z = t->has_last ? detect_zeroed_counts(cur, &t->last) : 0;

	if (z & 1)
		cur->videos = COUNT_UNKNOWN;
	if (z & 2)
		cur->views = COUNT_UNKNOWN;
	if (count_known(cur->videos) || count_known(cur->views))
		return true;
	snprintf(why, whysz, "answer has no count left: %s 0 after %" PRId64 " is treated as "
		 "unknown; nothing stored", z & 1 ? "video count" : "view count",
		 z & 1 ? t->last.videos : t->last.views);
	return false;
}

/* The tag's history up to the horizon, with cur last; then judge cur. */
static int judge_counts(struct recorder *r, const struct record_tag *t, const struct snapshot *cur,
			struct pace_alert_state *state, struct judgement *j)
{
	const struct detect_config *dc = &r->cfg->detect;
	struct rules rules = rules_effective(&t->rules, &r->cfg->rules);
	size_t n;

	if (store_history(r->st, t->name, judge_horizon(cur->ts, dc), &r->hist, &n,
			  &r->hist_cap))
		return -1;
	/* cur is already stored: drop it (and anything at or after it) and put it last. */
	while (n > 0 && r->hist[n - 1].ts >= cur->ts)
		n--;
	if (array_grow(&r->hist, &r->hist_cap, n + 1, sizeof(*r->hist), 64) ||
	    array_grow(&r->scratch, &r->scratch_cap, n + 1, sizeof(*r->scratch), 64))
		return -1;
	r->hist[n++] = *cur;
	*state = t->state;
	judge_snapshot(r->hist, n, &rules, dc, state, r->scratch, j);
	return 0;
}

/* Whether an evaluation left the edge as it was: most do, and then nothing is written. */
static bool same_state(const struct pace_alert_state *a, const struct pace_alert_state *b)
{
	return a->seen == b->seen && a->held == b->held && a->firing == b->firing &&
	       a->alert_rules == b->alert_rules && a->alert_pace == b->alert_pace &&
	       a->calmed_at == b->calmed_at;
}

/* Whether the tag is as close to firing as it was: then its row is not written. */
static bool same_heat(const struct pace_heat *a, const struct pace_heat *b)
{
	return a->hot == b->hot && a->heat == b->heat;
}

/*
 * A muted tag's alerts are kept as muted, never sent. Calmed notices go out
 * only with [alert] calmed = yes; otherwise they are kept.
 */
static enum alert_status status_of(const struct config *cfg, const struct record_tag *t,
				   const struct alert *a)
{
	if (t->muted_until > cfg->now)
		return ALERT_MUTED;
	if (!config_routes_any(cfg, a->campaign))
		return ALERT_RECORDED;
	return a->event == ALERT_CALMED && !cfg->send_calmed ? ALERT_RECORDED : ALERT_PENDING;
}

/* A pending alert gets a pending delivery on each channel it is routed to. */
static int add_deliveries(struct recorder *r, const struct alert *a, int64_t id)
{
	for (size_t i = 0; i < r->cfg->nchannels; i++)
		if (channel_routes(&r->cfg->channels[i], a->campaign) &&
		    store_add_delivery(r->st, id, r->cfg->channels[i].name))
			return -1;
	return 0;
}

/*
 * In one transaction (a unit of the batch): the snapshot, its judgement,
 * the tag's alert edge and the alert it raises. Returns 0, 1 when the counts
 * were refused (why says so), 2 when the tag was purged meanwhile, 3 when a
 * snapshot of the tag at this instant is already stored (nothing written),
 * -1 on a store error.
 */
static int save_counts(struct recorder *r, const struct record_tag *t, struct snapshot *cur,
		       char *why, size_t whysz)
{
	struct pace_alert_state state;
	struct judgement j;
	struct alert a;
	enum alert_status status = ALERT_RECORDED;
	bool alert;
	int64_t id;
	int rc;

	if (!unzero(t, cur, why, whysz))
		return 1;
	if (store_begin(r->st))
		return -1;
	/*
	 * The snapshot first: when an earlier run stored one at this very second,
	 * that one stands and is not judged again (its edge is already recorded).
	 */
	rc = store_add_snapshot(r->st, t->name, cur);
	if (rc != 0) {
		/* 1: purged since the tags were read; 2: already stored at this instant */
		rc = rc == 1 ? 2 : rc == 2 ? 3 : -1;
		goto cleanup;
	}
	rc = -1;
	if (judge_counts(r, t, cur, &state, &j))
		goto cleanup;
	alert = j.event.event != PACE_NONE;
	if (alert) {
		judge_alert(&j, cur, t->name, r->cfg->detect.usual, &a);
		a.campaign = t->campaign;
	}
	/* a statement per tag less: "ok" is what most tags hold already */
	if ((!t->status_ok && store_set_status(r->st, t->name, TAG_OK, NULL)) ||
	    (!same_state(&state, &t->state) && store_set_alert_state(r->st, t->name, &state)) ||
	    (!same_heat(&j.heat, &t->heat) && store_set_heat(r->st, t->name, &j.heat)) ||
	    (alert && store_add_alert(r->st, &a, status = status_of(r->cfg, t, &a), &id)) ||
	    (alert && status == ALERT_PENDING && add_deliveries(r, &a, id)))
		goto cleanup;
	if (r->dry_run) {
		r->stored++;
		r->alerts += alert;
		print_dry_run(t->name, cur, &j, alert ? &a : NULL);
		if (alert && t->muted_until > r->cfg->now)
			printf("#%s is muted: that alert would be recorded, not sent\n", t->name);
		store_rollback(r->st);          /* the dry run writes nothing */
		return 0;
	}
	rc = store_commit(r->st);
	if (rc == 0)
		r->batch[r->nbatch++] = (struct record_saved){ (size_t)(t - r->tags), j.v.status,
							       alert };
cleanup:
	store_rollback(r->st);
	return rc;
}

void record_counts(struct recorder *r, size_t index, const struct scavio_counts *c)
{
	const struct record_tag *t = &r->tags[index];
	struct snapshot cur = { .ts = r->cfg->now, .videos = c->videos, .views = c->views,
				.source = c->shape };
	char why[512];
	int rc;

	if (c->has_credits) {
		r->has_credits = true;
		r->credits = c->credits;
	}
	if (c->has_credits_used) {
		r->has_credits_used = true;
		r->credits_used += c->credits_used;
	}
	rc = save_counts(r, t, &cur, why, sizeof(why));
	if (rc == 3) {
		/* Two runs in one second: the tag has its snapshot, so it counts as stored. */
		r->stored++;
		if (r->dry_run)
			printf("would leave #%s: a snapshot at this instant is already stored\n",
			       t->name);
		else
			note("#%s: a snapshot at this instant is already stored; left as it is",
			     t->name);
		record_idle(r);
		return;
	}
	if (rc == 2) {
		/* What the user asked for, not a failure of the run. */
		warn("#%s: removed during the run; nothing stored", t->name);
		record_idle(r);
		return;
	}
	if (rc < 0) {
		snprintf(why, sizeof(why), "%s", store_error(r->st));
		/* The batch may be gone with it: settle the other tags' fate now. */
		commit_batch(r);
	}
	if (rc != 0)
		save_failure(r, index, TAG_ERROR, why);
	record_idle(r);
}

/*
 * After the fetches: credits, the time of this run and, when every tag was
 * stored, of this successful run, for doctor and -v, as a unit of the last
 * batch (no commit of their own).
 */
static void remember_run(struct recorder *r)
{
	struct store *st = r->st;

	if (r->has_credits_used)
		note("credits used: %" PRId64, r->credits_used);
	if (r->has_credits)
		note("credits remaining: %" PRId64, r->credits);
	if (store_begin(st))
		goto cleanup;
	if ((r->has_credits && store_set_meta(st, "credits_remaining", r->credits)) ||
	    store_set_meta(st, "last_run", r->cfg->now) ||
	    (!r->failed && store_set_meta(st, "last_success", r->cfg->now)) ||
	    store_commit(st))
		goto cleanup;
	return;
cleanup:
	error("%s", store_error(st));
	store_rollback(st);
}

void record_end(struct recorder *r)
{
	if (!r->dry_run) {
		remember_run(r);
		commit_batch(r);
		store_batch_end(r->st);
	}
	free(r->hist);
	free(r->scratch);
	r->hist = NULL;
	r->scratch = NULL;
}
