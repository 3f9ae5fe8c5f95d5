/* harness.h - what integration tests start: a throwaway Postgres cluster on
 * a free port, and the real volumed (and gateway) binaries on free ports.
 * Everything started is stopped when the test exits, passes or fails. */
#ifndef VOLUMED_TEST_HARNESS_H
#define VOLUMED_TEST_HARNESS_H

#include <stdbool.h>
#include <sys/types.h>

#include <libpq-fe.h>

#include "tcheck.h"

typedef struct th_pg {
	char dir[256];  /* cluster and socket directory */
	int port;
	char url[512];  /* postgresql://... of the test database */
	bool running;
} th_pg;

typedef struct th_proc {
	pid_t pid;
	int port;           /* from its "listening on HOST:PORT" line */
	char addr[64];      /* "127.0.0.1:PORT" */
	char log[256];      /* its stderr, kept in a file */
} th_proc;

/* A new cluster with an empty "volumed" database. */
th_pg *th_pg_start(void);
/* Stops (fast shutdown) or starts again on the same port and data. */
void th_pg_stop(th_pg *pg);
void th_pg_restart(th_pg *pg);
/* A libpq connection to the test database (caller PQfinish-es). */
PGconn *th_pg_connect(th_pg *pg);
/* Runs SQL and returns the first column of the first row as a number. */
long long th_pg_scalar(th_pg *pg, const char *sql);

/* Starts volumed on a free port against pg with extra arguments (NULL
 * terminated), and waits for its "listening" line. */
th_proc *th_volumed_start(th_pg *pg, ...);
/* Starts volume-gateway on a free port in front of volumed (an address),
 * with extra arguments (NULL terminated). */
th_proc *th_gateway_start(const char *volumed_addr, ...);
/* The path of the volumectl binary. */
extern const char *const th_volumectl_bin;
/* Starts any binary that prints "... listening on HOST:PORT". */
th_proc *th_proc_start(const char *const *argv);
/* Sends sig; th_proc_wait returns the exit status (as from waitpid). */
void th_proc_kill(th_proc *p, int sig);
int th_proc_wait(th_proc *p);
/* SIGSTOP, returning only once every thread has stopped: the kernel stops
 * a process's threads one after another, and a loaded machine lets the
 * others answer calls in between. th_proc_thaw sends SIGCONT. */
void th_proc_freeze(th_proc *p);
void th_proc_thaw(th_proc *p);
/* SIGTERM, then checks that it exits 0 on its own (drained, no sanitizer
 * report). */
void th_proc_stop(th_proc *p);

/* A copy of s (NULL as "") that outlives the answer it came from: 256
 * rotating buffers of 512 bytes per thread. */
const char *th_keep(const char *s);
/* Runs a shell command; its exit status (128 when it did not exit). */
int th_run(const char *cmd);

/* A loopback port nobody listens on: bound, then closed again. */
int th_free_port(void);
/* A fresh random UUID string. */
void th_uuid(char out[37]);
/* A printf into a rotating buffer (32 per thread, for building names and
 * paths in place); copy the result to keep it longer. */
const char *th_fmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
