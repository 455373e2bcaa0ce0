/*
 * oset.c: the treap behind oset.h. Each node has a random priority; the
 * tree is a binary search tree on the items and a heap on the
 * priorities, which keeps its depth O(log n) expected whatever the
 * order of the inserts. Subtree sizes give ranks.
 */
#include "config.h"

#include <stdlib.h>

#include "oset.h"
#include "util.h"

static unsigned
next_prio(void)
{
	static unsigned x = 2463534242u;

	/* xorshift32: priorities need only be spread, not secret */
	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return x;
}

static size_t
sz(const struct onode *n)
{
	return n ? n->size : 0;
}

static void
fix(struct onode *n)
{
	n->size = 1 + sz(n->l) + sz(n->r);
}

void
oset_init(struct oset *s, int (*cmp)(const void *, const void *))
{
	s->root = NULL;
	s->cmp = cmp;
}

/* Replaces child old of parent p (or the root) by new. */
static void
relink(struct oset *s, struct onode *p, struct onode *old, struct onode *new)
{
	if (new)
		new->p = p;
	if (p == NULL)
		s->root = new;
	else if (p->l == old)
		p->l = new;
	else
		p->r = new;
}

/* Lifts n above its parent. */
static void
rotate_up(struct oset *s, struct onode *n)
{
	struct onode *p = n->p, *g = p->p;

	if (p->l == n) {
		p->l = n->r;
		if (n->r)
			n->r->p = p;
		n->r = p;
	} else {
		p->r = n->l;
		if (n->l)
			n->l->p = p;
		n->l = p;
	}
	relink(s, g, p, n);
	p->p = n;
	fix(p);
	fix(n);
}

struct onode *
oset_insert(struct oset *s, void *item)
{
	struct onode *n = xcalloc(1, sizeof(*n)), *p = NULL, **at = &s->root;

	n->item = item;
	n->prio = next_prio();
	n->size = 1;
	while (*at) {
		p = *at;
		p->size++;
		at = s->cmp(item, p->item) < 0 ? &p->l : &p->r;
	}
	*at = n;
	n->p = p;
	while (n->p && n->p->prio < n->prio)
		rotate_up(s, n);
	return n;
}

void
oset_remove(struct oset *s, struct onode *n)
{
	struct onode *p;

	/* sink n to a leaf, lifting its higher-priority child each time */
	while (n->l || n->r) {
		struct onode *c = n->l == NULL ? n->r : n->r == NULL ? n->l :
		    n->l->prio > n->r->prio ? n->l : n->r;

		rotate_up(s, c);
	}
	relink(s, n->p, n, NULL);
	for (p = n->p; p; p = p->p)
		p->size--;
	free(n);
}

size_t
oset_size(const struct oset *s)
{
	return sz(s->root);
}

struct onode *
oset_first(const struct oset *s)
{
	struct onode *n = s->root;

	while (n && n->l)
		n = n->l;
	return n;
}

struct onode *
oset_next(const struct onode *n)
{
	if (n->r) {
		n = n->r;
		while (n->l)
			n = n->l;
		return (struct onode *)n;
	}
	while (n->p && n->p->r == n)
		n = n->p;
	return n->p;
}

struct onode *
oset_lower_bound(const struct oset *s, const void *key)
{
	struct onode *n = s->root, *best = NULL;

	while (n) {
		if (s->cmp(n->item, key) < 0)
			n = n->r;
		else {
			best = n;
			n = n->l;
		}
	}
	return best;
}

size_t
oset_rank(const struct onode *n)
{
	size_t r = sz(n->l);

	for (; n->p; n = n->p)
		if (n->p->r == n)
			r += 1 + sz(n->p->l);
	return r;
}

struct onode *
oset_at(const struct oset *s, size_t i)
{
	struct onode *n = s->root;

	while (n) {
		size_t left = sz(n->l);

		if (i < left)
			n = n->l;
		else if (i == left)
			return n;
		else {
			i -= left + 1;
			n = n->r;
		}
	}
	return NULL;
}

static void
free_tree(struct onode *n)
{
	while (n) {
		struct onode *r = n->r;

		free_tree(n->l);
		free(n);
		n = r;
	}
}

void
oset_clear(struct oset *s)
{
	free_tree(s->root);
	s->root = NULL;
}
