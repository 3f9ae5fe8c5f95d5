/* call.c - one volumed call per request, and the JSON shape of each
 * answer: objects, plain arrays for lists (the next page token goes into
 * a header), Location for what was created. */
#include "call.h"

#include <stdio.h>
#include <string.h>

#include "json.h"

/* A list answer (AIP-158) as a plain array: the items of its one repeated
 * field; its next_page_token goes into a header. */
static json_t *list(const ProtobufCMessage *m, gw_reply *r)
{
	const ProtobufCMessageDescriptor *d = m->descriptor;
	json_t *a = json_array();
	for (unsigned f = 0; f < d->n_fields; f++) {
		const ProtobufCFieldDescriptor *fd = &d->fields[f];
		if (fd->label != PROTOBUF_C_LABEL_REPEATED)
			continue;
		size_t n = *(const size_t *)((const char *)m + fd->quantifier_offset);
		ProtobufCMessage *const *items = *(ProtobufCMessage *const *const *)((const char *)m + fd->offset);
		for (size_t i = 0; i < n; i++)
			json_array_append_new(a, vj_object(items[i]));
	}
	const ProtobufCFieldDescriptor *next = protobuf_c_message_descriptor_get_field_by_name(d, "next_page_token");
	const char *token = *(const char *const *)((const char *)m + next->offset);
	snprintf(r->next_page_token, sizeof r->next_page_token, "%s", token ? token : "");
	return a;
}

enum body { NO_BODY, OBJECT, LIST };

/* The answer to each op when volumed says OK: an OBJECT body is the
 * response message itself (vj_object), a LIST body its items (list). */
static const struct {
	int http;
	enum body body;
	const char *location; /* prefix of the Location of what was created */
	bool read;            /* changes nothing, so it may be sent twice */
} answers[GW_OP_COUNT] = {
	[GW_OP_LIST_VOLUMES] = {200, LIST, NULL, true},
	[GW_OP_GET_VOLUME] = {200, OBJECT, NULL, true},
	[GW_OP_CREATE_VOLUME] = {201, OBJECT, "/v1/volumes/", false},
	[GW_OP_UPDATE_VOLUME_STATUS] = {200, OBJECT, NULL, false},
	[GW_OP_DELETE_VOLUME] = {204, NO_BODY, NULL, false},
	[GW_OP_ATTACH_VOLUME] = {200, OBJECT, NULL, false},
	[GW_OP_DETACH_VOLUME] = {200, OBJECT, NULL, false},
	[GW_OP_LIST_ATTACHMENTS] = {200, LIST, NULL, true},
	[GW_OP_REGISTER_VOLUME] = {200, OBJECT, NULL, false},
	[GW_OP_CREATE_HOST] = {201, OBJECT, "/v1/hosts/", false},
	[GW_OP_GET_HOST] = {200, OBJECT, NULL, true},
	[GW_OP_LIST_HOSTS] = {200, LIST, NULL, true},
	[GW_OP_DELETE_HOST] = {204, NO_BODY, NULL, false},
	[GW_OP_CREATE_VM] = {201, OBJECT, "/v1/vms/", false},
	[GW_OP_GET_VM] = {200, OBJECT, NULL, true},
	[GW_OP_LIST_VMS] = {200, LIST, NULL, true},
	[GW_OP_DELETE_VM] = {204, NO_BODY, NULL, false},
	[GW_OP_HEALTH] = {200, NO_BODY, NULL, true},
	/* A resize changes the volume it names, so it answers that volume
	 * (200); a clone makes a new one (201, Location). A scan writes what
	 * it finds (sizes, missing files) and may register volumes, so it is
	 * no read to send twice either. */
	[GW_OP_RESIZE_VOLUME] = {200, OBJECT, NULL, false},
	[GW_OP_CLONE_VOLUME] = {201, OBJECT, "/v1/volumes/", false},
	[GW_OP_SCAN_HOST] = {200, OBJECT, NULL, false},
	[GW_OP_LIST_IMAGES] = {200, LIST, NULL, true},
};

/* Calls volumed. A read whose call never got an answer from volumed (the
 * connection was lost under it, as when a volumed behind a balancer
 * restarts) is sent once more at once: it changes nothing, and the second
 * try usually finds a live connection. Writes are not retried here, as
 * the gateway cannot know whether the first one was carried out. */
static int call(vc_client *c, const gw_request *q, ProtobufCMessage **resp, const vc_call_opts *o,
		vc_status *st)
{
	int code = vc_call(c, q->rpc, &q->msg.base, resp, o, st);
	if (code != VD_CODE_OK && answers[q->op].read && !st->reason[0] &&
	    (code == VD_CODE_UNAVAILABLE || code == VD_CODE_CANCELLED))
		code = vc_call(c, q->rpc, &q->msg.base, resp, o, st);
	return code;
}

/* /healthz: volumed answers the health check itself, and says
 * NOT_SERVING when Postgres does not answer it. */
static void health(vc_client *c, const gw_request *q, const vc_call_opts *o, gw_reply *r)
{
	vc_status st;
	ProtobufCMessage *resp = NULL;
	if (call(c, q, &resp, o, &st) != VD_CODE_OK) {
		gw_reply_status(r, &st);
		return;
	}
	const Grpc__Health__V1__HealthCheckResponse *h = (const Grpc__Health__V1__HealthCheckResponse *)resp;
	if (h->status != GRPC__HEALTH__V1__HEALTH_CHECK_RESPONSE__SERVING_STATUS__SERVING) {
		vd_error err = {0};
		vd_error_set(&err, VD_DATABASE_UNAVAILABLE,
			     "volumed is up but not serving: Postgres is unreachable");
		gw_reply_error(r, &err);
	} else {
		json_t *body = json_object();
		json_object_set_new(body, "status", json_string("SERVING"));
		gw_reply_json(r, 200, body);
	}
	vc_free(resp);
}

void gw_call(vc_client *c, const gw_request *q, const vc_call_opts *o, gw_reply *r)
{
	if (q->op == GW_OP_OPTIONS) {
		gw_reply_json(r, 204, NULL);
		return;
	}
	if (q->op == GW_OP_HEALTH) {
		health(c, q, o, r);
		return;
	}
	vc_status st;
	ProtobufCMessage *resp = NULL;
	if (call(c, q, &resp, o, &st) != VD_CODE_OK) {
		gw_reply_status(r, &st);
		return;
	}
	json_t *body = answers[q->op].body == LIST     ? list(resp, r)
		       : answers[q->op].body == OBJECT ? vj_object(resp)
						       : NULL;
	gw_reply_json(r, answers[q->op].http, body);
	if (answers[q->op].location) {
		const ProtobufCFieldDescriptor *f =
			protobuf_c_message_descriptor_get_field_by_name(resp->descriptor, "id");
		const char *id = f ? *(const char *const *)((const char *)resp + f->offset) : "";
		snprintf(r->location, sizeof r->location, "%s%s", answers[q->op].location, id);
	}
	vc_free(resp);
}
