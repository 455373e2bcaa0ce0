/*
 * intake.c: desk messages, pre-chat forms, the visitor's language.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "app.h"
#include "catchup.h"
#include "catalog.h"
#include "conf.h"
#include "conv.h"
#include "convdb.h"
#include "event.h"
#include "form.h"
#include "intake.h"
#include "lang.h"
#include "log.h"
#include "plugin.h"
#include "registry.h"
#include "relay.h"
#include "router.h"
#include "stanza.h"
#include "store.h"
#include "text.h"
#include "util.h"

/* What the pre-chat form said. */
struct prechat {
	char *name, *lang, *page, *interests, *email;
	int consent;
};

static void
prechat_free(struct prechat *p)
{
	free(p->name);
	free(p->lang);
	free(p->page);
	free(p->interests);
	free(p->email);
}

/* A copy of v for an error message, cut at a character boundary. */
static char *
quote(const char *v, size_t max)
{
	char *q = xstrdup(v);

	text_cut(q, max);
	return q;
}

/* Parses the pre-chat form; appends what was wrong to problems. */
static void
read_form(xmpp_stanza_t *x, struct prechat *p, struct buf *problems)
{
	static const char *const fields[] = {"name", "lang", "page",
	    "interests", "email", "consent"};
	char **out[] = {&p->name, &p->lang, &p->page, &p->interests, &p->email,
	    NULL};
	const char *type = form_type(x);
	size_t i;

	if (type == NULL || strcmp(type, "submit") != 0) {
		char *q = quote(type ? type : "", 32);

		buf_appendf(problems, "%sform type \"%s\" instead of submit",
		    problems->len ? "; " : "", q);
		free(q);
		return;
	}
	for (i = 0; i < nitems(fields); i++) {
		int too_long;
		char *v = form_value(x, fields[i], INTAKE_MAX_FIELD, &too_long);

		if (too_long)
			buf_appendf(problems, "%s%s longer than %d bytes",
			    problems->len ? "; " : "", fields[i],
			    INTAKE_MAX_FIELD);
		if (v && str_blank(v)) {
			free(v);
			v = NULL;
		}
		if (i == 5) {
			p->consent = v && (!strcmp(v, "1") ||
			    !strcasecmp(v, "true"));
			if (v && !p->consent && strcmp(v, "0") &&
			    strcasecmp(v, "false"))
				buf_appendf(problems, "%sconsent must be true "
				    "or false", problems->len ? "; " : "");
			free(v);
			continue;
		}
		if (i == 1 && v) {
			char *l = lang_primary(v);

			if (l == NULL) {
				char *q = quote(v, 16);

				buf_appendf(problems, "%slang \"%s\" is not a "
				    "language code", problems->len ? "; " : "",
				    q);
				free(q);
			}
			free(v);
			v = l;
		}
		if (i == 4 && v && (strchr(v, '@') == NULL || strchr(v, ' '))) {
			char *q = quote(v, 64);

			buf_appendf(problems, "%semail \"%s\" is not an address",
			    problems->len ? "; " : "", q);
			free(q);
			free(v);
			v = NULL;
		}
		*out[i] = v;
	}
}

/*
 * Chooses the language: the form's choice > reliable detection on the
 * text > xml:lang > the office's default, then the office's fallback if
 * nobody speaks it (*asked: the visitor's own, to tell them; caller
 * frees both).
 */
static char *
choose_lang(struct app *app, const struct conf_office *o, const char *chosen,
    const char *text, const char *xml_lang, const char **source, char **asked)
{
	char detected[8];
	char *lang = NULL;
	size_t i;

	*asked = NULL;
	if (chosen) {
		lang = xstrdup(chosen);
		*source = "form";
	} else if (text && plugin_detect_language(text, detected)) {
		lang = lang_primary(detected);
		*source = "detected";
	}
	if (lang == NULL && (lang = lang_primary(xml_lang)) != NULL)
		*source = "xml:lang";
	if (lang == NULL) {
		lang = xstrdup(o->default_lang);
		*source = "default";
	}
	if (lang_office_speaks(app, o, lang))
		return lang;
	*asked = lang;
	for (i = 0; i < o->fallback_langs.n; i++)
		if (lang_office_speaks(app, o, o->fallback_langs.v[i]))
			return xstrdup(o->fallback_langs.v[i]);
	return xstrdup(o->fallback_langs.n ? o->fallback_langs.v[0] :
	    o->default_lang);
}

static void
desk_reply(struct app *app, xmpp_stanza_t *st, const char *office,
    const char *text)
{
	char *from = xasprintf("%s@%s", office, app->conf->domain);

	stanza_send(app, stanza_message(app, from, xmpp_stanza_get_from(st),
	    "chat", text));
	free(from);
}

/* The visitor writes to the desk again: same conversation. */
static void
again(struct app *app, struct conv *cv, xmpp_stanza_t *st,
    const struct route *r, const char *body)
{
	registry_set_visitor(cv, r->from);
	convdb_save(app, cv);
	if (body && !str_blank(body))
		catchup_visitor_desk(app, cv, st);
	if (cv->visitors == 0) {
		char *t = catalog_aformat(cv->lang, MSG_JOIN_ROOM, cv->room);

		desk_reply(app, st, cv->office, t);
		free(t);
		conv_invite(app, cv);
	}
}

/* 1 if the rate limits refuse a new conversation now (the visitor told). */
static int
too_many(struct app *app, xmpp_stanza_t *st, const struct route *r,
    const struct conf_office *o)
{
	const char *l = xmpp_stanza_get_attribute(st, "xml:lang");
	struct event ev;
	char *text;

	event_prepare(&ev, EV_CONV_ASK, NULL, NULL);
	ev.office = o->id;
	ev.from = r->from;
	if (event_fire(app, &ev) != EVENT_HANDLED)
		return 0;
	l = l && catalog_has_lang(l) ? l : o->default_lang;
	text = catalog_aformat(l, MSG_TOO_MANY, ev.result);
	desk_reply(app, st, o->id, text);
	free(text);
	return 1;
}

