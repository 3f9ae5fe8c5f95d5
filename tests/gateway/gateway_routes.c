/* gateway_routes - every REST route's success path, over real HTTP through
 * the gateway to volumed and Postgres: status codes, the exact JSON shapes,
 * Location, X-Next-Page-Token, X-Request-Id, filters and paging. */
#include <limits.h>

#include "gwt.h"

#define VOLUME_KEYS                                                                                          \
	"id,name,description,path,size_bytes,type,status,host_id,created_at,updated_at,attachment_count,"   \
	"last_seen_at,missing"
#define ATTACHMENT_KEYS "id,volume_id,vm_id,drive_id,read_only,attached_at"
#define HOST_KEYS "id,name,address,created_at"
#define VM_KEYS "id,name,host_id,created_at,rootfs_volume_id"

/* Follows X-Next-Page-Token through a list; returns the number of items,
 * and checks every page but the last is full and carries a token. */
static int walk_pages(const char *path_and_query, int page_size, int *pages)
{
	char token[256] = "";
	int items = 0;
	*pages = 0;
	do {
		const char *sep = strchr(path_and_query, '?') ? "&" : "?";
		th_http *r = gwt_get(th_fmt("%s%spage_size=%d%s%s", path_and_query, sep, page_size,
					    token[0] ? "&page_token=" : "", token));
		CHECK(json_is_array(r->json));
		int n = (int)json_array_size(r->json);
		items += n;
		(*pages)++;
		const char *next = th_http_header(r, "X-Next-Page-Token");
		snprintf(token, sizeof token, "%s", next ? next : "");
		if (next)
			CHECK_INT(n, page_size);
		th_http_free(r);
	} while (token[0]);
	return items;
}

static void health(void)
{
	th_http *r = gwt_get("/healthz");
	CHECK_STR(th_http_header(r, "Content-Type"), "application/json");
	CHECK_STR(th_json_str(r->json, "status"), "SERVING");
	/* No id sent: the gateway makes one up, a UUID. */
	CHECK_INT(strlen(th_http_header(r, "X-Request-Id")), 36);
	th_http_free(r);
}

/* Returns the id of the first host, host-a. */
static const char *hosts(th_pg *pg)
{
	th_http *r = th_http_json("POST", gwt_url("/v1/hosts"),
				  "{\"name\": \"host-a\", \"address\": \"10.0.0.7\"}");
	CHECK_HTTP_STATUS(r, 201);
	CHECK_STR(th_json_keys(r->json), HOST_KEYS);
	CHECK_STR(th_json_str(r->json, "name"), "host-a");
	CHECK_STR(th_json_str(r->json, "address"), "10.0.0.7");
	CHECK(gwt_is_time(th_json_str(r->json, "created_at")));
	const char *id = th_keep(th_json_str(r->json, "id"));
	CHECK_STR(th_http_header(r, "Location"), th_fmt("/v1/hosts/%s", id));
	CHECK_STR(th_http_header(r, "Content-Type"), "application/json");
	th_http_free(r);

	/* Location leads to the same object. */
	r = gwt_get(th_fmt("/v1/hosts/%s", id));
	CHECK_STR(th_json_keys(r->json), HOST_KEYS);
	CHECK_STR(th_json_str(r->json, "id"), id);
	CHECK_STR(th_json_str(r->json, "name"), "host-a");
	th_http_free(r);
	/* Ids are accepted in upper case too. */
	char upper[37];
	for (int i = 0; i < 37; i++)
		upper[i] = (char)toupper((unsigned char)id[i]);
	r = gwt_get(th_fmt("/v1/hosts/%s", upper));
	CHECK_STR(th_json_str(r->json, "id"), id);
	th_http_free(r);

	/* A plain array, paged: 5 hosts in pages of 2 -> 2, 2, 1. */
	for (int i = 0; i < 4; i++)
		gwt_host(th_fmt("page-host-%d", i));
	r = gwt_get("/v1/hosts");
	CHECK(json_is_array(r->json));
	CHECK_INT(json_array_size(r->json), 5);
	CHECK_STR(th_json_keys(json_array_get(r->json, 0)), HOST_KEYS);
	CHECK_STR(th_json_str(json_array_get(r->json, 0), "id"), id); /* oldest first */
	CHECK(th_http_header(r, "X-Next-Page-Token") == NULL);
	th_http_free(r);
	int pages;
	CHECK_INT(walk_pages("/v1/hosts", 2, &pages), 5);
	CHECK_INT(pages, 3);

	/* DELETE /v1/hosts/{id}: 204, no body, gone. */
	const char *spare = gwt_host("spare");
	r = th_http_json("DELETE", gwt_url("/v1/hosts/%s", spare), NULL);
	CHECK_HTTP_STATUS(r, 204);
	CHECK_INT(r->body_len, 0);
	CHECK(th_http_header(r, "X-Request-Id") != NULL);
	th_http_free(r);
	r = th_http_json("GET", gwt_url("/v1/hosts/%s", spare), NULL);
	CHECK_HTTP_ERROR(r, 404, "HOST_NOT_FOUND");
	th_http_free(r);
	CHECK_INT(gwt_rows(pg, "host"), 5);
	return id;
}

