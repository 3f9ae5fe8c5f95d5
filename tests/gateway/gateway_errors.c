/* gateway_errors - every error the REST API gives, over real HTTP: the
 * gateway's own (malformed or mistyped JSON, unknown fields, bad ids, bad
 * query values, unknown routes, wrong methods, wrong content types,
 * oversized bodies, bad headers) and volumed's, with their reasons carried
 * through. Each answer is the JSON error body with the right status, and
 * each leaves the database exactly as it was. */
#include <stdint.h>

#include "gwt.h"
#include "wire.h"

static th_pg *pg;
static char before[128];

/* The row counts and attachment statuses: what "nothing was written"
 * compares. */
static const char *snapshot(void)
{
	static char buf[128];
	snprintf(buf, sizeof buf, "%lld/%lld/%lld/%lld/%lld", gwt_rows(pg, "host"), gwt_rows(pg, "vm"),
		 gwt_rows(pg, "volume"), gwt_rows(pg, "volume_attachment"),
		 th_pg_scalar(pg, "SELECT count(*) FROM volume WHERE status = 'available'"));
	return buf;
}

static const json_t *error_of(const th_http *r)
{
	return json_object_get(r->json, "error");
}

/* Sends a request and checks the error answer: status, reason, the gRPC
 * status name of the reason, the field named (metadata.field, and in the
 * message for field errors) when field is not NULL, and that nothing was
 * written. Returns the answer for more checks; the caller frees it. */
static th_http *expect_full(const char *method, const char *path, const char *ct, const char *body,
			    size_t len, const char *const *headers, long status, const char *reason,
			    const char *field, int line)
{
	if (body && len == SIZE_MAX)
		len = strlen(body);
	th_http *r = th_http_do(method, gwt_url("%s", path), ct, body, len, headers);
	th_http_check_error(r, status, reason, __FILE__, line);
	const json_t *e = error_of(r);
	vd_reason known = vd_reason_lookup(reason);
	if (known != VD_REASON_COUNT &&
	    strcmp(th_json_str(e, "status"), vd_code_name(vd_reason_code(known)))) {
		fprintf(stderr, "%s:%d: status %s for %s\n", __FILE__, line, th_json_str(e, "status"),
			reason);
		th_fail();
	}
	if (field) {
		const char *named = th_json_str(json_object_get(e, "metadata"), "field");
		if (!named || strcmp(named, field) != 0 ||
		    ((known == VD_INVALID_JSON || known == VD_INVALID_FIELD) &&
		     !strstr(th_json_str(e, "message"), field))) {
			fprintf(stderr, "%s:%d: the error does not name the field %s: %s\n", __FILE__, line,
				field, r->body);
			th_fail();
		}
	}
	if (strcmp(snapshot(), before) != 0) {
		fprintf(stderr, "%s:%d: %s %s wrote something: %s -> %s\n", __FILE__, line, method, path,
			before, snapshot());
		th_fail();
	}
	return r;
}

/* A request with a JSON body (or none, for NULL). */
#define EXPECT(method, path, body, status, reason, field)                                                    \
	th_http_free(expect_full(method, path, (body) ? "application/json" : NULL, body, SIZE_MAX, NULL,     \
				 status, reason, field, __LINE__))

