/* gateway_outage - the gateway through outages below it: volumed stopped
 * (503 VOLUMED_UNAVAILABLE) and restarted (served again, the gateway never
 * restarted), then Postgres stopped under both (503 DATABASE_UNAVAILABLE,
 * /healthz 503) and restarted. Nothing is written while anything is down. */
#include <time.h>
#include <unistd.h>

#include "gwt.h"

static void expect_error(const char *method, const char *path, const char *body, long status,
			 const char *reason)
{
	th_http *r = th_http_json(method, gwt_url("%s", path), body);
	CHECK_HTTP_ERROR(r, status, reason);
	th_http_free(r);
}

/* Polls path until it answers 200, for at most 60 s; anything else on the
 * way must be the 503 with reason `waiting`. Returns the number of tries. */
static int wait_ok(const char *path, const char *waiting)
{
	time_t until = time(NULL) + 60;
	for (int tries = 1;; tries++) {
		th_http *r = th_http_json("GET", gwt_url("%s", path), NULL);
		if (r->status == 200) {
			th_http_free(r);
			return tries;
		}
		CHECK_HTTP_ERROR(r, 503, waiting);
		th_http_free(r);
		if (time(NULL) > until) {
			fprintf(stderr, "%s did not recover\n", path);
			th_fail();
		}
		struct timespec pause = {0, 50 * 1000000L};
		nanosleep(&pause, NULL);
	}
}

int main(void)
{
	th_pg *pg = th_pg_start();
	char listen[32];
	snprintf(listen, sizeof listen, "127.0.0.1:%d", th_free_port());
	th_proc *vd = th_volumed_start(pg, "--listen", listen, NULL);
	th_proc *gw = th_gateway_start(vd->addr, NULL);
	gwt_use(gw);
	const char *host = gwt_host("host-before");
	(void)host;
	th_http *r = gwt_get("/healthz");
	th_http_free(r);

	/* volumed stops: every call is 503 VOLUMED_UNAVAILABLE, reads and
	 * writes alike, and /healthz says so too. */
	th_proc_stop(vd);
	for (int i = 0; i < 3; i++) {
		expect_error("GET", "/v1/hosts", NULL, 503, "VOLUMED_UNAVAILABLE");
		expect_error("POST", "/v1/hosts", "{\"name\": \"during-volumed-outage\"}", 503,
			     "VOLUMED_UNAVAILABLE");
		expect_error("GET", "/healthz", NULL, 503, "VOLUMED_UNAVAILABLE");
	}
	r = th_http_json("GET", gwt_url("/v1/volumes"), NULL);
	CHECK_HTTP_ERROR(r, 503, "VOLUMED_UNAVAILABLE");
	CHECK_STR(th_json_str(json_object_get(r->json, "error"), "status"), "UNAVAILABLE");
	th_http_free(r);
	/* What the gateway judges alone is still judged. */
	expect_error("GET", "/v1/volumes/not-an-id", NULL, 400, "INVALID_ID");
	expect_error("GET", "/v1/nowhere", NULL, 404, "ROUTE_NOT_FOUND");

	/* volumed comes back on the same address: the gateway serves again
	 * by itself. */
	vd = th_volumed_start(pg, "--listen", listen, NULL);
	wait_ok("/v1/hosts", "VOLUMED_UNAVAILABLE");
	wait_ok("/healthz", "VOLUMED_UNAVAILABLE");
	gwt_host("host-after-volumed");
	CHECK_INT(gwt_rows(pg, "host"), 2);

	/* Postgres stops under both: 503 DATABASE_UNAVAILABLE from volumed,
	 * carried through; /healthz 503 too. */
	th_pg_stop(pg);
	for (int i = 0; i < 3; i++) {
		expect_error("GET", "/v1/hosts", NULL, 503, "DATABASE_UNAVAILABLE");
		expect_error("POST", "/v1/hosts", "{\"name\": \"during-database-outage\"}", 503,
			     "DATABASE_UNAVAILABLE");
		expect_error("GET", "/healthz", NULL, 503, "DATABASE_UNAVAILABLE");
	}
	th_pg_restart(pg);
	wait_ok("/healthz", "DATABASE_UNAVAILABLE");
	wait_ok("/v1/hosts", "DATABASE_UNAVAILABLE");
	gwt_host("host-after-database");
	/* Nothing of what was sent during the outages was written. */
	CHECK_INT(gwt_rows(pg, "host"), 3);
	CHECK_INT(th_pg_scalar(pg, "SELECT count(*) FROM host WHERE name LIKE 'during-%'"), 0);

	th_proc_stop(gw);
	th_proc_stop(vd);
	printf("gateway_outage: ok\n");
	return 0;
}
