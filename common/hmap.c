/* hmap.c — the table doubles at half load, so probes stay short; keys are NUL-terminated
 * copies so callers can use them as C strings while iterating. */
#include "hmap.h"
#include "digest.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct hmap_slot {
	char *key;
	size_t len;
	uint64_t hash;
	void *value;
};

void hmap_init(struct hmap *m)
{
	m->slots = NULL;
	m->cap = m->len = 0;
}

void hmap_release(struct hmap *m)
{
	size_t i;

	for (i = 0; i < m->cap; i++)
		free(m->slots[i].key);
	free(m->slots);
	hmap_init(m);
}

static struct hmap_slot *find(const struct hmap *m, const void *key, size_t len, uint64_t h)
{
	size_t i;

	for (i = h & (m->cap - 1); m->slots[i].key; i = (i + 1) & (m->cap - 1))
		if (m->slots[i].hash == h && m->slots[i].len == len && !memcmp(m->slots[i].key, key, len))
			return &m->slots[i];
	return &m->slots[i];
}

void *hmap_get(const struct hmap *m, const void *key, size_t len)
{
	struct hmap_slot *s;

	if (!m->cap)
		return NULL;
	s = find(m, key, len, hash64_bytes(key, len));
	return s->key ? s->value : NULL;
}

static int grow(struct hmap *m)
{
	size_t nc = m->cap ? m->cap * 2 : 64, i;
	struct hmap_slot *ns = calloc(nc, sizeof(*ns)), *old = m->slots;
	size_t oc = m->cap;

	if (!ns)
		return -1;
	m->slots = ns;
	m->cap = nc;
	for (i = 0; i < oc; i++)
		if (old[i].key)
			*find(m, old[i].key, old[i].len, old[i].hash) = old[i];
	free(old);
	return 0;
}

void **hmap_put(struct hmap *m, const void *key, size_t len)
{
	struct hmap_slot *s;
	uint64_t h = hash64_bytes(key, len);

	if (2 * (m->len + 1) > m->cap && grow(m))
		return NULL;
	s = find(m, key, len, h);
	if (!s->key) {
		if (!(s->key = malloc(len + 1)))
			return NULL;
		memcpy(s->key, key, len);
		s->key[len] = '\0';
		s->len = len;
		s->hash = h;
		s->value = NULL;
		m->len++;
	}
	return &s->value;
}

int hmap_next(const struct hmap *m, size_t *pos, const char **key, void **value)
{
	while (*pos < m->cap) {
		struct hmap_slot *s = &m->slots[(*pos)++];

		if (s->key) {
			*key = s->key;
			*value = s->value;
			return 1;
		}
	}
	return 0;
}
