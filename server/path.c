/* path.c - path normalisation and rejection. */
#include "path.h"

#include <string.h>

#include "wire.h"

char *vd_path_normalize(const char *in, size_t len, char *out, const char **why)
{
	if (len == 0)
		return *why = "is required", NULL;
	if (in[0] != '/')
		return *why = "must be an absolute path", NULL;
	if (len > VD_PATH_MAX)
		return *why = "must be at most 4096 bytes", NULL;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)in[i];
		if (c < 0x20 || c == 0x7f)
			return *why = "must not contain NUL or control characters", NULL;
	}
	if (!vd_utf8_valid(in, len))
		return *why = "must be valid UTF-8", NULL;
	if (in[len - 1] == '/')
		return *why = "must name a file, not a directory", NULL;

	/* Walk the segments between slashes, copying the ones that matter. */
	size_t o = 0;
	for (size_t i = 0; i < len;) {
		while (i < len && in[i] == '/')
			i++;
		size_t start = i;
		while (i < len && in[i] != '/')
			i++;
		size_t seg = i - start;
		if (seg == 0 || (seg == 1 && in[start] == '.'))
			continue;
		if (seg == 2 && in[start] == '.' && in[start + 1] == '.')
			return *why = "must not contain '..' segments", NULL;
		out[o++] = '/';
		memcpy(out + o, in + start, seg);
		o += seg;
	}
	if (o == 0)
		return *why = "must name a file, not a directory", NULL;
	out[o] = '\0';
	return out;
}