static void bad_json(const char *vol, const char *vm1, const char *host)
{
	char attach[96];
	snprintf(attach, sizeof attach, "/v1/volumes/%s/attach", vol);
	/* Malformed. */
	EXPECT("POST", "/v1/hosts", "{\"name\": \"x\",", 400, "INVALID_JSON", NULL);
	EXPECT("POST", "/v1/hosts", "{\"name\": \"x\"} trailing", 400, "INVALID_JSON", NULL);
	EXPECT("POST", "/v1/hosts", "{'name': 'x'}", 400, "INVALID_JSON", NULL);
	EXPECT("POST", "/v1/hosts", "[1, 2]", 400, "INVALID_JSON", NULL);
	EXPECT("POST", "/v1/hosts", "\"host\"", 400, "INVALID_JSON", NULL);
	EXPECT("POST", "/v1/hosts", "null", 400, "INVALID_JSON", NULL);
	EXPECT("POST", "/v1/hosts", "{\"name\": \"a\", \"name\": \"b\"}", 400, "INVALID_JSON", NULL);
	EXPECT("POST", "/v1/hosts", "{\"name\": \"nul\\u0000byte\"}", 400, "INVALID_JSON", NULL);
	EXPECT("POST", "/v1/hosts", "{\"name\": \"bad \xff utf-8\"}", 400, "INVALID_JSON", NULL);
	th_http *r = expect_full("POST", "/v1/hosts", "application/json", "{\"name\": \"x\",\n\"address\": }",
				 SIZE_MAX, NULL, 400, "INVALID_JSON", NULL, __LINE__);
	CHECK_CONTAINS(th_json_str(error_of(r), "message"), "line 2");
	th_http_free(r);

	/* A typo is never silently accepted: "drive" instead of "drive_id". */
	EXPECT("POST", attach, th_fmt("{\"vm_id\": \"%s\", \"drive\": \"vdc\"}", vm1), 400, "INVALID_JSON",
	       "drive");
	EXPECT("POST", "/v1/volumes/register",
	       th_fmt("{\"vm_id\": \"%s\", \"path\": \"/a.ext4\", \"drive\": \"x\"}", vm1), 400,
	       "INVALID_JSON", "drive");
	EXPECT("POST", "/v1/hosts", "{\"name\": \"x\", \"adress\": \"10.0.0.1\"}", 400, "INVALID_JSON",
	       "adress");
	/* Fields that come from the path are not taken from the body. */
	EXPECT("POST", attach,
	       th_fmt("{\"volume_id\": \"%s\", \"vm_id\": \"%s\", \"drive_id\": \"vdc\"}", vol, vm1), 400,
	       "INVALID_JSON", "volume_id");
	EXPECT("PATCH", th_fmt("/v1/volumes/%s/status", vol),
	       th_fmt("{\"id\": \"%s\", \"status\": \"attached\"}", vol), 400, "INVALID_JSON", "id");
	/* A route without a body takes no fields. */
	EXPECT("POST", th_fmt("/v1/volumes/%s/detach/%s", vol, vm1), "{\"force\": true}", 400, "INVALID_JSON",
	       "force");

	/* Wrong JSON types, each naming the field. */
	const char *vbody = "{\"name\": \"v\", \"path\": \"/srv/v.ext4\", \"size_bytes\": %s, \"type\": %s, "
			    "\"host_id\": \"%s\"}";
	EXPECT("POST", "/v1/volumes", th_fmt(vbody, "\"10737418240\"", "\"ext4\"", host), 400, "INVALID_JSON",
	       "size_bytes");
	EXPECT("POST", "/v1/volumes", th_fmt(vbody, "1.5", "\"ext4\"", host), 400, "INVALID_JSON",
	       "size_bytes");
	EXPECT("POST", "/v1/volumes", th_fmt(vbody, "1e6", "\"ext4\"", host), 400, "INVALID_JSON",
	       "size_bytes");
	EXPECT("POST", "/v1/volumes", th_fmt(vbody, "true", "\"ext4\"", host), 400, "INVALID_JSON",
	       "size_bytes");
	EXPECT("POST", "/v1/volumes", th_fmt(vbody, "9223372036854775808", "\"ext4\"", host), 400,
	       "INVALID_JSON", "size_bytes");
	EXPECT("POST", "/v1/volumes", th_fmt(vbody, "-9223372036854775809", "\"ext4\"", host), 400,
	       "INVALID_JSON", "size_bytes");
	EXPECT("POST", "/v1/volumes", th_fmt(vbody, "99999999999999999999999", "\"ext4\"", host), 400,
	       "INVALID_JSON", "size_bytes");
	EXPECT("POST", "/v1/volumes", th_fmt(vbody, "1024", "1", host), 400, "INVALID_JSON", "type");
	EXPECT("POST", attach, th_fmt("{\"vm_id\": \"%s\", \"drive_id\": \"vdc\", \"read_only\": 1}", vm1),
	       400, "INVALID_JSON", "read_only");
	EXPECT("POST", attach,
	       th_fmt("{\"vm_id\": \"%s\", \"drive_id\": \"vdc\", \"read_only\": \"true\"}", vm1), 400,
	       "INVALID_JSON", "read_only");
	EXPECT("POST", attach, th_fmt("{\"vm_id\": [\"%s\"], \"drive_id\": \"vdc\"}", vm1), 400,
	       "INVALID_JSON", "vm_id");
	EXPECT("POST", "/v1/hosts", "{\"name\": 42}", 400, "INVALID_JSON", "name");
	EXPECT("POST", "/v1/hosts", "{\"name\": {\"first\": \"x\"}}", 400, "INVALID_JSON", "name");
	EXPECT("PATCH", th_fmt("/v1/volumes/%s/status", vol), "{\"status\": 2}", 400, "INVALID_JSON",
	       "status");

	/* The right type but not a word of ours: what volumed calls
	 * INVALID_FIELD, naming the field. */
	EXPECT("POST", "/v1/volumes", th_fmt(vbody, "1024", "\"ntfs\"", host), 400, "INVALID_FIELD", "type");
	EXPECT("POST", "/v1/volumes", th_fmt(vbody, "1024", "\"EXT4\"", host), 400, "INVALID_FIELD", "type");
	EXPECT("PATCH", th_fmt("/v1/volumes/%s/status", vol), "{\"status\": \"detached\"}", 400,
	       "INVALID_FIELD", "status");

	/* Missing required fields reach volumed as empty, which names them. */
	EXPECT("POST", "/v1/volumes", "{}", 400, "INVALID_FIELD", NULL);
	EXPECT("POST", "/v1/volumes",
	       th_fmt("{\"path\": \"/srv/v.ext4\", \"size_bytes\": 1, \"type\": \"ext4\", "
		      "\"host_id\": \"%s\"}",
		      host),
	       400, "INVALID_FIELD", "name");
	EXPECT("POST", "/v1/volumes",
	       th_fmt("{\"name\": \"v\", \"path\": \"/srv/v.ext4\", \"type\": \"ext4\", "
		      "\"host_id\": \"%s\"}",
		      host),
	       400, "INVALID_FIELD", "size_bytes");
	EXPECT("POST", "/v1/volumes", th_fmt(vbody, "1024", "\"\"", host), 400, "INVALID_FIELD", "type");
	EXPECT("POST", attach, "{}", 400, "INVALID_FIELD", "vm_id");
	EXPECT("POST", attach, th_fmt("{\"vm_id\": \"%s\"}", vm1), 400, "INVALID_FIELD", "drive_id");
	EXPECT("POST", "/v1/volumes/register", "{}", 400, "INVALID_FIELD", "vm_id");
	EXPECT("POST", "/v1/volumes/register", th_fmt("{\"vm_id\": \"%s\"}", vm1), 400, "INVALID_FIELD",
	       "path");
	EXPECT("PATCH", th_fmt("/v1/volumes/%s/status", vol), "{}", 400, "INVALID_FIELD", "status");
	EXPECT("POST", "/v1/hosts", "{\"address\": \"10.0.0.1\"}", 400, "INVALID_FIELD", "name");
	EXPECT("POST", "/v1/vms", "{\"name\": \"x\"}", 400, "INVALID_FIELD", "host_id");
	EXPECT("POST", "/v1/vms",
	       th_fmt("{\"id\": \"not-a-uuid\", \"name\": \"x\", \"host_id\": \"%s\"}", host), 400,
	       "INVALID_FIELD", "id");
	/* No body at all is an empty request, not a crash. */
	EXPECT("POST", "/v1/hosts", NULL, 400, "INVALID_FIELD", "name");
	/* volumed's own field rules come through unchanged. */
	EXPECT("POST", attach, th_fmt("{\"vm_id\": \"%s\", \"drive_id\": \"vd b\"}", vm1), 400,
	       "INVALID_FIELD", "drive_id");
	EXPECT("POST", "/v1/volumes",
	       th_fmt("{\"name\": \"v\", \"path\": \"/srv/../etc/passwd\", \"size_bytes\": 1, "
		      "\"type\": \"raw\", \"host_id\": \"%s\"}",
		      host),
	       400, "INVALID_FIELD", "path");
	EXPECT("POST", "/v1/volumes", th_fmt(vbody, "-1", "\"ext4\"", host), 400, "INVALID_FIELD",
	       "size_bytes");
}

