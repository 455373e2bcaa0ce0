/*
 * routing.h: queues, offers and takes.
 *
 * Waiting sessions form one first-come-first-served queue per office and
 * language (transfers go first). Events walk them: routing offers
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

/*
 * Timer (2 s): what time decides (wider waves, alerts, the offline
 * switch), then a dispatch; offers themselves go out on events.
 */
int routing_tick(void *app);

/* Timer (1 s): visitors whose place in a queue moved are told. */
int routing_second(void *app);

/* Frees routing's memory (queues, index, offers mirror); at exit, after
 * the conversations were written. */
void routing_free_all(void);

#endif
