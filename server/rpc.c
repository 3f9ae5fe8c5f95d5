/* rpc.c - gRPC C core plumbing.
 *
 * Every call goes through a call_ctx whose address is the completion-queue
 * tag. A ctx is born as a posted request (REQUESTED), becomes a call when a
 * client arrives, is answered with one batch (REPLYING) and is freed when
 * that batch completes. Workers block on the one completion queue; a worker
 * that receives a call first posts a replacement request, then runs the
 * handler synchronously on its own Postgres connection.
 *
 * Shutdown, in order: stop re-posting requests, grpc_server_shutdown_and_notify,
 * wait until the shutdown tag has arrived AND no ctx is alive (pending
 * requests come back with success = 0 and are freed), cancelling everything
 * after the grace period; only then shut the queue down. Shutting the queue
 * down earlier makes a late batch assert inside gRPC. */
#include "rpc.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <grpc/byte_buffer.h>
#include <grpc/byte_buffer_reader.h>
#include <grpc/grpc.h>
#include <grpc/grpc_security.h>
#include <grpc/slice.h>
#include <grpc/support/time.h>

#include "google/protobuf/any.pb-c.h"
#include "google/rpc/error_details.pb-c.h"
#include "google/rpc/status.pb-c.h"
#include "check.h"
#include "log.h"
#include "service.h"

/* Requests kept posted per method, so bursts are matched without waiting
 * for a worker to re-post. */
#define REQUESTS_PER_METHOD 4
#define UNKNOWN_METHOD -1

typedef enum ctx_state { CTX_REQUESTED, CTX_REPLYING, CTX_SHUTDOWN } ctx_state;

typedef struct call_ctx {
	ctx_state state;
	int method; /* vd_method_id, or UNKNOWN_METHOD for the catch-all */
	grpc_call *call;
	gpr_timespec deadline;
	grpc_metadata_array md;
	grpc_call_details details; /* catch-all only */
	grpc_byte_buffer *payload;
	/* What the reply batch refers to until it completes. */
	grpc_byte_buffer *reply;
	grpc_slice status_message;
	grpc_metadata trailer;
	int ntrailers;
	int cancelled;
	struct timespec start;
	struct call_ctx *next; /* in the file-work queue */
} call_ctx;

struct vd_rpc {
	vd_rpc_config cfg;
	grpc_server *server;
	grpc_completion_queue *cq;
	void *registered[VD_M_COUNT];
	pthread_t *threads;
	vd_db **dbs; /* every thread's connection, for cancelling at shutdown */
	int nthreads;

	/* File work (copies, mkfs, scans) runs on threads of its own, so a
	 * burst of slow calls cannot take every worker from the fast ones. */
	pthread_t *file_threads;
	int nfile_threads;
	call_ctx *queue_head, *queue_tail;
	pthread_cond_t queue_ready;
	bool queue_closed;
	call_ctx shutdown_tag;

	pthread_mutex_t lock;
	pthread_cond_t changed;
	int live;            /* ctxs allocated and not yet freed */
	bool stopping;       /* no more requests are posted */
	bool server_is_down; /* the shutdown tag has arrived */
};

static void ctx_free(vd_rpc *s, call_ctx *c)
{
	if (c->call)
		grpc_call_unref(c->call);
	grpc_metadata_array_destroy(&c->md);
	if (c->method == UNKNOWN_METHOD)
		grpc_call_details_destroy(&c->details);
	if (c->payload)
		grpc_byte_buffer_destroy(c->payload);
	if (c->reply)
		grpc_byte_buffer_destroy(c->reply);
	grpc_slice_unref(c->status_message);
	if (c->ntrailers)
		grpc_slice_unref(c->trailer.value);
	free(c);
	pthread_mutex_lock(&s->lock);
	if (--s->live == 0)
		pthread_cond_broadcast(&s->changed);
	pthread_mutex_unlock(&s->lock);
}

/* Posts one request for method (or the catch-all). Does nothing once the
 * server is stopping. */
