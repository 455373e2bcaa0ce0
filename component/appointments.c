/*
 * appointments.c: the video appointments' store and life.
 *
 * Owns the appointments table: booking rows (the guarded insert),
 * counsellors' booked times, loading and cancelling an appointment,
 * a counsellor's list, and the reminders (the timer). Texts that carry
 * what visitors wrote (names) or links are formatted with
 * catalog_aformat(), so nothing is cut. video.c, the chat side, calls
 * this module; this module does not call back. Runs on the loop thread.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "appointments.h"
#include "catalog.h"
#include "conf.h"
#include "log.h"
#include "registry.h"
#include "relay.h"
#include "slots.h"
#include "staff.h"
#include "stanza.h"
#include "store.h"
#include "util.h"

/* Logs a failed sqlite3_step() of what; call before the reset. */
static void
step_failed(struct app *app, const char *what, int rc)
{
	log_warnx("appointments: %s: %s (%d)", what,
	    sqlite3_errmsg(store_db(app->store)), rc);
}

static char *
dup_col(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	return t ? xstrdup((const char *)t) : NULL;
}

enum accueil_err
appt_insert(struct app *app, const struct appt_booking *b, int64_t *idp)
{
	sqlite3_stmt *st = store_stmt(app->store, "INSERT INTO appointments "
	    "(session, office, counsellor, persona, visitor, visitor_name, "
	    "lang, start, end, room, visitor_url, counsellor_url, setup_url, "
	    "uid, created) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
	int rc;

	*idp = 0;
	if (st == NULL)
		return ACCUEIL_ESTORE;
	sqlite3_bind_text(st, 1, b->session, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, b->office, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, b->counsellor, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 4, b->persona, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 5, b->visitor, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 6, b->visitor_name, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 7, b->lang, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 8, b->start);
	sqlite3_bind_int64(st, 9, b->end);
	sqlite3_bind_text(st, 10, b->room, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 11, b->visitor_url, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 12, b->counsellor_url, -1, SQLITE_TRANSIENT);
	if (b->setup_url)
		sqlite3_bind_text(st, 13, b->setup_url, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, 13);
	sqlite3_bind_text(st, 14, b->uid, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 15, store_now());
	/* the guarded insert: a slot already booked fails here */
	rc = sqlite3_step(st);
	if (rc != SQLITE_DONE) {
		if ((rc & 0xff) == SQLITE_CONSTRAINT)
			log_info("session %s: slot %lld already booked for %s",
			    b->session, (long long)b->start, b->counsellor);
		else
			step_failed(app, "booking", rc);
		sqlite3_reset(st);
		return ACCUEIL_ECONFLICT;
	}
	sqlite3_reset(st);
	*idp = sqlite3_last_insert_rowid(store_db(app->store));
	return ACCUEIL_OK;
}

struct slot *
appointments_busy(struct app *app, const char *jid, size_t *n)
{
	sqlite3_stmt *st = store_stmt(app->store, "SELECT start, end FROM "
	    "appointments WHERE counsellor = ? AND state = 'booked' AND "
	    "end > ? ORDER BY start");
	struct slot *v = NULL;
	int rc;

	*n = 0;
	if (st == NULL)
		return NULL;
	sqlite3_bind_text(st, 1, jid, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, store_now());
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		v = xreallocarray(v, *n + 1, sizeof(*v));
		v[*n].start = (time_t)sqlite3_column_int64(st, 0);
		v[*n].end = (time_t)sqlite3_column_int64(st, 1);
		(*n)++;
	}
	if (rc != SQLITE_DONE)
		step_failed(app, "booked times", rc);
	sqlite3_reset(st);
	return v;
}

void
appt_free(struct appt *a)
{
	if (a == NULL)
		return;
	free(a->session);
	free(a->office);
	free(a->counsellor);
	free(a->visitor);
	free(a->visitor_name);
	free(a->lang);
	free(a->visitor_url);
}

