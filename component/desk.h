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

/* Recomputes states and pushes changes; returns 1 (keep the timer). */
int desk_tick(void *app);

/* The same, at once. */
void desk_refresh(struct app *app);

/* Tells every subscriber the desks are going offline. */
void desk_shutdown(struct app *app);

/* Forgets remembered states (after a reload). */
void desk_reset(void);

#endif