static void post_request(vd_rpc *s, int method)
{
	pthread_mutex_lock(&s->lock);
	if (s->stopping) {
		pthread_mutex_unlock(&s->lock);
		return;
	}
	s->live++;
	pthread_mutex_unlock(&s->lock);

	call_ctx *c = calloc(1, sizeof *c);
	if (!c)
		abort();
	c->state = CTX_REQUESTED;
	c->method = method;
	c->status_message = grpc_empty_slice();
	grpc_metadata_array_init(&c->md);
	grpc_call_error e;
	if (method == UNKNOWN_METHOD) {
		grpc_call_details_init(&c->details);
		e = grpc_server_request_call(s->server, &c->call, &c->details, &c->md, s->cq, s->cq, c);
	} else {
		e = grpc_server_request_registered_call(s->server, s->registered[method], &c->call,
							&c->deadline, &c->md, &c->payload, s->cq, s->cq, c);
	}
	if (e != GRPC_CALL_OK) {
		/* No completion will ever come for it. */
		vd_log(VD_LOG_ERROR, "posting a request failed: %d", e);
		ctx_free(s, c);
	}
}

static const char *metadata_value(const grpc_metadata_array *md, const char *key, char *buf, size_t bufsz)
{
	for (size_t i = 0; i < md->count; i++) {
		if (grpc_slice_str_cmp(md->metadata[i].key, key) != 0)
			continue;
		size_t n = GRPC_SLICE_LENGTH(md->metadata[i].value);
		if (n >= bufsz)
			n = bufsz - 1;
		memcpy(buf, GRPC_SLICE_START_PTR(md->metadata[i].value), n);
		buf[n] = '\0';
		/* It goes into a log line: keep it printable. */
		for (size_t k = 0; k < n; k++)
			if ((unsigned char)buf[k] < 0x21 || (unsigned char)buf[k] > 0x7e)
				buf[k] = '?';
		return buf;
	}
	return NULL;
}

static grpc_byte_buffer *pack(const ProtobufCMessage *m)
{
	size_t n = protobuf_c_message_get_packed_size(m);
	grpc_slice slice = grpc_slice_malloc(n);
	protobuf_c_message_pack(m, GRPC_SLICE_START_PTR(slice));
	grpc_byte_buffer *bb = grpc_raw_byte_buffer_create(&slice, 1);
	grpc_slice_unref(slice);
	return bb;
}

/* The google.rpc.Status trailer: code, message and one ErrorInfo. */
static grpc_slice status_details(vd_arena *a, int code, const vd_error *err)
{
	Google__Rpc__ErrorInfo info = GOOGLE__RPC__ERROR_INFO__INIT;
	info.reason = (char *)vd_reason_name(err->reason);
	info.domain = VD_ERROR_DOMAIN;
	Google__Rpc__ErrorInfo__MetadataEntry entries[VD_ERROR_META_MAX], *ptrs[VD_ERROR_META_MAX];
	for (int i = 0; i < err->nmeta; i++) {
		google__rpc__error_info__metadata_entry__init(&entries[i]);
		entries[i].key = (char *)err->meta[i].key;
		entries[i].value = (char *)err->meta[i].value;
		ptrs[i] = &entries[i];
	}
	info.n_metadata = (size_t)err->nmeta;
	info.metadata = ptrs;

	size_t info_len = google__rpc__error_info__get_packed_size(&info);
	uint8_t *info_buf = vd_arena_alloc(a, info_len);
	google__rpc__error_info__pack(&info, info_buf);

	Google__Protobuf__Any any = GOOGLE__PROTOBUF__ANY__INIT, *anys[1] = {&any};
	any.type_url = VD_ERRORINFO_TYPE_URL;
	any.value.data = info_buf;
	any.value.len = info_len;
	Google__Rpc__Status st = GOOGLE__RPC__STATUS__INIT;
	st.code = code;
	st.message = (char *)err->message;
	st.n_details = 1;
	st.details = anys;

	size_t n = google__rpc__status__get_packed_size(&st);
	grpc_slice slice = grpc_slice_malloc(n);
	google__rpc__status__pack(&st, GRPC_SLICE_START_PTR(slice));
	return slice;
}

