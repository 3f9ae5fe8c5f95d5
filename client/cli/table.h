/* table.h - text tables with aligned columns, for volumectl's table output.
 *
 * Cells are copied in, with control characters escaped ("\n" becomes the two
 * characters \ and n) so that a newline in a host's address cannot break a
 * row, and widths are counted in code points so UTF-8 names line up. */
#ifndef VOLUMECTL_TABLE_H
#define VOLUMECTL_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

typedef struct ctl_table ctl_table;

typedef struct ctl_column {
	const char *header; /* printed in the first line; NULL for a table without a header */
	bool right;         /* right-aligned (numbers and sizes) */
} ctl_column;

/* A table of ncols columns (the array is copied). Never NULL. */
ctl_table *ctl_table_new(const ctl_column *cols, size_t ncols);
/* Appends a row of ncols cells; a NULL or empty cell prints as "-". */
void ctl_table_add(ctl_table *t, const char *const *cells);
/* Prints the header (when the columns have one) and every row: columns two
 * spaces apart, no padding after the last one. */
void ctl_table_print(const ctl_table *t, FILE *f);
/* Frees the table; NULL is fine. */
void ctl_table_free(ctl_table *t);

#endif
