/*
 * followup.c: consent, then satisfaction and news follow-ups
 * (followup.h).
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "app.h"
#include "conf.h"
#include "conv.h"
#include "event.h"
#include "followup.h"
#include "log.h"
#include "mail_text.h"
#include "mailer.h"
#include "outbox.h"
#include "registry.h"
#include "relay.h"
#include "router.h"
#include "stanza.h"
#include "store.h"
#include "survey.h"
#include "util.h"

#define ASK_WAIT 300		/* seconds a consent question waits */
#define DAY 86400

/* A consent question waiting for its yes or no (lost on restart: the
 * visitor is then simply not followed up). */
struct ask {
	char *session, *contact, *kind;
	int64_t at;
	int prompts;
	int chat;	/* asked at the end of a chat: the survey goes on */
};

static struct ask *asks;
static size_t nasks;

static struct ask *
ask_find(const char *session)
{
	size_t i;

	for (i = 0; i < nasks; i++)
		if (strcmp(asks[i].session, session) == 0)
			return &asks[i];
	return NULL;
}

static void
ask_drop(struct ask *a)
{
	free(a->session);
	free(a->contact);
	free(a->kind);
	*a = asks[--nasks];
}

static int ask(struct app *, struct conv *, const char *, const char *,
    int);

int
followup_ask(struct app *app, struct conv *cv, const char *contact,
    const char *kind)
{
	return ask(app, cv, contact, kind, 0);
}

static int
ask(struct app *app, struct conv *cv, const char *contact, const char *kind,
    int chat)
{
	const struct conf_office *o = conf_office(app->conf, cv->office);
	char *text;

	if (o == NULL || (o->followup_rating == 0 && o->followup_news == 0))
		return 0;
	/* follow-ups come with the office's e-mail: without a relay,
	 * an office has not set up writing to visitors */
	if (outbox_relay(app->conf, cv->office) == NULL)
		return 0;
	if (followup_consented(app, cv->id))
		return 0;	/* given in the pre-chat form */
	if (ask_find(cv->id) == NULL) {
		asks = xreallocarray(asks, nasks + 1, sizeof(*asks));
		asks[nasks].session = xstrdup(cv->id);
		asks[nasks].contact = xstrdup(contact);
		asks[nasks].kind = xstrdup(kind);
		asks[nasks].at = store_now();
		asks[nasks].prompts = 0;
		asks[nasks].chat = chat;
		nasks++;
	}
	text = mail_text_format(cv->lang, MT_CONSENT_ASK, mail_text(cv->lang,
	    MT_CONSENT));
	relay_bot_say(app, cv, text);
	free(text);
	return 1;
}

/* 1 yes, 0 no, -1 neither: the first word of text. */
static int
yes_no(const char *text)
{
	static const char *const yes[] = {"oui", "yes", "si", "sí", "ja",
	    "ok", "okay", "d'accord", "d'acord", "vale", "bien sûr", "y"};
	static const char *const no[] = {"non", "no", "nein", "n", "pas"};
	char w[32];
	size_t i, n = 0;

	while (*text && isspace((unsigned char)*text))
		text++;
	while (text[n] && n < sizeof(w) - 1 && !isspace((unsigned char)text[n])
	    && !strchr(".,;:!?", text[n])) {
		w[n] = (char)tolower((unsigned char)text[n]);
		n++;
	}
	w[n] = '\0';
	for (i = 0; i < nitems(yes); i++)
		if (strcmp(w, yes[i]) == 0)
			return 1;
	for (i = 0; i < nitems(no); i++)
		if (strcmp(w, no[i]) == 0)
			return 0;
	return -1;
}

/* Stores the consent with the text the bot showed. */
static int
store_consent(struct app *app, struct conv *cv, const struct ask *a)
{
	sqlite3_stmt *st = store_stmt(app->store, "INSERT INTO consents "
	    "(office, session, visitor_bare, contact, contact_kind, lang, text, "
	    "given) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");

	if (st == NULL)
		return -1;
	store_bind_text(st, 1, cv->office);
	store_bind_text(st, 2, cv->id);
	store_bind_text(st, 3, stanza_bare(cv->visitor));
	store_bind_text(st, 4, a->contact);
	store_bind_text(st, 5, a->kind);
	store_bind_text(st, 6, cv->lang);
	store_bind_text(st, 7, mail_text(cv->lang, MT_CONSENT));
	sqlite3_bind_int64(st, 8, store_now());
	if (store_step(app->store, st) < 0)
		return -1;
	store_event(app->store, cv->office, cv->id, "followup-consent",
	    a->kind);
	log_info("session %s: follow-up consent given (%s)", cv->id, a->kind);
	return 0;
}