int
appt_load(struct app *app, int64_t id, struct appt *a)
{
	sqlite3_stmt *st = store_stmt(app->store, "SELECT session, office, "
	    "counsellor, visitor, visitor_name, lang, visitor_url, start FROM "
	    "appointments WHERE id = ? AND state = 'booked'");
	int found = 0, rc;

	memset(a, 0, sizeof(*a));
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
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
	} else if (rc != SQLITE_DONE)
		step_failed(app, "loading an appointment", rc);
	sqlite3_reset(st);
	return found ? 0 : -1;
}

int
appt_cancel(struct app *app, const struct appt *a)
{
	const struct conf_office *o = conf_office(app->conf, a->office);
	const struct conf_counsellor *c = conf_counsellor_by_jid(app->conf,
	    a->counsellor);
	sqlite3_stmt *st = store_stmt(app->store, "UPDATE appointments SET "
	    "state = 'cancelled', sequence = sequence + 1 WHERE id = ?");
	struct conv *cv = a->session ? registry_find(a->session) : NULL;
	char *when, *text;

	if (st)
		sqlite3_bind_int64(st, 1, a->id);
	if (store_step(app->store, st) < 0) {
		/* not recorded: nobody is told it is cancelled */
		if (c) {
			char *from = xasprintf("%s@%s", c->persona,
			    app->conf->domain);

			staff_notice(app, from, c, catalog_text(
			    relay_staff_lang(c), MSG_STORE_FAILED_MINE));
			free(from);
		}
		return -1;
	}
	store_event(app->store, a->office, a->session, "video-cancelled",
	    NULL);
	when = slots_format(a->start, o ? o->timezone : "UTC", a->lang);
	text = catalog_aformat(a->lang, MSG_VIDEO_CANCELLED, when ? when : "");
	if (cv && cv->state == CONV_ACTIVE)
		relay_bot_say(app, cv, text);
	else if (a->visitor) {
		char *desk = xasprintf("%s@%s", a->office, app->conf->domain);

		stanza_send(app, stanza_message(app, desk,
		    stanza_bare(a->visitor), "chat", text));
		free(desk);
	}
	free(text);
	free(when);
	if (c) {
		char *from = xasprintf("%s@%s", c->persona, app->conf->domain);
		char *cw = slots_format(a->start, o ? o->timezone : "UTC",
		    relay_staff_lang(c));

		text = catalog_aformat(relay_staff_lang(c),
		    MSG_VIDEO_COUNSELLOR_CANCELLED, (long)a->id, cw ? cw : "");
		staff_notice(app, from, c, text);
		free(text);
		free(cw);
		free(from);
	}
	return 0;
}

int64_t
appt_booked_of_session(struct app *app, const char *session)
{
	sqlite3_stmt *st = store_stmt(app->store, "SELECT id FROM appointments "
	    "WHERE session = ? AND state = 'booked' AND end > ? ORDER BY start "
	    "LIMIT 1");
	int64_t id = 0;
	int rc;

	if (st == NULL)
		return 0;
	sqlite3_bind_text(st, 1, session, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, store_now());
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		id = sqlite3_column_int64(st, 0);
	else if (rc != SQLITE_DONE)
		step_failed(app, "the session's appointment", rc);
	sqlite3_reset(st);
	return id;
}

void
appointments_text(struct app *app, const struct conf_counsellor *c,
    struct buf *b)
{
	sqlite3_stmt *st = store_stmt(app->store, "SELECT id, office, start, "
	    "visitor_name, counsellor_url FROM appointments WHERE counsellor "
	    "= ? AND state = 'booked' AND end > ? ORDER BY start");
	const char *lang = relay_staff_lang(c);
	size_t before = b->len;
	int rc;

	if (st == NULL)
		return;
	sqlite3_bind_text(st, 1, c->jid, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, store_now());
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const struct conf_office *o = conf_office(app->conf,
		    (const char *)sqlite3_column_text(st, 1));
		char *when = slots_format((time_t)sqlite3_column_int64(st, 2),
		    o ? o->timezone : "UTC", lang);
		char *line = catalog_aformat(lang, MSG_VIDEO_LIST_LINE,
		    (long)sqlite3_column_int64(st, 0), when ? when : "",
		    (const char *)sqlite3_column_text(st, 3),
		    (const char *)sqlite3_column_text(st, 4));

