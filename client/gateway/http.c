/* http.c - libmicrohttpd glue: one exchange per request, from the raw
 * target to the access-log line.
 *
 * MHD runs a small pool of I/O threads, each an epoll loop over its own
 * connections; they never block. Reading from clients does not: a client
 * that sends slowly only holds a connection, and MHD closes it when it has
 * been idle for the client timeout. Calling volumed does block, for up to
 * the call's deadline (minutes for file work), so it never happens on an
 * I/O thread: a complete request is queued to a pool of call threads
 * (--threads, sized by concurrent calls) and its connection suspended; the
 * call thread answers into the exchange and resumes the connection, and
 * the I/O thread sends the answer. Otherwise one slow call would stall
 * every other connection its I/O thread owns.
 *
 * MHD calls the access handler first with the headers only, then once per
 * piece of body, then once more with nothing left. When a body follows,
 * everything that can be judged from the headers (route, method, ids,
 * query, content type, Content-Length) is judged on the first call, so a
 * bad request is answered before its body is read. */
#include "http.h"

#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "call.h"
#include "log.h"
#include "reply.h"
#include "route.h"

/* MHD cannot answer in the middle of an upload, so a chunked body that
 * outgrows GW_MAX_BODY is read to its end and dropped, never kept, and
 * answered with 413 then. Past this much the connection is just closed. */
#define DISCARD_MAX (16 * GW_MAX_BODY)

typedef struct exchange exchange;

struct gw_http {
	struct MHD_Daemon *daemon;
	int listen_fd;
	vc_client *client;
	int file_timeout_ms;
	/* Complete requests waiting for a call thread (under lock). */
	pthread_cond_t work;
	exchange *queue_head, *queue_tail;
	bool closing; /* shutdown: call threads answer what is queued and exit */
	pthread_t *callers;
	int ncallers;
	/* Requests between their first byte and their end, for the drain at
	 * shutdown; idle keep-alive connections do not count. */
	pthread_mutex_t lock;
	pthread_cond_t idle;
	int in_progress;
};

/* One request, from its request line to the end of its response. */
struct exchange {
	struct timespec start;
	char *target; /* as sent, still encoded */
	bool started; /* the access handler has seen the headers */
	bool too_large;
	char *body;
	size_t len, cap;
	size_t seen; /* body bytes received, kept or not */
	char method[16];
	char request_id[GW_REQUEST_ID_MAX + 1];
	/* What was answered, for the access log; status 0 = nothing. */
	int status;
	char reason[64];
	char detail[256];
	/* Handed to a call thread: the parsed request, and its answer once
	 * the call is done (answered is then set, under the lock). */
	struct MHD_Connection *conn;
	gw_request q;
	vc_call_opts opts;
	gw_reply reply;
	bool queued, answered;
	exchange *next;
};

/* ---- the listening socket ---- */

