/* main.c - volume-gateway: options, signals and wiring; then serve the
 * REST routes until SIGTERM/SIGINT. */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "http.h"
#include "log.h"
#include "opts.h"
#include "vc.h"

static struct {
	const char *listen, *volumed, *log_level;
	int timeout_ms, file_timeout_ms, threads, client_timeout_s, max_connections, shutdown_grace_ms;
} cfg;

static const vd_opt options[] = {
	{"listen", "GATEWAY_LISTEN", VD_OPT_STRING, "127.0.0.1:8080",
	 "address to serve HTTP on (HOST:PORT; port 0 picks a free port)", &cfg.listen, 0, 0},
	{"volumed", "GATEWAY_VOLUMED", VD_OPT_STRING, "127.0.0.1:50051", "volumed's gRPC address (HOST:PORT)",
	 &cfg.volumed, 0, 0},
	{"timeout-ms", "GATEWAY_TIMEOUT_MS", VD_OPT_INT, "5000",
	 "deadline of every call to volumed (504 DEADLINE_EXCEEDED after it)", &cfg.timeout_ms, 1, 600000},
	{"file-timeout-ms", "GATEWAY_FILE_TIMEOUT_MS", VD_OPT_INT, "600000",
	 "deadline of the calls that work on files instead (copies, mkfs, resize, clone, scans, images)",
	 &cfg.file_timeout_ms, 1, 86400000},
	{"threads", "GATEWAY_THREADS", VD_OPT_INT, "16",
	 "call threads: how many calls to volumed run at once (HTTP I/O runs on one thread per core)", &cfg.threads, 1,
	 1024},
	{"client-timeout-s", "GATEWAY_CLIENT_TIMEOUT_S", VD_OPT_INT, "30",
	 "close a client connection that sends nothing for this long (e.g. stalled mid-request)",
	 &cfg.client_timeout_s, 1, 86400},
	{"max-connections", "GATEWAY_MAX_CONNECTIONS", VD_OPT_INT, "1000",
	 "client connections served at once; more are refused", &cfg.max_connections, 1, 1000000},
	{"shutdown-grace-ms", "GATEWAY_SHUTDOWN_GRACE_MS", VD_OPT_INT, "10000",
	 "on SIGTERM/SIGINT, how long requests in progress may finish", &cfg.shutdown_grace_ms, 0, 3600000},
	{"log-level", "GATEWAY_LOG_LEVEL", VD_OPT_STRING, "info",
	 "error, warn, info (one access-log line per request) or debug", &cfg.log_level, 0, 0},
};
#define NOPTIONS (sizeof options / sizeof *options)

static void usage(FILE *f)
{
	fprintf(f, "usage: volume-gateway [options]\n\n"
		   "Serves the REST API of volumed (HTTP/JSON) by calling volumed over gRPC.\n\noptions:\n");
	vd_opts_usage(f, options, NOPTIONS);
}

/* jansson's allocations abort on failure, like every other allocation
 * here: a gateway that half-builds an answer is worse than one that
 * restarts. */
static void *must_malloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		abort();
	return p;
}

int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			usage(stdout);
			return 0;
		}
		if (strcmp(argv[i], "--version") == 0) {
			printf("volume-gateway %s\n", VOLUMED_VERSION);
			return 0;
		}
	}
	char err[256];
	int rest = vd_opts_parse(options, NOPTIONS, argc, argv, 1, err, sizeof err);
	if (rest != argc) {
		fprintf(stderr, "volume-gateway: %s\n", rest < 0 ? err : "unexpected argument");
		usage(stderr);
		return 2;
	}
	int level = vd_log_parse_level(cfg.log_level);
	if (level < 0) {
		fprintf(stderr, "volume-gateway: --log-level must be error, warn, info or debug\n");
		return 2;
	}
	vd_log_threshold = (vd_log_level)level;
	json_set_alloc_funcs(must_malloc, free);

	/* Block the stop signals before any thread exists (gRPC's, MHD's),
	 * so they all inherit the mask and only sigwait below sees them. */
	sigset_t stop;
	sigemptyset(&stop);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGINT);
	pthread_sigmask(SIG_BLOCK, &stop, NULL);
	signal(SIGPIPE, SIG_IGN);

	int port;
	int fd = gw_http_listen(cfg.listen, &port, err, sizeof err);
	if (fd < 0) {
		fprintf(stderr, "volume-gateway: %s\n", err);
		return 1;
	}
	/* One channel for the life of the process, shared by every thread;
	 * it reconnects by itself when volumed restarts. */
	vc_options vo = {.timeout_ms = cfg.timeout_ms};
	vc_client *client = vc_client_new(cfg.volumed, &vo);
	gw_http_config hc = {
		.listen_fd = fd,
		.client = client,
		.threads = cfg.threads,
		.client_timeout_s = cfg.client_timeout_s,
		.max_connections = cfg.max_connections,
		.file_timeout_ms = cfg.file_timeout_ms,
	};
	gw_http *http = gw_http_start(&hc, err, sizeof err);
	if (!http) {
		fprintf(stderr, "volume-gateway: %s\n", err);
		vc_client_free(client);
		return 1;
	}
	/* The line scripts and tests wait for: serving from here on. */
	const char *colon = strrchr(cfg.listen, ':');
	printf("volume-gateway listening on %.*s:%d\n", (int)(colon - cfg.listen), cfg.listen, port);
	fflush(stdout);
	vd_log(VD_LOG_INFO, "serving on port %d with %d threads, volumed at %s", port, cfg.threads,
	       cfg.volumed);

	int sig;
	sigwait(&stop, &sig);
	vd_log(VD_LOG_INFO, "%s: finishing requests in progress", sig == SIGTERM ? "SIGTERM" : "SIGINT");
	gw_http_stop(http, cfg.shutdown_grace_ms);
	vc_client_free(client);
	vd_log(VD_LOG_INFO, "stopped");
	return 0;
}
