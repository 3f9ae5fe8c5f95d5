/* wire.h - the contract every part shares: the RPC method table, the error
 * reasons with their gRPC code, HTTP status and CLI exit code, and the UUID
 * and UTF-8 rules for strings on the wire.
 *
 * Server, gateway and CLI all map errors through this one table, so a reason
 * means the same thing everywhere. */
#ifndef VOLUMED_WIRE_H
#define VOLUMED_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <protobuf-c/protobuf-c.h>

/* Stable error reasons. Their names (vd_reason_name) are part of the API:
 * append, never renumber meaning, never rename. */
typedef enum vd_reason {
	VD_OK = 0,
	VD_VOLUME_NOT_FOUND,
	VD_VM_NOT_FOUND,
	VD_HOST_NOT_FOUND,
	VD_ATTACHMENT_NOT_FOUND,
	VD_INVALID_FIELD,
	VD_MALFORMED_REQUEST,
	VD_DUPLICATE_PATH,
	VD_DUPLICATE_NAME,
	VD_DUPLICATE_ID,
	VD_VOLUME_ATTACHED,
	VD_ATTACHED_ELSEWHERE,
	VD_ALREADY_ATTACHED,
	VD_DRIVE_IN_USE,
	VD_STATUS_CONFLICT,
	VD_HOST_IN_USE,
	VD_DATABASE_UNAVAILABLE,
	VD_UNKNOWN_METHOD,
	VD_SERVICE_NOT_FOUND,
	VD_WRONG_HOST,
	VD_IMAGE_NOT_FOUND,
	VD_FILE_EXISTS,
	VD_FILE_NOT_FOUND,
	VD_NO_SPACE,
	VD_FILE_ERROR,
	VD_UNMANAGED_PATH,
	VD_INTERNAL,
	/* Raised by the gateway itself, before volumed is asked. */
	VD_INVALID_JSON,
	VD_INVALID_ID,
	VD_ROUTE_NOT_FOUND,
	VD_METHOD_NOT_ALLOWED,
	VD_UNSUPPORTED_MEDIA_TYPE,
	VD_PAYLOAD_TOO_LARGE,
	VD_REQUEST_TIMEOUT,
	VD_VOLUMED_UNAVAILABLE,
	VD_DEADLINE_EXCEEDED,
	VD_REASON_COUNT
} vd_reason;

/* gRPC status codes (the values of grpc_status_code, without pulling gRPC
 * headers into code that does not need them). */
enum {
	VD_CODE_OK = 0,
	VD_CODE_CANCELLED = 1,
	VD_CODE_UNKNOWN = 2,
	VD_CODE_INVALID_ARGUMENT = 3,
	VD_CODE_DEADLINE_EXCEEDED = 4,
	VD_CODE_NOT_FOUND = 5,
	VD_CODE_ALREADY_EXISTS = 6,
	VD_CODE_PERMISSION_DENIED = 7,
	VD_CODE_RESOURCE_EXHAUSTED = 8,
	VD_CODE_FAILED_PRECONDITION = 9,
	VD_CODE_ABORTED = 10,
	VD_CODE_OUT_OF_RANGE = 11,
	VD_CODE_UNIMPLEMENTED = 12,
	VD_CODE_INTERNAL = 13,
	VD_CODE_UNAVAILABLE = 14,
	VD_CODE_DATA_LOSS = 15,
	VD_CODE_UNAUTHENTICATED = 16
};

/* CLI exit codes, one per error class. */
enum {
	VD_EXIT_OK = 0,
	VD_EXIT_ERROR = 1,       /* internal or unclassified */
	VD_EXIT_USAGE = 2,       /* bad command line */
	VD_EXIT_INVALID = 3,     /* INVALID_ARGUMENT, OUT_OF_RANGE */
	VD_EXIT_NOT_FOUND = 4,   /* NOT_FOUND */
	VD_EXIT_CONFLICT = 5,    /* ALREADY_EXISTS, FAILED_PRECONDITION, ABORTED */
	VD_EXIT_UNAVAILABLE = 6, /* UNAVAILABLE, DEADLINE_EXCEEDED */
	VD_EXIT_DENIED = 7       /* UNAUTHENTICATED, PERMISSION_DENIED */
};