static void vms(th_pg *pg, const char *host, const char *host_b)
{
	th_http *r = th_http_json("POST", gwt_url("/v1/vms"),
				  th_fmt("{\"name\": \"vm-1\", \"host_id\": \"%s\"}", host));
	CHECK_HTTP_STATUS(r, 201);
	CHECK_STR(th_json_keys(r->json), VM_KEYS);
	CHECK_STR(th_json_str(r->json, "name"), "vm-1");
	CHECK_STR(th_json_str(r->json, "host_id"), host);
	CHECK(gwt_is_time(th_json_str(r->json, "created_at")));
	/* Made without a rootfs image: no rootfs volume (yet). */
	CHECK(json_is_null(json_object_get(r->json, "rootfs_volume_id")));
	const char *vm = th_keep(th_json_str(r->json, "id"));
	CHECK_STR(th_http_header(r, "Location"), th_fmt("/v1/vms/%s", vm));
	th_http_free(r);

	/* A caller-chosen id is used, and the same request again answers the
	 * same VM (retries are safe). */
	char chosen[37];
	th_uuid(chosen);
	const char *body = th_fmt("{\"id\": \"%s\", \"name\": \"vm-2\", \"host_id\": \"%s\"}", chosen, host);
	for (int i = 0; i < 2; i++) {
		r = th_http_json("POST", gwt_url("/v1/vms"), body);
		CHECK_HTTP_STATUS(r, 201);
		CHECK_STR(th_json_str(r->json, "id"), chosen);
		CHECK_STR(th_http_header(r, "Location"), th_fmt("/v1/vms/%s", chosen));
		th_http_free(r);
	}
	CHECK_INT(gwt_rows(pg, "vm"), 2);

	r = gwt_get(th_fmt("/v1/vms/%s", chosen));
	CHECK_STR(th_json_keys(r->json), VM_KEYS);
	CHECK_STR(th_json_str(r->json, "name"), "vm-2");
	th_http_free(r);

	/* GET /v1/vms?host_id= filters; without it, all. */
	gwt_vm(host_b, "vm-b");
	r = gwt_get(th_fmt("/v1/vms?host_id=%s", host));
	CHECK_INT(json_array_size(r->json), 2);
	th_http_free(r);
	r = gwt_get(th_fmt("/v1/vms?host_id=%s", host_b));
	CHECK_INT(json_array_size(r->json), 1);
	CHECK_STR(th_json_str(json_array_get(r->json, 0), "name"), "vm-b");
	th_http_free(r);
	r = gwt_get("/v1/vms");
	CHECK_INT(json_array_size(r->json), 3);
	th_http_free(r);
	int pages;
	CHECK_INT(walk_pages("/v1/vms", 1, &pages), 3);
	CHECK_INT(pages, 3);
	CHECK_INT(walk_pages(th_fmt("/v1/vms?host_id=%s", host), 1, &pages), 2);
}

