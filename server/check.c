/* check.c - field validation. */
#include "check.h"

#include <string.h>

#include "path.h"

static bool invalid(vd_error *err, const char *field, const char *why)
{
	vd_error_set(err, VD_INVALID_FIELD, "invalid %s: %s", field, why);
	vd_error_meta(err, "field", field);
	return false;
}

bool vd_check_uuid(vd_error *err, const char *field, const char *value, char out[VD_UUID_LEN + 1])
{
	uint8_t raw[16];
	if (!value || !*value)
		return invalid(err, field, "is required");
	if (!vd_uuid_parse(value, strlen(value), raw))
		return invalid(err, field, "must be a UUID like 336ae2fd-1b83-4c4d-9778-d34d587374f9");
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
		return invalid(err, field, "is required");
	if (!vd_utf8_valid(value, len))
		return invalid(err, field, "must be valid UTF-8");
	if (has_control(value, len, false))
		return invalid(err, field, "must not contain control characters");
	if (vd_utf8_length(value, len) > VD_NAME_MAX)
		return invalid(err, field, "must be at most 255 characters");
	return true;
}

bool vd_check_text(vd_error *err, const char *field, const char *value, size_t max)
{
	size_t len = value ? strlen(value) : 0;
	if (!vd_utf8_valid(value, len))
		return invalid(err, field, "must be valid UTF-8");
	if (has_control(value, len, true))
		return invalid(err, field, "must not contain control characters");
	if (len > max) {
		vd_error_set(err, VD_INVALID_FIELD, "invalid %s: must be at most %zu bytes", field, max);
		vd_error_meta(err, "field", field);
		return false;
	}
	return true;
}

bool vd_check_utf8(vd_error *err, const char *field, const char *value)
{
	if (value && !vd_utf8_valid(value, strlen(value)))
		return invalid(err, field, "must be valid UTF-8");
	return true;
}

bool vd_check_drive_id(vd_error *err, const char *field, const char *value)
{
	size_t len = value ? strlen(value) : 0;
	if (len == 0)
		return invalid(err, field, "is required");
	if (len > VD_DRIVE_ID_MAX)
		return invalid(err, field, "must be at most 64 characters");
	for (size_t i = 0; i < len; i++) {
		char c = value[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '-'))
			return invalid(err, field, "must contain only letters, digits, '_' and '-' (like rootfs or vdb)");
	}
	return true;
}

bool vd_check_path(vd_error *err, vd_arena *a, const char *field, const char *value, char **out)
{
	size_t len = value ? strlen(value) : 0;
	const char *why = NULL;
	char *buf = vd_arena_alloc(a, len + 1);
	if (!vd_path_normalize(value ? value : "", len, buf, &why))
		return invalid(err, field, why);
	*out = buf;
	return true;
}

bool vd_check_page_size(vd_error *err, int32_t value, int *out)
{
	if (value < 0)
		return invalid(err, "page_size", "must not be negative");
	*out = value == 0 ? VD_PAGE_SIZE_DEFAULT : value > VD_PAGE_SIZE_MAX ? VD_PAGE_SIZE_MAX : value;
	return true;
}
