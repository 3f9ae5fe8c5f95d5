/* http.c - the test HTTP client over libcurl. */
#include "http.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

static pthread_once_t once = PTHREAD_ONCE_INIT;

static void global_init(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
}

typedef struct buffer {
	char *data;
	size_t len;
} buffer;

static size_t on_body(char *p, size_t size, size_t n, void *ud)
{
	buffer *b = ud;
	size_t k = size * n;
	b->data = realloc(b->data, b->len + k + 1);
	memcpy(b->data + b->len, p, k);
	b->len += k;
	b->data[b->len] = '\0';
	return k;
}

static void clear_headers(th_http *r)
{
	for (int i = 0; i < r->nheaders; i++) {
		free(r->headers[i].name);
		free(r->headers[i].value);
	}
	r->nheaders = 0;
}

/* Called once per header line; a status line starts a new response (a
 * 100 Continue comes before the real one). */
static size_t on_header(char *p, size_t size, size_t n, void *ud)
{
	th_http *r = ud;
	size_t k = size * n;
	if (k >= 5 && strncmp(p, "HTTP/", 5) == 0) {
		clear_headers(r);
		return k;
	}
	const char *colon = memchr(p, ':', k);
	if (!colon || r->nheaders >= TH_HTTP_MAX_HEADERS)
		return k;
	size_t nlen = (size_t)(colon - p);
	const char *v = colon + 1, *end = p + k;
	while (v < end && (*v == ' ' || *v == '\t'))
		v++;
	while (end > v && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' '))
		end--;
	r->headers[r->nheaders].name = strndup(p, nlen);
	r->headers[r->nheaders].value = strndup(v, (size_t)(end - v));
	r->nheaders++;
	return k;
}

th_http *th_http_do(const char *method, const char *url, const char *content_type, const char *body,
		    size_t body_len, const char *const *headers)
{
	pthread_once(&once, global_init);
	th_http *r = calloc(1, sizeof *r);
	buffer b = {0};
	CURL *c = curl_easy_init();
	struct curl_slist *hl = NULL;
	char ct[256];
	/* "Content-Type:" with no value makes curl send none at all. */
	snprintf(ct, sizeof ct, "Content-Type:%s%s", content_type ? " " : "",
		 content_type ? content_type : "");
	hl = curl_slist_append(hl, ct);
	for (const char *const *h = headers; h && *h; h++)
		hl = curl_slist_append(hl, *h);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hl);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, r);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 60L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	/* As given: the tests send odd paths on purpose. */
	curl_easy_setopt(c, CURLOPT_PATH_AS_IS, 1L);
	if (strcmp(method, "HEAD") == 0) {
		curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
	} else {
		curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
		if (body) {
			curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
			curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body_len);
		}
	}
	CURLcode rc = curl_easy_perform(c);
	if (rc != CURLE_OK) {
		fprintf(stderr, "%s %s: %s\n", method, url, curl_easy_strerror(rc));
		th_fail();
	}
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
	curl_slist_free_all(hl);
	curl_easy_cleanup(c);
	r->body = b.data ? b.data : strdup("");
	r->body_len = b.len;
	if (b.len)
		r->json = json_loadb(r->body, r->body_len, JSON_DECODE_ANY, NULL);
	return r;
}

th_http *th_http_json(const char *method, const char *url, const char *body)
{
	return th_http_do(method, url, body ? "application/json" : NULL, body, body ? strlen(body) : 0, NULL);
}

const char *th_http_header(const th_http *r, const char *name)
{
	for (int i = 0; i < r->nheaders; i++)
		if (strcasecmp(r->headers[i].name, name) == 0)
			return r->headers[i].value;
	return NULL;
}

void th_http_free(th_http *r)
{
	if (!r)
		return;
	clear_headers(r);
	free(r->body);
	json_decref(r->json);
	free(r);
}

const char *th_json_str(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

const char *th_json_keys(const json_t *o)
{
	static __thread char buf[512];
	size_t n = 0;
	const char *key;
	json_t *v;
	buf[0] = '\0';
	json_object_foreach((json_t *)o, key, v)
	{
		if (n >= sizeof buf)
			break;
		n += (size_t)snprintf(buf + n, sizeof buf - n, "%s%s", n ? "," : "", key);
	}
	return buf;
}

void th_http_check_status(const th_http *r, long status, const char *file, int line)
{
	if (r->status != status) {
		fprintf(stderr, "%s:%d: HTTP status %ld, expected %ld; body: %s\n", file, line, r->status,
			status, r->body);
		th_fail();
	}
}

void th_http_check_error(const th_http *r, long status, const char *reason, const char *file, int line)
{
	th_http_check_status(r, status, file, line);
	const char *why = NULL;
	const json_t *e = r->json ? json_object_get(r->json, "error") : NULL;
	const char *ct = th_http_header(r, "Content-Type");
	if (!ct || strncmp(ct, "application/json", 16) != 0)
		why = "Content-Type is not application/json";
	else if (!json_is_object(r->json) || json_object_size(r->json) != 1 || !json_is_object(e))
		why = "the body is not {\"error\": {...}}";
	else if (json_integer_value(json_object_get(e, "code")) != status)
		why = "error.code differs from the HTTP status";
	else if (!th_json_str(e, "status") || !*th_json_str(e, "status"))
		why = "error.status is missing";
	else if (!th_json_str(e, "reason") || strcmp(th_json_str(e, "reason"), reason) != 0)
		why = "error.reason differs";
	else if (!th_json_str(e, "message") || !*th_json_str(e, "message"))
		why = "error.message is missing";
	else if (json_object_size(e) != 4 && !(json_object_size(e) == 5 && json_object_get(e, "metadata")))
		why = "error has other members than code, status, reason, message, metadata";
	else if (!th_http_header(r, "X-Request-Id"))
		why = "no X-Request-Id header";
	if (why) {
		fprintf(stderr, "%s:%d: expected a %ld %s error: %s; body: %s\n", file, line, status, reason,
			why, r->body);
		th_fail();
	}
}
