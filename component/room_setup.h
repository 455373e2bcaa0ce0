/*
 * room_setup.h: creating and configuring a visitor's room.
 *
 * The room is hidden, password-protected, persistent, not public, whois
 * moderators, without private messages where the server has the field,
 * with a small maximum of occupants and its archive on (the catch-up
 * after an outage reads it). Created by the service JID, owned by the
 * office's bot, which joins last: then the room is ready.
 */
#ifndef ACCUEIL_ROOM_SETUP_H
#define ACCUEIL_ROOM_SETUP_H

#include <stddef.h>

#include <strophe.h>

struct app;
struct conv;
struct route;

/*
 * Starts (or restarts) the room's set-up. A room taken from the pool
 * (cv->setup_done already set, roompool.h) is ready: room_ready().
 * Once configured, the bot joins; cv's row in the sessions table is
 * saved only if cv is in the registry (a pool room is not).
 */
void room_setup_start(struct app *app, struct conv *cv);

/*
 * At most a few conversations' rooms are set up at once (until their
 * bot is in); the others wait their turn in arrival order, and
 * room_setup_start() on a waiting one does nothing. room_setup_init()
 * hooks the events that free a turn; room_setup_waiting() says how many
 * wait; room_setup_free_all() forgets them (shutdown).
 */
void room_setup_init(void);
size_t room_setup_waiting(void);
void room_setup_free_all(void);

/*
 * The conversation id an IQ answer of the set-up is for ("cfg-get:v-1"
 * gives "v-1", borrowed from st), or NULL if st is no such answer.
 */
const char *room_setup_iq_id(xmpp_stanza_t *st);

/*
 * One set-up stanza (IQ answer, or the creator's presence to D/<id>)
 * for cv, which the caller found (the pool's rooms are not in the
 * registry). Returns ROUTE_HANDLED or ROUTE_PASS.
 */
int room_setup_handle(struct app *app, struct conv *cv, xmpp_stanza_t *st,
    const struct route *r);

/* Router hook: the creator's presence and the set-up IQs' answers. */
int room_setup_route(struct app *app, xmpp_stanza_t *st,
    const struct route *r);

#endif
