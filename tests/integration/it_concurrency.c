/* it_concurrency - the invariants under concurrency: 16 threads, each with
 * its own connection, race attaches, deletes, DeleteVm and registrations on
 * the same rows. Exactly one winner, losers naming it, retries getting the
 * same answer, a single writer, and a status that always agrees with the
 * attachment rows; what clients were told must be what Postgres holds. */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fixtures.h"

#define NTHREADS 16
#define TIMEOUT_MS 60000 /* only a hang gets near it */

typedef struct outcome {
	int code;
	char reason[64];
	char id[37];     /* attachment or volume id on success */
	char holder[37]; /* the vm_id (or volume_id) an error names */
	char message[160];
} outcome;

static th_pg *pg;
static PGconn *db;
static vc_client *main_client;
static vc_client *clients[NTHREADS];
static pthread_barrier_t barrier;
static char host[37];
static char vms[NTHREADS][37]; /* one VM per thread, living all along */

static void copy_id(char dst[37], const char *src)
{
	snprintf(dst, 37, "%s", src ? src : "");
}

static void take(outcome *o, const vc_status *st, const char *id)
{
	o->code = st->code;
	snprintf(o->reason, sizeof o->reason, "%s", st->reason);
	snprintf(o->message, sizeof o->message, "%.150s", st->code ? st->message : "");
	copy_id(o->id, id);
	const char *h = vc_status_meta(st, "vm_id");
	copy_id(o->holder, h ? h : vc_status_meta(st, "volume_id"));
}

static bool is(const outcome *o, int code, const char *reason)
{
	return o->code == code && strcmp(o->reason, reason) == 0;
}

static const char *show(const outcome *o)
{
	return th_fmt("%s/%s (id %s, holder %s) %s", vd_code_name(o->code), o->reason, o->id, o->holder,
	              o->message);
}

static void attach(vc_client *cl, const char *volume, const char *vm, const char *drive, bool ro, outcome *o)
{
	Volumed__V1__AttachVolumeRequest q = VOLUMED__V1__ATTACH_VOLUME_REQUEST__INIT;
	q.volume_id = (char *)volume;
	q.vm_id = (char *)vm;
	q.drive_id = (char *)drive;
	q.read_only = ro;
	Volumed__V1__Attachment *a = NULL;
	vc_status st;
	vc_attach_volume(cl, &q, &a, NULL, &st);
	take(o, &st, a ? a->id : NULL);
	vc_free(a);
}

static void detach(vc_client *cl, const char *volume, const char *vm, outcome *o)
{
	Volumed__V1__DetachVolumeRequest q = VOLUMED__V1__DETACH_VOLUME_REQUEST__INIT;
	q.volume_id = (char *)volume;
	q.vm_id = (char *)vm;
	Volumed__V1__Volume *v = NULL;
	vc_status st;
	vc_detach_volume(cl, &q, &v, NULL, &st);
	take(o, &st, v ? v->id : NULL);
	vc_free(v);
}

static void delete_volume(vc_client *cl, const char *volume, outcome *o)
{
	Volumed__V1__DeleteVolumeRequest q = VOLUMED__V1__DELETE_VOLUME_REQUEST__INIT;
	q.id = (char *)volume;
	vc_status st;
	vc_delete_volume(cl, &q, NULL, NULL, &st);
	take(o, &st, NULL);
}

static void delete_vm(vc_client *cl, const char *vm, outcome *o)
{
	Volumed__V1__DeleteVmRequest q = VOLUMED__V1__DELETE_VM_REQUEST__INIT;
	q.id = (char *)vm;
	vc_status st;
	vc_delete_vm(cl, &q, NULL, NULL, &st);
	take(o, &st, NULL);
}

static void register_volume(vc_client *cl, const char *vm, const char *path, const char *drive, outcome *o)
{
	Volumed__V1__RegisterVolumeRequest q = VOLUMED__V1__REGISTER_VOLUME_REQUEST__INIT;
	q.vm_id = (char *)vm;
	q.path = (char *)path;
	q.drive_id = (char *)drive;
	Volumed__V1__Volume *v = NULL;
	vc_status st;
	vc_register_volume(cl, &q, &v, NULL, &st);
	take(o, &st, v ? v->id : NULL);
	vc_free(v);
}

/* The first column of the first row of a query on the checking connection. */
static const char *sql_text(const char *sql)
{
	static char out[256];
	PGresult *r = PQexec(db, sql);
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		fprintf(stderr, "query failed: %s\n%s\n", sql, PQerrorMessage(db));
		th_fail();
	}
	snprintf(out, sizeof out, "%s", PQntuples(r) ? PQgetvalue(r, 0, 0) : "");
	PQclear(r);
	return out;
}

static long long sql_count(const char *sql)
{
	return atoll(sql_text(sql));
}

static void audits_clean(const char *after)
{
	long long bad = sql_count(TF_AUDIT_SQL), writers = sql_count(TF_WRITERS_SQL);
	if (bad || writers) {
		fprintf(stderr,
		        "after %s: %lld volume(s) whose status disagrees with the attachments, "
		        "%lld with more than a single writer\n",
		        after, bad, writers);
		th_fail();
	}
}

static const char *new_vm(const char *name)
{
	return tf_vm(main_client, host, name);
}

