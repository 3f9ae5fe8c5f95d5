/* sql.c - the SQL of volumed, in one place.
 *
 * Results come back in binary (see row.c for decoding); parameters go in
 * as text. Keyset paging compares (created_at, id) with the last row seen;
 * the first page passes ('-infinity', the nil UUID), so every list has one
 * shape whatever the page. */
#include "sql.h"

#define VOLUME_COLS                                                            \
	"id, name, description, path, size_bytes, type, status, host_id, "     \
	"created_at, updated_at, attachment_count, last_seen_at, missing"
#define ATTACHMENT_COLS "id, volume_id, vm_id, drive_id, read_only, attached_at"
#define HOST_COLS "id, name, address, created_at"
/* The rootfs volume comes from the (vm_id, drive_id) unique index. */
#define VM_COLS                                                                \
	"id, name, host_id, created_at, (SELECT a.volume_id FROM volume_attachment a" \
	" WHERE a.vm_id = vm.id AND a.drive_id = 'rootfs')"

/* ListVolumes parameters: $1 host_id, $2 status, $3 type, $4 path,
 * $5 LIKE pattern for the name, $6/$7 keyset position, $8 limit. A NULL
 * filter means "any"; the statement is planned per call (replan), so the
 * NULL ones vanish from the plan and the best index drives the page. */
#define VOLUME_LIST                                                            \
	"SELECT " VOLUME_COLS " FROM volume"                                   \
	" WHERE ($1::uuid IS NULL OR host_id = $1::uuid)"                      \
	" AND ($2::text IS NULL OR status = $2::text)"                         \
	" AND ($3::text IS NULL OR type = $3::text)"                           \
	" AND ($4::text IS NULL OR path = $4::text)"                           \
	" AND ($5::text IS NULL OR lower(name) LIKE lower($5::text))"          \
	" AND (created_at, id) > ($6::timestamptz, $7::uuid)"                  \
	" ORDER BY created_at, id LIMIT $8::int"

#define S(id, txt, n) [id] = {#id, txt, n, false}
#define REPLAN(id, txt, n) [id] = {#id, txt, n, true}

