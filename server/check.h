/* check.h - validation of request fields. Every check either accepts the
 * value or records INVALID_FIELD naming the field, with the field in the
 * error's metadata; none writes anywhere else. */
#ifndef VOLUMED_CHECK_H
#define VOLUMED_CHECK_H

#include <stdbool.h>
#include <stdint.h>

#include "arena.h"
#include "wire.h"

#define VD_NAME_MAX 255          /* characters */
#define VD_DESCRIPTION_MAX 4096  /* bytes */
#define VD_ADDRESS_MAX 255       /* bytes */
#define VD_DRIVE_ID_MAX 64       /* bytes */
#define VD_PAGE_SIZE_DEFAULT 1000
#define VD_PAGE_SIZE_MAX 1000

/* A required UUID; writes its lower-case form to out. */
bool vd_check_uuid(vd_error *err, const char *field, const char *value, char out[VD_UUID_LEN + 1]);
/* A UUID or the empty string (out is then ""). */
bool vd_check_uuid_opt(vd_error *err, const char *field, const char *value, char out[VD_UUID_LEN + 1]);
/* A required display name: 1-255 characters of UTF-8, no control characters. */
bool vd_check_name(vd_error *err, const char *field, const char *value);
/* Free text up to max bytes: UTF-8, no control characters but tab and newline. */
bool vd_check_text(vd_error *err, const char *field, const char *value, size_t max);
/* A Firecracker drive id: 1-64 of [A-Za-z0-9_-]. */
bool vd_check_drive_id(vd_error *err, const char *field, const char *value);
/* A clean absolute path (see path.h); *out is the normalised copy. */
bool vd_check_path(vd_error *err, vd_arena *a, const char *field, const char *value, char **out);
/* What protobuf-c does not check in an encoded message of type d: that
 * each known field comes with its type's wire type (protobuf-c reads a bool
 * from any), that no string holds a NUL (protobuf-c hands strings to C
 * NUL-terminated, so the rest would be silently cut off), and that strings
 * are UTF-8. Nested messages are walked too. Structural damage is left to
 * protobuf_c_message_unpack, so the first string field that is not UTF-8
 * only goes to *bad_utf8 (NULL if none), for the caller to refuse once the
 * message has unpacked: a damaged message is MALFORMED_REQUEST first. */
bool vd_check_encoding(vd_error *err, const ProtobufCMessageDescriptor *d, const uint8_t *data, size_t len,
			const char **bad_utf8);
/* Records INVALID_FIELD "invalid FIELD: WHY", naming the field in the
 * metadata. Returns false. */
bool vd_check_invalid(vd_error *err, const char *field, const char *why);
/* page_size: negative refused, 0 -> default, above the maximum -> maximum. */
bool vd_check_page_size(vd_error *err, int32_t value, int *out);

#endif
