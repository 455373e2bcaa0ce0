/*
 * staff.c: counsellor presence tracking and persona presences.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "app.h"
#include "catalog.h"
#include "cindex.h"
#include "conf.h"
#include "event.h"
#include "link.h"
#include "log.h"
#include "map.h"
#include "persona.h"
#include "router.h"
#include "stanza.h"
#include "staff.h"
#include "store.h"
#include "subs.h"
#include "util.h"

struct resource {
	char *bare;
	char *resource;
	int available;
	int64_t heard;		/* last presence from it (monotonic s) */
};

static struct resource *res;
static size_t nres;

struct last_taken {
	char *jid;
	int64_t at;
};
static struct last_taken *taken;
static size_t ntaken;
static int64_t started;

/* O(1) look-ups for routing: available resources per bare JID, the
 * pause flag as stored, the index of taken by JID */
static struct map online_res = {.fold = 1};
static struct map paused_flag = {.fold = 1};	/* value: "1", "0" (static) */
static struct map taken_at = {.fold = 1};	/* count: index + 1 */
/* Tells the modules above that c can (or no longer can) take chats. */
static void
changed(struct app *app, const struct conf_counsellor *c, int online)
{
	struct event ev;

	event_prepare(&ev, EV_STAFF_CHANGED, NULL, c);
	ev.flag = online;
	event_fire(app, &ev);
}

int
staff_is_online(const char *bare)
{
	return bare && map_count(&online_res, bare) > 0;
}

/* Counts bare's available resources again into the online map. */
static void
recount_online(const char *bare)
{
	long n = 0;
	size_t i;

	for (i = 0; i < nres; i++)
		if (strcasecmp(res[i].bare, bare) == 0 && res[i].available)
			n++;
	map_add(&online_res, bare, n - map_count(&online_res, bare));
	cidx_touch(bare);
}

void
staff_free_all(void)
{
	size_t i;

	staff_forget();
	for (i = 0; i < ntaken; i++)
		free(taken[i].jid);
	free(taken);
	taken = NULL;
	ntaken = 0;
	map_free(&taken_at);
	map_free(&paused_flag);
}

void
staff_forget(void)
{
	size_t i;

	for (i = 0; i < nres; i++) {
		free(res[i].bare);
		free(res[i].resource);
	}
	free(res);
	res = NULL;
	nres = 0;
	map_free(&online_res);
	cidx_touch_all();
}

/* Monotonic seconds: the check below must not follow the test clock. */
static int64_t
clock_mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec;
}

/* Updates one resource; returns the counsellor's online state after. */
static void
track(struct app *app, const struct conf_counsellor *c, const char *full,
    int present, int available)
{
	const char *slash = strchr(full, '/');
	const char *resource = slash ? slash + 1 : "";
	int before = staff_is_online(c->jid), after;
	size_t i;

	/* "unavailable" from the bare JID (a probe's answer): all gone */
	if (!present && slash == NULL) {
		for (i = 0; i < nres;)
			if (strcasecmp(res[i].bare, c->jid) == 0) {
				free(res[i].bare);
				free(res[i].resource);
				res[i] = res[--nres];
			} else
				i++;
		goto counted;
	}
	for (i = 0; i < nres; i++)
		if (strcasecmp(res[i].bare, c->jid) == 0 &&
		    strcmp(res[i].resource, resource) == 0)
			break;
	if (!present) {
		if (i < nres) {
			free(res[i].bare);
			free(res[i].resource);
			res[i] = res[--nres];
		}
	} else {
		if (i == nres) {
			res = xreallocarray(res, nres + 1, sizeof(*res));
			res[nres].bare = xstrdup(c->jid);
			res[nres].resource = xstrdup(resource);
			nres++;
		}
		res[i].available = available;
		res[i].heard = clock_mono();
	}
counted:
	recount_online(c->jid);
	after = staff_is_online(c->jid);
	if (before != after) {
		log_info("staff: %s is now %s", c->jid,
		    after ? "available" : "unavailable");
		store_event(app->store, NULL, NULL, after ? "staff-available" :
		    "staff-unavailable", c->jid);
		changed(app, c, after);
	}
}

static xmpp_stanza_t *
persona_presence(struct app *app, const char *local, const char *to,
    const char *status)
{
	char *from = xasprintf("%s@%s", local, app->conf->domain);
	xmpp_stanza_t *p = stanza_presence(app, from, to, NULL);

	free(from);
	if (status)
		stanza_add_text(p, "status", status);
	persona_add_photo(p, local);
	return p;
}

