/* table.c - aligned text columns with escaped, UTF-8-aware cells. */
#include "table.h"

#include <stdlib.h>
#include <string.h>

struct ctl_table {
	ctl_column *cols;
	size_t ncols;
	char **cells; /* row-major, nrows * ncols */
	size_t nrows, cap;
	size_t *width; /* per column, in code points */
	bool header;
};

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		abort();
	return p;
}

/* Width of a cell in code points: every byte that does not continue a
 * UTF-8 sequence starts one. Wide (East Asian) characters count as one,
 * which is good enough for names and paths. */
static size_t width_of(const char *s)
{
	size_t w = 0;
	for (; *s; s++)
		w += ((unsigned char)*s & 0xc0) != 0x80;
	return w;
}

/* A copy with control characters escaped, so a cell is always one line. */
static char *escape(const char *s)
{
	size_t len = strlen(s);
	char *out = xrealloc(NULL, len * 4 + 1), *o = out;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '\n') {
			*o++ = '\\', *o++ = 'n';
		} else if (*p == '\t') {
			*o++ = '\\', *o++ = 't';
		} else if (*p == '\r') {
			*o++ = '\\', *o++ = 'r';
		} else if (*p < 0x20 || *p == 0x7f) {
			static const char hex[] = "0123456789abcdef";
			*o++ = '\\', *o++ = 'x', *o++ = hex[*p >> 4], *o++ = hex[*p & 15];
		} else {
			*o++ = (char)*p;
		}
	}
	*o = '\0';
	return out;
}

ctl_table *ctl_table_new(const ctl_column *cols, size_t ncols)
{
	ctl_table *t = xrealloc(NULL, sizeof *t);
	memset(t, 0, sizeof *t);
	t->ncols = ncols;
	t->cols = xrealloc(NULL, ncols * sizeof *cols);
	memcpy(t->cols, cols, ncols * sizeof *cols);
	t->width = xrealloc(NULL, ncols * sizeof *t->width);
	t->header = ncols > 0 && cols[0].header != NULL;
	for (size_t c = 0; c < ncols; c++)
		t->width[c] = t->header ? width_of(cols[c].header) : 0;
	return t;
}

void ctl_table_add(ctl_table *t, const char *const *cells)
{
	if (t->nrows == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 16;
		t->cells = xrealloc(t->cells, t->cap * t->ncols * sizeof *t->cells);
	}
	char **row = t->cells + t->nrows * t->ncols;
	for (size_t c = 0; c < t->ncols; c++) {
		/* "-" for nothing, so every row has every column (an address
		 * may be empty) and `awk '{print $3}'` still finds the third. */
		row[c] = escape(cells[c] && *cells[c] ? cells[c] : "-");
		size_t w = width_of(row[c]);
		if (w > t->width[c])
			t->width[c] = w;
	}
	t->nrows++;
}

static void print_row(const ctl_table *t, const char *const *row, FILE *f)
{
	for (size_t c = 0; c < t->ncols; c++) {
		size_t pad = t->width[c] - width_of(row[c]);
		bool last = c + 1 == t->ncols;
		if (c > 0)
			fputs("  ", f);
		if (t->cols[c].right)
			fprintf(f, "%*s", (int)pad, "");
		fputs(row[c], f);
		if (!t->cols[c].right && !last)
			fprintf(f, "%*s", (int)pad, "");
	}
	fputc('\n', f);
}

void ctl_table_print(const ctl_table *t, FILE *f)
{
	if (t->header) {
		const char **hdr = xrealloc(NULL, t->ncols * sizeof *hdr);
		for (size_t c = 0; c < t->ncols; c++)
			hdr[c] = t->cols[c].header;
		print_row(t, hdr, f);
		free(hdr);
	}
	for (size_t r = 0; r < t->nrows; r++)
		print_row(t, (const char *const *)(t->cells + r * t->ncols), f);
}

void ctl_table_free(ctl_table *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	free(t->cells);
	free(t->width);
	free(t->cols);
	free(t);
}
