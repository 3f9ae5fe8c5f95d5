/* gateway_parse - the gateway's request parsing without a network: which
 * route and method a target means, how ids, query strings, headers and
 * bodies become the volumed request, and which error each bad part gets.
 * The details the integration tests cannot see from outside. */
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "route.h"
#include "tcheck.h"

static gw_request q;
static vd_error err;

/* Parses a request with the whole body; returns true on success. */
static bool parse(const char *method, const char *target, const char *ct, const char *body)
{
	gw_request_dispose(&q);
	memset(&q, 0, sizeof q);
	vd_error_clear(&err);
	gw_http_in in = {.method = method,
			 .target = target,
			 .content_type = ct,
			 .body = body,
			 .body_len = body ? strlen(body) : 0};
	return gw_route_parse(&in, &q, &err);
}

#define CHECK_FAILS(call, want)                                                                              \
	do {                                                                                                 \
		CHECK(!(call));                                                                              \
		CHECK_STR(vd_reason_name(err.reason), vd_reason_name(want));                                 \
	} while (0)

#define ID "336ae2fd-1b83-4c4d-9778-d34d587374f9"
#define VM "cd2d0de0-5cfb-49a5-a84d-bb01684fd988"

static void routes(void)
{
	CHECK(parse("GET", "/v1/volumes", NULL, NULL));
	CHECK_INT(q.op, GW_OP_LIST_VOLUMES);
	CHECK_INT(q.rpc, VD_M_LIST_VOLUMES);
	CHECK_STR(q.allow, "GET, HEAD, POST, OPTIONS");
	/* HEAD is GET; OPTIONS is answered by the gateway. */
	CHECK(parse("HEAD", "/v1/volumes/" ID, NULL, NULL));
	CHECK_INT(q.op, GW_OP_GET_VOLUME);
	CHECK_STR(q.msg.get_volume.id, ID);
	CHECK(parse("OPTIONS", "/v1/volumes/" ID "/detach/" VM, NULL, NULL));
	CHECK_INT(q.op, GW_OP_OPTIONS);
	CHECK_STR(q.allow, "POST, OPTIONS");
	/* The literal route wins over an id. */
	CHECK(parse("POST", "/v1/volumes/register", NULL, NULL));
	CHECK_INT(q.op, GW_OP_REGISTER_VOLUME);
	CHECK_FAILS(parse("GET", "/v1/volumes/register", NULL, NULL), VD_METHOD_NOT_ALLOWED);
	CHECK_STR(q.allow, "POST, OPTIONS");
	/* Both ids of detach, in order. */
	CHECK(parse("POST", "/v1/volumes/" ID "/detach/" VM, NULL, NULL));
	CHECK_STR(q.msg.detach_volume.volume_id, ID);
	CHECK_STR(q.msg.detach_volume.vm_id, VM);
	/* Absolute-form targets, as HTTP/1.1 servers must accept. */
	CHECK(parse("GET", "http://gw.example:8080/v1/hosts?page_size=3", NULL, NULL));
	CHECK_INT(q.op, GW_OP_LIST_HOSTS);
	CHECK_INT(q.msg.list_hosts.page_size, 3);
	/* Ids may be %-encoded; an encoded slash stays inside the segment. */
	CHECK(parse("GET", "/v1/vms/%63d2d0de0-5cfb-49a5-a84d-bb01684fd988", NULL, NULL));
	CHECK_STR(q.msg.get_vm.id, VM);
	CHECK_FAILS(parse("GET", "/v1/vms/cd2d0de0%2F5cfb-49a5-a84d-bb01684fd988", NULL, NULL),
		    VD_INVALID_ID);
	CHECK_STR(err.meta[0].value, "id");
	/* Unknown paths, whatever the method. */
	CHECK_FAILS(parse("GET", "", NULL, NULL), VD_ROUTE_NOT_FOUND);
	CHECK_FAILS(parse("GET", "*", NULL, NULL), VD_ROUTE_NOT_FOUND);
	CHECK_FAILS(parse("DELETE", "/v1/volumes/" ID "/", NULL, NULL), VD_ROUTE_NOT_FOUND);
	CHECK_FAILS(parse("GET", "/v1/volumes//attachments", NULL, NULL), VD_ROUTE_NOT_FOUND);
	CHECK_FAILS(parse("GET", "/v1/volume%73%2F", NULL, NULL), VD_ROUTE_NOT_FOUND);
	CHECK_STR(q.allow, "");
	/* %-encoded letters are the letters themselves (RFC 3986). */
	CHECK(parse("GET", "/v1/vol%75mes", NULL, NULL));
	CHECK_INT(q.op, GW_OP_LIST_VOLUMES);
	/* A method that is no HTTP token is not echoed. */
	CHECK_FAILS(parse("G\x01T", "/v1/hosts", NULL, NULL), VD_METHOD_NOT_ALLOWED);
	CHECK(!strstr(err.message, "\x01"));
}

