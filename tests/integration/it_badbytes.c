/* it_badbytes - bytes volumed cannot trust: garbage, truncated, oversized
 * and empty bodies, invalid UTF-8 and NUL bytes in strings, unknown paths
 * and fields, wrong wire types. Each gets its documented code and reason,
 * none writes a row, volumed keeps serving, and what it sends back is
 * valid UTF-8. Requests are hand-encoded and sent with vc_call_raw. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fixtures.h"

#define MAX_MESSAGE 65536

static th_pg *pg;
static vc_client *c;

/* A protobuf message written byte by byte. */
typedef struct pb {
	uint8_t *b;
	size_t n, cap;
} pb;

static pb *pb_new(void)
{
	pb *m = calloc(1, sizeof *m);
	m->cap = 1024;
	m->b = malloc(m->cap);
	if (!m->b)
		abort();
	return m;
}

static void pb_free(pb *m)
{
	free(m->b);
	free(m);
}

static void pb_raw(pb *m, const void *data, size_t len)
{
	while (m->n + len > m->cap) {
		m->cap *= 2;
		if (!(m->b = realloc(m->b, m->cap)))
			abort();
	}
	memcpy(m->b + m->n, data, len);
	m->n += len;
}

static void pb_varint(pb *m, uint64_t v)
{
	do {
		uint8_t byte = (uint8_t)(v & 0x7f);
		v >>= 7;
		if (v)
			byte |= 0x80;
		pb_raw(m, &byte, 1);
	} while (v);
}

enum { WT_VARINT = 0, WT_I64 = 1, WT_LEN = 2, WT_I32 = 5 };

static void pb_tag(pb *m, int field, int wire_type)
{
	pb_varint(m, ((uint64_t)field << 3) | (uint64_t)wire_type);
}

static void pb_bytes(pb *m, int field, const void *s, size_t len)
{
	pb_tag(m, field, WT_LEN);
	pb_varint(m, len);
	pb_raw(m, s, len);
}

static void pb_str(pb *m, int field, const char *s)
{
	pb_bytes(m, field, s, strlen(s));
}

static void pb_uint(pb *m, int field, uint64_t v)
{
	pb_tag(m, field, WT_VARINT);
	pb_varint(m, v);
}

/* Sends m (NULL: no message at all) to a method path. */
static int send_to(const char *path, const pb *m, vc_status *st)
{
	return vc_call_raw(c, path, m ? m->b : NULL, m ? m->n : 0, m != NULL, NULL, NULL, NULL, st);
}

static const char *path_of(vd_method_id id)
{
	return vd_methods[id].path;
}

/* Every row of every table, as counts and a digest of the contents: equal
 * before and after means nothing was written. */
static void snapshot(char out[256])
{
	PGconn *conn = th_pg_connect(pg);
	PGresult *r = PQexec(conn, "SELECT format('host=%s vm=%s volume=%s attachment=%s md5=%s',"
	                           " (SELECT count(*) FROM host), (SELECT count(*) FROM vm),"
	                           " (SELECT count(*) FROM volume), (SELECT count(*) FROM volume_attachment),"
	                           " md5(coalesce((SELECT string_agg(t, ',' ORDER BY t) FROM ("
	                           "  SELECT h::text AS t FROM host h UNION ALL SELECT m::text FROM vm m"
	                           "  UNION ALL SELECT v::text FROM volume v"
	                           "  UNION ALL SELECT a::text FROM volume_attachment a) rows), '')))");
	CHECK(PQresultStatus(r) == PGRES_TUPLES_OK);
	snprintf(out, 256, "%s", PQgetvalue(r, 0, 0));
	PQclear(r);
	PQfinish(conn);
}

/* Whether field is one of the '|'-separated names in fields. */
static bool one_of(const char *field, const char *fields)
{
	size_t n = strlen(field);
	for (const char *p = fields; p; p = strchr(p, '|') ? strchr(p, '|') + 1 : NULL)
		if (strncmp(p, field, n) == 0 && (p[n] == '|' || p[n] == '\0'))
			return true;
	return false;
}

/* Checks that a request was refused with code and reason, naming a field
 * of fields ("a|b"; NULL: any), with a message that is valid UTF-8. */
