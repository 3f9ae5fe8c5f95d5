/* gateway_files - volumed's file operations over REST, end to end: a real
 * gateway in front of a volumed that owns a host's files in temporary
 * roots (a real ext4 template made with mkfs.ext4, a kernel), walking the
 * specification's VM-creation flow verbatim, container and function VMs,
 * use case 2 with a provisioned data disk, resize, clone, delete with and
 * without the file and a host scan; then every refusal, each checked on
 * status, reason and that the registry did not change; and the longer
 * deadline of file work. */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "files.h"
#include "fixtures.h"
#include "gwt.h"

#define VOLUME_KEYS                                                                                          \
	"id,name,description,path,size_bytes,type,status,host_id,created_at,updated_at,attachment_count,"    \
	"last_seen_at,missing"
#define VM_KEYS "id,name,host_id,created_at,rootfs_volume_id"
#define IMAGE_KEYS "id,name,path,size_bytes,kind,type,host_id"
#define SCAN_KEYS "checked,resized,missing,unregistered_paths,registered"

/* The image id the specification writes in its VM request. */
#define SPEC_IMAGE "550e8400-e29b-41d4-a716-446655440000"
#define TEMPLATE_BYTES (32 << 20)

static th_roots roots;
static const char *const base = roots.base, *const images = roots.images, *const storage = roots.storage,
		  *const volumes = roots.volumes;
static th_pg *pg;
static th_proc *vd;

/* Everything in the registry, as one number: a hash over every row of
 * every table, so "nothing changed" covers sizes, statuses, timestamps and
 * rows that appeared or went, not just counts. */
static long long db_state(void)
{
	return th_pg_scalar(pg, "SELECT hashtextextended(coalesce(string_agg(r, E'\\n' ORDER BY r), ''), 0) "
	                        "FROM (SELECT 'h' || t::text AS r FROM host t UNION ALL "
	                        "SELECT 'm' || t::text FROM vm t UNION ALL "
	                        "SELECT 'v' || t::text FROM volume t UNION ALL "
	                        "SELECT 'a' || t::text FROM volume_attachment t) s");
}

/* An error answer (status, reason, JSON body) that wrote nothing. */
#define CHECK_REFUSED(r, status, reason, before)                                                             \
	do {                                                                                                 \
		CHECK_HTTP_ERROR((r), (status), (reason));                                                   \
		CHECK_INT(db_state(), (before));                                                             \
	} while (0)

static th_http *send_json(const char *method, const char *path, const char *body)
{
	return th_http_json(method, gwt_url("%s", path), body);
}

static long long int_of(const json_t *o, const char *key)
{
	const json_t *v = json_object_get(o, key);
	CHECK(json_is_integer(v));
	return json_integer_value(v);
}

/* A volume over REST; the caller frees the answer. */
static th_http *get_volume(const char *id)
{
	th_http *r = gwt_get(th_fmt("/v1/volumes/%s", id));
	CHECK_STR(th_json_keys(r->json), VOLUME_KEYS);
	return r;
}

/* The id of the member of a JSON array whose key equals value, or NULL. */
static const json_t *find(const json_t *array, const char *key, const char *value)
{
	size_t i;
	const json_t *item;
	json_array_foreach(array, i, item)
	{
		if (th_json_str(item, key) && strcmp(th_json_str(item, key), value) == 0)
			return item;
	}
	return NULL;
}

/* A template and a kernel, made the way an operator would: an ext4 image
 * with files in it (mkfs.ext4 -d on a sparse file), and a kernel blob. */
static void make_roots(void)
{
	th_roots_make(&roots, "gateway-files");
	th_roots_templates(&roots, TEMPLATE_BYTES);
	CHECK(th_fsck_clean(th_fmt("%s/alpine-3.18.ext4", images)));
	/* A way out of the volume root, for the refusals. */
	CHECK(symlink(th_fmt("%s/outside", base), th_fmt("%s/evil", volumes)) == 0);
	CHECK_INT(th_run(th_fmt("echo t > '%s/outside/target.img'", base)), 0);
	CHECK(symlink(th_fmt("%s/outside/target.img", base), th_fmt("%s/link.img", volumes)) == 0);
}

/* GET /v1/images: the templates, by name, kernel without a type; paged.
 * Returns the rootfs image's id; the kernel's goes into *kernel. */