static void queries(void)
{
	CHECK(parse("GET",
		    "/v1/volumes?status=in-use&type=raw&name=a+b%2Bc&path=/x/y&host_id=" ID "&page_size=7"
		    "&page_token=tok",
		    NULL, NULL));
	const Volumed__V1__ListVolumesRequest *l = &q.msg.list_volumes;
	CHECK_INT(l->status, VOLUMED__V1__VOLUME_STATUS__VOLUME_STATUS_IN_USE);
	CHECK_INT(l->type, VOLUMED__V1__VOLUME_TYPE__VOLUME_TYPE_RAW);
	CHECK_STR(l->name, "a b+c");
	CHECK_STR(l->path, "/x/y");
	CHECK_STR(l->host_id, ID);
	CHECK_INT(l->page_size, 7);
	CHECK_STR(l->page_token, "tok");
	/* Empty values and stray separators mean nothing. */
	CHECK(parse("GET", "/v1/volumes?&&status=&type&", NULL, NULL));
	CHECK_INT(q.msg.list_volumes.status, 0);
	/* Negative sizes go to volumed, which has the words for them. */
	CHECK(parse("GET", "/v1/hosts?page_size=-5", NULL, NULL));
	CHECK_INT(q.msg.list_hosts.page_size, -5);
	CHECK_FAILS(parse("GET", "/v1/hosts?page_size=2147483648", NULL, NULL), VD_INVALID_FIELD);
	CHECK_FAILS(parse("GET", "/v1/hosts?page_size=+5", NULL, NULL), VD_INVALID_FIELD);
	CHECK_FAILS(parse("GET", "/v1/hosts?page%5fsize=x", NULL, NULL), VD_INVALID_FIELD);
	CHECK_STR(err.meta[0].value, "page_size");
	CHECK_FAILS(parse("GET", "/v1/hosts?%ff=1", NULL, NULL), VD_INVALID_FIELD);
	CHECK(err.nmeta == 0); /* a name that is not text is not echoed */
	CHECK_FAILS(parse("GET", "/v1/volumes?type=ext4&type=raw", NULL, NULL), VD_INVALID_FIELD);
	CHECK_FAILS(parse("GET", "/healthz?verbose", NULL, NULL), VD_INVALID_FIELD);
}