static void bad_ids(const char *vol, const char *vm1)
{
	EXPECT("GET", "/v1/volumes/abc", NULL, 400, "INVALID_ID", "id");
	EXPECT("GET", "/v1/volumes/336ae2fd-1b83-4c4d-9778-d34d587374fz", NULL, 400, "INVALID_ID", "id");
	EXPECT("GET", "/v1/volumes/336ae2fd1b834c4d9778d34d587374f9", NULL, 400, "INVALID_ID", "id");
	EXPECT("GET", "/v1/volumes/336ae2fd-1b83-4c4d-9778-d34d587374f9%00", NULL, 400, "INVALID_ID", "id");
	EXPECT("DELETE", "/v1/volumes/%zz", NULL, 400, "INVALID_ID", "id");
	EXPECT("PATCH", "/v1/volumes/nope/status", "{\"status\": \"available\"}", 400, "INVALID_ID", "id");
	EXPECT("POST", "/v1/volumes/nope/attach", "{}", 400, "INVALID_ID", "volume_id");
	EXPECT("GET", "/v1/volumes/nope/attachments", NULL, 400, "INVALID_ID", "volume_id");
	EXPECT("POST", th_fmt("/v1/volumes/nope/detach/%s", vm1), NULL, 400, "INVALID_ID", "volume_id");
	EXPECT("POST", th_fmt("/v1/volumes/%s/detach/nope", vol), NULL, 400, "INVALID_ID", "vm_id");
	EXPECT("GET", "/v1/hosts/host-a", NULL, 400, "INVALID_ID", "id");
	EXPECT("DELETE", "/v1/hosts/1", NULL, 400, "INVALID_ID", "id");
	EXPECT("GET", "/v1/vms/vm-1", NULL, 400, "INVALID_ID", "id");
	EXPECT("DELETE", "/v1/vms/..", NULL, 400, "INVALID_ID", "id");
}

