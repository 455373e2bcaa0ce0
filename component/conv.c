/*
 * conv.c: the conversation state machine (conv.h).
 *
 * Each transition saves what changed, recounts the registry and fires
 * its event; the texts of the transitions themselves (greeting, "Claire
 * is with you", hand-over) are posted here, those of the jobs around
 * (survey form, offline requests, hints) by their modules.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "app.h"
#include "catalog.h"
#include "conf.h"
#include "conv.h"
#include "convdb.h"
#include "event.h"
#include "lang.h"
#include "link.h"
#include "log.h"
#include "msgdb.h"
#include "office.h"
#include "registry.h"
#include "relay.h"
#include "room.h"
#include "room_setup.h"
#include "stanza.h"
#include "store.h"
#include "util.h"

#define SETUP_RETRY 15		/* seconds before a stuck set-up restarts */
#define VISITOR_GRACE 600	/* seconds an active visitor may be away */
#define AWAY_GRACE 90		/* default of <office away-grace> */
#define SURVEY_WAIT 600		/* seconds the survey waits for an answer */
#define SURVEY_LEFT 60		/* ... once the visitor has left */
#define SEEN_WAIT 60		/* a closing room waits for its visitor */
#define SEEN_READ 3		/* ... then leaves them time to read */

static const struct conf_counsellor *
holder(struct app *app, struct conv *cv)
{
	return cv->counsellor ? conf_counsellor_by_jid(app->conf,
	    cv->counsellor) : NULL;
}

void
conv_tell_holder(struct app *app, struct conv *cv, enum msg m)
{
	const struct conf_counsellor *c = holder(app, cv);

	if (c)
		relay_notice_msg(app, cv, c, m);
}

long
conv_away_grace(struct app *app, const struct conv *cv)
{
	const struct conf_office *o = conf_office(app->conf, cv->office);

	if (cv->state != CONV_WAITING)
		return VISITOR_GRACE;
	return o && o->away_grace > 0 ? o->away_grace : AWAY_GRACE;
}

void
conv_invite(struct app *app, struct conv *cv)
{
	const struct conf_office *o = conf_office(app->conf, cv->office);
	char *from = xasprintf("%s@%s", cv->office, app->conf->domain);
	char text[1024];
	xmpp_stanza_t *m, *x;

	catalog_format(text, sizeof(text), cv->lang, MSG_INVITE,
	    conf_office_name(o, cv->lang, cv->office), cv->room, cv->password);
	m = stanza_message(app, from, cv->visitor, "normal", text);
	x = stanza_add(m, "x", NS_CONFERENCE);
	xmpp_stanza_set_attribute(x, "jid", cv->room);
	xmpp_stanza_set_attribute(x, "password", cv->password);
	xmpp_stanza_set_attribute(x, "reason", text);
	stanza_send(app, m);
	free(from);
}

/* The bot is in the room: invite and greet (first time), send what waits. */
static int
on_joined(struct app *app, struct event *ev, void *ud)
{
	struct conv *cv = ev->conv;
	const struct conf_office *o = conf_office(app->conf, cv->office);
	char *text;

	(void)ud;
	if (ev->flag == 1)
		return EVENT_PASS;
	if (!cv->invited) {
		cv->invited = 1;
		registry_update(cv);	/* now in its queue */
		convdb_save(app, cv);
		conv_invite(app, cv);
		text = catalog_aformat(cv->lang, cv->name ? MSG_GREET_NAMED :
		    MSG_GREET, cv->name ? cv->name : "", room_bot_nick(app, cv),
		    conf_office_name(o, cv->lang, cv->office));
		relay_bot_say(app, cv, text);
		free(text);
		if (cv->question && *cv->question) {
			text = catalog_aformat(cv->lang, MSG_YOUR_QUESTION,
			    cv->question);
			relay_bot_say(app, cv, text);
			free(text);
		}
		if (o && office_is_open(o, store_now()))
			relay_bot_say(app, cv, catalog_text(cv->lang,
			    MSG_NEXT_STEP));
		if (cv->state == CONV_WAITING)
			event_conv(app, EV_CONV_READY, cv, NULL);
	}
	if (cv->state == CONV_ACTIVE && !cv->persona_joined)
		room_join_persona(app, cv);
	return EVENT_PASS;
}

