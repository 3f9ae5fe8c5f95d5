/* path.h - the one definition of a clean volume path. */
#ifndef VOLUMED_PATH_H
#define VOLUMED_PATH_H

#include <stddef.h>

#define VD_PATH_MAX 4096

/* Normalises an absolute path: "//" collapses to "/", "." segments go.
 * Refused (returns NULL and sets *why to a short sentence): empty, relative,
 * over VD_PATH_MAX bytes, invalid UTF-8, NUL or control bytes, any ".."
 * segment (never resolved lexically, since a symlink would make that a
 * lie), a trailing "/" or the root itself (a volume is a file).
 *
 * On success writes the clean path into out (at least len + 1 bytes) and
 * returns out. */
char *vd_path_normalize(const char *in, size_t len, char *out, const char **why);

#endif
