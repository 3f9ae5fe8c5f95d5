/* store_files.c - registry operations that also change files: provision,
 * resize, clone, delete with the file, VM rootfs provisioning, and the scan
 * that compares the registry with the disk.
 *
 * The order is always the one that cannot leave a registry entry without
 * its complete file: the file is made (under a temporary name, renamed into
 * place when complete) before the row is inserted, and removed again if the
 * insert fails; a file is deleted only after its row is gone, and put back
 * if that transaction does not commit. Operations on an existing volume hold
 * its row lock while they touch the file, so no attach slips in. */
#include "store_int.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "images.h"
#include "log.h"
#include "path.h"

bool vd_store_host_ensure(vd_db *db, vd_arena *a, const char *name, const char *address,
			  Volumed__V1__Host **out, vd_error *err)
{
	char id[VD_UUID_LEN + 1];
	vd_store_new_id(id);
	const char *p[] = {id, name, address};
	PGresult *r = vd_db_run(db, VD_SQL_HOST_ENSURE, p, err);
	if (!r)
		return err->reason != VD_OK ? false : vd_db_unexpected(db, err);
	*out = vd_row_host(a, r, 0);
	PQclear(r);
	return true;
}

/* Refuses, naming the host that can, unless host_id is this volumed's. */
static bool local_host(vd_db *db, vd_arena *a, const vd_local *l, const char *host_id, const char *what,
		       vd_error *err)
{
	if (l->has_host && strcmp(host_id, l->host_id) == 0)
		return true;
	Volumed__V1__Host *h = NULL;
	vd_error ignored = {0};
	vd_store_host_get(db, a, host_id, &h, &ignored);
	if (!l->has_host)
		vd_error_set(err, VD_WRONG_HOST,
			     "this volumed manages no files (it runs without --host-name); %s needs the volumed "
			     "of host %s%s%s",
			     what, h ? h->name : host_id, h && *h->address ? " at " : "", h ? h->address : "");
	else
		vd_error_set(err, VD_WRONG_HOST, "%s needs the volumed of host %s%s%s, not this one (%s)", what,
			     h ? h->name : host_id, h && *h->address ? " at " : "", h ? h->address : "",
			     l->host_name);
	vd_error_meta(err, "host_id", host_id);
	if (h)
		vd_error_meta(err, "host_name", h->name);
	return false;
}

/* A locked volume's file, which must lie inside a managed root. */
static bool managed_file(const vd_local *l, const Volumed__V1__Volume *v, const char *what, vd_place *out,
			 vd_error *err)
{
	if (vd_files_managed(&l->roots, v->path))
		return vd_files_place(&l->roots, NULL, v->path, NULL, out, err);
	vd_error_set(err, VD_UNMANAGED_PATH,
		     "volume %s is at %s, outside the roots this volumed manages; it does not %s such files", v->id,
		     v->path, what);
	return false;
}

static bool lock_volume(vd_db *db, vd_arena *a, vd_sql stmt, const char *id, Volumed__V1__Volume **out,
			vd_error *err)
{
	const char *p[] = {id};
	PGresult *r = vd_db_run(db, stmt, p, err);
	if (!r)
		return false;
	bool found = PQntuples(r) == 1;
	if (found)
		*out = vd_row_volume(a, r, 0);
	PQclear(r);
	if (!found) {
		vd_error_set(err, VD_VOLUME_NOT_FOUND, "volume %s not found", id);
		vd_error_meta(err, "volume_id", id);
	}
	return found;
}

static bool refuse_attached(const Volumed__V1__Volume *v, const char *what, vd_error *err)
{
	if (v->attachment_count == 0)
		return true;
	vd_error_set(err, VD_VOLUME_ATTACHED, "volume %s is attached (%d attachment(s)); detach it before %s",
		     v->id, v->attachment_count, what);
	return false;
}

bool vd_store_volume_provision(vd_db *db, vd_arena *a, const vd_local *l, const vd_volume_new *v,
			       const vd_place *place, Volumed__V1__Volume **out, vd_error *err)
{
	if (!local_host(db, a, l, v->host_id, "creating a volume file", err))
		return false;
	if (!vd_files_create(place, v->type, v->size_bytes, err))
		return false;
	if (vd_store_volume_create(db, a, v, out, err))
		return true;
	/* Not registered: the file must not stay behind. */
	vd_error ignored = {0};
	vd_files_remove(place, &ignored);
	return false;
}

