/* it_faults - volumed when things go wrong around it: Postgres stopped and
 * started again under it (UNAVAILABLE/DATABASE_UNAVAILABLE and NOT_SERVING,
 * no crash, recovery without a restart, nothing half-written, also under
 * load), SIGTERM in the middle of a burst (every call answered or cleanly
 * refused, exit 0), and SIGTERM while a call waits on a row lock held by
 * another Postgres session (exit 0 within a bounded time, nothing written). */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fixtures.h"

#define NLOADERS 16
#define CALL_TIMEOUT_MS 20000 /* a call past this hung */
#define WAIT_SECONDS 60       /* bound on any wait for a condition */

static th_pg *pg;
static char host[37];

static double now_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* The pause between two looks at a condition that is polled. */
static void pause_ms(int ms)
{
	struct timespec t = {0, ms * 1000000L};
	nanosleep(&t, NULL);
}

/* Waits (bounded) for p to exit; returns its status, or -1 on time-out
 * (p is then still running and left to the harness's clean-up). */
static int wait_exit(th_proc *p, int seconds)
{
	double until = now_s() + seconds;
	while (now_s() < until) {
		int st;
		pid_t r = waitpid(p->pid, &st, WNOHANG);
		if (r == p->pid) {
			p->pid = 0;
			return st;
		}
		if (r < 0 && errno != EINTR) {
			perror("waitpid");
			th_fail();
		}
		pause_ms(10);
	}
	return -1;
}

static bool running(const th_proc *p)
{
	return p->pid > 0 && waitpid(p->pid, NULL, WNOHANG) == 0;
}

static vc_client *client(const th_proc *vd)
{
	return vc_client_new(vd->addr, &(vc_options){.timeout_ms = CALL_TIMEOUT_MS, .own_connection = true});
}

static int get_volume(vc_client *c, const char *id, vc_status *st)
{
	Volumed__V1__GetVolumeRequest q = VOLUMED__V1__GET_VOLUME_REQUEST__INIT;
	q.id = (char *)id;
	Volumed__V1__Volume *v = NULL;
	int code = vc_get_volume(c, &q, &v, NULL, st);
	vc_free(v);
	return code;
}

/* The health service's answer: SERVING, NOT_SERVING, or -1 if the call failed. */
static int health(vc_client *c)
{
	Grpc__Health__V1__HealthCheckRequest q = GRPC__HEALTH__V1__HEALTH_CHECK_REQUEST__INIT;
	Grpc__Health__V1__HealthCheckResponse *r = NULL;
	vc_status st;
	if (vc_health_check(c, &q, &r, NULL, &st) != 0)
		return -1;
	int s = r->status;
	vc_free(r);
	return s;
}

/* ---- Loaders: each attaches and detaches its own volume to its own VM,
 * keeping what it was told, until told to stop. ---- */

enum { DETACHED, ATTACHED, UNKNOWN };

typedef struct loader {
	vc_client *c;
	char vol[37], vm[37];
	int known; /* what volumed said last: DETACHED, ATTACHED (as att) or UNKNOWN */
	char att[37];
	int ok;        /* calls answered OK */
	int answered;  /* calls answered with a reason of the API */
	int db_down;   /* UNAVAILABLE / DATABASE_UNAVAILABLE */
	int refused;   /* UNAVAILABLE from gRPC itself: volumed not (or no longer) there */
	int cancelled; /* CANCELLED */
	int bad;       /* anything else */
	char first_bad[800];
	int index;
	char rid[32]; /* the x-request-id of the call in progress */
	char cancelled_rids[8][32];
	char last_ok_rid[32];
} loader;

static loader loaders[NLOADERS];
static int stop_loaders;

static void note_bad(loader *l, const char *op, const vc_status *st)
{
	if (!l->bad++)
		snprintf(l->first_bad, sizeof l->first_bad, "%s got %s/%s: %s (known state %d)", op,
		         vd_code_name(st->code), st->reason, st->message, l->known);
}

/* How a failed call is counted; false if it is not one of the ways a call
 * may fail here. The state becomes UNKNOWN: the change may have committed
 * even though the answer was lost. */
static bool failed_cleanly(loader *l, const vc_status *st)
{
	if (st->code == VD_CODE_UNAVAILABLE && strcmp(st->reason, "DATABASE_UNAVAILABLE") == 0)
		l->db_down++;
	else if (st->code == VD_CODE_UNAVAILABLE && !st->reason[0])
		l->refused++;
	else if (st->code == VD_CODE_CANCELLED && l->cancelled++ < 8)
		snprintf(l->cancelled_rids[l->cancelled - 1], sizeof l->rid, "%s", l->rid);
	else if (st->code == VD_CODE_CANCELLED)
		; /* counted */
	else
		return false;
	l->known = UNKNOWN;
	return true;
}

