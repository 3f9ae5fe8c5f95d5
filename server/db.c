/* db.c - connection life cycle, statement execution and failure
 * classification for one worker's Postgres connection. */
#include "db.h"

#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"

/* After a failed connection attempt, calls fail fast for this long instead
 * of each paying for a new attempt. */
#define RECONNECT_BACKOFF_MS 100
#define TX_ATTEMPTS 5

struct vd_db {
	char *conninfo;
	PGconn *conn;
	bool prepared;
	struct timespec last_attempt;
	bool last_attempt_failed;
	bool last_outage; /* the connection was lost or refused since it last worked */
	/* The cancel handle is the one piece another thread touches. */
	pthread_mutex_t cancel_lock;
	PGcancel *cancel;
	vd_db_failure failure;
	char sqlstate[6];
	char constraint[64];
	char message[256];
	int binary_results[1];
};

vd_db *vd_db_new(const char *conninfo)
{
	vd_db *db = calloc(1, sizeof *db);
	if (!db || !(db->conninfo = strdup(conninfo)))
		abort();
	pthread_mutex_init(&db->cancel_lock, NULL);
	return db;
}

void vd_db_free(vd_db *db)
{
	if (!db)
		return;
	if (db->conn)
		PQfinish(db->conn);
	if (db->cancel)
		PQfreeCancel(db->cancel);
	pthread_mutex_destroy(&db->cancel_lock);
	free(db->conninfo);
	free(db);
}

static long ms_since(const struct timespec *t)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - t->tv_sec) * 1000 + (now.tv_nsec - t->tv_nsec) / 1000000;
}

static void set_cancel(vd_db *db, PGcancel *cancel)
{
	pthread_mutex_lock(&db->cancel_lock);
	if (db->cancel)
		PQfreeCancel(db->cancel);
	db->cancel = cancel;
	pthread_mutex_unlock(&db->cancel_lock);
}

static void drop(vd_db *db)
{
	set_cancel(db, NULL);
	if (db->conn)
		PQfinish(db->conn);
	db->conn = NULL;
	db->prepared = false;
}

void vd_db_cancel(vd_db *db)
{
	char msg[256];
	pthread_mutex_lock(&db->cancel_lock);
	if (db->cancel && !PQcancel(db->cancel, msg, sizeof msg))
		vd_log(VD_LOG_WARN, "cancelling a query failed: %s", msg);
	pthread_mutex_unlock(&db->cancel_lock);
}

/* An idle connection has nothing to read: volumed never LISTENs, so the
 * only thing a server sends unprompted is the notice that it is closing the
 * connection (shutdown, restart, terminated backend). If the socket is
 * readable or hung up, the connection is finished: drop it now and connect
 * afresh, rather than fail this call on it. (libpq would read the notice
 * and still report CONNECTION_OK until a later read meets the EOF.) */
static void notice_hangup(vd_db *db)
{
	struct pollfd p = {.fd = PQsocket(db->conn), .events = POLLIN};
	if (p.fd >= 0 && poll(&p, 1, 0) > 0) {
		vd_log(VD_LOG_INFO, "database closed an idle connection; reconnecting");
		drop(db);
		db->last_outage = true;
	}
}

static bool unavailable(vd_db *db, vd_error *err, const char *what)
{
	db->failure = VD_DB_FAIL_UNAVAILABLE;
	db->last_outage = true;
	vd_error_set(err, VD_DATABASE_UNAVAILABLE, "database unavailable: %s", what);
	return false;
}

