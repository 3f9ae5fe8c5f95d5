/* shapes.c - volumed messages in the JSON shapes of the REST API, shared
 * by the gateway and volumectl so both print the same bytes. */
#include "shapes.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The JSON words of the enums, indexed by enum value (NULL past the last
 * one). The REST API speaks the words of the specification ("in-use"),
 * not the proto enum names, and this is the one place that knows both. */
#define MAX_WORDS 4
static const struct {
	const ProtobufCEnumDescriptor *desc;
	const char *words[MAX_WORDS];
	const char *list;
} enums[] = {
	{&volumed__v1__volume_type__descriptor, {NULL, "ext4", "qcow2", "raw"}, "ext4, qcow2, raw"},
	{&volumed__v1__volume_status__descriptor,
	 {NULL, "available", "attached", "in-use"},
	 "available, attached, in-use"},
	{&volumed__v1__vm_kind__descriptor, {NULL, "vm", "container", "function"}, "vm, container, function"},
	{&volumed__v1__image_kind__descriptor, {NULL, "kernel", "rootfs"}, "kernel, rootfs"},
};
#define NENUMS (sizeof enums / sizeof *enums)

int vj_enum_value(const ProtobufCEnumDescriptor *d, const char *word)
{
	for (size_t i = 0; i < NENUMS; i++) {
		if (enums[i].desc != d)
			continue;
		for (int v = 1; v < MAX_WORDS && enums[i].words[v]; v++)
			if (strcmp(enums[i].words[v], word) == 0)
				return v;
	}
	return -1;
}

const char *vj_enum_word(const ProtobufCEnumDescriptor *d, int value)
{
	for (size_t i = 0; i < NENUMS; i++)
		if (enums[i].desc == d && value > 0 && value < MAX_WORDS)
			return enums[i].words[value];
	return NULL;
}

const char *vj_enum_words(const ProtobufCEnumDescriptor *d)
{
	for (size_t i = 0; i < NENUMS; i++)
		if (enums[i].desc == d)
			return enums[i].list;
	return "";
}

/* Length of the UTF-8 sequence a lead byte starts, 0 when it starts none. */
static size_t seq_len(unsigned char c)
{
	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		return 2;
	if (c >= 0xe0 && c <= 0xef)
		return 3;
	if (c >= 0xf0 && c <= 0xf4)
		return 4;
	return 0;
}

json_t *vj_text(const char *s)
{
	if (!s)
		s = "";
	size_t n = strlen(s);
	if (vd_utf8_valid(s, n))
		return json_stringn_nocheck(s, n);
	/* Each bad byte becomes the 3-byte U+FFFD, so 3n is always enough. */
	char *out = malloc(3 * n + 1);
	if (!out)
		abort();
	size_t o = 0;
	for (size_t i = 0; i < n;) {
		size_t k = seq_len((unsigned char)s[i]);
		if (k && i + k <= n && vd_utf8_valid(s + i, k)) {
			memcpy(out + o, s + i, k);
			o += k, i += k;
		} else {
			memcpy(out + o, "\xef\xbf\xbd", 3);
			o += 3, i++;
		}
	}
	json_t *j = json_stringn_nocheck(out, o);
	free(out);
	return j;
}

