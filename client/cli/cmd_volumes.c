/* cmd_volumes.c - the `volumes` commands: one VolumeService call each (lists page by page). */
#include <sys/stat.h>

#include "commands.h"
#include "format.h"

/* Options not given are NULL; protobuf-c wants "" for an empty string. */
static char *or_empty(const char *s)
{
	return (char *)(s ? s : "");
}

/* A call that makes, copies or removes a file may take minutes. */
static vc_call_opts file_call(const ctl_ctx *ctx)
{
	return (vc_call_opts){.timeout_ms = ctx->file_timeout_ms};
}

static bool size_option(const char *text, const char *cmd, int64_t *out, ctl_err *err)
{
	const char *why;
	if (!ctl_parse_size(text, out, &why))
		return ctl_err_usage(err, cmd, "--size \"%s\": %s", text, why);
	return true;
}

bool ctl_cmd_volumes_list(const ctl_ctx *ctx, const ctl_params *p, char **args, ctl_err *err)
{
	Volumed__V1__ListVolumesRequest q = VOLUMED__V1__LIST_VOLUMES_REQUEST__INIT;
	q.host_id = or_empty(p->host_id);
	q.path = or_empty(p->path);
	q.name = or_empty(p->name);
	if (p->status && !(q.status = ctl_status_parse(p->status)))
		return ctl_err_usage(err, "volumes list",
				     "--status must be available, attached or in-use, not \"%s\"", p->status);
	if (p->type && !(q.type = ctl_type_parse(p->type)))
		return ctl_err_usage(err, "volumes list", "--type must be ext4, qcow2 or raw, not \"%s\"",
				     p->type);

	ctl_pages pg = {0};
	bool ok = ctl_list(ctx, p, VD_M_LIST_VOLUMES, &q.base, NULL, &pg, err);
	if (ok) {
		ctl_out_volumes(ctx->out, ctx->format, (Volumed__V1__Volume *const *)pg.items, pg.n);
		ctl_pages_note_next(&pg);
	}
	ctl_pages_free(&pg);
	return ok;
}

bool ctl_cmd_volumes_get(const ctl_ctx *ctx, const ctl_params *p, char **args, ctl_err *err)
{
	Volumed__V1__GetVolumeRequest q = VOLUMED__V1__GET_VOLUME_REQUEST__INIT;
	q.id = args[0];
	vc_status st;
	Volumed__V1__Volume *v;
	if (vc_get_volume(ctx->client, &q, &v, NULL, &st) != 0)
		return ctl_err_call(err, &st, ctx->server, ctx->timeout_ms);
	ctl_out_volume(ctx->out, ctx->format, v);
	vc_free(v);
	return true;
}

bool ctl_cmd_volumes_create(const ctl_ctx *ctx, const ctl_params *p, char **args, ctl_err *err)
{
	Volumed__V1__CreateVolumeRequest q = VOLUMED__V1__CREATE_VOLUME_REQUEST__INIT;
	q.name = or_empty(p->name);
	q.description = or_empty(p->description);
	q.path = or_empty(p->path);
	q.host_id = or_empty(p->host_id);
	q.provision = p->provision != 0;
	/* Registering a file names it and its host; volumed may choose both
	 * for a file it makes itself. */
	if (!q.provision && !p->path)
		return ctl_err_usage(err, "volumes create",
				     "volumes create: missing --path (or --provision)");
	if (!q.provision && !p->host_id)
		return ctl_err_usage(err, "volumes create",
				     "volumes create: missing --host-id (or --provision)");
	if (p->size) {
		if (!size_option(p->size, "volumes create", &q.size_bytes, err))
			return false;
	} else {
		/* The file is often on this very machine (made with dd or
		 * fallocate a moment ago): then its size is the right one. */
		struct stat sb;
		if (q.provision || stat(q.path, &sb) != 0 || !S_ISREG(sb.st_mode))
			return ctl_err_usage(err, "volumes create", "volumes create: missing --size (%s)",
					     q.provision
						 ? "the size of the file to make"
						 : "the path is not a file on this machine to take it from");
		q.size_bytes = (int64_t)sb.st_size;
	}
	if (p->type) {
		if (!(q.type = ctl_type_parse(p->type)))
			return ctl_err_usage(err, "volumes create",
					     "--type must be ext4, qcow2 or raw, not \"%s\"", p->type);
	} else if (p->path) {
		q.type = ctl_type_from_path(q.path);
	} else {
		return ctl_err_usage(err, "volumes create",
				     "volumes create: missing --type (or a --path to take it from)");
	}
	vc_call_opts o = file_call(ctx);
	vc_status st;
	Volumed__V1__Volume *v;
	if (vc_create_volume(ctx->client, &q, &v, q.provision ? &o : NULL, &st) != 0)
		return ctl_err_call(err, &st, ctx->server, q.provision ? o.timeout_ms : ctx->timeout_ms);
	ctl_out_volume(ctx->out, ctx->format, v);
	vc_free(v);
	return true;
}

bool ctl_cmd_volumes_status(const ctl_ctx *ctx, const ctl_params *p, char **args, ctl_err *err)
{
	Volumed__V1__UpdateVolumeStatusRequest q = VOLUMED__V1__UPDATE_VOLUME_STATUS_REQUEST__INIT;
	q.id = args[0];
	if (!(q.status = ctl_status_parse(args[1])))
		return ctl_err_usage(err, "volumes status",
				     "STATUS must be available, attached or in-use, not \"%s\"", args[1]);
	vc_status st;
	Volumed__V1__Volume *v;
	if (vc_update_volume_status(ctx->client, &q, &v, NULL, &st) != 0)
		return ctl_err_call(err, &st, ctx->server, ctx->timeout_ms);
	ctl_out_volume(ctx->out, ctx->format, v);
	vc_free(v);
	return true;
}