int gw_http_listen(const char *hostport, int *port, char *err, size_t errsz)
{
	char host[256];
	const char *colon, *h = hostport;
	size_t hlen;
	if (hostport[0] == '[') {
		const char *close = strchr(hostport, ']');
		if (!close || close[1] != ':') {
			snprintf(err, errsz, "listen address \"%s\" is not [IPV6]:PORT", hostport);
			return -1;
		}
		h = hostport + 1;
		hlen = (size_t)(close - h);
		colon = close + 1;
	} else {
		colon = strrchr(hostport, ':');
		if (!colon) {
			snprintf(err, errsz, "listen address \"%s\" is not HOST:PORT", hostport);
			return -1;
		}
		hlen = (size_t)(colon - hostport);
	}
	if (hlen >= sizeof host || !colon[1]) {
		snprintf(err, errsz, "listen address \"%s\" is not HOST:PORT", hostport);
		return -1;
	}
	memcpy(host, h, hlen);
	host[hlen] = '\0';

	struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM, .ai_flags = AI_PASSIVE};
	struct addrinfo *res = NULL;
	int rc = getaddrinfo(hlen ? host : NULL, colon + 1, &hints, &res);
	if (rc != 0) {
		snprintf(err, errsz, "listen address \"%s\": %s", hostport, gai_strerror(rc));
		return -1;
	}
	int fd = -1, saved = 0;
	for (struct addrinfo *a = res; a && fd < 0; a = a->ai_next) {
		fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
		if (fd < 0) {
			saved = errno;
			continue;
		}
		int one = 1;
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
		if (bind(fd, a->ai_addr, a->ai_addrlen) < 0 || listen(fd, 1024) < 0) {
			saved = errno;
			close(fd);
			fd = -1;
		}
	}
	freeaddrinfo(res);
	if (fd < 0) {
		snprintf(err, errsz, "cannot listen on %s: %s", hostport, strerror(saved));
		return -1;
	}
	struct sockaddr_storage ss;
	socklen_t len = sizeof ss;
	getsockname(fd, (struct sockaddr *)&ss, &len);
	*port = ntohs(ss.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
					       : ((struct sockaddr_in *)&ss)->sin_port);
	return fd;
}

/* ---- request ids ---- */

/* A random (version 4) UUID for a request that brought no id. */
static void new_request_id(char out[VD_UUID_LEN + 1])
{
	static atomic_ullong counter;
	uint8_t b[16];
	if (getrandom(b, sizeof b, 0) != (ssize_t)sizeof b) {
		/* Only an id for logs, so time and a counter are enough when
		 * the kernel will not give randomness. */
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		unsigned long long n = atomic_fetch_add(&counter, 1), t = (unsigned long long)ts.tv_sec;
		for (int i = 0; i < 8; i++)
			b[i] = (uint8_t)(t >> (8 * i)) ^ (uint8_t)(ts.tv_nsec >> (4 * i));
		for (int i = 0; i < 8; i++)
			b[8 + i] = (uint8_t)(n >> (8 * i));
	}
	b[6] = (uint8_t)((b[6] & 0x0f) | 0x40);
	b[8] = (uint8_t)((b[8] & 0x3f) | 0x80);
	vd_uuid_format(b, out);
}

/* ---- answering ---- */

static long usec_since(const struct timespec *t)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - t->tv_sec) * 1000000L + (now.tv_nsec - t->tv_nsec) / 1000L;
}

static enum MHD_Result answer(struct MHD_Connection *conn, exchange *x, gw_reply *r, const char *allow)
{
	struct MHD_Response *resp;
	if (r->body) {
		char *text = json_dumps(r->body, JSON_COMPACT);
		resp = MHD_create_response_from_buffer(strlen(text), text, MHD_RESPMEM_MUST_FREE);
	} else {
		resp = MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
	}
	if (!resp)
		abort();
	if (r->body)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json");
	MHD_add_response_header(resp, "X-Request-Id", x->request_id);
	if (r->location[0])
		MHD_add_response_header(resp, MHD_HTTP_HEADER_LOCATION, r->location);
	if (r->next_page_token[0])
		MHD_add_response_header(resp, "X-Next-Page-Token", r->next_page_token);
	if (allow && *allow)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, allow);
	enum MHD_Result ok = MHD_queue_response(conn, (unsigned)r->http, resp);
	MHD_destroy_response(resp);
	x->status = r->http;
	snprintf(x->reason, sizeof x->reason, "%s", r->reason);
	snprintf(x->detail, sizeof x->detail, "%s", r->detail);
	gw_reply_dispose(r);
	return ok;
}

static enum MHD_Result answer_error(struct MHD_Connection *conn, exchange *x, const vd_error *err,
				    const char *allow)
{
	gw_reply r = {0};
	gw_reply_error(&r, err);
	return answer(conn, x, &r, err->reason == VD_METHOD_NOT_ALLOWED ? allow : NULL);
}

