/* json.c - request bodies into volumed messages, and volumed messages and
 * errors into the JSON shapes of PRODUCT.md. */
#include "json.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

json_t *gw_json_error(int http, const char *status, const char *reason, const char *message,
		      const gw_json_meta *meta, int nmeta)
{
	json_t *e = json_object();
	json_object_set_new(e, "code", json_integer(http));
	json_object_set_new(e, "status", vj_text(status));
	json_object_set_new(e, "reason", vj_text(reason));
	json_object_set_new(e, "message", vj_text(message));
	/* The facts volumed attaches (the field at fault, the holder of a
	 * volume) are as useful to a program as the reason, so they travel
	 * too, but only when there are any. */
	if (nmeta > 0) {
		json_t *m = json_object();
		for (int i = 0; i < nmeta; i++)
			if (vd_utf8_valid(meta[i].key, strlen(meta[i].key)))
				json_object_set_new(m, meta[i].key, vj_text(meta[i].value));
		json_object_set_new(e, "metadata", m);
	}
	json_t *o = json_object();
	json_object_set_new(o, "error", e);
	return o;
}

/* ---- decoding ---- */

static bool blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
			return false;
	return true;
}

/* A field name as it may appear in a message: at most 64 bytes, cut at a
 * character boundary (keys are valid UTF-8, jansson checked). */
static const char *shown(const char *key, char out[72])
{
	size_t n = strlen(key);
	if (n <= 64)
		return key;
	n = 64;
	while (n > 0 && ((unsigned char)key[n] & 0xc0) == 0x80)
		n--;
	snprintf(out, 72, "%.*s...", (int)n, key);
	return out;
}

static const char *kind(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		return "an object";
	case JSON_ARRAY:
		return "an array";
	case JSON_STRING:
		return "a string";
	case JSON_INTEGER:
		return "an integer";
	case JSON_REAL:
		return "a number with a fraction or exponent";
	case JSON_TRUE:
	case JSON_FALSE:
		return "a boolean";
	default:
		return "null";
	}
}

