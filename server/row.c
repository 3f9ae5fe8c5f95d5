/* row.c - binary result decoding. Binary timestamps count microseconds from
 * 2000-01-01; uuids are 16 raw bytes; integers are big-endian. */
#include "row.h"

#include <string.h>

#include "google/protobuf/timestamp.pb-c.h"

#define PG_EPOCH_US 946684800000000LL

static uint64_t be(const unsigned char *p, int n)
{
	uint64_t v = 0;
	for (int i = 0; i < n; i++)
		v = v << 8 | p[i];
	return v;
}

void vd_row_uuid(const PGresult *r, int row, int col, char out[VD_UUID_LEN + 1])
{
	if (PQgetisnull(r, row, col) || PQgetlength(r, row, col) != 16) {
		out[0] = '\0';
		return;
	}
	vd_uuid_format((const uint8_t *)PQgetvalue(r, row, col), out);
}

static char *uuid_dup(vd_arena *a, const PGresult *r, int row, int col)
{
	char *s = vd_arena_alloc(a, VD_UUID_LEN + 1);
	vd_row_uuid(r, row, col, s);
	return s;
}

char *vd_row_text(vd_arena *a, const PGresult *r, int row, int col)
{
	if (PQgetisnull(r, row, col))
		return vd_arena_strdup(a, "");
	return vd_arena_strndup(a, PQgetvalue(r, row, col), (size_t)PQgetlength(r, row, col));
}

bool vd_row_bool(const PGresult *r, int row, int col)
{
	return !PQgetisnull(r, row, col) && PQgetvalue(r, row, col)[0] != 0;
}

static int64_t row_int(const PGresult *r, int row, int col)
{
	int len = PQgetlength(r, row, col);
	const unsigned char *p = (const unsigned char *)PQgetvalue(r, row, col);
	if (PQgetisnull(r, row, col))
		return 0;
	if (len == 8)
		return (int64_t)be(p, 8);
	if (len == 4)
		return (int32_t)(uint32_t)be(p, 4);
	if (len == 2)
		return (int16_t)(uint16_t)be(p, 2);
	return 0;
}

int64_t vd_row_ts_us(const PGresult *r, int row, int col)
{
	return row_int(r, row, col) + PG_EPOCH_US;
}

static Google__Protobuf__Timestamp *ts(vd_arena *a, const PGresult *r, int row, int col)
{
	Google__Protobuf__Timestamp *t = vd_arena_alloc(a, sizeof *t);
	google__protobuf__timestamp__init(t);
	int64_t us = vd_row_ts_us(r, row, col);
	int64_t sec = us / 1000000, rem = us % 1000000;
	if (rem < 0)
		rem += 1000000, sec--;
	t->seconds = sec;
	t->nanos = (int32_t)(rem * 1000);
	return t;
}

static const char *const status_names[] = {
	[VOLUMED__V1__VOLUME_STATUS__VOLUME_STATUS_AVAILABLE] = "available",
	[VOLUMED__V1__VOLUME_STATUS__VOLUME_STATUS_ATTACHED] = "attached",
	[VOLUMED__V1__VOLUME_STATUS__VOLUME_STATUS_IN_USE] = "in-use",
};
static const char *const type_names[] = {
	[VOLUMED__V1__VOLUME_TYPE__VOLUME_TYPE_EXT4] = "ext4",
	[VOLUMED__V1__VOLUME_TYPE__VOLUME_TYPE_QCOW2] = "qcow2",
	[VOLUMED__V1__VOLUME_TYPE__VOLUME_TYPE_RAW] = "raw",
};

const char *vd_status_sql(Volumed__V1__VolumeStatus s)
{
	return (unsigned)s < 4 && s ? status_names[s] : NULL;
}

const char *vd_type_sql(Volumed__V1__VolumeType t)
{
	return (unsigned)t < 4 && t ? type_names[t] : NULL;
}

