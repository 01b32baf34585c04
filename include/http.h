/*
 * http: the one place a libcurl easy handle is configured, for the API
 * (fetch.c's multi loop) and the webhook (deliver.c): where a request goes
 * and how, what is kept of its answer, and how it ended, in our own words.
 * Also reads URLs with libcurl's parser, for the config's checks.
 */
#ifndef HASHTRACK_HTTP_H
#define HASHTRACK_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "retry.h"
#include "version.h"

#define HTTP_USER_AGENT "hashtrack/" HASHTRACK_VERSION

/*
 * What every request made on one handle shares. Every handle verifies TLS
 * peers and hosts, speaks http and https only, and goes out with proxies
 * off when url is not https:// (see http_url_is_https).
 */
struct http_options {
	const char *url;
	const char *bearer;             /* sent as "Authorization: Bearer ..."; NULL: none */
	const char *const *headers;     /* more header lines, NULL terminated; NULL: none */
	const char *user_agent;         /* NULL: no User-Agent */
	int64_t timeout_s;              /* seconds a whole request may take */
	size_t max_body;                /* an answer is kept up to this, a larger one aborts
					   (HTTP_BODY_TOO_BIG); 0: answers are read and dropped */
	size_t max_header;              /* all header lines of an answer together, more aborts
					   (HTTP_HEADER_TOO_BIG); 0: libcurl's own limit only */
	const char *ca_file;            /* a PEM bundle to trust (CURLOPT_CAINFO); NULL: the
					   system's */
};

/* How a request ended. */
enum http_end {
	HTTP_DONE,              /* the answer came, whole: see status */
	HTTP_TIMEOUT,           /* timeout_s passed first */
	HTTP_NO_CONNECTION,     /* the host could not be resolved or connected to */
	HTTP_CUT_SHORT,         /* the answer was shorter than it said */
	HTTP_GOT_NOTHING,       /* the server closed the connection without answering */
	HTTP_LOST,              /* sending or receiving failed on the way */
	HTTP_BODY_TOO_BIG,      /* over max_body */
	HTTP_HEADER_TOO_BIG,    /* over max_header, or a line past libcurl's own limit */
	HTTP_CERTIFICATE,       /* the server's TLS certificate is not trusted (or the CA
				   bundle cannot be read) */
	HTTP_PROXY,             /* the proxy could not be resolved, refused the connection
				   or refused the tunnel */
	HTTP_FAILED,            /* anything else: see error */
};

/* A finished request. The pointers are valid until the handle's next request. */
struct http_result {
	enum http_end end;
	long status;            /* the last status line's, 0 when none came; libcurl keeps
				   it when the request failed after it */
	const char *content_type; /* the answer's, unsanitised; "" when none */
	const char *body;       /* what was kept, NUL terminated; "" when nothing */
	size_t len;
	struct retry_hints hints; /* what the answer's headers said about waiting */
	const char *error;      /* libcurl's own words, unsanitised, when end is not
				   HTTP_DONE; else "" */
};

/* One easy handle, reused request after request (and its connection with it). */
struct http;

/*
 * A handle configured from opt, which need not outlive the call. owner is
 * the caller's, handed back by http_owner(). NULL when out of memory.
 */
struct http *http_new(const struct http_options *opt, void *owner);
void http_free(struct http *h);

/* The handle's next request: a POST of body (not copied: it must outlive the request). */
void http_post(struct http *h, const char *body);

/* The next requests' header lines in place of opt's (NULL terminated, copied); 0 or -1. */
int http_set_headers(struct http *h, const char *const *lines);

/* Make the request now, blocking until it ends. */
void http_perform(struct http *h, struct http_result *r);

/* For a caller's multi loop: libcurl's handle (a CURL *) to add to it. */
void *http_easy(const struct http *h);
/* The owner given to http_new() of an easy handle the multi loop reports done. */
void *http_owner(void *easy);
/* The result of a request the multi loop reports done, with its CURLcode. */
void http_result(struct http *h, int code, struct http_result *r);

/*
 * Trade the kept answer's buffer for *buf (capacity *cap; NULL, 0 for
 * none), so a caller keeps an answer without copying it while the handle
 * goes on; the caller owns, and frees, what it gets.
 */
void http_swap_body(struct http *h, char **buf, size_t *cap);

/* One email, sent over SMTP (smtp:// or smtps://). */
struct http_mail {
	const char *url;                /* smtp://[user[:password]@]host[:port] */
	const char *password;           /* NULL: the URL's own, if any */
	const char *from;
	const char *const *rcpt;        /* NULL terminated */
	const char *message;            /* headers and body, CRLF line ends */
	bool require_tls;               /* STARTTLS must succeed (smtp://), else it is tried */
	int64_t timeout_s;
	const char *ca_file;            /* a PEM bundle to trust; NULL: the system's */
};

/*
 * Send m, blocking. r->status is the server's last reply code (250 when
 * the message was accepted), r->error libcurl's words, which carry the
 * server's reply and never the password. Returns 0, -1 when out of memory.
 */
int http_send_mail(const struct http_mail *m, struct http_result *r);

/* A URL as libcurl reads it: the parts that say where a request goes. */
struct http_url {
	char scheme[16];        /* lower case: "https" */
	char host[256];         /* without userinfo or port; IPv6 in brackets: "[::1]" */
};

/*
 * Parse url with libcurl's own URL parser, the code that connects, so that
 * the host is the one a request would really go to (userinfo such as
 * "http://localhost@remote/" names "remote"). Returns 0, or -1 when libcurl
 * cannot parse it (no scheme, a bad host or port) or a part is too long.
 */
int http_url_parse(const char *url, struct http_url *out);

/*
 * Whether url is https://. Anything else (plain http://, which the config
 * allows to loopback only) goes out with proxies off: a proxy from
 * http_proxy or ALL_PROXY would see the key and the webhook's path in clear.
 */
bool http_url_is_https(const char *url);

/*
 * The proxy a request to url goes through, as libcurl picks it from the
 * environment (https_proxy, HTTPS_PROXY, all_proxy, ALL_PROXY; no_proxy,
 * NO_PROXY by host name, domain suffix or exact address), written into buf
 * with any password masked ("http://user:****@proxy:3128"). Returns true
 * when one applies; a URL that is not https:// never uses one (see above).
 */
bool http_proxy_for(const char *url, char *buf, size_t bufsz);

/*
 * url as messages may show it: scheme, host, port and path, never its
 * userinfo (a password), query or fragment. Returns 0 or -1.
 */
int http_url_shown(const char *url, char *buf, size_t bufsz);

#endif
