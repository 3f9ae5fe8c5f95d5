/* vbench.c - the load client of bench/ on vc.h: attach+detach pairs, timed registrations, a checked call. */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "vc.h"

/* One finished operation: when it ended (wall clock, so logs of different
 * tools line up) and how long it took. */
typedef struct sample {
	int64_t end_us;
	int32_t lat_us;
} sample;

typedef struct samples {
	sample *v;
	size_t n, cap;
} samples;

static void samples_add(samples *s, int64_t end_us, int64_t lat_us)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 4096;
		s->v = realloc(s->v, s->cap * sizeof *s->v);
		if (!s->v)
			abort();
	}
	s->v[s->n].end_us = end_us;
	s->v[s->n++].lat_us = lat_us > INT32_MAX ? INT32_MAX : (int32_t)lat_us;
}

static int64_t now_us(clockid_t clock)
{
	struct timespec t;
	clock_gettime(clock, &t);
	return (int64_t)t.tv_sec * 1000000 + t.tv_nsec / 1000;
}

/* The options every command takes; each command reads the ones it needs. */
typedef struct opts {
	const char *target, *ids, *log, *method, *body, *prefix, *drive;
	int clients;
	double seconds;
} opts;

static void usage(void)
{
	fprintf(stderr,
		"usage: vbench pairs    --target H:P --ids FILE --clients N --seconds S --log FILE [--drive D]\n"
		"       vbench register --target H:P --ids FILE --prefix PATH --log FILE\n"
		"       vbench call     --target H:P --method /pkg.Service/Method --body FILE\n"
		"\n"
		"pairs: each client attaches the volume of its line of FILE (\"volume_id vm_id\") to the\n"
		"  VM, then detaches it, over and over; one log line per pair.\n"
		"register: one RegisterVolume per line of FILE (\"vm_id group\"), sequentially, for\n"
		"  path PATH<group>-<i>.ext4; the log lines end with the group.\n"
		"call: sends FILE (protobuf bytes) once; exit 0 only if the call is OK.\n"
		"Logs: one line per operation, \"<end, us since the epoch> <latency us>\".\n");
	exit(2);
}

static opts parse(int argc, char **argv)
{
	opts o = {.clients = 1, .seconds = 10, .drive = "bench"};
	for (int i = 2; i < argc; i++) {
		const char *k = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!v || strncmp(k, "--", 2) != 0)
			usage();
		i++;
		if (strcmp(k, "--target") == 0)
			o.target = v;
		else if (strcmp(k, "--ids") == 0)
			o.ids = v;
		else if (strcmp(k, "--log") == 0)
			o.log = v;
		else if (strcmp(k, "--method") == 0)
			o.method = v;
		else if (strcmp(k, "--body") == 0)
			o.body = v;
		else if (strcmp(k, "--prefix") == 0)
			o.prefix = v;
		else if (strcmp(k, "--drive") == 0)
			o.drive = v;
		else if (strcmp(k, "--clients") == 0)
			o.clients = atoi(v);
		else if (strcmp(k, "--seconds") == 0)
			o.seconds = atof(v);
		else
			usage();
	}
	if (!o.target || o.clients < 1 || o.clients > 1024 || o.seconds <= 0)
		usage();
	return o;
}

/* Reads the whitespace-separated words of path; *n gets their count. */
static char **read_words(const char *path, size_t *n)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "vbench: %s: %s\n", path, strerror(errno));
		exit(1);
	}
	char **w = NULL, buf[256];
	size_t cap = 0;
	*n = 0;
	while (fscanf(f, "%255s", buf) == 1) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 64;
			w = realloc(w, cap * sizeof *w);
			if (!w)
				abort();
		}
		if (!(w[(*n)++] = strdup(buf)))
			abort();
	}
	fclose(f);
	return w;
}

