/* cmd_hosts_vms.c - the `hosts`, `vms` and `images` commands, and `health`. */
#include "commands.h"
#include "format.h"

static char *or_empty(const char *s)
{
	return (char *)(s ? s : "");
}

/* A call that copies or reads many files may take minutes. */
static vc_call_opts file_call(const ctl_ctx *ctx)
{
	return (vc_call_opts){.timeout_ms = ctx->file_timeout_ms};
}

bool ctl_cmd_hosts_list(const ctl_ctx *ctx, const ctl_params *p, char **args, ctl_err *err)
{
	Volumed__V1__ListHostsRequest q = VOLUMED__V1__LIST_HOSTS_REQUEST__INIT;
	ctl_pages pg = {0};
	bool ok = ctl_list(ctx, p, VD_M_LIST_HOSTS, &q.base, NULL, &pg, err);
	if (ok) {
		ctl_out_hosts(ctx->out, ctx->format, (Volumed__V1__Host *const *)pg.items, pg.n);
		ctl_pages_note_next(&pg);
	}
	ctl_pages_free(&pg);
	return ok;
}

bool ctl_cmd_hosts_get(const ctl_ctx *ctx, const ctl_params *p, char **args, ctl_err *err)
{
	Volumed__V1__GetHostRequest q = VOLUMED__V1__GET_HOST_REQUEST__INIT;
	q.id = args[0];
	vc_status st;
	Volumed__V1__Host *h;
	if (vc_get_host(ctx->client, &q, &h, NULL, &st) != 0)
		return ctl_err_call(err, &st, ctx->server, ctx->timeout_ms);
	ctl_out_host(ctx->out, ctx->format, h);
	vc_free(h);
	return true;
}

bool ctl_cmd_hosts_create(const ctl_ctx *ctx, const ctl_params *p, char **args, ctl_err *err)
{
	Volumed__V1__CreateHostRequest q = VOLUMED__V1__CREATE_HOST_REQUEST__INIT;
	q.name = or_empty(p->name);
	q.address = or_empty(p->address);
	vc_status st;
	Volumed__V1__Host *h;
	if (vc_create_host(ctx->client, &q, &h, NULL, &st) != 0)
		return ctl_err_call(err, &st, ctx->server, ctx->timeout_ms);
	ctl_out_host(ctx->out, ctx->format, h);
	vc_free(h);
	return true;
}

bool ctl_cmd_hosts_delete(const ctl_ctx *ctx, const ctl_params *p, char **args, ctl_err *err)
{
	Volumed__V1__DeleteHostRequest q = VOLUMED__V1__DELETE_HOST_REQUEST__INIT;
	q.id = args[0];
	vc_status st;
	if (vc_delete_host(ctx->client, &q, NULL, NULL, &st) != 0)
		return ctl_err_call(err, &st, ctx->server, ctx->timeout_ms);
	ctl_out_deleted(ctx->out, ctx->format, "host", args[0]);
	return true;
}

bool ctl_cmd_hosts_scan(const ctl_ctx *ctx, const ctl_params *p, char **args, ctl_err *err)
{
	Volumed__V1__ScanHostRequest q = VOLUMED__V1__SCAN_HOST_REQUEST__INIT;
	q.id = args[0];
	q.register_unregistered = p->register_unregistered != 0;
	vc_call_opts o = file_call(ctx);
	vc_status st;
	Volumed__V1__ScanHostResponse *r;
	if (vc_scan_host(ctx->client, &q, &r, &o, &st) != 0)
		return ctl_err_call(err, &st, ctx->server, o.timeout_ms);
	ctl_out_scan(ctx->out, ctx->format, r);
	vc_free(r);
	return true;
}

bool ctl_cmd_images_list(const ctl_ctx *ctx, const ctl_params *p, char **args, ctl_err *err)
{
	Volumed__V1__ListImagesRequest q = VOLUMED__V1__LIST_IMAGES_REQUEST__INIT;
	ctl_pages pg = {0};
	vc_call_opts o = file_call(ctx);
	bool ok = ctl_list(ctx, p, VD_M_LIST_IMAGES, &q.base, &o, &pg, err);
	if (ok) {
		ctl_out_images(ctx->out, ctx->format, (Volumed__V1__Image *const *)pg.items, pg.n);
		ctl_pages_note_next(&pg);
	}
	ctl_pages_free(&pg);
	return ok;
}

