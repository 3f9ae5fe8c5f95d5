/* commands.h - volumectl's commands: the table that names them, documents
 * them and parses their options, and the handlers that run them.
 *
 * Handlers live in cmd_volumes.c and cmd_hosts_vms.c. Each gets the parsed
 * options and positional arguments, makes its calls through the client
 * library and shows the result with output.h; on failure it records a
 * ctl_err and returns false. */
#ifndef VOLUMECTL_COMMANDS_H
#define VOLUMECTL_COMMANDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "error.h"
#include "opts.h"
#include "output.h"
#include "vc.h"

/* What every command runs with, set up by main from the global options. */
typedef struct ctl_ctx {
	vc_client *client;
	const char *server;  /* HOST:PORT, for messages */
	int timeout_ms;      /* deadline of a call */
	int file_timeout_ms; /* of a call that makes or copies a file (longer unless --timeout is given) */
	ctl_format format;
	FILE *out;
	const vd_opt *globals; /* main's option table, to recognise a global option put after the command */
	size_t nglobals;
} ctl_ctx;

/* Every command option, by name; a command's table fills the ones it has.
 * Strings are NULL when not given. */
typedef struct ctl_params {
	const char *host_id, *status, *type, *path, *name, *description, *size, *address;
	const char *vm_id, *drive_id, *id, *service, *page_token, *rootfs_image_id, *kind;
	int page_size, all, read_only, provision, delete_file, register_unregistered;
} ctl_params;

typedef bool (*ctl_handler)(const ctl_ctx *ctx, const ctl_params *p, char **args, ctl_err *err);

/* Runs the command named by argv[first..] ("volumes", "list", options...),
 * or prints help. Returns the exit code, with any error printed on stderr. */
int ctl_commands_run(ctl_ctx *ctx, int argc, char **argv, int first);
/* volumectl --help: usage, global options (from main's table), commands,
 * exit codes and the common tasks. */
void ctl_commands_usage(FILE *f, const vd_opt *globals, size_t nglobals);

/* The pages of a list, collected so that --all can show every row at once:
 * the responses are kept (items point into them) until ctl_pages_free. */
typedef struct ctl_pages {
	void **items;
	size_t n, cap;
	void **responses;
	size_t nresponses;
	char *next_token; /* after the last page fetched; "" when it was the last */
} ctl_pages;
void ctl_pages_add(ctl_pages *pg, void *response, void **items, size_t n, const char *next_token);
void ctl_pages_free(ctl_pages *pg);

/* Runs list method m with request q (filters already set; page_size and
 * page_token are set here from the options): one page, or every page with
 * --all, collecting the response's list into pg (free it in any case). o
 * may be NULL for the default deadline. */
bool ctl_list(const ctl_ctx *ctx, const ctl_params *p, vd_method_id m, ProtobufCMessage *q,
	      const vc_call_opts *o, ctl_pages *pg, ctl_err *err);
/* Tells stderr the token of the next page, if there is one (stdout stays
 * the list alone). */
void ctl_pages_note_next(const ctl_pages *pg);

/* Handlers: cmd_volumes.c */
bool ctl_cmd_volumes_list(const ctl_ctx *ctx, const ctl_params *p, char **args, ctl_err *err);
bool ctl_cmd_volumes_get(const ctl_ctx *ctx, const ctl_params *p, char **args, ctl_err *err);
bool ctl_cmd_volumes_create(const ctl_ctx *ctx, const ctl_params *p, char **args, ctl_err *err);
bool ctl_cmd_volumes_status(const ctl_ctx *ctx, const ctl_params *p, char **args, ctl_err *err);
bool ctl_cmd_volumes_delete(const ctl_ctx *ctx, const ctl_params *p, char **args, ctl_err *err);
bool ctl_cmd_volumes_attach(const ctl_ctx *ctx, const ctl_params *p, char **args, ctl_err *err);
bool ctl_cmd_volumes_detach(const ctl_ctx *ctx, const ctl_params *p, char **args, ctl_err *err);
bool ctl_cmd_volumes_attachments(const ctl_ctx *ctx, const ctl_params *p, char **args, ctl_err *err);
bool ctl_cmd_volumes_register(const ctl_ctx *ctx, const ctl_params *p, char **args, ctl_err *err);
bool ctl_cmd_volumes_resize(const ctl_ctx *ctx, const ctl_params *p, char **args, ctl_err *err);
bool ctl_cmd_volumes_clone(const ctl_ctx *ctx, const ctl_params *p, char **args, ctl_err *err);
/* Handlers: cmd_hosts_vms.c */
bool ctl_cmd_hosts_list(const ctl_ctx *ctx, const ctl_params *p, char **args, ctl_err *err);
bool ctl_cmd_hosts_get(const ctl_ctx *ctx, const ctl_params *p, char **args, ctl_err *err);
bool ctl_cmd_hosts_create(const ctl_ctx *ctx, const ctl_params *p, char **args, ctl_err *err);
bool ctl_cmd_hosts_delete(const ctl_ctx *ctx, const ctl_params *p, char **args, ctl_err *err);
bool ctl_cmd_hosts_scan(const ctl_ctx *ctx, const ctl_params *p, char **args, ctl_err *err);
bool ctl_cmd_images_list(const ctl_ctx *ctx, const ctl_params *p, char **args, ctl_err *err);
bool ctl_cmd_vms_list(const ctl_ctx *ctx, const ctl_params *p, char **args, ctl_err *err);
bool ctl_cmd_vms_get(const ctl_ctx *ctx, const ctl_params *p, char **args, ctl_err *err);
bool ctl_cmd_vms_create(const ctl_ctx *ctx, const ctl_params *p, char **args, ctl_err *err);
bool ctl_cmd_vms_delete(const ctl_ctx *ctx, const ctl_params *p, char **args, ctl_err *err);
bool ctl_cmd_health(const ctl_ctx *ctx, const ctl_params *p, char **args, ctl_err *err);

#endif
