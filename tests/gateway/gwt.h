/* gwt.h - shorthand shared by the gateway tests: URLs on the gateway under
 * test, creating things over REST, and checks of JSON shapes. */
#ifndef VOLUMED_TEST_GWT_H
#define VOLUMED_TEST_GWT_H

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "http.h"

/* "http://127.0.0.1:PORT" of the gateway under test. */
static char gwt_base[96];

static inline void gwt_use(const th_proc *gateway)
{
	snprintf(gwt_base, sizeof gwt_base, "http://%s", gateway->addr);
}

/* The gateway's base URL followed by a printf-formatted path, in a
 * rotating static buffer. */
static inline const char *gwt_url(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static inline const char *gwt_url(const char *fmt, ...)
{
	static __thread char bufs[8][8192];
	static __thread int next;
	char *b = bufs[next++ % 8];
	size_t n = (size_t)snprintf(b, sizeof bufs[0], "%s", gwt_base);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(b + n, sizeof bufs[0] - n, fmt, ap);
	va_end(ap);
	return b;
}

/* POSTs body to path, checks 201 and a Location naming the new id, and
 * returns the id. */
static inline const char *gwt_create(const char *path, const char *body)
{
	th_http *r = th_http_json("POST", gwt_url("%s", path), body);
	CHECK_HTTP_STATUS(r, 201);
	const char *id = th_keep(th_json_str(r->json, "id"));
	CHECK_INT(strlen(id), 36);
	CHECK_STR(th_http_header(r, "Location"), th_fmt("%s/%s", path, id));
	th_http_free(r);
	return id;
}

static inline const char *gwt_host(const char *name)
{
	return gwt_create("/v1/hosts", th_fmt("{\"name\": \"%s\", \"address\": \"10.0.0.1\"}", name));
}

static inline const char *gwt_vm(const char *host_id, const char *name)
{
	return gwt_create("/v1/vms", th_fmt("{\"name\": \"%s\", \"host_id\": \"%s\"}", name, host_id));
}

static inline const char *gwt_volume(const char *host_id, const char *path)
{
	return gwt_create("/v1/volumes",
			  th_fmt("{\"name\": \"vol %s\", \"path\": \"%s\", \"size_bytes\": 1048576, "
				 "\"type\": \"ext4\", \"host_id\": \"%s\"}",
				 strrchr(path, '/') + 1, path, host_id));
}

/* GETs path and checks 200; the caller frees the answer. */
static inline th_http *gwt_get(const char *path)
{
	th_http *r = th_http_do("GET", gwt_url("%s", path), NULL, NULL, 0, NULL);
	CHECK_HTTP_STATUS(r, 200);
	return r;
}

/* A volume's status word over REST. */
static inline const char *gwt_status(const char *volume_id)
{
	th_http *r = gwt_get(th_fmt("/v1/volumes/%s", volume_id));
	const char *s = th_keep(th_json_str(r->json, "status"));
	th_http_free(r);
	return s;
}

/* RFC 3339 in UTC with a Z and whole seconds: 2025-11-03T08:50:11Z. */
static inline int gwt_is_time(const char *s)
{
	static const char shape[] = "dddd-dd-ddTdd:dd:ddZ";
	if (!s || strlen(s) != sizeof shape - 1)
		return 0;
	for (size_t i = 0; shape[i]; i++)
		if (shape[i] == 'd' ? !isdigit((unsigned char)s[i]) : s[i] != shape[i])
			return 0;
	return 1;
}

/* A row count, for "nothing was written". */
static inline long long gwt_rows(th_pg *pg, const char *table)
{
	/* Not th_fmt: callers hold th_fmt strings across this. */
	char sql[128];
	snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", table);
	return th_pg_scalar(pg, sql);
}

#endif