static void volumes(th_pg *pg, const char *host, const char *host_b)
{
	/* The specification's request, verbatim. */
	const char *spec =
		th_fmt("{\n  \"name\": \"Data Volume 1\",\n  \"description\": \"Additional storage for "
		       "production\",\n  \"path\": \"/srv/fc/volumes/data-vol-1.ext4\",\n  \"size_bytes\": "
		       "10737418240,\n  \"type\": \"ext4\",\n  \"host_id\": \"%s\"\n}",
		       host);
	th_http *r = th_http_json("POST", gwt_url("/v1/volumes"), spec);
	CHECK_HTTP_STATUS(r, 201);
	CHECK_STR(th_json_keys(r->json), VOLUME_KEYS);
	const char *vol = th_keep(th_json_str(r->json, "id"));
	CHECK_STR(th_http_header(r, "Location"), th_fmt("/v1/volumes/%s", vol));
	CHECK_STR(th_json_str(r->json, "name"), "Data Volume 1");
	CHECK_STR(th_json_str(r->json, "description"), "Additional storage for production");
	CHECK_STR(th_json_str(r->json, "path"), "/srv/fc/volumes/data-vol-1.ext4");
	CHECK(json_integer_value(json_object_get(r->json, "size_bytes")) == 10737418240LL);
	CHECK_STR(th_json_str(r->json, "type"), "ext4");
	CHECK_STR(th_json_str(r->json, "status"), "available");
	CHECK_STR(th_json_str(r->json, "host_id"), host);
	CHECK(gwt_is_time(th_json_str(r->json, "created_at")));
	CHECK(gwt_is_time(th_json_str(r->json, "updated_at")));
	CHECK_INT(json_integer_value(json_object_get(r->json, "attachment_count")), 0);
	/* No scan of its host has looked for the file. */
	CHECK(json_is_null(json_object_get(r->json, "last_seen_at")));
	CHECK(json_is_false(json_object_get(r->json, "missing")));
	th_http_free(r);

	/* No description: null, not "". The largest size_bytes travels exactly. */
	r = th_http_json(
		"POST", gwt_url("/v1/volumes"),
		th_fmt("{\"name\": \"big\", \"path\": \"/srv/fc/volumes/big.qcow2\", "
		       "\"size_bytes\": 9223372036854775807, \"type\": \"qcow2\", \"host_id\": \"%s\"}",
		       host));
	CHECK_HTTP_STATUS(r, 201);
	CHECK(json_is_null(json_object_get(r->json, "description")));
	CHECK(json_integer_value(json_object_get(r->json, "size_bytes")) == LLONG_MAX);
	CHECK_STR(th_json_str(r->json, "type"), "qcow2");
	const char *big = th_keep(th_json_str(r->json, "id"));
	th_http_free(r);
	/* null for an optional field means "not given". */
	r = th_http_json(
		"POST", gwt_url("/v1/volumes"),
		th_fmt("{\"name\": \"Raw B\", \"description\": null, \"path\": \"/srv/fc/volumes/b.img\", "
		       "\"size_bytes\": 4096, \"type\": \"raw\", \"host_id\": \"%s\"}",
		       host_b));
	CHECK_HTTP_STATUS(r, 201);
	CHECK(json_is_null(json_object_get(r->json, "description")));
	CHECK_STR(th_json_str(r->json, "type"), "raw");
	const char *rawb = th_keep(th_json_str(r->json, "id"));
	th_http_free(r);

	r = gwt_get(th_fmt("/v1/volumes/%s", vol));
	CHECK_STR(th_json_keys(r->json), VOLUME_KEYS);
	CHECK_STR(th_json_str(r->json, "id"), vol);
	th_http_free(r);
	/* HEAD: the GET's status and headers, no body. */
	r = th_http_do("HEAD", gwt_url("/v1/volumes/%s", vol), NULL, NULL, 0, NULL);
	CHECK_HTTP_STATUS(r, 200);
	CHECK_INT(r->body_len, 0);
	th_http_free(r);

	/* Filters of GET /v1/volumes. (th_fmt's buffers rotate, so the
	 * queries that need an id are made here.) */
	char by_host[96], by_host_b[96], combined[160], combined_none[160];
	snprintf(by_host, sizeof by_host, "?host_id=%s", host);
	snprintf(by_host_b, sizeof by_host_b, "?host_id=%s", host_b);
	snprintf(combined, sizeof combined, "?type=raw&host_id=%s&status=available", host_b);
	snprintf(combined_none, sizeof combined_none, "?type=raw&host_id=%s", host);
	struct {
		const char *query;
		int count;
	} filters[] = {
		{"", 3},
		{"?type=qcow2", 1},
		{"?type=ext4", 1},
		{by_host, 2},
		{by_host_b, 1},
		{"?status=available", 3},
		{"?status=attached", 0},
		{"?name=data", 1},          /* case-insensitive substring */
		{"?name=DATA%20VOLUME", 1}, /* %-encoded space */
		{"?name=data+volume", 1},   /* form-encoded space */
		{"?name=nothing-like-it", 0},
		{"?path=/srv/fc/volumes/data-vol-1.ext4", 1},
		{"?path=%2Fsrv%2Ffc%2Fvolumes%2Fb.img", 1},
		{"?path=/srv/fc//volumes/./b.img", 1}, /* normalised like stored paths */
		{combined, 1},
		{combined_none, 0},
		{"?status=&type=&name=&path=&host_id=", 3}, /* empty means any */
	};
	for (size_t i = 0; i < sizeof filters / sizeof *filters; i++) {
		r = gwt_get(th_fmt("/v1/volumes%s", filters[i].query));
		if ((int)json_array_size(r->json) != filters[i].count) {
			fprintf(stderr, "filter %s: %zu volumes, expected %d: %s\n", filters[i].query,
				json_array_size(r->json), filters[i].count, r->body);
			th_fail();
		}
		for (size_t k = 0; k < json_array_size(r->json); k++)
			CHECK_STR(th_json_keys(json_array_get(r->json, k)), VOLUME_KEYS);
		th_http_free(r);
	}
	int pages;
	CHECK_INT(walk_pages("/v1/volumes", 2, &pages), 3);
	CHECK_INT(pages, 2);
	CHECK_INT(walk_pages(th_fmt("/v1/volumes?host_id=%s", host), 1, &pages), 2);
	CHECK_INT(pages, 2);

	/* Attach: 200 attachment; the same attach again answers the same one. */
	const char *vm1 = gwt_vm(host, "att-vm-1");
	const char *vm2 = gwt_vm(host, "att-vm-2");
	const char *abody = th_fmt("{\"vm_id\": \"%s\", \"drive_id\": \"vdb\"}", vm1);
	r = th_http_json("POST", gwt_url("/v1/volumes/%s/attach", vol), abody);
	CHECK_HTTP_STATUS(r, 200);
	CHECK_STR(th_json_keys(r->json), ATTACHMENT_KEYS);
	CHECK_STR(th_json_str(r->json, "volume_id"), vol);
	CHECK_STR(th_json_str(r->json, "vm_id"), vm1);
	CHECK_STR(th_json_str(r->json, "drive_id"), "vdb");
	CHECK(json_is_false(json_object_get(r->json, "read_only")));
	CHECK(gwt_is_time(th_json_str(r->json, "attached_at")));
	const char *att = th_keep(th_json_str(r->json, "id"));
	th_http_free(r);
	r = th_http_json("POST", gwt_url("/v1/volumes/%s/attach", vol), abody);
	CHECK_HTTP_STATUS(r, 200);
	CHECK_STR(th_json_str(r->json, "id"), att);
	th_http_free(r);
	CHECK_INT(gwt_rows(pg, "volume_attachment"), 1);
	r = gwt_get(th_fmt("/v1/volumes/%s", vol));
	CHECK_STR(th_json_str(r->json, "status"), "attached");
	CHECK_INT(json_integer_value(json_object_get(r->json, "attachment_count")), 1);
	th_http_free(r);
	r = gwt_get("/v1/volumes?status=attached");
	CHECK_INT(json_array_size(r->json), 1);
	th_http_free(r);

	/* Read-only on two VMs: in-use; attachments listed and paged. */
	for (int i = 0; i < 2; i++) {
		r = th_http_json("POST", gwt_url("/v1/volumes/%s/attach", big),
				 th_fmt("{\"vm_id\": \"%s\", \"drive_id\": \"vdc\", \"read_only\": true}",
					i ? vm2 : vm1));
		CHECK_HTTP_STATUS(r, 200);
		CHECK(json_is_true(json_object_get(r->json, "read_only")));
		th_http_free(r);
	}
	CHECK_STR(gwt_status(big), "in-use");
	r = gwt_get("/v1/volumes?status=in-use");
	CHECK_INT(json_array_size(r->json), 1);
	th_http_free(r);
	r = gwt_get(th_fmt("/v1/volumes/%s/attachments", big));
	CHECK(json_is_array(r->json));
	CHECK_INT(json_array_size(r->json), 2);
	CHECK_STR(th_json_keys(json_array_get(r->json, 0)), ATTACHMENT_KEYS);
	CHECK_STR(th_json_str(json_array_get(r->json, 0), "vm_id"), vm1);
	CHECK_STR(th_json_str(json_array_get(r->json, 1), "vm_id"), vm2);
	th_http_free(r);
	CHECK_INT(walk_pages(th_fmt("/v1/volumes/%s/attachments", big), 1, &pages), 2);
	CHECK_INT(pages, 2);
	r = gwt_get(th_fmt("/v1/volumes/%s/attachments", rawb));
	CHECK_STR(r->body, "[]");
	th_http_free(r);

	/* PATCH status: a status that agrees with the attachments. */
	r = th_http_json("PATCH", gwt_url("/v1/volumes/%s/status", big), "{\"status\": \"in-use\"}");
	CHECK_HTTP_STATUS(r, 200);
	CHECK_STR(th_json_keys(r->json), VOLUME_KEYS);
	CHECK_STR(th_json_str(r->json, "status"), "in-use");
	th_http_free(r);
	r = th_http_json("PATCH", gwt_url("/v1/volumes/%s/status", rawb), "{\"status\": \"available\"}");
	CHECK_HTTP_STATUS(r, 200);
	th_http_free(r);

	/* Detach: 200 with the volume as it is after. */
	r = th_http_json("POST", gwt_url("/v1/volumes/%s/detach/%s", big, vm1), NULL);
	CHECK_HTTP_STATUS(r, 200);
	CHECK_STR(th_json_keys(r->json), VOLUME_KEYS);
	CHECK_STR(th_json_str(r->json, "id"), big);
	CHECK_STR(th_json_str(r->json, "status"), "attached");
	CHECK_INT(json_integer_value(json_object_get(r->json, "attachment_count")), 1);
	th_http_free(r);
	r = th_http_json("POST", gwt_url("/v1/volumes/%s/detach/%s", vol, vm1), NULL);
	CHECK_HTTP_STATUS(r, 200);
	CHECK_STR(th_json_str(r->json, "status"), "available");
	CHECK_INT(json_integer_value(json_object_get(r->json, "attachment_count")), 0);
	th_http_free(r);

	/* DELETE: 204, no body; the row is gone. */
	r = th_http_json("DELETE", gwt_url("/v1/volumes/%s", vol), NULL);
	CHECK_HTTP_STATUS(r, 204);
	CHECK_INT(r->body_len, 0);
	th_http_free(r);
	r = th_http_json("GET", gwt_url("/v1/volumes/%s", vol), NULL);
	CHECK_HTTP_ERROR(r, 404, "VOLUME_NOT_FOUND");
	th_http_free(r);
	CHECK_INT(th_pg_scalar(pg, th_fmt("SELECT count(*) FROM volume WHERE id = '%s'", vol)), 0);

	/* Deleting a VM detaches what it held (vm2 held big read-only). */
	r = th_http_json("DELETE", gwt_url("/v1/vms/%s", vm2), NULL);
	CHECK_HTTP_STATUS(r, 204);
	CHECK_INT(r->body_len, 0);
	th_http_free(r);
	CHECK_STR(gwt_status(big), "available");
	r = th_http_json("GET", gwt_url("/v1/vms/%s", vm2), NULL);
	CHECK_HTTP_ERROR(r, 404, "VM_NOT_FOUND");
	th_http_free(r);
}

