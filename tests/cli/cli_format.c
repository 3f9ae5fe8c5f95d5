/* cli_format - volumectl's pure parts: human sizes, size and duration
 * parsing, timestamps, enum words, argument sorting and table alignment. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "args.h"
#include "format.h"
#include "table.h"
#include "tcheck.h"

static void sizes(void)
{
	static const struct {
		int64_t bytes;
		const char *text;
	} cases[] = {
		{0, "0 B"},
		{512, "512 B"},
		{1023, "1023 B"},
		{1024, "1.0 KiB"},
		{1536, "1.5 KiB"},
		{52428800, "50.0 MiB"},
		{1048575, "1.0 MiB"}, /* not "1024.0 KiB" */
		{10737418240LL, "10.0 GiB"},
		{5LL << 40, "5.0 TiB"},
		{INT64_MAX, "8.0 EiB"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char buf[CTL_SIZE_MAX];
		ctl_fmt_size(cases[i].bytes, buf);
		CHECK_STR(buf, cases[i].text);
	}

	static const struct {
		const char *text;
		int64_t bytes;
	} parse[] = {
		{"10737418240", 10737418240LL}, {"10G", 10737418240LL}, {"10GiB", 10737418240LL},
		{"10g", 10737418240LL},		{"512M", 512LL << 20},	    {"4k", 4096},
		{"1T", 1LL << 40},		{"7B", 7},		    {"0", 0},
	};
	for (size_t i = 0; i < sizeof parse / sizeof *parse; i++) {
		int64_t v = -1;
		const char *why = NULL;
		CHECK(ctl_parse_size(parse[i].text, &v, &why));
		CHECK_INT(v, parse[i].bytes);
	}
	static const char *const bad[] = {"", "G", "-1", "1.5G", "10GB", "10 G", "10X", "99999999999P",
					  "18446744073709551616"};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		int64_t v;
		const char *why = NULL;
		if (ctl_parse_size(bad[i], &v, &why)) {
			fprintf(stderr, "size \"%s\" was accepted as %lld\n", bad[i], (long long)v);
			th_fail();
		}
		CHECK(why && *why);
	}
}

static void durations(void)
{
	static const struct {
		const char *text;
		int ms;
	} ok[] = {{"1500", 1500}, {"500ms", 500}, {"5s", 5000}, {"2m", 120000}, {"60m", 3600000}};
	for (size_t i = 0; i < sizeof ok / sizeof *ok; i++) {
		int ms = -1;
		const char *why;
		CHECK(ctl_parse_duration(ok[i].text, &ms, &why));
		CHECK_INT(ms, ok[i].ms);
	}
	static const char *const bad[] = {"", "0", "0s", "5h", "61m", "-5s", "1.5s", "s", "5 s"};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		int ms;
		const char *why = NULL;
		CHECK(!ctl_parse_duration(bad[i], &ms, &why));
		CHECK(why && *why);
	}
}

static void times_and_words(void)
{
	char buf[CTL_TIME_MAX];
	Google__Protobuf__Timestamp t = GOOGLE__PROTOBUF__TIMESTAMP__INIT;
	t.seconds = 1762159811; /* the specification's 2025-11-03T08:50:11Z */
	t.nanos = 123456000;
	ctl_fmt_time(&t, buf);
	CHECK_STR(buf, "2025-11-03T08:50:11Z");
	ctl_fmt_time(NULL, buf);
	CHECK_STR(buf, "");

	CHECK_STR(ctl_status_name(1), "available");
	CHECK_STR(ctl_status_name(3), "in-use");
	CHECK(ctl_status_name(0) == NULL && ctl_status_name(9) == NULL);
	CHECK_INT(ctl_status_parse("in-use"), 3);
	CHECK_INT(ctl_status_parse("IN_USE"), 3);
	CHECK_INT(ctl_status_parse("Attached"), 2);
	CHECK_INT(ctl_status_parse("used"), 0);
	CHECK_INT(ctl_status_parse("available-and-then-some"), 0);
	CHECK_STR(ctl_type_name(2), "qcow2");
	CHECK_INT(ctl_type_parse("RAW"), 3);
	CHECK_INT(ctl_type_parse("vfat"), 0);
	CHECK_INT(ctl_type_from_path("/srv/a/rootfs.ext4"), 1);
	CHECK_INT(ctl_type_from_path("/srv/a/disk.qcow2"), 2);
	CHECK_INT(ctl_type_from_path("/srv/a/disk.img"), 3);
	CHECK_INT(ctl_type_from_path("/srv/a/ext4"), 3);
}