/* Decodes the request into call->request, or records why it cannot. */
static bool decode(call_ctx *c, vd_call *call)
{
	const vd_method *m = &vd_methods[c->method];
	if (!c->payload)
		return vd_error_set(&call->err, VD_MALFORMED_REQUEST, "request message missing");
	grpc_byte_buffer_reader reader;
	if (!grpc_byte_buffer_reader_init(&reader, c->payload))
		return vd_error_set(&call->err, VD_MALFORMED_REQUEST, "request message unreadable");
	grpc_slice slice = grpc_byte_buffer_reader_readall(&reader);
	grpc_byte_buffer_reader_destroy(&reader);
	const char *bad_utf8;
	if (!vd_check_encoding(&call->err, m->request, GRPC_SLICE_START_PTR(slice), GRPC_SLICE_LENGTH(slice),
			       &bad_utf8)) {
		grpc_slice_unref(slice);
		return false;
	}
	ProtobufCAllocator alloc;
	vd_arena_protobuf(call->arena, &alloc);
	call->request = protobuf_c_message_unpack(m->request, &alloc, GRPC_SLICE_LENGTH(slice),
						  GRPC_SLICE_START_PTR(slice));
	grpc_slice_unref(slice);
	if (!call->request)
		return vd_error_set(&call->err, VD_MALFORMED_REQUEST,
				    "request is not a valid %s message", m->request->name);
	return !bad_utf8 || vd_check_invalid(&call->err, bad_utf8, "must be valid UTF-8");
}

static long usec_since(const struct timespec *t)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - t->tv_sec) * 1000000L + (now.tv_nsec - t->tv_nsec) / 1000L;
}

static void method_name(const call_ctx *c, char *buf, size_t bufsz)
{
	if (c->method != UNKNOWN_METHOD) {
		snprintf(buf, bufsz, "%s", vd_methods[c->method].path);
		return;
	}
	size_t n = GRPC_SLICE_LENGTH(c->details.method);
	if (n >= bufsz)
		n = bufsz - 1;
	memcpy(buf, GRPC_SLICE_START_PTR(c->details.method), n);
	buf[n] = '\0';
	for (size_t k = 0; k < n; k++)
		if ((unsigned char)buf[k] < 0x21 || (unsigned char)buf[k] > 0x7e)
			buf[k] = '?';
}

/* Answers the call with call->response or call->err in one batch, logs
 * the call, and empties the arena. */
static void reply(vd_rpc *s, call_ctx *c, vd_call *call)
{
	char method[256];
	method_name(c, method, sizeof method);
	grpc_op ops[4];
	memset(ops, 0, sizeof ops);
	int n = 0;
	ops[n++].op = GRPC_OP_SEND_INITIAL_METADATA;
	int code = VD_CODE_OK;
	if (call->err.reason == VD_OK && call->response) {
		c->reply = pack(call->response);
		ops[n].op = GRPC_OP_SEND_MESSAGE;
		ops[n++].data.send_message.send_message = c->reply;
	} else {
		if (call->err.reason == VD_OK) /* a handler forgot to answer */
			vd_error_set(&call->err, VD_INTERNAL, "internal error: no response");
		code = vd_reason_code(call->err.reason);
		c->status_message = grpc_slice_from_copied_string(call->err.message);
		c->trailer.key = grpc_slice_from_static_string(VD_STATUS_DETAILS_KEY);
		c->trailer.value = status_details(call->arena, code, &call->err);
		c->ntrailers = 1;
	}
	ops[n].op = GRPC_OP_SEND_STATUS_FROM_SERVER;
	ops[n].data.send_status_from_server.status = (grpc_status_code)code;
	ops[n].data.send_status_from_server.status_details = code ? &c->status_message : NULL;
	ops[n].data.send_status_from_server.trailing_metadata = c->ntrailers ? &c->trailer : NULL;
	ops[n++].data.send_status_from_server.trailing_metadata_count = (size_t)c->ntrailers;
	ops[n].op = GRPC_OP_RECV_CLOSE_ON_SERVER;
	ops[n++].data.recv_close_on_server.cancelled = &c->cancelled;

	char rid_buf[72];
	const char *rid = metadata_value(&c->md, "x-request-id", rid_buf, sizeof rid_buf);
	vd_log(VD_LOG_INFO, "call method=%s status=%s reason=%s duration_us=%ld request_id=%s", method,
	       vd_code_name(code), code ? vd_reason_name(call->err.reason) : "-", usec_since(&c->start),
	       rid ? rid : "-");

	c->state = CTX_REPLYING;
	grpc_call_error e = grpc_call_start_batch(c->call, ops, (size_t)n, c, NULL);
	vd_arena_reset(call->arena);
	if (e != GRPC_CALL_OK) {
		vd_log(VD_LOG_WARN, "reply to %s failed to start: %d", method, e);
		ctx_free(s, c);
	}
}

