/*
 * routing.c: the built-in routing strategies, as plugins.
 *
 *   ring-group   offer-size counsellors at once (the seeds: "alert two
 *                people"), least busy first, then the longest idle;
 *   least-busy   one at a time, least busy first, then the longest idle;
 *   round-robin  one at a time, taking turns in configuration order.
 *
 * An office picks one with routing="..." (ring-group by default). They
 * see only what the host gives them (struct accueil_candidate).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "component/plugin.h"

static int
by_load_then_idle(const void *a, const void *b)
{
	const struct accueil_candidate *x = a, *y = b;

	if (x->load != y->load)
		return x->load - y->load;
	if (x->idle != y->idle)
		return x->idle > y->idle ? -1 : 1;
	return x->rank - y->rank;
}

static int
ring_group_order(void *state, const char *office, int offer_size,
    struct accueil_candidate *c, size_t n)
{
	if (n > 1)
		qsort(c, n, sizeof(*c), by_load_then_idle);
	return offer_size;
}

static int
least_busy_order(void *state, const char *office, int offer_size,
    struct accueil_candidate *c, size_t n)
{
	if (n > 1)
		qsort(c, n, sizeof(*c), by_load_then_idle);
	return 1;
}

/* Round robin: per office, the rank of the last counsellor offered. */
struct rr_entry {
	char *office;
	char *jid;
};

struct rr_state {
	struct rr_entry *v;
	size_t n;
};

static int
rr_init(const struct accueil_host *host, const void *opts, void **state)
{
	*state = calloc(1, sizeof(struct rr_state));
	return *state ? 0 : -1;
}

static void
rr_fini(void *state)
{
	struct rr_state *rr = state;
	size_t i;

	if (rr == NULL)
		return;
	for (i = 0; i < rr->n; i++) {
		free(rr->v[i].office);
		free(rr->v[i].jid);
	}
	free(rr->v);
	free(rr);
}

static const char *
rr_last(struct rr_state *rr, const char *office)
{
	size_t i;

	for (i = 0; rr && i < rr->n; i++)
		if (strcmp(rr->v[i].office, office) == 0)
			return rr->v[i].jid;
	return NULL;
}

static int
by_rank(const void *a, const void *b)
{
	return ((const struct accueil_candidate *)a)->rank -
	    ((const struct accueil_candidate *)b)->rank;
}

static int
round_robin_order(void *state, const char *office, int offer_size,
    struct accueil_candidate *c, size_t n)
{
	const char *last = rr_last(state, office);
	struct accueil_candidate *tmp;
	size_t i, start = 0;

	if (n < 2)
		return 1;
	qsort(c, n, sizeof(*c), by_rank);
	/* start after the last one offered, wrapping around */
	for (i = 0; last && i < n; i++)
		if (strcmp(c[i].jid, last) == 0)
			start = i + 1;
	if (start == 0 || start >= n || (tmp = malloc(n * sizeof(*c))) ==
	    NULL)
		return 1;
	for (i = 0; i < n; i++)
		tmp[i] = c[(start + i) % n];
	memcpy(c, tmp, n * sizeof(*c));
	free(tmp);
	return 1;
}

static void
round_robin_offered(void *state, const char *office, const char *jid)
{
	struct rr_state *rr = state;
	struct rr_entry *v;
	char *o, *j;
	size_t i;

	if (rr == NULL)
		return;
	for (i = 0; i < rr->n; i++)
		if (strcmp(rr->v[i].office, office) == 0) {
			if ((j = strdup(jid)) == NULL)
				return;
			free(rr->v[i].jid);
			rr->v[i].jid = j;
			return;
		}
	o = strdup(office);
	j = strdup(jid);
	v = realloc(rr->v, (rr->n + 1) * sizeof(*v));
	if (o == NULL || j == NULL || v == NULL) {
		free(o);
		free(j);
		if (v)
			rr->v = v;
		return;
	}
	rr->v = v;
	rr->v[rr->n].office = o;
	rr->v[rr->n].jid = j;
	rr->n++;
}

static const struct accueil_routing_ops ring_group_ops = {
	.order = ring_group_order,
};
static const struct accueil_routing_ops least_busy_ops = {
	.order = least_busy_order,
};
static const struct accueil_routing_ops round_robin_ops = {
	.order = round_robin_order,
	.offered = round_robin_offered,
};

const struct accueil_plugin accueil_plugin_ring_group = {
	.name = "ring-group",
	.abi = ACCUEIL_PLUGIN_ABI,
	.kind = ACCUEIL_PLUGIN_ROUTING,
	.doc = "offer-size counsellors at once, least busy then longest idle",
	.ops.routing = &ring_group_ops,
};

const struct accueil_plugin accueil_plugin_least_busy = {
	.name = "least-busy",
	.abi = ACCUEIL_PLUGIN_ABI,
	.kind = ACCUEIL_PLUGIN_ROUTING,
	.doc = "one at a time, least busy then longest idle",
	.ops.routing = &least_busy_ops,
};

const struct accueil_plugin accueil_plugin_round_robin = {
	.name = "round-robin",
	.abi = ACCUEIL_PLUGIN_ABI,
	.kind = ACCUEIL_PLUGIN_ROUTING,
	.doc = "one at a time, in turn",
	.init = rr_init,
	.fini = rr_fini,
	.ops.routing = &round_robin_ops,
};
