/* vc.c - unary calls over gRPC core: one batch per call on a private
 * completion queue, status details decoded into vc_status. */
#include "vc.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <grpc/byte_buffer.h>
#include <grpc/byte_buffer_reader.h>
#include <grpc/grpc.h>
#include <grpc/grpc_security.h>
#include <grpc/slice.h>
#include <grpc/support/alloc.h>
#include <grpc/support/time.h>

#include "google/rpc/error_details.pb-c.h"
#include "google/rpc/status.pb-c.h"

/* Each thread plucks its calls from a completion queue of its own, made by
 * its first call and destroyed when the thread exits. Making, shutting down
 * and draining a queue per call was 10k of a call's 71k instructions
 * (callgrind, measured by the benchmark work). */
static pthread_key_t cq_key;
static pthread_once_t cq_once = PTHREAD_ONCE_INIT;

static void cq_destroy(void *p)
{
	grpc_completion_queue *cq = p;
	grpc_completion_queue_shutdown(cq);
	while (grpc_completion_queue_pluck(cq, NULL, gpr_inf_future(GPR_CLOCK_REALTIME), NULL).type !=
	       GRPC_QUEUE_SHUTDOWN)
		;
	grpc_completion_queue_destroy(cq);
}

static void cq_key_create(void)
{
	if (pthread_key_create(&cq_key, cq_destroy) != 0)
		abort();
}

static grpc_completion_queue *thread_cq(void)
{
	pthread_once(&cq_once, cq_key_create);
	grpc_completion_queue *cq = pthread_getspecific(cq_key);
	if (!cq) {
		cq = grpc_completion_queue_create_for_pluck(NULL);
		pthread_setspecific(cq_key, cq);
	}
	return cq;
}

struct vc_client {
	grpc_channel *channel;
	int timeout_ms;
};

vc_client *vc_client_new(const char *target, const vc_options *opts)
{
	vc_options def = {0};
	if (!opts)
		opts = &def;
	grpc_init();
	vc_client *c = calloc(1, sizeof *c);
	if (!c)
		abort();
	c->timeout_ms = opts->timeout_ms > 0 ? opts->timeout_ms : 5000;

	/* Reconnect quickly after volumed restarts: the default backoff
	 * (1 s growing to 2 min) would keep a gateway answering 503 long after
	 * volumed is back. The first retry comes after 100 ms and none later
	 * than 1 s; the minimum stays 1 s because gRPC also uses it as the
	 * connect timeout, and 100 ms is too short for a loaded machine's
	 * handshake. */
	grpc_arg args[6];
	int n = 0;
	args[n].type = GRPC_ARG_INTEGER, args[n].key = GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS,
	args[n++].value.integer = 100;
	args[n].type = GRPC_ARG_INTEGER, args[n].key = GRPC_ARG_MIN_RECONNECT_BACKOFF_MS,
	args[n++].value.integer = 1000;
	args[n].type = GRPC_ARG_INTEGER, args[n].key = GRPC_ARG_MAX_RECONNECT_BACKOFF_MS,
	args[n++].value.integer = 1000;
	args[n].type = GRPC_ARG_INTEGER, args[n].key = GRPC_ARG_MAX_RECEIVE_MESSAGE_LENGTH,
	args[n++].value.integer = opts->max_message_bytes > 0 ? opts->max_message_bytes : 16 << 20;
	/* Spread calls over every address the name resolves to (several
	 * volumed replicas behind one DNS name); one address works as before. */
	args[n].type = GRPC_ARG_STRING, args[n].key = GRPC_ARG_LB_POLICY_NAME,
	args[n++].value.string = "round_robin";
	if (opts->own_connection)
		args[n].type = GRPC_ARG_INTEGER, args[n].key = GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL,
		args[n++].value.integer = 1;
	grpc_channel_args cargs = {(size_t)n, args};
	grpc_channel_credentials *creds = grpc_insecure_credentials_create();
	c->channel = grpc_channel_create(target, creds, &cargs);
	grpc_channel_credentials_release(creds);
	return c;
}

