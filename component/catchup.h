/*
 * catchup.h: the room's lines coming in, live or caught up.
 *
 * After every (re)join the room's archive (XEP-0313) is paged after the
 * last stanza-id seen until complete; where the room has no archive,
 * its history is asked for instead, with a warning in the log. The
 * room's stanza-id makes a line stored once however often it is seen;
 * identical texts are distinct lines; lines of our nicks, present or
 * past, are never the visitor's. After storing a visitor line,
 * EV_VISITOR_TEXT (flag 1 live, 0 from the archive, -1 from the
 * history). When the store fails, the visitor is asked to send the line
 * again and the counsellor is told.
 */
#ifndef ACCUEIL_CATCHUP_H
#define ACCUEIL_CATCHUP_H

#include <strophe.h>

struct app;
struct conv;
struct route;

/* Hooks the catch-up to the room's events. Call once at start. */
void catchup_init(void);

/* Router hook: room messages (live and archived), archive answers. */
int catchup_route(struct app *app, xmpp_stanza_t *st, const struct route *r);

/* A visitor line written to the desk while the conversation is open:
 * stored and relayed like a room line. */
void catchup_visitor_desk(struct app *app, struct conv *cv,
    xmpp_stanza_t *st);

#endif
