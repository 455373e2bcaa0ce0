/*
 * room_setup.c: creating and configuring a visitor's room (room_setup.h).
 *
 * In order, each step answered by the server:
 *   1. the service JID D/<id> joins <room>@M: the room is created (201);
 *      only the component domain may create rooms (server config);
 *   2. it asks for the configuration form and submits ours;
 *   3. it makes the bot JID an owner, then leaves;
 *   4. the bot joins with the password (room.c): the room is ready.
 * A refused step is logged with what to check; the tick starts again.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "clock.h"
#include "conf.h"
#include "convdb.h"
#include "event.h"
#include "form.h"
#include "link.h"
#include "log.h"
#include "map.h"
#include "registry.h"
#include "room.h"
#include "room_setup.h"
#include "router.h"
#include "stanza.h"
#include "store.h"
#include "util.h"

/*
 * ---- the gate ----------------------------------------------------------
 *
 * A burst of first messages must not start a thousand set-ups at once: a
 * server that needs 40 ms of CPU per room (Prosody) then advances all of
 * them in lockstep and finishes none for a minute, while accueild's
 * retries pile more steps behind. A few conversations' rooms are set
 * up at a time (a turn lasts until the bot is in); the others wait in
 * arrival order, so the first visitors are invited first and the
 * server's queue stays short. How many at once adapts to the server,
 * as TCP's window does: one more after each set-up done within
 * GATE_FAST_MS, half as many (not below GATE_MIN) when one took more
 * than GATE_SLOW_MS, up to <room-pool setups>. ejabberd, which sets up
 * a room in milliseconds, soon gets the maximum (64 by default: no
 * slower than without a bound); Prosody, which needs tens of ms of CPU
 * per room, keeps a short queue. The pool's rooms (not in the
 * registry) have their own bound (roompool.c).
 */
#define GATE 1000		/* <room-pool setups>'s maximum */
#define GATE_START 16		/* turns at first */
#define GATE_MIN 4
#define GATE_FAST_MS 1500
#define GATE_SLOW_MS 4000
#define GATE_HOLD_MS 60000	/* a turn held longer is given up (the
				 * set-up goes on, the tick retries it) */

static char *gate[GATE];	/* ids being set up, or NULL */
static int gate_hi;		/* no slot at or above it is taken */
static unsigned long long gate_at[GATE];	/* turn taken (mono ms) */
static char **waiting;		/* FIFO of ids; head at wait_head */
static size_t wait_head, wait_len, wait_cap;
static struct map queued;	/* ids in the FIFO */
static size_t burst_waited;	/* since the FIFO was last empty */
static unsigned long long burst_since;	/* mono ms, when it filled */
static int window = GATE_START;	/* turns at once now */
static unsigned long long last_pump;	/* mono ms */
static unsigned long long window_cut;	/* last halved (mono ms) */

static void setup_begin(struct app *app, struct conv *cv);

static void
gate_take(int slot, char *id)
{
	gate[slot] = id;
	gate_at[slot] = clock_mono_ms();
	if (slot >= gate_hi)
		gate_hi = slot + 1;
}

/* The slot of id, or -1. */
static int
gate_slot(const char *id)
{
	int i;

	for (i = 0; i < gate_hi; i++)
		if (gate[i] && strcmp(gate[i], id) == 0)
			return i;
	return -1;
}

/* A set-up took ms: the window follows (see above). */
static void
gate_learn(unsigned long long ms, unsigned long long now, int max)
{
	if (ms <= GATE_FAST_MS) {
		if (window < max)
			window++;
	} else if (ms >= GATE_SLOW_MS && now - window_cut >= GATE_SLOW_MS) {
		window = window / 2 < GATE_MIN ? GATE_MIN : window / 2;
		window_cut = now;
		log_info("room set-up: one took %.1f s, now at most %d at once",
		    (double)ms / 1000, window);
	}
	if (window > max)
		window = max;	/* <room-pool setups> lowered */
}

/*
 * Frees the slots of set-ups that ended (ready, refused, closed, held
 * too long); returns a free one if fewer than the window are under way,
 * or -1.
 */
static int
gate_reap(int max)
{
	unsigned long long now = clock_mono_ms();
	int i, free_slot = -1, busy = 0;

	for (i = 0; i <= gate_hi && i < GATE; i++) {
		struct conv *cv = gate[i] ? registry_find(gate[i]) : NULL;
		int ready = cv && cv->setup_done && cv->bot_joined;

		/* normally freed at the bot's join (gate_on_event) */
		if (gate[i] && (cv == NULL || cv->setup == ROOM_SETUP_NONE ||
		    ready || now - gate_at[i] > GATE_HOLD_MS)) {
			free(gate[i]);
			gate[i] = NULL;
		}
		if (gate[i])
			busy++;
		else if (free_slot < 0)
			free_slot = i;
	}
	while (gate_hi > 0 && gate[gate_hi - 1] == NULL)
		gate_hi--;
	if (window > max)
		window = max;
	return busy < window ? free_slot : -1;
}

