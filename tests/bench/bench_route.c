/*
 * bench_route.c: the cost of one routing decision as queues and teams
 * grow, on the structures accueild decides with (queues of oset.c,
 * pools of cindex.c), with no XMPP and no SQL in the way.
 *
 *   tests/bench/bench_route [iterations [waiting counsellors]]
 *
 * With a size given, only that one (for valgrind --tool=callgrind:
 * instructions per decision are the difference of two iteration counts
 * divided by their difference).
 * For each size (waiting visitors Q, counsellors C, max-chats 3), one
 * decision is what dispatch() does when a counsellor frees up: the
 * oldest waiting visitor (the queue's head), the best able counsellor
 * not yet offered it (a pick), the offer and the take (the counsellor's
 * load moves: a touch and a sync), the visitor out of the queue; then a
 * new visitor arrives at the tail and a random chat ends, so Q and the
 * load stay steady. With ROUTE_JSON set, the means also go there as JSON
 * (tests/bench/run, summary.py). Prints nanoseconds per decision (mean, p50, p99 of
 * batches) and per pick alone, and the growth from the smallest size.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "component/cindex.h"
#include "component/map.h"
#include "component/oset.h"

#define MAX_CHATS 3
#define BATCH 256

struct visitor {
	int64_t created;
	int64_t seq;
	int offered;		/* index of the counsellor offered, or -1 */
};

static int *loads;
static char **jids;
static struct map by_jid;
static int ncounsellors;

static int
by_arrival(const void *a, const void *b)
{
	const struct visitor *x = a, *y = b;

	if (x->created != y->created)
		return x->created < y->created ? -1 : 1;
	return (x->seq > y->seq) - (x->seq < y->seq);
}

static int
probe(const char *jid, int *load, int64_t *taken_at, void *ud)
{
	long i = map_count(&by_jid, jid) - 1;

	(void)ud;
	if (i < 0)
		return 0;
	*load = loads[i];
	*taken_at = 0;
	return loads[i] < MAX_CHATS;
}

static int
skip_offered(const char *jid, void *ud)
{
	const struct visitor *v = ud;

	return v->offered >= 0 && strcmp(jids[v->offered], jid) == 0;
}

static double
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

struct result {
	double mean, p50, p99, pick;
};