static bool connect_and_prepare(vd_db *db, vd_error *err)
{
	if (db->last_attempt_failed && ms_since(&db->last_attempt) < RECONNECT_BACKOFF_MS)
		return unavailable(db, err, db->message);
	clock_gettime(CLOCK_MONOTONIC, &db->last_attempt);
	db->last_attempt_failed = true;

	/* Our keywords first, so anything the URL says wins over them. */
	const char *keys[] = {"connect_timeout", "application_name", "dbname", NULL};
	const char *vals[] = {"3", "volumed", db->conninfo, NULL};
	db->conn = PQconnectdbParams(keys, vals, 1);
	if (PQstatus(db->conn) != CONNECTION_OK) {
		snprintf(db->message, sizeof db->message, "%s", PQerrorMessage(db->conn));
		db->message[strcspn(db->message, "\n")] = '\0';
		vd_log(VD_LOG_WARN, "database connection failed: %s", db->message);
		drop(db);
		return unavailable(db, err, db->message);
	}
	for (int i = 0; i < VD_SQL_COUNT; i++) {
		const vd_sql_def *d = &vd_sql_defs[i];
		if (d->replan)
			continue;
		PGresult *r = PQprepare(db->conn, d->name, d->text, d->nparams, NULL);
		bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
		if (!ok) {
			snprintf(db->message, sizeof db->message, "preparing %s: %s", d->name,
				 PQresultErrorMessage(r));
			db->message[strcspn(db->message, "\n")] = '\0';
		}
		PQclear(r);
		if (!ok) {
			bool lost = PQstatus(db->conn) != CONNECTION_OK;
			vd_log(VD_LOG_ERROR, "%s", db->message);
			drop(db);
			if (lost)
				return unavailable(db, err, db->message);
			db->failure = VD_DB_FAIL_OTHER;
			return vd_error_set(err, VD_INTERNAL, "internal error: %s", db->message);
		}
	}
	db->prepared = true;
	set_cancel(db, PQgetCancel(db->conn));
	/* Worth an info line only when it ends an outage. */
	vd_log(db->last_outage ? VD_LOG_INFO : VD_LOG_DEBUG, "database connection %s",
	       db->last_outage ? "restored" : "ready");
	db->last_attempt_failed = false;
	db->last_outage = false;
	return true;
}

bool vd_db_ready(vd_db *db, vd_error *err)
{
	db->failure = VD_DB_FAIL_NONE;
	if (db->conn && PQtransactionStatus(db->conn) == PQTRANS_IDLE)
		notice_hangup(db);
	if (db->conn && PQstatus(db->conn) == CONNECTION_OK && db->prepared)
		return true;
	drop(db);
	return connect_and_prepare(db, err);
}

/* Connection-level SQLSTATEs: class 08, admin shutdown / crash shutdown /
 * cannot connect now (57P01-57P03), too many connections (53300). */
static bool unavailable_state(const char *s)
{
	return strncmp(s, "08", 2) == 0 || strcmp(s, "57P01") == 0 ||
	       strcmp(s, "57P02") == 0 || strcmp(s, "57P03") == 0 || strcmp(s, "53300") == 0;
}

static PGresult *classify(vd_db *db, PGresult *r, vd_sql stmt, vd_error *err)
{
	const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
	const char *msg = r ? PQresultErrorMessage(r) : PQerrorMessage(db->conn);
	snprintf(db->sqlstate, sizeof db->sqlstate, "%s", state ? state : "");
	snprintf(db->message, sizeof db->message, "%s", msg ? msg : "");
	db->message[strcspn(db->message, "\n")] = '\0';
	const char *c = r ? PQresultErrorField(r, PG_DIAG_CONSTRAINT_NAME) : NULL;
	snprintf(db->constraint, sizeof db->constraint, "%s", c ? c : "");
	PQclear(r);

	if (!state || PQstatus(db->conn) != CONNECTION_OK || unavailable_state(db->sqlstate)) {
		vd_log(VD_LOG_WARN, "database connection lost during %s: %s",
		       vd_sql_defs[stmt].name, db->message);
		drop(db);
		unavailable(db, err, "connection lost");
		return NULL;
	}
	if (strcmp(db->sqlstate, "57014") == 0) {
		/* Cancelled (shutdown after the grace period): the connection is
		 * fine, the call is not going to be answered with data. */
		db->failure = VD_DB_FAIL_UNAVAILABLE;
		vd_error_set(err, VD_DATABASE_UNAVAILABLE, "database query cancelled");
		return NULL;
	}
	if (strcmp(db->sqlstate, "40001") == 0 || strcmp(db->sqlstate, "40P01") == 0) {
		db->failure = VD_DB_FAIL_RETRY;
		return NULL;
	}
	if (strncmp(db->sqlstate, "23", 2) == 0 && db->constraint[0]) {
		db->failure = VD_DB_FAIL_CONSTRAINT;
		return NULL;
	}
	db->failure = VD_DB_FAIL_OTHER;
	vd_log(VD_LOG_ERROR, "%s failed: %s %s", vd_sql_defs[stmt].name, db->sqlstate, db->message);
	vd_error_set(err, VD_INTERNAL, "internal error");
	return NULL;
}

