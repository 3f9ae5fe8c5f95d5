/* output.c - volumed's answers as tables (table.h) or JSON (json.h). */
#include "output.h"

#include <inttypes.h>
#include <stdlib.h>

#include "format.h"
#include "json.h"
#include "table.h"

/* A "field  value" block for one object: a header-less two-column table. */
static ctl_table *fields_new(void)
{
	static const ctl_column cols[] = {{NULL, false}, {NULL, false}};
	return ctl_table_new(cols, 2);
}

static void field(ctl_table *t, const char *name, const char *value)
{
	const char *row[] = {name, value};
	ctl_table_add(t, row);
}

static void fields_print(ctl_table *t, FILE *f)
{
	ctl_table_print(t, f);
	ctl_table_free(t);
}

static const char *word(const char *w)
{
	return w ? w : "unspecified";
}

void ctl_out_volume(FILE *f, ctl_format fmt, const Volumed__V1__Volume *v)
{
	if (fmt == CTL_FORMAT_JSON) {
		ctl_json_print(vj_volume(v), f);
		return;
	}
	char size[CTL_SIZE_MAX], sized[CTL_SIZE_MAX + 40], count[16];
	char created[CTL_TIME_MAX], updated[CTL_TIME_MAX];
	ctl_fmt_size(v->size_bytes, size);
	snprintf(sized, sizeof sized, "%s (%" PRId64 " bytes)", size, (int64_t)v->size_bytes);
	snprintf(count, sizeof count, "%d", (int)v->attachment_count);
	ctl_fmt_time(v->created_at, created);
	ctl_fmt_time(v->updated_at, updated);
	ctl_table *t = fields_new();
	field(t, "id", v->id);
	field(t, "name", v->name);
	field(t, "description", v->description);
	field(t, "path", v->path);
	field(t, "size", sized);
	field(t, "type", word(ctl_type_name(v->type)));
	field(t, "status", word(ctl_status_name(v->status)));
	field(t, "attachments", count);
	field(t, "host_id", v->host_id);
	field(t, "created_at", created);
	field(t, "updated_at", updated);
	/* What the last scan of the host found, once there was one. */
	if (v->last_seen_at || v->missing) {
		char seen[CTL_TIME_MAX];
		ctl_fmt_time(v->last_seen_at, seen);
		field(t, "last_seen_at", seen);
		field(t, "missing", v->missing ? "yes: the last scan did not find the file" : "no");
	}
	fields_print(t, f);
}

void ctl_out_attachment(FILE *f, ctl_format fmt, const Volumed__V1__Attachment *a)
{
	if (fmt == CTL_FORMAT_JSON) {
		ctl_json_print(vj_attachment(a), f);
		return;
	}
	char at[CTL_TIME_MAX];
	ctl_fmt_time(a->attached_at, at);
	ctl_table *t = fields_new();
	field(t, "id", a->id);
	field(t, "volume_id", a->volume_id);
	field(t, "vm_id", a->vm_id);
	field(t, "drive_id", a->drive_id);
	field(t, "mode", a->read_only ? "read-only" : "read-write");
	field(t, "attached_at", at);
	fields_print(t, f);
}

void ctl_out_host(FILE *f, ctl_format fmt, const Volumed__V1__Host *h)
{
	if (fmt == CTL_FORMAT_JSON) {
		ctl_json_print(vj_host(h), f);
		return;
	}
	char created[CTL_TIME_MAX];
	ctl_fmt_time(h->created_at, created);
	ctl_table *t = fields_new();
	field(t, "id", h->id);
	field(t, "name", h->name);
	field(t, "address", h->address);
	field(t, "created_at", created);
	fields_print(t, f);
}

void ctl_out_vm(FILE *f, ctl_format fmt, const Volumed__V1__Vm *m)
{
	if (fmt == CTL_FORMAT_JSON) {
		ctl_json_print(vj_vm(m), f);
		return;
	}
	char created[CTL_TIME_MAX];
	ctl_fmt_time(m->created_at, created);
	ctl_table *t = fields_new();
	field(t, "id", m->id);
	field(t, "name", m->name);
	field(t, "host_id", m->host_id);
	field(t, "rootfs_volume_id", m->rootfs_volume_id);
	field(t, "created_at", created);
	fields_print(t, f);
}

