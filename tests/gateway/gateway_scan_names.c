/* gateway_scan_names - a host scan over REST while the volume root holds
 * files whose names volumed cannot register: one that is not UTF-8 and one
 * with a newline in it. A file name is whatever bytes someone chose; one
 * odd name must not take the scan of the whole host down. The scan must
 * answer 200, report and register the ordinary stray file, and leave the
 * odd ones unregistered; and a scan that fails registers nothing.
 * The odd names are skipped with a warning in volumed's log. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "files.h"
#include "fixtures.h"
#include "gwt.h"

static th_roots roots;
static const char *const volumes = roots.volumes;
static int failures;

/* One probe: a scan, its HTTP status and (on 200) whether the ordinary
 * stray file was reported. Prints what happened; counts a failure. */
static void probe(const char *what, const char *host, bool register_new, const char *stray)
{
	th_http *r = th_http_json("POST", gwt_url("/v1/hosts/%s/scan", host),
	                          register_new ? "{\"register_unregistered\": true}" : "{}");
	bool ok = r->status == 200;
	if (ok && register_new) {
		bool registered = false;
		const json_t *reg = json_object_get(r->json, "registered");
		for (size_t i = 0; i < json_array_size(reg); i++)
			registered |= th_json_str(json_array_get(reg, i), "path") &&
			              strcmp(th_json_str(json_array_get(reg, i), "path"), stray) == 0;
		ok = registered;
	} else if (ok) {
		bool listed = false;
		const json_t *paths = json_object_get(r->json, "unregistered_paths");
		for (size_t i = 0; i < json_array_size(paths); i++)
			listed |= strcmp(json_string_value(json_array_get(paths, i)), stray) == 0;
		ok = listed;
	}
	fprintf(stderr, "%s: %s: HTTP %ld %s\n", ok ? "ok" : "FAILED", what, r->status, r->body);
	failures += !ok;
	th_http_free(r);
}

int main(void)
{
	th_roots_make(&roots, "gateway-names");
	th_pg *pg = th_pg_start();
	th_proc *vd = th_volumed_start(pg, "--host-name", "test-host", "--image-root", roots.images,
	                               "--storage-root", roots.storage, "--volume-root", volumes, NULL);
	th_proc *gw = th_gateway_start(vd->addr, NULL);
	gwt_use(gw);
	th_http *r = gwt_get("/v1/hosts");
	const char *host = th_fmt("%s", th_json_str(json_array_get(r->json, 0), "id"));
	char host_id[37];
	snprintf(host_id, sizeof host_id, "%s", host);
	th_http_free(r);

	/* A name with a newline: valid UTF-8, but no path volumed registers. */
	char stray[512];
	snprintf(stray, sizeof stray, "%s/stray-1.img", volumes);
	CHECK_INT(th_run(th_fmt("truncate -s 1M '%s' '%s/nl\nname.img'", stray, volumes)), 0);
	probe("newline in a name, scan", host_id, false, stray);
	int before = failures;
	probe("newline in a name, scan registering", host_id, true, stray);
	/* A scan that failed must not have registered half of what it found:
	 * nothing is written on any error. (One that succeeded registered the
	 * stray file, which the probe checked.) */
	if (failures != before) {
		long long half = th_pg_scalar(pg, th_fmt("SELECT count(*) FROM volume WHERE path = '%s'", stray));
		fprintf(stderr, "%s: after that failed scan, %s is %sregistered\n", half ? "FAILED" : "ok", stray,
		        half ? "" : "not ");
		failures += half != 0;
	}

	/* A name that is not UTF-8 at all. */
	snprintf(stray, sizeof stray, "%s/stray-2.img", volumes);
	CHECK_INT(th_run(th_fmt("truncate -s 1M '%s' \"%s/$(printf 'bad\\377.img')\"", stray, volumes)), 0);
	probe("name not UTF-8, scan", host_id, false, stray);
	probe("name not UTF-8, scan registering", host_id, true, stray);

	/* Whatever happened, the odd names were not registered. */
	CHECK_INT(th_pg_scalar(pg, "SELECT count(*) FROM volume WHERE path ~ '(nl|bad)'"), 0);
	CHECK_INT(th_pg_scalar(pg, TF_AUDIT_SQL), 0);
	th_proc_stop(gw);
	th_proc_stop(vd);
	if (failures) {
		fprintf(stderr,
		        "gateway_scan_names: %d check(s) failed\n", failures);
		return 1;
	}
	printf("gateway_scan_names: ok\n");
	return 0;
}
