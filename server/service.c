/* service.c - one handler per RPC. Each validates every field first (so a
 * bad request writes nothing), then makes one store call. */
#include "service.h"

#include <stdio.h>
#include <string.h>

#include "check.h"
#include "images.h"
#include "google/protobuf/empty.pb-c.h"
#include "grpc/health/v1/health.pb-c.h"
#include "row.h"
#include "store.h"

typedef void (*handler)(vd_call *c);

/* Typed access to the request, and a response allocated in the arena. */
#define REQ(type) const type *q = (const type *)c->request
#define NEW(type, init, var)                                                   \
	type *var = vd_arena_alloc(c->arena, sizeof *var);                     \
	init(var);                                                             \
	c->response = &var->base

static bool ready(vd_call *c)
{
	return vd_db_ready(c->db, &c->err);
}

static void answer_empty(vd_call *c)
{
	NEW(Google__Protobuf__Empty, google__protobuf__empty__init, e);
	(void)e;
}

/* Reads page_size and page_token against a list's scope. */
static bool page_of(vd_call *c, int32_t size, const char *token, uint64_t scope, vd_page *page,
		    vd_token *pos)
{
	if (!vd_check_page_size(&c->err, size, &page->limit))
		return false;
	page->scope = scope;
	page->after = NULL;
	if (token && *token) {
		if (!vd_token_decode(token, scope, pos)) {
			vd_error_set(&c->err, VD_INVALID_FIELD,
				     "invalid page_token: not a token of this list with these filters");
			vd_error_meta(&c->err, "field", "page_token");
			return false;
		}
		page->after = pos;
	}
	return true;
}

static bool check_enum(vd_call *c, const char *field, int value, bool required)
{
	if (value >= (required ? 1 : 0) && value <= 3)
		return true;
	vd_error_set(&c->err, VD_INVALID_FIELD, "invalid %s: %s", field,
		     value == 0 ? "is required"
				: strcmp(field, "type") == 0 ? "must be one of ext4, qcow2, raw"
							     : "must be one of available, attached, in-use");
	vd_error_meta(&c->err, "field", field);
	return false;
}

static void list_volumes(vd_call *c)
{
	REQ(Volumed__V1__ListVolumesRequest);
	char host[VD_UUID_LEN + 1];
	char *path = NULL;
	vd_page page;
	vd_token pos;
	if (!vd_check_uuid_opt(&c->err, "host_id", q->host_id, host) ||
	    !check_enum(c, "status", q->status, false) || !check_enum(c, "type", q->type, false) ||
	    (*q->path && !vd_check_path(&c->err, c->arena, "path", q->path, &path)))
		return;
	vd_volume_filter f = {
		.host_id = *host ? host : NULL,
		.status = vd_status_sql(q->status),
		.type = vd_type_sql(q->type),
		.path = path,
		.name = *q->name ? q->name : NULL,
	};
	uint64_t scope = vd_token_scope_start(VD_M_LIST_VOLUMES);
	scope = vd_token_scope_add(scope, f.host_id);
	scope = vd_token_scope_add(scope, f.status);
	scope = vd_token_scope_add(scope, f.type);
	scope = vd_token_scope_add(scope, f.path);
	scope = vd_token_scope_add(scope, f.name);
	if (!page_of(c, q->page_size, q->page_token, scope, &page, &pos) || !ready(c))
		return;
	Volumed__V1__Volume **rows;
	size_t n;
	if (!vd_store_volume_list(c->db, c->arena, &f, &page, &rows, &n, &c->err))
		return;
	NEW(Volumed__V1__ListVolumesResponse, volumed__v1__list_volumes_response__init, r);
	r->volumes = rows;
	r->n_volumes = n;
	r->next_page_token = page.next_token;
}

static void get_volume(vd_call *c)
{
	REQ(Volumed__V1__GetVolumeRequest);
	char id[VD_UUID_LEN + 1];
	Volumed__V1__Volume *v;
	if (vd_check_uuid(&c->err, "id", q->id, id) && ready(c) &&
	    vd_store_volume_get(c->db, c->arena, id, &v, &c->err))
		c->response = &v->base;
}

