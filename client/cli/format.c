/* format.c - sizes, durations, timestamps and enum words as volumectl reads and writes them. */
#include "format.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

void ctl_fmt_size(int64_t bytes, char out[CTL_SIZE_MAX])
{
	static const char *const units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
	if (bytes < 1024) {
		snprintf(out, CTL_SIZE_MAX, "%lld B", (long long)bytes);
		return;
	}
	double v = (double)bytes;
	size_t u = 0;
	/* Move up a unit also when one decimal would round to 1024.0, so
	 * 1048575 bytes reads "1.0 MiB" rather than "1024.0 KiB". */
	while (u + 1 < sizeof units / sizeof *units && v >= 1023.95) {
		v /= 1024;
		u++;
	}
	snprintf(out, CTL_SIZE_MAX, "%.1f %s", v, units[u]);
}

/* Reads the leading decimal digits of *p into *out; false on none or overflow. */
static bool whole(const char **p, unsigned long long *out)
{
	const char *s = *p;
	unsigned long long v = 0;
	if (!isdigit((unsigned char)*s))
		return false;
	for (; isdigit((unsigned char)*s); s++) {
		unsigned d = (unsigned)(*s - '0');
		if (v > (UINT64_MAX - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*p = s;
	*out = v;
	return true;
}

bool ctl_parse_size(const char *text, int64_t *out, const char **why)
{
	static const struct {
		const char *suffix;
		int shift;
	} units[] = {
		{"", 0},    {"b", 0},    {"k", 10},   {"kib", 10}, {"m", 20},   {"mib", 20},
		{"g", 30},  {"gib", 30}, {"t", 40},   {"tib", 40}, {"p", 50},   {"pib", 50},
	};
	const char *p = text ? text : "";
	unsigned long long n;
	*why = "expected a number of bytes, or a whole number with K, M, G, T or P (powers of 1024), "
	       "like 10G or 10737418240";
	if (!whole(&p, &n))
		return false;
	for (size_t i = 0; i < sizeof units / sizeof *units; i++) {
		if (strcasecmp(p, units[i].suffix) != 0)
			continue;
		if (n > ((unsigned long long)INT64_MAX >> units[i].shift)) {
			*why = "is too large";
			return false;
		}
		*out = (int64_t)(n << units[i].shift);
		return true;
	}
	return false;
}

bool ctl_parse_duration(const char *text, int *out_ms, const char **why)
{
	const char *p = text ? text : "";
	unsigned long long n, scale;
	*why = "expected milliseconds, or a whole number with ms, s or m, like 500ms or 10s";
	if (!whole(&p, &n))
		return false;
	if (*p == '\0' || strcmp(p, "ms") == 0)
		scale = 1;
	else if (strcmp(p, "s") == 0)
		scale = 1000;
	else if (strcmp(p, "m") == 0)
		scale = 60000;
	else
		return false;
	if (n == 0 || n > 3600000 / scale) {
		*why = "must be from 1ms to 60m";
		return false;
	}
	*out_ms = (int)(n * scale);
	return true;
}

void ctl_fmt_time(const Google__Protobuf__Timestamp *t, char out[CTL_TIME_MAX])
{
	out[0] = '\0';
	if (!t)
		return;
	time_t secs = (time_t)t->seconds;
	struct tm tm;
	if (gmtime_r(&secs, &tm))
		strftime(out, CTL_TIME_MAX, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* Index = enum value; the words are those of the REST API. */
static const char *const status_words[] = {NULL, "available", "attached", "in-use"};
static const char *const type_words[] = {NULL, "ext4", "qcow2", "raw"};

const char *ctl_status_name(int status)
{
	return status > 0 && status < 4 ? status_words[status] : NULL;
}

int ctl_status_parse(const char *word)
{
	if (!word)
		return 0;
	char w[16];
	size_t i;
	for (i = 0; word[i] && i + 1 < sizeof w; i++)
		w[i] = word[i] == '_' ? '-' : (char)tolower((unsigned char)word[i]);
	w[i] = '\0';
	if (word[i])
		return 0;
	for (int s = 1; s < 4; s++)
		if (strcmp(w, status_words[s]) == 0)
			return s;
	return 0;
}

const char *ctl_type_name(int type)
{
	return type > 0 && type < 4 ? type_words[type] : NULL;
}

int ctl_type_parse(const char *word)
{
	for (int t = 1; word && t < 4; t++)
		if (strcasecmp(word, type_words[t]) == 0)
			return t;
	return 0;
}

const char *ctl_image_kind_name(int kind)
{
	static const char *const words[] = {NULL, "kernel", "rootfs"};
	return kind > 0 && kind < 3 ? words[kind] : NULL;
}

int ctl_vm_kind_parse(const char *word)
{
	static const char *const words[] = {"vm", "container", "function"};
	static const int kinds[] = {VOLUMED__V1__VM_KIND__VM_KIND_VM, VOLUMED__V1__VM_KIND__VM_KIND_CONTAINER,
				    VOLUMED__V1__VM_KIND__VM_KIND_FUNCTION};
	for (size_t i = 0; word && i < sizeof words / sizeof *words; i++)
		if (strcasecmp(word, words[i]) == 0)
			return kinds[i];
	return -1;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);
	return n >= k && strcmp(s + n - k, suffix) == 0;
}

int ctl_type_from_path(const char *path)
{
	if (ends_with(path, ".ext4"))
		return VOLUMED__V1__VOLUME_TYPE__VOLUME_TYPE_EXT4;
	if (ends_with(path, ".qcow2"))
		return VOLUMED__V1__VOLUME_TYPE__VOLUME_TYPE_QCOW2;
	return VOLUMED__V1__VOLUME_TYPE__VOLUME_TYPE_RAW;
}