void vc_client_free(vc_client *c)
{
	if (!c)
		return;
	grpc_channel_destroy(c->channel);
	free(c);
	/* This thread's queue goes before gRPC does (other threads' queues go
	 * when those threads exit). */
	pthread_once(&cq_once, cq_key_create);
	grpc_completion_queue *cq = pthread_getspecific(cq_key);
	if (cq) {
		pthread_setspecific(cq_key, NULL);
		cq_destroy(cq);
	}
	grpc_shutdown();
}

void vc_free(void *msg)
{
	if (msg)
		protobuf_c_message_free_unpacked(msg, NULL);
}

const char *vc_status_meta(const vc_status *st, const char *key)
{
	for (int i = 0; i < st->nmeta; i++)
		if (strcmp(st->meta[i].key, key) == 0)
			return st->meta[i].value;
	return NULL;
}

static void copy_slice(char *dst, size_t dstsz, grpc_slice s)
{
	size_t n = GRPC_SLICE_LENGTH(s);
	if (n >= dstsz)
		n = dstsz - 1;
	memcpy(dst, GRPC_SLICE_START_PTR(s), n);
	dst[n] = '\0';
}

/* Reads the reason and metadata out of grpc-status-details-bin. */
static void read_details(const grpc_metadata_array *trailers, vc_status *st)
{
	for (size_t i = 0; i < trailers->count; i++) {
		if (grpc_slice_str_cmp(trailers->metadata[i].key, VD_STATUS_DETAILS_KEY) != 0)
			continue;
		grpc_slice v = trailers->metadata[i].value;
		Google__Rpc__Status *s =
			google__rpc__status__unpack(NULL, GRPC_SLICE_LENGTH(v), GRPC_SLICE_START_PTR(v));
		if (!s)
			return;
		for (size_t d = 0; d < s->n_details; d++) {
			Google__Protobuf__Any *any = s->details[d];
			if (strcmp(any->type_url, VD_ERRORINFO_TYPE_URL) != 0)
				continue;
			Google__Rpc__ErrorInfo *info =
				google__rpc__error_info__unpack(NULL, any->value.len, any->value.data);
			if (!info)
				continue;
			snprintf(st->reason, sizeof st->reason, "%s", info->reason);
			for (size_t k = 0; k < info->n_metadata && st->nmeta < VC_META_MAX; k++, st->nmeta++) {
				snprintf(st->meta[st->nmeta].key, sizeof st->meta[0].key, "%s", info->metadata[k]->key);
				snprintf(st->meta[st->nmeta].value, sizeof st->meta[0].value, "%s",
					 info->metadata[k]->value);
			}
			google__rpc__error_info__free_unpacked(info, NULL);
			break;
		}
		google__rpc__status__free_unpacked(s, NULL);
		return;
	}
}