static const char *extension_of(const char *type)
{
	return strcmp(type, "ext4") == 0 ? "ext4" : strcmp(type, "qcow2") == 0 ? "qcow2" : "img";
}

static bool invalid_size(vd_call *c, const char *why)
{
	vd_error_set(&c->err, VD_INVALID_FIELD, "invalid size_bytes: %s", why);
	vd_error_meta(&c->err, "field", "size_bytes");
	return false;
}

static void create_volume(vd_call *c)
{
	REQ(Volumed__V1__CreateVolumeRequest);
	char host[VD_UUID_LEN + 1], id[VD_UUID_LEN + 1];
	char *path = NULL;
	/* A provisioned volume may leave path and host to volumed. */
	bool path_given = !q->provision || *q->path;
	if (q->provision && !*q->host_id && c->local->has_host)
		snprintf(host, sizeof host, "%s", c->local->host_id);
	else if (!vd_check_uuid(&c->err, "host_id", q->host_id, host))
		return;
	if (!vd_check_name(&c->err, "name", q->name) ||
	    !vd_check_text(&c->err, "description", q->description, VD_DESCRIPTION_MAX) ||
	    (path_given && !vd_check_path(&c->err, c->arena, "path", q->path, &path)) ||
	    !check_enum(c, "type", q->type, true))
		return;
	if (q->size_bytes <= 0) {
		invalid_size(c, "must be greater than 0");
		return;
	}
	const char *type = vd_type_sql(q->type);
	if (q->provision && strcmp(type, "ext4") == 0 && q->size_bytes < (1 << 20)) {
		invalid_size(c, "an ext4 volume needs at least 1 MiB (1048576)");
		return;
	}
	vd_store_new_id(id);
	vd_volume_new v = {
		.id = id,
		.name = q->name,
		.description = *q->description ? q->description : NULL,
		.path = path,
		.size_bytes = q->size_bytes,
		.type = type,
		.host_id = host,
	};
	Volumed__V1__Volume *out;
	if (!q->provision) {
		if (ready(c) && vd_store_volume_create(c->db, c->arena, &v, &out, &c->err))
			c->response = &out->base;
		return;
	}
	if (!path)
		v.path = path = vd_arena_printf(c->arena, "%s/%s.%s", c->local->roots.volume, id, extension_of(type));
	vd_place place;
	if (vd_files_place(&c->local->roots, c->local->roots.volume, path, path_given ? "path" : NULL, &place,
			   &c->err) &&
	    ready(c) && vd_store_volume_provision(c->db, c->arena, c->local, &v, &place, &out, &c->err))
		c->response = &out->base;
}

static void update_volume_status(vd_call *c)
{
	REQ(Volumed__V1__UpdateVolumeStatusRequest);
	char id[VD_UUID_LEN + 1];
	Volumed__V1__Volume *v;
	if (vd_check_uuid(&c->err, "id", q->id, id) && check_enum(c, "status", q->status, true) && ready(c) &&
	    vd_store_volume_confirm_status(c->db, c->arena, id, q->status, &v, &c->err))
		c->response = &v->base;
}

static void delete_volume(vd_call *c)
{
	REQ(Volumed__V1__DeleteVolumeRequest);
	char id[VD_UUID_LEN + 1];
	if (!vd_check_uuid(&c->err, "id", q->id, id) || !ready(c))
		return;
	/* By default the registry entry only, as specified; the file too only
	 * when asked, and only for files inside a managed root. */
	if (q->delete_file ? vd_store_volume_delete_file(c->db, c->arena, c->local, id, &c->err)
			   : vd_store_volume_delete(c->db, id, &c->err))
		answer_empty(c);
}

