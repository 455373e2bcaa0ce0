/*
 * oset.h: an ordered set (a treap with subtree sizes).
 *
 * Items are the caller's pointers, ordered by the caller's comparison;
 * insert, remove, lower bound and rank cost O(log n) expected, first and
 * next O(log n) at worst and O(1) amortised over a walk. The caller
 * keeps the node insert returned to remove the item later; an item's
 * key must not change while it is in the set (remove, change, insert).
 * No allocation but the node; nothing here logs or fails but xmalloc.
 */
#ifndef ACCUEIL_OSET_H
#define ACCUEIL_OSET_H

#include <stddef.h>

struct onode {
	void *item;
	struct onode *l, *r, *p;
	unsigned prio;
	size_t size;		/* nodes in this subtree */
};

struct oset {
	struct onode *root;
	int (*cmp)(const void *a, const void *b);	/* items */
};

void oset_init(struct oset *s, int (*cmp)(const void *, const void *));

/* Adds item (equal keys go after the ones already there); its node. */
struct onode *oset_insert(struct oset *s, void *item);

/* Takes node n out of s and frees it. */
void oset_remove(struct oset *s, struct onode *n);

size_t oset_size(const struct oset *s);
struct onode *oset_first(const struct oset *s);
struct onode *oset_next(const struct onode *n);

/* The first node whose item is not less than key (compared with cmp). */
struct onode *oset_lower_bound(const struct oset *s, const void *key);

/* Items before n in the set: 0 for the first. */
size_t oset_rank(const struct onode *n);

/* The node at rank i, or NULL. */
struct onode *oset_at(const struct oset *s, size_t i);

/* Frees every node (not the items). */
void oset_clear(struct oset *s);

#endif
