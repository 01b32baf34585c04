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

	struct schedule_config schedule;        /* [schedule] */

	int64_t now;            /* the clock: HASHTRACK_NOW, else time() at load */
	char *file;             /* the config file that was read, NULL for none */
	unsigned file_mode;     /* its permission bits */
	bool key_in_file;       /* the API key came from that file */
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
 * environment, then flag_db. Finally the URLs are checked.
 */
int config_load(struct config *cfg, const char *flag_config, const char *flag_db,
		char *err, size_t errsz);

/* The API key sits in a config file that group or others may read. */
bool config_key_exposed(const struct config *cfg);

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

#endif
