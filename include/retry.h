/*
 * retry: the one place that decides whether, when and how fast requests are
 * tried again, for the API and for the webhook, and the kinds of result it
 * decides on. Pure: the caller passes the
 * wall clock (`now`, epoch seconds) and a random number, and applies the
 * decisions; nothing here sleeps or reads a clock.
 */
#ifndef HASHTRACK_RETRY_H
#define HASHTRACK_RETRY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RETRY_BASE_MS 500               /* first backoff ceiling; doubles per attempt */
#define RETRY_CAP_MS (120 * 1000)       /* no wait, hinted or not, is longer */
#define RETRY_SLOW_MIN_US 1000000       /* slowed down with no limit reported: >= 1 s apart */
#define RETRY_WINDOW_MAX_S 86400        /* a longer ";w=" counts as a day: it paces at the
					   cap anyway, and window * 10^6 cannot overflow */
#define RETRY_RESET_DELTA_MAX 1000000000 /* X-RateLimit-Reset above this is an epoch time */
#define RETRY_HOOK_MAX_WAITS 3          /* webhook 429s honoured per alert and run */
#define RETRY_RATE_BUDGET_MS (10 * 60 * 1000) /* a run waits on 429s this long in all */

/*
 * How one API request ended, as fetch.h reports it and retry_decide() reads
 * it: the policy's input, so it is defined here, below the transport.
 */
enum fetch_kind {
	FETCH_OK,               /* 2xx: body holds the answer */
	FETCH_NOT_FOUND,        /* 404 */
	FETCH_BAD_REQUEST,      /* 400 */
	FETCH_RATE_LIMITED,     /* 429, retries exhausted */
	FETCH_AUTH,             /* 401: stops the run */
	FETCH_CREDITS,          /* 402: stops the run */
	FETCH_FORBIDDEN,        /* 403: stops the run */
	FETCH_TRANSIENT,        /* 5xx, timeout, connection error; retries exhausted */
	FETCH_BAD_ANSWER,       /* another status, or an answer over fetch.h's
				   FETCH_MAX_BODY or FETCH_MAX_HEADER */
	FETCH_GONE,             /* 410: the endpoint is retired; stops the run */
	FETCH_CERTIFICATE,      /* the TLS certificate is not trusted; stops the run */
	FETCH_PROXY,            /* the proxy refused or failed the connection; stops the run */
	FETCH_CAPPED,           /* not started: [api] max_credits_per_run was spent */
};

/*
 * What an answer's headers say about waiting. Every field is -1 when the
 * header was absent or unreadable. Waits are milliseconds from the moment
 * the header was read, already capped at RETRY_CAP_MS. Numbers too large
 * for int64_t read as INT64_MAX (a wait then as the cap); window_s is at
 * most RETRY_WINDOW_MAX_S. No window is ever assumed: X-RateLimit-Limit
 * paces a run only when it names its window ("10;w=1"), since APIs use
 * windows from a second to a day and a guess is off by up to 86400 times.
 */
struct retry_hints {
	int64_t retry_after_ms; /* Retry-After: delta-seconds or an HTTP-date */
	int64_t reset_ms;       /* X-RateLimit-Reset: delta-seconds, or epoch seconds
				   when above RETRY_RESET_DELTA_MAX */
	int64_t remaining;      /* X-RateLimit-Remaining */
	int64_t limit;          /* X-RateLimit-Limit: requests per window_s */
	int64_t window_s;       /* its "w=" parameter ("10, 10;w=1"); -1 when it names none */
};

void retry_hints_init(struct retry_hints *h);

/*
 * Feed one raw header line (n bytes, not NUL terminated, as libcurl hands
 * them over). A status line ("HTTP/...") starts a new answer and clears the
 * hints; returns true when the line was one of the headers above.
 */
bool retry_hints_header(struct retry_hints *h, const char *line, size_t n, int64_t now);

/* Retry-After: delta-seconds or an HTTP-date (all three forms); ms from now, capped; -1 unreadable. */
int64_t retry_after_parse(const char *value, int64_t now);
/* X-RateLimit-Reset: ms from now, capped (a time in the past is 0); -1 unreadable. */
int64_t retry_reset_parse(const char *value, int64_t now);
/* An HTTP-date (RFC 9110 5.6.7: IMF-fixdate, RFC 850, asctime) as epoch seconds; -1 if not one. */
int64_t retry_http_date(const char *value);

/* Whether a failure of this kind is worth another attempt. */
bool retry_is_retryable(enum fetch_kind kind);

/*
 * Milliseconds to wait before attempt number `attempt` + 1 (attempt >= 1):
 * the server's hint when it gave one (hint_ms >= 0), else exponential
 * backoff with full jitter (random in [0, base * 2^(attempt-1)]); capped at
 * RETRY_CAP_MS either way. `random` is a uniformly random 32-bit value.
 */
int64_t retry_delay_ms(int attempt, int64_t hint_ms, uint32_t random);

/* The run's pacing of new requests, which a 429 changes for the rest of the run. */
struct retry_pace {
	int64_t interval_us;    /* between two starts; 0 = no limit */
	bool slow;              /* slowed down after a 429: one request in flight */
};