static void *loader_thread(void *arg)
{
	loader *l = arg;
	for (int i = 0; !__atomic_load_n(&stop_loaders, __ATOMIC_ACQUIRE); i++) {
		vc_status st;
		/* Every call carries its own id into volumed's log. */
		snprintf(l->rid, sizeof l->rid, "loader-%d-call-%d", l->index, i);
		vc_call_opts o = {.request_id = l->rid};
		if (i % 2 == 0) {
			Volumed__V1__AttachVolumeRequest q = VOLUMED__V1__ATTACH_VOLUME_REQUEST__INIT;
			q.volume_id = l->vol;
			q.vm_id = l->vm;
			q.drive_id = "vdb";
			Volumed__V1__Attachment *a = NULL;
			vc_attach_volume(l->c, &q, &a, &o, &st);
			if (st.code == VD_CODE_OK) {
				snprintf(l->last_ok_rid, sizeof l->last_ok_rid, "%s", l->rid);
				snprintf(l->att, sizeof l->att, "%s", a->id);
				l->known = ATTACHED;
				l->ok++;
			} else if (!failed_cleanly(l, &st)) {
				note_bad(l, "attach", &st);
			}
			vc_free(a);
		} else {
			Volumed__V1__DetachVolumeRequest q = VOLUMED__V1__DETACH_VOLUME_REQUEST__INIT;
			q.volume_id = l->vol;
			q.vm_id = l->vm;
			Volumed__V1__Volume *v = NULL;
			vc_detach_volume(l->c, &q, &v, &o, &st);
			if (st.code == VD_CODE_OK) {
				l->known = DETACHED;
				l->ok++;
			} else if (st.code == VD_CODE_NOT_FOUND &&
			           strcmp(st.reason, "ATTACHMENT_NOT_FOUND") == 0 && l->known == UNKNOWN) {
				/* The attach whose answer was lost had not committed. */
				l->known = DETACHED;
				l->answered++;
			} else if (!failed_cleanly(l, &st)) {
				note_bad(l, "detach", &st);
			}
			vc_free(v);
		}
	}
	return NULL;
}

static pthread_t loader_threads[NLOADERS];

static void loaders_start(const th_proc *vd, const char *tag)
{
	vc_client *setup = client(vd);
	__atomic_store_n(&stop_loaders, 0, __ATOMIC_RELEASE);
	for (int i = 0; i < NLOADERS; i++) {
		loader *l = &loaders[i];
		memset(l, 0, sizeof *l);
		l->index = i;
		l->c = client(vd);
		snprintf(l->vm, sizeof l->vm, "%s", tf_vm(setup, host, th_fmt("%s-loader-%d", tag, i)));
		snprintf(l->vol, sizeof l->vol, "%s",
		         tf_volume(setup, host, th_fmt("/srv/%s/loader-%d.ext4", tag, i)));
		l->known = DETACHED;
	}
	vc_client_free(setup);
	for (int i = 0; i < NLOADERS; i++)
		CHECK(pthread_create(&loader_threads[i], NULL, loader_thread, &loaders[i]) == 0);
}

/* The smallest value of a loader counter (read while they run: a snapshot
 * is enough to decide when to move on). */
static int loaders_min(size_t offset)
{
	int m = -1;
	for (int i = 0; i < NLOADERS; i++) {
		int v = __atomic_load_n((int *)((char *)&loaders[i] + offset), __ATOMIC_RELAXED);
		if (m < 0 || v < m)
			m = v;
	}
	return m;
}

/* Waits (bounded) until every loader's counter at offset reaches at least n. */
static void loaders_wait(size_t offset, int n, const char *what)
{
	double until = now_s() + WAIT_SECONDS;
	while (loaders_min(offset) < n) {
		if (now_s() > until) {
			fprintf(stderr, "waited %d s for every loader to see %d %s; the slowest saw %d\n",
			        WAIT_SECONDS, n, what, loaders_min(offset));
			th_fail();
		}
		pause_ms(5);
	}
}

/* Stops the loaders and checks that what each was last told is what
 * Postgres holds. */
typedef struct totals {
	int ok, db_down, refused, cancelled;
} totals;

