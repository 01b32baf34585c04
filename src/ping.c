/* ping: one POST to the health-check URL over an http.c handle of its own. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"
#include "ping.h"

/* url with suffix added to its path, before the query; trailing slashes of the path dropped. */
static char *with_suffix(const char *url, const char *suffix)
{
	size_t query = strcspn(url, "?#"), path = query, size;
	char *out;

	while (path > 0 && url[path - 1] == '/' && *suffix)
		path--;
	size = strlen(url) + strlen(suffix) + 1;
	out = malloc(size);
	if (out)
		snprintf(out, size, "%.*s%s%s", (int)path, url, suffix, url + query);
	return out;
}

/* "https://hc-ping.com/...": what a message may show of the URL. */
static void origin(const char *url, char *buf, size_t bufsz)
{
	struct http_url u;

	if (http_url_parse(url, &u) == 0)
		snprintf(buf, bufsz, "%s://%s/...", u.scheme, u.host);
	else
		snprintf(buf, bufsz, "[health] ping_url");
}

int ping_send(const char *url, const char *suffix, const char *body, const char *ca_file,
	      char *err, size_t errsz)
{
	static const char *const headers[] = { "Content-Type: text/plain; charset=utf-8", NULL };
	struct http_options opt = {
		.headers = headers, .user_agent = HTTP_USER_AGENT, .timeout_s = PING_TIMEOUT_S,
		.ca_file = ca_file,
	};
	char where[300];
	struct http_result res;
	struct http *h;
	char *target = with_suffix(url, suffix);
	int rc = -1;

	origin(url, where, sizeof(where));
	opt.url = target;
	h = target ? http_new(&opt, NULL) : NULL;
	if (!h) {
		snprintf(err, errsz, "ping %s: out of memory", where);
		goto cleanup;
	}
	http_post(h, body);
	http_perform(h, &res);
	if (res.end == HTTP_DONE && res.status >= 200 && res.status < 300)
		rc = 0;
	else if (res.end == HTTP_DONE)
		snprintf(err, errsz, "ping %s answered %ld", where, res.status);
	else if (res.end == HTTP_TIMEOUT)
		snprintf(err, errsz, "ping %s gave no answer within %ds", where, PING_TIMEOUT_S);
	else
		snprintf(err, errsz, "cannot ping %s: %s", where, res.error);
cleanup:
	http_free(h);
	free(target);
	return rc;
}
