/* json.h - printing JSON for `volumectl --output json`. The shapes come
 * from shapes.h, the same code the gateway answers with, so a script reads
 * the same bytes from volumectl as from a `curl` of the gateway. */
#ifndef VOLUMECTL_JSON_H
#define VOLUMECTL_JSON_H

#include <stdio.h>

#include "shapes.h"

/* Prints value indented, in the keys' documented order, then a newline,
 * and releases it. */
void ctl_json_print(json_t *value, FILE *f);

#endif
