/* fuzz_path - path normalisation: whatever it accepts is clean, and clean
 * paths are fixed points. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "path.h"
#include "wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *out = malloc(size + 1), *again = malloc(size + 1);
	const char *why = NULL;
	if (vd_path_normalize((const char *)data, size, out, &why)) {
		size_t n = strlen(out);
		if (out[0] != '/' || n > VD_PATH_MAX || !vd_utf8_valid(out, n) || strstr(out, "//") ||
		    strstr(out, "/./") || strstr(out, "/../") || out[n - 1] == '/' ||
		    (n >= 2 && strcmp(out + n - 2, "/.") == 0) || (n >= 3 && strcmp(out + n - 3, "/..") == 0))
			abort();
		for (size_t i = 0; i < n; i++)
			if ((unsigned char)out[i] < 0x20 || out[i] == 0x7f)
				abort();
		if (!vd_path_normalize(out, n, again, &why) || strcmp(out, again) != 0)
			abort();
	} else if (!why) {
		abort();
	}
	free(out);
	free(again);
	return 0;
}
