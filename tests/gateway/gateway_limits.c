/* gateway_limits - the gateway under clients that misbehave and calls that
 * take long: clients that stop sending mid-request are timed out by the
 * connection timeout while other clients are served (no thread is held);
 * a call that outlives the deadline is 504 DEADLINE_EXCEEDED; many clients
 * at once are all answered; SIGTERM lets a request in progress finish and
 * exits 0. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "gwt.h"

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* A raw TCP connection to the gateway that has sent `text` and then goes
 * quiet. */
static int stall(const th_proc *gw, const char *text)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET,
				.sin_port = htons((uint16_t)gw->port),
				.sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	CHECK(fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof a) == 0);
	CHECK(send(fd, text, strlen(text), 0) == (ssize_t)strlen(text));
	return fd;
}

/* Waits (at most limit seconds) for the gateway to close fd; returns what
 * it sent before closing, into buf. Fails the test if it stays open. */
static void wait_closed(int fd, double limit, char *buf, size_t size)
{
	double until = now() + limit;
	size_t used = 0;
	for (;;) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		int left = (int)((until - now()) * 1000);
		if (left <= 0 || poll(&p, 1, left) <= 0) {
			fprintf(stderr, "the gateway kept a stalled connection open for %.1f s\n", limit);
			th_fail();
		}
		ssize_t k = recv(fd, buf + used, size - 1 - used, 0);
		if (k == 0 || (k < 0 && errno == ECONNRESET))
			break;
		CHECK(k > 0);
		used += (size_t)k;
	}
	buf[used] = '\0';
	close(fd);
}

static void slow_clients(th_pg *pg, th_proc *gw)
{
	/* More stalled clients than the gateway has threads (2): a body
	 * half sent, headers half sent, a request line half sent. */
	const char *half[] = {
		"POST /v1/hosts HTTP/1.1\r\nHost: gw\r\nContent-Type: application/json\r\n"
		"Content-Length: 60\r\n\r\n{\"name\": \"slow",
		"POST /v1/hosts HTTP/1.1\r\nHost: gw\r\nContent-Type: application/json\r\nContent-Len",
		"GET /v1/ho",
		"POST /v1/hosts HTTP/1.1\r\nHost: gw\r\nContent-Type: application/json\r\n"
		"Transfer-Encoding: chunked\r\n\r\n5\r\n{\"nam",
	};
	enum { NSLOW = sizeof half / sizeof *half };
	int fds[NSLOW];
	double start = now();
	for (int i = 0; i < NSLOW; i++)
		fds[i] = stall(gw, half[i]);

	/* Meanwhile everyone else is served, while the stalled connections
	 * are still open: none of them holds one of the two threads. */
	for (int i = 0; i < 20; i++) {
		double t = now();
		th_http *r = gwt_get("/v1/hosts");
		th_http_free(r);
		CHECK(now() - t < 2.5);
	}
	gwt_host("served-while-others-stall");
	if (now() - start < 2.5) {
		for (int i = 0; i < NSLOW; i++) {
			struct pollfd p = {.fd = fds[i], .events = POLLIN};
			CHECK_INT(poll(&p, 1, 0), 0);
		}
	}

	/* The connection timeout is 3 s: each stalled client is closed soon
	 * after, without an answer (it never finished asking). */
	char buf[4096];
	for (int i = 0; i < NSLOW; i++) {
		wait_closed(fds[i], 15, buf, sizeof buf);
		CHECK_STR(buf, "");
	}
	/* Closed by the timeout, not at once: libmicrohttpd counts the 3 s
	 * from its own reading of the clock and may close a few ms before
	 * our 3.0 (CI saw 2.9994 s), so the floor leaves it that slack. */
	CHECK(now() - start >= 2.5);
	CHECK_INT(th_pg_scalar(pg, "SELECT count(*) FROM host WHERE name LIKE 'slow%'"), 0);

	/* A client that sent all it meant to is answered, then timed out
	 * once it idles on the kept-alive connection. */
	int fd = stall(gw, "GET /healthz HTTP/1.1\r\nHost: gw\r\n\r\n");
	wait_closed(fd, 15, buf, sizeof buf);
	CHECK_CONTAINS(buf, "HTTP/1.1 200");
	CHECK_CONTAINS(buf, "\"SERVING\"");
}

/* A call volumed cannot finish in time (a table lock holds its query):
 * 504 DEADLINE_EXCEEDED after the gateway's --timeout-ms, not a hang. */
