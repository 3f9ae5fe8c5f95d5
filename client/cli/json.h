/* json.h - volumed's messages as JSON values, in the shapes of the REST API
 * (PRODUCT.md), so `volumectl --output json` pipes into jq the same way a
 * `curl` of the gateway does. The caller owns what each function returns
 * (json_decref). */
#ifndef VOLUMECTL_JSON_H
#define VOLUMECTL_JSON_H

#include <stdio.h>

#include <jansson.h>

#include "vc.h"

/* {id, name, description (null when empty), path, size_bytes, type, status,
 *  host_id, created_at, updated_at, attachment_count, last_seen_at (null
 *  until a scan of the host found the file), missing} */
json_t *ctl_json_volume(const Volumed__V1__Volume *v);
/* {id, volume_id, vm_id, drive_id, read_only, attached_at} */
json_t *ctl_json_attachment(const Volumed__V1__Attachment *a);
/* {id, name, address, created_at} */
json_t *ctl_json_host(const Volumed__V1__Host *h);
/* {id, name, host_id, created_at, rootfs_volume_id (null when none)} */
json_t *ctl_json_vm(const Volumed__V1__Vm *m);

/* {id, name, path, size_bytes, kind ("kernel"|"rootfs"), type (null for a
 *  kernel), host_id} */
json_t *ctl_json_image(const Volumed__V1__Image *i);
/* {checked, resized: [volume], missing: [volume], unregistered_paths:
 *  [string], registered: [volume]} */
json_t *ctl_json_scan(const Volumed__V1__ScanHostResponse *r);

/* Writes a value, indented, with a final newline; takes the reference. */
void ctl_json_print(json_t *value, FILE *f);

#endif