/* Runs fn on NTHREADS threads, each given its index, and waits for them. */
static void run_threads(void *(*fn)(void *))
{
	pthread_t t[NTHREADS];
	for (intptr_t i = 0; i < NTHREADS; i++)
		CHECK(pthread_create(&t[i], NULL, fn, (void *)i) == 0);
	for (int i = 0; i < NTHREADS; i++)
		pthread_join(t[i], NULL);
}

/* ---- Read-write attaches of the same volume to 16 VMs: one winner. ---- */

#define A_VOLUMES 96
static char a_vol[A_VOLUMES][37];
static outcome a_out[A_VOLUMES][NTHREADS];

static void *race_attach_thread(void *arg)
{
	int t = (int)(intptr_t)arg;
	for (int v = 0; v < A_VOLUMES; v++) {
		pthread_barrier_wait(&barrier);
		attach(clients[t], a_vol[v], vms[t], th_fmt("a%d", v), false, &a_out[v][t]);
	}
	return NULL;
}

static void attach_race_has_one_winner(void)
{
	for (int v = 0; v < A_VOLUMES; v++)
		copy_id(a_vol[v], tf_volume(main_client, host, th_fmt("/srv/race/a-%d.ext4", v)));
	run_threads(race_attach_thread);

	for (int v = 0; v < A_VOLUMES; v++) {
		int winner = -1;
		for (int t = 0; t < NTHREADS; t++) {
			if (a_out[v][t].code != VD_CODE_OK)
				continue;
			if (winner >= 0) {
				fprintf(stderr, "volume %d: threads %d and %d both attached it read-write\n",
				        v, winner, t);
				th_fail();
			}
			winner = t;
		}
		if (winner < 0) {
			fprintf(stderr, "volume %d: nobody won; thread 0 got %s\n", v, show(&a_out[v][0]));
			th_fail();
		}
		for (int t = 0; t < NTHREADS; t++) {
			const outcome *o = &a_out[v][t];
			if (t == winner)
				continue;
			if (!is(o, VD_CODE_FAILED_PRECONDITION, "ATTACHED_ELSEWHERE") ||
			    strcmp(o->holder, vms[winner]) != 0) {
				fprintf(stderr,
				        "volume %d: loser %d got %s, expected ATTACHED_ELSEWHERE naming %s\n",
				        v, t, show(o), vms[winner]);
				th_fail();
			}
		}
		/* What the winner was told is what Postgres holds. */
		CHECK_STR(sql_text(th_fmt("SELECT string_agg(id || ' ' || vm_id || ' ' || read_only, ',') "
		                          "FROM volume_attachment WHERE volume_id = '%s'",
		                          a_vol[v])),
		          th_fmt("%s %s false", a_out[v][winner].id, vms[winner]));
		CHECK_STR(sql_text(th_fmt("SELECT status FROM volume WHERE id = '%s'", a_vol[v])),
		          "attached");
	}
	audits_clean("the read-write attach race");
}

/* ---- The same attach (and registration) retried by every thread. ---- */

#define B_ROUNDS 8
static char b_vol[B_ROUNDS][37];
static outcome b_att[B_ROUNDS][NTHREADS], b_reg[B_ROUNDS][NTHREADS];

static void *retry_thread(void *arg)
{
	int t = (int)(intptr_t)arg;
	for (int r = 0; r < B_ROUNDS; r++) {
		pthread_barrier_wait(&barrier);
		attach(clients[t], b_vol[r], vms[0], th_fmt("b%d", r), r % 2 == 1, &b_att[r][t]);
		pthread_barrier_wait(&barrier);
		register_volume(clients[t], vms[1], th_fmt("/srv/register/b-%d.qcow2", r), th_fmt("rb%d", r),
		                &b_reg[r][t]);
	}
	return NULL;
}

static void retries_get_the_same_answer(void)
{
	for (int r = 0; r < B_ROUNDS; r++)
		copy_id(b_vol[r], tf_volume(main_client, host, th_fmt("/srv/retry/b-%d.ext4", r)));
	run_threads(retry_thread);

	for (int r = 0; r < B_ROUNDS; r++) {
		for (int t = 0; t < NTHREADS; t++) {
			if (b_att[r][t].code != VD_CODE_OK || strcmp(b_att[r][t].id, b_att[r][0].id) != 0) {
				fprintf(stderr,
				        "round %d: attach retry by thread %d got %s, thread 0 got %s\n", r, t,
				        show(&b_att[r][t]), show(&b_att[r][0]));
				th_fail();
			}
			if (b_reg[r][t].code != VD_CODE_OK || strcmp(b_reg[r][t].id, b_reg[r][0].id) != 0) {
				fprintf(stderr,
				        "round %d: registration by thread %d got %s, thread 0 got %s\n", r, t,
				        show(&b_reg[r][t]), show(&b_reg[r][0]));
				th_fail();
			}
		}
		CHECK_STR(sql_text(th_fmt("SELECT string_agg(id::text, ',') FROM volume_attachment "
		                          "WHERE volume_id = '%s'",
		                          b_vol[r])),
		          b_att[r][0].id);
		CHECK_STR(sql_text(th_fmt("SELECT string_agg(id::text, ',') FROM volume WHERE path = "
		                          "'/srv/register/b-%d.qcow2'",
		                          r)),
		          b_reg[r][0].id);
		CHECK_STR(
		    sql_text(th_fmt("SELECT string_agg(vm_id || ' ' || drive_id, ',') FROM volume_attachment "
		                    "WHERE volume_id = '%s'",
		                    b_reg[r][0].id)),
		    th_fmt("%s rb%d", vms[1], r));
	}
	audits_clean("the retried attaches and registrations");
}

