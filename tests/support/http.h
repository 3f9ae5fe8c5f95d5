/* http.h - a real HTTP client for gateway tests, on libcurl: one request
 * per call, answering the status, the headers and the body parsed with
 * jansson; plus checks for the gateway's JSON error body. */
#ifndef VOLUMED_TEST_HTTP_H
#define VOLUMED_TEST_HTTP_H

#include <stddef.h>

#include <jansson.h>

#include "tcheck.h"

#define TH_HTTP_MAX_HEADERS 32

typedef struct th_http {
	long status;
	/* The headers of the final response (not of a 100 Continue). */
	int nheaders;
	struct {
		char *name;
		char *value;
	} headers[TH_HTTP_MAX_HEADERS];
	char *body; /* NUL-terminated */
	size_t body_len;
	json_t *json; /* the body parsed, NULL when it is empty or not JSON */
} th_http;

/* Sends one request and waits for the answer; fails the test when no HTTP
 * answer comes (connection refused, reset). content_type NULL sends no
 * Content-Type; body NULL sends no body. headers is NULL or a
 * NULL-terminated list of "Name: value" lines. HEAD is sent as HEAD. */
th_http *th_http_do(const char *method, const char *url, const char *content_type, const char *body,
		    size_t body_len, const char *const *headers);
/* The common case: body (NULL for none) sent as application/json. */
th_http *th_http_json(const char *method, const char *url, const char *body);
/* A header of the answer, by case-insensitive name; NULL when absent. */
const char *th_http_header(const th_http *r, const char *name);
void th_http_free(th_http *r);

/* The string member key of a JSON object, NULL when absent or not a
 * string. */
const char *th_json_str(const json_t *o, const char *key);
/* The names of an object's members in order, comma-separated, into a
 * static buffer: "id,name,address,created_at". */
const char *th_json_keys(const json_t *o);

/* Checks an error answer: the HTTP status, a JSON body of exactly
 * {"error": {"code", "status", "reason", "message"[, "metadata"]}} with code
 * equal to the status, the reason, a non-empty message, and an
 * X-Request-Id header. */
void th_http_check_error(const th_http *r, long status, const char *reason, const char *file, int line);
#define CHECK_HTTP_ERROR(r, status, reason) th_http_check_error((r), (status), (reason), __FILE__, __LINE__)

/* Checks the status of an answer, printing the body when it differs. */
void th_http_check_status(const th_http *r, long status, const char *file, int line);
#define CHECK_HTTP_STATUS(r, status) th_http_check_status((r), (status), __FILE__, __LINE__)

#endif
