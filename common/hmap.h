/* hmap.h — a string-keyed hash map (open addressing, linear probing). Keys are copied
 * into the map; values are opaque pointers the caller owns. */
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
void *hmap_get(const struct hmap *m, const char *key, size_t len);
/* Returns the address of key's value slot, inserting key (value NULL) when absent; NULL
 * when memory runs out. */
void **hmap_put(struct hmap *m, const char *key, size_t len);
/* Iterates: start with *pos = 0; returns 0 at the end. */
int hmap_next(const struct hmap *m, size_t *pos, const char **key, void **value);

#endif