/* ---- Readers racing a writer: one writer alone, or readers only. ---- */

#define C_ROUNDS 12
static char c_vol[C_ROUNDS][37];
static outcome c_out[C_ROUNDS][NTHREADS];

static void *readers_writer_thread(void *arg)
{
	int t = (int)(intptr_t)arg;
	for (int r = 0; r < C_ROUNDS; r++) {
		pthread_barrier_wait(&barrier);
		bool writer = t == r % NTHREADS;
		attach(clients[t], c_vol[r], vms[t], th_fmt("c%d", r), !writer, &c_out[r][t]);
	}
	return NULL;
}

static void readers_and_a_writer_never_share(void)
{
	for (int r = 0; r < C_ROUNDS; r++)
		copy_id(c_vol[r], tf_volume(main_client, host, th_fmt("/srv/rw/c-%d.ext4", r)));
	run_threads(readers_writer_thread);

	int writer_won = 0, readers_won = 0;
	for (int r = 0; r < C_ROUNDS; r++) {
		int w = r % NTHREADS, readers_ok = 0;
		const outcome *wo = &c_out[r][w];
		for (int t = 0; t < NTHREADS; t++)
			readers_ok += t != w && c_out[r][t].code == VD_CODE_OK;
		if (wo->code == VD_CODE_OK) {
			/* The writer came first: every reader names it. */
			writer_won++;
			for (int t = 0; t < NTHREADS; t++) {
				if (t != w &&
				    (!is(&c_out[r][t], VD_CODE_FAILED_PRECONDITION, "ATTACHED_ELSEWHERE") ||
				     strcmp(c_out[r][t].holder, vms[w]) != 0)) {
					fprintf(stderr, "round %d: the writer won but reader %d got %s\n", r,
					        t, show(&c_out[r][t]));
					th_fail();
				}
			}
			CHECK_INT(
			    sql_count(th_fmt("SELECT count(*) FROM volume_attachment WHERE volume_id = '%s' "
			                     "AND NOT read_only",
			                     c_vol[r])),
			    1);
		} else {
			/* A reader came first: the writer is refused naming a
			 * reader, and no reader is ever refused. */
			readers_won++;
			if (!is(wo, VD_CODE_FAILED_PRECONDITION, "ATTACHED_ELSEWHERE") ||
			    readers_ok != NTHREADS - 1) {
				fprintf(stderr, "round %d: writer got %s with %d readers in\n", r, show(wo),
				        readers_ok);
				th_fail();
			}
			CHECK_INT(
			    sql_count(th_fmt("SELECT count(*) FROM volume_attachment WHERE volume_id = '%s' "
			                     "AND read_only AND vm_id = '%s'",
			                     c_vol[r], wo->holder)),
			    1);
		}
		CHECK_INT(sql_count(th_fmt("SELECT count(*) FROM volume_attachment WHERE volume_id = '%s'",
		                           c_vol[r])),
		          wo->code == VD_CODE_OK ? 1 : NTHREADS - 1);
		CHECK_STR(sql_text(th_fmt("SELECT status FROM volume WHERE id = '%s'", c_vol[r])),
		          wo->code == VD_CODE_OK ? "attached" : "in-use");
	}
	printf("readers vs writer: writer first %d times, readers first %d times\n", writer_won, readers_won);
	audits_clean("readers racing a writer");
}

/* ---- DeleteVolume racing an attach of the same volume. ---- */

#define D_ROUNDS 8
#define D_PAIRS (NTHREADS / 2)
static char d_vol[D_ROUNDS][D_PAIRS][37];
static outcome d_attach[D_ROUNDS][D_PAIRS], d_delete[D_ROUNDS][D_PAIRS];

static void *delete_attach_thread(void *arg)
{
	int t = (int)(intptr_t)arg;
	for (int r = 0; r < D_ROUNDS; r++) {
		/* Roles swap every round, so every connection does both. */
		bool attacher = (t < D_PAIRS) == (r % 2 == 0);
		int k = t % D_PAIRS;
		pthread_barrier_wait(&barrier);
		if (attacher)
			attach(clients[t], d_vol[r][k], vms[t], th_fmt("d%d", r), false, &d_attach[r][k]);
		else
			delete_volume(clients[t], d_vol[r][k], &d_delete[r][k]);
	}
	return NULL;
}

