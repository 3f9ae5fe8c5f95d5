/* service.h - the RPC handlers: validate the request, ask the store, build
 * the response. The gRPC plumbing (rpc.c) decodes before and encodes after;
 * a handler only sees messages and the call's arena and database. */
#ifndef VOLUMED_SERVICE_H
#define VOLUMED_SERVICE_H

#include "arena.h"
#include "db.h"
#include "store.h"
#include "wire.h"

typedef struct vd_call {
	vd_method_id method;
	vd_arena *arena;
	vd_db *db;
	const vd_local *local; /* this volumed's host and roots */
	const ProtobufCMessage *request;
	ProtobufCMessage *response; /* set by the handler on success */
	vd_error err;               /* set by the handler on failure */
} vd_call;

/* Runs the handler of call->method. On return exactly one of
 * call->response and call->err is set. */
void vd_service_dispatch(vd_call *call);

/* True for a decoded call that will work on files (copies, mkfs, scans):
 * those run on threads of their own. */
bool vd_service_is_file_work(const vd_call *call);


#endif