static void
send_type(struct app *app, const char *local, const char *to,
    const char *type)
{
	char *from = xasprintf("%s@%s", local, app->conf->domain);

	stanza_send(app, stanza_presence(app, from, to, type));
	free(from);
}

static char *
sub_key(const struct conf_counsellor *c)
{
	return xasprintf("subscribed:%s:%s", c->persona, c->jid);
}

static int
subscribed(struct app *app, const struct conf_counsellor *c)
{
	char *k = sub_key(c), *v = store_kv_get(app->store, k);
	int r = v != NULL && strcmp(v, "1") == 0;

	free(k);
	free(v);
	return r;
}

static void
set_subscribed(struct app *app, const struct conf_counsellor *c, int on)
{
	char *k = sub_key(c);

	store_kv_set(app->store, k, on ? "1" : "0");
	free(k);
}

void
staff_resync(struct app *app)
{
	size_t i;

	staff_forget();
	for (i = 0; i < app->conf->ncounsellors; i++) {
		const struct conf_counsellor *c = &app->conf->counsellors[i];
		char *status = xasprintf("%s · accueil", c->name);

		/*
		 * Until the counsellor has accepted, ask again after every
		 * connect (a request may have been lost); once accepted, a
		 * probe asks for the current presence. A probe without a
		 * subscription would only earn an "unsubscribed".
		 */
		if (subscribed(app, c))
			send_type(app, c->persona, c->jid, "probe");
		else
			send_type(app, c->persona, c->jid, "subscribe");
		stanza_send(app, persona_presence(app, c->persona, c->jid,
		    status));
		free(status);
	}
}

int
staff_is_paused(struct app *app, const char *bare)
{
	const char *cached = map_get(&paused_flag, bare);
	char *k, *v;
	int r;

	if (cached)
		return cached[0] == '1';
	k = xasprintf("paused:%s", bare);
	v = store_kv_get(app->store, k);
	r = v && strcmp(v, "1") == 0;
	map_set(&paused_flag, bare, r ? "1" : "0");
	free(k);
	free(v);
	return r;
}

void
staff_set_paused(struct app *app, const struct conf_counsellor *c, int paused)
{
	char *k = xasprintf("paused:%s", c->jid);
	int was = staff_is_paused(app, c->jid);

	store_kv_set(app->store, k, paused ? "1" : "0");
	map_set(&paused_flag, c->jid, paused ? "1" : "0");
	cidx_touch(c->jid);
	free(k);
	if (was == paused)
		return;
	log_info("staff: %s %s", c->jid, paused ? "paused" : "resumed");
	store_event(app->store, NULL, NULL, paused ? "staff-paused" :
	    "staff-resumed", c->jid);
	if (staff_is_online(c->jid))
		changed(app, c, !paused);
}

long
staff_idle_seconds(const char *bare)
{
	int64_t now = store_now(), at = staff_taken_at(bare);

	if (started == 0)
		started = now;
	return (long)(now - (at ? at : started));
}

int64_t
staff_taken_at(const char *bare)
{
	long i = map_count(&taken_at, bare);

	return i > 0 ? taken[i - 1].at : 0;
}

void
staff_note_taken(const char *bare)
{
	long i = map_count(&taken_at, bare);

	cidx_touch(bare);
	if (i > 0) {
		taken[i - 1].at = store_now();
		return;
	}
	taken = xreallocarray(taken, ntaken + 1, sizeof(*taken));
	taken[ntaken].jid = xstrdup(bare);
	taken[ntaken].at = store_now();
	ntaken++;
	map_add(&taken_at, bare, (long)ntaken);
}

void
staff_notice(struct app *app, const char *from,
    const struct conf_counsellor *c, const char *text)
{
	size_t size = strlen(text) + 256;
	char *buf = xcalloc(1, size);

	catalog_format(buf, size, c->lang ? c->lang : "fr", MSG_PRIVATE, text);
	stanza_send(app, stanza_message(app, from, c->jid, "chat", buf));
	free(buf);
}

void
staff_shutdown(struct app *app)
{
	size_t i;

	for (i = 0; i < app->conf->ncounsellors; i++)
		send_type(app, app->conf->counsellors[i].persona,
		    app->conf->counsellors[i].jid, "unavailable");
}

static int
show_available(xmpp_stanza_t *st)
{
	xmpp_stanza_t *show = stanza_child(st, "show", NULL);
	char *text;
	int ok;

	if (show == NULL)
		return 1;
	text = xmpp_stanza_get_text(show);
	ok = text == NULL || strcmp(text, "chat") == 0;
	xmpp_free(xmpp_stanza_get_context(st), text);
	return ok;
}

