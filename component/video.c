/*
 * video.c: video appointments in the chat.
 *
 * Proposes a counsellor's free slots to the visitor (list and form),
 * reads the visitor's pick and books it (meeting links from the video
 * provider, an iCalendar event with them), and answers the counsellors'
 * video commands and the visitor's cancel or reschedule. Proposals live
 * in memory (a restart drops them; the visitor asks again or the
 * counsellor types /visio again); the appointments themselves, their
 * cancelling and their reminders are appointments.c's.
 */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "app.h"
#include "appointments.h"
#include "catalog.h"
#include "conf.h"
#include "form.h"
#include "ical.h"
#include "log.h"
#include "plugin.h"
#include "event.h"
#include "registry.h"
#include "relay.h"
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

/* Proposes c's free times in session s (replacing an earlier proposal). */
static void
propose(struct app *app, struct conv *s,
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
	busy = appointments_busy(app, c->jid, &nbusy);
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
		relay_bot_say(app, s, catalog_text(s->lang,
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
	relay_bot_post(app, s, text.s, &x, 1);
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
book(struct app *app, struct conv *s, struct proposal *p,
    size_t i)
{
	const struct conf_counsellor *c = conf_counsellor_by_jid(app->conf,
	    p->counsellor);
	const struct conf_office *o = conf_office(app->conf, s->office);
	struct accueil_meeting m = {0};
	struct accueil_meeting_links links = {0};
	struct ical_event ev = {0};
	struct appt_booking b = {0};
	char room[33], *when = NULL, *uid = NULL, *ics = NULL;
	char summary[512], *text;
	xmpp_stanza_t *extra[2];
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
	b.session = s->id;
	b.office = s->office;
	b.counsellor = c->jid;
	b.persona = c->persona;
	b.visitor = s->visitor;
	b.visitor_name = m.visitor;
	b.lang = s->lang;
	b.room = room;
	b.visitor_url = links.visitor_url;
	b.counsellor_url = links.counsellor_url;
	b.setup_url = links.setup_url;
	b.uid = uid;
	b.start = m.start;
	b.end = m.end;
	/* the guarded insert: a slot already booked fails here */
	if ((rc = appt_insert(app, &b, &id)) != ACCUEIL_OK) {
		plugin_meeting_links_free(&links);
		free(uid);
		return rc == ACCUEIL_ECONFLICT ? -1 : 0;
	}
	store_event(app->store, s->office, s->id, "video-booked", c->jid);
	{
		struct event booked;

		event_prepare(&booked, EV_VIDEO_BOOKED, s, c);
		booked.rowid = id;
		event_fire(app, &booked);
	}
	log_info("session %s: video appointment #%lld booked with %s",
	    s->id, (long long)id, c->jid);
	proposal_drop(s->id);

	/* to the visitor: the link as plain text, OOB, and the event */
	when = slots_format(m.start, o->timezone, s->lang);
	text = catalog_aformat(s->lang, MSG_VIDEO_BOOKED, when ? when : "",
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
		char *r, *w;

		/* XML turns every CRLF into LF on reading: send the LF */
		for (r = w = ics; *r; r++)
			if (*r != '\r')
				*w++ = *r;
		*w = '\0';
		extra[1] = xmpp_stanza_new(app->ctx);
		xmpp_stanza_set_name(extra[1], "ical");
		xmpp_stanza_set_ns(extra[1], NS_ICAL);
		xmpp_stanza_set_text(t, ics);
		xmpp_stanza_add_child_ex(extra[1], t, 0);
		relay_bot_post(app, s, text, extra, 2);
	} else
		relay_bot_post(app, s, text, extra, 1);
	free(text);

	/* to the counsellor */
	{
		char *from = xasprintf("%s@%s", s->id, app->conf->domain);
		char *cw = slots_format(m.start, o->timezone, clang(c));

		if (links.setup_url) {
			text = catalog_aformat(clang(c), MSG_VIDEO_SETUP,
			    links.setup_url);
			notice(app, from, c, text);
			free(text);
		}
		text = catalog_aformat(clang(c), MSG_VIDEO_COUNSELLOR_BOOKED,
		    (long)id, cw ? cw : "", m.visitor, links.counsellor_url);
		notice(app, from, c, text);
		free(text);
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

int
video_command(struct app *app, struct conv *s,
    const struct conf_counsellor *c, enum command cmd, const char *arg,
    const char *from)
{
	struct appt a;
	char text[512];
	long id;

	switch (cmd) {
	case CMD_VIDEO:
		if (s == NULL || s->state != CONV_ACTIVE || s->counsellor ==
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
		appointments_list(app, c, from);
		return 1;
	case CMD_CANCEL:
	case CMD_RESCHEDULE:
		while (*arg == '#' || isspace((unsigned char)*arg))
			arg++;
		id = strtol(arg, NULL, 10);
		if (id <= 0 || appt_load(app, id, &a) < 0 ||
		    strcasecmp(a.counsellor, c->jid) != 0) {
			if (id > 0)
				appt_free(&a);
			catalog_format(text, sizeof(text), clang(c),
			    MSG_VIDEO_NOT_FOUND, *arg ? arg : "?");
			notice(app, from, c, text);
			return 1;
		}
		if (appt_cancel(app, &a) == 0 && cmd == CMD_RESCHEDULE && s &&
		    s->state == CONV_ACTIVE &&
		    a.session && strcmp(a.session, s->id) == 0)
			propose(app, s, c, 0);
		appt_free(&a);
		return 1;
	default:
		return 0;
	}
}

int
video_visitor_input(struct app *app, struct conv *s,
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
	booked = appt_booked_of_session(app, s->id);
	if (booked && strlen(body) <= 60 && (has_word(body, cancel_words) ||
	    has_word(body, move_words))) {
		int move = has_word(body, move_words);

		if (appt_load(app, booked, &a) == 0) {
			appt_cancel(app, &a);
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

static int
on_command(struct app *app, struct event *ev, void *ud)
{
	(void)ud;
	return video_command(app, ev->conv, ev->counsellor,
	    (enum command)ev->cmd, ev->arg, ev->from) ? EVENT_HANDLED :
	    EVENT_PASS;
}

static int
on_visitor_text(struct app *app, struct event *ev, void *ud)
{
	struct conv *cv = ev->conv;

	(void)ud;
	/* only what the visitor just wrote in an open chat */
	if (ev->flag != 1 || cv->state != CONV_ACTIVE || cv->close_pending ||
	    ev->stanza == NULL)
		return EVENT_PASS;
	return video_visitor_input(app, cv, ev->stanza, ev->text) ?
	    EVENT_HANDLED : EVENT_PASS;
}

void
video_init(void)
{
	event_hook(EV_COMMAND, on_command, 0, NULL);
	event_hook(EV_VISITOR_TEXT, on_visitor_text, 0, NULL);
}
