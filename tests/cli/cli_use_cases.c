/* cli_use_cases - the specification's use cases 1-4 done with volumectl
 * alone, as an operator would from a shell: every id comes from volumectl's
 * own output, and real files stand in for the disk images. */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ctl_run.h"
#include "fixtures.h"

static char root[64];

/* The files go with the test, passed or failed (TH_KEEP keeps them). */
static void remove_root(void)
{
	char cmd[128];
	if (root[0] && !getenv("TH_KEEP")) {
		snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
		if (system(cmd) != 0)
			fprintf(stderr, "could not remove %s\n", root);
	}
}

/* Makes a sparse file of size bytes at path, with its directories. */
static void make_file(const char *path, off_t size)
{
	char dir[512];
	snprintf(dir, sizeof dir, "%s", path);
	for (char *p = dir + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		mkdir(dir, 0755);
		*p = '/';
	}
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	CHECK(fd >= 0);
	CHECK(ftruncate(fd, size) == 0);
	close(fd);
}

/* The ids in a JSON array printed by a list command. */
static int ids_of(const ctl_out *r, const char *ids[], int max)
{
	CHECK_EXIT(r, 0);
	json_t *j = ctl_json(r);
	int n = 0;
	for (size_t i = 0; i < json_array_size(j) && n < max; i++)
		ids[n++] = th_keep(ctl_jstr(json_array_get(j, i), "id"));
	json_decref(j);
	return n;
}

static bool has(const char *const *ids, int n, const char *id)
{
	for (int i = 0; i < n; i++)
		if (strcmp(ids[i], id) == 0)
			return true;
	return false;
}