static void delete_and_attach_never_both_win(void)
{
	for (int r = 0; r < D_ROUNDS; r++)
		for (int k = 0; k < D_PAIRS; k++)
			copy_id(d_vol[r][k],
			        tf_volume(main_client, host, th_fmt("/srv/del/d-%d-%d.ext4", r, k)));
	run_threads(delete_attach_thread);

	int attached = 0, deleted = 0;
	for (int r = 0; r < D_ROUNDS; r++) {
		for (int k = 0; k < D_PAIRS; k++) {
			const outcome *a = &d_attach[r][k], *d = &d_delete[r][k];
			int attacher = (r % 2 == 0) ? k : k + D_PAIRS;
			const char *vol = d_vol[r][k];
			long long rows =
			    sql_count(th_fmt("SELECT count(*) FROM volume WHERE id = '%s'", vol));
			long long atts = sql_count(
			    th_fmt("SELECT count(*) FROM volume_attachment WHERE volume_id = '%s'", vol));
			if (a->code == VD_CODE_OK && is(d, VD_CODE_FAILED_PRECONDITION, "VOLUME_ATTACHED") &&
			    strcmp(d->holder, vms[attacher]) == 0 && rows == 1 && atts == 1) {
				attached++;
			} else if (d->code == VD_CODE_OK && is(a, VD_CODE_NOT_FOUND, "VOLUME_NOT_FOUND") &&
			           rows == 0 && atts == 0) {
				deleted++;
			} else {
				fprintf(stderr,
				        "round %d pair %d: attach %s, delete %s; %lld volume row(s), "
				        "%lld attachment(s)\n",
				        r, k, show(a), show(d), rows, atts);
				th_fail();
			}
		}
	}
	printf("delete vs attach: attach first %d times, delete first %d times\n", attached, deleted);
	CHECK_INT(sql_count("SELECT count(*) FROM volume_attachment a WHERE NOT EXISTS "
	                    "(SELECT 1 FROM volume v WHERE v.id = a.volume_id)"),
	          0);
	audits_clean("deletes racing attaches");
}

/* ---- DeleteVm racing attaches to the VM it deletes, and other DeleteVm
 * on overlapping volumes. ---- */

#define E_ROUNDS 4
#define E_VICTIMS (NTHREADS / 2)
static char e_victim[E_ROUNDS][E_VICTIMS][37];
static char e_own[E_ROUNDS][E_VICTIMS][37], e_new[E_ROUNDS][E_VICTIMS][37];
static char e_shared[E_ROUNDS][3][37]; /* [0], [1] held by all victims; [2] raced for */
static outcome e_del[E_ROUNDS][E_VICTIMS], e_att_new[E_ROUNDS][E_VICTIMS], e_att_shared[E_ROUNDS][E_VICTIMS];

static void *delete_vm_thread(void *arg)
{
	int t = (int)(intptr_t)arg;
	for (int r = 0; r < E_ROUNDS; r++) {
		int k = t % E_VICTIMS;
		pthread_barrier_wait(&barrier);
		if (t < E_VICTIMS) {
			delete_vm(clients[t], e_victim[r][k], &e_del[r][k]);
		} else {
			attach(clients[t], e_new[r][k], e_victim[r][k], "vdn", false, &e_att_new[r][k]);
			attach(clients[t], e_shared[r][2], e_victim[r][k], "vds2", true, &e_att_shared[r][k]);
		}
	}
	return NULL;
}

static void delete_vm_leaves_no_attachment_behind(void)
{
	outcome o;
	for (int r = 0; r < E_ROUNDS; r++) {
		for (int s = 0; s < 3; s++)
			copy_id(e_shared[r][s],
			        tf_volume(main_client, host, th_fmt("/srv/vm/e-%d-shared-%d.ext4", r, s)));
		/* A survivor shares volume [0] with the victims. */
		attach(main_client, e_shared[r][0], vms[NTHREADS - 1], th_fmt("keep%d", r), true, &o);
		CHECK_INT(o.code, 0);
		for (int k = 0; k < E_VICTIMS; k++) {
			copy_id(e_victim[r][k], new_vm(th_fmt("victim-%d-%d", r, k)));
			copy_id(e_own[r][k],
			        tf_volume(main_client, host, th_fmt("/srv/vm/e-%d-own-%d.ext4", r, k)));
			copy_id(e_new[r][k],
			        tf_volume(main_client, host, th_fmt("/srv/vm/e-%d-new-%d.ext4", r, k)));
			attach(main_client, e_own[r][k], e_victim[r][k], "vda", false, &o);
			CHECK_INT(o.code, 0);
			attach(main_client, e_shared[r][0], e_victim[r][k], "vds0", true, &o);
			CHECK_INT(o.code, 0);
			attach(main_client, e_shared[r][1], e_victim[r][k], "vds1", true, &o);
			CHECK_INT(o.code, 0);
		}
	}
	audits_clean("setting up the VMs to delete");
	run_threads(delete_vm_thread);

	int late = 0;
	for (int r = 0; r < E_ROUNDS; r++) {
		for (int k = 0; k < E_VICTIMS; k++) {
			if (e_del[r][k].code != VD_CODE_OK) {
				fprintf(stderr, "round %d: DeleteVm %d got %s\n", r, k, show(&e_del[r][k]));
				th_fail();
			}
			const outcome *both[] = {&e_att_new[r][k], &e_att_shared[r][k]};
			for (int i = 0; i < 2; i++) {
				if (both[i]->code == VD_CODE_OK)
					continue;
				if (!is(both[i], VD_CODE_NOT_FOUND, "VM_NOT_FOUND")) {
					fprintf(stderr, "round %d: attach %d to a VM being deleted got %s\n",
					        r, i, show(both[i]));
					th_fail();
				}
				late++;
			}
			CHECK_INT(
			    sql_count(th_fmt("SELECT count(*) FROM vm WHERE id = '%s'", e_victim[r][k])), 0);
			CHECK_INT(
			    sql_count(th_fmt("SELECT count(*) FROM volume_attachment WHERE vm_id = '%s'",
			                     e_victim[r][k])),
			    0);
			CHECK_STR(sql_text(th_fmt(
			              "SELECT status || ' ' || attachment_count FROM volume WHERE id = '%s'",
			              e_own[r][k])),
			          "available 0");
			CHECK_STR(sql_text(th_fmt(
			              "SELECT status || ' ' || attachment_count FROM volume WHERE id = '%s'",
			              e_new[r][k])),
			          "available 0");
		}
		/* The survivor still holds [0]; nobody holds [1] or [2]. */
		CHECK_STR(
		    sql_text(th_fmt("SELECT status || ' ' || attachment_count FROM volume WHERE id = '%s'",
		                    e_shared[r][0])),
		    "attached 1");
		CHECK_STR(sql_text(th_fmt("SELECT string_agg(vm_id::text, ',') FROM volume_attachment "
		                          "WHERE volume_id = '%s'",
		                          e_shared[r][0])),
		          vms[NTHREADS - 1]);
		for (int s = 1; s < 3; s++)
			CHECK_STR(sql_text(th_fmt("SELECT status || ' ' || attachment_count FROM volume "
			                          "WHERE id = '%s'",
			                          e_shared[r][s])),
			          "available 0");
	}
	printf("DeleteVm vs attach: %d attaches came too late (VM_NOT_FOUND), %d got in first\n", late,
	       E_ROUNDS * E_VICTIMS * 2 - late);
	CHECK_INT(sql_count("SELECT count(*) FROM volume_attachment a WHERE NOT EXISTS "
	                    "(SELECT 1 FROM vm WHERE vm.id = a.vm_id)"),
	          0);
	audits_clean("DeleteVm racing attaches");
}

