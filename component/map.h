/*
 * map.h: a string-keyed hash map (chained, grows by doubling).
 *
 * Keys are copied; values are borrowed pointers or integers (a counter
 * map uses map_add()). Lookups are O(1) on average. Keys may be folded
 * to lower case at insertion and lookup (JIDs' bare parts compare
 * case-insensitively). Loop thread only.
 */
#ifndef ACCUEIL_MAP_H
#define ACCUEIL_MAP_H

#include <stddef.h>

struct map_entry {
	char *key;
	void *value;
	long count;
	struct map_entry *next;
};

struct map {
	struct map_entry **buckets;
	size_t nbuckets, n;
	int fold;		/* 1: keys compared in ASCII lower case */
};

/* The value stored for key, or NULL. */
void *map_get(const struct map *m, const char *key);

/* Sets key to value (replacing any). value must not be NULL. */
void map_set(struct map *m, const char *key, void *value);

/* Removes key; returns its value, or NULL if absent. */
void *map_del(struct map *m, const char *key);

/* Counters: adds delta to key's count (dropping it at 0); returns it. */
long map_add(struct map *m, const char *key, long delta);
long map_count(const struct map *m, const char *key);

/* Calls fn for each entry (fn must not change the map). */
void map_foreach(const struct map *m, void (*fn)(const char *key,
    void *value, long count, void *ud), void *ud);

/* Frees the map's entries (not the values). */
void map_free(struct map *m);

#endif
