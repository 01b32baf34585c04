/*
 * http: every curl_easy_setopt of hashtrack, the answer's body and header
 * callbacks, and libcurl's codes turned into our own; libcurl's URL parser.
 */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "array.h"
#include "http.h"

struct http {
	CURL *easy;
	void *owner;
	struct curl_slist *headers;
	size_t max_body, max_header;
	char *body;             /* the answer kept so far, NUL terminated; NULL until one came */
	size_t len, cap;
	bool body_too_big;
	size_t header_bytes;    /* of the answer so far */
	bool headers_done;      /* its blank line came */
	bool header_too_big;
	struct retry_hints hints;
	bool proxied;           /* its requests go through a proxy (http_proxy_for) */
	char errbuf[CURL_ERROR_SIZE];
};

int http_url_parse(const char *url, struct http_url *out)
{
	CURLU *u = curl_url();
	char *scheme = NULL, *host = NULL;
	int rc = -1;

	if (u && curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK &&
	    strlen(scheme) < sizeof(out->scheme) && strlen(host) < sizeof(out->host)) {
		snprintf(out->scheme, sizeof(out->scheme), "%s", scheme);
		snprintf(out->host, sizeof(out->host), "%s", host);
		rc = 0;
	}
	curl_free(scheme);
	curl_free(host);
	curl_url_cleanup(u);
	return rc;
}

bool http_url_is_https(const char *url)
{
	struct http_url u;

	return http_url_parse(url, &u) == 0 && strcmp(u.scheme, "https") == 0;
}

int http_url_shown(const char *url, char *buf, size_t bufsz)
{
	CURLU *u = curl_url();
	char *shown = NULL;
	int rc = -1;

	/* Dropped before the URL is put back together: none of them may be shown. */
	if (u && curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
	    curl_url_set(u, CURLUPART_USER, NULL, 0) == CURLUE_OK &&
	    curl_url_set(u, CURLUPART_PASSWORD, NULL, 0) == CURLUE_OK &&
	    curl_url_set(u, CURLUPART_OPTIONS, NULL, 0) == CURLUE_OK &&
	    curl_url_set(u, CURLUPART_QUERY, NULL, 0) == CURLUE_OK &&
	    curl_url_set(u, CURLUPART_FRAGMENT, NULL, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_URL, &shown, 0) == CURLUE_OK && strlen(shown) < bufsz) {
		snprintf(buf, bufsz, "%s", shown);
		rc = 0;
	}
	curl_free(shown);
	curl_url_cleanup(u);
	return rc;
}

/* The first of two environment variables that is set and not empty, else NULL. */
static const char *env_either(const char *lower, const char *upper)
{
	const char *v = getenv(lower);

	if (!v || !*v)
		v = getenv(upper);
	return v && *v ? v : NULL;
}

/*
 * Whether host is listed in no_proxy as libcurl reads it: "*", the host
 * itself, or a domain it is in (".example.com" and "example.com" both
 * match "api.example.com"), case-insensitively. libcurl also reads CIDR
 * ranges; those are not matched here (only doctor's display and the
 * wording of an error depend on this).
 */
static bool no_proxy_lists(const char *list, const char *host)
{
	size_t hlen = strlen(host);

	if (!list)
		return false;
	while (*list) {
		size_t n;

		list += strspn(list, ", \t");
		n = strcspn(list, ", \t");
		if (n == 1 && *list == '*')
			return true;
		if (n > 0 && *list == '.') {
			list++;
			n--;
		}
		if (n > 0 && n <= hlen && strncasecmp(host + hlen - n, list, n) == 0 &&
		    (n == hlen || host[hlen - n - 1] == '.'))
			return true;
		list += n;
	}
	return false;
}

/* A proxy URL with its password, if any, shown as "****". */
static void mask_proxy(const char *proxy, char *buf, size_t bufsz)
{
	CURLU *u = curl_url();
	char *out = NULL, *pw = NULL;

	/* libcurl takes a proxy without a scheme as http:// */
	if (u && curl_url_set(u, CURLUPART_URL, proxy, CURLU_GUESS_SCHEME) == CURLUE_OK &&
	    (curl_url_get(u, CURLUPART_PASSWORD, &pw, 0) != CURLUE_OK ||
	     curl_url_set(u, CURLUPART_PASSWORD, "****", 0) == CURLUE_OK) &&
	    curl_url_get(u, CURLUPART_URL, &out, 0) == CURLUE_OK)
		snprintf(buf, bufsz, "%s", out);
	else
		snprintf(buf, bufsz, "(a proxy setting libcurl cannot read)");
	curl_free(pw);
	curl_free(out);
	curl_url_cleanup(u);
}

