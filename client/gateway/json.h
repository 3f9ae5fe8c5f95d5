/* json.h - JSON for the gateway: request bodies into volumed request
 * messages (by the protos' field names, strictly typed) and the error body.
 * Responses are built with shapes.h, which volumectl shares. */
#ifndef VOLUMED_GW_JSON_H
#define VOLUMED_GW_JSON_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "shapes.h"
#include "vc.h"
#include "wire.h"

/* Decodes body (a JSON object, or nothing but whitespace) into msg. Only
 * the fields named in allowed (a NULL-terminated list of proto field names
 * of msg) may appear; null means "not given". A malformed body, an unknown
 * field or a value of the wrong JSON type is INVALID_JSON naming the
 * field; an enum word that is not one of ours is INVALID_FIELD, as volumed
 * would say. On success the strings of msg point into *root, which the
 * caller releases with json_decref (NULL when the body was empty). */
bool gw_json_decode_body(const char *body, size_t len, const char *const *allowed, ProtobufCMessage *msg,
			 json_t **root, vd_error *err);

/* A key/value fact of an error (the field at fault, the holder). */
typedef struct gw_json_meta {
	const char *key;
	const char *value;
} gw_json_meta;

/* {"error": {"code", "status", "reason", "message"[, "metadata"]}}. */
json_t *gw_json_error(int http, const char *status, const char *reason, const char *message,
		      const gw_json_meta *meta, int nmeta);

#endif
