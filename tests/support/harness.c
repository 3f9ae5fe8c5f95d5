/* harness.c - starting and stopping Postgres and our binaries for tests.
 *
 * CI runs as root and Postgres refuses to run as root, so cluster commands
 * run as the postgres user (runuser) when we are root. Readiness is always
 * a real signal: pg_ctl -w waits until Postgres accepts connections, and
 * our binaries print "listening on HOST:PORT" once they serve. */
#include "harness.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <uuid/uuid.h>

#define MAX_THINGS 32

static th_pg *pgs[MAX_THINGS];
static int npgs;
static th_proc *procs[MAX_THINGS];
static int nprocs;
static bool cleanup_registered;

static void dump_log(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return;
	/* The tail is what explains a failure. */
	char *lines[40] = {0};
	int n = 0;
	char buf[1024];
	while (fgets(buf, sizeof buf, f)) {
		free(lines[n % 40]);
		lines[n % 40] = strdup(buf);
		n++;
	}
	fclose(f);
	fprintf(stderr, "---- last lines of %s ----\n", path);
	for (int i = n > 40 ? n - 40 : 0; i < n; i++)
		fputs(lines[i % 40], stderr);
	for (int i = 0; i < 40; i++)
		free(lines[i]);
}

static int run(const char *const *argv, const char *out_path)
{
	pid_t pid = fork();
	if (pid == 0) {
		int fd = open(out_path ? out_path : "/dev/null", O_WRONLY | O_CREAT | O_APPEND, 0644);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execvp(argv[0], (char *const *)argv);
		_exit(127);
	}
	int st;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* Runs a Postgres tool, as the postgres user when we are root. */
static int run_pg(th_pg *pg, const char *tool, const char *const *args)
{
	const char *argv[32];
	int n = 0;
	char path[512];
	snprintf(path, sizeof path, "%s/%s", TH_PG_BINDIR, tool);
	if (geteuid() == 0) {
		argv[n++] = "runuser";
		argv[n++] = "-u";
		argv[n++] = "postgres";
		argv[n++] = "--";
	}
	argv[n++] = path;
	for (; *args; args++)
		argv[n++] = *args;
	argv[n] = NULL;
	char out[300];
	snprintf(out, sizeof out, "%s/tools.log", pg->dir);
	return run(argv, out);
}

static void cleanup(void)
{
	for (int i = 0; i < nprocs; i++) {
		if (procs[i]->pid > 0) {
			kill(procs[i]->pid, SIGKILL);
			waitpid(procs[i]->pid, NULL, 0);
			procs[i]->pid = 0;
		}
		if (!getenv("TH_KEEP"))
			unlink(procs[i]->log);
	}
	for (int i = 0; i < npgs; i++) {
		th_pg *pg = pgs[i];
		char data[300];
		snprintf(data, sizeof data, "%s/data", pg->dir);
		if (pg->running) {
			const char *args[] = {"stop", "-D", data, "-m", "immediate", "-w", NULL};
			run_pg(pg, "pg_ctl", args);
			pg->running = false;
		}
		if (!getenv("TH_KEEP")) {
			const char *rm[] = {"rm", "-rf", pg->dir, NULL};
			run(rm, NULL);
		}
	}
	npgs = nprocs = 0;
}

void th_fail(void)
{
	for (int i = 0; i < nprocs; i++)
		dump_log(procs[i]->log);
	for (int i = 0; i < npgs; i++) {
		char p[300];
		snprintf(p, sizeof p, "%s/postgres.log", pgs[i]->dir);
		dump_log(p);
	}
	exit(1);
}

static void register_cleanup(void)
{
	if (!cleanup_registered) {
		atexit(cleanup);
		signal(SIGPIPE, SIG_IGN);
		cleanup_registered = true;
	}
}

int th_free_port(void)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof a;
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) < 0 ||
	    getsockname(fd, (struct sockaddr *)&a, &len) < 0) {
		perror("th_free_port");
		th_fail();
	}
	close(fd);
	return ntohs(a.sin_port);
}

