/* store_host.c - hosts. */
#include "store_int.h"

#include <string.h>

static bool host_not_found(vd_error *err, const char *id)
{
	vd_error_set(err, VD_HOST_NOT_FOUND, "host %s not found", id);
	vd_error_meta(err, "host_id", id);
	return false;
}

bool vd_store_host_create(vd_db *db, vd_arena *a, const char *name, const char *address,
			  Volumed__V1__Host **out, vd_error *err)
{
	char id[VD_UUID_LEN + 1];
	vd_store_new_id(id);
	const char *p[] = {id, name, address};
	PGresult *r = vd_db_run(db, VD_SQL_HOST_INSERT, p, err);
	if (r) {
		*out = vd_row_host(a, r, 0);
		PQclear(r);
		return true;
	}
	if (err->reason != VD_OK)
		return false;
	if (strcmp(vd_db_constraint(db), VD_C_HOST_NAME) == 0) {
		vd_error_set(err, VD_DUPLICATE_NAME, "a host named %s already exists", name);
		vd_error_meta(err, "field", "name");
		return false;
	}
	return vd_db_unexpected(db, err);
}

bool vd_store_host_get(vd_db *db, vd_arena *a, const char *id, Volumed__V1__Host **out, vd_error *err)
{
	const char *p[] = {id};
	PGresult *r = vd_db_run(db, VD_SQL_HOST_GET, p, err);
	if (!r)
		return err->reason != VD_OK ? false : vd_db_unexpected(db, err);
	bool found = PQntuples(r) == 1;
	if (found)
		*out = vd_row_host(a, r, 0);
	PQclear(r);
	return found || host_not_found(err, id);
}

bool vd_store_host_list(vd_db *db, vd_arena *a, vd_page *page, Volumed__V1__Host ***out, size_t *n,
			vd_error *err)
{
	const char *ts, *id, *limit;
	vd_store_page_params(a, page, &ts, &id, &limit);
	const char *p[] = {ts, id, limit};
	PGresult *r = vd_db_run(db, VD_SQL_HOST_LIST, p, err);
	if (!r)
		return err->reason != VD_OK ? false : vd_db_unexpected(db, err);
	*n = vd_store_page_finish(a, page, r, HOST_CREATED_AT, HOST_ID);
	*out = vd_arena_alloc(a, (*n ? *n : 1) * sizeof **out);
	for (size_t i = 0; i < *n; i++)
		(*out)[i] = vd_row_host(a, r, (int)i);
	PQclear(r);
	return true;
}

bool vd_store_host_delete(vd_db *db, const char *id, vd_error *err)
{
	const char *p[] = {id};
	PGresult *r = vd_db_run(db, VD_SQL_HOST_DELETE, p, err);
	if (r) {
		bool found = PQntuples(r) == 1;
		PQclear(r);
		return found || host_not_found(err, id);
	}
	if (err->reason != VD_OK)
		return false;
	/* ON DELETE RESTRICT: the database refuses, we say why. */
	const char *c = vd_db_constraint(db);
	if (strcmp(c, VD_C_VM_HOST) == 0 || strcmp(c, VD_C_VOLUME_HOST) == 0) {
		vd_error_set(err, VD_HOST_IN_USE, "host %s still has %s; delete them first", id,
			     strcmp(c, VD_C_VM_HOST) == 0 ? "vms" : "volumes");
		vd_error_meta(err, "host_id", id);
		return false;
	}
	return vd_db_unexpected(db, err);
}