static void bodies(void)
{
	/* Strictly typed, by the protos' field names. */
	CHECK(parse("POST", "/v1/volumes", "application/json",
		    "{\"name\": \"n\", \"description\": null, \"path\": \"/p\", \"size_bytes\": "
		    "9223372036854775807, "
		    "\"type\": \"qcow2\", \"host_id\": \"" ID "\"}"));
	const Volumed__V1__CreateVolumeRequest *c = &q.msg.create_volume;
	CHECK_STR(c->name, "n");
	CHECK_STR(c->description, "");
	CHECK(c->size_bytes == INT64_MAX);
	CHECK_INT(c->type, VOLUMED__V1__VOLUME_TYPE__VOLUME_TYPE_QCOW2);
	CHECK(parse("POST", "/v1/volumes/" ID "/attach", "application/json",
		    "{\"vm_id\": \"" VM "\", \"drive_id\": \"vdb\", \"read_only\": true}"));
	CHECK_STR(q.msg.attach_volume.volume_id, ID);
	CHECK(q.msg.attach_volume.read_only);
	CHECK(parse("POST", "/v1/volumes/" ID "/attach", "application/json", "{\"read_only\": -0}") == false);
	CHECK_STR(err.meta[0].value, "read_only");
	/* Whitespace only is no body. */
	CHECK(parse("POST", "/v1/hosts", "application/json", " \r\n\t"));
	CHECK(q.body == NULL);
	/* Big integers name their field wherever they stand. */
	CHECK_FAILS(parse("POST", "/v1/volumes", "application/json",
			  "{\"name\": \"n\", \"size_bytes\": 18446744073709551616}"),
		    VD_INVALID_JSON);
	CHECK_STR(err.meta[0].value, "size_bytes");
	CHECK_FAILS(parse("POST", "/v1/volumes", "application/json", "{\"name\": 18446744073709551616}"),
		    VD_INVALID_JSON);
	CHECK_STR(err.meta[0].value, "name");
	CHECK_FAILS(parse("POST", "/v1/volumes", "application/json", "{\"nam\": 18446744073709551616}"),
		    VD_INVALID_JSON);
	CHECK_STR(err.meta[0].value, "nam");
	/* A long unknown key is cut in the message, at a character. */
	CHECK_FAILS(parse("POST", "/v1/hosts", "application/json",
			  "{\"\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3"
			  "\xa9\xc3\xa9"
			  "\xc3"
			  "\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3"
			  "\xa9\xc3\xa9"
			  "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\""
			  ": 1}"),
		    VD_INVALID_JSON);
	CHECK(vd_utf8_valid(err.message, strlen(err.message)));
	/* Content types. */
	CHECK(parse("POST", "/v1/hosts", "application/json;charset=utf-8", "{}"));
	CHECK(parse("POST", "/v1/hosts", " APPLICATION/JSON ; CHARSET=\"utf-8\" ", "{}"));
	CHECK_FAILS(parse("POST", "/v1/hosts", "application/json; charset=utf-16", "{}"),
		    VD_UNSUPPORTED_MEDIA_TYPE);
	CHECK_FAILS(parse("POST", "/v1/hosts", "application/json; v=1", "{}"), VD_UNSUPPORTED_MEDIA_TYPE);
	CHECK_FAILS(parse("POST", "/v1/hosts", "application/json-seq", "{}"), VD_UNSUPPORTED_MEDIA_TYPE);
	CHECK_FAILS(parse("POST", "/v1/hosts", NULL, "{}"), VD_UNSUPPORTED_MEDIA_TYPE);
	/* No body, no Content-Type needed. */
	CHECK(parse("POST", "/v1/hosts", "text/plain", NULL));

	/* Headers only: judged before the body is read. */
	gw_request_dispose(&q);
	memset(&q, 0, sizeof q);
	vd_error_clear(&err);
	gw_http_in in = {.method = "POST",
			 .target = "/v1/hosts",
			 .content_type = "text/csv",
			 .head_only = true,
			 .body_follows = true};
	CHECK(!gw_route_parse(&in, &q, &err));
	CHECK_INT(err.reason, VD_UNSUPPORTED_MEDIA_TYPE);
}