/* Decodes and runs a call on this thread's arena and connection. */
static void run_call(vd_rpc *s, call_ctx *c, vd_arena *arena, vd_db *db)
{
	vd_call call = {.arena = arena, .db = db, .local = s->cfg.local, .method = (vd_method_id)c->method};
	if (decode(c, &call))
		vd_service_dispatch(&call);
	reply(s, c, &call);
}

static void handle_call(vd_rpc *s, call_ctx *c, vd_arena *arena, vd_db *db)
{
	clock_gettime(CLOCK_MONOTONIC, &c->start);
	post_request(s, c->method);

	vd_call call = {.arena = arena, .db = db, .local = s->cfg.local};
	if (c->method == UNKNOWN_METHOD) {
		char method[256];
		method_name(c, method, sizeof method);
		vd_error_set(&call.err, VD_UNKNOWN_METHOD, "unknown method %s", method);
		reply(s, c, &call);
		return;
	}
	if (gpr_time_cmp(c->deadline, gpr_now(c->deadline.clock_type)) < 0) {
		vd_error_set(&call.err, VD_DEADLINE_EXCEEDED, "deadline passed before the call was handled");
		reply(s, c, &call);
		return;
	}
	/* A peek at the request decides where it runs; the file thread decodes
	 * it again into an arena of its own. */
	call.method = (vd_method_id)c->method;
	if (decode(c, &call) && vd_service_is_file_work(&call)) {
		vd_arena_reset(arena);
		pthread_mutex_lock(&s->lock);
		c->next = NULL;
		if (s->queue_tail)
			s->queue_tail->next = c;
		else
			s->queue_head = c;
		s->queue_tail = c;
		pthread_cond_signal(&s->queue_ready);
		pthread_mutex_unlock(&s->lock);
		return;
	}
	if (call.err.reason == VD_OK)
		vd_service_dispatch(&call);
	reply(s, c, &call);
}

typedef struct worker_arg {
	vd_rpc *s;
	int index;
} worker_arg;

static void *worker(void *arg)
{
	vd_rpc *s = ((worker_arg *)arg)->s;
	int index = ((worker_arg *)arg)->index;
	free(arg);
	vd_arena *arena = vd_arena_new();
	vd_db *db = vd_db_new(s->cfg.database_url);
	pthread_mutex_lock(&s->lock);
	s->dbs[index] = db;
	pthread_mutex_unlock(&s->lock);
	vd_error ignored = {0};
	vd_db_ready(db, &ignored); /* warm up; failures are reported per call */

	for (;;) {
		grpc_event ev = grpc_completion_queue_next(s->cq, gpr_inf_future(GPR_CLOCK_REALTIME), NULL);
		if (ev.type == GRPC_QUEUE_SHUTDOWN)
			break;
		if (ev.type != GRPC_OP_COMPLETE)
			continue;
		call_ctx *c = ev.tag;
		switch (c->state) {
		case CTX_SHUTDOWN:
			pthread_mutex_lock(&s->lock);
			s->server_is_down = true;
			pthread_cond_broadcast(&s->changed);
			pthread_mutex_unlock(&s->lock);
			break;
		case CTX_REQUESTED:
			if (ev.success)
				handle_call(s, c, arena, db);
			else
				ctx_free(s, c); /* a pending request returned by shutdown */
			break;
		case CTX_REPLYING:
			ctx_free(s, c);
			break;
		}
	}
	pthread_mutex_lock(&s->lock);
	s->dbs[index] = NULL;
	pthread_mutex_unlock(&s->lock);
	vd_db_free(db);
	vd_arena_free(arena);
	return NULL;
}

