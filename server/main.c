/* main.c - volumed: options, signals, migrations, then serve until
 * SIGTERM/SIGINT. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <grpc/grpc.h>

#include "log.h"
#include "migrate.h"
#include "opts.h"
#include "rpc.h"

static struct {
	const char *listen, *database_url, *log_level;
	int workers, max_message_bytes, shutdown_grace_ms, db_wait_seconds;
} cfg;

static const vd_opt options[] = {
	{"listen", "VOLUMED_LISTEN", VD_OPT_STRING, "127.0.0.1:50051",
	 "address to serve gRPC on (HOST:PORT; port 0 picks a free port)", &cfg.listen, 0, 0},
	{"database-url", "VOLUMED_DATABASE_URL", VD_OPT_STRING, "postgresql://127.0.0.1:5432/volumed",
	 "Postgres connection URL or key=value string", &cfg.database_url, 0, 0},
	{"workers", "VOLUMED_WORKERS", VD_OPT_INT, "16",
	 "worker threads, each with its own Postgres connection", &cfg.workers, 1, 1024},
	{"max-message-bytes", "VOLUMED_MAX_MESSAGE_BYTES", VD_OPT_INT, "4194304",
	 "largest request accepted (RESOURCE_EXHAUSTED above)", &cfg.max_message_bytes, 1024, 1 << 30},
	{"shutdown-grace-ms", "VOLUMED_SHUTDOWN_GRACE_MS", VD_OPT_INT, "10000",
	 "on SIGTERM, how long in-flight calls may finish before they are cancelled",
	 &cfg.shutdown_grace_ms, 0, 3600000},
	{"db-wait-seconds", "VOLUMED_DB_WAIT_SECONDS", VD_OPT_INT, "60",
	 "at start-up, how long to wait for Postgres before giving up", &cfg.db_wait_seconds, 0, 86400},
	{"log-level", "VOLUMED_LOG_LEVEL", VD_OPT_STRING, "info",
	 "error, warn, info (one line per call) or debug", &cfg.log_level, 0, 0},
};
#define NOPTIONS (sizeof options / sizeof *options)

static void usage(FILE *f)
{
	fprintf(f, "usage: volumed [serve|migrate] [options]\n\n"
		   "  serve     apply migrations, then serve gRPC until SIGTERM (default)\n"
		   "  migrate   apply migrations and exit\n\noptions:\n");
	vd_opts_usage(f, options, NOPTIONS);
}

int main(int argc, char **argv)
{
	int first = 1;
	const char *command = "serve";
	if (argc > 1 && argv[1][0] != '-')
		command = argv[first++];
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			usage(stdout);
			return 0;
		}
		if (strcmp(argv[i], "--version") == 0) {
			printf("volumed %s\n", VOLUMED_VERSION);
			return 0;
		}
	}
	char err[256];
	int rest = vd_opts_parse(options, NOPTIONS, argc, argv, first, err, sizeof err);
	if (rest < 0 || rest != argc || (strcmp(command, "serve") && strcmp(command, "migrate"))) {
		fprintf(stderr, "volumed: %s\n", rest < 0 ? err
					      : rest != argc ? "unexpected argument"
							     : "unknown command (serve or migrate)");
		usage(stderr);
		return 2;
	}
	int level = vd_log_parse_level(cfg.log_level);
	if (level < 0) {
		fprintf(stderr, "volumed: --log-level must be error, warn, info or debug\n");
		return 2;
	}
	vd_log_threshold = (vd_log_level)level;

	/* Block the stop signals before gRPC starts its threads, so they all
	 * inherit the mask and only sigwait below sees them. */
	sigset_t stop;
	sigemptyset(&stop);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGINT);
	pthread_sigmask(SIG_BLOCK, &stop, NULL);
	signal(SIGPIPE, SIG_IGN);

	if (!vd_migrate(cfg.database_url, cfg.db_wait_seconds))
		return 1;
	if (strcmp(command, "migrate") == 0)
		return 0;

	grpc_init();
	vd_rpc_config rc = {
		.listen = cfg.listen,
		.database_url = cfg.database_url,
		.workers = cfg.workers,
		.max_message_bytes = cfg.max_message_bytes,
		.shutdown_grace_ms = cfg.shutdown_grace_ms,
	};
	int port;
	vd_rpc *rpc = vd_rpc_start(&rc, &port);
	if (!rpc) {
		grpc_shutdown();
		return 1;
	}
	/* The line scripts and tests wait for: serving from here on. */
	const char *colon = strrchr(cfg.listen, ':');
	printf("volumed listening on %.*s:%d\n", colon ? (int)(colon - cfg.listen) : 0, cfg.listen, port);
	fflush(stdout);
	vd_log(VD_LOG_INFO, "serving on port %d with %d workers", port, cfg.workers);

	int sig;
	sigwait(&stop, &sig);
	vd_log(VD_LOG_INFO, "%s: draining in-flight calls", sig == SIGTERM ? "SIGTERM" : "SIGINT");
	vd_rpc_stop(rpc);
	grpc_shutdown();
	vd_log(VD_LOG_INFO, "stopped");
	return 0;
}
