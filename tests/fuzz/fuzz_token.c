/* fuzz_token - page token decoding: anything accepted re-encodes to
 * exactly the input. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "token.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	memcpy(s, data, size);
	s[size] = '\0';
	uint64_t scope = vd_token_scope_add(vd_token_scope_start(0), NULL);
	vd_token t;
	if (vd_token_decode(s, scope, &t)) {
		char back[VD_TOKEN_LEN + 1];
		vd_token_encode(&t, scope, back);
		if (strcmp(back, s) != 0)
			abort();
		char ts[48];
		vd_token_format_ts(t.ts_us, ts, sizeof ts);
	}
	free(s);
	return 0;
}
