/*
 * router.c: classification of addresses and the hook chain.
 */
#include "config.h"

#include <string.h>
#include <strings.h>

#include "app.h"
#include "conf.h"
#include "log.h"
#include "router.h"
#include "stanza.h"
#include "util.h"

#define MAX_HOOKS 32

static route_hook hooks[MAX_HOOKS];
static size_t nhooks;

void
router_add(route_hook hook)
{
	if (nhooks == MAX_HOOKS)
		fatalx("router: too many hooks");
	hooks[nhooks++] = hook;
}

void
router_clear(void)
{
	nhooks = 0;
}

void
router_classify(struct app *app, const char *to, struct route *r)
{
	const char *at, *domain, *slash;
	size_t dlen, llen;

	memset(r, 0, sizeof(*r));
	r->to = to;
	r->kind = ROUTE_OTHER;
	if (to == NULL)
		return;
	at = strchr(to, '@');
	slash = strchr(to, '/');
	if (at && slash && slash < at)
		at = NULL;
	domain = at ? at + 1 : to;
	dlen = slash ? (size_t)(slash - domain) : strlen(domain);
	if (dlen != strlen(app->conf->domain) ||
	    strncasecmp(domain, app->conf->domain, dlen) != 0)
		return;
	if (at == NULL) {
		r->kind = ROUTE_SERVICE;
		return;
	}
	llen = (size_t)(at - to);
	r->kind = ROUTE_UNKNOWN;
	if (llen == 0 || llen >= sizeof(r->local))
		return;
	memcpy(r->local, to, llen);
	r->local[llen] = '\0';
	for (size_t i = 0; i < llen; i++)
		if (r->local[i] >= 'A' && r->local[i] <= 'Z')
			r->local[i] = (char)(r->local[i] - 'A' + 'a');
	if ((r->office = conf_office(app->conf, r->local)) != NULL)
		r->kind = ROUTE_OFFICE;
	else if ((r->bot = conf_bot(app->conf, r->local)) != NULL)
		r->kind = ROUTE_BOT;
	else if ((r->counsellor = conf_counsellor_by_persona(app->conf,
	    r->local)) != NULL)
		r->kind = ROUTE_PERSONA;
	else if (strncmp(r->local, "v-", 2) == 0 && r->local[2])
		r->kind = ROUTE_VISITOR;
}

void
router_dispatch(struct app *app, xmpp_stanza_t *st)
{
	struct route r;
	const char *name = xmpp_stanza_get_name(st);
	size_t i;

	if (name == NULL || xmpp_stanza_get_from(st) == NULL)
		return;
	router_classify(app, xmpp_stanza_get_to(st), &r);
	r.from = xmpp_stanza_get_from(st);
	if (r.kind == ROUTE_OTHER) {
		log_debug("router: ignoring <%s> to a foreign address", name);
		return;
	}
	for (i = 0; i < nhooks; i++)
		if (hooks[i](app, st, &r) == ROUTE_HANDLED)
			return;

	if (strcmp(name, "presence") == 0)
		return;	/* presences to unknown addresses are dropped */
	if (r.kind == ROUTE_UNKNOWN || r.kind == ROUTE_VISITOR)
		stanza_send_error(app, st, "cancel", "service-unavailable",
		    strcmp(name, "message") == 0 ? "There is no desk, "
		    "counsellor or conversation at this address." :
		    "No such address at this service.");
	else if (strcmp(name, "iq") == 0)
		stanza_send_error(app, st, "cancel", "service-unavailable",
		    "This request is not supported here.");
	else if (strcmp(name, "message") == 0)
		stanza_send_error(app, st, "cancel", "service-unavailable",
		    "Messages to this address are not read: write to an "
		    "office's desk instead.");
}
