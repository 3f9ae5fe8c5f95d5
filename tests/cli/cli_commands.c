/* cli_commands - every volumectl command against the real volumed and
 * Postgres: table and JSON output, and the exit code and message of each
 * error class (usage, invalid argument, not found, conflict, unavailable). */
#include <fcntl.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctl_run.h"
#include "fixtures.h"

static th_pg *pg;

/* "2025-11-03T08:50:11Z": RFC 3339, UTC, whole seconds, as the REST API. */
static void check_time(const char *s)
{
	regex_t re;
	CHECK(regcomp(&re, "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$", REG_EXTENDED) == 0);
	int m = regexec(&re, s ? s : "", 0, NULL, 0);
	regfree(&re);
	if (m != 0) {
		fprintf(stderr, "not an RFC 3339 UTC time: \"%s\"\n", s ? s : "(null)");
		th_fail();
	}
}

/* The keys of a JSON object, in order, joined by commas. */
static const char *keys_of(const json_t *o)
{
	static char buf[512];
	buf[0] = '\0';
	const char *k;
	json_t *v;
	json_object_foreach((json_t *)o, k, v)
	{
		(void)v;
		strncat(buf, k, sizeof buf - strlen(buf) - 2);
		strcat(buf, ",");
	}
	return buf;
}

/* The value of "field  value" line in a single object's table output. */
static const char *field(const char *out, const char *name)
{
	for (int i = 0; i < ctl_nlines(out); i++) {
		const char *l = ctl_line(out, i);
		size_t n = strlen(name);
		if (strncmp(l, name, n) == 0 && l[n] == ' ') {
			l += n;
			while (*l == ' ')
				l++;
			return l;
		}
	}
	fprintf(stderr, "no field \"%s\" in:\n%s", name, out);
	th_fail();
}

static void help(void)
{
	const ctl_out *r = ctl_run("--help", NULL);
	CHECK_EXIT(r, 0);
	static const char *const all[] = {
		"volumes list",	  "volumes get",    "volumes create", "volumes status",	     "volumes delete",
		"volumes attach", "volumes detach", "volumes attachments", "volumes register", "hosts list",
		"hosts get",	  "hosts create",   "hosts delete",   "vms list",	     "vms get",
		"vms create",	  "vms delete",	    "health",	      "volumes resize",	     "volumes clone",
		"hosts scan",	  "images list",
	};
	for (size_t i = 0; i < sizeof all / sizeof *all; i++)
		CHECK_CONTAINS(r->out, all[i]);
	CHECK_CONTAINS(r->out, "VOLUMED_ADDR");
	CHECK_CONTAINS(r->out, "--output");
	CHECK_CONTAINS(r->out, "--timeout");
	CHECK_CONTAINS(r->out, "Common tasks");
	CHECK_CONTAINS(r->out, "Exit codes, by the kind of error");
	CHECK_CONTAINS(r->out, "  5  conflict");
	CHECK_STR(r->err, "");

	/* Every command explains itself, with an example of itself. */
	for (size_t i = 0; i < sizeof all / sizeof *all; i++) {
		char words[64];
		snprintf(words, sizeof words, "%s", all[i]);
		const char *args[5] = {strtok(words, " "), NULL, NULL, NULL, NULL};
		int n = 1;
		const char *second = strtok(NULL, " ");
		if (second)
			args[n++] = second;
		args[n] = "--help";
		r = ctl_runv(args);
		CHECK_EXIT(r, 0);
		CHECK_CONTAINS(r->out, th_fmt("usage: volumectl [global options] %s", all[i]));
		CHECK_CONTAINS(r->out, "Examples:");
		CHECK_CONTAINS(r->out, th_fmt("  volumectl %s", all[i]));
		CHECK_CONTAINS(r->out, "Exit codes:");
	}
	r = ctl_run("volumes", "attach", "--help", NULL);
	CHECK_CONTAINS(r->out, "--vm-id");
	CHECK_CONTAINS(r->out, "--drive-id");
	CHECK_CONTAINS(r->out, "--read-only");
	CHECK_CONTAINS(r->out, "ATTACHED_ELSEWHERE");
	r = ctl_run("volumes", "list", "--help", NULL);
	static const char *const filters[] = {"--host-id", "--status", "--type", "--path", "--name",
					      "--page-size", "--page-token", "--all"};
	for (size_t i = 0; i < sizeof filters / sizeof *filters; i++)
		CHECK_CONTAINS(r->out, filters[i]);
	r = ctl_run("volumes", "--help", NULL);
	CHECK_EXIT(r, 0);
	CHECK_CONTAINS(r->out, "volumes attachments VOLUME_ID");
	r = ctl_run("--version", NULL);
	CHECK_EXIT(r, 0);
	CHECK_CONTAINS(r->out, "volumectl ");
}