void vj_format_time(const Google__Protobuf__Timestamp *t, char out[VJ_TIMESTAMP_LEN])
{
	/* Whole seconds, as the specification shows them: volumed keeps
	 * microseconds for ordering, but no REST client needs them and a
	 * fixed shape is easier on strict parsers. */
	time_t s = (time_t)t->seconds;
	struct tm tm;
	if (!gmtime_r(&s, &tm) || strftime(out, VJ_TIMESTAMP_LEN, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(out, VJ_TIMESTAMP_LEN, "1970-01-01T00:00:00Z");
}

static json_t *time_or_null(const Google__Protobuf__Timestamp *t)
{
	if (!t)
		return json_null();
	char buf[VJ_TIMESTAMP_LEN];
	vj_format_time(t, buf);
	return json_string_nocheck(buf);
}

static json_t *word_or_null(const ProtobufCEnumDescriptor *d, int value)
{
	const char *w = vj_enum_word(d, value);
	return w ? json_string_nocheck(w) : json_null();
}

json_t *vj_volume(const Volumed__V1__Volume *v)
{
	json_t *o = json_object();
	json_object_set_new(o, "id", vj_text(v->id));
	json_object_set_new(o, "name", vj_text(v->name));
	/* volumed stores "no description" as empty; REST says null. */
	json_object_set_new(o, "description", *v->description ? vj_text(v->description) : json_null());
	json_object_set_new(o, "path", vj_text(v->path));
	json_object_set_new(o, "size_bytes", json_integer(v->size_bytes));
	json_object_set_new(o, "type", word_or_null(&volumed__v1__volume_type__descriptor, v->type));
	json_object_set_new(o, "status", word_or_null(&volumed__v1__volume_status__descriptor, v->status));
	json_object_set_new(o, "host_id", vj_text(v->host_id));
	json_object_set_new(o, "created_at", time_or_null(v->created_at));
	json_object_set_new(o, "updated_at", time_or_null(v->updated_at));
	json_object_set_new(o, "attachment_count", json_integer(v->attachment_count));
	/* What the last scan of the volume's host found: null until a scan
	 * has seen the file. */
	json_object_set_new(o, "last_seen_at", time_or_null(v->last_seen_at));
	json_object_set_new(o, "missing", json_boolean(v->missing));
	return o;
}

json_t *vj_attachment(const Volumed__V1__Attachment *a)
{
	json_t *o = json_object();
	json_object_set_new(o, "id", vj_text(a->id));
	json_object_set_new(o, "volume_id", vj_text(a->volume_id));
	json_object_set_new(o, "vm_id", vj_text(a->vm_id));
	json_object_set_new(o, "drive_id", vj_text(a->drive_id));
	json_object_set_new(o, "read_only", json_boolean(a->read_only));
	json_object_set_new(o, "attached_at", time_or_null(a->attached_at));
	return o;
}

json_t *vj_host(const Volumed__V1__Host *h)
{
	json_t *o = json_object();
	json_object_set_new(o, "id", vj_text(h->id));
	json_object_set_new(o, "name", vj_text(h->name));
	json_object_set_new(o, "address", vj_text(h->address));
	json_object_set_new(o, "created_at", time_or_null(h->created_at));
	return o;
}

json_t *vj_vm(const Volumed__V1__Vm *m)
{
	json_t *o = json_object();
	json_object_set_new(o, "id", vj_text(m->id));
	json_object_set_new(o, "name", vj_text(m->name));
	json_object_set_new(o, "host_id", vj_text(m->host_id));
	json_object_set_new(o, "created_at", time_or_null(m->created_at));
	json_object_set_new(o, "rootfs_volume_id", *m->rootfs_volume_id ? vj_text(m->rootfs_volume_id)
									 : json_null());
	return o;
}

json_t *vj_image(const Volumed__V1__Image *i)
{
	json_t *o = json_object();
	json_object_set_new(o, "id", vj_text(i->id));
	json_object_set_new(o, "name", vj_text(i->name));
	json_object_set_new(o, "path", vj_text(i->path));
	json_object_set_new(o, "size_bytes", json_integer(i->size_bytes));
	json_object_set_new(o, "kind", word_or_null(&volumed__v1__image_kind__descriptor, i->kind));
	/* A kernel is no volume, so it has no volume type. */
	json_object_set_new(o, "type", word_or_null(&volumed__v1__volume_type__descriptor, i->type));
	json_object_set_new(o, "host_id", vj_text(i->host_id));
	return o;
}

static json_t *volume_array(Volumed__V1__Volume *const *v, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, vj_volume(v[i]));
	return a;
}

json_t *vj_scan(const Volumed__V1__ScanHostResponse *r)
{
	json_t *o = json_object(), *paths = json_array();
	json_object_set_new(o, "checked", json_integer(r->checked));
	json_object_set_new(o, "resized", volume_array(r->resized, r->n_resized));
	json_object_set_new(o, "missing", volume_array(r->missing, r->n_missing));
	/* File names are bytes, not text: vj_text repairs any that are
	 * not UTF-8 rather than failing the whole answer. */
	for (size_t i = 0; i < r->n_unregistered_paths; i++)
		json_array_append_new(paths, vj_text(r->unregistered_paths[i]));
	json_object_set_new(o, "unregistered_paths", paths);
	json_object_set_new(o, "registered", volume_array(r->registered, r->n_registered));
	return o;
}

json_t *vj_object(const ProtobufCMessage *m)
{
	const ProtobufCMessageDescriptor *d = m->descriptor;
	if (d == &volumed__v1__volume__descriptor)
		return vj_volume((const Volumed__V1__Volume *)m);
	if (d == &volumed__v1__attachment__descriptor)
		return vj_attachment((const Volumed__V1__Attachment *)m);
	if (d == &volumed__v1__host__descriptor)
		return vj_host((const Volumed__V1__Host *)m);
	if (d == &volumed__v1__vm__descriptor)
		return vj_vm((const Volumed__V1__Vm *)m);
	if (d == &volumed__v1__image__descriptor)
		return vj_image((const Volumed__V1__Image *)m);
	if (d == &volumed__v1__scan_host_response__descriptor)
		return vj_scan((const Volumed__V1__ScanHostResponse *)m);
	return NULL;
}
