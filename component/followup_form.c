/*
 * followup_form.c: consent to follow-ups given in the widget's pre-chat
 * form.
 *
 * The widget shows a box with the consent text in the visitor's language
 * and, when it is ticked (with an e-mail address the visitor agreed to be
 * written at), sends that exact text as the form field "followup". The
 * text is remembered for the visitor for a minute, and stored as their
 * consent (with its language and time) once their conversation is
 * stored; the bot then does not ask again at the end. Only for offices
 * whose follow-ups are on (followup.c).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "app.h"
#include "conf.h"
#include "event.h"
#include "form.h"
#include "log.h"
#include "outbox.h"
#include "registry.h"
#include "router.h"
#include "stanza.h"
#include "store.h"
#include "text.h"
#include "util.h"
#include "followup.h"

#define FORM_WAIT 60		/* seconds from the form to the stored conv */
#define FORM_MAX 256		/* remembered at once */
#define TEXT_MAX 1000

struct given {
	char *key;		/* office "\n" visitor's bare JID */
	char *text;
	int64_t at;
};

static struct given given[FORM_MAX];
static size_t ngiven;

static void
drop(size_t i)
{
	free(given[i].key);
	free(given[i].text);
	given[i] = given[--ngiven];
}

static int
on(struct app *app, const char *office)
{
	const struct conf_office *o = conf_office(app->conf, office);

	return o && (o->followup_rating || o->followup_news) &&
	    outbox_relay(app->conf, office) != NULL;
}

int
followup_form_route(struct app *app, xmpp_stanza_t *st, const struct route *r)
{
	xmpp_stanza_t *x;
	char *text, *email, *consent;
	int too_long = 0;
	size_t i;

	if (r->kind != ROUTE_OFFICE || r->from == NULL ||
	    strcmp(xmpp_stanza_get_name(st), "message") != 0 ||
	    (x = form_find(st)) == NULL || !on(app, r->office->id))
		return ROUTE_PASS;
	text = form_value(x, "followup", TEXT_MAX, &too_long);
	email = form_value(x, "email", 200, NULL);
	consent = form_value(x, "consent", 8, NULL);
	if (text && !str_blank(text) && !too_long && email && *email &&
	    consent && (strcmp(consent, "true") == 0 ||
	    strcmp(consent, "1") == 0)) {
		int64_t now = store_now();

		for (i = ngiven; i > 0; i--)
			if (now - given[i - 1].at > FORM_WAIT)
				drop(i - 1);
		if (ngiven == FORM_MAX)
			drop(0);
		given[ngiven].key = xasprintf("%s\n%s", r->office->id,
		    stanza_bare(r->from));
		given[ngiven].text = text;
		given[ngiven].at = now;
		ngiven++;
		text = NULL;
	}
	free(text);
	free(email);
	free(consent);
	return ROUTE_PASS;	/* intake reads the rest of the form */
}

static int
on_new(struct app *app, struct event *ev, void *ud)
{
	struct conv *cv = ev->conv;
	char *key;
	size_t i;

	(void)ud;
	if (cv == NULL || cv->email == NULL || ngiven == 0)
		return EVENT_PASS;
	key = xasprintf("%s\n%s", cv->office, stanza_bare(cv->visitor));
	for (i = 0; i < ngiven; i++) {
		sqlite3_stmt *st;

		if (strcasecmp(given[i].key, key) != 0)
			continue;
		st = store_stmt(app->store, "INSERT INTO consents (office, "
		    "session, visitor_bare, contact, contact_kind, lang, text, "
		    "given) VALUES (?, ?, ?, ?, 'email', ?, ?, ?)");
		if (st) {
			store_bind_text(st, 1, cv->office);
			store_bind_text(st, 2, cv->id);
			store_bind_text(st, 3, stanza_bare(cv->visitor));
			store_bind_text(st, 4, cv->email);
			store_bind_text(st, 5, cv->lang);
			store_bind_text(st, 6, given[i].text);
			sqlite3_bind_int64(st, 7, store_now());
			if (store_step(app->store, st) == 0) {
				store_event(app->store, cv->office, cv->id,
				    "followup-consent", "email (form)");
				log_info("session %s: follow-up consent given in "
				    "the pre-chat form", cv->id);
			}
		}
		drop(i);
		break;
	}
	free(key);
	return EVENT_PASS;
}

int
followup_consented(struct app *app, const char *session)
{
	sqlite3_stmt *st = store_stmt(app->store, "SELECT 1 FROM consents "
	    "WHERE session = ? AND withdrawn IS NULL");
	int found = 0;

	if (st == NULL || session == NULL)
		return 0;
	store_bind_text(st, 1, session);
	if (store_row(app->store, st) == 1) {
		found = 1;
		sqlite3_reset(st);
	}
	return found;
}

void
followup_form_init(void)
{
	event_hook(EV_CONV_NEW, on_new, 0, NULL);
}

void
followup_form_free(void)
{
	while (ngiven)
		drop(0);
}