static void resize_volume(vd_call *c)
{
	REQ(Volumed__V1__ResizeVolumeRequest);
	char id[VD_UUID_LEN + 1];
	Volumed__V1__Volume *v;
	if (!vd_check_uuid(&c->err, "id", q->id, id))
		return;
	if (q->size_bytes <= 0) {
		invalid_size(c, "must be greater than 0");
		return;
	}
	if (ready(c) && vd_store_volume_resize(c->db, c->arena, c->local, id, q->size_bytes, &v, &c->err))
		c->response = &v->base;
}

static void clone_volume(vd_call *c)
{
	REQ(Volumed__V1__CloneVolumeRequest);
	char id[VD_UUID_LEN + 1];
	char *path = NULL;
	Volumed__V1__Volume *v;
	if (!vd_check_uuid(&c->err, "id", q->id, id) || (*q->name && !vd_check_name(&c->err, "name", q->name)) ||
	    !vd_check_text(&c->err, "description", q->description, VD_DESCRIPTION_MAX) ||
	    (*q->path && !vd_check_path(&c->err, c->arena, "path", q->path, &path)))
		return;
	vd_place place;
	if (path && !vd_files_place(&c->local->roots, c->local->roots.volume, path, "path", &place, &c->err))
		return;
	if (ready(c) && vd_store_volume_clone(c->db, c->arena, c->local, id, *q->name ? q->name : NULL,
					      *q->description ? q->description : NULL, path, &v, &c->err))
		c->response = &v->base;
}

static void attach_volume(vd_call *c)
{
	REQ(Volumed__V1__AttachVolumeRequest);
	char vol[VD_UUID_LEN + 1], vm[VD_UUID_LEN + 1];
	Volumed__V1__Attachment *a;
	if (vd_check_uuid(&c->err, "volume_id", q->volume_id, vol) &&
	    vd_check_uuid(&c->err, "vm_id", q->vm_id, vm) &&
	    vd_check_drive_id(&c->err, "drive_id", q->drive_id) && ready(c) &&
	    vd_store_attach(c->db, c->arena, vol, vm, q->drive_id, q->read_only, &a, &c->err))
		c->response = &a->base;
}

static void detach_volume(vd_call *c)
{
	REQ(Volumed__V1__DetachVolumeRequest);
	char vol[VD_UUID_LEN + 1], vm[VD_UUID_LEN + 1];
	Volumed__V1__Volume *v;
	if (vd_check_uuid(&c->err, "volume_id", q->volume_id, vol) &&
	    vd_check_uuid(&c->err, "vm_id", q->vm_id, vm) && ready(c) &&
	    vd_store_detach(c->db, c->arena, vol, vm, &v, &c->err))
		c->response = &v->base;
}

static void list_attachments(vd_call *c)
{
	REQ(Volumed__V1__ListAttachmentsRequest);
	char vol[VD_UUID_LEN + 1];
	vd_page page;
	vd_token pos;
	if (!vd_check_uuid(&c->err, "volume_id", q->volume_id, vol))
		return;
	uint64_t scope = vd_token_scope_add(vd_token_scope_start(VD_M_LIST_ATTACHMENTS), vol);
	if (!page_of(c, q->page_size, q->page_token, scope, &page, &pos) || !ready(c))
		return;
	Volumed__V1__Attachment **rows;
	size_t n;
	if (!vd_store_attachment_list(c->db, c->arena, vol, &page, &rows, &n, &c->err))
		return;
	NEW(Volumed__V1__ListAttachmentsResponse, volumed__v1__list_attachments_response__init, r);
	r->attachments = rows;
	r->n_attachments = n;
	r->next_page_token = page.next_token;
}

static void register_volume(vd_call *c)
{
	REQ(Volumed__V1__RegisterVolumeRequest);
	char vm[VD_UUID_LEN + 1];
	char *path;
	const char *drive = *q->drive_id ? q->drive_id : "rootfs";
	if (!vd_check_uuid(&c->err, "vm_id", q->vm_id, vm) ||
	    !vd_check_path(&c->err, c->arena, "path", q->path, &path) ||
	    !vd_check_drive_id(&c->err, "drive_id", drive))
		return;
	/* The size of the file when this server can see it (a qcow2's virtual
	 * size); 0 otherwise. */
	int64_t size = vd_files_size_at(path, vd_files_type_of(path));
	if (size < 0)
		size = 0;
	Volumed__V1__Volume *v;
	if (ready(c) && vd_store_register(c->db, c->arena, vm, path, drive, size, &v, &c->err))
		c->response = &v->base;
}

