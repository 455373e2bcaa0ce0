/*
 * office.h: an office desk's opening hours and its presence.
 *
 * The desk JID (<office>@D) tells visitors whether the chat is open: it
 * answers subscriptions and probes, remembers subscribers in the store,
 * and pushes a new presence when the state changes (checked every minute
 * and after every reconnect).
 */
#ifndef ACCUEIL_OFFICE_H
#define ACCUEIL_OFFICE_H

#include <time.h>

#include <strophe.h>

struct app;
struct conf_office;
struct route;

/* 1 if the local date tm is one of the office's holidays. */
struct tm;
int office_is_holiday(const struct conf_office *o, const struct tm *tm);

/* 1 if the office is open at t (hours and holidays, in its time zone). */
int office_is_open(const struct conf_office *o, time_t t);

/* The next opening after t within 31 days, or 0 if none. */
time_t office_next_open(const struct conf_office *o, time_t t);

/* Router hook: presences and subscriptions to office desks. */
int office_route(struct app *app, xmpp_stanza_t *st, const struct route *r);

/* Sends every subscriber the current presence of its office. */
void office_resync(struct app *app);

/* Recomputes states and pushes changes; returns 1 (keep the timer). */
int office_tick(void *app);

/* The same, at once (a counsellor came or went, a chat was taken). */
void office_refresh(struct app *app);

/* Tells every subscriber the desks are going offline. */
void office_shutdown(struct app *app);

/* Forgets remembered states (after a reload). */
void office_reset(void);

#endif
