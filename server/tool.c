/* tool.c - posix_spawn with stderr captured through a pipe. */
#define _GNU_SOURCE /* pipe2 */
#include "tool.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

extern char **environ;

static const char *find(const char *name, char *buf, size_t bufsz)
{
	if (strchr(name, '/'))
		return name;
	/* mkfs.ext4 and resize2fs live in sbin, which a non-root PATH lacks. */
	static const char *const dirs[] = {"/usr/sbin", "/sbin", "/usr/bin", "/bin"};
	for (size_t i = 0; i < sizeof dirs / sizeof *dirs; i++) {
		snprintf(buf, bufsz, "%s/%s", dirs[i], name);
		if (access(buf, X_OK) == 0)
			return buf;
	}
	return name;
}

bool vd_tool_run(const char *const *argv, int timeout_s, vd_error *err)
{
	char path[256];
	const char *prog = find(argv[0], path, sizeof path);
	int fds[2];
	if (pipe2(fds, O_CLOEXEC) < 0)
		return vd_error_set(err, VD_FILE_ERROR, "cannot run %s: %s", argv[0], strerror(errno));
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, fds[1], STDERR_FILENO);
	posix_spawn_file_actions_adddup2(&fa, fds[1], STDOUT_FILENO);
	posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
	/* The child must not inherit volumed's blocked signal mask, or a
	 * SIGTERM for it would be held up; nor our ignored SIGPIPE/SIGXFSZ. */
	posix_spawnattr_t attr;
	posix_spawnattr_init(&attr);
	sigset_t none, defaults;
	sigemptyset(&none);
	sigemptyset(&defaults);
	sigaddset(&defaults, SIGPIPE);
	sigaddset(&defaults, SIGXFSZ);
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawnattr_setsigdefault(&attr, &defaults);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
	pid_t pid;
	int e = posix_spawn(&pid, prog, &fa, &attr, (char *const *)argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	close(fds[1]);
	if (e) {
		close(fds[0]);
		return vd_error_set(err, VD_FILE_ERROR, "cannot run %s: %s", argv[0], strerror(e));
	}

	char out[4096];
	size_t used = 0;
	time_t deadline = time(NULL) + timeout_s;
	bool timed_out = false;
	for (;;) {
		int left = (int)(deadline - time(NULL));
		if (left <= 0) {
			timed_out = true;
			kill(pid, SIGKILL);
			break;
		}
		struct pollfd p = {.fd = fds[0], .events = POLLIN};
		int k = poll(&p, 1, left * 1000);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			continue;
		char buf[512];
		ssize_t n = read(fds[0], buf, sizeof buf);
		if (n <= 0)
			break; /* the child closed its end: it is exiting */
		size_t take = (size_t)n < sizeof out - 1 - used ? (size_t)n : sizeof out - 1 - used;
		memcpy(out + used, buf, take);
		used += take;
	}
	close(fds[0]);
	out[used] = '\0';
	int st;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (!timed_out && WIFEXITED(st) && WEXITSTATUS(st) == 0)
		return true;
	/* One line of the tool's own words is the useful part. */
	for (char *p = out; *p; p++)
		if (*p == '\n' || *p == '\r' || *p == '\t')
			*p = ' ';
	vd_log(VD_LOG_WARN, "%s failed (%s): %s", argv[0], timed_out ? "timed out" : "non-zero exit", out);
	if (timed_out)
		return vd_error_set(err, VD_FILE_ERROR, "%s took longer than %d s", argv[0], timeout_s);
	return vd_error_set(err, VD_FILE_ERROR, "%s failed: %.300s", argv[0], used ? out : "no output");
}