static void create_host(vd_call *c)
{
	REQ(Volumed__V1__CreateHostRequest);
	Volumed__V1__Host *h;
	if (vd_check_name(&c->err, "name", q->name) &&
	    vd_check_text(&c->err, "address", q->address, VD_ADDRESS_MAX) && ready(c) &&
	    vd_store_host_create(c->db, c->arena, q->name, q->address, &h, &c->err))
		c->response = &h->base;
}

static void get_host(vd_call *c)
{
	REQ(Volumed__V1__GetHostRequest);
	char id[VD_UUID_LEN + 1];
	Volumed__V1__Host *h;
	if (vd_check_uuid(&c->err, "id", q->id, id) && ready(c) &&
	    vd_store_host_get(c->db, c->arena, id, &h, &c->err))
		c->response = &h->base;
}

static void list_hosts(vd_call *c)
{
	REQ(Volumed__V1__ListHostsRequest);
	vd_page page;
	vd_token pos;
	if (!page_of(c, q->page_size, q->page_token, vd_token_scope_start(VD_M_LIST_HOSTS), &page, &pos) ||
	    !ready(c))
		return;
	Volumed__V1__Host **rows;
	size_t n;
	if (!vd_store_host_list(c->db, c->arena, &page, &rows, &n, &c->err))
		return;
	NEW(Volumed__V1__ListHostsResponse, volumed__v1__list_hosts_response__init, r);
	r->hosts = rows;
	r->n_hosts = n;
	r->next_page_token = page.next_token;
}

static void delete_host(vd_call *c)
{
	REQ(Volumed__V1__DeleteHostRequest);
	char id[VD_UUID_LEN + 1];
	if (vd_check_uuid(&c->err, "id", q->id, id) && ready(c) && vd_store_host_delete(c->db, id, &c->err))
		answer_empty(c);
}

static bool no_files_here(vd_call *c, const char *what)
{
	if (c->local->has_host)
		return false;
	vd_error_set(&c->err, VD_WRONG_HOST,
		     "this volumed manages no files (it runs without --host-name); %s needs the volumed of the "
		     "host that holds them",
		     what);
	return true;
}

static void create_vm(vd_call *c)
{
	REQ(Volumed__V1__CreateVmRequest);
	char id[VD_UUID_LEN + 1], host[VD_UUID_LEN + 1], image_id[VD_UUID_LEN + 1];
	Volumed__V1__Vm *m;
	if (!vd_check_uuid_opt(&c->err, "id", q->id, id) || !vd_check_name(&c->err, "name", q->name) ||
	    !vd_check_uuid_opt(&c->err, "rootfs_image_id", q->rootfs_image_id, image_id))
		return;
	if (q->kind < 0 || q->kind > VOLUMED__V1__VM_KIND__VM_KIND_FUNCTION) {
		vd_error_set(&c->err, VD_INVALID_FIELD, "invalid kind: must be one of vm, container, function");
		vd_error_meta(&c->err, "field", "kind");
		return;
	}
	if (!*image_id) {
		if (vd_check_uuid(&c->err, "host_id", q->host_id, host) && ready(c) &&
		    vd_store_vm_create(c->db, c->arena, id, q->name, host, &m, &c->err))
			c->response = &m->base;
		return;
	}
	/* Provisioning: the rootfs is copied here, so the VM lives here. */
	if (!vd_check_uuid_opt(&c->err, "host_id", q->host_id, host) || no_files_here(c, "provisioning a rootfs"))
		return;
	Volumed__V1__Image *image;
	if (!vd_images_find(c->arena, c->local->roots.image, c->local->host_id, image_id, &image, &c->err))
		return;
	if (*host)
		image->host_id = host; /* so a foreign host_id is refused with WRONG_HOST */
	if (image->kind != VOLUMED__V1__IMAGE_KIND__IMAGE_KIND_ROOTFS) {
		vd_error_set(&c->err, VD_INVALID_FIELD, "invalid rootfs_image_id: %s is a kernel, not a rootfs",
			     image->name);
		vd_error_meta(&c->err, "field", "rootfs_image_id");
		return;
	}
	if (!*id)
		vd_store_new_id(id);
	if (ready(c) && vd_store_vm_provision(c->db, c->arena, c->local, id, q->name, image, q->kind, &m, &c->err))
		c->response = &m->base;
}