/* ---- 16 DeleteVm at once, all holding the same read-only volumes. ---- */

#define F_ROUNDS 3
#define F_SHARED 4
static char f_vm[F_ROUNDS][NTHREADS][37];
static char f_vol[F_ROUNDS][F_SHARED][37];
static outcome f_out[F_ROUNDS][NTHREADS];

static void *overlapping_delete_thread(void *arg)
{
	int t = (int)(intptr_t)arg;
	for (int r = 0; r < F_ROUNDS; r++) {
		pthread_barrier_wait(&barrier);
		delete_vm(clients[t], f_vm[r][t], &f_out[r][t]);
	}
	return NULL;
}

static void overlapping_vm_deletions_all_succeed(void)
{
	outcome o;
	for (int r = 0; r < F_ROUNDS; r++) {
		for (int s = 0; s < F_SHARED; s++)
			copy_id(f_vol[r][s],
			        tf_volume(main_client, host, th_fmt("/srv/overlap/f-%d-%d.ext4", r, s)));
		for (int t = 0; t < NTHREADS; t++) {
			copy_id(f_vm[r][t], new_vm(th_fmt("overlap-%d-%d", r, t)));
			/* Different orders of attachment, same volumes. */
			for (int s = 0; s < F_SHARED; s++) {
				int which = (s + t) % F_SHARED;
				attach(main_client, f_vol[r][which], f_vm[r][t], th_fmt("vd%c", 'b' + which),
				       true, &o);
				CHECK_INT(o.code, 0);
			}
		}
	}
	run_threads(overlapping_delete_thread);
	for (int r = 0; r < F_ROUNDS; r++) {
		for (int t = 0; t < NTHREADS; t++) {
			if (f_out[r][t].code != VD_CODE_OK) {
				fprintf(stderr, "round %d: DeleteVm by thread %d got %s\n", r, t,
				        show(&f_out[r][t]));
				th_fail();
			}
		}
		for (int s = 0; s < F_SHARED; s++)
			CHECK_STR(sql_text(th_fmt(
			              "SELECT status || ' ' || attachment_count FROM volume WHERE id = '%s'",
			              f_vol[r][s])),
			          "available 0");
	}
	audits_clean("overlapping DeleteVm");
}

/* ---- DeleteHost racing VMs and volumes made on that host: the delete
 * wins only if nothing was made, and is refused only if something was. ---- */

#define H_ROUNDS 8
static char h_host[H_ROUNDS][37];
static outcome h_out[H_ROUNDS][NTHREADS];

static void *host_delete_thread(void *arg)
{
	int t = (int)(intptr_t)arg;
	for (int r = 0; r < H_ROUNDS; r++) {
		int deleter = r % NTHREADS;
		vc_status st;
		pthread_barrier_wait(&barrier);
		if (t == deleter) {
			Volumed__V1__DeleteHostRequest q = VOLUMED__V1__DELETE_HOST_REQUEST__INIT;
			q.id = h_host[r];
			vc_delete_host(clients[t], &q, NULL, NULL, &st);
			take(&h_out[r][t], &st, NULL);
		} else if (t % 2) {
			Volumed__V1__CreateVmRequest q = VOLUMED__V1__CREATE_VM_REQUEST__INIT;
			q.name = (char *)th_fmt("on-doomed-host-%d", t);
			q.host_id = h_host[r];
			Volumed__V1__Vm *m = NULL;
			vc_create_vm(clients[t], &q, &m, NULL, &st);
			take(&h_out[r][t], &st, m ? m->id : NULL);
			vc_free(m);
		} else {
			Volumed__V1__CreateVolumeRequest q = VOLUMED__V1__CREATE_VOLUME_REQUEST__INIT;
			q.name = "on a doomed host";
			q.path = (char *)th_fmt("/srv/doomed/h-%d-%d.ext4", r, t);
			q.size_bytes = 4096;
			q.type = VOLUMED__V1__VOLUME_TYPE__VOLUME_TYPE_RAW;
			q.host_id = h_host[r];
			Volumed__V1__Volume *v = NULL;
			vc_create_volume(clients[t], &q, &v, NULL, &st);
			take(&h_out[r][t], &st, v ? v->id : NULL);
			vc_free(v);
		}
	}
	return NULL;
}

