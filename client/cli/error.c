/* error.c - volumectl's error lines and their exit codes (through vd_code_exit). */
#include "error.h"

#include <stdarg.h>
#include <string.h>

#include "wire.h"

/* Keeps the message on one line whatever volumed or gRPC put in it. */
static void one_line(char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = ' ';
}

static bool record(ctl_err *e, int exit, const char *fmt, va_list ap)
{
	if (e->exit != VD_EXIT_OK)
		return false;
	e->exit = exit;
	vsnprintf(e->line, sizeof e->line, fmt, ap);
	one_line(e->line);
	e->hint[0] = '\0';
	return false;
}

bool ctl_err_usage(ctl_err *e, const char *help, const char *fmt, ...)
{
	if (e->exit != VD_EXIT_OK)
		return false;
	va_list ap;
	va_start(ap, fmt);
	record(e, VD_EXIT_USAGE, fmt, ap);
	va_end(ap);
	snprintf(e->hint, sizeof e->hint, "Try 'volumectl %s%s--help'.", help, *help ? " " : "");
	return false;
}

bool ctl_err_code(ctl_err *e, int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	record(e, vd_code_exit(code), fmt, ap);
	va_end(ap);
	return false;
}

/* record() through a va_list, for the fixed formats below. */
static bool say(ctl_err *e, int exit, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static bool say(ctl_err *e, int exit, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	record(e, exit, fmt, ap);
	va_end(ap);
	return false;
}

bool ctl_err_call(ctl_err *e, const vc_status *st, const char *server, int timeout_ms)
{
	int exit = vd_code_exit(st->code);
	if (st->reason[0])
		return say(e, exit, "%s: %s", st->reason,
			   st->message[0] ? st->message : vd_code_name(st->code));
	/* No reason: volumed did not answer this call itself, gRPC did. The
	 * two common cases get a sentence an operator can act on. */
	if (st->code == VD_CODE_UNAVAILABLE)
		return say(e, exit, "cannot reach volumed at %s (--server or VOLUMED_ADDR): %s", server,
			   st->message[0] ? st->message : "unavailable");
	if (st->code == VD_CODE_DEADLINE_EXCEEDED)
		return say(e, exit, "volumed at %s did not answer within %d ms (--timeout)", server,
			   timeout_ms);
	return say(e, exit, "%s: %s", vd_code_name(st->code), st->message[0] ? st->message : "call failed");
}

void ctl_err_print(const ctl_err *e, FILE *f)
{
	if (e->exit == VD_EXIT_OK)
		return;
	fprintf(f, "volumectl: %s\n", e->line);
	if (e->hint[0])
		fprintf(f, "%s\n", e->hint);
}
