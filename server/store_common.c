/* store_common.c - helpers shared by the store files: ids, paging. */
#include "store_int.h"

#include <string.h>

#include <uuid/uuid.h>

void vd_store_new_id(char out[VD_UUID_LEN + 1])
{
	uuid_t u;
	uuid_generate_random(u);
	vd_uuid_format(u, out);
}

void vd_store_page_params(vd_arena *a, const vd_page *p, const char **ts, const char **id,
			  const char **limit)
{
	if (p->after) {
		char *t = vd_arena_alloc(a, 48), *u = vd_arena_alloc(a, VD_UUID_LEN + 1);
		vd_token_format_ts(p->after->ts_us, t, 48);
		vd_uuid_format(p->after->id, u);
		*ts = t;
		*id = u;
	} else {
		*ts = "-infinity";
		*id = "00000000-0000-0000-0000-000000000000";
	}
	/* One row more than the page, to know whether another page follows. */
	*limit = vd_arena_printf(a, "%d", p->limit + 1);
}

size_t vd_store_page_finish(vd_arena *a, vd_page *p, const PGresult *r, int ts_col, int id_col)
{
	int rows = PQntuples(r);
	if (rows <= p->limit) {
		p->next_token = "";
		return (size_t)rows;
	}
	int last = p->limit - 1;
	vd_token t = {.ts_us = vd_row_ts_us(r, last, ts_col)};
	memcpy(t.id, PQgetvalue(r, last, id_col), 16);
	p->next_token = vd_arena_alloc(a, VD_TOKEN_LEN + 1);
	vd_token_encode(&t, p->scope, p->next_token);
	return (size_t)p->limit;
}

