/* reply.c - building answers, and mapping errors to them. */
#include "reply.h"

#include <stdio.h>
#include <string.h>

#include "json.h"

void gw_reply_json(gw_reply *r, int http, json_t *body)
{
	r->http = http;
	r->body = body;
	r->reason[0] = '\0';
}

void gw_reply_error(gw_reply *r, const vd_error *err)
{
	gw_json_meta meta[VD_ERROR_META_MAX];
	for (int i = 0; i < err->nmeta; i++)
		meta[i] = (gw_json_meta){err->meta[i].key, err->meta[i].value};
	r->http = vd_reason_http(err->reason);
	snprintf(r->reason, sizeof r->reason, "%s", vd_reason_name(err->reason));
	r->body = gw_json_error(r->http, vd_code_name(vd_reason_code(err->reason)), r->reason, err->message,
				meta, err->nmeta);
}

/* The reason for an error that gRPC raised on its own, with no word from
 * volumed: the channel could not reach it, or the deadline passed. */
static vd_reason transport_reason(int code)
{
	switch (code) {
	case VD_CODE_UNAVAILABLE:
		return VD_VOLUMED_UNAVAILABLE;
	case VD_CODE_DEADLINE_EXCEEDED:
		return VD_DEADLINE_EXCEEDED;
	case VD_CODE_UNIMPLEMENTED:
		return VD_UNKNOWN_METHOD;
	default:
		return VD_INTERNAL;
	}
}

void gw_reply_status(gw_reply *r, const vc_status *st)
{
	gw_json_meta meta[VC_META_MAX];
	int nmeta = 0;
	for (; nmeta < st->nmeta && nmeta < VC_META_MAX; nmeta++)
		meta[nmeta] = (gw_json_meta){st->meta[nmeta].key, st->meta[nmeta].value};
	const char *message = st->message;
	int code = st->code;
	/* The gateway never cancels a call, so a CANCELLED that volumed did
	 * not explain is the connection going away under the call (volumed
	 * stopping): to the client that is volumed being unavailable. */
	if (!st->reason[0] && code == VD_CODE_CANCELLED)
		code = VD_CODE_UNAVAILABLE;
	if (st->reason[0]) {
		snprintf(r->reason, sizeof r->reason, "%s", st->reason);
	} else {
		vd_reason own = transport_reason(code);
		snprintf(r->reason, sizeof r->reason, "%s", vd_reason_name(own));
		/* gRPC's words name addresses and resolver internals: useful
		 * in the log, noise (and a leak) for a REST client. */
		snprintf(r->detail, sizeof r->detail, "%.*s", (int)sizeof r->detail - 1, st->message);
		message = own == VD_VOLUMED_UNAVAILABLE ? "volumed is unavailable; retry later"
			  : own == VD_DEADLINE_EXCEEDED ? "volumed did not answer before the deadline"
							: "the call to volumed failed";
	}
	r->http = vd_code_http(code);
	r->body = gw_json_error(r->http, vd_code_name(code), r->reason, message, meta, nmeta);
}

void gw_reply_dispose(gw_reply *r)
{
	if (!r)
		return;
	json_decref(r->body);
	r->body = NULL;
}
