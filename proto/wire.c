/* wire.c - the shared method table, error-reason table and string rules. */
#include "wire.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "grpc/health/v1/health.pb-c.h"
#include "volumed/v1/image.pb-c.h"
#include "google/protobuf/empty.pb-c.h"
#include "volumed/v1/host.pb-c.h"
#include "volumed/v1/vm.pb-c.h"
#include "volumed/v1/volume.pb-c.h"

/* One row per reason: its wire name, the gRPC code it travels with and the
 * HTTP status the gateway gives it. The HTTP column equals
 * vd_code_http(code) except for errors only the gateway raises. */
static const struct {
	const char *name;
	int code;
	int http;
} reasons[VD_REASON_COUNT] = {
	[VD_OK] = {"", VD_CODE_OK, 200},
	[VD_VOLUME_NOT_FOUND] = {"VOLUME_NOT_FOUND", VD_CODE_NOT_FOUND, 404},
	[VD_VM_NOT_FOUND] = {"VM_NOT_FOUND", VD_CODE_NOT_FOUND, 404},
	[VD_HOST_NOT_FOUND] = {"HOST_NOT_FOUND", VD_CODE_NOT_FOUND, 404},
	[VD_ATTACHMENT_NOT_FOUND] = {"ATTACHMENT_NOT_FOUND", VD_CODE_NOT_FOUND, 404},
	[VD_INVALID_FIELD] = {"INVALID_FIELD", VD_CODE_INVALID_ARGUMENT, 400},
	[VD_MALFORMED_REQUEST] = {"MALFORMED_REQUEST", VD_CODE_INVALID_ARGUMENT, 400},
	[VD_DUPLICATE_PATH] = {"DUPLICATE_PATH", VD_CODE_ALREADY_EXISTS, 409},
	[VD_DUPLICATE_NAME] = {"DUPLICATE_NAME", VD_CODE_ALREADY_EXISTS, 409},
	[VD_DUPLICATE_ID] = {"DUPLICATE_ID", VD_CODE_ALREADY_EXISTS, 409},
	[VD_VOLUME_ATTACHED] = {"VOLUME_ATTACHED", VD_CODE_FAILED_PRECONDITION, 409},
	[VD_ATTACHED_ELSEWHERE] = {"ATTACHED_ELSEWHERE", VD_CODE_FAILED_PRECONDITION, 409},
	[VD_ALREADY_ATTACHED] = {"ALREADY_ATTACHED", VD_CODE_ALREADY_EXISTS, 409},
	[VD_DRIVE_IN_USE] = {"DRIVE_IN_USE", VD_CODE_FAILED_PRECONDITION, 409},
	[VD_STATUS_CONFLICT] = {"STATUS_CONFLICT", VD_CODE_FAILED_PRECONDITION, 409},
	[VD_HOST_IN_USE] = {"HOST_IN_USE", VD_CODE_FAILED_PRECONDITION, 409},
	[VD_DATABASE_UNAVAILABLE] = {"DATABASE_UNAVAILABLE", VD_CODE_UNAVAILABLE, 503},
	[VD_UNKNOWN_METHOD] = {"UNKNOWN_METHOD", VD_CODE_UNIMPLEMENTED, 501},
	[VD_SERVICE_NOT_FOUND] = {"SERVICE_NOT_FOUND", VD_CODE_NOT_FOUND, 404},
	[VD_WRONG_HOST] = {"WRONG_HOST", VD_CODE_FAILED_PRECONDITION, 409},
	[VD_IMAGE_NOT_FOUND] = {"IMAGE_NOT_FOUND", VD_CODE_NOT_FOUND, 404},
	[VD_FILE_EXISTS] = {"FILE_EXISTS", VD_CODE_ALREADY_EXISTS, 409},
	[VD_FILE_NOT_FOUND] = {"FILE_NOT_FOUND", VD_CODE_FAILED_PRECONDITION, 409},
	[VD_NO_SPACE] = {"NO_SPACE", VD_CODE_RESOURCE_EXHAUSTED, 429},
	[VD_FILE_ERROR] = {"FILE_ERROR", VD_CODE_INTERNAL, 500},
	[VD_UNMANAGED_PATH] = {"UNMANAGED_PATH", VD_CODE_FAILED_PRECONDITION, 409},
	[VD_INTERNAL] = {"INTERNAL", VD_CODE_INTERNAL, 500},
	[VD_INVALID_JSON] = {"INVALID_JSON", VD_CODE_INVALID_ARGUMENT, 400},
	[VD_INVALID_ID] = {"INVALID_ID", VD_CODE_INVALID_ARGUMENT, 400},
	[VD_ROUTE_NOT_FOUND] = {"ROUTE_NOT_FOUND", VD_CODE_NOT_FOUND, 404},
	[VD_METHOD_NOT_ALLOWED] = {"METHOD_NOT_ALLOWED", VD_CODE_UNIMPLEMENTED, 405},
	[VD_UNSUPPORTED_MEDIA_TYPE] = {"UNSUPPORTED_MEDIA_TYPE", VD_CODE_INVALID_ARGUMENT, 415},
	[VD_PAYLOAD_TOO_LARGE] = {"PAYLOAD_TOO_LARGE", VD_CODE_RESOURCE_EXHAUSTED, 413},
	[VD_REQUEST_TIMEOUT] = {"REQUEST_TIMEOUT", VD_CODE_DEADLINE_EXCEEDED, 408},
	[VD_VOLUMED_UNAVAILABLE] = {"VOLUMED_UNAVAILABLE", VD_CODE_UNAVAILABLE, 503},
	[VD_DEADLINE_EXCEEDED] = {"DEADLINE_EXCEEDED", VD_CODE_DEADLINE_EXCEEDED, 504},
};

