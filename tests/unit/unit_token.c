/* unit_token - page tokens round-trip and refuse tampering and reuse with
 * other filters. */
#include <stdlib.h>
#include <string.h>

#include "tcheck.h"
#include "token.h"

void th_fail(void)
{
	exit(1);
}

int main(void)
{
	vd_token t = {.ts_us = 1762159811123456LL}, back;
	for (int i = 0; i < 16; i++)
		t.id[i] = (uint8_t)(i * 17);
	uint64_t scope = vd_token_scope_add(vd_token_scope_add(vd_token_scope_start(1), "host"), NULL);
	char tok[VD_TOKEN_LEN + 1];
	vd_token_encode(&t, scope, tok);
	CHECK_INT(strlen(tok), VD_TOKEN_LEN);
	CHECK(vd_token_decode(tok, scope, &back));
	CHECK_INT(back.ts_us, t.ts_us);
	CHECK(memcmp(back.id, t.id, 16) == 0);

	/* Other filters, other list: refused. */
	uint64_t other = vd_token_scope_add(vd_token_scope_add(vd_token_scope_start(1), "hos"), "t");
	CHECK(other != scope);
	CHECK(!vd_token_decode(tok, other, &back));
	CHECK(!vd_token_decode(tok, vd_token_scope_start(2), &back));

	/* Garbage, truncation, flipped characters, wrong alphabet. */
	CHECK(!vd_token_decode("", scope, &back));
	CHECK(!vd_token_decode("abc", scope, &back));
	char bad[VD_TOKEN_LEN + 2];
	strcpy(bad, tok);
	bad[VD_TOKEN_LEN - 1] = '\0';
	CHECK(!vd_token_decode(bad, scope, &back));
	strcpy(bad, tok);
	bad[3] = '+';
	CHECK(!vd_token_decode(bad, scope, &back));
	strcpy(bad, tok);
	bad[40] = bad[40] == 'A' ? 'B' : 'A'; /* inside the scope bytes */
	CHECK(!vd_token_decode(bad, scope, &back));

	/* A position no row can have is refused even with the right scope. */
	vd_token neg = {.ts_us = -5};
	vd_token_encode(&neg, scope, tok);
	CHECK(!vd_token_decode(tok, scope, &back));

	char ts[48];
	vd_token_format_ts(1762159811123456LL, ts, sizeof ts);
	CHECK_STR(ts, "2025-11-03 08:50:11.123456+00");
	printf("unit_token: ok\n");
	return 0;
}