static void bad_routes(const char *vol)
{
	EXPECT("GET", "/v1/nothing", NULL, 404, "ROUTE_NOT_FOUND", NULL);
	EXPECT("GET", "/", NULL, 404, "ROUTE_NOT_FOUND", NULL);
	EXPECT("GET", "/v1/volumes/", NULL, 404, "ROUTE_NOT_FOUND", NULL);
	EXPECT("GET", "/v2/volumes", NULL, 404, "ROUTE_NOT_FOUND", NULL);
	EXPECT("GET", "/V1/VOLUMES", NULL, 404, "ROUTE_NOT_FOUND", NULL);
	EXPECT("GET", "//v1/volumes", NULL, 404, "ROUTE_NOT_FOUND", NULL);
	EXPECT("GET", th_fmt("/v1/volumes/%s/snapshots", vol), NULL, 404, "ROUTE_NOT_FOUND", NULL);
	EXPECT("GET", "/v1/a/b/c/d/e/f/g/h/i/j", NULL, 404, "ROUTE_NOT_FOUND", NULL);
	EXPECT("POST", "/v1/snapshots/x/instantiate", "{}", 404, "ROUTE_NOT_FOUND", NULL);

	/* A known path with the wrong method: 405 and Allow. */
	struct {
		const char *method, *path, *allow;
	} wrong[] = {
		{"PUT", "/v1/volumes", "GET, HEAD, POST, OPTIONS"},
		{"DELETE", "/v1/volumes", "GET, HEAD, POST, OPTIONS"},
		{"POST", th_fmt("/v1/volumes/%s", vol), "GET, HEAD, DELETE, OPTIONS"},
		{"PUT", th_fmt("/v1/volumes/%s/status", vol), "PATCH, OPTIONS"},
		{"GET", th_fmt("/v1/volumes/%s/attach", vol), "POST, OPTIONS"},
		{"GET", "/v1/volumes/register", "POST, OPTIONS"},
		{"DELETE", "/v1/hosts", "GET, HEAD, POST, OPTIONS"},
		{"PATCH", "/v1/vms/336ae2fd-1b83-4c4d-9778-d34d587374f9", "GET, HEAD, DELETE, OPTIONS"},
		{"POST", "/healthz", "GET, HEAD, OPTIONS"},
		{"BREW", "/v1/hosts", "GET, HEAD, POST, OPTIONS"},
	};
	for (size_t i = 0; i < sizeof wrong / sizeof *wrong; i++) {
		th_http *r = expect_full(wrong[i].method, wrong[i].path, NULL, NULL, 0, NULL, 405,
					 "METHOD_NOT_ALLOWED", NULL, __LINE__);
		CHECK_STR(th_http_header(r, "Allow"), wrong[i].allow);
		th_http_free(r);
	}
}

