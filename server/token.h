/* token.h - opaque page tokens for keyset paging in (created_at, id) order.
 *
 * A token holds the last row's position and a fingerprint of the list's
 * filters, so a token used with other filters (or on another list) is
 * refused instead of silently skipping rows (AIP-158). */
#ifndef VOLUMED_TOKEN_H
#define VOLUMED_TOKEN_H

#include <stdbool.h>
#include <stdint.h>

#define VD_TOKEN_LEN 44

typedef struct vd_token {
	int64_t ts_us;   /* created_at, microseconds since the Unix epoch */
	uint8_t id[16];  /* the row's id */
} vd_token;

/* A fingerprint of a list and its filters: fold each part in turn. */
uint64_t vd_token_scope_start(int list);
uint64_t vd_token_scope_add(uint64_t scope, const char *part);

/* Writes the token as VD_TOKEN_LEN base64url characters plus NUL. */
void vd_token_encode(const vd_token *t, uint64_t scope, char out[VD_TOKEN_LEN + 1]);
/* False when s is not a token of this scope. */
bool vd_token_decode(const char *s, uint64_t scope, vd_token *out);

/* Formats microseconds since the epoch as a Postgres timestamptz literal
 * ("2025-11-03 08:50:11.123456+00"). out holds at least 40 bytes. */
void vd_token_format_ts(int64_t ts_us, char *out, int outsz);

#endif
