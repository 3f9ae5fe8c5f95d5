/* cli_files - volumectl's commands that work on files, against a volumed
 * that manages a host's files in temporary roots: images list, vms create
 * with a rootfs image, volumes create --provision, resize, clone,
 * delete --delete-file and hosts scan, in both output formats. */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ctl_run.h"
#include "files.h"
#include "fixtures.h"

static char root[64];

static void remove_root(void)
{
	char cmd[128];
	if (root[0] && !getenv("TH_KEEP")) {
		snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
		if (system(cmd) != 0)
			fprintf(stderr, "could not remove %s\n", root);
	}
}

static void make_file(const char *path, off_t size)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	CHECK(fd >= 0);
	CHECK(ftruncate(fd, size) == 0);
	close(fd);
}

/* The JSON of a command that must succeed; json_decref it. */
static json_t *json_of(const char *const *args)
{
	const char *argv[32] = {"--output", "json"};
	int n = 2;
	for (; *args && n < 31; args++)
		argv[n++] = *args;
	argv[n] = NULL;
	const ctl_out *r = ctl_runv(argv);
	CHECK_EXIT(r, 0);
	return ctl_json(r);
}

int main(void)
{
	snprintf(root, sizeof root, "/tmp/volumectl-files-XXXXXX");
	CHECK(mkdtemp(root) != NULL);
	atexit(remove_root);
	const char *images = th_keep(th_fmt("%s/images", root)), *vms = th_keep(th_fmt("%s/vms", root)),
		   *vols = th_keep(th_fmt("%s/volumes", root));
	CHECK(mkdir(images, 0755) == 0 && mkdir(vms, 0755) == 0 && mkdir(vols, 0755) == 0);
	make_file(th_fmt("%s/alpine-3.18.ext4", images), 8 << 20);
	make_file(th_fmt("%s/vmlinux-5.10.bin", images), 5 << 20);

	th_pg *pg = th_pg_start();
	th_proc *vd = th_volumed_start(pg, "--host-name", "fc-host-1", "--image-root", images,
				       "--storage-root", vms, "--volume-root", vols, NULL);
	ctl_server = vd->addr;

	/* volumed made its host row at start-up. */
	const char *args_hosts[] = {"hosts", "list", NULL};
	json_t *j = json_of(args_hosts);
	CHECK_INT(json_array_size(j), 1);
	CHECK_STR(ctl_jstr(json_array_get(j, 0), "name"), "fc-host-1");
	const char *host = th_keep(ctl_jstr(json_array_get(j, 0), "id"));
	json_decref(j);

	/* images list: table and JSON (a kernel has no volume type). */
	const ctl_out *r = ctl_run("images", "list", NULL);
	CHECK_EXIT(r, 0);
	CHECK_INT(ctl_nlines(r->out), 3);
	static const char *const icols[] = {"ID", "NAME", "KIND", "TYPE", "PATH", NULL};
	static const char *const iright[] = {"SIZE", NULL};
	ctl_check_aligned(r->out, icols, iright);
	CHECK_CONTAINS(r->out, "alpine-3.18.ext4  rootfs  ext4  8.0 MiB");
	CHECK_CONTAINS(r->out, "vmlinux-5.10.bin  kernel  -     5.0 MiB");
	const char *args_images[] = {"images", "list", NULL};
	j = json_of(args_images);
	CHECK_INT(json_array_size(j), 2);
	json_t *img = json_array_get(j, 0);
	CHECK_STR(ctl_jstr(img, "name"), "alpine-3.18.ext4");
	CHECK_STR(ctl_jstr(img, "kind"), "rootfs");
	CHECK_STR(ctl_jstr(img, "type"), "ext4");
	CHECK_STR(ctl_jstr(img, "host_id"), host);
	CHECK_INT(json_integer_value(json_object_get(img, "size_bytes")), 8 << 20);
	CHECK(json_is_null(json_object_get(json_array_get(j, 1), "type")));
	const char *image = th_keep(ctl_jstr(img, "id"));
	const char *kernel = th_keep(ctl_jstr(json_array_get(j, 1), "id"));
	json_decref(j);

	/* vms create with a rootfs image: the copy is registered and attached. */
	r = ctl_run("vms", "create", "--name", "web-1", "--rootfs-image-id", image, NULL);
	CHECK_EXIT(r, 0);
	const char *first = ctl_line(r->out, 0);
	CHECK(first && strncmp(first, "id ", 3) == 0);
	const char *vm = th_keep(strrchr(first, ' ') + 1);
	CHECK_CONTAINS(r->out, th_fmt("host_id           %s", host));
	CHECK(!strstr(r->out, "rootfs_volume_id  -\n"));
	const char *args_rootfs[] = {"volumes", "list", "--name", "web-1 (rootfs-", NULL};
	j = json_of(args_rootfs);
	CHECK_INT(json_array_size(j), 1);
	json_t *rv = json_array_get(j, 0);
	CHECK_STR(ctl_jstr(rv, "status"), "attached");
	CHECK_INT(json_integer_value(json_object_get(rv, "size_bytes")), 8 << 20);
	CHECK_INT(th_file_size(ctl_jstr(rv, "path")), 8 << 20);
	CHECK(strncmp(ctl_jstr(rv, "path"), vms, strlen(vms)) == 0);
	json_decref(j);
	CHECK_USAGE(
	    ctl_run("vms", "create", "--name", "x", "--rootfs-image-id", image, "--kind", "pod", NULL),
	    "--kind must be vm, container or function");
	CHECK_USAGE(ctl_run("vms", "create", "--name", "x", NULL),
		    "missing --host-id (or --rootfs-image-id)");
	CHECK_ERROR(ctl_run("vms", "create", "--name", "k", "--rootfs-image-id", kernel, NULL), 3,
		    "INVALID_FIELD: invalid rootfs_image_id");
	char missing[37];
	th_uuid(missing);
	CHECK_ERROR(ctl_run("vms", "create", "--name", "m", "--rootfs-image-id", missing, NULL), 4,
		    "IMAGE_NOT_FOUND");

	/* volumes create --provision: volumed makes the file and chooses its path. */
	r = ctl_run("--output", "json", "volumes", "create", "--name", "data", "--size", "64M", "--type",
		    "ext4", "--provision", NULL);
	CHECK_EXIT(r, 0);
	j = ctl_json(r);
	const char *data = th_keep(ctl_jstr(j, "id"));
	const char *data_path = th_keep(ctl_jstr(j, "path"));
	CHECK_STR(ctl_jstr(j, "host_id"), host);
	CHECK_STR(ctl_jstr(j, "status"), "available");
	CHECK_INT(json_integer_value(json_object_get(j, "size_bytes")), 64 << 20);
	json_decref(j);
	CHECK(strncmp(data_path, vols, strlen(vols)) == 0);
	CHECK_INT(th_file_size(data_path), 64 << 20);
	CHECK_USAGE(ctl_run("volumes", "create", "--name", "d", "--type", "ext4", "--provision", NULL),
		    "missing --size (the size of the file to make)");
	CHECK_USAGE(ctl_run("volumes", "create", "--name", "d", "--size", "1G", "--provision", NULL),
		    "missing --type");
	CHECK_USAGE(ctl_run("volumes", "create", "--name", "d", "--size", "1G", "--host-id", host, NULL),
		    "missing --path (or --provision)");
	CHECK_ERROR(ctl_run("volumes", "create", "--name", "out", "--size", "1M", "--provision", "--path",
			    "/etc/outside.img", NULL),
		    3, "INVALID_FIELD: invalid path");

	/* resize: grows the file; shrinking is refused; attached is refused. */
	r = ctl_run("volumes", "resize", data, "--size", "128M", NULL);
	CHECK_EXIT(r, 0);
	CHECK_CONTAINS(r->out, "128.0 MiB (134217728 bytes)");
	CHECK_INT(th_file_size(data_path), 128 << 20);
	CHECK_ERROR(ctl_run("volumes", "resize", data, "--size", "32M", NULL), 3,
		    "INVALID_FIELD: invalid size_bytes");
	CHECK_USAGE(ctl_run("volumes", "resize", data, NULL), "missing --size");

	/* clone: a new available volume with its own file. */
	r = ctl_run("--output", "json", "volumes", "clone", data, "--name", "data copy", NULL);
	CHECK_EXIT(r, 0);
	j = ctl_json(r);
	const char *copy = th_keep(ctl_jstr(j, "id"));
	const char *copy_path = th_keep(ctl_jstr(j, "path"));
	CHECK_STR(ctl_jstr(j, "name"), "data copy");
	CHECK_STR(ctl_jstr(j, "status"), "available");
	json_decref(j);
	CHECK(strcmp(copy, data) != 0);
	CHECK_INT(th_file_size(copy_path), 128 << 20);

	CHECK_EXIT(ctl_run("volumes", "attach", data, "--vm-id", vm, "--drive-id", "vdb", NULL), 0);
	CHECK_ERROR(ctl_run("volumes", "resize", data, "--size", "256M", NULL), 5, "VOLUME_ATTACHED");
	CHECK_ERROR(ctl_run("volumes", "clone", data, NULL), 5, "VOLUME_ATTACHED");
	CHECK_EXIT(ctl_run("volumes", "detach", data, "--vm-id", vm, NULL), 0);

	/* hosts scan: the copy's file goes missing, a stray file appears. */
	CHECK(unlink(copy_path) == 0);
	const char *stray = th_keep(th_fmt("%s/stray.img", vols));
	make_file(stray, 3 << 20);
	r = ctl_run("hosts", "scan", host, NULL);
	CHECK_EXIT(r, 0);
	CHECK_STR(ctl_line(r->out, 2), "missing       1");
	CHECK_STR(ctl_line(r->out, 3), "unregistered  1");
	CHECK_CONTAINS(r->out, "Missing (no file at the volume's path):\nID ");
	CHECK_CONTAINS(r->out, copy);
	CHECK_CONTAINS(r->out, th_fmt("Unregistered files (no volume names them):\n%s\n", stray));
	r = ctl_run("volumes", "get", copy, NULL);
	CHECK_CONTAINS(r->out, "missing       yes");
	r = ctl_run("--output", "json", "hosts", "scan", host, "--register", NULL);
	CHECK_EXIT(r, 0);
	j = ctl_json(r);
	CHECK_STR(ctl_jstr(json_array_get(json_object_get(j, "missing"), 0), "id"), copy);
	CHECK_STR(json_string_value(json_array_get(json_object_get(j, "unregistered_paths"), 0)), stray);
	CHECK_INT(json_array_size(json_object_get(j, "registered")), 1);
	CHECK_STR(ctl_jstr(json_array_get(json_object_get(j, "registered"), 0), "path"), stray);
	CHECK(json_is_integer(json_object_get(j, "checked")));
	CHECK(json_is_array(json_object_get(j, "resized")));
	json_decref(j);
	CHECK_ERROR(ctl_run("hosts", "scan", missing, NULL), 4, "HOST_NOT_FOUND");

	/* delete --delete-file removes the file; plain delete leaves it. */
	r = ctl_run("volumes", "delete", data, "--delete-file", NULL);
	CHECK_EXIT(r, 0);
	CHECK_STR(r->out, th_fmt("deleted volume %s\n", data));
	CHECK_INT(th_file_size(data_path), -1);
	const char *args_stray[] = {"volumes", "list", "--path", stray, NULL};
	j = json_of(args_stray);
	const char *stray_id = th_keep(ctl_jstr(json_array_get(j, 0), "id"));
	json_decref(j);
	CHECK_EXIT(ctl_run("volumes", "delete", stray_id, NULL), 0);
	CHECK_INT(th_file_size(stray), 3 << 20);

	CHECK_INT(th_pg_scalar(pg, TF_AUDIT_SQL), 0);
	th_proc_stop(vd);
	printf("cli_files: ok\n");
	return 0;
}
