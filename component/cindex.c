/*
 * cindex.c: the pools behind cindex.h. Entries are found by JID in a
 * map; each remembers its nodes in the pools it belongs to, so moving
 * it (a load change) is a remove and an insert per pool.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cindex.h"
#include "map.h"
#include "oset.h"
#include "util.h"

struct pool {
	struct oset by_load, by_rank;
};

struct entry {
	char *jid;
	int rank, load, able, dirty;
	int64_t taken_at;
	struct pool **pools;
	struct onode **nload, **nrank;	/* per pool, NULL when not in it */
	size_t npools;
};

static struct map entries = {.fold = 1};	/* jid -> struct entry */
static struct map pools = {.fold = 1};		/* "office\nlang" -> pool */
static struct entry **all;
static size_t nall;
static struct entry **dirty;
static size_t ndirty;
static size_t nable;

static int
by_load(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;

	if (x->load != y->load)
		return x->load < y->load ? -1 : 1;
	if (x->taken_at != y->taken_at)
		return x->taken_at < y->taken_at ? -1 : 1;
	return (x->rank > y->rank) - (x->rank < y->rank);
}

static int
by_rank(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;

	return (x->rank > y->rank) - (x->rank < y->rank);
}

static void
free_pool(const char *k, void *v, long n, void *ud)
{
	struct pool *p = v;

	(void)k;
	(void)n;
	(void)ud;
	oset_clear(&p->by_load);
	oset_clear(&p->by_rank);
	free(p);
}

void
cidx_clear(void)
{
	size_t i;

	map_foreach(&pools, free_pool, NULL);
	map_free(&pools);
	map_free(&entries);
	for (i = 0; i < nall; i++) {
		free(all[i]->jid);
		free(all[i]->pools);
		free(all[i]->nload);
		free(all[i]->nrank);
		free(all[i]);
	}
	free(all);
	free(dirty);
	all = dirty = NULL;
	nall = ndirty = nable = 0;
}

static struct pool *
pool_get(const char *office, const char *lang, int create)
{
	char *k = xasprintf("%s\n%s", office, lang);
	struct pool *p = map_get(&pools, k);

	if (p == NULL && create) {
		p = xcalloc(1, sizeof(*p));
		oset_init(&p->by_load, by_load);
		oset_init(&p->by_rank, by_rank);
		map_set(&pools, k, p);
	}
	free(k);
	return p;
}

void
cidx_add(const char *jid, int rank, const char *const *offices,
    size_t noffices, const char *const *langs, size_t nlangs)
{
	struct entry *e = map_get(&entries, jid);
	size_t i, k;

	if (e == NULL) {
		e = xcalloc(1, sizeof(*e));
		e->jid = xstrdup(jid);
		e->rank = rank;
		map_set(&entries, jid, e);
		all = xreallocarray(all, nall + 1, sizeof(*all));
		all[nall++] = e;
	}
	for (i = 0; i < noffices; i++)
		for (k = 0; k < nlangs; k++) {
			struct pool *p = pool_get(offices[i], langs[k], 1);
			size_t j;

			for (j = 0; j < e->npools && e->pools[j] != p; j++)
				;
			if (j < e->npools)
				continue;
			e->pools = xreallocarray(e->pools, e->npools + 1,
			    sizeof(*e->pools));
			e->nload = xreallocarray(e->nload, e->npools + 1,
			    sizeof(*e->nload));
			e->nrank = xreallocarray(e->nrank, e->npools + 1,
			    sizeof(*e->nrank));
			e->pools[e->npools] = p;
			e->nload[e->npools] = e->nrank[e->npools] = NULL;
			e->npools++;
		}
	cidx_touch(jid);
}

void
cidx_touch(const char *jid)
{
	struct entry *e = jid ? map_get(&entries, jid) : NULL;

	if (e == NULL || e->dirty)
		return;
	e->dirty = 1;
	dirty = xreallocarray(dirty, ndirty + 1, sizeof(*dirty));
	dirty[ndirty++] = e;
}

void
cidx_touch_all(void)
{
	size_t i;

	for (i = 0; i < nall; i++)
		cidx_touch(all[i]->jid);
}

/* Takes e out of its pools (its key is about to change). */
static void
unlink_entry(struct entry *e)
{
	size_t i;

	for (i = 0; i < e->npools; i++) {
		if (e->nload[i])
			oset_remove(&e->pools[i]->by_load, e->nload[i]);
		if (e->nrank[i])
			oset_remove(&e->pools[i]->by_rank, e->nrank[i]);
		e->nload[i] = e->nrank[i] = NULL;
	}
}

static void
resync(struct entry *e, cidx_probe probe, void *ud)
{
	int load = 0, able;
	int64_t taken_at = 0;
	size_t i;

	e->dirty = 0;
	able = probe(e->jid, &load, &taken_at, ud) ? 1 : 0;
	if (able == e->able && (!able || (load == e->load &&
	    taken_at == e->taken_at)))
		return;
	if (e->able)
		unlink_entry(e);
	nable += able - e->able;
	e->able = able;
	e->load = load;
	e->taken_at = taken_at;
	if (!able)
		return;
	for (i = 0; i < e->npools; i++) {
		e->nload[i] = oset_insert(&e->pools[i]->by_load, e);
		e->nrank[i] = oset_insert(&e->pools[i]->by_rank, e);
	}
}

void
cidx_sync(cidx_probe probe, void *ud, int all_of_them)
{
	size_t i, n;

	if (all_of_them) {
		for (i = 0; i < nall; i++)
			resync(all[i], probe, ud);
		ndirty = 0;
		return;
	}
	/* a probe may touch again: only what was touched before it */
	n = ndirty;
	for (i = 0; i < n; i++)
		if (dirty[i]->dirty)
			resync(dirty[i], probe, ud);
	memmove(dirty, dirty + n, (ndirty - n) * sizeof(*dirty));
	ndirty -= n;
}

size_t
cidx_pick(const char *office, const char *lang, enum cidx_order order,
    const char *after, int (*skip)(const char *, void *), void *ud,
    const char **out, size_t nout)
{
	struct pool *p = pool_get(office, lang, 0);
	struct onode *start, *n;
	struct oset *s;
	size_t k = 0;

	if (p == NULL || nout == 0)
		return 0;
	s = order == CIDX_BY_TURN ? &p->by_rank : &p->by_load;
	start = oset_first(s);
	if (order == CIDX_BY_TURN && after) {
		struct entry *last = map_get(&entries, after), key;

		if (last) {
			key = *last;
			key.rank = last->rank + 1;
			if ((start = oset_lower_bound(s, &key)) == NULL)
				start = oset_first(s);
		}
	}
	n = start;
	while (n && k < nout) {
		struct entry *e = n->item;

		if (skip == NULL || !skip(e->jid, ud))
			out[k++] = e->jid;
		/* round robin wraps around to the first */
		if ((n = oset_next(n)) == NULL && order == CIDX_BY_TURN)
			n = oset_first(s);
		if (n == start)
			break;
	}
	return k;
}

size_t
cidx_able(const char *office, const char *lang)
{
	struct pool *p = pool_get(office, lang, 0);

	return p ? oset_size(&p->by_load) : 0;
}

size_t
cidx_able_total(void)
{
	return nable;
}

int
cidx_known(const char *jid)
{
	return map_get(&entries, jid) != NULL;
}
