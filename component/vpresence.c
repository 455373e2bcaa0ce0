/*
 * vpresence.c: the visitor's presence and vCard on their v-<id> JID.
 *
 * Counsellors chat with v-<id>@D from their own client; without a
 * presence the client shows that contact offline all along, and without
 * a vCard it titles the chat "v-2c9a5eadfb". This module sends the
 * counsellors who hold or were offered a conversation a presence from
 * its v- JID that follows the visitor:
 *
 *   - available while the visitor is in the room;
 *   - away ("no word since 14:05") after VP_QUIET seconds without a line;
 *   - unavailable when they left the room ("left at 14:12"), when the
 *     conversation went to someone else, ended or closed.
 *
 * It answers presence probes and vcard-temp queries on v- JIDs (FN: the
 * visitor's first name and language, no photo). The nick the messages
 * carry stays as relay.c sets it. Heard events only; nobody calls in.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <strophe.h>

#include "app.h"
#include "catalog.h"
#include "clock.h"
#include "conf.h"
#include "event.h"
#include "map.h"
#include "registry.h"
#include "relay.h"
#include "router.h"
#include "stanza.h"
#include "store.h"
#include "util.h"
#include "vpresence.h"

/* Seconds without a visitor line before the presence says away. */
#define VP_QUIET 180

enum vp_show { VP_NONE, VP_HERE, VP_QUIET_SHOWN, VP_GONE };

struct vp {
	struct strlist to;	/* bare JIDs we sent an available presence */
	int64_t last_word;	/* last visitor line, or when they came */
	enum vp_show shown;
};

static struct map vps;		/* conv id -> struct vp */

static struct vp *
vp_of(struct conv *cv, int create)
{
	struct vp *p = map_get(&vps, cv->id);

	if (p == NULL && create) {
		p = xcalloc(1, sizeof(*p));
		p->last_word = store_now();
		map_set(&vps, cv->id, p);
	}
	return p;
}

static void
vp_free(struct vp *p)
{
	strlist_free(&p->to);
	free(p);
}

/* "14:05" in the office's time zone. */
static void
hhmm(struct app *app, struct conv *cv, int64_t t, char *buf, size_t size)
{
	const struct conf_office *o = conf_office(app->conf, cv->office);
	struct tm tm;

	if (clock_localtime(o && o->timezone ? o->timezone : "UTC",
	    (time_t)t, &tm) < 0)
		memset(&tm, 0, sizeof(tm));
	snprintf(buf, size, "%02d:%02d", tm.tm_hour, tm.tm_min);
}

static const char *
staff_lang(struct app *app, const char *jid)
{
	const struct conf_counsellor *c = conf_counsellor_by_jid(app->conf,
	    jid);

	return c ? relay_staff_lang(c) : "fr";
}

/* What the visitor's presence is now. */
static enum vp_show
current(struct conv *cv, const struct vp *p)
{
	if (cv->state == CONV_CLOSED || cv->state == CONV_SURVEY ||
	    cv->state == CONV_OFFLINE)
		return VP_GONE;
	/* invited but not yet in the room counts as here: they just wrote */
	if (cv->absent && cv->visitors == 0)
		return VP_GONE;
	if (store_now() - p->last_word >= VP_QUIET)
		return VP_QUIET_SHOWN;
	return VP_HERE;
}

/* Sends to jid the presence `show` of cv's visitor. */
static void
send_one(struct app *app, struct conv *cv, const struct vp *p,
    const char *jid, enum vp_show show)
{
	char *from = xasprintf("%s@%s", cv->id, app->conf->domain);
	const char *lang = staff_lang(app, jid);
	xmpp_stanza_t *pr;
	char at[8];
	char *status = NULL;

	switch (show) {
	case VP_HERE:
		pr = stanza_presence(app, from, jid, NULL);
		status = catalog_aformat(lang, MSG_VP_HERE, cv->lang);
		break;
	case VP_QUIET_SHOWN:
		pr = stanza_presence(app, from, jid, NULL);
		stanza_add_text(pr, "show", "away");
		hhmm(app, cv, p->last_word, at, sizeof(at));
		status = catalog_aformat(lang, MSG_VP_QUIET, at);
		break;
	default:
		pr = stanza_presence(app, from, jid, "unavailable");
		if (cv->absent && cv->left_at > 0 && cv->visitors == 0) {
			hhmm(app, cv, cv->left_at, at, sizeof(at));
			status = catalog_aformat(lang, MSG_VP_LEFT, at);
		} else
			status = catalog_aformat(lang, MSG_VP_ENDED);
		break;
	}
	stanza_add_text(pr, "status", status);
	stanza_send(app, pr);
	free(status);
	free(from);
}