static const char *images_list(const char *host, const char **kernel)
{
	th_http *r = gwt_get("/v1/images");
	CHECK(json_is_array(r->json));
	CHECK_INT(json_array_size(r->json), 2);
	CHECK(th_http_header(r, "X-Next-Page-Token") == NULL);
	const json_t *alpine = json_array_get(r->json, 0), *vmlinux = json_array_get(r->json, 1);
	CHECK_STR(th_json_keys(alpine), IMAGE_KEYS);
	CHECK_STR(th_json_keys(vmlinux), IMAGE_KEYS);
	CHECK_STR(th_json_str(alpine, "name"), "alpine-3.18.ext4");
	CHECK_STR(th_json_str(alpine, "path"), th_fmt("%s/alpine-3.18.ext4", images));
	CHECK_INT(int_of(alpine, "size_bytes"), TEMPLATE_BYTES);
	CHECK_STR(th_json_str(alpine, "kind"), "rootfs");
	CHECK_STR(th_json_str(alpine, "type"), "ext4");
	CHECK_STR(th_json_str(alpine, "host_id"), host);
	CHECK_STR(th_json_str(vmlinux, "name"), "vmlinux-5.10.bin");
	CHECK_STR(th_json_str(vmlinux, "kind"), "kernel");
	CHECK(json_is_null(json_object_get(vmlinux, "type")));
	CHECK_INT(int_of(vmlinux, "size_bytes"), 4 << 20);
	const char *image = th_keep(th_json_str(alpine, "id"));
	*kernel = th_keep(th_json_str(vmlinux, "id"));
	CHECK_INT(strlen(image), 36);
	th_http_free(r);

	/* Paged like every list: the token in a header, sent back. */
	r = gwt_get("/v1/images?page_size=1");
	CHECK_INT(json_array_size(r->json), 1);
	const char *token = th_http_header(r, "X-Next-Page-Token");
	CHECK(token && *token);
	th_http *next = gwt_get(th_fmt("/v1/images?page_size=1&page_token=%s", token));
	CHECK_INT(json_array_size(next->json), 1);
	CHECK_STR(th_json_str(json_array_get(next->json, 0), "name"), "vmlinux-5.10.bin");
	CHECK(th_http_header(next, "X-Next-Page-Token") == NULL);
	th_http_free(next);
	th_http_free(r);
	/* Ids are stable: the same again. */
	r = gwt_get("/v1/images");
	CHECK_STR(th_json_str(json_array_get(r->json, 0), "id"), image);
	th_http_free(r);
	r = th_http_do("HEAD", gwt_url("/v1/images"), NULL, NULL, 0, NULL);
	CHECK_HTTP_STATUS(r, 200);
	th_http_free(r);
	r = th_http_do("GET", gwt_url("/v1/images?kind=kernel"), NULL, NULL, 0, NULL);
	CHECK_HTTP_ERROR(r, 400, "INVALID_FIELD");
	th_http_free(r);
	return image;
}

/* The specification's "Volume Lifecycle": POST /v1/vms {"name": "my-vm",
 * "rootfs_image_id": "…"} copies the image into the VM's storage,
 * registers the copy as "my-vm (rootfs-….ext4)" and attaches it at
 * rootfs. Returns the VM's id. */
static const char *vm_creation_flow(const char *host, const char *image)
{
	/* The request as the specification writes it, with the id of the
	 * image this host has in place of its example id. */
	static const char spec[] = "{\n"
	                           "  \"name\": \"my-vm\",\n"
	                           "  \"rootfs_image_id\": \"" SPEC_IMAGE "\"\n"
	                           "}";
	char body[sizeof spec];
	snprintf(body, sizeof body, "%s", spec);
	memcpy(strstr(body, SPEC_IMAGE), image, 36);
	th_http *r = send_json("POST", "/v1/vms", body);
	CHECK_HTTP_STATUS(r, 201);
	CHECK_STR(th_json_keys(r->json), VM_KEYS);
	const char *vm = th_keep(th_json_str(r->json, "id"));
	CHECK_STR(th_http_header(r, "Location"), th_fmt("/v1/vms/%s", vm));
	CHECK_STR(th_json_str(r->json, "name"), "my-vm");
	CHECK_STR(th_json_str(r->json, "host_id"), host);
	CHECK(gwt_is_time(th_json_str(r->json, "created_at")));
	const char *rootfs = th_keep(th_json_str(r->json, "rootfs_volume_id"));
	CHECK_INT(strlen(rootfs), 36);
	th_http_free(r);

	/* # Result: - Rootfs copied to /srv/fc/vms/{vm-id}/storage/rootfs-{uuid}.ext4 */
	r = get_volume(rootfs);
	const char *path = th_keep(th_json_str(r->json, "path"));
	CHECK(th_rootfs_path_ok(&roots, path, vm));
	const char *tmpl = th_fmt("%s/alpine-3.18.ext4", images);
	CHECK(th_same_bytes(path, tmpl));
	CHECK_INT(th_file_size(path), TEMPLATE_BYTES);
	CHECK(th_fsck_clean(path));
	/* - Volume record created with name "my-vm (rootfs-{uuid}.ext4)" */
	CHECK_STR(th_json_str(r->json, "name"), th_fmt("my-vm (%s)", strrchr(path, '/') + 1));
	CHECK_STR(th_json_str(r->json, "description"), "Rootfs for VM: my-vm");
	CHECK_STR(th_json_str(r->json, "type"), "ext4");
	CHECK_INT(int_of(r->json, "size_bytes"), TEMPLATE_BYTES);
	CHECK_STR(th_json_str(r->json, "host_id"), host);
	CHECK_STR(th_json_str(r->json, "status"), "attached");
	CHECK_INT(int_of(r->json, "attachment_count"), 1);
	CHECK(json_is_false(json_object_get(r->json, "missing")));
	th_http_free(r);
	/* - Volume attached to VM with drive_id "rootfs" */
	r = gwt_get(th_fmt("/v1/volumes/%s/attachments", rootfs));
	CHECK_INT(json_array_size(r->json), 1);
	CHECK_STR(th_json_str(json_array_get(r->json, 0), "vm_id"), vm);
	CHECK_STR(th_json_str(json_array_get(r->json, 0), "drive_id"), "rootfs");
	CHECK(json_is_false(json_object_get(json_array_get(r->json, 0), "read_only")));
	th_http_free(r);
	r = gwt_get(th_fmt("/v1/vms/%s", vm));
	CHECK_STR(th_json_keys(r->json), VM_KEYS);
	CHECK_STR(th_json_str(r->json, "rootfs_volume_id"), rootfs);
	th_http_free(r);
	/* The same volume, found by path, as use case 1 lists it. */
	r = gwt_get(th_fmt("/v1/volumes?path=%s", path));
	CHECK_INT(json_array_size(r->json), 1);
	CHECK_STR(th_json_str(json_array_get(r->json, 0), "id"), rootfs);
	th_http_free(r);
	return vm;
}