static void refused_at(int line, const char *path, const pb *m, int code, const char *reason,
                       const char *fields)
{
	vc_status st;
	send_to(path, m, &st);
	const char *got = vc_status_meta(&st, "field");
	if (st.code != code || strcmp(st.reason, reason) != 0 || (fields && (!got || !one_of(got, fields))) ||
	    !vd_utf8_valid(st.message, strlen(st.message))) {
		fprintf(stderr, "%s:%d: %s: expected %s/%s (field %s), got %s/%s (field %s): %s\n", __FILE__,
		        line, path, vd_code_name(code), reason, fields ? fields : "-", vd_code_name(st.code),
		        st.reason, got ? got : "-", st.message);
		th_fail();
	}
}

#define EXPECT_REFUSED(path, m, code, reason, field) refused_at(__LINE__, path, m, code, reason, field)

static void malformed_bodies(void)
{
	const char *host = path_of(VD_M_CREATE_HOST);
	pb *m = pb_new();

	/* Eleven 0xff bytes: a varint tag that never ends. */
	for (int i = 0; i < 11; i++)
		pb_raw(m, "\xff", 1);
	EXPECT_REFUSED(host, m, VD_CODE_INVALID_ARGUMENT, "MALFORMED_REQUEST", NULL);

	/* name claims 5 bytes and brings 2. */
	m->n = 0;
	pb_tag(m, 1, WT_LEN);
	pb_varint(m, 5);
	pb_raw(m, "ab", 2);
	EXPECT_REFUSED(host, m, VD_CODE_INVALID_ARGUMENT, "MALFORMED_REQUEST", NULL);

	/* A valid name, then a length prefix of 4 GiB. */
	m->n = 0;
	pb_str(m, 1, "len-host");
	pb_tag(m, 2, WT_LEN);
	pb_varint(m, 0xffffffffULL);
	pb_raw(m, "x", 1);
	EXPECT_REFUSED(host, m, VD_CODE_INVALID_ARGUMENT, "MALFORMED_REQUEST", NULL);

	/* size_bytes whose varint stops in the middle. */
	m->n = 0;
	pb_str(m, 1, "vol");
	pb_tag(m, 4, WT_VARINT);
	pb_raw(m, "\xff\xff", 2);
	EXPECT_REFUSED(path_of(VD_M_CREATE_VOLUME), m, VD_CODE_INVALID_ARGUMENT, "MALFORMED_REQUEST", NULL);

	/* Field number 0 does not exist on the wire. */
	m->n = 0;
	pb_raw(m, "\x00\x01", 2);
	EXPECT_REFUSED(host, m, VD_CODE_INVALID_ARGUMENT, "MALFORMED_REQUEST", NULL);

	/* A group (wire type 3): proto3 has none. */
	m->n = 0;
	pb_str(m, 1, "group-host");
	pb_tag(m, 7, 3);
	pb_tag(m, 7, 4);
	EXPECT_REFUSED(host, m, VD_CODE_INVALID_ARGUMENT, "MALFORMED_REQUEST", NULL);
	pb_free(m);
}

static void wrong_wire_types(void)
{
	pb *m = pb_new();
	/* CreateHost.name as a varint. */
	pb_uint(m, 1, 5);
	EXPECT_REFUSED(path_of(VD_M_CREATE_HOST), m, VD_CODE_INVALID_ARGUMENT, "MALFORMED_REQUEST", NULL);

	/* A good name, but address as a fixed32. */
	m->n = 0;
	pb_str(m, 1, "wt-host");
	pb_tag(m, 2, WT_I32);
	pb_raw(m, "\x01\x02\x03\x04", 4);
	EXPECT_REFUSED(path_of(VD_M_CREATE_HOST), m, VD_CODE_INVALID_ARGUMENT, "MALFORMED_REQUEST", NULL);

	/* CreateVolume.size_bytes as a fixed64. */
	m->n = 0;
	pb_str(m, 1, "wt-vol");
	pb_str(m, 3, "/srv/wt.ext4");
	pb_tag(m, 4, WT_I64);
	pb_raw(m, "\x00\x00\x10\x00\x00\x00\x00\x00", 8);
	pb_uint(m, 5, 1);
	EXPECT_REFUSED(path_of(VD_M_CREATE_VOLUME), m, VD_CODE_INVALID_ARGUMENT, "MALFORMED_REQUEST", NULL);
	pb_free(m);
}

