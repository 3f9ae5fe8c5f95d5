/* route.c - the REST route table and the parsing of one request against
 * it: path, method, path ids, query, headers, content type, body. */
#include "route.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "json.h"

/* What each op sends to volumed, and which request fields the path, the
 * query string and the body may set (proto field names, NULL-terminated).
 * Everything else a client sends is refused, so a typo is never ignored. */
static const struct op_spec {
	vd_method_id rpc;
	const char *path[3];   /* filled from the route's {} segments, in order */
	const char *labels[3]; /* how the path ids are named in messages */
	const char *query[8];
	const char *body[8];
} specs[GW_OP_COUNT] = {
	[GW_OP_LIST_VOLUMES] = {VD_M_LIST_VOLUMES,
				{NULL},
				{NULL},
				{"host_id", "status", "type", "path", "name", "page_size", "page_token",
				 NULL},
				{NULL}},
	[GW_OP_GET_VOLUME] = {VD_M_GET_VOLUME, {"id", NULL}, {"volume id"}, {NULL}, {NULL}},
	[GW_OP_CREATE_VOLUME] = {VD_M_CREATE_VOLUME,
				 {NULL},
				 {NULL},
				 {NULL},
				 {"name", "description", "path", "size_bytes", "type", "host_id", "provision",
				  NULL}},
	[GW_OP_UPDATE_VOLUME_STATUS] =
		{VD_M_UPDATE_VOLUME_STATUS, {"id", NULL}, {"volume id"}, {NULL}, {"status", NULL}},
	[GW_OP_DELETE_VOLUME] =
		{VD_M_DELETE_VOLUME, {"id", NULL}, {"volume id"}, {"delete_file", NULL}, {NULL}},
	[GW_OP_ATTACH_VOLUME] = {VD_M_ATTACH_VOLUME,
				 {"volume_id", NULL},
				 {"volume id"},
				 {NULL},
				 {"vm_id", "drive_id", "read_only", NULL}},
	[GW_OP_DETACH_VOLUME] =
		{VD_M_DETACH_VOLUME, {"volume_id", "vm_id", NULL}, {"volume id", "vm id"}, {NULL}, {NULL}},
	[GW_OP_LIST_ATTACHMENTS] = {VD_M_LIST_ATTACHMENTS,
				    {"volume_id", NULL},
				    {"volume id"},
				    {"page_size", "page_token", NULL},
				    {NULL}},
	[GW_OP_REGISTER_VOLUME] =
		{VD_M_REGISTER_VOLUME, {NULL}, {NULL}, {NULL}, {"vm_id", "path", "drive_id", NULL}},
	[GW_OP_CREATE_HOST] = {VD_M_CREATE_HOST, {NULL}, {NULL}, {NULL}, {"name", "address", NULL}},
	[GW_OP_GET_HOST] = {VD_M_GET_HOST, {"id", NULL}, {"host id"}, {NULL}, {NULL}},
	[GW_OP_LIST_HOSTS] = {VD_M_LIST_HOSTS, {NULL}, {NULL}, {"page_size", "page_token", NULL}, {NULL}},
	[GW_OP_DELETE_HOST] = {VD_M_DELETE_HOST, {"id", NULL}, {"host id"}, {NULL}, {NULL}},
	[GW_OP_CREATE_VM] = {VD_M_CREATE_VM,
			     {NULL},
			     {NULL},
			     {NULL},
			     {"id", "name", "host_id", "rootfs_image_id", "kind", NULL}},
	[GW_OP_GET_VM] = {VD_M_GET_VM, {"id", NULL}, {"vm id"}, {NULL}, {NULL}},
	[GW_OP_LIST_VMS] =
		{VD_M_LIST_VMS, {NULL}, {NULL}, {"host_id", "page_size", "page_token", NULL}, {NULL}},
	[GW_OP_DELETE_VM] = {VD_M_DELETE_VM, {"id", NULL}, {"vm id"}, {NULL}, {NULL}},
	[GW_OP_HEALTH] = {VD_M_HEALTH_CHECK, {NULL}, {NULL}, {NULL}, {NULL}},
	[GW_OP_RESIZE_VOLUME] =
		{VD_M_RESIZE_VOLUME, {"id", NULL}, {"volume id"}, {NULL}, {"size_bytes", NULL}},
	[GW_OP_CLONE_VOLUME] = {VD_M_CLONE_VOLUME,
				{"id", NULL},
				{"volume id"},
				{NULL},
				{"name", "path", "description", NULL}},
	[GW_OP_SCAN_HOST] =
		{VD_M_SCAN_HOST, {"id", NULL}, {"host id"}, {NULL}, {"register_unregistered", NULL}},
	[GW_OP_LIST_IMAGES] = {VD_M_LIST_IMAGES, {NULL}, {NULL}, {"page_size", "page_token", NULL}, {NULL}},
	[GW_OP_OPTIONS] = {VD_M_COUNT, {NULL}, {NULL}, {NULL}, {NULL}},
};