typedef struct resize_ctx {
	vd_arena *a;
	const vd_local *l;
	const char *id;
	int64_t size;
	Volumed__V1__Volume *out;
} resize_ctx;

static bool resize_tx(vd_db *db, void *ctx, vd_error *err)
{
	resize_ctx *c = ctx;
	Volumed__V1__Volume *v;
	vd_place place;
	if (!lock_volume(db, c->a, VD_SQL_VOLUME_LOCK_ROW, c->id, &v, err) ||
	    !local_host(db, c->a, c->l, v->host_id, "resizing a volume", err) ||
	    !refuse_attached(v, "resizing it", err) || !managed_file(c->l, v, "resize", &place, err))
		return false;
	if (c->size <= v->size_bytes) {
		vd_error_set(err, VD_INVALID_FIELD,
			     "invalid size_bytes: %lld is not larger than the volume (%lld); volumes only grow",
			     (long long)c->size, (long long)v->size_bytes);
		vd_error_meta(err, "field", "size_bytes");
		return false;
	}
	const char *type = vd_type_sql(v->type);
	if (!vd_files_grow(&place, type, c->size, err))
		return false;
	const char *p[] = {c->id, vd_arena_printf(c->a, "%lld", (long long)c->size)};
	PGresult *r = vd_db_run(db, VD_SQL_VOLUME_SET_SIZE, p, err);
	if (!r)
		return false;
	c->out = vd_row_volume(c->a, r, 0);
	PQclear(r);
	return true;
}

bool vd_store_volume_resize(vd_db *db, vd_arena *a, const vd_local *l, const char *id, int64_t size,
			    Volumed__V1__Volume **out, vd_error *err)
{
	resize_ctx c = {a, l, id, size, NULL};
	if (!vd_db_transact(db, resize_tx, &c, err))
		return false;
	*out = c.out;
	return true;
}

static const char *extension(const char *type)
{
	return strcmp(type, "ext4") == 0 ? "ext4" : strcmp(type, "qcow2") == 0 ? "qcow2" : "img";
}

typedef struct clone_ctx {
	vd_arena *a;
	const vd_local *l;
	const char *id, *name, *description, *path;
	char new_id[VD_UUID_LEN + 1];
	vd_place dst;
	bool copied;
	Volumed__V1__Volume *out;
} clone_ctx;

static bool clone_tx(vd_db *db, void *ctx, vd_error *err)
{
	clone_ctx *c = ctx;
	Volumed__V1__Volume *v;
	vd_place src;
	/* FOR SHARE: attaches of the source wait until the copy is done. */
	if (!lock_volume(db, c->a, VD_SQL_VOLUME_SHARE_ROW, c->id, &v, err) ||
	    !local_host(db, c->a, c->l, v->host_id, "cloning a volume", err) ||
	    !refuse_attached(v, "cloning it", err) || !managed_file(c->l, v, "clone", &src, err))
		return false;
	const char *type = vd_type_sql(v->type);
	if (!c->path)
		c->path = vd_arena_printf(c->a, "%s/%s.%s", c->l->roots.volume, c->new_id, extension(type));
	if (!c->copied) { /* a retried transaction reuses the copy */
		if (!vd_files_place(&c->l->roots, c->l->roots.volume, c->path, "path", &c->dst, err) ||
		    !vd_files_copy(&src, &c->dst, err))
			return false;
		c->copied = true;
	}
	vd_volume_new nv = {
		.id = c->new_id,
		.name = c->name ? c->name : vd_arena_printf(c->a, "%.240s (clone)", v->name),
		.description = c->description,
		.path = c->path,
		.size_bytes = v->size_bytes,
		.type = type,
		.host_id = v->host_id,
	};
	return vd_store_volume_create(db, c->a, &nv, &c->out, err);
}

bool vd_store_volume_clone(vd_db *db, vd_arena *a, const vd_local *l, const char *id, const char *name,
			   const char *description, const char *path, Volumed__V1__Volume **out, vd_error *err)
{
	clone_ctx c = {.a = a, .l = l, .id = id, .name = name, .description = description, .path = path};
	vd_store_new_id(c.new_id);
	bool ok = vd_db_transact(db, clone_tx, &c, err);
	if (!ok && c.copied) {
		vd_error ignored = {0};
		vd_files_remove(&c.dst, &ignored);
	}
	if (ok)
		*out = c.out;
	return ok;
}