static void write_log(const char *path, samples *const *per, int nper)
{
	FILE *f = fopen(path, "w");
	if (!f) {
		fprintf(stderr, "vbench: %s: %s\n", path, strerror(errno));
		exit(1);
	}
	for (int i = 0; i < nper; i++)
		for (size_t k = 0; k < per[i]->n; k++)
			fprintf(f, "%lld %d\n", (long long)per[i]->v[k].end_us, per[i]->v[k].lat_us);
	if (fclose(f) != 0) {
		fprintf(stderr, "vbench: writing %s failed\n", path);
		exit(1);
	}
}

static vc_client *client(const char *target)
{
	/* A connection per client, as pgbench and h2load have. */
	vc_options vo = {.timeout_ms = 30000, .own_connection = true};
	return vc_client_new(target, &vo);
}

typedef struct pair_worker {
	pthread_t thread;
	const opts *o;
	const char *volume_id, *vm_id;
	int64_t until_us; /* monotonic */
	samples done;
	long errors;
	vc_status last; /* the last error, for the report */
} pair_worker;

static void *pairs_run(void *arg)
{
	pair_worker *w = arg;
	vc_client *c = client(w->o->target);
	Volumed__V1__AttachVolumeRequest aq = VOLUMED__V1__ATTACH_VOLUME_REQUEST__INIT;
	aq.volume_id = (char *)w->volume_id;
	aq.vm_id = (char *)w->vm_id;
	aq.drive_id = (char *)w->o->drive;
	Volumed__V1__DetachVolumeRequest dq = VOLUMED__V1__DETACH_VOLUME_REQUEST__INIT;
	dq.volume_id = (char *)w->volume_id;
	dq.vm_id = (char *)w->vm_id;
	vc_status st;

	/* A run that was stopped half-way may have left the pair attached. */
	vc_detach_volume(c, &dq, NULL, NULL, &st);

	while (now_us(CLOCK_MONOTONIC) < w->until_us) {
		int64_t t0 = now_us(CLOCK_MONOTONIC);
		Volumed__V1__Attachment *att = NULL;
		Volumed__V1__Volume *vol = NULL;
		bool ok = vc_attach_volume(c, &aq, &att, NULL, &st) == 0;
		if (ok)
			ok = vc_detach_volume(c, &dq, &vol, NULL, &st) == 0;
		int64_t t1 = now_us(CLOCK_MONOTONIC);
		vc_free(att);
		vc_free(vol);
		if (!ok) {
			w->errors++;
			w->last = st;
			/* Back to the starting state before trying again. */
			vc_detach_volume(c, &dq, NULL, NULL, &st);
			continue;
		}
		samples_add(&w->done, now_us(CLOCK_REALTIME), t1 - t0);
	}
	vc_client_free(c);
	return NULL;
}

static int cmd_pairs(const opts *o)
{
	if (!o->ids || !o->log)
		usage();
	size_t nwords;
	char **words = read_words(o->ids, &nwords);
	if (nwords < 2 * (size_t)o->clients) {
		fprintf(stderr, "vbench: %s names %zu pairs, %d clients need one each\n", o->ids, nwords / 2,
			o->clients);
		return 1;
	}
	pair_worker *w = calloc((size_t)o->clients, sizeof *w);
	samples **per = calloc((size_t)o->clients, sizeof *per);
	if (!w || !per)
		abort();
	int64_t until = now_us(CLOCK_MONOTONIC) + (int64_t)(o->seconds * 1e6);
	for (int i = 0; i < o->clients; i++) {
		w[i].o = o;
		w[i].volume_id = words[2 * i];
		w[i].vm_id = words[2 * i + 1];
		w[i].until_us = until;
		per[i] = &w[i].done;
		if (pthread_create(&w[i].thread, NULL, pairs_run, &w[i]) != 0)
			abort();
	}
	long pairs = 0, errors = 0;
	const vc_status *last = NULL;
	for (int i = 0; i < o->clients; i++) {
		pthread_join(w[i].thread, NULL);
		pairs += (long)w[i].done.n;
		errors += w[i].errors;
		if (w[i].errors)
			last = &w[i].last;
	}
	write_log(o->log, per, o->clients);
	printf("pairs=%ld errors=%ld\n", pairs, errors);
	if (last)
		fprintf(stderr, "vbench: last error: code %d %s: %s\n", last->code, last->reason, last->message);
	for (int i = 0; i < o->clients; i++)
		free(w[i].done.v);
	free(w);
	free(per);
	for (size_t i = 0; i < nwords; i++)
		free(words[i]);
	free(words);
	return errors ? 1 : 0;
}

