/* reply.h - what the gateway answers: an HTTP status, a JSON body and the
 * headers that go with it; and the one mapping of every error, the
 * gateway's own (vd_error) or volumed's (vc_status), to such an answer.
 * The codes, statuses and reasons all come from the shared table in
 * proto/wire.c. */
#ifndef VOLUMED_GW_REPLY_H
#define VOLUMED_GW_REPLY_H

#include <jansson.h>

#include "vc.h"
#include "wire.h"

typedef struct gw_reply {
	int http;
	json_t *body;              /* owned; NULL for no body (204) */
	char reason[64];           /* the error's reason, "" on success */
	char location[96];         /* Location of what a create made, or "" */
	char next_page_token[256]; /* X-Next-Page-Token, or "" on the last page */
	/* What went wrong in words the client is not given (gRPC's own
	 * account of an outage), for the access log; "" when nothing. */
	char detail[256];
} gw_reply;

/* A success with a JSON body (taking the reference) or, for NULL, none. */
void gw_reply_json(gw_reply *r, int http, json_t *body);
/* A gateway error: status and reason from the reason table. */
void gw_reply_error(gw_reply *r, const vd_error *err);
/* A failed call to volumed: the HTTP status from the gRPC code, volumed's
 * reason and message carried through. An error gRPC raised itself (no
 * reason: volumed unreachable, deadline passed) gets the gateway's reason
 * for it. */
void gw_reply_status(gw_reply *r, const vc_status *st);
/* Frees the body; the struct may be filled again. */
void gw_reply_dispose(gw_reply *r);

#endif