/* protobuf-c reads a bool from any wire type (a non-zero byte anywhere in
 * it is true), where other parsers skip such a field as unknown (false):
 * the same bytes would mean read-only to volumed and read-write to a proxy
 * in front of it. A wrong wire type is a malformed request, for every type. */
static void wrong_wire_type_bool(const char *volume_id, const char *vm_id)
{
	pb *m = pb_new();
	pb_str(m, 1, volume_id);
	pb_str(m, 2, vm_id);
	pb_str(m, 3, "vdz");
	pb_bytes(m, 4, "\x01", 1);
	EXPECT_REFUSED(path_of(VD_M_ATTACH_VOLUME), m, VD_CODE_INVALID_ARGUMENT, "MALFORMED_REQUEST", NULL);
	m->n = 0;
	pb_str(m, 1, volume_id);
	pb_str(m, 2, vm_id);
	pb_str(m, 3, "vdz");
	pb_tag(m, 4, WT_I32);
	pb_raw(m, "\x00\x00\x00\x01", 4);
	EXPECT_REFUSED(path_of(VD_M_ATTACH_VOLUME), m, VD_CODE_INVALID_ARGUMENT, "MALFORMED_REQUEST", NULL);
	pb_free(m);
}

static void invalid_utf8(void)
{
	pb *m = pb_new();
	/* Not UTF-8 at all. */
	pb_str(m, 1, "\xff\xfe");
	EXPECT_REFUSED(path_of(VD_M_CREATE_HOST), m, VD_CODE_INVALID_ARGUMENT, "INVALID_FIELD", "name");

	/* An overlong NUL in the address. */
	m->n = 0;
	pb_str(m, 1, "utf8-host");
	pb_str(m, 2, "\xc0\x80");
	EXPECT_REFUSED(path_of(VD_M_CREATE_HOST), m, VD_CODE_INVALID_ARGUMENT, "INVALID_FIELD", "address");

	/* A UTF-16 surrogate in a description. */
	m->n = 0;
	pb_str(m, 1, "utf8-vol");
	pb_str(m, 2, "half \xed\xa0\x80 a pair");
	pb_str(m, 3, "/srv/utf8.ext4");
	pb_uint(m, 4, 1024);
	pb_uint(m, 5, 1);
	pb_str(m, 6, "336ae2fd-1b83-4c4d-9778-d34d587374f9");
	EXPECT_REFUSED(path_of(VD_M_CREATE_VOLUME), m, VD_CODE_INVALID_ARGUMENT, "INVALID_FIELD",
	               "description");

	/* A sequence cut short, in a filter that is otherwise optional. */
	m->n = 0;
	pb_str(m, 7, "abc\xe2\x82");
	EXPECT_REFUSED(path_of(VD_M_LIST_VOLUMES), m, VD_CODE_INVALID_ARGUMENT, "INVALID_FIELD", "name");

	/* Beyond U+10FFFF, in a path. */
	m->n = 0;
	pb_str(m, 1, "336ae2fd-1b83-4c4d-9778-d34d587374f9");
	pb_str(m, 2, "/srv/\xf4\x90\x80\x80.ext4");
	EXPECT_REFUSED(path_of(VD_M_REGISTER_VOLUME), m, VD_CODE_INVALID_ARGUMENT, "INVALID_FIELD", "path");

	/* The health check's service name. */
	m->n = 0;
	pb_str(m, 1, "\x80volumed");
	EXPECT_REFUSED(path_of(VD_M_HEALTH_CHECK), m, VD_CODE_INVALID_ARGUMENT, "INVALID_FIELD", "service");
	pb_free(m);
}