static const char *const code_names[] = {
	"OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED",
	"NOT_FOUND", "ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED",
	"FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE", "UNIMPLEMENTED",
	"INTERNAL", "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED",
};

const char *vd_reason_name(vd_reason r)
{
	return (unsigned)r < VD_REASON_COUNT ? reasons[r].name : "INTERNAL";
}

int vd_reason_code(vd_reason r)
{
	return (unsigned)r < VD_REASON_COUNT ? reasons[r].code : VD_CODE_INTERNAL;
}

int vd_reason_http(vd_reason r)
{
	return (unsigned)r < VD_REASON_COUNT ? reasons[r].http : 500;
}

vd_reason vd_reason_lookup(const char *name)
{
	if (!name || !*name)
		return VD_REASON_COUNT;
	for (int r = 1; r < VD_REASON_COUNT; r++)
		if (strcmp(reasons[r].name, name) == 0)
			return (vd_reason)r;
	return VD_REASON_COUNT;
}

const char *vd_code_name(int code)
{
	if (code < 0 || code >= (int)(sizeof code_names / sizeof *code_names))
		return "UNKNOWN";
	return code_names[code];
}

int vd_code_http(int code)
{
	switch (code) {
	case VD_CODE_OK: return 200;
	case VD_CODE_CANCELLED: return 499;
	case VD_CODE_INVALID_ARGUMENT: return 400;
	case VD_CODE_OUT_OF_RANGE: return 400;
	case VD_CODE_DEADLINE_EXCEEDED: return 504;
	case VD_CODE_NOT_FOUND: return 404;
	case VD_CODE_ALREADY_EXISTS: return 409;
	case VD_CODE_ABORTED: return 409;
	/* The one deliberate difference from grpc-gateway: a state conflict
	 * reads as 409 to a REST user, not 400. */
	case VD_CODE_FAILED_PRECONDITION: return 409;
	case VD_CODE_PERMISSION_DENIED: return 403;
	case VD_CODE_UNAUTHENTICATED: return 401;
	case VD_CODE_RESOURCE_EXHAUSTED: return 429;
	case VD_CODE_UNIMPLEMENTED: return 501;
	case VD_CODE_UNAVAILABLE: return 503;
	default: return 500;
	}
}

