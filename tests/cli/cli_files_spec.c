/* cli_files_spec - the specification's VM-creation flow and use case 2
 * with volumectl against a volumed that owns a host's files (a real ext4
 * template made with mkfs.ext4): `vms create --rootfs-image-id` copies,
 * registers and attaches the rootfs; `volumes create --provision` makes a
 * data disk that e2fsck accepts, attached at vdb. And `--output json`
 * prints exactly what the gateway answers for the same volume, VM, image
 * and scan result, key for key. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ctl_run.h"
#include "files.h"
#include "fixtures.h"
#include "http.h"

#define TEMPLATE_BYTES (32 << 20)

static th_roots roots;
static const char *const images = roots.images, *const storage = roots.storage, *const volumes = roots.volumes;
static char gw_base[96];

/* The JSON a command prints; it must succeed. json_decref it. */
static json_t *ctl_json_of(const char *arg, ...) __attribute__((sentinel));
static json_t *ctl_json_of(const char *arg, ...)
{
	const char *argv[32] = {"--output", "json"};
	int n = 2;
	va_list ap;
	va_start(ap, arg);
	for (const char *a = arg; a && n < 31; a = va_arg(ap, const char *))
		argv[n++] = a;
	va_end(ap);
	argv[n] = NULL;
	const ctl_out *r = ctl_runv(argv);
	CHECK_EXIT(r, 0);
	return ctl_json(r);
}

/* The gateway's JSON for a request; its status must be want. json_decref
 * it. */
static json_t *rest(const char *method, const char *path, const char *body, long want)
{
	th_http *r = th_http_json(method, th_fmt("%s%s", gw_base, path), body);
	CHECK_HTTP_STATUS(r, want);
	json_t *j = json_incref(r->json);
	CHECK(j != NULL);
	th_http_free(r);
	return j;
}

/* The shape of a JSON value: an object's keys in order, each with the
 * shape of its value; an array by its first item. Values themselves do
 * not count, so two answers about different moments compare. */
static void shape(const json_t *v, char *out, size_t size, size_t *n)
{
	if (*n >= size)
		return;
	if (json_is_object(v)) {
		const char *key;
		json_t *item;
		*n += (size_t)snprintf(out + *n, size - *n, "{");
		json_object_foreach((json_t *)v, key, item)
		{
			if (*n < size)
				*n += (size_t)snprintf(out + *n, size - *n, "%s:", key);
			shape(item, out, size, n);
			if (*n < size)
				*n += (size_t)snprintf(out + *n, size - *n, ",");
		}
		if (*n < size)
			*n += (size_t)snprintf(out + *n, size - *n, "}");
	} else if (json_is_array(v)) {
		*n += (size_t)snprintf(out + *n, size - *n, "[");
		if (json_array_size(v) > 0)
			shape(json_array_get(v, 0), out, size, n);
		if (*n < size)
			*n += (size_t)snprintf(out + *n, size - *n, "]");
	}
}

static const char *shape_of(const json_t *v)
{
	static char bufs[2][4096];
	static int next;
	char *b = bufs[next++ % 2];
	size_t n = 0;
	b[0] = '\0';
	shape(v, b, sizeof bufs[0], &n);
	CHECK(n < sizeof bufs[0]);
	return b;
}

/* volumectl and the gateway print the same thing: the same keys in the
 * same order (recursively), and, when nothing changed in between, the same
 * values. */
static void check_same_json(json_t *ctl, json_t *gw, bool values_too)
{
	CHECK_STR(shape_of(ctl), shape_of(gw));
	if (values_too && !json_equal(ctl, gw)) {
		char *a = json_dumps(ctl, JSON_COMPACT), *b = json_dumps(gw, JSON_COMPACT);
		fprintf(stderr, "volumectl: %s\ngateway:   %s\n", a, b);
		free(a);
		free(b);
		CHECK(!"volumectl's JSON differs from the gateway's");
	}
	json_decref(ctl);
	json_decref(gw);
}


/* images list, and the same list from the gateway. Returns the rootfs
 * image's id. */
static const char *images_list(void)
{
	const ctl_out *r = ctl_run("images", "list", NULL);
	CHECK_EXIT(r, 0);
	CHECK_INT(ctl_nlines(r->out), 3);
	CHECK_CONTAINS(r->out, "alpine-3.18.ext4  rootfs  ext4 ");
	json_t *ctl = ctl_json_of("images", "list", NULL);
	const char *image = th_keep(ctl_jstr(json_array_get(ctl, 0), "id"));
	CHECK_STR(ctl_jstr(json_array_get(ctl, 0), "name"), "alpine-3.18.ext4");
	CHECK_STR(shape_of(json_array_get(ctl, 0)), "{id:,name:,path:,size_bytes:,kind:,type:,host_id:,}");
	check_same_json(ctl, rest("GET", "/v1/images", NULL, 200), true);
	return image;
}

/* "POST /v1/vms {name: my-vm, rootfs_image_id}" as a command: the copy in
 * the VM's storage, registered as "my-vm (rootfs-….ext4)", attached at
 * rootfs. Returns the VM's id. */
