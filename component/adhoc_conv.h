/*
 * adhoc_conv.h: the in-conversation actions as ad-hoc commands on the
 * v- JID (adhoc_conv.c). Loop thread only.
 */
#ifndef ACCUEIL_ADHOC_CONV_H
#define ACCUEIL_ADHOC_CONV_H

#include <strophe.h>

struct app;
struct route;

/* Router hook: disco and XEP-0050 commands on v-<id>@D. */
int adhoc_conv_route(struct app *app, xmpp_stanza_t *st,
    const struct route *r);

#endif
