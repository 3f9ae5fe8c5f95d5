/* http.h - the HTTP side of the gateway on libmicrohttpd: the listening
 * socket, epoll I/O threads and a pool of call threads, the body limit, request ids, the
 * access log, and a shutdown that lets requests in progress finish. */
#ifndef VOLUMED_GW_HTTP_H
#define VOLUMED_GW_HTTP_H

#include <stddef.h>

#include "vc.h"

typedef struct gw_http gw_http;

typedef struct gw_http_config {
	int listen_fd;        /* from gw_http_listen; the server owns it from here */
	vc_client *client;    /* shared by every thread; not owned */
	int threads;          /* call threads: how many calls to volumed run at once */
	int client_timeout_s; /* a connection idle this long is closed */
	int max_connections;
	/* Deadline of the calls that make volumed work on files (copies,
	 * mkfs, scans), in place of the client's default; 0 = that default. */
	int file_timeout_ms;
} gw_http_config;

/* Binds and listens on "HOST:PORT", "[V6]:PORT" or ":PORT" (any address);
 * port 0 picks a free one. Returns the socket and the bound port in *port,
 * or -1 with a sentence in err. */
int gw_http_listen(const char *hostport, int *port, char *err, size_t errsz);

/* Starts serving on cfg->listen_fd. Returns NULL with a sentence in err
 * when libmicrohttpd refuses (the socket is closed then too). */
gw_http *gw_http_start(const gw_http_config *cfg, char *err, size_t errsz);

/* Stops accepting connections, lets the requests in progress finish for
 * up to grace_ms, then closes every connection and frees everything.
 * NULL is fine. */
void gw_http_stop(gw_http *h, int grace_ms);

#endif