int main(void)
{
	th_pg *pg = th_pg_start();
	th_proc *vd = th_volumed_start(pg, NULL);
	ctl_server = vd->addr;
	snprintf(root, sizeof root, "/tmp/volumectl-uc-XXXXXX");
	CHECK(mkdtemp(root) != NULL);
	atexit(remove_root);

	/* Set-up: a host and three VMs on it. */
	const char *host =
	    th_keep(ctl_create("hosts", "create", "--name", "fc-host-1", "--address", "10.0.0.5", NULL));
	const char *vm[3];
	static const char *const names[] = {"Shiro Logic6", "web-2", "batch-3"};
	for (int i = 0; i < 3; i++)
		vm[i] = th_keep(ctl_create("vms", "create", "--name", names[i], "--host-id", host, NULL));

	/* Use case 1: track every VM's rootfs. Each VM's copy is registered
	 * (and attached at rootfs); the list shows them with their sizes. */
	const char *rootfs[3];
	for (int i = 0; i < 3; i++) {
		const char *path = th_keep(th_fmt("%s/fc/vms/%s/storage/rootfs-%d.ext4", root, vm[i], i));
		make_file(path, (off_t)(i + 1) * 50 * 1024 * 1024);
		const ctl_out *r = ctl_run("--output", "json", "volumes", "register", "--vm-id", vm[i],
					   "--path", path, NULL);
		CHECK_EXIT(r, 0);
		json_t *j = ctl_json(r);
		rootfs[i] = th_keep(ctl_jstr(j, "id"));
		CHECK_STR(ctl_jstr(j, "name"), th_fmt("%s (rootfs-%d.ext4)", names[i], i));
		CHECK_STR(ctl_jstr(j, "description"), th_fmt("Rootfs for VM: %s", names[i]));
		CHECK_STR(ctl_jstr(j, "status"), "attached");
		CHECK_INT(json_integer_value(json_object_get(j, "size_bytes")), (i + 1) * 50LL * 1024 * 1024);
		json_decref(j);
	}
	const ctl_out *r = ctl_run("volumes", "list", "--host-id", host, NULL);
	CHECK_EXIT(r, 0);
	CHECK_INT(ctl_nlines(r->out), 4);
	CHECK_CONTAINS(r->out, "Shiro Logic6 (rootfs-0.ext4)");
	CHECK_CONTAINS(r->out, " 50.0 MiB ");
	CHECK_CONTAINS(r->out, " 100.0 MiB ");
	CHECK_CONTAINS(r->out, " 150.0 MiB ");
	static const char *const left[] = {"ID", "NAME", "TYPE", "STATUS", "HOST_ID", "PATH", NULL};
	static const char *const right[] = {"SIZE", "ATTACHMENTS", NULL};
	ctl_check_aligned(r->out, left, right);
	/* Disk use per host, the way the --help example adds it up. */
	r = ctl_run("--output", "json", "volumes", "list", "--host-id", host, "--all", NULL);
	CHECK_EXIT(r, 0);
	json_t *j = ctl_json(r);
	long long total = 0;
	for (size_t i = 0; i < json_array_size(j); i++)
		total += json_integer_value(json_object_get(json_array_get(j, i), "size_bytes"));
	json_decref(j);
	CHECK_INT(total, 300LL * 1024 * 1024);

	/* Use case 2: add a data disk. The file exists first (10 GiB, sparse);
	 * volumectl takes its size from it, then attaches it at vdb. */
	const char *data = th_keep(th_fmt("%s/fc/volumes/data-vol-1.ext4", root));
	make_file(data, 10LL << 30);
	r = ctl_run("volumes", "create", "--name", "Data Volume 1", "--path", data, "--host-id", host, NULL);
	CHECK_EXIT(r, 0);
	CHECK_CONTAINS(r->out, "10.0 GiB (10737418240 bytes)");
	/* The id is the first line of what create printed: "id  336a…". */
	const char *first = ctl_line(r->out, 0);
	CHECK(first && strncmp(first, "id ", 3) == 0);
	const char *disk = th_keep(strrchr(first, ' ') + 1);
	CHECK_INT(strlen(disk), 36);
	r = ctl_run("volumes", "attach", disk, "--vm-id", vm[0], "--drive-id", "vdb", NULL);
	CHECK_EXIT(r, 0);
	CHECK_CONTAINS(r->out, "vdb");
	r = ctl_run("--output", "json", "volumes", "get", disk, NULL);
	j = ctl_json(r);
	CHECK_STR(ctl_jstr(j, "status"), "attached");
	json_decref(j);

	/* Use case 3: move it to web-2. Attaching without detaching first is
	 * refused, naming the VM that holds it; detach, then attach works. */
	r = ctl_run("volumes", "attach", disk, "--vm-id", vm[1], "--drive-id", "vdb", NULL);
	CHECK_EXIT(r, 5);
	CHECK_CONTAINS(r->err, "ATTACHED_ELSEWHERE");
	CHECK_CONTAINS(r->err, vm[0]);
	r = ctl_run("volumes", "detach", disk, "--vm-id", vm[0], NULL);
	CHECK_EXIT(r, 0);
	CHECK_CONTAINS(r->out, "available");
	CHECK_EXIT(ctl_run("volumes", "attach", disk, "--vm-id", vm[1], "--drive-id", "vdb", NULL), 0);
	r = ctl_run("--output", "json", "volumes", "attachments", disk, NULL);
	CHECK_EXIT(r, 0);
	j = ctl_json(r);
	CHECK_INT(json_array_size(j), 1);
	CHECK_STR(ctl_jstr(json_array_get(j, 0), "vm_id"), vm[1]);
	CHECK_STR(ctl_jstr(json_array_get(j, 0), "drive_id"), "vdb");
	json_decref(j);

	/* Use case 4: clean up orphans. batch-3 is deleted (its rootfs is
	 * left behind, detached) and a scratch disk was never attached: those
	 * two, and only those, are listed as available and deleted. */
	const char *scratch = th_keep(th_fmt("%s/fc/volumes/scratch.raw", root));
	make_file(scratch, 4096);
	const char *orphan = th_keep(
	    ctl_create("volumes", "create", "--name", "scratch", "--path", scratch, "--host-id", host, NULL));
	CHECK_EXIT(ctl_run("vms", "delete", vm[2], NULL), 0);
	const char *ids[16];
	int n = ids_of(ctl_run("--output", "json", "volumes", "list", "--status", "available", "--all", NULL),
		       ids, 16);
	CHECK_INT(n, 2);
	CHECK(has(ids, n, orphan));
	CHECK(has(ids, n, rootfs[2]));
	r = ctl_run("volumes", "list", "--status", "available", NULL);
	CHECK_INT(ctl_nlines(r->out), 3);
	ctl_check_aligned(r->out, left, right);
	for (int i = 0; i < n; i++) {
		r = ctl_run("volumes", "delete", ids[i], NULL);
		CHECK_EXIT(r, 0);
		CHECK_STR(r->out, th_fmt("deleted volume %s\n", ids[i]));
	}
	r = ctl_run("--output", "json", "volumes", "list", "--status", "available", NULL);
	CHECK_STR(r->out, "[]\n");
	/* The registry forgot them; their files are still there. */
	struct stat sb;
	CHECK(stat(scratch, &sb) == 0);
	CHECK(stat(th_fmt("%s/fc/vms/%s/storage/rootfs-2.ext4", root, vm[2]), &sb) == 0);
	n = ids_of(ctl_run("--output", "json", "volumes", "list", "--all", NULL), ids, 16);
	CHECK_INT(n, 3);
	CHECK(has(ids, n, rootfs[0]) && has(ids, n, rootfs[1]) && has(ids, n, disk));

	CHECK_INT(th_pg_scalar(pg, TF_AUDIT_SQL), 0);
	CHECK_INT(th_pg_scalar(pg, TF_WRITERS_SQL), 0);
	th_proc_stop(vd);
	printf("cli_use_cases: ok\n");
	return 0;
}
