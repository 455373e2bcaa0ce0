/*
 * roompool.c: rooms set up ahead of time (roompool.h).
 *
 * Each pool room goes through room_setup.c's steps like a
 * conversation's room (the same ids: "cfg-get:<id>" from D/<id>), then
 * the office's bot joins it and it is ready. The router offers us every
 * stanza from the MUC service first: those addressed to a pool room's
 * id are ours (set-up answers, the bot's presences, the room's own
 * messages), the rest pass. Set-up retries use the monotonic clock;
 * arrivals and idle times the daemon's clock (tests move it).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "clock.h"
#include "conf.h"
#include "convdb.h"
#include "link.h"
#include "log.h"
#include "map.h"
#include "registry.h"
#include "room.h"
#include "room_setup.h"
#include "roompool.h"
#include "router.h"
#include "stanza.h"
#include "store.h"
#include "util.h"

#define SLOTS 600		/* seconds of arrivals kept (max window) */
#define MAX_INFLIGHT 10		/* pool set-ups under way at once, in all */
#define SETUP_RETRY_MS 15000	/* a set-up or check without answer */
#define TRIES 3		/* ... tried again this often, then dropped */
#define BACKOFF_MS 30000	/* an office whose set-up failed waits */

struct pooled {
	struct conv *cv;	/* not in the registry */
	int ready;		/* configured, and the bot is in */
	int64_t since;		/* ready since (daemon clock; 0: never) */
	unsigned long long started;	/* set-up or check sent (mono ms) */
	int tries;
};

/* Arrivals at one office, one slot per second. */
struct arrivals {
	int64_t sec[SLOTS];
	int n[SLOTS];
	unsigned long long backoff;	/* no new set-up before (mono ms) */
};

static struct pooled **rooms;
static size_t nrooms;
static struct map byid;		/* id -> struct pooled */
static struct map offices;	/* office id -> struct arrivals */

static struct arrivals *
arrivals_of(const char *office)
{
	struct arrivals *a = map_get(&offices, office);

	if (a == NULL) {
		a = xcalloc(1, sizeof(*a));
		map_set(&offices, office, a);
	}
	return a;
}

static void
arrival(const char *office, int64_t now)
{
	struct arrivals *a = arrivals_of(office);
	size_t i = (size_t)(now % SLOTS);

	if (a->sec[i] != now) {
		a->sec[i] = now;
		a->n[i] = 0;
	}
	a->n[i]++;
}

/* Arrivals at office in the last window seconds. */
static int
recent(const char *office, int64_t now, int window)
{
	struct arrivals *a = arrivals_of(office);
	int sum = 0;
	size_t i;

	for (i = 0; i < SLOTS; i++)
		if (a->sec[i] > now - window && a->sec[i] <= now)
			sum += a->n[i];
	return sum;
}

/* How many rooms office o keeps now. */
static int
target(struct app *app, const struct conf_office *o, int64_t now)
{
	int t = recent(o->id, now, app->conf->pool_window);

	if (t < app->conf->pool_min)
		t = app->conf->pool_min;
	return t > app->conf->pool_max ? app->conf->pool_max : t;
}

/* ---- the table --------------------------------------------------------- */

static void
row_insert(struct app *app, const struct conv *cv)
{
	sqlite3_stmt *st = store_stmt(app->store, "INSERT INTO pool_rooms "
	    "(id, office, room, password, created) VALUES (?,?,?,?,?)");

	if (st == NULL)
		return;
	store_bind_text(st, 1, cv->id);
	store_bind_text(st, 2, cv->office);
	store_bind_text(st, 3, cv->room);
	store_bind_text(st, 4, cv->password);
	sqlite3_bind_int64(st, 5, cv->created);
	store_step(app->store, st);
}

static void
row_ready(struct app *app, const struct pooled *p)
{
	sqlite3_stmt *st = store_stmt(app->store, "UPDATE pool_rooms SET "
	    "ready = 1, since = ? WHERE id = ?");

	if (st == NULL)
		return;
	sqlite3_bind_int64(st, 1, p->since);
	store_bind_text(st, 2, p->cv->id);
	store_step(app->store, st);
}

