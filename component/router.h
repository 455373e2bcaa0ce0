/*
 * router.h: dispatch of incoming stanzas by the JID they are addressed to.
 *
 * The component answers for many JIDs (DESIGN.md): the service itself,
 * office desks, bot and counsellor personas, and v-<id> visitor proxies.
 * router_dispatch() classifies the 'to' address once, then offers the
 * stanza to each registered hook in order until one answers
 * ROUTE_HANDLED. What nobody handles gets an error reply (IQ get/set and
 * messages) so no client ever waits for nothing.
 */
#ifndef ACCUEIL_ROUTER_H
#define ACCUEIL_ROUTER_H

#include <strophe.h>

struct app;
struct conf_office;
struct conf_bot;
struct conf_counsellor;

enum route_kind {
	ROUTE_SERVICE,		/* the component domain itself */
	ROUTE_OFFICE,		/* <office>@D */
	ROUTE_BOT,		/* <bot>@D */
	ROUTE_PERSONA,		/* <persona>@D */
	ROUTE_VISITOR,		/* v-<id>@D */
	ROUTE_UNKNOWN,		/* another localpart of D */
	ROUTE_OTHER,		/* not our domain at all */
};

struct route {
	enum route_kind kind;
	const char *to;		/* full 'to', borrowed */
	const char *from;	/* full 'from', borrowed */
	char local[128];	/* localpart of 'to' ("" for the service) */
	const struct conf_office *office;
	const struct conf_bot *bot;
	const struct conf_counsellor *counsellor;
};

enum { ROUTE_PASS = 0, ROUTE_HANDLED = 1 };

typedef int (*route_hook)(struct app *app, xmpp_stanza_t *st,
    const struct route *r);

/* Adds a hook, called after those added before. */
void router_add(route_hook hook);
void router_clear(void);

/* Classifies 'to' against the configuration. */
void router_classify(struct app *app, const char *to, struct route *r);

/* Dispatches one incoming stanza (borrowed). Runs on the loop. */
void router_dispatch(struct app *app, xmpp_stanza_t *st);

#endif