/* kind decides where the copy goes; a chosen id makes the request safe to
 * repeat. */
static void vm_kinds(const char *image)
{
	static const struct {
		const char *kind, *dir;
	} kinds[] = {{"container", "containers"}, {"function", "functions"}};
	for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++) {
		char id[37];
		th_uuid(id);
		const char *body = th_fmt(
		    "{\"id\": \"%s\", \"name\": \"%s-1\", \"rootfs_image_id\": \"%s\", \"kind\": \"%s\"}", id,
		    kinds[i].kind, image, kinds[i].kind);
		th_http *r = send_json("POST", "/v1/vms", body);
		CHECK_HTTP_STATUS(r, 201);
		CHECK_STR(th_json_str(r->json, "id"), id);
		const char *rootfs = th_keep(th_json_str(r->json, "rootfs_volume_id"));
		th_http_free(r);
		long long before = db_state();
		r = send_json("POST", "/v1/vms", body); /* again: the same VM, no second copy */
		CHECK_HTTP_STATUS(r, 201);
		CHECK_STR(th_json_str(r->json, "rootfs_volume_id"), rootfs);
		th_http_free(r);
		CHECK_INT(db_state(), before);
		r = get_volume(rootfs);
		const char *path = th_json_str(r->json, "path");
		CHECK_STR(path, th_fmt("%s/%s/%s.ext4", images, kinds[i].dir, id));
		CHECK(th_same_bytes(path, th_fmt("%s/alpine-3.18.ext4", images)));
		CHECK_STR(th_json_str(r->json, "name"), th_fmt("%s-1 (%s.ext4)", kinds[i].kind, id));
		CHECK_STR(th_json_str(r->json, "status"), "attached");
		th_http_free(r);
	}
	/* "vm" is the default's word: the VM's own storage. */
	th_http *r =
	    send_json("POST", "/v1/vms",
	              th_fmt("{\"name\": \"plain\", \"rootfs_image_id\": \"%s\", \"kind\": \"vm\"}", image));
	CHECK_HTTP_STATUS(r, 201);
	const char *vm = th_keep(th_json_str(r->json, "id"));
	const char *rootfs = th_keep(th_json_str(r->json, "rootfs_volume_id"));
	th_http_free(r);
	r = get_volume(rootfs);
	CHECK(th_rootfs_path_ok(&roots, th_json_str(r->json, "path"), vm));
	th_http_free(r);
}

/* Use case 2, "Add Data Disk to Running VM", with volumed making the disk:
 * provision an ext4 volume, then attach it at vdb. Returns its id. */
static const char *use_case_2(const char *host, const char *vm)
{
	/* Step 1 and 2 in one: no dd, no mkfs, no path or host to name. */
	th_http *r = send_json("POST", "/v1/volumes",
	                       "{\"name\": \"Data Volume 1\", \"size_bytes\": 67108864, \"type\": \"ext4\", "
	                       "\"provision\": true}");
	CHECK_HTTP_STATUS(r, 201);
	CHECK_STR(th_json_keys(r->json), VOLUME_KEYS);
	const char *vol = th_keep(th_json_str(r->json, "id"));
	CHECK_STR(th_http_header(r, "Location"), th_fmt("/v1/volumes/%s", vol));
	const char *path = th_keep(th_json_str(r->json, "path"));
	CHECK_STR(th_json_str(r->json, "name"), "Data Volume 1");
	CHECK(json_is_null(json_object_get(r->json, "description")));
	CHECK_INT(int_of(r->json, "size_bytes"), 64 << 20);
	CHECK_STR(th_json_str(r->json, "type"), "ext4");
	CHECK_STR(th_json_str(r->json, "status"), "available");
	CHECK_STR(th_json_str(r->json, "host_id"), host);
	th_http_free(r);
	CHECK(strncmp(path, th_fmt("%s/", volumes), strlen(volumes) + 1) == 0);
	CHECK_INT(th_file_size(path), 64 << 20);
	CHECK(th_fsck_clean(path));
	CHECK_INT(th_ext4_bytes(path), 64 << 20);

	/* The specification's path and host, named: the file is made there. */
	const char *named = th_keep(th_fmt("%s/data-vol-1.ext4", volumes));
	r = send_json(
	    "POST", "/v1/volumes",
	    th_fmt("{\n  \"name\": \"Data Volume 2\",\n  \"path\": \"%s\",\n  \"size_bytes\": 33554432,\n"
	           "  \"type\": \"ext4\",\n  \"host_id\": \"%s\",\n  \"provision\": true\n}",
	           named, host));
	CHECK_HTTP_STATUS(r, 201);
	CHECK_STR(th_json_str(r->json, "path"), named);
	th_http_free(r);
	CHECK(th_fsck_clean(named));

	/* Step 3: Attach to VM */
	r = send_json("POST", th_fmt("/v1/volumes/%s/attach", vol),
	              th_fmt("{\n  \"vm_id\": \"%s\",\n  \"drive_id\": \"vdb\"\n}", vm));
	CHECK_HTTP_STATUS(r, 200);
	CHECK_STR(th_json_str(r->json, "volume_id"), vol);
	CHECK_STR(th_json_str(r->json, "vm_id"), vm);
	CHECK_STR(th_json_str(r->json, "drive_id"), "vdb");
	th_http_free(r);
	CHECK_STR(gwt_status(vol), "attached");
	return vol;
}