static void delete_host_never_cascades(void)
{
	for (int r = 0; r < H_ROUNDS; r++)
		copy_id(h_host[r], tf_host(main_client, th_fmt("doomed-%d", r)));
	run_threads(host_delete_thread);
	int deleted = 0;
	for (int r = 0; r < H_ROUNDS; r++) {
		int deleter = r % NTHREADS, made = 0;
		for (int t = 0; t < NTHREADS; t++) {
			if (t == deleter)
				continue;
			if (h_out[r][t].code == VD_CODE_OK)
				made++;
			else if (!is(&h_out[r][t], VD_CODE_NOT_FOUND, "HOST_NOT_FOUND")) {
				fprintf(stderr, "round %d: a create on the host got %s\n", r,
				        show(&h_out[r][t]));
				th_fail();
			}
		}
		const outcome *d = &h_out[r][deleter];
		bool ok = d->code == VD_CODE_OK
		              ? made == 0
		              : is(d, VD_CODE_FAILED_PRECONDITION, "HOST_IN_USE") && made > 0;
		if (!ok) {
			fprintf(stderr, "round %d: DeleteHost got %s with %d VMs and volumes made on it\n", r,
			        show(d), made);
			th_fail();
		}
		deleted += d->code == VD_CODE_OK;
		CHECK_INT(sql_count(th_fmt("SELECT (SELECT count(*) FROM vm WHERE host_id = '%s') + "
		                           "(SELECT count(*) FROM volume WHERE host_id = '%s')",
		                           h_host[r], h_host[r])),
		          made);
		CHECK_INT(sql_count(th_fmt("SELECT count(*) FROM host WHERE id = '%s'", h_host[r])),
		          d->code == VD_CODE_OK ? 0 : 1);
	}
	printf("DeleteHost vs creates: host deleted first %d times, refused %d times\n", deleted,
	       H_ROUNDS - deleted);
}

/* ---- A VM's registration retried while the VM is deleted and its volume
 * deleted: the registration must lock in the same order as DeleteVm (the
 * volume, then the VM), and every call must get an answer the API defines,
 * never INTERNAL or a "database busy" UNAVAILABLE on a healthy database. ---- */

#define I_ROUNDS 6
#define I_REGISTERS 8
static char i_vm[I_ROUNDS][37], i_vol[I_ROUNDS][37];
static outcome i_out[I_ROUNDS][NTHREADS];

static void *register_delete_thread(void *arg)
{
	int t = (int)(intptr_t)arg;
	for (int r = 0; r < I_ROUNDS; r++) {
		pthread_barrier_wait(&barrier);
		if (t < I_REGISTERS)
			register_volume(clients[t], i_vm[r], th_fmt("/srv/reg-del/i-%d.ext4", r), "rootfs",
			                &i_out[r][t]);
		else if (t == I_REGISTERS)
			delete_vm(clients[t], i_vm[r], &i_out[r][t]);
		else
			delete_volume(clients[t], i_vol[r], &i_out[r][t]);
	}
	return NULL;
}

/* Deadlocks Postgres has reported so far (each one is logged as it is
 * broken, so the count is exact once the calls have returned). */
static int deadlocks_logged(void)
{
	FILE *f = fopen(th_fmt("%s/postgres.log", pg->dir), "r");
	CHECK(f != NULL);
	char line[1024];
	int n = 0;
	while (fgets(line, sizeof line, f))
		n += strstr(line, "ERROR:  deadlock detected") != NULL;
	fclose(f);
	return n;
}

static void registration_racing_deletions(void)
{
	outcome o;
	int deadlocks = deadlocks_logged();
	for (int r = 0; r < I_ROUNDS; r++) {
		copy_id(i_vm[r], new_vm(th_fmt("reg-del-%d", r)));
		register_volume(main_client, i_vm[r], th_fmt("/srv/reg-del/i-%d.ext4", r), "rootfs", &o);
		CHECK_INT(o.code, 0);
		copy_id(i_vol[r], o.id);
	}
	run_threads(register_delete_thread);
	int volume_deleted = 0;
	for (int r = 0; r < I_ROUNDS; r++) {
		for (int t = 0; t < NTHREADS; t++) {
			const outcome *x = &i_out[r][t];
			bool ok;
			if (t < I_REGISTERS)
				ok = (x->code == VD_CODE_OK && strcmp(x->id, i_vol[r]) == 0) ||
				     is(x, VD_CODE_NOT_FOUND, "VM_NOT_FOUND");
			else if (t == I_REGISTERS)
				ok = x->code == VD_CODE_OK;
			else
				ok = x->code == VD_CODE_OK ||
				     is(x, VD_CODE_FAILED_PRECONDITION, "VOLUME_ATTACHED") ||
				     is(x, VD_CODE_NOT_FOUND, "VOLUME_NOT_FOUND");
			if (!ok) {
				fprintf(stderr, "round %d: %s by thread %d got %s\n", r,
				        t < I_REGISTERS    ? "RegisterVolume"
				        : t == I_REGISTERS ? "DeleteVm"
				                           : "DeleteVolume",
				        t, show(x));
				th_fail();
			}
			volume_deleted += t > I_REGISTERS && x->code == VD_CODE_OK;
		}
		CHECK_INT(sql_count(th_fmt("SELECT count(*) FROM vm WHERE id = '%s'", i_vm[r])), 0);
		CHECK_INT(sql_count(th_fmt("SELECT count(*) FROM volume_attachment WHERE volume_id = '%s'",
		                           i_vol[r])),
		          0);
	}
	printf("registration vs deletions: %d volumes deleted once their VM was gone\n", volume_deleted);
	CHECK(volume_deleted <= I_ROUNDS);
	audits_clean("registrations racing deletions");
	/* Everyone here locks the volume before the VM, so nothing can wait
	 * in a circle; a deadlock means a writer took them the other way round
	 * (and each costs a second, or an error when it hits a lone statement
	 * or five times in a row). */
	deadlocks = deadlocks_logged() - deadlocks;
	if (deadlocks) {
		fprintf(stderr,
		        "registrations racing DeleteVm/DeleteVolume: Postgres broke %d deadlock(s); "
		        "see postgres.log below\n",
		        deadlocks);
		th_fail();
	}
}

