/* files.c - confined, crash-safe file operations on volume files. */
#define _GNU_SOURCE /* copy_file_range, renameat2 */
#include "files.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <uuid/uuid.h>

#include "log.h"
#include "tool.h"

#define TOOL_TIMEOUT_S 600
#define COPY_CHUNK (1 << 20)

static int openat2_(int dirfd, const char *name, int flags)
{
	struct open_how how = {
		.flags = (uint64_t)(flags | O_CLOEXEC),
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
	};
	return (int)syscall(SYS_openat2, dirfd, name, &how, sizeof how);
}

/* Turns an errno from an operation on p into the right error. */
static bool fail(const vd_place *p, const char *what, int e, vd_error *err)
{
	if (e == ENOSPC || e == EFBIG || e == EDQUOT)
		return vd_error_set(err, VD_NO_SPACE, "no space for %s: %s", p->path, strerror(e));
	if (e == ELOOP || e == EXDEV) {
		if (p->field) {
			vd_error_set(err, VD_INVALID_FIELD,
				     "invalid %s: %s passes through a symlink; volume files must not", p->field,
				     p->path);
			vd_error_meta(err, "field", p->field);
			return false;
		}
		return vd_error_set(err, VD_FILE_ERROR, "refusing to follow a symlink on %s", p->path);
	}
	if (e == EEXIST)
		return vd_error_set(err, VD_FILE_EXISTS, "a file already exists at %s", p->path);
	if (e == ENOENT)
		return vd_error_set(err, VD_FILE_NOT_FOUND, "no file at %s", p->path);
	vd_log(VD_LOG_WARN, "%s %s: %s", what, p->path, strerror(e));
	return vd_error_set(err, VD_FILE_ERROR, "%s %s: %s", what, p->path, strerror(e));
}

static bool inside(const char *root, const char *path, const char **rel)
{
	size_t n = strlen(root);
	while (n > 1 && root[n - 1] == '/')
		n--;
	if (strncmp(path, root, n) != 0 || path[n] != '/' || path[n + 1] == '\0')
		return false;
	*rel = path + n + 1;
	return true;
}

bool vd_files_managed(const vd_roots *r, const char *path)
{
	const char *rel;
	return inside(r->image, path, &rel) || inside(r->storage, path, &rel) || inside(r->volume, path, &rel);
}

bool vd_files_place(const vd_roots *r, const char *only, const char *path, const char *field,
		    vd_place *out, vd_error *err)
{
	const char *roots[] = {r->volume, r->storage, r->image};
	for (size_t i = 0; i < 3; i++) {
		if ((only && roots[i] != only) || !inside(roots[i], path, &out->rel))
			continue;
		out->root = roots[i];
		out->path = path;
		out->field = field;
		return true;
	}
	vd_error_set(err, VD_INVALID_FIELD, "invalid %s: %s is not inside %s", field ? field : "path", path,
		     only ? only : "a managed root (image, storage or volume root)");
	vd_error_meta(err, "field", field ? field : "path");
	return false;
}

/* Opens (and with create, makes, mode 0700) the directory holding p's file
 * and returns its fd; *leaf is the file's name. Each component is opened
 * beneath the previous one with symlinks refused. */
static int open_parent(const vd_place *p, bool create, const char **leaf, vd_error *err)
{
	int fd = open(p->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT && create && mkdir(p->root, 0755) == 0)
		fd = open(p->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		vd_error_set(err, VD_FILE_ERROR, "root %s: %s", p->root, strerror(errno));
		return -1;
	}
	const char *s = p->rel;
	for (const char *slash; (slash = strchr(s, '/'));) {
		char comp[256];
		size_t n = (size_t)(slash - s);
		if (n == 0 || n >= sizeof comp) {
			close(fd);
			fail(p, "opening", ENAMETOOLONG, err);
			return -1;
		}
		memcpy(comp, s, n);
		comp[n] = '\0';
		int next = openat2_(fd, comp, O_RDONLY | O_DIRECTORY);
		if (next < 0 && errno == ENOENT && create) {
			if (mkdirat(fd, comp, 0700) < 0 && errno != EEXIST) {
				int e = errno;
				close(fd);
				fail(p, "creating a directory for", e, err);
				return -1;
			}
			next = openat2_(fd, comp, O_RDONLY | O_DIRECTORY);
		}
		int e = errno;
		close(fd);
		if (next < 0) {
			fail(p, "opening", e, err);
			return -1;
		}
		fd = next;
		s = slash + 1;
	}
	*leaf = s;
	return fd;
}

