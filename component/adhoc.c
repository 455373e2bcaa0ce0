/*
 * adhoc.c: the ad-hoc commands (XEP-0050) on the service JID.
 *
 * One table lists every command, who may run it (administrators,
 * counsellors, supervisors) and how: no input, one text field, or a
 * form of its own (adhoc_stats.c: the statistics as a table, the
 * quality review on the seeds' grid). Runs on the loop thread.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "app.h"
#include "appointments.h"
#include "conf.h"
#include "console.h"
#include "followup.h"
#include "form.h"
#include "log.h"
#include "router.h"
#include "status.h"
#include "registry.h"
#include "conv.h"
#include "staff.h"
#include "stanza.h"
#include "store.h"
#include "util.h"
#include "adhoc_canned.h"
#include "adhoc_stats.h"
#include "adhoc_supervise.h"
#include "review.h"
#include "adhoc.h"

enum who {
	WHO_ADMIN = 1,
	WHO_COUNSELLOR = 2,
	WHO_SUPERVISOR = 4,
};

struct adhoc_cmd {
	const char *node;
	const char *name;
	int who;
	const char *arg;	/* field asked first, or NULL */
	const char *arg_label;
	void (*run)(struct app *, const struct conf_counsellor *,
	    const char *arg, struct buf *out);
	/* or: a form of its own (form: what it asks, NULL for nothing;
	 * run_form: fills the result x from the submitted form or NULL) */
	void (*form)(struct app *, xmpp_stanza_t *x);
	void (*run_form)(struct app *, const char *bare, xmpp_stanza_t *sub,
	    xmpp_stanza_t *x, struct buf *out);
};

/* ---- admin ------------------------------------------------------------- */

static void
list_open(struct app *app, const char *office, struct buf *out)
{
	static const char *const names[] = {"waiting", "active", "survey",
	    "closed", "offline"};
	int64_t now = store_now();
	struct conv **v;
	size_t n, i;

	(void)app;
	v = registry_list(&n);
	for (i = 0; i < n; i++) {
		const struct conv *s = v[i];

		if (strcmp(s->office, office) != 0)
			continue;
		buf_appendf(out, "\n  %s %s%s %s, %lld s%s", s->id,
		    names[s->state], s->absent ? " (away)" : "", s->lang,
		    (long long)(now - s->created), s->counsellor ? " · " : "");
		if (s->counsellor)
			buf_append(out, s->counsellor);
	}
	free(v);
}

static void
run_queues(struct app *app, const struct conf_counsellor *c, const char *arg,
    struct buf *out)
{
	size_t i;

	for (i = 0; i < app->conf->noffices; i++) {
		const struct conf_office *o = &app->conf->offices[i];
		struct desk_status ds;

		status_desk(app, o->id, &ds);
		buf_appendf(out, "%s%s: %s, %d available, %d waiting, expected "
		    "wait %ld s", i ? "\n" : "", o->id, ds.open ? "open" :
		    "closed", ds.available, ds.queue, ds.wait);
		list_open(app, o->id, out);
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
		    "", registry_active(k->jid), k->max_chats);
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
	if (conv_admin_close(app, arg) == 0)
		buf_appendf(out, "Session %s closed.", arg);
	else
		buf_appendf(out, "No open session %s.", arg);
}

/*
 * Erases what is stored about visitor jid (bare) and its sessions ids,
 * in one transaction: the sessions with their transcripts and nicks;
 * the requests, the XMPP ones by address, the e-mail ones by the session
 * they came from; the e-mails and follow-up consents of those sessions
 * and of that address; in appointments the visitor's JID (exact, bare or with
 * a resource, never a LIKE pattern), name and meeting links (they may
 * carry the name). Returns the sessions erased, or -1 (rolled back).
 */
