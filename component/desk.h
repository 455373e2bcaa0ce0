/*
 * desk.h: an office desk's presence (<office>@D).
 *
 * The desk JID tells visitors whether the chat is open (available, with
 * the expected wait), or closed (xa, with the next opening): it answers
 * subscriptions and probes, remembers subscribers in the store, and
 * pushes a new presence when what it shows changes.
 */
#ifndef ACCUEIL_DESK_H
#define ACCUEIL_DESK_H

#include <strophe.h>

struct app;
struct route;

/* Hooks the desks to the core's events. Call once at start. */
void desk_init(void);

/* Router hook: presences and subscriptions to office desks. */
int desk_route(struct app *app, xmpp_stanza_t *st, const struct route *r);

/* Sends every subscriber the current presence of its office. */
void desk_resync(struct app *app);

#define DESK_COALESCE_MS 1000	/* a desk is pushed at most this often */
#define DESK_FLUSH_MS 100	/* period of desk_flush_tick() */

/* Every few seconds: desk_refresh() (opening hours); returns 1. */
int desk_tick(void *app);

/*
 * Something a desk shows may have changed: every desk is marked, and
 * those not looked at in the last DESK_COALESCE_MS are looked at now
 * (status computed once, pushed to subscribers and watchers if what it
 * shows changed); the others wait for desk_flush_tick(). The content of
 * each push is what it would be at that moment.
 */
void desk_refresh(struct app *app);

/* Timer: looks at the marked desks that are due; returns 1. */
int desk_flush_tick(void *app);

/* Tells every subscriber the desks are going offline. */
void desk_shutdown(struct app *app);

/* Forgets remembered states (after a reload). */
void desk_reset(void);

#endif
