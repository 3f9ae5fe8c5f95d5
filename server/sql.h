/* sql.h - every statement volumed sends to Postgres, by name. The text of
 * each lives in sql.c; all are prepared once per connection and run with
 * parameters, never built from request data. */
#ifndef VOLUMED_SQL_H
#define VOLUMED_SQL_H

#include <stdbool.h>

typedef enum vd_sql {
	VD_SQL_BEGIN,
	VD_SQL_COMMIT,
	VD_SQL_ROLLBACK,
	VD_SQL_PING,

	VD_SQL_VOLUME_GET,
	VD_SQL_VOLUME_LIST,
	VD_SQL_VOLUME_LIST_BY_HOST,
	VD_SQL_VOLUME_INSERT,
	VD_SQL_VOLUME_INSERT_IF_ABSENT,
	VD_SQL_VOLUME_ID_BY_PATH,
	VD_SQL_VOLUME_LOCK,
	VD_SQL_VOLUME_LOCK_BY_PATH,
	VD_SQL_VOLUME_DELETE,
	VD_SQL_VOLUME_HOLDER,
	VD_SQL_VOLUME_LOCK_ROW,
	VD_SQL_VOLUME_SHARE_ROW,
	VD_SQL_VOLUME_SET_SIZE,
	VD_SQL_VOLUME_DELETE_LOCKED,
	VD_SQL_VOLUME_SCAN_UPDATE,
	VD_SQL_VOLUME_PATHS_UNKNOWN,
	VD_SQL_VOLUME_GET_MANY,

	VD_SQL_ATTACH_CONFLICTS,
	VD_SQL_ATTACHMENT_INSERT,
	VD_SQL_ATTACHMENT_DELETE,
	VD_SQL_ATTACHMENT_LIST,

	VD_SQL_HOST_INSERT,
	VD_SQL_HOST_GET,
	VD_SQL_HOST_LIST,
	VD_SQL_HOST_DELETE,
	VD_SQL_HOST_ENSURE,

	VD_SQL_VM_INSERT,
	VD_SQL_VM_GET,
	VD_SQL_VM_LIST,
	VD_SQL_VM_FOR_REGISTER,
	VD_SQL_VM_LOCK_VOLUMES,
	VD_SQL_VM_DELETE,
	VD_SQL_VM_INSERT_NEW,

	VD_SQL_COUNT
} vd_sql;

typedef struct vd_sql_def {
	const char *name; /* prepared statement name */
	const char *text;
	int nparams;
	/* Planned anew for each call's parameters instead of prepared once.
	 * For lists with optional filters: a prepared statement soon runs a
	 * generic plan, which cannot see which filters are NULL, guesses that
	 * they all filter hard, and sorts the whole match instead of walking an
	 * index in page order (measured: 77 ms instead of 0.04 ms for a page
	 * by status out of 200k volumes). A per-call plan folds the NULL
	 * filters away and picks the index. */
	bool replan;
} vd_sql_def;

extern const vd_sql_def vd_sql_defs[VD_SQL_COUNT];

/* Column positions of the row shapes the statements return. */
enum { VOL_ID, VOL_NAME, VOL_DESCRIPTION, VOL_PATH, VOL_SIZE, VOL_TYPE, VOL_STATUS,
       VOL_HOST_ID, VOL_CREATED_AT, VOL_UPDATED_AT, VOL_ATTACHMENT_COUNT, VOL_LAST_SEEN_AT,
       VOL_MISSING, VOL_NCOLS };
enum { ATT_ID, ATT_VOLUME_ID, ATT_VM_ID, ATT_DRIVE_ID, ATT_READ_ONLY, ATT_ATTACHED_AT, ATT_NCOLS };
enum { HOST_ID, HOST_NAME, HOST_ADDRESS, HOST_CREATED_AT, HOST_NCOLS };
enum { VM_ID, VM_NAME, VM_HOST_ID, VM_CREATED_AT, VM_ROOTFS_VOLUME_ID, VM_NCOLS };

/* Constraint names the store turns into reasons (see the migrations). */
#define VD_C_VOLUME_PATH "volume_path_key"
#define VD_C_VOLUME_HOST "volume_host_fkey"
#define VD_C_HOST_NAME "host_name_key"
#define VD_C_VM_HOST "vm_host_fkey"
#define VD_C_ATT_VOLUME "volume_attachment_volume_fkey"
#define VD_C_ATT_VM "volume_attachment_vm_fkey"
#define VD_C_ATT_VOLUME_VM "volume_attachment_volume_vm_key"
#define VD_C_ATT_VM_DRIVE "volume_attachment_vm_drive_key"
#define VD_C_ATT_MODE "volume_attachment_mode_excl"
#define VD_C_ATT_WRITER "volume_attachment_writer_key"

#endif