bool http_proxy_for(const char *url, char *buf, size_t bufsz)
{
	struct http_url u;
	const char *proxy, *host;
	char bare[sizeof(u.host)];

	if (bufsz)
		buf[0] = '\0';
	if (http_url_parse(url, &u) != 0 || strcmp(u.scheme, "https") != 0)
		return false;
	proxy = env_either("https_proxy", "HTTPS_PROXY");
	if (!proxy)
		proxy = env_either("all_proxy", "ALL_PROXY");
	if (!proxy)
		return false;
	host = u.host;
	if (host[0] == '[') {   /* no_proxy names IPv6 addresses without brackets */
		snprintf(bare, sizeof(bare), "%.*s", (int)strlen(host) - 2, host + 1);
		host = bare;
	}
	if (no_proxy_lists(env_either("no_proxy", "NO_PROXY"), host))
		return false;
	mask_proxy(proxy, buf, bufsz);
	return true;
}

static size_t on_body(char *data, size_t size, size_t nmemb, void *user)
{
	struct http *h = user;
	size_t n = size * nmemb;

	if (h->max_body == 0)
		return n;       /* read and dropped, never buffered */
	if (h->len + n > h->max_body) {
		h->body_too_big = true;
		return 0;       /* aborts the transfer with CURLE_WRITE_ERROR */
	}
	if (array_grow(&h->body, &h->cap, h->len + n + 1, 1, 4096))
		return 0;
	memcpy(h->body + h->len, data, n);
	h->len += n;
	h->body[h->len] = '\0';
	return n;
}

static size_t on_header(char *line, size_t size, size_t nmemb, void *user)
{
	struct http *h = user;
	size_t n = size * nmemb;

	if (n >= 5 && strncmp(line, "HTTP/", 5) == 0) {
		h->header_bytes = 0;
		h->headers_done = false;
	}
	h->header_bytes += n;
	if (h->max_header && h->header_bytes > h->max_header) {
		h->header_too_big = true;
		return 0;       /* aborts the transfer with CURLE_WRITE_ERROR */
	}
	if (n <= 2 && (n == 0 || line[0] == '\r' || line[0] == '\n'))
		h->headers_done = true;
	/* Header dates are wall-clock times; HASHTRACK_NOW never applies to waits. */
	retry_hints_header(&h->hints, line, n, (int64_t)time(NULL));
	return n;
}

/* "Authorization: Bearer <bearer>" when there is one, then opt->headers. */
static struct curl_slist *make_headers(const struct http_options *opt)
{
	struct curl_slist *list = NULL, *grown;

	if (opt->bearer) {
		size_t len = strlen(opt->bearer) + sizeof("Authorization: Bearer ");
		char *auth = malloc(len);

		if (!auth)
			return NULL;
		snprintf(auth, len, "Authorization: Bearer %s", opt->bearer);
		list = curl_slist_append(NULL, auth);
		/* the key is not left lying around in freed memory */
		memset(auth, 0, len);
		free(auth);
		if (!list)
			return NULL;
	}
	for (size_t i = 0; opt->headers && opt->headers[i]; i++) {
		grown = curl_slist_append(list, opt->headers[i]);
		if (!grown) {
			curl_slist_free_all(list);
			return NULL;
		}
		list = grown;
	}
	return list;
}

/* The one place a handle is configured: every request it makes uses this. */
static void configure(struct http *h, const struct http_options *opt)
{
	CURL *e = h->easy;

	curl_easy_setopt(e, CURLOPT_URL, opt->url);
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, h->headers);
	curl_easy_setopt(e, CURLOPT_USERAGENT, opt->user_agent);
	curl_easy_setopt(e, CURLOPT_TIMEOUT, (long)opt->timeout_s);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
	if (!http_url_is_https(opt->url))
		curl_easy_setopt(e, CURLOPT_PROXY, "");
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 2L);
	if (opt->ca_file && *opt->ca_file)
		curl_easy_setopt(e, CURLOPT_CAINFO, opt->ca_file);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, h->errbuf);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, h);
	curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(e, CURLOPT_HEADERDATA, h);
	curl_easy_setopt(e, CURLOPT_PRIVATE, h);
}