bool ctl_cmd_volumes_delete(const ctl_ctx *ctx, const ctl_params *p, char **args, ctl_err *err)
{
	Volumed__V1__DeleteVolumeRequest q = VOLUMED__V1__DELETE_VOLUME_REQUEST__INIT;
	q.id = args[0];
	q.delete_file = p->delete_file != 0;
	vc_call_opts o = file_call(ctx);
	vc_status st;
	if (vc_delete_volume(ctx->client, &q, NULL, q.delete_file ? &o : NULL, &st) != 0)
		return ctl_err_call(err, &st, ctx->server, q.delete_file ? o.timeout_ms : ctx->timeout_ms);
	ctl_out_deleted(ctx->out, ctx->format, "volume", args[0]);
	return true;
}

bool ctl_cmd_volumes_attach(const ctl_ctx *ctx, const ctl_params *p, char **args, ctl_err *err)
{
	Volumed__V1__AttachVolumeRequest q = VOLUMED__V1__ATTACH_VOLUME_REQUEST__INIT;
	q.volume_id = args[0];
	q.vm_id = or_empty(p->vm_id);
	q.drive_id = or_empty(p->drive_id);
	q.read_only = p->read_only != 0;
	vc_status st;
	Volumed__V1__Attachment *a;
	if (vc_attach_volume(ctx->client, &q, &a, NULL, &st) != 0)
		return ctl_err_call(err, &st, ctx->server, ctx->timeout_ms);
	ctl_out_attachment(ctx->out, ctx->format, a);
	vc_free(a);
	return true;
}

bool ctl_cmd_volumes_detach(const ctl_ctx *ctx, const ctl_params *p, char **args, ctl_err *err)
{
	Volumed__V1__DetachVolumeRequest q = VOLUMED__V1__DETACH_VOLUME_REQUEST__INIT;
	q.volume_id = args[0];
	q.vm_id = or_empty(p->vm_id);
	vc_status st;
	Volumed__V1__Volume *v;
	if (vc_detach_volume(ctx->client, &q, &v, NULL, &st) != 0)
		return ctl_err_call(err, &st, ctx->server, ctx->timeout_ms);
	ctl_out_volume(ctx->out, ctx->format, v);
	vc_free(v);
	return true;
}

bool ctl_cmd_volumes_attachments(const ctl_ctx *ctx, const ctl_params *p, char **args, ctl_err *err)
{
	Volumed__V1__ListAttachmentsRequest q = VOLUMED__V1__LIST_ATTACHMENTS_REQUEST__INIT;
	q.volume_id = args[0];
	ctl_pages pg = {0};
	bool ok = ctl_list(ctx, p, VD_M_LIST_ATTACHMENTS, &q.base, NULL, &pg, err);
	if (ok) {
		ctl_out_attachments(ctx->out, ctx->format, (Volumed__V1__Attachment *const *)pg.items, pg.n);
		ctl_pages_note_next(&pg);
	}
	ctl_pages_free(&pg);
	return ok;
}

bool ctl_cmd_volumes_register(const ctl_ctx *ctx, const ctl_params *p, char **args, ctl_err *err)
{
	Volumed__V1__RegisterVolumeRequest q = VOLUMED__V1__REGISTER_VOLUME_REQUEST__INIT;
	q.vm_id = or_empty(p->vm_id);
	q.path = or_empty(p->path);
	q.drive_id = or_empty(p->drive_id);
	vc_status st;
	Volumed__V1__Volume *v;
	if (vc_register_volume(ctx->client, &q, &v, NULL, &st) != 0)
		return ctl_err_call(err, &st, ctx->server, ctx->timeout_ms);
	ctl_out_volume(ctx->out, ctx->format, v);
	vc_free(v);
	return true;
}

bool ctl_cmd_volumes_resize(const ctl_ctx *ctx, const ctl_params *p, char **args, ctl_err *err)
{
	Volumed__V1__ResizeVolumeRequest q = VOLUMED__V1__RESIZE_VOLUME_REQUEST__INIT;
	q.id = args[0];
	if (!size_option(p->size, "volumes resize", &q.size_bytes, err))
		return false;
	vc_call_opts o = file_call(ctx);
	vc_status st;
	Volumed__V1__Volume *v;
	if (vc_resize_volume(ctx->client, &q, &v, &o, &st) != 0)
		return ctl_err_call(err, &st, ctx->server, o.timeout_ms);
	ctl_out_volume(ctx->out, ctx->format, v);
	vc_free(v);
	return true;
}

bool ctl_cmd_volumes_clone(const ctl_ctx *ctx, const ctl_params *p, char **args, ctl_err *err)
{
	Volumed__V1__CloneVolumeRequest q = VOLUMED__V1__CLONE_VOLUME_REQUEST__INIT;
	q.id = args[0];
	q.name = or_empty(p->name);
	q.path = or_empty(p->path);
	q.description = or_empty(p->description);
	vc_call_opts o = file_call(ctx);
	vc_status st;
	Volumed__V1__Volume *v;
	if (vc_clone_volume(ctx->client, &q, &v, &o, &st) != 0)
		return ctl_err_call(err, &st, ctx->server, o.timeout_ms);
	ctl_out_volume(ctx->out, ctx->format, v);
	vc_free(v);
	return true;
}
