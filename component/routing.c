/*
 * routing.c: offers and takes.
 *
 * The strategy here rings every counsellor of the office who is
 * available and under max-chats, preferring those who speak the
 * session's language (everyone available when nobody does). The first
 * reply takes the session: the take is one guarded UPDATE in the store,
 * so two counsellors racing can never both win.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "app.h"
#include "catalog.h"
#include "conf.h"
#include "log.h"
#include "routing.h"
#include "session.h"
#include "staff.h"
#include "stanza.h"
#include "store.h"
#include "util.h"

static int
can_take(const struct conf_counsellor *c, const char *office)
{
	return strlist_has(&c->offices, office) && staff_is_online(c->jid) &&
	    session_count_active(c->jid) < c->max_chats;
}

static void
send_offer(struct app *app, const struct session_info *s,
    const struct conf_counsellor *c)
{
	const struct conf_office *o = conf_office(app->conf, s->office);
	const char *lang = c->lang ? c->lang : "fr";
	char *from = xasprintf("%s@%s", s->id, app->conf->domain);
	char *text, *nick;
	xmpp_stanza_t *m, *n, *t;
	size_t size = 4096 + (s->question ? strlen(s->question) : 0);

	text = xcalloc(1, size);
	catalog_format(text, size, lang, MSG_OFFER,
	    s->name ? s->name : catalog_text(lang, MSG_VISITOR), s->lang,
	    s->page ? s->page : "-", o ? o->name : s->office,
	    s->question ? s->question : "");
	m = stanza_message(app, from, c->jid, "chat", text);
	nick = xasprintf("%s · %s%s%s", s->name ? s->name :
	    catalog_text(s->lang, MSG_VISITOR), s->lang, s->page ? " · " : "",
	    s->page ? s->page : "");
	n = stanza_add(m, "nick", NS_NICK);
	t = xmpp_stanza_new(app->ctx);
	xmpp_stanza_set_text(t, nick);
	xmpp_stanza_add_child_ex(n, t, 0);
	stanza_send(app, m);
	free(nick);
	free(text);
	free(from);
}

/* Records and sends one offer; 1 if it is new. */
static int
offer_one(struct app *app, const struct session_info *s,
    const struct conf_counsellor *c)
{
	sqlite3_stmt *st = store_stmt(app->store, "INSERT OR IGNORE INTO "
	    "offers (session, counsellor, at, state) VALUES (?, ?, ?, 'open')");

	if (st == NULL)
		return 0;
	sqlite3_bind_text(st, 1, s->id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, c->jid, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 3, store_now());
	if (sqlite3_step(st) != SQLITE_DONE) {
		sqlite3_reset(st);
		return 0;
	}
	sqlite3_reset(st);
	if (sqlite3_changes(store_db(app->store)) == 0)
		return 0;
	store_event(app->store, s->office, s->id, "offered", c->jid);
	send_offer(app, s, c);
	log_info("session %s: offered to %s", s->id, c->jid);
	return 1;
}

int
routing_offer(struct app *app, const struct session_info *s)
{
	size_t i;
	int speakers = 0, n = 0;

	for (i = 0; i < app->conf->ncounsellors; i++) {
		const struct conf_counsellor *c = &app->conf->counsellors[i];

		if (can_take(c, s->office) && strlist_has(&c->languages,
		    s->lang))
			speakers++;
	}
	for (i = 0; i < app->conf->ncounsellors; i++) {
		const struct conf_counsellor *c = &app->conf->counsellors[i];

		if (!can_take(c, s->office))
			continue;
		if (speakers && !strlist_has(&c->languages, s->lang))
			continue;
		offer_one(app, s, c);
		n++;
	}
	return n;
}

static int
was_offered(struct app *app, const char *id, const char *jid)
{
	sqlite3_stmt *st = store_stmt(app->store, "SELECT 1 FROM offers WHERE "
	    "session = ? AND counsellor = ?");
	int r;

	if (st == NULL)
		return 0;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, jid, -1, SQLITE_TRANSIENT);
	r = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_reset(st);
	return r;
}

