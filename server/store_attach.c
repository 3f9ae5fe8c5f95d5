/* store_attach.c - where an attach is decided: attach, detach,
 * auto-registration and the attachment list.
 *
 * Locking order, everywhere: the volume row first (FOR UPDATE), then the VM
 * row (KEY SHARE, taken by the attachment's foreign key). DeleteVm takes the
 * same order (store_vm.c). Holding the volume's row lock makes "look at the
 * attachments, then insert one" safe: every other writer of this volume's
 * attachments waits for our commit, and each statement after the lock sees
 * everything committed before it was granted. The unique indexes and the
 * exclusion constraint of the schema back this up if a writer ever forgot. */
#include "store_int.h"

#include <stdio.h>
#include <string.h>

typedef struct attach_ctx {
	vd_arena *a;
	const char *volume_id, *vm_id, *drive_id;
	bool read_only;
	Volumed__V1__Attachment *att;
	/* Registration only. */
	const char *path;
	int64_t size_bytes;
	Volumed__V1__Volume *vol;
} attach_ctx;

static const char *mode(bool read_only)
{
	return read_only ? "read-only" : "read-write";
}

/* Decides and performs the attach of c->volume_id, whose row this
 * transaction has locked, to c->vm_id, which exists. */
static bool attach_locked(vd_db *db, attach_ctx *c, vd_error *err)
{
	const char *p[] = {c->volume_id, c->vm_id, c->drive_id};
	c->att = NULL; /* a retried transaction starts from nothing */
	PGresult *r = vd_db_run(db, VD_SQL_ATTACH_CONFLICTS, p, err);
	if (!r)
		return false;
	char vol[VD_UUID_LEN + 1], vm[VD_UUID_LEN + 1];
	int rows = PQntuples(r), same_vm = -1, drive_holder = -1, writer = -1, first = -1;
	for (int i = 0; i < rows; i++) {
		vd_row_uuid(r, i, ATT_VOLUME_ID, vol);
		vd_row_uuid(r, i, ATT_VM_ID, vm);
		bool this_volume = strcmp(vol, c->volume_id) == 0;
		bool this_vm = strcmp(vm, c->vm_id) == 0;
		if (this_volume && this_vm)
			same_vm = i;
		else if (!this_volume)
			drive_holder = i;
		else {
			if (first < 0)
				first = i;
			if (!vd_row_bool(r, i, ATT_READ_ONLY))
				writer = i;
		}
	}

	bool ok = false;
	if (same_vm >= 0) {
		/* A retry of the same attach returns what the first one made. */
		const char *drive = PQgetvalue(r, same_vm, ATT_DRIVE_ID);
		bool ro = vd_row_bool(r, same_vm, ATT_READ_ONLY);
		if (strcmp(drive, c->drive_id) == 0 && ro == c->read_only) {
			c->att = vd_row_attachment(c->a, r, same_vm);
			ok = true;
		} else {
			vd_error_set(err, VD_ALREADY_ATTACHED,
				     "volume %s is already attached to vm %s at drive %s (%s)",
				     c->volume_id, c->vm_id, drive, mode(ro));
			vd_error_meta(err, "drive_id", drive);
		}
	} else if (drive_holder >= 0) {
		vd_row_uuid(r, drive_holder, ATT_VOLUME_ID, vol);
		vd_error_set(err, VD_DRIVE_IN_USE, "drive %s of vm %s already holds volume %s",
			     c->drive_id, c->vm_id, vol);
		vd_error_meta(err, "volume_id", vol);
	} else if (writer >= 0 || (first >= 0 && !c->read_only)) {
		/* Single writer: a writer excludes everyone; readers exclude a writer. */
		int holder = writer >= 0 ? writer : first;
		vd_row_uuid(r, holder, ATT_VM_ID, vm);
		vd_error_set(err, VD_ATTACHED_ELSEWHERE, "volume %s is attached %s to vm %s",
			     c->volume_id, mode(vd_row_bool(r, holder, ATT_READ_ONLY)), vm);
		vd_error_meta(err, "vm_id", vm);
	} else {
		ok = true; /* free to attach */
	}
	PQclear(r);
	if (!ok || c->att)
		return ok;

	char id[VD_UUID_LEN + 1];
	vd_store_new_id(id);
	const char *ip[] = {id, c->volume_id, c->vm_id, c->drive_id, c->read_only ? "t" : "f"};
	if ((r = vd_db_run(db, VD_SQL_ATTACHMENT_INSERT, ip, err))) {
		c->att = vd_row_attachment(c->a, r, 0);
		PQclear(r);
		return true;
	}
	if (err->reason != VD_OK || vd_db_failed(db) != VD_DB_FAIL_CONSTRAINT)
		return false;
	const char *con = vd_db_constraint(db);
	if (strcmp(con, VD_C_ATT_VM_DRIVE) == 0) {
		/* Another volume took the drive after we looked (drives are not
		 * covered by our volume lock); its insert committed first. */
		vd_error_set(err, VD_DRIVE_IN_USE, "drive %s of vm %s already holds a volume",
			     c->drive_id, c->vm_id);
	} else if (strcmp(con, VD_C_ATT_VM) == 0) {
		vd_error_set(err, VD_VM_NOT_FOUND, "vm %s not found", c->vm_id);
		vd_error_meta(err, "vm_id", c->vm_id);
	} else if (strcmp(con, VD_C_ATT_VOLUME) == 0) {
		vd_error_set(err, VD_VOLUME_NOT_FOUND, "volume %s not found", c->volume_id);
		vd_error_meta(err, "volume_id", c->volume_id);
	} else {
		return vd_db_unexpected(db, err);
	}
	return false;
}

