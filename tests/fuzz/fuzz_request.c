/* fuzz_request - what volumed does with request bytes before any SQL: the
 * raw walk of vd_check_encoding (wire types, NUL, UTF-8), then protobuf-c
 * decoding into the call arena. The first byte picks the method. */
#include <stdint.h>
#include <stdlib.h>

#include "arena.h"
#include "check.h"
#include "wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	const vd_method *m = &vd_methods[data[0] % VD_M_COUNT];
	vd_arena *a = vd_arena_new();
	vd_error err = {0};
	const char *bad_utf8;
	if (vd_check_encoding(&err, m->request, data + 1, size - 1, &bad_utf8)) {
		ProtobufCAllocator alloc;
		vd_arena_protobuf(a, &alloc);
		protobuf_c_message_unpack(m->request, &alloc, size - 1, data + 1);
	}
	vd_arena_free(a);
	return 0;
}
