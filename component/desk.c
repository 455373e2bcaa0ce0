/*
 * desk.c: an office desk's presence (<office>@D).
 *
 * The desk tells visitors whether the chat is open: it answers
 * subscriptions and probes, remembers subscribers in the store, and
 * pushes a new presence when what it shows changes: checked on the
 * core's events (a counsellor comes or goes, the queue moves) and every
 * few seconds for the opening hours. Pushes are coalesced: a desk's
 * status is computed once per look, at most once a second, and the
 * presence built once for all its subscribers and watchers.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "catalog.h"
#include "clock.h"
#include "conf.h"
#include "desk.h"
#include "event.h"
#include "log.h"
#include "office.h"
#include "router.h"
#include "stanza.h"
#include "status.h"
#include "store.h"
#include "subs.h"
#include "util.h"

/*
 * Per office: the last state pushed, and whether something changed
 * since it was last looked at. A desk is looked at (its status computed
 * once) at most once a second, and pushed only if what it shows
 * changed; changes within that second wait for desk_flush_tick().
 */
struct pushed {
	char *id;
	long long open;	/* signature of what was shown; -1: nothing yet */
	int dirty;	/* a change to look at */
	int mixed;	/* someone got a state other than open directly */
	unsigned long long looked;	/* when last looked at (mono ms) */
};

static struct pushed *pushed;
static size_t npushed;
static unsigned long pushes;	/* presences pushed to subscribers */
static int any_dirty;		/* some desk is marked */

/* Fills buf with the presence status of o in lang. */
static void
status_text(const struct conf_office *o, const char *lang, time_t now,
    const struct desk_status *ds, char *buf, size_t size)
{
	time_t next;
	struct tm tm;
	char when[128];

	if (ds->open && ds->available == 0) {
		catalog_format(buf, size, lang, MSG_OFFICE_BUSY);
		return;
	}
	if (ds->open && ds->wait >= 60) {
		catalog_format(buf, size, lang, MSG_OFFICE_WAIT,
		    (ds->wait + 59) / 60);
		return;
	}
	if (ds->open) {
		catalog_format(buf, size, lang, MSG_OFFICE_OPEN);
		return;
	}
	next = office_next_open(o, now);
	if (next == 0 || clock_localtime(o->timezone, next, &tm) < 0) {
		catalog_format(buf, size, lang, MSG_OFFICE_CLOSED_NO_DATE);
		return;
	}
	catalog_format(when, sizeof(when), lang, MSG_DATE_AT,
	    catalog_text(lang, (enum msg)(MSG_WEEKDAY_0 + tm.tm_wday)),
	    tm.tm_mday, tm.tm_hour, tm.tm_min);
	catalog_format(buf, size, lang, MSG_OFFICE_CLOSED, when);
}

/*
 * Builds the desk presence of o for a subscriber. When lang is given the
 * status is in that language only; otherwise one <status> per language of
 * the office, each with its xml:lang.
 */
static xmpp_stanza_t *
desk_presence_of(struct app *app, const struct conf_office *o, const char *to,
    const char *lang, const struct desk_status *dsp)
{
	char *from = xasprintf("%s@%s", o->id, app->conf->domain);
	xmpp_stanza_t *p = stanza_presence(app, from, to, NULL);
	time_t now = clock_now();
	struct desk_status ds = *dsp;
	char text[512];
	size_t i;

	free(from);
	/* closed: xa; open but nobody free: away; open: available */
	if (!ds.open)
		stanza_add_text(p, "show", "xa");
	else if (ds.available == 0)
		stanza_add_text(p, "show", "away");
	for (i = 0; i < o->languages.n; i++) {
		const char *l = o->languages.v[i];
		xmpp_stanza_t *s;

		if (lang && strcmp(lang, l) != 0)
			continue;
		status_text(o, l, now, &ds, text, sizeof(text));
		s = stanza_add_text(p, "status", text);
		xmpp_stanza_set_attribute(s, "xml:lang", l);
	}
	if (lang && !strlist_has(&o->languages, lang)) {
		status_text(o, lang, now, &ds, text, sizeof(text));
		xmpp_stanza_set_attribute(stanza_add_text(p, "status", text),
		    "xml:lang", lang);
	}
	return p;
}

static xmpp_stanza_t *desk_presence(struct app *app,
    const struct conf_office *o, const char *to, const char *lang);

