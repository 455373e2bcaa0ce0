/*
 * adhoc.c: the ad-hoc commands.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "app.h"
#include "conf.h"
#include "console.h"
#include "form.h"
#include "log.h"
#include "router.h"
#include "routing.h"
#include "session.h"
#include "staff.h"
#include "stanza.h"
#include "store.h"
#include "util.h"
#include "video.h"
#include "adhoc.h"

enum who {
	WHO_ADMIN = 1,
	WHO_COUNSELLOR = 2,
};

struct adhoc_cmd {
	const char *node;
	const char *name;
	int who;
	const char *arg;	/* field asked first, or NULL */
	const char *arg_label;
	void (*run)(struct app *, const struct conf_counsellor *,
	    const char *arg, struct buf *out);
};

/* ---- admin ------------------------------------------------------------- */

struct waitlist {
	const char *office;
	struct buf *out;
	int64_t now;
};

static void
list_waiting(struct app *app, const struct session_info *s, void *ud)
{
	struct waitlist *w = ud;

	if (strcmp(s->office, w->office) != 0)
		return;
	buf_appendf(w->out, "\n  %s %s %s, %lld s%s", s->id,
	    s->state == SESSION_WAITING ? "waiting" : "active", s->lang,
	    (long long)(w->now - s->created), s->counsellor ? " · " : "");
	if (s->counsellor)
		buf_append(w->out, s->counsellor);
}

static void
run_queues(struct app *app, const struct conf_counsellor *c, const char *arg,
    struct buf *out)
{
	size_t i;

	for (i = 0; i < app->conf->noffices; i++) {
		const struct conf_office *o = &app->conf->offices[i];
		struct desk_status ds;
		struct waitlist w = {o->id, out, store_now()};

		routing_desk_status(app, o->id, &ds);
		buf_appendf(out, "%s%s: %s, %d available, %d waiting, expected "
		    "wait %ld s", i ? "\n" : "", o->id, ds.open ? "open" :
		    "closed", ds.available, ds.queue, ds.wait);
		session_foreach(-1, list_waiting, app, &w);
	}
}

static void
run_counsellors(struct app *app, const struct conf_counsellor *c,
    const char *arg, struct buf *out)
{
	size_t i;

	for (i = 0; i < app->conf->ncounsellors; i++) {
		const struct conf_counsellor *k = &app->conf->counsellors[i];

		buf_appendf(out, "%s%s (%s): %s%s, %d/%d chats", i ? "\n" : "",
		    k->jid, k->name, staff_is_online(k->jid) ? "available" :
		    "unavailable", staff_is_paused(app, k->jid) ? ", paused" :
		    "", session_count_active(k->jid), k->max_chats);
	}
}

static void
run_stats(struct app *app, const struct conf_counsellor *c, const char *arg,
    struct buf *out)
{
	sqlite3_stmt *st;
	int64_t since = store_now() - 7 * 86400;
	int hours[24] = {0};
	size_t i;

	st = store_stmt(app->store, "SELECT office, count(*), "
	    "sum(taken IS NOT NULL), sum(close_reason = 'abandoned'), "
	    "avg(taken - created), avg(rating), count(rating) FROM sessions "
	    "WHERE created >= ? GROUP BY office");
	if (st == NULL)
		return;
	sqlite3_bind_int64(st, 1, since);
	buf_append(out, "Last 7 days:");
	while (sqlite3_step(st) == SQLITE_ROW)
		buf_appendf(out, "\n%s: %d sessions, %d taken, %d abandoned, "
		    "%.0f s to take on average, satisfaction %.1f/5 (%d "
		    "answers)", (const char *)sqlite3_column_text(st, 0),
		    sqlite3_column_int(st, 1), sqlite3_column_int(st, 2),
		    sqlite3_column_int(st, 3), sqlite3_column_double(st, 4),
		    sqlite3_column_double(st, 5), sqlite3_column_int(st, 6));
	sqlite3_reset(st);
	st = store_stmt(app->store, "SELECT count(*) FROM requests WHERE "
	    "created >= ?");
	if (st) {
		sqlite3_bind_int64(st, 1, since);
		if (sqlite3_step(st) == SQLITE_ROW)
			buf_appendf(out, "\noffline requests: %d",
			    sqlite3_column_int(st, 0));
		sqlite3_reset(st);
	}
	/* when requests arrive (UTC hours): the seeds ask for it */
	st = store_stmt(app->store, "SELECT CAST(strftime('%H', created, "
	    "'unixepoch') AS INTEGER), count(*) FROM sessions WHERE created "
	    ">= ? GROUP BY 1");
	if (st) {
		sqlite3_bind_int64(st, 1, since);
		while (sqlite3_step(st) == SQLITE_ROW) {
			int h = sqlite3_column_int(st, 0);

			if (h >= 0 && h < 24)
				hours[h] = sqlite3_column_int(st, 1);
		}
		sqlite3_reset(st);
		buf_append(out, "\narrivals per hour (UTC):");
		for (i = 0; i < 24; i++)
			if (hours[i])
				buf_appendf(out, " %02zuh:%d", i, hours[i]);
	}
}

