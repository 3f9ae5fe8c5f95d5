/* files.c - see files.h. */
#include "files.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "harness.h"

enum { MAX_ROOTS = 4 };
static const th_roots *made[MAX_ROOTS];
static int nmade;

static void remove_roots(void)
{
	if (getenv("TH_KEEP"))
		return;
	for (int i = 0; i < nmade; i++)
		th_run(th_fmt("rm -rf '%s'", made[i]->base));
}

void th_roots_make(th_roots *r, const char *prefix)
{
	CHECK(nmade < MAX_ROOTS);
	snprintf(r->base, sizeof r->base, "/tmp/%s-XXXXXX", prefix);
	CHECK(mkdtemp(r->base) != NULL);
	if (nmade == 0)
		atexit(remove_roots);
	made[nmade++] = r;
	snprintf(r->images, sizeof r->images, "%s/images", r->base);
	snprintf(r->storage, sizeof r->storage, "%s/vms", r->base);
	snprintf(r->volumes, sizeof r->volumes, "%s/volumes", r->base);
	CHECK(mkdir(r->images, 0755) == 0 && mkdir(r->storage, 0755) == 0 && mkdir(r->volumes, 0755) == 0);
	CHECK(mkdir(th_fmt("%s/outside", r->base), 0755) == 0);
}

void th_roots_templates(const th_roots *r, int bytes)
{
	CHECK_INT(th_run(th_fmt("mkdir -p '%s/rootfs/etc' && echo alpine > '%s/rootfs/etc/hostname' && "
	                        "head -c 1048576 /dev/urandom > '%s/rootfs/etc/blob'",
	                        r->base, r->base, r->base)),
	          0);
	const char *tmpl = th_fmt("%s/alpine-3.18.ext4", r->images);
	CHECK_INT(th_run(th_fmt("truncate -s %d '%s' && mkfs.ext4 -q -F -L alpine -d '%s/rootfs' '%s'", bytes,
	                        tmpl, r->base, tmpl)),
	          0);
	CHECK_INT(th_run(th_fmt("truncate -s 4M '%s/vmlinux-5.10.bin'", r->images)), 0);
}

bool th_rootfs_path_ok(const th_roots *r, const char *path, const char *vm)
{
	const char *prefix = th_fmt("%s/%s/storage/rootfs-", r->storage, vm);
	size_t n = strlen(prefix);
	if (!path || strncmp(path, prefix, n) != 0 || strlen(path) != n + 8 + 5)
		return false;
	for (size_t i = n; i < n + 8; i++)
		if (!isxdigit((unsigned char)path[i]) || isupper((unsigned char)path[i]))
			return false;
	return strcmp(path + n + 8, ".ext4") == 0;
}

bool th_exists(const char *path)
{
	struct stat s;
	return lstat(path, &s) == 0;
}

long long th_file_size(const char *path)
{
	struct stat s;
	return stat(path, &s) == 0 ? (long long)s.st_size : -1;
}

bool th_same_bytes(const char *a, const char *b)
{
	return th_run(th_fmt("cmp -s '%s' '%s'", a, b)) == 0;
}

bool th_fsck_clean(const char *path)
{
	return th_run(th_fmt("e2fsck -n -f '%s' >/dev/null 2>&1", path)) == 0;
}

long long th_ext4_bytes(const char *path)
{
	FILE *p = popen(th_fmt("dumpe2fs -h '%s' 2>/dev/null | awk -F: '/^Block count/{c=$2} "
	                       "/^Block size/{s=$2} END{print c*s}'",
	                       path),
	                "r");
	long long n = -1;
	CHECK(p != NULL);
	if (fscanf(p, "%lld", &n) != 1)
		n = -1;
	pclose(p);
	return n;
}
