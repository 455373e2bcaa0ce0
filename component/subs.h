/*
 * subs.h: presence subscribers of desks and personas, and the widgets
 * watching a desk; capped, expiring, kept over reloads and restarts.
 *
 * Owns the subscribers and watchers tables. Limits come from <limits>
 * (max-subscribers, subscriber-days, max-watchers, watcher-hours). JIDs
 * the config names (counsellors, admins, supervisors) never expire.
 * Loop thread only.
 */
#ifndef ACCUEIL_SUBS_H
#define ACCUEIL_SUBS_H

#include <stddef.h>

struct app;

/*
 * Subscribes bare jid to owner (an office id or a persona localpart).
 * Returns 1 if subscribed (or already), 0 if refused (the cap: logged),
 * -1 if the store failed.
 */
int subs_add(struct app *app, const char *owner, const char *jid);
void subs_remove(struct app *app, const char *owner, const char *jid);

/*
 * Bare jid sent owner "unsubscribed": we may not see their presence
 * (RFC 6121: their subscription to owner stands; logged only).
 */
void subs_unsubscribed(struct app *app, const char *owner, const char *jid);

/* Bare jid was heard from (a probe, a presence, a message). */
void subs_seen(struct app *app, const char *jid);

/*
 * Calls fn for each subscriber of owner (all if owner is NULL); the
 * strings are borrowed for the call; fn may write to the store.
 */
void subs_foreach(struct app *app, const char *owner,
    void (*fn)(const char *owner, const char *jid, void *ud), void *ud);

/* Full jid watches office (on: directed presence) or stops (unavailable). */
void subs_watch(struct app *app, const char *office, const char *jid, int on);

/* Calls fn for each watcher of office (strings borrowed for the call). */
void subs_watchers_foreach(const char *office,
    void (*fn)(const char *office, const char *jid, void *ud), void *ud);
size_t subs_watchers_count(void);

/* Reads the watchers from the store (start). */
void subs_load(struct app *app);

/* Probes subscribers silent for nearly subscriber-days (presence probe
 * from their desk or persona), then expires what the limits say; a timer
 * callback, returns 1. */
int subs_tick(void *app);

/* Frees the watchers in memory (shutdown). */
void subs_free_all(void);

#endif