static totals loaders_stop_and_check(const char *phase)
{
	__atomic_store_n(&stop_loaders, 1, __ATOMIC_RELEASE);
	for (int i = 0; i < NLOADERS; i++)
		pthread_join(loader_threads[i], NULL);
	int ok = 0, db_down = 0, refused = 0, cancelled = 0, unknown = 0;
	for (int i = 0; i < NLOADERS; i++) {
		loader *l = &loaders[i];
		if (l->bad) {
			fprintf(stderr, "%s: loader %d had %d unexpected answer(s), the first: %s\n", phase,
			        i, l->bad, l->first_bad);
			th_fail();
		}
		const char *rows = th_fmt("SELECT count(*) FROM volume_attachment WHERE volume_id = '%s' AND "
		                          "vm_id = '%s'",
		                          l->vol, l->vm);
		if (l->known == ATTACHED)
			CHECK_INT(th_pg_scalar(pg, th_fmt("%s AND id = '%s'", rows, l->att)), 1);
		else if (l->known == DETACHED)
			CHECK_INT(th_pg_scalar(pg, rows), 0);
		ok += l->ok;
		db_down += l->db_down;
		refused += l->refused;
		cancelled += l->cancelled;
		unknown += l->known == UNKNOWN;
		vc_client_free(l->c);
	}
	printf("%s: %d OK, %d DATABASE_UNAVAILABLE, %d refused by gRPC, %d CANCELLED; %d loader(s) ended not "
	       "knowing\n",
	       phase, ok, db_down, refused, cancelled, unknown);
	CHECK_INT(th_pg_scalar(pg, TF_AUDIT_SQL), 0);
	CHECK_INT(th_pg_scalar(pg, TF_WRITERS_SQL), 0);
	return (totals){ok, db_down, refused, cancelled};
}

/* Whether volumed's log shows it handled the call with this request id. */
static bool handled(const th_proc *vd, const char *rid)
{
	FILE *f = fopen(vd->log, "r");
	CHECK(f != NULL);
	char line[2048], want[64];
	snprintf(want, sizeof want, " request_id=%s\n", rid);
	bool found = false;
	while (!found && fgets(line, sizeof line, f))
		found = strstr(line, want) != NULL;
	fclose(f);
	return found;
}

#define LOADER_FIELD(f) offsetof(loader, f)

/* ---- Postgres goes away and comes back. ---- */

/* Polls (bounded) until n calls in a row succeed. */
static void until_serving_again(vc_client *c, const char *volume)
{
	double until = now_s() + WAIT_SECONDS;
	int in_a_row = 0, attempts = 0;
	vc_status st = {0};
	while (in_a_row < 2 * 16) {
		if (now_s() > until) {
			fprintf(stderr,
			        "volumed did not serve again within %d s of Postgres' restart (%d attempts, "
			        "last: %s/%s: %s)\n",
			        WAIT_SECONDS, attempts, vd_code_name(st.code), st.reason, st.message);
			th_fail();
		}
		attempts++;
		if (get_volume(c, volume, &st) == 0) {
			in_a_row++;
			continue;
		}
		CHECK_STATUS(st, VD_CODE_UNAVAILABLE, "DATABASE_UNAVAILABLE");
		in_a_row = 0;
		pause_ms(10);
	}
	while (health(c) != GRPC__HEALTH__V1__HEALTH_CHECK_RESPONSE__SERVING_STATUS__SERVING) {
		if (now_s() > until) {
			fprintf(stderr, "health did not say SERVING again\n");
			th_fail();
		}
		pause_ms(10);
	}
}

