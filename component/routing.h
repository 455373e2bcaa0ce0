/*
 * routing.h: queues, offers and takes.
 *
 * Waiting sessions form one first-come-first-served queue per office and
 * language (transfers go first). routing_tick() walks them: it offers
 * each session to counsellors who speak its language, are available, not
 * paused and under max-chats, ordered by the office's routing strategy
 * (ring-group by default: offer-size at once, least busy first, then
 * longest idle); when nobody answers within offer-timeout it widens the
 * ring (more counsellors, then the fallback languages), alerts the
 * supervisors after alert-delay, and turns the session into an offline
 * request after max-wait or when the office closes. Visitors are told
 * their position and expected wait whenever it changes. The first reply
 * takes a session: one guarded UPDATE in the store, so two counsellors
 * racing never both win.
 */
#ifndef ACCUEIL_ROUTING_H
#define ACCUEIL_ROUTING_H

struct app;

/*
 * Hooks routing to the core's events: a conversation ready, a claim (the
 * first reply takes it: one guarded UPDATE, so two counsellors racing
 * never both win), a decline, a transfer, a corrected language, a
 * visitor gone from the queue, a conversation closed, a counsellor's
 * availability. Call once at start.
 */
void routing_init(void);

/* Timer: offers, widening, alerts, offline switch, queue notices. */
int routing_tick(void *app);

#endif