/* Grows an unattached ext4 volume: the file and the filesystem inside. */
static void resize(const char *attached)
{
	th_http *r = send_json("POST", "/v1/volumes",
	                       "{\"name\": \"grow me\", \"size_bytes\": 67108864, \"type\": \"ext4\", "
	                       "\"provision\": true}");
	CHECK_HTTP_STATUS(r, 201);
	const char *vol = th_keep(th_json_str(r->json, "id"));
	const char *path = th_keep(th_json_str(r->json, "path"));
	th_http_free(r);

	r = send_json("POST", th_fmt("/v1/volumes/%s/resize", vol), "{\"size_bytes\": 134217728}");
	CHECK_HTTP_STATUS(r, 200);
	CHECK_STR(th_json_keys(r->json), VOLUME_KEYS);
	CHECK_STR(th_json_str(r->json, "id"), vol);
	CHECK_INT(int_of(r->json, "size_bytes"), 128 << 20);
	CHECK(th_http_header(r, "Location") == NULL);
	th_http_free(r);
	CHECK_INT(th_file_size(path), 128 << 20);
	CHECK_INT(th_ext4_bytes(path), 128 << 20);
	CHECK(th_fsck_clean(path));
	CHECK_INT(th_pg_scalar(pg, th_fmt("SELECT size_bytes FROM volume WHERE id = '%s'", vol)), 128 << 20);

	/* Shrinking is refused: file, filesystem and row as they were. */
	long long before = db_state();
	r = send_json("POST", th_fmt("/v1/volumes/%s/resize", vol), "{\"size_bytes\": 33554432}");
	CHECK_REFUSED(r, 400, "INVALID_FIELD", before);
	CHECK_STR(th_json_str(json_object_get(json_object_get(r->json, "error"), "metadata"), "field"),
	          "size_bytes");
	th_http_free(r);
	CHECK_INT(th_file_size(path), 128 << 20);
	CHECK_INT(th_ext4_bytes(path), 128 << 20);

	/* An attached volume is not resized under its VM. */
	r = send_json("POST", th_fmt("/v1/volumes/%s/resize", attached), "{\"size_bytes\": 268435456}");
	CHECK_REFUSED(r, 409, "VOLUME_ATTACHED", before);
	th_http_free(r);
	r = get_volume(attached);
	CHECK_INT(th_file_size(th_json_str(r->json, "path")), 64 << 20);
	th_http_free(r);

	/* Not JSON's integer, or no such volume: nothing reaches the disk. */
	r = send_json("POST", th_fmt("/v1/volumes/%s/resize", vol), "{\"size_bytes\": \"128M\"}");
	CHECK_REFUSED(r, 400, "INVALID_JSON", before);
	th_http_free(r);
	char nope[37];
	th_uuid(nope);
	r = send_json("POST", th_fmt("/v1/volumes/%s/resize", nope), "{\"size_bytes\": 268435456}");
	CHECK_REFUSED(r, 404, "VOLUME_NOT_FOUND", before);
	th_http_free(r);
}

/* Copies an unattached volume into a new, available one. Returns the
 * id of the copy made with an empty body. */
static const char *clone_volume(const char *attached, const char **source_path)
{
	th_http *r =
	    send_json("POST", "/v1/volumes",
	              "{\"name\": \"golden\", \"description\": \"the original\", \"size_bytes\": 33554432, "
	              "\"type\": \"ext4\", \"provision\": true}");
	CHECK_HTTP_STATUS(r, 201);
	const char *src = th_keep(th_json_str(r->json, "id"));
	const char *src_path = th_keep(th_json_str(r->json, "path"));
	th_http_free(r);
	*source_path = src_path;

	/* No body at all: every field has a default. */
	r = th_http_do("POST", gwt_url("/v1/volumes/%s/clone", src), NULL, NULL, 0, NULL);
	CHECK_HTTP_STATUS(r, 201);
	CHECK_STR(th_json_keys(r->json), VOLUME_KEYS);
	const char *copy = th_keep(th_json_str(r->json, "id"));
	CHECK(strcmp(copy, src) != 0);
	CHECK_STR(th_http_header(r, "Location"), th_fmt("/v1/volumes/%s", copy));
	CHECK_STR(th_json_str(r->json, "name"), "golden (clone)");
	CHECK_STR(th_json_str(r->json, "status"), "available");
	CHECK_STR(th_json_str(r->json, "type"), "ext4");
	CHECK_INT(int_of(r->json, "size_bytes"), 32 << 20);
	const char *copy_path = th_keep(th_json_str(r->json, "path"));
	th_http_free(r);
	CHECK(strcmp(copy_path, src_path) != 0);
	CHECK(strncmp(copy_path, th_fmt("%s/", volumes), strlen(volumes) + 1) == 0);
	CHECK(th_same_bytes(copy_path, src_path));

	/* Named, with a description and a path of our choosing. */
	const char *chosen = th_keep(th_fmt("%s/team/golden-2.ext4", volumes));
	r = send_json(
	    "POST", th_fmt("/v1/volumes/%s/clone", src),
	    th_fmt("{\"name\": \"golden 2\", \"path\": \"%s\", \"description\": \"second\"}", chosen));
	CHECK_HTTP_STATUS(r, 201);
	CHECK_STR(th_json_str(r->json, "name"), "golden 2");
	CHECK_STR(th_json_str(r->json, "description"), "second");
	CHECK_STR(th_json_str(r->json, "path"), chosen);
	th_http_free(r);
	CHECK(th_same_bytes(chosen, src_path));
	/* An empty JSON object is the same as no body. */
	r = send_json("POST", th_fmt("/v1/volumes/%s/clone", src), "{}");
	CHECK_HTTP_STATUS(r, 201);
	CHECK_STR(th_json_str(r->json, "name"), "golden (clone)");
	th_http_free(r);

	/* Refused: an attached source, a target that exists. */
	long long before = db_state();
	r = send_json("POST", th_fmt("/v1/volumes/%s/clone", attached), "{}");
	CHECK_REFUSED(r, 409, "VOLUME_ATTACHED", before);
	th_http_free(r);
	r = send_json("POST", th_fmt("/v1/volumes/%s/clone", src), th_fmt("{\"path\": \"%s\"}", chosen));
	CHECK_REFUSED(r, 409, "FILE_EXISTS", before);
	th_http_free(r);
	return copy;
}

