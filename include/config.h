/* config: built-in defaults, the INI file and the environment, in that order. */
#ifndef HASHTRACK_CONFIG_H
#define HASHTRACK_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "alert.h"
#include "detect.h"
#include "duration.h"
#include "schedule.h"

#define CONFIG_ERR_SIZE 512
/* Longest config line accepted: inih's INI_MAX_LINE less the newline and NUL. */
#define CONFIG_MAX_LINE 198

/* The [alert] webhook's channel: what --channel, doctor and alerts call it. */
#define CHANNEL_DEFAULT "default"
#define CHANNEL_NAME_SIZE 64

/* One destination of alerts: the [alert] webhook or a [channel.NAME] section. */
struct channel {
	char name[CHANNEL_NAME_SIZE];
	char *url;              /* https:// (http:// to loopback), or smtp:// / smtps:// */
	enum alert_format format;
	char *to;               /* email: recipients, comma-separated */
	char *from;             /* email: the sender */
	char *campaigns;        /* comma-separated; NULL or "": every alert */
	char *password_file;    /* email: the SMTP password is read from this file */
	char *password;         /* what it holds, trimmed; never printed */
	bool password_exposed;  /* that file is readable by group or others */
};

struct config {
	char *api_key;          /* never printed, logged or stored */
	char *api_url;
	int64_t timeout;        /* seconds per request */
	int concurrency;
	struct rate rate;
	int retries;

	char *db_path;

	struct detect_config detect;
	struct rules rules;     /* defaults for tags without their own */

	char *webhook;          /* NULL or "": alerts are recorded, not sent */
	enum alert_format alert_format;
	bool send_calmed;       /* [alert] calmed: send "back to usual pace" notices */
	int digest;             /* [alert] digest: more alerts than this for one channel in
				   one run go out as one message; 0: never */
	struct channel *channels;       /* the default channel first, when it has a URL */
	size_t nchannels;

	char *ping_url;         /* [health] ping_url: NULL or "": no dead-man's switch pings */
	char *metrics_file;     /* [metrics] textfile: NULL or "": no metrics written */

	struct schedule_config schedule;        /* [schedule] */

	int64_t now;            /* the clock: HASHTRACK_NOW, else time() at load */
	char *file;             /* the config file that was read, NULL for none */
	unsigned file_mode;     /* its permission bits */
	bool key_in_file;       /* the API key came from that file */

	char *key_file;         /* [api] key_file, as configured */
	const char *key_origin; /* where the key came from: "SCAVIO_API_KEY", "[api] key",
				   "SCAVIO_API_KEY_FILE", "[api] key_file",
				   "$CREDENTIALS_DIRECTORY"; NULL: no key */
	char *key_path;         /* the file the key was read from, NULL for none */
	unsigned key_path_mode; /* its permission bits */
	char *ca_file;          /* extra trusted CA bundle: CURL_CA_BUNDLE, SSL_CERT_FILE,
				   else [api] ca_file; NULL: the system's */
	const char *ca_origin;  /* which of those */
	int64_t max_credits_per_run; /* requests a run may start; 0: no cap */
};

void config_init(struct config *cfg);
void config_release(struct config *cfg);

/*
 * Read one INI file over cfg. Errors (exit 2 material) name file:line and
 * the key. A missing file is an error only when must_exist.
 */
int config_read_file(struct config *cfg, const char *path, bool must_exist,
		     char *err, size_t errsz);

/* The same for an open stream; name is what errors call it. */
int config_read_stream(struct config *cfg, FILE *f, const char *name,
		       char *err, size_t errsz);

/* Apply SCAVIO_API_KEY, HASHTRACK_API_URL, HASHTRACK_DB, HASHTRACK_WEBHOOK, HASHTRACK_NOW. */
int config_read_env(struct config *cfg, char *err, size_t errsz);

/*
 * The whole precedence: defaults, then the file (flag_config, else
 * $HASHTRACK_CONFIG, else $XDG_CONFIG_HOME/hashtrack/config.ini), then the
 * environment, then flag_db. Finally the URLs are checked. The API key is
 * the first of: SCAVIO_API_KEY, the file named by SCAVIO_API_KEY_FILE,
 * [api] key, the file named by [api] key_file, and
 * $CREDENTIALS_DIRECTORY/scavio_api_key when that exists (systemd's
 * LoadCredential=). A key file's trailing blanks and newlines are trimmed.
 * The CA bundle is the first of CURL_CA_BUNDLE, SSL_CERT_FILE (as curl(1)
 * reads them) and [api] ca_file, and must be a readable file.
 */
int config_load(struct config *cfg, const char *flag_config, const char *flag_db,
		char *err, size_t errsz);

/*
 * The file holding the API key (the config file, or the key file it was
 * read from) when group or others may read it; NULL when none is.
 */
const char *config_key_exposed(const struct config *cfg);

/* A percentage: a finite number >= 0 (0 turns the rule off). Returns 0 or -1. */
int config_parse_percent(const char *s, double *out);

/* A surge ratio: 0 (off) or a finite number >= 1. Returns 0 or -1. */
int config_parse_surge(const char *s, double *out);

/* 0 when url is https://, or http:// to a loopback host; -1 with a reason. */
int config_check_url(const char *what, const char *url, char *err, size_t errsz);

/*
 * "scheme://host" of url as libcurl reads it, never its path, query or
 * userinfo (a webhook's secret): what messages may show. Returns 0 or -1.
 */
int config_url_origin(const char *url, char *buf, size_t bufsz);

/* The channel called name, NULL when none is. */
const struct channel *config_channel(const struct config *cfg, const char *name);

/* Whether ch takes alerts of campaign (NULL: the tag is in no campaign). */
bool channel_routes(const struct channel *ch, const char *campaign);

/* Whether any channel takes alerts of campaign. */
bool config_routes_any(const struct config *cfg, const char *campaign);

/* Whether email to url must be encrypted: smtps://, or smtp:// to a host not loopback. */
bool config_mail_needs_tls(const char *url);

#endif
