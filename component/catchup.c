/*
 * catchup.c: the room's lines coming in (catchup.h).
 *
 * Live lines are read from the bot's copy; after every (re)join of the
 * bot, the room's archive is paged after the last stanza-id seen, and
 * the live lines arriving meanwhile are held, then read after it, so
 * the counsellor gets everything in order. A line is stored before
 * anything else happens to it (relay.h), once.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "app.h"
#include "catchup.h"
#include "conf.h"
#include "convdb.h"
#include "event.h"
#include "log.h"
#include "mam.h"
#include "msgdb.h"
#include "registry.h"
#include "relay.h"
#include "room.h"
#include "router.h"
#include "stanza.h"
#include "store.h"
#include "text.h"
#include "util.h"

#define MAM_MAX_PAGES 2000	/* pages of one catch-up, at most */
#define STORE_TELL_EVERY 10	/* seconds between store-failure notices */
#define HELD_MAX 5000		/* lines held for one room, at most (the
				 * rest is read from the archive) */

enum origin { LINE_LIVE = 1, LINE_ARCHIVE = 0, LINE_HISTORY = -1 };

/* ---- from the room ----------------------------------------------------- */

static const char *const chatstates[] = {"active", "composing", "paused",
    "inactive", "gone"};

static const char *
chatstate_of(xmpp_stanza_t *m)
{
	size_t i;

	for (i = 0; i < nitems(chatstates); i++)
		if (stanza_child(m, chatstates[i], NS_CHATSTATES))
			return chatstates[i];
	return NULL;
}

/* The visitor could not be heard: tell both sides, not too often. */
static void
store_failed(struct app *app, struct conv *cv)
{
	const struct conf_counsellor *c;
	int64_t now = store_now();

	if (cv->store_told && now - cv->store_told < STORE_TELL_EVERY)
		return;
	cv->store_told = now;
	log_warnx("session %s: a visitor message could not be stored; "
	    "the visitor is asked to send it again", cv->id);
	if (cv->bot_joined)
		room_send(app, cv, NULL, catalog_text(cv->lang,
		    MSG_STORE_FAILED), NULL, NULL, NULL, 0);
	if (cv->counsellor && (c = conf_counsellor_by_jid(app->conf,
	    cv->counsellor)) != NULL)
		relay_notice_msg(app, cv, c, MSG_STORE_FAILED_STAFF);
}

/*
 * The replay key of a line: the sender's id when it has one (a client
 * sending the same id twice means the same line); for a history line
 * without ids, its text and time. Live lines with a stanza-id need none.
 */
static char *
replay_key(xmpp_stanza_t *st, const char *nick, const char *body,
    const char *sid, const char *stamp, int origin)
{
	const char *id = xmpp_stanza_get_id(st);
	unsigned long h = 5381;
	const char *p;

	if (id)
		return xasprintf("id:%s:%s", nick, id);
	if (sid || origin == LINE_LIVE)
		return NULL;
	for (p = body; *p; p++)
		h = h * 33 + (unsigned char)*p;
	return xasprintf("h:%s:%lx:%s", nick, h, stamp ? stamp : "");
}

