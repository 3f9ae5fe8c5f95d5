/* fuzz_gateway - the gateway's request parsing: route matching, %-decoding,
 * query strings, headers, content types and JSON bodies, then the error
 * body or the volumed message that comes out of them.
 *
 * An input is a request in text, as HTTP would deliver it to the parser:
 *
 *     METHOD TARGET
 *     Content-Type: application/json
 *     X-Request-Id: abc
 *     Authorization: Bearer x
 *
 *     {"json": "body"}
 *
 * Header lines are optional and may come in any order; everything after
 * the first empty line is the body. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "reply.h"
#include "route.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The next line of [*p, end) as a NUL-terminated copy (no CR/LF). */
static char *next_line(const char **p, const char *end)
{
	const char *s = *p, *nl = memchr(s, '\n', (size_t)(end - s));
	const char *e = nl ? nl : end;
	*p = nl ? nl + 1 : end;
	if (e > s && e[-1] == '\r')
		e--;
	char *line = malloc((size_t)(e - s) + 1);
	if (!line)
		abort();
	memcpy(line, s, (size_t)(e - s));
	line[e - s] = '\0';
	return line;
}

static void parse(const gw_http_in *in)
{
	gw_request q = {0};
	vd_error err = {0};
	if (gw_route_parse(in, &q, &err)) {
		/* What parsing produced must be a message protobuf-c can pack:
		 * every string set, every pointer alive. */
		if (q.op != GW_OP_OPTIONS) {
			size_t n = protobuf_c_message_get_packed_size(&q.msg.base);
			uint8_t *buf = malloc(n ? n : 1);
			if (!buf)
				abort();
			protobuf_c_message_pack(&q.msg.base, buf);
			free(buf);
		}
	} else {
		/* Every error must become a JSON body, whatever bytes its
		 * message quotes. */
		if (err.reason == VD_OK || !err.message[0])
			abort();
		gw_reply r = {0};
		gw_reply_error(&r, &err);
		char *text = json_dumps(r.body, JSON_COMPACT);
		if (!text)
			abort();
		free(text);
		gw_reply_dispose(&r);
	}
	gw_request_dispose(&q);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *end = p + size;
	char *first = next_line(&p, end);
	char *space = strchr(first, ' ');
	if (space)
		*space = '\0';
	char *headers[8] = {0};
	int nheaders = 0;
	gw_http_in in = {.method = first, .target = space ? space + 1 : ""};
	while (p < end && nheaders < 8) {
		char *line = next_line(&p, end);
		if (!*line) {
			free(line);
			break;
		}
		headers[nheaders++] = line;
		char *colon = strchr(line, ':');
		if (!colon)
			continue;
		*colon = '\0';
		char *value = colon + 1;
		while (*value == ' ')
			value++;
		if (strcasecmp(line, "Content-Type") == 0)
			in.content_type = value;
		else if (strcasecmp(line, "X-Request-Id") == 0)
			in.request_id = value;
		else if (strcasecmp(line, "Authorization") == 0)
			in.authorization = value;
	}
	/* The body is copied so that reading past it is caught. */
	size_t blen = (size_t)(end - p);
	char *body = malloc(blen ? blen : 1);
	if (!body)
		abort();
	memcpy(body, p, blen);

	/* As the gateway calls it: headers first, then with the body. */
	in.head_only = true;
	in.body_follows = blen > 0;
	parse(&in);
	in.head_only = false;
	in.body = body;
	in.body_len = blen;
	parse(&in);

	free(body);
	for (int i = 0; i < nheaders; i++)
		free(headers[i]);
	free(first);
	return 0;
}