#define MAX_SEGMENTS 6

/* The REST routes of PRODUCT.md, and those of volumed's file operations.
 * "{}" matches one path segment (an id).
 * Order matters only where a literal and an id could both match:
 * /v1/volumes/register comes before /v1/volumes/{}. HEAD is answered
 * wherever GET is, and OPTIONS everywhere. */
static const struct route {
	const char *segs[MAX_SEGMENTS]; /* NULL-terminated */
	const char *shape;              /* for messages */
	struct {
		const char *method;
		gw_op op;
	} m[3];
} routes[] = {
	{{"v1", "volumes"}, "/v1/volumes", {{"GET", GW_OP_LIST_VOLUMES}, {"POST", GW_OP_CREATE_VOLUME}}},
	{{"v1", "volumes", "register"}, "/v1/volumes/register", {{"POST", GW_OP_REGISTER_VOLUME}}},
	{{"v1", "volumes", "{}"},
	 "/v1/volumes/{id}",
	 {{"GET", GW_OP_GET_VOLUME}, {"DELETE", GW_OP_DELETE_VOLUME}}},
	{{"v1", "volumes", "{}", "status"},
	 "/v1/volumes/{id}/status",
	 {{"PATCH", GW_OP_UPDATE_VOLUME_STATUS}}},
	{{"v1", "volumes", "{}", "attach"}, "/v1/volumes/{id}/attach", {{"POST", GW_OP_ATTACH_VOLUME}}},
	{{"v1", "volumes", "{}", "detach", "{}"},
	 "/v1/volumes/{id}/detach/{vm_id}",
	 {{"POST", GW_OP_DETACH_VOLUME}}},
	{{"v1", "volumes", "{}", "attachments"},
	 "/v1/volumes/{id}/attachments",
	 {{"GET", GW_OP_LIST_ATTACHMENTS}}},
	{{"v1", "volumes", "{}", "resize"}, "/v1/volumes/{id}/resize", {{"POST", GW_OP_RESIZE_VOLUME}}},
	{{"v1", "volumes", "{}", "clone"}, "/v1/volumes/{id}/clone", {{"POST", GW_OP_CLONE_VOLUME}}},
	{{"v1", "hosts"}, "/v1/hosts", {{"GET", GW_OP_LIST_HOSTS}, {"POST", GW_OP_CREATE_HOST}}},
	{{"v1", "hosts", "{}"}, "/v1/hosts/{id}", {{"GET", GW_OP_GET_HOST}, {"DELETE", GW_OP_DELETE_HOST}}},
	{{"v1", "hosts", "{}", "scan"}, "/v1/hosts/{id}/scan", {{"POST", GW_OP_SCAN_HOST}}},
	{{"v1", "vms"}, "/v1/vms", {{"GET", GW_OP_LIST_VMS}, {"POST", GW_OP_CREATE_VM}}},
	{{"v1", "vms", "{}"}, "/v1/vms/{id}", {{"GET", GW_OP_GET_VM}, {"DELETE", GW_OP_DELETE_VM}}},
	{{"v1", "images"}, "/v1/images", {{"GET", GW_OP_LIST_IMAGES}}},
	{{"healthz"}, "/healthz", {{"GET", GW_OP_HEALTH}}},
};
#define NROUTES (sizeof routes / sizeof *routes)

/* A path segment after percent-decoding; ok is false when the raw text
 * had a % not followed by two hex digits. */
typedef struct segment {
	const char *text;
	size_t len;
	bool ok;
} segment;

