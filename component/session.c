/*
 * session.c: visitor sessions, their rooms and the relay.
 *
 * Room set-up (XEP-0045), in order, each step answered by the server:
 *   1. the service JID D/<id> joins <room>@M: the room is created (201);
 *      only the component domain may create rooms (server config);
 *   2. it asks for the configuration form and submits it (hidden, password,
 *      persistent, whois moderators, no PMs where the server has the
 *      field, small max occupants, archive on);
 *   3. it makes the bot JID an owner, then leaves;
 *   4. the bot <bot>@D/<id> joins with the password: the room is ready.
 * Then the visitor gets the invitation and the bot greets them.
 *
 * Room stanzas arrive for each of our occupants; the bot's copy is the one
 * read (the bot is in every room). Messages from our own nicks are echoes.
 */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "app.h"
#include "catalog.h"
#include "clock.h"
#include "command.h"
#include "conf.h"
#include "console.h"
#include "form.h"
#include "link.h"
#include "log.h"
#include "office.h"
#include "persona.h"
#include "plugin.h"
#include "router.h"
#include "routing.h"
#include "session.h"
#include "staff.h"
#include "stanza.h"
#include "store.h"
#include "util.h"
#include "video.h"

#define MAX_BODY 16000		/* bytes relayed from one message */
#define MAX_FIELD 512		/* bytes of one pre-chat form field */
#define SETUP_RETRY 15		/* seconds before a stuck set-up restarts */
#define VISITOR_GRACE 600	/* seconds a visitor may be away */
#define SURVEY_WAIT 600		/* seconds the survey waits for an answer */
#define HISTORY_ON_REJOIN 50	/* room messages asked for after a rejoin */

enum setup {
	SETUP_NONE,		/* nothing under way */
	SETUP_CREATING,		/* creator presence sent */
	SETUP_FORM,		/* configuration form asked for */
	SETUP_SUBMIT,		/* configuration submitted */
	SETUP_OWNER,		/* bot affiliation being set */
	SETUP_DONE,		/* room configured */
};

struct session {
	char *id;		/* v-<hex> */
	char *office;
	char *room;		/* bare room JID */
	char *password;
	char *visitor;		/* last known full JID of the visitor */
	char *lang;
	char *name;
	char *page;
	char *question;
	char *counsellor;	/* bare JID */
	char *persona;		/* persona localpart */
	char *transfer_to;	/* persona or language asked for, or NULL */
	char *transfer_from;	/* bare JID of the counsellor handing over */
	char *lang_source;	/* form, detected, xml:lang, default */
	char *email;		/* from the pre-chat form, with consent */
	enum session_state state;
	int64_t created;
	int64_t seq;		/* store rowid: arrival order */
	int alerted;
	int invited;
	int setup_done;		/* stored: the room exists and is configured */

	/* transient */
	enum setup setup;
	int64_t setup_at;
	int bot_joined, persona_joined;
	int persona_leaving;	/* we asked the persona to leave */
	char *persona_nick;
	int persona_nick_tries;
	int visitors;		/* visitor occupants in the room */
	int64_t left_at;	/* when the last visitor left (0: present) */
	int64_t survey_at;
	int survey_prompts;
	int told_left;
	int contact_prompts;	/* offline: times the contact was asked */
	int coached;		/* editorial hints given (bits) */
	int counsellor_msgs;	/* counsellor messages relayed */
	const char *close_pending;	/* close at the next tick, reason */
};

static struct session **sessions;
static size_t nsessions;

/* ---- small helpers ------------------------------------------------------ */

static struct session *
find(const char *id)
{
	size_t i;

	for (i = 0; id && i < nsessions; i++)
		if (strcmp(sessions[i]->id, id) == 0)
			return sessions[i];
	return NULL;
}

static void
session_free(struct session *s)
{
	if (s == NULL)
		return;
	free(s->id);
	free(s->office);
	free(s->room);
	free(s->password);
	free(s->visitor);
	free(s->lang);
	free(s->name);
	free(s->page);
	free(s->question);
	free(s->counsellor);
	free(s->persona);
	free(s->persona_nick);
	free(s->transfer_to);
	free(s->transfer_from);
	free(s->lang_source);
	free(s->email);
	free(s);
}

static void
forget(struct session *s)
{
	size_t i;

	for (i = 0; i < nsessions; i++)
		if (sessions[i] == s) {
			sessions[i] = sessions[--nsessions];
			break;
		}
	session_free(s);
}

void
session_free_all(void)
{
	size_t i;

	for (i = 0; i < nsessions; i++)
		session_free(sessions[i]);
	free(sessions);
	sessions = NULL;
	nsessions = 0;
}

static void
info_of(const struct session *s, struct session_info *si)
{
	si->id = s->id;
	si->office = s->office;
	si->lang = s->lang;
	si->name = s->name;
	si->page = s->page;
	si->question = s->question;
	si->counsellor = s->counsellor;
	si->visitor = s->visitor;
	si->transfer_to = s->transfer_to;
	si->transfer_from = s->transfer_from;
	si->alerted = s->alerted;
	si->ready = s->invited && s->setup_done;
	si->state = s->state;
	si->created = s->created;
	si->seq = s->seq;
}

static const struct conf_office *
office_of(struct app *app, const struct session *s)
{
	return conf_office(app->conf, s->office);
}

static const struct conf_bot *
bot_of(struct app *app, const struct session *s)
{
	const struct conf_office *o = office_of(app, s);

	return o ? conf_bot(app->conf, o->bot) : NULL;
}

/* Our occupant JID in the room: local@D/<id>, or D/<id> for local NULL. */
static char *
occupant_jid(struct app *app, const struct session *s, const char *local)
{
	if (local)
		return xasprintf("%s@%s/%s", local, app->conf->domain, s->id);
	return xasprintf("%s/%s", app->conf->domain, s->id);
}

static char *
room_nick_jid(const struct session *s, const char *nick)
{
	return xasprintf("%s/%s", s->room, nick);
}

static char *
text_of(xmpp_stanza_t *el)
{
	char *t, *copy;

	if (el == NULL || (t = xmpp_stanza_get_text(el)) == NULL)
		return NULL;
	copy = xstrdup(t);
	xmpp_free(xmpp_stanza_get_context(el), t);
	return copy;
}

static char *
body_of(xmpp_stanza_t *m)
{
	return text_of(stanza_child(m, "body", NULL));
}

/* Cuts s to at most max bytes at a UTF-8 boundary; returns 1 if cut. */
static int
cut_utf8(char *s, size_t max)
{
	size_t n = strlen(s);

	if (n <= max)
		return 0;
	while (max > 0 && ((unsigned char)s[max] & 0xc0) == 0x80)
		max--;
	s[max] = '\0';
	return 1;
}

/* ---- store --------------------------------------------------------------- */

static void
bind_text(sqlite3_stmt *st, int i, const char *v)
{
	if (v)
		sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, i);
}

static char *
col_text(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	return t ? xstrdup((const char *)t) : NULL;
}

static int
step_done(struct app *app, sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		log_warnx("session: store: %s", sqlite3_errmsg(store_db(app->store)));
		return -1;
	}
	return 0;
}

static int
save_new(struct app *app, struct session *s, const char *email,
    const char *interests, int consent, const char *lang_source)
{
	sqlite3_stmt *st = store_stmt(app->store, "INSERT INTO sessions (id, "
	    "office, room, password, visitor, visitor_bare, lang, lang_source, "
	    "name, page, interests, email, consent, question, state, created) "
	    "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,'waiting',?)");

	if (st == NULL)
		return -1;
	bind_text(st, 1, s->id);
	bind_text(st, 2, s->office);
	bind_text(st, 3, s->room);
	bind_text(st, 4, s->password);
	bind_text(st, 5, s->visitor);
	bind_text(st, 6, stanza_bare(s->visitor));
	bind_text(st, 7, s->lang);
	bind_text(st, 8, lang_source);
	bind_text(st, 9, s->name);
	bind_text(st, 10, s->page);
	bind_text(st, 11, interests);
	bind_text(st, 12, email);
	sqlite3_bind_int(st, 13, consent);
	bind_text(st, 14, s->question);
	sqlite3_bind_int64(st, 15, s->created);
	if (step_done(app, st) < 0)
		return -1;
	s->seq = sqlite3_last_insert_rowid(store_db(app->store));
	return 0;
}

static const char *const state_names[] = {"waiting", "active", "survey",
    "closed", "offline"};

static void
save_state(struct app *app, struct session *s)
{
	sqlite3_stmt *st = store_stmt(app->store, "UPDATE sessions SET "
	    "state = ?, invited = ?, setup_done = ?, visitor = ?, lang = ?, "
	    "lang_source = ?, transfer_to = ?, transfer_from = ?, alerted = ? "
	    "WHERE id = ?");

	if (st == NULL)
		return;
	bind_text(st, 1, state_names[s->state]);
	sqlite3_bind_int(st, 2, s->invited);
	sqlite3_bind_int(st, 3, s->setup_done);
	bind_text(st, 4, s->visitor);
	bind_text(st, 5, s->lang);
	bind_text(st, 6, s->lang_source);
	bind_text(st, 7, s->transfer_to);
	bind_text(st, 8, s->transfer_from);
	sqlite3_bind_int(st, 9, s->alerted);
	bind_text(st, 10, s->id);
	step_done(app, st);
}

/*
 * Stores one message. room_key, when given, makes the insert idempotent:
 * returns the new row id, 0 if the key was already stored, -1 on error.
 */
static int64_t
save_message(struct app *app, struct session *s, const char *role,
    const char *persona, const char *body, const char *origin_id,
    const char *relay_id, const char *room_key, int64_t corrects)
{
	/* notes are never relayed: stored as done */
	sqlite3_stmt *st = store_stmt(app->store, "INSERT OR IGNORE INTO "
	    "messages (session, at, role, persona, body, origin_id, relay_id, "
	    "room_key, relayed, corrects) VALUES (?,?,?,?,?,?,?,?,?3 = 'note',"
	    "?)");
	sqlite3 *db = store_db(app->store);

	if (st == NULL)
		return -1;
	bind_text(st, 1, s->id);
	sqlite3_bind_int64(st, 2, store_now());
	bind_text(st, 3, role);
	bind_text(st, 4, persona);
	bind_text(st, 5, body);
	bind_text(st, 6, origin_id);
	bind_text(st, 7, relay_id);
	bind_text(st, 8, room_key);
	if (corrects > 0)
		sqlite3_bind_int64(st, 9, corrects);
	else
		sqlite3_bind_null(st, 9);
	if (step_done(app, st) < 0)
		return -1;
	if (sqlite3_changes(db) == 0)
		return 0;
	return sqlite3_last_insert_rowid(db);
}

static void mark_relayed(struct app *app, int64_t rowid);

/*
 * The first question: every offer carries it, so the counsellor who takes
 * the session has seen it; it counts as relayed.
 */
static int
save_first_question(struct app *app, struct session *s, const char *origin)
{
	int64_t row = save_message(app, s, "visitor", NULL, s->question,
	    origin, NULL, NULL, 0);

	if (row <= 0)
		return -1;
	mark_relayed(app, row);
	return 0;
}

static void
mark_relayed(struct app *app, int64_t rowid)
{
	sqlite3_stmt *st = store_stmt(app->store, "UPDATE messages SET "
	    "relayed = 1 WHERE id = ?");

	if (st == NULL)
		return;
	sqlite3_bind_int64(st, 1, rowid);
	step_done(app, st);
}

