/* json.c - volumed messages as jansson values in the REST API's shapes. */
#include "json.h"

#include <stdlib.h>
#include <string.h>

#include "format.h"

/* Allocation failure in a command-line tool has no useful recovery. */
static void set(json_t *obj, const char *key, json_t *value)
{
	if (!obj || !value || json_object_set_new(obj, key, value) != 0)
		abort();
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

/* volumed checks every string it stores, but a host scan reports file
 * names as the disk has them, and a name is bytes, not text. Each byte
 * that is not part of valid UTF-8 becomes U+FFFD, exactly as the gateway
 * repairs it, so both still print the same JSON. */
static json_t *str(const char *s)
{
	if (!s)
		s = "";
	size_t n = strlen(s);
	if (vd_utf8_valid(s, n))
		return json_stringn(s, n);
	char *out = malloc(3 * n + 1); /* each bad byte grows to 3 */
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
	json_t *j = json_stringn(out, o);
	free(out);
	return j;
}

/* Text or null: for optional strings and enum words. */
static json_t *str_or_null(const char *s)
{
	return s && *s ? str(s) : json_null();
}

static json_t *timestamp(const Google__Protobuf__Timestamp *t)
{
	char buf[CTL_TIME_MAX];
	ctl_fmt_time(t, buf);
	return str_or_null(buf);
}

json_t *ctl_json_volume(const Volumed__V1__Volume *v)
{
	json_t *o = json_object();
	set(o, "id", str(v->id));
	set(o, "name", str(v->name));
	set(o, "description", str_or_null(v->description));
	set(o, "path", str(v->path));
	set(o, "size_bytes", json_integer(v->size_bytes));
	set(o, "type", str_or_null(ctl_type_name(v->type)));
	set(o, "status", str_or_null(ctl_status_name(v->status)));
	set(o, "host_id", str(v->host_id));
	set(o, "created_at", timestamp(v->created_at));
	set(o, "updated_at", timestamp(v->updated_at));
	set(o, "attachment_count", json_integer(v->attachment_count));
	/* What the last scan of the host found; null until one saw the file. */
	set(o, "last_seen_at", timestamp(v->last_seen_at));
	set(o, "missing", json_boolean(v->missing));
	return o;
}

json_t *ctl_json_attachment(const Volumed__V1__Attachment *a)
{
	json_t *o = json_object();
	set(o, "id", str(a->id));
	set(o, "volume_id", str(a->volume_id));
	set(o, "vm_id", str(a->vm_id));
	set(o, "drive_id", str(a->drive_id));
	set(o, "read_only", json_boolean(a->read_only));
	set(o, "attached_at", timestamp(a->attached_at));
	return o;
}

json_t *ctl_json_host(const Volumed__V1__Host *h)
{
	json_t *o = json_object();
	set(o, "id", str(h->id));
	set(o, "name", str(h->name));
	set(o, "address", str(h->address));
	set(o, "created_at", timestamp(h->created_at));
	return o;
}

json_t *ctl_json_vm(const Volumed__V1__Vm *m)
{
	json_t *o = json_object();
	set(o, "id", str(m->id));
	set(o, "name", str(m->name));
	set(o, "host_id", str(m->host_id));
	set(o, "created_at", timestamp(m->created_at));
	set(o, "rootfs_volume_id", str_or_null(m->rootfs_volume_id));
	return o;
}

json_t *ctl_json_image(const Volumed__V1__Image *i)
{
	json_t *o = json_object();
	set(o, "id", str(i->id));
	set(o, "name", str(i->name));
	set(o, "path", str(i->path));
	set(o, "size_bytes", json_integer(i->size_bytes));
	set(o, "kind", str_or_null(ctl_image_kind_name(i->kind)));
	set(o, "type", str_or_null(ctl_type_name(i->type)));
	set(o, "host_id", str(i->host_id));
	return o;
}

static json_t *volume_array(Volumed__V1__Volume *const *v, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; a && i < n; i++)
		if (json_array_append_new(a, ctl_json_volume(v[i])) != 0)
			abort();
	return a;
}

json_t *ctl_json_scan(const Volumed__V1__ScanHostResponse *r)
{
	json_t *o = json_object(), *paths = json_array();
	set(o, "checked", json_integer(r->checked));
	set(o, "resized", volume_array(r->resized, r->n_resized));
	set(o, "missing", volume_array(r->missing, r->n_missing));
	for (size_t i = 0; paths && i < r->n_unregistered_paths; i++)
		if (json_array_append_new(paths, str(r->unregistered_paths[i])) != 0)
			abort();
	set(o, "unregistered_paths", paths);
	set(o, "registered", volume_array(r->registered, r->n_registered));
	return o;
}

void ctl_json_print(json_t *value, FILE *f)
{
	/* Key order is insertion order (jansson keeps it), so every object
	 * reads in the order of the REST documentation. A failed write shows
	 * in ferror(f), which main checks once at the end. */
	if (!value)
		abort();
	json_dumpf(value, f, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	fputc('\n', f);
	json_decref(value);
}
