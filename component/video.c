/*
 * video.c: proposing, booking, reminding, cancelling video appointments.
 *
 * Proposals live in memory (a restart drops them; the visitor asks again
 * or the counsellor types /visio again); bookings and reminders live in
 * the store.
 */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "app.h"
#include "catalog.h"
#include "conf.h"
#include "form.h"
#include "ical.h"
#include "log.h"
#include "plugin.h"
#include "session.h"
#include "slots.h"
#include "staff.h"
#include "stanza.h"
#include "store.h"
#include "util.h"
#include "video.h"

#define MAX_SLOTS 6		/* times proposed at once */
#define HORIZON_DAYS 7		/* how far ahead */
#define NOTICE_MIN 30		/* a slot is at least this far away */
#define NS_VIDEO_FORM "urn:accueil:video:0"
#define NS_ICAL "urn:accueil:ical:0"

struct proposal {
	char *session;
	char *counsellor;
	struct slot slots[MAX_SLOTS + 1];
	int now[MAX_SLOTS + 1];	/* 1: "now" (start fixed when booked) */
	size_t n;
};

static struct proposal *props;
static size_t nprops;

static struct proposal *
proposal_of(const char *session)
{
	size_t i;

	for (i = 0; i < nprops; i++)
		if (strcmp(props[i].session, session) == 0)
			return &props[i];
	return NULL;
}

static void
proposal_drop(const char *session)
{
	size_t i;

	for (i = 0; i < nprops; i++)
		if (strcmp(props[i].session, session) == 0) {
			free(props[i].session);
			free(props[i].counsellor);
			props[i] = props[--nprops];
			return;
		}
}

void
video_free_all(void)
{
	while (nprops)
		proposal_drop(props[0].session);
	free(props);
	props = NULL;
}

static const char *
clang(const struct conf_counsellor *c)
{
	return c->lang ? c->lang : "fr";
}

static void
notice(struct app *app, const char *from, const struct conf_counsellor *c,
    const char *text)
{
	staff_notice(app, from, c, text);
}

static int
slot_minutes(const struct conf_counsellor *c)
{
	return c->nvideo ? c->video[0].slot : 30;
}

/* The counsellor's booked intervals still to come (caller frees). */
static struct slot *
busy_of(struct app *app, const char *jid, size_t *n)
{
	sqlite3_stmt *st = store_stmt(app->store, "SELECT start, end FROM "
	    "appointments WHERE counsellor = ? AND state = 'booked' AND "
	    "end > ? ORDER BY start");
	struct slot *v = NULL;

	*n = 0;
	if (st == NULL)
		return NULL;
	sqlite3_bind_text(st, 1, jid, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, store_now());
	while (sqlite3_step(st) == SQLITE_ROW) {
		v = xreallocarray(v, *n + 1, sizeof(*v));
		v[*n].start = (time_t)sqlite3_column_int64(st, 0);
		v[*n].end = (time_t)sqlite3_column_int64(st, 1);
		(*n)++;
	}
	sqlite3_reset(st);
	return v;
}

