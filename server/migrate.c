/* migrate.c - applying the embedded migrations. The migration files are
 * fixed SQL scripts, so they go through the simple query protocol as they
 * are; everything else volumed runs is a prepared statement (sql.c). */
#include "migrate.h"

#include <inttypes.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <libpq-fe.h>

#include "log.h"

/* An arbitrary, fixed advisory lock key: "volumed" in ASCII. */
#define MIGRATION_LOCK_KEY "111437146235236"

static uint64_t checksum(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
	return h;
}

static bool exec_ok(PGconn *c, const char *sql, const char *what)
{
	PGresult *r = PQexec(c, sql);
	ExecStatusType st = PQresultStatus(r);
	bool ok = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK;
	if (!ok)
		vd_log(VD_LOG_ERROR, "migration: %s failed: %s", what, PQresultErrorMessage(r));
	PQclear(r);
	return ok;
}

static PGconn *connect_waiting(const char *conninfo, int wait_seconds)
{
	const char *keys[] = {"connect_timeout", "application_name", "dbname", NULL};
	const char *vals[] = {"3", "volumed-migrate", conninfo, NULL};
	struct timespec start, now;
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (int attempt = 1;; attempt++) {
		PGconn *c = PQconnectdbParams(keys, vals, 1);
		if (PQstatus(c) == CONNECTION_OK)
			return c;
		char msg[256];
		snprintf(msg, sizeof msg, "%s", PQerrorMessage(c));
		msg[strcspn(msg, "\n")] = '\0';
		PQfinish(c);
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec - start.tv_sec >= wait_seconds) {
			vd_log(VD_LOG_ERROR, "migration: cannot connect to the database: %s", msg);
			return NULL;
		}
		if (attempt == 1 || attempt % 10 == 0)
			vd_log(VD_LOG_WARN, "migration: waiting for the database: %s", msg);
		/* Postgres is not up yet: a pause between attempts is the point. */
		struct timespec pause = {0, 500 * 1000000L};
		nanosleep(&pause, NULL);
	}
}

/* Applies one migration in its own transaction, recording it in the same
 * transaction, so a failure leaves neither half a schema nor a false record. */
static bool apply(PGconn *c, const vd_migration *m, const char *sum)
{
	char what[128], version[16];
	snprintf(what, sizeof what, "%04d_%s", m->version, m->name);
	snprintf(version, sizeof version, "%d", m->version);
	if (!exec_ok(c, "BEGIN", what))
		return false;
	if (!exec_ok(c, m->sql, what)) {
		exec_ok(c, "ROLLBACK", what);
		return false;
	}
	const char *p[] = {version, m->name, sum};
	PGresult *r = PQexecParams(c, "INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)",
				   3, NULL, p, NULL, NULL, 0);
	bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
	if (!ok)
		vd_log(VD_LOG_ERROR, "migration: recording %s failed: %s", what, PQresultErrorMessage(r));
	PQclear(r);
	if (!ok || !exec_ok(c, "COMMIT", what)) {
		exec_ok(c, "ROLLBACK", what);
		return false;
	}
	vd_log(VD_LOG_INFO, "migration: applied %s", what);
	return true;
}

bool vd_migrate(const char *conninfo, int wait_seconds)
{
	PGconn *c = connect_waiting(conninfo, wait_seconds);
	if (!c)
		return false;
	bool ok = false;
	PGresult *applied = NULL;
	exec_ok(c, "SET client_min_messages = warning", "setup");
	if (!exec_ok(c, "SELECT pg_advisory_lock(" MIGRATION_LOCK_KEY ")", "locking"))
		goto cleanup;
	if (!exec_ok(c,
		     "CREATE TABLE IF NOT EXISTS schema_migrations ("
		     " version integer PRIMARY KEY, name text NOT NULL, checksum text NOT NULL,"
		     " applied_at timestamptz NOT NULL DEFAULT now())",
		     "creating schema_migrations"))
		goto cleanup;
	applied = PQexec(c, "SELECT version, checksum FROM schema_migrations ORDER BY version");
	if (PQresultStatus(applied) != PGRES_TUPLES_OK) {
		vd_log(VD_LOG_ERROR, "migration: reading schema_migrations: %s", PQresultErrorMessage(applied));
		goto cleanup;
	}
	int done = 0;
	for (int i = 0; i < vd_migration_count; i++) {
		const vd_migration *m = &vd_migrations[i];
		char sum[17];
		snprintf(sum, sizeof sum, "%016" PRIx64, checksum(m->sql));
		const char *recorded = NULL;
		for (int row = 0; row < PQntuples(applied); row++)
			if (atoi(PQgetvalue(applied, row, 0)) == m->version)
				recorded = PQgetvalue(applied, row, 1);
		if (recorded) {
			if (strcmp(recorded, sum) != 0) {
				vd_log(VD_LOG_ERROR,
				       "migration: %04d_%s was changed after it was applied (checksum %s, now %s); "
				       "add a new migration instead",
				       m->version, m->name, recorded, sum);
				goto cleanup;
			}
			continue;
		}
		if (!apply(c, m, sum))
			goto cleanup;
		done++;
	}
	int known = vd_migration_count ? vd_migrations[vd_migration_count - 1].version : 0;
	for (int row = 0; row < PQntuples(applied); row++)
		if (atoi(PQgetvalue(applied, row, 0)) > known)
			vd_log(VD_LOG_WARN, "migration: the database has migration %s, newer than this volumed",
			       PQgetvalue(applied, row, 0));
	vd_log(VD_LOG_INFO, "migration: schema is current (%d applied now, %d known)", done, vd_migration_count);
	ok = true;
cleanup:
	PQclear(applied);
	PQfinish(c); /* also releases the advisory lock */
	return ok;
}
