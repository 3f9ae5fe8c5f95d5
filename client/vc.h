/* vc.h - the volumed client library: a blocking C API over gRPC core for
 * every RPC, with a deadline on every call. The gateway, volumectl, the
 * tests and the benchmarks all call volumed through it.
 *
 * A vc_client holds one channel and may be shared by any number of threads.
 * Responses are protobuf-c messages owned by the caller: free them with
 * vc_free(). */
#ifndef VOLUMED_VC_H
#define VOLUMED_VC_H

#include <stdbool.h>
#include <stddef.h>

#include "google/protobuf/empty.pb-c.h"
#include "grpc/health/v1/health.pb-c.h"
#include "volumed/v1/host.pb-c.h"
#include "volumed/v1/image.pb-c.h"
#include "volumed/v1/vm.pb-c.h"
#include "volumed/v1/volume.pb-c.h"
#include "wire.h"

typedef struct vc_client vc_client;

typedef struct vc_options {
	int timeout_ms;        /* deadline of a call that names none; 0 = 5000 */
	bool own_connection;   /* a TCP connection of its own, not shared with other clients */
	int max_message_bytes; /* largest response accepted; 0 = 16 MiB */
} vc_options;

/* Per-call options; a NULL vc_call_opts means all defaults. */
typedef struct vc_call_opts {
	int timeout_ms;            /* 0 = the client's default */
	const char *request_id;    /* sent as x-request-id */
	const char *authorization; /* sent as authorization */
	/* Wait (up to the deadline) for a connection that is not there yet,
	 * instead of failing with UNAVAILABLE at once (gRPC's wait-for-ready). */
	bool wait_for_ready;
} vc_call_opts;

/* How a call ended. reason is the google.rpc.ErrorInfo reason volumed sent
 * ("" when the error came from gRPC itself, e.g. volumed unreachable). */
#define VC_META_MAX 4
typedef struct vc_status {
	int code;
	char reason[64];
	char message[512];
	int nmeta;
	struct {
		char key[32];
		char value[192];
	} meta[VC_META_MAX];
} vc_status;

/* A client for target ("HOST:PORT"); opts may be NULL. Never NULL. */
vc_client *vc_client_new(const char *target, const vc_options *opts);
void vc_client_free(vc_client *c);

/* Calls method m with req; on OK stores the decoded response in *resp
 * (if resp is not NULL). Returns st->code (0 = OK). */
int vc_call(vc_client *c, vd_method_id m, const ProtobufCMessage *req, ProtobufCMessage **resp,
	    const vc_call_opts *o, vc_status *st);

/* The same with raw bytes, for tests and benchmarks: any method path, any
 * body (send_message false sends no message at all). On OK *out holds the
 * response bytes (free()), when out is not NULL. */
int vc_call_raw(vc_client *c, const char *path, const void *body, size_t len, bool send_message,
		void **out, size_t *outlen, const vc_call_opts *o, vc_status *st);

/* A metadata value of the error (e.g. "field", "vm_id"), or NULL. */
const char *vc_status_meta(const vc_status *st, const char *key);

/* Frees a response; NULL is fine. */
void vc_free(void *msg);

/* One typed function per RPC. */
#define VC_RPC(fn, req, resp)                                                  \
	int fn(vc_client *c, const req *q, resp **out, const vc_call_opts *o, vc_status *st)

VC_RPC(vc_list_volumes, Volumed__V1__ListVolumesRequest, Volumed__V1__ListVolumesResponse);
VC_RPC(vc_get_volume, Volumed__V1__GetVolumeRequest, Volumed__V1__Volume);
VC_RPC(vc_create_volume, Volumed__V1__CreateVolumeRequest, Volumed__V1__Volume);
VC_RPC(vc_update_volume_status, Volumed__V1__UpdateVolumeStatusRequest, Volumed__V1__Volume);
VC_RPC(vc_delete_volume, Volumed__V1__DeleteVolumeRequest, Google__Protobuf__Empty);
VC_RPC(vc_attach_volume, Volumed__V1__AttachVolumeRequest, Volumed__V1__Attachment);
VC_RPC(vc_detach_volume, Volumed__V1__DetachVolumeRequest, Volumed__V1__Volume);
VC_RPC(vc_list_attachments, Volumed__V1__ListAttachmentsRequest, Volumed__V1__ListAttachmentsResponse);
VC_RPC(vc_register_volume, Volumed__V1__RegisterVolumeRequest, Volumed__V1__Volume);
VC_RPC(vc_create_host, Volumed__V1__CreateHostRequest, Volumed__V1__Host);
VC_RPC(vc_get_host, Volumed__V1__GetHostRequest, Volumed__V1__Host);
VC_RPC(vc_list_hosts, Volumed__V1__ListHostsRequest, Volumed__V1__ListHostsResponse);
VC_RPC(vc_delete_host, Volumed__V1__DeleteHostRequest, Google__Protobuf__Empty);
VC_RPC(vc_create_vm, Volumed__V1__CreateVmRequest, Volumed__V1__Vm);
VC_RPC(vc_get_vm, Volumed__V1__GetVmRequest, Volumed__V1__Vm);
VC_RPC(vc_list_vms, Volumed__V1__ListVmsRequest, Volumed__V1__ListVmsResponse);
VC_RPC(vc_delete_vm, Volumed__V1__DeleteVmRequest, Google__Protobuf__Empty);
VC_RPC(vc_health_check, Grpc__Health__V1__HealthCheckRequest, Grpc__Health__V1__HealthCheckResponse);
VC_RPC(vc_resize_volume, Volumed__V1__ResizeVolumeRequest, Volumed__V1__Volume);
VC_RPC(vc_clone_volume, Volumed__V1__CloneVolumeRequest, Volumed__V1__Volume);
VC_RPC(vc_scan_host, Volumed__V1__ScanHostRequest, Volumed__V1__ScanHostResponse);
VC_RPC(vc_list_images, Volumed__V1__ListImagesRequest, Volumed__V1__ListImagesResponse);

#endif