/* Locks the volume and learns whether the VM exists, in one statement. */
static bool lock_volume(vd_db *db, attach_ctx *c, vd_error *err)
{
	const char *p[] = {c->volume_id, c->vm_id};
	PGresult *r = vd_db_run(db, VD_SQL_VOLUME_LOCK, p, err);
	if (!r)
		return false;
	bool volume = PQntuples(r) == 1, vm = volume && vd_row_bool(r, 0, 1);
	PQclear(r);
	if (!volume) {
		vd_error_set(err, VD_VOLUME_NOT_FOUND, "volume %s not found", c->volume_id);
		vd_error_meta(err, "volume_id", c->volume_id);
	} else if (!vm) {
		vd_error_set(err, VD_VM_NOT_FOUND, "vm %s not found", c->vm_id);
		vd_error_meta(err, "vm_id", c->vm_id);
	}
	return volume && vm;
}

static bool attach_tx(vd_db *db, void *ctx, vd_error *err)
{
	attach_ctx *c = ctx;
	return lock_volume(db, c, err) && attach_locked(db, c, err);
}

bool vd_store_attach_in_tx(vd_db *db, vd_arena *a, const char *volume_id, const char *vm_id,
			   const char *drive_id, bool read_only, Volumed__V1__Attachment **out, vd_error *err)
{
	attach_ctx c = {.a = a, .volume_id = volume_id, .vm_id = vm_id, .drive_id = drive_id,
			.read_only = read_only};
	if (!attach_tx(db, &c, err))
		return false;
	*out = c.att;
	return true;
}

bool vd_store_attach(vd_db *db, vd_arena *a, const char *volume_id, const char *vm_id,
		     const char *drive_id, bool read_only, Volumed__V1__Attachment **out, vd_error *err)
{
	attach_ctx c = {.a = a, .volume_id = volume_id, .vm_id = vm_id, .drive_id = drive_id,
			.read_only = read_only};
	if (!vd_db_transact(db, attach_tx, &c, err))
		return false;
	*out = c.att;
	return true;
}

static bool get_volume(vd_db *db, attach_ctx *c, vd_error *err)
{
	const char *p[] = {c->volume_id};
	PGresult *r = vd_db_run(db, VD_SQL_VOLUME_GET, p, err);
	if (!r)
		return false;
	if (PQntuples(r) != 1) {
		PQclear(r);
		return vd_db_retry(db);
	}
	c->vol = vd_row_volume(c->a, r, 0);
	PQclear(r);
	return true;
}

static bool detach_tx(vd_db *db, void *ctx, vd_error *err)
{
	attach_ctx *c = ctx;
	if (!lock_volume(db, c, err))
		return false;
	const char *p[] = {c->volume_id, c->vm_id};
	PGresult *r = vd_db_run(db, VD_SQL_ATTACHMENT_DELETE, p, err);
	if (!r)
		return false;
	int deleted = PQntuples(r);
	PQclear(r);
	if (!deleted) {
		vd_error_set(err, VD_ATTACHMENT_NOT_FOUND, "volume %s is not attached to vm %s",
			     c->volume_id, c->vm_id);
		vd_error_meta(err, "vm_id", c->vm_id);
		return false;
	}
	/* The count trigger has run by now: the volume's status is current. */
	return get_volume(db, c, err);
}

