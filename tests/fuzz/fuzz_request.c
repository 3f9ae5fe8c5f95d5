/* fuzz_request - what volumed does with request bytes before any SQL:
 * protobuf-c decoding into the call arena, then the UTF-8 check of every
 * string field. The first byte picks the method. */
#include <stdint.h>
#include <stdlib.h>

#include "arena.h"
#include "service.h"
#include "wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	const vd_method *m = &vd_methods[data[0] % VD_M_COUNT];
	vd_arena *a = vd_arena_new();
	ProtobufCAllocator alloc;
	vd_arena_protobuf(a, &alloc);
	ProtobufCMessage *msg = protobuf_c_message_unpack(m->request, &alloc, size - 1, data + 1);
	if (msg) {
		vd_error err = {0};
		vd_service_check_strings(msg, &err);
	}
	vd_arena_free(a);
	return 0;
}
