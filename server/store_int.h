/* store_int.h - internals shared by the store_*.c files. */
#ifndef VOLUMED_STORE_INT_H
#define VOLUMED_STORE_INT_H

#include "row.h"
#include "store.h"

/* A fresh random (v4) UUID. */
void vd_store_new_id(char out[VD_UUID_LEN + 1]);
/* The keyset and limit parameters of a page query. */
void vd_store_page_params(vd_arena *a, const vd_page *p, const char **ts, const char **id,
			  const char **limit);
/* Sets p->next_token from a page query's result and returns how many of
 * its rows belong to this page. */
size_t vd_store_page_finish(vd_arena *a, vd_page *p, const PGresult *r, int ts_col, int id_col);

#endif