static void register_volume(th_pg *pg, const char *host)
{
	const char *vm = gwt_vm(host, "Shiro Logic6");
	const char *path = th_fmt("/srv/fc/vms/%s/storage/rootfs-bfbb2b86.ext4", vm);
	const char *body = th_fmt("{\"vm_id\": \"%s\", \"path\": \"%s\"}", vm, path);
	th_http *r = th_http_json("POST", gwt_url("/v1/volumes/register"), body);
	CHECK_HTTP_STATUS(r, 200);
	CHECK_STR(th_json_keys(r->json), VOLUME_KEYS);
	CHECK_STR(th_json_str(r->json, "name"), "Shiro Logic6 (rootfs-bfbb2b86.ext4)");
	CHECK_STR(th_json_str(r->json, "description"), "Rootfs for VM: Shiro Logic6");
	CHECK_STR(th_json_str(r->json, "path"), path);
	CHECK_STR(th_json_str(r->json, "type"), "ext4");
	CHECK_STR(th_json_str(r->json, "status"), "attached");
	CHECK_STR(th_json_str(r->json, "host_id"), host);
	CHECK(th_http_header(r, "Location") == NULL);
	const char *vol = th_keep(th_json_str(r->json, "id"));
	th_http_free(r);
	/* Registering again answers the same volume, still attached once. */
	r = th_http_json("POST", gwt_url("/v1/volumes/register"), body);
	CHECK_HTTP_STATUS(r, 200);
	CHECK_STR(th_json_str(r->json, "id"), vol);
	th_http_free(r);
	r = gwt_get(th_fmt("/v1/volumes/%s/attachments", vol));
	CHECK_INT(json_array_size(r->json), 1);
	CHECK_STR(th_json_str(json_array_get(r->json, 0), "drive_id"), "rootfs");
	th_http_free(r);
	/* Another drive, explicitly; the type from the extension. */
	r = th_http_json("POST", gwt_url("/v1/volumes/register"),
			 th_fmt("{\"vm_id\": \"%s\", \"path\": \"/srv/fc/vms/%s/storage/disk-1.qcow2\", "
				"\"drive_id\": \"vdd\"}",
				vm, vm));
	CHECK_HTTP_STATUS(r, 200);
	CHECK_STR(th_json_str(r->json, "type"), "qcow2");
	const char *disk = th_keep(th_json_str(r->json, "id"));
	th_http_free(r);
	r = gwt_get(th_fmt("/v1/volumes/%s/attachments", disk));
	CHECK_STR(th_json_str(json_array_get(r->json, 0), "drive_id"), "vdd");
	th_http_free(r);
	CHECK_INT(th_pg_scalar(pg, th_fmt("SELECT count(*) FROM volume_attachment WHERE vm_id = '%s'", vm)),
		  2);
}