/*
 * The presence each subscriber of an office gets, built once per push
 * and copied for each (only 'to' differs). templates[i] is office i's,
 * NULL until needed.
 */
struct push {
	struct app *app;
	xmpp_stanza_t **templates;
};

static void
push_one(const char *office, const char *jid, void *ud)
{
	struct push *pu = ud;
	struct app *app = pu->app;
	const struct conf_office *o = conf_office(app->conf, office);
	xmpp_stanza_t *c;
	size_t i;

	if (o == NULL)
		return;	/* a persona's subscriber */
	i = (size_t)(o - app->conf->offices);
	if (pu->templates[i] == NULL)
		pu->templates[i] = desk_presence(app, o, jid, NULL);
	c = xmpp_stanza_copy(pu->templates[i]);
	xmpp_stanza_set_to(c, jid);
	stanza_send(app, c);
	pushes++;
}

static void
push_begin(struct push *pu, struct app *app)
{
	pu->app = app;
	pu->templates = xcalloc(app->conf->noffices + 1,
	    sizeof(*pu->templates));
}

static void
push_end(struct push *pu)
{
	size_t i;

	for (i = 0; i < pu->app->conf->noffices; i++)
		if (pu->templates[i])
			xmpp_stanza_release(pu->templates[i]);
	free(pu->templates);
}

static struct pushed *
pushed_state(const char *id)
{
	size_t i;

	for (i = 0; i < npushed; i++)
		if (strcmp(pushed[i].id, id) == 0)
			return &pushed[i];
	pushed = xreallocarray(pushed, npushed + 1, sizeof(*pushed));
	memset(&pushed[npushed], 0, sizeof(*pushed));
	pushed[npushed].id = xstrdup(id);
	pushed[npushed].open = -1;
	return &pushed[npushed++];
}

/*
 * What the desk shows (ds), as one number: changes are pushed. Open:
 * >= 1000 (availability and wait in minutes); closed: minus the next
 * opening.
 */
static long long
signature(const struct conf_office *o, const struct desk_status *ds)
{
	long mins;

	if (!ds->open)
		return -2 - (long long)office_next_open(o, clock_now());
	mins = (ds->wait + 59) / 60;
	return 1000 + (ds->available > 0) * 100 + (mins > 99 ? 99 : mins);
}

/*
 * The presence of o now, for one JID (an answer, not a push). If it
 * shows another state than the last push, the next look pushes to all
 * even if the state is back to the pushed one (the subscribers did not
 * all see the same).
 */
static xmpp_stanza_t *
desk_presence(struct app *app, const struct conf_office *o, const char *to,
    const char *lang)
{
	struct pushed *p = pushed_state(o->id);
	struct desk_status ds;

	status_desk(app, o->id, &ds);
	if (p->open != -1 && signature(o, &ds) != p->open) {
		p->mixed = 1;
		p->dirty = 1;
		any_dirty = 1;
	}
	return desk_presence_of(app, o, to, lang, &ds);
}

void
desk_resync(struct app *app)
{
	struct push pu;
	struct desk_status ds;
	size_t i;

	push_begin(&pu, app);
	for (i = 0; i < app->conf->noffices; i++) {
		const struct conf_office *o = &app->conf->offices[i];
		struct pushed *p = pushed_state(o->id);

		status_desk(app, o->id, &ds);
		p->open = signature(o, &ds);
		p->dirty = p->mixed = 0;
		p->looked = clock_mono_ms();
		pu.templates[i] = desk_presence_of(app, o, "", NULL, &ds);
	}
	subs_foreach(app, NULL, push_one, &pu);
	push_end(&pu);
}