int vc_call_raw(vc_client *c, const char *path, const void *body, size_t len, bool send_message,
		void **out, size_t *outlen, const vc_call_opts *o, vc_status *st)
{
	memset(st, 0, sizeof *st);
	int timeout = o && o->timeout_ms > 0 ? o->timeout_ms : c->timeout_ms;
	grpc_completion_queue *cq = thread_cq();
	gpr_timespec deadline = gpr_time_add(gpr_now(GPR_CLOCK_REALTIME),
					     gpr_time_from_millis(timeout, GPR_TIMESPAN));
	grpc_call *call = grpc_channel_create_call(c->channel, NULL, GRPC_PROPAGATE_DEFAULTS, cq,
						   grpc_slice_from_static_string(path), NULL, deadline, NULL);

	grpc_metadata md[2];
	size_t nmd = 0;
	if (o && o->request_id) {
		md[nmd].key = grpc_slice_from_static_string("x-request-id");
		md[nmd++].value = grpc_slice_from_copied_string(o->request_id);
	}
	if (o && o->authorization) {
		md[nmd].key = grpc_slice_from_static_string("authorization");
		md[nmd++].value = grpc_slice_from_copied_string(o->authorization);
	}
	grpc_slice req_slice = grpc_slice_from_copied_buffer(body ? body : "", len);
	grpc_byte_buffer *req = grpc_raw_byte_buffer_create(&req_slice, 1);
	grpc_slice_unref(req_slice);

	grpc_metadata_array initial, trailing;
	grpc_metadata_array_init(&initial);
	grpc_metadata_array_init(&trailing);
	grpc_byte_buffer *resp = NULL;
	grpc_status_code code = GRPC_STATUS_UNKNOWN;
	grpc_slice details = grpc_empty_slice();
	const char *error_string = NULL;

	grpc_op ops[6];
	memset(ops, 0, sizeof ops);
	int n = 0;
	ops[n].op = GRPC_OP_SEND_INITIAL_METADATA;
	ops[n].flags = o && o->wait_for_ready ? GRPC_INITIAL_METADATA_WAIT_FOR_READY : 0;
	ops[n].data.send_initial_metadata.count = nmd;
	ops[n++].data.send_initial_metadata.metadata = nmd ? md : NULL;
	if (send_message) {
		ops[n].op = GRPC_OP_SEND_MESSAGE;
		ops[n++].data.send_message.send_message = req;
	}
	ops[n++].op = GRPC_OP_SEND_CLOSE_FROM_CLIENT;
	ops[n].op = GRPC_OP_RECV_INITIAL_METADATA;
	ops[n++].data.recv_initial_metadata.recv_initial_metadata = &initial;
	ops[n].op = GRPC_OP_RECV_MESSAGE;
	ops[n++].data.recv_message.recv_message = &resp;
	ops[n].op = GRPC_OP_RECV_STATUS_ON_CLIENT;
	ops[n].data.recv_status_on_client.trailing_metadata = &trailing;
	ops[n].data.recv_status_on_client.status = &code;
	ops[n].data.recv_status_on_client.status_details = &details;
	ops[n++].data.recv_status_on_client.error_string = &error_string;

	grpc_call_error e = grpc_call_start_batch(call, ops, (size_t)n, (void *)1, NULL);
	if (e == GRPC_CALL_OK) {
		grpc_completion_queue_pluck(cq, (void *)1, gpr_inf_future(GPR_CLOCK_REALTIME), NULL);
		st->code = (int)code;
		copy_slice(st->message, sizeof st->message, details);
		if (code != GRPC_STATUS_OK)
			read_details(&trailing, st);
	} else {
		st->code = VD_CODE_INTERNAL;
		snprintf(st->message, sizeof st->message, "could not start the call (%d)", e);
	}
	if (st->code == VD_CODE_OK && out) {
		*out = NULL;
		*outlen = 0;
		if (resp) {
			grpc_byte_buffer_reader reader;
			if (grpc_byte_buffer_reader_init(&reader, resp)) {
				grpc_slice s = grpc_byte_buffer_reader_readall(&reader);
				grpc_byte_buffer_reader_destroy(&reader);
				*outlen = GRPC_SLICE_LENGTH(s);
				*out = malloc(*outlen ? *outlen : 1);
				if (!*out)
					abort();
				memcpy(*out, GRPC_SLICE_START_PTR(s), *outlen);
				grpc_slice_unref(s);
			}
		}
	}

	if (resp)
		grpc_byte_buffer_destroy(resp);
	grpc_byte_buffer_destroy(req);
	for (size_t i = 0; i < nmd; i++)
		grpc_slice_unref(md[i].value);
	grpc_slice_unref(details);
	if (error_string)
		gpr_free((void *)error_string);
	grpc_metadata_array_destroy(&initial);
	grpc_metadata_array_destroy(&trailing);
	grpc_call_unref(call);
	return st->code;
}

int vc_call(vc_client *c, vd_method_id m, const ProtobufCMessage *req, ProtobufCMessage **resp,
	    const vc_call_opts *o, vc_status *st)
{
	const vd_method *method = &vd_methods[m];
	size_t len = protobuf_c_message_get_packed_size(req);
	uint8_t stackbuf[1024], *buf = len <= sizeof stackbuf ? stackbuf : malloc(len);
	if (!buf)
		abort();
	protobuf_c_message_pack(req, buf);
	void *raw = NULL;
	size_t rawlen = 0;
	int code = vc_call_raw(c, method->path, buf, len, true, &raw, &rawlen, o, st);
	if (buf != stackbuf)
		free(buf);
	if (code == VD_CODE_OK && resp) {
		*resp = protobuf_c_message_unpack(method->response, NULL, rawlen, raw);
		if (!*resp) {
			st->code = code = VD_CODE_INTERNAL;
			snprintf(st->message, sizeof st->message, "volumed sent a response that is not a %s",
				 method->response->name);
		}
	}
	free(raw);
	return code;
}

