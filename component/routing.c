/*
 * routing.c: the queue engine.
 *
 * Waiting conversations form one first-come-first-served queue per
 * office and language (transfers go first). A pass offers each one to
 * counsellors who speak its language, are available, not paused and
 * under max-chats, ordered by the office's routing strategy (ring-group
 * by default: offer-size at once, least busy first, then longest idle);
 * when nobody answers within offer-timeout it widens the ring (more
 * counsellors, then the fallback languages), alerts the supervisors
 * after alert-delay, and turns the conversation into an offline request
 * after max-wait or when the office closes. A visitor who left the room
 * is not offered: the ones behind move up and are told at once.
 *
 * The offers themselves (who was offered what, the messages, their
 * closing) are in offers.c, which keeps them in the store so they
 * survive a restart; each conversation keeps here only what can be
 * recomputed: when the first offer went out (to time the waves), and
 * what the visitor was told.
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
#include "convdb.h"
#include "event.h"
#include "link.h"
#include "log.h"
#include "map.h"
#include "offers.h"
#include "office.h"
#include "plugin.h"
#include "routing.h"
#include "registry.h"
#include "status.h"
#include "staff.h"
#include "stanza.h"
#include "store.h"
#include "territory.h"
#include "util.h"

#define TRANSFER_WAVES 3	/* offer timeouts a transfer may take */
#define DEFAULT_TAKE 60		/* seconds to take, before any history */

struct rstate {
	int64_t first_offer;	/* 0: no offer yet */
	int told_pos;
	long told_wait_min;
};

static struct rstate *
rstate(struct conv *cv)
{
	if (cv->routing == NULL)
		cv->routing = xcalloc(1, sizeof(struct rstate));
	return cv->routing;
}

static void
rstate_drop(struct conv *cv)
{
	free(cv->routing);
	cv->routing = NULL;
}

/* ---- who can take what -------------------------------------------------- */

/* Whose counsellors a wave may reach (territory.h). */
enum reach {
	REACH_OFFICE,	/* the visitor's office */
	REACH_POOLED,	/* pooled colleagues of the territory's other offices */
	REACH_HANDOVER,	/* the open office the closed one hands over to */
};

static int
eligible(struct app *app, const struct conf_counsellor *c, const char *office)
{
	return strlist_has(&c->offices, office) && staff_is_online(c->jid) &&
	    !staff_is_paused(app, c->jid) &&
	    registry_active(c->jid) + offers_held(app, c->jid) < c->max_chats;
}

/*
 * Fills cands with the counsellors who could be offered session s now,
 * speaking one of langs, not yet offered it, ordered by the office's
 * routing plugin. Returns how many; *wave is how many one wave adds.
 */
static size_t
candidates(struct app *app, const struct conv *s,
    const struct conf_office *o, const struct strlist *langs,
    const char *only, const char *except, struct accueil_candidate *out,
    int *wave, enum reach reach, const struct conf_office *to)
{
	size_t i, k, n = 0;

	for (i = 0; i < app->conf->ncounsellors; i++) {
		const struct conf_counsellor *c = &app->conf->counsellors[i];
		const char *office = o->id;
		int speaks = 0;

		if (reach == REACH_POOLED) {
			if (!territory_pooled_for(app->conf, c, o))
				continue;
			office = territory_answering(app->conf, c, o->id);
		} else if (reach == REACH_HANDOVER)
			office = to->id;

		if (only && strcmp(c->persona, only) != 0)
			continue;
		if (except && strcasecmp(c->jid, except) == 0)
			continue;
		for (k = 0; k < langs->n; k++)
			if (strlist_has(&c->languages, langs->v[k]))
				speaks = 1;
		if (!speaks || !eligible(app, c, office) ||
		    offers_was_offered(app, s->id, c->jid))
			continue;
		out[n].jid = c->jid;
		out[n].load = registry_active(c->jid) +
		    offers_held(app, c->jid);
		out[n].idle = staff_idle_seconds(c->jid);
		out[n].rank = (int)i;
		n++;
	}
	*wave = plugin_routing_order(o->routing, o->id, o->offer_size, out, n);
	if (*wave < 1) {
		log_warnx("routing: no running routing plugin \"%s\"",
		    o->routing);
		*wave = o->offer_size;
	}
	return n;
}