static void usage_errors(void)
{
	static const char *const nothing[] = {NULL};
	CHECK_USAGE(ctl_runv(nothing), "missing command");
	CHECK_USAGE(ctl_run("frobnicate", NULL), "unknown command \"frobnicate\"");
	CHECK_USAGE(ctl_run("volumes", NULL), "volumes: missing command");
	CHECK_USAGE(ctl_run("volumes", "frob", NULL), "unknown command \"volumes frob\"");
	CHECK_USAGE(ctl_run("volumes", "get", NULL), "volumes get: missing VOLUME_ID");
	CHECK_USAGE(ctl_run("volumes", "status", "x", NULL), "volumes status: missing STATUS");
	CHECK_USAGE(ctl_run("volumes", "get", "a", "b", NULL), "unexpected argument \"b\"");
	CHECK_USAGE(ctl_run("volumes", "list", "--bogus", NULL), "unknown option --bogus");
	CHECK_USAGE(ctl_run("volumes", "list", "-l", NULL), "unknown option -l");
	CHECK_USAGE(ctl_run("volumes", "attach", "x", "--drive-id", "vdb", NULL), "missing --vm-id");
	CHECK_USAGE(ctl_run("volumes", "attach", "x", "--vm-id", NULL), "--vm-id needs a value");
	CHECK_USAGE(ctl_run("volumes", "list", "--output", "json", NULL), "--output is a global option");
	CHECK_USAGE(ctl_run("volumes", "list", "--status", "sideways", NULL), "--status must be available");
	CHECK_USAGE(ctl_run("volumes", "list", "--type", "vfat", NULL), "--type must be ext4");
	CHECK_USAGE(ctl_run("volumes", "list", "--page-size", "ten", NULL), "page-size");
	CHECK_USAGE(ctl_run("volumes", "status", "x", "gone", NULL), "STATUS must be");
	CHECK_USAGE(ctl_run("volumes", "create", "--name", "n", "--path", "/nonexistent/volumectl/x.ext4",
			    "--host-id", "h", NULL),
		    "missing --size");
	CHECK_USAGE(ctl_run("volumes", "create", "--name", "n", "--path", "/x", "--host-id", "h", "--size",
			    "10GB", NULL),
		    "--size \"10GB\"");
	CHECK_USAGE(ctl_run("--output", "xml", "hosts", "list", NULL),
		    "--output (or VOLUMECTL_OUTPUT) must be");
	CHECK_USAGE(ctl_run("--timeout", "5h", "hosts", "list", NULL), "--timeout");
	CHECK_USAGE(ctl_run("--frob", "hosts", "list", NULL), "unknown option --frob");
	CHECK_USAGE(ctl_run("-v", "hosts", "list", NULL), "unknown option -v");
	/* The hint names the command's own help. */
	const ctl_out *r = ctl_run("volumes", "attach", "x", NULL);
	CHECK_CONTAINS(r->err, "Try 'volumectl volumes attach --help'.");
	CHECK_USAGE(ctl_run("images", NULL), "images: missing command (list)");
	CHECK_USAGE(ctl_run("volumes", "delete", "x", "--delete", NULL), "unknown option --delete");
	/* Nothing was written by any of it. */
	CHECK_INT(th_pg_scalar(pg, "SELECT count(*) FROM volume"), 0);
}