static const char *vm_creation_flow(const char *host, const char *image)
{
	json_t *j = ctl_json_of("vms", "create", "--name", "my-vm", "--rootfs-image-id", image, NULL);
	const char *vm = th_keep(ctl_jstr(j, "id"));
	const char *rootfs = th_keep(ctl_jstr(j, "rootfs_volume_id"));
	CHECK_STR(ctl_jstr(j, "name"), "my-vm");
	CHECK_STR(ctl_jstr(j, "host_id"), host);
	CHECK_INT(strlen(rootfs), 36);
	json_decref(j);

	j = ctl_json_of("volumes", "get", rootfs, NULL);
	const char *path = th_keep(ctl_jstr(j, "path"));
	CHECK(th_rootfs_path_ok(&roots, path, vm));
	CHECK_STR(ctl_jstr(j, "name"), th_fmt("my-vm (%s)", strrchr(path, '/') + 1));
	CHECK_STR(ctl_jstr(j, "description"), "Rootfs for VM: my-vm");
	CHECK_STR(ctl_jstr(j, "type"), "ext4");
	CHECK_STR(ctl_jstr(j, "status"), "attached");
	CHECK_INT(json_integer_value(json_object_get(j, "size_bytes")), TEMPLATE_BYTES);
	json_decref(j);
	CHECK(th_same_bytes(path, th_fmt("%s/alpine-3.18.ext4", images)));
	CHECK(th_fsck_clean(path));
	j = ctl_json_of("volumes", "attachments", rootfs, NULL);
	CHECK_INT(json_array_size(j), 1);
	CHECK_STR(ctl_jstr(json_array_get(j, 0), "vm_id"), vm);
	CHECK_STR(ctl_jstr(json_array_get(j, 0), "drive_id"), "rootfs");
	json_decref(j);

	/* The table says which volume is the VM's rootfs. */
	const ctl_out *r = ctl_run("vms", "get", vm, NULL);
	CHECK_EXIT(r, 0);
	CHECK_CONTAINS(r->out, th_fmt("rootfs_volume_id  %s\n", rootfs));

	/* Key for key and value for value, what the gateway says. */
	check_same_json(ctl_json_of("vms", "get", vm, NULL), rest("GET", th_fmt("/v1/vms/%s", vm), NULL, 200),
	                true);
	check_same_json(ctl_json_of("volumes", "get", rootfs, NULL),
	                rest("GET", th_fmt("/v1/volumes/%s", rootfs), NULL, 200), true);
	check_same_json(ctl_json_of("vms", "list", NULL), rest("GET", "/v1/vms", NULL, 200), true);
	return vm;
}

static void vm_kinds(const char *image)
{
	static const struct {
		const char *kind, *dir;
	} kinds[] = {{"container", "containers"}, {"function", "functions"}};
	for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++) {
		json_t *j = ctl_json_of("vms", "create", "--name", kinds[i].kind, "--rootfs-image-id", image,
		                        "--kind", kinds[i].kind, NULL);
		const char *vm = th_keep(ctl_jstr(j, "id"));
		const char *rootfs = th_keep(ctl_jstr(j, "rootfs_volume_id"));
		json_decref(j);
		j = ctl_json_of("volumes", "get", rootfs, NULL);
		CHECK_STR(ctl_jstr(j, "path"), th_fmt("%s/%s/%s.ext4", images, kinds[i].dir, vm));
		CHECK(th_same_bytes(ctl_jstr(j, "path"), th_fmt("%s/alpine-3.18.ext4", images)));
		json_decref(j);
	}
}

/* Use case 2 with the disk made by volumed: provision, then attach at vdb. */
static const char *use_case_2(const char *host, const char *vm)
{
	json_t *j = ctl_json_of("volumes", "create", "--name", "Data Volume 1", "--size", "64M", "--type",
	                        "ext4", "--provision", NULL);
	const char *vol = th_keep(ctl_jstr(j, "id"));
	const char *path = th_keep(ctl_jstr(j, "path"));
	CHECK_STR(ctl_jstr(j, "name"), "Data Volume 1");
	CHECK_STR(ctl_jstr(j, "host_id"), host);
	CHECK_STR(ctl_jstr(j, "status"), "available");
	json_decref(j);
	CHECK(strncmp(path, th_fmt("%s/", volumes), strlen(volumes) + 1) == 0);
	CHECK(th_fsck_clean(path));

	const ctl_out *r = ctl_run("volumes", "attach", vol, "--vm-id", vm, "--drive-id", "vdb", NULL);
	CHECK_EXIT(r, 0);
	CHECK_CONTAINS(r->out, "drive_id     vdb\n");
	CHECK_CONTAINS(r->out, "mode         read-write\n");
	j = ctl_json_of("volumes", "attachments", vol, NULL);
	CHECK_INT(json_array_size(j), 1);
	CHECK_STR(ctl_jstr(json_array_get(j, 0), "vm_id"), vm);
	CHECK_STR(ctl_jstr(json_array_get(j, 0), "drive_id"), "vdb");
	json_decref(j);
	r = ctl_run("volumes", "get", vol, NULL);
	CHECK_CONTAINS(r->out, "status       attached\n");
	check_same_json(ctl_json_of("volumes", "get", vol, NULL),
	                rest("GET", th_fmt("/v1/volumes/%s", vol), NULL, 200), true);
	return vol;
}