/* DELETE removes the registry entry; ?delete_file=true the file too. */
static void deletes(const char *with_file, const char *keep_false, const char *keep_plain)
{
	const char *paths[3];
	const char *ids[3] = {with_file, keep_false, keep_plain};
	for (int i = 0; i < 3; i++) {
		th_http *r = get_volume(ids[i]);
		paths[i] = th_keep(th_json_str(r->json, "path"));
		th_http_free(r);
		CHECK(th_exists(paths[i]));
	}

	/* Anything but true or false is refused, naming the parameter. */
	long long before = db_state();
	static const char *const bogus[] = {"bogus", "1", "yes", "TRUE", ""};
	for (size_t i = 0; i < sizeof bogus / sizeof *bogus; i++) {
		th_http *r =
		    th_http_do("DELETE", gwt_url("/v1/volumes/%s?delete_file=%s", with_file, bogus[i]), NULL,
		               NULL, 0, NULL);
		CHECK_REFUSED(r, 400, "INVALID_FIELD", before);
		const json_t *e = json_object_get(r->json, "error");
		CHECK_CONTAINS(th_json_str(e, "message"), "delete_file");
		CHECK_STR(th_json_str(json_object_get(e, "metadata"), "field"), "delete_file");
		th_http_free(r);
		CHECK(th_exists(paths[0]));
	}

	th_http *r =
	    th_http_do("DELETE", gwt_url("/v1/volumes/%s?delete_file=true", with_file), NULL, NULL, 0, NULL);
	CHECK_HTTP_STATUS(r, 204);
	CHECK_INT(r->body_len, 0);
	th_http_free(r);
	CHECK(!th_exists(paths[0]));
	CHECK_INT(th_pg_scalar(pg, th_fmt("SELECT count(*) FROM volume WHERE id = '%s'", with_file)), 0);
	r = th_http_do("GET", gwt_url("/v1/volumes/%s", with_file), NULL, NULL, 0, NULL);
	CHECK_HTTP_ERROR(r, 404, "VOLUME_NOT_FOUND");
	th_http_free(r);

	r = th_http_do("DELETE", gwt_url("/v1/volumes/%s?delete_file=false", keep_false), NULL, NULL, 0,
	               NULL);
	CHECK_HTTP_STATUS(r, 204);
	th_http_free(r);
	CHECK(th_exists(paths[1]));
	r = th_http_do("DELETE", gwt_url("/v1/volumes/%s", keep_plain), NULL, NULL, 0, NULL);
	CHECK_HTTP_STATUS(r, 204);
	th_http_free(r);
	CHECK(th_exists(paths[2]));
	CHECK_INT(th_pg_scalar(pg, th_fmt("SELECT count(*) FROM volume WHERE id IN ('%s', '%s')", keep_false,
	                                  keep_plain)),
	          0);
}

/* POST /v1/hosts/{id}/scan: a file removed, one grown and one nobody
 * registered; then again registering what it finds. */