static void bad_media(void)
{
	const char *body = "{\"name\": \"media\", \"address\": \"10.0.0.9\"}";
	size_t n = strlen(body);
	const char *types[] = {"text/plain",        "application/x-www-form-urlencoded",
			       "application/xml",   "application/json; charset=latin1",
			       "application/jsonx", "multipart/form-data"};
	for (size_t i = 0; i < sizeof types / sizeof *types; i++)
		th_http_free(expect_full("POST", "/v1/hosts", types[i], body, n, NULL, 415,
					 "UNSUPPORTED_MEDIA_TYPE", NULL, __LINE__));
	/* A body with no Content-Type at all. */
	th_http_free(expect_full("POST", "/v1/hosts", NULL, body, n, NULL, 415, "UNSUPPORTED_MEDIA_TYPE",
				 NULL, __LINE__));
	/* Parameters and case are fine when they say JSON in UTF-8. */
	th_http *r = th_http_do("POST", gwt_url("/v1/hosts"), "Application/JSON; charset=\"UTF-8\"", body, n,
				NULL);
	CHECK_HTTP_STATUS(r, 201);
	th_http_free(r);
	snprintf(before, sizeof before, "%s", snapshot());
}

static void too_large(void)
{
	/* Exactly 1 MiB is accepted (padding is JSON whitespace)... */
	size_t limit = 1 << 20;
	char *big = malloc(limit + 2);
	const char *head = "{\"name\": \"padded\", \"address\": \"10.0.0.2\"";
	memset(big, ' ', limit + 1);
	memcpy(big, head, strlen(head));
	big[limit - 1] = '}';
	th_http *r = th_http_do("POST", gwt_url("/v1/hosts"), "application/json", big, limit, NULL);
	CHECK_HTTP_STATUS(r, 201);
	th_http_free(r);
	snprintf(before, sizeof before, "%s", snapshot());
	/* ...one byte more is not, whether the length is announced... */
	big[limit - 1] = ' ';
	big[limit] = '}';
	th_http_free(expect_full("POST", "/v1/hosts", "application/json", big, limit + 1, NULL, 413,
				 "PAYLOAD_TOO_LARGE", NULL, __LINE__));
	/* ...or the body comes in chunks, with or without 100-continue. */
	const char *chunked[] = {"Transfer-Encoding: chunked", NULL};
	th_http_free(expect_full("POST", "/v1/hosts", "application/json", big, limit + 1, chunked, 413,
				 "PAYLOAD_TOO_LARGE", NULL, __LINE__));
	const char *no_expect[] = {"Transfer-Encoding: chunked", "Expect:", NULL};
	th_http_free(expect_full("POST", "/v1/hosts", "application/json", big, limit + 1, no_expect, 413,
				 "PAYLOAD_TOO_LARGE", NULL, __LINE__));
	/* Far beyond the limit, announced: refused before it is read. */
	char *huge = malloc(8 * limit);
	memset(huge, ' ', 8 * limit);
	th_http_free(expect_full("PATCH", "/v1/volumes/336ae2fd-1b83-4c4d-9778-d34d587374f9/status",
				 "application/json", huge, 8 * limit, NULL, 413, "PAYLOAD_TOO_LARGE", NULL,
				 __LINE__));
	free(huge);
	free(big);
}