static int
row_delete(struct app *app, const char *id)
{
	sqlite3_stmt *st = store_stmt(app->store, "DELETE FROM pool_rooms "
	    "WHERE id = ?");

	if (st == NULL)
		return -1;
	store_bind_text(st, 1, id);
	return store_step(app->store, st);
}

/* ---- rooms ------------------------------------------------------------- */

static void
add(struct pooled *p)
{
	rooms = xreallocarray(rooms, nrooms + 1, sizeof(*rooms));
	rooms[nrooms++] = p;
	map_set(&byid, p->cv->id, p);
}

/* Out of the pool (p itself is freed, not p->cv). */
static void
unlink_room(struct pooled *p)
{
	size_t i;

	map_del(&byid, p->cv->id);
	for (i = 0; i < nrooms; i++)
		if (rooms[i] == p) {
			rooms[i] = rooms[--nrooms];
			break;
		}
	free(p);
}

/* Forgets p; destroy: the server is asked to destroy the room too. */
static void
drop(struct app *app, struct pooled *p, int destroy, const char *why)
{
	struct conv *cv = p->cv;

	log_info("pool: room %s of %s %s", cv->id, cv->office, why);
	if (destroy && link_is_up(app->link))
		room_destroy(app, cv);
	row_delete(app, cv->id);
	convdb_close(app, cv, "pool");	/* its nicks (no session row) */
	unlink_room(p);
	conv_free(cv);
}

static const char *
lang_of(struct app *app, const struct conf_office *o)
{
	return o && o->default_lang ? o->default_lang : app->conf->lang;
}

static struct pooled *
pooled_new(struct app *app, const char *id, const char *office,
    const char *room, const char *password, int64_t created)
{
	struct pooled *p = xcalloc(1, sizeof(*p));
	struct conv *cv = conv_alloc();

	cv->id = xstrdup(id);
	cv->office = xstrdup(office);
	cv->room = xstrdup(room);
	cv->password = xstrdup(password);
	/* the room's name and language: the office's default */
	cv->lang = xstrdup(lang_of(app, conf_office(app->conf, office)));
	cv->lang_source = xstrdup("default");
	cv->state = CONV_WAITING;
	cv->created = created;
	p->cv = cv;
	add(p);
	return p;
}

/* A new room for o: fresh random name and password, as intake's. */
static void
create(struct app *app, const struct conf_office *o)
{
	char hex[33], pw[25], sid[11], *id, *room;
	struct pooled *p;

	if (random_hex(sid, 5) < 0 || random_hex(hex, 16) < 0 ||
	    random_hex(pw, 12) < 0)
		fatalx("roompool: no randomness");
	id = xasprintf("v-%s", sid);
	room = xasprintf("%s@%s", hex, app->conf->muc);
	p = pooled_new(app, id, o->id, room, pw, store_now());
	free(id);
	free(room);
	row_insert(app, p->cv);
	p->started = clock_mono_ms();
	p->tries = 1;
	room_setup_start(app, p->cv);
}

void
roompool_load(struct app *app)
{
	sqlite3_stmt *st = store_stmt(app->store, "SELECT id, office, room, "
	    "password, created, ready, since FROM pool_rooms ORDER BY created");
	int n = 0;

	if (st == NULL)
		return;
	while (store_row(app->store, st) == 1) {
		char *id = store_col_text(st, 0), *office = store_col_text(st, 1);
		char *room = store_col_text(st, 2), *pw = store_col_text(st, 3);
		struct pooled *p;

		if (id && office && room && pw) {
			p = pooled_new(app, id, office, room, pw,
			    sqlite3_column_int64(st, 4));
			p->cv->setup_done = sqlite3_column_int(st, 5);
			p->cv->setup = p->cv->setup_done ? ROOM_SETUP_DONE :
			    ROOM_SETUP_NONE;
			p->since = sqlite3_column_int64(st, 6);
			n++;
		}
		free(id);
		free(office);
		free(room);
		free(pw);
	}
	if (n > 0)
		log_info("pool: %d room%s kept from the last run, to be "
		    "checked", n, n == 1 ? "" : "s");
}

