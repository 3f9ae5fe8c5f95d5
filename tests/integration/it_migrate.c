/* it_migrate - `volumed migrate` applies every migration once and records
 * it with a checksum, a second run changes nothing, eight runs started at
 * once on a fresh database apply each migration exactly once, a changed
 * migration stops volumed with a clear log line, and the schema holds the
 * invariants itself: no writer with SQL access can make a status disagree
 * with the attachments or give a volume two kinds of holder. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fixtures.h"

#define CONCURRENT 8
#define WAIT_SECONDS 60

static th_pg *pg;

/* ---- Running volumed ourselves (migrate, and serve that must refuse). ---- */

static pid_t spawn(const char *command, const char *url, const char *log)
{
	pid_t pid = fork();
	if (pid == 0) {
		int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execl(VOLUMED_BIN, VOLUMED_BIN, command, "--listen", "127.0.0.1:0", "--database-url", url,
		      "--db-wait-seconds", "10", (char *)NULL);
		_exit(127);
	}
	CHECK(pid > 0);
	return pid;
}

static void pause_ms(int ms)
{
	struct timespec t = {0, ms * 1000000L};
	nanosleep(&t, NULL);
}

/* The exit status of pid, waiting at most WAIT_SECONDS (then it is killed
 * and the test fails: a migration must not hang). */
static int reap(pid_t pid, const char *log)
{
	time_t until = time(NULL) + WAIT_SECONDS;
	for (;;) {
		int st;
		pid_t r = waitpid(pid, &st, WNOHANG);
		if (r == pid)
			return st;
		if (r < 0 && errno != EINTR) {
			perror("waitpid");
			th_fail();
		}
		if (time(NULL) > until) {
			kill(pid, SIGKILL);
			waitpid(pid, NULL, 0);
			fprintf(stderr, "volumed (log %s) still running after %d s\n", log, WAIT_SECONDS);
			th_fail();
		}
		pause_ms(10);
	}
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	CHECK(f != NULL);
	size_t cap = 4096, n = 0;
	char *s = malloc(cap);
	for (size_t k; (k = fread(s + n, 1, cap - n - 1, f)) > 0;) {
		n += k;
		if (n + 1 == cap && !(s = realloc(s, cap *= 2)))
			abort();
	}
	s[n] = '\0';
	fclose(f);
	return s;
}

static int occurrences(const char *hay, const char *needle)
{
	int n = 0;
	for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

/* Runs one volumed command to its end; returns the exit status and the log. */
static int run_volumed(const char *command, const char *url, char **log_text)
{
	char log[128];
	snprintf(log, sizeof log, "/tmp/it_migrate-%d-%s.log", (int)getpid(), command);
	int st = reap(spawn(command, url, log), log);
	*log_text = slurp(log);
	unlink(log);
	return st;
}

static bool exited_0(int st)
{
	return WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

/* ---- Looking at a database. ---- */

static const char *url_of(const char *dbname)
{
	return th_fmt("postgresql://postgres@127.0.0.1:%d/%s", pg->port, dbname);
}

static PGconn *connect_to(const char *dbname)
{
	PGconn *c = PQconnectdb(url_of(dbname));
	if (PQstatus(c) != CONNECTION_OK) {
		fprintf(stderr, "connect %s: %s\n", dbname, PQerrorMessage(c));
		th_fail();
	}
	return c;
}

static void exec_ok(PGconn *c, const char *sql)
{
	PGresult *r = PQexec(c, sql);
	if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK) {
		fprintf(stderr, "%s\nfailed: %s\n", sql, PQerrorMessage(c));
		th_fail();
	}
	PQclear(r);
}

static char *text_of(PGconn *c, const char *sql)
{
	PGresult *r = PQexec(c, sql);
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		fprintf(stderr, "%s\nfailed: %s\n", sql, PQerrorMessage(c));
		th_fail();
	}
	char *s = strdup(PQntuples(r) && !PQgetisnull(r, 0, 0) ? PQgetvalue(r, 0, 0) : "");
	PQclear(r);
	return s;
}