/* ---- Everything at once on a few volumes and VMs: random attaches
 * (read-write and read-only, on three drives), detaches, registrations,
 * volume deletions, and VMs deleted and made again under the same id.
 * Every answer must be one the API defines for that race. ---- */

#define G_OPS 150
#define G_VOLUMES 6
#define G_PATHS 3
#define G_VMS 4
static char g_vol[G_VOLUMES][37];
static char g_vm[G_VMS][37];
static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;
static char g_registered[G_PATHS][37]; /* last id seen for each path */
static int g_ok[5];                    /* attach, detach, register, delete, DeleteVm */
static int g_nbad;                     /* unexpected answers, the first few kept */
static char g_bad[4][256];

static void g_unexpected(int t, const char *op, const outcome *o)
{
	pthread_mutex_lock(&g_lock);
	if (g_nbad < 4)
		snprintf(g_bad[g_nbad], sizeof g_bad[0], "thread %d: %s got %s", t, op, show(o));
	g_nbad++;
	pthread_mutex_unlock(&g_lock);
}

/* Counts a success in g_ok[kind]; an answer not in reasons is unexpected. */
static void g_check(int t, const char *op, int kind, const outcome *o, const char *const *reasons)
{
	if (o->code == VD_CODE_OK) {
		__atomic_add_fetch(&g_ok[kind], 1, __ATOMIC_RELAXED);
		return;
	}
	for (; *reasons; reasons++)
		if (strcmp(o->reason, *reasons) == 0)
			return;
	g_unexpected(t, op, o);
}

static void g_registered_id(int p, char id[37])
{
	pthread_mutex_lock(&g_lock);
	copy_id(id, g_registered[p]);
	pthread_mutex_unlock(&g_lock);
}

static void *storm_thread(void *arg)
{
	int t = (int)(intptr_t)arg;
	unsigned seed = 0x5eed0000u + (unsigned)t;
	static const char *const drives[] = {"vdb", "vdc", "vdd"};
	static const char *const attach_ok[] = {"ATTACHED_ELSEWHERE", "ALREADY_ATTACHED", "DRIVE_IN_USE",
	                                        "VM_NOT_FOUND", NULL};
	static const char *const detach_ok[] = {"ATTACHMENT_NOT_FOUND", "VM_NOT_FOUND", "VOLUME_NOT_FOUND",
	                                        NULL};
	static const char *const delete_ok[] = {"VOLUME_ATTACHED", "VOLUME_NOT_FOUND", NULL};
	static const char *const delete_vm_ok[] = {"VM_NOT_FOUND", NULL};
	static const char *const none[] = {NULL};
	pthread_barrier_wait(&barrier);
	for (int i = 0; i < G_OPS; i++) {
		int op = rand_r(&seed) % 20, v = rand_r(&seed) % G_VOLUMES, p = rand_r(&seed) % G_PATHS;
		int m = rand_r(&seed) % G_VMS;
		const char *drive = drives[rand_r(&seed) % 3];
		char id[37];
		outcome o;
		if (op < 9) {
			attach(clients[t], g_vol[v], g_vm[m], drive, rand_r(&seed) % 2, &o);
			g_check(t, "attach", 0, &o, attach_ok);
		} else if (op < 14) {
			/* A pool volume, or a registered one (so it can be deleted). */
			if (op % 2)
				g_registered_id(p, id);
			else
				copy_id(id, g_vol[v]);
			if (!id[0])
				continue;
			detach(clients[t], id, g_vm[m], &o);
			g_check(t, "detach", 1, &o, detach_ok);
		} else if (op < 17) {
			register_volume(clients[t], g_vm[m], th_fmt("/srv/storm/g-%d.raw", p), drive, &o);
			g_check(t, "register", 2, &o, attach_ok);
			if (o.code == VD_CODE_OK) {
				pthread_mutex_lock(&g_lock);
				copy_id(g_registered[p], o.id);
				pthread_mutex_unlock(&g_lock);
			}
		} else if (op < 19) {
			g_registered_id(p, id);
			if (!id[0])
				continue;
			delete_volume(clients[t], id, &o);
			g_check(t, "delete", 3, &o, delete_ok);
		} else {
			/* Gone, detaching all it held; then back under the same id. */
			delete_vm(clients[t], g_vm[m], &o);
			g_check(t, "DeleteVm", 4, &o, delete_vm_ok);
			Volumed__V1__CreateVmRequest q = VOLUMED__V1__CREATE_VM_REQUEST__INIT;
			q.id = g_vm[m];
			q.name = (char *)th_fmt("storm-%d", m);
			q.host_id = host;
			Volumed__V1__Vm *made = NULL;
			vc_status st;
			vc_create_vm(clients[t], &q, &made, NULL, &st);
			take(&o, &st, made ? made->id : NULL);
			vc_free(made);
			g_check(t, "CreateVm again", 4, &o, none);
		}
	}
	return NULL;
}