static void headers(void)
{
	CHECK(gw_route_request_id_ok("a"));
	CHECK(gw_route_request_id_ok("4f1c-ab:cd/ef"));
	CHECK(!gw_route_request_id_ok(""));
	CHECK(!gw_route_request_id_ok("a b"));
	CHECK(!gw_route_request_id_ok("tab\there"));
	CHECK(!gw_route_request_id_ok("\xc3\xa9"));
	char id[GW_REQUEST_ID_MAX + 2];
	memset(id, 'x', sizeof id);
	id[GW_REQUEST_ID_MAX] = '\0';
	CHECK(gw_route_request_id_ok(id));
	id[GW_REQUEST_ID_MAX] = 'x';
	id[GW_REQUEST_ID_MAX + 1] = '\0';
	CHECK(!gw_route_request_id_ok(id));

	gw_request_dispose(&q);
	memset(&q, 0, sizeof q);
	gw_http_in in = {
		.method = "GET", .target = "/v1/hosts", .request_id = "rid-1", .authorization = "Bearer t"};
	CHECK(gw_route_parse(&in, &q, &err));
	CHECK_STR(q.request_id, "rid-1");
	CHECK_STR(q.authorization, "Bearer t");
}

static void enum_words(void)
{
	const ProtobufCEnumDescriptor *t = &volumed__v1__volume_type__descriptor;
	const ProtobufCEnumDescriptor *s = &volumed__v1__volume_status__descriptor;
	CHECK_INT(vj_enum_value(s, "in-use"), 3);
	CHECK_INT(vj_enum_value(s, "in_use"), -1);
	CHECK_INT(vj_enum_value(t, "VOLUME_TYPE_EXT4"), -1);
	CHECK_STR(vj_enum_word(t, 2), "qcow2");
	CHECK(vj_enum_word(t, 0) == NULL);
	CHECK(vj_enum_word(s, 99) == NULL);
	Google__Protobuf__Timestamp ts = GOOGLE__PROTOBUF__TIMESTAMP__INIT;
	ts.seconds = 1762159811;
	ts.nanos = 999999999;
	char buf[VJ_TIMESTAMP_LEN];
	vj_format_time(&ts, buf);
	CHECK_STR(buf, "2025-11-03T08:50:11Z");
	/* Text that is not UTF-8 is repaired, never dropped. */
	json_t *j = vj_text("a\xff"
				 "b\xc3");
	CHECK_STR(json_string_value(j), "a\xef\xbf\xbd"
					"b\xef\xbf\xbd");
	json_decref(j);
}

/* The routes of volumed's file operations: what each sends, the boolean
 * query parameter, and which requests get the long deadline. */