static int
on_away(struct app *app, struct event *ev, void *ud)
{
	struct conv *cv = ev->conv;

	(void)ud;
	if (cv->state == CONV_ACTIVE && cv->counsellor) {
		conv_tell_holder(app, cv, MSG_VISITOR_LEFT);
		cv->told_left = 1;
	}
	if (cv->state == CONV_WAITING) {
		log_info("session %s: the visitor left the queue (place "
		    "kept %ld s)", cv->id, conv_away_grace(app, cv));
		event_conv(app, EV_QUEUE_CHANGED, cv, NULL);
	}
	return EVENT_PASS;
}

static int
on_back(struct app *app, struct event *ev, void *ud)
{
	struct conv *cv = ev->conv;

	(void)ud;
	if (cv->close_on_join) {
		cv->close_on_join = 0;
		cv->close_at = store_now() + SEEN_READ;
	}
	if (cv->told_left && cv->counsellor) {
		cv->told_left = 0;
		conv_tell_holder(app, cv, MSG_VISITOR_BACK);
	}
	if (cv->state == CONV_WAITING)
		event_conv(app, EV_QUEUE_CHANGED, cv, NULL);
	return EVENT_PASS;
}

void
conv_init(void)
{
	event_hook(EV_ROOM_JOINED, on_joined, 0, NULL);
	event_hook(EV_VISITOR_AWAY, on_away, 0, NULL);
	event_hook(EV_VISITOR_BACK, on_back, 0, NULL);
}

static void
loaded(struct app *app, struct conv *cv)
{
	const struct conf_counsellor *c;

	if (conf_office(app->conf, cv->office) == NULL) {
		log_warnx("session %s: office %s is no longer configured; "
		    "it stays in the store", cv->id, cv->office);
		conv_free(cv);
		return;
	}
	cv->left_at = store_now();
	if (cv->state == CONV_SURVEY && cv->survey_at == 0)
		cv->survey_at = store_now();
	if ((c = holder(app, cv)) != NULL)
		cv->persona_nick = xstrdup(c->name);
	registry_add(cv);
}

void
conv_load(struct app *app)
{
	int n = convdb_load(app, loaded);

	if (n > 0)
		log_info("session: %zu open resumed", registry_count());
}

int
conv_start(struct app *app, struct conv *cv, const char *email,
    const char *interests, int consent, const char *origin)
{
	if (convdb_insert(app, cv, email, interests, consent, origin) < 0)
		return -1;
	registry_add(cv);
	log_info("session %s: started at %s (lang %s from %s)", cv->id,
	    cv->office, cv->lang, cv->lang_source);
	event_conv(app, EV_CONV_NEW, cv, NULL);
	event_conv(app, EV_QUEUE_CHANGED, cv, NULL);
	room_setup_start(app, cv);
	return 0;
}

/* Taken in a fallback language: the visitor is told which. */
static void
tell_fallback(struct app *app, struct conv *cv, const struct conf_counsellor *c)
{
	const struct conf_office *o = conf_office(app->conf, cv->office);
	const char *l = c->languages.n ? c->languages.v[0] : "fr";
	char *text;
	size_t i;

	for (i = 0; o && i < o->fallback_langs.n; i++)
		if (strlist_has(&c->languages, o->fallback_langs.v[i])) {
			l = o->fallback_langs.v[i];
			break;
		}
	text = catalog_aformat(cv->lang, MSG_LANG_FALLBACK, lang_name_in(
	    cv->lang, l));
	relay_bot_say(app, cv, text);
	free(text);
}

