/* json.c - printing JSON values for --output json. */
#include "json.h"

#include <stdlib.h>

void ctl_json_print(json_t *value, FILE *f)
{
	/* Key order is insertion order (jansson keeps it), so every object
	 * reads in the order of the REST documentation. A failed write shows
	 * in ferror(f), which main checks once at the end. */
	if (!value)
		abort();
	json_dumpf(value, f, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	fputc('\n', f);
	json_decref(value);
}
