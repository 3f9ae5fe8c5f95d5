/* arena.c - bump allocation in growing blocks. */
#include "arena.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FIRST_BLOCK 8192
#define ALIGN 16

typedef struct block {
	struct block *next;
	size_t size, used;
	_Alignas(ALIGN) unsigned char data[];
} block;

struct vd_arena {
	block *head; /* current block; older blocks follow */
};

static block *block_new(size_t size)
{
	block *b = malloc(sizeof *b + size);
	if (!b)
		abort();
	b->next = NULL;
	b->size = size;
	b->used = 0;
	return b;
}

vd_arena *vd_arena_new(void)
{
	vd_arena *a = malloc(sizeof *a);
	if (!a)
		abort();
	a->head = block_new(FIRST_BLOCK);
	return a;
}

void vd_arena_reset(vd_arena *a)
{
	/* Keep the oldest block (the first one) and drop the rest. */
	block *b = a->head;
	while (b->next) {
		block *next = b->next;
		free(b);
		b = next;
	}
	b->used = 0;
	a->head = b;
}

void vd_arena_free(vd_arena *a)
{
	if (!a)
		return;
	for (block *b = a->head; b;) {
		block *next = b->next;
		free(b);
		b = next;
	}
	free(a);
}

void *vd_arena_alloc(vd_arena *a, size_t size)
{
	size_t need = (size + ALIGN - 1) & ~(size_t)(ALIGN - 1);
	if (need < size)
		abort();
	block *b = a->head;
	if (b->size - b->used < need) {
		size_t bsize = b->size * 2;
		while (bsize < need)
			bsize *= 2;
		b = block_new(bsize);
		b->next = a->head;
		a->head = b;
	}
	void *p = b->data + b->used;
	b->used += need;
	memset(p, 0, size);
	return p;
}

char *vd_arena_strndup(vd_arena *a, const char *s, size_t len)
{
	char *p = vd_arena_alloc(a, len + 1);
	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

char *vd_arena_strdup(vd_arena *a, const char *s)
{
	return vd_arena_strndup(a, s, strlen(s));
}

char *vd_arena_printf(vd_arena *a, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		abort();
	char *p = vd_arena_alloc(a, (size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}

static void *pb_alloc(void *data, size_t size)
{
	return vd_arena_alloc(data, size);
}

static void pb_free(void *data, void *ptr)
{
	(void)data, (void)ptr;
}

void vd_arena_protobuf(vd_arena *a, ProtobufCAllocator *out)
{
	out->alloc = pb_alloc;
	out->free = pb_free;
	out->allocator_data = a;
}