static bool field_error(vd_error *err, vd_reason reason, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static bool field_error(vd_error *err, vd_reason reason, const char *key, const char *fmt, ...)
{
	char buf[72];
	const char *name = shown(key, buf);
	char what[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	if (reason == VD_INVALID_JSON)
		vd_error_set(err, reason, "invalid JSON body: field \"%s\" %s", name, what);
	else
		vd_error_set(err, reason, "invalid %s: %s", name, what);
	vd_error_meta(err, "field", name);
	return false;
}

static bool unknown_field(vd_error *err, const char *key, const char *const *allowed)
{
	char list[256] = "";
	size_t n = 0;
	for (const char *const *a = allowed; *a && n < sizeof list; a++)
		n += (size_t)snprintf(list + n, sizeof list - n, "%s%s", a == allowed ? "" : ", ", *a);
	/* A typo must never be silently ignored: "drive" for "drive_id"
	 * would otherwise attach at the default drive. */
	char buf[72];
	const char *name = shown(key, buf);
	vd_error_set(err, VD_INVALID_JSON, "invalid JSON body: unknown field \"%s\" (%s%s)", name,
		     *allowed ? "expected " : "this request takes no fields", list);
	vd_error_meta(err, "field", name);
	return false;
}

/* 2^63 as a double: the first value out of int64's range. */
#define INT64_LIMIT 9223372036854775808.0

static bool set_field(ProtobufCMessage *msg, const ProtobufCFieldDescriptor *f, const char *key, json_t *v,
		      bool ints_as_reals, vd_error *err)
{
	void *p = (char *)msg + f->offset;
	switch (f->type) {
	case PROTOBUF_C_TYPE_STRING:
		if (!json_is_string(v))
			return field_error(err, VD_INVALID_JSON, key, "must be a string, not %s", kind(v));
		*(const char **)p = json_string_value(v);
		return true;
	case PROTOBUF_C_TYPE_BOOL:
		if (!json_is_boolean(v))
			return field_error(err, VD_INVALID_JSON, key, "must be true or false, not %s",
					   kind(v));
		*(protobuf_c_boolean *)p = json_is_true(v);
		return true;
	case PROTOBUF_C_TYPE_INT64:
		/* Only while looking for the culprit of a "too big integer":
		 * then every integer was read as a double. */
		if (ints_as_reals && json_is_real(v)) {
			double d = json_real_value(v);
			if (fabs(d) >= INT64_LIMIT)
				return field_error(err, VD_INVALID_JSON, key,
						   "must be an integer from -9223372036854775808 to "
						   "9223372036854775807");
			return true;
		}
		if (!json_is_integer(v))
			return field_error(err, VD_INVALID_JSON, key, "must be an integer, not %s", kind(v));
		*(int64_t *)p = (int64_t)json_integer_value(v);
		return true;
	case PROTOBUF_C_TYPE_INT32:
		if (!json_is_integer(v) || json_integer_value(v) < INT32_MIN ||
		    json_integer_value(v) > INT32_MAX)
			return field_error(err, VD_INVALID_JSON, key,
					   "must be an integer from -2147483648 to 2147483647");
		*(int32_t *)p = (int32_t)json_integer_value(v);
		return true;
	case PROTOBUF_C_TYPE_ENUM: {
		const ProtobufCEnumDescriptor *d = f->descriptor;
		if (!json_is_string(v))
			return field_error(err, VD_INVALID_JSON, key, "must be a string (one of %s), not %s",
					   vj_enum_words(d), kind(v));
		const char *s = json_string_value(v);
		int e = *s ? vj_enum_value(d, s) : 0;
		/* The right JSON type with a value that is not one of ours:
		 * that is what volumed calls INVALID_FIELD, so say the same.
		 * An empty string is left unset for volumed to name. */
		if (e < 0)
			return field_error(err, VD_INVALID_FIELD, key, "must be one of %s",
					   vj_enum_words(d));
		*(int *)p = e;
		return true;
	}
	default:
		return field_error(err, VD_INVALID_JSON, key, "is not supported in JSON");
	}
}

static bool listed(const char *const *allowed, const char *key)
{
	for (const char *const *a = allowed; *a; a++)
		if (strcmp(*a, key) == 0)
			return true;
	return false;
}

static bool walk(json_t *obj, const char *const *allowed, ProtobufCMessage *msg, bool ints_as_reals,
		 vd_error *err)
{
	const char *key;
	json_t *v;
	json_object_foreach(obj, key, v)
	{
		const ProtobufCFieldDescriptor *f =
			listed(allowed, key)
				? protobuf_c_message_descriptor_get_field_by_name(msg->descriptor, key)
				: NULL;
		if (!f)
			return unknown_field(err, key, allowed);
		/* null is how JSON says "not given" (the volume object has
		 * "description": null), so it leaves the field unset. */
		if (json_is_null(v))
			continue;
		if (!set_field(msg, f, key, v, ints_as_reals, err))
			return false;
	}
	return true;
}

static bool syntax_error(vd_error *err, const json_error_t *je)
{
	char text[JSON_ERROR_TEXT_LENGTH];
	snprintf(text, sizeof text, "%s", je->text);
	/* je->text may quote bytes of the body that are not UTF-8; the error
	 * body is built with vj_text, which repairs them. */
	vd_error_set(err, VD_INVALID_JSON, "invalid JSON body: %s (line %d, column %d)", text, je->line,
		     je->column);
	return false;
}

bool gw_json_decode_body(const char *body, size_t len, const char *const *allowed, ProtobufCMessage *msg,
			 json_t **root, vd_error *err)
{
	*root = NULL;
	if (!body || blank(body, len))
		return true;
	/* Duplicate keys are refused: which of two values would win is a
	 * guess no client should depend on. */
	const size_t flags = JSON_DECODE_ANY | JSON_REJECT_DUPLICATES;
	json_error_t je;
	json_t *j = json_loadb(body, len, flags, &je);
	if (!j) {
		/* jansson rejects an integer beyond int64 without saying where.
		 * Reading the body again with integers as doubles finds the
		 * field, so the error can name it like any other type error. */
		if (json_error_code(&je) == json_error_numeric_overflow) {
			json_error_t je2;
			json_t *k = json_loadb(body, len, flags | JSON_DECODE_INT_AS_REAL, &je2);
			bool named = k && json_is_object(k) && !walk(k, allowed, msg, true, err);
			json_decref(k);
			protobuf_c_message_init(msg->descriptor, msg);
			if (named)
				return false;
		}
		return syntax_error(err, &je);
	}
	if (!json_is_object(j)) {
		vd_error_set(err, VD_INVALID_JSON, "invalid JSON body: expected an object, not %s", kind(j));
		json_decref(j);
		return false;
	}
	if (!walk(j, allowed, msg, false, err)) {
		json_decref(j);
		return false;
	}
	*root = j;
	return true;
}