/* A hidden name beside leaf for a file that is not ready yet. */
static void temp_name(char *out, size_t outsz, const char *leaf, const char *kind)
{
	uuid_t u;
	uuid_generate_random(u);
	snprintf(out, outsz, ".%.150s.%s-%02x%02x%02x%02x%02x%02x", leaf, kind, u[0], u[1], u[2], u[3], u[4], u[5]);
}

/* Copies [from, to) of in to out with copy_file_range, falling back to
 * read/write (skipping all-zero blocks, so holes stay holes) where the
 * kernel cannot. */
static int copy_range(int in, int out, off_t from, off_t to)
{
	loff_t ip = from, op = from;
	while (ip < to) {
		ssize_t n = copy_file_range(in, &ip, out, &op, (size_t)(to - ip), 0);
		if (n > 0)
			continue;
		if (n == 0)
			return 0; /* the source shrank under us */
		if (errno != EXDEV && errno != ENOSYS && errno != EOPNOTSUPP && errno != EINVAL)
			return -1;
		break;
	}
	static const char zero[COPY_CHUNK];
	char *buf = malloc(COPY_CHUNK);
	if (!buf)
		abort();
	int rc = 0;
	while (ip < to) {
		size_t want = (size_t)(to - ip) < COPY_CHUNK ? (size_t)(to - ip) : COPY_CHUNK;
		ssize_t n = pread(in, buf, want, ip);
		if (n <= 0) {
			rc = n < 0 ? -1 : 0;
			break;
		}
		if (memcmp(buf, zero, (size_t)n) != 0 && pwrite(out, buf, (size_t)n, ip) != n) {
			rc = -1;
			break;
		}
		ip += n;
	}
	free(buf);
	return rc;
}

/* Copies every data extent of in to out (already sized), leaving holes. */
static int copy_sparse(int in, int out, off_t size)
{
	for (off_t off = 0; off < size;) {
		off_t data = lseek(in, off, SEEK_DATA);
		if (data < 0)
			return errno == ENXIO ? 0 : -1;
		off_t hole = lseek(in, data, SEEK_HOLE);
		if (hole < 0)
			hole = size;
		if (copy_range(in, out, data, hole) < 0)
			return -1;
		off = hole;
	}
	return 0;
}

/* Fills a new file; returns 0 or an errno. */
typedef int (*fill_fn)(int dirfd, int fd, const char *tmp, void *ctx, vd_error *err);

/* Makes a new file at dst: a temporary is created (0600), filled, fsynced,
 * renamed to the final name without replacing anything, and the directory
 * fsynced. Any failure removes the temporary. */
static bool make_file(const vd_place *dst, fill_fn fill, void *ctx, vd_error *err)
{
	const char *leaf;
	int dir = open_parent(dst, true, &leaf, err);
	if (dir < 0)
		return false;
	bool ok = false;
	int fd = -1;
	char tmp[256];
	temp_name(tmp, sizeof tmp, leaf, "tmp");
	struct stat st;
	if (fstatat(dir, leaf, &st, AT_SYMLINK_NOFOLLOW) == 0) {
		fail(dst, "creating", EEXIST, err);
		goto cleanup;
	}
	fd = openat(dir, tmp, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		fail(dst, "creating", errno, err);
		goto cleanup;
	}
	int e = fill(dir, fd, tmp, ctx, err);
	if (err->reason != VD_OK)
		goto cleanup;
	if (e) {
		fail(dst, "writing", e, err);
		goto cleanup;
	}
	if (fsync(fd) < 0) {
		fail(dst, "syncing", errno, err);
		goto cleanup;
	}
	if (renameat2(dir, tmp, dir, leaf, RENAME_NOREPLACE) < 0) {
		fail(dst, "placing", errno, err);
		goto cleanup;
	}
	tmp[0] = '\0';
	fsync(dir);
	ok = true;
cleanup:
	if (fd >= 0)
		close(fd);
	if (tmp[0] && fd >= 0)
		unlinkat(dir, tmp, 0);
	close(dir);
	return ok;
}