static void
visitor_line(struct app *app, struct conv *cv, xmpp_stanza_t *st,
    const char *nick, const char *sid, const char *stamp, int origin)
{
	struct msgdb_msg m = {.role = "visitor"};
	xmpp_stanza_t *rep;
	char *body, *key, *relay, *rep_id = NULL;
	struct event ev;
	int64_t row;
	int cut, rc;

	body = stanza_body_dup(st);
	if (body == NULL || str_blank(body)) {
		const char *cs = chatstate_of(st);

		if (cs && origin == LINE_LIVE && stanza_child(st, "delay",
		    NS_DELAY) == NULL && relay_can(app, cv))
			relay_to_counsellor(app, cv, NULL, NULL, NULL, cs, 0);
		free(body);
		return;
	}
	if (stamp == NULL) {
		xmpp_stanza_t *d = stanza_child(st, "delay", NS_DELAY);

		stamp = d ? xmpp_stanza_get_attribute(d, "stamp") : NULL;
	}
	cut = strlen(body) > RELAY_MAX_BODY;
	text_cut(body, RELAY_MAX_BODY);
	key = replay_key(st, nick, body, sid, stamp, origin);
	relay = stanza_new_id();
	if ((rep = stanza_child(st, "replace", NS_CORRECT)) != NULL &&
	    xmpp_stanza_get_attribute(rep, "id"))
		rep_id = msgdb_relay_id_of(app, cv, "visitor",
		    xmpp_stanza_get_attribute(rep, "id"), &m.corrects);
	m.body = body;
	m.origin_id = xmpp_stanza_get_id(st);
	m.relay_id = relay;
	m.room_key = key;
	m.stanza_id = sid;
	rc = msgdb_store(app, cv, &m, &row);
	if (rc < 0) {
		store_failed(app, cv);
		goto out;
	}
	if (sid)
		convdb_set_mam_last(app, cv, sid);
	if (rc == 0)
		goto out;	/* seen before */
	msgdb_test_crash_point(app);
	log_debug("session %s: visitor message stored", cv->id);
	event_prepare(&ev, EV_VISITOR_LINE, cv, NULL);
	ev.text = body;
	ev.rowid = row;
	if (origin == LINE_LIVE && relay_can(app, cv) &&
	    event_fire(app, &ev) == EVENT_HANDLED)
		;	/* held by the rate limit: sent merged, later */
	else if (relay_can(app, cv) && relay_to_counsellor(app, cv, body,
	    relay, rep_id, NULL, row) == 0)
		;	/* written-list: marked relayed once on the socket */
	else if (cv->state == CONV_SURVEY || cv->state == CONV_OFFLINE)
		msgdb_mark_relayed(app, &row, 1);	/* for nobody: done */
	if (cut) {
		char text[512];

		catalog_format(text, sizeof(text), cv->lang, MSG_TOO_LONG,
		    RELAY_MAX_BODY);
		relay_bot_say(app, cv, text);
	}
	event_prepare(&ev, EV_VISITOR_TEXT, cv, NULL);
	ev.text = body;
	ev.stanza = st;
	ev.flag = origin;
	ev.rowid = row;
	event_fire(app, &ev);
out:
	free(rep_id);
	free(relay);
	free(key);
	free(body);
}

void
catchup_visitor_desk(struct app *app, struct conv *cv, xmpp_stanza_t *st)
{
	visitor_line(app, cv, st, "desk", NULL, NULL, LINE_LIVE);
}

/* A message from the room (or an archived one): ours, or the visitor's. */
static void
room_line(struct app *app, struct conv *cv, xmpp_stanza_t *st,
    const char *from, const char *sid, const char *stamp, int origin)
{
	const char *slash = from ? strchr(from, '/') : NULL;

	if (slash == NULL)
		return;	/* the room itself (subject, status) */
	if (room_is_ours(app, cv, slash + 1)) {
		/* the room has it: not sent again (a resend after a kill) */
		relay_seen_ours(app, cv, st);
		if (sid && origin == LINE_LIVE) {
			free(cv->mam_last);	/* remembered with the next line */
			cv->mam_last = xstrdup(sid);
		}
		return;
	}
	visitor_line(app, cv, st, slash + 1, sid, stamp, origin);
}

static void
catch_up_page(struct app *app, struct conv *cv)
{
	char *qid = xasprintf("c%s", cv->id);

	cv->catching_up = 1;
	cv->mam_pages++;
	room_iq(app, cv, "set", "mam", mam_query(app->ctx, qid, cv->mam_last,
	    MAM_PAGE));
	free(qid);
}

/* The catch-up is over: the lines held meanwhile, then what is pending. */
static void
catch_up_done(struct app *app, struct conv *cv)
{
	xmpp_stanza_t **held = cv->held;
	size_t n = cv->nheld, i;

	cv->catching_up = 0;
	cv->held = NULL;
	cv->nheld = 0;
	if (cv->mam_pages > 1)
		log_info("session %s: caught up from the room's archive "
		    "(%d pages)", cv->id, cv->mam_pages);
	for (i = 0; i < n; i++) {
		xmpp_stanza_t *st = held[i];

		if (!cv->closed)
			room_line(app, cv, st, xmpp_stanza_get_from(st),
			    mam_stanza_id(st, cv->room), NULL, LINE_LIVE);
		xmpp_stanza_release(st);
	}
	free(held);
	if (!cv->closed)
		relay_flush(app, cv);
}

