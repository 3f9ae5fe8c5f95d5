/* store.h - the registry's operations on Postgres, one per RPC.
 *
 * Each is one statement or one transaction (vd_db_transact), so a failure
 * at any point writes nothing. Inputs are already validated (check.h) and in
 * canonical form; results are allocated in the arena. Each returns true, or
 * false with err set to a reason from wire.h. Where an attach is decided:
 * store_attach.c. */
#ifndef VOLUMED_STORE_H
#define VOLUMED_STORE_H

#include <stdbool.h>
#include <stdint.h>

#include "arena.h"
#include "db.h"
#include "files.h"
#include "volumed/v1/image.pb-c.h"
#include "token.h"
#include "volumed/v1/host.pb-c.h"
#include "volumed/v1/vm.pb-c.h"
#include "volumed/v1/volume.pb-c.h"
#include "wire.h"

/* One page of a list: at most limit rows after the position in after (NULL
 * for the first page). next_token receives the token of the following page,
 * "" on the last one; scope fingerprints the list and its filters. */
typedef struct vd_page {
	int limit;
	const vd_token *after;
	uint64_t scope;
	char *next_token;
} vd_page;

/* ListVolumes filters; NULL means "any". */
typedef struct vd_volume_filter {
	const char *host_id;
	const char *status; /* "available", "attached", "in-use" */
	const char *type;   /* "ext4", "qcow2", "raw" */
	const char *path;   /* normalised */
	const char *name;   /* case-insensitive substring */
} vd_volume_filter;

/* What this volumed serves files for: its own host (only with --host-name)
 * and the roots on that host. */
typedef struct vd_local {
	bool has_host;
	char host_id[VD_UUID_LEN + 1];
	const char *host_name;
	vd_roots roots;
} vd_local;

typedef struct vd_volume_new {
	const char *id; /* NULL: made up */
	const char *name;
	const char *description; /* NULL when unset */
	const char *path;
	int64_t size_bytes;
	const char *type;
	const char *host_id;
} vd_volume_new;

/* A fresh random (v4) UUID, for a new row. */
void vd_store_new_id(char out[VD_UUID_LEN + 1]);

bool vd_store_volume_get(vd_db *db, vd_arena *a, const char *id, Volumed__V1__Volume **out, vd_error *err);
bool vd_store_volume_list(vd_db *db, vd_arena *a, const vd_volume_filter *f, vd_page *page,
			  Volumed__V1__Volume ***out, size_t *n, vd_error *err);
bool vd_store_volume_create(vd_db *db, vd_arena *a, const vd_volume_new *v, Volumed__V1__Volume **out,
			    vd_error *err);
/* UpdateVolumeStatus: status is derived from the attachments, so this
 * confirms a status that agrees with them and refuses one that does not. */
bool vd_store_volume_confirm_status(vd_db *db, vd_arena *a, const char *id,
				    Volumed__V1__VolumeStatus status, Volumed__V1__Volume **out,
				    vd_error *err);
/* Refused with VOLUME_ATTACHED while attached. Never touches the file. */
bool vd_store_volume_delete(vd_db *db, const char *id, vd_error *err);

bool vd_store_attach(vd_db *db, vd_arena *a, const char *volume_id, const char *vm_id,
		     const char *drive_id, bool read_only, Volumed__V1__Attachment **out, vd_error *err);
/* Returns the volume as it is after the detach. */
bool vd_store_detach(vd_db *db, vd_arena *a, const char *volume_id, const char *vm_id,
		     Volumed__V1__Volume **out, vd_error *err);
bool vd_store_attachment_list(vd_db *db, vd_arena *a, const char *volume_id, vd_page *page,
			      Volumed__V1__Attachment ***out, size_t *n, vd_error *err);
/* Auto-registration of the file at path (size_bytes as seen by the caller,
 * 0 when unknown) attached read-write to vm_id at drive_id. */
bool vd_store_register(vd_db *db, vd_arena *a, const char *vm_id, const char *path,
		       const char *drive_id, int64_t size_bytes, Volumed__V1__Volume **out,
		       vd_error *err);

bool vd_store_host_create(vd_db *db, vd_arena *a, const char *name, const char *address,
			  Volumed__V1__Host **out, vd_error *err);
bool vd_store_host_get(vd_db *db, vd_arena *a, const char *id, Volumed__V1__Host **out, vd_error *err);
bool vd_store_host_list(vd_db *db, vd_arena *a, vd_page *page, Volumed__V1__Host ***out, size_t *n,
			vd_error *err);
bool vd_store_host_delete(vd_db *db, const char *id, vd_error *err);

/* id may be "" to have one made. */
bool vd_store_vm_create(vd_db *db, vd_arena *a, const char *id, const char *name, const char *host_id,
			Volumed__V1__Vm **out, vd_error *err);
bool vd_store_vm_get(vd_db *db, vd_arena *a, const char *id, Volumed__V1__Vm **out, vd_error *err);
/* host_id NULL for every host. */
bool vd_store_vm_list(vd_db *db, vd_arena *a, const char *host_id, vd_page *page, Volumed__V1__Vm ***out,
		      size_t *n, vd_error *err);
/* Deletes the VM and, in the same transaction, its attachments; every
 * volume it held gets its status recomputed. */
bool vd_store_vm_delete(vd_db *db, const char *id, vd_error *err);

/* --- Operations on files (store_files.c). Each is refused with WRONG_HOST,
 * naming the host that can serve it, unless the file is on local's host. */

/* A volumed started with --host-name finds or creates its host row. */
bool vd_store_host_ensure(vd_db *db, vd_arena *a, const char *name, const char *address,
			  Volumed__V1__Host **out, vd_error *err);
/* CreateVolume with provision: the file first, then the registry. */
bool vd_store_volume_provision(vd_db *db, vd_arena *a, const vd_local *l, const vd_volume_new *v,
			       const vd_place *place, Volumed__V1__Volume **out, vd_error *err);
bool vd_store_volume_resize(vd_db *db, vd_arena *a, const vd_local *l, const char *id, int64_t size,
			    Volumed__V1__Volume **out, vd_error *err);
/* path NULL: made up under the volume root. */
bool vd_store_volume_clone(vd_db *db, vd_arena *a, const vd_local *l, const char *id, const char *name,
			   const char *description, const char *path, Volumed__V1__Volume **out, vd_error *err);
/* DeleteVolume with delete_file. */
bool vd_store_volume_delete_file(vd_db *db, vd_arena *a, const vd_local *l, const char *id, vd_error *err);
/* CreateVm with rootfs_image_id: copy, register, attach at rootfs. */
bool vd_store_vm_provision(vd_db *db, vd_arena *a, const vd_local *l, const char *id, const char *name,
			   const Volumed__V1__Image *image, Volumed__V1__VmKind kind, Volumed__V1__Vm **out,
			   vd_error *err);
bool vd_store_host_scan(vd_db *db, vd_arena *a, const vd_local *l, const char *id, bool register_new,
			Volumed__V1__ScanHostResponse *out, vd_error *err);

#endif