/*
 * The poll timer counts whole milliseconds, so a paced start may come up to
 * about one late; the next start makes up that much at most.
 */
#define RETRY_PACE_SLACK_US 1000

/*
 * When the start after one made at now_us may come, for starts interval_us
 * apart (0: no pacing) when the one just made was due at slot_us: one
 * interval after its slot, so a start the timer woke late for is made up on
 * the next and the run keeps its rate instead of drifting below it; but no
 * sooner than interval - RETRY_PACE_SLACK_US (and half an interval) after
 * now_us, so two starts are never closer than that and a long wait (for an
 * answer, a hold) earns no burst.
 */
int64_t retry_next_start(int64_t interval_us, int64_t slot_us, int64_t now_us);

/*
 * What X-RateLimit-Remaining: R with X-RateLimit-Reset: T allow, with no
 * window assumed: at most R more starts before T (R = 0: none), then no
 * word until an answer says again. left is -1 while nothing is known.
 */
struct retry_quota {
	int64_t left;
	int64_t until_us;       /* T, on the caller's monotonic clock */
};

void retry_quota_init(struct retry_quota *q);
/* An answer read at now_us: its Remaining and Reset, when it has both, replace the quota. */
void retry_quota_update(struct retry_quota *q, const struct retry_hints *h, int64_t now_us);
/* Microseconds until a start is allowed; 0: now. */
int64_t retry_quota_wait_us(const struct retry_quota *q, int64_t now_us);
/* A request started at now_us: one fewer left (an expired quota is forgotten). */
void retry_quota_take(struct retry_quota *q, int64_t now_us);

/* A JSON retry_after (seconds, maybe fractional) as capped milliseconds; -1 when < 0 or unknown. */
int64_t retry_seconds_ms(double seconds);

/* One finished API attempt, as the policy needs to see it. */
struct retry_answer {
	enum fetch_kind kind;
	struct retry_hints hints;
	int attempts;           /* tries of this tag so far, this one included */
	int retries;            /* the configured allowance */
	bool started_slow;      /* this try started after the run slowed down */
	int64_t rate_waited_ms; /* how long the run has been held by 429s so far */
	uint32_t random;
};

struct retry_plan {
	bool retry;             /* try the tag again, no sooner than delay_ms from now */
	bool charged;           /* that retry is allowed only within `retries` */
	bool give_up;           /* the run's RETRY_RATE_BUDGET_MS is spent: start nothing more */
	int64_t delay_ms;
	int64_t hold_ms;        /* no request of the run starts sooner than this; 0: none */
	struct retry_pace pace; /* the pacing from now on */
};

/*
 * The whole API retry policy for one answer:
 * - 429, 5xx, timeouts and connection errors are retried with the server's
 *   hint (Retry-After, else X-RateLimit-Reset when the answer is a 429 or
 *   says Remaining: 0), else exponential backoff with full jitter.
 * - Any answer with X-RateLimit-Remaining: 0 holds every start until its reset.
 * - A 429 holds every start until its wait is over, and slows the run: one
 *   request in flight, spaced window/limit apart when X-RateLimit-Limit says
 *   so with its window (";w="), else twice the current interval and at least RETRY_SLOW_MIN_US; a
 *   429 on a request started after the slowdown doubles the interval again.
 *   The doubling stops at the server's hint (at least RETRY_SLOW_MIN_US): a
 *   server that keeps saying "Retry-After: 1" is asked again every second,
 *   not every two minutes. The interval never shrinks. Without a hint, a
 *   429's wait is at least that new interval.
 * - A tag is tried at most `retries` + 1 times. A 429 to a request that
 *   started before the run slowed down is our own pacing's fault: it is
 *   retried even past the allowance (it still counts as a try), so a `rate`
 *   set too high costs time, never tags, even with `retries` = 0.
 * - A 429 whose hold would take the run's waits on 429s (rate_waited_ms)
 *   past RETRY_RATE_BUDGET_MS is not retried, and the run gives up on what
 *   is left: a run stays bounded however long a storm lasts.
 */
void retry_decide(const struct retry_answer *a, const struct retry_pace *pace,
		  struct retry_plan *out);

/* What to do after one webhook POST. */
enum retry_hook_action {
	RETRY_HOOK_SENT,        /* 2xx: the alert is delivered */
	RETRY_HOOK_RESEND,      /* 429: wait delay_ms, then send the same alert again */
	RETRY_HOOK_NEXT,        /* the alert itself was refused (400, 413, 422): go on */
	RETRY_HOOK_STOP,        /* the webhook is unavailable: keep the rest for the next run */
};

/*
 * status 0 means no answer (timeout, connection error). A 429 is honoured
 * RETRY_HOOK_MAX_WAITS times per alert (waits: how many so far), waiting
 * Retry-After, else backoff of at least one second (Slack allows about one
 * message per second); after that the webhook counts as unavailable.
 */
enum retry_hook_action retry_hook_decide(long status, const struct retry_hints *h, int waits,
					 uint32_t random, int64_t *delay_ms);

/*
 * The next value of a xorshift32 generator whose state (never 0) is *state:
 * backoff jitter needs spread, not secrecy.
 */
uint32_t retry_random(uint32_t *state);

#endif
