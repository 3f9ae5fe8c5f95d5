/* images.c - listing the image root. */
#include "images.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <uuid/uuid.h>

#include "files.h"

/* The namespace of image ids (a fixed random UUID of volumed's own). */
static const uuid_t image_ns = {0x6b, 0x1e, 0x2f, 0x49, 0x0a, 0x5c, 0x4e, 0x8d,
				0x9b, 0x33, 0x7c, 0x21, 0xd4, 0x5e, 0xa0, 0x17};

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);
	return n > k && strcmp(s + n - k, suffix) == 0;
}

static Volumed__V1__ImageKind kind_of(const char *name)
{
	if (strncmp(name, "vmlinux", 7) == 0 || ends_with(name, ".bin") || strstr(name, "kernel"))
		return VOLUMED__V1__IMAGE_KIND__IMAGE_KIND_KERNEL;
	if (ends_with(name, ".ext4") || ends_with(name, ".qcow2") || ends_with(name, ".img") ||
	    ends_with(name, ".raw"))
		return VOLUMED__V1__IMAGE_KIND__IMAGE_KIND_ROOTFS;
	return VOLUMED__V1__IMAGE_KIND__IMAGE_KIND_UNSPECIFIED;
}

static int by_name(const void *x, const void *y)
{
	return strcmp((*(Volumed__V1__Image *const *)x)->name, (*(Volumed__V1__Image *const *)y)->name);
}

bool vd_images_list(vd_arena *a, const char *root, const char *host_id, Volumed__V1__Image ***out,
		    size_t *n, vd_error *err)
{
	DIR *d = opendir(root);
	if (!d) {
		if (errno == ENOENT) { /* no image root yet: no images */
			*out = vd_arena_alloc(a, sizeof **out);
			*n = 0;
			return true;
		}
		return vd_error_set(err, VD_FILE_ERROR, "image root %s: %s", root, strerror(errno));
	}
	size_t cap = 16, count = 0;
	Volumed__V1__Image **list = malloc(cap * sizeof *list);
	if (!list)
		abort();
	for (struct dirent *e; (e = readdir(d));) {
		struct stat st;
		/* Only regular files: a symlink could point anywhere. */
		if (e->d_name[0] == '.' || fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
		    !S_ISREG(st.st_mode))
			continue;
		/* Names go out as protobuf strings, which must be UTF-8; a name
		 * with control characters could never be a volume path either. */
		size_t len = strlen(e->d_name);
		bool clean = vd_utf8_valid(e->d_name, len);
		for (size_t k = 0; clean && k < len; k++)
			clean = (unsigned char)e->d_name[k] >= 0x20 && e->d_name[k] != 0x7f;
		if (!clean)
			continue;
		Volumed__V1__ImageKind kind = kind_of(e->d_name);
		if (kind == VOLUMED__V1__IMAGE_KIND__IMAGE_KIND_UNSPECIFIED)
			continue;
		Volumed__V1__Image *im = vd_arena_alloc(a, sizeof *im);
		volumed__v1__image__init(im);
		char key[512];
		snprintf(key, sizeof key, "%s/%s", host_id, e->d_name);
		uuid_t u;
		uuid_generate_sha1(u, image_ns, key, strlen(key));
		im->id = vd_arena_alloc(a, VD_UUID_LEN + 1);
		vd_uuid_format(u, im->id);
		im->name = vd_arena_strdup(a, e->d_name);
		im->path = vd_arena_printf(a, "%s/%s", root, e->d_name);
		im->host_id = vd_arena_strdup(a, host_id);
		im->kind = kind;
		im->type = VOLUMED__V1__VOLUME_TYPE__VOLUME_TYPE_UNSPECIFIED;
		const char *t = vd_files_type_of(e->d_name);
		if (kind == VOLUMED__V1__IMAGE_KIND__IMAGE_KIND_ROOTFS)
			im->type = strcmp(t, "ext4") == 0	 ? VOLUMED__V1__VOLUME_TYPE__VOLUME_TYPE_EXT4
				   : strcmp(t, "qcow2") == 0 ? VOLUMED__V1__VOLUME_TYPE__VOLUME_TYPE_QCOW2
							     : VOLUMED__V1__VOLUME_TYPE__VOLUME_TYPE_RAW;
		im->size_bytes = st.st_size;
		if (count == cap && !(list = realloc(list, (cap *= 2) * sizeof *list)))
			abort();
		list[count++] = im;
	}
	closedir(d);
	qsort(list, count, sizeof *list, by_name);
	*out = vd_arena_alloc(a, (count ? count : 1) * sizeof **out);
	memcpy(*out, list, count * sizeof *list);
	*n = count;
	free(list);
	return true;
}

bool vd_images_find(vd_arena *a, const char *root, const char *host_id, const char *id,
		    Volumed__V1__Image **out, vd_error *err)
{
	Volumed__V1__Image **all;
	size_t n;
	if (!vd_images_list(a, root, host_id, &all, &n, err))
		return false;
	for (size_t i = 0; i < n; i++)
		if (strcmp(all[i]->id, id) == 0) {
			*out = all[i];
			return true;
		}
	vd_error_set(err, VD_IMAGE_NOT_FOUND, "image %s not found in %s on this host", id, root);
	vd_error_meta(err, "image_id", id);
	return false;
}
