/*
 * adhoc.h: XEP-0050 ad-hoc commands on the service JID.
 *
 * For clients that have them (Gajim, Profanity, Psi): the same actions
 * as the chat commands, without typing. Administrators (<admin> in the
 * configuration) get: queues now, counsellors and their state,
 * statistics, close a session, reload the configuration, export and
 * erase a visitor's data. Counsellors get: my appointments, my offline
 * requests, pause, resume. Each command is one step, except those that
 * need an argument, which first return a form.
 */
#ifndef ACCUEIL_ADHOC_H
#define ACCUEIL_ADHOC_H

#include <strophe.h>

struct app;
struct route;

/* Router hook: disco#items node=commands and command IQs on the service. */
int adhoc_route(struct app *app, xmpp_stanza_t *st, const struct route *r);

#endif
