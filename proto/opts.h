/* opts.h - command-line options declared once, in a table: each has a
 * flag, an environment variable and a default, applied in the order
 * default < environment < flag. Shared by volumed, volume-gateway and
 * volumectl. */
#ifndef VOLUMED_OPTS_H
#define VOLUMED_OPTS_H

#include <stddef.h>
#include <stdio.h>

typedef enum vd_opt_type { VD_OPT_STRING, VD_OPT_INT, VD_OPT_FLAG } vd_opt_type;

typedef struct vd_opt {
	const char *name;  /* the flag without "--" */
	const char *env;   /* environment variable, or NULL */
	vd_opt_type type;
	const char *def;   /* default, as text; NULL for none */
	const char *help;
	void *target;      /* const char ** for strings, int * for ints and flags */
	int min, max;      /* range of an int */
} vd_opt;

/* Fills every target from defaults and the environment, then reads
 * "--name value", "--name=value" and "--flag" from argv[first..], stopping
 * at the first argument that is not an option ("--" ends options too).
 * Returns the index of that argument (argc if none), or -1 with a sentence
 * in err. Strings point into argv, the environment or the defaults. */
int vd_opts_parse(const vd_opt *opts, size_t n, int argc, char **argv, int first, char *err, size_t errsz);

/* Prints one aligned line per option: flag, environment, default, help. */
void vd_opts_usage(FILE *f, const vd_opt *opts, size_t n);

#endif
