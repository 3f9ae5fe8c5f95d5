/* route.h - request parsing: method, target, headers and body in; the
 * route with its volumed request message filled in, or a vd_error, out.
 *
 * Pure on purpose: no network, no clock, no randomness, so every byte a
 * client can send reaches this code under the fuzzer too. */
#ifndef VOLUMED_GW_ROUTE_H
#define VOLUMED_GW_ROUTE_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "vc.h"
#include "wire.h"

/* The largest request body accepted (PRODUCT.md: 413 above 1 MiB). */
#define GW_MAX_BODY ((size_t)1 << 20)
/* Limits of the headers passed on to volumed as gRPC metadata. */
#define GW_REQUEST_ID_MAX 128
#define GW_AUTHORIZATION_MAX 4096

/* What a request asks for: one per REST route and method. */
typedef enum gw_op {
	GW_OP_LIST_VOLUMES,
	GW_OP_GET_VOLUME,
	GW_OP_CREATE_VOLUME,
	GW_OP_UPDATE_VOLUME_STATUS,
	GW_OP_DELETE_VOLUME,
	GW_OP_ATTACH_VOLUME,
	GW_OP_DETACH_VOLUME,
	GW_OP_LIST_ATTACHMENTS,
	GW_OP_REGISTER_VOLUME,
	GW_OP_CREATE_HOST,
	GW_OP_GET_HOST,
	GW_OP_LIST_HOSTS,
	GW_OP_DELETE_HOST,
	GW_OP_CREATE_VM,
	GW_OP_GET_VM,
	GW_OP_LIST_VMS,
	GW_OP_DELETE_VM,
	GW_OP_HEALTH,
	GW_OP_RESIZE_VOLUME,
	GW_OP_CLONE_VOLUME,
	GW_OP_SCAN_HOST,
	GW_OP_LIST_IMAGES,
	GW_OP_OPTIONS, /* OPTIONS on any route: 204 with Allow, volumed is not asked */
	GW_OP_COUNT
} gw_op;

/* The request as HTTP delivered it. Strings are NUL-terminated; header
 * pointers are NULL when the header is absent. */
typedef struct gw_http_in {
	const char *method;
	const char *target; /* the request target as sent: path and query, still encoded */
	const char *content_type;
	const char *request_id;    /* X-Request-Id */
	const char *authorization; /* Authorization */
	const char *body;
	size_t body_len;
	/* Headers only: the body, if any, has not been read yet. The checks
	 * that need no body run, so a request that is wrong anyway is
	 * answered before its body is read. */
	bool head_only;
	bool body_follows; /* with head_only: Content-Length > 0 or chunked */
} gw_http_in;

/* A parsed request. Zero it before gw_route_parse; free it with
 * gw_request_dispose whether parsing succeeded or not. */
typedef struct gw_request {
	gw_op op;
	vd_method_id rpc; /* the volumed method (unused for GW_OP_OPTIONS) */
	/* The methods of the matched path ("GET, HEAD, POST, OPTIONS"), for
	 * the Allow header of 405 and OPTIONS; "" when no path matched. */
	char allow[64];
	/* The volumed request. Its strings point into scratch and body. */
	union {
		ProtobufCMessage base;
		Volumed__V1__ListVolumesRequest list_volumes;
		Volumed__V1__GetVolumeRequest get_volume;
		Volumed__V1__CreateVolumeRequest create_volume;
		Volumed__V1__UpdateVolumeStatusRequest update_volume_status;
		Volumed__V1__DeleteVolumeRequest delete_volume;
		Volumed__V1__AttachVolumeRequest attach_volume;
		Volumed__V1__DetachVolumeRequest detach_volume;
		Volumed__V1__ListAttachmentsRequest list_attachments;
		Volumed__V1__RegisterVolumeRequest register_volume;
		Volumed__V1__CreateHostRequest create_host;
		Volumed__V1__GetHostRequest get_host;
		Volumed__V1__ListHostsRequest list_hosts;
		Volumed__V1__DeleteHostRequest delete_host;
		Volumed__V1__CreateVmRequest create_vm;
		Volumed__V1__GetVmRequest get_vm;
		Volumed__V1__ListVmsRequest list_vms;
		Volumed__V1__DeleteVmRequest delete_vm;
		Grpc__Health__V1__HealthCheckRequest health;
		Volumed__V1__ResizeVolumeRequest resize_volume;
		Volumed__V1__CloneVolumeRequest clone_volume;
		Volumed__V1__ScanHostRequest scan_host;
		Volumed__V1__ListImagesRequest list_images;
	} msg;
	/* Validated headers to pass on as metadata, or NULL. */
	const char *request_id;
	const char *authorization;
	/* Owned: the decoded path segments and query values, and the body. */
	char *scratch;
	json_t *body;
} gw_request;

/* Parses a request. Returns true with *out filled, or false with the
 * error in err (out->allow is still set when the path matched, so a 405
 * can name the allowed methods). */
bool gw_route_parse(const gw_http_in *in, gw_request *out, vd_error *err);

/* True when the parsed request makes volumed work on files (copy, mkfs,
 * resize, scan, list the image root): such a call may take minutes, so
 * it gets the longer deadline. The same rule volumed uses to send the
 * call to its file workers. */
bool gw_route_is_file_work(const gw_request *r);

/* Frees what a parsed request owns, not the struct itself. */
void gw_request_dispose(gw_request *r);

/* True when s may be used as a request id: 1 to GW_REQUEST_ID_MAX
 * visible ASCII characters, so it is safe in a header, a log line and
 * gRPC metadata. */
bool gw_route_request_id_ok(const char *s);

#endif