/* A JSON array of n items, each made by conv. */
#define JSON_ARRAY(f, items, n, conv)                                          \
	do {                                                                   \
		json_t *arr_ = json_array();                                   \
		for (size_t i_ = 0; arr_ && i_ < (n); i_++)                    \
			if (json_array_append_new(arr_, conv((items)[i_])) != 0) \
				abort();                                       \
		ctl_json_print(arr_, f);                                       \
	} while (0)

void ctl_out_volumes(FILE *f, ctl_format fmt, Volumed__V1__Volume *const *v, size_t n)
{
	if (fmt == CTL_FORMAT_JSON) {
		JSON_ARRAY(f, v, n, vj_volume);
		return;
	}
	static const ctl_column cols[] = {
		{"ID", false},		{"NAME", false}, {"SIZE", true},    {"TYPE", false},
		{"STATUS", false},	{"ATTACHMENTS", true}, {"HOST_ID", false}, {"PATH", false},
	};
	ctl_table *t = ctl_table_new(cols, sizeof cols / sizeof *cols);
	for (size_t i = 0; i < n; i++) {
		char size[CTL_SIZE_MAX], count[16];
		ctl_fmt_size(v[i]->size_bytes, size);
		snprintf(count, sizeof count, "%d", (int)v[i]->attachment_count);
		const char *row[] = {v[i]->id,
				     v[i]->name,
				     size,
				     word(ctl_type_name(v[i]->type)),
				     word(ctl_status_name(v[i]->status)),
				     count,
				     v[i]->host_id,
				     v[i]->path};
		ctl_table_add(t, row);
	}
	ctl_table_print(t, f);
	ctl_table_free(t);
}

void ctl_out_attachments(FILE *f, ctl_format fmt, Volumed__V1__Attachment *const *a, size_t n)
{
	if (fmt == CTL_FORMAT_JSON) {
		JSON_ARRAY(f, a, n, vj_attachment);
		return;
	}
	static const ctl_column cols[] = {
		{"ID", false}, {"VOLUME_ID", false}, {"VM_ID", false},
		{"DRIVE", false}, {"MODE", false},     {"ATTACHED_AT", false},
	};
	ctl_table *t = ctl_table_new(cols, sizeof cols / sizeof *cols);
	for (size_t i = 0; i < n; i++) {
		char at[CTL_TIME_MAX];
		ctl_fmt_time(a[i]->attached_at, at);
		const char *row[] = {a[i]->id,	     a[i]->volume_id,
				     a[i]->vm_id,    a[i]->drive_id,
				     a[i]->read_only ? "read-only" : "read-write", at};
		ctl_table_add(t, row);
	}
	ctl_table_print(t, f);
	ctl_table_free(t);
}

void ctl_out_hosts(FILE *f, ctl_format fmt, Volumed__V1__Host *const *h, size_t n)
{
	if (fmt == CTL_FORMAT_JSON) {
		JSON_ARRAY(f, h, n, vj_host);
		return;
	}
	static const ctl_column cols[] = {
		{"ID", false}, {"NAME", false}, {"ADDRESS", false}, {"CREATED_AT", false},
	};
	ctl_table *t = ctl_table_new(cols, sizeof cols / sizeof *cols);
	for (size_t i = 0; i < n; i++) {
		char created[CTL_TIME_MAX];
		ctl_fmt_time(h[i]->created_at, created);
		const char *row[] = {h[i]->id, h[i]->name, h[i]->address, created};
		ctl_table_add(t, row);
	}
	ctl_table_print(t, f);
	ctl_table_free(t);
}

void ctl_out_vms(FILE *f, ctl_format fmt, Volumed__V1__Vm *const *m, size_t n)
{
	if (fmt == CTL_FORMAT_JSON) {
		JSON_ARRAY(f, m, n, vj_vm);
		return;
	}
	static const ctl_column cols[] = {
		{"ID", false}, {"NAME", false}, {"HOST_ID", false}, {"CREATED_AT", false},
	};
	ctl_table *t = ctl_table_new(cols, sizeof cols / sizeof *cols);
	for (size_t i = 0; i < n; i++) {
		char created[CTL_TIME_MAX];
		ctl_fmt_time(m[i]->created_at, created);
		const char *row[] = {m[i]->id, m[i]->name, m[i]->host_id, created};
		ctl_table_add(t, row);
	}
	ctl_table_print(t, f);
	ctl_table_free(t);
}