/* Starts the waiting set-ups the free slots allow, oldest first. */
static void
gate_pump(struct app *app)
{
	int slot;

	last_pump = clock_mono_ms();
	while (wait_len > 0 && (slot = gate_reap(app->conf->pool_setups)) >=
	    0) {
		char *id = waiting[wait_head];
		struct conv *cv;

		wait_head = (wait_head + 1) % wait_cap;
		wait_len--;
		if (map_del(&queued, id) == NULL || (cv = registry_find(id)) ==
		    NULL || cv->setup_done) {
			free(id);	/* closed, or set up meanwhile */
			continue;
		}
		gate_take(slot, id);
		setup_begin(app, cv);
	}
	if (wait_len == 0 && burst_waited > 0) {
		log_info("room set-up: the %zu that waited their turn have all "
		    "started, the last after %.1f s (now at most %d at once)",
		    burst_waited, (double)(clock_mono_ms() - burst_since) /
		    1000, window);
		burst_waited = 0;
	}
}

static void
gate_wait(struct conv *cv)
{
	int j, n = 0;

	if (wait_len == wait_cap) {
		size_t ncap = wait_cap ? wait_cap * 2 : 64, i;
		char **nv = xcalloc(ncap, sizeof(*nv));

		for (i = 0; i < wait_len; i++)
			nv[i] = waiting[(wait_head + i) % wait_cap];
		free(waiting);
		waiting = nv;
		wait_cap = ncap;
		wait_head = 0;
	}
	waiting[(wait_head + wait_len) % wait_cap] = xstrdup(cv->id);
	wait_len++;
	map_set(&queued, cv->id, cv);
	if (burst_waited++ == 0) {
		for (j = 0; j < gate_hi; j++)
			n += gate[j] != NULL;
		burst_since = clock_mono_ms();
		log_info("room set-up: %d rooms under way, the next ones wait "
		    "their turn", n);
	}
	log_debug("session %s: room set-up waits (%zu before it)", cv->id,
	    wait_len - 1);
}

/* A set-up ended or a conversation closed: a slot may be free. */
static int
gate_on_event(struct app *app, struct event *ev, void *ud)
{
	int i = ev->conv ? gate_slot(ev->conv->id) : -1;

	(void)ud;
	if (ev->kind == EV_CONV_CLOSED && ev->conv)
		map_del(&queued, ev->conv->id);
	if (i >= 0 && (ev->kind == EV_CONV_CLOSED ||
	    ev->conv->setup_done)) {
		unsigned long long now = clock_mono_ms();

		/* the bot is in: the time the whole set-up took */
		if (ev->kind == EV_ROOM_JOINED && ev->flag == 0)
			gate_learn(now - gate_at[i], now,
			    app->conf->pool_setups);
		free(gate[i]);
		gate[i] = NULL;
	}
	gate_pump(app);
	return EVENT_PASS;
}

void
room_setup_init(void)
{
	event_hook(EV_ROOM_JOINED, gate_on_event, 100, NULL);
	event_hook(EV_CONV_CLOSED, gate_on_event, 100, NULL);
}

size_t
room_setup_waiting(void)
{
	return queued.n;
}

void
room_setup_free_all(void)
{
	size_t i;
	int j;

	for (i = 0; i < wait_len; i++)
		free(waiting[(wait_head + i) % wait_cap]);
	free(waiting);
	waiting = NULL;
	wait_head = wait_len = wait_cap = 0;
	map_free(&queued);
	for (j = 0; j < gate_hi; j++) {
		free(gate[j]);
		gate[j] = NULL;
	}
	gate_hi = 0;
}

void
room_setup_start(struct app *app, struct conv *cv)
{
	int slot;

	if (!link_is_up(app->link))
		return;
	if (cv->setup_done) {
		/* a room of the pool (roompool.c): the bot is already in */
		room_ready(app, cv);
		return;
	}
	if (registry_find(cv->id) != cv) {
		setup_begin(app, cv);	/* the pool's: bounded there */
		return;
	}
	if (map_get(&queued, cv->id) != NULL) {
		/* waiting for its turn (the tick asks every second): a
		 * turn held too long is freed here, once a second */
		if (clock_mono_ms() - last_pump >= 1000)
			gate_pump(app);
		return;
	}
	if (gate_slot(cv->id) >= 0) {
		setup_begin(app, cv);	/* in flight and overdue: again */
		return;
	}
	if ((slot = gate_reap(app->conf->pool_setups)) < 0 || wait_len > 0) {
		gate_wait(cv);
		return;
	}
	gate_take(slot, xstrdup(cv->id));
	setup_begin(app, cv);
}

