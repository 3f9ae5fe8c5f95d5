/* db.h - one Postgres connection with every statement of sql.h prepared.
 *
 * Each worker owns one vd_db; nothing here is shared between threads. A
 * lost connection is noticed on use, answered as DATABASE_UNAVAILABLE, and
 * re-established (statements prepared again) by the next call, so volumed
 * serves again by itself once Postgres is back. */
#ifndef VOLUMED_DB_H
#define VOLUMED_DB_H

#include <stdbool.h>

#include <libpq-fe.h>

#include "sql.h"
#include "wire.h"

typedef struct vd_db vd_db;

/* Why the last statement failed. */
typedef enum vd_db_failure {
	VD_DB_FAIL_NONE,
	VD_DB_FAIL_UNAVAILABLE, /* connection lost or refused: err is set */
	VD_DB_FAIL_RETRY,       /* serialization failure or deadlock: retry the transaction */
	VD_DB_FAIL_CONSTRAINT,  /* a constraint said no: see vd_db_constraint() */
	VD_DB_FAIL_OTHER        /* anything else: err is set (INTERNAL) */
} vd_db_failure;

/* A handle for conninfo (a URL or key=value string); connects lazily. */
vd_db *vd_db_new(const char *conninfo);
void vd_db_free(vd_db *db);

/* Makes sure the connection is up and prepared. False with
 * DATABASE_UNAVAILABLE in err when Postgres cannot be reached. */
bool vd_db_ready(vd_db *db, vd_error *err);

/* Runs a prepared statement with text parameters (NULL = SQL NULL) and
 * binary results. Returns the result (caller PQclears) or NULL on failure:
 * then vd_db_failed() says why and, for UNAVAILABLE and OTHER, err is set. */
PGresult *vd_db_run(vd_db *db, vd_sql stmt, const char *const *params, vd_error *err);

vd_db_failure vd_db_failed(const vd_db *db);
/* The constraint that the last statement violated, or "". */
const char *vd_db_constraint(const vd_db *db);
/* Turns a failure the caller did not expect (a constraint it has no rule
 * for) into INTERNAL, logging the details. */
bool vd_db_unexpected(vd_db *db, vd_error *err);

/* A transaction body. Returns false to roll back; a body that fails with
 * VD_DB_FAIL_RETRY (and no error set) is run again from the start. */
typedef bool (*vd_db_tx_fn)(vd_db *db, void *ctx, vd_error *err);

/* For a body that finds the world changed between two of its statements
 * (a row gone): asks vd_db_transact to run it again. Returns false. */
bool vd_db_retry(vd_db *db);

/* BEGIN, fn, COMMIT, retrying the whole transaction a few times on
 * serialization failures and deadlocks. */
bool vd_db_transact(vd_db *db, vd_db_tx_fn fn, void *ctx, vd_error *err);

/* Asks Postgres to cancel whatever this connection is running. The only
 * vd_db function that may be called from another thread: shutdown uses it
 * to free workers stuck waiting on locks once the grace period is over. */
void vd_db_cancel(vd_db *db);

/* A cheap liveness check for the health service. */
bool vd_db_ping(vd_db *db, vd_error *err);

#endif