static void *file_worker(void *arg)
{
	vd_rpc *s = ((worker_arg *)arg)->s;
	int index = ((worker_arg *)arg)->index;
	free(arg);
	vd_arena *arena = vd_arena_new();
	vd_db *db = vd_db_new(s->cfg.database_url);
	pthread_mutex_lock(&s->lock);
	s->dbs[index] = db;
	for (;;) {
		while (!s->queue_head && !s->queue_closed)
			pthread_cond_wait(&s->queue_ready, &s->lock);
		call_ctx *c = s->queue_head;
		if (!c)
			break; /* closed and drained */
		if (!(s->queue_head = c->next))
			s->queue_tail = NULL;
		pthread_mutex_unlock(&s->lock);
		run_call(s, c, arena, db);
		pthread_mutex_lock(&s->lock);
	}
	s->dbs[index] = NULL;
	pthread_mutex_unlock(&s->lock);
	vd_db_free(db);
	vd_arena_free(arena);
	return NULL;
}

static void start_thread(vd_rpc *s, pthread_t *t, void *(*fn)(void *), int index)
{
	worker_arg *wa = malloc(sizeof *wa);
	if (!wa)
		abort();
	wa->s = s;
	wa->index = index;
	int e = pthread_create(t, NULL, fn, wa);
	if (e) {
		vd_log(VD_LOG_ERROR, "cannot start a thread: %s", strerror(e));
		abort();
	}
}

vd_rpc *vd_rpc_start(const vd_rpc_config *cfg, int *port)
{
	vd_rpc *s = calloc(1, sizeof *s);
	if (!s)
		abort();
	s->cfg = *cfg;
	s->shutdown_tag.state = CTX_SHUTDOWN;
	pthread_mutex_init(&s->lock, NULL);
	pthread_cond_init(&s->changed, NULL);
	pthread_cond_init(&s->queue_ready, NULL);

	grpc_arg args[2];
	args[0].type = GRPC_ARG_INTEGER;
	args[0].key = GRPC_ARG_MAX_RECEIVE_MESSAGE_LENGTH;
	args[0].value.integer = cfg->max_message_bytes;
	/* Without this a second server silently shares the port. */
	args[1].type = GRPC_ARG_INTEGER;
	args[1].key = GRPC_ARG_ALLOW_REUSEPORT;
	args[1].value.integer = 0;
	grpc_channel_args cargs = {2, args};
	s->server = grpc_server_create(&cargs, NULL);
	for (int m = 0; m < VD_M_COUNT; m++)
		s->registered[m] = grpc_server_register_method(s->server, vd_methods[m].path, NULL,
							       GRPC_SRM_PAYLOAD_READ_INITIAL_BYTE_BUFFER, 0);
	s->cq = grpc_completion_queue_create_for_next(NULL);
	grpc_server_register_completion_queue(s->server, s->cq, NULL);
	grpc_server_credentials *creds = grpc_insecure_server_credentials_create();
	*port = grpc_server_add_http2_port(s->server, cfg->listen, creds);
	grpc_server_credentials_release(creds);
	if (*port == 0) {
		vd_log(VD_LOG_ERROR, "cannot listen on %s", cfg->listen);
		grpc_server_destroy(s->server);
		grpc_completion_queue_shutdown(s->cq);
		while (grpc_completion_queue_next(s->cq, gpr_inf_future(GPR_CLOCK_REALTIME), NULL).type !=
		       GRPC_QUEUE_SHUTDOWN)
			;
		grpc_completion_queue_destroy(s->cq);
		free(s);
		return NULL;
	}
	grpc_server_start(s->server);
	for (int m = 0; m < VD_M_COUNT; m++)
		for (int k = 0; k < REQUESTS_PER_METHOD; k++)
			post_request(s, m);
	post_request(s, UNKNOWN_METHOD);

	s->threads = calloc((size_t)cfg->workers, sizeof *s->threads);
	s->file_threads = calloc((size_t)cfg->file_workers, sizeof *s->file_threads);
	s->dbs = calloc((size_t)(cfg->workers + cfg->file_workers), sizeof *s->dbs);
	if (!s->threads || !s->file_threads || !s->dbs)
		abort();
	for (; s->nthreads < cfg->workers; s->nthreads++)
		start_thread(s, &s->threads[s->nthreads], worker, s->nthreads);
	for (; s->nfile_threads < cfg->file_workers; s->nfile_threads++)
		start_thread(s, &s->file_threads[s->nfile_threads], file_worker, cfg->workers + s->nfile_threads);
	return s;
}

