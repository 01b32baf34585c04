/*
 * record: one tag's snapshot, verdict, status and alert as one unit of the
 * group commit; the run's own facts at the end.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "msg.h"
#include "record.h"
#include "timefmt.h"

void record_begin(struct recorder *r, struct store *st, const struct config *cfg,
		  const struct tag_info *tags, bool dry_run)
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

/* The baseline for cur and, with_cooldown, the tag's last alert; then the pure rules. */
static int evaluate(struct store *st, const char *tag, const struct snapshot *cur,
		    const struct rules *rules, const struct detect_config *cfg,
		    struct verdict *out)
{
	struct snapshot base;
	int64_t from, to, last_alert = -1;
	bool found;

	detect_baseline_range(cur->ts, cfg, &from, &to);
	if (store_baseline(st, tag, from, to, &base, &found) ||
	    store_last_alert(st, tag, &last_alert))
		return -1;
	detect_evaluate(cur, found ? &base : NULL, rules, cfg, last_alert, out);
	return 0;
}

/* The alert a verdict raises; a->tag points at tag. */
static void alert_from_verdict(struct alert *a, const char *tag, const struct snapshot *cur,
			       const struct verdict *v)
{
	*a = (struct alert){
		.tag = tag,
		.detected_at = cur->ts,
		.elapsed = v->elapsed,
		.video_count = cur->videos,
		.view_count = cur->views,
		.has_new_videos = v->has_new_videos,
		.has_new_views = v->has_new_views,
		.new_videos = v->new_videos,
		.new_views = v->new_views,
		.has_video_growth = v->has_video_growth,
		.has_view_growth = v->has_view_growth,
		.video_growth_pct = v->video_growth_pct,
		.view_growth_pct = v->view_growth_pct,
		.videos_per_hour = v->videos_per_hour,
		.views_per_hour = v->views_per_hour,
		.rules = v->rules,
	};
}

static void print_dry_run(const char *tag, const struct snapshot *cur, const struct verdict *v)
{
	char videos[32], views[32];
	struct alert a;
	char *sentence;

	fmt_thousands(cur->videos, videos, sizeof(videos));
	fmt_thousands(cur->views, views, sizeof(views));
	printf("would store #%s: %s videos, %s views (%s)\n", tag, videos, views,
	       verdict_status_name(v->status));
	if (!v->alert)
		return;
	alert_from_verdict(&a, tag, cur, v);
	sentence = alert_sentence(&a);
	printf("would alert: %s\n", sentence ? sentence : "(out of memory)");
	free(sentence);
}

/* Refuse a count of 0 where the tag's last snapshot had a positive one. */
static bool zeroed(const struct tag_info *t, const struct snapshot *cur, char *why,
		   size_t whysz)
{
	unsigned z = t->has_last ? detect_zeroed_counts(cur, &t->last) : 0;

	if (!z)
		return false;
	snprintf(why, whysz, "answer has %s 0 after %" PRId64 "; treated as missing, nothing stored",
		 z & 1 ? "video count" : "view count", z & 1 ? t->last.videos : t->last.views);
	return true;
}

/*
 * In one transaction (a unit of the batch): the snapshot, its verdict and
 * the alert it raises. Returns 0, 1 when the counts were refused (why says
 * so), 2 when the tag was purged meanwhile, -1 on a store error.
 */
static int save_counts(struct recorder *r, const struct tag_info *t, const struct snapshot *cur,
		       char *why, size_t whysz)
{
	const struct config *cfg = r->cfg;
	struct rules rules = rules_effective(&t->rules, &cfg->rules);
	bool has_webhook = cfg->webhook && *cfg->webhook;
	struct verdict v;
	struct alert a;
	int64_t id;
	int rc;

	if (zeroed(t, cur, why, whysz))
		return 1;
	if (store_begin(r->st))
		return -1;
	rc = -1;
	if (evaluate(r->st, t->name, cur, &rules, &cfg->detect, &v))
		goto done;
	rc = store_add_snapshot(r->st, t->name, cur);
	if (rc != 0) {
		rc = rc == 1 ? 2 : -1;  /* 1: purged since the tags were read */
		goto done;
	}
	rc = -1;
	if (store_set_status(r->st, t->name, TAG_OK, NULL))
		goto done;
	if (v.alert) {
		alert_from_verdict(&a, t->name, cur, &v);
		if (store_add_alert(r->st, &a, has_webhook ? ALERT_PENDING : ALERT_RECORDED, &id))
			goto done;
	}
	if (r->dry_run) {
		r->stored++;
		r->alerts += v.alert;
		print_dry_run(t->name, cur, &v);
		store_rollback(r->st);          /* the dry run writes nothing */
		return 0;
	}
	rc = store_commit(r->st);
	if (rc == 0)
		r->batch[r->nbatch++] = (struct record_saved){ (size_t)(t - r->tags), v.status,
							       v.alert };
done:
	store_rollback(r->st);
	return rc;
}

void record_counts(struct recorder *r, size_t index, const struct scavio_counts *c)
{
	const struct tag_info *t = &r->tags[index];
	struct snapshot cur = { .ts = r->cfg->now, .videos = c->videos, .views = c->views,
				.source = c->shape };
	char why[512];
	int rc;

	if (c->has_credits) {
		r->has_credits = true;
		r->credits = c->credits;
	}
	rc = save_counts(r, t, &cur, why, sizeof(why));
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

	if (r->has_credits)
		note("credits remaining: %" PRId64, r->credits);
	if (store_begin(st))
		goto fail;
	if ((r->has_credits && store_set_meta(st, "credits_remaining", r->credits)) ||
	    store_set_meta(st, "last_run", r->cfg->now) ||
	    (!r->failed && store_set_meta(st, "last_success", r->cfg->now)) ||
	    store_commit(st))
		goto fail;
	return;
fail:
	error("%s", store_error(st));
	store_rollback(st);
}

void record_end(struct recorder *r)
{
	if (r->dry_run)
		return;
	remember_run(r);
	commit_batch(r);
	store_batch_end(r->st);
}
