/*
 * room.h: a visitor's MUC room (XEP-0045) once it exists.
 *
 * Its set-up is room_setup.h's; when the bot is in, EV_ROOM_JOINED.
 * Then our occupants join and leave (bot, persona), the room is
 * destroyed at the end. Every nick we ever used in the room is kept
 * (cv->nicks, stored), so room_is_ours() recognises our own lines after
 * a transfer, a nick change or a restart. The visitor's comings and
 * goings are told as EV_VISITOR_AWAY and EV_VISITOR_BACK.
 */
#ifndef ACCUEIL_ROOM_H
#define ACCUEIL_ROOM_H

#include <stddef.h>

#include <strophe.h>

struct app;
struct conv;
struct route;

#define ROOM_SETUP_NICK "accueil-setup"

/* Our occupant local (NULL: the service JID) joins / leaves as nick. */
void room_join(struct app *app, struct conv *cv, const char *local,
    const char *nick, int history);
void room_leave(struct app *app, struct conv *cv, const char *local,
    const char *nick);

/* 1 if the MUC user element x carries status code. */
int room_has_status(xmpp_stanza_t *x, const char *code);

/* The bot joins (history: the room's history when it has no archive). */
void room_join_bot(struct app *app, struct conv *cv);

/*
 * The bot is already in cv's room (a room taken from the pool, where it
 * joined ahead of time): marks it in and fires EV_ROOM_JOINED as its
 * own presence would have.
 */
void room_ready(struct app *app, struct conv *cv);

/* The counsellor's persona joins / leaves under cv->persona_nick. */
void room_join_persona(struct app *app, struct conv *cv);
void room_leave_persona(struct app *app, struct conv *cv);

/* Bot and persona leave (shutdown, or before a rejoin). */
void room_leave_all(struct app *app, struct conv *cv);

/* Asks the server to destroy the room. */
void room_destroy(struct app *app, struct conv *cv);

/* Our bot's localpart and nick in cv's room. */
const char *room_bot_id(struct app *app, const struct conv *cv);
const char *room_bot_nick(struct app *app, const struct conv *cv);

/*
 * Sends a groupchat message from our occupant local (NULL: the bot);
 * each extra child is added and released (ownership passes). Returns
 * 0 if handed to the link, -1 if not.
 */
int room_send(struct app *app, struct conv *cv, const char *local,
    const char *body, const char *id, const char *replace,
    xmpp_stanza_t **extra, size_t nextra);

/* Sends an IQ of ours to the room; id is "<step>:<conversation id>". */
void room_iq(struct app *app, struct conv *cv, const char *type,
    const char *step, xmpp_stanza_t *query);

/* 1 if nick is, or ever was, one of ours in cv's room. */
int room_is_ours(struct app *app, const struct conv *cv, const char *nick);

/* 1 if from is an address on the MUC service. */
int room_from_muc(struct app *app, const char *from);

/* Router hook: presences from rooms to the bot and personas. */
int room_route(struct app *app, xmpp_stanza_t *st, const struct route *r);

/* The first defined stanza error condition of st ("undefined-condition"). */
const char *room_error_condition(xmpp_stanza_t *st);

#endif