/* ---- the exchange ---- */

static void exchange_free(exchange *x)
{
	if (!x)
		return;
	if (x->queued) { /* abandoned before its answer was sent */
		gw_request_dispose(&x->q);
		gw_reply_dispose(&x->reply);
	}
	free(x->target);
	free(x->body);
	free(x);
}

/* MHD's URI callback: the raw target, before MHD decodes it (route.c
 * decodes path and query itself, so that %2F stays inside an id). Also
 * where a request starts, for its duration and the drain. */
static void *on_uri(void *cls, const char *uri, struct MHD_Connection *conn)
{
	gw_http *h = cls;
	exchange *x = calloc(1, sizeof *x);
	if (!x || !(x->target = strdup(uri ? uri : "")))
		abort();
	clock_gettime(CLOCK_MONOTONIC, &x->start);
	snprintf(x->method, sizeof x->method, "-");
	pthread_mutex_lock(&h->lock);
	h->in_progress++;
	pthread_mutex_unlock(&h->lock);
	return x;
}

static const char *header(struct MHD_Connection *conn, const char *name)
{
	return MHD_lookup_connection_value(conn, MHD_HEADER_KIND, name);
}

static void fill_in(struct MHD_Connection *conn, exchange *x, const char *method, gw_http_in *in)
{
	in->method = method;
	in->target = x->target;
	in->content_type = header(conn, MHD_HTTP_HEADER_CONTENT_TYPE);
	in->request_id = header(conn, "X-Request-Id");
	in->authorization = header(conn, MHD_HTTP_HEADER_AUTHORIZATION);
}

/* The first call: headers only. */
static enum MHD_Result on_head(struct MHD_Connection *conn, exchange *x, const char *method)
{
	x->started = true;
	snprintf(x->method, sizeof x->method, "%s", method);
	/* The client's id when it is fit to echo and to log; ours if not
	 * (parsing then refuses the request, under our id). */
	const char *rid = header(conn, "X-Request-Id");
	if (rid && gw_route_request_id_ok(rid))
		snprintf(x->request_id, sizeof x->request_id, "%s", rid);
	else
		new_request_id(x->request_id);

	/* MHD has checked that Content-Length is a number. */
	const char *cl = header(conn, MHD_HTTP_HEADER_CONTENT_LENGTH);
	unsigned long long length = cl ? strtoull(cl, NULL, 10) : 0;
	gw_http_in in = {.head_only = true};
	fill_in(conn, x, method, &in);
	in.body_follows = length > 0 || header(conn, MHD_HTTP_HEADER_TRANSFER_ENCODING) != NULL;
	/* Answering now is only worth it when it saves reading a body: MHD
	 * closes any connection answered before its request was read, so a
	 * request without a body is judged in full at its end, keeping its
	 * connection alive even when the answer is an error. */
	if (!in.body_follows)
		return MHD_YES;

	gw_request q = {0};
	vd_error err = {0};
	enum MHD_Result rc = MHD_YES;
	if (!gw_route_parse(&in, &q, &err)) {
		rc = answer_error(conn, x, &err, q.allow);
	} else if (length > GW_MAX_BODY) {
		vd_error_set(&err, VD_PAYLOAD_TOO_LARGE,
			     "request body of %llu bytes is larger than %zu bytes", length, GW_MAX_BODY);
		rc = answer_error(conn, x, &err, NULL);
	}
	gw_request_dispose(&q);
	return rc;
}