static bool pg_ctl_start(th_pg *pg)
{
	char data[300], log[300], opts[600];
	snprintf(data, sizeof data, "%s/data", pg->dir);
	snprintf(log, sizeof log, "%s/postgres.log", pg->dir);
	/* Durability is not under test here; speed is welcome. */
	snprintf(opts, sizeof opts,
		 "-p %d -k %s -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off "
		 "-c full_page_writes=off -c max_connections=300",
		 pg->port, pg->dir);
	const char *args[] = {"start", "-D", data, "-l", log, "-o", opts, "-w", "-t", "60", NULL};
	return run_pg(pg, "pg_ctl", args) == 0;
}

th_pg *th_pg_start(void)
{
	register_cleanup();
	th_pg *pg = calloc(1, sizeof *pg);
	snprintf(pg->dir, sizeof pg->dir, "/tmp/volumed-test-XXXXXX");
	if (!mkdtemp(pg->dir)) {
		perror("mkdtemp");
		th_fail();
	}
	pgs[npgs++] = pg;
	if (geteuid() == 0) {
		struct passwd *pw = getpwnam("postgres");
		if (!pw || chown(pg->dir, pw->pw_uid, pw->pw_gid) < 0) {
			fprintf(stderr, "cannot hand %s to the postgres user\n", pg->dir);
			th_fail();
		}
	}
	char data[300];
	snprintf(data, sizeof data, "%s/data", pg->dir);
	const char *init[] = {"-D", data, "-U", "postgres", "-A", "trust", "-N", "-E", "UTF8",
			      "--locale=C.UTF-8", NULL};
	if (run_pg(pg, "initdb", init) != 0) {
		fprintf(stderr, "initdb failed\n");
		dump_log(th_fmt("%s/tools.log", pg->dir));
		th_fail();
	}
	for (int attempt = 0; attempt < 5 && !pg->running; attempt++) {
		pg->port = th_free_port();
		pg->running = pg_ctl_start(pg);
	}
	if (!pg->running) {
		fprintf(stderr, "postgres did not start\n");
		th_fail();
	}
	snprintf(pg->url, sizeof pg->url, "postgresql://postgres@127.0.0.1:%d/volumed", pg->port);
	char admin[300];
	snprintf(admin, sizeof admin, "postgresql://postgres@127.0.0.1:%d/postgres", pg->port);
	PGconn *c = PQconnectdb(admin);
	PGresult *r = PQexec(c, "CREATE DATABASE volumed");
	if (PQresultStatus(r) != PGRES_COMMAND_OK) {
		fprintf(stderr, "create database: %s\n", PQerrorMessage(c));
		th_fail();
	}
	PQclear(r);
	PQfinish(c);
	return pg;
}

void th_pg_stop(th_pg *pg)
{
	char data[300];
	snprintf(data, sizeof data, "%s/data", pg->dir);
	const char *args[] = {"stop", "-D", data, "-m", "fast", "-w", NULL};
	if (run_pg(pg, "pg_ctl", args) != 0) {
		fprintf(stderr, "pg_ctl stop failed\n");
		th_fail();
	}
	pg->running = false;
}

void th_pg_restart(th_pg *pg)
{
	if (!pg_ctl_start(pg)) {
		fprintf(stderr, "postgres did not start again on port %d\n", pg->port);
		th_fail();
	}
	pg->running = true;
}

PGconn *th_pg_connect(th_pg *pg)
{
	PGconn *c = PQconnectdb(pg->url);
	if (PQstatus(c) != CONNECTION_OK) {
		fprintf(stderr, "connect %s: %s\n", pg->url, PQerrorMessage(c));
		th_fail();
	}
	return c;
}

long long th_pg_scalar(th_pg *pg, const char *sql)
{
	PGconn *c = th_pg_connect(pg);
	PGresult *r = PQexec(c, sql);
	if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) < 1) {
		fprintf(stderr, "query failed: %s\n%s\n", sql, PQerrorMessage(c));
		th_fail();
	}
	long long v = atoll(PQgetvalue(r, 0, 0));
	PQclear(r);
	PQfinish(c);
	return v;
}