/* Opens the regular file at p with flags; -1 with err set otherwise. */
static int open_file(const vd_place *p, int flags, int *dirfd, const char **leaf, vd_error *err)
{
	int dir = open_parent(p, false, leaf, err);
	if (dir < 0)
		return -1;
	int fd = openat2_(dir, *leaf, flags | O_NOFOLLOW);
	if (fd < 0) {
		fail(p, "opening", errno, err);
		close(dir);
		return -1;
	}
	struct stat st;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		vd_error_set(err, VD_FILE_ERROR, "%s is not a regular file", p->path);
		close(fd);
		close(dir);
		return -1;
	}
	if (dirfd)
		*dirfd = dir;
	else
		close(dir);
	return fd;
}

typedef struct copy_ctx {
	int src;
	off_t size;
} copy_ctx;

static int fill_copy(int dirfd, int fd, const char *tmp, void *ctx, vd_error *err)
{
	copy_ctx *c = ctx;
	/* A reflink shares the blocks: instant, and the copy is independent. */
	if (ioctl(fd, FICLONE, c->src) == 0)
		return 0;
	if (ftruncate(fd, c->size) < 0 || copy_sparse(c->src, fd, c->size) < 0)
		return errno;
	return 0;
}

bool vd_files_copy(const vd_place *src, const vd_place *dst, vd_error *err)
{
	const char *leaf;
	copy_ctx c;
	c.src = open_file(src, O_RDONLY, NULL, &leaf, err);
	if (c.src < 0)
		return false;
	struct stat st;
	fstat(c.src, &st);
	c.size = st.st_size;
	bool ok = make_file(dst, fill_copy, &c, err);
	close(c.src);
	return ok;
}

typedef struct create_ctx {
	const char *type;
	int64_t size;
} create_ctx;

/* The temporary's path as a tool can open it: through our own open
 * directory, so nothing can swap a path component in between. */
static void tool_path(char *out, size_t outsz, int dirfd, const char *tmp)
{
	snprintf(out, outsz, "/proc/%d/fd/%d/%s", (int)getpid(), dirfd, tmp);
}

static int fill_create(int dirfd, int fd, const char *tmp, void *ctx, vd_error *err)
{
	create_ctx *c = ctx;
	char path[512], size[32];
	tool_path(path, sizeof path, dirfd, tmp);
	snprintf(size, sizeof size, "%lld", (long long)c->size);
	if (strcmp(c->type, "qcow2") == 0) {
		const char *argv[] = {"qemu-img", "create", "-q", "-f", "qcow2", path, size, NULL};
		vd_tool_run(argv, TOOL_TIMEOUT_S, err);
		return 0;
	}
	if (ftruncate(fd, c->size) < 0)
		return errno;
	if (strcmp(c->type, "ext4") == 0) {
		const char *argv[] = {"mkfs.ext4", "-q", "-F", "-m", "0", "-E",
				      "nodiscard,lazy_itable_init=1,lazy_journal_init=1", path, NULL};
		vd_tool_run(argv, TOOL_TIMEOUT_S, err);
	}
	return 0;
}

bool vd_files_create(const vd_place *dst, const char *type, int64_t size, vd_error *err)
{
	create_ctx c = {type, size};
	return make_file(dst, fill_create, &c, err);
}

bool vd_files_grow(const vd_place *p, const char *type, int64_t size, vd_error *err)
{
	int dir;
	const char *leaf;
	int fd = open_file(p, O_RDWR, &dir, &leaf, err);
	if (fd < 0)
		return false;
	bool ok = false;
	char path[512], arg[32];
	tool_path(path, sizeof path, dir, leaf);
	snprintf(arg, sizeof arg, "%lld", (long long)size);
	struct stat st;
	fstat(fd, &st);
	if (strcmp(type, "qcow2") == 0) {
		const char *argv[] = {"qemu-img", "resize", "-q", "-f", "qcow2", path, arg, NULL};
		ok = vd_tool_run(argv, TOOL_TIMEOUT_S, err);
	} else if (size <= st.st_size) {
		vd_error_set(err, VD_INVALID_FIELD, "invalid size_bytes: %lld is not larger than the file (%lld)",
			     (long long)size, (long long)st.st_size);
		vd_error_meta(err, "field", "size_bytes");
	} else if (ftruncate(fd, size) < 0) {
		fail(p, "growing", errno, err);
	} else if (strcmp(type, "ext4") == 0) {
		const char *argv[] = {"resize2fs", "-f", path, NULL};
		ok = vd_tool_run(argv, TOOL_TIMEOUT_S, err);
		if (!ok && ftruncate(fd, st.st_size) < 0) /* put the size back */
			vd_log(VD_LOG_ERROR, "could not shrink %s back after a failed resize: %s", p->path,
			       strerror(errno));
	} else {
		ok = true;
	}
	if (ok && fsync(fd) < 0)
		ok = fail(p, "syncing", errno, err);
	close(fd);
	close(dir);
	return ok;
}