static const char *hosts(void)
{
	/* create, table: one "field  value" line per field. */
	const ctl_out *r = ctl_run("hosts", "create", "--name", "host-1", "--address", "10.0.0.5", NULL);
	CHECK_EXIT(r, 0);
	CHECK_STR(field(r->out, "name"), "host-1");
	CHECK_STR(field(r->out, "address"), "10.0.0.5");
	check_time(field(r->out, "created_at"));
	const char *host = th_keep(field(r->out, "id"));
	CHECK_INT(strlen(host), 36);

	CHECK_ERROR(ctl_run("hosts", "create", "--name", "host-1", NULL), 5,
		    "volumectl: DUPLICATE_NAME: ");
	CHECK_ERROR(ctl_run("hosts", "create", "--name", "bell", "--address", "\a", NULL), 3,
		    "volumectl: INVALID_FIELD: invalid address");

	/* get, JSON: exactly the REST shape. */
	r = ctl_run("--output", "json", "hosts", "get", host, NULL);
	CHECK_EXIT(r, 0);
	json_t *j = ctl_json(r);
	CHECK_STR(keys_of(j), "id,name,address,created_at,");
	CHECK_STR(ctl_jstr(j, "id"), host);
	CHECK_STR(ctl_jstr(j, "name"), "host-1");
	CHECK_STR(ctl_jstr(j, "address"), "10.0.0.5");
	check_time(ctl_jstr(j, "created_at"));
	json_decref(j);
	char missing[37];
	th_uuid(missing);
	CHECK_ERROR(ctl_run("hosts", "get", missing, NULL), 4, "HOST_NOT_FOUND: ");
	CHECK_ERROR(ctl_run("hosts", "get", "nope", NULL), 3, "volumectl: INVALID_FIELD: invalid id");

	/* Paging: 5 hosts in pages of 2. */
	for (int i = 2; i <= 5; i++)
		ctl_create("hosts", "create", "--name", th_fmt("host-%d", i), NULL);
	r = ctl_run("--output", "json", "hosts", "list", "--page-size", "2", NULL);
	CHECK_EXIT(r, 0);
	j = ctl_json(r);
	CHECK_INT(json_array_size(j), 2);
	CHECK_STR(ctl_jstr(json_array_get(j, 0), "name"), "host-1");
	json_decref(j);
	/* The next page's token is on stderr, not mixed into the JSON. */
	const char *tok = strstr(r->err, "--page-token ");
	CHECK(tok != NULL);
	char token[256];
	snprintf(token, sizeof token, "%.*s", (int)strcspn(tok + 13, " \n"), tok + 13);
	r = ctl_run("--output", "json", "hosts", "list", "--page-size", "2", "--page-token", token, NULL);
	CHECK_EXIT(r, 0);
	j = ctl_json(r);
	CHECK_INT(json_array_size(j), 2);
	CHECK_STR(ctl_jstr(json_array_get(j, 0), "name"), "host-3");
	json_decref(j);
	r = ctl_run("--output", "json", "hosts", "list", "--page-size", "2", "--all", NULL);
	CHECK_EXIT(r, 0);
	CHECK_STR(r->err, "");
	j = ctl_json(r);
	CHECK_INT(json_array_size(j), 5);
	CHECK_STR(ctl_jstr(json_array_get(j, 4), "name"), "host-5");
	json_decref(j);
	CHECK_ERROR(ctl_run("hosts", "list", "--page-token", "garbage", NULL), 3,
		    "INVALID_FIELD: invalid page_token");

	/* list, table: a header and aligned columns. */
	r = ctl_run("hosts", "list", NULL);
	CHECK_EXIT(r, 0);
	CHECK_INT(ctl_nlines(r->out), 6);
	CHECK(strncmp(ctl_line(r->out, 0), "ID ", 3) == 0);
	static const char *const hcols[] = {"ID", "NAME", "ADDRESS", "CREATED_AT", NULL};
	ctl_check_aligned(r->out, hcols, NULL);
	CHECK_CONTAINS(r->out, "10.0.0.5");

	/* delete: an empty host goes; a host with a VM stays (HOST_IN_USE). */
	const char *h5 = ctl_create("hosts", "create", "--name", "host-6", NULL);
	r = ctl_run("hosts", "delete", h5, NULL);
	CHECK_EXIT(r, 0);
	CHECK_STR(r->out, th_fmt("deleted host %s\n", h5));
	CHECK_ERROR(ctl_run("hosts", "delete", h5, NULL), 4, "HOST_NOT_FOUND");
	return host;
}