/* Everything a migration defines, as one digest: equal digests, same schema. */
#define SCHEMA_SQL                                                                                           \
	"SELECT md5(string_agg(x, E'\\n' ORDER BY x)) FROM ("                                                \
	" SELECT format('column %s.%s %s %s %s %s', table_name, column_name, data_type, "                    \
	"   is_nullable, column_default, is_generated) AS x"                                                 \
	"  FROM information_schema.columns WHERE table_schema = 'public'"                                    \
	" UNION ALL SELECT 'index ' || indexdef FROM pg_indexes WHERE schemaname = 'public'"                 \
	" UNION ALL SELECT format('constraint %s %s', conname, pg_get_constraintdef(oid))"                   \
	"  FROM pg_constraint WHERE connamespace = 'public'::regnamespace"                                   \
	" UNION ALL SELECT 'trigger ' || pg_get_triggerdef(oid) FROM pg_trigger WHERE NOT tgisinternal"      \
	" UNION ALL SELECT 'function ' || md5(prosrc) FROM pg_proc WHERE pronamespace = "                    \
	"'public'::regnamespace"                                                                             \
	" UNION ALL SELECT 'extension ' || extname FROM pg_extension) s"

#define RECORD_SQL                                                                                           \
	"SELECT string_agg(format('%s %s %s %s', version, name, checksum, applied_at), E'\\n' "              \
	"ORDER BY version) FROM schema_migrations"