/* Decodes s[0..n) into out and NUL-terminates it; '+' is a space when
 * plus is set (query strings, as HTML forms and most clients send them).
 * Returns the decoded length, or -1 on a broken %-escape. out has room
 * for n + 1 bytes: decoding never grows. */
static long decode(const char *s, size_t n, bool plus, char *out)
{
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '%') {
			int hi = i + 2 < n ? vd_hex_value(s[i + 1]) : -1;
			int lo = hi >= 0 ? vd_hex_value(s[i + 2]) : -1;
			if (hi < 0 || lo < 0) {
				out[o] = '\0';
				return -1;
			}
			out[o++] = (char)(hi << 4 | lo);
			i += 2;
		} else {
			out[o++] = plus && s[i] == '+' ? ' ' : s[i];
		}
	}
	out[o] = '\0';
	return (long)o;
}

/* Text of a client's that may go into a message: valid UTF-8 without NUL
 * (len is the decoded length, so an embedded %00 shows as a mismatch). */
static bool showable(const char *s, size_t len)
{
	return strlen(s) == len && len <= 64 && vd_utf8_valid(s, len);
}

static bool set_string(ProtobufCMessage *msg, const char *field, const char *value)
{
	const ProtobufCFieldDescriptor *f =
		protobuf_c_message_descriptor_get_field_by_name(msg->descriptor, field);
	if (!f || f->type != PROTOBUF_C_TYPE_STRING)
		return false;
	*(const char **)((char *)msg + f->offset) = value;
	return true;
}

/* The request target's path: origin-form "/a/b?q" as almost every client
 * sends it, or absolute-form "http://host/a/b?q", which HTTP/1.1 servers
 * must accept too. */
static const char *origin_form(const char *t)
{
	const char *p = NULL;
	if (strncasecmp(t, "http://", 7) == 0)
		p = t + 7;
	else if (strncasecmp(t, "https://", 8) == 0)
		p = t + 8;
	if (!p)
		return t;
	return p + strcspn(p, "/?");
}

static void build_allow(const struct route *r, char *out, size_t size)
{
	size_t n = 0;
	out[0] = '\0';
	for (int i = 0; i < 3 && r->m[i].method && n < size; i++) {
		n += (size_t)snprintf(out + n, size - n, "%s%s", n ? ", " : "", r->m[i].method);
		if (strcmp(r->m[i].method, "GET") == 0 && n < size)
			n += (size_t)snprintf(out + n, size - n, ", HEAD");
	}
	if (n < size)
		snprintf(out + n, size - n, "%sOPTIONS", n ? ", " : "");
}

static bool route_matches(const struct route *r, const segment *segs, int nsegs)
{
	int i = 0;
	for (; i < MAX_SEGMENTS && r->segs[i]; i++) {
		if (i >= nsegs)
			return false;
		if (strcmp(r->segs[i], "{}") == 0) {
			/* Any non-empty segment is taken as an id here and
			 * judged later, so a bad id is INVALID_ID, not 404. */
			if (segs[i].len == 0 && segs[i].ok)
				return false;
		} else if (!segs[i].ok || strlen(r->segs[i]) != segs[i].len ||
			   memcmp(r->segs[i], segs[i].text, segs[i].len) != 0) {
			return false;
		}
	}
	return i == nsegs;
}

/* A method name fit for a message: an HTTP token of at most 16 bytes. */
static const char *method_shown(const char *m)
{
	size_t n = strlen(m);
	if (n == 0 || n > 16)
		return "(invalid)";
	for (size_t i = 0; i < n; i++)
		if (m[i] <= 0x20 || m[i] >= 0x7f || strchr("\"(),/:;<=>?@[\\]{}", m[i]))
			return "(invalid)";
	return m;
}

