/* unit_path - path normalisation and rejection (invariant 6). */
#include <stdlib.h>
#include <string.h>

#include "tcheck.h"
#include "path.h"

static const char *norm(const char *in, size_t len, const char **why)
{
	static char out[VD_PATH_MAX + 2];
	*why = NULL;
	return vd_path_normalize(in, len, out, why);
}

static void accepts(const char *in, const char *want)
{
	const char *why;
	const char *got = norm(in, strlen(in), &why);
	if (!got)
		fprintf(stderr, "refused %s: %s\n", in, why);
	CHECK_STR(got, want);
}

static void refuses(const char *in, size_t len, const char *why_part)
{
	const char *why;
	const char *got = norm(in, len, &why);
	if (got)
		fprintf(stderr, "accepted \"%s\" as \"%s\"\n", in, got);
	CHECK(got == NULL);
	CHECK_CONTAINS(why, why_part);
}

void th_fail(void)
{
	exit(1);
}

int main(void)
{
	accepts("/srv/fc/volumes/data-vol-1.ext4", "/srv/fc/volumes/data-vol-1.ext4");
	accepts("/srv//fc///volumes/a.ext4", "/srv/fc/volumes/a.ext4");
	accepts("/srv/./fc/./a.ext4", "/srv/fc/a.ext4");
	accepts("//a", "/a");
	accepts("/a/.../b", "/a/.../b"); /* "..." is a name, not a parent */
	accepts("/a/..b/c..", "/a/..b/c..");
	accepts("/srv/images/ünïcødé.ext4", "/srv/images/ünïcødé.ext4");
	accepts("/a b/c d.img", "/a b/c d.img");

	refuses("", 0, "required");
	refuses("srv/a.ext4", 10, "absolute");
	refuses("./a.ext4", 8, "absolute");
	refuses("/srv/../etc/shadow", 18, "'..'");
	refuses("/srv/..", 7, "'..'");
	refuses("/..", 3, "'..'");
	refuses("/srv/a/", 7, "not a directory");
	refuses("/", 1, "not a directory");
	refuses("/./", 3, "not a directory");
	refuses("/srv/a\nb", 8, "control");
	refuses("/srv/a\tb", 8, "control");
	refuses("/srv/a\x7f", 7, "control");
	refuses("/srv/a\0b", 8, "control");
	refuses("/srv/\xff\xfe", 7, "UTF-8");
	refuses("/srv/\xc0\xaf", 7, "UTF-8");       /* overlong '/' */
	refuses("/srv/\xed\xa0\x80", 8, "UTF-8");   /* surrogate */

	/* 4096 bytes is the limit, before normalisation. */
	char *big = malloc(VD_PATH_MAX + 2);
	big[0] = '/';
	memset(big + 1, 'a', VD_PATH_MAX);
	big[VD_PATH_MAX] = '\0';
	const char *why;
	CHECK(norm(big, VD_PATH_MAX, &why) != NULL);
	big[VD_PATH_MAX] = 'a';
	big[VD_PATH_MAX + 1] = '\0';
	refuses(big, VD_PATH_MAX + 1, "4096");
	free(big);
	printf("unit_path: ok\n");
	return 0;
}