static void
archive_answer(struct app *app, struct conv *cv, xmpp_stanza_t *st)
{
	const char *type = xmpp_stanza_get_type(st);
	const char *last;
	int complete;

	if (type && strcmp(type, "error") == 0) {
		log_warnx("session %s: room %s has no usable archive (%s): "
		    "catching up from its history, which may miss lines after "
		    "a long outage; enable mod_muc_mam (Prosody) or mod_mam "
		    "on the MUC host (ejabberd)", cv->id, cv->room,
		    room_error_condition(st));
		cv->no_mam = 1;
		catch_up_done(app, cv);
		/* join again, asking for the history this time */
		room_leave_all(app, cv);
		room_join_bot(app, cv);
		return;
	}
	if (!mam_parse_fin(st, &complete, &last)) {
		catch_up_done(app, cv);
		return;
	}
	if (last)
		convdb_set_mam_last(app, cv, last);
	if (!complete && last && cv->mam_pages < MAM_MAX_PAGES)
		catch_up_page(app, cv);
	else
		catch_up_done(app, cv);
}

static int
on_joined(struct app *app, struct event *ev, void *ud)
{
	struct conv *cv = ev->conv;

	(void)ud;
	if (ev->flag == 1) {	/* the persona: its pending lines only */
		relay_flush(app, cv);
		return EVENT_PASS;
	}
	/*
	 * A room never shown to the visitor has nothing to catch up.
	 * Otherwise our pending posts wait for the archive (relay.c's
	 * flush skips them while catching up): those the room already has
	 * come back in it and are not sent twice. The visitor's pending
	 * lines go to the counsellor now, before the archive's.
	 */
	if (cv->invited && !cv->no_mam) {
		cv->mam_pages = 0;
		catch_up_page(app, cv);
		relay_flush(app, cv);
	} else {
		relay_flush(app, cv);
		if (cv->nheld)
			catch_up_done(app, cv);	/* what came before the join */
	}
	return EVENT_PASS;
}

void
catchup_init(void)
{
	/* before the state machine's greeting, which sets invited */
	event_hook(EV_ROOM_JOINED, on_joined, 10, NULL);
}

int
catchup_route(struct app *app, xmpp_stanza_t *st, const struct route *r)
{
	const char *name = xmpp_stanza_get_name(st);
	const char *type = xmpp_stanza_get_type(st);
	const char *to = xmpp_stanza_get_to(st);
	const char *slash = to ? strchr(to, '/') : NULL;
	struct mam_result mr;
	struct conv *cv;

	if (!room_from_muc(app, r->from))
		return ROUTE_PASS;
	if (strcmp(name, "iq") == 0) {
		const char *id = xmpp_stanza_get_id(st);

		if (id && type && (strcmp(type, "result") == 0 ||
		    strcmp(type, "error") == 0) && relay_barrier_answer(app, id))
			return ROUTE_HANDLED;
		if (id == NULL || strncmp(id, "mam:", 4) != 0)
			return ROUTE_PASS;
		if ((cv = registry_find(id + 4)) != NULL && cv->catching_up)
			archive_answer(app, cv, st);
		return ROUTE_HANDLED;
	}
	if (strcmp(name, "message") != 0)
		return ROUTE_PASS;
	if (slash == NULL || (cv = registry_find(slash + 1)) == NULL)
		return ROUTE_PASS;
	if (type && strcmp(type, "error") == 0) {
		log_warnx("session %s: the room refused a message: %s",
		    cv->id, room_error_condition(st));
		return ROUTE_HANDLED;
	}
	/* the bot's copy of the room's lines is the one read; a private
	 * message (where the server cannot forbid them) counts too */
	if (r->kind != ROUTE_BOT && (type == NULL || strcmp(type,
	    "groupchat") == 0))
		return ROUTE_HANDLED;
	if (mam_parse_result(st, &mr)) {
		if (cv->catching_up)
			room_line(app, cv, mr.message,
			    xmpp_stanza_get_from(mr.message), mr.id, mr.stamp,
			    LINE_ARCHIVE);
		return ROUTE_HANDLED;
	}
	if (cv->catching_up || !cv->bot_joined) {
		/*
		 * After the archive, in order. Before the bot's (re)join too:
		 * after a restart the room may still count our old occupant
		 * in and send us its lines; read now, a line would move
		 * mam_last past the ones sent while we were away, which the
		 * catch-up at the join would then skip (the soak lost them).
		 */
		if (cv->nheld >= HELD_MAX) {
			log_debug("session %s: a line left to the archive",
			    cv->id);
			return ROUTE_HANDLED;
		}
		cv->held = xreallocarray(cv->held, cv->nheld + 1,
		    sizeof(*cv->held));
		cv->held[cv->nheld++] = xmpp_stanza_clone(st);
		return ROUTE_HANDLED;
	}
	room_line(app, cv, st, r->from, mam_stanza_id(st, cv->room), NULL,
	    stanza_child(st, "delay", NS_DELAY) ? LINE_HISTORY : LINE_LIVE);
	return ROUTE_HANDLED;
}
