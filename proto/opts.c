/* opts.c - the option table parser. */
#include "opts.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static int set(const vd_opt *o, const char *value, const char *source, char *err, size_t errsz)
{
	if (o->type == VD_OPT_STRING) {
		*(const char **)o->target = value;
		return 0;
	}
	if (o->type == VD_OPT_FLAG) {
		if (!value || strcmp(value, "1") == 0 || strcmp(value, "true") == 0) {
			*(int *)o->target = 1;
		} else if (strcmp(value, "0") == 0 || strcmp(value, "false") == 0) {
			*(int *)o->target = 0;
		} else {
			snprintf(err, errsz, "%s %s: expected true or false, got \"%s\"", source, o->name, value);
			return -1;
		}
		return 0;
	}
	char *end;
	errno = 0;
	long v = strtol(value, &end, 10);
	if (errno || end == value || *end || v < o->min || v > o->max) {
		snprintf(err, errsz, "%s %s: expected a whole number from %d to %d, got \"%s\"", source,
			 o->name, o->min, o->max, value);
		return -1;
	}
	*(int *)o->target = (int)v;
	return 0;
}

int vd_opts_parse(const vd_opt *opts, size_t n, int argc, char **argv, int first, char *err, size_t errsz)
{
	for (size_t i = 0; i < n; i++) {
		const vd_opt *o = &opts[i];
		if (o->type == VD_OPT_STRING)
			*(const char **)o->target = o->def;
		else if (o->def && set(o, o->def, "default", err, errsz) < 0)
			return -1;
		const char *env = o->env ? getenv(o->env) : NULL;
		if (env && *env && set(o, env, o->env, err, errsz) < 0)
			return -1;
	}
	int i = first;
	while (i < argc) {
		const char *a = argv[i];
		if (strcmp(a, "--") == 0)
			return i + 1;
		if (strncmp(a, "--", 2) != 0)
			return i;
		const char *name = a + 2, *eq = strchr(name, '=');
		size_t len = eq ? (size_t)(eq - name) : strlen(name);
		const vd_opt *o = NULL;
		for (size_t k = 0; k < n; k++)
			if (strlen(opts[k].name) == len && strncmp(opts[k].name, name, len) == 0)
				o = &opts[k];
		if (!o) {
			snprintf(err, errsz, "unknown option --%.*s", (int)len, name);
			return -1;
		}
		const char *value = eq ? eq + 1 : NULL;
		if (!value && o->type != VD_OPT_FLAG) {
			if (i + 1 >= argc) {
				snprintf(err, errsz, "option --%s needs a value", o->name);
				return -1;
			}
			value = argv[++i];
		}
		if (set(o, value, "option", err, errsz) < 0)
			return -1;
		i++;
	}
	return argc;
}

void vd_opts_usage(FILE *f, const vd_opt *opts, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const vd_opt *o = &opts[i];
		char flag[64];
		snprintf(flag, sizeof flag, "--%s%s", o->name,
			 o->type == VD_OPT_FLAG ? "" : o->type == VD_OPT_INT ? " N" : " VALUE");
		fprintf(f, "  %-28s %s\n", flag, o->help);
		if (o->env || o->def)
			fprintf(f, "  %-28s %s%s%s%s%s\n", "", o->env ? "env " : "", o->env ? o->env : "",
				o->env && o->def ? ", " : "", o->def ? "default " : "", o->def ? o->def : "");
	}
}