static void request_ids(th_proc *vd, th_proc *gw)
{
	/* A client's X-Request-Id is echoed and reaches volumed (its log). */
	const char *hdrs[] = {"X-Request-Id: routes-test-4711", "Authorization: Bearer abc.def", NULL};
	th_http *r = th_http_do("GET", gwt_url("/v1/hosts"), NULL, NULL, 0, hdrs);
	CHECK_HTTP_STATUS(r, 200);
	CHECK_STR(th_http_header(r, "X-Request-Id"), "routes-test-4711");
	th_http_free(r);
	/* Each request without one gets a fresh one. */
	th_http *a = gwt_get("/healthz"), *b = gwt_get("/healthz");
	CHECK(strcmp(th_http_header(a, "X-Request-Id"), th_http_header(b, "X-Request-Id")) != 0);
	th_http_free(a);
	th_http_free(b);

	/* OPTIONS names the methods of a route. */
	r = th_http_do("OPTIONS", gwt_url("/v1/volumes/%s", "336ae2fd-1b83-4c4d-9778-d34d587374f9"), NULL,
		       NULL, 0, NULL);
	CHECK_HTTP_STATUS(r, 204);
	CHECK_STR(th_http_header(r, "Allow"), "GET, HEAD, DELETE, OPTIONS");
	th_http_free(r);

	/* Stop both so their logs are complete, then read them. */
	th_proc_stop(gw);
	th_proc_stop(vd);
	char line[4096];
	int seen_volumed = 0, seen_access = 0;
	FILE *f = fopen(vd->log, "r");
	CHECK(f != NULL);
	while (fgets(line, sizeof line, f))
		seen_volumed |= strstr(line, "ListHosts") && strstr(line, "request_id=routes-test-4711");
	fclose(f);
	f = fopen(gw->log, "r");
	CHECK(f != NULL);
	while (fgets(line, sizeof line, f))
		seen_access |=
			strstr(line, "request method=GET path=/v1/hosts status=200 reason=- duration_us=") &&
			strstr(line, "request_id=routes-test-4711");
	fclose(f);
	CHECK(seen_volumed);
	CHECK(seen_access);
}

int main(void)
{
	th_pg *pg = th_pg_start();
	th_proc *vd = th_volumed_start(pg, NULL);
	th_proc *gw = th_gateway_start(vd->addr, NULL);
	gwt_use(gw);

	health();
	const char *host = hosts(pg);
	const char *host_b = gwt_host("host-b");
	vms(pg, host, host_b);
	volumes(pg, host, host_b);
	register_volume(pg, host);
	request_ids(vd, gw);
	printf("gateway_routes: ok\n");
	return 0;
}