static void file_routes(void)
{
	CHECK(parse("GET", "/v1/images?page_size=2&page_token=t", NULL, NULL));
	CHECK_INT(q.op, GW_OP_LIST_IMAGES);
	CHECK_INT(q.rpc, VD_M_LIST_IMAGES);
	CHECK_INT(q.msg.list_images.page_size, 2);
	CHECK_STR(q.msg.list_images.page_token, "t");
	CHECK_STR(q.allow, "GET, HEAD, OPTIONS");
	CHECK(gw_route_is_file_work(&q));
	CHECK_FAILS(parse("POST", "/v1/images", "application/json", "{}"), VD_METHOD_NOT_ALLOWED);
	CHECK_FAILS(parse("GET", "/v1/images?kind=kernel", NULL, NULL), VD_INVALID_FIELD);

	/* The specification's VM request, verbatim; kind by its word. */
	CHECK(parse("POST", "/v1/vms", "application/json",
		    "{\n  \"name\": \"my-vm\",\n"
		    "  \"rootfs_image_id\": \"550e8400-e29b-41d4-a716-446655440000\"\n}"));
	CHECK_INT(q.op, GW_OP_CREATE_VM);
	CHECK_STR(q.msg.create_vm.name, "my-vm");
	CHECK_STR(q.msg.create_vm.rootfs_image_id, "550e8400-e29b-41d4-a716-446655440000");
	CHECK_STR(q.msg.create_vm.host_id, "");
	CHECK_INT(q.msg.create_vm.kind, 0);
	CHECK(gw_route_is_file_work(&q));
	CHECK(parse("POST", "/v1/vms", "application/json",
		    "{\"name\": \"f\", \"rootfs_image_id\": \"" ID "\", \"kind\": \"function\"}"));
	CHECK_INT(q.msg.create_vm.kind, VOLUMED__V1__VM_KIND__VM_KIND_FUNCTION);
	CHECK(parse("POST", "/v1/vms", "application/json", "{\"name\": \"c\", \"kind\": \"container\"}"));
	CHECK_INT(q.msg.create_vm.kind, VOLUMED__V1__VM_KIND__VM_KIND_CONTAINER);
	CHECK(parse("POST", "/v1/vms", "application/json", "{\"name\": \"v\", \"kind\": \"vm\"}"));
	CHECK_INT(q.msg.create_vm.kind, VOLUMED__V1__VM_KIND__VM_KIND_VM);
	CHECK(!gw_route_is_file_work(&q)); /* no image: registry only */
	CHECK(parse("POST", "/v1/vms", "application/json", "{\"name\": \"v\", \"rootfs_image_id\": \"\"}"));
	CHECK(!gw_route_is_file_work(&q));
	CHECK_FAILS(parse("POST", "/v1/vms", "application/json", "{\"name\": \"p\", \"kind\": \"pod\"}"),
		    VD_INVALID_FIELD);
	CHECK_STR(err.meta[0].value, "kind");
	CHECK_CONTAINS(err.message, "vm, container, function");
	CHECK_FAILS(parse("POST", "/v1/vms", "application/json", "{\"name\": \"p\", \"kind\": 2}"),
		    VD_INVALID_JSON);
	CHECK_FAILS(parse("POST", "/v1/vms", "application/json", "{\"name\": \"p\", \"image_id\": \"x\"}"),
		    VD_INVALID_JSON);

	/* provision is a boolean, and makes the create file work. */
	CHECK(parse("POST", "/v1/volumes", "application/json",
		    "{\"name\": \"d\", \"size_bytes\": 1048576, \"type\": \"ext4\", \"provision\": true}"));
	CHECK(q.msg.create_volume.provision);
	CHECK(gw_route_is_file_work(&q));
	CHECK(parse("POST", "/v1/volumes", "application/json", "{\"name\": \"d\", \"provision\": false}"));
	CHECK(!gw_route_is_file_work(&q));
	CHECK_FAILS(parse("POST", "/v1/volumes", "application/json", "{\"provision\": \"true\"}"),
		    VD_INVALID_JSON);
	CHECK_STR(err.meta[0].value, "provision");

	/* delete_file: true or false, nothing else, once. */
	CHECK(parse("DELETE", "/v1/volumes/" ID "?delete_file=true", NULL, NULL));
	CHECK_INT(q.op, GW_OP_DELETE_VOLUME);
	CHECK_STR(q.msg.delete_volume.id, ID);
	CHECK(q.msg.delete_volume.delete_file);
	CHECK(gw_route_is_file_work(&q));
	CHECK(parse("DELETE", "/v1/volumes/" ID "?delete_file=false", NULL, NULL));
	CHECK(!q.msg.delete_volume.delete_file);
	CHECK(!gw_route_is_file_work(&q));
	CHECK(parse("DELETE", "/v1/volumes/" ID, NULL, NULL));
	CHECK(!q.msg.delete_volume.delete_file);
	static const char *const bogus[] = {"bogus", "1", "TRUE", "yes", "", "true%00", "tru"};
	for (size_t i = 0; i < sizeof bogus / sizeof *bogus; i++) {
		char target[128];
		snprintf(target, sizeof target, "/v1/volumes/" ID "?delete_file=%s", bogus[i]);
		CHECK_FAILS(parse("DELETE", target, NULL, NULL), VD_INVALID_FIELD);
		CHECK_STR(err.meta[0].value, "delete_file");
		CHECK_CONTAINS(err.message, "delete_file");
	}
	CHECK_FAILS(parse("DELETE", "/v1/volumes/" ID "?delete_file", NULL, NULL), VD_INVALID_FIELD);
	CHECK_FAILS(parse("DELETE", "/v1/volumes/" ID "?delete_file=true&delete_file=false", NULL, NULL),
		    VD_INVALID_FIELD);
	CHECK_FAILS(parse("DELETE", "/v1/volumes/" ID "?deletefile=true", NULL, NULL), VD_INVALID_FIELD);
	CHECK_FAILS(parse("GET", "/v1/volumes/" ID "?delete_file=true", NULL, NULL), VD_INVALID_FIELD);

	/* resize, clone and scan: the id from the path, the rest from the body. */
	CHECK(parse("POST", "/v1/volumes/" ID "/resize", "application/json", "{\"size_bytes\": 134217728}"));
	CHECK_INT(q.op, GW_OP_RESIZE_VOLUME);
	CHECK_STR(q.msg.resize_volume.id, ID);
	CHECK_INT(q.msg.resize_volume.size_bytes, 134217728);
	CHECK_STR(q.allow, "POST, OPTIONS");
	CHECK(gw_route_is_file_work(&q));
	CHECK_FAILS(parse("POST", "/v1/volumes/" ID "/resize", "application/json", "{\"size\": 1}"),
		    VD_INVALID_JSON);
	CHECK_FAILS(parse("POST", "/v1/volumes/" ID "/resize", "application/json", "{\"size_bytes\": 1.5}"),
		    VD_INVALID_JSON);
	CHECK_FAILS(parse("GET", "/v1/volumes/" ID "/resize", NULL, NULL), VD_METHOD_NOT_ALLOWED);
	CHECK_FAILS(parse("POST", "/v1/volumes/not-a-uuid/resize", NULL, NULL), VD_INVALID_ID);
	CHECK(parse("POST", "/v1/volumes/" ID "/clone", NULL, NULL)); /* no body at all */
	CHECK_INT(q.op, GW_OP_CLONE_VOLUME);
	CHECK_STR(q.msg.clone_volume.id, ID);
	CHECK_STR(q.msg.clone_volume.name, "");
	CHECK(gw_route_is_file_work(&q));
	CHECK(parse("POST", "/v1/volumes/" ID "/clone", "application/json",
		    "{\"name\": \"n\", \"path\": \"/p\", \"description\": null}"));
	CHECK_STR(q.msg.clone_volume.name, "n");
	CHECK_STR(q.msg.clone_volume.path, "/p");
	CHECK_STR(q.msg.clone_volume.description, "");
	CHECK_FAILS(parse("POST", "/v1/volumes/" ID "/clone", "application/json", "{\"type\": \"raw\"}"),
		    VD_INVALID_JSON);
	CHECK(parse("POST", "/v1/hosts/" ID "/scan", "application/json", "{}"));
	CHECK_INT(q.op, GW_OP_SCAN_HOST);
	CHECK_STR(q.msg.scan_host.id, ID);
	CHECK(!q.msg.scan_host.register_unregistered);
	CHECK(gw_route_is_file_work(&q));
	CHECK(parse("POST", "/v1/hosts/" ID "/scan", "application/json",
		    "{\"register_unregistered\": true}"));
	CHECK(q.msg.scan_host.register_unregistered);
	CHECK_FAILS(parse("POST", "/v1/hosts/" ID "/scan", "application/json", "{\"register\": true}"),
		    VD_INVALID_JSON);
	CHECK_FAILS(parse("DELETE", "/v1/hosts/" ID "/scan", NULL, NULL), VD_METHOD_NOT_ALLOWED);

	/* Calls that only touch the registry keep the short deadline. */
	CHECK(parse("GET", "/v1/volumes", NULL, NULL));
	CHECK(!gw_route_is_file_work(&q));
	CHECK(parse("POST", "/v1/volumes/register", "application/json", "{\"path\": \"/p\"}"));
	CHECK(!gw_route_is_file_work(&q));
}