static int
on_visitor_text(struct app *app, struct event *ev, void *ud)
{
	struct conv *cv = ev->conv;
	struct ask *a = ask_find(cv->id);
	int answer;

	(void)ud;
	if (a == NULL)
		return EVENT_PASS;
	if (ev->flag < 0 || cv->close_pending)
		return EVENT_HANDLED;
	answer = yes_no(ev->text);
	if (answer < 0 && a->prompts++ < 1) {
		char *text = mail_text_format(cv->lang, MT_CONSENT_ASK,
		    mail_text(cv->lang, MT_CONSENT));

		relay_bot_say(app, cv, text);
		free(text);
		return EVENT_HANDLED;
	}
	if (answer == 1 && store_consent(app, cv, a) == 0)
		relay_bot_say(app, cv, mail_text(cv->lang, a->chat ?
		    MT_CONSENT_NOTED : MT_CONSENT_YES));
	else
		relay_bot_say(app, cv, mail_text(cv->lang, a->chat ?
		    MT_CONSENT_NOTED_NO : MT_CONSENT_NO));
	if (!a->chat)
		conv_close_soon(cv, "offline-request");
	ask_drop(a);
	return EVENT_HANDLED;
}

/* Plans the follow-ups of the consents given in session, from now. */
static void
plan(struct app *app, const char *office, const char *session)
{
	const struct conf_office *o = conf_office(app->conf, office);
	static const char *const kinds[] = {"rating", "news"};
	sqlite3_stmt *st;
	int64_t now = store_now();
	size_t k;

	if (o == NULL || session == NULL)
		return;
	for (k = 0; k < nitems(kinds); k++) {
		int days = k == 0 ? o->followup_rating : o->followup_news;

		if (days == 0)
			continue;
		st = store_stmt(app->store, "INSERT OR IGNORE INTO followups "
		    "(consent, kind, due) SELECT id, ?, ? FROM consents WHERE "
		    "session = ? AND withdrawn IS NULL");
		if (st == NULL)
			continue;
		store_bind_text(st, 1, kinds[k]);
		sqlite3_bind_int64(st, 2, now + (int64_t)days * DAY);
		store_bind_text(st, 3, session);
		store_step(app->store, st);
	}
}

/* A request was answered: plan the follow-ups of its consents. */
static int
on_answered(struct app *app, struct event *ev, void *ud)
{
	sqlite3_stmt *st = store_stmt(app->store, "SELECT session FROM "
	    "requests WHERE id = ?");
	char *session = NULL;

	(void)ud;
	if (st == NULL)
		return EVENT_PASS;
	sqlite3_bind_int64(st, 1, ev->rowid);
	if (store_row(app->store, st) == 1)
		session = store_col_text(st, 0);
	sqlite3_reset(st);
	plan(app, ev->office, session);
	free(session);
	return EVENT_PASS;
}

/* The end of a chat: the survey's question is asked; ask for consent
 * too when the visitor gave an address in the pre-chat form. */
static int
on_ended(struct app *app, struct event *ev, void *ud)
{
	struct conv *cv = ev->conv;

	(void)ud;
	if (cv->email && cv->counsellor && !followup_consented(app, cv->id))
		ask(app, cv, cv->email, "email", 1);
	return EVENT_PASS;
}

/* A chat closed: its consent (if any) plans the follow-ups from now; a
 * question left unanswered is forgotten. */
static int
on_closed(struct app *app, struct event *ev, void *ud)
{
	struct conv *cv = ev->conv;
	struct ask *a = ask_find(cv->id);

	(void)ud;
	if (a)
		ask_drop(a);
	if (cv->counsellor)
		plan(app, cv->office, cv->id);
	return EVENT_PASS;
}

/* One due follow-up, as read from the store. */
struct due {
	int64_t id;
	char *kind, *office, *session, *contact, *contact_kind, *lang;
	char *counsellor;
};

static void
due_free(struct due *d)
{
	free(d->kind);
	free(d->office);
	free(d->session);
	free(d->contact);
	free(d->contact_kind);
	free(d->lang);
	free(d->counsellor);
}