/* Proposes c's free times in session s (replacing an earlier proposal). */
static void
propose(struct app *app, const struct session_info *s,
    const struct conf_counsellor *c, int after_conflict)
{
	const struct conf_office *o = conf_office(app->conf, s->office);
	struct slots_query q = {0};
	struct proposal *p;
	struct slot found[MAX_SLOTS];
	size_t nfound = 0, nbusy, i;
	struct slot *busy;
	struct buf text = {0};
	xmpp_stanza_t *x, *f;
	char line[512], value[32];
	time_t now = (time_t)store_now();
	int free_now, len = slot_minutes(c);

	if (o == NULL)
		return;
	busy = busy_of(app, c->jid, &nbusy);
	q.video = c->video;
	q.nvideo = c->nvideo;
	q.office = o;
	q.now = now;
	q.horizon_days = HORIZON_DAYS;
	q.notice_min = NOTICE_MIN;
	q.busy = busy;
	q.nbusy = nbusy;
	if (c->nvideo && slots_find(&q, found, MAX_SLOTS, &nfound) !=
	    ACCUEIL_OK)
		nfound = 0;
	/* "now" when the counsellor is there and nothing is booked now */
	free_now = staff_is_online(c->jid) && !staff_is_paused(app, c->jid);
	for (i = 0; i < nbusy && free_now; i++)
		if (busy[i].start < now + len * 60 && busy[i].end > now)
			free_now = 0;
	free(busy);

	proposal_drop(s->id);
	props = xreallocarray(props, nprops + 1, sizeof(*props));
	p = &props[nprops++];
	memset(p, 0, sizeof(*p));
	p->session = xstrdup(s->id);
	p->counsellor = xstrdup(c->jid);
	if (free_now) {
		p->slots[p->n].start = now;
		p->slots[p->n].end = now + len * 60;
		p->now[p->n++] = 1;
	}
	for (i = 0; i < nfound; i++)
		p->slots[p->n++] = found[i];

	if (p->n == 0) {
		session_bot_say(app, s->id, catalog_text(s->lang,
		    MSG_VIDEO_NONE));
		proposal_drop(s->id);
		return;
	}
	x = xmpp_stanza_new(app->ctx);
	xmpp_stanza_set_name(x, "x");
	xmpp_stanza_set_ns(x, NS_DATA);
	xmpp_stanza_set_type(x, "form");
	stanza_add_text(x, "title", catalog_text(s->lang,
	    MSG_VIDEO_FORM_TITLE));
	form_add_field(x, "FORM_TYPE", "hidden", NULL, NS_VIDEO_FORM);
	f = form_add_field(x, "slot", "list-single", catalog_text(s->lang,
	    MSG_VIDEO_FORM_TITLE), NULL);
	catalog_format(line, sizeof(line), s->lang, after_conflict ?
	    MSG_VIDEO_TAKEN : MSG_VIDEO_SLOTS, c->name);
	buf_append(&text, line);
	for (i = 0; i < p->n; i++) {
		char *label = p->now[i] ? xstrdup(catalog_text(s->lang,
		    MSG_VIDEO_NOW)) : slots_format(p->slots[i].start,
		    o->timezone, s->lang);

		buf_appendf(&text, "\n%zu. %s", i + 1, label);
		if (p->now[i])
			snprintf(value, sizeof(value), "now");
		else
			snprintf(value, sizeof(value), "%lld",
			    (long long)p->slots[i].start);
		form_add_option(f, label, value);
		free(label);
	}
	session_bot_post(app, s->id, text.s, &x, 1);
	buf_free(&text);
	snprintf(line, sizeof(line), "%zu", p->n);
	{
		char *from = xasprintf("%s@%s", s->id, app->conf->domain);
		char msg[256];

		catalog_format(msg, sizeof(msg), clang(c), MSG_VIDEO_PROPOSED,
		    (int)p->n);
		notice(app, from, c, msg);
		free(from);
	}
	store_event(app->store, s->office, s->id, "video-proposed", line);
}