struct conv *
roompool_take(struct app *app, const struct conf_office *o)
{
	struct pooled *best = NULL;
	struct conv *cv;
	size_t i;

	arrival(o->id, store_now());
	for (i = 0; i < nrooms; i++) {
		struct pooled *p = rooms[i];

		if (p->ready && strcmp(p->cv->office, o->id) == 0 &&
		    (best == NULL || p->since < best->since))
			best = p;
	}
	if (best == NULL)
		return NULL;
	/* out of the table first: a room is never both pooled and used */
	if (row_delete(app, best->cv->id) < 0)
		return NULL;
	cv = best->cv;
	unlink_room(best);
	free(cv->lang);
	free(cv->lang_source);
	cv->lang = cv->lang_source = NULL;
	cv->bot_joined = 0;	/* room_ready() says it, with the event */
	log_info("session %s: room from the pool of %s (%zu ready left)",
	    cv->id, o->id, roompool_ready(o->id));
	return cv;
}

size_t
roompool_ready(const char *office)
{
	size_t i, n = 0;

	for (i = 0; i < nrooms; i++)
		if (rooms[i]->ready && (office == NULL ||
		    strcmp(rooms[i]->cv->office, office) == 0))
			n++;
	return n;
}

/* ---- stanzas ------------------------------------------------------------ */

/* The pool room a stanza from the MUC service is for, or NULL. */
static struct pooled *
pooled_of(xmpp_stanza_t *st)
{
	const char *id = room_setup_iq_id(st);
	const char *to = xmpp_stanza_get_to(st);
	const char *slash;

	if (id == NULL && to && (slash = strchr(to, '/')) != NULL)
		id = slash + 1;
	return id ? map_get(&byid, id) : NULL;
}

/* The bot's own presence in a pool room. */
static void
bot_presence(struct app *app, struct pooled *p, xmpp_stanza_t *st)
{
	const char *type = xmpp_stanza_get_type(st);
	xmpp_stanza_t *x = stanza_child(st, "x", NS_MUC_USER);

	if (type && strcmp(type, "error") == 0) {
		log_warnx("pool: the bot cannot join %s: %s", p->cv->room,
		    room_error_condition(st));
		drop(app, p, 1, "dropped (the bot's join was refused)");
		return;
	}
	if (!room_has_status(x, "110"))
		return;		/* another occupant: there is none to mind */
	if (type && strcmp(type, "unavailable") == 0) {
		/* our own leave before a rejoin, or the room went away */
		if (p->ready)
			drop(app, p, 1, "dropped (the bot was put out)");
		return;
	}
	if (p->ready || !p->cv->setup_done)
		return;
	if (room_has_status(x, "201")) {
		/* the bot's join made a new room: ours was gone (a check
		 * after a restart); this one is not configured */
		drop(app, p, 1, "dropped (the server no longer had it)");
		return;
	}
	p->ready = 1;
	p->tries = 0;
	if (p->since == 0)
		p->since = store_now();
	else			/* kept from the last run: checked */
		log_info("pool: room %s of %s checked again, ready", p->cv->id,
		    p->cv->office);
	row_ready(app, p);
	log_debug("pool: room %s of %s ready", p->cv->id, p->cv->office);
}

int
roompool_route(struct app *app, xmpp_stanza_t *st, const struct route *r)
{
	struct pooled *p;

	if (nrooms == 0 || !room_from_muc(app, r->from) ||
	    (p = pooled_of(st)) == NULL)
		return ROUTE_PASS;
	if (strcmp(xmpp_stanza_get_name(st), "iq") == 0 &&
	    room_setup_iq_id(st) == NULL)
		return ROUTE_PASS;	/* a request: answered down the line */
	if (strcmp(xmpp_stanza_get_name(st), "iq") == 0 ||
	    r->kind == ROUTE_SERVICE) {
		room_setup_handle(app, p->cv, st, r);
		return ROUTE_HANDLED;
	}
	if (r->kind == ROUTE_BOT &&
	    strcmp(xmpp_stanza_get_name(st), "presence") == 0)
		bot_presence(app, p, st);
	/* the room's own messages to the bot (subject, status codes) */
	return ROUTE_HANDLED;
}

/* ---- life cycle --------------------------------------------------------- */

void
roompool_resync(struct app *app)
{
	size_t i;

	for (i = 0; i < nrooms; i++) {
		struct pooled *p = rooms[i];

		p->ready = 0;
		p->tries = 1;
		p->started = clock_mono_ms();
		if (p->cv->setup_done) {
			/* leave first: the server may still count the bot in */
			room_leave_all(app, p->cv);
			room_join_bot(app, p->cv);
		} else {
			p->cv->setup = ROOM_SETUP_NONE;
			room_setup_start(app, p->cv);
		}
	}
}

