/* ctl_run.h - runs the real volumectl binary for tests: arguments in; exit
 * status, stdout and stderr out; and checks on what it printed. */
#ifndef VOLUMED_TEST_CTL_RUN_H
#define VOLUMED_TEST_CTL_RUN_H

#include <stdbool.h>

#include <jansson.h>

#include "harness.h"

typedef struct ctl_out {
	int status; /* exit code; 128 + signal when killed */
	char *out;  /* stdout, NUL-terminated */
	char *err;  /* stderr, NUL-terminated */
} ctl_out;

/* When set, every run starts with "--server ctl_server" (global options the
 * test passes come after it, still before the command). NULL: the test
 * controls the address itself (flag or VOLUMED_ADDR). */
extern const char *ctl_server;

/* Runs volumectl with the NULL-terminated arguments. The result lives until
 * 16 more runs have been made. */
const ctl_out *ctl_run(const char *arg, ...) __attribute__((sentinel));
const ctl_out *ctl_runv(const char *const *argv);

/* Parses stdout as JSON (failing the test if it is not); json_decref it. */
json_t *ctl_json(const ctl_out *r);
/* A string member of a JSON object, or NULL. */
const char *ctl_jstr(const json_t *obj, const char *key);
/* Runs the command with "--output json" and returns the "id" of the object
 * it printed, in a rotating buffer; fails the test unless it exits 0. */
const char *ctl_create(const char *arg, ...) __attribute__((sentinel));

/* The line of out (0-based), in a rotating buffer; NULL past the end. */
const char *ctl_line(const char *out, int n);
/* Number of lines in out. */
int ctl_nlines(const char *out);
/* Checks that every line of a table starts its columns where the header
 * starts them, for the named headers that are left-aligned, and ends them
 * where the header ends them for the right-aligned ones. */
void ctl_check_aligned(const char *table, const char *const *left, const char *const *right);

/* Prints the run (arguments are not kept: the caller's line tells) and fails. */
void ctl_fail_run(const ctl_out *r, const char *file, int line, const char *what) __attribute__((noreturn));

/* Checks the exit status, showing stdout and stderr when it differs. */
#define CHECK_EXIT(r, code)                                                    \
	do {                                                                   \
		const ctl_out *r_ = (r);                                       \
		if (r_->status != (code)) {                                    \
			char w_[64];                                           \
			snprintf(w_, sizeof w_, "exit %d, expected %d", r_->status, (int)(code)); \
			ctl_fail_run(r_, __FILE__, __LINE__, w_);              \
		}                                                              \
	} while (0)

/* An error run: the exit code, nothing on stdout, and stderr exactly one
 * line "volumectl: ..." containing want. */
#define CHECK_ERROR(r, code, want)                                             \
	do {                                                                   \
		const ctl_out *e_ = (r);                                       \
		CHECK_EXIT(e_, code);                                          \
		if (*e_->out || strncmp(e_->err, "volumectl: ", 11) != 0 ||    \
		    ctl_nlines(e_->err) != 1 || !strstr(e_->err, (want)))      \
			ctl_fail_run(e_, __FILE__, __LINE__,                   \
				     "expected one stderr line with " #want);  \
	} while (0)

/* A usage error: exit 2, nothing on stdout, "volumectl: ..." with want and a
 * second line pointing at the help to read. */
#define CHECK_USAGE(r, want)                                                   \
	do {                                                                   \
		const ctl_out *u_ = (r);                                       \
		CHECK_EXIT(u_, 2);                                             \
		if (*u_->out || strncmp(u_->err, "volumectl: ", 11) != 0 ||    \
		    ctl_nlines(u_->err) != 2 || !strstr(u_->err, (want)) ||    \
		    !strstr(u_->err, "\nTry 'volumectl "))                     \
			ctl_fail_run(u_, __FILE__, __LINE__,                   \
				     "expected a usage error with " #want);    \
	} while (0)

#endif