static void postgres_outage(th_proc *vd)
{
	vc_client *c = client(vd);
	const char *vm = tf_vm(c, host, "outage-vm");
	char vm_id[37], vol[37];
	snprintf(vm_id, sizeof vm_id, "%s", vm);
	snprintf(vol, sizeof vol, "%s", tf_volume(c, host, "/srv/outage/a.ext4"));
	CHECK_INT(health(c), GRPC__HEALTH__V1__HEALTH_CHECK_RESPONSE__SERVING_STATUS__SERVING);

	th_pg_stop(pg);
	vc_status st;
	/* More calls than workers, so every worker meets the outage. */
	for (int i = 0; i < 40; i++) {
		get_volume(c, vol, &st);
		CHECK_STATUS(st, VD_CODE_UNAVAILABLE, "DATABASE_UNAVAILABLE");
		CHECK_INT(tf_attach(c, vol, vm_id, "vdb", false, &st), VD_CODE_UNAVAILABLE);
		CHECK_STATUS(st, VD_CODE_UNAVAILABLE, "DATABASE_UNAVAILABLE");
		Volumed__V1__CreateHostRequest hq = VOLUMED__V1__CREATE_HOST_REQUEST__INIT;
		hq.name = "no-database";
		vc_create_host(c, &hq, NULL, NULL, &st);
		CHECK_STATUS(st, VD_CODE_UNAVAILABLE, "DATABASE_UNAVAILABLE");
		Volumed__V1__ListVolumesRequest lq = VOLUMED__V1__LIST_VOLUMES_REQUEST__INIT;
		vc_list_volumes(c, &lq, NULL, NULL, &st);
		CHECK_STATUS(st, VD_CODE_UNAVAILABLE, "DATABASE_UNAVAILABLE");
		CHECK_INT(health(c), GRPC__HEALTH__V1__HEALTH_CHECK_RESPONSE__SERVING_STATUS__NOT_SERVING);
	}
	/* A bad request is still told what is wrong with it. */
	get_volume(c, "not-a-uuid", &st);
	CHECK_STATUS(st, VD_CODE_INVALID_ARGUMENT, "INVALID_FIELD");
	CHECK(running(vd));

	th_pg_restart(pg);
	until_serving_again(c, vol);
	CHECK_INT(tf_attach(c, vol, vm_id, "vdb", false, &st), 0);
	CHECK_STR(tf_status(c, vol, NULL), "attached");
	CHECK_INT(th_pg_scalar(pg, "SELECT count(*) FROM host WHERE name = 'no-database'"), 0);
	vc_client_free(c);
}

/* Postgres ends volumed's idle connections (an administrator, a pooler, a
 * fail-over): each worker must notice before it uses its connection, so
 * not a single call fails. */
static void killed_connections_are_replaced(th_proc *vd)
{
	vc_client *c = client(vd);
	char vol[37];
	snprintf(vol, sizeof vol, "%s", tf_volume(c, host, "/srv/outage/terminated.ext4"));
	vc_status st;
	for (int i = 0; i < 64; i++) {
		get_volume(c, vol, &st);
		CHECK_OK(st);
	}
	long long killed = th_pg_scalar(pg, "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
	                                    "WHERE application_name = 'volumed'");
	CHECK(killed > 0);
	double until = now_s() + WAIT_SECONDS;
	while (th_pg_scalar(pg, "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'volumed'")) {
		if (now_s() > until) {
			fprintf(stderr, "volumed's connections did not go away after pg_terminate_backend\n");
			th_fail();
		}
		pause_ms(10);
	}
	for (int i = 0; i < 64; i++) {
		get_volume(c, vol, &st);
		if (st.code != VD_CODE_OK) {
			fprintf(stderr, "call %d after %lld connections were terminated: %s/%s: %s\n", i,
			        killed, vd_code_name(st.code), st.reason, st.message);
			th_fail();
		}
	}
	vc_client_free(c);
}

static void postgres_outage_under_load(th_proc *vd)
{
	loaders_start(vd, "outage");
	loaders_wait(LOADER_FIELD(ok), 20, "successful calls before the outage");
	th_pg_stop(pg);
	loaders_wait(LOADER_FIELD(db_down), 5, "DATABASE_UNAVAILABLE answers");
	CHECK(running(vd));
	th_pg_restart(pg);
	int before = loaders_min(LOADER_FIELD(ok));
	loaders_wait(LOADER_FIELD(ok), before + 20, "successful calls after the restart");
	loaders_stop_and_check("Postgres restarted under load");
}

/* ---- SIGTERM in the middle of a burst. ---- */

static void sigterm_during_burst(void)
{
	th_proc *vd = th_volumed_start(pg, NULL);
	loaders_start(vd, "burst");
	loaders_wait(LOADER_FIELD(ok), 30, "successful calls before SIGTERM");
	th_proc_kill(vd, SIGTERM);
	int st = wait_exit(vd, WAIT_SECONDS);
	if (st < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		fprintf(stderr, "volumed %s after SIGTERM during a burst (status %d)\n",
		        st < 0 ? "did not exit" : "did not exit 0", st);
		th_fail();
	}
	/* Gone: from now on every call is refused by gRPC itself. */
	loaders_wait(LOADER_FIELD(refused), 1, "refusals after the exit");
	totals t = loaders_stop_and_check("SIGTERM during a burst");
	/* The grace period (10 s) was not used up: no query was cancelled. */
	CHECK_INT(t.db_down, 0);
	/* A call that reaches gRPC after shutdown has begun, or waits there
	 * unmatched, is answered CANCELLED by gRPC core itself without ever
	 * reaching volumed (grpc/grpc#41785; UNAVAILABLE would be the right
	 * code, and volumed cannot intercept it). That is a clean refusal only
	 * if volumed really never ran the call: its log must not show it. */
	for (int i = 0; i < NLOADERS; i++) {
		/* (The log does name the calls volumed ran.) */
		CHECK(handled(vd, loaders[i].last_ok_rid));
		for (int k = 0; k < loaders[i].cancelled && k < 8; k++) {
			if (handled(vd, loaders[i].cancelled_rids[k])) {
				fprintf(stderr,
				        "call %s was handled by volumed but its client was told CANCELLED\n",
				        loaders[i].cancelled_rids[k]);
				th_fail();
			}
		}
	}
	CHECK(t.ok > 0 && t.refused > 0);
}