static void unknown_paths(void)
{
	EXPECT_REFUSED("/volumed.v1.VolumeService/FormatVolume", NULL, VD_CODE_UNIMPLEMENTED,
	               "UNKNOWN_METHOD", NULL);
	pb *m = pb_new();
	pb_str(m, 1, "x");
	EXPECT_REFUSED("/volumed.v1.VolumeService/FormatVolume", m, VD_CODE_UNIMPLEMENTED, "UNKNOWN_METHOD",
	               NULL);
	EXPECT_REFUSED("/volumed.v9.NoSuchService/GetVolume", m, VD_CODE_UNIMPLEMENTED, "UNKNOWN_METHOD",
	               NULL);
	EXPECT_REFUSED("/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo", m,
	               VD_CODE_UNIMPLEMENTED, "UNKNOWN_METHOD", NULL);
	/* Case matters in paths. */
	EXPECT_REFUSED("/volumed.v1.volumeservice/getvolume", m, VD_CODE_UNIMPLEMENTED, "UNKNOWN_METHOD",
	               NULL);
	pb_free(m);
}

static void oversized(void)
{
	/* A well-formed CreateHost just over the limit: gRPC itself refuses it. */
	pb *m = pb_new();
	pb_str(m, 1, "big-host");
	char *address = malloc(MAX_MESSAGE + 1);
	memset(address, 'a', MAX_MESSAGE);
	address[MAX_MESSAGE] = '\0';
	pb_str(m, 2, address);
	CHECK(m->n > MAX_MESSAGE);
	vc_status st;
	send_to(path_of(VD_M_CREATE_HOST), m, &st);
	CHECK_INT(st.code, VD_CODE_RESOURCE_EXHAUSTED);

	/* Under the limit, the field's own limit speaks. */
	m->n = 0;
	address[MAX_MESSAGE / 2] = '\0';
	pb_str(m, 1, "big-host");
	pb_str(m, 2, address);
	EXPECT_REFUSED(path_of(VD_M_CREATE_HOST), m, VD_CODE_INVALID_ARGUMENT, "INVALID_FIELD", "address");
	free(address);
	pb_free(m);
}

static void empty_and_default_bodies(void)
{
	/* No message at all on a unary call. */
	EXPECT_REFUSED(path_of(VD_M_CREATE_HOST), NULL, VD_CODE_INVALID_ARGUMENT, "MALFORMED_REQUEST", NULL);
	EXPECT_REFUSED(path_of(VD_M_ATTACH_VOLUME), NULL, VD_CODE_INVALID_ARGUMENT, "MALFORMED_REQUEST",
	               NULL);

	/* A zero-length message decodes as all defaults: a required field is
	 * named (which one first is the handler's choice). */
	pb *empty = pb_new();
	static const struct {
		vd_method_id m;
		const char *field;
	} required[] = {
	    {VD_M_GET_VOLUME, "id"},
	    {VD_M_CREATE_VOLUME, "name|path|size_bytes|type|host_id"},
	    {VD_M_UPDATE_VOLUME_STATUS, "id|status"},
	    {VD_M_DELETE_VOLUME, "id"},
	    {VD_M_ATTACH_VOLUME, "volume_id|vm_id|drive_id"},
	    {VD_M_DETACH_VOLUME, "volume_id|vm_id"},
	    {VD_M_LIST_ATTACHMENTS, "volume_id"},
	    {VD_M_REGISTER_VOLUME, "vm_id|path"},
	    {VD_M_CREATE_HOST, "name"},
	    {VD_M_GET_HOST, "id"},
	    {VD_M_DELETE_HOST, "id"},
	    {VD_M_CREATE_VM, "name|host_id"},
	    {VD_M_GET_VM, "id"},
	    {VD_M_DELETE_VM, "id"},
	};
	for (size_t i = 0; i < sizeof required / sizeof *required; i++)
		EXPECT_REFUSED(path_of(required[i].m), empty, VD_CODE_INVALID_ARGUMENT, "INVALID_FIELD",
		               required[i].field);
	/* Lists and the health check have no required field. */
	vc_status st;
	send_to(path_of(VD_M_LIST_VOLUMES), empty, &st);
	CHECK_OK(st);
	send_to(path_of(VD_M_LIST_HOSTS), empty, &st);
	CHECK_OK(st);
	send_to(path_of(VD_M_HEALTH_CHECK), empty, &st);
	CHECK_OK(st);
	pb_free(empty);
}

