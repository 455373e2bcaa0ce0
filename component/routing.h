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
struct session_info;
struct conf_counsellor;

enum take_result {
	TAKE_WON,		/* the session is now the counsellor's */
	TAKE_LOST,		/* someone else took it first */
	TAKE_NOT_OFFERED,	/* it was never offered to this counsellor */
};

/* What an office desk shows (presence, disco). */
struct desk_status {
	int open;		/* within opening hours */
	int available;		/* counsellors who can take a chat now */
	int queue;		/* visitors waiting */
	long wait;		/* expected wait for a new visitor, seconds */
};

/* Wires routing to presence changes. Call once at start. */
void routing_init(void);

/* A new session's room is ready: route it (offers or offline). */
void routing_session_ready(struct app *app, const struct session_info *s);

/* Timer: offers, widening, alerts, offline switch, queue notices. */
int routing_tick(void *app);

/*
 * Counsellor c replied to session s. On TAKE_LOST *holder is set to the
 * persona name of the winner (borrowed from the configuration).
 */
enum take_result routing_take(struct app *app, const struct session_info *s,
    const struct conf_counsellor *c, const char **holder);

/* c declines (/non) its offer for session id; 1 if there was one. */
int routing_decline(struct app *app, const char *id,
    const struct conf_counsellor *c);

/* Revokes the open offers of a session (taken elsewhere or closed). */
void routing_session_closed(struct app *app, const char *id);

/* The state of an office desk right now. */
void routing_desk_status(struct app *app, const char *office,
    struct desk_status *ds);

#endif
