/*
 * routing.c: the queue engine.
 *
 * The store keeps what must survive a restart (sessions, offers, alerts);
 * this file keeps per session only what can be recomputed: when the first
 * offer went out (to time the waves), and what the visitor was last told.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "app.h"
#include "catalog.h"
#include "conf.h"
#include "console.h"
#include "link.h"
#include "log.h"
#include "office.h"
#include "plugin.h"
#include "routing.h"
#include "session.h"
#include "staff.h"
#include "stanza.h"
#include "store.h"
#include "util.h"

#define TRANSFER_WAVES 3	/* offer timeouts a transfer may take */
#define DEFAULT_TAKE 60		/* seconds to take, before any history */

struct rstate {
	char *id;
	int64_t first_offer;	/* 0: no offer yet */
	int told_pos;
	long told_wait_min;
	int seen;		/* still waiting at the last tick */
};

static struct rstate *rs;
static size_t nrs;

static struct rstate *
rstate(const char *id)
{
	size_t i;

	for (i = 0; i < nrs; i++)
		if (strcmp(rs[i].id, id) == 0)
			return &rs[i];
	rs = xreallocarray(rs, nrs + 1, sizeof(*rs));
	memset(&rs[nrs], 0, sizeof(*rs));
	rs[nrs].id = xstrdup(id);
	return &rs[nrs++];
}

static void
rstate_drop(const char *id)
{
	size_t i;

	for (i = 0; i < nrs; i++)
		if (strcmp(rs[i].id, id) == 0) {
			free(rs[i].id);
			rs[i] = rs[--nrs];
			return;
		}
}

/* ---- store look-ups ----------------------------------------------------- */

static int
count_int(struct app *app, sqlite3_stmt *st)
{
	int n = 0;

	if (st && sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int(st, 0);
	if (st)
		sqlite3_reset(st);
	return n;
}

static int
held_offers(struct app *app, const char *jid)
{
	sqlite3_stmt *st = store_stmt(app->store, "SELECT count(*) FROM offers "
	    "WHERE counsellor = ? AND state = 'open'");

	if (st)
		sqlite3_bind_text(st, 1, jid, -1, SQLITE_TRANSIENT);
	return count_int(app, st);
}

static int
open_offers(struct app *app, const char *id)
{
	sqlite3_stmt *st = store_stmt(app->store, "SELECT count(*) FROM offers "
	    "WHERE session = ? AND state = 'open'");

	if (st)
		sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
	return count_int(app, st);
}

static int
all_offers(struct app *app, const char *id)
{
	sqlite3_stmt *st = store_stmt(app->store, "SELECT count(*) FROM offers "
	    "WHERE session = ?");

	if (st)
		sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
	return count_int(app, st);
}

static int
was_offered(struct app *app, const char *id, const char *jid)
{
	sqlite3_stmt *st = store_stmt(app->store, "SELECT count(*) FROM offers "
	    "WHERE session = ? AND counsellor = ?");

	if (st) {
		sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 2, jid, -1, SQLITE_TRANSIENT);
	}
	return count_int(app, st) > 0;
}

static int
offer_open_for(struct app *app, const char *id, const char *jid)
{
	sqlite3_stmt *st = store_stmt(app->store, "SELECT count(*) FROM offers "
	    "WHERE session = ? AND counsellor = ? AND state = 'open'");

	if (st) {
		sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 2, jid, -1, SQLITE_TRANSIENT);
	}
	return count_int(app, st) > 0;
}

/* Mean seconds from arrival to take over the office's last 20 takes. */
static long
mean_take(struct app *app, const char *office)
{
	sqlite3_stmt *st = store_stmt(app->store, "SELECT avg(taken - created) "
	    "FROM (SELECT taken, created FROM sessions WHERE office = ? AND "
	    "taken IS NOT NULL ORDER BY taken DESC LIMIT 20)");
	long m = DEFAULT_TAKE;

	if (st == NULL)
		return m;
	sqlite3_bind_text(st, 1, office, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(st) == SQLITE_ROW &&
	    sqlite3_column_type(st, 0) != SQLITE_NULL)
		m = (long)sqlite3_column_double(st, 0);
	sqlite3_reset(st);
	return m < 10 ? 10 : m;
}