/* Tells everyone who has it what changed, if anything did. */
static void
update(struct app *app, struct conv *cv, struct vp *p, int force)
{
	enum vp_show now = current(cv, p);
	size_t i;

	if (now == p->shown && !force)
		return;
	p->shown = now;
	for (i = 0; i < p->to.n; i++)
		send_one(app, cv, p, p->to.v[i], now);
}

/* jid holds or was offered cv: it follows the visitor's presence. */
static void
follow(struct app *app, struct conv *cv, const char *jid)
{
	struct vp *p = vp_of(cv, 1);

	if (jid == NULL || strlist_has(&p->to, jid))
		return;
	strlist_add(&p->to, jid);
	p->shown = current(cv, p);
	send_one(app, cv, p, jid, p->shown);
}

/* jid no longer has anything to do with cv: an unavailable presence. */
static void
unfollow(struct app *app, struct conv *cv, struct vp *p, const char *jid)
{
	struct strlist keep = {0};
	size_t i;

	for (i = 0; i < p->to.n; i++) {
		if (strcmp(p->to.v[i], jid) == 0)
			send_one(app, cv, p, jid, VP_GONE);
		else
			strlist_add(&keep, p->to.v[i]);
	}
	strlist_free(&p->to);
	p->to = keep;
}

static int
on_offered(struct app *app, struct event *ev, void *ud)
{
	(void)ud;
	if (ev->conv && ev->counsellor)
		follow(app, ev->conv, ev->counsellor->jid);
	return EVENT_PASS;
}

static int
on_taken(struct app *app, struct event *ev, void *ud)
{
	struct conv *cv = ev->conv;
	struct vp *p;
	size_t i;

	(void)ud;
	if (cv == NULL || cv->counsellor == NULL)
		return EVENT_PASS;
	p = vp_of(cv, 1);
	/* the others offered it, or who handed it over, are out of it */
	for (i = p->to.n; i > 0; i--)
		if (strcmp(p->to.v[i - 1], cv->counsellor) != 0)
			unfollow(app, cv, p, p->to.v[i - 1]);
	follow(app, cv, cv->counsellor);
	return EVENT_PASS;
}

static int
on_declined(struct app *app, struct event *ev, void *ud)
{
	struct vp *p;

	(void)ud;
	if (ev->conv && ev->counsellor && (p = vp_of(ev->conv, 0)) &&
	    (ev->conv->counsellor == NULL ||
	    strcmp(ev->conv->counsellor, ev->counsellor->jid) != 0))
		unfollow(app, ev->conv, p, ev->counsellor->jid);
	return EVENT_PASS;
}

static int
on_visitor(struct app *app, struct event *ev, void *ud)
{
	struct vp *p;

	(void)ud;
	if (ev->conv == NULL || (p = vp_of(ev->conv, 0)) == NULL)
		return EVENT_PASS;
	if (ev->kind == EV_VISITOR_BACK ||
	    (ev->kind == EV_VISITOR_TEXT && ev->flag == 1))
		p->last_word = store_now();
	update(app, ev->conv, p, 0);
	return EVENT_PASS;
}

static int
on_over(struct app *app, struct event *ev, void *ud)
{
	struct vp *p;

	(void)ud;
	if (ev->conv == NULL || (p = vp_of(ev->conv, 0)) == NULL)
		return EVENT_PASS;
	p->shown = VP_GONE;
	{
		size_t i;

		for (i = 0; i < p->to.n; i++)
			send_one(app, ev->conv, p, p->to.v[i], VP_GONE);
	}
	if (ev->kind == EV_CONV_CLOSED) {
		map_del(&vps, ev->conv->id);
		vp_free(p);
	} else
		strlist_free(&p->to);
	return EVENT_PASS;
}

