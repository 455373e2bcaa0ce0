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
#include "cindex.h"
#include "conf.h"
#include "conv.h"
#include "log.h"
#include "map.h"
#include "offers.h"
#include "plugin.h"
#include "relay.h"
#include "stanza.h"
#include "store.h"
#include "util.h"


/*
 * The table, mirrored in memory so routing reads it without SQL: per
 * conversation the counsellors offered it and each offer's state,
 * loaded from the store the first time the conversation is asked
 * about; per counsellor the open offers they hold, counted once at the
 * first question and kept since. Every write below goes to both.
 */
struct offer {
	char *jid;
	char state;	/* 'o'pen, 't'aken, 'd'eclined, 'r'evoked */
};

struct convoffers {
	struct offer *v;
	size_t n;
	int open;
};

static struct map by_conv;		/* id -> struct convoffers */
static struct map held = {.fold = 1};	/* jid -> open offers */
static int held_loaded;

static void
held_add(const char *jid, long delta)
{
	map_add(&held, jid, delta);
	cidx_touch(jid);
}

static void
load_held(struct app *app)
{
	sqlite3_stmt *st;

	if (held_loaded)
		return;
	held_loaded = 1;
	st = store_stmt(app->store, "SELECT counsellor, count(*) FROM offers "
	    "WHERE state = 'open' GROUP BY counsellor");
	while (st && store_row(app->store, st) == 1)
		map_add(&held, (const char *)sqlite3_column_text(st, 0),
		    sqlite3_column_int(st, 1));
}

static struct convoffers *
conv_offers(struct app *app, const char *id)
{
	struct convoffers *co = map_get(&by_conv, id);
	sqlite3_stmt *st;

	if (co)
		return co;
	load_held(app);
	co = xcalloc(1, sizeof(*co));
	st = store_stmt(app->store, "SELECT counsellor, state FROM offers "
	    "WHERE session = ?");
	if (st)
		sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
	while (st && store_row(app->store, st) == 1) {
		const char *state = (const char *)sqlite3_column_text(st, 1);

		co->v = xreallocarray(co->v, co->n + 1, sizeof(*co->v));
		co->v[co->n].jid = xstrdup((const char *)
		    sqlite3_column_text(st, 0));
		co->v[co->n].state = state ? state[0] : 'r';
		co->open += co->v[co->n].state == 'o';
		co->n++;
	}
	map_set(&by_conv, id, co);
	return co;
}

static struct offer *
find(struct convoffers *co, const char *jid)
{
	size_t i;

	for (i = 0; i < co->n; i++)
		if (strcasecmp(co->v[i].jid, jid) == 0)
			return &co->v[i];
	return NULL;
}

/* Closes the open offer o with state (the counts follow). */
static void
close_offer(struct convoffers *co, struct offer *o, char state)
{
	if (o->state != 'o')
		return;
	o->state = state;
	co->open--;
	held_add(o->jid, -1);
}

static void
free_offers(struct convoffers *co)
{
	size_t i;

	for (i = 0; i < co->n; i++)
		free(co->v[i].jid);
	free(co->v);
	free(co);
}

void
offers_drop(const char *id)
{
	struct convoffers *co = map_del(&by_conv, id);
	size_t i;

	if (co == NULL)
		return;
	for (i = 0; i < co->n; i++)
		close_offer(co, &co->v[i], 'r');
	free_offers(co);
}

static void
drop_one(const char *k, void *v, long n, void *ud)
{
	(void)k;
	(void)n;
	(void)ud;
	free_offers(v);
}

void
offers_free_all(void)
{
	map_foreach(&by_conv, drop_one, NULL);
	map_free(&by_conv);
	map_free(&held);
	held_loaded = 0;
}

int
offers_held(struct app *app, const char *jid)
{
	load_held(app);
	return (int)map_count(&held, jid);
}

int
offers_open(struct app *app, const char *id)
{
	return conv_offers(app, id)->open;
}

int
offers_all(struct app *app, const char *id)
{
	return (int)conv_offers(app, id)->n;
}

int
offers_was_offered(struct app *app, const char *id, const char *jid)
{
	return find(conv_offers(app, id), jid) != NULL;
}

int
offers_open_for(struct app *app, const char *id, const char *jid)
{
	struct offer *o = find(conv_offers(app, id), jid);

	return o && o->state == 'o';
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
	struct convoffers *co;

	if (st == NULL || c == NULL)
		return 0;
	co = conv_offers(app, s->id);
	if (find(co, c->jid))
		return 0;	/* offered before */
	sqlite3_bind_text(st, 1, s->id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, c->jid, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 3, store_now());
	if (store_step(app->store, st) == -1)
		return 0;
	if (sqlite3_changes(store_db(app->store)) == 0)
		return 0;	/* offered before */
	co->v = xreallocarray(co->v, co->n + 1, sizeof(*co->v));
	co->v[co->n].jid = xstrdup(c->jid);
	co->v[co->n].state = 'o';
	co->n++;
	co->open++;
	held_add(c->jid, 1);
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
	struct convoffers *co = conv_offers(app, cv->id);
	sqlite3_stmt *up;
	size_t i;

	if (co->open == 0)
		return;
	for (i = 0; i < co->n; i++) {
		struct offer *o = &co->v[i];
		const struct conf_counsellor *c;
		char *text;

		if (o->state != 'o')
			continue;
		if (keep && strcasecmp(keep, o->jid) == 0) {
			close_offer(co, o, 't');
			continue;
		}
		close_offer(co, o, 'r');
		if ((c = conf_counsellor_by_jid(app->conf, o->jid)) == NULL)
			continue;
		text = catalog_aformat(relay_staff_lang(c), why,
		    arg ? arg : "");
		relay_notice(app, cv, c, text);
		free(text);
	}
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

	offers_drop(id);
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
	struct convoffers *co = conv_offers(app, id);
	struct offer *o = find(co, jid);

	if (o == NULL || o->state != 'o')
		return 0;
	close_offer(co, o, 'd');
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

static void
revoke_jid(const char *k, void *v, long n, void *ud)
{
	struct convoffers *co = v;
	struct offer *o = find(co, ud);

	(void)k;
	(void)n;
	if (o)
		close_offer(co, o, 'r');
}

void
offers_revoke_held(struct app *app, const char *jid)
{
	sqlite3_stmt *st = store_stmt(app->store, "UPDATE offers SET "
	    "state = 'revoked' WHERE counsellor = ? AND state = 'open'");

	load_held(app);
	map_foreach(&by_conv, revoke_jid, (void *)jid);
	held_add(jid, -map_count(&held, jid));
	if (st == NULL)
		return;
	sqlite3_bind_text(st, 1, jid, -1, SQLITE_TRANSIENT);
	store_step(app->store, st);
}