struct http *http_new(const struct http_options *opt, void *owner)
{
	struct http *h = calloc(1, sizeof(*h));

	if (!h)
		return NULL;
	h->owner = owner;
	h->max_body = opt->max_body;
	h->max_header = opt->max_header;
	retry_hints_init(&h->hints);
	h->easy = curl_easy_init();
	h->headers = make_headers(opt);
	if (!h->easy || (!h->headers && (opt->bearer || (opt->headers && opt->headers[0])))) {
		http_free(h);
		return NULL;
	}
	configure(h, opt);
	h->proxied = http_proxy_for(opt->url, NULL, 0);
	return h;
}

void http_free(struct http *h)
{
	if (!h)
		return;
	curl_easy_cleanup(h->easy);
	curl_slist_free_all(h->headers);
	free(h->body);
	free(h);
}

void http_post(struct http *h, const char *body)
{
	h->len = 0;
	if (h->body)
		h->body[0] = '\0';     /* an answer without a body reads "", not the last one's */
	h->body_too_big = false;
	h->header_bytes = 0;
	h->headers_done = false;
	h->header_too_big = false;
	retry_hints_init(&h->hints);
	h->errbuf[0] = '\0';
	curl_easy_setopt(h->easy, CURLOPT_POSTFIELDS, body);
}

void *http_easy(const struct http *h)
{
	return h->easy;
}

void *http_owner(void *easy)
{
	struct http *h = NULL;

	curl_easy_getinfo(easy, CURLINFO_PRIVATE, (char **)&h);
	return h ? h->owner : NULL;
}

/*
 * Headers too large: past max_header in all, or one line past libcurl's
 * own limit (100 KiB), which it reports as running out of memory
 * (CURLE_TOO_LARGE since 8.6) before the line reaches on_header.
 */
static bool header_too_large(const struct http *h, CURLcode rc)
{
	if (h->header_too_big)
		return true;
#if LIBCURL_VERSION_NUM >= 0x080600
	if (rc == CURLE_TOO_LARGE)
		return !h->headers_done;
#endif
	return rc == CURLE_OUT_OF_MEMORY && !h->headers_done;
}

/* The TLS peer could not be trusted: never worth another try with the same trust. */
static bool certificate_failed(CURLcode rc)
{
	return rc == CURLE_PEER_FAILED_VERIFICATION || rc == CURLE_SSL_CACERT_BADFILE ||
	       rc == CURLE_SSL_ISSUER_ERROR || rc == CURLE_SSL_PINNEDPUBKEYNOTMATCH;
}

/* The proxy, not the API, failed: it cannot be resolved or reached, or refused the tunnel. */
static bool proxy_failed(const struct http *h, CURLcode rc)
{
	long connect_code = 0;

	if (rc == CURLE_COULDNT_RESOLVE_PROXY || (h->proxied && rc == CURLE_PROXY))
		return true;
	if (!h->proxied)
		return false;
	/* through a proxy, libcurl connects to the proxy, never to the API's host */
	if (rc == CURLE_COULDNT_CONNECT)
		return true;
	curl_easy_getinfo(h->easy, CURLINFO_HTTP_CONNECTCODE, &connect_code);
	return connect_code >= 300;
}

static enum http_end end_of(const struct http *h, CURLcode rc)
{
	if (rc == CURLE_OK)
		return HTTP_DONE;
	if (certificate_failed(rc))
		return HTTP_CERTIFICATE;
	if (proxy_failed(h, rc))
		return HTTP_PROXY;
	if (header_too_large(h, rc))
		return HTTP_HEADER_TOO_BIG;
	if (h->body_too_big)
		return HTTP_BODY_TOO_BIG;
	switch (rc) {
	case CURLE_OPERATION_TIMEDOUT:
		return HTTP_TIMEOUT;
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_CONNECT:
		return HTTP_NO_CONNECTION;
	case CURLE_PARTIAL_FILE:
		return HTTP_CUT_SHORT;
	case CURLE_GOT_NOTHING:
		return HTTP_GOT_NOTHING;
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
		return HTTP_LOST;
	default:
		return HTTP_FAILED;
	}
}