static struct result
run(int q, int c, int iterations)
{
	const char *office[] = {"ot"}, *langs[] = {"fr"};
	struct visitor *v = calloc((size_t)q + (size_t)iterations + 1, sizeof(*v));
	struct oset queue;
	struct onode **nodes = calloc((size_t)q + (size_t)iterations + 1,
	    sizeof(*nodes));
	double *batches, t0, pick_ns = 0;
	size_t nb = 0, head = 0, tail = 0;
	struct result r;
	int i, k;
	unsigned seed = 42;
	char buf[64];

	loads = calloc((size_t)c, sizeof(*loads));
	jids = calloc((size_t)c, sizeof(*jids));
	ncounsellors = c;
	for (i = 0; i < c; i++) {
		snprintf(buf, sizeof(buf), "counsellor%d@office.example", i);
		jids[i] = strdup(buf);
		map_add(&by_jid, jids[i], i + 1);
		/* two chats each: room for one more, as at a busy desk */
		loads[i] = MAX_CHATS - 1;
		cidx_add(jids[i], i, office, 1, langs, 1);
	}
	cidx_sync(probe, NULL, 1);
	oset_init(&queue, by_arrival);
	for (tail = 0; tail < (size_t)q; tail++) {
		v[tail].created = (int64_t)tail;
		v[tail].seq = (int64_t)tail;
		v[tail].offered = -1;
		nodes[tail] = oset_insert(&queue, &v[tail]);
	}
	batches = calloc((size_t)iterations / BATCH + 1, sizeof(*batches));
	t0 = now_ns();
	for (k = 0; k < iterations; k++) {
		struct visitor *h = oset_first(&queue)->item;
		const char *best;
		double p0 = 0;
		long who;

		if (k % 64 == 0)
			p0 = now_ns();
		if (cidx_pick("ot", "fr", CIDX_BY_LOAD, NULL, skip_offered, h,
		    &best, 1) != 1) {
			fprintf(stderr, "bench_route: nobody able at %d\n", k);
			exit(1);
		}
		if (k % 64 == 0)
			pick_ns += now_ns() - p0;
		who = map_count(&by_jid, best) - 1;
		/* the offer, then the take: the load moves once */
		h->offered = (int)who;
		loads[who]++;
		cidx_touch(best);
		cidx_sync(probe, NULL, 0);
		oset_remove(&queue, nodes[head]);
		head++;
		/* a new visitor at the tail, a chat somewhere ends */
		v[tail].created = (int64_t)tail;
		v[tail].seq = (int64_t)tail;
		v[tail].offered = -1;
		nodes[tail] = oset_insert(&queue, &v[tail]);
		tail++;
		do {
			seed = seed * 1103515245u + 12345u;
			who = (long)((seed >> 8) % (unsigned)c);
		} while (loads[who] == 0);
		loads[who]--;
		cidx_touch(jids[who]);
		cidx_sync(probe, NULL, 0);
		if ((k + 1) % BATCH == 0) {
			double t1 = now_ns();

			batches[nb++] = (t1 - t0) / BATCH;
			t0 = t1;
		}
	}
	qsort(batches, nb, sizeof(*batches), cmp_double);
	r.mean = 0;
	for (size_t b = 0; b < nb; b++)
		r.mean += batches[b];
	r.mean /= (double)nb;
	r.p50 = batches[nb / 2];
	r.p99 = batches[(nb * 99) / 100 < nb ? (nb * 99) / 100 : nb - 1];
	r.pick = pick_ns / ((iterations + 63) / 64);
	oset_clear(&queue);
	cidx_clear();
	map_free(&by_jid);
	for (i = 0; i < c; i++)
		free(jids[i]);
	free(jids);
	free(loads);
	free(nodes);
	free(v);
	free(batches);
	return r;
}

int
main(int argc, char **argv)
{
	static const int qs[] = {100, 1000, 10000, 100000};
	static const int cs[] = {10, 100, 1000};
	int iterations = argc > 1 ? atoi(argv[1]) : 200000;
	double base = 0, t_start = now_ns();
	const char *json = getenv("ROUTE_JSON");
	FILE *jf = NULL;
	size_t i, j;

	if (iterations < BATCH * 4)
		iterations = BATCH * 4;
	if (argc > 3) {
		struct result r = run(atoi(argv[2]), atoi(argv[3]), iterations);

		printf("%s waiting, %s counsellors: %.0f ns per decision\n",
		    argv[2], argv[3], r.mean);
		return 0;
	}
	if (json && (jf = fopen(json, "w")) != NULL)
		fprintf(jf, "{\"name\": \"route\", \"quick\": %s, "
		    "\"figures\": {", iterations < 200000 ? "true" : "false");
	printf("routing decision (head of queue + pick + offer/take + "
	    "arrival/end), %d decisions per size, ns\n", iterations);
	printf("%9s %11s %10s %10s %10s %10s %8s\n", "waiting", "counsellors",
	    "mean", "p50", "p99", "pick", "growth");
	for (i = 0; i < sizeof(qs) / sizeof(qs[0]); i++)
		for (j = 0; j < sizeof(cs) / sizeof(cs[0]); j++) {
			struct result r = run(qs[i], cs[j], iterations);

			if (base == 0)
				base = r.mean;
			printf("%9d %11d %10.0f %10.0f %10.0f %10.0f %7.2fx\n",
			    qs[i], cs[j], r.mean, r.p50, r.p99, r.pick,
			    r.mean / base);
			if (jf)
				fprintf(jf, "%s\"%dx%d.ns_per_decision\": %.1f",
				    i + j ? ", " : "", qs[i], cs[j], r.mean);
			fflush(stdout);
		}
	if (jf) {
		fprintf(jf, "}, \"seconds\": %.1f}\n",
		    (now_ns() - t_start) / 1e9);
		fclose(jf);
	}
	return 0;
}
