/*
 * test_oset.c: the ordered set (oset.c) against a sorted array, and the
 * counsellor index (cindex.c): pools by load and by turn, able or not,
 * touched and synced.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "component/cindex.h"
#include "component/oset.h"
#include "tap.h"

static int
cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

/* 1 if s holds exactly v[0..n) in order, with right ranks and at(). */
static int
same(const struct oset *s, const int *v, size_t n)
{
	struct onode *x = oset_first(s);
	size_t i = 0;

	if (oset_size(s) != n)
		return 0;
	for (; x; x = oset_next(x), i++) {
		if (i >= n || *(int *)x->item != v[i] || oset_rank(x) != i ||
		    oset_at(s, i) != x)
			return 0;
	}
	return i == n && oset_at(s, n) == NULL;
}

static void
test_oset(void)
{
	enum { N = 2000 };
	static int items[N], sorted[N];
	static struct onode *nodes[N];
	struct oset s;
	size_t i, n = 0, k;
	int key, good = 1;
	unsigned seed = 7;

	oset_init(&s, cmp_int);
	ok(oset_first(&s) == NULL && oset_size(&s) == 0, "an empty set");
	for (i = 0; i < N; i++) {
		seed = seed * 1103515245u + 12345u;
		items[i] = (int)(seed >> 16) % 500;	/* duplicates too */
		nodes[i] = oset_insert(&s, &items[i]);
	}
	memcpy(sorted, items, sizeof(sorted));
	qsort(sorted, N, sizeof(int), cmp_int);
	ok(same(&s, sorted, N), "%d inserts in random order come out sorted "
	    "with their ranks", N);
	key = 250;
	for (k = 0; k < N && sorted[k] < key; k++)
		;
	ok(oset_lower_bound(&s, &key) && oset_rank(oset_lower_bound(&s,
	    &key)) == k, "lower bound of 250 is the first not below it");
	key = 1000;
	ok(oset_lower_bound(&s, &key) == NULL, "lower bound past the end");
	/* remove every other one, check at each step now and then */
	for (i = 0; i < N; i += 2) {
		oset_remove(&s, nodes[i]);
		nodes[i] = NULL;
	}
	for (i = 1; i < N; i += 2)
		sorted[n++] = items[i];
	qsort(sorted, n, sizeof(int), cmp_int);
	ok(same(&s, sorted, n), "half removed: the rest in order");
	for (i = 1; i < N; i += 2) {
		oset_remove(&s, nodes[i]);
		if (i % 401 == 1 && oset_size(&s) != (N - i) / 2 - 0)
			good = 0;
	}
	ok(good && oset_size(&s) == 0 && oset_first(&s) == NULL,
	    "all removed: empty again");
	for (i = 0; i < 10; i++)
		oset_insert(&s, &items[i]);
	oset_clear(&s);
	ok(oset_size(&s) == 0, "cleared");
}

/* The probe: loads and availability from these arrays. */
static const char *jids[] = {"a@x", "b@x", "c@x", "d@x"};
static int loads[4], ables[4] = {1, 1, 1, 1};
static int64_t takens[4];

static int
probe(const char *jid, int *load, int64_t *taken_at, void *ud)
{
	int i;

	(void)ud;
	for (i = 0; i < 4; i++)
		if (strcmp(jid, jids[i]) == 0) {
			*load = loads[i];
			*taken_at = takens[i];
			return ables[i];
		}
	return 0;
}

static int
skip_b(const char *jid, void *ud)
{
	(void)ud;
	return strcmp(jid, "b@x") == 0;
}

static void
test_cindex(void)
{
	const char *fr[] = {"fr"}, *fren[] = {"fr", "en"}, *o[] = {"ot"};
	const char *out[4];
	size_t n;

	cidx_add("a@x", 0, o, 1, fr, 1);
	cidx_add("b@x", 1, o, 1, fren, 2);
	cidx_add("c@x", 2, o, 1, fr, 1);
	cidx_add("d@x", 3, o, 1, fren, 2);
	ok(cidx_able("ot", "fr") == 0, "nobody able before a sync");
	cidx_sync(probe, NULL, 0);
	ok(cidx_able("ot", "fr") == 4 && cidx_able("ot", "en") == 2 &&
	    cidx_able_total() == 4, "synced: 4 speak fr, 2 en");
	loads[0] = 2;
	loads[1] = 1;
	takens[2] = 100;
	takens[3] = 50;
	cidx_touch("a@x");
	cidx_touch("b@x");
	cidx_touch("c@x");
	cidx_touch("d@x");
	cidx_sync(probe, NULL, 0);
	n = cidx_pick("ot", "fr", CIDX_BY_LOAD, NULL, NULL, NULL, out, 4);
	ok(n == 4 && !strcmp(out[0], "d@x") && !strcmp(out[1], "c@x") &&
	    !strcmp(out[2], "b@x") && !strcmp(out[3], "a@x"),
	    "by load: least busy, then longest idle (d, c, b, a)");
	n = cidx_pick("ot", "fr", CIDX_BY_LOAD, NULL, skip_b, NULL, out, 2);
	ok(n == 2 && !strcmp(out[0], "d@x") && !strcmp(out[1], "c@x"),
	    "a pick of 2 stops at 2");
	n = cidx_pick("ot", "fr", CIDX_BY_TURN, "b@x", NULL, NULL, out, 4);
	ok(n == 4 && !strcmp(out[0], "c@x") && !strcmp(out[3], "b@x"),
	    "by turn after b: c, d, a, b");
	n = cidx_pick("ot", "en", CIDX_BY_TURN, "d@x", skip_b, NULL, out, 4);
	ok(n == 1 && !strcmp(out[0], "d@x"), "turn wraps and skips");
	ables[3] = 0;
	cidx_touch("d@x");
	cidx_sync(probe, NULL, 0);
	ok(cidx_able("ot", "en") == 1 && cidx_able_total() == 3,
	    "d unable: out of both its pools");
	n = cidx_pick("ot", "fr", CIDX_BY_LOAD, NULL, NULL, NULL, out, 4);
	ok(n == 3 && !strcmp(out[0], "c@x"), "picks never offer d now");
	ables[3] = 1;
	loads[3] = 5;
	cidx_sync(probe, NULL, 1);
	n = cidx_pick("ot", "fr", CIDX_BY_LOAD, NULL, NULL, NULL, out, 4);
	ok(n == 4 && !strcmp(out[3], "d@x"), "a full sync sees d back, "
	    "busiest last");
	ok(cidx_pick("ot", "de", CIDX_BY_LOAD, NULL, NULL, NULL, out, 4) == 0 &&
	    cidx_pick("xx", "fr", CIDX_BY_TURN, NULL, NULL, NULL, out, 4) == 0,
	    "no pool: nobody");
	ok(cidx_known("A@X") && !cidx_known("z@x"), "JIDs fold case");
	cidx_clear();
	ok(cidx_able_total() == 0 && !cidx_known("a@x"), "cleared");
}

int
main(void)
{
	test_oset();
	test_cindex();
	return tap_done();
}
