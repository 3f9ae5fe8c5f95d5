/* unit_wire - the shared reason table, HTTP mapping, UUID and UTF-8 rules. */
#include <stdlib.h>
#include <string.h>

#include "tcheck.h"
#include "wire.h"

void th_fail(void)
{
	exit(1);
}

int main(void)
{
	/* Every reason has a unique UPPER_SNAKE name that maps back to it. */
	for (int r = 1; r < VD_REASON_COUNT; r++) {
		const char *name = vd_reason_name((vd_reason)r);
		CHECK(strlen(name) > 0);
		for (const char *p = name; *p; p++)
			CHECK((*p >= 'A' && *p <= 'Z') || *p == '_');
		CHECK_INT(vd_reason_lookup(name), r);
		CHECK(vd_reason_code((vd_reason)r) != VD_CODE_OK);
	}
	CHECK_INT(vd_reason_lookup("NOPE"), VD_REASON_COUNT);
	CHECK_INT(vd_reason_code(VD_VOLUME_ATTACHED), VD_CODE_FAILED_PRECONDITION);
	CHECK_INT(vd_reason_http(VD_VOLUME_ATTACHED), 409);
	CHECK_INT(vd_reason_http(VD_METHOD_NOT_ALLOWED), 405);
	CHECK_INT(vd_reason_http(VD_PAYLOAD_TOO_LARGE), 413);
	CHECK_INT(vd_reason_http(VD_UNSUPPORTED_MEDIA_TYPE), 415);
	/* Reasons volumed sends have the HTTP status of their gRPC code. */
	for (int r = VD_VOLUME_NOT_FOUND; r <= VD_INTERNAL; r++)
		CHECK_INT(vd_reason_http((vd_reason)r), vd_code_http(vd_reason_code((vd_reason)r)));

	CHECK_INT(vd_code_http(VD_CODE_INVALID_ARGUMENT), 400);
	CHECK_INT(vd_code_http(VD_CODE_UNAUTHENTICATED), 401);
	CHECK_INT(vd_code_http(VD_CODE_PERMISSION_DENIED), 403);
	CHECK_INT(vd_code_http(VD_CODE_NOT_FOUND), 404);
	CHECK_INT(vd_code_http(VD_CODE_ALREADY_EXISTS), 409);
	CHECK_INT(vd_code_http(VD_CODE_ABORTED), 409);
	CHECK_INT(vd_code_http(VD_CODE_FAILED_PRECONDITION), 409);
	CHECK_INT(vd_code_http(VD_CODE_RESOURCE_EXHAUSTED), 429);
	CHECK_INT(vd_code_http(VD_CODE_UNIMPLEMENTED), 501);
	CHECK_INT(vd_code_http(VD_CODE_UNAVAILABLE), 503);
	CHECK_INT(vd_code_http(VD_CODE_DEADLINE_EXCEEDED), 504);
	CHECK_INT(vd_code_http(VD_CODE_INTERNAL), 500);
	CHECK_INT(vd_code_http(VD_CODE_DATA_LOSS), 500);
	CHECK_STR(vd_code_name(VD_CODE_FAILED_PRECONDITION), "FAILED_PRECONDITION");
	CHECK_STR(vd_code_name(99), "UNKNOWN");

	CHECK_INT(vd_code_exit(VD_CODE_NOT_FOUND), VD_EXIT_NOT_FOUND);
	CHECK_INT(vd_code_exit(VD_CODE_INVALID_ARGUMENT), VD_EXIT_INVALID);
	CHECK_INT(vd_code_exit(VD_CODE_FAILED_PRECONDITION), VD_EXIT_CONFLICT);
	CHECK_INT(vd_code_exit(VD_CODE_ALREADY_EXISTS), VD_EXIT_CONFLICT);
	CHECK_INT(vd_code_exit(VD_CODE_UNAVAILABLE), VD_EXIT_UNAVAILABLE);

	uint8_t raw[16];
	char back[VD_UUID_LEN + 1];
	const char *u = "0FA7CF15-F92D-49C7-BFB8-CCDEAC8633F5";
	CHECK(vd_uuid_parse(u, strlen(u), raw));
	vd_uuid_format(raw, back);
	CHECK_STR(back, "0fa7cf15-f92d-49c7-bfb8-ccdeac8633f5");
	CHECK(!vd_uuid_parse("0fa7cf15-f92d-49c7-bfb8-ccdeac8633f", 35, raw));
	CHECK(!vd_uuid_parse("0fa7cf15-f92d-49c7-bfb8_ccdeac8633f5", 36, raw));
	CHECK(!vd_uuid_parse("0fa7cf15f-92d-49c7-bfb8-ccdeac8633f5", 36, raw));

	CHECK(vd_utf8_valid("plain", 5));
	CHECK(vd_utf8_valid("\xe2\x82\xac \xf0\x9f\x98\x80", 8));
	CHECK(!vd_utf8_valid("\x80", 1));
	CHECK(!vd_utf8_valid("\xc3", 1));
	CHECK(!vd_utf8_valid("\xe0\x80\xaf", 3));         /* overlong */
	CHECK(!vd_utf8_valid("\xf4\x90\x80\x80", 4));     /* above U+10FFFF */
	CHECK(!vd_utf8_valid("\xed\xbf\xbf", 3));         /* surrogate */
	CHECK_INT(vd_utf8_length("h\xc3\xa9llo", 6), 5);

	vd_error e = {0};
	vd_error_set(&e, VD_VOLUME_ATTACHED, "first %d", 1);
	vd_error_set(&e, VD_INTERNAL, "second");
	CHECK_INT(e.reason, VD_VOLUME_ATTACHED);
	CHECK_STR(e.message, "first 1");
	printf("unit_wire: ok\n");
	return 0;
}