static void scan(const char *host)
{
	const char *ids[2], *paths[2];
	static const char *const names[] = {"gone.img", "grown.img"};
	for (int i = 0; i < 2; i++) {
		th_http *r =
		    send_json("POST", "/v1/volumes",
		              th_fmt("{\"name\": \"%s\", \"path\": \"%s/%s\", \"size_bytes\": 1048576, "
		                     "\"type\": \"raw\", \"provision\": true}",
		                     names[i], volumes, names[i]));
		CHECK_HTTP_STATUS(r, 201);
		ids[i] = th_keep(th_json_str(r->json, "id"));
		paths[i] = th_keep(th_json_str(r->json, "path"));
		th_http_free(r);
	}
	CHECK(unlink(paths[0]) == 0);
	CHECK(truncate(paths[1], 3 << 20) == 0);
	const char *stray = th_keep(th_fmt("%s/found/stray.ext4", volumes));
	CHECK_INT(th_run(th_fmt("mkdir -p '%s/found' && truncate -s 5M '%s'", volumes, stray)), 0);

	/* No body: a scan that only reports. */
	th_http *r = th_http_do("POST", gwt_url("/v1/hosts/%s/scan", host), NULL, NULL, 0, NULL);
	CHECK_HTTP_STATUS(r, 200);
	CHECK_STR(th_json_keys(r->json), SCAN_KEYS);
	CHECK(int_of(r->json, "checked") >= 3);
	const json_t *gone = find(json_object_get(r->json, "missing"), "id", ids[0]);
	CHECK(gone != NULL);
	CHECK_STR(th_json_keys(gone), VOLUME_KEYS);
	CHECK(json_is_true(json_object_get(gone, "missing")));
	const json_t *grown = find(json_object_get(r->json, "resized"), "id", ids[1]);
	CHECK(grown != NULL);
	CHECK_INT(int_of(grown, "size_bytes"), 3 << 20);
	CHECK(json_is_false(json_object_get(grown, "missing")));
	CHECK(gwt_is_time(th_json_str(grown, "last_seen_at")));
	const json_t *paths_found = json_object_get(r->json, "unregistered_paths");
	bool saw_stray = false;
	for (size_t i = 0; i < json_array_size(paths_found); i++) {
		CHECK(json_is_string(json_array_get(paths_found, i)));
		saw_stray |= strcmp(json_string_value(json_array_get(paths_found, i)), stray) == 0;
	}
	CHECK(saw_stray);
	CHECK_INT(json_array_size(json_object_get(r->json, "registered")), 0);
	th_http_free(r);
	CHECK_INT(th_pg_scalar(pg, th_fmt("SELECT count(*) FROM volume WHERE path = '%s'", stray)), 0);

	/* What the scan recorded shows on the volumes themselves. */
	r = get_volume(ids[0]);
	CHECK(json_is_true(json_object_get(r->json, "missing")));
	th_http_free(r);
	r = get_volume(ids[1]);
	CHECK(json_is_false(json_object_get(r->json, "missing")));
	CHECK(gwt_is_time(th_json_str(r->json, "last_seen_at")));
	CHECK_INT(int_of(r->json, "size_bytes"), 3 << 20);
	th_http_free(r);

	/* A missing file cannot be grown: FILE_NOT_FOUND, nothing changed. */
	long long before = db_state();
	r = send_json("POST", th_fmt("/v1/volumes/%s/resize", ids[0]), "{\"size_bytes\": 2097152}");
	CHECK_REFUSED(r, 409, "FILE_NOT_FOUND", before);
	th_http_free(r);
	CHECK(!th_exists(paths[0]));

	r = send_json("POST", th_fmt("/v1/hosts/%s/scan", host), "{\"register_unregistered\": true}");
	CHECK_HTTP_STATUS(r, 200);
	const json_t *reg = find(json_object_get(r->json, "registered"), "path", stray);
	CHECK(reg != NULL);
	CHECK_STR(th_json_keys(reg), VOLUME_KEYS);
	CHECK_STR(th_json_str(reg, "type"), "ext4");
	CHECK_INT(int_of(reg, "size_bytes"), 5 << 20);
	CHECK_STR(th_json_str(reg, "status"), "available");
	CHECK_STR(th_json_str(reg, "host_id"), host);
	th_http_free(r);
	CHECK_INT(th_pg_scalar(pg, th_fmt("SELECT count(*) FROM volume WHERE path = '%s'", stray)), 1);
	r = send_json("POST", th_fmt("/v1/hosts/%s/scan", host), "{\"register_unregistered\": false}");
	CHECK_HTTP_STATUS(r, 200);
	CHECK_INT(json_array_size(json_object_get(r->json, "unregistered_paths")), 0);
	th_http_free(r);

	before = db_state();
	r = send_json("POST", th_fmt("/v1/hosts/%s/scan", host), "{\"register_unregistered\": \"yes\"}");
	CHECK_REFUSED(r, 400, "INVALID_JSON", before);
	th_http_free(r);
	r = send_json("POST", th_fmt("/v1/hosts/%s/scan", host), "{\"register\": true}");
	CHECK_REFUSED(r, 400, "INVALID_JSON", before);
	th_http_free(r);
	char nope[37];
	th_uuid(nope);
	r = send_json("POST", th_fmt("/v1/hosts/%s/scan", nope), NULL);
	CHECK_REFUSED(r, 404, "HOST_NOT_FOUND", before);
	th_http_free(r);
}

/* The refusals of the file operations over REST: each answers its status
 * and reason in the JSON error body, and leaves registry and disk as they
 * were. */
