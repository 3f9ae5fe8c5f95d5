/* main.c - volumed: options, signals, migrations, then serve until
 * SIGTERM/SIGINT. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <grpc/grpc.h>

#include "log.h"
#include "migrate.h"
#include "opts.h"
#include "path.h"
#include "rpc.h"
#include "store.h"

static struct {
	const char *listen, *database_url, *log_level;
	const char *host_name, *host_address, *image_root, *storage_root, *volume_root;
	int workers, file_workers, max_message_bytes, shutdown_grace_ms, db_wait_seconds;
} cfg;

static const vd_opt options[] = {
	{"listen", "VOLUMED_LISTEN", VD_OPT_STRING, "127.0.0.1:50051",
	 "address to serve gRPC on (HOST:PORT; port 0 picks a free port)", &cfg.listen, 0, 0},
	{"database-url", "VOLUMED_DATABASE_URL", VD_OPT_STRING, "postgresql://127.0.0.1:5432/volumed",
	 "Postgres connection URL or key=value string", &cfg.database_url, 0, 0},
	{"workers", "VOLUMED_WORKERS", VD_OPT_INT, "0",
	 "worker threads, each with its own Postgres connection; 0 = 3 per core, at least 4",
	 &cfg.workers, 0, 1024},
	{"file-workers", "VOLUMED_FILE_WORKERS", VD_OPT_INT, "4",
	 "threads for calls that work on files (copies, mkfs, scans), so they never hold up the others",
	 &cfg.file_workers, 1, 256},
	{"max-message-bytes", "VOLUMED_MAX_MESSAGE_BYTES", VD_OPT_INT, "4194304",
	 "largest request accepted (RESOURCE_EXHAUSTED above)", &cfg.max_message_bytes, 1024, 1 << 30},
	{"shutdown-grace-ms", "VOLUMED_SHUTDOWN_GRACE_MS", VD_OPT_INT, "10000",
	 "on SIGTERM, how long in-flight calls may finish before they are cancelled",
	 &cfg.shutdown_grace_ms, 0, 3600000},
	{"db-wait-seconds", "VOLUMED_DB_WAIT_SECONDS", VD_OPT_INT, "60",
	 "at start-up, how long to wait for Postgres before giving up", &cfg.db_wait_seconds, 0, 86400},
	{"log-level", "VOLUMED_LOG_LEVEL", VD_OPT_STRING, "info",
	 "error, warn, info (one line per call) or debug", &cfg.log_level, 0, 0},
	{"host-name", "VOLUMED_HOST_NAME", VD_OPT_STRING, NULL,
	 "the host whose files this volumed manages (its host row is created or found at start-up); "
	 "without it volumed keeps the registry only and refuses file operations with WRONG_HOST",
	 &cfg.host_name, 0, 0},
	{"host-address", "VOLUMED_HOST_ADDRESS", VD_OPT_STRING, "",
	 "the address recorded for --host-name", &cfg.host_address, 0, 0},
	{"image-root", "VOLUMED_IMAGE_ROOT", VD_OPT_STRING, "/srv/images",
	 "templates (kernels, rootfs images); containers/ and functions/ rootfs copies", &cfg.image_root, 0, 0},
	{"storage-root", "VOLUMED_STORAGE_ROOT", VD_OPT_STRING, "/srv/fc/vms",
	 "per-VM storage: {storage-root}/{vm-id}/storage/rootfs-{uuid}.ext4", &cfg.storage_root, 0, 0},
	{"volume-root", "VOLUMED_VOLUME_ROOT", VD_OPT_STRING, "/srv/fc/volumes",
	 "provisioned data volumes", &cfg.volume_root, 0, 0},
};
#define NOPTIONS (sizeof options / sizeof *options)

static void usage(FILE *f)
{
	fprintf(f, "usage: volumed [serve|migrate] [options]\n\n"
		   "  serve     apply migrations, then serve gRPC until SIGTERM (default)\n"
		   "  migrate   apply migrations and exit\n\noptions:\n");
	vd_opts_usage(f, options, NOPTIONS);
}

/* A root must be a clean absolute path: file operations compare paths
 * with it as text before resolving anything. */
static bool clean_root(const char *flag, const char *value)
{
	char buf[VD_PATH_MAX + 1];
	const char *why = "is too long";
	size_t n = strlen(value);
	if (n <= VD_PATH_MAX && vd_path_normalize(value, n, buf, &why) && strcmp(buf, value) == 0)
		return true;
	fprintf(stderr, "volumed: --%s %s: must be a clean absolute path (%s)\n", flag, value,
		strcmp(buf, value) ? "normalised it would differ" : why);
	return false;
}

/* With --host-name, finds or creates this volumed's host row. */
static bool local_setup(vd_local *l)
{
	l->roots = (vd_roots){cfg.image_root, cfg.storage_root, cfg.volume_root};
	if (!cfg.host_name || !*cfg.host_name)
		return true;
	vd_db *db = vd_db_new(cfg.database_url);
	vd_arena *a = vd_arena_new();
	vd_error err = {0};
	Volumed__V1__Host *h;
	bool ok = vd_db_ready(db, &err) && vd_store_host_ensure(db, a, cfg.host_name, cfg.host_address, &h, &err);
	if (ok) {
		l->has_host = true;
		l->host_name = cfg.host_name;
		snprintf(l->host_id, sizeof l->host_id, "%s", h->id);
		vd_log(VD_LOG_INFO, "managing files of host %s (%s): images %s, storage %s, volumes %s",
		       cfg.host_name, l->host_id, cfg.image_root, cfg.storage_root, cfg.volume_root);
	} else {
		vd_log(VD_LOG_ERROR, "cannot register host %s: %s", cfg.host_name, err.message);
	}
	vd_arena_free(a);
	vd_db_free(db);
	return ok;
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
	if (cfg.workers == 0) {
		/* More threads than this only take turns on the one completion
		 * queue and rotate more Postgres backends through the caches:
		 * measured on 2 cores at 8 and 32 clients, 6 workers did 40-50 %
		 * more GetVolume and attach+detach than 16 (bench/). */
		long cores = sysconf(_SC_NPROCESSORS_ONLN);
		cfg.workers = cores > 0 ? (int)(3 * cores) : 4;
		if (cfg.workers < 4)
			cfg.workers = 4;
	}
	if (!clean_root("image-root", cfg.image_root) || !clean_root("storage-root", cfg.storage_root) ||
	    !clean_root("volume-root", cfg.volume_root))
		return 2;

	/* Block the stop signals before gRPC starts its threads, so they all
	 * inherit the mask and only sigwait below sees them. */
	sigset_t stop;
	sigemptyset(&stop);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGINT);
	pthread_sigmask(SIG_BLOCK, &stop, NULL);
	signal(SIGPIPE, SIG_IGN);
	/* A file size limit must fail the write (EFBIG -> NO_SPACE), not kill us. */
	signal(SIGXFSZ, SIG_IGN);

	if (!vd_migrate(cfg.database_url, cfg.db_wait_seconds))
		return 1;
	if (strcmp(command, "migrate") == 0)
		return 0;
	vd_local local = {0};
	if (!local_setup(&local))
		return 1;

	grpc_init();
	vd_rpc_config rc = {
		.listen = cfg.listen,
		.database_url = cfg.database_url,
		.workers = cfg.workers,
		.file_workers = cfg.file_workers,
		.max_message_bytes = cfg.max_message_bytes,
		.shutdown_grace_ms = cfg.shutdown_grace_ms,
		.local = &local,
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