static int
erase_rows(struct app *app, const char *jid, const struct strlist *ids)
{
	static const char *const by_session[] = {
		"DELETE FROM messages WHERE session = ?",
		"DELETE FROM room_nicks WHERE session = ?",
		"DELETE FROM requests WHERE session = ?",
		"DELETE FROM outbox WHERE session = ?",
		"DELETE FROM consents WHERE session = ?",
		"DELETE FROM sessions WHERE id = ?",
	};
	sqlite3_stmt *m;
	size_t i, k;
	int n = 0;

	for (i = 0; i < ids->n; i++)
		conv_admin_close(app, ids->v[i]);
	if (store_begin(app->store) != ACCUEIL_OK)
		return -1;
	for (i = 0; i < ids->n; i++) {
		for (k = 0; k < nitems(by_session); k++) {
			m = store_stmt(app->store, by_session[k]);
			if (m == NULL)
				goto fail;
			store_bind_text(m, 1, ids->v[i]);
			if (store_step(app->store, m) < 0)
				goto fail;
		}
		n++;
	}
	if (followup_erase(app, jid) < 0)
		goto fail;
	m = store_stmt(app->store, "DELETE FROM requests WHERE contact = ?");
	if (m == NULL)
		goto fail;
	store_bind_text(m, 1, jid);
	if (store_step(app->store, m) < 0)
		goto fail;
	m = store_stmt(app->store, "UPDATE appointments SET visitor = NULL, "
	    "visitor_name = NULL, visitor_url = NULL, counsellor_url = NULL, "
	    "setup_url = NULL WHERE visitor = ?1 OR substr(visitor, 1, "
	    "length(?1) + 1) = ?1 || '/'");
	if (m == NULL)
		goto fail;
	store_bind_text(m, 1, jid);
	if (store_step(app->store, m) < 0 || store_commit(app->store) !=
	    ACCUEIL_OK)
		goto fail;
	return n;
fail:
	store_rollback(app->store);
	return -1;
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
	while (store_row(app->store, st) == 1) {
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
		while (store_row(app->store, m) == 1)
			buf_appendf(out, "  %lld %s: %s\n",
			    (long long)sqlite3_column_int64(m, 0),
			    (const char *)sqlite3_column_text(m, 1),
			    (const char *)sqlite3_column_text(m, 2));
		sqlite3_reset(m);
	}
	if (!erase)
		followup_export(app, jid, out);
	if (erase) {
		int n = erase_rows(app, jid, &ids);

		if (n < 0) {
			buf_appendf(out, "The data of %s could not be erased: the "
			    "database refused it (see the log). Nothing was "
			    "erased; try again.", jid);
			strlist_free(&ids);
			return;
		}
		store_event(app->store, NULL, NULL, "visitor-erased", NULL);
		buf_appendf(out, "Erased %d session%s of %s with their "
		    "transcripts, requests and appointment names.", n,
		    n == 1 ? "" : "s", jid);
		log_info("adhoc: data of a visitor erased (%d sessions)", n);
	} else if (ids.n == 0 && out->len == 0)
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
run_withdraw(struct app *app, const struct conf_counsellor *c,
    const char *arg, struct buf *out)
{
	int n = followup_withdraw(app, arg);

	if (n < 0)
		buf_appendf(out, "The consent of %s could not be withdrawn: the "
		    "database refused it (see the log); try again.", arg);
	else if (n == 0)
		buf_appendf(out, "No follow-up consent for %s.", arg);
	else
		buf_appendf(out, "Follow-up consent of %s withdrawn (%d): no "
		    "more follow-ups.", arg, n);
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
	appointments_text(app, c, out);
}

static void
run_requests(struct app *app, const struct conf_counsellor *c,
    const char *arg, struct buf *out)
{
	console_requests_text(app, c, out);
}

static void
run_answer(struct app *app, const struct conf_counsellor *c,
    const char *arg, struct buf *out)
{
	char *text = console_answer(app, c, arg);

	buf_append(out, text);
	free(text);
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
	{"queues", "Queues now", WHO_ADMIN, NULL, NULL, run_queues, NULL,
	    NULL},
	{"counsellors", "Counsellors and their state", WHO_ADMIN, NULL, NULL,
	    run_counsellors, NULL,
	    NULL},
	{"stats", "Statistics (last 7 days)", WHO_ADMIN | WHO_SUPERVISOR,
	    NULL, NULL, NULL, NULL, adhoc_stats_run},
	{"review", "Quality review of a conversation", WHO_SUPERVISOR, NULL,
	    NULL, NULL, adhoc_review_form, adhoc_review_run},
	{"quality", "Quality review averages", WHO_SUPERVISOR |
	    WHO_COUNSELLOR, NULL, NULL, NULL, NULL, adhoc_quality_run},
	{"live", "Conversations under way", WHO_ADMIN | WHO_SUPERVISOR, NULL,
	    NULL, NULL, NULL, adhoc_live_run},
	{"watch", "Watch a conversation", WHO_ADMIN | WHO_SUPERVISOR, NULL,
	    NULL, NULL, adhoc_session_form, adhoc_watch_run},
	{"takeover", "Take a conversation over", WHO_ADMIN | WHO_SUPERVISOR,
	    NULL, NULL, NULL, adhoc_session_form, adhoc_takeover_run},
	{"canned", "Canned answers", WHO_ADMIN, NULL, NULL, NULL,
	    adhoc_canned_form, adhoc_canned_run},
	{"close", "Close a session", WHO_ADMIN, "session",
	    "Session (v-...)", run_close, NULL,
	    NULL},
	{"reload", "Reload the configuration", WHO_ADMIN, NULL, NULL,
	    run_reload, NULL,
	    NULL},
	{"export", "Export a visitor's data", WHO_ADMIN, "jid",
	    "Visitor's bare JID", run_export, NULL,
	    NULL},
	{"erase", "Erase a visitor's data", WHO_ADMIN, "jid",
	    "Visitor's bare JID", run_erase, NULL,
	    NULL},
	{"withdraw", "Withdraw a follow-up consent", WHO_ADMIN, "contact",
	    "E-mail address or JID", run_withdraw, NULL,
	    NULL},
	{"appointments", "My video appointments", WHO_COUNSELLOR, NULL, NULL,
	    run_appointments, NULL,
	    NULL},
	{"requests", "Offline requests", WHO_COUNSELLOR, NULL, NULL,
	    run_requests, NULL,
	    NULL},
	{"answer", "Answer an offline request", WHO_COUNSELLOR, "answer",
	    "Request number, then the answer", run_answer, NULL,
	    NULL},
	{"pause", "Pause (no new requests)", WHO_COUNSELLOR, NULL, NULL,
	    run_pause, NULL,
	    NULL},
	{"resume", "Resume", WHO_COUNSELLOR, NULL, NULL, run_resume, NULL,
	    NULL},
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
	if (review_is_supervisor(app->conf, bare, NULL))
		who |= WHO_SUPERVISOR;
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
    const char *status, const char *sessionid, const char *text,
    xmpp_stanza_t *sub_form)
{
	struct buf out = {0};
	xmpp_stanza_t *res = stanza_iq_result(app, iq);
	xmpp_stanza_t *c = stanza_add(res, "command", NS_COMMANDS), *x;

	xmpp_stanza_set_attribute(c, "node", cmd->node);
	xmpp_stanza_set_attribute(c, "status", status);
	xmpp_stanza_set_attribute(c, "sessionid", sessionid);
	if (strcmp(status, "executing") == 0 && cmd->form) {
		xmpp_stanza_t *actions = stanza_add(c, "actions", NULL);

		xmpp_stanza_set_attribute(actions, "execute", "complete");
		stanza_add(actions, "complete", NULL);
		x = stanza_add(c, "x", NS_DATA);
		xmpp_stanza_set_type(x, "form");
		stanza_add_text(x, "title", cmd->name);
		cmd->form(app, x);
	} else if (strcmp(status, "executing") == 0) {
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
		if (strcmp(status, "completed") == 0 && cmd->run_form)
			cmd->run_form(app, stanza_bare(xmpp_stanza_get_from(iq)),
			    sub_form, x, &out);
		else
			form_add_field(x, "result", "text-multi", cmd->name,
			    text);
		xmpp_stanza_set_attribute(stanza_add_text(c, "note", out.s ?
		    out.s : text), "type", "info");
	}
	stanza_send(app, res);
	buf_free(&out);
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
		reply_command(app, st, cmd, "canceled", sid ? sid : "0", "",
		    NULL);
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
			    NULL, NULL);
			return ROUTE_HANDLED;
		}
	}
	if (cmd->form && (form_find(cmdel) == NULL ||
	    form_type(form_find(cmdel)) == NULL ||
	    strcmp(form_type(form_find(cmdel)), "submit") != 0)) {
		if (random_hex(sessionid, 8) < 0)
			snprintf(sessionid, sizeof(sessionid), "0");
		reply_command(app, st, cmd, "executing", sessionid, NULL, NULL);
		return ROUTE_HANDLED;
	}
	log_info("adhoc: %s runs %s", stanza_bare(r->from), cmd->node);
	if (cmd->run)
		cmd->run(app, c, arg, &out);
	reply_command(app, st, cmd, "completed", sid ? sid : "0",
	    out.s ? out.s : "", cmd->form ? form_find(cmdel) : NULL);
	buf_free(&out);
	free(arg);
	return ROUTE_HANDLED;
}