/* Writes follow-up d; committed as sent before an XMPP one leaves. */
static void
send_one(struct app *app, const struct due *d)
{
	const struct conf_office *o = conf_office(app->conf, d->office);
	const struct conf_counsellor *c = d->counsellor ?
	    conf_counsellor_by_jid(app->conf, d->counsellor) : NULL;
	const struct conf_smtp *relay = outbox_relay(app->conf, d->office);
	int rating = strcmp(d->kind, "rating") == 0;
	const char *persona = c ? c->name : (o ? o->name : d->office);
	const char *oname = o ? o->name : d->office;
	int email = strcmp(d->contact_kind, "email") == 0;
	char *main_text, *stop, *subject, *body;
	sqlite3_stmt *st;
	int64_t q = 1;

	main_text = rating ? mail_text_format(d->lang, MT_RATING_BODY, persona) :
	    xstrdup(mail_text(d->lang, MT_NEWS_BODY));
	if (email)
		stop = mail_text_format(d->lang, MT_STOP_EMAIL, o && o->contact &&
		    strchr(o->contact, '@') ? o->contact : relay ? relay->from :
		    "-");
	else
		stop = xstrdup(mail_text(d->lang, MT_STOP_XMPP));
	subject = mail_text_format(d->lang, rating ? MT_RATING_SUBJECT :
	    MT_NEWS_SUBJECT, oname);
	if (store_begin(app->store) != ACCUEIL_OK)
		goto out;
	if (email) {
		struct mailer_mail m;
		char *hello = mailer_hello(d->lang, NULL);

		body = xasprintf("%s\n\n%s\n\n%s", hello, main_text, stop);
		free(hello);
		memset(&m, 0, sizeof(m));
		m.office = d->office;
		m.kind = "followup";
		m.ref = d->id;
		m.session = d->session;
		m.counsellor = d->counsellor;
		m.lang = d->lang;
		m.to = d->contact;
		m.subject = subject;
		m.body = body;
		m.persona = persona;
		q = mailer_send(app, &m);
		free(body);
	}
	st = store_stmt(app->store, "UPDATE followups SET state = ?, sent = ? "
	    "WHERE id = ? AND state = 'planned'");
	if (st) {
		store_bind_text(st, 1, q > 0 ? "sent" : "failed");
		sqlite3_bind_int64(st, 2, store_now());
		sqlite3_bind_int64(st, 3, d->id);
	}
	if (store_step(app->store, st) < 0 || store_commit(app->store) !=
	    ACCUEIL_OK) {
		store_rollback(app->store);
		goto out;
	}
	log_info("followup %lld (%s) %s by %s", (long long)d->id, d->kind,
	    q > 0 ? "sent" : "not sent (no relay or bad address)",
	    email ? "e-mail" : "XMPP");
	if (!email) {
		char *desk = xasprintf("%s@%s", d->office, app->conf->domain);

		body = xasprintf("%s\n\n%s\n— %s, %s\n\n%s", subject, main_text,
		    persona, oname, stop);
		stanza_send(app, stanza_message(app, desk, d->contact, "chat",
		    body));
		free(body);
		free(desk);
	}
out:
	free(main_text);
	free(stop);
	free(subject);
}

int
followup_tick(void *ud)
{
	struct app *app = ud;
	sqlite3_stmt *st;
	struct due d[16];
	size_t n = 0, i;
	int64_t now = store_now();

	/* unanswered consent questions: no consent */
	for (i = 0; i < nasks; ) {
		if (now - asks[i].at > ASK_WAIT) {
			struct conv *cv = registry_find(asks[i].session);

			if (cv && !cv->close_pending && !asks[i].chat)
				conv_close_soon(cv, "offline-request");
			ask_drop(&asks[i]);
		} else
			i++;
	}
	st = store_stmt(app->store, "SELECT f.id, f.kind, c.office, c.session, "
	    "c.contact, c.contact_kind, c.lang, coalesce((SELECT r.counsellor "
	    "FROM requests r WHERE r.session = c.session AND r.counsellor IS "
	    "NOT NULL ORDER BY r.id DESC LIMIT 1), (SELECT s.counsellor FROM "
	    "sessions s WHERE s.id = c.session)) FROM followups f JOIN consents c "
	    "ON c.id = f.consent WHERE f.state = 'planned' AND f.due <= ? AND "
	    "c.withdrawn IS NULL ORDER BY f.due, f.id LIMIT 16");
	if (st == NULL)
		return 1;
	sqlite3_bind_int64(st, 1, now);
	while (n < nitems(d) && store_row(app->store, st) == 1) {
		d[n].id = sqlite3_column_int64(st, 0);
		d[n].kind = store_col_text(st, 1);
		d[n].office = store_col_text(st, 2);
		d[n].session = store_col_text(st, 3);
		d[n].contact = store_col_text(st, 4);
		d[n].contact_kind = store_col_text(st, 5);
		d[n].lang = store_col_text(st, 6);
		d[n].counsellor = store_col_text(st, 7);
		n++;
	}
	sqlite3_reset(st);
	for (i = 0; i < n; i++) {
		send_one(app, &d[i]);
		due_free(&d[i]);
	}
	return 1;
}

