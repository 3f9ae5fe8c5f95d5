/* call.h - a parsed request sent to volumed, and its answer turned into a
 * reply. The only module that talks to volumed. */
#ifndef VOLUMED_GW_CALL_H
#define VOLUMED_GW_CALL_H

#include "reply.h"
#include "route.h"
#include "vc.h"

/* Makes the call q asks for (nothing for GW_OP_OPTIONS) and fills r.
 * Blocks for at most the deadline of o (or the client's default). */
void gw_call(vc_client *c, const gw_request *q, const vc_call_opts *o, gw_reply *r);

#endif