/* The relay id of the message of role whose origin id is origin. */
static char *
relay_id_of(struct app *app, struct session *s, const char *role,
    const char *origin, int64_t *rowid)
{
	sqlite3_stmt *st = store_stmt(app->store, "SELECT relay_id, id FROM "
	    "messages WHERE session = ? AND role = ? AND origin_id = ? "
	    "ORDER BY id LIMIT 1");
	char *r = NULL;

	if (st == NULL)
		return NULL;
	bind_text(st, 1, s->id);
	bind_text(st, 2, role);
	bind_text(st, 3, origin);
	if (sqlite3_step(st) == SQLITE_ROW) {
		r = col_text(st, 0);
		*rowid = sqlite3_column_int64(st, 1);
	}
	sqlite3_reset(st);
	return r;
}

/* ---- sending into the room and to the counsellor -------------------- */

static void
send_presence_join(struct app *app, struct session *s, const char *local,
    const char *nick, int history)
{
	char *from = occupant_jid(app, s, local);
	char *to = room_nick_jid(s, nick);
	xmpp_stanza_t *p = stanza_presence(app, from, to, NULL);
	xmpp_stanza_t *x = stanza_add(p, "x", NS_MUC);
	xmpp_stanza_t *h;
	char n[16];

	if (s->password && local)
		stanza_add_text(x, "password", s->password);
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

static void
send_presence_leave(struct app *app, struct session *s, const char *local,
    const char *nick)
{
	char *from = occupant_jid(app, s, local);
	char *to = room_nick_jid(s, nick);

	stanza_send(app, stanza_presence(app, from, to, "unavailable"));
	free(from);
	free(to);
}

/*
 * Sends a groupchat message from our occupant local; returns 0 if sent.
 * extra, if given, is added as a child and released (ownership passes).
 */
static int
room_send_n(struct app *app, struct session *s, const char *local,
    const char *body, const char *id, const char *replace,
    xmpp_stanza_t **extra, size_t nextra)
{
	char *from = occupant_jid(app, s, local);
	xmpp_stanza_t *m = xmpp_message_new(app->ctx, "groupchat", s->room, id);
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

static int
room_send(struct app *app, struct session *s, const char *local,
    const char *body, const char *id, const char *replace,
    xmpp_stanza_t *extra)
{
	return room_send_n(app, s, local, body, id, replace, extra ? &extra :
	    NULL, extra ? 1 : 0);
}

static const char *
bot_nick(struct app *app, struct session *s)
{
	const struct conf_bot *b = bot_of(app, s);

	return b ? b->name : "accueil";
}

/* Sends the stored, not yet relayed bot and counsellor posts. */
static void
flush_posts(struct app *app, struct session *s)
{
	sqlite3_stmt *st = store_stmt(app->store, "SELECT id, role, body, "
	    "relay_id, corrects FROM messages WHERE session = ? AND relayed = 0 "
	    "AND role IN ('bot', 'counsellor') ORDER BY id");
	struct {
		int64_t id, corrects;
		char *role, *body, *relay;
	} *rows = NULL;
	size_t n = 0, i;

	if (st == NULL || !s->bot_joined)
		return;
	bind_text(st, 1, s->id);
	while (sqlite3_step(st) == SQLITE_ROW) {
		rows = xreallocarray(rows, n + 1, sizeof(*rows));
		rows[n].id = sqlite3_column_int64(st, 0);
		rows[n].role = col_text(st, 1);
		rows[n].body = col_text(st, 2);
		rows[n].relay = col_text(st, 3);
		rows[n].corrects = sqlite3_column_int64(st, 4);
		n++;
	}
	sqlite3_reset(st);
	for (i = 0; i < n; i++) {
		int counsellor = strcmp(rows[i].role, "counsellor") == 0;
		const struct conf_bot *b = bot_of(app, s);
		char *replace = NULL;
		int64_t root;

		if (counsellor && !s->persona_joined)
			continue;
		if (rows[i].corrects > 0) {
			sqlite3_stmt *q = store_stmt(app->store, "SELECT "
			    "relay_id FROM messages WHERE id = ?");

			root = rows[i].corrects;
			sqlite3_bind_int64(q, 1, root);
			if (sqlite3_step(q) == SQLITE_ROW)
				replace = col_text(q, 0);
			sqlite3_reset(q);
		}
		if (room_send(app, s, counsellor ? s->persona : (b ? b->id :
		    NULL), rows[i].body, rows[i].relay, replace, NULL) == 0)
			mark_relayed(app, rows[i].id);
		free(replace);
	}
	for (i = 0; i < n; i++) {
		free(rows[i].role);
		free(rows[i].body);
		free(rows[i].relay);
	}
	free(rows);
}

/*
 * Stores a post of the bot and sends it when the bot is in the room. The
 * extra children (forms, links) pass to the call.
 */
static void
bot_post_n(struct app *app, struct session *s, const char *text,
    xmpp_stanza_t **extra, size_t nextra)
{
	char *id = stanza_new_id();
	const struct conf_bot *b = bot_of(app, s);
	int64_t row;
	size_t i;

	/* what was pending goes first, so this post keeps its place */
	if (nextra && s->bot_joined)
		flush_posts(app, s);
	row = save_message(app, s, "bot", b ? b->id : NULL, text, NULL, id,
	    NULL, 0);
	if (nextra && !s->bot_joined) {
		/* the text alone is the record; flush_posts sends it later */
		for (i = 0; i < nextra; i++)
			xmpp_stanza_release(extra[i]);
	} else if (nextra) {
		/* forms go out right away */
		if (room_send_n(app, s, b ? b->id : NULL, text, id, NULL,
		    extra, nextra) == 0 && row > 0)
			mark_relayed(app, row);
	} else if (s->bot_joined)
		flush_posts(app, s);
	free(id);
}

static void
bot_post(struct app *app, struct session *s, const char *text,
    xmpp_stanza_t *extra)
{
	bot_post_n(app, s, text, extra ? &extra : NULL, extra ? 1 : 0);
}

void
session_bot_post(struct app *app, const char *id, const char *text,
    xmpp_stanza_t **extra, size_t nextra)
{
	struct session *s = find(id);
	size_t i;

	if (s) {
		bot_post_n(app, s, text, extra, nextra);
		return;
	}
	for (i = 0; i < nextra; i++)
		xmpp_stanza_release(extra[i]);
}

void
session_bot_say(struct app *app, const char *id, const char *text)
{
	struct session *s = find(id);

	if (s)
		bot_post(app, s, text, NULL);
}

static const char *
counsellor_lang(const struct conf_counsellor *c)
{
	return c && c->lang ? c->lang : "fr";
}

void
session_notice(struct app *app, const char *id,
    const struct conf_counsellor *c, const char *text)
{
	char *from = xasprintf("%s@%s", id, app->conf->domain);

	staff_notice(app, from, c, text);
	free(from);
}

static void
notice_msg(struct app *app, struct session *s, const struct conf_counsellor *c,
    enum msg m)
{
	session_notice(app, s->id, c, catalog_text(counsellor_lang(c), m));
}

static char *
visitor_nick_label(struct app *app, struct session *s)
{
	return xasprintf("%s · %s%s%s", s->name ? s->name :
	    catalog_text(s->lang, MSG_VISITOR), s->lang, s->page ? " · " : "",
	    s->page ? s->page : "");
}

/* Sends a visitor message to the counsellor; returns 0 if sent. */
static int
to_counsellor(struct app *app, struct session *s, const char *body,
    const char *id, const char *replace, const char *chatstate)
{
	char *from = xasprintf("%s@%s", s->id, app->conf->domain);
	xmpp_stanza_t *m = xmpp_message_new(app->ctx, "chat", s->counsellor,
	    id);
	enum accueil_err e;

	xmpp_stanza_set_from(m, from);
	if (body) {
		char *nick = visitor_nick_label(app, s);
		xmpp_stanza_t *n = stanza_add(m, "nick", NS_NICK);
		xmpp_stanza_t *t = xmpp_stanza_new(app->ctx);

		xmpp_message_set_body(m, body);
		xmpp_stanza_set_text(t, nick);
		xmpp_stanza_add_child_ex(n, t, 0);
		free(nick);
		stanza_add(m, "active", NS_CHATSTATES);
	}
	if (replace)
		xmpp_stanza_set_attribute(stanza_add(m, "replace", NS_CORRECT),
		    "id", replace);
	if (chatstate)
		stanza_add(m, chatstate, NS_CHATSTATES);
	e = link_send(app->link, m);
	xmpp_stanza_release(m);
	free(from);
	return e == ACCUEIL_OK ? 0 : -1;
}

/* Relays the stored visitor messages the counsellor has not seen. */
static void
flush_to_counsellor(struct app *app, struct session *s)
{
	sqlite3_stmt *st = store_stmt(app->store, "SELECT id, body, relay_id "
	    "FROM messages WHERE session = ? AND relayed = 0 AND role = "
	    "'visitor' ORDER BY id");
	int64_t *ids = NULL;
	char **bodies = NULL, **relays = NULL;
	size_t n = 0, i;

	if (st == NULL || s->counsellor == NULL || !link_is_up(app->link))
		return;
	bind_text(st, 1, s->id);
	while (sqlite3_step(st) == SQLITE_ROW) {
		ids = xreallocarray(ids, n + 1, sizeof(*ids));
		bodies = xreallocarray(bodies, n + 1, sizeof(*bodies));
		relays = xreallocarray(relays, n + 1, sizeof(*relays));
		ids[n] = sqlite3_column_int64(st, 0);
		bodies[n] = col_text(st, 1);
		relays[n] = col_text(st, 2);
		n++;
	}
	sqlite3_reset(st);
	for (i = 0; i < n; i++) {
		if (to_counsellor(app, s, bodies[i], relays[i], NULL, NULL) == 0)
			mark_relayed(app, ids[i]);
		free(bodies[i]);
		free(relays[i]);
	}
	free(ids);
	free(bodies);
	free(relays);
}

/* ---- room set-up ------------------------------------------------------ */

static void
iq_to_room(struct app *app, struct session *s, const char *type,
    const char *step, xmpp_stanza_t *query)
{
	char *from = occupant_jid(app, s, NULL);
	char *id = xasprintf("%s:%s", step, s->id);
	xmpp_stanza_t *iq = xmpp_iq_new(app->ctx, type, id);

	xmpp_stanza_set_from(iq, from);
	xmpp_stanza_set_to(iq, s->room);
	xmpp_stanza_add_child(iq, query);
	xmpp_stanza_release(query);
	stanza_send(app, iq);
	free(from);
	free(id);
}

static void
setup_start(struct app *app, struct session *s)
{
	if (!link_is_up(app->link))
		return;
	log_debug("session %s: creating room %s", s->id, s->room);
	s->setup = SETUP_CREATING;
	s->setup_at = store_now();
	send_presence_join(app, s, NULL, "accueil-setup", 0);
}

static void
bot_join(struct app *app, struct session *s, int history)
{
	const struct conf_bot *b = bot_of(app, s);

	send_presence_join(app, s, b ? b->id : NULL, bot_nick(app, s),
	    history);
}

/* Desired value of a room configuration field, or NULL to leave it. */
static const char *
config_value(struct app *app, struct session *s, const char *var,
    char *buf, size_t size)
{
	static const struct {
		const char *var, *value;
	} fixed[] = {
		{"muc#roomconfig_persistentroom", "1"},
		{"muc#roomconfig_publicroom", "0"},
		{"public_list", "0"},
		{"muc#roomconfig_passwordprotectedroom", "1"},
		{"muc#roomconfig_membersonly", "0"},
		{"muc#roomconfig_moderatedroom", "0"},
		{"muc#roomconfig_whois", "moderators"},
		{"muc#roomconfig_changesubject", "0"},
		{"muc#roomconfig_allowinvites", "0"},
		{"muc#roomconfig_allowpm", "none"},
		{"allow_private_messages", "0"},
		{"allow_private_messages_from_visitors", "nobody"},
		/* the only other occupants are our personas: the widget asks
		 * for their vCards through the room */
		{"allow_query_users", "1"},
		{"allow_subscription", "0"},
		{"muc#roomconfig_maxusers", "10"},
		{"muc#roomconfig_historylength", "50"},
		{"muc#roomconfig_defaulthistorymessages", "50"},
		{"muc#roomconfig_enablearchiving", "1"},
		{"mam", "1"},
		{"muc#roomconfig_enablelogging", "0"},
		{"{http://prosody.im/protocol/muc}roomconfig_allowmemberinvites",
		    "0"},
	};
	const struct conf_office *o = office_of(app, s);
	size_t i;

	if (strcmp(var, "muc#roomconfig_roomsecret") == 0)
		return s->password;
	if (strcmp(var, "muc#roomconfig_roomname") == 0) {
		snprintf(buf, size, "%s", o ? o->name : "accueil");
		return buf;
	}
	if (strcmp(var, "muc#roomconfig_lang") == 0)
		return s->lang;
	for (i = 0; i < nitems(fixed); i++)
		if (strcmp(fixed[i].var, var) == 0)
			return fixed[i].value;
	return NULL;
}

static int
has_option(xmpp_stanza_t *field, const char *value)
{
	xmpp_stanza_t *o;

	for (o = xmpp_stanza_get_children(field); o; o = xmpp_stanza_get_next(o)) {
		char *v;
		int eq;

		if (!xmpp_stanza_is_tag(o) ||
		    strcmp(xmpp_stanza_get_name(o), "option") != 0)
			continue;
		v = text_of(stanza_child(o, "value", NULL));
		eq = v && strcmp(v, value) == 0;
		free(v);
		if (eq)
			return 1;
	}
	return 0;
}

/* Answers the server's configuration form with ours. */
static void
setup_submit(struct app *app, struct session *s, xmpp_stanza_t *result)
{
	xmpp_stanza_t *query = stanza_child(result, "query", NS_MUC_OWNER);
	xmpp_stanza_t *form = query ? form_find(query) : NULL;
	xmpp_stanza_t *q = xmpp_stanza_new(app->ctx), *x, *f;
	char buf[256];

	xmpp_stanza_set_name(q, "query");
	xmpp_stanza_set_ns(q, NS_MUC_OWNER);
	x = stanza_add(q, "x", NS_DATA);
	xmpp_stanza_set_type(x, "submit");
	form_add_field(x, "FORM_TYPE", "hidden",
	    NULL, "http://jabber.org/protocol/muc#roomconfig");
	for (f = form ? xmpp_stanza_get_children(form) : NULL; f;
	    f = xmpp_stanza_get_next(f)) {
		const char *var, *type, *value;

		if (!xmpp_stanza_is_tag(f) ||
		    strcmp(xmpp_stanza_get_name(f), "field") != 0)
			continue;
		var = xmpp_stanza_get_attribute(f, "var");
		type = xmpp_stanza_get_type(f);
		if (var == NULL || strcmp(var, "FORM_TYPE") == 0)
			continue;
		if ((value = config_value(app, s, var, buf, sizeof(buf))) ==
		    NULL)
			continue;
		if (type && strcmp(type, "list-single") == 0 &&
		    !has_option(f, value))
			continue;
		form_add_field(x, var, NULL, NULL, value);
	}
	s->setup = SETUP_SUBMIT;
	iq_to_room(app, s, "set", "cfg-set", q);
}

static void
setup_owner(struct app *app, struct session *s)
{
	const struct conf_bot *b = bot_of(app, s);
	xmpp_stanza_t *q = xmpp_stanza_new(app->ctx), *item;
	char *jid = xasprintf("%s@%s", b ? b->id : "accueil", app->conf->domain);

	xmpp_stanza_set_name(q, "query");
	xmpp_stanza_set_ns(q, "http://jabber.org/protocol/muc#admin");
	item = stanza_add(q, "item", NULL);
	xmpp_stanza_set_attribute(item, "affiliation", "owner");
	xmpp_stanza_set_attribute(item, "jid", jid);
	free(jid);
	s->setup = SETUP_OWNER;
	iq_to_room(app, s, "set", "cfg-own", q);
}

static void
setup_done(struct app *app, struct session *s)
{
	s->setup = SETUP_DONE;
	s->setup_done = 1;
	save_state(app, s);
	send_presence_leave(app, s, NULL, "accueil-setup");
	bot_join(app, s, 0);
	log_info("session %s: room ready", s->id);
}

static void
setup_failed(struct app *app, struct session *s, xmpp_stanza_t *st,
    const char *step)
{
	xmpp_stanza_t *e = stanza_child(st, "error", NULL);
	xmpp_stanza_t *c = e ? xmpp_stanza_get_children(e) : NULL;

	while (c && !xmpp_stanza_is_tag(c))
		c = xmpp_stanza_get_next(c);
	log_warnx("session %s: the MUC service refused the %s of room %s "
	    "(%s): check the server's MUC permissions for %s", s->id, step,
	    s->room, c ? xmpp_stanza_get_name(c) : "no reason given",
	    app->conf->domain);
	s->setup = SETUP_NONE;	/* the tick retries */
}

/* ---- the visitor's side ----------------------------------------------- */

static void
send_invitation(struct app *app, struct session *s)
{
	const struct conf_office *o = office_of(app, s);
	char *from = xasprintf("%s@%s", s->office, app->conf->domain);
	char text[1024];
	xmpp_stanza_t *m, *x;

	catalog_format(text, sizeof(text), s->lang, MSG_INVITE,
	    o ? o->name : s->office, s->room, s->password);
	m = stanza_message(app, from, s->visitor, "normal", text);
	x = stanza_add(m, "x", NS_CONFERENCE);
	xmpp_stanza_set_attribute(x, "jid", s->room);
	xmpp_stanza_set_attribute(x, "password", s->password);
	xmpp_stanza_set_attribute(x, "reason", text);
	stanza_send(app, m);
	free(from);
}

/* The room is ready: invite, greet, and offer (first time only). */
static void
room_ready(struct app *app, struct session *s)
{
	struct session_info si;
	const struct conf_office *o = office_of(app, s);
	const struct conf_bot *b = bot_of(app, s);
	char text[2048];

	if (!s->invited) {
		s->invited = 1;
		save_state(app, s);
		send_invitation(app, s);
		catalog_format(text, sizeof(text), s->lang, s->name ?
		    MSG_GREET_NAMED : MSG_GREET, s->name ? s->name : "",
		    b ? b->name : "accueil", o ? o->name : s->office);
		bot_post(app, s, text, NULL);
		if (s->question && *s->question) {
			catalog_format(text, sizeof(text), s->lang,
			    MSG_YOUR_QUESTION, s->question);
			bot_post(app, s, text, NULL);
		}
		if (o && office_is_open(o, store_now()))
			bot_post(app, s, catalog_text(s->lang, MSG_NEXT_STEP),
			    NULL);
		info_of(s, &si);
		if (s->state == SESSION_WAITING)
			routing_session_ready(app, &si);
	}
	flush_posts(app, s);
	if (s->state == SESSION_ACTIVE && !s->persona_joined)
		send_presence_join(app, s, s->persona, s->persona_nick, 0);
}

static const char *
lang_name_in(const char *reader, const char *code)
{
	static const struct {
		const char *code;
		enum msg m;
	} names[] = {
		{"fr", MSG_LANG_NAME_FR}, {"en", MSG_LANG_NAME_EN},
		{"ca", MSG_LANG_NAME_CA}, {"es", MSG_LANG_NAME_ES},
		{"de", MSG_LANG_NAME_DE}, {"it", MSG_LANG_NAME_IT},
		{"nl", MSG_LANG_NAME_NL}, {"pt", MSG_LANG_NAME_PT},
	};
	size_t i;

	for (i = 0; i < nitems(names); i++)
		if (strcmp(names[i].code, code) == 0)
			return catalog_text(reader, names[i].m);
	return code;
}

/* 1 if some counsellor of the office speaks lang. */
static int
office_speaks(struct app *app, const struct conf_office *o, const char *lang)
{
	size_t i;

	if (!strlist_has(&o->languages, lang))
		return 0;
	for (i = 0; i < app->conf->ncounsellors; i++) {
		const struct conf_counsellor *c = &app->conf->counsellors[i];

		if (strlist_has(&c->offices, o->id) &&
		    strlist_has(&c->languages, lang))
			return 1;
	}
	return 0;
}

/* Normalises a language tag to its 2-3 letter primary subtag. */
static char *
lang_primary(const char *tag)
{
	char buf[8];
	size_t i;

	if (tag == NULL)
		return NULL;
	for (i = 0; i < sizeof(buf) - 1 && isalpha((unsigned char)tag[i]); i++)
		buf[i] = (char)tolower((unsigned char)tag[i]);
	buf[i] = '\0';
	if (i < 2 || i > 3 || (tag[i] && tag[i] != '-' && tag[i] != '_'))
		return NULL;
	return xstrdup(buf);
}

/* Parses the pre-chat form; appends what was wrong to problems. */
static void
read_form(xmpp_stanza_t *x, char **name, char **lang, char **page,
    char **interests, char **email, int *consent, struct buf *problems)
{
	static const char *const fields[] = {"name", "lang", "page",
	    "interests", "email", "consent"};
	char **out[] = {name, lang, page, interests, email, NULL};
	const char *type = form_type(x);
	size_t i;

	if (type == NULL || strcmp(type, "submit") != 0) {
		buf_appendf(problems, "%sform type \"%s\" instead of submit",
		    problems->len ? "; " : "", type ? type : "");
		return;
	}
	for (i = 0; i < nitems(fields); i++) {
		int too_long;
		char *v = form_value(x, fields[i], MAX_FIELD, &too_long);

		if (too_long)
			buf_appendf(problems, "%s%s longer than %d bytes",
			    problems->len ? "; " : "", fields[i], MAX_FIELD);
		if (v && str_blank(v)) {
			free(v);
			v = NULL;
		}
		if (i == 5) {
			*consent = v && (!strcmp(v, "1") || !strcasecmp(v,
			    "true"));
			if (v && !*consent && strcmp(v, "0") &&
			    strcasecmp(v, "false"))
				buf_appendf(problems, "%sconsent must be true "
				    "or false", problems->len ? "; " : "");
			free(v);
			continue;
		}
		if (i == 1 && v) {
			char *p = lang_primary(v);

			if (p == NULL)
				buf_appendf(problems, "%slang \"%.16s\" is not "
				    "a language code", problems->len ? "; " :
				    "", v);
			free(v);
			v = p;
		}
		if (i == 4 && v && (strchr(v, '@') == NULL || strchr(v, ' '))) {
			buf_appendf(problems, "%semail \"%.64s\" is not an "
			    "address", problems->len ? "; " : "", v);
			free(v);
			v = NULL;
		}
		*out[i] = v;
	}
}

/*
 * Chooses the session language: the form's choice > reliable detection on
 * the text > xml:lang > the office's default. A language nobody at the
 * office speaks falls back to the office's fallback languages. Returns the
 * language (caller frees); *source says where it came from, *fell_back
 * whether the visitor must be told.
 */
static char *
choose_lang(struct app *app, const struct conf_office *o, const char *chosen,
    const char *text, const char *xml_lang, const char **source,
    char **asked)
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
	if (office_speaks(app, o, lang))
		return lang;
	*asked = lang;
	for (i = 0; i < o->fallback_langs.n; i++)
		if (office_speaks(app, o, o->fallback_langs.v[i]))
			return xstrdup(o->fallback_langs.v[i]);
	return xstrdup(o->fallback_langs.n ? o->fallback_langs.v[0] :
	    o->default_lang);
}

static struct session *
find_open_for(const char *office, const char *visitor_bare)
{
	size_t i;

	for (i = 0; i < nsessions; i++)
		if (sessions[i]->state != SESSION_CLOSED &&
		    strcmp(sessions[i]->office, office) == 0 &&
		    strcasecmp(stanza_bare(sessions[i]->visitor),
			visitor_bare) == 0)
			return sessions[i];
	return NULL;
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

static void offline_input(struct app *app, struct session *s,
    const char *body);
static void send_context(struct app *app, struct session *s,
    const struct conf_counsellor *c);
static char *lang_primary(const char *tag);
static int office_speaks(struct app *app, const struct conf_office *o,
    const char *lang);

/*
 * A guess made on a greeting ("bonjour", "hi") or taken from xml:lang may
 * be corrected by a later, longer message, until someone takes the chat.
 */
static void
maybe_correct_lang(struct app *app, struct session *s, const char *body)
{
	const struct conf_office *o = office_of(app, s);
	char detected[8], *lang;

	if (s->state != SESSION_WAITING || o == NULL || (s->lang_source &&
	    strcmp(s->lang_source, "default") != 0 &&
	    strcmp(s->lang_source, "xml:lang") != 0))
		return;
	if (!plugin_detect_language(body, detected) ||
	    (lang = lang_primary(detected)) == NULL)
		return;
	if (strcmp(lang, s->lang) != 0 && office_speaks(app, o, lang)) {
		log_info("session %s: language corrected from %s (%s) to %s",
		    s->id, s->lang, s->lang_source ? s->lang_source : "?",
		    lang);
		free(s->lang);
		s->lang = lang;
		lang = NULL;
		free(s->lang_source);
		s->lang_source = xstrdup("detected");
		save_state(app, s);
		store_event(app->store, s->office, s->id, "lang-corrected",
		    s->lang);
		/* offers in the wrong language go; the next tick re-offers */
		routing_session_closed(app, s->id);
		bot_post(app, s, catalog_text(s->lang, MSG_NEXT_STEP), NULL);
	}
	free(lang);
}

/*
 * A visitor message (from the room or the desk): store, then relay.
 * Returns the new row id, 0 if it was already stored, -1 on error.
 */
static int64_t
visitor_says(struct app *app, struct session *s, const char *body,
    const char *origin, const char *key, const char *replace)
{
	char *copy = xstrdup(body), *relay = stanza_new_id(), *rep = NULL;
	int64_t row, root = 0;
	int cut = cut_utf8(copy, MAX_BODY);

	if (replace)
		rep = relay_id_of(app, s, "visitor", replace, &root);
	row = save_message(app, s, "visitor", NULL, copy, origin, relay, key,
	    root);
	if (row > 0 && s->counsellor && s->state == SESSION_ACTIVE &&
	    to_counsellor(app, s, copy, relay, rep, NULL) == 0)
		mark_relayed(app, row);
	if (row > 0 && cut) {
		char text[512];

		catalog_format(text, sizeof(text), s->lang, MSG_TOO_LONG,
		    MAX_BODY);
		bot_post(app, s, text, NULL);
	}
	if (row > 0)
		log_debug("session %s: visitor message stored", s->id);
	if (row > 0 && s->state == SESSION_WAITING)
		maybe_correct_lang(app, s, copy);
	else if (row > 0 && s->state == SESSION_OFFLINE)
		offline_input(app, s, copy);
	free(copy);
	free(relay);
	free(rep);
	return row;
}

static void
desk_message(struct app *app, xmpp_stanza_t *st, const struct route *r)
{
	const struct conf_office *o = r->office;
	const char *type = xmpp_stanza_get_type(st);
	xmpp_stanza_t *x = form_find(st);
	char *body, *name = NULL, *lang = NULL, *page = NULL;
	char *interests = NULL, *email = NULL, *asked = NULL;
	char hex[33], pw[25], sid[11];
	const char *source = NULL;
	struct buf problems = {0};
	struct session *s;
	int consent = 0;

	if (type && (!strcmp(type, "groupchat") || !strcmp(type, "error") ||
	    !strcmp(type, "headline")))
		return;
	body = body_of(st);
	if ((body == NULL || str_blank(body)) && x == NULL) {
		if (body != NULL || stanza_child(st, NULL, NS_CHATSTATES) == NULL)
			desk_reply(app, st, o->id, catalog_text(
			    xmpp_stanza_get_attribute(st, "xml:lang") ?
			    xmpp_stanza_get_attribute(st, "xml:lang") :
			    o->default_lang, MSG_EMPTY));
		free(body);
		return;
	}
	{
		/* stanza_bare() returns a static buffer: keep a copy */
		char *vbare = xstrdup(stanza_bare(r->from));

		s = find_open_for(o->id, vbare);
		free(vbare);
	}
	if (s != NULL) {
		/* the visitor writes to the desk again: same session */
		free(s->visitor);
		s->visitor = xstrdup(r->from);
		save_state(app, s);
		if (body && !str_blank(body))
			visitor_says(app, s, body, xmpp_stanza_get_id(st), NULL,
			    NULL);
		if (s->visitors == 0) {
			char text[512];

			catalog_format(text, sizeof(text), s->lang,
			    MSG_JOIN_ROOM, s->room);
			desk_reply(app, st, o->id, text);
			send_invitation(app, s);
		}
		free(body);
		return;
	}

	if (x)
		read_form(x, &name, &lang, &page, &interests, &email, &consent,
		    &problems);
	s = xcalloc(1, sizeof(*s));
	if (random_hex(sid, 5) < 0 || random_hex(hex, 16) < 0 ||
	    random_hex(pw, 12) < 0)
		fatalx("session: no randomness");
	s->id = xasprintf("v-%s", sid);
	s->office = xstrdup(o->id);
	s->room = xasprintf("%s@%s", hex, app->conf->muc);
	s->password = xstrdup(pw);
	s->visitor = xstrdup(r->from);
	s->name = name;
	s->page = page;
	s->question = body && !str_blank(body) ? xstrdup(body) : NULL;
	if (s->question)
		cut_utf8(s->question, MAX_BODY);
	s->lang = choose_lang(app, o, lang, s->question,
	    xmpp_stanza_get_attribute(st, "xml:lang"), &source, &asked);
	s->lang_source = xstrdup(source);
	s->email = consent && email ? xstrdup(email) : NULL;
	s->state = SESSION_WAITING;
	s->created = store_now();
	s->left_at = s->created;

	if (store_begin(app->store) != ACCUEIL_OK ||
	    save_new(app, s, email, interests, consent, source) < 0 ||
	    (s->question && save_first_question(app, s,
		xmpp_stanza_get_id(st)) < 0) ||
	    store_event(app->store, s->office, s->id, "started", source) !=
	    ACCUEIL_OK || store_commit(app->store) != ACCUEIL_OK) {
		store_rollback(app->store);
		log_warnx("session: cannot store a new session; the visitor "
		    "is asked to write again");
		stanza_send_error(app, st, "wait", "internal-server-error",
		    "Your message could not be saved: please send it again.");
		session_free(s);
		goto out;
	}
	sessions = xreallocarray(sessions, nsessions + 1, sizeof(*sessions));
	sessions[nsessions++] = s;
	log_info("session %s: started at %s (lang %s from %s)", s->id,
	    s->office, s->lang, source);

	if (problems.len) {
		char text[1024];

		catalog_format(text, sizeof(text), s->lang, MSG_FORM_INVALID,
		    problems.s);
		desk_reply(app, st, o->id, text);
	}
	if (asked) {
		char text[512];

		catalog_format(text, sizeof(text), asked, MSG_LANG_FALLBACK,
		    lang_name_in(asked, s->lang));
		/* said in the visitor's own language, posted once in the room */
		bot_post(app, s, text, NULL);
	}
	setup_start(app, s);
out:
	free(asked);
	free(lang);
	free(interests);
	free(email);
	free(body);
	buf_free(&problems);
}

/* ---- the counsellor's side -------------------------------------------- */

static void
close_session(struct app *app, struct session *s, const char *reason);

static void
start_survey(struct app *app, struct session *s)
{
	xmpp_stanza_t *x = xmpp_stanza_new(app->ctx), *f;
	const char *l = s->lang;
	char n[2] = "0";
	int i;

	xmpp_stanza_set_name(x, "x");
	xmpp_stanza_set_ns(x, NS_DATA);
	xmpp_stanza_set_type(x, "form");
	stanza_add_text(x, "title", catalog_text(l, MSG_SURVEY_FORM_TITLE));
	form_add_field(x, "FORM_TYPE", "hidden", NULL,
	    "urn:accueil:survey:0");
	f = form_add_field(x, "rating", "list-single",
	    catalog_text(l, MSG_SURVEY_RATING_LABEL), NULL);
	for (i = 1; i <= 5; i++) {
		n[0] = (char)('0' + i);
		form_add_option(f, n, n);
	}
	form_add_field(x, "comment", "text-multi",
	    catalog_text(l, MSG_SURVEY_COMMENT_LABEL), NULL);
	s->state = SESSION_SURVEY;
	s->survey_at = store_now();
	save_state(app, s);
	bot_post(app, s, catalog_text(l, MSG_SURVEY), x);
}

static void
leave_persona(struct app *app, struct session *s)
{
	if (s->persona && s->persona_joined) {
		send_presence_leave(app, s, s->persona, s->persona_nick);
		s->persona_leaving = 1;
	}
	s->persona_joined = 0;
}

static void relay_counsellor_text(struct app *app, struct session *s,
    const struct conf_counsellor *c, const char *text, const char *origin,
    xmpp_stanza_t *st);

/* /transfert <lang|persona>: offered to colleagues with priority. */
static void
transfer(struct app *app, struct session *s, const struct conf_counsellor *c,
    const char *arg)
{
	char target[64], text[512];
	const struct conf_counsellor *to = NULL;
	char *lang = NULL;
	size_t i, n;

	for (n = 0; arg[n] && !isspace((unsigned char)arg[n]) &&
	    n < sizeof(target) - 1; n++)
		target[n] = (char)tolower((unsigned char)arg[n]);
	target[n] = '\0';
	if (s->state != SESSION_ACTIVE || s->counsellor == NULL ||
	    strcasecmp(s->counsellor, c->jid) != 0) {
		notice_msg(app, s, c, MSG_ENDED);
		return;
	}
	/* a persona by id or by name, or a language */
	for (i = 0; i < app->conf->ncounsellors && n; i++) {
		const struct conf_counsellor *k = &app->conf->counsellors[i];

		if ((strcasecmp(k->persona, target) == 0 ||
		    strcasecmp(k->name, arg) == 0 ||
		    strncasecmp(k->name, target, n) == 0) &&
		    strlist_has(&k->offices, s->office) && k != c)
			to = k;
	}
	if (to == NULL && (lang = lang_primary(target)) != NULL &&
	    !office_speaks(app, office_of(app, s), lang)) {
		free(lang);
		lang = NULL;
	}
	if (to == NULL && lang == NULL) {
		catalog_format(text, sizeof(text), counsellor_lang(c),
		    MSG_TRANSFER_BAD, *arg ? arg : "?");
		session_notice(app, s->id, c, text);
		return;
	}
	free(s->transfer_to);
	s->transfer_to = xstrdup(to ? to->persona : lang);
	free(s->transfer_from);
	s->transfer_from = xstrdup(c->jid);
	save_state(app, s);
	/* a new round of offers for this session */
	sqlite3_stmt *st = store_stmt(app->store, "DELETE FROM offers WHERE "
	    "session = ?");
	if (st) {
		bind_text(st, 1, s->id);
		step_done(app, st);
	}
	store_event(app->store, s->office, s->id, "transfer-asked",
	    s->transfer_to);
	catalog_format(text, sizeof(text), counsellor_lang(c),
	    MSG_TRANSFER_STARTED, to ? to->name : lang_name_in(
		counsellor_lang(c), lang));
	session_notice(app, s->id, c, text);
	free(lang);
	routing_tick(app);
}

/* /r <key>: the canned answer in the visitor's language, relayed. */
static void
canned(struct app *app, struct session *s, const struct conf_counsellor *c,
    const char *arg)
{
	const struct conf_canned *best = NULL;
	struct buf keys = {0};
	char key[64], text[1024];
	size_t i, n;

	for (n = 0; arg[n] && !isspace((unsigned char)arg[n]) &&
	    n < sizeof(key) - 1; n++)
		key[n] = arg[n];
	key[n] = '\0';
	for (i = 0; i < app->conf->ncanned; i++) {
		const struct conf_canned *k = &app->conf->canned[i];

		if (k->office && strcmp(k->office, s->office) != 0)
			continue;
		if ((keys.s == NULL || strstr(keys.s, k->key) == NULL) &&
		    keys.len < 900)
			buf_appendf(&keys, "%s%s", keys.len ? ", " : "",
			    k->key);
		if (strcmp(k->key, key) != 0)
			continue;
		if (best == NULL || strcmp(k->lang, s->lang) == 0)
			best = k;
	}
	if (best == NULL || s->state != SESSION_ACTIVE) {
		catalog_format(text, sizeof(text), counsellor_lang(c),
		    MSG_CANNED_UNKNOWN, key, keys.s ? keys.s : "-");
		session_notice(app, s->id, c, text);
	} else
		relay_counsellor_text(app, s, c, best->text, NULL, NULL);
	buf_free(&keys);
}

static void
counsellor_command(struct app *app, struct session *s,
    const struct conf_counsellor *c, enum command cmd, const char *arg,
    const char *body)
{
	char text[512];

	switch (cmd) {
	case CMD_HELP:
		notice_msg(app, s, c, MSG_HELP);
		break;
	case CMD_NOTE:
		if (str_blank(arg)) {
			notice_msg(app, s, c, MSG_NOTE_EMPTY);
			break;
		}
		save_message(app, s, "note", c->persona, arg, NULL, NULL, NULL,
		    0);
		notice_msg(app, s, c, MSG_NOTE_SAVED);
		break;
	case CMD_CLOSE:
		if (s->state != SESSION_ACTIVE) {
			notice_msg(app, s, c, MSG_ENDED);
			break;
		}
		store_event(app->store, s->office, s->id, "closed-by-counsellor",
		    c->jid);
		leave_persona(app, s);
		start_survey(app, s);
		notice_msg(app, s, c, MSG_CLOSING);
		break;
	case CMD_DECLINE:
		if (s->state == SESSION_WAITING &&
		    routing_decline(app, s->id, c))
			notice_msg(app, s, c, MSG_DECLINED);
		else
			notice_msg(app, s, c, MSG_NOT_OFFERED);
		break;
	case CMD_TRANSFER:
		transfer(app, s, c, arg);
		break;
	case CMD_CANNED:
		canned(app, s, c, arg);
		break;
	case CMD_PAUSE:
	case CMD_RESUME:
	case CMD_REQUESTS:
	case CMD_TAKE:
	case CMD_ANSWER:
	case CMD_VIDEO:
	case CMD_APPOINTMENTS:
	case CMD_CANCEL:
	case CMD_RESCHEDULE: {
		char *from = xasprintf("%s@%s", s->id, app->conf->domain);
		struct session_info si;

		info_of(s, &si);
		if (!video_command(app, &si, c, cmd, arg, from))
			console_command(app, c, cmd, arg, from);
		free(from);
		break;
	}
	case CMD_UNKNOWN:
	default:
		snprintf(text, sizeof(text), "%.60s", body);
		for (char *p = text; *p; p++)
			if (isspace((unsigned char)*p)) {
				*p = '\0';
				break;
			}
		{
			char msg[1024];

			catalog_format(msg, sizeof(msg), counsellor_lang(c),
			    MSG_UNKNOWN_COMMAND, text);
			session_notice(app, s->id, c, msg);
		}
		notice_msg(app, s, c, MSG_HELP);
		break;
	}
}

int
session_taken(struct app *app, const char *id, const struct conf_counsellor *c)
{
	struct session *s = find(id);
	const struct conf_counsellor *old = NULL;
	char text[1024];
	size_t i;

	if (s == NULL)
		return -1;
	if (s->state == SESSION_ACTIVE && s->counsellor)
		old = conf_counsellor_by_jid(app->conf, s->counsellor);
	if (old) {
		/* a transfer: the old persona leaves, the new one comes */
		leave_persona(app, s);
		free(s->transfer_from);
		s->transfer_from = xstrdup(old->jid);
		catalog_format(text, sizeof(text), counsellor_lang(old),
		    MSG_TRANSFERRED, c->name);
		session_notice(app, s->id, old, text);
	}
	free(s->counsellor);
	free(s->persona);
	free(s->persona_nick);
	free(s->transfer_to);
	s->transfer_to = NULL;
	s->counsellor = xstrdup(c->jid);
	s->persona = xstrdup(c->persona);
	s->persona_nick = xstrdup(c->name);
	s->persona_nick_tries = 0;
	s->state = SESSION_ACTIVE;
	save_state(app, s);
	if (old) {
		catalog_format(text, sizeof(text), s->lang, MSG_HANDOVER,
		    c->name);
	} else {
		catalog_format(text, sizeof(text), s->lang, MSG_TAKEN, c->name,
		    c->title ? c->title : "");
		if (c->title == NULL) {
			char *paren = strstr(text, " ()");

			if (paren)
				memmove(paren, paren + 3, strlen(paren + 3) + 1);
		}
	}
	bot_post(app, s, text, NULL);
	if (!strlist_has(&c->languages, s->lang)) {
		/* taken in a fallback language: say which, in theirs */
		const struct conf_office *o = office_of(app, s);
		const char *l = c->languages.n ? c->languages.v[0] : "fr";

		for (i = 0; o && i < o->fallback_langs.n; i++)
			if (strlist_has(&c->languages, o->fallback_langs.v[i])) {
				l = o->fallback_langs.v[i];
				break;
			}
		catalog_format(text, sizeof(text), s->lang, MSG_LANG_FALLBACK,
		    lang_name_in(s->lang, l));
		bot_post(app, s, text, NULL);
	}
	catalog_format(text, sizeof(text), counsellor_lang(c),
	    MSG_TAKEN_BY_YOU, c->name);
	session_notice(app, s->id, c, text);
	if (!old && store_now() - s->created >= 60) {
		long waited = (long)(store_now() - s->created);

		catalog_format(text, sizeof(text), counsellor_lang(c),
		    MSG_COACH_WAITED, waited / 60, waited % 60);
		session_notice(app, s->id, c, text);
	}
	if (old)
		send_context(app, s, c);
	if (s->bot_joined)
		send_presence_join(app, s, s->persona, s->persona_nick, 0);
	/* what the visitor added since the offer */
	flush_to_counsellor(app, s);
	return 0;
}

static int
is_encrypted(xmpp_stanza_t *m)
{
	return stanza_child(m, "encrypted", NS_OMEMO) != NULL ||
	    stanza_child(m, "encrypted", "urn:xmpp:omemo:2") != NULL ||
	    stanza_child(m, "x", "jabber:x:encrypted") != NULL ||
	    stanza_child(m, "openpgp", "urn:xmpp:openpgp:0") != NULL;
}

static int
closed_in_store(struct app *app, const char *id)
{
	sqlite3_stmt *st = store_stmt(app->store, "SELECT state FROM sessions "
	    "WHERE id = ?");
	int found = 0;

	if (st == NULL)
		return 0;
	bind_text(st, 1, id);
	if (sqlite3_step(st) == SQLITE_ROW)
		found = 1;
	sqlite3_reset(st);
	return found;
}

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

/* 1 if word appears in text as a whole word (ASCII case folded). */
static int
has_word_ci(const char *text, const char *word)
{
	size_t n = strlen(word);
	const char *p;

	for (p = text; *p; p++) {
		if (strncasecmp(p, word, n) != 0)
			continue;
		if ((p == text || !isalnum((unsigned char)p[-1])) &&
		    !isalnum((unsigned char)p[n]) && p[n] != '\'')
			return 1;
	}
	return 0;
}

/*
 * The editorial line of the field (seeds/): address the visitor by first
 * name, say "vous" in French. Private hints, once each per session.
 */
static void
coach(struct app *app, struct session *s, const struct conf_counsellor *c,
    const char *text)
{
	static const char *const tu[] = {"tu", "toi", "ton", "ta", "tes",
	    "t'", NULL};
	char hint[512];
	size_t i;

	s->counsellor_msgs++;
	if (s->name && strcasestr(text, s->name))
		s->coached |= 1;	/* used: no hint needed */
	if (!(s->coached & 1) && s->name && s->counsellor_msgs == 2) {
		s->coached |= 1;
		catalog_format(hint, sizeof(hint), counsellor_lang(c),
		    MSG_COACH_NAME, s->name);
		session_notice(app, s->id, c, hint);
	}
	if (!(s->coached & 2) && strcmp(s->lang, "fr") == 0)
		for (i = 0; tu[i]; i++)
			if (has_word_ci(text, tu[i]) || (strcmp(tu[i], "t'") ==
			    0 && strcasestr(text, " t'"))) {
				s->coached |= 2;
				notice_msg(app, s, c, MSG_COACH_VOUS);
				break;
			}
}

/* Commits a counsellor's text, then relays it (now or at the join). */
static void
relay_counsellor_text(struct app *app, struct session *s,
    const struct conf_counsellor *c, const char *text, const char *origin,
    xmpp_stanza_t *st)
{
	char *copy = xstrdup(text), *relay = stanza_new_id();
	char *replace_of = NULL;
	xmpp_stanza_t *rep;
	int64_t root = 0, row;

	if (st && (rep = stanza_child(st, "replace", NS_CORRECT)) != NULL &&
	    xmpp_stanza_get_attribute(rep, "id"))
		replace_of = relay_id_of(app, s, "counsellor",
		    xmpp_stanza_get_attribute(rep, "id"), &root);
	if (cut_utf8(copy, MAX_BODY))
		log_info("session %s: counsellor message cut to %d bytes",
		    s->id, MAX_BODY);
	row = save_message(app, s, "counsellor", c->persona, copy, origin,
	    relay, NULL, root);
	if (row > 0)
		coach(app, s, c, copy);
	if (row < 0)
		notice_msg(app, s, c, MSG_RELAY_FAILED);
	else if (s->persona_joined && room_send(app, s, s->persona, copy, relay,
	    replace_of, NULL) == 0)
		mark_relayed(app, row);
	free(replace_of);
	free(copy);
	free(relay);
}

static int
holds(const struct session *s, const struct conf_counsellor *c)
{
	return s->counsellor && strcasecmp(s->counsellor, c->jid) == 0;
}

/* Tells c that someone else holds the session. */
static void
not_yours(struct app *app, struct session *s, const struct conf_counsellor *c)
{
	const struct conf_counsellor *h = s->counsellor ?
	    conf_counsellor_by_jid(app->conf, s->counsellor) : NULL;
	char text[512];

	catalog_format(text, sizeof(text), counsellor_lang(c), MSG_NOT_YOURS,
	    h ? h->name : "?");
	session_notice(app, s->id, c, text);
}

static void
counsellor_message(struct app *app, xmpp_stanza_t *st, const struct route *r)
{
	const char *type = xmpp_stanza_get_type(st);
	const struct conf_counsellor *c;
	struct session *s = find(r->local);
	struct session_info si;
	const char *arg, *holder = NULL;
	enum command cmd;
	char *body;
	char text[1024];
	int claim;

	if (type && (!strcmp(type, "error") || !strcmp(type, "groupchat") ||
	    !strcmp(type, "headline")))
		return;
	c = conf_counsellor_by_jid(app->conf, stanza_bare(r->from));
	if (c == NULL) {
		stanza_send_error(app, st, "auth", "forbidden",
		    "This address is for the office's counsellors.");
		return;
	}
	if (s == NULL) {
		if (closed_in_store(app, r->local))
			session_notice(app, r->local, c,
			    catalog_text(counsellor_lang(c), MSG_ENDED));
		else
			stanza_send_error(app, st, "cancel", "item-not-found",
			    "There is no conversation at this address.");
		return;
	}
	if (is_encrypted(st)) {
		notice_msg(app, s, c, MSG_OMEMO);
		return;
	}
	body = body_of(st);
	if (body == NULL || str_blank(body)) {
		/* chat states only: pass typing on once the chat is theirs */
		const char *cs = chatstate_of(st);

		if (cs && s->state == SESSION_ACTIVE && s->persona_joined &&
		    holds(s, c)) {
			xmpp_stanza_t *x = xmpp_stanza_new(app->ctx);

			xmpp_stanza_set_name(x, cs);
			xmpp_stanza_set_ns(x, NS_CHATSTATES);
			room_send(app, s, s->persona, NULL, NULL, NULL, x);
		}
		free(body);
		return;
	}
	cmd = command_parse(body, &arg);
	/*
	 * Answering an offer takes the session: a waiting one, or one being
	 * transferred (by someone else). Commands other than /non and /aide
	 * by someone who does not hold the session are run for them too
	 * (console commands) or refused.
	 */
	claim = (s->state == SESSION_WAITING ||
	    (s->state == SESSION_ACTIVE && s->transfer_to && !holds(s, c))) &&
	    (cmd == CMD_NONE || cmd == CMD_CANNED);
	if (!claim && cmd != CMD_NONE) {
		if (holds(s, c) || cmd == CMD_HELP || cmd == CMD_DECLINE ||
		    cmd == CMD_PAUSE || cmd == CMD_RESUME ||
		    cmd == CMD_REQUESTS || cmd == CMD_TAKE ||
		    cmd == CMD_ANSWER || cmd == CMD_APPOINTMENTS ||
		    cmd == CMD_UNKNOWN)
			counsellor_command(app, s, c, cmd, arg, body);
		else
			not_yours(app, s, c);
		free(body);
		return;
	}
	if (s->state == SESSION_SURVEY || s->state == SESSION_CLOSED ||
	    s->state == SESSION_OFFLINE) {
		notice_msg(app, s, c, MSG_ENDED);
		free(body);
		return;
	}
	if (claim) {
		info_of(s, &si);
		switch (routing_take(app, &si, c, &holder)) {
		case TAKE_WON:
			break;
		case TAKE_LOST:
			catalog_format(text, sizeof(text), counsellor_lang(c),
			    MSG_NOT_YOURS, holder ? holder : "?");
			session_notice(app, s->id, c, text);
			free(body);
			return;
		case TAKE_NOT_OFFERED:
		default:
			notice_msg(app, s, c, MSG_NOT_OFFERED);
			free(body);
			return;
		}
		if (cmd == CMD_CANNED) {
			counsellor_command(app, s, c, cmd, arg, body);
			free(body);
			return;
		}
	} else if (!holds(s, c)) {
		not_yours(app, s, c);
		free(body);
		return;
	}
	relay_counsellor_text(app, s, c, arg, xmpp_stanza_get_id(st), st);
	free(body);
}

/* ---- closing ------------------------------------------------------------ */

static void
destroy_room(struct app *app, struct session *s)
{
	xmpp_stanza_t *q = xmpp_stanza_new(app->ctx), *d;

	xmpp_stanza_set_name(q, "query");
	xmpp_stanza_set_ns(q, NS_MUC_OWNER);
	d = stanza_add(q, "destroy", NULL);
	stanza_add_text(d, "reason", catalog_text(s->lang, MSG_GOODBYE));
	iq_to_room(app, s, "set", "destroy", q);
}

static void
close_session(struct app *app, struct session *s, const char *reason)
{
	sqlite3_stmt *st = store_stmt(app->store, "UPDATE sessions SET "
	    "state = 'closed', closed = ?, close_reason = ? WHERE id = ?");

	if (st) {
		sqlite3_bind_int64(st, 1, store_now());
		bind_text(st, 2, reason);
		bind_text(st, 3, s->id);
		step_done(app, st);
	}
	store_event(app->store, s->office, s->id, "closed", reason);
	routing_session_closed(app, s->id);
	leave_persona(app, s);
	destroy_room(app, s);
	log_info("session %s: closed (%s)", s->id, reason);
	s->state = SESSION_CLOSED;
	forget(s);
}

static void
save_rating(struct app *app, struct session *s, int rating,
    const char *comment)
{
	sqlite3_stmt *st = store_stmt(app->store, "UPDATE sessions SET "
	    "rating = ?, comment = ? WHERE id = ?");
	char text[1024];
	const struct conf_counsellor *c = s->counsellor ?
	    conf_counsellor_by_jid(app->conf, s->counsellor) : NULL;

	if (st) {
		sqlite3_bind_int(st, 1, rating);
		bind_text(st, 2, comment);
		bind_text(st, 3, s->id);
		step_done(app, st);
	}
	snprintf(text, sizeof(text), "%d", rating);
	store_event(app->store, s->office, s->id, "rated", text);
	if (c) {
		catalog_format(text, sizeof(text), counsellor_lang(c),
		    MSG_RATED, rating, comment ? comment : "");
		session_notice(app, s->id, c, text);
	}
}

/* The visitor's answer to the survey: "4", "4 merci", or the form. */
static void
survey_answer(struct app *app, struct session *s, xmpp_stanza_t *m,
    const char *body)
{
	xmpp_stanza_t *x = form_find(m);
	char *rating_s = NULL, *comment = NULL;
	const char *p = body;
	int rating = 0;

	if (x && form_type(x) && strcmp(form_type(x), "submit") == 0) {
		rating_s = form_value(x, "rating", 8, NULL);
		comment = form_value(x, "comment", 4000, NULL);
		if (rating_s && strlen(rating_s) == 1 && rating_s[0] >= '1' &&
		    rating_s[0] <= '5')
			rating = rating_s[0] - '0';
	}
	while (rating == 0 && p && *p && isspace((unsigned char)*p))
		p++;
	if (rating == 0 && p && *p >= '1' && *p <= '5' &&
	    !isdigit((unsigned char)p[1])) {
		rating = *p - '0';
		p++;
		while (*p && (isspace((unsigned char)*p) || *p == '/' ||
		    *p == '5' || *p == ',' || *p == '.' || *p == '-'))
			p++;
		free(comment);
		comment = *p ? xstrdup(p) : NULL;
	}
	if (rating == 0) {
		if (s->survey_prompts++ < 1)
			bot_post(app, s, catalog_text(s->lang,
			    MSG_SURVEY_AGAIN), NULL);
		else
			close_session(app, s, "survey-unanswered");
		free(rating_s);
		free(comment);
		return;
	}
	save_rating(app, s, rating, comment && !str_blank(comment) ? comment :
	    NULL);
	bot_post(app, s, catalog_text(s->lang, MSG_SURVEY_THANKS), NULL);
	free(rating_s);
	free(comment);
	close_session(app, s, "done");
}

/* ---- stanzas from the room ------------------------------------------- */

/* 1 if nick is one of our occupants in s. */
static int
is_our_nick(struct app *app, struct session *s, const char *nick)
{
	if (strcmp(nick, bot_nick(app, s)) == 0 ||
	    strcmp(nick, "accueil-setup") == 0)
		return 1;
	return s->persona_nick && strcmp(nick, s->persona_nick) == 0;
}

static int
has_status(xmpp_stanza_t *x, const char *code)
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

static const char *
error_condition(xmpp_stanza_t *st)
{
	xmpp_stanza_t *e = stanza_child(st, "error", NULL), *c;

	for (c = e ? xmpp_stanza_get_children(e) : NULL; c;
	    c = xmpp_stanza_get_next(c))
		if (xmpp_stanza_is_tag(c) && xmpp_stanza_get_ns(c) &&
		    strcmp(xmpp_stanza_get_ns(c), NS_STANZAS) == 0)
			return xmpp_stanza_get_name(c);
	return "undefined-condition";
}

static void
room_presence(struct app *app, struct session *s, xmpp_stanza_t *st,
    const struct route *r, const char *nick)
{
	const char *type = xmpp_stanza_get_type(st);
	xmpp_stanza_t *x = stanza_child(st, "x", NS_MUC_USER);
	int self = has_status(x, "110");
	xmpp_stanza_t *item = x ? stanza_child(x, "item", NULL) : NULL;
	const char *jid = item ? xmpp_stanza_get_attribute(item, "jid") : NULL;

	if (type && strcmp(type, "error") == 0) {
		const char *cond = error_condition(st);

		if (r->kind == ROUTE_SERVICE) {
			setup_failed(app, s, st, "creation");
		} else if (r->kind == ROUTE_PERSONA && !strcmp(cond, "conflict") &&
		    s->persona_nick_tries++ < 3) {
			const struct conf_office *o = office_of(app, s);
			char *n = xasprintf("%s (%s)%s", s->persona_nick ?
			    s->persona_nick : "?", o ? o->id : "",
			    s->persona_nick_tries > 1 ? "*" : "");

			free(s->persona_nick);
			s->persona_nick = n;
			send_presence_join(app, s, s->persona, n, 0);
		} else {
			log_warnx("session %s: cannot join %s as %s: %s", s->id,
			    s->room, nick, cond);
			if (r->kind == ROUTE_BOT && (!strcmp(cond,
			    "item-not-found") || !strcmp(cond, "not-allowed") ||
			    !strcmp(cond, "not-authorized") ||
			    !strcmp(cond, "registration-required"))) {
				/* the room is gone: create it again */
				s->setup_done = 0;
				setup_start(app, s);
			}
		}
		return;
	}
	if (r->kind == ROUTE_SERVICE) {
		/* the creator's own presence */
		if (self && s->setup == SETUP_CREATING &&
		    (type == NULL || strcmp(type, "unavailable") != 0)) {
			xmpp_stanza_t *q = xmpp_stanza_new(app->ctx);

			xmpp_stanza_set_name(q, "query");
			xmpp_stanza_set_ns(q, NS_MUC_OWNER);
			s->setup = SETUP_FORM;
			iq_to_room(app, s, "get", "cfg-get", q);
		}
		return;
	}
	if (self) {
		int joined = type == NULL || strcmp(type, "unavailable") != 0;

		if (r->kind == ROUTE_BOT) {
			int was = s->bot_joined;

			s->bot_joined = joined;
			if (joined && !was) {
				log_debug("session %s: bot in the room", s->id);
				room_ready(app, s);
			}
		} else if (r->kind == ROUTE_PERSONA && s->persona &&
		    strcmp(r->local, s->persona) == 0) {
			int was = s->persona_joined;

			s->persona_joined = joined;
			if (joined && !was)
				flush_posts(app, s);
			if (!joined && s->persona_leaving) {
				s->persona_leaving = 0;
				return;
			}
		}
		if (!joined && s->state != SESSION_CLOSED)
			log_info("session %s: %s left %s (kicked or room "
			    "closed); rejoining at the next tick", s->id, nick,
			    s->room);
		return;
	}
	/* other occupants: the bot's view is the one that counts */
	if (r->kind != ROUTE_BOT || is_our_nick(app, s, nick))
		return;
	if (jid && strchr(jid, '@') == NULL)
		return;	/* a component of ours, no visitor */
	if (type && strcmp(type, "unavailable") == 0) {
		if (s->visitors > 0)
			s->visitors--;
		if (s->visitors == 0) {
			s->left_at = store_now();
			store_event(app->store, s->office, s->id,
			    "visitor-left", NULL);
			if (s->state == SESSION_ACTIVE && s->counsellor) {
				const struct conf_counsellor *c =
				    conf_counsellor_by_jid(app->conf,
					s->counsellor);

				if (c)
					notice_msg(app, s, c, MSG_VISITOR_LEFT);
				s->told_left = 1;
			}
		}
		return;
	}
	if (type == NULL) {
		int back = s->visitors == 0 && s->told_left;

		s->visitors++;
		s->left_at = 0;
		if (jid && strcmp(jid, s->visitor) != 0) {
			free(s->visitor);
			s->visitor = xstrdup(jid);
			save_state(app, s);
		}
		if (back && s->counsellor) {
			const struct conf_counsellor *c =
			    conf_counsellor_by_jid(app->conf, s->counsellor);

			s->told_left = 0;
			store_event(app->store, s->office, s->id,
			    "visitor-back", NULL);
			if (c)
				notice_msg(app, s, c, MSG_VISITOR_BACK);
		}
	}
}

static void
room_message(struct app *app, struct session *s, xmpp_stanza_t *st,
    const struct route *r, const char *nick)
{
	const char *type = xmpp_stanza_get_type(st);
	const char *id = xmpp_stanza_get_id(st);
	xmpp_stanza_t *rep;
	char *body, *key;
	const char *cs;

	if (type && strcmp(type, "error") == 0) {
		log_warnx("session %s: the room refused a message: %s", s->id,
		    error_condition(st));
		return;
	}
	/* the bot's copy is the one read; private messages count too */
	if (nick == NULL || (type && strcmp(type, "groupchat") == 0 &&
	    r->kind != ROUTE_BOT))
		return;
	if (is_our_nick(app, s, nick))
		return;
	body = body_of(st);
	if (body == NULL || str_blank(body)) {
		cs = chatstate_of(st);
		if (cs && stanza_child(st, "delay", NS_DELAY) == NULL &&
		    s->state == SESSION_ACTIVE && s->counsellor)
			to_counsellor(app, s, NULL, NULL, NULL, cs);
		free(body);
		return;
	}
	if (s->state == SESSION_SURVEY) {
		survey_answer(app, s, st, body);
		free(body);
		return;
	}
	/*
	 * The key that makes a relay happen once: the same message comes
	 * again in the history after a rejoin.
	 */
	if (id) {
		key = xasprintf("id:%s:%s", nick, id);
	} else {
		xmpp_stanza_t *d = stanza_child(st, "delay", NS_DELAY);
		const char *stamp = d ? xmpp_stanza_get_attribute(d, "stamp") :
		    NULL;
		unsigned long h = 5381;

		for (const char *p = body; *p; p++)
			h = h * 33 + (unsigned char)*p;
		key = xasprintf("h:%s:%lx:%s", nick, h, stamp ? stamp : "");
	}
	rep = stanza_child(st, "replace", NS_CORRECT);
	if (visitor_says(app, s, body, id, key,
	    rep ? xmpp_stanza_get_attribute(rep, "id") : NULL) > 0 &&
	    s->state == SESSION_ACTIVE && !s->close_pending &&
	    stanza_child(st, "delay", NS_DELAY) == NULL) {
		struct session_info si;

		info_of(s, &si);
		video_visitor_input(app, &si, st, body);
	}
	free(key);
	free(body);
}

/* IQ answers from the room, matched by the ids we gave: step:v-<id>. */
static int
room_iq(struct app *app, xmpp_stanza_t *st)
{
	const char *id = xmpp_stanza_get_id(st);
	const char *type = xmpp_stanza_get_type(st);
	const char *colon;
	struct session *s;
	int ok;

	if (id == NULL || type == NULL || (colon = strchr(id, ':')) == NULL)
		return ROUTE_PASS;
	if (strcmp(type, "result") != 0 && strcmp(type, "error") != 0)
		return ROUTE_PASS;
	if ((s = find(colon + 1)) == NULL)
		return ROUTE_HANDLED;	/* a closed session's late answer */
	ok = strcmp(type, "result") == 0;
	if (strncmp(id, "cfg-get:", 8) == 0) {
		if (ok)
			setup_submit(app, s, st);
		else
			setup_failed(app, s, st, "configuration form");
	} else if (strncmp(id, "cfg-set:", 8) == 0) {
		if (ok)
			setup_owner(app, s);
		else
			setup_failed(app, s, st, "configuration");
	} else if (strncmp(id, "cfg-own:", 8) == 0) {
		if (ok)
			setup_done(app, s);
		else
			setup_failed(app, s, st, "owner affiliation");
	}
	return ROUTE_HANDLED;
}

static int
from_muc(struct app *app, const char *from)
{
	const char *at = strchr(from, '@');
	const char *domain = at ? at + 1 : from;
	size_t n = strlen(app->conf->muc);

	return strncasecmp(domain, app->conf->muc, n) == 0 &&
	    (domain[n] == '\0' || domain[n] == '/');
}

int
session_route(struct app *app, xmpp_stanza_t *st, const struct route *r)
{
	const char *name = xmpp_stanza_get_name(st);
	const char *to = xmpp_stanza_get_to(st);
	const char *slash = to ? strchr(to, '/') : NULL;
	struct session *s;

	if (from_muc(app, r->from)) {
		const char *nick = strchr(r->from, '/');

		if (strcmp(name, "iq") == 0)
			return room_iq(app, st);
		if (slash == NULL || (s = find(slash + 1)) == NULL)
			return strcmp(name, "presence") == 0 ? ROUTE_HANDLED :
			    ROUTE_PASS;
		if (r->kind != ROUTE_SERVICE && r->kind != ROUTE_BOT &&
		    r->kind != ROUTE_PERSONA)
			return ROUTE_PASS;
		if (strcmp(name, "presence") == 0 && nick)
			room_presence(app, s, st, r, nick + 1);
		else if (strcmp(name, "message") == 0)
			room_message(app, s, st, r, nick ? nick + 1 : NULL);
		return ROUTE_HANDLED;
	}
	if (strcmp(name, "message") != 0)
		return ROUTE_PASS;
	if (r->kind == ROUTE_OFFICE) {
		desk_message(app, st, r);
		return ROUTE_HANDLED;
	}
	if (r->kind == ROUTE_VISITOR) {
		counsellor_message(app, st, r);
		return ROUTE_HANDLED;
	}
	return ROUTE_PASS;
}

/* ---- offline requests, queue notices, transfers ------------------------ */

/* All the visitor's messages, one per line (caller frees). */
static char *
visitor_text(struct app *app, struct session *s, const char *skip)
{
	sqlite3_stmt *st = store_stmt(app->store, "SELECT body FROM messages "
	    "WHERE session = ? AND role = 'visitor' ORDER BY id");
	struct buf b = {0};

	if (st == NULL)
		return xstrdup(s->question ? s->question : "");
	bind_text(st, 1, s->id);
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *t = (const char *)sqlite3_column_text(st, 0);

		if (skip && strcmp(t, skip) == 0)
			continue;
		buf_appendf(&b, "%s%s", b.len ? "\n" : "", t);
	}
	sqlite3_reset(st);
	return buf_take(&b);
}

/*
 * Finds a contact in what the visitor wrote: an e-mail address, an XMPP
 * address written xmpp:name@host, or "here" for the visitor's own JID.
 * Returns it (caller frees) and sets *kind, or NULL.
 */
static char *
find_contact(struct session *s, const char *text, const char **kind)
{
	static const char *const here[] = {"ici", "here", "aquí", "aqui",
	    "hier"};
	const char *p = text;
	size_t i;

	while (*p) {
		const char *start, *end;
		char *tok;

		while (*p && (isspace((unsigned char)*p) || *p == '<' ||
		    *p == '(' || *p == '"'))
			p++;
		start = p;
		while (*p && !isspace((unsigned char)*p) && *p != '>' &&
		    *p != ')' && *p != '"')
			p++;
		end = p;
		while (end > start && strchr(".,;:!?", end[-1]))
			end--;
		if (end == start)
			continue;
		tok = xstrndup(start, (size_t)(end - start));
		for (i = 0; i < nitems(here); i++)
			if (strcasecmp(tok, here[i]) == 0) {
				free(tok);
				*kind = "xmpp";
				return xstrdup(stanza_bare(s->visitor));
			}
		if (strncasecmp(tok, "xmpp:", 5) == 0 && strchr(tok + 5, '@') &&
		    !strchr(tok + 5, '/')) {
			char *jid = xstrdup(tok + 5);

			free(tok);
			*kind = "xmpp";
			return jid;
		}
		if (strchr(tok, '@') && strchr(strchr(tok, '@'), '.') &&
		    tok[0] != '@') {
			*kind = strcasecmp(tok, stanza_bare(s->visitor)) == 0 ?
			    "xmpp" : "email";
			return tok;
		}
		free(tok);
	}
	return NULL;
}

static void
file_request(struct app *app, struct session *s, const char *contact,
    const char *kind, const char *contact_line)
{
	const struct conf_office *o = office_of(app, s);
	char *question = visitor_text(app, s, contact_line);
	char text[1024];

	if (console_file_request(app, s->office, s->id, s->lang, s->name,
	    *question ? question : "-", contact, kind) < 0) {
		bot_post(app, s, catalog_text(s->lang, MSG_RELAY_FAILED), NULL);
		free(question);
		return;
	}
	catalog_format(text, sizeof(text), s->lang, MSG_REQUEST_FILED,
	    contact, o ? o->answer_delay : 48);
	bot_post(app, s, text, NULL);
	s->close_pending = "offline-request";
	free(question);
}

static void
ask_contact(struct app *app, struct session *s)
{
	const struct conf_office *o = office_of(app, s);
	char text[1024];

	catalog_format(text, sizeof(text), s->lang, MSG_ASK_CONTACT,
	    o ? o->answer_delay : 48);
	bot_post(app, s, text, NULL);
	s->contact_prompts++;
}

static void
offline_input(struct app *app, struct session *s, const char *body)
{
	const char *kind = NULL;
	char *contact;

	if (s->close_pending)
		return;
	if ((contact = find_contact(s, body, &kind)) != NULL) {
		file_request(app, s, contact, kind, body);
		free(contact);
	} else if (s->contact_prompts < 3)
		ask_contact(app, s);
}

void
session_go_offline(struct app *app, const char *id, const char *reason)
{
	struct session *s = find(id);
	const struct conf_office *o;
	char text[1024], when[256];
	time_t next;
	struct tm tm;

	if (s == NULL || s->state != SESSION_WAITING)
		return;
	o = office_of(app, s);
	s->state = SESSION_OFFLINE;
	save_state(app, s);
	store_event(app->store, s->office, s->id, "offline", reason);
	log_info("session %s: offline request (%s)", s->id, reason);
	if (strcmp(reason, "closed") == 0 && o &&
	    (next = office_next_open(o, store_now())) != 0 &&
	    clock_localtime(o->timezone, next, &tm) == 0) {
		catalog_format(when, sizeof(when), s->lang, MSG_DATE_AT,
		    catalog_text(s->lang, (enum msg)(MSG_WEEKDAY_0 +
			tm.tm_wday)), tm.tm_mday, tm.tm_hour, tm.tm_min);
		catalog_format(text, sizeof(text), s->lang, MSG_OFFLINE_CLOSED,
		    when);
	} else
		catalog_format(text, sizeof(text), s->lang, MSG_OFFLINE_NOBODY);
	bot_post(app, s, text, NULL);
	if (s->email)
		file_request(app, s, s->email, "email", NULL);
	else
		ask_contact(app, s);
}

void
session_queue_notice(struct app *app, const char *id, int position,
    long wait)
{
	struct session *s = find(id);
	xmpp_stanza_t *q;
	char text[512], n[32];

	if (s == NULL || s->state != SESSION_WAITING)
		return;
	if (position <= 1 && wait < 60)
		catalog_format(text, sizeof(text), s->lang, MSG_QUEUE_NOW);
	else
		catalog_format(text, sizeof(text), s->lang, MSG_QUEUE, position,
		    (wait + 59) / 60);
	q = xmpp_stanza_new(app->ctx);
	xmpp_stanza_set_name(q, "queue");
	xmpp_stanza_set_ns(q, "urn:accueil:queue:0");
	snprintf(n, sizeof(n), "%d", position);
	xmpp_stanza_set_attribute(q, "position", n);
	snprintf(n, sizeof(n), "%ld", wait);
	xmpp_stanza_set_attribute(q, "wait", n);
	bot_post(app, s, text, q);
}

void
session_mark_alerted(struct app *app, const char *id)
{
	struct session *s = find(id);

	if (s) {
		s->alerted = 1;
		save_state(app, s);
	}
}

void
session_transfer_failed(struct app *app, const char *id)
{
	struct session *s = find(id);
	const struct conf_counsellor *c;

	if (s == NULL)
		return;
	free(s->transfer_to);
	s->transfer_to = NULL;
	save_state(app, s);
	store_event(app->store, s->office, s->id, "transfer-failed", NULL);
	if ((c = conf_counsellor_by_jid(app->conf, s->counsellor)) != NULL)
		notice_msg(app, s, c, MSG_TRANSFER_FAILED);
}

/* The last messages of the session, for a counsellor taking over. */
static void
send_context(struct app *app, struct session *s, const struct conf_counsellor *c)
{
	sqlite3_stmt *st = store_stmt(app->store, "SELECT role, persona, body "
	    "FROM (SELECT id, role, persona, body FROM messages WHERE session "
	    "= ? AND role IN ('visitor', 'counsellor', 'note') ORDER BY id "
	    "DESC LIMIT 10) ORDER BY id");
	struct buf b = {0};

	if (st == NULL)
		return;
	bind_text(st, 1, s->id);
	buf_append(&b, catalog_text(counsellor_lang(c), MSG_CONTEXT));
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *role = (const char *)sqlite3_column_text(st, 0);
		const char *persona = (const char *)sqlite3_column_text(st, 1);

		buf_appendf(&b, "\n%s%s%s: %s", role, persona ? " " : "",
		    persona ? persona : "",
		    (const char *)sqlite3_column_text(st, 2));
	}
	sqlite3_reset(st);
	session_notice(app, s->id, c, b.s);
	buf_free(&b);
}