/* A piece of body. */
static enum MHD_Result on_body(exchange *x, const char *data, size_t n)
{
	x->seen += n;
	if (x->too_large)
		return x->seen > DISCARD_MAX ? MHD_NO : MHD_YES;
	if (x->len + n > GW_MAX_BODY) {
		x->too_large = true;
		free(x->body);
		x->body = NULL;
		x->len = x->cap = 0;
		return MHD_YES;
	}
	if (x->len + n > x->cap) {
		size_t cap = x->cap ? x->cap : 4096;
		while (cap < x->len + n)
			cap *= 2;
		if (cap > GW_MAX_BODY)
			cap = GW_MAX_BODY;
		char *b = realloc(x->body, cap);
		if (!b)
			abort();
		x->body = b;
		x->cap = cap;
	}
	memcpy(x->body + x->len, data, n);
	x->len += n;
	return MHD_YES;
}

/* The last call: the whole request is here. Judged at once when it can
 * be; otherwise queued for a call thread, with the connection suspended
 * until the answer is ready. */
static enum MHD_Result on_end(gw_http *h, struct MHD_Connection *conn, exchange *x, const char *method)
{
	vd_error err = {0};
	if (x->too_large) {
		vd_error_set(&err, VD_PAYLOAD_TOO_LARGE, "request body is larger than %zu bytes",
			     GW_MAX_BODY);
		return answer_error(conn, x, &err, NULL);
	}
	gw_http_in in = {.body = x->body, .body_len = x->len};
	fill_in(conn, x, method, &in);
	if (!gw_route_parse(&in, &x->q, &err)) {
		enum MHD_Result rc = answer_error(conn, x, &err, x->q.allow);
		gw_request_dispose(&x->q);
		return rc;
	}
	x->opts = (vc_call_opts){.request_id = x->request_id, .authorization = x->q.authorization};
	/* Copying a rootfs or formatting a disk takes as long as the disk
	 * takes. volumed judges a call's deadline only before it starts, so
	 * under the short default the client would get a 504 for work that
	 * volumed then finishes. */
	if (gw_route_is_file_work(&x->q))
		x->opts.timeout_ms = h->file_timeout_ms;
	x->conn = conn;
	x->queued = true;
	MHD_suspend_connection(conn);
	pthread_mutex_lock(&h->lock);
	x->next = NULL;
	if (h->queue_tail)
		h->queue_tail->next = x;
	else
		h->queue_head = x;
	h->queue_tail = x;
	pthread_cond_signal(&h->work);
	pthread_mutex_unlock(&h->lock);
	return MHD_YES;
}

/* A call thread: takes complete requests, calls volumed, and hands the
 * answer back to the connection's I/O thread. Once the server is closing,
 * what is still queued is answered 503 without a call. */
static void *caller(void *arg)
{
	gw_http *h = arg;
	pthread_mutex_lock(&h->lock);
	for (;;) {
		while (!h->queue_head && !h->closing)
			pthread_cond_wait(&h->work, &h->lock);
		exchange *x = h->queue_head;
		if (!x)
			break;
		if (!(h->queue_head = x->next))
			h->queue_tail = NULL;
		bool closing = h->closing;
		pthread_mutex_unlock(&h->lock);
		if (closing) {
			vd_error err = {0};
			vd_error_set(&err, VD_VOLUMED_UNAVAILABLE, "the gateway is shutting down; try again");
			gw_reply_error(&x->reply, &err);
		} else {
			gw_call(h->client, &x->q, &x->opts, &x->reply);
		}
		pthread_mutex_lock(&h->lock);
		x->answered = true;
		pthread_mutex_unlock(&h->lock);
		/* MHD calls the access handler again, on the I/O thread. */
		MHD_resume_connection(x->conn);
		pthread_mutex_lock(&h->lock);
	}
	pthread_mutex_unlock(&h->lock);
	return NULL;
}