/* Forgets every offer of cv and its timing: its next round starts afresh. */
static void
forget_offers(struct app *app, struct conv *cv)
{
	offers_forget(app, cv->id);
	rstate_drop(cv);
}

/* Offers s to what its wave allows; returns offers sent now. */
static int
widen(struct app *app, struct conv *s, const struct conf_office *o,
    const struct conf_office *handover, int64_t now)
{
	struct rstate *r = rstate(s);
	struct accueil_candidate *cands = xcalloc(app->conf->ncounsellors + 1,
	    sizeof(*cands));
	struct strlist langs = {0};
	int wave, target, have, sent = 0, per_wave;
	long timeout = o->offer_timeout;
	const char *only = NULL;
	size_t n, i;

	if (r->first_offer == 0 && offers_all(app, s->id) > 0)
		r->first_offer = now;	/* offers from before a restart */
	wave = r->first_offer ? 1 + (int)((now - r->first_offer) / timeout) : 1;
	have = offers_all(app, s->id);

	if (s->transfer_to) {
		const struct conf_counsellor *to =
		    conf_counsellor_by_persona(app->conf, s->transfer_to);

		if (to) {
			/* a named colleague, in any language they speak */
			only = to->persona;
			for (i = 0; i < to->languages.n; i++)
				strlist_add(&langs, to->languages.v[i]);
		} else
			strlist_add(&langs, s->transfer_to);
	} else
		strlist_add(&langs, s->lang);
	/* closed and handing over: the open office's counsellors */
	n = candidates(app, s, o, &langs, only, s->transfer_from, cands,
	    &per_wave, handover ? REACH_HANDOVER : REACH_OFFICE, handover);
	/*
	 * Nobody here speaks it (or, after the first wave, nobody left):
	 * pooled colleagues of the territory, before the fallback.
	 */
	if (n == 0 && !s->transfer_to && (wave > 1 || have == 0))
		n = candidates(app, s, o, &langs, NULL, NULL, cands, &per_wave,
		    REACH_POOLED, NULL);
	/*
	 * Nobody left who speaks the language: after the first wave (or at
	 * once when no speaker can take it at all), the fallback languages.
	 */
	if (n == 0 && !s->transfer_to && (wave > 1 || have == 0)) {
		strlist_free(&langs);
		for (i = 0; i < o->fallback_langs.n; i++)
			if (strcmp(o->fallback_langs.v[i], s->lang) != 0)
				strlist_add(&langs, o->fallback_langs.v[i]);
		n = langs.n ? candidates(app, s, o, &langs, NULL, NULL, cands,
		    &per_wave, handover ? REACH_HANDOVER : REACH_OFFICE,
		    handover) : 0;
	}
	target = per_wave * wave;
	if (have >= target && offers_open(app, s->id) > 0)
		goto out;
	if (have >= target)
		target = have + per_wave;	/* all declined: next ones */
	for (i = 0; i < n && have < target; i++) {
		const struct conf_counsellor *k = conf_counsellor_by_jid(
		    app->conf, cands[i].jid);
		struct event ev;

		if (offers_make(app, s, k)) {
			have++;
			sent++;
			event_prepare(&ev, EV_CONV_OFFERED, s, k);
			event_fire(app, &ev);
		}
	}
	if (sent && r->first_offer == 0)
		r->first_offer = now;
out:
	strlist_free(&langs);
	free(cands);
	return sent;
}

static void
alert_supervisors(struct app *app, struct conv *s,
    const struct conf_office *o, int64_t now)
{
	char *from = xasprintf("%s@%s", o->id, app->conf->domain);
	char *text = catalog_aformat(app->conf->lang, MSG_ALERT, o->name,
	    (long)(now - s->created), s->lang, s->question ? s->question : "");
	size_t i;

	for (i = 0; i < o->nsupervisors; i++)
		stanza_send(app, stanza_message(app, from,
		    o->supervisors[i].jid, "chat", text));
	free(text);
	free(from);
	store_event(app->store, o->id, s->id, "alert", NULL);
	conv_mark_alerted(app, s);
	log_info("session %s: nobody took it in %ld s, supervisors alerted",
	    s->id, (long)(now - s->created));
}

/* ---- the pass ---------------------------------------------------------- */