static void
setup_begin(struct app *app, struct conv *cv)
{
	if (cv->setup != ROOM_SETUP_NONE)
		log_info("session %s: set-up of room %s started again (no "
		    "answer for %lld s)", cv->id, cv->room,
		    (long long)(store_now() - cv->setup_at));
	log_debug("session %s: creating room %s", cv->id, cv->room);
	cv->setup = ROOM_SETUP_CREATING;
	cv->setup_at = store_now();
	room_join(app, cv, NULL, ROOM_SETUP_NICK, 0);
}

/* ---- set-up ------------------------------------------------------------ */

/* Desired value of a room configuration field, or NULL to leave it. */
static const char *
config_value(struct app *app, struct conv *cv, const char *var)
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
		/* the archive is what the catch-up after an outage reads */
		{"muc#roomconfig_enablearchiving", "1"},
		{"mam", "1"},
		{"muc#roomconfig_enablelogging", "0"},
		{"{http://prosody.im/protocol/muc}roomconfig_allowmemberinvites",
		    "0"},
	};
	const struct conf_office *o = conf_office(app->conf, cv->office);
	size_t i;

	if (strcmp(var, "muc#roomconfig_roomsecret") == 0)
		return cv->password;
	if (strcmp(var, "muc#roomconfig_roomname") == 0)
		return conf_office_name(o, cv->lang, "accueil");
	if (strcmp(var, "muc#roomconfig_lang") == 0)
		return cv->lang;
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
		v = stanza_text_dup(stanza_child(o, "value", NULL));
		eq = v && strcmp(v, value) == 0;
		free(v);
		if (eq)
			return 1;
	}
	return 0;
}

/* Answers the server's configuration form with ours. */
static void
setup_submit(struct app *app, struct conv *cv, xmpp_stanza_t *result)
{
	xmpp_stanza_t *query = stanza_child(result, "query", NS_MUC_OWNER);
	xmpp_stanza_t *form = query ? form_find(query) : NULL;
	xmpp_stanza_t *q = xmpp_stanza_new(app->ctx), *x, *f;

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
		if ((value = config_value(app, cv, var)) == NULL)
			continue;
		if (type && strcmp(type, "list-single") == 0 &&
		    !has_option(f, value))
			continue;
		form_add_field(x, var, NULL, NULL, value);
	}
	cv->setup = ROOM_SETUP_SUBMIT;
	cv->setup_at = store_now();	/* the retry counts from the last answer */
	room_iq(app, cv, "set", "cfg-set", q);
}

static void
setup_owner(struct app *app, struct conv *cv)
{
	xmpp_stanza_t *q = xmpp_stanza_new(app->ctx), *item;
	const char *bot = room_bot_id(app, cv);
	char *jid = xasprintf("%s@%s", bot ? bot : "accueil", app->conf->domain);

	xmpp_stanza_set_name(q, "query");
	xmpp_stanza_set_ns(q, "http://jabber.org/protocol/muc#admin");
	item = stanza_add(q, "item", NULL);
	xmpp_stanza_set_attribute(item, "affiliation", "owner");
	xmpp_stanza_set_attribute(item, "jid", jid);
	free(jid);
	cv->setup = ROOM_SETUP_OWNER;
	cv->setup_at = store_now();
	room_iq(app, cv, "set", "cfg-own", q);
}

static void
setup_done(struct app *app, struct conv *cv)
{
	cv->setup = ROOM_SETUP_DONE;
	cv->setup_done = 1;
	/* a pool room is nobody's conversation yet: not in the sessions */
	if (registry_find(cv->id) == cv)
		convdb_save(app, cv);
	room_leave(app, cv, NULL, ROOM_SETUP_NICK);
	room_join_bot(app, cv);
	log_debug("session %s: room configured", cv->id);
}

static void
setup_failed(struct app *app, struct conv *cv, xmpp_stanza_t *st,
    const char *step)
{
	log_warnx("session %s: the MUC service refused the %s of room %s "
	    "(%s): check the server's MUC permissions for %s", cv->id, step,
	    cv->room, room_error_condition(st), app->conf->domain);
	cv->setup = ROOM_SETUP_NONE;	/* the tick retries */
	gate_pump(app);			/* its slot to the next one */
}