static int cmd_register(const opts *o)
{
	if (!o->ids || !o->log || !o->prefix)
		usage();
	size_t n;
	char **words = read_words(o->ids, &n);
	if (n % 2) {
		fprintf(stderr, "vbench: %s: lines of \"vm_id group\" expected\n", o->ids);
		return 1;
	}
	vc_client *c = client(o->target);
	FILE *log = fopen(o->log, "w");
	if (!log) {
		fprintf(stderr, "vbench: %s: %s\n", o->log, strerror(errno));
		return 1;
	}
	long done = 0, errors = 0;
	vc_status st;
	/* Sequential, in the file's order: run.sh alternates the groups (hosts),
	 * so both see the same moments of the machine. */
	for (size_t i = 0; i < n; i += 2) {
		const char *vm = words[i], *group = words[i + 1];
		char path[512];
		snprintf(path, sizeof path, "%s%s-%zu.ext4", o->prefix, group, i / 2);
		Volumed__V1__RegisterVolumeRequest rq = VOLUMED__V1__REGISTER_VOLUME_REQUEST__INIT;
		rq.vm_id = (char *)vm;
		rq.path = path;
		Volumed__V1__Volume *v = NULL;
		int64_t t0 = now_us(CLOCK_MONOTONIC);
		int code = vc_register_volume(c, &rq, &v, NULL, &st);
		int64_t t1 = now_us(CLOCK_MONOTONIC);
		if (code == 0 && v->attachment_count == 1) {
			fprintf(log, "%lld %lld %s\n", (long long)now_us(CLOCK_REALTIME), (long long)(t1 - t0), group);
			done++;
		} else if (errors++ == 0) {
			fprintf(stderr, "vbench: register %s for vm %s: code %d %s: %s\n", path, vm, code, st.reason,
				st.message);
		}
		vc_free(v);
	}
	vc_client_free(c);
	if (fclose(log) != 0) {
		fprintf(stderr, "vbench: writing %s failed\n", o->log);
		return 1;
	}
	for (size_t i = 0; i < n; i++)
		free(words[i]);
	free(words);
	/* Its own CPU time, for the CPU columns (it has ended when run.sh looks). */
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	long long cpu_us = (long long)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000 + ru.ru_utime.tv_usec +
			   ru.ru_stime.tv_usec;
	printf("registered=%ld errors=%ld cpu_us=%lld\n", done, errors, cpu_us);
	return errors ? 1 : 0;
}

static int cmd_call(const opts *o)
{
	if (!o->method || !o->body)
		usage();
	FILE *f = fopen(o->body, "rb");
	if (!f) {
		fprintf(stderr, "vbench: %s: %s\n", o->body, strerror(errno));
		return 1;
	}
	static unsigned char body[1 << 16];
	size_t len = fread(body, 1, sizeof body, f);
	fclose(f);
	vc_client *c = client(o->target);
	vc_status st;
	void *out = NULL;
	size_t outlen = 0;
	int code = vc_call_raw(c, o->method, body, len, true, &out, &outlen, NULL, &st);
	if (code == 0)
		printf("code=0 bytes=%zu\n", outlen);
	else
		fprintf(stderr, "vbench: %s: code %d %s: %s\n", o->method, code, st.reason, st.message);
	free(out);
	vc_client_free(c);
	return code == 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		usage();
	opts o = parse(argc, argv);
	if (strcmp(argv[1], "pairs") == 0)
		return cmd_pairs(&o);
	if (strcmp(argv[1], "register") == 0)
		return cmd_register(&o);
	if (strcmp(argv[1], "call") == 0)
		return cmd_call(&o);
	usage();
	return 2;
}