/* Books option i of the proposal; returns 0, or -1 (slot lost). */
static int
book(struct app *app, const struct session_info *s, struct proposal *p,
    size_t i)
{
	const struct conf_counsellor *c = conf_counsellor_by_jid(app->conf,
	    p->counsellor);
	const struct conf_office *o = conf_office(app->conf, s->office);
	struct accueil_meeting m = {0};
	struct accueil_meeting_links links = {0};
	struct ical_event ev = {0};
	char room[33], when_v[256], *when = NULL, *uid = NULL, *ics = NULL;
	char summary[512], text[4096];
	xmpp_stanza_t *extra[2];
	sqlite3_stmt *st;
	int64_t id;
	int rc;

	if (c == NULL || o == NULL)
		return 0;
	if (p->now[i]) {
		p->slots[i].start = (time_t)store_now();
		p->slots[i].end = p->slots[i].start + slot_minutes(c) * 60;
	}
	if (random_hex(room, 16) < 0)
		return 0;
	m.room = room;
	m.start = p->slots[i].start;
	m.end = p->slots[i].end;
	m.persona = c->name;
	m.visitor = s->name ? s->name : catalog_text(s->lang, MSG_VISITOR);
	m.office = s->office;
	catalog_format(summary, sizeof(summary), s->lang, MSG_VIDEO_SUMMARY,
	    o->name, c->name);
	m.title = summary;
	if ((rc = plugin_make_meeting(&m, &links)) != ACCUEIL_OK) {
		char *from = xasprintf("%s@%s", s->id, app->conf->domain);

		notice(app, from, c, catalog_text(clang(c), rc ==
		    ACCUEIL_ENOTFOUND ? MSG_VIDEO_NO_PROVIDER :
		    MSG_RELAY_FAILED));
		free(from);
		return 0;
	}
	uid = ical_new_uid(app->conf->domain);
	/* the guarded insert: a slot already booked fails here */
	st = store_stmt(app->store, "INSERT INTO appointments (session, "
	    "office, counsellor, persona, visitor, visitor_name, lang, start, "
	    "end, room, visitor_url, counsellor_url, setup_url, uid, created) "
	    "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
	if (st == NULL) {
		plugin_meeting_links_free(&links);
		free(uid);
		return 0;
	}
	sqlite3_bind_text(st, 1, s->id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, s->office, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, c->jid, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 4, c->persona, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 5, s->visitor, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 6, m.visitor, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 7, s->lang, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 8, m.start);
	sqlite3_bind_int64(st, 9, m.end);
	sqlite3_bind_text(st, 10, room, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 11, links.visitor_url, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 12, links.counsellor_url, -1, SQLITE_TRANSIENT);
	if (links.setup_url)
		sqlite3_bind_text(st, 13, links.setup_url, -1,
		    SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, 13);
	sqlite3_bind_text(st, 14, uid, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 15, store_now());
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		log_info("session %s: slot %lld already booked for %s",
		    s->id, (long long)m.start, c->jid);
		plugin_meeting_links_free(&links);
		free(uid);
		return -1;
	}
	id = sqlite3_last_insert_rowid(store_db(app->store));
	store_event(app->store, s->office, s->id, "video-booked", c->jid);
	log_info("session %s: video appointment #%lld booked with %s",
	    s->id, (long long)id, c->jid);
	proposal_drop(s->id);

	/* to the visitor: the link as plain text, OOB, and the event */
	when = slots_format(m.start, o->timezone, s->lang);
	snprintf(when_v, sizeof(when_v), "%s", when ? when : "");
	catalog_format(text, sizeof(text), s->lang, MSG_VIDEO_BOOKED, when_v,
	    c->name, links.visitor_url);
	ev.uid = uid;
	ev.tz = o->timezone;
	ev.start = m.start;
	ev.end = m.end;
	ev.stamp = (time_t)store_now();
	ev.summary = summary;
	ev.url = links.visitor_url;
	ev.organizer = o->name;
	ev.contact = o->contact;
	ev.alarm_min = 15;
	extra[0] = xmpp_stanza_new(app->ctx);
	xmpp_stanza_set_name(extra[0], "x");
	xmpp_stanza_set_ns(extra[0], NS_OOB);
	stanza_add_text(extra[0], "url", links.visitor_url);
	if (ical_make_event(&ev, &ics) == ACCUEIL_OK) {
		xmpp_stanza_t *t = xmpp_stanza_new(app->ctx);

		extra[1] = xmpp_stanza_new(app->ctx);
		xmpp_stanza_set_name(extra[1], "ical");
		xmpp_stanza_set_ns(extra[1], NS_ICAL);
		xmpp_stanza_set_text(t, ics);
		xmpp_stanza_add_child_ex(extra[1], t, 0);
		session_bot_post(app, s->id, text, extra, 2);
	} else
		session_bot_post(app, s->id, text, extra, 1);

	/* to the counsellor */
	{
		char *from = xasprintf("%s@%s", s->id, app->conf->domain);
		char *cw = slots_format(m.start, o->timezone, clang(c));

		if (links.setup_url) {
			catalog_format(text, sizeof(text), clang(c),
			    MSG_VIDEO_SETUP, links.setup_url);
			notice(app, from, c, text);
		}
		catalog_format(text, sizeof(text), clang(c),
		    MSG_VIDEO_COUNSELLOR_BOOKED, (long)id, cw ? cw : "",
		    m.visitor, links.counsellor_url);
		notice(app, from, c, text);
		free(cw);
		free(from);
	}
	free(ics);
	free(when);
	free(uid);
	plugin_meeting_links_free(&links);
	return 0;
}

