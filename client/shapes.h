/* shapes.h - volumed messages as jansson values in the JSON shapes of the
 * REST API (PRODUCT.md): volumes, attachments, hosts, VMs, images and scan
 * results, with the enum words of the specification ("in-use") and RFC 3339
 * times. The gateway answers with them and volumectl --output json prints
 * them, so the two cannot drift apart.
 *
 * jansson is set up by the program to abort on allocation failure, so the
 * builders here never return NULL. */
#ifndef VOLUMED_SHAPES_H
#define VOLUMED_SHAPES_H

#include <jansson.h>

#include "vc.h"

/* The JSON words of the enums: volume type "ext4", "qcow2", "raw"; volume
 * status "available", "attached", "in-use"; VM kind "vm", "container",
 * "function"; image kind "kernel", "rootfs". */
/* The enum value for word, or -1 when word is not one. */
int vj_enum_value(const ProtobufCEnumDescriptor *d, const char *word);
/* The word for value, or NULL for UNSPECIFIED and unknown values. */
const char *vj_enum_word(const ProtobufCEnumDescriptor *d, int value);
/* "ext4, qcow2, raw", for messages. */
const char *vj_enum_words(const ProtobufCEnumDescriptor *d);

/* RFC 3339 in UTC with a Z, whole seconds ("2025-11-03T08:50:11Z"). */
#define VJ_TIMESTAMP_LEN 32
void vj_format_time(const Google__Protobuf__Timestamp *t, char out[VJ_TIMESTAMP_LEN]);

/* {id, name, description (null when empty), path, size_bytes, type, status,
 *  host_id, created_at, updated_at, attachment_count, last_seen_at (null
 *  until a scan found the file), missing} */
json_t *vj_volume(const Volumed__V1__Volume *v);
/* {id, volume_id, vm_id, drive_id, read_only, attached_at} */
json_t *vj_attachment(const Volumed__V1__Attachment *a);
/* {id, name, address, created_at} */
json_t *vj_host(const Volumed__V1__Host *h);
/* {id, name, host_id, created_at, rootfs_volume_id (null when none)} */
json_t *vj_vm(const Volumed__V1__Vm *m);
/* {id, name, path, size_bytes, kind ("kernel"|"rootfs"), type (null for a
 *  kernel), host_id} */
json_t *vj_image(const Volumed__V1__Image *i);
/* {checked, resized: [volume], missing: [volume], unregistered_paths:
 *  [string], registered: [volume]} */
json_t *vj_scan(const Volumed__V1__ScanHostResponse *r);
/* Whichever of the above m is, by its descriptor; NULL for any other
 * message. */
json_t *vj_object(const ProtobufCMessage *m);

/* A JSON string of s, with bytes that are not valid UTF-8 replaced by
 * U+FFFD, so text from anywhere can go into a response. */
json_t *vj_text(const char *s);

#endif
