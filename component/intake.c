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
#include "langguess.h"
#include "log.h"
#include "plugin.h"
#include "registry.h"
#include "relay.h"
#include "room.h"
#include "roompool.h"
#include "router.h"
#include "stanza.h"
#include "store.h"
#include "territory.h"
#include "text.h"
#include "util.h"

/* Bytes of first messages kept to decide the language. */
#define LANG_TEXT_MAX 1024

/* What the pre-chat form said. */
struct prechat {
	char *name, *lang, *page, *interests, *email, *langs;
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
	free(p->langs);
}

/* "ca-ES, es;q=0.8, en" -> "ca,es,en": up to 8 codes (caller frees). */
static char *
browser_langs(const char *v)
{
	struct strlist words = {0};
	struct buf b = {0};
	char *copy = xstrdup(v), *p;
	size_t i, n = 0;

	for (p = copy; *p; p++)
		if (*p == ',' || *p == ';')
			*p = ' ';
	strlist_split(&words, copy);
	for (i = 0; i < words.n && n < 8; i++) {
		char *l = lang_primary(words.v[i]);

		if (l && (b.s == NULL || strstr(b.s, l) == NULL)) {
			buf_appendf(&b, "%s%s", n ? "," : "", l);
			n++;
		}
		free(l);
	}
	strlist_free(&words);
	free(copy);
	return b.s;
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
	    "interests", "email", "consent", "langs"};
	char **out[] = {&p->name, &p->lang, &p->page, &p->interests, &p->email,
	    NULL, &p->langs};
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
		if (i == 6 && v) {
			/* the browser's languages: a prior, never an error */
			char *l = browser_langs(v);

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

/* 1 if someone can answer o's visitor in lang: o's own, or pooled. */
static int
can_answer(struct app *app, const struct conf_office *o, const char *lang)
{
	return lang_office_speaks(app, o, lang) ||
	    territory_speaks(app->conf, o, lang);
}

/*
 * Chooses the language: the form's choice > what the visitor says
 * ("parlo català") > reliable detection on the text (langguess.h: the
 * office's and territory's languages as hints, the browser's as a
 * prior) > xml:lang > the office's default; then the office's fallback
 * if nobody, at the office or pooled in its territory, speaks it
 * (*asked: the visitor's own, to tell them; caller frees both).
 */
static char *
choose_lang(struct app *app, const struct conf_office *o, const char *chosen,
    const char *text, const char *xml_lang, const char *prior,
    const char **source, char **asked)
{
	struct lang_context ctx = {0};
	char detected[8];
	char *lang = NULL, *hints = NULL;
	size_t i;

	*asked = NULL;
	if (chosen) {
		lang = xstrdup(chosen);
		*source = "form";
	} else if (text && langguess_claim(text, detected)) {
		lang = xstrdup(detected);
		*source = "visitor";
	} else if (text) {
		ctx.hints = hints = territory_hints(app->conf, o);
		ctx.prior = prior;
		if (langguess(text, &ctx, detected)) {
			lang = lang_primary(detected);
			*source = "detected";
		}
		free(hints);
	}
	if (lang == NULL && (lang = lang_primary(xml_lang)) != NULL)
		*source = "xml:lang";
	if (lang == NULL) {
		lang = xstrdup(o->default_lang);
		*source = "default";
	}
	if (can_answer(app, o, lang))
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
	/* a room set up ahead (roompool.h), else ours is made now */
	if ((cv = roompool_take(app, o)) == NULL) {
		cv = conv_alloc();
		if (random_hex(sid, 5) < 0 || random_hex(hex, 16) < 0 ||
		    random_hex(pw, 12) < 0)
			fatalx("intake: no randomness");
		cv->id = xasprintf("v-%s", sid);
		cv->office = xstrdup(o->id);
		cv->room = xasprintf("%s@%s", hex, app->conf->muc);
		cv->password = xstrdup(pw);
	}
	cv->visitor = xstrdup(r->from);
	cv->name = p.name;
	cv->page = p.page;
	p.name = p.page = NULL;
	if (body && !str_blank(body)) {
		cv->question = xstrdup(body);
		text_cut(cv->question, RELAY_MAX_BODY);
	}
	cv->lang = choose_lang(app, o, p.lang, cv->question,
	    xmpp_stanza_get_attribute(st, "xml:lang"), p.langs, &source,
	    &asked);
	cv->lang_source = xstrdup(source);
	cv->lang_prior = p.langs;
	p.langs = NULL;
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
		if (cv->setup_done)
			room_destroy(app, cv);	/* a pool room, now nobody's */
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

void
intake_set_lang(struct app *app, struct conv *cv, const char *lang,
    const char *source)
{
	const struct conf_office *o = conf_office(app->conf, cv->office);
	const struct conf_counsellor *h;

	conv_set_lang(app, cv, lang, source);
	free(cv->lang_text);
	cv->lang_text = NULL;
	/* taken by someone who does not speak it: handed to who does */
	if (cv->state == CONV_ACTIVE && cv->counsellor && !cv->transfer_to &&
	    (h = conf_counsellor_by_jid(app->conf, cv->counsellor)) != NULL &&
	    !strlist_has(&h->languages, lang) && o &&
	    lang_office_speaks(app, o, lang))
		conv_transfer(app, cv, h, lang);
}

/* Sources detection may revise: a guess, not somebody's word. */
static int
revisable(const struct conv *cv)
{
	return cv->lang_source == NULL ||
	    strcmp(cv->lang_source, "default") == 0 ||
	    strcmp(cv->lang_source, "xml:lang") == 0;
}

/* The visitor says which language they speak: before or after the take. */
static int
visitor_claims(struct app *app, struct conv *cv,
    const struct conf_office *o, const char *text)
{
	char lang[8], *t;

	if (!langguess_claim(text, lang))
		return 0;
	if (strcmp(lang, cv->lang) == 0) {
		if (strcmp(cv->lang_source, "visitor") != 0) {
			free(cv->lang_source);
			cv->lang_source = xstrdup("visitor");
			convdb_save(app, cv);
		}
		return 1;
	}
	if (!can_answer(app, o, lang))
		return 1;	/* nobody could: the fallback stands */
	intake_set_lang(app, cv, lang, "visitor");
	t = catalog_aformat(cv->lang, MSG_LANG_SWITCHED,
	    lang_name_in(cv->lang, cv->lang));
	relay_bot_say(app, cv, t);
	free(t);
	return 1;
}

/*
 * While the visitor waits, a language guessed from a greeting ("bonjour",
 * "hi") or taken from xml:lang is decided again on the text of the first
 * messages together, until the decision is reliable.
 */
static int
on_visitor_text(struct app *app, struct event *ev, void *ud)
{
	struct conv *cv = ev->conv;
	const struct conf_office *o = conf_office(app->conf, cv->office);
	struct lang_context ctx = {0};
	char detected[8], *lang, *hints;
	int sure;

	(void)ud;
	if (o == NULL || ev->text == NULL || (cv->state != CONV_WAITING &&
	    cv->state != CONV_ACTIVE))
		return EVENT_PASS;
	if (visitor_claims(app, cv, o, ev->text))
		return EVENT_PASS;
	if (cv->state != CONV_WAITING || !revisable(cv))
		return EVENT_PASS;
	if (cv->lang_text == NULL)
		cv->lang_text = xstrdup(cv->question ? cv->question : "");
	if (strlen(cv->lang_text) < LANG_TEXT_MAX) {
		char *all = xasprintf("%s\n%s", cv->lang_text, ev->text);

		free(cv->lang_text);
		cv->lang_text = all;
		text_cut(cv->lang_text, LANG_TEXT_MAX);
	}
	ctx.hints = hints = territory_hints(app->conf, o);
	ctx.prior = cv->lang_prior;
	sure = langguess(cv->lang_text, &ctx, detected);
	free(hints);
	if (!sure || (lang = lang_primary(detected)) == NULL)
		return EVENT_PASS;
	free(cv->lang_text);
	cv->lang_text = NULL;
	if (strcmp(lang, cv->lang) != 0 && can_answer(app, o, lang)) {
		conv_set_lang(app, cv, lang, "detected");
		relay_bot_say(app, cv, catalog_text(cv->lang, MSG_NEXT_STEP));
	} else if (strcmp(lang, cv->lang) == 0) {
		free(cv->lang_source);
		cv->lang_source = xstrdup("detected");
		convdb_save(app, cv);
	}
	free(lang);
	return EVENT_PASS;
}

void
intake_init(void)
{
	event_hook(EV_VISITOR_TEXT, on_visitor_text, 0, NULL);
}