/* ---- SIGTERM while a call waits on a row lock that another session holds. ---- */

typedef struct stuck_call {
	vc_client *c;
	const char *vol, *vm;
	vc_status st;
} stuck_call;

static void *stuck_attach(void *arg)
{
	stuck_call *s = arg;
	tf_attach(s->c, s->vol, s->vm, "vdb", false, &s->st);
	return NULL;
}

static void sigterm_while_waiting_on_a_lock(void)
{
	th_proc *vd = th_volumed_start(pg, "--shutdown-grace-ms", "300", NULL);
	vc_client *c = client(vd);
	char vol[37], vm[37];
	snprintf(vm, sizeof vm, "%s", tf_vm(c, host, "lock-vm"));
	snprintf(vol, sizeof vol, "%s", tf_volume(c, host, "/srv/lock/held.ext4"));

	/* Another session holds the volume's row lock. */
	PGconn *holder = th_pg_connect(pg);
	PGresult *r = PQexec(holder, "BEGIN");
	PQclear(r);
	r = PQexec(holder, th_fmt("SELECT id FROM volume WHERE id = '%s' FOR UPDATE", vol));
	CHECK(PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1);
	PQclear(r);

	stuck_call s = {.c = c, .vol = vol, .vm = vm};
	pthread_t t;
	CHECK(pthread_create(&t, NULL, stuck_attach, &s) == 0);
	/* Until volumed's connection is seen waiting for that lock. */
	double until = now_s() + WAIT_SECONDS;
	while (th_pg_scalar(pg, "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'volumed' "
	                        "AND wait_event_type = 'Lock'") == 0) {
		if (now_s() > until) {
			fprintf(stderr, "the attach never waited on the row lock\n");
			th_fail();
		}
		pause_ms(10);
	}

	th_proc_kill(vd, SIGTERM);
	int st = wait_exit(vd, 30);
	/* Let go of the lock only now: volumed had to get out on its own. */
	r = PQexec(holder, "ROLLBACK");
	PQclear(r);
	PQfinish(holder);
	pthread_join(t, NULL);
	if (st < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		fprintf(stderr,
		        "volumed %s within 30 s of SIGTERM while a call waited on a row lock (status %d)\n",
		        st < 0 ? "did not exit" : "did not exit 0", st);
		th_fail();
	}
	printf("the call stuck on the lock ended %s/%s: %s\n", vd_code_name(s.st.code), s.st.reason,
	       s.st.message);
	CHECK(s.st.code == VD_CODE_CANCELLED || s.st.code == VD_CODE_UNAVAILABLE);
	/* It did not attach after all. */
	CHECK_INT(
	    th_pg_scalar(pg, th_fmt("SELECT count(*) FROM volume_attachment WHERE volume_id = '%s'", vol)),
	    0);
	CHECK_INT(th_pg_scalar(pg, TF_AUDIT_SQL), 0);
	vc_client_free(c);
}

int main(void)
{
	pg = th_pg_start();
	th_proc *vd = th_volumed_start(pg, NULL);
	vc_client *c = client(vd);
	snprintf(host, sizeof host, "%s", tf_host(c, "faults-host"));
	vc_client_free(c);

	postgres_outage(vd);
	killed_connections_are_replaced(vd);
	postgres_outage_under_load(vd);
	sigterm_during_burst();
	sigterm_while_waiting_on_a_lock();

	/* The first volumed lived through it all and still stops cleanly. */
	c = client(vd);
	CHECK_INT(health(c), GRPC__HEALTH__V1__HEALTH_CHECK_RESPONSE__SERVING_STATUS__SERVING);
	vc_client_free(c);
	th_proc_stop(vd);
	printf("it_faults: ok\n");
	return 0;
}