static void get_vm(vd_call *c)
{
	REQ(Volumed__V1__GetVmRequest);
	char id[VD_UUID_LEN + 1];
	Volumed__V1__Vm *m;
	if (vd_check_uuid(&c->err, "id", q->id, id) && ready(c) && vd_store_vm_get(c->db, c->arena, id, &m, &c->err))
		c->response = &m->base;
}

static void list_vms(vd_call *c)
{
	REQ(Volumed__V1__ListVmsRequest);
	char host[VD_UUID_LEN + 1];
	vd_page page;
	vd_token pos;
	if (!vd_check_uuid_opt(&c->err, "host_id", q->host_id, host))
		return;
	uint64_t scope = vd_token_scope_add(vd_token_scope_start(VD_M_LIST_VMS), host);
	if (!page_of(c, q->page_size, q->page_token, scope, &page, &pos) || !ready(c))
		return;
	Volumed__V1__Vm **rows;
	size_t n;
	if (!vd_store_vm_list(c->db, c->arena, *host ? host : NULL, &page, &rows, &n, &c->err))
		return;
	NEW(Volumed__V1__ListVmsResponse, volumed__v1__list_vms_response__init, r);
	r->vms = rows;
	r->n_vms = n;
	r->next_page_token = page.next_token;
}

static void delete_vm(vd_call *c)
{
	REQ(Volumed__V1__DeleteVmRequest);
	char id[VD_UUID_LEN + 1];
	if (vd_check_uuid(&c->err, "id", q->id, id) && ready(c) && vd_store_vm_delete(c->db, id, &c->err))
		answer_empty(c);
}

static void scan_host(vd_call *c)
{
	REQ(Volumed__V1__ScanHostRequest);
	char id[VD_UUID_LEN + 1];
	if (!vd_check_uuid(&c->err, "id", q->id, id) || !ready(c))
		return;
	NEW(Volumed__V1__ScanHostResponse, volumed__v1__scan_host_response__init, r);
	if (!vd_store_host_scan(c->db, c->arena, c->local, id, q->register_unregistered, r, &c->err))
		c->response = NULL;
}

/* Images are few and named: pages go by name, the token is the last name
 * of the previous page (hex, so it stays opaque and printable). */
static void list_images(vd_call *c)
{
	REQ(Volumed__V1__ListImagesRequest);
	int limit;
	if (!vd_check_page_size(&c->err, q->page_size, &limit) || no_files_here(c, "listing images"))
		return;
	size_t tlen = strlen(q->page_token);
	char *after = vd_arena_alloc(c->arena, tlen / 2 + 1);
	for (size_t i = 0; i < tlen; i += 2) {
		static const char hex[] = "0123456789abcdef";
		const char *hi = strchr(hex, q->page_token[i]);
		const char *lo = i + 1 < tlen ? strchr(hex, q->page_token[i + 1]) : NULL;
		if (!hi || !lo || !*hi || !*lo) {
			vd_error_set(&c->err, VD_INVALID_FIELD, "invalid page_token: not a token of this list");
			vd_error_meta(&c->err, "field", "page_token");
			return;
		}
		after[i / 2] = (char)((hi - hex) << 4 | (lo - hex));
	}
	Volumed__V1__Image **all;
	size_t n, first = 0, k = 0;
	if (!vd_images_list(c->arena, c->local->roots.image, c->local->host_id, &all, &n, &c->err))
		return;
	while (tlen && first < n && strcmp(all[first]->name, after) <= 0)
		first++;
	NEW(Volumed__V1__ListImagesResponse, volumed__v1__list_images_response__init, r);
	r->images = all + first;
	k = n - first < (size_t)limit ? n - first : (size_t)limit;
	r->n_images = k;
	r->next_page_token = "";
	if (first + k < n) {
		const char *last = all[first + k - 1]->name;
		char *tok = vd_arena_alloc(c->arena, 2 * strlen(last) + 1);
		for (size_t i = 0; last[i]; i++)
			sprintf(tok + 2 * i, "%02x", (unsigned char)last[i]);
		r->next_page_token = tok;
	}
}