static bool query_error(vd_error *err, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static bool query_error(vd_error *err, const char *field, const char *fmt, ...)
{
	char msg[sizeof err->message];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	vd_error_set(err, VD_INVALID_FIELD, "%s", msg);
	if (field)
		vd_error_meta(err, "field", field);
	return false;
}

/* Sets one query parameter into msg. value has decoded length len. */
static bool set_query(ProtobufCMessage *msg, const char *key, const char *value, size_t len, vd_error *err)
{
	const ProtobufCFieldDescriptor *f =
		protobuf_c_message_descriptor_get_field_by_name(msg->descriptor, key);
	void *p = f ? (char *)msg + f->offset : NULL;
	if (!f)
		return query_error(err, key, "invalid %s: not supported", key);
	if (strlen(value) != len || !vd_utf8_valid(value, len))
		return query_error(err, key, "invalid %s: must be valid UTF-8 text without NUL", key);
	if (f->type == PROTOBUF_C_TYPE_STRING) {
		*(const char **)p = value;
		return true;
	}
	if (f->type == PROTOBUF_C_TYPE_ENUM) {
		int e = len ? vj_enum_value(f->descriptor, value) : 0;
		if (e < 0)
			return query_error(err, key, "invalid %s: must be one of %s", key,
					   vj_enum_words(f->descriptor));
		*(int *)p = e;
		return true;
	}
	if (f->type == PROTOBUF_C_TYPE_INT32) {
		/* Range checks beyond int32 are volumed's (negative sizes are
		 * refused there, large ones capped), so its words are used. */
		long long v = 0;
		size_t i = value[0] == '-' ? 1 : 0;
		if (len == 0) {
			*(int32_t *)p = 0;
			return true;
		}
		if (i == len || len > 11)
			return query_error(err, key, "invalid %s: must be a whole number", key);
		for (; i < len; i++) {
			if (value[i] < '0' || value[i] > '9')
				return query_error(err, key, "invalid %s: must be a whole number", key);
			v = v * 10 + (value[i] - '0');
		}
		if (value[0] == '-')
			v = -v;
		if (v < INT32_MIN || v > INT32_MAX)
			return query_error(err, key,
					   "invalid %s: must be a whole number from 0 to 2147483647", key);
		*(int32_t *)p = (int32_t)v;
		return true;
	}
	if (f->type == PROTOBUF_C_TYPE_BOOL) {
		/* JSON's two words and nothing else. "?delete_file", "=1" or
		 * "=yes" each mean true to someone, and a guess that deletes
		 * a file is not one to make; an empty value is refused too,
		 * unlike an empty filter, for the same reason. */
		if (strcmp(value, "true") == 0 || strcmp(value, "false") == 0) {
			*(protobuf_c_boolean *)p = value[0] == 't';
			return true;
		}
		return query_error(err, key, "invalid %s: must be true or false", key);
	}
	return query_error(err, key, "invalid %s: not supported", key);
}

/* Parses "k=v&k=v" into msg; decoded keys and values go to *cursor. */
static bool parse_query(const char *q, const struct op_spec *spec, ProtobufCMessage *msg, char **cursor,
			vd_error *err)
{
	unsigned seen = 0;
	while (q && *q) {
		const char *amp = strchr(q, '&');
		size_t n = amp ? (size_t)(amp - q) : strlen(q);
		if (n > 0) {
			const char *eq = memchr(q, '=', n);
			size_t kn = eq ? (size_t)(eq - q) : n;
			char *key = *cursor;
			long klen = decode(q, kn, true, key);
			*cursor += kn + 1;
			char *value = *cursor;
			long vlen = eq ? decode(eq + 1, n - kn - 1, true, value) : (value[0] = '\0', 0);
			*cursor += (eq ? n - kn - 1 : 0) + 1;
			if (klen < 0 || vlen < 0) {
				bool named = klen >= 0 && showable(key, (size_t)klen);
				return query_error(
					err, named ? key : NULL,
					"invalid %s: a %% must be followed by two hexadecimal digits (%%25 "
					"for a %% itself)",
					named ? key : "query string");
			}
			int idx = -1;
			for (int i = 0; spec->query[i]; i++)
				if (strlen(spec->query[i]) == (size_t)klen &&
				    strcmp(spec->query[i], key) == 0)
					idx = i;
			if (idx < 0) {
				char list[160] = "";
				size_t l = 0;
				for (int i = 0; spec->query[i] && l < sizeof list; i++)
					l += (size_t)snprintf(list + l, sizeof list - l, "%s%s",
							      i ? ", " : "", spec->query[i]);
				/* A misspelt filter must not quietly widen a list
				 * to everything. */
				vd_error_set(err, VD_INVALID_FIELD, "unknown query parameter \"%s\" (%s%s)",
					     showable(key, (size_t)klen) ? key : "?",
					     *list ? "expected " : "this route takes none", list);
				if (showable(key, (size_t)klen))
					vd_error_meta(err, "field", key);
				return false;
			}
			if (seen & 1u << idx)
				return query_error(err, key, "invalid %s: given more than once", key);
			seen |= 1u << idx;
			if (!set_query(msg, key, value, (size_t)vlen, err))
				return false;
		}
		q = amp ? amp + 1 : NULL;
	}
	return true;
}

bool gw_route_request_id_ok(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n == 0 || n > GW_REQUEST_ID_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] <= 0x20 || (unsigned char)s[i] >= 0x7f)
			return false;
	return true;
}