/* Stores rating r from contact for its last rating follow-up. 0 or -1. */
static int
store_rating(struct app *app, const char *contact, int r, const char *rest)
{
	sqlite3_stmt *st = store_stmt(app->store, "SELECT f.id, c.session, "
	    "c.office FROM followups f JOIN consents c ON c.id = f.consent "
	    "WHERE c.contact = ? AND c.withdrawn IS NULL AND f.kind = 'rating' "
	    "AND f.state = 'sent' AND f.rating IS NULL ORDER BY f.sent DESC "
	    "LIMIT 1");
	int64_t id;
	char *session, *office;

	if (st == NULL)
		return -1;
	store_bind_text(st, 1, contact);
	if (store_row(app->store, st) != 1)
		return -1;
	id = sqlite3_column_int64(st, 0);
	session = store_col_text(st, 1);
	office = store_col_text(st, 2);
	sqlite3_reset(st);
	if (store_begin(app->store) != ACCUEIL_OK)
		goto fail;
	st = store_stmt(app->store, "UPDATE followups SET rating = ? WHERE "
	    "id = ?");
	if (st) {
		sqlite3_bind_int(st, 1, r);
		sqlite3_bind_int64(st, 2, id);
	}
	if (store_step(app->store, st) < 0)
		goto fail;
	/* like the in-chat survey: on the session, and in the statistics */
	st = store_stmt(app->store, "UPDATE sessions SET rating = ?, "
	    "comment = coalesce(?, comment) WHERE id = ?");
	if (st) {
		sqlite3_bind_int(st, 1, r);
		store_bind_text(st, 2, rest && *rest ? rest : NULL);
		store_bind_text(st, 3, session);
	}
	if (store_step(app->store, st) < 0 || store_event(app->store, office,
	    session, "followup-rated", NULL) != ACCUEIL_OK ||
	    store_commit(app->store) != ACCUEIL_OK)
		goto fail;
	log_info("followup %lld: rated %d", (long long)id, r);
	free(session);
	free(office);
	return 0;
fail:
	store_rollback(app->store);
	free(session);
	free(office);
	return -1;
}

/* The language of contact's last consent (caller frees), or NULL. */
static char *
consent_lang(struct app *app, const char *contact)
{
	sqlite3_stmt *st = store_stmt(app->store, "SELECT lang FROM consents "
	    "WHERE contact = ? AND contact_kind = 'xmpp' AND withdrawn IS "
	    "NULL ORDER BY id DESC LIMIT 1");
	char *lang = NULL;

	if (st == NULL)
		return NULL;
	store_bind_text(st, 1, contact);
	if (store_row(app->store, st) == 1)
		lang = store_col_text(st, 0);
	sqlite3_reset(st);
	return lang;
}

int
followup_route(struct app *app, xmpp_stanza_t *st, const struct route *r)
{
	const char *type = xmpp_stanza_get_type(st), *rest;
	char *body, *lang, *from = NULL, *text = NULL, *p;
	int rating;

	if (r->kind != ROUTE_OFFICE || strcmp(xmpp_stanza_get_name(st),
	    "message") != 0 || (type && strcmp(type, "chat") != 0 &&
	    strcmp(type, "normal") != 0))
		return ROUTE_PASS;
	if ((lang = consent_lang(app, stanza_bare(r->from))) == NULL)
		return ROUTE_PASS;
	if ((body = stanza_body_dup(st)) == NULL) {
		free(lang);
		return ROUTE_PASS;
	}
	for (p = body; isspace((unsigned char)*p); p++)
		;
	if (strncasecmp(p, "stop", 4) == 0 && (p[4] == '\0' ||
	    !isalpha((unsigned char)p[4]))) {
		if (followup_withdraw(app, stanza_bare(r->from)) >= 0)
			text = xstrdup(mail_text(lang, MT_WITHDRAWN));
	} else if ((rating = survey_parse(p, &rest)) > 0 &&
	    store_rating(app, stanza_bare(r->from), rating, rest) == 0)
		text = mail_text_format(lang, MT_RATED, rating);
	if (text) {
		from = xasprintf("%s@%s", r->local, app->conf->domain);
		stanza_send(app, stanza_message(app, from, r->from, "chat",
		    text));
	}
	free(from);
	free(body);
	free(lang);
	if (text == NULL)
		return ROUTE_PASS;	/* a new question: the desk's */
	free(text);
	return ROUTE_HANDLED;
}

void
followup_init(void)
{
	/* before offline.c and the survey (50) */
	event_hook(EV_VISITOR_TEXT, on_visitor_text, 60, NULL);
	event_hook(EV_REQUEST_ANSWERED, on_answered, 0, NULL);
	/* after the survey's question (0) and the transcript's offer */
	event_hook(EV_CONV_ENDED, on_ended, -20, NULL);
	event_hook(EV_CONV_CLOSED, on_closed, 0, NULL);
}
