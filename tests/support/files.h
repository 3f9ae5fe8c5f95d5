/* files.h - the files side of tests against a volumed with --host-name:
 * temporary roots, an ext4 template to copy, and checks on what volumed
 * wrote. */
#ifndef VOLUMED_TEST_FILES_H
#define VOLUMED_TEST_FILES_H

#include <stdbool.h>

/* {base}/images, {base}/vms (the storage root) and {base}/volumes, for
 * --image-root, --storage-root and --volume-root, and {base}/outside, a
 * directory outside every root for escape attempts. */
typedef struct th_roots {
	char base[256], images[300], storage[300], volumes[300];
} th_roots;

/* Makes the roots under a fresh /tmp/<prefix>-XXXXXX, removed when the
 * process exits (a failed check included) unless TH_KEEP is set. */
void th_roots_make(th_roots *r, const char *prefix);

/* The templates an operator would have: images/alpine-3.18.ext4, an ext4
 * filesystem (label "alpine") of bytes holding /etc/hostname and 1 MiB of
 * random data, and images/vmlinux-5.10.bin, a 4 MiB kernel blob. */
void th_roots_templates(const th_roots *r, int bytes);

/* "{storage}/{vm}/storage/rootfs-{8 lower-case hex}.ext4" */
bool th_rootfs_path_ok(const th_roots *r, const char *path, const char *vm);

bool th_exists(const char *path);               /* lstat: a dangling link exists */
long long th_file_size(const char *path);       /* -1 when it cannot be stat'ed */
bool th_same_bytes(const char *a, const char *b);
bool th_fsck_clean(const char *path);           /* e2fsck -n -f finds nothing */
long long th_ext4_bytes(const char *path);      /* the size its ext4 says it has; -1 */

#endif
