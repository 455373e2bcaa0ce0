/*
 * offers.c: the offers table and the messages that go with it.
 *
 * An offer is a row (conversation, counsellor, when, state) and a chat
 * message to the counsellor with who is waiting and what they asked.
 * The queue engine (routing.c) decides whom to offer what and when;
 * this file stores the offers, counts them, sends them, and closes them
 * when a conversation is taken, declined, withdrawn or its counsellor
 * goes offline, telling those who lose one why. All SQL on offers is
 * here; every step is checked and a failure logged.
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
#include "log.h"
#include "offers.h"
#include "plugin.h"
#include "relay.h"
#include "stanza.h"
#include "store.h"
#include "util.h"


/* Steps a count(*) statement; returns the count, 0 on failure. */
static int
count_int(struct app *app, sqlite3_stmt *st)
{
	int n = 0;

	if (st && store_row(app->store, st) == 1) {
		n = sqlite3_column_int(st, 0);
		sqlite3_reset(st);
	}
	return n;
}

int
offers_held(struct app *app, const char *jid)
{
	sqlite3_stmt *st = store_stmt(app->store, "SELECT count(*) FROM offers "
	    "WHERE counsellor = ? AND state = 'open'");

	if (st)
		sqlite3_bind_text(st, 1, jid, -1, SQLITE_TRANSIENT);
	return count_int(app, st);
}

int
offers_open(struct app *app, const char *id)
{
	sqlite3_stmt *st = store_stmt(app->store, "SELECT count(*) FROM offers "
	    "WHERE session = ? AND state = 'open'");

	if (st)
		sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
	return count_int(app, st);
}

int
offers_all(struct app *app, const char *id)
{
	sqlite3_stmt *st = store_stmt(app->store, "SELECT count(*) FROM offers "
	    "WHERE session = ?");

	if (st)
		sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
	return count_int(app, st);
}

int
offers_was_offered(struct app *app, const char *id, const char *jid)
{
	sqlite3_stmt *st = store_stmt(app->store, "SELECT count(*) FROM offers "
	    "WHERE session = ? AND counsellor = ?");

	if (st) {
		sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 2, jid, -1, SQLITE_TRANSIENT);
	}
	return count_int(app, st) > 0;
}

int
offers_open_for(struct app *app, const char *id, const char *jid)
{
	sqlite3_stmt *st = store_stmt(app->store, "SELECT count(*) FROM offers "
	    "WHERE session = ? AND counsellor = ? AND state = 'open'");

	if (st) {
		sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 2, jid, -1, SQLITE_TRANSIENT);
	}
	return count_int(app, st) > 0;
}

/* The offer message to c: who waits, where from, and their question. */
static void
send_offer(struct app *app, const struct conv *s,
    const struct conf_counsellor *c)
{
	const struct conf_office *o = conf_office(app->conf, s->office);
	const char *lang = c->lang ? c->lang : "fr";
	char *from = xasprintf("%s@%s", s->id, app->conf->domain);
	char *text, *nick;
	xmpp_stanza_t *m, *n, *t;

	text = catalog_aformat(lang, s->transfer_to ? MSG_TRANSFER_OFFER :
	    MSG_OFFER, s->name ? s->name : catalog_text(lang, MSG_VISITOR),
	    s->lang, s->page ? s->page : "-", o ? o->name : s->office,
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

int
offers_make(struct app *app, const struct conv *s,
    const struct conf_counsellor *c)
{
	sqlite3_stmt *st = store_stmt(app->store, "INSERT OR IGNORE INTO "
	    "offers (session, counsellor, at, state) VALUES (?, ?, ?, 'open')");
	const struct conf_office *o;

	if (st == NULL || c == NULL)
		return 0;
	sqlite3_bind_text(st, 1, s->id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, c->jid, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 3, store_now());
	if (store_step(app->store, st) == -1)
		return 0;
	if (sqlite3_changes(store_db(app->store)) == 0)
		return 0;	/* offered before */
	store_event(app->store, s->office, s->id, "offered", c->jid);
	send_offer(app, s, c);
	if ((o = conf_office(app->conf, s->office)) != NULL)
		plugin_routing_offered(o->routing, s->office, c->jid);
	log_info("session %s: offered to %s", s->id, c->jid);
	return 1;
}

void
offers_revoke(struct app *app, struct conv *cv, const char *keep,
    enum msg why, const char *arg)
{
	sqlite3_stmt *st = store_stmt(app->store, "SELECT counsellor FROM "
	    "offers WHERE session = ? AND state = 'open'");
	sqlite3_stmt *up;
	struct strlist jids = {0};
	size_t i;

	if (st == NULL)
		return;
	sqlite3_bind_text(st, 1, cv->id, -1, SQLITE_TRANSIENT);
	while (store_row(app->store, st) == 1)
		strlist_add(&jids, (const char *)sqlite3_column_text(st, 0));
	for (i = 0; i < jids.n; i++) {
		const struct conf_counsellor *c =
		    conf_counsellor_by_jid(app->conf, jids.v[i]);
		char *text;

		if (c == NULL || (keep && strcasecmp(keep, c->jid) == 0))
			continue;
		text = catalog_aformat(relay_staff_lang(c), why,
		    arg ? arg : "");
		relay_notice(app, cv, c, text);
		free(text);
	}
	strlist_free(&jids);
	up = store_stmt(app->store, "UPDATE offers SET state = CASE WHEN "
	    "counsellor = ?2 THEN 'taken' ELSE 'revoked' END "
	    "WHERE session = ?1 AND state = 'open'");
	if (up == NULL)
		return;
	sqlite3_bind_text(up, 1, cv->id, -1, SQLITE_TRANSIENT);
	if (keep)
		sqlite3_bind_text(up, 2, keep, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(up, 2);
	store_step(app->store, up);
}

void
offers_forget(struct app *app, const char *id)
{
	sqlite3_stmt *st = store_stmt(app->store, "DELETE FROM offers WHERE "
	    "session = ?");

	if (st == NULL)
		return;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
	store_step(app->store, st);
}

int
offers_decline(struct app *app, const char *id, const char *jid)
{
	sqlite3_stmt *st = store_stmt(app->store, "UPDATE offers SET state = "
	    "'declined' WHERE session = ? AND counsellor = ? AND state = "
	    "'open'");

	if (st == NULL)
		return 0;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, jid, -1, SQLITE_TRANSIENT);
	if (store_step(app->store, st) == -1 ||
	    sqlite3_changes(store_db(app->store)) == 0)
		return 0;
	store_event(app->store, NULL, id, "declined", jid);
	return 1;
}

void
offers_revoke_held(struct app *app, const char *jid)
{
	sqlite3_stmt *st = store_stmt(app->store, "UPDATE offers SET "
	    "state = 'revoked' WHERE counsellor = ? AND state = 'open'");

	if (st == NULL)
		return;
	sqlite3_bind_text(st, 1, jid, -1, SQLITE_TRANSIENT);
	store_step(app->store, st);
}
