/* main.c - volumectl: reads the global options, then runs the command (commands.c). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "args.h"
#include "commands.h"
#include "format.h"
#include "opts.h"
#include "wire.h"

static struct {
	const char *server, *output, *timeout;
} cfg;

static const vd_opt options[] = {
	{"server", "VOLUMED_ADDR", VD_OPT_STRING, "127.0.0.1:50051", "volumed's gRPC address, HOST:PORT",
	 &cfg.server, 0, 0},
	{"output", "VOLUMECTL_OUTPUT", VD_OPT_STRING, "table",
	 "table (aligned columns, human sizes) or json (the REST API's shapes, for jq)", &cfg.output, 0, 0},
	{"timeout", "VOLUMECTL_TIMEOUT", VD_OPT_STRING, NULL,
	 "deadline of a call: milliseconds, or with ms, s or m (500ms, 10s); default 5s, 10m for file work",
	 &cfg.timeout, 0, 0},
};
#define NOPTIONS (sizeof options / sizeof *options)

static int usage_error(const char *fmt, const char *arg)
{
	ctl_err err = {0};
	ctl_err_usage(&err, "", fmt, arg);
	ctl_err_print(&err, stderr);
	return err.exit;
}

/* Output goes through stdio: a full disk or a closed pipe shows only when
 * it is flushed, and must not pass for success. */
static int flushed(int code)
{
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "volumectl: cannot write the output: %s\n", strerror(errno));
		if (code == VD_EXIT_OK)
			code = VD_EXIT_ERROR;
	}
	return code;
}

int main(int argc, char **argv)
{
	/* --help and --version count before the command only: after it they
	 * belong to the command ("volumectl volumes --help"). */
	for (int i = 1; i < argc && argv[i][0] == '-' && strcmp(argv[i], "--") != 0; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			ctl_commands_usage(stdout, options, NOPTIONS);
			return flushed(VD_EXIT_OK);
		}
		if (strcmp(argv[i], "--version") == 0) {
			printf("volumectl %s\n", VOLUMECTL_VERSION);
			return flushed(VD_EXIT_OK);
		}
		const vd_opt *o = ctl_args_find(options, NOPTIONS, argv[i]);
		if (o && !strchr(argv[i], '='))
			i++; /* its value */
	}

	char why[256];
	int first = vd_opts_parse(options, NOPTIONS, argc, argv, 1, why, sizeof why);
	if (first < 0)
		return usage_error("%s", why);
	if (first < argc && argv[first][0] == '-' && argv[first][1] != '\0')
		return usage_error("unknown option %s", argv[first]);
	if (first >= argc)
		return usage_error("%s", "missing command (volumes, hosts, vms, images or health)");

	ctl_ctx ctx = {.server = cfg.server, .out = stdout, .globals = options, .nglobals = NOPTIONS};
	if (strcmp(cfg.output, "table") == 0)
		ctx.format = CTL_FORMAT_TABLE;
	else if (strcmp(cfg.output, "json") == 0)
		ctx.format = CTL_FORMAT_JSON;
	else
		return usage_error("--output (or VOLUMECTL_OUTPUT) must be table or json, not \"%s\"",
				   cfg.output);
	/* Registry calls answer in milliseconds; copying or formatting a file
	 * may take minutes. A --timeout given applies to both. */
	ctx.timeout_ms = 5000;
	ctx.file_timeout_ms = 600000;
	const char *bad;
	if (cfg.timeout) {
		if (!ctl_parse_duration(cfg.timeout, &ctx.timeout_ms, &bad)) {
			char line[512];
			snprintf(line, sizeof line, "--timeout (or VOLUMECTL_TIMEOUT) \"%s\": %s",
				 cfg.timeout, bad);
			return usage_error("%s", line);
		}
		ctx.file_timeout_ms = ctx.timeout_ms;
	}

	return flushed(ctl_commands_run(&ctx, argc, argv, first));
}
