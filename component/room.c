/*
 * room.c: our occupants in a room, and the visitor's presence there.
 *
 * Room stanzas arrive for each of our occupants; the bot's copy is the
 * one read (the bot is in every room).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "app.h"
#include "catalog.h"
#include "conf.h"
#include "convdb.h"
#include "event.h"
#include "link.h"
#include "log.h"
#include "persona.h"
#include "registry.h"
#include "room.h"
#include "router.h"
#include "stanza.h"
#include "store.h"
#include "util.h"

#define HISTORY_NO_MAM 50	/* room messages asked for without archive */

static const struct conf_bot *
bot_of(struct app *app, const struct conv *cv)
{
	const struct conf_office *o = conf_office(app->conf, cv->office);

	return o ? conf_bot(app->conf, o->bot) : NULL;
}

const char *
room_bot_id(struct app *app, const struct conv *cv)
{
	const struct conf_bot *b = bot_of(app, cv);

	return b ? b->id : NULL;
}

const char *
room_bot_nick(struct app *app, const struct conv *cv)
{
	const struct conf_bot *b = bot_of(app, cv);

	return b ? b->name : "accueil";
}

/* Our occupant JID in the room: local@D/<id>, or D/<id> for local NULL. */
static char *
occupant_jid(struct app *app, const struct conv *cv, const char *local)
{
	if (local)
		return xasprintf("%s@%s/%s", local, app->conf->domain, cv->id);
	return xasprintf("%s/%s", app->conf->domain, cv->id);
}

void
room_join(struct app *app, struct conv *cv, const char *local, const char *nick,
    int history)
{
	char *from = occupant_jid(app, cv, local);
	char *to = xasprintf("%s/%s", cv->room, nick);
	xmpp_stanza_t *p = stanza_presence(app, from, to, NULL);
	xmpp_stanza_t *x = stanza_add(p, "x", NS_MUC);
	xmpp_stanza_t *h;
	char n[16];

	convdb_add_nick(app, cv, nick);
	if (cv->password && local)
		stanza_add_text(x, "password", cv->password);
	h = stanza_add(x, "history", NULL);
	snprintf(n, sizeof(n), "%d", history);
	xmpp_stanza_set_attribute(h, "maxstanzas", n);
	if (local) {
		char *jid = xasprintf("%s@%s", local, app->conf->domain);
		xmpp_stanza_t *pe = stanza_add(p, "persona",
		    "urn:accueil:persona:0");

		persona_add_photo(p, local);
		/* who this occupant is: a persona of ours, never a person's JID */
		xmpp_stanza_set_attribute(pe, "jid", jid);
		xmpp_stanza_set_attribute(pe, "role", conf_bot(app->conf,
		    local) ? "bot" : "counsellor");
		free(jid);
	}
	stanza_send(app, p);
	free(from);
	free(to);
}

void
room_leave(struct app *app, struct conv *cv, const char *local, const char *nick)
{
	char *from = occupant_jid(app, cv, local);
	char *to = xasprintf("%s/%s", cv->room, nick);

	stanza_send(app, stanza_presence(app, from, to, "unavailable"));
	free(from);
	free(to);
}

int
room_send(struct app *app, struct conv *cv, const char *local,
    const char *body, const char *id, const char *replace,
    xmpp_stanza_t **extra, size_t nextra)
{
	char *from = occupant_jid(app, cv, local ? local : room_bot_id(app,
	    cv));
	xmpp_stanza_t *m = xmpp_message_new(app->ctx, "groupchat", cv->room, id);
	enum accueil_err e;
	size_t i;

	xmpp_stanza_set_from(m, from);
	if (body)
		xmpp_message_set_body(m, body);
	if (replace)
		xmpp_stanza_set_attribute(stanza_add(m, "replace", NS_CORRECT),
		    "id", replace);
	for (i = 0; i < nextra; i++) {
		xmpp_stanza_add_child(m, extra[i]);
		xmpp_stanza_release(extra[i]);
	}
	e = link_send(app->link, m);
	xmpp_stanza_release(m);
	free(from);
	return e == ACCUEIL_OK ? 0 : -1;
}

void
room_iq(struct app *app, struct conv *cv, const char *type, const char *step,
    xmpp_stanza_t *query)
{
	char *from = occupant_jid(app, cv, strcmp(step, "mam") == 0 ?
	    room_bot_id(app, cv) : NULL);
	char *id = xasprintf("%s:%s", step, cv->id);
	xmpp_stanza_t *iq = xmpp_iq_new(app->ctx, type, id);

	xmpp_stanza_set_from(iq, from);
	xmpp_stanza_set_to(iq, cv->room);
	xmpp_stanza_add_child(iq, query);
	xmpp_stanza_release(query);
	stanza_send(app, iq);
	free(from);
	free(id);
}

