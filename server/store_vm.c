/* store_vm.c - VMs, including the deletion that detaches everything. */
#include "store_int.h"

#include <string.h>

static bool vm_not_found(vd_error *err, const char *id)
{
	vd_error_set(err, VD_VM_NOT_FOUND, "vm %s not found", id);
	vd_error_meta(err, "vm_id", id);
	return false;
}

bool vd_store_vm_get(vd_db *db, vd_arena *a, const char *id, Volumed__V1__Vm **out, vd_error *err)
{
	const char *p[] = {id};
	PGresult *r = vd_db_run(db, VD_SQL_VM_GET, p, err);
	if (!r)
		return err->reason != VD_OK ? false : vd_db_unexpected(db, err);
	bool found = PQntuples(r) == 1;
	if (found)
		*out = vd_row_vm(a, r, 0);
	PQclear(r);
	return found || vm_not_found(err, id);
}

bool vd_store_vm_create(vd_db *db, vd_arena *a, const char *id, const char *name, const char *host_id,
			Volumed__V1__Vm **out, vd_error *err)
{
	char made[VD_UUID_LEN + 1];
	if (!*id) {
		vd_store_new_id(made);
		id = made;
	}
	const char *p[] = {id, name, host_id};
	/* Insert, or else find the VM that has the id: the same request again
	 * is a retry and gets the VM it made; anything else is a clash. A VM
	 * deleted between the two statements has freed the id, so insert
	 * again (a few times: ids do not churn for ever). */
	for (int attempt = 0; attempt < 3; attempt++) {
		PGresult *r = vd_db_run(db, VD_SQL_VM_INSERT, p, err);
		if (!r) {
			if (err->reason != VD_OK)
				return false;
			if (strcmp(vd_db_constraint(db), VD_C_VM_HOST) == 0) {
				vd_error_set(err, VD_HOST_NOT_FOUND, "host %s not found", host_id);
				vd_error_meta(err, "host_id", host_id);
				return false;
			}
			return vd_db_unexpected(db, err);
		}
		bool inserted = PQntuples(r) == 1;
		if (inserted)
			*out = vd_row_vm(a, r, 0);
		PQclear(r);
		if (inserted)
			return true;

		Volumed__V1__Vm *old;
		if (vd_store_vm_get(db, a, id, &old, err)) {
			if (strcmp(old->name, name) == 0 && strcmp(old->host_id, host_id) == 0) {
				*out = old;
				return true;
			}
			vd_error_set(err, VD_DUPLICATE_ID, "vm id %s is already taken by vm \"%s\" on host %s", id,
				     old->name, old->host_id);
			vd_error_meta(err, "field", "id");
			return false;
		}
		if (err->reason != VD_VM_NOT_FOUND)
			return false;
		vd_error_clear(err); /* deleted in between: the id is free again */
	}
	return vd_error_set(err, VD_DUPLICATE_ID, "vm id %s keeps being taken and freed, try again", id);
}

bool vd_store_vm_list(vd_db *db, vd_arena *a, const char *host_id, vd_page *page, Volumed__V1__Vm ***out,
		      size_t *n, vd_error *err)
{
	const char *ts, *id, *limit;
	vd_store_page_params(a, page, &ts, &id, &limit);
	const char *p[] = {host_id, ts, id, limit};
	PGresult *r = vd_db_run(db, VD_SQL_VM_LIST, p, err);
	if (!r)
		return err->reason != VD_OK ? false : vd_db_unexpected(db, err);
	*n = vd_store_page_finish(a, page, r, VM_CREATED_AT, VM_ID);
	*out = vd_arena_alloc(a, (*n ? *n : 1) * sizeof **out);
	for (size_t i = 0; i < *n; i++)
		(*out)[i] = vd_row_vm(a, r, (int)i);
	PQclear(r);
	return true;
}

static bool vm_delete_tx(vd_db *db, void *ctx, vd_error *err)
{
	const char *p[] = {ctx};
	/* Volumes first, in id order (see store_attach.c on locking order). */
	PGresult *r = vd_db_run(db, VD_SQL_VM_LOCK_VOLUMES, p, err);
	if (!r)
		return false;
	PQclear(r);
	/* The cascade removes the attachments; the count trigger recomputes
	 * each volume's status in this same transaction. */
	if (!(r = vd_db_run(db, VD_SQL_VM_DELETE, p, err)))
		return false;
	bool found = PQntuples(r) == 1;
	PQclear(r);
	return found || vm_not_found(err, ctx);
}

bool vd_store_vm_delete(vd_db *db, const char *id, vd_error *err)
{
	return vd_db_transact(db, vm_delete_tx, (void *)id, err);
}