static void vms(const char *host, const char **vm1, const char **vm2)
{
	const ctl_out *r =
	    ctl_run("--output", "json", "vms", "create", "--name", "web-1", "--host-id", host, NULL);
	CHECK_EXIT(r, 0);
	json_t *j = ctl_json(r);
	CHECK_STR(keys_of(j), "id,name,host_id,created_at,rootfs_volume_id,");
	CHECK(json_is_null(json_object_get(j, "rootfs_volume_id")));
	CHECK_STR(ctl_jstr(j, "name"), "web-1");
	CHECK_STR(ctl_jstr(j, "host_id"), host);
	check_time(ctl_jstr(j, "created_at"));
	*vm1 = th_keep(ctl_jstr(j, "id"));
	json_decref(j);

	/* A caller-chosen id; the same create again is the same VM. */
	char id[37];
	th_uuid(id);
	r = ctl_run("vms", "create", "--name", "Shiro Logic6", "--host-id", host, "--id", id, NULL);
	CHECK_EXIT(r, 0);
	CHECK_STR(field(r->out, "id"), id);
	CHECK_STR(field(r->out, "name"), "Shiro Logic6");
	r = ctl_run("vms", "create", "--name", "Shiro Logic6", "--host-id", host, "--id", id, NULL);
	CHECK_EXIT(r, 0);
	CHECK_STR(field(r->out, "id"), id);
	*vm2 = th_keep(id);

	char missing[37];
	th_uuid(missing);
	CHECK_ERROR(ctl_run("vms", "create", "--name", "x", "--host-id", missing, NULL), 4, "HOST_NOT_FOUND");
	CHECK_ERROR(ctl_run("vms", "get", missing, NULL), 4, "VM_NOT_FOUND");

	r = ctl_run("vms", "get", *vm1, NULL);
	CHECK_EXIT(r, 0);
	CHECK_STR(field(r->out, "host_id"), host);

	const char *other = ctl_create("hosts", "create", "--name", "host-other", NULL);
	const char *vm3 = ctl_create("vms", "create", "--name", "elsewhere", "--host-id", other, NULL);
	r = ctl_run("vms", "list", "--host-id", host, NULL);
	CHECK_EXIT(r, 0);
	CHECK_INT(ctl_nlines(r->out), 3);
	static const char *const cols[] = {"ID", "NAME", "HOST_ID", "CREATED_AT", NULL};
	ctl_check_aligned(r->out, cols, NULL);
	CHECK_CONTAINS(r->out, "Shiro Logic6");
	r = ctl_run("--output", "json", "vms", "list", "--all", NULL);
	j = ctl_json(r);
	CHECK_INT(json_array_size(j), 3);
	json_decref(j);
	r = ctl_run("--output", "json", "vms", "list", "--host-id", other, NULL);
	j = ctl_json(r);
	CHECK_INT(json_array_size(j), 1);
	CHECK_STR(ctl_jstr(json_array_get(j, 0), "id"), vm3);
	json_decref(j);

	CHECK_ERROR(ctl_run("hosts", "delete", other, NULL), 5, "HOST_IN_USE: ");
	r = ctl_run("--output", "json", "vms", "delete", vm3, NULL);
	CHECK_EXIT(r, 0);
	CHECK_STR(r->out, ""); /* JSON: nothing, as REST's 204 */
	CHECK_ERROR(ctl_run("vms", "delete", vm3, NULL), 4, "VM_NOT_FOUND");
	CHECK_EXIT(ctl_run("hosts", "delete", other, NULL), 0);
}