const vd_sql_def vd_sql_defs[VD_SQL_COUNT] = {
	S(VD_SQL_BEGIN, "BEGIN", 0),
	S(VD_SQL_COMMIT, "COMMIT", 0),
	S(VD_SQL_ROLLBACK, "ROLLBACK", 0),
	S(VD_SQL_PING, "SELECT 1", 0),

	S(VD_SQL_VOLUME_GET, "SELECT " VOLUME_COLS " FROM volume WHERE id = $1", 1),
	REPLAN(VD_SQL_VOLUME_LIST, VOLUME_LIST, 8),
	/* The most common page, by host alone, needs no per-call plan: its
	 * generic plan walks volume_host_page_idx in page order. Planning the
	 * general statement cost 0.2-0.5 ms per page on 1M volumes (measured by
	 * bench/), as much as running it. */
	S(VD_SQL_VOLUME_LIST_BY_HOST,
	  "SELECT " VOLUME_COLS " FROM volume WHERE host_id = $1::uuid"
	  " AND (created_at, id) > ($2::timestamptz, $3::uuid)"
	  " ORDER BY created_at, id LIMIT $4::int", 4),
	S(VD_SQL_VOLUME_INSERT,
	  "INSERT INTO volume (id, name, description, path, size_bytes, type, host_id)"
	  " VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING " VOLUME_COLS, 7),
	/* Auto-registration: the unique index on path is the lookup, so the
	 * cost does not grow with the number of volumes on a host. */
	S(VD_SQL_VOLUME_INSERT_IF_ABSENT,
	  "INSERT INTO volume (id, name, description, path, size_bytes, type, host_id)"
	  " VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (path) DO NOTHING"
	  " RETURNING " VOLUME_COLS, 7),
	S(VD_SQL_VOLUME_ID_BY_PATH, "SELECT id FROM volume WHERE path = $1", 1),
	/* Taken first by every attachment change: the volume's row lock
	 * serialises them, and the statements after it in the transaction see
	 * every attachment committed before the lock was granted. */
	S(VD_SQL_VOLUME_LOCK,
	  "SELECT id, EXISTS (SELECT 1 FROM vm WHERE vm.id = $2) FROM volume"
	  " WHERE id = $1 FOR UPDATE", 2),
	S(VD_SQL_VOLUME_LOCK_BY_PATH,
	  "SELECT id FROM volume WHERE path = $1 FOR UPDATE", 1),
	S(VD_SQL_VOLUME_DELETE,
	  "DELETE FROM volume WHERE id = $1 AND attachment_count = 0 RETURNING id", 1),
	/* Who holds a volume that could not be deleted (no row: it is gone). */
	S(VD_SQL_VOLUME_HOLDER,
	  "SELECT v.id, a.vm_id FROM volume v LEFT JOIN LATERAL"
	  " (SELECT vm_id FROM volume_attachment WHERE volume_id = v.id"
	  "  ORDER BY attached_at, id LIMIT 1) a ON true WHERE v.id = $1", 1),

	/* Everything an attach of volume $1 to vm $2 at drive $3 can collide
	 * with: the volume's own attachments and whatever holds the drive. */
	/* File operations hold the volume's row while they work on its file:
	 * FOR UPDATE (resize, delete) keeps attaches out; FOR SHARE (clone)
	 * keeps attaches out but lets other clones of it run. */
	S(VD_SQL_VOLUME_LOCK_ROW, "SELECT " VOLUME_COLS " FROM volume WHERE id = $1 FOR UPDATE", 1),
	S(VD_SQL_VOLUME_SHARE_ROW, "SELECT " VOLUME_COLS " FROM volume WHERE id = $1 FOR SHARE", 1),
	S(VD_SQL_VOLUME_SET_SIZE,
	  "UPDATE volume SET size_bytes = $2, updated_at = now(), last_seen_at = now(), missing = false"
	  " WHERE id = $1 RETURNING " VOLUME_COLS, 2),
	S(VD_SQL_VOLUME_DELETE_LOCKED, "DELETE FROM volume WHERE id = $1 AND attachment_count = 0 RETURNING id", 1),
	/* A scan's findings for a page of volumes: $1 ids, $2 sizes on disk
	 * (-1: file missing). Found files refresh size and last_seen_at. */
	S(VD_SQL_VOLUME_SCAN_UPDATE,
	  "UPDATE volume v SET"
	  " size_bytes = CASE WHEN u.size >= 0 THEN u.size ELSE v.size_bytes END,"
	  " updated_at = CASE WHEN u.size >= 0 AND u.size <> v.size_bytes THEN now() ELSE v.updated_at END,"
	  " last_seen_at = CASE WHEN u.size >= 0 THEN now() ELSE v.last_seen_at END,"
	  " missing = u.size < 0"
	  " FROM unnest($1::uuid[], $2::bigint[]) AS u(id, size) WHERE v.id = u.id", 2),
	/* Which of these paths ($1, a text[]) no volume names, in their order:
	 * one probe of the path index each. */
	S(VD_SQL_VOLUME_PATHS_UNKNOWN,
	  "SELECT u.p FROM unnest($1::text[]) WITH ORDINALITY AS u(p, n)"
	  " WHERE NOT EXISTS (SELECT 1 FROM volume WHERE path = u.p) ORDER BY u.n", 1),
	/* The volumes a scan reports, in one statement ($1, a uuid[]). */
	S(VD_SQL_VOLUME_GET_MANY,
	  "SELECT " VOLUME_COLS " FROM volume WHERE id = ANY($1::uuid[]) ORDER BY created_at, id", 1),

	S(VD_SQL_ATTACH_CONFLICTS,
	  "SELECT " ATTACHMENT_COLS " FROM volume_attachment"
	  " WHERE volume_id = $1 OR (vm_id = $2 AND drive_id = $3)"
	  " ORDER BY attached_at, id", 3),
	S(VD_SQL_ATTACHMENT_INSERT,
	  "INSERT INTO volume_attachment (id, volume_id, vm_id, drive_id, read_only)"
	  " VALUES ($1, $2, $3, $4, $5) RETURNING " ATTACHMENT_COLS, 5),
	S(VD_SQL_ATTACHMENT_DELETE,
	  "DELETE FROM volume_attachment WHERE volume_id = $1 AND vm_id = $2 RETURNING id", 2),
	S(VD_SQL_ATTACHMENT_LIST,
	  "SELECT " ATTACHMENT_COLS " FROM volume_attachment WHERE volume_id = $1"
	  " AND (attached_at, id) > ($2::timestamptz, $3::uuid)"
	  " ORDER BY attached_at, id LIMIT $4::int", 4),

	S(VD_SQL_HOST_INSERT,
	  "INSERT INTO host (id, name, address) VALUES ($1, $2, $3) RETURNING " HOST_COLS, 3),
	S(VD_SQL_HOST_GET, "SELECT " HOST_COLS " FROM host WHERE id = $1", 1),
	S(VD_SQL_HOST_LIST,
	  "SELECT " HOST_COLS " FROM host WHERE (created_at, id) > ($1::timestamptz, $2::uuid)"
	  " ORDER BY created_at, id LIMIT $3::int", 3),
	S(VD_SQL_HOST_DELETE, "DELETE FROM host WHERE id = $1 RETURNING id", 1),
	/* A volumed with --host-name finds or creates its own host row. */
	S(VD_SQL_HOST_ENSURE,
	  "INSERT INTO host (id, name, address) VALUES ($1, $2, $3)"
	  " ON CONFLICT (name) DO UPDATE SET address = CASE WHEN EXCLUDED.address = ''"
	  " THEN host.address ELSE EXCLUDED.address END RETURNING " HOST_COLS, 3),

	/* A repeated CreateVm with a caller-chosen id inserts nothing; the
	 * store then compares the existing row with the request. */
	S(VD_SQL_VM_INSERT,
	  "INSERT INTO vm (id, name, host_id) VALUES ($1, $2, $3)"
	  " ON CONFLICT (id) DO NOTHING RETURNING " VM_COLS, 3),
	S(VD_SQL_VM_GET, "SELECT " VM_COLS " FROM vm WHERE id = $1", 1),
	REPLAN(VD_SQL_VM_LIST,
	  "SELECT " VM_COLS " FROM vm WHERE ($1::uuid IS NULL OR host_id = $1::uuid)"
	  " AND (created_at, id) > ($2::timestamptz, $3::uuid)"
	  " ORDER BY created_at, id LIMIT $4::int", 4),
	/* No lock here: a registration takes the volume's row lock first and
	 * the VM's (KEY SHARE, through the attachment's foreign key) second,
	 * in the order every writer uses (store_attach.c). A VM deleted in
	 * between fails that foreign key: VM_NOT_FOUND, and nothing stays. */
	S(VD_SQL_VM_FOR_REGISTER,
	  "SELECT name, host_id FROM vm WHERE id = $1", 1),
	/* DeleteVm locks the volumes it will detach in id order before the
	 * cascade touches them, so concurrent deletions do not deadlock and
	 * attaches (which lock the volume first too) queue behind it. */
	S(VD_SQL_VM_LOCK_VOLUMES,
	  "SELECT id FROM volume WHERE id IN"
	  " (SELECT volume_id FROM volume_attachment WHERE vm_id = $1)"
	  " ORDER BY id FOR UPDATE", 1),
	S(VD_SQL_VM_DELETE, "DELETE FROM vm WHERE id = $1 RETURNING id", 1),
	/* A provisioned VM is new or nothing: its id must not exist yet. */
	S(VD_SQL_VM_INSERT_NEW,
	  "INSERT INTO vm (id, name, host_id) VALUES ($1, $2, $3) RETURNING " VM_COLS, 3),
};