void http_result(struct http *h, int code, struct http_result *r)
{
	CURLcode rc = (CURLcode)code;
	char *type = NULL;

	memset(r, 0, sizeof(*r));
	r->end = end_of(h, rc);
	if (curl_easy_getinfo(h->easy, CURLINFO_RESPONSE_CODE, &r->status) != CURLE_OK)
		r->status = 0;
	curl_easy_getinfo(h->easy, CURLINFO_CONTENT_TYPE, &type);
	r->content_type = type ? type : "";
	r->body = h->body ? h->body : "";
	r->len = h->len;
	r->hints = h->hints;
	r->error = rc == CURLE_OK ? "" : h->errbuf[0] ? h->errbuf : curl_easy_strerror(rc);
}

void http_perform(struct http *h, struct http_result *r)
{
	http_result(h, curl_easy_perform(h->easy), r);
}

void http_swap_body(struct http *h, char **buf, size_t *cap)
{
	char *body = h->body;
	size_t body_cap = h->cap;

	h->body = *buf;
	h->cap = *cap;
	h->len = 0;
	*buf = body;
	*cap = body_cap;
}

int http_set_headers(struct http *h, const char *const *lines)
{
	const struct http_options opt = { .headers = lines };
	struct curl_slist *list = make_headers(&opt);

	if (!list && lines && lines[0])
		return -1;
	curl_slist_free_all(h->headers);
	h->headers = list;
	curl_easy_setopt(h->easy, CURLOPT_HTTPHEADER, h->headers);
	return 0;
}

/* ---- email ---- */

struct mail_reader {
	const char *at;
	size_t left;
};

static size_t on_mail_read(char *buf, size_t size, size_t nmemb, void *user)
{
	struct mail_reader *rd = user;
	size_t n = size * nmemb < rd->left ? size * nmemb : rd->left;

	memcpy(buf, rd->at, n);
	rd->at += n;
	rd->left -= n;
	return n;
}

static struct curl_slist *rcpt_list(const char *const *rcpt)
{
	struct curl_slist *list = NULL, *grown;

	for (size_t i = 0; rcpt[i]; i++) {
		grown = curl_slist_append(list, rcpt[i]);
		if (!grown) {
			curl_slist_free_all(list);
			return NULL;
		}
		list = grown;
	}
	return list;
}

int http_send_mail(const struct http_mail *m, struct http_result *r)
{
	struct http h = { 0 };
	struct mail_reader rd = { m->message, strlen(m->message) };
	struct curl_slist *rcpt = rcpt_list(m->rcpt);
	CURL *e = curl_easy_init();
	CURLcode rc;

	if (!e || !rcpt) {
		curl_easy_cleanup(e);
		curl_slist_free_all(rcpt);
		return -1;
	}
	h.easy = e;
	curl_easy_setopt(e, CURLOPT_URL, m->url);
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	curl_easy_setopt(e, CURLOPT_PROXY, "");
	curl_easy_setopt(e, CURLOPT_USE_SSL, m->require_tls ? (long)CURLUSESSL_ALL
							     : (long)CURLUSESSL_TRY);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 2L);
	if (m->ca_file && *m->ca_file)
		curl_easy_setopt(e, CURLOPT_CAINFO, m->ca_file);
	if (m->password)
		curl_easy_setopt(e, CURLOPT_PASSWORD, m->password);
	curl_easy_setopt(e, CURLOPT_MAIL_FROM, m->from);
	curl_easy_setopt(e, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(e, CURLOPT_READFUNCTION, on_mail_read);
	curl_easy_setopt(e, CURLOPT_READDATA, &rd);
	curl_easy_setopt(e, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(e, CURLOPT_INFILESIZE_LARGE, (curl_off_t)rd.left);
	curl_easy_setopt(e, CURLOPT_TIMEOUT, (long)m->timeout_s);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, h.errbuf);
	rc = curl_easy_perform(e);
	http_result(&h, rc, r);
	/* r points into h: keep the words, not the handle */
	if (r->error == h.errbuf) {
		static _Thread_local char words[CURL_ERROR_SIZE];

		memcpy(words, h.errbuf, sizeof(words));
		r->error = words;
	}
	r->content_type = "";
	curl_easy_cleanup(e);
	curl_slist_free_all(rcpt);
	return 0;
}