static void volumes(const char *host, const char *vm1, const char *vm2)
{
	/* create, table: the size in people's units and exactly. */
	const ctl_out *r =
	    ctl_run("volumes", "create", "--name", "Data Volume 1", "--path",
		    "/srv/fc//volumes/./data-vol-1.ext4", "--size", "10G", "--host-id", host, NULL);
	CHECK_EXIT(r, 0);
	CHECK_STR(field(r->out, "size"), "10.0 GiB (10737418240 bytes)");
	CHECK_STR(field(r->out, "path"), "/srv/fc/volumes/data-vol-1.ext4");
	CHECK_STR(field(r->out, "type"), "ext4"); /* from the extension */
	CHECK_STR(field(r->out, "status"), "available");
	CHECK_STR(field(r->out, "description"), "-");
	const char *vol = th_keep(field(r->out, "id"));

	/* get, JSON: the REST shape, description null when empty. */
	r = ctl_run("--output", "json", "volumes", "get", vol, NULL);
	CHECK_EXIT(r, 0);
	json_t *j = ctl_json(r);
	CHECK_STR(keys_of(j), "id,name,description,path,size_bytes,type,status,host_id,created_at,updated_at,"
			      "attachment_count,last_seen_at,missing,");
	/* No scan has looked for its file yet. */
	CHECK(json_is_null(json_object_get(j, "last_seen_at")));
	CHECK(json_is_false(json_object_get(j, "missing")));
	CHECK_STR(ctl_jstr(j, "id"), vol);
	CHECK_STR(ctl_jstr(j, "name"), "Data Volume 1");
	CHECK(json_is_null(json_object_get(j, "description")));
	CHECK_STR(ctl_jstr(j, "path"), "/srv/fc/volumes/data-vol-1.ext4");
	CHECK_INT(json_integer_value(json_object_get(j, "size_bytes")), 10737418240LL);
	CHECK_STR(ctl_jstr(j, "type"), "ext4");
	CHECK_STR(ctl_jstr(j, "status"), "available");
	CHECK_STR(ctl_jstr(j, "host_id"), host);
	check_time(ctl_jstr(j, "created_at"));
	check_time(ctl_jstr(j, "updated_at"));
	CHECK(json_is_integer(json_object_get(j, "attachment_count")));
	CHECK_INT(json_integer_value(json_object_get(j, "attachment_count")), 0);
	json_decref(j);

	/* Size and type from a file on this machine; a description. */
	char path[] = "/tmp/volumectl-test-disk-XXXXXX.qcow2";
	int fd = mkstemps(path, 6);
	CHECK(fd >= 0);
	CHECK(ftruncate(fd, 12345) == 0);
	close(fd);
	r = ctl_run("--output", "json", "volumes", "create", "--name", "scratch", "--path", path, "--host-id",
		    host, "--description", "for the tests", NULL);
	unlink(path);
	CHECK_EXIT(r, 0);
	j = ctl_json(r);
	CHECK_INT(json_integer_value(json_object_get(j, "size_bytes")), 12345);
	CHECK_STR(ctl_jstr(j, "type"), "qcow2");
	CHECK_STR(ctl_jstr(j, "description"), "for the tests");
	const char *vol2 = th_keep(ctl_jstr(j, "id"));
	json_decref(j);
	const char *vol3 =
	    ctl_create("volumes", "create", "--name", "raw one", "--path", "/srv/fc/volumes/r.img", "--size",
		       "512M", "--type", "raw", "--host-id", host, NULL);

	/* Error classes of create. */
	CHECK_ERROR(ctl_run("volumes", "create", "--name", "again", "--path",
			    "/srv/fc/volumes/data-vol-1.ext4", "--size", "1G", "--host-id", host, NULL),
		    5, "volumectl: DUPLICATE_PATH: ");
	CHECK_ERROR(ctl_run("volumes", "create", "--name", "rel", "--path", "relative.ext4", "--size", "1G",
			    "--host-id", host, NULL),
		    3, "volumectl: INVALID_FIELD: invalid path");
	CHECK_ERROR(ctl_run("volumes", "create", "--name", "dots", "--path", "/srv/../etc/passwd", "--size",
			    "1G", "--host-id", host, NULL),
		    3, "INVALID_FIELD: invalid path");
	CHECK_ERROR(ctl_run("volumes", "create", "--name", "zero", "--path", "/srv/z.ext4", "--size", "0",
			    "--host-id", host, NULL),
		    3, "INVALID_FIELD: invalid size_bytes");
	char missing[37];
	th_uuid(missing);
	CHECK_ERROR(ctl_run("volumes", "create", "--name", "nohost", "--path", "/srv/n.ext4", "--size", "1G",
			    "--host-id", missing, NULL),
		    4, "HOST_NOT_FOUND");
	CHECK_ERROR(ctl_run("volumes", "get", missing, NULL), 4, "volumectl: VOLUME_NOT_FOUND: ");
	CHECK_ERROR(ctl_run("volumes", "get", "336ae2fd", NULL), 3, "volumectl: INVALID_FIELD: invalid id");

	/* list, table: header, human sizes, aligned columns (SIZE and
	 * ATTACHMENTS right-aligned). */
	r = ctl_run("volumes", "list", NULL);
	CHECK_EXIT(r, 0);
	CHECK_INT(ctl_nlines(r->out), 4);
	CHECK_CONTAINS(ctl_line(r->out, 0), "ID");
	static const char *const left[] = {"ID", "NAME", "TYPE", "STATUS", "HOST_ID", "PATH", NULL};
	static const char *const right[] = {"SIZE", "ATTACHMENTS", NULL};
	ctl_check_aligned(r->out, left, right);
	CHECK_CONTAINS(r->out, " 10.0 GiB  ext4 ");
	CHECK_CONTAINS(r->out, " 12.1 KiB  qcow2 ");
	CHECK_CONTAINS(r->out, " 512.0 MiB  raw ");
	CHECK_CONTAINS(r->out, "Data Volume 1");

	/* Filters, each alone. */
	struct {
		const char *opt, *value;
		int n;
	} filters[] = {
		{"--type", "qcow2", 1},		{"--type", "ext4", 1},	   {"--status", "available", 3},
		{"--status", "attached", 0},	{"--name", "VOLUME", 1},   {"--name", "a", 3},
		{"--path", "/srv/fc/volumes/r.img", 1}, {"--host-id", host, 3}, {"--host-id", missing, 0},
	};
	for (size_t i = 0; i < sizeof filters / sizeof *filters; i++) {
		r = ctl_run("--output", "json", "volumes", "list", filters[i].opt, filters[i].value, NULL);
		CHECK_EXIT(r, 0);
		j = ctl_json(r);
		if ((int)json_array_size(j) != filters[i].n) {
			fprintf(stderr, "%s %s: %zu volumes, expected %d\n", filters[i].opt, filters[i].value,
				json_array_size(j), filters[i].n);
			th_fail();
		}
		json_decref(j);
	}
	r = ctl_run("volumes", "list", "--status", "attached", NULL);
	CHECK_EXIT(r, 0);
	CHECK_INT(ctl_nlines(r->out), 1); /* the header alone */
	r = ctl_run("--output", "json", "volumes", "list", "--status", "attached", NULL);
	CHECK_STR(r->out, "[]\n");
	CHECK_ERROR(ctl_run("volumes", "list", "--host-id", "h", NULL), 3, "INVALID_FIELD: invalid host_id");
	CHECK_USAGE(ctl_run("volumes", "list", "--page-size", "-1", NULL),
		    "page-size: expected a whole number");
	r = ctl_run("--output", "json", "volumes", "list", "--page-size", "1", "--all", NULL);
	j = ctl_json(r);
	CHECK_INT(json_array_size(j), 3);
	json_decref(j);

	/* attach, table and JSON; the same attach again is the same attachment. */
	r = ctl_run("volumes", "attach", vol, "--vm-id", vm1, "--drive-id", "vdb", NULL);
	CHECK_EXIT(r, 0);
	CHECK_STR(field(r->out, "volume_id"), vol);
	CHECK_STR(field(r->out, "vm_id"), vm1);
	CHECK_STR(field(r->out, "drive_id"), "vdb");
	CHECK_STR(field(r->out, "mode"), "read-write");
	const char *att = th_keep(field(r->out, "id"));
	r = ctl_run("--output", "json", "volumes", "attach", "--vm-id", vm1, vol, "--drive-id=vdb", NULL);
	CHECK_EXIT(r, 0);
	j = ctl_json(r);
	CHECK_STR(keys_of(j), "id,volume_id,vm_id,drive_id,read_only,attached_at,");
	CHECK_STR(ctl_jstr(j, "id"), att);
	CHECK(json_is_false(json_object_get(j, "read_only")));
	check_time(ctl_jstr(j, "attached_at"));
	json_decref(j);

	/* Conflicts name the holder; not-founds; invalid drive. */
	r = ctl_run("volumes", "attach", vol, "--vm-id", vm2, "--drive-id", "vdb", NULL);
	CHECK_ERROR(r, 5, "volumectl: ATTACHED_ELSEWHERE: ");
	CHECK_CONTAINS(r->err, vm1);
	CHECK_ERROR(ctl_run("volumes", "attach", vol, "--vm-id", vm1, "--drive-id", "vdc", NULL), 5,
		    "ALREADY_ATTACHED");
	r = ctl_run("volumes", "attach", vol2, "--vm-id", vm1, "--drive-id", "vdb", NULL);
	CHECK_ERROR(r, 5, "DRIVE_IN_USE");
	CHECK_ERROR(ctl_run("volumes", "attach", missing, "--vm-id", vm1, "--drive-id", "vdd", NULL), 4,
		    "VOLUME_NOT_FOUND");
	CHECK_ERROR(ctl_run("volumes", "attach", vol2, "--vm-id", missing, "--drive-id", "vdd", NULL), 4,
		    "VM_NOT_FOUND");
	CHECK_ERROR(ctl_run("volumes", "attach", vol2, "--vm-id", vm1, "--drive-id", "vd b", NULL), 3,
		    "INVALID_FIELD: invalid drive_id");

	/* attachments, both formats. */
	r = ctl_run("volumes", "attachments", vol, NULL);
	CHECK_EXIT(r, 0);
	CHECK_INT(ctl_nlines(r->out), 2);
	static const char *const acols[] = {"ID", "VOLUME_ID", "VM_ID", "DRIVE", "MODE", "ATTACHED_AT", NULL};
	ctl_check_aligned(r->out, acols, NULL);
	CHECK_CONTAINS(r->out, " vdb ");
	r = ctl_run("--output", "json", "volumes", "attachments", vol, NULL);
	j = ctl_json(r);
	CHECK_INT(json_array_size(j), 1);
	CHECK_STR(ctl_jstr(json_array_get(j, 0), "vm_id"), vm1);
	json_decref(j);
	CHECK_ERROR(ctl_run("volumes", "attachments", missing, NULL), 4, "VOLUME_NOT_FOUND");

	/* status: confirms what the attachments say, refuses the rest. */
	CHECK_ERROR(ctl_run("volumes", "status", vol, "available", NULL), 5, "volumectl: STATUS_CONFLICT: ");
	r = ctl_run("--output", "json", "volumes", "status", vol, "attached", NULL);
	CHECK_EXIT(r, 0);
	j = ctl_json(r);
	CHECK_STR(ctl_jstr(j, "status"), "attached");
	CHECK_INT(json_integer_value(json_object_get(j, "attachment_count")), 1);
	json_decref(j);
	CHECK_ERROR(ctl_run("volumes", "status", missing, "available", NULL), 4, "VOLUME_NOT_FOUND");

	/* delete while attached names the VM. */
	r = ctl_run("volumes", "delete", vol, NULL);
	CHECK_ERROR(r, 5, "volumectl: VOLUME_ATTACHED: ");
	CHECK_CONTAINS(r->err, vm1);

	/* Read-only multi-attach: in-use in the list. */
	CHECK_EXIT(
	    ctl_run("volumes", "attach", vol3, "--vm-id", vm1, "--drive-id", "vdc", "--read-only", NULL), 0);
	r = ctl_run("--output", "json", "volumes", "attach", vol3, "--vm-id", vm2, "--drive-id", "vdc",
		    "--read-only", NULL);
	CHECK_EXIT(r, 0);
	j = ctl_json(r);
	CHECK(json_is_true(json_object_get(j, "read_only")));
	json_decref(j);
	r = ctl_run("volumes", "list", "--status", "in-use", NULL);
	CHECK_EXIT(r, 0);
	CHECK_INT(ctl_nlines(r->out), 2);
	CHECK_CONTAINS(r->out, " in-use ");
	ctl_check_aligned(r->out, left, right);
	r = ctl_run("volumes", "attachments", vol3, NULL);
	CHECK_CONTAINS(r->out, "read-only");

	/* detach: the volume after it; twice is ATTACHMENT_NOT_FOUND. */
	r = ctl_run("--output", "json", "volumes", "detach", vol, "--vm-id", vm1, NULL);
	CHECK_EXIT(r, 0);
	j = ctl_json(r);
	CHECK_STR(ctl_jstr(j, "id"), vol);
	CHECK_STR(ctl_jstr(j, "status"), "available");
	CHECK_INT(json_integer_value(json_object_get(j, "attachment_count")), 0);
	json_decref(j);
	CHECK_ERROR(ctl_run("volumes", "detach", vol, "--vm-id", vm1, NULL), 4,
		    "volumectl: ATTACHMENT_NOT_FOUND: ");
	r = ctl_run("volumes", "detach", vol3, "--vm-id", vm2, NULL);
	CHECK_EXIT(r, 0);
	CHECK_STR(field(r->out, "status"), "attached");
	CHECK_STR(field(r->out, "attachments"), "1");

	/* register: named after the VM, attached at rootfs; again, the same. */
	const char *rootfs = th_keep(th_fmt("/srv/fc/vms/%s/storage/rootfs-bfbb2b86.ext4", vm2));
	r = ctl_run("--output", "json", "volumes", "register", "--vm-id", vm2, "--path", rootfs, NULL);
	CHECK_EXIT(r, 0);
	j = ctl_json(r);
	CHECK_STR(ctl_jstr(j, "name"), "Shiro Logic6 (rootfs-bfbb2b86.ext4)");
	CHECK_STR(ctl_jstr(j, "description"), "Rootfs for VM: Shiro Logic6");
	CHECK_STR(ctl_jstr(j, "status"), "attached");
	CHECK_STR(ctl_jstr(j, "type"), "ext4");
	const char *reg = th_keep(ctl_jstr(j, "id"));
	json_decref(j);
	r = ctl_run("volumes", "register", "--path", rootfs, "--vm-id", vm2, NULL);
	CHECK_EXIT(r, 0);
	CHECK_STR(field(r->out, "id"), reg);
	r = ctl_run("volumes", "attachments", reg, NULL);
	CHECK_CONTAINS(r->out, " rootfs ");
	CHECK_ERROR(ctl_run("volumes", "register", "--vm-id", vm1, "--path", rootfs, NULL), 5,
		    "ATTACHED_ELSEWHERE");
	CHECK_ERROR(ctl_run("volumes", "register", "--vm-id", missing, "--path", "/srv/x.ext4", NULL), 4,
		    "VM_NOT_FOUND");
	CHECK_ERROR(ctl_run("volumes", "register", "--vm-id", vm1, "--path", "/srv/../x.ext4", NULL), 3,
		    "INVALID_FIELD: invalid path");
	r = ctl_run("--output", "json", "volumes", "register", "--vm-id", vm1, "--path", "/srv/fc/data.raw",
		    "--drive-id", "vdd", NULL);
	CHECK_EXIT(r, 0);
	j = ctl_json(r);
	CHECK_STR(ctl_jstr(j, "type"), "raw");
	json_decref(j);

	/* delete: table says so, JSON says nothing; twice is not found. */
	r = ctl_run("volumes", "delete", vol, NULL);
	CHECK_EXIT(r, 0);
	CHECK_STR(r->out, th_fmt("deleted volume %s\n", vol));
	CHECK_STR(r->err, "");
	r = ctl_run("--output", "json", "volumes", "delete", vol2, NULL);
	CHECK_EXIT(r, 0);
	CHECK_STR(r->out, "");
	CHECK_ERROR(ctl_run("volumes", "delete", vol, NULL), 4, "VOLUME_NOT_FOUND");

	CHECK_INT(th_pg_scalar(pg, TF_AUDIT_SQL), 0);
	CHECK_INT(th_pg_scalar(pg, TF_WRITERS_SQL), 0);
}

