/* images.h - the templates in this host's image root: kernels and rootfs
 * images, read from the directory itself (the disk is the truth). */
#ifndef VOLUMED_IMAGES_H
#define VOLUMED_IMAGES_H

#include <stdbool.h>
#include <stddef.h>

#include "arena.h"
#include "volumed/v1/image.pb-c.h"
#include "wire.h"

/* Every image (regular files only, by name), with stable ids: a name-based
 * UUID of the host and the file name, the same on every call and every
 * volumed of the host. */
bool vd_images_list(vd_arena *a, const char *root, const char *host_id, Volumed__V1__Image ***out,
		    size_t *n, vd_error *err);
/* The image with this id, or IMAGE_NOT_FOUND. */
bool vd_images_find(vd_arena *a, const char *root, const char *host_id, const char *id,
		    Volumed__V1__Image **out, vd_error *err);

#endif
