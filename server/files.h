/* files.h - the only code that touches volume files.
 *
 * Every operation starts from one of the configured roots (image, storage,
 * volume) and resolves the rest of the path with openat2(RESOLVE_BENEATH |
 * RESOLVE_NO_SYMLINKS), one directory at a time, so no symlink or rename
 * race can take it outside the root. New files are written under a hidden
 * temporary name, fsynced, and only then renamed into place (without
 * replacing anything), so a half-written file is never visible under its
 * final name, and nothing is registered before its file is complete. */
#ifndef VOLUMED_FILES_H
#define VOLUMED_FILES_H

#include <stdbool.h>
#include <stdint.h>

#include "arena.h"
#include "wire.h"

typedef struct vd_roots {
	const char *image;   /* templates: kernels and rootfs images */
	const char *storage; /* per-VM storage: {storage}/{vm-id}/storage/ */
	const char *volume;  /* data volumes */
} vd_roots;

/* A file under a root. field names the request field the path came from
 * (errors about it are then INVALID_FIELD), or NULL for paths volumed made
 * up itself. */
typedef struct vd_place {
	const char *root;
	const char *rel; /* below root, no leading '/' */
	const char *path;
	const char *field;
} vd_place;

/* Places a clean absolute path: inside `only` (one of the roots) when
 * given, else inside any root. False with INVALID_FIELD (naming field)
 * when it is not. */
bool vd_files_place(const vd_roots *r, const char *only, const char *path, const char *field,
		    vd_place *out, vd_error *err);
/* True when a clean absolute path lies inside one of the roots. */
bool vd_files_managed(const vd_roots *r, const char *path);

/* Copies the file at src to a new file at dst (parent directories made as
 * needed): a reflink where the filesystem can, else a copy of the data
 * that keeps holes. FILE_EXISTS if dst exists; NO_SPACE when the disk (or
 * a file size limit) is full. */
bool vd_files_copy(const vd_place *src, const vd_place *dst, vd_error *err);

/* Creates a new volume file at dst: "raw" sparse, "ext4" formatted with
 * mkfs.ext4, "qcow2" with qemu-img. Mode 0600. */
bool vd_files_create(const vd_place *dst, const char *type, int64_t size, vd_error *err);

/* Grows the file at p to size, then its filesystem (resize2fs) or image
 * (qemu-img resize). Refuses to shrink. On failure the file keeps its old
 * size. */
bool vd_files_grow(const vd_place *p, const char *type, int64_t size, vd_error *err);

/* Moves the file at p to a hidden name beside it (*stash, arena), so that a
 * deletion can still be undone until the registry has committed. */
bool vd_files_stash(vd_arena *a, const vd_place *p, char **stash, vd_error *err);
void vd_files_unstash(const vd_place *p, const char *stash);
void vd_files_drop_stash(const vd_place *p, const char *stash);

/* Removes the file at p (a regular file, never what a symlink points at). */
bool vd_files_remove(const vd_place *p, vd_error *err);

/* The size a volume of this type has: the virtual size of a qcow2 image,
 * the file size otherwise. -1 (and errno) when the file is not there or
 * not a regular file. */
int64_t vd_files_size(const vd_place *p, const char *type);

/* The same for a path anywhere (read-only, for registration, which may
 * name files outside the roots); symlinks at the end are not followed. */
int64_t vd_files_size_at(const char *path, const char *type);

/* The volume type a file name implies: .ext4, .qcow2, else raw. */
const char *vd_files_type_of(const char *name);

#endif
