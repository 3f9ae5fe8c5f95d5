/* args.h - a command's words split into options and positional arguments.
 *
 * vd_opts_parse (proto/opts.h) reads options only up to the first word that
 * is not one, but an operator writes `volumes attach ID --vm-id VM` as
 * readily as `volumes attach --vm-id VM ID`. So the words after the command
 * are first sorted, using the option table to know which options take a
 * value, into an option vector for vd_opts_parse and the positional rest. */
#ifndef VOLUMECTL_ARGS_H
#define VOLUMECTL_ARGS_H

#include <stdbool.h>
#include <stddef.h>

#include "opts.h"

typedef struct ctl_args {
	int optc;
	char **optv; /* optv[0] is the program name, then options and their values */
	int posc;
	char **posv; /* positional arguments, in order */
	bool help;   /* --help or -h was given */
} ctl_args;

/* Sorts argv[first..argc) by opts. After "--" every word is positional.
 * Options not in opts are kept (vd_opts_parse reports them). Fails, with a
 * sentence in err, on a word like "-x": volumectl has long options only.
 * The vectors point into argv; free them with ctl_args_free. */
bool ctl_args_split(ctl_args *a, const vd_opt *opts, size_t n, int argc, char **argv, int first, char *err,
		    size_t errsz);
void ctl_args_free(ctl_args *a);

/* The option in opts named by word ("--name" or "--name=value"), or NULL. */
const vd_opt *ctl_args_find(const vd_opt *opts, size_t n, const char *word);

#endif
