/* check.c - field validation. */
#include "check.h"

#include <string.h>

#include "path.h"

bool vd_check_invalid(vd_error *err, const char *field, const char *why)
{
	vd_error_set(err, VD_INVALID_FIELD, "invalid %s: %s", field, why);
	vd_error_meta(err, "field", field);
	return false;
}

bool vd_check_uuid(vd_error *err, const char *field, const char *value, char out[VD_UUID_LEN + 1])
{
	uint8_t raw[16];
	if (!value || !*value)
		return vd_check_invalid(err, field, "is required");
	if (!vd_uuid_parse(value, strlen(value), raw))
		return vd_check_invalid(err, field, "must be a UUID like 336ae2fd-1b83-4c4d-9778-d34d587374f9");
	vd_uuid_format(raw, out);
	return true;
}

bool vd_check_uuid_opt(vd_error *err, const char *field, const char *value, char out[VD_UUID_LEN + 1])
{
	if (!value || !*value) {
		out[0] = '\0';
		return true;
	}
	return vd_check_uuid(err, field, value, out);
}

static bool has_control(const char *s, size_t len, bool allow_newline)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (allow_newline && (c == '\n' || c == '\t' || c == '\r'))
			continue;
		if (c < 0x20 || c == 0x7f)
			return true;
		/* C1 controls U+0080..U+009F are encoded as C2 80..C2 9F. */
		if (c == 0xc2 && i + 1 < len && (unsigned char)s[i + 1] >= 0x80 &&
		    (unsigned char)s[i + 1] <= 0x9f)
			return true;
	}
	return false;
}

bool vd_check_name(vd_error *err, const char *field, const char *value)
{
	size_t len = value ? strlen(value) : 0;
	if (len == 0)
		return vd_check_invalid(err, field, "is required");
	if (!vd_utf8_valid(value, len))
		return vd_check_invalid(err, field, "must be valid UTF-8");
	if (has_control(value, len, false))
		return vd_check_invalid(err, field, "must not contain control characters");
	if (vd_utf8_length(value, len) > VD_NAME_MAX)
		return vd_check_invalid(err, field, "must be at most 255 characters");
	return true;
}

bool vd_check_text(vd_error *err, const char *field, const char *value, size_t max)
{
	size_t len = value ? strlen(value) : 0;
	if (!vd_utf8_valid(value, len))
		return vd_check_invalid(err, field, "must be valid UTF-8");
	if (has_control(value, len, true))
		return vd_check_invalid(err, field, "must not contain control characters");
	if (len > max) {
		vd_error_set(err, VD_INVALID_FIELD, "invalid %s: must be at most %zu bytes", field, max);
		vd_error_meta(err, "field", field);
		return false;
	}
	return true;
}

bool vd_check_drive_id(vd_error *err, const char *field, const char *value)
{
	size_t len = value ? strlen(value) : 0;
	if (len == 0)
		return vd_check_invalid(err, field, "is required");
	if (len > VD_DRIVE_ID_MAX)
		return vd_check_invalid(err, field, "must be at most 64 characters");
	for (size_t i = 0; i < len; i++) {
		char c = value[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '-'))
			return vd_check_invalid(err, field, "must contain only letters, digits, '_' and '-' (like rootfs or vdb)");
	}
	return true;
}

bool vd_check_path(vd_error *err, vd_arena *a, const char *field, const char *value, char **out)
{
	size_t len = value ? strlen(value) : 0;
	const char *why = NULL;
	char *buf = vd_arena_alloc(a, len + 1);
	if (!vd_path_normalize(value ? value : "", len, buf, &why))
		return vd_check_invalid(err, field, why);
	*out = buf;
	return true;
}

bool vd_check_page_size(vd_error *err, int32_t value, int *out)
{
	if (value < 0)
		return vd_check_invalid(err, "page_size", "must not be negative");
	*out = value == 0 ? VD_PAGE_SIZE_DEFAULT : value > VD_PAGE_SIZE_MAX ? VD_PAGE_SIZE_MAX : value;
	return true;
}

static bool read_varint(const uint8_t **p, const uint8_t *end, uint64_t *v)
{
	*v = 0;
	for (int shift = 0; shift < 64 && *p < end; shift += 7) {
		uint8_t b = *(*p)++;
		*v |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80))
			return true;
	}
	return false;
}

static int wire_type_of(const ProtobufCFieldDescriptor *f)
{
	switch (f->type) {
	case PROTOBUF_C_TYPE_SFIXED64:
	case PROTOBUF_C_TYPE_FIXED64:
	case PROTOBUF_C_TYPE_DOUBLE:
		return 1;
	case PROTOBUF_C_TYPE_SFIXED32:
	case PROTOBUF_C_TYPE_FIXED32:
	case PROTOBUF_C_TYPE_FLOAT:
		return 5;
	case PROTOBUF_C_TYPE_STRING:
	case PROTOBUF_C_TYPE_BYTES:
	case PROTOBUF_C_TYPE_MESSAGE:
		return 2;
	default:
		return 0; /* the varint types, bool and enum among them */
	}
}

static bool check_encoding(vd_error *err, const ProtobufCMessageDescriptor *d, const uint8_t *p, size_t len,
			   int depth, const char **bad_utf8)
{
	const uint8_t *end = p + len;
	while (p < end) {
		uint64_t key, n = 0;
		if (!read_varint(&p, end, &key))
			return true;
		int wt = (int)(key & 7);
		const uint8_t *value = p;
		if ((wt == 0 && !read_varint(&p, end, &n)) || (wt == 1 && end - p < 8) || (wt == 5 && end - p < 4) ||
		    (wt == 2 && (!read_varint(&p, end, &n) || n > (uint64_t)(end - p))) || wt == 3 || wt == 4 ||
		    wt > 5)
			return true; /* damaged: protobuf-c refuses it */
		value = wt == 2 ? p : value;
		p += wt == 1 ? 8 : wt == 5 ? 4 : wt == 2 ? n : 0;
		const ProtobufCFieldDescriptor *f =
			key >> 3 <= UINT32_MAX ? protobuf_c_message_descriptor_get_field(d, (unsigned)(key >> 3)) : NULL;
		if (!f)
			continue; /* unknown fields are skipped, as proto3 says */
		bool packed = wt == 2 && f->label == PROTOBUF_C_LABEL_REPEATED && wire_type_of(f) != 2;
		if (wt != wire_type_of(f) && !packed)
			return vd_error_set(err, VD_MALFORMED_REQUEST, "field %s has wire type %d, not %d", f->name, wt,
					    wire_type_of(f));
		if (f->type == PROTOBUF_C_TYPE_STRING && memchr(value, 0, n))
			return vd_check_invalid(err, f->name, "must not contain NUL");
		if (f->type == PROTOBUF_C_TYPE_STRING && !*bad_utf8 && !vd_utf8_valid((const char *)value, n))
			*bad_utf8 = f->name;
		if (f->type == PROTOBUF_C_TYPE_MESSAGE && depth < 32 &&
		    !check_encoding(err, f->descriptor, value, n, depth + 1, bad_utf8))
			return false;
	}
	return true;
}

bool vd_check_encoding(vd_error *err, const ProtobufCMessageDescriptor *d, const uint8_t *data, size_t len,
			const char **bad_utf8)
{
	*bad_utf8 = NULL;
	return check_encoding(err, d, data, len, 0, bad_utf8);
}