/* The JSON shapes of the file operations' answers, from messages. */
static void file_shapes(void)
{
	Volumed__V1__Vm m = VOLUMED__V1__VM__INIT;
	m.id = ID;
	m.name = "my-vm";
	m.host_id = VM;
	json_t *j = vj_vm(&m);
	CHECK(json_is_null(json_object_get(j, "rootfs_volume_id")));
	json_decref(j);
	m.rootfs_volume_id = VM;
	j = vj_vm(&m);
	CHECK_STR(json_string_value(json_object_get(j, "rootfs_volume_id")), VM);
	json_decref(j);

	Google__Protobuf__Timestamp ts = GOOGLE__PROTOBUF__TIMESTAMP__INIT;
	ts.seconds = 1762159811;
	Volumed__V1__Volume v = VOLUMED__V1__VOLUME__INIT;
	j = vj_volume(&v);
	CHECK(json_is_null(json_object_get(j, "last_seen_at")));
	CHECK(json_is_false(json_object_get(j, "missing")));
	json_decref(j);
	v.last_seen_at = &ts;
	v.missing = true;
	j = vj_volume(&v);
	CHECK_STR(json_string_value(json_object_get(j, "last_seen_at")), "2025-11-03T08:50:11Z");
	CHECK(json_is_true(json_object_get(j, "missing")));
	json_decref(j);

	Volumed__V1__Image im = VOLUMED__V1__IMAGE__INIT;
	im.name = "vmlinux-5.10.bin";
	im.kind = VOLUMED__V1__IMAGE_KIND__IMAGE_KIND_KERNEL;
	j = vj_image(&im);
	char *text = json_dumps(j, JSON_COMPACT);
	CHECK_STR(text, "{\"id\":\"\",\"name\":\"vmlinux-5.10.bin\",\"path\":\"\",\"size_bytes\":0,"
			"\"kind\":\"kernel\",\"type\":null,\"host_id\":\"\"}");
	free(text);
	json_decref(j);
	im.kind = VOLUMED__V1__IMAGE_KIND__IMAGE_KIND_ROOTFS;
	im.type = VOLUMED__V1__VOLUME_TYPE__VOLUME_TYPE_QCOW2;
	j = vj_image(&im);
	CHECK_STR(json_string_value(json_object_get(j, "kind")), "rootfs");
	CHECK_STR(json_string_value(json_object_get(j, "type")), "qcow2");
	json_decref(j);

	/* A file name that is not UTF-8 is repaired, not fatal. */
	Volumed__V1__Volume *vols[] = {&v};
	char *paths[] = {"/srv/fc/volumes/a\xff.img"};
	Volumed__V1__ScanHostResponse r = VOLUMED__V1__SCAN_HOST_RESPONSE__INIT;
	r.checked = 3;
	r.n_missing = 1;
	r.missing = vols;
	r.n_unregistered_paths = 1;
	r.unregistered_paths = paths;
	j = vj_scan(&r);
	CHECK_INT(json_integer_value(json_object_get(j, "checked")), 3);
	CHECK_INT(json_array_size(json_object_get(j, "resized")), 0);
	CHECK_INT(json_array_size(json_object_get(j, "missing")), 1);
	CHECK(json_is_true(json_object_get(json_array_get(json_object_get(j, "missing"), 0), "missing")));
	CHECK_STR(json_string_value(json_array_get(json_object_get(j, "unregistered_paths"), 0)),
		  "/srv/fc/volumes/a\xef\xbf\xbd.img");
	CHECK_INT(json_array_size(json_object_get(j, "registered")), 0);
	json_decref(j);

	const ProtobufCEnumDescriptor *k = &volumed__v1__vm_kind__descriptor;
	CHECK_INT(vj_enum_value(k, "container"), 2);
	CHECK_INT(vj_enum_value(k, "VM_KIND_VM"), -1);
	const ProtobufCEnumDescriptor *ik = &volumed__v1__image_kind__descriptor;
	CHECK_STR(vj_enum_word(ik, 1), "kernel");
	CHECK(vj_enum_word(ik, 3) == NULL); /* past the last word */
	CHECK_INT(vj_enum_value(ik, "anything"), -1);
}

int main(void)
{
	routes();
	file_routes();
	file_shapes();
	queries();
	bodies();
	headers();
	enum_words();
	gw_request_dispose(&q);
	printf("gateway_parse: ok\n");
	return 0;
}
