/* format.h - volumectl's values to text and back: sizes, durations,
 * timestamps, and the words for volume status and type. Pure functions. */
#ifndef VOLUMECTL_FORMAT_H
#define VOLUMECTL_FORMAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "google/protobuf/timestamp.pb-c.h"
#include "volumed/v1/image.pb-c.h"
#include "volumed/v1/vm.pb-c.h"
#include "volumed/v1/volume.pb-c.h"

/* Longest text ctl_fmt_time and ctl_fmt_size write, with the NUL. */
#define CTL_TIME_MAX 40
#define CTL_SIZE_MAX 32

/* "10.0 GiB", "50.0 MiB", "512 B": powers of 1024, one decimal. */
void ctl_fmt_size(int64_t bytes, char out[CTL_SIZE_MAX]);

/* A whole number of bytes with an optional power-of-1024 suffix: "10737418240",
 * "10G", "10GiB", "512m". Returns false (with a sentence in why) when the
 * text is not one or overflows. Zero passes: volumed judges the value. */
bool ctl_parse_size(const char *text, int64_t *out, const char **why);

/* A duration in milliseconds: "500" (ms), "500ms", "5s", "2m". From 1 ms
 * to 1 hour. Returns false with a sentence in why. */
bool ctl_parse_duration(const char *text, int *out_ms, const char **why);

/* RFC 3339 in UTC, whole seconds, "Z": "2025-11-03T08:50:11Z", as the REST
 * API and the specification write times. A NULL timestamp gives "". */
void ctl_fmt_time(const Google__Protobuf__Timestamp *t, char out[CTL_TIME_MAX]);

/* "available", "attached", "in-use"; NULL for UNSPECIFIED or unknown. */
const char *ctl_status_name(int status);
/* The status a word names (any case, '-' or '_'); 0 when none. */
int ctl_status_parse(const char *word);
/* "ext4", "qcow2", "raw"; NULL for UNSPECIFIED or unknown. */
const char *ctl_type_name(int type);
/* The type a word names (any case); 0 when none. */
int ctl_type_parse(const char *word);
/* "kernel", "rootfs"; NULL for UNSPECIFIED or unknown. */
const char *ctl_image_kind_name(int kind);
/* The VM kind a word names: "vm", "container", "function" (any case);
 * -1 when none. */
int ctl_vm_kind_parse(const char *word);
/* The type volumed would give a file by its name, as RegisterVolume does:
 * .ext4, .qcow2, anything else raw. */
int ctl_type_from_path(const char *path);

#endif
