/* output.h - how volumectl shows volumed's answers: as tables for people
 * (aligned columns, human sizes) or as JSON for scripts (json.h shapes). */
#ifndef VOLUMECTL_OUTPUT_H
#define VOLUMECTL_OUTPUT_H

#include <stddef.h>
#include <stdio.h>

#include "vc.h"

typedef enum ctl_format { CTL_FORMAT_TABLE, CTL_FORMAT_JSON } ctl_format;

/* One object: a block of "field  value" lines, or a JSON object. */
void ctl_out_volume(FILE *f, ctl_format fmt, const Volumed__V1__Volume *v);
void ctl_out_attachment(FILE *f, ctl_format fmt, const Volumed__V1__Attachment *a);
void ctl_out_host(FILE *f, ctl_format fmt, const Volumed__V1__Host *h);
void ctl_out_vm(FILE *f, ctl_format fmt, const Volumed__V1__Vm *m);

/* A list: a header line and a row per item (the header alone when there
 * are none), or a JSON array. */
void ctl_out_volumes(FILE *f, ctl_format fmt, Volumed__V1__Volume *const *v, size_t n);
void ctl_out_attachments(FILE *f, ctl_format fmt, Volumed__V1__Attachment *const *a, size_t n);
void ctl_out_hosts(FILE *f, ctl_format fmt, Volumed__V1__Host *const *h, size_t n);
void ctl_out_vms(FILE *f, ctl_format fmt, Volumed__V1__Vm *const *m, size_t n);

void ctl_out_images(FILE *f, ctl_format fmt, Volumed__V1__Image *const *i, size_t n);
/* What a scan of a host found: counts, then the volumes it resized, found
 * missing or registered and the files no volume names; or a JSON object. */
void ctl_out_scan(FILE *f, ctl_format fmt, const Volumed__V1__ScanHostResponse *r);

/* After a delete: "deleted volume ID" for people; nothing in JSON, where
 * the exit status says it (as the REST API answers 204 with no body). */
void ctl_out_deleted(FILE *f, ctl_format fmt, const char *what, const char *id);
/* The health of volumed: "SERVING", or {"status": "SERVING"}. */
void ctl_out_health(FILE *f, ctl_format fmt, const char *status);
/* A list stopped at a page boundary: tells (on stderr, keeping stdout to
 * the list itself) how to get the next page. */
void ctl_out_next_page(FILE *f, const char *token);

#endif