/* gRPC refuses metadata values outside printable ASCII (it would fail
 * the call), so an Authorization header is checked before it is sent. */
static bool authorization_ok(const char *s)
{
	size_t n = strlen(s);
	if (n > GW_AUTHORIZATION_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] >= 0x7f)
			return false;
	return true;
}

static bool ows(char c)
{
	return c == ' ' || c == '\t';
}

/* application/json, any case, with no parameter but an optional charset
 * of utf-8 (JSON is UTF-8 by definition; anything else is a client that
 * would send us bytes we would misread). */
static bool json_media_type(const char *ct)
{
	while (ows(*ct))
		ct++;
	static const char want[] = "application/json";
	if (strncasecmp(ct, want, sizeof want - 1) != 0)
		return false;
	const char *p = ct + sizeof want - 1;
	while (ows(*p))
		p++;
	while (*p == ';') {
		p++;
		while (ows(*p))
			p++;
		const char *name = p;
		size_t nlen = strcspn(p, "=; \t");
		p += nlen;
		if (*p != '=')
			return false;
		p++;
		bool quoted = *p == '"';
		p += quoted;
		const char *value = p;
		size_t vlen = strcspn(p, quoted ? "\"" : "; \t");
		p += vlen;
		if (quoted) {
			if (*p != '"')
				return false;
			p++;
		}
		if (nlen != 7 || strncasecmp(name, "charset", 7) != 0 || vlen != 5 ||
		    strncasecmp(value, "utf-8", 5) != 0)
			return false;
		while (ows(*p))
			p++;
	}
	return *p == '\0';
}