/* The visitor's pick: "2", "n° 2", or the form's slot value. */
static int
pick_of(const struct proposal *p, xmpp_stanza_t *m, const char *body)
{
	xmpp_stanza_t *x = form_find(m);
	const char *b = body;
	size_t i;
	long n;
	char *end;

	if (x && form_type(x) && strcmp(form_type(x), "submit") == 0) {
		char *v = form_value(x, "slot", 32, NULL);
		int found = -1;

		for (i = 0; v && i < p->n && found < 0; i++)
			if ((p->now[i] && strcmp(v, "now") == 0) ||
			    (!p->now[i] && strtoll(v, NULL, 10) ==
			    (long long)p->slots[i].start))
				found = (int)i;
		free(v);
		if (found >= 0)
			return found;
	}
	while (*b && !isdigit((unsigned char)*b)) {
		if (isalpha((unsigned char)*b) && strncasecmp(b, "n", 1) != 0)
			return -1;	/* words first: not a pick */
		b++;
	}
	n = strtol(b, &end, 10);
	if (end == b || n < 1 || (size_t)n > p->n)
		return -1;
	while (*end && (isspace((unsigned char)*end) || *end == '.' ||
	    *end == ')' || *end == '!'))
		end++;
	return *end ? -1 : (int)(n - 1);
}

static int
has_word(const char *body, const char *const *words)
{
	char *low = xstrdup(body), *p;
	int r = 0;

	for (p = low; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	for (; *words && !r; words++)
		r = strstr(low, *words) != NULL;
	free(low);
	return r;
}

static const char *const ask_words[] = {"visio", "vidéo", "video",
    "videollamada", "videotrucada", "videogespräch", "videoanruf", NULL};
static const char *const cancel_words[] = {"annuler", "cancel", "anul",
    "absagen", NULL};
static const char *const move_words[] = {"déplacer", "deplacer",
    "reschedule", "changer", "cambiar", "canviar", "verschieben", NULL};

/* The session's booked appointment still to come: its id, or 0. */
static int64_t
booked_of_session(struct app *app, const char *session)
{
	sqlite3_stmt *st = store_stmt(app->store, "SELECT id FROM appointments "
	    "WHERE session = ? AND state = 'booked' AND end > ? ORDER BY start "
	    "LIMIT 1");
	int64_t id = 0;

	if (st == NULL)
		return 0;
	sqlite3_bind_text(st, 1, session, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, store_now());
	if (sqlite3_step(st) == SQLITE_ROW)
		id = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return id;
}

struct appt {
	int64_t id;
	char *session, *office, *counsellor, *visitor, *visitor_name, *lang;
	char *visitor_url;
	time_t start;
};

static void
appt_free(struct appt *a)
{
	free(a->session);
	free(a->office);
	free(a->counsellor);
	free(a->visitor);
	free(a->visitor_name);
	free(a->lang);
	free(a->visitor_url);
}

static char *
dup_col(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	return t ? xstrdup((const char *)t) : NULL;
}

static int
load_appt(struct app *app, int64_t id, struct appt *a)
{
	sqlite3_stmt *st = store_stmt(app->store, "SELECT session, office, "
	    "counsellor, visitor, visitor_name, lang, visitor_url, start FROM "
	    "appointments WHERE id = ? AND state = 'booked'");
	int found = 0;

	memset(a, 0, sizeof(*a));
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) == SQLITE_ROW) {
		a->id = id;
		a->session = dup_col(st, 0);
		a->office = dup_col(st, 1);
		a->counsellor = dup_col(st, 2);
		a->visitor = dup_col(st, 3);
		a->visitor_name = dup_col(st, 4);
		a->lang = dup_col(st, 5);
		a->visitor_url = dup_col(st, 6);
		a->start = (time_t)sqlite3_column_int64(st, 7);
		found = 1;
	}
	sqlite3_reset(st);
	return found ? 0 : -1;
}

