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
 * Decisions happen on events (an arrival, a take, an end, a decline, a
 * transfer, a counsellor's availability): dispatch() walks the queues
 * (queues.c) oldest visitor first and picks from the pools of able
 * counsellors (cindex.c) in O(log n) per offer, without SQL; it stops
 * a queue as soon as nobody can take its next visitor. The tick only
 * fires what time decides: wider waves, alerts, the offline switch.
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
#include "candidates.h"
#include "catalog.h"
#include "cindex.h"
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
#include "queues.h"
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



/* Forgets cv's timing and what it was told (it stays in its queue). */
static void
rstate_drop(struct conv *cv)
{
	struct rstate *r = cv->routing;

	if (r == NULL)
		return;
	r->first_offer = 0;
	r->wave_done = 0;
	r->told_pos = 0;
	r->told_wait_min = 0;
}

/* Forgets every offer of cv and its timing: its next round starts afresh. */
static void
forget_offers(struct app *app, struct conv *cv)
{
	offers_forget(app, cv->id);
	rstate_drop(cv);
}

/*
 * Offers s to what its wave allows; returns offers sent now, and in
 * *found whether anyone at all could have been offered it (0: nobody,
 * so nobody behind it in its queue either).
 */
static int
widen(struct app *app, struct conv *s, const struct conf_office *o,
    const struct conf_office *handover, int64_t now, int *found)
{
	struct rstate *r = queues_state(s);
	struct accueil_candidate *cands = NULL;
	struct strlist langs = {0};
	int wave, target, have, sent = 0, per_wave, n = -1;
	long timeout = o->offer_timeout;
	const char *only = NULL;
	size_t i;

	*found = 1;
	have = offers_all(app, s->id);
	if (r->first_offer == 0 && have > 0)
		r->first_offer = now;	/* offers from before a restart */
	wave = r->first_offer ? 1 + (int)((now - r->first_offer) / timeout) : 1;
	r->wave_done = wave;
	/* the common case: the office's own speakers, from the index */
	if (!s->transfer_to && handover == NULL) {
		per_wave = plugin_routing_order(o->routing, o->id,
		    o->offer_size, NULL, 0);
		if (per_wave < 1)
			per_wave = o->offer_size;
		target = per_wave * wave;
		if (have >= target && offers_open(app, s->id) > 0)
			return 0;
		if (have >= target)
			target = have + per_wave;	/* all declined */
		cands = xcalloc((size_t)(target - have) + 1, sizeof(*cands));
		n = cand_pick(app, s, o, cands, target - have);
		if (n == 0 && cidx_able_total() == 0) {
			*found = 0;	/* nobody anywhere: no scan */
			goto out;
		}
		if (n <= 0) {
			free(cands);
			cands = NULL;
			n = -1;
		}
	}
	if (n < 0) {
		size_t m;

		cands = xcalloc(app->conf->ncounsellors + 1, sizeof(*cands));
		if (s->transfer_to) {
			const struct conf_counsellor *to =
			    conf_counsellor_by_persona(app->conf,
			    s->transfer_to);

			if (to) {
				/* a named colleague, in any language */
				only = to->persona;
				for (i = 0; i < to->languages.n; i++)
					strlist_add(&langs, to->languages.v[i]);
			} else
				strlist_add(&langs, s->transfer_to);
		} else
			strlist_add(&langs, s->lang);
		m = cand_gather(app, s, o, &langs, only, s->transfer_from,
		    cands, &per_wave, handover ? CAND_HANDOVER : CAND_OFFICE,
		    handover);
		/*
		 * Nobody here speaks it (or, after the first wave, nobody
		 * left): pooled colleagues of the territory, then the
		 * office's fallback languages.
		 */
		if (m == 0 && !s->transfer_to && (wave > 1 || have == 0))
			m = cand_gather(app, s, o, &langs, NULL, NULL, cands,
			    &per_wave, CAND_POOLED, NULL);
		if (m == 0 && !s->transfer_to && (wave > 1 || have == 0)) {
			strlist_free(&langs);
			for (i = 0; i < o->fallback_langs.n; i++)
				if (strcmp(o->fallback_langs.v[i],
				    s->lang) != 0)
					strlist_add(&langs,
					    o->fallback_langs.v[i]);
			m = langs.n ? cand_gather(app, s, o, &langs, NULL,
			    NULL, cands, &per_wave, handover ? CAND_HANDOVER :
			    CAND_OFFICE, handover) : 0;
		}
		if (m == 0 && (wave > 1 || have == 0 || s->transfer_to))
			*found = 0;
		n = (int)m;
		target = per_wave * wave;
		if (have >= target && offers_open(app, s->id) > 0)
			goto out;
		if (have >= target)
			target = have + per_wave;	/* all declined */
	}
	for (i = 0; i < (size_t)n && have < target; i++) {
		const struct conf_counsellor *k = conf_counsellor_by_jid(
		    app->conf, cands[i].jid);
		struct event ev;

		if (offers_make(app, s, k)) {
			have++;
			sent++;
			cand_offered(o, k);
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

/* ---- decisions ------------------------------------------------------- */

/*
 * Offers what can be offered now. Transfers first, then the queues
 * merged oldest visitor first (a counsellor who speaks two languages
 * gets the one who waited longest); a queue leaves the walk as soon as
 * nobody can take its next visitor, so with everyone busy a decision
 * costs O(queues), whatever the length of the queues.
 */
static void
dispatch(struct app *app, int64_t now)
{
	struct queue **qs;
	size_t nq, i, nt, *at;
	struct conv **tr;
	int found;

	cand_sync(app, 0);
	tr = queues_transfers(&nt);
	for (i = 0; i < nt; i++)
		if (!tr[i]->closed && tr[i]->transfer_to) {
			const struct conf_office *o = conf_office(app->conf,
			    tr[i]->office);

			if (o) {
				cand_sync(app, 0);
				widen(app, tr[i], o, NULL, now, &found);
			}
		}
	free(tr);
	qs = queues_all(&nq);
	at = xcalloc(nq + 1, sizeof(*at));
	for (;;) {
		struct conv *best = NULL, *cv;
		const struct conf_office *o, *handover;
		size_t bi = 0;

		if (cidx_able_total() == 0)
			break;	/* nobody able anywhere: nothing to decide */
		for (i = 0; i < nq; i++) {
			if (at[i] == SIZE_MAX ||
			    (cv = queue_at(qs[i], at[i])) == NULL)
				continue;
			if (best == NULL || cv->created < best->created ||
			    (cv->created == best->created &&
			    cv->seq < best->seq)) {
				best = cv;
				bi = i;
			}
		}
		if (best == NULL)
			break;
		o = conf_office(app->conf, best->office);
		if (o == NULL) {
			at[bi] = SIZE_MAX;
			continue;
		}
		handover = office_is_open(o, now) ? NULL :
		    territory_handover(app->conf, o, now);
		found = 0;
		if (office_is_open(o, now) || handover) {
			cand_sync(app, 0);
			widen(app, best, o, handover, now, &found);
		}
		if (!found)
			at[bi] = SIZE_MAX;	/* nobody for the ones behind */
		else if (best->routing && ((struct rstate *)
		    best->routing)->q == qs[bi])
			at[bi] = queue_rank(best) + 1;
		/* else it left the queue: the next one took its place */
	}
	free(at);
}

/*
 * What time decides for cv: a transfer nobody took, the office closed
 * or the wait too long (offline), the supervisors' alert, a new wave.
 */
static void
timeouts(struct app *app, struct conv *cv, int64_t now)
{
	const struct conf_office *o = conf_office(app->conf, cv->office);
	const struct conf_office *handover;
	struct rstate *r;
	int found, wave;

	if (o == NULL)
		return;
	r = queues_state(cv);
	wave = r->first_offer ? 1 + (int)((now - r->first_offer) /
	    o->offer_timeout) : 1;
	if (cv->transfer_to) {
		if (r->first_offer && now - r->first_offer >
		    (int64_t)o->offer_timeout * TRANSFER_WAVES) {
			offers_revoke(app, cv, NULL, MSG_OFFER_WITHDRAWN, NULL);
			rstate_drop(cv);
			conv_transfer_failed(app, cv);
		} else if (wave > r->wave_done)
			widen(app, cv, o, NULL, now, &found);
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
	if (wave > r->wave_done && r->first_offer) {
		cand_sync(app, 0);
		widen(app, cv, o, handover, now, &found);
	}
}

static int in_pass, pass_again;

/* Runs fn once, and again if an event asked for a pass meanwhile. */
static void
guarded(struct app *app, void (*fn)(struct app *, int64_t))
{
	if (!link_is_up(app->link))
		return;
	if (in_pass) {
		pass_again = 1;
		return;
	}
	in_pass = 1;
	do {
		pass_again = 0;
		fn(app, store_now());
	} while (pass_again);
	in_pass = 0;
}

static void
decide(struct app *app)
{
	guarded(app, dispatch);
}

/* The tick's work: every conversation's clocks, then a dispatch. */
static void
tick(struct app *app, int64_t now)
{
	struct conv **all;
	size_t n, i;

	/* a full re-read of the index, in case a change was not seen */
	cand_sync(app, 1);
	all = registry_list(&n);
	for (i = 0; i < n; i++)
		queues_place(all[i]);
	for (i = 0; i < n; i++) {
		struct rstate *r = all[i]->routing;

		if (!all[i]->closed && r && r->node)
			timeouts(app, all[i], now);
	}
	free(all);
	queues_touch_all();	/* the expected waits may have changed */
	dispatch(app, now);
}

int
routing_tick(void *ud)
{
	guarded(ud, tick);
	return 1;
}

int
routing_second(void *ud)
{
	struct app *app = ud;

	if (link_is_up(app->link))
		queues_tell(app);
	return 1;
}

void
routing_free_all(void)
{
	struct conv **all;
	size_t n, i;

	all = registry_list(&n);
	for (i = 0; i < n; i++)
		queues_drop(all[i]);
	free(all);
	queues_free_all();
	cand_free_all();
	offers_free_all();
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
		decide(app);	/* the others' offers freed them */
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
		decide(app);
	return EVENT_HANDLED;
}

static int
on_transfer(struct app *app, struct event *ev, void *ud)
{
	(void)ud;
	/* a new round of offers for this conversation */
	forget_offers(app, ev->conv);
	decide(app);
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
	offers_drop(ev->conv->id);
	queues_drop(ev->conv);
	decide(app);	/* its counsellor may take the next one at once */
	return EVENT_PASS;
}

static int
on_change(struct app *app, struct event *ev, void *ud)
{
	(void)ev;
	(void)ud;
	decide(app);
	return EVENT_PASS;
}

static int
on_staff(struct app *app, struct event *ev, void *ud)
{
	(void)ud;
	/* offers held by someone who left go to others */
	if (!ev->flag)
		offers_revoke_held(app, ev->counsellor->jid);
	cidx_touch(ev->counsellor->jid);
	queues_touch_all();	/* the expected waits change */
	decide(app);
	return EVENT_PASS;
}

void
routing_init(void)
{
	registry_watch(queues_place);
	event_hook(EV_CONV_CLAIM, on_claim, 0, NULL);
	event_hook(EV_CONV_DECLINE, on_decline, 0, NULL);
	event_hook(EV_CONV_TRANSFER, on_transfer, 0, NULL);
	event_hook(EV_CONV_REQUEUE, on_requeue, 0, NULL);
	event_hook(EV_VISITOR_AWAY, on_away, 10, NULL);
	event_hook(EV_CONV_CLOSED, on_closed, 0, NULL);
	event_hook(EV_CONV_READY, on_change, 0, NULL);
	event_hook(EV_CONV_ENDED, on_change, 0, NULL);
	event_hook(EV_QUEUE_CHANGED, on_change, 0, NULL);
	event_hook(EV_STAFF_CHANGED, on_staff, 10, NULL);
}