/* Tells the counsellors whose offer is still open who took it. */
static void
revoke_others(struct app *app, const struct session_info *s,
    const struct conf_counsellor *winner)
{
	sqlite3_stmt *st = store_stmt(app->store, "SELECT counsellor FROM "
	    "offers WHERE session = ? AND state = 'open' AND counsellor != ?");
	sqlite3_stmt *up;
	struct strlist jids = {0};
	size_t i;

	if (st == NULL)
		return;
	sqlite3_bind_text(st, 1, s->id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, winner->jid, -1, SQLITE_TRANSIENT);
	while (sqlite3_step(st) == SQLITE_ROW)
		strlist_add(&jids, (const char *)sqlite3_column_text(st, 0));
	sqlite3_reset(st);
	for (i = 0; i < jids.n; i++) {
		const struct conf_counsellor *c =
		    conf_counsellor_by_jid(app->conf, jids.v[i]);
		char text[512];

		if (c == NULL)
			continue;
		catalog_format(text, sizeof(text), c->lang ? c->lang : "fr",
		    MSG_TAKEN_BY_OTHER, winner->name);
		session_notice(app, s->id, c, text);
	}
	strlist_free(&jids);
	up = store_stmt(app->store, "UPDATE offers SET state = CASE WHEN "
	    "counsellor = ? THEN 'taken' ELSE 'revoked' END WHERE session = ? "
	    "AND state = 'open'");
	if (up == NULL)
		return;
	sqlite3_bind_text(up, 1, winner->jid, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(up, 2, s->id, -1, SQLITE_TRANSIENT);
	sqlite3_step(up);
	sqlite3_reset(up);
}

enum take_result
routing_take(struct app *app, const struct session_info *s,
    const struct conf_counsellor *c, const char **holder)
{
	sqlite3_stmt *st;
	const struct conf_counsellor *h;
	char *who = NULL;

	*holder = NULL;
	if (!was_offered(app, s->id, c->jid))
		return TAKE_NOT_OFFERED;
	st = store_stmt(app->store, "UPDATE sessions SET state = 'active', "
	    "counsellor = ?, persona = ?, taken = ? WHERE id = ? AND "
	    "state = 'waiting'");
	if (st == NULL)
		return TAKE_LOST;
	sqlite3_bind_text(st, 1, c->jid, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, c->persona, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 3, store_now());
	sqlite3_bind_text(st, 4, s->id, -1, SQLITE_TRANSIENT);
	sqlite3_step(st);
	sqlite3_reset(st);
	if (sqlite3_changes(store_db(app->store)) == 1) {
		store_event(app->store, s->office, s->id, "taken", c->jid);
		log_info("session %s: taken by %s", s->id, c->jid);
		revoke_others(app, s, c);
		session_taken(app, s->id, c);
		return TAKE_WON;
	}
	st = store_stmt(app->store, "SELECT counsellor FROM sessions WHERE "
	    "id = ?");
	if (st) {
		sqlite3_bind_text(st, 1, s->id, -1, SQLITE_TRANSIENT);
		if (sqlite3_step(st) == SQLITE_ROW &&
		    sqlite3_column_text(st, 0))
			who = xstrdup((const char *)sqlite3_column_text(st, 0));
		sqlite3_reset(st);
	}
	if (who && (h = conf_counsellor_by_jid(app->conf, who)) != NULL)
		*holder = h->name;
	free(who);
	return TAKE_LOST;
}

void
routing_session_closed(struct app *app, const char *id)
{
	sqlite3_stmt *st = store_stmt(app->store, "UPDATE offers SET state = "
	    "'revoked' WHERE session = ? AND state = 'open'");

	if (st == NULL)
		return;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
	sqlite3_step(st);
	sqlite3_reset(st);
}

struct newcomer {
	const struct conf_counsellor *c;
	int offered;
};

static void
offer_to_newcomer(struct app *app, const struct session_info *s, void *ud)
{
	struct newcomer *n = ud;

	if (can_take(n->c, s->office))
		n->offered += offer_one(app, s, n->c);
}

static void
on_staff_change(struct app *app, const struct conf_counsellor *c, int online)
{
	struct newcomer n = {c, 0};

	if (!online)
		return;
	session_foreach(SESSION_WAITING, offer_to_newcomer, app, &n);
}

void
routing_init(void)
{
	staff_set_listener(on_staff_change);
}
