/* token.c - page token encoding: 1 version byte, 8 bytes of timestamp,
 * 16 bytes of id, 8 bytes of scope fingerprint, in base64url. */
#include "token.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#define RAW_LEN 33
#define VERSION 1

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

uint64_t vd_token_scope_start(int list)
{
	return 0xcbf29ce484222325ULL ^ (uint64_t)list;
}

uint64_t vd_token_scope_add(uint64_t h, const char *part)
{
	/* FNV-1a, with a separator so ("ab","") and ("a","b") differ. */
	for (const unsigned char *p = (const unsigned char *)(part ? part : ""); *p; p++)
		h = (h ^ *p) * 0x100000001b3ULL;
	return (h ^ 0xff) * 0x100000001b3ULL;
}

static void put64(uint8_t *p, uint64_t v)
{
	for (int i = 7; i >= 0; i--, v >>= 8)
		p[i] = (uint8_t)v;
}

static uint64_t get64(const uint8_t *p)
{
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

void vd_token_encode(const vd_token *t, uint64_t scope, char out[VD_TOKEN_LEN + 1])
{
	uint8_t raw[RAW_LEN];
	raw[0] = VERSION;
	put64(raw + 1, (uint64_t)t->ts_us);
	memcpy(raw + 9, t->id, 16);
	put64(raw + 25, scope);
	/* 33 bytes = 11 groups of 3 -> 44 characters, no padding. */
	char *o = out;
	for (int i = 0; i < RAW_LEN; i += 3) {
		uint32_t v = (uint32_t)raw[i] << 16 | (uint32_t)raw[i + 1] << 8 | raw[i + 2];
		*o++ = b64[v >> 18 & 63];
		*o++ = b64[v >> 12 & 63];
		*o++ = b64[v >> 6 & 63];
		*o++ = b64[v & 63];
	}
	*o = '\0';
}

static int unb64(char c)
{
	const char *p = c ? strchr(b64, c) : NULL;
	return p ? (int)(p - b64) : -1;
}

bool vd_token_decode(const char *s, uint64_t scope, vd_token *out)
{
	if (!s || strlen(s) != VD_TOKEN_LEN)
		return false;
	uint8_t raw[RAW_LEN];
	for (int i = 0, j = 0; i < VD_TOKEN_LEN; i += 4, j += 3) {
		uint32_t v = 0;
		for (int k = 0; k < 4; k++) {
			int d = unb64(s[i + k]);
			if (d < 0)
				return false;
			v = v << 6 | (uint32_t)d;
		}
		raw[j] = (uint8_t)(v >> 16);
		raw[j + 1] = (uint8_t)(v >> 8);
		raw[j + 2] = (uint8_t)v;
	}
	if (raw[0] != VERSION || get64(raw + 25) != scope)
		return false;
	/* Only positions a real row can have: 1970 up to the year 9999. */
	int64_t ts = (int64_t)get64(raw + 1);
	if (ts < 0 || ts >= 253402300800000000LL)
		return false;
	out->ts_us = ts;
	memcpy(out->id, raw + 9, 16);
	return true;
}

void vd_token_format_ts(int64_t ts_us, char *out, int outsz)
{
	int64_t sec = ts_us / 1000000, us = ts_us % 1000000;
	if (us < 0)
		us += 1000000, sec--;
	time_t t = (time_t)sec;
	struct tm tm;
	gmtime_r(&t, &tm);
	char date[32];
	strftime(date, sizeof date, "%Y-%m-%d %H:%M:%S", &tm);
	snprintf(out, (size_t)outsz, "%s.%06lld+00", date, (long long)us);
}
