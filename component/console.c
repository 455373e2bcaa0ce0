/*
 * console.c: persona-JID commands and offline requests.
 */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "app.h"
#include "catalog.h"
#include "clock.h"
#include "conf.h"
#include "console.h"
#include "event.h"
#include "log.h"
#include "mailer.h"
#include "router.h"
#include "staff.h"
#include "stanza.h"
#include "store.h"
#include "text.h"
#include "util.h"

static const char *
lang_of(const struct conf_counsellor *c)
{
	return c->lang ? c->lang : "fr";
}

static void
reply(struct app *app, const char *from, const struct conf_counsellor *c,
    const char *text)
{
	staff_notice(app, from, c, text);
}

static void
reply_msg(struct app *app, const char *from, const struct conf_counsellor *c,
    enum msg m)
{
	reply(app, from, c, catalog_text(lang_of(c), m));
}

int64_t
console_file_request(struct app *app, const char *office, const char *session,
    const char *lang, const char *name, const char *question,
    const char *contact, const char *kind)
{
	const struct conf_office *o = conf_office(app->conf, office);
	sqlite3_stmt *st = store_stmt(app->store, "INSERT INTO requests "
	    "(office, session, lang, name, question, contact, contact_kind, "
	    "created, due) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
	int64_t now = store_now(), id;
	size_t i;

	if (st == NULL || o == NULL)
		return -1;
	sqlite3_bind_text(st, 1, office, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, session, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, lang, -1, SQLITE_TRANSIENT);
	if (name)
		sqlite3_bind_text(st, 4, name, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, 4);
	sqlite3_bind_text(st, 5, question, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 6, contact, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 7, kind, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 8, now);
	sqlite3_bind_int64(st, 9, now + (int64_t)o->answer_delay * 3600);
	if (sqlite3_step(st) != SQLITE_DONE) {
		sqlite3_reset(st);
		log_warnx("console: cannot store an offline request: %s",
		    sqlite3_errmsg(store_db(app->store)));
		return -1;
	}
	sqlite3_reset(st);
	id = sqlite3_last_insert_rowid(store_db(app->store));
	store_event(app->store, office, session, "request-filed", kind);
	{
		struct event ev;

		event_prepare(&ev, EV_REQUEST_FILED, NULL, NULL);
		ev.office = office;
		ev.arg = session;
		ev.text = kind;
		ev.rowid = id;
		ev.flag = o->answer_delay * 3600;
		event_fire(app, &ev);
	}
	log_info("request %lld filed for %s (%s)", (long long)id, office, kind);
	/* tell the counsellors who are there now */
	for (i = 0; i < app->conf->ncounsellors; i++) {
		const struct conf_counsellor *c = &app->conf->counsellors[i];

		if (strlist_has(&c->offices, office) &&
		    staff_is_online(c->jid) && !staff_is_paused(app, c->jid))
			console_on_available(app, c);
	}
	return id;
}

/* The office ids of c as an SQL-friendly check. */
static int
serves(const struct conf_counsellor *c, const char *office)
{
	return office && strlist_has(&c->offices, office);
}

static int
open_count(struct app *app, const struct conf_counsellor *c)
{
	sqlite3_stmt *st = store_stmt(app->store, "SELECT office FROM requests "
	    "WHERE state != 'answered'");
	int n = 0;

	if (st == NULL)
		return 0;
	while (store_row(app->store, st) == 1)
		if (serves(c, (const char *)sqlite3_column_text(st, 0)))
			n++;
	sqlite3_reset(st);
	return n;
}

void
console_on_available(struct app *app, const struct conf_counsellor *c)
{
	char *from = xasprintf("%s@%s", c->persona, app->conf->domain);
	char text[512];
	int n = open_count(app, c);

	if (n > 0) {
		catalog_format(text, sizeof(text), lang_of(c),
		    MSG_REQUESTS_PENDING, n);
		reply(app, from, c, text);
	}
	free(from);
}

void
console_requests_text(struct app *app, const struct conf_counsellor *c,
    struct buf *b)
{
	sqlite3_stmt *st = store_stmt(app->store, "SELECT id, office, lang, "
	    "contact, due, question, state, counsellor FROM requests WHERE "
	    "state != 'answered' ORDER BY due, id");
	int n = 0;

	if (st == NULL)
		return;
	while (store_row(app->store, st) == 1) {
		const char *office = (const char *)sqlite3_column_text(st, 1);
		const struct conf_office *o = conf_office(app->conf, office);
		time_t due = (time_t)sqlite3_column_int64(st, 4);
		char when[64], *line;
		struct tm tm;

		if (!serves(c, office))
			continue;
		if (o && clock_localtime(o->timezone, due, &tm) == 0)
			strftime(when, sizeof(when), "%d/%m %H:%M", &tm);
		else
			snprintf(when, sizeof(when), "?");
		line = catalog_aformat(lang_of(c), MSG_REQUEST_LINE,
		    (long)sqlite3_column_int64(st, 0),
		    (const char *)sqlite3_column_text(st, 2),
		    (const char *)sqlite3_column_text(st, 3), when,
		    (const char *)sqlite3_column_text(st, 5));
		buf_appendf(b, "%s%s", n++ ? "\n" : "", line);
		free(line);
		if (sqlite3_column_text(st, 7))
			buf_appendf(b, " [%s]",
			    (const char *)sqlite3_column_text(st, 7));
	}
	sqlite3_reset(st);
	if (n == 0)
		buf_append(b, catalog_text(lang_of(c), MSG_REQUESTS_NONE));
	else
		buf_appendf(b, "\n%s", catalog_text(lang_of(c),
		    MSG_REQUEST_HOWTO));
}

static void
list_requests(struct app *app, const struct conf_counsellor *c,
    const char *from)
{
	struct buf b = {0};

	console_requests_text(app, c, &b);
	reply(app, from, c, b.s);
	buf_free(&b);
}

struct request {
	int64_t id;
	char *office, *lang, *contact, *kind, *question, *session, *name;
};

static void
request_free(struct request *r)
{
	free(r->office);
	free(r->lang);
	free(r->contact);
	free(r->kind);
	free(r->question);
	free(r->session);
	free(r->name);
}

/* Reads open request number arg for c into r; 0 if found. */
static int
find_request(struct app *app, const struct conf_counsellor *c,
    const char *arg, struct request *r, const char **rest)
{
	sqlite3_stmt *st;
	char *end;
	long id;
	int found = 0;

	memset(r, 0, sizeof(*r));
	while (*arg == '#' || isspace((unsigned char)*arg))
		arg++;
	id = strtol(arg, &end, 10);
	if (end == arg || id <= 0)
		return -1;
	while (isspace((unsigned char)*end))
		end++;
	if (rest)
		*rest = end;
	st = store_stmt(app->store, "SELECT office, lang, contact, "
	    "contact_kind, question, session, name FROM requests WHERE id = ? "
	    "AND state != 'answered'");
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) == SQLITE_ROW &&
	    serves(c, (const char *)sqlite3_column_text(st, 0))) {
		r->id = id;
		r->office = xstrdup((const char *)sqlite3_column_text(st, 0));
		r->lang = xstrdup((const char *)sqlite3_column_text(st, 1));
		r->contact = xstrdup((const char *)sqlite3_column_text(st, 2));
		r->kind = xstrdup((const char *)sqlite3_column_text(st, 3));
		r->question = xstrdup((const char *)sqlite3_column_text(st, 4));
		r->session = store_col_text(st, 5);
		r->name = store_col_text(st, 6);
		found = 1;
	}
	sqlite3_reset(st);
	return found ? 0 : -1;
}