/* Where volumectl sends its calls: flag over VOLUMED_ADDR over the default. */
static void addresses(const char *live)
{
	const char *dead = th_keep(th_fmt("127.0.0.1:%d", th_free_port()));
	const char *saved = ctl_server;
	ctl_server = NULL;

	setenv("VOLUMED_ADDR", live, 1);
	CHECK_EXIT(ctl_run("hosts", "list", NULL), 0);
	const ctl_out *r = ctl_run("--server", dead, "health", NULL);
	CHECK_ERROR(r, 6, th_fmt("volumectl: cannot reach volumed at %s", dead));
	setenv("VOLUMED_ADDR", dead, 1);
	CHECK_ERROR(ctl_run("volumes", "list", NULL), 6, th_fmt("cannot reach volumed at %s", dead));
	CHECK_EXIT(ctl_run("--server", live, "hosts", "list", NULL), 0);
	unsetenv("VOLUMED_ADDR");

	/* --output and --timeout from the environment too. */
	setenv("VOLUMECTL_OUTPUT", "json", 1);
	setenv("VOLUMECTL_TIMEOUT", "2500ms", 1);
	r = ctl_run("--server", live, "hosts", "list", NULL);
	CHECK_EXIT(r, 0);
	json_decref(ctl_json(r));
	unsetenv("VOLUMECTL_OUTPUT");
	unsetenv("VOLUMECTL_TIMEOUT");
	ctl_server = saved;
}