int
staff_route(struct app *app, xmpp_stanza_t *st, const struct route *r)
{
	const char *type = xmpp_stanza_get_type(st);
	const struct conf_counsellor *c;
	char *from_bare;

	if (strcmp(xmpp_stanza_get_name(st), "presence") != 0 ||
	    (r->kind != ROUTE_PERSONA && r->kind != ROUTE_BOT))
		return ROUTE_PASS;
	from_bare = xstrdup(stanza_bare(r->from));
	c = conf_counsellor_by_jid(app->conf, from_bare);

	if (c && r->kind == ROUTE_PERSONA &&
	    strcmp(r->local, c->persona) == 0 &&
	    (type == NULL || strcmp(type, "unavailable") == 0)) {
		if (type == NULL && !subscribed(app, c))
			set_subscribed(app, c, 1);
		track(app, c, r->from, type == NULL,
		    type == NULL && show_available(st));
	} else if (type && strcmp(type, "subscribe") == 0) {
		if (subs_add(app, r->local, from_bare) == 0)
			send_type(app, r->local, from_bare, "unsubscribed");
		else {
			send_type(app, r->local, from_bare, "subscribed");
			stanza_send(app, persona_presence(app, r->local,
			    from_bare, NULL));
		}
	} else if (type && strcmp(type, "unsubscribe") == 0) {
		subs_remove(app, r->local, from_bare);
		send_type(app, r->local, from_bare, "unsubscribed");
	} else if (type && strcmp(type, "subscribed") == 0 && c) {
		log_info("staff: %s accepted the presence subscription of %s",
		    from_bare, r->local);
		set_subscribed(app, c, 1);
		send_type(app, r->local, from_bare, "probe");
	} else if (type && strcmp(type, "unsubscribed") == 0 && c) {
		if (subscribed(app, c))
			log_warnx("staff: %s cancelled the presence "
			    "subscription of %s: accueil cannot see when they "
			    "are available until they accept it again",
			    from_bare, r->local);
		set_subscribed(app, c, 0);
	} else if (type && strcmp(type, "unsubscribed") == 0) {
		subs_unsubscribed(app, r->local, from_bare);	/* not ours */
	} else if (type == NULL) {
		subs_seen(app, from_bare);	/* a probe's answer, say */
	} else if (type && strcmp(type, "probe") == 0) {
		subs_seen(app, from_bare);
		stanza_send(app, persona_presence(app, r->local, r->from,
		    NULL));
	}
	free(from_bare);
	return ROUTE_HANDLED;
}

/*
 * A server that loses a cluster node (or a connection it never saw
 * close) may never send "unavailable" for the counsellors who were on
 * it. Every check interval (30 s; ACCUEIL_TEST_STAFF_CHECK for tests)
 * the personas probe the counsellors they see online; the server answers
 * for each resource it still has. A resource not heard of since the
 * previous probe is gone, and its counsellor unavailable if it was the
 * last one.
 */
int
staff_tick(void *ud)
{
	static int64_t last_probe, interval;
	struct app *app = ud;
	int64_t now = clock_mono();
	struct strlist gone = {0}, probe = {0};
	size_t i;

	if (interval == 0) {
		const char *e = getenv("ACCUEIL_TEST_STAFF_CHECK");

		interval = e && atoi(e) > 0 ? atoi(e) : 30;
	}
	if (!link_is_up(app->link)) {
		last_probe = 0;
		return 1;
	}
	if (now - last_probe < interval)
		return 1;
	for (i = 0; i < nres; i++) {
		const struct conf_counsellor *c =
		    conf_counsellor_by_jid(app->conf, res[i].bare);

		if (c == NULL || !subscribed(app, c))
			continue;
		if (last_probe && res[i].heard < last_probe) {
			char *full = xasprintf("%s/%s", res[i].bare,
			    res[i].resource);

			strlist_add(&gone, full);
			free(full);
		} else if (!strlist_has(&probe, res[i].bare))
			strlist_add(&probe, res[i].bare);
	}
	for (i = 0; i < gone.n; i++) {
		const struct conf_counsellor *c = conf_counsellor_by_jid(
		    app->conf, stanza_bare(gone.v[i]));

		log_info("staff: %s did not answer the presence probe: gone",
		    gone.v[i]);
		if (c)
			track(app, c, gone.v[i], 0, 0);
	}
	for (i = 0; i < probe.n; i++) {
		const struct conf_counsellor *c =
		    conf_counsellor_by_jid(app->conf, probe.v[i]);

		if (c)
			send_type(app, c->persona, c->jid, "probe");
	}
	last_probe = now;
	strlist_free(&gone);
	strlist_free(&probe);
	return 1;
}