static void deadline(th_pg *pg)
{
	PGconn *lock = th_pg_connect(pg);
	PQclear(PQexec(lock, "BEGIN"));
	PQclear(PQexec(lock, "LOCK TABLE host IN ACCESS EXCLUSIVE MODE"));
	double t = now();
	th_http *r = th_http_json("GET", gwt_url("/v1/hosts"), NULL);
	CHECK_HTTP_ERROR(r, 504, "DEADLINE_EXCEEDED");
	CHECK_STR(th_json_str(json_object_get(r->json, "error"), "status"), "DEADLINE_EXCEEDED");
	th_http_free(r);
	double took = now() - t;
	CHECK(took >= 0.5 && took < 10);
	PQclear(PQexec(lock, "ROLLBACK"));
	PQfinish(lock);
	th_http_free(gwt_get("/v1/hosts"));
}

struct worker {
	int id, created, listed;
};

static void *client(void *arg)
{
	struct worker *w = arg;
	for (int i = 0; i < 15; i++) {
		th_http *r = th_http_json("POST", gwt_url("/v1/hosts"),
					  th_fmt("{\"name\": \"busy-%d-%d\", \"address\": \"10.1.%d.%d\"}",
						 w->id, i, w->id, i));
		w->created += r->status == 201;
		th_http_free(r);
		r = th_http_json("GET", gwt_url("/v1/hosts?page_size=5"), NULL);
		/* Other clients create hosts meanwhile: at least ours, and no
		 * more than the page. */
		w->listed +=
			r->status == 200 && json_array_size(r->json) >= 1 && json_array_size(r->json) <= 5;
		th_http_free(r);
	}
	return NULL;
}

static void many_clients(th_pg *pg)
{
	long long before = gwt_rows(pg, "host");
	enum { N = 8 };
	pthread_t t[N];
	struct worker w[N];
	for (int i = 0; i < N; i++) {
		w[i] = (struct worker){.id = i};
		pthread_create(&t[i], NULL, client, &w[i]);
	}
	for (int i = 0; i < N; i++) {
		pthread_join(t[i], NULL);
		CHECK_INT(w[i].created, 15);
		CHECK_INT(w[i].listed, 15);
	}
	CHECK_INT(gwt_rows(pg, "host"), before + N * 15);
}

struct pending {
	const char *url;
	long status;
};

static void *blocked_get(void *arg)
{
	struct pending *p = arg;
	th_http *r = th_http_json("GET", p->url, NULL);
	p->status = r->status;
	th_http_free(r);
	return NULL;
}

/* SIGTERM while a request waits on volumed: the request is answered, and
 * the gateway exits 0 right after. */
static void drain(th_pg *pg, th_proc *vd)
{
	th_proc *gw = th_gateway_start(vd->addr, "--timeout-ms", "20000", NULL);
	gwt_use(gw);
	PGconn *lock = th_pg_connect(pg);
	PQclear(PQexec(lock, "BEGIN"));
	PQclear(PQexec(lock, "LOCK TABLE vm IN ACCESS EXCLUSIVE MODE"));
	struct pending p = {gwt_url("/v1/vms"), 0};
	pthread_t t;
	pthread_create(&t, NULL, blocked_get, &p);
	/* Ready when volumed's query waits on our lock. */
	double until = now() + 30;
	while (th_pg_scalar(pg, "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'") == 0)
		CHECK(now() < until);
	th_proc_kill(gw, SIGTERM);
	PQclear(PQexec(lock, "ROLLBACK"));
	PQfinish(lock);
	pthread_join(t, NULL);
	CHECK_INT(p.status, 200);
	int st = th_proc_wait(gw);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

int main(void)
{
	th_pg *pg = th_pg_start();
	th_proc *vd = th_volumed_start(pg, NULL);
	th_proc *gw = th_gateway_start(vd->addr, "--client-timeout-s", "3", "--threads", "2", NULL);
	gwt_use(gw);
	slow_clients(pg, gw);
	many_clients(pg);
	th_proc_stop(gw);

	/* The access log names what the timeout ended. */
	FILE *f = fopen(gw->log, "r");
	CHECK(f != NULL);
	char line[4096];
	int timed_out = 0;
	while (fgets(line, sizeof line, f))
		timed_out += strstr(line,
				    "request method=POST path=/v1/hosts status=408 reason=REQUEST_TIMEOUT") &&
			     strstr(line, "end=timeout");
	fclose(f);
	CHECK(timed_out >= 1);

	/* A short deadline of its own, so a busy machine cannot make the
	 * other parts run into it. */
	th_proc *quick = th_gateway_start(vd->addr, "--timeout-ms", "500", NULL);
	gwt_use(quick);
	deadline(pg);
	th_proc_stop(quick);

	drain(pg, vd);
	th_proc_stop(vd);
	printf("gateway_limits: ok\n");
	return 0;
}