/* ---- who can take what -------------------------------------------------- */

static int
eligible(struct app *app, const struct conf_counsellor *c, const char *office)
{
	return strlist_has(&c->offices, office) && staff_is_online(c->jid) &&
	    !staff_is_paused(app, c->jid) &&
	    session_count_active(c->jid) + held_offers(app, c->jid) <
	    c->max_chats;
}

/*
 * Fills cands with the counsellors who could be offered session s now,
 * speaking one of langs, not yet offered it, ordered by the office's
 * routing plugin. Returns how many; *wave is how many one wave adds.
 */
static size_t
candidates(struct app *app, const struct session_info *s,
    const struct conf_office *o, const struct strlist *langs,
    const char *only, const char *except, struct accueil_candidate *out,
    int *wave)
{
	size_t i, k, n = 0;

	for (i = 0; i < app->conf->ncounsellors; i++) {
		const struct conf_counsellor *c = &app->conf->counsellors[i];
		int speaks = 0;

		if (only && strcmp(c->persona, only) != 0)
			continue;
		if (except && strcasecmp(c->jid, except) == 0)
			continue;
		for (k = 0; k < langs->n; k++)
			if (strlist_has(&c->languages, langs->v[k]))
				speaks = 1;
		if (!speaks || !eligible(app, c, o->id) ||
		    was_offered(app, s->id, c->jid))
			continue;
		out[n].jid = c->jid;
		out[n].load = session_count_active(c->jid) +
		    held_offers(app, c->jid);
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

/* ---- offers ----------------------------------------------------------------- */

static void
send_offer(struct app *app, const struct session_info *s,
    const struct conf_counsellor *c)
{
	const struct conf_office *o = conf_office(app->conf, s->office);
	const char *lang = c->lang ? c->lang : "fr";
	char *from = xasprintf("%s@%s", s->id, app->conf->domain);
	size_t size = 4096 + (s->question ? strlen(s->question) : 0);
	char *text = xcalloc(1, size), *nick;
	xmpp_stanza_t *m, *n, *t;

	catalog_format(text, size, lang, s->transfer_to ? MSG_TRANSFER_OFFER :
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
	if (conf_office(app->conf, s->office))
		plugin_routing_offered(conf_office(app->conf, s->office)->routing,
		    s->office, c->jid);
	log_info("session %s: offered to %s", s->id, c->jid);
	return 1;
}

/* Revokes open offers of session id except keep; tells them why. */
static void
revoke(struct app *app, const char *id, const char *keep, enum msg why,
    const char *arg)
{
	sqlite3_stmt *st = store_stmt(app->store, "SELECT counsellor FROM "
	    "offers WHERE session = ? AND state = 'open'");
	sqlite3_stmt *up;
	struct strlist jids = {0};
	size_t i;

	if (st == NULL)
		return;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
	while (sqlite3_step(st) == SQLITE_ROW)
		strlist_add(&jids, (const char *)sqlite3_column_text(st, 0));
	sqlite3_reset(st);
	for (i = 0; i < jids.n; i++) {
		const struct conf_counsellor *c =
		    conf_counsellor_by_jid(app->conf, jids.v[i]);
		char text[512];

		if (c == NULL || (keep && strcasecmp(keep, c->jid) == 0))
			continue;
		catalog_format(text, sizeof(text), c->lang ? c->lang : "fr",
		    why, arg ? arg : "");
		session_notice(app, id, c, text);
	}
	strlist_free(&jids);
	up = store_stmt(app->store, "UPDATE offers SET state = CASE WHEN "
	    "counsellor = ?2 THEN 'taken' ELSE 'revoked' END WHERE session = ?1 "
	    "AND state = 'open'");
	if (up == NULL)
		return;
	sqlite3_bind_text(up, 1, id, -1, SQLITE_TRANSIENT);
	if (keep)
		sqlite3_bind_text(up, 2, keep, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(up, 2);
	sqlite3_step(up);
	sqlite3_reset(up);
}

/* Offers s to what its wave allows; returns offers sent now. */
static int
widen(struct app *app, const struct session_info *s,
    const struct conf_office *o, int64_t now)
{
	struct rstate *r = rstate(s->id);
	struct accueil_candidate *cands = xcalloc(app->conf->ncounsellors + 1,
	    sizeof(*cands));
	struct strlist langs = {0};
	int wave, target, have, sent = 0, per_wave;
	long timeout = o->offer_timeout;
	const char *only = NULL;
	size_t n, i;

	if (r->first_offer == 0 && all_offers(app, s->id) > 0)
		r->first_offer = now;	/* offers from before a restart */
	wave = r->first_offer ? 1 + (int)((now - r->first_offer) / timeout) : 1;
	have = all_offers(app, s->id);

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
	n = candidates(app, s, o, &langs, only, s->transfer_from, cands,
	    &per_wave);
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
		    &per_wave) : 0;
	}
	target = per_wave * wave;
	if (have >= target && open_offers(app, s->id) > 0)
		goto out;
	if (have >= target)
		target = have + per_wave;	/* all declined: next ones */
	for (i = 0; i < n && have < target; i++)
		if (offer_one(app, s, conf_counsellor_by_jid(app->conf,
		    cands[i].jid))) {
			have++;
			sent++;
		}
	if (sent && r->first_offer == 0)
		r->first_offer = now;
out:
	strlist_free(&langs);
	free(cands);
	return sent;
}

static void
alert_supervisors(struct app *app, const struct session_info *s,
    const struct conf_office *o, int64_t now)
{
	char *from = xasprintf("%s@%s", o->id, app->conf->domain);
	char text[2048];
	size_t i;

	for (i = 0; i < o->nsupervisors; i++) {
		catalog_format(text, sizeof(text), app->conf->lang, MSG_ALERT,
		    o->name, (long)(now - s->created), s->lang,
		    s->question ? s->question : "");
		stanza_send(app, stanza_message(app, from,
		    o->supervisors[i].jid, "chat", text));
	}
	free(from);
	store_event(app->store, o->id, s->id, "alert", NULL);
	session_mark_alerted(app, s->id);
	log_info("session %s: nobody took it in %ld s, supervisors alerted",
	    s->id, (long)(now - s->created));
}

/* ---- the tick -------------------------------------------------------------- */

struct item {
	char *id, *office, *lang, *transfer_to, *transfer_from, *question;
	char *name, *page;
	int64_t created, seq;
	int alerted;
	enum session_state state;
};

struct queue {
	struct item *v;
	size_t n;
};

static void
collect(struct app *app, const struct session_info *s, void *ud)
{
	struct queue *q = ud;
	struct item *it;

	if (s->state != SESSION_WAITING &&
	    !(s->state == SESSION_ACTIVE && s->transfer_to))
		return;
	if (!s->ready)
		return;	/* its room is still being set up */
	q->v = xreallocarray(q->v, q->n + 1, sizeof(*q->v));
	it = &q->v[q->n++];
	it->id = xstrdup(s->id);
	it->office = xstrdup(s->office);
	it->lang = xstrdup(s->lang);
	it->transfer_to = xstrdup(s->transfer_to);
	it->transfer_from = xstrdup(s->transfer_from);
	it->question = xstrdup(s->question);
	it->name = xstrdup(s->name);
	it->page = xstrdup(s->page);
	it->created = s->created;
	it->seq = s->seq;
	it->alerted = s->alerted;
	it->state = s->state;
}

/* Transfers first, then arrival order. */
static int
by_priority(const void *a, const void *b)
{
	const struct item *x = a, *y = b;
	int px = x->transfer_to != NULL, py = y->transfer_to != NULL;

	if (px != py)
		return py - px;
	if (x->created != y->created)
		return x->created < y->created ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static void
info_from(const struct item *it, struct session_info *si)
{
	memset(si, 0, sizeof(*si));
	si->id = it->id;
	si->office = it->office;
	si->lang = it->lang;
	si->name = it->name;
	si->page = it->page;
	si->question = it->question;
	si->transfer_to = it->transfer_to;
	si->transfer_from = it->transfer_from;
	si->created = it->created;
	si->seq = it->seq;
	si->alerted = it->alerted;
	si->state = it->state;
}

static int
route_one(struct app *app, const struct item *it, int position, int64_t now)
{
	const struct conf_office *o = conf_office(app->conf, it->office);
	struct rstate *r;
	struct session_info si;
	struct desk_status ds;
	long wait, mins;

	if (o == NULL)
		return 0;
	info_from(it, &si);
	r = rstate(it->id);
	r->seen = 1;
	if (it->transfer_to) {
		if (r->first_offer && now - r->first_offer >
		    (int64_t)o->offer_timeout * TRANSFER_WAVES) {
			revoke(app, it->id, NULL, MSG_OFFER_WITHDRAWN, NULL);
			session_transfer_failed(app, it->id);
			rstate_drop(it->id);
			return 0;
		}
		widen(app, &si, o, now);
		return 0;
	}
	if (!office_is_open(o, now)) {
		revoke(app, it->id, NULL, MSG_OFFER_WITHDRAWN, NULL);
		session_go_offline(app, it->id, "closed");
		rstate_drop(it->id);
		return 1;
	}
	if (now - it->created >= o->max_wait) {
		revoke(app, it->id, NULL, MSG_OFFER_WITHDRAWN, NULL);
		session_go_offline(app, it->id, "no-answer");
		rstate_drop(it->id);
		return 1;
	}
	if (!it->alerted && o->nsupervisors &&
	    now - it->created >= o->alert_delay)
		alert_supervisors(app, &si, o, now);
	widen(app, &si, o, now);

	/* what the visitor is told: position and expected wait */
	routing_desk_status(app, o->id, &ds);
	wait = (long)position * mean_take(app, o->id) /
	    (ds.available > 0 ? ds.available : 1);
	mins = (wait + 59) / 60;
	if (position != r->told_pos || mins != r->told_wait_min) {
		/*
		 * First in line with someone free: the greeting already said
		 * a counsellor is coming; otherwise the visitor hears where
		 * they stand.
		 */
		if ((r->told_pos == 0 && (position > 1 ||
		    ds.available == 0)) ||
		    (r->told_pos != 0 && position < r->told_pos) ||
		    mins > r->told_wait_min + 1 || mins + 1 < r->told_wait_min)
			session_queue_notice(app, it->id, position, wait);
		r->told_pos = position;
		r->told_wait_min = mins;
	}
	return 0;
}

int
routing_tick(void *ud)
{
	struct app *app = ud;
	struct queue q = {0};
	int64_t now = store_now();
	size_t i, k;

	if (!link_is_up(app->link))
		return 1;
	session_foreach(-1, collect, app, &q);
	if (q.n > 1)
		qsort(q.v, q.n, sizeof(*q.v), by_priority);
	for (i = 0; i < nrs; i++)
		rs[i].seen = 0;
	for (i = 0; i < q.n; i++) {
		int position = 1;

		/* position among the same office and language */
		for (k = 0; k < i; k++)
			if (!q.v[k].transfer_to && !q.v[i].transfer_to &&
			    strcmp(q.v[k].office, q.v[i].office) == 0 &&
			    strcmp(q.v[k].lang, q.v[i].lang) == 0)
				position++;
		route_one(app, &q.v[i], position, now);
	}
	for (i = 0; i < nrs;)
		if (!rs[i].seen)
			rstate_drop(rs[i].id);
		else
			i++;
	for (i = 0; i < q.n; i++) {
		free(q.v[i].id);
		free(q.v[i].office);
		free(q.v[i].lang);
		free(q.v[i].transfer_to);
		free(q.v[i].transfer_from);
		free(q.v[i].question);
		free(q.v[i].name);
		free(q.v[i].page);
	}
	free(q.v);
	return 1;
}

void
routing_session_ready(struct app *app, const struct session_info *s)
{
	(void)s;
	routing_tick(app);
}

enum take_result
routing_take(struct app *app, const struct session_info *s,
    const struct conf_counsellor *c, const char **holder)
{
	sqlite3_stmt *st;
	const struct conf_counsellor *h;
	char *who = NULL;
	int transfer = s->transfer_to != NULL;

	*holder = NULL;
	if (!offer_open_for(app, s->id, c->jid)) {
		if (!was_offered(app, s->id, c->jid))
			return TAKE_NOT_OFFERED;
		goto lost;
	}
	if (transfer)
		st = store_stmt(app->store, "UPDATE sessions SET counsellor = "
		    "?, persona = ?, taken = ?, transfer_to = NULL, "
		    "transfer_from = counsellor WHERE id = ? AND state = "
		    "'active' AND transfer_to IS NOT NULL");
	else
		st = store_stmt(app->store, "UPDATE sessions SET state = "
		    "'active', counsellor = ?, persona = ?, taken = ? WHERE "
		    "id = ? AND state = 'waiting'");
	if (st == NULL)
		return TAKE_LOST;
	sqlite3_bind_text(st, 1, c->jid, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, c->persona, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 3, store_now());
	sqlite3_bind_text(st, 4, s->id, -1, SQLITE_TRANSIENT);
	sqlite3_step(st);
	sqlite3_reset(st);
	if (sqlite3_changes(store_db(app->store)) == 1) {
		store_event(app->store, s->office, s->id, transfer ?
		    "transferred" : "taken", c->jid);
		log_info("session %s: %s by %s", s->id, transfer ?
		    "transferred to" : "taken", c->jid);
		revoke(app, s->id, c->jid, MSG_TAKEN_BY_OTHER, c->name);
		rstate_drop(s->id);
		staff_note_taken(c->jid);
		session_taken(app, s->id, c);
		return TAKE_WON;
	}
lost:
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

int
routing_decline(struct app *app, const char *id,
    const struct conf_counsellor *c)
{
	sqlite3_stmt *st = store_stmt(app->store, "UPDATE offers SET state = "
	    "'declined' WHERE session = ? AND counsellor = ? AND state = "
	    "'open'");

	if (st == NULL)
		return 0;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, c->jid, -1, SQLITE_TRANSIENT);
	sqlite3_step(st);
	sqlite3_reset(st);
	if (sqlite3_changes(store_db(app->store)) == 0)
		return 0;
	store_event(app->store, NULL, id, "declined", c->jid);
	routing_tick(app);
	return 1;
}

void
routing_session_closed(struct app *app, const char *id)
{
	revoke(app, id, NULL, MSG_OFFER_WITHDRAWN, NULL);
	rstate_drop(id);
}

struct deskcount {
	const char *office;
	int queue;
};

static void
count_waiting(struct app *app, const struct session_info *s, void *ud)
{
	struct deskcount *d = ud;

	if (strcmp(s->office, d->office) == 0 && s->state == SESSION_WAITING)
		d->queue++;
}

void
routing_desk_status(struct app *app, const char *office,
    struct desk_status *ds)
{
	const struct conf_office *o = conf_office(app->conf, office);
	struct deskcount d = {office, 0};
	size_t i;

	memset(ds, 0, sizeof(*ds));
	if (o == NULL)
		return;
	ds->open = office_is_open(o, store_now());
	for (i = 0; i < app->conf->ncounsellors; i++) {
		const struct conf_counsellor *c = &app->conf->counsellors[i];

		if (strlist_has(&c->offices, office) &&
		    staff_is_online(c->jid) && !staff_is_paused(app, c->jid) &&
		    session_count_active(c->jid) < c->max_chats)
			ds->available++;
	}
	session_foreach(SESSION_WAITING, count_waiting, app, &d);
	ds->queue = d.queue;
	ds->wait = (long)(ds->queue + 1) * mean_take(app, office) /
	    (ds->available > 0 ? ds->available : 1);
	if (ds->available > 0 && ds->queue == 0)
		ds->wait = 0;
}

static void
on_staff_change(struct app *app, const struct conf_counsellor *c, int online)
{
	if (!online) {
		/* offers held by someone who left go to others */
		sqlite3_stmt *st = store_stmt(app->store, "UPDATE offers SET "
		    "state = 'revoked' WHERE counsellor = ? AND state = "
		    "'open'");

		if (st) {
			sqlite3_bind_text(st, 1, c->jid, -1, SQLITE_TRANSIENT);
			sqlite3_step(st);
			sqlite3_reset(st);
		}
	}
	routing_tick(app);
	office_refresh(app);
	if (online)
		console_on_available(app, c);
}

void
routing_init(void)
{
	staff_set_listener(on_staff_change);
}
