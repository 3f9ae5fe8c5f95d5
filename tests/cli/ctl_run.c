/* ctl_run.c - running volumectl as a child process and reading what it printed. */
#include "ctl_run.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

const char *ctl_server;

#define KEEP 16
#define MAX_ARGS 64

/* Results stay reachable from here (so they are not leaks) and are freed
 * when their slot comes round again. */
static ctl_out ring[KEEP];
static int next_slot;

/* Reads a whole file that the child wrote. */
static char *slurp(int fd)
{
	size_t cap = 4096, len = 0;
	char *buf = malloc(cap);
	if (!buf || lseek(fd, 0, SEEK_SET) < 0)
		abort();
	for (;;) {
		if (len + 1 >= cap && !(buf = realloc(buf, cap *= 2)))
			abort();
		ssize_t k = read(fd, buf + len, cap - len - 1);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			break;
		len += (size_t)k;
	}
	buf[len] = '\0';
	close(fd);
	return buf;
}

static int scratch(void)
{
	char name[] = "/tmp/volumectl-test-XXXXXX";
	int fd = mkstemp(name);
	if (fd < 0) {
		perror("mkstemp");
		th_fail();
	}
	unlink(name);
	return fd;
}

const ctl_out *ctl_runv(const char *const *args)
{
	const char *argv[MAX_ARGS + 4];
	int n = 0;
	argv[n++] = th_volumectl_bin;
	if (ctl_server) {
		argv[n++] = "--server";
		argv[n++] = ctl_server;
	}
	for (; *args && n < MAX_ARGS; args++)
		argv[n++] = *args;
	argv[n] = NULL;

	/* Files, not pipes: nothing to deadlock on however much it prints. */
	int out = scratch(), err = scratch();
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0) {
		perror("fork");
		th_fail();
	}
	if (pid == 0) {
		int in = open("/dev/null", O_RDONLY);
		dup2(in, 0);
		dup2(out, 1);
		dup2(err, 2);
		execv(argv[0], (char *const *)argv);
		fprintf(stderr, "exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	int st;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR) {
			perror("waitpid");
			th_fail();
		}

	ctl_out *r = &ring[next_slot++ % KEEP];
	free(r->out);
	free(r->err);
	r->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	r->out = slurp(out);
	r->err = slurp(err);
	return r;
}

const ctl_out *ctl_run(const char *arg, ...)
{
	const char *args[MAX_ARGS + 1];
	int n = 0;
	va_list ap;
	va_start(ap, arg);
	for (const char *a = arg; a && n < MAX_ARGS; a = va_arg(ap, const char *))
		args[n++] = a;
	va_end(ap);
	args[n] = NULL;
	return ctl_runv(args);
}

void ctl_fail_run(const ctl_out *r, const char *file, int line, const char *what)
{
	fprintf(stderr, "%s:%d: volumectl: %s\n---- stdout ----\n%s---- stderr ----\n%s----\n", file, line,
		what, r->out, r->err);
	th_fail();
}

json_t *ctl_json(const ctl_out *r)
{
	json_error_t e;
	json_t *j = json_loads(r->out, 0, &e);
	if (!j) {
		char what[256];
		snprintf(what, sizeof what, "stdout is not JSON: %s (line %d)", e.text, e.line);
		ctl_fail_run(r, __FILE__, __LINE__, what);
	}
	return j;
}

const char *ctl_jstr(const json_t *obj, const char *key)
{
	return json_string_value(json_object_get(obj, key));
}

const char *ctl_create(const char *arg, ...)
{
	static char ids[16][40];
	static int next;
	const char *args[MAX_ARGS + 1];
	int n = 0;
	args[n++] = "--output";
	args[n++] = "json";
	va_list ap;
	va_start(ap, arg);
	for (const char *a = arg; a && n < MAX_ARGS; a = va_arg(ap, const char *))
		args[n++] = a;
	va_end(ap);
	args[n] = NULL;
	const ctl_out *r = ctl_runv(args);
	CHECK_EXIT(r, 0);
	json_t *j = ctl_json(r);
	const char *id = ctl_jstr(j, "id");
	if (!id || strlen(id) != 36)
		ctl_fail_run(r, __FILE__, __LINE__, "no id in the JSON");
	char *b = ids[next++ % 16];
	snprintf(b, sizeof ids[0], "%s", id);
	json_decref(j);
	return b;
}

int ctl_nlines(const char *out)
{
	int n = 0;
	for (; *out; out++)
		n += *out == '\n';
	return n;
}

const char *ctl_line(const char *out, int n)
{
	static char bufs[8][4096];
	static int next;
	for (; n > 0 && *out; out++)
		if (*out == '\n')
			n--;
	if (!*out)
		return NULL;
	char *b = bufs[next++ % 8];
	size_t len = strcspn(out, "\n");
	snprintf(b, sizeof bufs[0], "%.*s", (int)len, out);
	return b;
}

/* Column positions count code points, as volumectl pads by them. */
static size_t cp_offset(const char *line, size_t bytes)
{
	size_t n = 0;
	for (size_t i = 0; i < bytes && line[i]; i++)
		n += ((unsigned char)line[i] & 0xc0) != 0x80;
	return n;
}

/* The byte offset of code point cp in line (its length if shorter). */
static size_t byte_at(const char *line, size_t cp)
{
	size_t b = 0, n = 0;
	while (line[b] && n < cp) {
		b++;
		while (((unsigned char)line[b] & 0xc0) == 0x80)
			b++;
		n++;
	}
	return b;
}

/* The code point offset of a header's column, failing when it is not there. */
static size_t header_at(const char *hdr, const char *name)
{
	const char *at = strstr(hdr, name);
	if (!at) {
		fprintf(stderr, "header \"%s\" has no column %s\n", hdr, name);
		th_fail();
	}
	return cp_offset(hdr, (size_t)(at - hdr));
}

void ctl_check_aligned(const char *table, const char *const *left, const char *const *right)
{
	char hdr[4096];
	const char *first = ctl_line(table, 0);
	if (!first) {
		fprintf(stderr, "ctl_check_aligned: empty table\n");
		th_fail();
	}
	snprintf(hdr, sizeof hdr, "%s", first);
	int rows = ctl_nlines(table);
	/* A left-aligned column starts where its header does: a space before
	 * it (or the line start), something other than a space at it. */
	for (const char *const *h = left; h && *h; h++) {
		size_t want = header_at(hdr, *h);
		for (int r = 1; r < rows; r++) {
			const char *line = ctl_line(table, r);
			size_t b = byte_at(line, want);
			if (cp_offset(line, b) != want || (b > 0 && line[b - 1] != ' ') || line[b] == ' ' ||
			    line[b] == '\0') {
				fprintf(stderr, "column %s (at %zu) is not aligned in row %d:\n%s\n%s\n", *h,
					want, r, hdr, line);
				th_fail();
			}
		}
	}
	/* A right-aligned column ends where its header ends. */
	for (const char *const *h = right; h && *h; h++) {
		size_t end = header_at(hdr, *h) + cp_offset(*h, strlen(*h));
		for (int r = 1; r < rows; r++) {
			const char *line = ctl_line(table, r);
			size_t b = byte_at(line, end);
			if (cp_offset(line, b) != end || b == 0 || line[b - 1] == ' ' ||
			    (line[b] != ' ' && line[b] != '\0')) {
				fprintf(stderr,
					"column %s (ending at %zu) is not right-aligned in row %d:\n%s\n%s\n",
					*h, end, r, hdr, line);
				th_fail();
			}
		}
	}
}