/* Looks at the dirty desks not looked at in the last second. */
static void
flush(struct app *app)
{
	unsigned long long now = clock_mono_ms();
	struct desk_status ds;
	struct push pu;
	size_t i;

	if (!any_dirty)
		return;
	any_dirty = 0;
	push_begin(&pu, app);
	for (i = 0; i < app->conf->noffices; i++) {
		const struct conf_office *o = &app->conf->offices[i];
		struct pushed *p = pushed_state(o->id);
		long long sig, was = p->open;

		if (p->dirty && p->looked && now - p->looked <
		    DESK_COALESCE_MS)
			any_dirty = 1;	/* its turn comes at a later tick */
		if (!p->dirty || (p->looked && now - p->looked <
		    DESK_COALESCE_MS))
			continue;
		p->dirty = 0;
		p->looked = now;
		status_desk(app, o->id, &ds);	/* once per look */
		if ((sig = signature(o, &ds)) == was && !p->mixed)
			continue;
		p->open = sig;
		p->mixed = 0;
		if (was == -1 || (was >= 1000) != (sig >= 1000)) {
			log_info("office %s: chat %s", o->id, sig >= 1000 ?
			    "open" : "closed");
			store_event(app->store, o->id, NULL, sig >= 1000 ?
			    "office-open" : "office-closed", NULL);
		}
		pu.templates[i] = desk_presence_of(app, o, "", NULL, &ds);
		subs_foreach(app, o->id, push_one, &pu);
		subs_watchers_foreach(o->id, push_one, &pu);
		log_debug("office %s: desk pushed (%lu in all)", o->id,
		    pushes);
	}
	push_end(&pu);
}

void
desk_refresh(struct app *app)
{
	size_t i;

	for (i = 0; i < app->conf->noffices; i++)
		pushed_state(app->conf->offices[i].id)->dirty = 1;
	any_dirty = 1;
	flush(app);
}

int
desk_flush_tick(void *ud)
{
	flush(ud);
	return 1;
}

int
desk_tick(void *ud)
{
	desk_refresh(ud);
	return 1;
}

static void
unavailable_one(const char *office, const char *jid, void *ud)
{
	struct app *app = ud;
	char *from = xasprintf("%s@%s", office, app->conf->domain);

	stanza_send(app, stanza_presence(app, from, jid, "unavailable"));
	free(from);
}

void
desk_shutdown(struct app *app)
{
	subs_foreach(app, NULL, unavailable_one, app);
}

void
desk_reset(void)
{
	size_t i;

	for (i = 0; i < npushed; i++)
		free(pushed[i].id);
	free(pushed);
	pushed = NULL;
	npushed = 0;
}

int
desk_route(struct app *app, xmpp_stanza_t *st, const struct route *r)
{
	const char *type = xmpp_stanza_get_type(st);
	const char *lang = xmpp_stanza_get_attribute(st, "xml:lang");
	char *desk;
	const char *bare;

	if (r->kind != ROUTE_OFFICE ||
	    strcmp(xmpp_stanza_get_name(st), "presence") != 0)
		return ROUTE_PASS;
	desk = xasprintf("%s@%s", r->office->id, app->conf->domain);
	bare = stanza_bare(r->from);
	if (type && strcmp(type, "unavailable") == 0)
		subs_watch(app, r->office->id, r->from, 0);
	if (type == NULL || strcmp(type, "probe") == 0) {
		/* directed presence or probe: answer with the state */
		subs_seen(app, bare);
		if (type == NULL)
			subs_watch(app, r->office->id, r->from, 1);
		stanza_send(app, desk_presence(app, r->office, r->from,
		    type == NULL ? lang : NULL));
	} else if (strcmp(type, "subscribe") == 0) {
		char *who = xstrdup(bare);

		if (subs_add(app, r->office->id, who) == 0)
			stanza_send(app, stanza_presence(app, desk, who,
			    "unsubscribed"));	/* the cap: refused */
		else {
			stanza_send(app, stanza_presence(app, desk, who,
			    "subscribed"));
			stanza_send(app, desk_presence(app, r->office, who,
			    NULL));
		}
		free(who);
	} else if (strcmp(type, "unsubscribe") == 0) {
		char *who = xstrdup(bare);

		subs_remove(app, r->office->id, who);
		stanza_send(app, stanza_presence(app, desk, who,
		    "unsubscribed"));
		free(who);
	} else if (strcmp(type, "unsubscribed") == 0) {
		/* they no longer want our presence (or answer our probe) */
		char *who = xstrdup(bare);

		subs_unsubscribed(app, r->office->id, who);
		free(who);
	}
	free(desk);
	return ROUTE_HANDLED;
}

static int
on_change(struct app *app, struct event *ev, void *ud)
{
	(void)ev;
	(void)ud;
	desk_refresh(app);
	return EVENT_PASS;
}

void
desk_init(void)
{
	event_hook(EV_STAFF_CHANGED, on_change, 0, NULL);
	event_hook(EV_QUEUE_CHANGED, on_change, -10, NULL);
	event_hook(EV_CONV_TAKEN, on_change, -10, NULL);
}
