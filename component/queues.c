/*
 * queues.c: the queues behind queues.h, and what their visitors are told.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "app.h"
#include "conf.h"
#include "conv.h"
#include "map.h"
#include "oset.h"
#include "queues.h"
#include "registry.h"
#include "status.h"
#include "util.h"

struct queue {
	char *office, *lang;
	struct oset set;
	int moved;		/* positions to tell */
};

static struct map by_key = {.fold = 1};	/* "office/lang" -> queue */
static struct queue **queues;
static size_t nqueues;
static struct oset transfers;
static int transfers_ready;

/* Arrival order: when it came, then its row in the store. */
static int
by_arrival(const void *a, const void *b)
{
	const struct conv *x = a, *y = b;

	if (x->created != y->created)
		return x->created < y->created ? -1 : 1;
	return (x->seq > y->seq) - (x->seq < y->seq);
}

struct rstate *
queues_state(struct conv *cv)
{
	if (cv->routing == NULL)
		cv->routing = xcalloc(1, sizeof(struct rstate));
	return cv->routing;
}

static void
unplace(struct rstate *r)
{
	if (r->node == NULL)
		return;
	if (r->transfer)
		oset_remove(&transfers, r->node);
	else {
		oset_remove(&r->q->set, r->node);
		r->q->moved = 1;
	}
	r->node = NULL;
	r->q = NULL;
	r->transfer = 0;
}

void
queues_drop(struct conv *cv)
{
	if (cv->routing == NULL)
		return;
	unplace(cv->routing);
	free(cv->routing);
	cv->routing = NULL;
}

static struct queue *
queue_get(const char *office, const char *lang)
{
	char *k = xasprintf("%s/%s", office, lang);
	struct queue *q = map_get(&by_key, k);

	if (q == NULL) {
		q = xcalloc(1, sizeof(*q));
		q->office = xstrdup(office);
		q->lang = xstrdup(lang);
		oset_init(&q->set, by_arrival);
		map_set(&by_key, k, q);
		queues = xreallocarray(queues, nqueues + 1, sizeof(*queues));
		queues[nqueues++] = q;
	}
	free(k);
	return q;
}

void
queues_place(struct conv *cv)
{
	int ready = !cv->closed && cv->invited && cv->setup_done;
	int transfer = ready && cv->transfer_to != NULL &&
	    (cv->state == CONV_ACTIVE || conv_is_queued(cv));
	int queued = ready && !transfer && conv_is_queued(cv) && cv->lang;
	struct rstate *r;
	struct queue *q;

	if (!transfers_ready) {
		oset_init(&transfers, by_arrival);
		transfers_ready = 1;
	}
	if (cv->routing == NULL && !transfer && !queued)
		return;
	r = queues_state(cv);
	if (transfer) {
		if (!r->transfer) {
			unplace(r);
			r->node = oset_insert(&transfers, cv);
			r->transfer = 1;
		}
		return;
	}
	if (!queued) {
		unplace(r);
		return;
	}
	q = queue_get(cv->office, cv->lang);
	if (r->q == q)
		return;
	unplace(r);
	r->q = q;
	r->node = oset_insert(&q->set, cv);
	q->moved = 1;
}

struct conv *
queue_at(const struct queue *q, size_t i)
{
	struct onode *n = oset_at(&q->set, i);

	return n ? n->item : NULL;
}

size_t
queue_rank(struct conv *cv)
{
	struct rstate *r = cv->routing;

	return r && r->node ? oset_rank(r->node) : 0;
}

const char *
queue_office(const struct queue *q)
{
	return q->office;
}

const char *
queue_lang(const struct queue *q)
{
	return q->lang;
}

size_t
queue_length(const struct queue *q)
{
	return oset_size(&q->set);
}

struct queue **
queues_all(size_t *n)
{
	*n = nqueues;
	return queues;
}

struct conv **
queues_transfers(size_t *n)
{
	struct conv **v;
	struct onode *x;
	size_t k = 0;

	*n = transfers_ready ? oset_size(&transfers) : 0;
	v = xcalloc(*n + 1, sizeof(*v));
	for (x = *n ? oset_first(&transfers) : NULL; x; x = oset_next(x))
		v[k++] = x->item;
	return v;
}

void
queues_touch_all(void)
{
	size_t i;

	for (i = 0; i < nqueues; i++)
		queues[i]->moved = 1;
}

/* What the visitor is told: position and expected wait, when they move. */
static void
tell(struct app *app, struct conv *cv, const struct desk_status *ds,
    long mean_take, int position)
{
	struct rstate *r = queues_state(cv);
	long wait, mins;

	/* told live once the visitor is there (EV_VISITOR_BACK) */
	if (cv->visitors == 0)
		return;
	wait = (long)position * mean_take /
	    (ds->available > 0 ? ds->available : 1);
	mins = (wait + 59) / 60;
	if (position == r->told_pos && mins == r->told_wait_min)
		return;
	/*
	 * First in line with someone free: the greeting already said a
	 * counsellor is coming; otherwise the visitor hears where they
	 * stand, and again when they move up or the wait changes.
	 */
	if ((r->told_pos == 0 && (position > 1 || ds->available == 0)) ||
	    (r->told_pos != 0 && position != r->told_pos) ||
	    mins > r->told_wait_min + 1 || mins + 1 < r->told_wait_min)
		conv_queue_notice(app, cv, position, wait);
	r->told_pos = position;
	r->told_wait_min = mins;
}

void
queues_tell(struct app *app)
{
	size_t i;

	for (i = 0; i < nqueues; i++) {
		struct queue *q = queues[i];
		struct desk_status ds;
		struct onode *n;
		long mean;
		int pos = 0;

		if (!q->moved)
			continue;
		q->moved = 0;
		if (oset_size(&q->set) == 0)
			continue;
		/* the desk once per queue, not once per visitor */
		status_desk(app, q->office, &ds);
		mean = status_mean_take(app, q->office);
		for (n = oset_first(&q->set); n; n = oset_next(n))
			tell(app, n->item, &ds, mean, ++pos);
	}
}

void
queues_free_all(void)
{
	size_t i;

	for (i = 0; i < nqueues; i++) {
		oset_clear(&queues[i]->set);
		free(queues[i]->office);
		free(queues[i]->lang);
		free(queues[i]);
	}
	free(queues);
	queues = NULL;
	nqueues = 0;
	map_free(&by_key);
	if (transfers_ready)
		oset_clear(&transfers);
	transfers_ready = 0;
}
