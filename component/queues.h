/*
 * queues.h: the waiting visitors, per office and language, in order.
 *
 * Each queue is an ordered set (oset.h) of the conversations waiting in
 * one office and language whose room is ready and whose visitor is in
 * it, oldest first; a conversation asking for a transfer is in the
 * transfers set instead. queues_place() (the registry's watcher) moves a
 * conversation to where its fields say, in O(log n). A queue whose
 * members moved is marked, and queues_tell() tells its visitors their
 * new position and expected wait, once a second at most and O(1) each.
 * Part of routing; loop thread only.
 */
#ifndef ACCUEIL_QUEUES_H
#define ACCUEIL_QUEUES_H

#include <stddef.h>
#include <stdint.h>

struct app;
struct conv;
struct onode;
struct queue;

/* Routing's state of one conversation (cv->routing). */
struct rstate {
	int64_t first_offer;	/* 0: no offer yet */
	int wave_done;		/* the last wave offered */
	int told_pos;
	long told_wait_min;
	struct queue *q;	/* NULL: in no queue */
	struct onode *node;	/* in q, or in the transfers set */
	int transfer;		/* 1: node is in the transfers set */
};

/* cv's state, made when first asked for. */
struct rstate *queues_state(struct conv *cv);

/* Frees cv's state, out of its queue first. */
void queues_drop(struct conv *cv);

/* Puts cv in the queue (or the transfers set) its fields say, or none. */
void queues_place(struct conv *cv);

/* The conversation at place i (from 0) of q, or NULL; cv's place. */
struct conv *queue_at(const struct queue *q, size_t i);
size_t queue_rank(struct conv *cv);
const char *queue_office(const struct queue *q);
const char *queue_lang(const struct queue *q);
size_t queue_length(const struct queue *q);

/* Every queue made so far, empty ones too (borrowed; a queue lives
 * until queues_free_all, so the pointers stay valid). */
struct queue **queues_all(size_t *n);

/* The transfers in order (a new array the caller frees). */
struct conv **queues_transfers(size_t *n);

/* Every queue's visitors may have a new expected wait. */
void queues_touch_all(void);

/* Tells the visitors of marked queues where they stand. */
void queues_tell(struct app *app);

/* Frees every queue (at exit; the conversations stay). */
void queues_free_all(void);

#endif
