/*
 * vpresence.h: the visitor's presence and vCard on their v-<id> JID, for
 * the counsellors who hold or were offered the conversation.
 */
#ifndef ACCUEIL_VPRESENCE_H
#define ACCUEIL_VPRESENCE_H

#include <strophe.h>

struct app;
struct route;

/* Hooks the events it follows. Call once at start. */
void vpresence_init(void);

/* Router hook: presence probes and vcard-temp on v- JIDs. */
int vpresence_route(struct app *app, xmpp_stanza_t *st,
    const struct route *r);

/* Timer (1 s): "away" after a while without a word. */
int vpresence_tick(void *app);

/* Shutdown. */
void vpresence_free_all(void);

#endif
