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

#include <strophe.h>

struct app;
struct conv;
struct route;

/* Starts (or restarts) the room's set-up. */
void room_setup_start(struct app *app, struct conv *cv);

/* Router hook: the creator's presence and the set-up IQs' answers. */
int room_setup_route(struct app *app, xmpp_stanza_t *st,
    const struct route *r);

#endif