bool vd_files_stash(vd_arena *a, const vd_place *p, char **stash, vd_error *err)
{
	const char *leaf;
	int dir = open_parent(p, false, &leaf, err);
	if (dir < 0)
		return false;
	struct stat st;
	bool ok = false;
	char name[256];
	temp_name(name, sizeof name, leaf, "deleted");
	if (fstatat(dir, leaf, &st, AT_SYMLINK_NOFOLLOW) < 0)
		fail(p, "deleting", errno, err);
	else if (!S_ISREG(st.st_mode))
		vd_error_set(err, VD_FILE_ERROR, "%s is not a regular file; not deleting it", p->path);
	else if (renameat2(dir, leaf, dir, name, RENAME_NOREPLACE) < 0)
		fail(p, "deleting", errno, err);
	else
		ok = true;
	close(dir);
	if (ok)
		*stash = vd_arena_strdup(a, name);
	return ok;
}

void vd_files_unstash(const vd_place *p, const char *stash)
{
	vd_error ignored = {0};
	const char *leaf;
	int dir = open_parent(p, false, &leaf, &ignored);
	if (dir < 0 || renameat2(dir, stash, dir, leaf, RENAME_NOREPLACE) < 0)
		vd_log(VD_LOG_ERROR, "could not put %s back from %s: %s", p->path, stash, strerror(errno));
	if (dir >= 0)
		close(dir);
}

void vd_files_drop_stash(const vd_place *p, const char *stash)
{
	vd_error ignored = {0};
	const char *leaf;
	int dir = open_parent(p, false, &leaf, &ignored);
	if (dir < 0 || unlinkat(dir, stash, 0) < 0)
		vd_log(VD_LOG_WARN, "could not remove %s (stash of %s): %s", stash, p->path, strerror(errno));
	else
		fsync(dir);
	if (dir >= 0)
		close(dir);
}

bool vd_files_remove(const vd_place *p, vd_error *err)
{
	const char *leaf;
	int dir = open_parent(p, false, &leaf, err);
	if (dir < 0)
		return false;
	struct stat st;
	bool ok = false;
	if (fstatat(dir, leaf, &st, AT_SYMLINK_NOFOLLOW) < 0)
		fail(p, "removing", errno, err);
	else if (!S_ISREG(st.st_mode))
		vd_error_set(err, VD_FILE_ERROR, "%s is not a regular file; not removing it", p->path);
	else if (unlinkat(dir, leaf, 0) < 0)
		fail(p, "removing", errno, err);
	else
		ok = true;
	close(dir);
	return ok;
}

/* The size of an open regular file as a volume of this type. */
static int64_t size_of(int fd, const char *type)
{
	struct stat st;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
		return -1;
	int64_t size = st.st_size;
	/* A qcow2 header: magic "QFI\xfb", then the virtual size at byte 24. */
	unsigned char h[32];
	if (type && strcmp(type, "qcow2") == 0 && pread(fd, h, sizeof h, 0) == (ssize_t)sizeof h &&
	    memcmp(h, "QFI\xfb", 4) == 0) {
		uint64_t v = 0;
		for (int i = 24; i < 32; i++)
			v = v << 8 | h[i];
		size = (int64_t)v;
	}
	return size;
}

int64_t vd_files_size(const vd_place *p, const char *type)
{
	vd_error ignored = {0};
	const char *leaf;
	int fd = open_file(p, O_RDONLY, NULL, &leaf, &ignored);
	if (fd < 0)
		return -1;
	int64_t size = size_of(fd, type);
	close(fd);
	return size;
}

int64_t vd_files_size_at(const char *path, const char *type)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return -1;
	int64_t size = size_of(fd, type);
	close(fd);
	return size;
}

const char *vd_files_type_of(const char *name)
{
	size_t n = strlen(name);
	if (n > 5 && strcmp(name + n - 5, ".ext4") == 0)
		return "ext4";
	if (n > 6 && strcmp(name + n - 6, ".qcow2") == 0)
		return "qcow2";
	return "raw";
}
