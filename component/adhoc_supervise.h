/*
 * adhoc_supervise.h: supervision's ad-hoc commands (adhoc.c's table).
 */
#ifndef ACCUEIL_ADHOC_SUPERVISE_H
#define ACCUEIL_ADHOC_SUPERVISE_H

#include <strophe.h>

struct app;
struct buf;

void adhoc_live_run(struct app *app, const char *bare, xmpp_stanza_t *sub,
    xmpp_stanza_t *x, struct buf *out);
void adhoc_session_form(struct app *app, xmpp_stanza_t *x);
void adhoc_watch_run(struct app *app, const char *bare, xmpp_stanza_t *sub,
    xmpp_stanza_t *x, struct buf *out);
void adhoc_takeover_run(struct app *app, const char *bare, xmpp_stanza_t *sub,
    xmpp_stanza_t *x, struct buf *out);

#endif