bool ctl_cmd_vms_list(const ctl_ctx *ctx, const ctl_params *p, char **args, ctl_err *err)
{
	Volumed__V1__ListVmsRequest q = VOLUMED__V1__LIST_VMS_REQUEST__INIT;
	q.host_id = or_empty(p->host_id);
	ctl_pages pg = {0};
	bool ok = ctl_list(ctx, p, VD_M_LIST_VMS, &q.base, NULL, &pg, err);
	if (ok) {
		ctl_out_vms(ctx->out, ctx->format, (Volumed__V1__Vm *const *)pg.items, pg.n);
		ctl_pages_note_next(&pg);
	}
	ctl_pages_free(&pg);
	return ok;
}

bool ctl_cmd_vms_get(const ctl_ctx *ctx, const ctl_params *p, char **args, ctl_err *err)
{
	Volumed__V1__GetVmRequest q = VOLUMED__V1__GET_VM_REQUEST__INIT;
	q.id = args[0];
	vc_status st;
	Volumed__V1__Vm *m;
	if (vc_get_vm(ctx->client, &q, &m, NULL, &st) != 0)
		return ctl_err_call(err, &st, ctx->server, ctx->timeout_ms);
	ctl_out_vm(ctx->out, ctx->format, m);
	vc_free(m);
	return true;
}

bool ctl_cmd_vms_create(const ctl_ctx *ctx, const ctl_params *p, char **args, ctl_err *err)
{
	Volumed__V1__CreateVmRequest q = VOLUMED__V1__CREATE_VM_REQUEST__INIT;
	q.id = or_empty(p->id);
	q.name = or_empty(p->name);
	q.host_id = or_empty(p->host_id);
	q.rootfs_image_id = or_empty(p->rootfs_image_id);
	/* With a rootfs image the VM lives where the image is copied, the
	 * answering volumed's host; without one it must be told. */
	if (!p->host_id && !p->rootfs_image_id)
		return ctl_err_usage(err, "vms create",
				     "vms create: missing --host-id (or --rootfs-image-id)");
	if (p->kind) {
		int k = ctl_vm_kind_parse(p->kind);
		if (k < 0)
			return ctl_err_usage(err, "vms create",
					     "--kind must be vm, container or function, not \"%s\"", p->kind);
		q.kind = (Volumed__V1__VmKind)k;
	}
	bool copies = p->rootfs_image_id != NULL;
	vc_call_opts o = file_call(ctx);
	vc_status st;
	Volumed__V1__Vm *m;
	if (vc_create_vm(ctx->client, &q, &m, copies ? &o : NULL, &st) != 0)
		return ctl_err_call(err, &st, ctx->server, copies ? o.timeout_ms : ctx->timeout_ms);
	ctl_out_vm(ctx->out, ctx->format, m);
	vc_free(m);
	return true;
}

bool ctl_cmd_vms_delete(const ctl_ctx *ctx, const ctl_params *p, char **args, ctl_err *err)
{
	Volumed__V1__DeleteVmRequest q = VOLUMED__V1__DELETE_VM_REQUEST__INIT;
	q.id = args[0];
	vc_status st;
	if (vc_delete_vm(ctx->client, &q, NULL, NULL, &st) != 0)
		return ctl_err_call(err, &st, ctx->server, ctx->timeout_ms);
	ctl_out_deleted(ctx->out, ctx->format, "vm", args[0]);
	return true;
}

bool ctl_cmd_health(const ctl_ctx *ctx, const ctl_params *p, char **args, ctl_err *err)
{
	static const char *const words[] = {"UNKNOWN", "SERVING", "NOT_SERVING", "SERVICE_UNKNOWN"};
	Grpc__Health__V1__HealthCheckRequest q = GRPC__HEALTH__V1__HEALTH_CHECK_REQUEST__INIT;
	q.service = or_empty(p->service);
	vc_status st;
	Grpc__Health__V1__HealthCheckResponse *r;
	if (vc_health_check(ctx->client, &q, &r, NULL, &st) != 0)
		return ctl_err_call(err, &st, ctx->server, ctx->timeout_ms);
	int s = r->status;
	vc_free(r);
	const char *w = s >= 0 && s < 4 ? words[s] : "UNKNOWN";
	ctl_out_health(ctx->out, ctx->format, w);
	/* volumed answers NOT_SERVING while it cannot reach Postgres: for a
	 * health check (a container's, a load balancer's) that is a failure. */
	if (s != GRPC__HEALTH__V1__HEALTH_CHECK_RESPONSE__SERVING_STATUS__SERVING)
		return ctl_err_code(err, VD_CODE_UNAVAILABLE, "volumed at %s is %s%s", ctx->server, w,
				    s == GRPC__HEALTH__V1__HEALTH_CHECK_RESPONSE__SERVING_STATUS__NOT_SERVING
					    ? ": it cannot reach its database"
					    : "");
	return true;
}