struct find_session {
	const char *id;
	int open;
};

static void
is_open_cb(struct app *app, const struct session_info *s, void *ud)
{
	struct find_session *f = ud;

	if (strcmp(s->id, f->id) == 0 && s->state == SESSION_ACTIVE)
		f->open = 1;
}

/* Cancels appointment a; both sides are told. */
static void
cancel(struct app *app, struct appt *a)
{
	const struct conf_office *o = conf_office(app->conf, a->office);
	const struct conf_counsellor *c = conf_counsellor_by_jid(app->conf,
	    a->counsellor);
	sqlite3_stmt *st = store_stmt(app->store, "UPDATE appointments SET "
	    "state = 'cancelled', sequence = sequence + 1 WHERE id = ?");
	struct find_session f = {a->session, 0};
	char *when, text[1024];

	if (st) {
		sqlite3_bind_int64(st, 1, a->id);
		sqlite3_step(st);
		sqlite3_reset(st);
	}
	store_event(app->store, a->office, a->session, "video-cancelled",
	    NULL);
	when = slots_format(a->start, o ? o->timezone : "UTC", a->lang);
	catalog_format(text, sizeof(text), a->lang, MSG_VIDEO_CANCELLED,
	    when ? when : "");
	if (a->session)
		session_foreach(SESSION_ACTIVE, is_open_cb, app, &f);
	if (f.open)
		session_bot_say(app, a->session, text);
	else if (a->visitor) {
		char *desk = xasprintf("%s@%s", a->office, app->conf->domain);

		stanza_send(app, stanza_message(app, desk,
		    stanza_bare(a->visitor), "chat", text));
		free(desk);
	}
	free(when);
	if (c) {
		char *from = xasprintf("%s@%s", c->persona, app->conf->domain);
		char *cw = slots_format(a->start, o ? o->timezone : "UTC",
		    clang(c));

		catalog_format(text, sizeof(text), clang(c),
		    MSG_VIDEO_COUNSELLOR_CANCELLED, (long)a->id, cw ? cw : "");
		notice(app, from, c, text);
		free(cw);
		free(from);
	}
}

void
video_appointments_text(struct app *app, const struct conf_counsellor *c,
    struct buf *b)
{
	sqlite3_stmt *st = store_stmt(app->store, "SELECT id, office, start, "
	    "visitor_name, counsellor_url FROM appointments WHERE counsellor "
	    "= ? AND state = 'booked' AND end > ? ORDER BY start");
	size_t before = b->len;

	if (st == NULL)
		return;
	sqlite3_bind_text(st, 1, c->jid, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, store_now());
	while (sqlite3_step(st) == SQLITE_ROW) {
		const struct conf_office *o = conf_office(app->conf,
		    (const char *)sqlite3_column_text(st, 1));
		char *when = slots_format((time_t)sqlite3_column_int64(st, 2),
		    o ? o->timezone : "UTC", clang(c));
		char line[2048];

		catalog_format(line, sizeof(line), clang(c),
		    MSG_VIDEO_LIST_LINE, (long)sqlite3_column_int64(st, 0),
		    when ? when : "", (const char *)sqlite3_column_text(st, 3),
		    (const char *)sqlite3_column_text(st, 4));
		buf_appendf(b, "%s%s", b->len > before ? "\n" : "", line);
		free(when);
	}
	sqlite3_reset(st);
	if (b->len == before)
		buf_append(b, catalog_text(clang(c), MSG_VIDEO_LIST_NONE));
}