typedef struct delete_ctx {
	vd_arena *a;
	const vd_local *l;
	const char *id;
	vd_place place;
	char *stash;
} delete_ctx;

static bool delete_file_tx(vd_db *db, void *ctx, vd_error *err)
{
	delete_ctx *c = ctx;
	Volumed__V1__Volume *v;
	if (!lock_volume(db, c->a, VD_SQL_VOLUME_LOCK_ROW, c->id, &v, err))
		return false;
	if (v->attachment_count) {
		/* Name a holder, as a plain delete does. */
		vd_error ignored = {0};
		const char *p[] = {c->id};
		PGresult *r = vd_db_run(db, VD_SQL_VOLUME_HOLDER, p, &ignored);
		char holder[VD_UUID_LEN + 1] = "";
		if (r && PQntuples(r) == 1)
			vd_row_uuid(r, 0, 1, holder);
		PQclear(r);
		vd_error_set(err, VD_VOLUME_ATTACHED, "volume %s is attached to vm %s; detach it first", c->id,
			     holder);
		vd_error_meta(err, "vm_id", holder);
		return false;
	}
	if (!local_host(db, c->a, c->l, v->host_id, "deleting a volume's file", err) ||
	    !managed_file(c->l, v, "delete", &c->place, err))
		return false;
	const char *p[] = {c->id};
	PGresult *r = vd_db_run(db, VD_SQL_VOLUME_DELETE_LOCKED, p, err);
	if (!r)
		return false;
	PQclear(r);
	/* Moved aside, not removed: if the commit fails it comes back. A file
	 * that is already gone is no reason to keep the registry entry. */
	if (!c->stash) {
		vd_error stash_err = {0};
		if (!vd_files_stash(c->a, &c->place, &c->stash, &stash_err) &&
		    stash_err.reason != VD_FILE_NOT_FOUND) {
			*err = stash_err;
			return false;
		}
	}
	return true;
}

bool vd_store_volume_delete_file(vd_db *db, vd_arena *a, const vd_local *l, const char *id, vd_error *err)
{
	delete_ctx c = {.a = a, .l = l, .id = id};
	bool ok = vd_db_transact(db, delete_file_tx, &c, err);
	if (c.stash) {
		if (ok)
			vd_files_drop_stash(&c.place, c.stash);
		else
			vd_files_unstash(&c.place, c.stash);
	}
	return ok;
}

/* --- VM rootfs provisioning --- */

typedef struct vm_ctx {
	vd_arena *a;
	const vd_local *l;
	const char *id, *name, *path, *type;
	int64_t size;
	Volumed__V1__Vm *out;
} vm_ctx;

static bool vm_provision_tx(vd_db *db, void *ctx, vd_error *err)
{
	vm_ctx *c = ctx;
	const char *p[] = {c->id, c->name, c->l->host_id};
	PGresult *r = vd_db_run(db, VD_SQL_VM_INSERT_NEW, p, err);
	if (!r) {
		if (err->reason == VD_OK && vd_db_failed(db) == VD_DB_FAIL_CONSTRAINT &&
		    strstr(vd_db_constraint(db), "pkey")) {
			vd_error_set(err, VD_DUPLICATE_ID, "vm id %s is already taken", c->id);
			vd_error_meta(err, "field", "id");
		}
		return false;
	}
	PQclear(r);
	const char *file = strrchr(c->path, '/') + 1;
	vd_volume_new v = {
		.name = vd_arena_printf(c->a, "%.200s (%.50s)", c->name, file),
		.description = vd_arena_printf(c->a, "Rootfs for VM: %s", c->name),
		.path = c->path,
		.size_bytes = c->size,
		.type = c->type,
		.host_id = c->l->host_id,
	};
	Volumed__V1__Volume *vol;
	Volumed__V1__Attachment *att;
	if (!vd_store_volume_create(db, c->a, &v, &vol, err) ||
	    !vd_store_attach_in_tx(db, c->a, vol->id, c->id, "rootfs", false, &att, err))
		return false;
	const char *gp[] = {c->id};
	if (!(r = vd_db_run(db, VD_SQL_VM_GET, gp, err)))
		return false;
	c->out = vd_row_vm(c->a, r, 0);
	PQclear(r);
	return true;
}