static void
not_found(struct app *app, const char *from, const struct conf_counsellor *c,
    const char *arg)
{
	char *q = xstrdup(*arg ? arg : "?"), *text;

	text_cut(q, 64);
	text = catalog_aformat(lang_of(c), MSG_REQUEST_NOT_FOUND, q);
	reply(app, from, c, text);
	free(text);
	free(q);
}

static void
take_request(struct app *app, const struct conf_counsellor *c,
    const char *arg, const char *from)
{
	struct request r;
	sqlite3_stmt *st;
	char *text;

	if (find_request(app, c, arg, &r, NULL) < 0) {
		not_found(app, from, c, arg);
		return;
	}
	st = store_stmt(app->store, "UPDATE requests SET state = 'taken', "
	    "counsellor = ? WHERE id = ?");
	if (st) {
		sqlite3_bind_text(st, 1, c->jid, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(st, 2, r.id);
	}
	if (store_step(app->store, st) < 0) {
		reply_msg(app, from, c, MSG_STORE_FAILED_MINE);
		request_free(&r);
		return;
	}
	text = catalog_aformat(lang_of(c), MSG_REQUEST_TAKEN, (long)r.id,
	    r.contact, r.question);
	reply(app, from, c, text);
	free(text);
	request_free(&r);
}

char *
console_answer(struct app *app, const struct conf_counsellor *c,
    const char *arg)
{
	const struct conf_office *o;
	struct request r;
	sqlite3_stmt *st;
	const char *answer;
	char *text;
	size_t size;

	if (find_request(app, c, arg, &r, &answer) < 0) {
		char *q = xstrdup(*arg ? arg : "?");

		text_cut(q, 64);
		text = catalog_aformat(lang_of(c), MSG_REQUEST_NOT_FOUND, q);
		free(q);
		return text;
	}
	if (*answer == '\0') {
		request_free(&r);
		return xstrdup(catalog_text(lang_of(c), MSG_REQUEST_HOWTO));
	}
	o = conf_office(app->conf, r.office);
	/* committed first, then delivered */
	st = store_stmt(app->store, "UPDATE requests SET state = 'answered', "
	    "counsellor = ?, answered = ?, answer = ? WHERE id = ?");
	if (st) {
		sqlite3_bind_text(st, 1, c->jid, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(st, 2, store_now());
		sqlite3_bind_text(st, 3, answer, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(st, 4, r.id);
	}
	if (store_step(app->store, st) < 0) {
		/* not recorded: not delivered either, so it can be sent again */
		request_free(&r);
		return xstrdup(catalog_text(lang_of(c), MSG_STORE_FAILED_MINE));
	}
	store_event(app->store, r.office, NULL, "request-answered", r.kind);
	{
		struct event ev;

		event_prepare(&ev, EV_REQUEST_ANSWERED, NULL, c);
		ev.office = r.office;
		ev.rowid = r.id;
		event_fire(app, &ev);
	}
	size = strlen(answer) + strlen(r.question) + 1024;
	text = xcalloc(1, size);
	if (strcmp(r.kind, "xmpp") == 0) {
		char *desk = xasprintf("%s@%s", r.office, app->conf->domain);

		catalog_format(text, size, r.lang, MSG_REQUEST_ANSWER,
		    conf_office_name(o, r.lang, r.office), r.question, answer);
		stanza_send(app, stanza_message(app, desk, r.contact, "chat",
		    text));
		free(desk);
		catalog_format(text, size, lang_of(c), MSG_REQUEST_SENT,
		    (long)r.id, r.contact);
	} else {
		/* by e-mail through the office's relay (mailer.h) */
		char *sent = mailer_answer(app, c, r.id, r.office, r.session,
		    r.lang, r.name, r.contact, r.question, answer);

		if (sent) {
			free(text);
			text = sent;
		} else
			catalog_format(text, size, lang_of(c),
			    MSG_REQUEST_EMAIL, (long)r.id, r.contact);
	}
	request_free(&r);
	return text;
}

static void
answer_request(struct app *app, const struct conf_counsellor *c,
    const char *arg, const char *from)
{
	char *text = console_answer(app, c, arg);

	reply(app, from, c, text);
	free(text);
}

int
console_command(struct app *app, const struct conf_counsellor *c,
    enum command cmd, const char *arg, const char *from)
{
	switch (cmd) {
	case CMD_PAUSE:
		staff_set_paused(app, c, 1);
		reply_msg(app, from, c, MSG_PAUSED);
		return 1;
	case CMD_RESUME:
		staff_set_paused(app, c, 0);
		reply_msg(app, from, c, MSG_RESUMED);
		console_on_available(app, c);
		return 1;
	case CMD_REQUESTS:
		list_requests(app, c, from);
		return 1;
	case CMD_TAKE:
		take_request(app, c, arg, from);
		return 1;
	case CMD_ANSWER:
		answer_request(app, c, arg, from);
		return 1;
	default:
		return 0;
	}
}

int
console_route(struct app *app, xmpp_stanza_t *st, const struct route *r)
{
	const struct conf_counsellor *c;
	const char *type = xmpp_stanza_get_type(st);
	const char *arg;
	char *body, *t, *from;
	enum command cmd;

	if (r->kind != ROUTE_PERSONA ||
	    strcmp(xmpp_stanza_get_name(st), "message") != 0)
		return ROUTE_PASS;
	if (type && (!strcmp(type, "error") || !strcmp(type, "groupchat") ||
	    !strcmp(type, "headline")))
		return ROUTE_HANDLED;
	c = conf_counsellor_by_jid(app->conf, stanza_bare(r->from));
	if ((t = xmpp_message_get_body(st)) == NULL)
		return ROUTE_HANDLED;	/* chat states */
	body = xstrdup(t);
	xmpp_free(app->ctx, t);
	from = xasprintf("%s@%s", r->local, app->conf->domain);
	if (c == NULL || strcmp(c->persona, r->local) != 0) {
		/* someone writing to a persona: not a way in */
		stanza_send_error(app, st, "cancel", "service-unavailable",
		    "Personas do not read messages: write to an office's "
		    "desk.");
	} else {
		struct event ev;

		cmd = command_parse(body, &arg);
		event_prepare(&ev, EV_COMMAND, NULL, c);
		ev.cmd = (int)cmd;
		ev.arg = arg;
		ev.from = from;
		/* the video module has its own (appointments...) */
		if (event_fire(app, &ev) != EVENT_HANDLED)
			reply_msg(app, from, c, MSG_CONSOLE_HELP);
	}
	free(from);
	free(body);
	return ROUTE_HANDLED;
}

static int
on_command(struct app *app, struct event *ev, void *ud)
{
	(void)ud;
	return console_command(app, ev->counsellor, (enum command)ev->cmd,
	    ev->arg, ev->from) ? EVENT_HANDLED : EVENT_PASS;
}

static int
on_staff(struct app *app, struct event *ev, void *ud)
{
	(void)ud;
	if (ev->flag)
		console_on_available(app, ev->counsellor);
	return EVENT_PASS;
}

void
console_init(void)
{
	event_hook(EV_COMMAND, on_command, 10, NULL);
	event_hook(EV_STAFF_CHANGED, on_staff, 0, NULL);
}