bool vd_store_detach(vd_db *db, vd_arena *a, const char *volume_id, const char *vm_id,
		     Volumed__V1__Volume **out, vd_error *err)
{
	attach_ctx c = {.a = a, .volume_id = volume_id, .vm_id = vm_id};
	if (!vd_db_transact(db, detach_tx, &c, err))
		return false;
	*out = c.vol;
	return true;
}

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');
	return s ? s + 1 : path;
}

/* Cuts s to at most max characters without splitting a UTF-8 sequence. */
static char *clip(vd_arena *a, const char *s, size_t max)
{
	size_t chars = 0, i = 0;
	for (; s[i]; i++) {
		if (((unsigned char)s[i] & 0xc0) != 0x80 && ++chars > max)
			break;
	}
	return vd_arena_strndup(a, s, i);
}

static bool register_tx(vd_db *db, void *ctx, vd_error *err)
{
	attach_ctx *c = ctx;
	const char *vp[] = {c->vm_id};
	PGresult *r = vd_db_run(db, VD_SQL_VM_FOR_REGISTER, vp, err);
	if (!r)
		return false;
	if (PQntuples(r) != 1) {
		PQclear(r);
		vd_error_set(err, VD_VM_NOT_FOUND, "vm %s not found", c->vm_id);
		vd_error_meta(err, "vm_id", c->vm_id);
		return false;
	}
	char *vm_name = vd_row_text(c->a, r, 0, 0);
	char host[VD_UUID_LEN + 1];
	vd_row_uuid(r, 0, 1, host);
	PQclear(r);

	char id[VD_UUID_LEN + 1];
	vd_store_new_id(id);
	const char *name = clip(c->a, vd_arena_printf(c->a, "%s (%s)", vm_name, base_name(c->path)), 255);
	const char *desc = strcmp(c->drive_id, "rootfs") == 0
				   ? vd_arena_printf(c->a, "Rootfs for VM: %s", vm_name)
				   : vd_arena_printf(c->a, "Drive %s for VM: %s", c->drive_id, vm_name);
	const char *size = vd_arena_printf(c->a, "%lld", (long long)c->size_bytes);
	const char *ip[] = {id, name, desc, c->path, size, vd_files_type_of(c->path), host};
	if (!(r = vd_db_run(db, VD_SQL_VOLUME_INSERT_IF_ABSENT, ip, err)))
		return false;
	bool inserted = PQntuples(r) == 1;
	PQclear(r);
	if (inserted) {
		c->volume_id = vd_arena_strdup(c->a, id);
	} else {
		/* Already registered: the unique path index finds it (O(1)). */
		const char *pp[] = {c->path};
		if (!(r = vd_db_run(db, VD_SQL_VOLUME_LOCK_BY_PATH, pp, err)))
			return false;
		if (PQntuples(r) != 1) {
			PQclear(r);
			return vd_db_retry(db); /* deleted since the insert looked */
		}
		char *existing = vd_arena_alloc(c->a, VD_UUID_LEN + 1);
		vd_row_uuid(r, 0, 0, existing);
		PQclear(r);
		c->volume_id = existing;
	}
	return attach_locked(db, c, err) && get_volume(db, c, err);
}

bool vd_store_register(vd_db *db, vd_arena *a, const char *vm_id, const char *path,
		       const char *drive_id, int64_t size_bytes, Volumed__V1__Volume **out,
		       vd_error *err)
{
	attach_ctx c = {.a = a, .vm_id = vm_id, .drive_id = drive_id, .path = path,
			.size_bytes = size_bytes};
	if (!vd_db_transact(db, register_tx, &c, err))
		return false;
	*out = c.vol;
	return true;
}

bool vd_store_attachment_list(vd_db *db, vd_arena *a, const char *volume_id, vd_page *page,
			      Volumed__V1__Attachment ***out, size_t *n, vd_error *err)
{
	const char *ts, *id, *limit;
	vd_store_page_params(a, page, &ts, &id, &limit);
	const char *p[] = {volume_id, ts, id, limit};
	PGresult *r = vd_db_run(db, VD_SQL_ATTACHMENT_LIST, p, err);
	if (!r)
		return err->reason != VD_OK ? false : vd_db_unexpected(db, err);
	*n = vd_store_page_finish(a, page, r, ATT_ATTACHED_AT, ATT_ID);
	*out = vd_arena_alloc(a, (*n ? *n : 1) * sizeof **out);
	for (size_t i = 0; i < *n; i++)
		(*out)[i] = vd_row_attachment(a, r, (int)i);
	PQclear(r);
	if (*n == 0 && !page->after) {
		/* An empty first page: tell "no attachments" from "no volume". */
		Volumed__V1__Volume *v;
		return vd_store_volume_get(db, a, volume_id, &v, err);
	}
	return true;
}