bool gw_route_parse(const gw_http_in *in, gw_request *out, vd_error *err)
{
	const char *target = origin_form(in->target ? in->target : "");
	size_t tlen = strlen(target);
	size_t plen = strcspn(target, "?");
	const char *query = target[plen] == '?' ? target + plen + 1 : NULL;

	/* Decoded segments, keys and values, each NUL-terminated. Decoding
	 * never grows text; the terminators need at most one byte per byte
	 * of query ("a&b&c" becomes three keys and three empty values) and
	 * one per path segment, which its '/' pays for. */
	out->allow[0] = '\0';
	out->scratch = malloc(2 * tlen + 8);
	if (!out->scratch)
		abort();
	char *cursor = out->scratch;

	segment segs[MAX_SEGMENTS + 1];
	int nsegs = 0;
	bool too_deep = false;
	if (plen > 0 && target[0] == '/') {
		const char *p = target + 1, *end = target + plen;
		for (;;) {
			const char *slash = memchr(p, '/', (size_t)(end - p));
			size_t n = slash ? (size_t)(slash - p) : (size_t)(end - p);
			if (nsegs == MAX_SEGMENTS) {
				too_deep = true;
				break;
			}
			long len = decode(p, n, false, cursor);
			segs[nsegs++] = (segment){cursor, len < 0 ? 0 : (size_t)len, len >= 0};
			cursor += n + 1;
			if (!slash)
				break;
			p = slash + 1;
		}
	}

	const struct route *r = NULL;
	for (size_t i = 0; !too_deep && nsegs > 0 && i < NROUTES && !r; i++)
		if (route_matches(&routes[i], segs, nsegs))
			r = &routes[i];
	if (!r) {
		vd_error_set(err, VD_ROUTE_NOT_FOUND, "no route for %s %.*s", method_shown(in->method),
			     (int)(plen > 200 ? 200 : plen), target);
		return false;
	}
	build_allow(r, out->allow, sizeof out->allow);

	const char *method = in->method ? in->method : "";
	if (strcmp(method, "OPTIONS") == 0) {
		out->op = GW_OP_OPTIONS;
		out->rpc = VD_M_COUNT;
		return true;
	}
	/* HEAD is GET without the body, which the HTTP layer drops. */
	const char *as = strcmp(method, "HEAD") == 0 ? "GET" : method;
	int m = -1;
	for (int i = 0; i < 3 && r->m[i].method; i++)
		if (strcmp(r->m[i].method, as) == 0)
			m = i;
	if (m < 0) {
		vd_error_set(err, VD_METHOD_NOT_ALLOWED, "method %s is not allowed on %s (allowed: %s)",
			     method_shown(method), r->shape, out->allow);
		return false;
	}
	out->op = r->m[m].op;
	const struct op_spec *spec = &specs[out->op];
	out->rpc = spec->rpc;
	ProtobufCMessage *msg = &out->msg.base;
	protobuf_c_message_init(vd_methods[spec->rpc].request, msg);

	/* Path ids, in the order the route's {} segments appear. */
	int k = 0;
	for (int i = 0; i < nsegs; i++) {
		if (strcmp(r->segs[i], "{}") != 0)
			continue;
		uint8_t raw[16];
		const char *field = spec->path[k], *label = spec->labels[k];
		k++;
		if (!segs[i].ok || !vd_uuid_parse(segs[i].text, segs[i].len, raw)) {
			vd_error_set(err, VD_INVALID_ID,
				     "invalid %s in the path: must be a UUID like "
				     "336ae2fd-1b83-4c4d-9778-d34d587374f9",
				     label);
			vd_error_meta(err, "field", field);
			return false;
		}
		set_string(msg, field, segs[i].text);
	}

	if (!parse_query(query, spec, msg, &cursor, err))
		return false;

	if (in->request_id && !gw_route_request_id_ok(in->request_id)) {
		vd_error_set(err, VD_INVALID_FIELD,
			     "invalid X-Request-Id header: must be 1 to %d visible ASCII characters",
			     GW_REQUEST_ID_MAX);
		vd_error_meta(err, "field", "X-Request-Id");
		return false;
	}
	out->request_id = in->request_id;
	if (in->authorization && *in->authorization) {
		if (!authorization_ok(in->authorization)) {
			vd_error_set(
				err, VD_INVALID_FIELD,
				"invalid Authorization header: must be at most %d printable ASCII characters",
				GW_AUTHORIZATION_MAX);
			vd_error_meta(err, "field", "Authorization");
			return false;
		}
		out->authorization = in->authorization;
	}

	bool has_body = in->head_only ? in->body_follows : in->body_len > 0;
	if (has_body) {
		if (!in->content_type || !*in->content_type) {
			vd_error_set(err, VD_UNSUPPORTED_MEDIA_TYPE,
				     "a request body needs the header Content-Type: application/json");
			return false;
		}
		if (!json_media_type(in->content_type)) {
			size_t n = strlen(in->content_type);
			vd_error_set(err, VD_UNSUPPORTED_MEDIA_TYPE,
				     "unsupported Content-Type \"%.*s\": the body must be application/json "
				     "(UTF-8)",
				     (int)(n > 100 ? 100 : n), in->content_type);
			return false;
		}
	}
	if (in->head_only)
		return true;
	if (in->body_len > GW_MAX_BODY) {
		vd_error_set(err, VD_PAYLOAD_TOO_LARGE, "request body is larger than %zu bytes", GW_MAX_BODY);
		return false;
	}
	return gw_json_decode_body(in->body, in->body_len, spec->body, msg, &out->body, err);
}

bool gw_route_is_file_work(const gw_request *r)
{
	switch (r->op) {
	case GW_OP_RESIZE_VOLUME:
	case GW_OP_CLONE_VOLUME:
	case GW_OP_SCAN_HOST:
	case GW_OP_LIST_IMAGES:
		return true;
	case GW_OP_CREATE_VOLUME:
		return r->msg.create_volume.provision;
	case GW_OP_DELETE_VOLUME:
		return r->msg.delete_volume.delete_file;
	case GW_OP_CREATE_VM:
		return r->msg.create_vm.rootfs_image_id && *r->msg.create_vm.rootfs_image_id;
	default:
		return false;
	}
}

void gw_request_dispose(gw_request *r)
{
	if (!r)
		return;
	free(r->scratch);
	r->scratch = NULL;
	json_decref(r->body);
	r->body = NULL;
}