/* This volumed runs without --host-name: it keeps the registry only, and
 * says so to the commands that need files (cli_files tests them). */
static void registry_only(const char *host, const char *vol)
{
	CHECK_ERROR(ctl_run("images", "list", NULL), 5, "volumectl: WRONG_HOST: ");
	CHECK_ERROR(ctl_run("volumes", "create", "--name", "p", "--size", "1G", "--type", "raw", "--host-id",
			    host, "--provision", NULL),
		    5, "WRONG_HOST");
	CHECK_ERROR(ctl_run("volumes", "resize", vol, "--size", "1T", NULL), 5, "WRONG_HOST");
	CHECK_ERROR(ctl_run("hosts", "scan", host, NULL), 5, "WRONG_HOST");
}

static void health(void)
{
	const ctl_out *r = ctl_run("health", NULL);
	CHECK_EXIT(r, 0);
	CHECK_STR(r->out, "SERVING\n");
	r = ctl_run("--output", "json", "--timeout", "2s", "health", NULL);
	CHECK_EXIT(r, 0);
	json_t *j = ctl_json(r);
	CHECK_STR(ctl_jstr(j, "status"), "SERVING");
	json_decref(j);
	CHECK_EXIT(ctl_run("health", "--service", "volumed.v1.VolumeService", NULL), 0);
	CHECK_ERROR(ctl_run("health", "--service", "nope", NULL), 4, "SERVICE_NOT_FOUND");

	/* Postgres down: calls are UNAVAILABLE (exit 6) and health says
	 * NOT_SERVING (exit 6); back up, both recover without a restart. */
	th_pg_stop(pg);
	r = ctl_run("volumes", "list", NULL);
	CHECK_ERROR(r, 6, "volumectl: DATABASE_UNAVAILABLE: ");
	r = ctl_run("health", NULL);
	CHECK_EXIT(r, 6);
	CHECK_STR(r->out, "NOT_SERVING\n");
	CHECK_CONTAINS(r->err, "is NOT_SERVING");
	th_pg_restart(pg);
	int tries = 0;
	while ((r = ctl_run("health", NULL))->status != 0 && tries++ < 100)
		usleep(100 * 1000);
	CHECK_EXIT(r, 0);
	/* Each of volumed's workers may find its connection dead once more
	 * before it reconnects; every such answer is a clean exit 6, and the
	 * call works again well within one retry per worker. */
	int failed = 0;
	while ((r = ctl_run("volumes", "list", NULL))->status != 0 && failed++ < 64)
		CHECK_ERROR(r, 6, "DATABASE_UNAVAILABLE");
	CHECK_EXIT(r, 0);
	printf("cli_commands: %d call(s) answered DATABASE_UNAVAILABLE after Postgres came back\n", failed);
}

int main(void)
{
	pg = th_pg_start();
	th_proc *vd = th_volumed_start(pg, NULL);
	ctl_server = vd->addr;

	help();
	usage_errors();
	const char *host = hosts();
	const char *vm1, *vm2;
	vms(host, &vm1, &vm2);
	volumes(host, vm1, vm2);
	registry_only(host, ctl_create("volumes", "create", "--name", "reg", "--path", "/srv/reg.raw",
				       "--size", "1M", "--host-id", host, NULL));
	addresses(vd->addr);
	health();

	th_proc_stop(vd);
	printf("cli_commands: ok\n");
	return 0;
}