static void mixed_storm_keeps_every_invariant(void)
{
	for (int v = 0; v < G_VOLUMES; v++)
		copy_id(g_vol[v], tf_volume(main_client, host, th_fmt("/srv/storm/v-%d.ext4", v)));
	for (int m = 0; m < G_VMS; m++) {
		th_uuid(g_vm[m]);
		Volumed__V1__CreateVmRequest q = VOLUMED__V1__CREATE_VM_REQUEST__INIT;
		q.id = g_vm[m];
		q.name = (char *)th_fmt("storm-%d", m);
		q.host_id = host;
		Volumed__V1__Vm *made;
		vc_status st;
		vc_create_vm(main_client, &q, &made, NULL, &st);
		CHECK_OK(st);
		vc_free(made);
	}
	run_threads(storm_thread);
	if (g_nbad) {
		fprintf(stderr, "mixed storm: %d unexpected answers, the first:\n", g_nbad);
		for (int i = 0; i < g_nbad && i < 4; i++)
			fprintf(stderr, "  %s\n", g_bad[i]);
		th_fail();
	}
	printf("mixed storm: %d attaches, %d detaches, %d registrations, %d volume deletes, "
	       "%d VM deletes and re-creations succeeded\n",
	       g_ok[0], g_ok[1], g_ok[2], g_ok[3], g_ok[4]);
	/* Not a storm of refusals only. */
	CHECK(g_ok[0] > 0 && g_ok[1] > 0 && g_ok[2] > 0 && g_ok[3] > 0 && g_ok[4] > 0);
	audits_clean("the mixed storm");
	/* One volume per drive, at most one attachment per (volume, vm). */
	CHECK_INT(sql_count("SELECT count(*) FROM (SELECT vm_id, drive_id FROM volume_attachment "
	                    "GROUP BY 1, 2 HAVING count(*) > 1) x"),
	          0);
	CHECK_INT(sql_count("SELECT count(*) FROM (SELECT vm_id, volume_id FROM volume_attachment "
	                    "GROUP BY 1, 2 HAVING count(*) > 1) x"),
	          0);
	/* What GetVolume says agrees with the rows, for every storm volume. */
	for (int v = 0; v < G_VOLUMES; v++) {
		int count;
		const char *status = tf_status(main_client, g_vol[v], &count);
		CHECK_INT(count,
		          sql_count(th_fmt("SELECT count(*) FROM volume_attachment WHERE volume_id = '%s'",
		                           g_vol[v])));
		CHECK_STR(status, count == 0 ? "available" : count == 1 ? "attached" : "in-use");
	}
}

/* Each racer's connection of its own is made before the races, which are
 * about attaches: a first call also waits for its connection's handshake,
 * and under load that wait belongs to no race. */
static void connected(vc_client *cl)
{
	Grpc__Health__V1__HealthCheckRequest q = GRPC__HEALTH__V1__HEALTH_CHECK_REQUEST__INIT;
	vc_status st;
	vc_health_check(cl, &q, NULL, &(vc_call_opts){.timeout_ms = 30000, .wait_for_ready = true}, &st);
	CHECK_OK(st);
}

int main(void)
{
	pg = th_pg_start();
	th_proc *vd = th_volumed_start(pg, NULL);
	main_client = vc_client_new(vd->addr, &(vc_options){.timeout_ms = TIMEOUT_MS});
	vc_options own = {.timeout_ms = TIMEOUT_MS, .own_connection = true};
	for (int t = 0; t < NTHREADS; t++) {
		clients[t] = vc_client_new(vd->addr, &own);
		connected(clients[t]);
	}
	db = th_pg_connect(pg);
	CHECK(pthread_barrier_init(&barrier, NULL, NTHREADS) == 0);

	copy_id(host, tf_host(main_client, "race-host"));
	for (int t = 0; t < NTHREADS; t++)
		copy_id(vms[t], new_vm(th_fmt("racer-%d", t)));

	attach_race_has_one_winner();
	retries_get_the_same_answer();
	readers_and_a_writer_never_share();
	delete_and_attach_never_both_win();
	delete_vm_leaves_no_attachment_behind();
	overlapping_vm_deletions_all_succeed();
	delete_host_never_cascades();
	registration_racing_deletions();
	mixed_storm_keeps_every_invariant();
	audits_clean("everything");

	pthread_barrier_destroy(&barrier);
	PQfinish(db);
	for (int t = 0; t < NTHREADS; t++)
		vc_client_free(clients[t]);
	vc_client_free(main_client);
	th_proc_stop(vd);
	printf("it_concurrency: ok\n");
	return 0;
}
