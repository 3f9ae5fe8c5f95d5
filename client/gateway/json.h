/* json.h - protobuf messages <-> JSON: request bodies into volumed request
 * messages (by the protos' field names, strictly typed), and volumes,
 * attachments, hosts, VMs, images, scan results and errors into the JSON
 * shapes of PRODUCT.md (volumectl's --output json prints the same ones).
 *
 * jansson is set up by the program to abort on allocation failure, so the
 * builders here never return NULL. */
#ifndef VOLUMED_GW_JSON_H
#define VOLUMED_GW_JSON_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

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

/* The JSON words of the enums: volume type "ext4", "qcow2", "raw"; volume
 * status "available", "attached", "in-use"; VM kind "vm", "container",
 * "function"; image kind "kernel", "rootfs". */
/* The enum value for word, or -1 when word is not one. */
int gw_json_enum_value(const ProtobufCEnumDescriptor *d, const char *word);
/* The word for value, or NULL for UNSPECIFIED and unknown values. */
const char *gw_json_enum_word(const ProtobufCEnumDescriptor *d, int value);
/* "ext4, qcow2, raw", for messages. */
const char *gw_json_enum_words(const ProtobufCEnumDescriptor *d);

/* RFC 3339 in UTC with a Z, whole seconds ("2025-11-03T08:50:11Z"). */
#define GW_TIMESTAMP_LEN 32
void gw_json_format_time(const Google__Protobuf__Timestamp *t, char out[GW_TIMESTAMP_LEN]);

/* {id, name, description (null when empty), path, size_bytes, type, status,
 *  host_id, created_at, updated_at, attachment_count, last_seen_at (null
 *  until a scan found the file), missing} */
json_t *gw_json_volume(const Volumed__V1__Volume *v);
/* {id, volume_id, vm_id, drive_id, read_only, attached_at} */
json_t *gw_json_attachment(const Volumed__V1__Attachment *a);
/* {id, name, address, created_at} */
json_t *gw_json_host(const Volumed__V1__Host *h);
/* {id, name, host_id, created_at, rootfs_volume_id (null when none)} */
json_t *gw_json_vm(const Volumed__V1__Vm *m);
/* {id, name, path, size_bytes, kind ("kernel"|"rootfs"), type (null for a
 *  kernel), host_id} */
json_t *gw_json_image(const Volumed__V1__Image *i);
/* {checked, resized: [volume], missing: [volume], unregistered_paths:
 *  [string], registered: [volume]} */
json_t *gw_json_scan(const Volumed__V1__ScanHostResponse *r);

/* A key/value fact of an error (the field at fault, the holder). */
typedef struct gw_json_meta {
	const char *key;
	const char *value;
} gw_json_meta;

/* {"error": {"code", "status", "reason", "message"[, "metadata"]}}. */
json_t *gw_json_error(int http, const char *status, const char *reason, const char *message,
		      const gw_json_meta *meta, int nmeta);

/* A JSON string of s, with bytes that are not valid UTF-8 replaced by
 * U+FFFD, so text from anywhere can go into a response. */
json_t *gw_json_text(const char *s);

#endif