void
room_join_bot(struct app *app, struct conv *cv)
{
	room_join(app, cv, room_bot_id(app, cv), room_bot_nick(app, cv),
	    cv->no_mam ? HISTORY_NO_MAM : 0);
}

void
room_ready(struct app *app, struct conv *cv)
{
	struct event ev;

	cv->setup = ROOM_SETUP_DONE;
	cv->setup_at = store_now();
	cv->bot_joined = 1;
	log_debug("session %s: pool room %s, bot in", cv->id, cv->room);
	event_prepare(&ev, EV_ROOM_JOINED, cv, NULL);
	event_fire(app, &ev);
}

void
room_join_persona(struct app *app, struct conv *cv)
{
	if (cv->persona && cv->persona_nick && cv->bot_joined)
		room_join(app, cv, cv->persona, cv->persona_nick, 0);
}

void
room_leave_persona(struct app *app, struct conv *cv)
{
	if (cv->persona && cv->persona_joined && cv->persona_nick) {
		room_leave(app, cv, cv->persona, cv->persona_nick);
		cv->persona_leaving = 1;
	}
	cv->persona_joined = 0;
}

void
room_leave_all(struct app *app, struct conv *cv)
{
	if (cv->persona && cv->persona_nick)
		room_leave(app, cv, cv->persona, cv->persona_nick);
	room_leave(app, cv, room_bot_id(app, cv), room_bot_nick(app, cv));
	cv->bot_joined = cv->persona_joined = 0;
}

void
room_destroy(struct app *app, struct conv *cv)
{
	xmpp_stanza_t *q = xmpp_stanza_new(app->ctx), *d;

	xmpp_stanza_set_name(q, "query");
	xmpp_stanza_set_ns(q, NS_MUC_OWNER);
	d = stanza_add(q, "destroy", NULL);
	stanza_add_text(d, "reason", catalog_text(cv->lang, MSG_GOODBYE));
	room_iq(app, cv, "set", "destroy", q);
}

int
room_is_ours(struct app *app, const struct conv *cv, const char *nick)
{
	if (strcmp(nick, room_bot_nick(app, cv)) == 0 ||
	    strcmp(nick, ROOM_SETUP_NICK) == 0)
		return 1;
	if (cv->persona_nick && strcmp(nick, cv->persona_nick) == 0)
		return 1;
	return strlist_has(&cv->nicks, nick);
}

int
room_from_muc(struct app *app, const char *from)
{
	const char *at = strchr(from, '@');
	const char *domain = at ? at + 1 : from;
	size_t n = strlen(app->conf->muc);

	return strncasecmp(domain, app->conf->muc, n) == 0 &&
	    (domain[n] == '\0' || domain[n] == '/');
}

const char *
room_error_condition(xmpp_stanza_t *st)
{
	xmpp_stanza_t *e = stanza_child(st, "error", NULL), *c;

	for (c = e ? xmpp_stanza_get_children(e) : NULL; c;
	    c = xmpp_stanza_get_next(c))
		if (xmpp_stanza_is_tag(c) && xmpp_stanza_get_ns(c) &&
		    strcmp(xmpp_stanza_get_ns(c), NS_STANZAS) == 0)
			return xmpp_stanza_get_name(c);
	return "undefined-condition";
}

/* ---- presences ---------------------------------------------------------- */

int
room_has_status(xmpp_stanza_t *x, const char *code)
{
	xmpp_stanza_t *c;

	for (c = x ? xmpp_stanza_get_children(x) : NULL; c;
	    c = xmpp_stanza_get_next(c)) {
		const char *n = xmpp_stanza_get_name(c);
		const char *v = xmpp_stanza_get_attribute(c, "code");

		if (n && strcmp(n, "status") == 0 && v && strcmp(v, code) == 0)
			return 1;
	}
	return 0;
}

static void
presence_error(struct app *app, struct conv *cv, xmpp_stanza_t *st,
    const struct route *r, const char *nick)
{
	const char *cond = room_error_condition(st);

	if (r->kind == ROUTE_PERSONA && !strcmp(cond, "conflict") &&
	    cv->persona_nick_tries++ < 3) {
		char *n = xasprintf("%s (%s)%s", cv->persona_nick ?
		    cv->persona_nick : "?", cv->office,
		    cv->persona_nick_tries > 1 ? "*" : "");

		free(cv->persona_nick);
		cv->persona_nick = n;
		room_join_persona(app, cv);
	} else {
		log_warnx("session %s: cannot join %s as %s: %s", cv->id,
		    cv->room, nick, cond);
		if (r->kind == ROUTE_BOT && (!strcmp(cond, "item-not-found") ||
		    !strcmp(cond, "not-allowed") ||
		    !strcmp(cond, "not-authorized") ||
		    !strcmp(cond, "registration-required"))) {
			/* the room is gone: the next tick creates it again */
			log_info("session %s: room %s gone, set up again",
			    cv->id, cv->room);
			cv->setup_done = 0;
			cv->setup = ROOM_SETUP_NONE;
		}
	}
}