/* The answer st (result or error) to set-up IQ id of cv. */
static void
setup_answer_of(struct app *app, struct conv *cv, xmpp_stanza_t *st,
    const char *id)
{
	int ok = strcmp(xmpp_stanza_get_type(st), "result") == 0;

	if (strncmp(id, "cfg-get:", 8) == 0) {
		if (ok)
			setup_submit(app, cv, st);
		else
			setup_failed(app, cv, st, "configuration form");
	} else if (strncmp(id, "cfg-set:", 8) == 0) {
		if (ok)
			setup_owner(app, cv);
		else
			setup_failed(app, cv, st, "configuration");
	} else if (strncmp(id, "cfg-own:", 8) == 0) {
		if (ok)
			setup_done(app, cv);
		else
			setup_failed(app, cv, st, "owner affiliation");
	}
}

/* IQ answers from the room, matched by the ids we gave: step:v-<id>. */
static int
setup_answer(struct app *app, xmpp_stanza_t *st)
{
	const char *id = xmpp_stanza_get_id(st);
	const char *colon;
	struct conv *cv;

	if (room_setup_iq_id(st) == NULL)
		return ROUTE_PASS;
	colon = strchr(id, ':');
	if ((cv = registry_find(colon + 1)) == NULL)
		return ROUTE_HANDLED;	/* a closed conversation's late answer */
	setup_answer_of(app, cv, st, id);
	return ROUTE_HANDLED;
}

const char *
room_setup_iq_id(xmpp_stanza_t *st)
{
	const char *id = xmpp_stanza_get_id(st);
	const char *type = xmpp_stanza_get_type(st);
	const char *colon;

	if (strcmp(xmpp_stanza_get_name(st), "iq") != 0 || id == NULL ||
	    type == NULL || (colon = strchr(id, ':')) == NULL)
		return NULL;
	if (strcmp(type, "result") != 0 && strcmp(type, "error") != 0)
		return NULL;
	if (strncmp(id, "mam:", 4) == 0)
		return NULL;	/* the relay's */
	return colon + 1;
}

/* The creator's own presence, or the server refusing the creation. */
static int
setup_presence(struct app *app, struct conv *cv, xmpp_stanza_t *st)
{
	const char *type = xmpp_stanza_get_type(st);
	xmpp_stanza_t *x = stanza_child(st, "x", NS_MUC_USER);

	if (type && strcmp(type, "error") == 0) {
		setup_failed(app, cv, st, "creation");
		return ROUTE_HANDLED;
	}
	if (room_has_status(x, "110") && cv->setup == ROOM_SETUP_CREATING &&
	    (type == NULL || strcmp(type, "unavailable") != 0)) {
		xmpp_stanza_t *q = xmpp_stanza_new(app->ctx);

		xmpp_stanza_set_name(q, "query");
		xmpp_stanza_set_ns(q, NS_MUC_OWNER);
		cv->setup = ROOM_SETUP_FORM;
		cv->setup_at = store_now();
		room_iq(app, cv, "get", "cfg-get", q);
	}
	return ROUTE_HANDLED;
}

int
room_setup_route(struct app *app, xmpp_stanza_t *st, const struct route *r)
{
	const char *name = xmpp_stanza_get_name(st);
	const char *to = xmpp_stanza_get_to(st);
	const char *slash = to ? strchr(to, '/') : NULL;
	struct conv *cv;

	if (!room_from_muc(app, r->from))
		return ROUTE_PASS;
	if (strcmp(name, "iq") == 0)
		return setup_answer(app, st);
	if (strcmp(name, "presence") != 0 || r->kind != ROUTE_SERVICE)
		return ROUTE_PASS;
	if (slash == NULL || (cv = registry_find(slash + 1)) == NULL)
		return ROUTE_HANDLED;
	return setup_presence(app, cv, st);
}

int
room_setup_handle(struct app *app, struct conv *cv, xmpp_stanza_t *st,
    const struct route *r)
{
	if (strcmp(xmpp_stanza_get_name(st), "iq") == 0) {
		if (room_setup_iq_id(st) != NULL)
			setup_answer_of(app, cv, st, xmpp_stanza_get_id(st));
		return ROUTE_HANDLED;
	}
	if (strcmp(xmpp_stanza_get_name(st), "presence") == 0 &&
	    r->kind == ROUTE_SERVICE)
		return setup_presence(app, cv, st);
	return ROUTE_PASS;
}
