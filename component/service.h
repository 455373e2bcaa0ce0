/*
 * service.h: what the component domain itself answers: service discovery
 * (XEP-0030), software version (XEP-0092) and ping (XEP-0199), for the
 * service JID and the basic identity of every JID it hosts.
 */
#ifndef ACCUEIL_SERVICE_H
#define ACCUEIL_SERVICE_H

#include <strophe.h>

struct app;
struct route;

/* Router hook for the service's IQs. */
int service_route(struct app *app, xmpp_stanza_t *st, const struct route *r);

#endif
