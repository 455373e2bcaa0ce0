/*
 * routing.h: who is offered a session, and who takes it.
 *
 * The routing module picks counsellors for a waiting session (speaking
 * its language, available, under max-chats), sends them offers from
 * v-<id>@D, and settles who takes it: the first counsellor to reply wins,
 * atomically in the store; the others are told who took it. When a
 * counsellor becomes available, waiting sessions are offered to them.
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

/* Wires routing to presence changes. Call once at start. */
void routing_init(void);

/*
 * Offers a waiting session to counsellors. Returns how many were offered
 * (0: nobody can take it now).
 */
int routing_offer(struct app *app, const struct session_info *s);

/*
 * Counsellor c replied to session s. On TAKE_LOST *holder is set to the
 * persona name of the winner (borrowed from the configuration).
 */
enum take_result routing_take(struct app *app, const struct session_info *s,
    const struct conf_counsellor *c, const char **holder);

/* Revokes the open offers of a session (taken elsewhere or closed). */
void routing_session_closed(struct app *app, const char *id);

#endif