int vd_code_exit(int code)
{
	switch (code) {
	case VD_CODE_OK: return VD_EXIT_OK;
	case VD_CODE_INVALID_ARGUMENT:
	case VD_CODE_OUT_OF_RANGE: return VD_EXIT_INVALID;
	case VD_CODE_NOT_FOUND: return VD_EXIT_NOT_FOUND;
	case VD_CODE_ALREADY_EXISTS:
	case VD_CODE_FAILED_PRECONDITION:
	case VD_CODE_ABORTED: return VD_EXIT_CONFLICT;
	case VD_CODE_UNAVAILABLE:
	case VD_CODE_DEADLINE_EXCEEDED: return VD_EXIT_UNAVAILABLE;
	case VD_CODE_UNAUTHENTICATED:
	case VD_CODE_PERMISSION_DENIED: return VD_EXIT_DENIED;
	default: return VD_EXIT_ERROR;
	}
}

/* After a truncating snprintf: drops a UTF-8 sequence cut short at the end,
 * so a long quoted value never makes the message invalid UTF-8 (which
 * strict protobuf decoders refuse in google.rpc.Status). */
static void utf8_cut(char *s)
{
	size_t n = strlen(s), lead = n;
	while (lead > 0 && ((unsigned char)s[lead - 1] & 0xc0) == 0x80)
		lead--;
	if (lead == 0 || (unsigned char)s[lead - 1] < 0xc0)
		return;
	unsigned char c = (unsigned char)s[lead - 1];
	size_t need = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
	if (n - (lead - 1) < need)
		s[lead - 1] = '\0';
}

bool vd_error_set(vd_error *err, vd_reason reason, const char *fmt, ...)
{
	if (!err || err->reason != VD_OK)
		return false;
	err->reason = reason;
	err->nmeta = 0;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(err->message, sizeof err->message, fmt, ap);
	va_end(ap);
	if (n >= (int)sizeof err->message)
		utf8_cut(err->message);
	return false;
}

void vd_error_meta(vd_error *err, const char *key, const char *value)
{
	if (!err || err->nmeta >= VD_ERROR_META_MAX)
		return;
	snprintf(err->meta[err->nmeta].key, sizeof err->meta[0].key, "%s", key);
	if (snprintf(err->meta[err->nmeta].value, sizeof err->meta[0].value, "%s", value) >=
	    (int)sizeof err->meta[0].value)
		utf8_cut(err->meta[err->nmeta].value);
	err->nmeta++;
}

void vd_error_clear(vd_error *err)
{
	err->reason = VD_OK;
	err->message[0] = '\0';
	err->nmeta = 0;
}