/* Back from a call thread: send what it answered. */
static enum MHD_Result on_answered(struct MHD_Connection *conn, exchange *x)
{
	x->queued = false;
	enum MHD_Result rc = answer(conn, x, &x->reply, x->q.op == GW_OP_OPTIONS ? x->q.allow : NULL);
	gw_request_dispose(&x->q);
	return rc;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
				  const char *version, const char *upload_data, size_t *upload_data_size,
				  void **con_cls)
{
	gw_http *h = cls;
	exchange *x = *con_cls;
	if (!x) /* on_uri always runs first; this only keeps a broken promise safe */
		*con_cls = x = on_uri(h, url, conn);
	if (x->queued) {
		pthread_mutex_lock(&h->lock);
		bool answered = x->answered;
		pthread_mutex_unlock(&h->lock);
		return answered ? on_answered(conn, x) : MHD_YES;
	}
	if (!x->started)
		return on_head(conn, x, method);
	if (*upload_data_size) {
		enum MHD_Result rc = on_body(x, upload_data, *upload_data_size);
		*upload_data_size = 0;
		return rc;
	}
	return on_end(h, conn, x, method);
}

/* Copies s into out for a log line: no spaces or control bytes (they
 * would break the key=value format or forge lines), at most size - 4. */
static const char *loggable(const char *s, char *out, size_t size)
{
	size_t n = 0;
	for (; *s && n + 4 < size; s++)
		out[n++] = (unsigned char)*s <= 0x20 || (unsigned char)*s >= 0x7f ? '?' : *s;
	if (*s)
		memcpy(out + n, "...", 3), n += 3;
	out[n] = '\0';
	return out;
}

static const char *termination(enum MHD_RequestTerminationCode toe)
{
	switch (toe) {
	case MHD_REQUEST_TERMINATED_COMPLETED_OK:
		return NULL;
	case MHD_REQUEST_TERMINATED_WITH_ERROR:
		return "error";
	case MHD_REQUEST_TERMINATED_TIMEOUT_REACHED:
		return "timeout";
	case MHD_REQUEST_TERMINATED_DAEMON_SHUTDOWN:
		return "shutdown";
	case MHD_REQUEST_TERMINATED_READ_ERROR:
		return "read-error";
	case MHD_REQUEST_TERMINATED_CLIENT_ABORT:
		return "client-abort";
	default:
		return "unknown";
	}
}

/* A request is over (answered, timed out or abandoned): its access-log
 * line, then it is freed. */
static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	gw_http *h = cls;
	exchange *x = *con_cls;
	if (!x)
		return;
	*con_cls = NULL;
	/* MHD closes a connection that went quiet mid-request without a
	 * word to the client; the log says what that was. */
	if (x->status == 0 && toe == MHD_REQUEST_TERMINATED_TIMEOUT_REACHED) {
		x->status = vd_reason_http(VD_REQUEST_TIMEOUT);
		snprintf(x->reason, sizeof x->reason, "%s", vd_reason_name(VD_REQUEST_TIMEOUT));
	}
	char path[320], method[20], status[16], detail[300] = "";
	const char *end = termination(toe);
	if (x->status)
		snprintf(status, sizeof status, "%d", x->status);
	else
		snprintf(status, sizeof status, "-");
	if (x->detail[0]) {
		/* Free text, quoted: a quote or a control byte inside would
		 * end the value or the line early. */
		for (char *p = x->detail; *p; p++)
			if (*p == '"' || (unsigned char)*p < 0x20 || *p == 0x7f)
				*p = '\'';
		snprintf(detail, sizeof detail, " detail=\"%.200s\"", x->detail);
	}
	vd_log(VD_LOG_INFO,
	       "request method=%s path=%s status=%s reason=%s duration_us=%ld request_id=%s%s%s%s",
	       loggable(x->method, method, sizeof method), loggable(x->target, path, sizeof path), status,
	       x->reason[0] ? x->reason : "-", usec_since(&x->start), x->request_id[0] ? x->request_id : "-",
	       end ? " end=" : "", end ? end : "", detail);
	exchange_free(x);
	pthread_mutex_lock(&h->lock);
	if (--h->in_progress == 0)
		pthread_cond_broadcast(&h->idle);
	pthread_mutex_unlock(&h->lock);
}