		buf_appendf(b, "%s%s", b->len > before ? "\n" : "", line);
		free(line);
		free(when);
	}
	if (rc != SQLITE_DONE)
		step_failed(app, "listing", rc);
	sqlite3_reset(st);
	if (b->len == before)
		buf_append(b, catalog_text(lang, MSG_VIDEO_LIST_NONE));
}

void
appointments_list(struct app *app, const struct conf_counsellor *c,
    const char *from)
{
	struct buf b = {0};

	appointments_text(app, c, &b);
	staff_notice(app, from, c, b.s);
	buf_free(&b);
}

/* ---- reminders ----------------------------------------------------------- */

struct due {
	int64_t id;
	char *office, *counsellor, *visitor, *name, *lang, *vurl, *curl;
	char *reminded;	/* minutes already reminded, "60,10," */
	time_t start;
};

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

/* Records that r was reminded mins before; 0, or -1 (logged). */
static int
record_reminder(struct app *app, struct due *r, const char *mins)
{
	char *list = xasprintf("%s%s,", r->reminded, mins);
	sqlite3_stmt *up = store_stmt(app->store, "UPDATE appointments SET "
	    "reminded = ? WHERE id = ?");
	int rc;

	if (up == NULL) {
		free(list);
		return -1;
	}
	sqlite3_bind_text(up, 1, list, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(up, 2, r->id);
	if ((rc = sqlite3_step(up)) != SQLITE_DONE) {
		step_failed(app, "recording a reminder", rc);
		sqlite3_reset(up);
		free(list);
		return -1;
	}
	sqlite3_reset(up);
	free(r->reminded);
	r->reminded = list;
	return 0;
}

/* Sends r's reminder to the counsellor c and to the visitor, if known. */
static void
send_reminder(struct app *app, const struct conf_office *o,
    const struct conf_counsellor *c, const struct due *r, int64_t now)
{
	long left = (long)((r->start - now + 59) / 60);
	char *from, *desk, *text;

	from = xasprintf("%s@%s", c->persona, app->conf->domain);
	text = catalog_aformat(relay_staff_lang(c), MSG_VIDEO_REMINDER,
	    (long)r->id, left, r->name ? r->name : "-", r->curl);
	staff_notice(app, from, c, text);
	free(text);
	free(from);
	if (r->visitor) {
		/* an anonymous visitor's JID is gone by then: the server
		 * drops it */
		desk = xasprintf("%s@%s", o->id, app->conf->domain);
		text = catalog_aformat(r->lang, MSG_VIDEO_VISITOR_REMINDER,
		    left, c->name, r->vurl);
		stanza_send(app, stanza_message(app, desk,
		    stanza_bare(r->visitor), "chat", text));
		free(text);
		free(desk);
	}
}

int
appointments_tick(void *ud)
{
	struct app *app = ud;
	sqlite3_stmt *st = store_stmt(app->store, "SELECT id, office, "
	    "counsellor, persona, visitor, visitor_name, lang, start, "
	    "visitor_url, counsellor_url, reminded FROM appointments WHERE "
	    "state = 'booked' AND start > ? ORDER BY start");
	int64_t now = store_now();
	struct due *rows = NULL;
	size_t n = 0, i, k;
	int rc;

	if (st == NULL)
		return 1;
	sqlite3_bind_int64(st, 1, now);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
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
	if (rc != SQLITE_DONE)
		step_failed(app, "reminders", rc);
	sqlite3_reset(st);
	for (i = 0; i < n; i++) {
		const struct conf_office *o = conf_office(app->conf,
		    rows[i].office);
		const struct conf_counsellor *c = conf_counsellor_by_jid(
		    app->conf, rows[i].counsellor);

		for (k = 0; o && c && k < o->reminders.n; k++) {
			const char *mins = o->reminders.v[k];
			long m = strtol(mins, NULL, 10);

			if (now < (int64_t)rows[i].start - m * 60 ||
			    reminded(rows[i].reminded, mins))
				continue;
			/* recorded first, so a restart never repeats it */
			if (record_reminder(app, &rows[i], mins) < 0)
				continue;
			store_event(app->store, o->id, NULL, "video-reminder",
			    mins);
			send_reminder(app, o, c, &rows[i], now);
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