static void
run_reload(struct app *app, const struct conf_counsellor *c, const char *arg,
    struct buf *out)
{
	app->reload_requested = 1;
	buf_append(out, "Reload requested: see the daemon's log for the "
	    "result (an invalid file is refused and the running configuration "
	    "stays).");
}

static void
run_close(struct app *app, const struct conf_counsellor *c, const char *arg,
    struct buf *out)
{
	if (session_admin_close(app, arg) == 0)
		buf_appendf(out, "Session %s closed.", arg);
	else
		buf_appendf(out, "No open session %s.", arg);
}

/* Every row about a visitor (bare JID), as text or erased. */
static void
visitor_data(struct app *app, const char *jid, int erase, struct buf *out)
{
	sqlite3_stmt *st = store_stmt(app->store, "SELECT id, office, created, "
	    "name, email, question, rating, comment FROM sessions WHERE "
	    "visitor_bare = ? ORDER BY created");
	sqlite3_stmt *m;
	struct strlist ids = {0};
	size_t i;

	if (st == NULL)
		return;
	sqlite3_bind_text(st, 1, jid, -1, SQLITE_TRANSIENT);
	while (sqlite3_step(st) == SQLITE_ROW) {
		strlist_add(&ids, (const char *)sqlite3_column_text(st, 0));
		if (erase)
			continue;
		buf_appendf(out, "session %s (%s) at %lld, name %s, email %s, "
		    "rating %d, comment %s\n",
		    (const char *)sqlite3_column_text(st, 0),
		    (const char *)sqlite3_column_text(st, 1),
		    (long long)sqlite3_column_int64(st, 2),
		    sqlite3_column_text(st, 3) ? (const char *)
		    sqlite3_column_text(st, 3) : "-",
		    sqlite3_column_text(st, 4) ? (const char *)
		    sqlite3_column_text(st, 4) : "-",
		    sqlite3_column_int(st, 6),
		    sqlite3_column_text(st, 7) ? (const char *)
		    sqlite3_column_text(st, 7) : "-");
	}
	sqlite3_reset(st);
	for (i = 0; i < ids.n && !erase; i++) {
		m = store_stmt(app->store, "SELECT at, role, body FROM messages "
		    "WHERE session = ? ORDER BY id");
		if (m == NULL)
			break;
		sqlite3_bind_text(m, 1, ids.v[i], -1, SQLITE_TRANSIENT);
		while (sqlite3_step(m) == SQLITE_ROW)
			buf_appendf(out, "  %lld %s: %s\n",
			    (long long)sqlite3_column_int64(m, 0),
			    (const char *)sqlite3_column_text(m, 1),
			    (const char *)sqlite3_column_text(m, 2));
		sqlite3_reset(m);
	}
	if (erase) {
		int n = 0;

		store_begin(app->store);
		for (i = 0; i < ids.n; i++) {
			session_admin_close(app, ids.v[i]);
			m = store_stmt(app->store, "DELETE FROM sessions WHERE "
			    "id = ?");
			if (m == NULL)
				continue;
			sqlite3_bind_text(m, 1, ids.v[i], -1, SQLITE_TRANSIENT);
			sqlite3_step(m);
			sqlite3_reset(m);
			n++;
		}
		m = store_stmt(app->store, "DELETE FROM requests WHERE contact "
		    "= ?");
		if (m) {
			sqlite3_bind_text(m, 1, jid, -1, SQLITE_TRANSIENT);
			sqlite3_step(m);
			sqlite3_reset(m);
		}
		m = store_stmt(app->store, "UPDATE appointments SET visitor = "
		    "NULL, visitor_name = NULL WHERE visitor LIKE ? || '%'");
		if (m) {
			sqlite3_bind_text(m, 1, jid, -1, SQLITE_TRANSIENT);
			sqlite3_step(m);
			sqlite3_reset(m);
		}
		store_commit(app->store);
		store_event(app->store, NULL, NULL, "visitor-erased", NULL);
		buf_appendf(out, "Erased %d session%s of %s with their "
		    "transcripts, requests and appointment names.", n,
		    n == 1 ? "" : "s", jid);
		log_info("adhoc: data of a visitor erased (%d sessions)", n);
	} else if (ids.n == 0)
		buf_appendf(out, "Nothing stored for %s.", jid);
	strlist_free(&ids);
}

