/* row.h - decoding binary Postgres result rows into protobuf messages that
 * live in the call's arena. Column positions are the enums of sql.h. */
#ifndef VOLUMED_ROW_H
#define VOLUMED_ROW_H

#include <stdbool.h>
#include <stdint.h>

#include <libpq-fe.h>

#include "arena.h"
#include "sql.h"
#include "volumed/v1/host.pb-c.h"
#include "volumed/v1/vm.pb-c.h"
#include "volumed/v1/volume.pb-c.h"
#include "wire.h"

Volumed__V1__Volume *vd_row_volume(vd_arena *a, const PGresult *r, int row);
Volumed__V1__Attachment *vd_row_attachment(vd_arena *a, const PGresult *r, int row);
Volumed__V1__Host *vd_row_host(vd_arena *a, const PGresult *r, int row);
Volumed__V1__Vm *vd_row_vm(vd_arena *a, const PGresult *r, int row);

void vd_row_uuid(const PGresult *r, int row, int col, char out[VD_UUID_LEN + 1]);
char *vd_row_text(vd_arena *a, const PGresult *r, int row, int col);
bool vd_row_bool(const PGresult *r, int row, int col);
/* A timestamptz column as microseconds since the Unix epoch. */
int64_t vd_row_ts_us(const PGresult *r, int row, int col);

/* The wire names of statuses and types, and back. */
const char *vd_status_sql(Volumed__V1__VolumeStatus s); /* NULL if unspecified */
const char *vd_type_sql(Volumed__V1__VolumeType t);     /* NULL if unspecified */
Volumed__V1__VolumeType vd_type_from_sql(const char *s);

#endif
