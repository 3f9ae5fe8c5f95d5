/* gateway_use_cases - the specification's "Common Use Cases" 1-4 and its
 * API Reference requests, sent over REST as the specification writes them
 * (only ids the platform makes up are filled in), against the real
 * gateway, volumed and Postgres. Hosts and VMs are made through REST too. */
#include <sys/stat.h>
#include <unistd.h>

#include "fixtures.h"
#include "gwt.h"

/* Ids the specification uses; VMs can be created with them. */
#define SPEC_VM "cd2d0de0-5cfb-49a5-a84d-bb01684fd988"
#define SHIRO_VM "0fa7cf15-f92d-49c7-bfb8-ccdeac8633f5"

static th_http *send_json(const char *method, const char *path, const char *body)
{
	return th_http_json(method, gwt_url("%s", path), body);
}

/* Replaces every "{name}" in text by value, into a static buffer. */
static const char *fill(const char *text, const char *name, const char *value)
{
	static char out[4][2048];
	static int next;
	char *o = out[next++ % 4];
	char key[64];
	snprintf(key, sizeof key, "{%s}", name);
	size_t n = 0;
	for (const char *p = text; *p && n < sizeof out[0] - 64;) {
		if (strncmp(p, key, strlen(key)) == 0) {
			n += (size_t)snprintf(o + n, sizeof out[0] - n, "%s", value);
			p += strlen(key);
		} else {
			o[n++] = *p++;
		}
	}
	o[n] = '\0';
	return o;
}

/* The specification's host id, replaced by the id of a host made over
 * REST (hosts cannot be given an id). */
static const char *with_host(const char *text, const char *host)
{
	char *p;
	static char out[2048];
	snprintf(out, sizeof out, "%s", text);
	while ((p = strstr(out, "bbab8c75-f516-47ec-987a-828422b2ee5a")))
		memcpy(p, host, 36);
	return out;
}

/* Use case 1: every VM's rootfs is in the registry with its size. */
static void track_rootfs_volumes(const char *host)
{
	/* The specification's own example: "Shiro Logic6" and its rootfs. */
	th_http *r = send_json(
		"POST", "/v1/vms",
		th_fmt("{\"id\": \"%s\", \"name\": \"Shiro Logic6\", \"host_id\": \"%s\"}", SHIRO_VM, host));
	CHECK_HTTP_STATUS(r, 201);
	th_http_free(r);
	const char *vm1 = gwt_vm(host, "VM-1");
	const char *vm2 = gwt_vm(host, "VM-2");
	struct {
		const char *vm, *file;
	} rootfs[] = {
		{SHIRO_VM, "rootfs-bfbb2b86.ext4"}, {vm1, "rootfs-abc123.ext4"}, {vm2, "rootfs-def456.ext4"}};
	for (int i = 0; i < 3; i++) {
		r = send_json("POST", "/v1/volumes/register",
			      th_fmt("{\"vm_id\": \"%s\", \"path\": \"/srv/fc/vms/%s/storage/%s\"}",
				     rootfs[i].vm, rootfs[i].vm, rootfs[i].file));
		CHECK_HTTP_STATUS(r, 200);
		th_http_free(r);
	}

	/* GET /v1/volumes */
	r = gwt_get("/v1/volumes");
	CHECK_INT(json_array_size(r->json), 3);
	const json_t *shiro = json_array_get(r->json, 0);
	CHECK_STR(th_json_str(shiro, "name"), "Shiro Logic6 (rootfs-bfbb2b86.ext4)");
	CHECK_STR(th_json_str(shiro, "description"), "Rootfs for VM: Shiro Logic6");
	CHECK_STR(th_json_str(shiro, "path"),
		  "/srv/fc/vms/0fa7cf15-f92d-49c7-bfb8-ccdeac8633f5/storage/rootfs-bfbb2b86.ext4");
	CHECK_STR(th_json_str(shiro, "type"), "ext4");
	CHECK_STR(th_json_str(shiro, "status"), "attached");
	CHECK_STR(th_json_str(shiro, "host_id"), host);
	CHECK(json_is_integer(json_object_get(shiro, "size_bytes")));
	CHECK(gwt_is_time(th_json_str(shiro, "created_at")));
	CHECK_STR(th_json_str(json_array_get(r->json, 1), "name"), "VM-1 (rootfs-abc123.ext4)");
	CHECK_STR(th_json_str(json_array_get(r->json, 2), "name"), "VM-2 (rootfs-def456.ext4)");
	th_http_free(r);

	/* GET /v1/volumes/{volume_id} and its attachments, as in the API
	 * Reference. */
	r = gwt_get(th_fmt("/v1/volumes?path=/srv/fc/vms/%s/storage/rootfs-bfbb2b86.ext4", SHIRO_VM));
	const char *vol = th_keep(th_json_str(json_array_get(r->json, 0), "id"));
	th_http_free(r);
	r = gwt_get(th_fmt("/v1/volumes/%s", vol));
	CHECK_STR(th_json_str(r->json, "name"), "Shiro Logic6 (rootfs-bfbb2b86.ext4)");
	th_http_free(r);
	r = gwt_get(th_fmt("/v1/volumes/%s/attachments", vol));
	CHECK_INT(json_array_size(r->json), 1);
	CHECK_STR(th_json_str(json_array_get(r->json, 0), "volume_id"), vol);
	CHECK_STR(th_json_str(json_array_get(r->json, 0), "vm_id"), SHIRO_VM);
	CHECK_STR(th_json_str(json_array_get(r->json, 0), "drive_id"), "rootfs");
	th_http_free(r);
	/* GET /v1/volumes?host_id={host_id} */
	r = gwt_get(th_fmt("/v1/volumes?host_id=%s", host));
	CHECK_INT(json_array_size(r->json), 3);
	th_http_free(r);
}

