/*
 * map.c: the hash map behind map.h (FNV-1a, chained buckets).
 */
#include "config.h"

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "map.h"
#include "util.h"

static uint32_t
hash(const struct map *m, const char *key)
{
	uint32_t h = 2166136261u;

	for (; *key; key++) {
		unsigned char c = (unsigned char)*key;

		h ^= m->fold ? (unsigned char)tolower(c) : c;
		h *= 16777619u;
	}
	return h;
}

static int
same(const struct map *m, const char *a, const char *b)
{
	return m->fold ? strcasecmp(a, b) == 0 : strcmp(a, b) == 0;
}

static struct map_entry **
slot(const struct map *m, const char *key)
{
	struct map_entry **e;

	if (m->nbuckets == 0)
		return NULL;
	e = &m->buckets[hash(m, key) & (m->nbuckets - 1)];
	while (*e && !same(m, (*e)->key, key))
		e = &(*e)->next;
	return e;
}

static void
grow(struct map *m)
{
	size_t n = m->nbuckets ? m->nbuckets * 2 : 16, i;
	struct map_entry **b = xcalloc(n, sizeof(*b));

	for (i = 0; i < m->nbuckets; i++) {
		struct map_entry *e = m->buckets[i], *next;

		for (; e; e = next) {
			uint32_t h = hash(m, e->key) & (uint32_t)(n - 1);

			next = e->next;
			e->next = b[h];
			b[h] = e;
		}
	}
	free(m->buckets);
	m->buckets = b;
	m->nbuckets = n;
}

static struct map_entry *
entry(struct map *m, const char *key)
{
	struct map_entry **e = slot(m, key);

	if (e && *e)
		return *e;
	if (m->n + 1 > m->nbuckets * 3 / 4)
		grow(m);
	e = slot(m, key);
	*e = xcalloc(1, sizeof(**e));
	(*e)->key = xstrdup(key);
	m->n++;
	return *e;
}

void *
map_get(const struct map *m, const char *key)
{
	struct map_entry **e = key ? slot(m, key) : NULL;

	return e && *e ? (*e)->value : NULL;
}

void
map_set(struct map *m, const char *key, void *value)
{
	entry(m, key)->value = value;
}

void *
map_del(struct map *m, const char *key)
{
	struct map_entry **e = key ? slot(m, key) : NULL, *gone;
	void *v;

	if (e == NULL || *e == NULL)
		return NULL;
	gone = *e;
	*e = gone->next;
	v = gone->value;
	free(gone->key);
	free(gone);
	m->n--;
	return v;
}

long
map_add(struct map *m, const char *key, long delta)
{
	struct map_entry *e = entry(m, key);
	long n = e->count += delta;

	if (n <= 0) {
		map_del(m, key);
		return 0;
	}
	e->value = e;	/* present */
	return n;
}

long
map_count(const struct map *m, const char *key)
{
	struct map_entry **e = key ? slot(m, key) : NULL;

	return e && *e ? (*e)->count : 0;
}

void
map_foreach(const struct map *m, void (*fn)(const char *, void *, long,
    void *), void *ud)
{
	size_t i;
	struct map_entry *e;

	for (i = 0; i < m->nbuckets; i++)
		for (e = m->buckets[i]; e; e = e->next)
			fn(e->key, e->value, e->count, ud);
}

void
map_free(struct map *m)
{
	size_t i;

	for (i = 0; i < m->nbuckets; i++) {
		struct map_entry *e = m->buckets[i], *next;

		for (; e; e = next) {
			next = e->next;
			free(e->key);
			free(e);
		}
	}
	free(m->buckets);
	m->buckets = NULL;
	m->nbuckets = m->n = 0;
}