static void
send_context(struct app *app, struct conv *cv, const struct conf_counsellor *c)
{
	struct buf b = {0};

	buf_append(&b, catalog_text(relay_staff_lang(c), MSG_CONTEXT));
	msgdb_context(app, cv, &b);
	relay_notice(app, cv, c, b.s);
	buf_free(&b);
}

void
conv_take(struct app *app, struct conv *cv, const struct conf_counsellor *c)
{
	const struct conf_counsellor *old = cv->state == CONV_ACTIVE ?
	    holder(app, cv) : NULL;
	int was_waiting = cv->state == CONV_WAITING;
	char *text;

	if (old) {
		/* a transfer: the old persona leaves, the new one comes */
		room_leave_persona(app, cv);
		free(cv->transfer_from);
		cv->transfer_from = xstrdup(old->jid);
		text = catalog_aformat(relay_staff_lang(old), MSG_TRANSFERRED,
		    c->name);
		relay_notice(app, cv, old, text);
		free(text);
	}
	free(cv->counsellor);
	free(cv->persona);
	free(cv->persona_nick);
	free(cv->transfer_to);
	cv->transfer_to = NULL;
	cv->counsellor = xstrdup(c->jid);
	cv->persona = xstrdup(c->persona);
	cv->persona_nick = xstrdup(c->name);
	cv->persona_nick_tries = 0;
	cv->state = CONV_ACTIVE;
	convdb_save(app, cv);
	registry_update(cv);
	if (old)
		text = catalog_aformat(cv->lang, MSG_HANDOVER, c->name);
	else {
		text = catalog_aformat(cv->lang, MSG_TAKEN, c->name,
		    conf_title(c, cv->lang) ? conf_title(c, cv->lang) : "");
		if (conf_title(c, cv->lang) == NULL) {
			char *paren = strstr(text, " ()");

			if (paren)
				memmove(paren, paren + 3, strlen(paren + 3) + 1);
		}
	}
	relay_bot_say(app, cv, text);
	free(text);
	if (!strlist_has(&c->languages, cv->lang))
		tell_fallback(app, cv, c);
	text = catalog_aformat(relay_staff_lang(c), MSG_TAKEN_BY_YOU, c->name);
	relay_notice(app, cv, c, text);
	free(text);
	if (old)
		send_context(app, cv, c);
	{
		struct event ev;

		event_prepare(&ev, EV_CONV_TAKEN, cv, c);
		ev.text = old ? "transfer" : NULL;
		event_fire(app, &ev);
	}
	if (was_waiting)
		event_conv(app, EV_QUEUE_CHANGED, cv, NULL);
	room_join_persona(app, cv);
	/* what the visitor added since the offer */
	relay_flush(app, cv);
}

void
conv_transfer(struct app *app, struct conv *cv, const struct conf_counsellor *c,
    const char *target)
{
	free(cv->transfer_to);
	cv->transfer_to = xstrdup(target);
	free(cv->transfer_from);
	cv->transfer_from = xstrdup(c->jid);
	convdb_save(app, cv);
	store_event(app->store, cv->office, cv->id, "transfer-asked", target);
	{
		struct event ev;

		event_prepare(&ev, EV_CONV_TRANSFER, cv, c);
		ev.text = target;
		event_fire(app, &ev);
	}
}

void
conv_transfer_failed(struct app *app, struct conv *cv)
{
	free(cv->transfer_to);
	cv->transfer_to = NULL;
	convdb_save(app, cv);
	store_event(app->store, cv->office, cv->id, "transfer-failed", NULL);
	conv_tell_holder(app, cv, MSG_TRANSFER_FAILED);
}

void
conv_end(struct app *app, struct conv *cv)
{
	room_leave_persona(app, cv);
	cv->state = CONV_SURVEY;
	cv->survey_at = store_now();
	convdb_save(app, cv);
	registry_update(cv);
	event_conv(app, EV_CONV_ENDED, cv, NULL);
}

