/* hmap.h — a hash map with binary keys (pointer + length: strings, integers, structs
 * without padding, concatenations), open addressing with linear probing. Keys are copied
 * into the map, NUL-terminated so string keys read back as C strings; values are opaque
 * pointers the caller owns. */
#ifndef ESC_HMAP_H
#define ESC_HMAP_H

#include <stddef.h>

struct hmap_slot;

struct hmap {
	struct hmap_slot *slots;
	size_t cap, len;
};

void hmap_init(struct hmap *m);
/* Frees the keys and the table, not the values. */
void hmap_release(struct hmap *m);
/* The value stored under key (len bytes), or NULL. */
void *hmap_get(const struct hmap *m, const void *key, size_t len);
/* Returns the address of key's value slot, inserting a copy of key (value NULL) when
 * absent; NULL when memory runs out. */
void **hmap_put(struct hmap *m, const void *key, size_t len);
/* Iterates in slot order: start with *pos = 0; returns 0 at the end. *key is the map's
 * NUL-terminated copy (valid until the map changes). */
int hmap_next(const struct hmap *m, size_t *pos, const char **key, void **value);

#endif