int
session_admin_close(struct app *app, const char *id)
{
	struct session *s = find(id);
	const struct conf_counsellor *c;

	if (s == NULL)
		return -1;
	if (s->counsellor &&
	    (c = conf_counsellor_by_jid(app->conf, s->counsellor)) != NULL)
		notice_msg(app, s, c, MSG_ENDED);
	bot_post(app, s, catalog_text(s->lang, MSG_GOODBYE), NULL);
	close_session(app, s, "admin");
	return 0;
}

/* ---- life cycle ---------------------------------------------------------- */

void
session_load(struct app *app)
{
	sqlite3_stmt *st = store_stmt(app->store, "SELECT id, office, room, "
	    "password, visitor, lang, name, page, question, counsellor, "
	    "persona, state, created, invited, setup_done, transfer_to, "
	    "transfer_from, alerted, lang_source, email, consent, rowid FROM "
	    "sessions WHERE state != 'closed' ORDER BY created, rowid");
	size_t k;

	if (st == NULL)
		return;
	while (sqlite3_step(st) == SQLITE_ROW) {
		struct session *s = xcalloc(1, sizeof(*s));
		char *state = col_text(st, 11);
		const struct conf_counsellor *c;

		s->id = col_text(st, 0);
		s->office = col_text(st, 1);
		s->room = col_text(st, 2);
		s->password = col_text(st, 3);
		s->visitor = col_text(st, 4);
		s->lang = col_text(st, 5);
		s->name = col_text(st, 6);
		s->page = col_text(st, 7);
		s->question = col_text(st, 8);
		s->counsellor = col_text(st, 9);
		s->persona = col_text(st, 10);
		for (k = 0; k < nitems(state_names); k++)
			if (state && strcmp(state, state_names[k]) == 0)
				s->state = (enum session_state)k;
		free(state);
		s->created = sqlite3_column_int64(st, 12);
		s->invited = sqlite3_column_int(st, 13);
		s->setup_done = sqlite3_column_int(st, 14);
		s->transfer_to = col_text(st, 15);
		s->transfer_from = col_text(st, 16);
		s->alerted = sqlite3_column_int(st, 17);
		s->lang_source = col_text(st, 18);
		if (sqlite3_column_int(st, 20))
			s->email = col_text(st, 19);
		s->seq = sqlite3_column_int64(st, 21);
		s->left_at = store_now();
		if (s->state == SESSION_SURVEY)
			s->survey_at = store_now();
		c = s->counsellor ? conf_counsellor_by_jid(app->conf,
		    s->counsellor) : NULL;
		if (c)
			s->persona_nick = xstrdup(c->name);
		if (conf_office(app->conf, s->office) == NULL) {
			log_warnx("session %s: office %s is no longer "
			    "configured; the session stays in the store",
			    s->id, s->office);
			session_free(s);
			continue;
		}
		sessions = xreallocarray(sessions, nsessions + 1,
		    sizeof(*sessions));
		sessions[nsessions++] = s;
	}
	sqlite3_reset(st);
	if (nsessions)
		log_info("session: %zu open session%s resumed", nsessions,
		    nsessions == 1 ? "" : "s");
}