static void other_bad_values(void)
{
	pb *m = pb_new();
	/* page_size -1: ten varint bytes, sign-extended. */
	pb_uint(m, 1, (uint64_t)-1);
	EXPECT_REFUSED(path_of(VD_M_LIST_HOSTS), m, VD_CODE_INVALID_ARGUMENT, "INVALID_FIELD", "page_size");

	/* An enum number that proto does not define. */
	m->n = 0;
	pb_str(m, 1, "336ae2fd-1b83-4c4d-9778-d34d587374f9");
	pb_uint(m, 2, 7);
	EXPECT_REFUSED(path_of(VD_M_UPDATE_VOLUME_STATUS), m, VD_CODE_INVALID_ARGUMENT, "INVALID_FIELD",
	               "status");

	/* A negative enum. */
	m->n = 0;
	pb_str(m, 1, "neg-vol");
	pb_str(m, 3, "/srv/neg.ext4");
	pb_uint(m, 4, 4096);
	pb_uint(m, 5, (uint64_t)-2);
	pb_str(m, 6, "336ae2fd-1b83-4c4d-9778-d34d587374f9");
	EXPECT_REFUSED(path_of(VD_M_CREATE_VOLUME), m, VD_CODE_INVALID_ARGUMENT, "INVALID_FIELD", "type");
	pb_free(m);
}

/* Unknown fields are skipped, as proto3 says: the known ones still count. */
static void unknown_fields(void)
{
	char before[256], after[256];
	snapshot(before);
	pb *m = pb_new();
	pb_uint(m, 99, 12345);
	pb_str(m, 1, "unknown-fields-host");
	pb_bytes(m, 100, "\xff\x00\xfe", 3); /* bytes, so not checked as UTF-8 */
	pb_tag(m, 101, WT_I64);
	pb_raw(m, "12345678", 8);
	pb_str(m, 2, "10.9.9.9");
	pb_tag(m, 536870911, WT_I32); /* the largest field number */
	pb_raw(m, "abcd", 4);
	void *out = NULL;
	size_t outlen = 0;
	vc_status st;
	vc_call_raw(c, path_of(VD_M_CREATE_HOST), m->b, m->n, true, &out, &outlen, NULL, &st);
	CHECK_OK(st);
	Volumed__V1__Host *h = volumed__v1__host__unpack(NULL, outlen, out);
	CHECK(h != NULL);
	CHECK_STR(h->name, "unknown-fields-host");
	CHECK_STR(h->address, "10.9.9.9");
	CHECK_INT(th_pg_scalar(pg, th_fmt("SELECT count(*) FROM host WHERE id = '%s' AND name = "
	                                  "'unknown-fields-host' AND address = '10.9.9.9'",
	                                  h->id)),
	          1);
	vc_free(h);
	free(out);
	snapshot(after);
	CHECK(strcmp(before, after) != 0); /* the digest sees writes */
	CHECK_INT(th_pg_scalar(pg, "SELECT count(*) FROM host"), 2);
	pb_free(m);
}

/* Every method in the table answers a zero-length body with a status of
 * its own (OK, or a reason from volumed that is not INTERNAL: never a crash
 * or a dropped call), and a garbage body with MALFORMED_REQUEST. */
static void every_method_survives(void)
{
	pb *empty = pb_new(), *junk = pb_new();
	pb_raw(junk, "\x0a\x7f\x01\x02", 4);
	for (int i = 0; i < VD_M_COUNT; i++) {
		vc_status st;
		send_to(vd_methods[i].path, empty, &st);
		if (st.code != VD_CODE_OK && (!st.reason[0] || strcmp(st.reason, "INTERNAL") == 0)) {
			fprintf(stderr, "%s with an empty body: %s/%s: %s\n", vd_methods[i].path,
			        vd_code_name(st.code), st.reason, st.message);
			th_fail();
		}
		EXPECT_REFUSED(vd_methods[i].path, junk, VD_CODE_INVALID_ARGUMENT, "MALFORMED_REQUEST", NULL);
	}
	pb_free(empty);
	pb_free(junk);
}

/* Strings reach C as NUL-terminated: a NUL inside one must be refused, not
 * silently cut (a path "/a.ext4\0..." is not the file "/a.ext4"). */