static int compare_names(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* The migrations in the source tree, as "version name" lines in order. */
static char *expected_migrations(int *count)
{
	DIR *d = opendir(MIGRATIONS_DIR);
	CHECK(d != NULL);
	char names[64][128];
	int n = 0;
	for (struct dirent *e; (e = readdir(d));) {
		size_t len = strlen(e->d_name);
		if (len > 4 && strcmp(e->d_name + len - 4, ".sql") == 0 && n < 64)
			snprintf(names[n++], sizeof names[0], "%.*s", (int)(len - 4), e->d_name);
	}
	closedir(d);
	qsort(names, (size_t)n, sizeof names[0], compare_names);
	char *out = calloc(1, 64 * 140);
	for (int i = 0; i < n; i++) {
		char *underscore = strchr(names[i], '_');
		CHECK(underscore != NULL);
		sprintf(out + strlen(out), "%s%d %s", i ? "\n" : "", atoi(names[i]), underscore + 1);
	}
	*count = n;
	return out;
}

/* schema_migrations holds exactly the migrations of the tree, each with a
 * 64-bit hexadecimal checksum. */
static void check_recorded(PGconn *c, const char *expected)
{
	char *got = text_of(c, "SELECT string_agg(version || ' ' || name, E'\\n' ORDER BY version) "
	                       "FROM schema_migrations");
	CHECK_STR(got, expected);
	free(got);
	char *bad = text_of(c, "SELECT count(*) FROM schema_migrations WHERE checksum !~ '^[0-9a-f]{16}$'");
	CHECK_STR(bad, "0");
	free(bad);
}

/* ---- The tests. ---- */

static void migrate_applies_once(const char *expected, int count)
{
	char *log;
	int st = run_volumed("migrate", pg->url, &log);
	if (!exited_0(st)) {
		fprintf(stderr, "volumed migrate exited with status %d:\n%s\n", st, log);
		th_fail();
	}
	CHECK_INT(occurrences(log, "migration: applied "), count);
	free(log);

	PGconn *c = connect_to("volumed");
	check_recorded(c, expected);
	char *schema = text_of(c, SCHEMA_SQL), *record = text_of(c, RECORD_SQL);

	/* Again: nothing applied, nothing recorded, nothing changed. */
	st = run_volumed("migrate", pg->url, &log);
	CHECK(exited_0(st));
	CHECK_INT(occurrences(log, "migration: applied "), 0);
	free(log);
	char *schema2 = text_of(c, SCHEMA_SQL), *record2 = text_of(c, RECORD_SQL);
	CHECK_STR(schema2, schema);
	CHECK_STR(record2, record);
	free(schema2);
	free(record2);
	free(schema);
	free(record);
	PQfinish(c);
}

static void concurrent_migrations_apply_each_once(const char *expected, int count)
{
	PGconn *admin = connect_to("volumed");
	exec_ok(admin, "CREATE DATABASE fresh");
	char *reference = text_of(admin, SCHEMA_SQL);
	PQfinish(admin);

	pid_t pids[CONCURRENT];
	char logs[CONCURRENT][128];
	for (int i = 0; i < CONCURRENT; i++) {
		snprintf(logs[i], sizeof logs[0], "/tmp/it_migrate-%d-concurrent-%d.log", (int)getpid(), i);
		pids[i] = spawn("migrate", url_of("fresh"), logs[i]);
	}
	int applied = 0;
	for (int i = 0; i < CONCURRENT; i++) {
		int st = reap(pids[i], logs[i]);
		char *log = slurp(logs[i]);
		unlink(logs[i]);
		if (!exited_0(st)) {
			fprintf(stderr, "concurrent volumed migrate %d exited with status %d:\n%s\n", i, st,
			        log);
			th_fail();
		}
		applied += occurrences(log, "migration: applied ");
		free(log);
	}
	/* Eight processes, each migration applied by exactly one of them. */
	CHECK_INT(applied, count);
	PGconn *c = connect_to("fresh");
	check_recorded(c, expected);
	char *schema = text_of(c, SCHEMA_SQL);
	CHECK_STR(schema, reference);
	free(schema);
	free(reference);
	PQfinish(c);
}

static void changed_migration_stops_volumed(void)
{
	PGconn *c = connect_to("volumed");
	char *saved = text_of(c, "SELECT checksum FROM schema_migrations WHERE version = 1");
	char *schema = text_of(c, SCHEMA_SQL);
	exec_ok(c, "UPDATE schema_migrations SET checksum = 'x' WHERE version = 1");

	const char *commands[] = {"migrate", "serve"};
	for (int i = 0; i < 2; i++) {
		char *log;
		int st = run_volumed(commands[i], pg->url, &log);
		if (exited_0(st) || !strstr(log, "was changed after it was applied") ||
		    strstr(log, "listening")) {
			fprintf(stderr, "volumed %s with a changed migration: status %d, log:\n%s\n",
			        commands[i], st, log);
			th_fail();
		}
		free(log);
	}
	/* It refused without touching anything. */
	char *after = text_of(c, SCHEMA_SQL), *sum = text_of(c, "SELECT checksum FROM schema_migrations "
	                                                        "WHERE version = 1");
	CHECK_STR(after, schema);
	CHECK_STR(sum, "x");
	free(after);
	free(sum);

	exec_ok(c, th_fmt("UPDATE schema_migrations SET checksum = '%s' WHERE version = 1", saved));
	free(saved);
	free(schema);
	PQfinish(c);
}

/* The SQLSTATE a statement fails with ("" if it succeeds). */
static char *sqlstate_of(PGconn *c, const char *sql)
{
	PGresult *r = PQexec(c, sql);
	ExecStatusType st = PQresultStatus(r);
	const char *s = PQresultErrorField(r, PG_DIAG_SQLSTATE);
	char *out = strdup(st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK ? "" : s ? s : "?");
	PQclear(r);
	return out;
}

#define EXPECT_SQLSTATE(c, sql, want)                                                                        \
	do {                                                                                                 \
		char *got_ = sqlstate_of(c, sql);                                                            \
		bool same_ = strcmp(got_, want) == 0;                                                        \
		if (!same_)                                                                                  \
			fprintf(stderr, "%s:%d: %s\n  expected SQLSTATE %s, got %s%s\n", __FILE__, __LINE__, \
			        sql, *(want) ? (want) : "success", *got_ ? got_ : "success",                 \
			        *got_ ? "" : " (the database let it through)");                              \
		free(got_);                                                                                  \
		if (!same_)                                                                                  \
			th_fail();                                                                           \
	} while (0)

#define EXPECT_REFUSED_SQL(c, sql)                                                                           \
	do {                                                                                                 \
		char *got_ = sqlstate_of(c, sql);                                                            \
		bool refused_ = *got_ != '\0';                                                               \
		free(got_);                                                                                  \
		if (!refused_) {                                                                             \
			fprintf(stderr,                                                                      \
			        "%s:%d: %s\n  succeeded: the database let a writer set the count "           \
			        "behind the status\n",                                                       \
			        __FILE__, __LINE__, sql);                                                    \
			th_fail();                                                                           \
		}                                                                                            \
	} while (0)

static void audits_clean(PGconn *c, const char *after)
{
	char *bad = text_of(c, TF_AUDIT_SQL), *writers = text_of(c, TF_WRITERS_SQL);
	if (strcmp(bad, "0") || strcmp(writers, "0")) {
		fprintf(stderr,
		        "after %s: %s volume(s) whose status disagrees with the attachments, %s with "
		        "more than a single writer\n",
		        after, bad, writers);
		th_fail();
	}
	free(bad);
	free(writers);
}

#define HOST "00000000-0000-4000-8000-000000000001"
#define VM1 "00000000-0000-4000-8000-000000000011"
#define VM2 "00000000-0000-4000-8000-000000000012"
#define VM3 "00000000-0000-4000-8000-000000000013"
#define VOL1 "00000000-0000-4000-8000-000000000021"
#define VOL2 "00000000-0000-4000-8000-000000000022"
#define VOL3 "00000000-0000-4000-8000-000000000023"

static void schema_holds_the_invariants(void)
{
	PGconn *c = connect_to("volumed");
	exec_ok(c, "INSERT INTO host (id, name) VALUES ('" HOST "', 'sql-host')");
	exec_ok(c, "INSERT INTO vm (id, name, host_id) VALUES ('" VM1 "', 'vm1', '" HOST "'), "
	           "('" VM2 "', 'vm2', '" HOST "'), ('" VM3 "', 'vm3', '" HOST "')");
	exec_ok(c, "INSERT INTO volume (id, name, path, size_bytes, type, host_id) VALUES "
	           "('" VOL1 "', 'v1', '/srv/sql/v1.ext4', 1, 'ext4', '" HOST "'), "
	           "('" VOL2 "', 'v2', '/srv/sql/v2.ext4', 1, 'ext4', '" HOST "'), "
	           "('" VOL3 "', 'v3', '/srv/sql/v3.ext4', 1, 'ext4', '" HOST "')");

	/* Paths are clean in the database too (invariant 6). */
	static const char *const unclean[] = {"/srv/../etc/shadow", "/srv/./a", "/srv//a", "/srv/a/", "/srv/..",
					      "relative/a", "/srv/a\tb", "/"};
	for (size_t i = 0; i < sizeof unclean / sizeof *unclean; i++) {
		char sql[512];
		snprintf(sql, sizeof sql,
			 "INSERT INTO volume (id, name, path, size_bytes, type, host_id) VALUES "
			 "(gen_random_uuid(), 'unclean', E'%s', 1, 'raw', '" HOST "')",
			 unclean[i]);
		EXPECT_SQLSTATE(c, sql, "23514");
	}
	exec_ok(c, "INSERT INTO volume (id, name, path, size_bytes, type, host_id) VALUES "
		   "(gen_random_uuid(), 'odd but clean', '/srv/...x/..a b.img', 1, 'raw', '" HOST "')");
	exec_ok(c, "DELETE FROM volume WHERE name = 'odd but clean'");

	/* Status is derived: it cannot be written, not even on insert. */
	EXPECT_SQLSTATE(c, "UPDATE volume SET status = 'attached' WHERE id = '" VOL1 "'", "428C9");
	EXPECT_SQLSTATE(c,
	                "INSERT INTO volume (id, name, path, size_bytes, type, host_id, status) VALUES "
	                "(gen_random_uuid(), 'v9', '/srv/sql/v9.ext4', 1, 'ext4', '" HOST "', 'in-use')",
	                "428C9");

	/* Attachments move the status, in the same statement. */
	exec_ok(c, "INSERT INTO volume_attachment (id, volume_id, vm_id, drive_id, read_only) VALUES "
	           "(gen_random_uuid(), '" VOL1 "', '" VM1 "', 'vdb', false)");
	char *s = text_of(c, "SELECT status || ' ' || attachment_count FROM volume WHERE id = '" VOL1 "'");
	CHECK_STR(s, "attached 1");
	free(s);

	/* Single writer: no reader beside a writer, no second writer. */
	EXPECT_SQLSTATE(c,
	                "INSERT INTO volume_attachment (id, volume_id, vm_id, drive_id, read_only) VALUES "
	                "(gen_random_uuid(), '" VOL1 "', '" VM2 "', 'vdb', true)",
	                "23P01");
	EXPECT_SQLSTATE(c,
	                "INSERT INTO volume_attachment (id, volume_id, vm_id, drive_id, read_only) VALUES "
	                "(gen_random_uuid(), '" VOL1 "', '" VM2 "', 'vdb', false)",
	                "23505");
	/* Both at once, in one statement. */
	EXPECT_SQLSTATE(c,
	                "INSERT INTO volume_attachment (id, volume_id, vm_id, drive_id, read_only) VALUES "
	                "(gen_random_uuid(), '" VOL2 "', '" VM2 "', 'vdc', true), "
	                "(gen_random_uuid(), '" VOL2 "', '" VM3 "', 'vdc', false)",
	                "23P01");
	/* Readers together are fine; one of them turning writer is not. */
	exec_ok(c, "INSERT INTO volume_attachment (id, volume_id, vm_id, drive_id, read_only) VALUES "
	           "(gen_random_uuid(), '" VOL2 "', '" VM2 "', 'vdc', true), "
	           "(gen_random_uuid(), '" VOL2 "', '" VM3 "', 'vdc', true)");
	EXPECT_SQLSTATE(c,
	                "UPDATE volume_attachment SET read_only = false WHERE volume_id = '" VOL2 "' "
	                "AND vm_id = '" VM2 "'",
	                "23P01");
	/* One volume per drive; one attachment per (volume, vm). */
	EXPECT_SQLSTATE(c,
	                "INSERT INTO volume_attachment (id, volume_id, vm_id, drive_id, read_only) VALUES "
	                "(gen_random_uuid(), '" VOL2 "', '" VM1 "', 'vdb', true)",
	                "23505");
	EXPECT_SQLSTATE(c,
	                "INSERT INTO volume_attachment (id, volume_id, vm_id, drive_id, read_only) VALUES "
	                "(gen_random_uuid(), '" VOL2 "', '" VM2 "', 'vdz', true)",
	                "23505");
	s = text_of(c, "SELECT status || ' ' || attachment_count FROM volume WHERE id = '" VOL2 "'");
	CHECK_STR(s, "in-use 2");
	free(s);
	audits_clean(c, "direct inserts");

	/* Moving an attachment to another volume moves the counts too. */
	exec_ok(c, "UPDATE volume_attachment SET volume_id = '" VOL3 "' WHERE volume_id = '" VOL2 "' "
	           "AND vm_id = '" VM3 "'");
	s = text_of(c, "SELECT string_agg(status || ' ' || attachment_count, ',' ORDER BY id) FROM volume");
	CHECK_STR(s, "attached 1,attached 1,attached 1");
	free(s);
	audits_clean(c, "an update of an attachment");

	/* Hosts in use cannot be deleted; deleting a VM detaches and recounts. */
	EXPECT_SQLSTATE(c, "DELETE FROM host WHERE id = '" HOST "'", "23503");
	exec_ok(c, "DELETE FROM vm WHERE id IN ('" VM1 "', '" VM2 "')");
	s = text_of(c, "SELECT string_agg(status || ' ' || attachment_count, ',' ORDER BY id) FROM volume");
	CHECK_STR(s, "available 0,available 0,attached 1");
	free(s);
	audits_clean(c, "a direct DELETE FROM vm");

	/* Paths stay absolute and bounded even without volumed. */
	EXPECT_SQLSTATE(c,
	                "INSERT INTO volume (id, name, path, size_bytes, type, host_id) VALUES "
	                "(gen_random_uuid(), 'rel', 'srv/rel.ext4', 1, 'ext4', '" HOST "')",
	                "23514");
	EXPECT_SQLSTATE(c,
	                "INSERT INTO volume (id, name, path, size_bytes, type, host_id) VALUES "
	                "(gen_random_uuid(), 'dup', '/srv/sql/v1.ext4', 1, 'ext4', '" HOST "')",
	                "23505");

	/* The count behind the status: the schema says only its trigger keeps
	 * it, and that no writer can make a status disagree with the rows. So
	 * a direct write of it must fail, on update and on insert, and emptying
	 * the attachments wholesale must not leave the counts behind. Each is
	 * tried in a transaction that is rolled back. */
	exec_ok(c, "BEGIN");
	EXPECT_REFUSED_SQL(c, "UPDATE volume SET attachment_count = 2 WHERE id = '" VOL1 "'");
	exec_ok(c, "ROLLBACK");
	exec_ok(c, "BEGIN");
	EXPECT_REFUSED_SQL(c,
	                   "INSERT INTO volume (id, name, path, size_bytes, type, host_id, attachment_count) "
	                   "VALUES (gen_random_uuid(), 'v4', '/srv/sql/v4.ext4', 1, 'ext4', '" HOST "', 1)");
	exec_ok(c, "ROLLBACK");
	exec_ok(c, "BEGIN");
	char *st = sqlstate_of(c, "TRUNCATE volume_attachment");
	if (!*st)
		audits_clean(c, "TRUNCATE volume_attachment");
	free(st);
	exec_ok(c, "ROLLBACK");
	audits_clean(c, "the direct writes");
	PQfinish(c);
}

int main(void)
{
	pg = th_pg_start();
	int count;
	char *expected = expected_migrations(&count);
	CHECK(count >= 1);

	migrate_applies_once(expected, count);
	concurrent_migrations_apply_each_once(expected, count);
	changed_migration_stops_volumed();

	/* A serving volumed on the migrated database applies nothing more. */
	PGconn *c = connect_to("volumed");
	char *record = text_of(c, RECORD_SQL);
	th_proc *vd = th_volumed_start(pg, NULL);
	char *record2 = text_of(c, RECORD_SQL);
	CHECK_STR(record2, record);
	free(record);
	free(record2);
	PQfinish(c);
	vc_client *vc = vc_client_new(vd->addr, NULL);
	tf_host(vc, "served-after-migrations");
	vc_client_free(vc);

	schema_holds_the_invariants();

	th_proc_stop(vd);
	free(expected);
	printf("it_migrate: ok\n");
	return 0;
}
