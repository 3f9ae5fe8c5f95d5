/* rpc.h - the gRPC server: one completion queue, a pool of workers that
 * each own a Postgres connection, and a draining shutdown. */
#ifndef VOLUMED_RPC_H
#define VOLUMED_RPC_H

#include <stdbool.h>

#include "store.h"

typedef struct vd_rpc_config {
	const char *listen;       /* HOST:PORT; port 0 picks a free one */
	const char *database_url;
	int workers;
	int file_workers;         /* threads for calls that work on files */
	int max_message_bytes;
	int shutdown_grace_ms;    /* in-flight calls get this long, then are cancelled */
	const vd_local *local;    /* outlives the server */
} vd_rpc_config;

typedef struct vd_rpc vd_rpc;

/* Binds and starts serving. Returns NULL (after logging why) on failure;
 * *port receives the bound port. */
vd_rpc *vd_rpc_start(const vd_rpc_config *cfg, int *port);
/* Stops accepting calls, lets in-flight ones finish (cancelling them after
 * the grace period), joins the workers and frees everything. */
void vd_rpc_stop(vd_rpc *s);

#endif