#define VC_IMPL(fn, id, req, resp)                                             \
	VC_RPC(fn, req, resp)                                                  \
	{                                                                      \
		ProtobufCMessage *m = NULL;                                    \
		int code = vc_call(c, id, &q->base, out ? &m : NULL, o, st);   \
		if (out)                                                       \
			*out = code == 0 ? (resp *)m : NULL;                   \
		return code;                                                   \
	}

VC_IMPL(vc_list_volumes, VD_M_LIST_VOLUMES, Volumed__V1__ListVolumesRequest, Volumed__V1__ListVolumesResponse)
VC_IMPL(vc_get_volume, VD_M_GET_VOLUME, Volumed__V1__GetVolumeRequest, Volumed__V1__Volume)
VC_IMPL(vc_create_volume, VD_M_CREATE_VOLUME, Volumed__V1__CreateVolumeRequest, Volumed__V1__Volume)
VC_IMPL(vc_update_volume_status, VD_M_UPDATE_VOLUME_STATUS, Volumed__V1__UpdateVolumeStatusRequest, Volumed__V1__Volume)
VC_IMPL(vc_delete_volume, VD_M_DELETE_VOLUME, Volumed__V1__DeleteVolumeRequest, Google__Protobuf__Empty)
VC_IMPL(vc_attach_volume, VD_M_ATTACH_VOLUME, Volumed__V1__AttachVolumeRequest, Volumed__V1__Attachment)
VC_IMPL(vc_detach_volume, VD_M_DETACH_VOLUME, Volumed__V1__DetachVolumeRequest, Volumed__V1__Volume)
VC_IMPL(vc_list_attachments, VD_M_LIST_ATTACHMENTS, Volumed__V1__ListAttachmentsRequest, Volumed__V1__ListAttachmentsResponse)
VC_IMPL(vc_register_volume, VD_M_REGISTER_VOLUME, Volumed__V1__RegisterVolumeRequest, Volumed__V1__Volume)
VC_IMPL(vc_create_host, VD_M_CREATE_HOST, Volumed__V1__CreateHostRequest, Volumed__V1__Host)
VC_IMPL(vc_get_host, VD_M_GET_HOST, Volumed__V1__GetHostRequest, Volumed__V1__Host)
VC_IMPL(vc_list_hosts, VD_M_LIST_HOSTS, Volumed__V1__ListHostsRequest, Volumed__V1__ListHostsResponse)
VC_IMPL(vc_delete_host, VD_M_DELETE_HOST, Volumed__V1__DeleteHostRequest, Google__Protobuf__Empty)
VC_IMPL(vc_create_vm, VD_M_CREATE_VM, Volumed__V1__CreateVmRequest, Volumed__V1__Vm)
VC_IMPL(vc_get_vm, VD_M_GET_VM, Volumed__V1__GetVmRequest, Volumed__V1__Vm)
VC_IMPL(vc_list_vms, VD_M_LIST_VMS, Volumed__V1__ListVmsRequest, Volumed__V1__ListVmsResponse)
VC_IMPL(vc_delete_vm, VD_M_DELETE_VM, Volumed__V1__DeleteVmRequest, Google__Protobuf__Empty)
VC_IMPL(vc_health_check, VD_M_HEALTH_CHECK, Grpc__Health__V1__HealthCheckRequest, Grpc__Health__V1__HealthCheckResponse)
VC_IMPL(vc_resize_volume, VD_M_RESIZE_VOLUME, Volumed__V1__ResizeVolumeRequest, Volumed__V1__Volume)
VC_IMPL(vc_clone_volume, VD_M_CLONE_VOLUME, Volumed__V1__CloneVolumeRequest, Volumed__V1__Volume)
VC_IMPL(vc_scan_host, VD_M_SCAN_HOST, Volumed__V1__ScanHostRequest, Volumed__V1__ScanHostResponse)
VC_IMPL(vc_list_images, VD_M_LIST_IMAGES, Volumed__V1__ListImagesRequest, Volumed__V1__ListImagesResponse)