static void bad_queries(const char *vol)
{
	EXPECT("GET", "/v1/volumes?status=bogus", NULL, 400, "INVALID_FIELD", "status");
	EXPECT("GET", "/v1/volumes?status=Available", NULL, 400, "INVALID_FIELD", "status");
	EXPECT("GET", "/v1/volumes?type=ntfs", NULL, 400, "INVALID_FIELD", "type");
	EXPECT("GET", "/v1/volumes?page_size=abc", NULL, 400, "INVALID_FIELD", "page_size");
	EXPECT("GET", "/v1/volumes?page_size=1.5", NULL, 400, "INVALID_FIELD", "page_size");
	EXPECT("GET", "/v1/volumes?page_size=99999999999", NULL, 400, "INVALID_FIELD", "page_size");
	EXPECT("GET", "/v1/volumes?page_size=-1", NULL, 400, "INVALID_FIELD", "page_size");
	EXPECT("GET", "/v1/hosts?page_size=-", NULL, 400, "INVALID_FIELD", "page_size");
	EXPECT("GET", "/v1/volumes?page_token=not-a-token", NULL, 400, "INVALID_FIELD", "page_token");
	EXPECT("GET", "/v1/volumes?host_id=not-a-uuid", NULL, 400, "INVALID_FIELD", "host_id");
	EXPECT("GET", "/v1/vms?host_id=xyz", NULL, 400, "INVALID_FIELD", "host_id");
	EXPECT("GET", "/v1/volumes?path=relative/path", NULL, 400, "INVALID_FIELD", "path");
	/* A misspelt or foreign parameter would otherwise widen the list. */
	EXPECT("GET", "/v1/volumes?statuss=available", NULL, 400, "INVALID_FIELD", "statuss");
	EXPECT("GET", "/v1/vms?status=available", NULL, 400, "INVALID_FIELD", "status");
	EXPECT("GET", th_fmt("/v1/volumes/%s?verbose=1", vol), NULL, 400, "INVALID_FIELD", "verbose");
	EXPECT("GET", "/v1/volumes?status=available&status=attached", NULL, 400, "INVALID_FIELD", "status");
	EXPECT("GET", "/v1/volumes?name=%zz", NULL, 400, "INVALID_FIELD", "name");
	EXPECT("GET", "/v1/volumes?name=a%00b", NULL, 400, "INVALID_FIELD", "name");
	EXPECT("GET", "/v1/volumes?name=%ff", NULL, 400, "INVALID_FIELD", "name");
}