void
roompool_link_down(struct app *app)
{
	size_t i;

	(void)app;
	for (i = 0; i < nrooms; i++) {
		rooms[i]->ready = 0;
		rooms[i]->cv->bot_joined = 0;
		if (!rooms[i]->cv->setup_done)
			rooms[i]->cv->setup = ROOM_SETUP_NONE;
	}
}

/* One room's timeouts; returns 1 if it was dropped. */
static int
tick_room(struct app *app, struct pooled *p, int64_t now,
    unsigned long long mono)
{
	const struct conf_office *o = conf_office(app->conf, p->cv->office);
	struct conv *cv = p->cv;

	if (o == NULL) {
		drop(app, p, 1, "destroyed (office no longer configured)");
		return 1;
	}
	if (p->ready) {
		if (now - p->since >= app->conf->pool_idle) {
			drop(app, p, 1, "destroyed (unused too long)");
			return 1;
		}
		return 0;
	}
	if (cv->setup != ROOM_SETUP_NONE && mono - p->started < SETUP_RETRY_MS)
		return 0;	/* under way */
	if (p->tries >= TRIES) {
		arrivals_of(o->id)->backoff = mono + BACKOFF_MS;
		drop(app, p, 1, "dropped (its set-up failed)");
		return 1;
	}
	p->tries++;
	p->started = mono;
	if (cv->setup_done)
		room_join_bot(app, cv);
	else
		room_setup_start(app, cv);
	return 0;
}

/* Destroys one room of office, one still being set up first. */
static void
drop_one_of(struct app *app, const char *office)
{
	struct pooled *p = NULL;
	size_t i;

	for (i = 0; i < nrooms; i++)
		if (strcmp(rooms[i]->cv->office, office) == 0 &&
		    (p == NULL || (p->ready && !rooms[i]->ready)))
			p = rooms[i];
	if (p)
		drop(app, p, 1, "destroyed (above <room-pool max>)");
}

/* Rooms of o ready or under way; *ready those ready. */
static int
count_of(const char *office, int *ready)
{
	size_t i;
	int n = 0;

	*ready = 0;
	for (i = 0; i < nrooms; i++)
		if (strcmp(rooms[i]->cv->office, office) == 0) {
			n++;
			*ready += rooms[i]->ready;
		}
	return n;
}

int
roompool_tick(void *ud)
{
	struct app *app = ud;
	int64_t now = store_now();
	unsigned long long mono = clock_mono_ms();
	size_t i;
	int inflight = 0;

	if (!link_is_up(app->link))
		return 1;
	for (i = 0; i < nrooms;) {
		if (tick_room(app, rooms[i], now, mono) == 0)
			i++;
	}
	for (i = 0; i < nrooms; i++)
		inflight += !rooms[i]->ready;
	for (i = 0; i < app->conf->noffices; i++) {
		const struct conf_office *o = &app->conf->offices[i];
		int want = target(app, o, now), ready;
		int have = count_of(o->id, &ready);

		for (; have > app->conf->pool_max; have--)
			drop_one_of(app, o->id);	/* max lowered */
		if (arrivals_of(o->id)->backoff > mono)
			continue;
		for (; have < want && inflight < MAX_INFLIGHT; have++,
		    inflight++)
			create(app, o);
	}
	return 1;
}

void
roompool_shutdown(struct app *app)
{
	size_t i;

	for (i = 0; i < nrooms; i++)
		if (rooms[i]->ready) {
			room_leave_all(app, rooms[i]->cv);
			rooms[i]->ready = 0;	/* its echo is no loss */
		}
}

static void
free_arrivals(const char *key, void *value, long count, void *ud)
{
	(void)key;
	(void)count;
	(void)ud;
	free(value);
}

void
roompool_free_all(void)
{
	size_t i;

	for (i = 0; i < nrooms; i++) {
		conv_free(rooms[i]->cv);
		free(rooms[i]);
	}
	free(rooms);
	rooms = NULL;
	nrooms = 0;
	map_free(&byid);
	map_foreach(&offices, free_arrivals, NULL);
	map_free(&offices);
}
