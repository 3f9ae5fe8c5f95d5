/* sqlstmt.c - prints statements of server/sql.c by name, so pgbench sends exactly what volumed sends. */
#include <stdio.h>
#include <string.h>

#include "sql.h"

/* Usage: vbench-sql NAME...  For each NAME (e.g. VD_SQL_VOLUME_GET), one
 * line "NAME<TAB>prepared|replan<TAB>NPARAMS<TAB>TEXT". The mode says how
 * volumed sends it: prepared once per connection, or planned per call with
 * an unnamed statement (PQexecParams). Exit 1 if a name is unknown. */
int main(int argc, char **argv)
{
	int status = 0;
	for (int i = 1; i < argc; i++) {
		int k = 0;
		while (k < VD_SQL_COUNT && strcmp(vd_sql_defs[k].name, argv[i]) != 0)
			k++;
		if (k == VD_SQL_COUNT) {
			fprintf(stderr, "vbench-sql: server/sql.c has no statement %s\n", argv[i]);
			status = 1;
			continue;
		}
		const vd_sql_def *d = &vd_sql_defs[k];
		printf("%s\t%s\t%d\t%s\n", d->name, d->replan ? "replan" : "prepared", d->nparams, d->text);
	}
	return status;
}