static void on_mhd_log(void *cls, const char *fmt, va_list ap)
{
	char line[512];
	vsnprintf(line, sizeof line, fmt, ap);
	size_t n = strlen(line);
	while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		line[--n] = '\0';
	vd_log(VD_LOG_WARN, "libmicrohttpd: %s", line);
}

gw_http *gw_http_start(const gw_http_config *cfg, char *err, size_t errsz)
{
	gw_http *h = calloc(1, sizeof *h);
	if (!h)
		abort();
	h->listen_fd = cfg->listen_fd;
	h->client = cfg->client;
	h->file_timeout_ms = cfg->file_timeout_ms;
	pthread_mutex_init(&h->lock, NULL);
	pthread_cond_init(&h->idle, NULL);
	pthread_cond_init(&h->work, NULL);
	/* I/O threads never block, so one per core is plenty. */
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	unsigned io_threads = (unsigned)(cores < 1 ? 1 : cores > 8 ? 8 : cores);
	/* ITC lets MHD_quiesce_daemon stop the accepting threads at shutdown
	 * and call threads resume suspended connections. */
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC | MHD_USE_ERROR_LOG |
			 MHD_ALLOW_SUSPEND_RESUME;
	h->daemon = MHD_start_daemon(
		flags, 0, NULL, NULL, on_request, h, MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, h,
		MHD_OPTION_LISTEN_SOCKET, (MHD_socket)cfg->listen_fd, MHD_OPTION_THREAD_POOL_SIZE,
		io_threads, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)cfg->client_timeout_s,
		MHD_OPTION_CONNECTION_LIMIT, (unsigned)cfg->max_connections, MHD_OPTION_URI_LOG_CALLBACK,
		on_uri, h, MHD_OPTION_NOTIFY_COMPLETED, on_completed, h, MHD_OPTION_END);
	if (!h->daemon) {
		snprintf(err, errsz, "libmicrohttpd could not start (see the log above)");
		close(cfg->listen_fd);
		pthread_cond_destroy(&h->work);
		pthread_cond_destroy(&h->idle);
		pthread_mutex_destroy(&h->lock);
		free(h);
		return NULL;
	}
	h->callers = calloc((size_t)cfg->threads, sizeof *h->callers);
	if (!h->callers)
		abort();
	for (; h->ncallers < cfg->threads; h->ncallers++)
		if (pthread_create(&h->callers[h->ncallers], NULL, caller, h) != 0)
			abort();
	return h;
}

void gw_http_stop(gw_http *h, int grace_ms)
{
	if (!h)
		return;
	/* No new connections from here; the socket is ours again. */
	MHD_socket fd = MHD_quiesce_daemon(h->daemon);
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += grace_ms / 1000;
	until.tv_nsec += (long)(grace_ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L)
		until.tv_sec++, until.tv_nsec -= 1000000000L;
	pthread_mutex_lock(&h->lock);
	while (h->in_progress > 0)
		if (pthread_cond_timedwait(&h->idle, &h->lock, &until) == ETIMEDOUT)
			break;
	int left = h->in_progress;
	/* Call threads answer what is still queued with 503 and finish the
	 * call they are in (bounded by its deadline): a suspended connection
	 * must be resumed before MHD may stop. */
	h->closing = true;
	pthread_cond_broadcast(&h->work);
	pthread_mutex_unlock(&h->lock);
	if (left)
		vd_log(VD_LOG_WARN, "%d request(s) still in progress after %d ms; closing them", left,
		       grace_ms);
	for (int i = 0; i < h->ncallers; i++)
		pthread_join(h->callers[i], NULL);
	free(h->callers);
	MHD_stop_daemon(h->daemon);
	if (fd != MHD_INVALID_SOCKET)
		close(fd);
	pthread_cond_destroy(&h->work);
	pthread_cond_destroy(&h->idle);
	pthread_mutex_destroy(&h->lock);
	free(h);
}
