/*
 * adhoc_canned.h: the administrators' canned answers command (the form
 * adhoc.c shows on the service JID). Loop thread only.
 */
#ifndef ACCUEIL_ADHOC_CANNED_H
#define ACCUEIL_ADHOC_CANNED_H

#include <strophe.h>

struct app;
struct buf;

/* The form: action (list, save, delete), office, key, language, text. */
void adhoc_canned_form(struct app *app, xmpp_stanza_t *x);

/* Runs the submitted form sub of administrator bare; result in x, out. */
void adhoc_canned_run(struct app *app, const char *bare, xmpp_stanza_t *sub,
    xmpp_stanza_t *x, struct buf *out);

#endif
