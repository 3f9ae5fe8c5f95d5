/* store_volume.c - volumes: get, list, create, status, delete. */
#include "store_int.h"

#include <stdio.h>
#include <string.h>

bool vd_store_volume_get(vd_db *db, vd_arena *a, const char *id, Volumed__V1__Volume **out, vd_error *err)
{
	const char *p[] = {id};
	PGresult *r = vd_db_run(db, VD_SQL_VOLUME_GET, p, err);
	if (!r)
		return err->reason != VD_OK ? false : vd_db_unexpected(db, err);
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

/* '%' + name with LIKE's metacharacters escaped + '%'. Lower-casing is left
 * to Postgres (lower() on both sides), which knows Unicode. */
static char *like_pattern(vd_arena *a, const char *s)
{
	size_t len = strlen(s);
	char *p = vd_arena_alloc(a, 2 * len + 3), *o = p;
	*o++ = '%';
	for (; *s; s++) {
		if (*s == '%' || *s == '_' || *s == '\\')
			*o++ = '\\';
		*o++ = *s;
	}
	*o++ = '%';
	*o = '\0';
	return p;
}

bool vd_store_volume_list(vd_db *db, vd_arena *a, const vd_volume_filter *f, vd_page *page,
			  Volumed__V1__Volume ***out, size_t *n, vd_error *err)
{
	const char *ts, *id, *limit;
	vd_store_page_params(a, page, &ts, &id, &limit);
	const char *name = f->name ? like_pattern(a, f->name) : NULL;
	const char *p[] = {f->host_id, f->status, f->type, f->path, name, ts, id, limit};
	bool host_only = f->host_id && !f->status && !f->type && !f->path && !name;
	const char *by_host[] = {f->host_id, ts, id, limit};
	PGresult *r = host_only ? vd_db_run(db, VD_SQL_VOLUME_LIST_BY_HOST, by_host, err)
				: vd_db_run(db, VD_SQL_VOLUME_LIST, p, err);
	if (!r)
		return err->reason != VD_OK ? false : vd_db_unexpected(db, err);
	*n = vd_store_page_finish(a, page, r, VOL_CREATED_AT, VOL_ID);
	*out = vd_arena_alloc(a, (*n ? *n : 1) * sizeof **out);
	for (size_t i = 0; i < *n; i++)
		(*out)[i] = vd_row_volume(a, r, (int)i);
	PQclear(r);
	return true;
}

static void duplicate_path(vd_db *db, const char *path, vd_error *err)
{
	/* Name the holder of the path; if it vanished meanwhile, still refuse. */
	vd_error ignored = {0};
	const char *p[] = {path};
	PGresult *r = vd_db_run(db, VD_SQL_VOLUME_ID_BY_PATH, p, &ignored);
	char holder[VD_UUID_LEN + 1] = "";
	if (r && PQntuples(r) == 1)
		vd_row_uuid(r, 0, 0, holder);
	PQclear(r);
	if (holder[0]) {
		vd_error_set(err, VD_DUPLICATE_PATH, "path %s is already registered as volume %s", path, holder);
		vd_error_meta(err, "volume_id", holder);
	} else {
		vd_error_set(err, VD_DUPLICATE_PATH, "path %s is already registered", path);
	}
	vd_error_meta(err, "field", "path");
}

bool vd_store_volume_create(vd_db *db, vd_arena *a, const vd_volume_new *v, Volumed__V1__Volume **out,
			    vd_error *err)
{
	char made[VD_UUID_LEN + 1];
	const char *id = v->id;
	if (!id) {
		vd_store_new_id(made);
		id = made;
	}
	const char *size = vd_arena_printf(a, "%lld", (long long)v->size_bytes);
	const char *p[] = {id, v->name, v->description, v->path, size, v->type, v->host_id};
	PGresult *r = vd_db_run(db, VD_SQL_VOLUME_INSERT, p, err);
	if (r) {
		*out = vd_row_volume(a, r, 0);
		PQclear(r);
		return true;
	}
	if (err->reason != VD_OK)
		return false;
	const char *c = vd_db_constraint(db);
	if (strcmp(c, VD_C_VOLUME_PATH) == 0) {
		duplicate_path(db, v->path, err);
		return false;
	}
	if (strcmp(c, VD_C_VOLUME_HOST) == 0) {
		vd_error_set(err, VD_HOST_NOT_FOUND, "host %s not found", v->host_id);
		vd_error_meta(err, "host_id", v->host_id);
		return false;
	}
	return vd_db_unexpected(db, err);
}

static const char *status_word(Volumed__V1__VolumeStatus s)
{
	const char *w = vd_status_sql(s);
	return w ? w : "unspecified";
}

bool vd_store_volume_confirm_status(vd_db *db, vd_arena *a, const char *id,
				    Volumed__V1__VolumeStatus status, Volumed__V1__Volume **out,
				    vd_error *err)
{
	Volumed__V1__Volume *v;
	if (!vd_store_volume_get(db, a, id, &v, err))
		return false;
	if (v->status != status) {
		vd_error_set(err, VD_STATUS_CONFLICT,
			     "volume %s has %d attachment(s), so its status is %s, not %s", id,
			     v->attachment_count, status_word(v->status), status_word(status));
		vd_error_meta(err, "status", status_word(v->status));
		return false;
	}
	*out = v;
	return true;
}

/* The delete itself is the check (attachment_count = 0, re-evaluated on
 * the latest row version if an attach commits first), so there is no
 * window between looking and deleting. It runs as a transaction so that a
 * deadlock it is caught in while queued behind the volume's row lock (the
 * victim may be any waiter) is retried like any other, and so is a volume
 * detached between the delete and the look at its holder. */
static bool volume_delete_tx(vd_db *db, void *ctx, vd_error *err)
{
	const char *id = ctx, *p[] = {id};
	PGresult *r = vd_db_run(db, VD_SQL_VOLUME_DELETE, p, err);
	if (!r)
		return false;
	int deleted = PQntuples(r);
	PQclear(r);
	if (deleted)
		return true;
	if (!(r = vd_db_run(db, VD_SQL_VOLUME_HOLDER, p, err)))
		return false;
	char holder[VD_UUID_LEN + 1] = "";
	bool exists = PQntuples(r) == 1;
	if (exists)
		vd_row_uuid(r, 0, 1, holder);
	PQclear(r);
	if (!exists) {
		vd_error_set(err, VD_VOLUME_NOT_FOUND, "volume %s not found", id);
		vd_error_meta(err, "volume_id", id);
		return false;
	}
	if (holder[0]) {
		vd_error_set(err, VD_VOLUME_ATTACHED, "volume %s is attached to vm %s; detach it first", id, holder);
		vd_error_meta(err, "vm_id", holder);
		return false;
	}
	return vd_db_retry(db); /* detached meanwhile: delete again */
}

bool vd_store_volume_delete(vd_db *db, const char *id, vd_error *err)
{
	return vd_db_transact(db, volume_delete_tx, (void *)id, err);
}