void
conv_go_offline(struct app *app, struct conv *cv, const char *reason)
{
	if (cv->state != CONV_WAITING)
		return;
	cv->state = CONV_OFFLINE;
	convdb_save(app, cv);
	registry_update(cv);
	store_event(app->store, cv->office, cv->id, "offline", reason);
	log_info("session %s: offline request (%s)", cv->id, reason);
	event_conv(app, EV_QUEUE_CHANGED, cv, NULL);
	event_conv(app, EV_CONV_OFFLINE, cv, reason);
}

void
conv_close(struct app *app, struct conv *cv, const char *reason)
{
	int was_waiting = cv->state == CONV_WAITING;

	if (cv->closed)
		return;
	convdb_close(app, cv, reason);
	room_leave_persona(app, cv);
	room_destroy(app, cv);
	cv->state = CONV_CLOSED;
	cv->close_pending = reason;	/* logged at the reap: conv_reap() */
	registry_remove(cv);
	event_conv(app, EV_CONV_CLOSED, cv, reason);
	if (was_waiting)
		event_conv(app, EV_QUEUE_CHANGED, cv, NULL);
}

void
conv_close_soon(struct conv *cv, const char *reason)
{
	cv->close_pending = reason;
	/* a visitor not yet in the room first reads what was said */
	cv->close_on_join = cv->visitors == 0;
	cv->close_at = cv->close_on_join ? store_now() + SEEN_WAIT : 0;
}

void
conv_set_lang(struct app *app, struct conv *cv, const char *lang,
    const char *source)
{
	log_info("session %s: language %s (%s) -> %s (%s)", cv->id,
	    cv->lang, cv->lang_source ? cv->lang_source : "?", lang, source);
	free(cv->lang);
	cv->lang = xstrdup(lang);
	free(cv->lang_source);
	cv->lang_source = xstrdup(source);
	convdb_save(app, cv);
	registry_update(cv);
	store_event(app->store, cv->office, cv->id, "lang-corrected", cv->lang);
	if (cv->state == CONV_WAITING) {
		/* offers in the wrong language go; new ones follow */
		event_conv(app, EV_CONV_REQUEUE, cv, NULL);
		event_conv(app, EV_QUEUE_CHANGED, cv, NULL);
	}
}

void
conv_queue_notice(struct app *app, struct conv *cv, int position, long wait)
{
	xmpp_stanza_t *q;
	char *text, n[32];

	if (cv->state != CONV_WAITING)
		return;
	if (position <= 1 && wait < 60)
		text = catalog_aformat(cv->lang, MSG_QUEUE_NOW);
	else
		text = catalog_aformat(cv->lang, MSG_QUEUE, position,
		    (wait + 59) / 60);
	q = xmpp_stanza_new(app->ctx);
	xmpp_stanza_set_name(q, "queue");
	xmpp_stanza_set_ns(q, "urn:accueil:queue:0");
	snprintf(n, sizeof(n), "%d", position);
	xmpp_stanza_set_attribute(q, "position", n);
	snprintf(n, sizeof(n), "%ld", wait);
	xmpp_stanza_set_attribute(q, "wait", n);
	relay_bot_post(app, cv, text, &q, 1);
	free(text);
}

void
conv_mark_alerted(struct app *app, struct conv *cv)
{
	cv->alerted = 1;
	convdb_save(app, cv);
}

int
conv_admin_close(struct app *app, const char *id)
{
	struct conv *cv = registry_find(id);

	if (cv == NULL)
		return -1;
	conv_tell_holder(app, cv, MSG_ENDED);
	relay_bot_say(app, cv, catalog_text(cv->lang, MSG_GOODBYE));
	conv_close(app, cv, "admin");
	return 0;
}

/* ---- life cycle ---------------------------------------------------------- */

