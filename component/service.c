/*
 * service.c: disco, version and ping.
 */
#include "config.h"

#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "app.h"
#include "clock.h"
#include "conf.h"
#include "form.h"
#include "office.h"
#include "router.h"
#include "status.h"
#include "service.h"
#include "stanza.h"
#include "util.h"

static void
add_identity(xmpp_stanza_t *q, const char *category, const char *type,
    const char *name)
{
	xmpp_stanza_t *id = stanza_add(q, "identity", NULL);

	xmpp_stanza_set_attribute(id, "category", category);
	xmpp_stanza_set_attribute(id, "type", type);
	if (name)
		xmpp_stanza_set_attribute(id, "name", name);
}

static void
add_feature(xmpp_stanza_t *q, const char *var)
{
	xmpp_stanza_set_attribute(stanza_add(q, "feature", NULL), "var", var);
}

/*
 * XEP-0128: the desk's state as data, for the widget: open, available,
 * wait (seconds), queue, next-open (RFC 3339, UTC, when closed).
 */
static void
desk_form(struct app *app, xmpp_stanza_t *q, const struct conf_office *o)
{
	xmpp_stanza_t *x = stanza_add(q, "x", NS_DATA);
	struct desk_status ds;
	char n[32];
	time_t next;

	status_desk(app, o->id, &ds);
	xmpp_stanza_set_type(x, "result");
	form_add_field(x, "FORM_TYPE", "hidden", NULL, "urn:accueil:desk:0");
	form_add_field(x, "open", "boolean", NULL, ds.open ? "1" : "0");
	snprintf(n, sizeof(n), "%d", ds.available);
	form_add_field(x, "available", "text-single", NULL, n);
	snprintf(n, sizeof(n), "%ld", ds.wait);
	form_add_field(x, "wait", "text-single", NULL, n);
	snprintf(n, sizeof(n), "%d", ds.queue);
	form_add_field(x, "queue", "text-single", NULL, n);
	n[0] = '\0';
	if (!ds.open && (next = office_next_open(o, clock_now())) != 0) {
		struct tm tm;

		gmtime_r(&next, &tm);
		strftime(n, sizeof(n), "%Y-%m-%dT%H:%M:%SZ", &tm);
	}
	form_add_field(x, "next-open", "text-single", NULL, n);
}

static int
disco_info(struct app *app, xmpp_stanza_t *iq, xmpp_stanza_t *query,
    const struct route *r)
{
	xmpp_stanza_t *res, *q;
	const char *node = xmpp_stanza_get_attribute(query, "node");

	if (node) {
		stanza_send_error(app, iq, "cancel", "item-not-found",
		    "No such node.");
		return ROUTE_HANDLED;
	}
	res = stanza_iq_result(app, iq);
	q = stanza_add(res, "query", NS_DISCO_INFO);
	switch (r->kind) {
	case ROUTE_SERVICE:
		add_identity(q, "component", "generic",
		    "accueil: remote front desk");
		add_feature(q, NS_DISCO_INFO);
		add_feature(q, NS_DISCO_ITEMS);
		add_feature(q, NS_VERSION);
		add_feature(q, NS_PING);
		add_feature(q, NS_COMMANDS);
		break;
	case ROUTE_OFFICE:
		add_identity(q, "client", "bot", r->office->name);
		add_feature(q, NS_DISCO_INFO);
		add_feature(q, NS_PING);
		add_feature(q, NS_VCARD);
		desk_form(app, q, r->office);
		break;
	case ROUTE_BOT:
		add_identity(q, "client", "bot", r->bot->name);
		add_feature(q, NS_DISCO_INFO);
		add_feature(q, NS_PING);
		add_feature(q, NS_VCARD);
		break;
	case ROUTE_PERSONA:
		add_identity(q, "client", "pc", r->counsellor->name);
		add_feature(q, NS_DISCO_INFO);
		add_feature(q, NS_PING);
		add_feature(q, NS_VCARD);
		break;
	default:
		xmpp_stanza_release(res);
		return ROUTE_PASS;
	}
	stanza_send(app, res);
	return ROUTE_HANDLED;
}

static int
disco_items(struct app *app, xmpp_stanza_t *iq, xmpp_stanza_t *query,
    const struct route *r)
{
	xmpp_stanza_t *res, *q;
	size_t i;

	if (r->kind == ROUTE_UNKNOWN || r->kind == ROUTE_VISITOR)
		return ROUTE_PASS;
	res = stanza_iq_result(app, iq);
	q = stanza_add(res, "query", NS_DISCO_ITEMS);
	if (r->kind == ROUTE_SERVICE &&
	    xmpp_stanza_get_attribute(query, "node") == NULL) {
		for (i = 0; i < app->conf->noffices; i++) {
			const struct conf_office *o = &app->conf->offices[i];
			xmpp_stanza_t *it = stanza_add(q, "item", NULL);
			char *jid = xasprintf("%s@%s", o->id,
			    app->conf->domain);

			xmpp_stanza_set_attribute(it, "jid", jid);
			xmpp_stanza_set_attribute(it, "name", o->name);
			free(jid);
		}
	}
	stanza_send(app, res);
	return ROUTE_HANDLED;
}

static int
version(struct app *app, xmpp_stanza_t *iq)
{
	xmpp_stanza_t *res = stanza_iq_result(app, iq);
	xmpp_stanza_t *q = stanza_add(res, "query", NS_VERSION);

	stanza_add_text(q, "name", "accueil");
	stanza_add_text(q, "version", PACKAGE_VERSION);
	stanza_send(app, res);
	return ROUTE_HANDLED;
}

int
service_route(struct app *app, xmpp_stanza_t *st, const struct route *r)
{
	const char *type = xmpp_stanza_get_type(st);
	xmpp_stanza_t *q;

	if (strcmp(xmpp_stanza_get_name(st), "iq") != 0 || type == NULL)
		return ROUTE_PASS;
	if (strcmp(type, "get") != 0)
		return ROUTE_PASS;
	if ((q = stanza_child(st, "query", NS_DISCO_INFO)) != NULL)
		return disco_info(app, st, q, r);
	if ((q = stanza_child(st, "query", NS_DISCO_ITEMS)) != NULL)
		return disco_items(app, st, q, r);
	if (r->kind == ROUTE_UNKNOWN || r->kind == ROUTE_VISITOR)
		return ROUTE_PASS;
	if (stanza_child(st, "ping", NS_PING)) {
		stanza_send(app, stanza_iq_result(app, st));
		return ROUTE_HANDLED;
	}
	if (r->kind == ROUTE_SERVICE &&
	    stanza_child(st, "query", NS_VERSION))
		return version(app, st);
	return ROUTE_PASS;
}