static void refusals(const char *host, const char *image, const char *kernel)
{
	long long before = db_state();
	const char *far = gwt_host("far-away");
	before = db_state();

	/* The specification's request with its own example id: this host has
	 * no such image. */
	th_http *r = send_json("POST", "/v1/vms",
	                       "{\n  \"name\": \"my-vm\",\n  \"rootfs_image_id\": \"" SPEC_IMAGE "\"\n}");
	CHECK_REFUSED(r, 404, "IMAGE_NOT_FOUND", before);
	th_http_free(r);
	r = send_json("POST", "/v1/vms", th_fmt("{\"name\": \"k\", \"rootfs_image_id\": \"%s\"}", kernel));
	CHECK_REFUSED(r, 400, "INVALID_FIELD", before);
	CHECK_STR(th_json_str(json_object_get(json_object_get(r->json, "error"), "metadata"), "field"),
	          "rootfs_image_id");
	th_http_free(r);
	r = send_json("POST", "/v1/vms",
	              th_fmt("{\"name\": \"p\", \"rootfs_image_id\": \"%s\", \"kind\": \"pod\"}", image));
	CHECK_REFUSED(r, 400, "INVALID_FIELD", before);
	th_http_free(r);
	r = send_json("POST", "/v1/vms", "{\"name\": \"p\", \"rootfs_image_id\": \"not-a-uuid\"}");
	CHECK_REFUSED(r, 400, "INVALID_FIELD", before);
	th_http_free(r);
	/* Without an image a VM still needs its host. */
	r = send_json("POST", "/v1/vms", "{\"name\": \"hostless\"}");
	CHECK_REFUSED(r, 400, "INVALID_FIELD", before);
	th_http_free(r);

	/* Another host's files are another volumed's: WRONG_HOST, naming it. */
	r = send_json("POST", th_fmt("/v1/hosts/%s/scan", far), "{}");
	CHECK_REFUSED(r, 409, "WRONG_HOST", before);
	CHECK_CONTAINS(th_json_str(json_object_get(r->json, "error"), "message"), "far-away");
	th_http_free(r);
	r = send_json(
	    "POST", "/v1/vms",
	    th_fmt("{\"name\": \"x\", \"rootfs_image_id\": \"%s\", \"host_id\": \"%s\"}", image, far));
	CHECK_REFUSED(r, 409, "WRONG_HOST", before);
	th_http_free(r);
	const char *remote = th_fmt("%s/remote.img", volumes);
	r = send_json(
	    "POST", "/v1/volumes",
	    th_fmt("{\"name\": \"remote\", \"path\": \"%s\", \"size_bytes\": 1048576, \"type\": \"raw\", "
	           "\"host_id\": \"%s\", \"provision\": true}",
	           remote, far));
	CHECK_REFUSED(r, 409, "WRONG_HOST", before);
	th_http_free(r);
	CHECK(!th_exists(remote));
	/* Registered (registry only, which any volumed may do), its file is
	 * still not this volumed's to grow, copy or delete. */
	const char *rid = gwt_volume(far, th_fmt("%s/remote.img", volumes));
	before = db_state();
	r = send_json("POST", th_fmt("/v1/volumes/%s/resize", rid), "{\"size_bytes\": 2097152}");
	CHECK_REFUSED(r, 409, "WRONG_HOST", before);
	th_http_free(r);
	r = send_json("POST", th_fmt("/v1/volumes/%s/clone", rid), NULL);
	CHECK_REFUSED(r, 409, "WRONG_HOST", before);
	th_http_free(r);
	r = th_http_do("DELETE", gwt_url("/v1/volumes/%s?delete_file=true", rid), NULL, NULL, 0, NULL);
	CHECK_REFUSED(r, 409, "WRONG_HOST", before);
	th_http_free(r);

	/* Paths: a symlink out of the volume root, .., outside the root. */
	static const char *const bad[] = {"evil/planted.img", "../outside/planted.img",
	                                  "../../etc/planted.img"};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		r = send_json("POST", "/v1/volumes",
		              th_fmt("{\"name\": \"bad\", \"path\": \"%s/%s\", \"size_bytes\": 1048576, "
		                     "\"type\": \"raw\", \"provision\": true}",
		                     volumes, bad[i]));
		CHECK_REFUSED(r, 400, "INVALID_FIELD", before);
		CHECK_STR(
		    th_json_str(json_object_get(json_object_get(r->json, "error"), "metadata"), "field"),
		    "path");
		th_http_free(r);
	}
	CHECK(!th_exists(th_fmt("%s/outside/planted.img", base)));
	r = send_json("POST", "/v1/volumes",
	              th_fmt("{\"name\": \"bad\", \"path\": \"%s/outside.img\", \"size_bytes\": 1048576, "
	                     "\"type\": \"raw\", \"provision\": true}",
	                     base));
	CHECK_REFUSED(r, 400, "INVALID_FIELD", before);
	th_http_free(r);
	CHECK(!th_exists(th_fmt("%s/outside.img", base)));
	/* A file already at the path is never replaced. */
	r = send_json(
	    "POST", "/v1/volumes",
	    th_fmt("{\"name\": \"taken\", \"path\": \"%s/data-vol-1.ext4\", \"size_bytes\": 1048576, "
	           "\"type\": \"raw\", \"provision\": true}",
	           volumes));
	CHECK_REFUSED(r, 409, "FILE_EXISTS", before);
	th_http_free(r);
	CHECK(th_fsck_clean(th_fmt("%s/data-vol-1.ext4", volumes)));
	r = send_json("POST", "/v1/volumes", "{\"name\": \"d\", \"size_bytes\": 1048576, \"provision\": 1}");
	CHECK_REFUSED(r, 400, "INVALID_JSON", before);
	th_http_free(r);

	/* delete_file on a file outside the managed roots, and through a
	 * registered symlink: refused, the files stay. */
	CHECK_INT(th_run(th_fmt("echo x > '%s/elsewhere.img'", base)), 0);
	const char *elsewhere = gwt_volume(host, th_fmt("%s/elsewhere.img", base));
	const char *link = gwt_volume(host, th_fmt("%s/link.img", volumes));
	before = db_state();
	r = th_http_do("DELETE", gwt_url("/v1/volumes/%s?delete_file=true", elsewhere), NULL, NULL, 0, NULL);
	CHECK_REFUSED(r, 409, "UNMANAGED_PATH", before);
	th_http_free(r);
	CHECK(th_exists(th_fmt("%s/elsewhere.img", base)));
	r = th_http_do("DELETE", gwt_url("/v1/volumes/%s?delete_file=true", link), NULL, NULL, 0, NULL);
	CHECK_REFUSED(r, 500, "FILE_ERROR", before);
	th_http_free(r);
	CHECK(th_exists(th_fmt("%s/outside/target.img", base)));
	CHECK(th_exists(th_fmt("%s/link.img", volumes)));
}

/* A volumed whose disk is full (a file size limit of 8 MiB): NO_SPACE is
 * 429 over REST, and nothing is left behind. */