/* Use case 2: a data disk for a running VM. Returns the volume's id. */
static const char *add_data_disk(th_pg *pg, const char *host)
{
	th_http *r = send_json(
		"POST", "/v1/vms",
		th_fmt("{\"id\": \"%s\", \"name\": \"data-vm\", \"host_id\": \"%s\"}", SPEC_VM, host));
	CHECK_HTTP_STATUS(r, 201);
	th_http_free(r);

	/* Step 2: Register volume */
	const char *step2 = "{\n"
			    "  \"name\": \"Data Volume 1\",\n"
			    "  \"path\": \"/srv/fc/volumes/data-vol-1.ext4\",\n"
			    "  \"size_bytes\": 10737418240,\n"
			    "  \"type\": \"ext4\",\n"
			    "  \"host_id\": \"bbab8c75-f516-47ec-987a-828422b2ee5a\"\n"
			    "}";
	r = send_json("POST", "/v1/volumes", with_host(step2, host));
	CHECK_HTTP_STATUS(r, 201);
	CHECK_STR(th_json_str(r->json, "name"), "Data Volume 1");
	CHECK(json_is_null(json_object_get(r->json, "description")));
	CHECK(json_integer_value(json_object_get(r->json, "size_bytes")) == 10737418240LL);
	CHECK_STR(th_json_str(r->json, "status"), "available");
	const char *vol = th_keep(th_json_str(r->json, "id"));
	CHECK_STR(th_http_header(r, "Location"), th_fmt("/v1/volumes/%s", vol));
	th_http_free(r);

	/* Step 3: Attach to VM */
	const char *step3 = "{\n"
			    "  \"vm_id\": \"{vm_id}\",\n"
			    "  \"drive_id\": \"vdb\"\n"
			    "}";
	r = send_json("POST", fill("/v1/volumes/{volume_id}/attach", "volume_id", vol),
		      fill(step3, "vm_id", SPEC_VM));
	CHECK_HTTP_STATUS(r, 200);
	CHECK_STR(th_json_str(r->json, "drive_id"), "vdb");
	CHECK_STR(th_json_str(r->json, "vm_id"), SPEC_VM);
	th_http_free(r);
	CHECK_STR(gwt_status(vol), "attached");
	CHECK_INT(th_pg_scalar(pg,
			       th_fmt("SELECT count(*) FROM volume_attachment WHERE volume_id = '%s'", vol)),
		  1);
	return vol;
}

/* Use case 3: move the volume to another VM. */
static void move_volume(const char *host, const char *vol)
{
	const char *vm2 = gwt_vm(host, "vm-2");

	/* Step 1: Detach from VM 1 */
	const char *path =
		fill(fill("/v1/volumes/{volume_id}/detach/{vm_id_1}", "volume_id", vol), "vm_id_1", SPEC_VM);
	th_http *r = th_http_do("POST", gwt_url("%s", path), NULL, NULL, 0, NULL);
	CHECK_HTTP_STATUS(r, 200);
	CHECK_STR(th_json_str(r->json, "status"), "available");
	th_http_free(r);

	/* Step 2: Attach to VM 2 */
	const char *step2 = "{\n"
			    "  \"vm_id\": \"{vm_id_2}\",\n"
			    "  \"drive_id\": \"vdb\"\n"
			    "}";
	r = send_json("POST", fill("/v1/volumes/{volume_id}/attach", "volume_id", vol),
		      fill(step2, "vm_id_2", vm2));
	CHECK_HTTP_STATUS(r, 200);
	th_http_free(r);
	r = gwt_get(th_fmt("/v1/volumes/%s/attachments", vol));
	CHECK_INT(json_array_size(r->json), 1);
	CHECK_STR(th_json_str(json_array_get(r->json, 0), "vm_id"), vm2);
	th_http_free(r);
	CHECK_STR(gwt_status(vol), "attached");

	/* Back to available, with the API Reference's status update. */
	r = th_http_do("POST", gwt_url("/v1/volumes/%s/detach/%s", vol, vm2), NULL, NULL, 0, NULL);
	CHECK_HTTP_STATUS(r, 200);
	th_http_free(r);
	r = send_json("PATCH", th_fmt("/v1/volumes/%s/status", vol), "{\n  \"status\": \"available\"\n}");
	CHECK_HTTP_STATUS(r, 200);
	CHECK_STR(th_json_str(r->json, "status"), "available");
	th_http_free(r);
}