bool vd_store_vm_provision(vd_db *db, vd_arena *a, const vd_local *l, const char *id, const char *name,
			   const Volumed__V1__Image *image, Volumed__V1__VmKind kind, Volumed__V1__Vm **out,
			   vd_error *err)
{
	if (!local_host(db, a, l, image->host_id, "provisioning a rootfs", err))
		return false;
	/* A retry of a provision that succeeded gets the VM it made. */
	Volumed__V1__Vm *old;
	vd_error lookup = {0};
	if (vd_store_vm_get(db, a, id, &old, &lookup)) {
		if (strcmp(old->name, name) == 0 && strcmp(old->host_id, l->host_id) == 0 && *old->rootfs_volume_id) {
			*out = old;
			return true;
		}
		vd_error_set(err, VD_DUPLICATE_ID, "vm id %s is already taken by vm \"%s\"", id, old->name);
		vd_error_meta(err, "field", "id");
		return false;
	}
	if (lookup.reason != VD_VM_NOT_FOUND) {
		*err = lookup;
		return false;
	}

	const char *type = image->type == VOLUMED__V1__VOLUME_TYPE__VOLUME_TYPE_QCOW2 ? "qcow2"
			   : image->type == VOLUMED__V1__VOLUME_TYPE__VOLUME_TYPE_RAW ? "raw"
										     : "ext4";
	vm_ctx c = {.a = a, .l = l, .id = id, .name = name, .type = type};
	if (kind == VOLUMED__V1__VM_KIND__VM_KIND_CONTAINER || kind == VOLUMED__V1__VM_KIND__VM_KIND_FUNCTION) {
		c.path = vd_arena_printf(a, "%s/%s/%s.%s", l->roots.image,
					 kind == VOLUMED__V1__VM_KIND__VM_KIND_CONTAINER ? "containers" : "functions",
					 id, extension(type));
	} else {
		char u[VD_UUID_LEN + 1];
		vd_store_new_id(u);
		c.path = vd_arena_printf(a, "%s/%s/storage/rootfs-%.8s.%s", l->roots.storage, id, u,
					 extension(type));
	}
	vd_place src, dst;
	if (!vd_files_place(&l->roots, l->roots.image, image->path, "rootfs_image_id", &src, err) ||
	    !vd_files_place(&l->roots, NULL, c.path, NULL, &dst, err) || !vd_files_copy(&src, &dst, err))
		return false;
	c.size = vd_files_size(&dst, type);
	if (c.size < 0)
		c.size = image->size_bytes;
	if (vd_db_transact(db, vm_provision_tx, &c, err)) {
		*out = c.out;
		return true;
	}
	/* Two provisions of one VM: the other one won; our copy goes. */
	vd_error ignored = {0};
	vd_files_remove(&dst, &ignored);
	return false;
}

/* --- Scan --- */

/* A Postgres array literal of strings: {"a","b"} with " and \ escaped. */
static char *text_array(vd_arena *a, char **items, size_t n)
{
	size_t len = 3;
	for (size_t i = 0; i < n; i++)
		len += 2 * strlen(items[i]) + 3;
	char *s = vd_arena_alloc(a, len), *o = s;
	*o++ = '{';
	for (size_t i = 0; i < n; i++) {
		if (i)
			*o++ = ',';
		*o++ = '"';
		for (const char *p = items[i]; *p; p++) {
			if (*p == '"' || *p == '\\')
				*o++ = '\\';
			*o++ = *p;
		}
		*o++ = '"';
	}
	*o++ = '}';
	*o = '\0';
	return s;
}

typedef struct path_list {
	char **items;
	size_t n, cap;
} path_list;

static void push(vd_arena *a, path_list *l, const char *path)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		char **items = vd_arena_alloc(a, cap * sizeof *items);
		if (l->n)
			memcpy(items, l->items, l->n * sizeof *items);
		l->items = items;
		l->cap = cap;
	}
	l->items[l->n++] = vd_arena_strdup(a, path);
}

static bool volume_file_name(const char *name)
{
	if (name[0] == '.') /* our temporaries and stashes */
		return false;
	size_t n = strlen(name);
	static const char *const exts[] = {".ext4", ".qcow2", ".img", ".raw"};
	for (size_t i = 0; i < sizeof exts / sizeof *exts; i++) {
		size_t k = strlen(exts[i]);
		if (n > k && strcmp(name + n - k, exts[i]) == 0)
			return true;
	}
	return false;
}

