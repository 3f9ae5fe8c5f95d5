/* arena.h - a per-call memory arena: everything a call decodes, reads from
 * Postgres and encodes is allocated here and freed in one go when the call
 * ends. Allocation failure aborts: a registry that half-answers is worse
 * than one that restarts. */
#ifndef VOLUMED_ARENA_H
#define VOLUMED_ARENA_H

#include <stddef.h>

#include <protobuf-c/protobuf-c.h>

typedef struct vd_arena vd_arena;

/* A new, empty arena. Never NULL. */
vd_arena *vd_arena_new(void);
/* Frees every allocation of the arena and the arena itself. NULL is fine. */
void vd_arena_free(vd_arena *a);
/* Forgets every allocation but keeps the first block, for reuse. */
void vd_arena_reset(vd_arena *a);

/* Zeroed memory, aligned for any type, owned by the arena. */
void *vd_arena_alloc(vd_arena *a, size_t size);
/* A copy of the first len bytes of s, NUL-terminated, owned by the arena. */
char *vd_arena_strndup(vd_arena *a, const char *s, size_t len);
char *vd_arena_strdup(vd_arena *a, const char *s);
/* printf into the arena. */
char *vd_arena_printf(vd_arena *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* A protobuf-c allocator that allocates from the arena and never frees, so
 * unpacked messages die with the arena. */
void vd_arena_protobuf(vd_arena *a, ProtobufCAllocator *out);

#endif