void vd_rpc_stop(vd_rpc *s)
{
	pthread_mutex_lock(&s->lock);
	s->stopping = true;
	pthread_mutex_unlock(&s->lock);
	grpc_server_shutdown_and_notify(s->server, s->cq, &s->shutdown_tag);

	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += s->cfg.shutdown_grace_ms / 1000;
	until.tv_nsec += (s->cfg.shutdown_grace_ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L)
		until.tv_sec++, until.tv_nsec -= 1000000000L;

	pthread_mutex_lock(&s->lock);
	bool cancelled = false;
	bool idle_closed = false;
	while (!(s->server_is_down && s->live == 0)) {
		if (s->live == 0 && !idle_closed) {
			/* Every call is answered; what still holds the shutdown up
			 * is clients' idle connections, which gRPC would wait out
			 * for seconds. Nothing is in flight, so closing them loses
			 * nothing. */
			idle_closed = true;
			pthread_mutex_unlock(&s->lock);
			grpc_server_cancel_all_calls(s->server);
			pthread_mutex_lock(&s->lock);
			continue;
		}
		if (pthread_cond_timedwait(&s->changed, &s->lock, &until) != ETIMEDOUT)
			continue;
		/* Grace is over. gRPC cancels the calls; Postgres must cancel the
		 * queries too, or a worker waiting on a lock keeps us here for
		 * ever. Repeat every second: a cancel that lands between two
		 * statements of a transaction is lost. */
		if (!cancelled)
			vd_log(VD_LOG_WARN, "grace period over: cancelling %d remaining calls", s->live);
		cancelled = true;
		for (int i = 0; i < s->nthreads + s->nfile_threads; i++)
			if (s->dbs[i])
				vd_db_cancel(s->dbs[i]);
		pthread_mutex_unlock(&s->lock);
		grpc_server_cancel_all_calls(s->server);
		pthread_mutex_lock(&s->lock);
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += 1;
	}
	pthread_mutex_unlock(&s->lock);

	/* Every call is answered (live == 0), so the file queue is empty. */
	pthread_mutex_lock(&s->lock);
	s->queue_closed = true;
	pthread_cond_broadcast(&s->queue_ready);
	pthread_mutex_unlock(&s->lock);
	for (int i = 0; i < s->nfile_threads; i++)
		pthread_join(s->file_threads[i], NULL);
	grpc_completion_queue_shutdown(s->cq);
	for (int i = 0; i < s->nthreads; i++)
		pthread_join(s->threads[i], NULL);
	grpc_server_destroy(s->server);
	grpc_completion_queue_destroy(s->cq);
	pthread_mutex_destroy(&s->lock);
	pthread_cond_destroy(&s->changed);
	pthread_cond_destroy(&s->queue_ready);
	free(s->threads);
	free(s->file_threads);
	free(s->dbs);
	free(s);
}