/* grpc.health.v1: SERVING only while Postgres answers, since volumed can
 * do nothing useful without it. */
static void health_check(vd_call *c)
{
	REQ(Grpc__Health__V1__HealthCheckRequest);
	static const char *const services[] = {"", "volumed.v1.VolumeService", "volumed.v1.HostService",
					       "volumed.v1.VmService"};
	bool known = false;
	for (size_t i = 0; i < sizeof services / sizeof *services; i++)
		known |= strcmp(q->service, services[i]) == 0;
	if (!known) {
		vd_error_set(&c->err, VD_SERVICE_NOT_FOUND, "unknown service \"%s\"", q->service);
		return;
	}
	vd_error db_err = {0};
	NEW(Grpc__Health__V1__HealthCheckResponse, grpc__health__v1__health_check_response__init, r);
	r->status = vd_db_ping(c->db, &db_err) ? GRPC__HEALTH__V1__HEALTH_CHECK_RESPONSE__SERVING_STATUS__SERVING
					       : GRPC__HEALTH__V1__HEALTH_CHECK_RESPONSE__SERVING_STATUS__NOT_SERVING;
}

static const handler handlers[VD_M_COUNT] = {
	[VD_M_LIST_VOLUMES] = list_volumes,
	[VD_M_GET_VOLUME] = get_volume,
	[VD_M_CREATE_VOLUME] = create_volume,
	[VD_M_UPDATE_VOLUME_STATUS] = update_volume_status,
	[VD_M_DELETE_VOLUME] = delete_volume,
	[VD_M_ATTACH_VOLUME] = attach_volume,
	[VD_M_DETACH_VOLUME] = detach_volume,
	[VD_M_LIST_ATTACHMENTS] = list_attachments,
	[VD_M_REGISTER_VOLUME] = register_volume,
	[VD_M_CREATE_HOST] = create_host,
	[VD_M_GET_HOST] = get_host,
	[VD_M_LIST_HOSTS] = list_hosts,
	[VD_M_DELETE_HOST] = delete_host,
	[VD_M_CREATE_VM] = create_vm,
	[VD_M_GET_VM] = get_vm,
	[VD_M_LIST_VMS] = list_vms,
	[VD_M_DELETE_VM] = delete_vm,
	[VD_M_HEALTH_CHECK] = health_check,
	[VD_M_RESIZE_VOLUME] = resize_volume,
	[VD_M_CLONE_VOLUME] = clone_volume,
	[VD_M_SCAN_HOST] = scan_host,
	[VD_M_LIST_IMAGES] = list_images,
};

bool vd_service_is_file_work(const vd_call *c)
{
	const void *q = c->request;
	switch (c->method) {
	case VD_M_RESIZE_VOLUME:
	case VD_M_CLONE_VOLUME:
	case VD_M_SCAN_HOST:
	case VD_M_LIST_IMAGES:
		return true;
	case VD_M_CREATE_VOLUME:
		return ((const Volumed__V1__CreateVolumeRequest *)q)->provision;
	case VD_M_DELETE_VOLUME:
		return ((const Volumed__V1__DeleteVolumeRequest *)q)->delete_file;
	case VD_M_CREATE_VM:
		return *((const Volumed__V1__CreateVmRequest *)q)->rootfs_image_id != '\0';
	default:
		return false;
	}
}

void vd_service_dispatch(vd_call *c)
{
	handlers[c->method](c);
}