/* A path the registry can hold: clean by the same rule as requests. */
static bool registrable(const char *path)
{
	size_t n = strlen(path);
	char buf[VD_PATH_MAX + 1];
	const char *why;
	return n <= VD_PATH_MAX && vd_path_normalize(path, n, buf, &why) && strcmp(buf, path) == 0;
}

/* Collects volume files below dir (never through symlinks), depth levels. */
static void walk(vd_arena *a, int dirfd, const char *path, int depth, path_list *out)
{
	DIR *d = fdopendir(dirfd);
	if (!d) {
		close(dirfd);
		return;
	}
	for (struct dirent *e; (e = readdir(d));) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		struct stat st;
		if (fstatat(dirfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			continue;
		char *child = vd_arena_printf(a, "%s/%s", path, e->d_name);
		if (!registrable(child)) {
			/* A name is whatever bytes someone chose; one that cannot be a
			 * volume path (not UTF-8, a control character) is skipped, never
			 * sent to SQL, so it cannot take the whole scan down. */
			vd_log(VD_LOG_WARN, "scan: skipping a file whose name cannot be a volume path under %s", path);
			continue;
		}
		if (S_ISREG(st.st_mode) && volume_file_name(e->d_name)) {
			push(a, out, child);
		} else if (S_ISDIR(st.st_mode) && depth > 0) {
			int fd = openat(dirfd, e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (fd >= 0)
				walk(a, fd, child, depth - 1, out);
		}
	}
	closedir(d);
}

static void walk_root(vd_arena *a, const char *dir, int depth, path_list *out)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0)
		walk(a, fd, dir, depth, out);
}

#define SCAN_PAGE 1000

/* Pass 1: every volume of the host, page by page: look at its file, then
 * record what was found in one statement per page. */
static bool scan_volumes(vd_db *db, vd_arena *a, const vd_local *l, Volumed__V1__ScanHostResponse *out,
			 path_list *resized, path_list *missing, vd_error *err)
{
	vd_volume_filter f = {.host_id = l->host_id};
	vd_token pos;
	vd_page page = {.limit = SCAN_PAGE, .scope = 0};
	for (;;) {
		Volumed__V1__Volume **rows;
		size_t n;
		if (!vd_store_volume_list(db, a, &f, &page, &rows, &n, err))
			return false;
		char **ids = vd_arena_alloc(a, (n ? n : 1) * sizeof *ids);
		char *sizes = vd_arena_alloc(a, n * 24 + 3), *o = sizes;
		size_t k = 0;
		*o++ = '{';
		for (size_t i = 0; i < n; i++) {
			Volumed__V1__Volume *v = rows[i];
			vd_place place;
			vd_error ignored = {0};
			if (!vd_files_managed(&l->roots, v->path) ||
			    !vd_files_place(&l->roots, NULL, v->path, NULL, &place, &ignored))
				continue; /* registry-only volume elsewhere: not ours to look at */
			int64_t size = vd_files_size(&place, vd_type_sql(v->type));
			if (size < 0)
				push(a, missing, v->id);
			else if (size != v->size_bytes)
				push(a, resized, v->id);
			ids[k++] = v->id;
			o += sprintf(o, "%s%lld", k > 1 ? "," : "", (long long)size);
		}
		*o++ = '}';
		*o = '\0';
		out->checked += (int32_t)k;
		if (k) {
			const char *p[] = {text_array(a, ids, k), sizes};
			PGresult *r = vd_db_run(db, VD_SQL_VOLUME_SCAN_UPDATE, p, err);
			if (!r)
				return err->reason != VD_OK ? false : vd_db_unexpected(db, err);
			PQclear(r);
		}
		if (!*page.next_token)
			return true;
		if (!vd_token_decode(page.next_token, page.scope, &pos))
			return vd_error_set(err, VD_INTERNAL, "internal error: scan paging");
		page.after = &pos;
	}
}

/* The volumes with these ids as they are now, in one statement per page of
 * ids (a volume deleted meanwhile is simply not there). */