static void
list_appointments(struct app *app, const struct conf_counsellor *c,
    const char *from)
{
	struct buf b = {0};

	video_appointments_text(app, c, &b);
	notice(app, from, c, b.s);
	buf_free(&b);
}

int
video_command(struct app *app, const struct session_info *s,
    const struct conf_counsellor *c, enum command cmd, const char *arg,
    const char *from)
{
	struct appt a;
	char text[512];
	long id;

	switch (cmd) {
	case CMD_VIDEO:
		if (s == NULL || s->state != SESSION_ACTIVE || s->counsellor ==
		    NULL || strcasecmp(s->counsellor, c->jid) != 0) {
			notice(app, from, c, catalog_text(clang(c),
			    MSG_VIDEO_NOT_HERE));
			return 1;
		}
		if (plugin_video_name() == NULL) {
			notice(app, from, c, catalog_text(clang(c),
			    MSG_VIDEO_NO_PROVIDER));
			return 1;
		}
		propose(app, s, c, 0);
		return 1;
	case CMD_APPOINTMENTS:
		list_appointments(app, c, from);
		return 1;
	case CMD_CANCEL:
	case CMD_RESCHEDULE:
		while (*arg == '#' || isspace((unsigned char)*arg))
			arg++;
		id = strtol(arg, NULL, 10);
		if (id <= 0 || load_appt(app, id, &a) < 0 ||
		    strcasecmp(a.counsellor, c->jid) != 0) {
			if (id > 0)
				appt_free(&a);
			catalog_format(text, sizeof(text), clang(c),
			    MSG_VIDEO_NOT_FOUND, *arg ? arg : "?");
			notice(app, from, c, text);
			return 1;
		}
		cancel(app, &a);
		if (cmd == CMD_RESCHEDULE && s && s->state == SESSION_ACTIVE &&
		    a.session && strcmp(a.session, s->id) == 0)
			propose(app, s, c, 0);
		appt_free(&a);
		return 1;
	default:
		return 0;
	}
}

int
video_visitor_input(struct app *app, const struct session_info *s,
    xmpp_stanza_t *m, const char *body)
{
	const struct conf_counsellor *c = s->counsellor ?
	    conf_counsellor_by_jid(app->conf, s->counsellor) : NULL;
	struct proposal *p = proposal_of(s->id);
	int64_t booked;
	struct appt a;
	int i;

	if (c == NULL)
		return 0;
	if (p && (i = pick_of(p, m, body)) >= 0) {
		if (book(app, s, p, (size_t)i) < 0)
			propose(app, s, c, 1);	/* lost the race: fresh times */
		return 1;
	}
	if (strlen(body) > 120)
		return 0;
	booked = booked_of_session(app, s->id);
	if (booked && strlen(body) <= 60 && (has_word(body, cancel_words) ||
	    has_word(body, move_words))) {
		int move = has_word(body, move_words);

		if (load_appt(app, booked, &a) == 0) {
			cancel(app, &a);
			appt_free(&a);
		}
		if (move)
			propose(app, s, c, 0);
		return 1;
	}
	if (!booked && p == NULL && has_word(body, ask_words) &&
	    plugin_video_name() != NULL) {
		char *from = xasprintf("%s@%s", s->id, app->conf->domain);

		notice(app, from, c, catalog_text(clang(c),
		    MSG_VIDEO_VISITOR_ASKS));
		free(from);
		propose(app, s, c, 0);
		return 1;
	}
	return 0;
}

/* ---- reminders ----------------------------------------------------------- */

static int
reminded(const char *list, const char *minutes)
{
	char *needle = xasprintf(",%s,", minutes);
	char *hay = xasprintf(",%s", list);
	int r = strstr(hay, needle) != NULL;

	free(needle);
	free(hay);
	return r;
}