/* A new conversation from a first desk message. */
static void
start(struct app *app, xmpp_stanza_t *st, const struct route *r,
    const struct conf_office *o, const char *body, xmpp_stanza_t *x)
{
	struct prechat p = {0};
	struct buf problems = {0};
	char hex[33], pw[25], sid[11], *asked = NULL, *text;
	const char *source = NULL;
	struct conv *cv;

	if (convdb_failing(app)) {
		/* nothing could be kept: no conversation can be promised */
		const char *l = xmpp_stanza_get_attribute(st, "xml:lang");

		log_warnx("intake: the store fails; a new visitor is asked to "
		    "try again later");
		desk_reply(app, st, o->id, catalog_text(l ? l : o->default_lang,
		    MSG_BUSY_NEW));
		return;
	}
	if (too_many(app, st, r, o))
		return;
	if (x)
		read_form(x, &p, &problems);
	cv = conv_alloc();
	if (random_hex(sid, 5) < 0 || random_hex(hex, 16) < 0 ||
	    random_hex(pw, 12) < 0)
		fatalx("intake: no randomness");
	cv->id = xasprintf("v-%s", sid);
	cv->office = xstrdup(o->id);
	cv->room = xasprintf("%s@%s", hex, app->conf->muc);
	cv->password = xstrdup(pw);
	cv->visitor = xstrdup(r->from);
	cv->name = p.name;
	cv->page = p.page;
	p.name = p.page = NULL;
	if (body && !str_blank(body)) {
		cv->question = xstrdup(body);
		text_cut(cv->question, RELAY_MAX_BODY);
	}
	cv->lang = choose_lang(app, o, p.lang, cv->question,
	    xmpp_stanza_get_attribute(st, "xml:lang"), &source, &asked);
	cv->lang_source = xstrdup(source);
	cv->email = p.consent && p.email ? xstrdup(p.email) : NULL;
	cv->state = CONV_WAITING;
	cv->created = store_now();
	cv->left_at = cv->created;
	if (conv_start(app, cv, p.email, p.interests, p.consent,
	    xmpp_stanza_get_id(st)) < 0) {
		log_warnx("intake: cannot store a new conversation; the visitor "
		    "is asked to try again");
		desk_reply(app, st, o->id, catalog_text(cv->lang,
		    MSG_BUSY_NEW));
		conv_free(cv);
		goto out;
	}
	if (problems.len) {
		text = catalog_aformat(cv->lang, MSG_FORM_INVALID, problems.s);
		desk_reply(app, st, o->id, text);
		free(text);
	}
	if (asked) {
		/* said in the visitor's own language, posted once in the room */
		text = catalog_aformat(asked, MSG_LANG_FALLBACK,
		    lang_name_in(asked, cv->lang));
		relay_bot_say(app, cv, text);
		free(text);
	}
out:
	free(asked);
	prechat_free(&p);
	buf_free(&problems);
}

int
intake_route(struct app *app, xmpp_stanza_t *st, const struct route *r)
{
	const char *type = xmpp_stanza_get_type(st);
	const struct conf_office *o = r->office;
	xmpp_stanza_t *x;
	struct conv *cv;
	char *body, *bare;

	if (r->kind != ROUTE_OFFICE || strcmp(xmpp_stanza_get_name(st),
	    "message") != 0)
		return ROUTE_PASS;
	if (type && (!strcmp(type, "groupchat") || !strcmp(type, "error") ||
	    !strcmp(type, "headline")))
		return ROUTE_HANDLED;
	x = form_find(st);
	body = stanza_body_dup(st);
	if ((body == NULL || str_blank(body)) && x == NULL) {
		const char *l = xmpp_stanza_get_attribute(st, "xml:lang");

		if (body != NULL || stanza_child(st, NULL, NS_CHATSTATES) == NULL)
			desk_reply(app, st, o->id, catalog_text(l ? l :
			    o->default_lang, MSG_EMPTY));
		free(body);
		return ROUTE_HANDLED;
	}
	bare = xstrdup(stanza_bare(r->from));
	cv = registry_find_visitor(o->id, bare);
	free(bare);
	if (cv)
		again(app, cv, st, r, body);
	else
		start(app, st, r, o, body, x);
	free(body);
	return ROUTE_HANDLED;
}

/*
 * A guess made on a greeting ("bonjour", "hi") or taken from xml:lang may
 * be corrected by a later, longer line, until someone takes the chat.
 */
static int
on_visitor_text(struct app *app, struct event *ev, void *ud)
{
	struct conv *cv = ev->conv;
	const struct conf_office *o = conf_office(app->conf, cv->office);
	char detected[8], *lang;

	(void)ud;
	if (cv->state != CONV_WAITING || o == NULL || (cv->lang_source &&
	    strcmp(cv->lang_source, "default") != 0 &&
	    strcmp(cv->lang_source, "xml:lang") != 0))
		return EVENT_PASS;
	if (!plugin_detect_language(ev->text, detected) ||
	    (lang = lang_primary(detected)) == NULL)
		return EVENT_PASS;
	if (strcmp(lang, cv->lang) != 0 && lang_office_speaks(app, o, lang)) {
		conv_set_lang(app, cv, lang, "detected");
		relay_bot_say(app, cv, catalog_text(cv->lang, MSG_NEXT_STEP));
	}
	free(lang);
	return EVENT_PASS;
}

void
intake_init(void)
{
	event_hook(EV_VISITOR_TEXT, on_visitor_text, 0, NULL);
}