static Volumed__V1__Volume **load(vd_db *db, vd_arena *a, path_list *ids, size_t *n, vd_error *err)
{
	Volumed__V1__Volume **vols = vd_arena_alloc(a, (ids->n ? ids->n : 1) * sizeof *vols);
	*n = 0;
	for (size_t i = 0; i < ids->n; i += SCAN_PAGE) {
		size_t k = ids->n - i < SCAN_PAGE ? ids->n - i : SCAN_PAGE;
		const char *p[] = {text_array(a, ids->items + i, k)};
		PGresult *r = vd_db_run(db, VD_SQL_VOLUME_GET_MANY, p, err);
		if (!r) {
			if (err->reason == VD_OK)
				vd_db_unexpected(db, err);
			return NULL;
		}
		for (int row = 0; row < PQntuples(r); row++)
			vols[(*n)++] = vd_row_volume(a, r, row);
		PQclear(r);
	}
	return vols;
}

typedef struct register_ctx {
	vd_arena *a;
	const vd_local *l;
	path_list *paths;
	Volumed__V1__ScanHostResponse *out;
} register_ctx;

/* Registers the files a scan found, all or none: a scan that fails has
 * registered nothing. */
static bool register_found_tx(vd_db *db, void *ctx, vd_error *err)
{
	register_ctx *c = ctx;
	vd_arena *a = c->a;
	const vd_local *l = c->l;
	path_list *unknown_list = c->paths;
	Volumed__V1__ScanHostResponse *out = c->out;
	out->n_registered = 0;
	out->registered = vd_arena_alloc(a, (unknown_list->n ? unknown_list->n : 1) * sizeof *out->registered);
	for (size_t i = 0; i < unknown_list->n; i++) {
		vd_place place;
		if (!vd_files_place(&l->roots, NULL, unknown_list->items[i], NULL, &place, err))
			return false;
		const char *type = vd_files_type_of(unknown_list->items[i]);
		int64_t size = vd_files_size(&place, type);
		if (size < 0) /* gone since the walk */
			continue;
		char vid[VD_UUID_LEN + 1];
		vd_store_new_id(vid);
		const char *name = strrchr(unknown_list->items[i], '/') + 1;
		const char *p[] = {vid, vd_arena_printf(a, "%.255s", name), "Registered by a host scan",
				   unknown_list->items[i], vd_arena_printf(a, "%lld", (long long)size), type, l->host_id};
		PGresult *r = vd_db_run(db, VD_SQL_VOLUME_INSERT_IF_ABSENT, p, err);
		if (!r)
			return false;
		if (PQntuples(r) == 1)
			out->registered[out->n_registered++] = vd_row_volume(a, r, 0);
		PQclear(r);
	}
	return true;
}

bool vd_store_host_scan(vd_db *db, vd_arena *a, const vd_local *l, const char *id, bool register_new,
			Volumed__V1__ScanHostResponse *out, vd_error *err)
{
	Volumed__V1__Host *h;
	if (!vd_store_host_get(db, a, id, &h, err) || !local_host(db, a, l, id, "scanning a host", err))
		return false;
	path_list resized = {0}, missing = {0}, found = {0};
	if (!scan_volumes(db, a, l, out, &resized, &missing, err))
		return false;
	if (!(out->resized = load(db, a, &resized, &out->n_resized, err)) ||
	    !(out->missing = load(db, a, &missing, &out->n_missing, err)))
		return false;

	/* Pass 2: files under the managed roots that no volume names. */
	walk_root(a, l->roots.volume, 4, &found);
	char *dir = vd_arena_printf(a, "%s/containers", l->roots.image);
	walk_root(a, dir, 0, &found);
	dir = vd_arena_printf(a, "%s/functions", l->roots.image);
	walk_root(a, dir, 0, &found);
	walk_root(a, l->roots.storage, 2, &found);
	path_list unknown = {0};
	for (size_t i = 0; i < found.n; i += SCAN_PAGE) {
		size_t k = found.n - i < SCAN_PAGE ? found.n - i : SCAN_PAGE;
		const char *p[] = {text_array(a, found.items + i, k)};
		PGresult *r = vd_db_run(db, VD_SQL_VOLUME_PATHS_UNKNOWN, p, err);
		if (!r)
			return err->reason != VD_OK ? false : vd_db_unexpected(db, err);
		for (int row = 0; row < PQntuples(r); row++)
			push(a, &unknown, PQgetvalue(r, row, 0));
		PQclear(r);
	}
	out->unregistered_paths = unknown.items;
	out->n_unregistered_paths = unknown.n;
	if (!register_new)
		return true;

	register_ctx rc = {.a = a, .l = l, .paths = &unknown, .out = out};
	return vd_db_transact(db, register_found_tx, &rc, err);
}