static void
run_export(struct app *app, const struct conf_counsellor *c, const char *arg,
    struct buf *out)
{
	visitor_data(app, arg, 0, out);
}

static void
run_erase(struct app *app, const struct conf_counsellor *c, const char *arg,
    struct buf *out)
{
	visitor_data(app, arg, 1, out);
}

/* ---- counsellors ----------------------------------------------------- */

static void
run_appointments(struct app *app, const struct conf_counsellor *c,
    const char *arg, struct buf *out)
{
	video_appointments_text(app, c, out);
}

static void
run_requests(struct app *app, const struct conf_counsellor *c,
    const char *arg, struct buf *out)
{
	console_requests_text(app, c, out);
}

static void
run_pause(struct app *app, const struct conf_counsellor *c, const char *arg,
    struct buf *out)
{
	staff_set_paused(app, c, 1);
	buf_append(out, "Paused: no new requests.");
}

static void
run_resume(struct app *app, const struct conf_counsellor *c,
    const char *arg, struct buf *out)
{
	staff_set_paused(app, c, 0);
	buf_append(out, "Resumed: requests come again.");
}

static const struct adhoc_cmd commands[] = {
	{"queues", "Queues now", WHO_ADMIN, NULL, NULL, run_queues},
	{"counsellors", "Counsellors and their state", WHO_ADMIN, NULL, NULL,
	    run_counsellors},
	{"stats", "Statistics (7 days)", WHO_ADMIN, NULL, NULL, run_stats},
	{"close", "Close a session", WHO_ADMIN, "session",
	    "Session (v-...)", run_close},
	{"reload", "Reload the configuration", WHO_ADMIN, NULL, NULL,
	    run_reload},
	{"export", "Export a visitor's data", WHO_ADMIN, "jid",
	    "Visitor's bare JID", run_export},
	{"erase", "Erase a visitor's data", WHO_ADMIN, "jid",
	    "Visitor's bare JID", run_erase},
	{"appointments", "My video appointments", WHO_COUNSELLOR, NULL, NULL,
	    run_appointments},
	{"requests", "Offline requests", WHO_COUNSELLOR, NULL, NULL,
	    run_requests},
	{"pause", "Pause (no new requests)", WHO_COUNSELLOR, NULL, NULL,
	    run_pause},
	{"resume", "Resume", WHO_COUNSELLOR, NULL, NULL, run_resume},
};

static int
who_is(struct app *app, const char *from, const struct conf_counsellor **c)
{
	const char *bare = stanza_bare(from);
	int who = 0;
	size_t i;

	for (i = 0; i < app->conf->nadmins; i++)
		if (strcasecmp(app->conf->admins[i].jid, bare) == 0)
			who |= WHO_ADMIN;
	if ((*c = conf_counsellor_by_jid(app->conf, bare)) != NULL)
		who |= WHO_COUNSELLOR;
	return who;
}

static int
items(struct app *app, xmpp_stanza_t *iq, int who)
{
	xmpp_stanza_t *res = stanza_iq_result(app, iq);
	xmpp_stanza_t *q = stanza_add(res, "query", NS_DISCO_ITEMS);
	size_t i;

	xmpp_stanza_set_attribute(q, "node", NS_COMMANDS);
	for (i = 0; i < nitems(commands); i++) {
		xmpp_stanza_t *it;

		if (!(commands[i].who & who))
			continue;
		it = stanza_add(q, "item", NULL);
		xmpp_stanza_set_attribute(it, "jid", app->conf->domain);
		xmpp_stanza_set_attribute(it, "node", commands[i].node);
		xmpp_stanza_set_attribute(it, "name", commands[i].name);
	}
	stanza_send(app, res);
	return ROUTE_HANDLED;
}