static void bad_headers(void)
{
	char long_id[300];
	memset(long_id, 'a', sizeof long_id);
	snprintf(long_id, sizeof long_id, "X-Request-Id: %0200d", 7);
	const char *too_long[] = {long_id, NULL};
	th_http *r = expect_full("GET", "/v1/hosts", NULL, NULL, 0, too_long, 400, "INVALID_FIELD",
				 "X-Request-Id", __LINE__);
	/* The answer carries an id of the gateway's, not the bad one. */
	CHECK_INT(strlen(th_http_header(r, "X-Request-Id")), 36);
	th_http_free(r);
	const char *spaced[] = {"X-Request-Id: two words", NULL};
	th_http_free(expect_full("GET", "/v1/hosts", NULL, NULL, 0, spaced, 400, "INVALID_FIELD",
				 "X-Request-Id", __LINE__));
	const char *auth[] = {"Authorization: Bearer \xc3\xa9t\xc3\xa9", NULL};
	th_http_free(expect_full("GET", "/v1/hosts", NULL, NULL, 0, auth, 400, "INVALID_FIELD",
				 "Authorization", __LINE__));
}

/* volumed's errors: status from the gRPC code (FAILED_PRECONDITION is
 * 409), reason and message carried through, holders in metadata. */
static void volumed_errors(const char *host, const char *vol, const char *vol2, const char *vm1,
			   const char *vm2)
{
	char missing[37];
	th_uuid(missing);
	EXPECT("GET", th_fmt("/v1/volumes/%s", missing), NULL, 404, "VOLUME_NOT_FOUND", NULL);
	EXPECT("DELETE", th_fmt("/v1/volumes/%s", missing), NULL, 404, "VOLUME_NOT_FOUND", NULL);
	EXPECT("GET", th_fmt("/v1/volumes/%s/attachments", missing), NULL, 404, "VOLUME_NOT_FOUND", NULL);
	EXPECT("GET", th_fmt("/v1/vms/%s", missing), NULL, 404, "VM_NOT_FOUND", NULL);
	EXPECT("DELETE", th_fmt("/v1/vms/%s", missing), NULL, 404, "VM_NOT_FOUND", NULL);
	EXPECT("POST", th_fmt("/v1/volumes/%s/attach", vol2),
	       th_fmt("{\"vm_id\": \"%s\", \"drive_id\": \"vdz\"}", missing), 404, "VM_NOT_FOUND", NULL);
	EXPECT("POST", "/v1/volumes/register",
	       th_fmt("{\"vm_id\": \"%s\", \"path\": \"/srv/r.ext4\"}", missing), 404, "VM_NOT_FOUND", NULL);
	EXPECT("GET", th_fmt("/v1/hosts/%s", missing), NULL, 404, "HOST_NOT_FOUND", NULL);
	EXPECT("DELETE", th_fmt("/v1/hosts/%s", missing), NULL, 404, "HOST_NOT_FOUND", NULL);
	EXPECT("POST", "/v1/vms", th_fmt("{\"name\": \"x\", \"host_id\": \"%s\"}", missing), 404,
	       "HOST_NOT_FOUND", NULL);
	EXPECT("POST", "/v1/volumes",
	       th_fmt("{\"name\": \"v\", \"path\": \"/srv/nh.ext4\", \"size_bytes\": 1, "
		      "\"type\": \"ext4\", \"host_id\": \"%s\"}",
		      missing),
	       404, "HOST_NOT_FOUND", NULL);
	EXPECT("POST", th_fmt("/v1/volumes/%s/detach/%s", vol, vm2), NULL, 404, "ATTACHMENT_NOT_FOUND", NULL);

	th_http *r;
	r = expect_full(
		"POST", "/v1/volumes", "application/json",
		th_fmt("{\"name\": \"dup\", \"path\": \"/srv/fc//volumes/one.ext4\", \"size_bytes\": 1, "
		       "\"type\": \"ext4\", \"host_id\": \"%s\"}",
		       host),
		SIZE_MAX, NULL, 409, "DUPLICATE_PATH", NULL, __LINE__);
	CHECK_STR(th_json_str(json_object_get(error_of(r), "metadata"), "volume_id"), vol);
	th_http_free(r);
	EXPECT("POST", "/v1/hosts", "{\"name\": \"host-a\"}", 409, "DUPLICATE_NAME", NULL);
	EXPECT("POST", "/v1/vms",
	       th_fmt("{\"id\": \"%s\", \"name\": \"another name\", \"host_id\": \"%s\"}", vm1, host), 409,
	       "DUPLICATE_ID", NULL);

	/* The specification's error body, exactly. */
	r = expect_full("DELETE", th_fmt("/v1/volumes/%s", vol), NULL, NULL, 0, NULL, 409, "VOLUME_ATTACHED",
			NULL, __LINE__);
	const json_t *e = error_of(r);
	CHECK_INT(json_integer_value(json_object_get(e, "code")), 409);
	CHECK_STR(th_json_str(e, "status"), "FAILED_PRECONDITION");
	CHECK_CONTAINS(th_json_str(e, "message"), th_fmt("volume %s is attached to vm %s", vol, vm1));
	CHECK_STR(th_json_str(json_object_get(e, "metadata"), "vm_id"), vm1);
	th_http_free(r);

	r = expect_full("POST", th_fmt("/v1/volumes/%s/attach", vol), "application/json",
			th_fmt("{\"vm_id\": \"%s\", \"drive_id\": \"vdb\"}", vm2), SIZE_MAX, NULL, 409,
			"ATTACHED_ELSEWHERE", NULL, __LINE__);
	CHECK_CONTAINS(th_json_str(error_of(r), "message"), vm1);
	th_http_free(r);
	EXPECT("POST", th_fmt("/v1/volumes/%s/attach", vol),
	       th_fmt("{\"vm_id\": \"%s\", \"drive_id\": \"vdc\"}", vm1), 409, "ALREADY_ATTACHED", NULL);
	r = expect_full("POST", th_fmt("/v1/volumes/%s/attach", vol2), "application/json",
			th_fmt("{\"vm_id\": \"%s\", \"drive_id\": \"vdb\"}", vm1), SIZE_MAX, NULL, 409,
			"DRIVE_IN_USE", NULL, __LINE__);
	CHECK_STR(th_json_str(json_object_get(error_of(r), "metadata"), "volume_id"), vol);
	th_http_free(r);
	EXPECT("PATCH", th_fmt("/v1/volumes/%s/status", vol), "{\"status\": \"available\"}", 409,
	       "STATUS_CONFLICT", NULL);
	EXPECT("PATCH", th_fmt("/v1/volumes/%s/status", vol2), "{\"status\": \"in-use\"}", 409,
	       "STATUS_CONFLICT", NULL);
	EXPECT("DELETE", th_fmt("/v1/hosts/%s", host), NULL, 409, "HOST_IN_USE", NULL);
}