/* Use case 4: find the volumes no VM uses and delete them; the files stay
 * (the registry forgets, it never deletes a file). */
static void cleanup_orphans(th_pg *pg, const char *host, const char *data_vol)
{
	char dir[] = "/tmp/gateway-orphans-XXXXXX";
	CHECK(mkdtemp(dir) != NULL);
	char file[128];
	snprintf(file, sizeof file, "%s/orphan.raw", dir);
	FILE *f = fopen(file, "w");
	CHECK(f != NULL);
	fputs("not really a disk", f);
	fclose(f);
	const char *orphan = gwt_volume(host, file);

	/* Step 1: List available volumes */
	th_http *r = gwt_get("/v1/volumes?status=available");
	CHECK_INT(json_array_size(r->json), 2);
	const char *ids[2];
	for (int i = 0; i < 2; i++) {
		CHECK_STR(th_json_str(json_array_get(r->json, i), "status"), "available");
		ids[i] = th_keep(th_json_str(json_array_get(r->json, i), "id"));
	}
	CHECK_STR(ids[0], data_vol);
	CHECK_STR(ids[1], orphan);
	th_http_free(r);
	/* The attached ones are not orphans. */
	r = gwt_get("/v1/volumes?status=attached");
	CHECK_INT(json_array_size(r->json), 3);
	th_http_free(r);

	/* Step 3: Delete orphaned volumes */
	for (int i = 0; i < 2; i++) {
		r = th_http_do("DELETE", gwt_url("%s", fill("/v1/volumes/{volume_id}", "volume_id", ids[i])),
			       NULL, NULL, 0, NULL);
		CHECK_HTTP_STATUS(r, 204);
		th_http_free(r);
	}
	r = gwt_get("/v1/volumes?status=available");
	CHECK_STR(r->body, "[]");
	th_http_free(r);
	CHECK_INT(gwt_rows(pg, "volume"), 3);
	struct stat st;
	CHECK(stat(file, &st) == 0);
	unlink(file);
	rmdir(dir);

	/* Troubleshooting, "Cannot Delete Volume": an attached one is refused. */
	r = gwt_get("/v1/volumes?status=attached&page_size=1");
	const char *held = th_keep(th_json_str(json_array_get(r->json, 0), "id"));
	th_http_free(r);
	r = th_http_do("DELETE", gwt_url("/v1/volumes/%s", held), NULL, NULL, 0, NULL);
	CHECK_HTTP_ERROR(r, 409, "VOLUME_ATTACHED");
	th_http_free(r);
	CHECK_INT(gwt_rows(pg, "volume"), 3);
}

/* The API Reference's Create Volume request, verbatim but for the host. */
static void api_reference_create(th_pg *pg, const char *host)
{
	const char *body = "{\n"
			   "  \"name\": \"Data Volume 1\",\n"
			   "  \"description\": \"Additional storage for production\",\n"
			   "  \"path\": \"/srv/fc/volumes/data-vol-2.ext4\",\n"
			   "  \"size_bytes\": 10737418240,\n"
			   "  \"type\": \"ext4\",\n"
			   "  \"host_id\": \"bbab8c75-f516-47ec-987a-828422b2ee5a\"\n"
			   "}";
	th_http *r = send_json("POST", "/v1/volumes", with_host(body, host));
	CHECK_HTTP_STATUS(r, 201);
	CHECK_STR(th_json_str(r->json, "description"), "Additional storage for production");
	const char *vol = th_keep(th_json_str(r->json, "id"));
	th_http_free(r);
	/* Troubleshooting, "Duplicate Volume Paths": GET /v1/volumes?path={path} */
	r = gwt_get("/v1/volumes?path=/srv/fc/volumes/data-vol-2.ext4");
	CHECK_INT(json_array_size(r->json), 1);
	CHECK_STR(th_json_str(json_array_get(r->json, 0), "id"), vol);
	th_http_free(r);
	r = send_json("POST", "/v1/volumes", with_host(body, host));
	CHECK_HTTP_ERROR(r, 409, "DUPLICATE_PATH");
	th_http_free(r);
	r = th_http_do("DELETE", gwt_url("/v1/volumes/%s", vol), NULL, NULL, 0, NULL);
	CHECK_HTTP_STATUS(r, 204);
	th_http_free(r);
	CHECK_INT(gwt_rows(pg, "volume"), 0);
}

int main(void)
{
	th_pg *pg = th_pg_start();
	th_proc *vd = th_volumed_start(pg, NULL);
	th_proc *gw = th_gateway_start(vd->addr, NULL);
	gwt_use(gw);

	const char *host = gwt_host("bbab8c75");
	api_reference_create(pg, host);
	track_rootfs_volumes(host);
	const char *vol = add_data_disk(pg, host);
	move_volume(host, vol);
	cleanup_orphans(pg, host, vol);
	CHECK_INT(th_pg_scalar(pg, TF_AUDIT_SQL), 0);

	th_proc_stop(gw);
	th_proc_stop(vd);
	printf("gateway_use_cases: ok\n");
	return 0;
}
