/* it_python - an independent client: Python grpcio with stubs generated
 * from proto/ walks the specification's use cases 1-4 against the real
 * volumed (tests/python/usecases.py). */
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fixtures.h"

int main(void)
{
	th_pg *pg = th_pg_start();
	th_proc *vd = th_volumed_start(pg, NULL);
	pid_t pid = fork();
	if (pid == 0) {
		setenv("PYTHONPATH", PY_STUBS_DIR, 1);
		/* Debian's python3-grpcio lives in the system interpreter. */
		execl("/usr/bin/python3", "python3", PY_SCRIPT, vd->addr, (char *)NULL);
		_exit(127);
	}
	int st;
	waitpid(pid, &st, 0);
	CHECK(WIFEXITED(st));
	CHECK_INT(WEXITSTATUS(st), 0);
	CHECK_INT(th_pg_scalar(pg, TF_AUDIT_SQL), 0);
	th_proc_stop(vd);
	printf("it_python: ok\n");
	return 0;
}