void
session_resync(struct app *app)
{
	size_t i;

	for (i = 0; i < nsessions; i++) {
		struct session *s = sessions[i];

		s->bot_joined = s->persona_joined = 0;
		s->visitors = 0;
		s->left_at = store_now();
		if (!s->setup_done) {
			setup_start(app, s);
			continue;
		}
		/*
		 * Leave first: a MUC that still counts us in takes a join as
		 * a presence update and sends no history. The history that
		 * comes with the new join carries what the visitor wrote
		 * while we were away; stored keys make its relay happen
		 * exactly once.
		 */
		send_presence_leave(app, s, bot_of(app, s) ? bot_of(app, s)->id :
		    NULL, bot_nick(app, s));
		if (s->persona && s->persona_nick)
			send_presence_leave(app, s, s->persona, s->persona_nick);
		bot_join(app, s, HISTORY_ON_REJOIN);
	}
}

void
session_link_down(struct app *app)
{
	size_t i;

	for (i = 0; i < nsessions; i++) {
		sessions[i]->bot_joined = sessions[i]->persona_joined = 0;
		if (sessions[i]->setup != SETUP_DONE)
			sessions[i]->setup = SETUP_NONE;
	}
}

int
session_tick(void *ud)
{
	struct app *app = ud;
	int64_t now = store_now();
	size_t i;

	if (!link_is_up(app->link))
		return 1;
	for (i = 0; i < nsessions; i++) {
		struct session *s = sessions[i];

		if (s->close_pending) {
			close_session(app, s, s->close_pending);
			i--;
			continue;
		}
		if (!s->setup_done && (s->setup == SETUP_NONE ||
		    now - s->setup_at > SETUP_RETRY)) {
			setup_start(app, s);
			continue;
		}
		if (s->setup_done && !s->bot_joined) {
			bot_join(app, s, HISTORY_ON_REJOIN);
			continue;
		}
		if (s->state == SESSION_ACTIVE && s->bot_joined &&
		    !s->persona_joined && s->persona && s->persona_nick)
			send_presence_join(app, s, s->persona, s->persona_nick,
			    0);
		if (s->state == SESSION_SURVEY &&
		    (now - s->survey_at > SURVEY_WAIT ||
		    (s->visitors == 0 && s->left_at &&
		    now - s->left_at > 60))) {
			bot_post(app, s, catalog_text(s->lang, MSG_GOODBYE),
			    NULL);
			close_session(app, s, "survey-unanswered");
			i--;
			continue;
		}
		if (s->visitors == 0 && s->left_at &&
		    now - s->left_at > VISITOR_GRACE) {
			const struct conf_counsellor *c = s->counsellor ?
			    conf_counsellor_by_jid(app->conf, s->counsellor) :
			    NULL;

			if (c && s->state == SESSION_ACTIVE)
				notice_msg(app, s, c, MSG_VISITOR_GONE);
			/* left before anyone answered: abandoned */
			close_session(app, s, s->state == SESSION_ACTIVE ?
			    "visitor-gone" : "abandoned");
			i--;
		}
	}
	return 1;
}

void
session_shutdown(struct app *app)
{
	size_t i;

	for (i = 0; i < nsessions; i++) {
		struct session *s = sessions[i];

		if (s->persona_joined)
			send_presence_leave(app, s, s->persona, s->persona_nick);
		if (s->bot_joined)
			send_presence_leave(app, s, bot_of(app, s) ?
			    bot_of(app, s)->id : NULL, bot_nick(app, s));
	}
}

void
session_foreach(int state, void (*fn)(struct app *, const struct session_info *,
    void *), struct app *app, void *ud)
{
	struct session_info si;
	size_t i;

	for (i = 0; i < nsessions; i++) {
		if (state >= 0 && (int)sessions[i]->state != state)
			continue;
		info_of(sessions[i], &si);
		fn(app, &si, ud);
	}
}

int
session_count_active(const char *counsellor)
{
	size_t i;
	int n = 0;

	for (i = 0; i < nsessions; i++)
		if (sessions[i]->state == SESSION_ACTIVE &&
		    sessions[i]->counsellor &&
		    strcasecmp(sessions[i]->counsellor, counsellor) == 0)
			n++;
	return n;
}