/* The stable name of a reason ("VOLUME_NOT_FOUND"); "" for VD_OK. */
const char *vd_reason_name(vd_reason r);
/* The gRPC code a reason is sent with. */
int vd_reason_code(vd_reason r);
/* The HTTP status the gateway answers a reason with. */
int vd_reason_http(vd_reason r);
/* The reason with this name, or VD_REASON_COUNT when unknown. */
vd_reason vd_reason_lookup(const char *name);

/* "FAILED_PRECONDITION" for 9, "UNKNOWN" for anything out of range. */
const char *vd_code_name(int code);
/* The gRPC -> HTTP mapping of PRODUCT.md (grpc-gateway's, except
 * FAILED_PRECONDITION -> 409). */
int vd_code_http(int code);
/* The CLI exit code for a gRPC code. */
int vd_code_exit(int code);

/* An error as a value: a reason, a sentence for humans and up to
 * VD_ERROR_META_MAX key/value facts (the field at fault, the holder of a
 * volume) that travel in google.rpc.ErrorInfo.metadata. */
#define VD_ERROR_META_MAX 3
typedef struct vd_error {
	vd_reason reason;
	char message[512];
	int nmeta;
	struct {
		char key[32];
		char value[192];
	} meta[VD_ERROR_META_MAX];
} vd_error;

/* Records an error unless one is already recorded: the first cause wins and
 * is never overwritten. Returns false, so callers can `return vd_error_set(..)`
 * from functions that report success as true. */
bool vd_error_set(vd_error *err, vd_reason reason, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Adds a metadata fact to a recorded error (ignored when full). */
void vd_error_meta(vd_error *err, const char *key, const char *value);
/* Clears an error back to VD_OK. */
void vd_error_clear(vd_error *err);

/* The RPC methods. The table order is the enum order. */
typedef enum vd_method_id {
	VD_M_LIST_VOLUMES,
	VD_M_GET_VOLUME,
	VD_M_CREATE_VOLUME,
	VD_M_UPDATE_VOLUME_STATUS,
	VD_M_DELETE_VOLUME,
	VD_M_ATTACH_VOLUME,
	VD_M_DETACH_VOLUME,
	VD_M_LIST_ATTACHMENTS,
	VD_M_REGISTER_VOLUME,
	VD_M_CREATE_HOST,
	VD_M_GET_HOST,
	VD_M_LIST_HOSTS,
	VD_M_DELETE_HOST,
	VD_M_CREATE_VM,
	VD_M_GET_VM,
	VD_M_LIST_VMS,
	VD_M_DELETE_VM,
	VD_M_HEALTH_CHECK,
	VD_M_RESIZE_VOLUME,
	VD_M_CLONE_VOLUME,
	VD_M_SCAN_HOST,
	VD_M_LIST_IMAGES,
	VD_M_COUNT
} vd_method_id;

typedef struct vd_method {
	const char *path; /* "/volumed.v1.VolumeService/GetVolume" */
	const ProtobufCMessageDescriptor *request;
	const ProtobufCMessageDescriptor *response;
} vd_method;

extern const vd_method vd_methods[VD_M_COUNT];

/* The domain of every google.rpc.ErrorInfo volumed sends. */
#define VD_ERROR_DOMAIN "volumed"
/* The trailer that carries google.rpc.Status. */
#define VD_STATUS_DETAILS_KEY "grpc-status-details-bin"
#define VD_ERRORINFO_TYPE_URL "type.googleapis.com/google.rpc.ErrorInfo"

/* UUIDs travel as 36-character strings, 8-4-4-4-12 hex digits in either
 * case; volumed always answers in lower case. */
#define VD_UUID_LEN 36
bool vd_uuid_parse(const char *s, size_t len, uint8_t out[16]);
void vd_uuid_format(const uint8_t in[16], char out[VD_UUID_LEN + 1]);

/* The value of one hex digit (either case), or -1. */
int vd_hex_value(char c);

/* Strict UTF-8: no overlong forms, no surrogates, nothing above U+10FFFF. */
bool vd_utf8_valid(const char *s, size_t len);
/* Number of code points in valid UTF-8. */
size_t vd_utf8_length(const char *s, size_t len);

#endif
