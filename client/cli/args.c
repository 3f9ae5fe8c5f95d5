/* args.c - sorting a command's words into options and positional arguments. */
#include "args.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const vd_opt *ctl_args_find(const vd_opt *opts, size_t n, const char *word)
{
	if (strncmp(word, "--", 2) != 0)
		return NULL;
	const char *name = word + 2, *eq = strchr(name, '=');
	size_t len = eq ? (size_t)(eq - name) : strlen(name);
	for (size_t i = 0; i < n; i++)
		if (strlen(opts[i].name) == len && strncmp(opts[i].name, name, len) == 0)
			return &opts[i];
	return NULL;
}

bool ctl_args_split(ctl_args *a, const vd_opt *opts, size_t n, int argc, char **argv, int first, char *err,
		    size_t errsz)
{
	memset(a, 0, sizeof *a);
	/* Each vector can hold every word, plus the program name and a NULL. */
	size_t cap = (size_t)(argc - first) + 2;
	a->optv = calloc(cap, sizeof *a->optv);
	a->posv = calloc(cap, sizeof *a->posv);
	if (!a->optv || !a->posv)
		abort();
	a->optv[a->optc++] = argv[0];
	bool only_positional = false;
	for (int i = first; i < argc; i++) {
		char *w = argv[i];
		if (only_positional || w[0] != '-' || strcmp(w, "-") == 0) {
			a->posv[a->posc++] = w;
		} else if (strcmp(w, "--") == 0) {
			only_positional = true;
		} else if (strcmp(w, "--help") == 0 || strcmp(w, "-h") == 0) {
			a->help = true;
		} else if (w[1] != '-') {
			snprintf(err, errsz,
				 "unknown option %s (volumectl has long options only, like --help)", w);
			return false;
		} else {
			a->optv[a->optc++] = w;
			const vd_opt *o = ctl_args_find(opts, n, w);
			/* "--name value": the value goes with its option even when
			 * it looks like an option itself (a page size of -1 is for
			 * volumed to judge). A missing one is vd_opts_parse's to report. */
			if (o && o->type != VD_OPT_FLAG && !strchr(w, '=') && i + 1 < argc)
				a->optv[a->optc++] = argv[++i];
		}
	}
	return true;
}

void ctl_args_free(ctl_args *a)
{
	free(a->optv);
	free(a->posv);
	a->optv = a->posv = NULL;
	a->optc = a->posc = 0;
}