int
video_tick(void *ud)
{
	struct app *app = ud;
	sqlite3_stmt *st = store_stmt(app->store, "SELECT id, office, "
	    "counsellor, persona, visitor, visitor_name, lang, start, "
	    "visitor_url, counsellor_url, reminded FROM appointments WHERE "
	    "state = 'booked' AND start > ? ORDER BY start");
	int64_t now = store_now();
	struct {
		int64_t id;
		char *office, *counsellor, *visitor, *name, *lang, *vurl, *curl;
		char *reminded;
		time_t start;
	} *rows = NULL;
	size_t n = 0, i, k;

	if (st == NULL)
		return 1;
	sqlite3_bind_int64(st, 1, now);
	while (sqlite3_step(st) == SQLITE_ROW) {
		rows = xreallocarray(rows, n + 1, sizeof(*rows));
		rows[n].id = sqlite3_column_int64(st, 0);
		rows[n].office = dup_col(st, 1);
		rows[n].counsellor = dup_col(st, 2);
		rows[n].visitor = dup_col(st, 4);
		rows[n].name = dup_col(st, 5);
		rows[n].lang = dup_col(st, 6);
		rows[n].start = (time_t)sqlite3_column_int64(st, 7);
		rows[n].vurl = dup_col(st, 8);
		rows[n].curl = dup_col(st, 9);
		rows[n].reminded = dup_col(st, 10);
		n++;
	}
	sqlite3_reset(st);
	for (i = 0; i < n; i++) {
		const struct conf_office *o = conf_office(app->conf,
		    rows[i].office);
		const struct conf_counsellor *c = conf_counsellor_by_jid(
		    app->conf, rows[i].counsellor);

		for (k = 0; o && c && k < o->reminders.n; k++) {
			const char *mins = o->reminders.v[k];
			long m = strtol(mins, NULL, 10);
			char *list, text[2048], *from, *desk;
			sqlite3_stmt *up;

			if (now < (int64_t)rows[i].start - m * 60 ||
			    reminded(rows[i].reminded, mins))
				continue;
			/* recorded first, so a restart never repeats it */
			list = xasprintf("%s%s,", rows[i].reminded, mins);
			up = store_stmt(app->store, "UPDATE appointments SET "
			    "reminded = ? WHERE id = ?");
			if (up == NULL) {
				free(list);
				continue;
			}
			sqlite3_bind_text(up, 1, list, -1, SQLITE_TRANSIENT);
			sqlite3_bind_int64(up, 2, rows[i].id);
			sqlite3_step(up);
			sqlite3_reset(up);
			free(rows[i].reminded);
			rows[i].reminded = list;
			store_event(app->store, o->id, NULL, "video-reminder",
			    mins);
			from = xasprintf("%s@%s", c->persona, app->conf->domain);
			catalog_format(text, sizeof(text), clang(c),
			    MSG_VIDEO_REMINDER, (long)rows[i].id,
			    (long)((rows[i].start - now + 59) / 60),
			    rows[i].name ? rows[i].name : "-", rows[i].curl);
			notice(app, from, c, text);
			free(from);
			if (rows[i].visitor) {
				/* an anonymous visitor's JID is gone by then:
				 * the server drops it */
				desk = xasprintf("%s@%s", o->id,
				    app->conf->domain);
				catalog_format(text, sizeof(text),
				    rows[i].lang, MSG_VIDEO_VISITOR_REMINDER,
				    (long)((rows[i].start - now + 59) / 60),
				    c->name, rows[i].vurl);
				stanza_send(app, stanza_message(app, desk,
				    stanza_bare(rows[i].visitor), "chat",
				    text));
				free(desk);
			}
			log_info("appointment #%lld: reminder %s min before",
			    (long long)rows[i].id, mins);
		}
	}
	for (i = 0; i < n; i++) {
		free(rows[i].office);
		free(rows[i].counsellor);
		free(rows[i].visitor);
		free(rows[i].name);
		free(rows[i].lang);
		free(rows[i].vurl);
		free(rows[i].curl);
		free(rows[i].reminded);
	}
	free(rows);
	return 1;
}
