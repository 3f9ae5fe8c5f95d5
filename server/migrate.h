/* migrate.h - schema migrations, embedded from migrations/ at build time
 * and applied in order, each once, under a Postgres advisory lock so that
 * several volumed starting together are safe. */
#ifndef VOLUMED_MIGRATE_H
#define VOLUMED_MIGRATE_H

#include <stdbool.h>

typedef struct vd_migration {
	int version;
	const char *name;
	const char *sql;
} vd_migration;

extern const vd_migration vd_migrations[];
extern const int vd_migration_count;

/* Connects to conninfo and applies what is missing. Waits up to
 * wait_seconds for Postgres to accept connections. Logs what it does;
 * returns false (after logging why) on failure. */
bool vd_migrate(const char *conninfo, int wait_seconds);

#endif