static void
self_presence(struct app *app, struct conv *cv, const struct route *r,
    const char *type, const char *nick)
{
	int joined = type == NULL || strcmp(type, "unavailable") != 0;
	int was = 0;
	struct event ev;

	event_prepare(&ev, EV_ROOM_JOINED, cv, NULL);
	if (r->kind == ROUTE_BOT) {
		was = cv->bot_joined;

		cv->bot_joined = joined;
		if (joined && !was) {
			log_debug("session %s: bot in the room", cv->id);
			event_fire(app, &ev);
		}
	} else if (r->kind == ROUTE_PERSONA && cv->persona &&
	    strcmp(r->local, cv->persona) == 0) {
		was = cv->persona_joined;

		cv->persona_joined = joined;
		if (joined && !was) {
			ev.flag = 1;
			event_fire(app, &ev);
		}
		if (!joined && cv->persona_leaving) {
			cv->persona_leaving = 0;
			return;
		}
	}
	/* gone while we thought it in (not our own leave) */
	if (!joined && was && cv->state != CONV_CLOSED)
		log_info("session %s: %s left %s (kicked or room closed); "
		    "rejoining at the next tick", cv->id, nick, cv->room);
}

static void
visitor_presence(struct app *app, struct conv *cv, const char *type,
    const char *jid)
{
	if (type && strcmp(type, "unavailable") == 0) {
		if (cv->visitors > 0)
			cv->visitors--;
		if (cv->visitors == 0) {
			cv->left_at = store_now();
			cv->absent = 1;
			registry_update(cv);
			store_event(app->store, cv->office, cv->id,
			    "visitor-left", NULL);
			event_conv(app, EV_VISITOR_AWAY, cv, NULL);
		}
		return;
	}
	if (type == NULL) {
		int back = cv->visitors == 0 && cv->absent;

		cv->visitors++;
		cv->left_at = 0;
		cv->absent = 0;
		registry_update(cv);
		if (jid && strcmp(jid, cv->visitor) != 0) {
			registry_set_visitor(cv, jid);
			convdb_save(app, cv);
		}
		if (back)
			store_event(app->store, cv->office, cv->id,
			    "visitor-back", NULL);
		if (cv->visitors == 1) {
			struct event ev;

			event_prepare(&ev, EV_VISITOR_BACK, cv, NULL);
			ev.flag = !back;	/* first seen in the room */
			event_fire(app, &ev);
		}
	}
}

static void
presence(struct app *app, struct conv *cv, xmpp_stanza_t *st,
    const struct route *r, const char *nick)
{
	const char *type = xmpp_stanza_get_type(st);
	xmpp_stanza_t *x = stanza_child(st, "x", NS_MUC_USER);
	xmpp_stanza_t *item = x ? stanza_child(x, "item", NULL) : NULL;
	const char *jid = item ? xmpp_stanza_get_attribute(item, "jid") : NULL;

	if (type && strcmp(type, "error") == 0) {
		presence_error(app, cv, st, r, nick);
		return;
	}
	if (room_has_status(x, "110")) {
		self_presence(app, cv, r, type, nick);
		return;
	}
	/* other occupants: the bot's view is the one that counts */
	if (r->kind != ROUTE_BOT || room_is_ours(app, cv, nick))
		return;
	if (jid && strchr(jid, '@') == NULL)
		return;	/* a component of ours, no visitor */
	visitor_presence(app, cv, type, jid);
}

int
room_route(struct app *app, xmpp_stanza_t *st, const struct route *r)
{
	const char *name = xmpp_stanza_get_name(st);
	const char *to = xmpp_stanza_get_to(st);
	const char *slash = to ? strchr(to, '/') : NULL;
	const char *nick;
	struct conv *cv;

	if (!room_from_muc(app, r->from))
		return ROUTE_PASS;
	if (strcmp(name, "presence") != 0)
		return ROUTE_PASS;
	if (slash == NULL || (cv = registry_find(slash + 1)) == NULL)
		return ROUTE_HANDLED;
	if (r->kind != ROUTE_BOT && r->kind != ROUTE_PERSONA)
		return ROUTE_PASS;	/* the set-up's (room_setup.c) */
	if ((nick = strchr(r->from, '/')) != NULL)
		presence(app, cv, st, r, nick + 1);
	return ROUTE_HANDLED;
}