#define VOL(m, req, resp)                                                      \
	{"/volumed.v1.VolumeService/" m, &volumed__v1__##req##__descriptor,    \
	 &resp##__descriptor}
#define HOST(m, req, resp)                                                     \
	{"/volumed.v1.HostService/" m, &volumed__v1__##req##__descriptor,      \
	 &resp##__descriptor}
#define VM(m, req, resp)                                                       \
	{"/volumed.v1.VmService/" m, &volumed__v1__##req##__descriptor,        \
	 &resp##__descriptor}

const vd_method vd_methods[VD_M_COUNT] = {
	[VD_M_LIST_VOLUMES] = VOL("ListVolumes", list_volumes_request, volumed__v1__list_volumes_response),
	[VD_M_GET_VOLUME] = VOL("GetVolume", get_volume_request, volumed__v1__volume),
	[VD_M_CREATE_VOLUME] = VOL("CreateVolume", create_volume_request, volumed__v1__volume),
	[VD_M_UPDATE_VOLUME_STATUS] = VOL("UpdateVolumeStatus", update_volume_status_request, volumed__v1__volume),
	[VD_M_DELETE_VOLUME] = VOL("DeleteVolume", delete_volume_request, google__protobuf__empty),
	[VD_M_ATTACH_VOLUME] = VOL("AttachVolume", attach_volume_request, volumed__v1__attachment),
	[VD_M_DETACH_VOLUME] = VOL("DetachVolume", detach_volume_request, volumed__v1__volume),
	[VD_M_LIST_ATTACHMENTS] = VOL("ListAttachments", list_attachments_request, volumed__v1__list_attachments_response),
	[VD_M_REGISTER_VOLUME] = VOL("RegisterVolume", register_volume_request, volumed__v1__volume),
	[VD_M_CREATE_HOST] = HOST("CreateHost", create_host_request, volumed__v1__host),
	[VD_M_GET_HOST] = HOST("GetHost", get_host_request, volumed__v1__host),
	[VD_M_LIST_HOSTS] = HOST("ListHosts", list_hosts_request, volumed__v1__list_hosts_response),
	[VD_M_DELETE_HOST] = HOST("DeleteHost", delete_host_request, google__protobuf__empty),
	[VD_M_CREATE_VM] = VM("CreateVm", create_vm_request, volumed__v1__vm),
	[VD_M_GET_VM] = VM("GetVm", get_vm_request, volumed__v1__vm),
	[VD_M_LIST_VMS] = VM("ListVms", list_vms_request, volumed__v1__list_vms_response),
	[VD_M_DELETE_VM] = VM("DeleteVm", delete_vm_request, google__protobuf__empty),
	[VD_M_HEALTH_CHECK] = {"/grpc.health.v1.Health/Check",
			       &grpc__health__v1__health_check_request__descriptor,
			       &grpc__health__v1__health_check_response__descriptor},
	[VD_M_RESIZE_VOLUME] = VOL("ResizeVolume", resize_volume_request, volumed__v1__volume),
	[VD_M_CLONE_VOLUME] = VOL("CloneVolume", clone_volume_request, volumed__v1__volume),
	[VD_M_SCAN_HOST] = HOST("ScanHost", scan_host_request, volumed__v1__scan_host_response),
	[VD_M_LIST_IMAGES] = {"/volumed.v1.ImageService/ListImages", &volumed__v1__list_images_request__descriptor,
			      &volumed__v1__list_images_response__descriptor},
};

int vd_hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

bool vd_uuid_parse(const char *s, size_t len, uint8_t out[16])
{
	if (!s || len != VD_UUID_LEN)
		return false;
	int n = 0;
	for (size_t i = 0; i < len;) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return false;
			i++;
			continue;
		}
		int hi = vd_hex_value(s[i]), lo = i + 1 < len ? vd_hex_value(s[i + 1]) : -1;
		if (hi < 0 || lo < 0)
			return false;
		out[n++] = (uint8_t)(hi << 4 | lo);
		i += 2;
	}
	return n == 16;
}

void vd_uuid_format(const uint8_t in[16], char out[VD_UUID_LEN + 1])
{
	static const char hex[] = "0123456789abcdef";
	char *p = out;
	for (int i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			*p++ = '-';
		*p++ = hex[in[i] >> 4];
		*p++ = hex[in[i] & 15];
	}
	*p = '\0';
}

/* Length of the UTF-8 sequence at s (at most n bytes), 0 when invalid. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
	unsigned c = s[0];
	if (c < 0x80)
		return 1;
	size_t need;
	unsigned min, cp;
	if (c >= 0xc2 && c <= 0xdf) {
		need = 2, min = 0x80, cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		need = 3, min = 0x800, cp = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		need = 4, min = 0x10000, cp = c & 0x07;
	} else {
		return 0;
	}
	if (n < need)
		return 0;
	for (size_t i = 1; i < need; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return need;
}

bool vd_utf8_valid(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	while (len) {
		size_t k = utf8_seq(p, len);
		if (!k)
			return false;
		p += k, len -= k;
	}
	return true;
}

size_t vd_utf8_length(const char *s, size_t len)
{
	size_t n = 0;
	for (size_t i = 0; i < len; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			n++;
	return n;
}