PGresult *vd_db_run(vd_db *db, vd_sql stmt, const char *const *params, vd_error *err)
{
	db->failure = VD_DB_FAIL_NONE;
	db->constraint[0] = '\0';
	if (!db->conn || !db->prepared) {
		unavailable(db, err, "not connected");
		return NULL;
	}
	const vd_sql_def *d = &vd_sql_defs[stmt];
	PGresult *r = d->replan ? PQexecParams(db->conn, d->text, d->nparams, NULL, params, NULL, NULL, 1)
				: PQexecPrepared(db->conn, d->name, d->nparams, params, NULL, NULL, 1);
	ExecStatusType st = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
	if (st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK)
		return r;
	return classify(db, r, stmt, err);
}

vd_db_failure vd_db_failed(const vd_db *db)
{
	return db->failure;
}

const char *vd_db_constraint(const vd_db *db)
{
	return db->constraint;
}

bool vd_db_unexpected(vd_db *db, vd_error *err)
{
	if (db->failure == VD_DB_FAIL_CONSTRAINT || db->failure == VD_DB_FAIL_RETRY) {
		vd_log(VD_LOG_ERROR, "unexpected database failure: %s %s (%s)", db->sqlstate,
		       db->message, db->constraint);
		db->failure = VD_DB_FAIL_OTHER;
	}
	return vd_error_set(err, VD_INTERNAL, "internal error");
}

bool vd_db_retry(vd_db *db)
{
	db->failure = VD_DB_FAIL_RETRY;
	snprintf(db->message, sizeof db->message, "row changed concurrently");
	return false;
}

static void rollback(vd_db *db)
{
	if (!db->conn || PQtransactionStatus(db->conn) == PQTRANS_IDLE)
		return;
	vd_error ignored = {0};
	vd_db_failure keep = db->failure;
	PQclear(vd_db_run(db, VD_SQL_ROLLBACK, NULL, &ignored));
	db->failure = keep;
}

bool vd_db_transact(vd_db *db, vd_db_tx_fn fn, void *ctx, vd_error *err)
{
	for (int attempt = 1;; attempt++) {
		PGresult *r = vd_db_run(db, VD_SQL_BEGIN, NULL, err);
		if (!r)
			return false;
		PQclear(r);
		bool ok = fn(db, ctx, err);
		if (ok) {
			r = vd_db_run(db, VD_SQL_COMMIT, NULL, err);
			if (r) {
				PQclear(r);
				return true;
			}
		}
		rollback(db);
		if (err->reason != VD_OK)
			return false;
		if (db->failure != VD_DB_FAIL_RETRY)
			return vd_db_unexpected(db, err);
		if (attempt == TX_ATTEMPTS) {
			vd_log(VD_LOG_WARN, "transaction gave up after %d attempts: %s", attempt, db->message);
			return vd_error_set(err, VD_DATABASE_UNAVAILABLE,
					    "database busy: transaction kept conflicting, try again");
		}
		vd_log(VD_LOG_DEBUG, "retrying transaction (%s)", db->sqlstate);
	}
}

bool vd_db_ping(vd_db *db, vd_error *err)
{
	if (!vd_db_ready(db, err))
		return false;
	PGresult *r = vd_db_run(db, VD_SQL_PING, NULL, err);
	PQclear(r);
	return r != NULL;
}