th_proc *th_proc_start(const char *const *argv)
{
	register_cleanup();
	th_proc *p = calloc(1, sizeof *p);
	snprintf(p->log, sizeof p->log, "/tmp/volumed-test-%d-%d.log", (int)getpid(), nprocs);
	procs[nprocs++] = p;
	int fds[2];
	if (pipe(fds) < 0) {
		perror("pipe");
		th_fail();
	}
	p->pid = fork();
	if (p->pid == 0) {
		int fd = open(p->log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		dup2(fds[1], 1);
		if (fd >= 0)
			dup2(fd, 2);
		close(fds[0]);
		execv(argv[0], (char *const *)argv);
		fprintf(stderr, "exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(fds[1]);
	/* Read stdout until the "listening on HOST:PORT" line. */
	char buf[512];
	size_t used = 0;
	const char *found = NULL;
	time_t until = time(NULL) + 60;
	while (!found && time(NULL) < until) {
		struct pollfd pfd = {.fd = fds[0], .events = POLLIN};
		if (poll(&pfd, 1, 1000) <= 0)
			continue;
		ssize_t k = read(fds[0], buf + used, sizeof buf - 1 - used);
		if (k <= 0)
			break;
		used += (size_t)k;
		buf[used] = '\0';
		const char *l = strstr(buf, "listening on ");
		if (l && strchr(l, '\n'))
			found = l + strlen("listening on ");
	}
	close(fds[0]);
	if (!found) {
		fprintf(stderr, "%s did not report listening\n", argv[0]);
		th_fail();
	}
	const char *colon = strrchr(found, ':');
	p->port = atoi(colon + 1);
	snprintf(p->addr, sizeof p->addr, "127.0.0.1:%d", p->port);
	return p;
}

th_proc *th_volumed_start(th_pg *pg, ...)
{
	const char *argv[32] = {TH_VOLUMED_BIN, "--listen", "127.0.0.1:0", "--database-url", pg->url};
	int n = 5;
	va_list ap;
	va_start(ap, pg);
	for (const char *a; n < 31 && (a = va_arg(ap, const char *));)
		argv[n++] = a;
	va_end(ap);
	argv[n] = NULL;
	return th_proc_start(argv);
}

th_proc *th_gateway_start(const char *volumed_addr, ...)
{
	const char *argv[32] = {TH_GATEWAY_BIN, "--listen", "127.0.0.1:0", "--volumed", volumed_addr};
	int n = 5;
	va_list ap;
	va_start(ap, volumed_addr);
	for (const char *a; n < 31 && (a = va_arg(ap, const char *));)
		argv[n++] = a;
	va_end(ap);
	argv[n] = NULL;
	return th_proc_start(argv);
}

const char *const th_volumectl_bin = TH_VOLUMECTL_BIN;

void th_proc_kill(th_proc *p, int sig)
{
	if (p->pid > 0)
		kill(p->pid, sig);
}

void th_proc_freeze(th_proc *p)
{
	CHECK(p->pid > 0 && kill(p->pid, SIGSTOP) == 0);
	/* waitpid reports the stop when the whole group has stopped. */
	int st = 0;
	pid_t r;
	while ((r = waitpid(p->pid, &st, WUNTRACED)) < 0 && errno == EINTR)
		;
	CHECK(r == p->pid && WIFSTOPPED(st));
}

void th_proc_thaw(th_proc *p)
{
	CHECK(p->pid > 0 && kill(p->pid, SIGCONT) == 0);
}

int th_proc_wait(th_proc *p)
{
	int st = 0;
	if (p->pid > 0) {
		while (waitpid(p->pid, &st, 0) < 0 && errno == EINTR)
			;
		p->pid = 0;
	}
	return st;
}

void th_proc_stop(th_proc *p)
{
	th_proc_kill(p, SIGTERM);
	int st = th_proc_wait(p);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		fprintf(stderr, "process %s did not exit cleanly (status %d)\n", p->log, st);
		dump_log(p->log);
		th_fail();
	}
}

const char *th_keep(const char *s)
{
	static __thread char ring[256][512];
	static __thread int next;
	char *b = ring[next++ % 256];
	snprintf(b, sizeof ring[0], "%s", s ? s : "");
	return b;
}

int th_run(const char *cmd)
{
	int rc = system(cmd);
	return WIFEXITED(rc) ? WEXITSTATUS(rc) : 128;
}

void th_uuid(char out[37])
{
	uuid_t u;
	uuid_generate_random(u);
	uuid_unparse_lower(u, out);
}

const char *th_fmt(const char *fmt, ...)
{
	static __thread char bufs[32][1024];
	static __thread int next;
	char *b = bufs[next++ % 32];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(b, sizeof bufs[0], fmt, ap);
	va_end(ap);
	return b;
}