void ctl_out_images(FILE *f, ctl_format fmt, Volumed__V1__Image *const *im, size_t n)
{
	if (fmt == CTL_FORMAT_JSON) {
		JSON_ARRAY(f, im, n, vj_image);
		return;
	}
	static const ctl_column cols[] = {{"ID", false},   {"NAME", false}, {"KIND", false},
					  {"TYPE", false}, {"SIZE", true},  {"PATH", false}};
	ctl_table *t = ctl_table_new(cols, sizeof cols / sizeof *cols);
	for (size_t i = 0; i < n; i++) {
		char size[CTL_SIZE_MAX];
		ctl_fmt_size(im[i]->size_bytes, size);
		const char *type = ctl_type_name(im[i]->type);
		const char *row[] = {im[i]->id, im[i]->name, word(ctl_image_kind_name(im[i]->kind)),
				     type ? type : "-", size, im[i]->path};
		ctl_table_add(t, row);
	}
	ctl_table_print(t, f);
	ctl_table_free(t);
}

void ctl_out_scan(FILE *f, ctl_format fmt, const Volumed__V1__ScanHostResponse *r)
{
	if (fmt == CTL_FORMAT_JSON) {
		ctl_json_print(vj_scan(r), f);
		return;
	}
	char n[5][32];
	snprintf(n[0], sizeof n[0], "%d", (int)r->checked);
	snprintf(n[1], sizeof n[1], "%zu", r->n_resized);
	snprintf(n[2], sizeof n[2], "%zu", r->n_missing);
	snprintf(n[3], sizeof n[3], "%zu", r->n_unregistered_paths);
	snprintf(n[4], sizeof n[4], "%zu", r->n_registered);
	ctl_table *t = fields_new();
	field(t, "checked", n[0]);
	field(t, "resized", n[1]);
	field(t, "missing", n[2]);
	field(t, "unregistered", n[3]);
	field(t, "registered", n[4]);
	fields_print(t, f);
	/* Then what each count is made of, the sections that have anything. */
	if (r->n_resized) {
		fputs("\nResized (size_bytes now that of the file):\n", f);
		ctl_out_volumes(f, fmt, r->resized, r->n_resized);
	}
	if (r->n_missing) {
		fputs("\nMissing (no file at the volume's path):\n", f);
		ctl_out_volumes(f, fmt, r->missing, r->n_missing);
	}
	if (r->n_unregistered_paths) {
		fputs("\nUnregistered files (no volume names them):\n", f);
		/* Through a table, for its escaping: a file name may hold a newline. */
		static const ctl_column one[] = {{NULL, false}};
		ctl_table *p = ctl_table_new(one, 1);
		for (size_t i = 0; i < r->n_unregistered_paths; i++)
			ctl_table_add(p, (const char *const *)&r->unregistered_paths[i]);
		ctl_table_print(p, f);
		ctl_table_free(p);
	}
	if (r->n_registered) {
		fputs("\nRegistered by this scan:\n", f);
		ctl_out_volumes(f, fmt, r->registered, r->n_registered);
	}
}

void ctl_out_deleted(FILE *f, ctl_format fmt, const char *what, const char *id)
{
	if (fmt == CTL_FORMAT_TABLE)
		fprintf(f, "deleted %s %s\n", what, id);
}

void ctl_out_health(FILE *f, ctl_format fmt, const char *status)
{
	if (fmt == CTL_FORMAT_JSON) {
		json_t *o = json_pack("{s:s}", "status", status);
		ctl_json_print(o, f);
		return;
	}
	fprintf(f, "%s\n", status);
}

void ctl_out_next_page(FILE *f, const char *token)
{
	fprintf(f, "volumectl: more results: --page-token %s for the next page, or --all for all\n", token);
}
