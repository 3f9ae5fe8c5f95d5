/* store_int.h - internals shared by the store_*.c files. */
#ifndef VOLUMED_STORE_INT_H
#define VOLUMED_STORE_INT_H

#include "row.h"
#include "store.h"

/* The keyset and limit parameters of a page query. */
void vd_store_page_params(vd_arena *a, const vd_page *p, const char **ts, const char **id,
			  const char **limit);
/* Sets p->next_token from a page query's result and returns how many of
 * its rows belong to this page. */
size_t vd_store_page_finish(vd_arena *a, vd_page *p, const PGresult *r, int ts_col, int id_col);

/* AttachVolume's body, inside the caller's transaction. */
bool vd_store_attach_in_tx(vd_db *db, vd_arena *a, const char *volume_id, const char *vm_id,
			   const char *drive_id, bool read_only, Volumed__V1__Attachment **out, vd_error *err);

#endif