void
conv_resync(struct app *app)
{
	struct conv **v;
	size_t n, i;

	v = registry_list(&n);
	for (i = 0; i < n; i++) {
		struct conv *cv = v[i];

		cv->bot_joined = cv->persona_joined = 0;
		cv->visitors = 0;
		cv->left_at = store_now();
		if (!cv->setup_done) {
			room_setup_start(app, cv);
			continue;
		}
		/*
		 * Leave first: a MUC that still counts us in takes a join as
		 * a presence update. What the visitor wrote meanwhile comes
		 * from the archive once the bot is back (relay.c).
		 */
		room_leave_all(app, cv);
		room_join_bot(app, cv);
	}
	free(v);
}

void
conv_link_down(struct app *app)
{
	struct conv **v;
	size_t n, i;

	(void)app;
	relay_link_down();
	v = registry_list(&n);
	for (i = 0; i < n; i++) {
		v[i]->bot_joined = v[i]->persona_joined = 0;
		v[i]->catching_up = 0;
		if (v[i]->setup != ROOM_SETUP_DONE)
			v[i]->setup = ROOM_SETUP_NONE;
	}
	free(v);
}

/* One conversation's timeouts; returns 1 if it was closed. */
static int
tick_one(struct app *app, struct conv *cv, int64_t now)
{
	if (cv->close_pending && now >= cv->close_at) {
		conv_close(app, cv, cv->close_pending);
		return 1;
	}
	if (!cv->setup_done) {
		if (cv->setup == ROOM_SETUP_NONE || now - cv->setup_at >
		    SETUP_RETRY)
			room_setup_start(app, cv);
		return 0;
	}
	if (!cv->bot_joined) {
		if (now - cv->setup_at > 5) {
			cv->setup_at = now;
			room_join_bot(app, cv);
		}
		return 0;
	}
	if (cv->state == CONV_ACTIVE && !cv->persona_joined &&
	    now - cv->setup_at > 5) {
		cv->setup_at = now;
		room_join_persona(app, cv);
	}
	if (cv->state == CONV_SURVEY && (now - cv->survey_at > SURVEY_WAIT ||
	    (cv->visitors == 0 && cv->left_at && now - cv->left_at >
	    SURVEY_LEFT))) {
		relay_bot_say(app, cv, catalog_text(cv->lang, MSG_GOODBYE));
		conv_close(app, cv, "survey-unanswered");
		return 1;
	}
	if (cv->visitors == 0 && cv->left_at && now - cv->left_at >
	    conv_away_grace(app, cv)) {
		if (cv->state == CONV_ACTIVE)
			conv_tell_holder(app, cv, MSG_VISITOR_GONE);
		/* left before anyone answered: abandoned */
		conv_close(app, cv, cv->state == CONV_ACTIVE ? "visitor-gone" :
		    "abandoned");
		return 1;
	}
	return 0;
}

int
conv_tick(void *ud)
{
	struct app *app = ud;
	int64_t now = store_now();
	struct conv **v;
	size_t n, i;

	if (!link_is_up(app->link))
		return 1;
	v = registry_list(&n);
	for (i = 0; i < n; i++)
		if (!v[i]->closed)
			tick_one(app, v[i], now);
	free(v);
	return 1;
}

static void
reaped(struct conv *cv)
{
	log_info("session %s: closed (%s)", cv->id, cv->close_pending ?
	    cv->close_pending : "?");
}

void
conv_reap(struct app *app)
{
	(void)app;
	registry_reap(reaped);
}

void
conv_shutdown(struct app *app)
{
	struct conv **v;
	size_t n, i;

	v = registry_list(&n);
	for (i = 0; i < n; i++) {
		if (v[i]->persona_joined)
			room_leave_persona(app, v[i]);
		if (v[i]->bot_joined)
			room_leave_all(app, v[i]);
	}
	free(v);
}

void
conv_free_all(void)
{
	registry_free_all();
}