static void
reply_command(struct app *app, xmpp_stanza_t *iq, const struct adhoc_cmd *cmd,
    const char *status, const char *sessionid, const char *text)
{
	xmpp_stanza_t *res = stanza_iq_result(app, iq);
	xmpp_stanza_t *c = stanza_add(res, "command", NS_COMMANDS), *x;

	xmpp_stanza_set_attribute(c, "node", cmd->node);
	xmpp_stanza_set_attribute(c, "status", status);
	xmpp_stanza_set_attribute(c, "sessionid", sessionid);
	if (strcmp(status, "executing") == 0) {
		xmpp_stanza_t *actions = stanza_add(c, "actions", NULL);

		xmpp_stanza_set_attribute(actions, "execute", "complete");
		stanza_add(actions, "complete", NULL);
		x = stanza_add(c, "x", NS_DATA);
		xmpp_stanza_set_type(x, "form");
		stanza_add_text(x, "title", cmd->name);
		form_add_field(x, cmd->arg, "text-single", cmd->arg_label,
		    NULL);
	} else {
		x = stanza_add(c, "x", NS_DATA);
		xmpp_stanza_set_type(x, "result");
		stanza_add_text(x, "title", cmd->name);
		form_add_field(x, "result", "text-multi", cmd->name, text);
		xmpp_stanza_set_attribute(stanza_add_text(c, "note", text),
		    "type", "info");
	}
	stanza_send(app, res);
}

int
adhoc_route(struct app *app, xmpp_stanza_t *st, const struct route *r)
{
	const char *type = xmpp_stanza_get_type(st);
	const struct conf_counsellor *c = NULL;
	xmpp_stanza_t *q, *cmdel;
	const struct adhoc_cmd *cmd = NULL;
	const char *node, *action, *sid;
	char *arg = NULL, sessionid[17];
	struct buf out = {0};
	size_t i;
	int who;

	if (r->kind != ROUTE_SERVICE ||
	    strcmp(xmpp_stanza_get_name(st), "iq") != 0 || type == NULL)
		return ROUTE_PASS;
	who = who_is(app, r->from, &c);
	if (strcmp(type, "get") == 0 &&
	    (q = stanza_child(st, "query", NS_DISCO_ITEMS)) != NULL &&
	    (node = xmpp_stanza_get_attribute(q, "node")) != NULL &&
	    strcmp(node, NS_COMMANDS) == 0)
		return items(app, st, who);
	if (strcmp(type, "set") != 0 ||
	    (cmdel = stanza_child(st, "command", NS_COMMANDS)) == NULL)
		return ROUTE_PASS;
	node = xmpp_stanza_get_attribute(cmdel, "node");
	action = xmpp_stanza_get_attribute(cmdel, "action");
	sid = xmpp_stanza_get_attribute(cmdel, "sessionid");
	for (i = 0; node && i < nitems(commands); i++)
		if (strcmp(commands[i].node, node) == 0)
			cmd = &commands[i];
	if (cmd == NULL) {
		stanza_send_error(app, st, "cancel", "item-not-found",
		    "No such command.");
		return ROUTE_HANDLED;
	}
	if (!(cmd->who & who)) {
		stanza_send_error(app, st, "auth", "forbidden",
		    "This command is for the office's administrators or "
		    "counsellors.");
		return ROUTE_HANDLED;
	}
	if (action && strcmp(action, "cancel") == 0) {
		reply_command(app, st, cmd, "canceled", sid ? sid : "0", "");
		return ROUTE_HANDLED;
	}
	if (cmd->arg) {
		xmpp_stanza_t *x = form_find(cmdel);

		if (x && form_type(x) && strcmp(form_type(x), "submit") == 0)
			arg = form_value(x, cmd->arg, 1024, NULL);
		if (arg == NULL || *arg == '\0') {
			if (x) {
				stanza_send_error(app, st, "modify",
				    "bad-request", "The form needs a value.");
				free(arg);
				return ROUTE_HANDLED;
			}
			if (random_hex(sessionid, 8) < 0)
				snprintf(sessionid, sizeof(sessionid), "0");
			reply_command(app, st, cmd, "executing", sessionid,
			    NULL);
			return ROUTE_HANDLED;
		}
	}
	log_info("adhoc: %s runs %s", stanza_bare(r->from), cmd->node);
	cmd->run(app, c, arg, &out);
	reply_command(app, st, cmd, "completed", sid ? sid : "0",
	    out.s ? out.s : "");
	buf_free(&out);
	free(arg);
	return ROUTE_HANDLED;
}
