/* error.h - volumectl's errors as values: one line for stderr and an exit code.
 *
 * Exit codes are not decided here: a failed call is classed by its gRPC code
 * through vd_code_exit (proto/wire.c, the one table shared with the server
 * and the gateway), and an error volumectl finds itself is given the gRPC
 * code it stands for. Only a bad command line has its own code,
 * VD_EXIT_USAGE, because nothing was sent. */
#ifndef VOLUMECTL_ERROR_H
#define VOLUMECTL_ERROR_H

#include <stdbool.h>
#include <stdio.h>

#include "vc.h"

typedef struct ctl_err {
	int exit;       /* VD_EXIT_*; VD_EXIT_OK while nothing went wrong */
	char line[768]; /* "VOLUME_ATTACHED: volume 336a… is attached to vm 0fa7…" */
	char hint[256]; /* usage errors: the help to read */
} ctl_err;

/* Each records an error unless one is recorded already (the first cause
 * wins) and returns false, so a command can `return ctl_err_...(...)`. */

/* A bad command line (exit 2). help is the command whose --help explains it,
 * e.g. "volumes attach", or "" for volumectl itself. */
bool ctl_err_usage(ctl_err *e, const char *help, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* A call that failed: "REASON: message" when volumed gave a reason, else a
 * sentence about the connection to server (unreachable, too slow). */
bool ctl_err_call(ctl_err *e, const vc_status *st, const char *server, int timeout_ms);
/* An error found by volumectl itself, classed like the gRPC code. */
bool ctl_err_code(ctl_err *e, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* "volumectl: LINE", and for usage errors a second line with the hint. */
void ctl_err_print(const ctl_err *e, FILE *f);

#endif