int main(void)
{
	pg = th_pg_start();
	th_proc *vd = th_volumed_start(pg, NULL);
	th_proc *gw = th_gateway_start(vd->addr, NULL);
	gwt_use(gw);

	const char *host = gwt_host("host-a");
	const char *vm1 = gwt_vm(host, "vm-1");
	const char *vm2 = gwt_vm(host, "vm-2");
	const char *vol = gwt_volume(host, "/srv/fc/volumes/one.ext4");
	const char *vol2 = gwt_volume(host, "/srv/fc/volumes/two.ext4");
	th_http *r = th_http_json("POST", gwt_url("/v1/volumes/%s/attach", vol),
				  th_fmt("{\"vm_id\": \"%s\", \"drive_id\": \"vdb\"}", vm1));
	CHECK_HTTP_STATUS(r, 200);
	th_http_free(r);
	snprintf(before, sizeof before, "%s", snapshot());

	bad_json(vol, vm1, host);
	bad_ids(vol, vm1);
	bad_routes(vol);
	bad_media();
	too_large();
	bad_queries(vol);
	bad_headers();
	volumed_errors(host, vol, vol2, vm1, vm2);
	CHECK_STR(gwt_status(vol), "attached");
	CHECK_STR(gwt_status(vol2), "available");

	th_proc_stop(gw);
	th_proc_stop(vd);
	printf("gateway_errors: ok\n");
	return 0;
}