/* Transfers first, then arrival order. */
static int
by_priority(const void *a, const void *b)
{
	const struct conv *x = *(struct conv *const *)a;
	const struct conv *y = *(struct conv *const *)b;
	int px = x->transfer_to != NULL, py = y->transfer_to != NULL;

	if (px != py)
		return py - px;
	if (x->created != y->created)
		return x->created < y->created ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* What the visitor is told: position and expected wait, when they move. */
static void
tell_position(struct app *app, struct conv *cv, const struct conf_office *o,
    int position)
{
	struct rstate *r = rstate(cv);
	struct desk_status ds;
	long wait, mins;

	/* told live once the visitor is there (EV_VISITOR_BACK) */
	if (cv->visitors == 0)
		return;
	status_desk(app, o->id, &ds);
	wait = (long)position * status_mean_take(app, o->id) /
	    (ds.available > 0 ? ds.available : 1);
	mins = (wait + 59) / 60;
	if (position == r->told_pos && mins == r->told_wait_min)
		return;
	/*
	 * First in line with someone free: the greeting already said a
	 * counsellor is coming; otherwise the visitor hears where they
	 * stand, and again when they move up or the wait changes.
	 */
	if ((r->told_pos == 0 && (position > 1 || ds.available == 0)) ||
	    (r->told_pos != 0 && position != r->told_pos) ||
	    mins > r->told_wait_min + 1 || mins + 1 < r->told_wait_min)
		conv_queue_notice(app, cv, position, wait);
	r->told_pos = position;
	r->told_wait_min = mins;
}

static void
route_one(struct app *app, struct conv *cv, int position, int64_t now)
{
	const struct conf_office *o = conf_office(app->conf, cv->office);
	const struct conf_office *handover;
	struct rstate *r;

	if (o == NULL)
		return;
	r = rstate(cv);
	if (cv->transfer_to) {
		if (r->first_offer && now - r->first_offer >
		    (int64_t)o->offer_timeout * TRANSFER_WAVES) {
			offers_revoke(app, cv, NULL, MSG_OFFER_WITHDRAWN, NULL);
			rstate_drop(cv);
			conv_transfer_failed(app, cv);
			return;
		}
		widen(app, cv, o, NULL, now);
		return;
	}
	/* closed: handed to an open office of the territory, if it says so */
	handover = office_is_open(o, now) ? NULL :
	    territory_handover(app->conf, o, now);
	if ((!office_is_open(o, now) && handover == NULL) ||
	    now - cv->created >= o->max_wait) {
		offers_revoke(app, cv, NULL, MSG_OFFER_WITHDRAWN, NULL);
		rstate_drop(cv);
		conv_go_offline(app, cv, office_is_open(o, now) ? "no-answer" :
		    "closed");
		return;
	}
	if (!cv->alerted && o->nsupervisors &&
	    now - cv->created >= o->alert_delay)
		alert_supervisors(app, cv, o, now);
	widen(app, cv, o, handover, now);
	tell_position(app, cv, o, position);
}

static int in_pass, pass_again;

/* One pass over the queues. */
static void
pass(struct app *app)
{
	int64_t now = store_now();
	struct conv **all, **q;
	struct map seen = {0};
	size_t n, nq = 0, i;

	all = registry_list(&n);
	q = xcalloc(n + 1, sizeof(*q));
	for (i = 0; i < n; i++) {
		struct conv *cv = all[i];

		if (cv->closed || !(cv->invited && cv->setup_done))
			continue;	/* its room is still being set up */
		if (conv_is_queued(cv) || (cv->state == CONV_ACTIVE &&
		    cv->transfer_to))
			q[nq++] = cv;
	}
	if (nq > 1)
		qsort(q, nq, sizeof(*q), by_priority);
	for (i = 0; i < nq; i++) {
		char *k = xasprintf("%s/%s", q[i]->office, q[i]->lang);
		int position = q[i]->transfer_to ? 1 : (int)map_add(&seen, k,
		    1);

		free(k);
		if (!q[i]->closed)
			route_one(app, q[i], position, now);
	}
	map_free(&seen);
	free(q);
	free(all);
}

int
routing_tick(void *ud)
{
	struct app *app = ud;

	if (!link_is_up(app->link))
		return 1;
	if (in_pass) {
		/* fired from within a pass: run it once more at its end */
		pass_again = 1;
		return 1;
	}
	in_pass = 1;
	do {
		pass_again = 0;
		pass(app);
	} while (pass_again);
	in_pass = 0;
	return 1;
}

/* ---- events ----------------------------------------------------------- */

static int
on_claim(struct app *app, struct event *ev, void *ud)
{
	struct conv *cv = ev->conv;
	const struct conf_counsellor *c = ev->counsellor, *h;
	int transfer = cv->transfer_to != NULL, won;
	char *who;

	(void)ud;
	ev->holder = NULL;
	if (!offers_open_for(app, cv->id, c->jid)) {
		ev->result = offers_was_offered(app, cv->id, c->jid) ?
		    TAKE_LOST : TAKE_NOT_OFFERED;
		if (ev->result == TAKE_NOT_OFFERED)
			return EVENT_HANDLED;
	} else if ((won = convdb_take(app, cv->id, c->jid, c->persona,
	    transfer)) == 1) {
		store_event(app->store, cv->office, cv->id, transfer ?
		    "transferred" : "taken", c->jid);
		log_info("session %s: %s by %s", cv->id, transfer ?
		    "transferred to" : "taken", c->jid);
		offers_revoke(app, cv, c->jid, MSG_TAKEN_BY_OTHER, c->name);
		rstate_drop(cv);
		staff_note_taken(c->jid);
		ev->result = TAKE_WON;
		conv_take(app, cv, c);
		return EVENT_HANDLED;
	}
	ev->result = TAKE_LOST;
	who = convdb_holder(app, cv->id);
	if (who && (h = conf_counsellor_by_jid(app->conf, who)) != NULL)
		ev->holder = h->name;
	free(who);
	return EVENT_HANDLED;
}

static int
on_decline(struct app *app, struct event *ev, void *ud)
{
	(void)ud;
	ev->result = offers_decline(app, ev->conv->id, ev->counsellor->jid);
	if (ev->result)
		routing_tick(app);
	return EVENT_HANDLED;
}

static int
on_transfer(struct app *app, struct event *ev, void *ud)
{
	(void)ud;
	/* a new round of offers for this conversation */
	forget_offers(app, ev->conv);
	routing_tick(app);
	return EVENT_PASS;
}

static int
on_requeue(struct app *app, struct event *ev, void *ud)
{
	(void)ud;
	/* offers in the wrong language go; the pass offers again */
	offers_revoke(app, ev->conv, NULL, MSG_OFFER_WITHDRAWN, NULL);
	forget_offers(app, ev->conv);
	return EVENT_PASS;
}

static int
on_away(struct app *app, struct event *ev, void *ud)
{
	(void)ud;
	if (ev->conv->state != CONV_WAITING)
		return EVENT_PASS;
	/* nobody to answer: no offers; a return starts them afresh */
	offers_revoke(app, ev->conv, NULL, MSG_OFFER_WITHDRAWN, NULL);
	forget_offers(app, ev->conv);
	return EVENT_PASS;
}

static int
on_closed(struct app *app, struct event *ev, void *ud)
{
	(void)ud;
	offers_revoke(app, ev->conv, NULL, MSG_OFFER_WITHDRAWN, NULL);
	rstate_drop(ev->conv);
	return EVENT_PASS;
}

static int
on_change(struct app *app, struct event *ev, void *ud)
{
	(void)ev;
	(void)ud;
	routing_tick(app);
	return EVENT_PASS;
}

static int
on_staff(struct app *app, struct event *ev, void *ud)
{
	(void)ud;
	/* offers held by someone who left go to others */
	if (!ev->flag)
		offers_revoke_held(app, ev->counsellor->jid);
	routing_tick(app);
	return EVENT_PASS;
}

void
routing_init(void)
{
	event_hook(EV_CONV_CLAIM, on_claim, 0, NULL);
	event_hook(EV_CONV_DECLINE, on_decline, 0, NULL);
	event_hook(EV_CONV_TRANSFER, on_transfer, 0, NULL);
	event_hook(EV_CONV_REQUEUE, on_requeue, 0, NULL);
	event_hook(EV_VISITOR_AWAY, on_away, 10, NULL);
	event_hook(EV_CONV_CLOSED, on_closed, 0, NULL);
	event_hook(EV_CONV_READY, on_change, 0, NULL);
	event_hook(EV_QUEUE_CHANGED, on_change, 0, NULL);
	event_hook(EV_STAFF_CHANGED, on_staff, 10, NULL);
}