Volumed__V1__VolumeType vd_type_from_sql(const char *s)
{
	for (int i = 1; i < 4; i++)
		if (strcmp(s, type_names[i]) == 0)
			return (Volumed__V1__VolumeType)i;
	return VOLUMED__V1__VOLUME_TYPE__VOLUME_TYPE_UNSPECIFIED;
}

static Volumed__V1__VolumeStatus status_from_sql(const char *s)
{
	for (int i = 1; i < 4; i++)
		if (strcmp(s, status_names[i]) == 0)
			return (Volumed__V1__VolumeStatus)i;
	return VOLUMED__V1__VOLUME_STATUS__VOLUME_STATUS_UNSPECIFIED;
}

Volumed__V1__Volume *vd_row_volume(vd_arena *a, const PGresult *r, int row)
{
	Volumed__V1__Volume *v = vd_arena_alloc(a, sizeof *v);
	volumed__v1__volume__init(v);
	v->id = uuid_dup(a, r, row, VOL_ID);
	v->name = vd_row_text(a, r, row, VOL_NAME);
	v->description = vd_row_text(a, r, row, VOL_DESCRIPTION);
	v->path = vd_row_text(a, r, row, VOL_PATH);
	v->size_bytes = row_int(r, row, VOL_SIZE);
	v->type = vd_type_from_sql(PQgetvalue(r, row, VOL_TYPE));
	v->status = status_from_sql(PQgetvalue(r, row, VOL_STATUS));
	v->host_id = uuid_dup(a, r, row, VOL_HOST_ID);
	v->created_at = ts(a, r, row, VOL_CREATED_AT);
	v->updated_at = ts(a, r, row, VOL_UPDATED_AT);
	v->attachment_count = (int32_t)row_int(r, row, VOL_ATTACHMENT_COUNT);
	v->last_seen_at = PQgetisnull(r, row, VOL_LAST_SEEN_AT) ? NULL : ts(a, r, row, VOL_LAST_SEEN_AT);
	v->missing = vd_row_bool(r, row, VOL_MISSING);
	return v;
}

Volumed__V1__Attachment *vd_row_attachment(vd_arena *a, const PGresult *r, int row)
{
	Volumed__V1__Attachment *t = vd_arena_alloc(a, sizeof *t);
	volumed__v1__attachment__init(t);
	t->id = uuid_dup(a, r, row, ATT_ID);
	t->volume_id = uuid_dup(a, r, row, ATT_VOLUME_ID);
	t->vm_id = uuid_dup(a, r, row, ATT_VM_ID);
	t->drive_id = vd_row_text(a, r, row, ATT_DRIVE_ID);
	t->read_only = vd_row_bool(r, row, ATT_READ_ONLY);
	t->attached_at = ts(a, r, row, ATT_ATTACHED_AT);
	return t;
}

Volumed__V1__Host *vd_row_host(vd_arena *a, const PGresult *r, int row)
{
	Volumed__V1__Host *h = vd_arena_alloc(a, sizeof *h);
	volumed__v1__host__init(h);
	h->id = uuid_dup(a, r, row, HOST_ID);
	h->name = vd_row_text(a, r, row, HOST_NAME);
	h->address = vd_row_text(a, r, row, HOST_ADDRESS);
	h->created_at = ts(a, r, row, HOST_CREATED_AT);
	return h;
}

Volumed__V1__Vm *vd_row_vm(vd_arena *a, const PGresult *r, int row)
{
	Volumed__V1__Vm *m = vd_arena_alloc(a, sizeof *m);
	volumed__v1__vm__init(m);
	m->id = uuid_dup(a, r, row, VM_ID);
	m->name = vd_row_text(a, r, row, VM_NAME);
	m->host_id = uuid_dup(a, r, row, VM_HOST_ID);
	m->created_at = ts(a, r, row, VM_CREATED_AT);
	m->rootfs_volume_id = uuid_dup(a, r, row, VM_ROOTFS_VOLUME_ID);
	return m;
}