/* A scan from each side, with something in every list each time: the
 * same keys at every level. */
static void scan_parity(const char *host)
{
	const char *gone = th_fmt("%s/gone.img", volumes), *grown = th_fmt("%s/grown.img", volumes);
	CHECK_EXIT(ctl_run("volumes", "create", "--name", "gone", "--path", gone, "--size", "1M", "--type",
	                   "raw", "--provision", NULL),
	           0);
	CHECK_EXIT(ctl_run("volumes", "create", "--name", "grown", "--path", grown, "--size", "1M", "--type",
	                   "raw", "--provision", NULL),
	           0);
	CHECK(unlink(gone) == 0);

	CHECK(truncate(grown, 2 << 20) == 0);
	CHECK_INT(th_run(th_fmt("truncate -s 1M '%s/stray-1.img'", volumes)), 0);
	json_t *ctl = ctl_json_of("hosts", "scan", host, "--register", NULL);
	CHECK(json_array_size(json_object_get(ctl, "resized")) > 0);
	CHECK(json_array_size(json_object_get(ctl, "missing")) > 0);
	CHECK(json_array_size(json_object_get(ctl, "unregistered_paths")) > 0);
	CHECK(json_array_size(json_object_get(ctl, "registered")) > 0);
	CHECK_STR(ctl_jstr(json_array_get(json_object_get(ctl, "missing"), 0), "path"), gone);

	CHECK(truncate(grown, 3 << 20) == 0);
	CHECK_INT(th_run(th_fmt("truncate -s 1M '%s/stray-2.img'", volumes)), 0);
	json_t *gw =
	    rest("POST", th_fmt("/v1/hosts/%s/scan", host), "{\"register_unregistered\": true}", 200);
	CHECK(json_array_size(json_object_get(gw, "resized")) > 0);
	CHECK(json_array_size(json_object_get(gw, "registered")) > 0);
	CHECK_STR(shape_of(ctl),
	          "{checked:,resized:[{id:,name:,description:,path:,size_bytes:,type:,status:,"
	          "host_id:,created_at:,updated_at:,attachment_count:,last_seen_at:,missing:,}],"
	          "missing:[{id:,name:,description:,path:,size_bytes:,type:,status:,host_id:,"
	          "created_at:,updated_at:,attachment_count:,last_seen_at:,missing:,}],"
	          "unregistered_paths:[],registered:[{id:,name:,description:,path:,size_bytes:,type:,"
	          "status:,host_id:,created_at:,updated_at:,attachment_count:,last_seen_at:,missing:,}],}");
	check_same_json(ctl, gw, false);

	/* With the disk as it is, the missing volume reads the same both ways. */
	json_t *list = ctl_json_of("volumes", "list", "--path", gone, NULL);
	const char *id = th_keep(ctl_jstr(json_array_get(list, 0), "id"));
	CHECK(json_is_true(json_object_get(json_array_get(list, 0), "missing")));
	json_decref(list);
	check_same_json(ctl_json_of("volumes", "get", id, NULL),
	                rest("GET", th_fmt("/v1/volumes/%s", id), NULL, 200), true);
}

int main(void)
{
	th_roots_make(&roots, "volumectl-spec");
	th_roots_templates(&roots, TEMPLATE_BYTES);
	th_pg *pg = th_pg_start();
	th_proc *vd = th_volumed_start(pg, "--host-name", "fc-host-1", "--image-root", images,
	                               "--storage-root", storage, "--volume-root", volumes, NULL);
	th_proc *gw = th_gateway_start(vd->addr, NULL);
	snprintf(gw_base, sizeof gw_base, "http://%s", gw->addr);
	ctl_server = vd->addr;

	json_t *j = ctl_json_of("hosts", "list", NULL);
	CHECK_INT(json_array_size(j), 1);
	const char *host = th_keep(ctl_jstr(json_array_get(j, 0), "id"));
	json_decref(j);
	check_same_json(ctl_json_of("hosts", "get", host, NULL),
	                rest("GET", th_fmt("/v1/hosts/%s", host), NULL, 200), true);

	const char *image = images_list();
	const char *vm = vm_creation_flow(host, image);
	vm_kinds(image);
	const char *vol = use_case_2(host, vm);
	check_same_json(ctl_json_of("volumes", "attachments", vol, NULL),
	                rest("GET", th_fmt("/v1/volumes/%s/attachments", vol), NULL, 200), true);
	scan_parity(host);
	check_same_json(ctl_json_of("volumes", "list", "--all", NULL), rest("GET", "/v1/volumes", NULL, 200),
	                true);

	CHECK_INT(th_pg_scalar(pg, TF_AUDIT_SQL), 0);
	th_proc_stop(gw);
	th_proc_stop(vd);
	printf("cli_files_spec: ok\n");
	return 0;
}
