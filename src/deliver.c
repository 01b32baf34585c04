/* deliver: one webhook POST over libcurl's easy interface. */
#include <curl/curl.h>
#include <stdio.h>
#include <string.h>

#include "deliver.h"
#include "retry.h"

/* Webhook replies are read and dropped, but never buffered without bound. */
static size_t discard(char *data, size_t size, size_t nmemb, void *user)
{
	(void)data; (void)user;
	return size * nmemb;
}

static size_t on_header(char *line, size_t size, size_t nmemb, void *user)
{
	int64_t *retry_after_ms = user;
	size_t n = size * nmemb;
	retry_after_header(line, n, retry_after_ms);
	return n;
}

int deliver_post(const char *url, const char *payload, int64_t timeout,
		 int64_t *retry_after_ms, char *err, size_t errsz)
{
	char errbuf[CURL_ERROR_SIZE] = "";
	struct curl_slist *headers = curl_slist_append(NULL, "Content-Type: application/json");
	CURL *e = curl_easy_init();
	long status = 0;
	CURLcode rc;
	int ret = -1;

	*retry_after_ms = -1;
	if (!e || !headers) {
		snprintf(err, errsz, "out of memory");
		goto cleanup;
	}
	curl_easy_setopt(e, CURLOPT_URL, url);
	curl_easy_setopt(e, CURLOPT_POSTFIELDS, payload);
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, headers);
	curl_easy_setopt(e, CURLOPT_TIMEOUT, (long)timeout);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, discard);
	curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(e, CURLOPT_HEADERDATA, retry_after_ms);
	rc = curl_easy_perform(e);
	if (rc != CURLE_OK) {
		snprintf(err, errsz, "%s", errbuf[0] ? errbuf : curl_easy_strerror(rc));
		goto cleanup;
	}
	curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
	if (status < 200 || status > 299) {
		snprintf(err, errsz, "webhook answered %ld", status);
		goto cleanup;
	}
	ret = 0;
cleanup:
	curl_slist_free_all(headers);
	curl_easy_cleanup(e);
	return ret;
}