/* After a restart or a reconnect the holder gets the presence again. */
static int
on_joined(struct app *app, struct event *ev, void *ud)
{
	struct vp *p;

	(void)ud;
	if (ev->conv == NULL || ev->conv->counsellor == NULL ||
	    ev->conv->state != CONV_ACTIVE)
		return EVENT_PASS;
	if ((p = vp_of(ev->conv, 0)) != NULL &&
	    strlist_has(&p->to, ev->conv->counsellor)) {
		update(app, ev->conv, p, 1);
		return EVENT_PASS;
	}
	follow(app, ev->conv, ev->conv->counsellor);
	return EVENT_PASS;
}

int
vpresence_tick(void *ud)
{
	struct app *app = ud;
	struct conv **all;
	size_t n, i;

	all = registry_list(&n);
	for (i = 0; i < n; i++) {
		struct vp *p = vp_of(all[i], 0);

		if (p && p->to.n > 0)
			update(app, all[i], p, 0);
	}
	free(all);
	return 1;
}

static void
vcard(struct app *app, xmpp_stanza_t *iq, struct conv *cv)
{
	xmpp_stanza_t *res = stanza_iq_result(app, iq);
	xmpp_stanza_t *v = stanza_add(res, "vCard", NS_VCARD);
	char *fn = xasprintf("%s (%s)", cv->name ? cv->name :
	    catalog_text(cv->lang, MSG_VISITOR), cv->lang);

	stanza_add_text(v, "FN", fn);
	stanza_add_text(v, "NICKNAME", cv->name ? cv->name :
	    catalog_text(cv->lang, MSG_VISITOR));
	stanza_add_text(v, "ROLE", "visitor");
	/* machine-readable language, for clients that show it */
	stanza_add_text(stanza_add(v, "LANG", NULL), "LANGUAGE", cv->lang);
	free(fn);
	stanza_send(app, res);
}

int
vpresence_route(struct app *app, xmpp_stanza_t *st, const struct route *r)
{
	const char *name = xmpp_stanza_get_name(st);
	const char *type = xmpp_stanza_get_type(st);
	struct conv *cv;
	struct vp *p;

	if (r->kind != ROUTE_VISITOR)
		return ROUTE_PASS;
	cv = registry_find(r->local);
	if (strcmp(name, "iq") == 0 && stanza_child(st, "vCard", NS_VCARD)) {
		if (type && strcmp(type, "set") == 0) {
			stanza_send_error(app, st, "auth", "forbidden",
			    "A visitor's card cannot be changed.");
			return ROUTE_HANDLED;
		}
		if (cv == NULL) {
			stanza_send_error(app, st, "cancel",
			    "item-not-found", "This conversation is over.");
			return ROUTE_HANDLED;
		}
		vcard(app, st, cv);
		return ROUTE_HANDLED;
	}
	if (strcmp(name, "presence") != 0 || type == NULL ||
	    strcmp(type, "probe") != 0 || r->from == NULL)
		return ROUTE_PASS;
	/* a probe: the state to who follows it, unavailable to others */
	if (cv && (p = vp_of(cv, 0)) &&
	    strlist_has(&p->to, stanza_bare(r->from)))
		send_one(app, cv, p, stanza_bare(r->from), current(cv, p));
	else {
		char *from = xasprintf("%s@%s", r->local, app->conf->domain);

		stanza_send(app, stanza_presence(app, from,
		    stanza_bare(r->from), "unavailable"));
		free(from);
	}
	return ROUTE_HANDLED;
}

void
vpresence_init(void)
{
	event_hook(EV_CONV_OFFERED, on_offered, -20, NULL);
	event_hook(EV_CONV_TAKEN, on_taken, -20, NULL);
	event_hook(EV_CONV_DECLINE, on_declined, -20, NULL);
	event_hook(EV_VISITOR_AWAY, on_visitor, -20, NULL);
	event_hook(EV_VISITOR_BACK, on_visitor, -20, NULL);
	event_hook(EV_VISITOR_TEXT, on_visitor, -20, NULL);
	event_hook(EV_CONV_ENDED, on_over, -20, NULL);
	event_hook(EV_CONV_OFFLINE, on_over, -20, NULL);
	event_hook(EV_CONV_CLOSED, on_over, -20, NULL);
	event_hook(EV_ROOM_JOINED, on_joined, -20, NULL);
}

static void
free_one(const char *key, void *value, long count, void *ud)
{
	(void)key;
	(void)count;
	(void)ud;
	vp_free(value);
}

void
vpresence_free_all(void)
{
	map_foreach(&vps, free_one, NULL);
	map_free(&vps);
}
