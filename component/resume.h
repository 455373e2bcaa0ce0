/*
 * resume.h: a first question survives a reload before its invitation
 * (resume.c). Loop thread only.
 */
#ifndef ACCUEIL_RESUME_H
#define ACCUEIL_RESUME_H

#include <strophe.h>

struct app;
struct route;

/* Router hook, before intake's: a first question asked again with the
 * token of one whose visitor never joined moves that conversation. */
int resume_route(struct app *app, xmpp_stanza_t *st, const struct route *r);

/* Shutdown. */
void resume_free_all(void);

#endif