static void args(void)
{
	const char *name = NULL, *drive = NULL;
	int ro = 0, size = 0;
	const vd_opt opts[] = {
		{"vm-id", NULL, VD_OPT_STRING, NULL, "", &name, 0, 0},
		{"drive-id", NULL, VD_OPT_STRING, NULL, "", &drive, 0, 0},
		{"read-only", NULL, VD_OPT_FLAG, NULL, "", &ro, 0, 0},
		{"page-size", NULL, VD_OPT_INT, NULL, "", &size, -100, 100},
	};
	/* Positionals before, between and after options; a value that looks
	 * like an option stays with its option. */
	char *argv[] = {"volumectl", "volumes", "attach", "VOL", "--vm-id", "VM", "--read-only",
			"--drive-id=vdb", "EXTRA", "--page-size", "-1", "--", "--not-an-option", NULL};
	int argc = 13;
	ctl_args a;
	char err[128];
	CHECK(ctl_args_split(&a, opts, 4, argc, argv, 3, err, sizeof err));
	CHECK(!a.help);
	CHECK_INT(a.posc, 3);
	CHECK_STR(a.posv[0], "VOL");
	CHECK_STR(a.posv[1], "EXTRA");
	CHECK_STR(a.posv[2], "--not-an-option");
	CHECK_INT(vd_opts_parse(opts, 4, a.optc, a.optv, 1, err, sizeof err), a.optc);
	CHECK_STR(name, "VM");
	CHECK_STR(drive, "vdb");
	CHECK_INT(ro, 1);
	CHECK_INT(size, -1);
	ctl_args_free(&a);

	char *help[] = {"volumectl", "get", "X", "-h", NULL};
	CHECK(ctl_args_split(&a, opts, 4, 4, help, 1, err, sizeof err));
	CHECK(a.help);
	ctl_args_free(&a);

	char *shortopt[] = {"volumectl", "get", "-v", NULL};
	CHECK(!ctl_args_split(&a, opts, 4, 3, shortopt, 1, err, sizeof err));
	CHECK_CONTAINS(err, "-v");
	ctl_args_free(&a);

	CHECK(ctl_args_find(opts, 4, "--drive-id=x") == &opts[1]);
	CHECK(ctl_args_find(opts, 4, "--drive") == NULL);
	CHECK(ctl_args_find(opts, 4, "drive-id") == NULL);
}

/* Reads what a table printed through a temporary file. */
static char *render(ctl_table *t)
{
	FILE *f = tmpfile();
	CHECK(f != NULL);
	ctl_table_print(t, f);
	long n = ftell(f);
	rewind(f);
	char *buf = calloc(1, (size_t)n + 1);
	CHECK(fread(buf, 1, (size_t)n, f) == (size_t)n);
	fclose(f);
	return buf;
}

static void tables(void)
{
	const ctl_column cols[] = {{"NAME", false}, {"SIZE", true}, {"PATH", false}};
	ctl_table *t = ctl_table_new(cols, 3);
	const char *r1[] = {"Größe", "10.0 GiB", "/a"};
	const char *r2[] = {"two\nlines", "512 B", ""};
	const char *r3[] = {"x", NULL, "/c"};
	ctl_table_add(t, r1);
	ctl_table_add(t, r2);
	ctl_table_add(t, r3);
	char *out = render(t);
	/* Widths in code points (Größe is 5 wide, "two\nlines" is 10 once
	 * escaped), sizes right-aligned, "-" for empty cells, no trailing blanks. */
	CHECK_STR(out, "NAME            SIZE  PATH\n"
		       "Größe       10.0 GiB  /a\n"
		       "two\\nlines     512 B  -\n"
		       "x                  -  /c\n");
	free(out);
	ctl_table_free(t);
	ctl_table_free(NULL);

	const ctl_column bare[] = {{NULL, false}, {NULL, false}};
	t = ctl_table_new(bare, 2);
	const char *kv1[] = {"id", "1"};
	const char *kv2[] = {"description", "\x1b[31m"};
	ctl_table_add(t, kv1);
	ctl_table_add(t, kv2);
	out = render(t);
	CHECK_STR(out, "id           1\n"
		       "description  \\x1b[31m\n");
	free(out);
	ctl_table_free(t);
}

int main(void)
{
	sizes();
	durations();
	times_and_words();
	args();
	tables();
	printf("cli_format: ok\n");
	return 0;
}