static void nul_inside_strings(const char *host_id)
{
	pb *m = pb_new();
	pb_bytes(m, 1, "nul\0host", 8);
	EXPECT_REFUSED(path_of(VD_M_CREATE_HOST), m, VD_CODE_INVALID_ARGUMENT, "INVALID_FIELD", "name");

	m->n = 0;
	pb_str(m, 1, "nul-vol");
	pb_bytes(m, 3, "/srv/nul.ext4\0/../../etc/shadow", 31);
	pb_uint(m, 4, 4096);
	pb_uint(m, 5, 1);
	pb_str(m, 6, host_id);
	EXPECT_REFUSED(path_of(VD_M_CREATE_VOLUME), m, VD_CODE_INVALID_ARGUMENT, "INVALID_FIELD", "path");
	pb_free(m);
}

/* An error message quoting a long (valid) UTF-8 string must not be cut in
 * the middle of a character: strict clients refuse such a google.rpc.Status. */
static void error_messages_stay_utf8(const char *host_id)
{
	char path[2100] = "/srv/";
	for (int i = 0; i < 1000; i++)
		strcat(path, "\xc3\xa9"); /* é */
	strcat(path, ".ext4");
	Volumed__V1__CreateVolumeRequest q = VOLUMED__V1__CREATE_VOLUME_REQUEST__INIT;
	q.name = "accents";
	q.path = path;
	q.size_bytes = 4096;
	q.type = VOLUMED__V1__VOLUME_TYPE__VOLUME_TYPE_EXT4;
	q.host_id = (char *)host_id;
	Volumed__V1__Volume *v;
	vc_status st;
	vc_create_volume(c, &q, &v, NULL, &st);
	CHECK_OK(st);
	vc_free(v);
	vc_create_volume(c, &q, &v, NULL, &st);
	CHECK_STATUS(st, VD_CODE_ALREADY_EXISTS, "DUPLICATE_PATH");
	if (!vd_utf8_valid(st.message, strlen(st.message))) {
		size_t n = strlen(st.message);
		fprintf(stderr,
		        "DUPLICATE_PATH message (%zu bytes) is not valid UTF-8; it ends in %02x %02x\n", n,
		        (unsigned char)st.message[n - 2], (unsigned char)st.message[n - 1]);
		th_fail();
	}
}

int main(void)
{
	pg = th_pg_start();
	th_proc *vd = th_volumed_start(pg, "--max-message-bytes", th_fmt("%d", MAX_MESSAGE), NULL);
	c = vc_client_new(vd->addr, NULL);
	const char *host = tf_host(c, "badbytes-host");
	char host_id[37];
	snprintf(host_id, sizeof host_id, "%s", host);

	char before[256], after[256];
	snapshot(before);
	malformed_bodies();
	wrong_wire_types();
	invalid_utf8();
	unknown_paths();
	oversized();
	empty_and_default_bodies();
	other_bad_values();
	every_method_survives();
	snapshot(after);
	CHECK_STR(after, before);

	unknown_fields();

	/* Still serving, for real work. */
	vc_status st;
	const char *vm = tf_vm(c, host_id, "after-the-storm");
	const char *vol = tf_volume(c, host_id, "/srv/after/the-storm.ext4");
	CHECK_INT(tf_attach(c, vol, vm, "vdb", false, &st), 0);
	CHECK_STR(tf_status(c, vol, NULL), "attached");
	char vm_id[37], free_vol[37];
	snprintf(vm_id, sizeof vm_id, "%s", vm);
	snprintf(free_vol, sizeof free_vol, "%s", tf_volume(c, host_id, "/srv/after/free.ext4"));

	/* What found bugs, last, so the rest runs first. */
	snapshot(before);
	nul_inside_strings(host_id);
	wrong_wire_type_bool(free_vol, vm_id);
	snapshot(after);
	CHECK_STR(after, before);
	error_messages_stay_utf8(host_id);

	CHECK_INT(th_pg_scalar(pg, TF_AUDIT_SQL), 0);
	CHECK_INT(th_pg_scalar(pg, TF_WRITERS_SQL), 0);
	vc_client_free(c);
	th_proc_stop(vd);
	printf("it_badbytes: ok\n");
	return 0;
}
