/* arena.h — bump allocator for many small objects freed together (strings of a profile,
 * the parts of one decoded protobuf message). arena_reset keeps the largest block so a
 * loop that resets per item allocates nothing in the steady state. */
#ifndef ESC_ARENA_H
#define ESC_ARENA_H

#include <stddef.h>

struct arena_block;

struct arena {
	struct arena_block *head;
	size_t block_size;
};

void arena_init(struct arena *a, size_t block_size);
/* Returns n bytes aligned to 16, or NULL when memory runs out. */
void *arena_alloc(struct arena *a, size_t n);
/* Copies n bytes of s and a NUL; NULL when memory runs out. */
char *arena_strndup(struct arena *a, const char *s, size_t n);
/* Frees every object; keeps one block for reuse. */
void arena_reset(struct arena *a);
void arena_release(struct arena *a);

#endif