static void full_disk(const char *image)
{
	const char *argv[] = {"/usr/bin/prlimit",
	                      "--fsize=8388608",
	                      TH_VOLUMED_BIN_PATH,
	                      "--listen",
	                      "127.0.0.1:0",
	                      "--database-url",
	                      pg->url,
	                      "--host-name",
	                      "test-host",
	                      "--image-root",
	                      images,
	                      "--storage-root",
	                      storage,
	                      "--volume-root",
	                      volumes,
	                      NULL};
	th_proc *small = th_proc_start(argv);
	th_proc *gw = th_gateway_start(small->addr, NULL);
	char saved[sizeof gwt_base];
	snprintf(saved, sizeof saved, "%s", gwt_base);
	gwt_use(gw);
	long long before = db_state();
	char vm[37];
	th_uuid(vm);
	th_http *r = send_json(
	    "POST", "/v1/vms",
	    th_fmt("{\"id\": \"%s\", \"name\": \"no-room\", \"rootfs_image_id\": \"%s\"}", vm, image));
	CHECK_REFUSED(r, 429, "NO_SPACE", before);
	CHECK_STR(th_json_str(json_object_get(r->json, "error"), "status"), "RESOURCE_EXHAUSTED");
	th_http_free(r);
	CHECK_INT(th_run(th_fmt("test -z \"$(ls -A '%s/%s/storage' 2>/dev/null)\"", storage, vm)), 0);
	const char *big = th_fmt("%s/big.img", volumes);
	r = send_json(
	    "POST", "/v1/volumes",
	    th_fmt("{\"name\": \"big\", \"path\": \"%s\", \"size_bytes\": 67108864, \"type\": \"raw\", "
	           "\"provision\": true}",
	           big));
	CHECK_REFUSED(r, 429, "NO_SPACE", before);
	th_http_free(r);
	CHECK(!th_exists(big));
	snprintf(gwt_base, sizeof gwt_base, "%s", saved);
	th_proc_stop(gw);
	th_proc_stop(small);
}

typedef struct slow_call {
	char url[256];
	long status;
	double seconds;
} slow_call;

static double now_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + t.tv_nsec / 1e9;
}

static void *scan_in_background(void *arg)
{
	slow_call *s = arg;
	double t0 = now_s();
	th_http *r = th_http_json("POST", s->url, "{}");
	s->seconds = now_s() - t0;
	s->status = r->status;
	th_http_free(r);
	return NULL;
}

/* File work gets --file-timeout-ms, everything else --timeout-ms: with
 * volumed frozen for a while, a GET gives up after its short deadline (504)
 * while scans wait it out and answer 200, even past the gateway's
 * --client-timeout-s. Three scans on their own connections are more than
 * the gateway's I/O threads here (one per core): a slow call must never
 * stall other connections of its I/O thread, so the GET still gets its 504
 * on time. */
static void deadlines(const char *host, const char *vm)
{
	th_proc *gw = th_gateway_start(vd->addr, "--timeout-ms", "1000", "--file-timeout-ms", "60000",
	                               "--client-timeout-s", "1", NULL);
	slow_call s[3];
	memset(s, 0, sizeof s);
	for (int i = 0; i < 3; i++)
		snprintf(s[i].url, sizeof s[i].url, "http://%s/v1/hosts/%s/scan", gw->addr, host);
	/* Connected first: a frozen volumed would not finish gRPC's handshake,
	 * and that is an outage (503), not a slow call. */
	th_http *r = th_http_do("GET", th_fmt("http://%s/healthz", gw->addr), NULL, NULL, 0, NULL);
	CHECK_HTTP_STATUS(r, 200);
	th_http_free(r);
	th_proc_freeze(vd);
	pthread_t t[3];
	for (int i = 0; i < 3; i++)
		CHECK(pthread_create(&t[i], NULL, scan_in_background, &s[i]) == 0);
	double t0 = now_s();
	r = th_http_do("GET", th_fmt("http://%s/v1/vms/%s", gw->addr, vm), NULL, NULL, 0, NULL);
	CHECK_HTTP_ERROR(r, 504, "DEADLINE_EXCEEDED");
	th_http_free(r);
	double waited = now_s() - t0;
	CHECK(waited >= 0.9 && waited < 30);
	/* Frozen for 2.5 s in all: longer than both short limits. */
	if (waited < 2.5)
		usleep((useconds_t)((2.5 - waited) * 1e6));
	th_proc_thaw(vd);
	for (int i = 0; i < 3; i++) {
		CHECK(pthread_join(t[i], NULL) == 0);
		CHECK_INT(s[i].status, 200);
		CHECK(s[i].seconds >= 2.0);
	}
	th_proc_stop(gw);
}

int main(void)
{
	make_roots();
	pg = th_pg_start();
	vd = th_volumed_start(pg, "--host-name", "test-host", "--host-address", "10.1.2.3", "--image-root",
	                      images, "--storage-root", storage, "--volume-root", volumes, NULL);
	th_proc *gw = th_gateway_start(vd->addr, NULL);
	gwt_use(gw);

	/* volumed made its host row at start-up. */
	th_http *r = gwt_get("/v1/hosts");
	CHECK_INT(json_array_size(r->json), 1);
	CHECK_STR(th_json_str(json_array_get(r->json, 0), "name"), "test-host");
	const char *host = th_keep(th_json_str(json_array_get(r->json, 0), "id"));
	th_http_free(r);

	const char *kernel;
	const char *image = images_list(host, &kernel);
	const char *vm = vm_creation_flow(host, image);
	vm_kinds(image);
	const char *data = use_case_2(host, vm);
	resize(data);
	const char *source_path;
	const char *copy = clone_volume(data, &source_path);
	/* The copy goes with its file; the data disk (detached) and the
	 * source keep theirs, once with delete_file=false, once without. */
	r = send_json("POST", th_fmt("/v1/volumes/%s/detach/%s", data, vm), NULL);
	CHECK_HTTP_STATUS(r, 200);
	th_http_free(r);
	r = gwt_get(th_fmt("/v1/volumes?path=%s", source_path));
	const char *source = th_keep(th_json_str(json_array_get(r->json, 0), "id"));
	th_http_free(r);
	deletes(copy, data, source);
	scan(host);
	refusals(host, image, kernel);
	full_disk(image);
	deadlines(host, vm);

	CHECK_INT(th_pg_scalar(pg, TF_AUDIT_SQL), 0);
	th_proc_stop(gw);
	th_proc_stop(vd);
	printf("gateway_files: ok\n");
	return 0;
}
