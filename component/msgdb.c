/*
 * msgdb.c: the messages table (msgdb.h).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app.h"
#include "log.h"
#include "msgdb.h"
#include "registry.h"
#include "store.h"
#include "util.h"

int
msgdb_store(struct app *app, struct conv *cv, const struct msgdb_msg *m,
    int64_t *rowid)
{
	/* notes are never relayed: stored as done */
	sqlite3_stmt *st = store_stmt(app->store, "INSERT OR IGNORE INTO "
	    "messages (session, at, role, persona, body, origin_id, relay_id, "
	    "room_key, relayed, corrects, stanza_id) VALUES (?,?,?,?,?,?,?,?,"
	    "?3 = 'note',?,?)");
	sqlite3 *db = store_db(app->store);

	*rowid = 0;
	if (st == NULL)
		return store_step(app->store, NULL);
	store_bind_text(st, 1, cv->id);
	sqlite3_bind_int64(st, 2, store_now());
	store_bind_text(st, 3, m->role);
	store_bind_text(st, 4, m->persona);
	store_bind_text(st, 5, m->body);
	store_bind_text(st, 6, m->origin_id);
	store_bind_text(st, 7, m->relay_id);
	store_bind_text(st, 8, m->room_key);
	if (m->corrects > 0)
		sqlite3_bind_int64(st, 9, m->corrects);
	else
		sqlite3_bind_null(st, 9);
	store_bind_text(st, 10, m->stanza_id);
	if (store_step(app->store, st) < 0)
		return -1;
	if (sqlite3_changes(db) == 0)
		return 0;
	*rowid = sqlite3_last_insert_rowid(db);
	return 1;
}

/*
 * 1 if row id is stored and not yet marked relayed, else 0. A read, so
 * that a mark already made (the barrier's answer and the room's echo
 * both mark a line; whichever comes second has nothing to do) opens no
 * write transaction.
 */
static int
unrelayed(struct app *app, int64_t id)
{
	sqlite3_stmt *st = store_stmt(app->store, "SELECT relayed FROM "
	    "messages WHERE id = ?");
	int r;

	if (st == NULL)
		return 1;	/* let the update say what is wrong */
	sqlite3_bind_int64(st, 1, id);
	if ((r = store_row(app->store, st)) != 1)
		return r < 0;	/* an error: let the update say it */
	r = sqlite3_column_int(st, 0) == 0;
	sqlite3_reset(st);
	return r;
}

int
msgdb_mark_relayed(struct app *app, const int64_t *rows, size_t n)
{
	sqlite3_stmt *st;
	size_t i;

	for (i = 0; i < n; i++) {
		if (unrelayed(app, rows[i]) == 0)
			continue;	/* the room's echo marked it already */
		st = store_stmt(app->store, "UPDATE messages SET relayed = 1 "
		    "WHERE id = ? AND relayed = 0");
		if (st == NULL)
			return store_step(app->store, NULL);
		sqlite3_bind_int64(st, 1, rows[i]);
		if (store_step(app->store, st) < 0)
			return -1;
	}
	return 0;
}

int
msgdb_mark_posted(struct app *app, struct conv *cv, const char *relay_id)
{
	sqlite3_stmt *st = store_stmt(app->store, "SELECT id FROM messages "
	    "WHERE session = ? AND relay_id = ? AND relayed = 0 AND role IN "
	    "('bot', 'counsellor')");
	int64_t id;
	int rc;

	if (st == NULL)
		return store_step(app->store, NULL);
	store_bind_text(st, 1, cv->id);
	store_bind_text(st, 2, relay_id);
	if ((rc = store_row(app->store, st)) != 1)
		return rc;	/* marked already (the barrier), or not ours */
	id = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (msgdb_mark_relayed(app, &id, 1) < 0)
		return -1;
	return 1;
}

char *
msgdb_relay_id_of(struct app *app, struct conv *cv, const char *role,
    const char *origin, int64_t *rowid)
{
	sqlite3_stmt *st = store_stmt(app->store, "SELECT relay_id, id FROM "
	    "messages WHERE session = ? AND role = ? AND origin_id = ? "
	    "ORDER BY id LIMIT 1");
	char *r = NULL;

	*rowid = 0;
	if (st == NULL || origin == NULL)
		return NULL;
	store_bind_text(st, 1, cv->id);
	store_bind_text(st, 2, role);
	store_bind_text(st, 3, origin);
	if (store_row(app->store, st) == 1) {
		r = store_col_text(st, 0);
		*rowid = sqlite3_column_int64(st, 1);
		sqlite3_reset(st);
	}
	return r;
}

char *
msgdb_relay_id_row(struct app *app, int64_t id)
{
	sqlite3_stmt *st = store_stmt(app->store, "SELECT relay_id FROM "
	    "messages WHERE id = ?");
	char *r = NULL;

	if (st == NULL)
		return NULL;
	sqlite3_bind_int64(st, 1, id);
	if (store_row(app->store, st) == 1) {
		r = store_col_text(st, 0);
		sqlite3_reset(st);
	}
	return r;
}

size_t
msgdb_pending(struct app *app, struct conv *cv, int visitor,
    struct msgdb_row **rows)
{
	sqlite3_stmt *st = visitor ? store_stmt(app->store, "SELECT id, role, "
	    "body, relay_id, corrects FROM messages WHERE session = ? AND "
	    "relayed = 0 AND role = 'visitor' ORDER BY id") :
	    store_stmt(app->store, "SELECT id, role, body, relay_id, corrects "
	    "FROM messages WHERE session = ? AND relayed = 0 AND role IN "
	    "('bot', 'counsellor') ORDER BY id");
	struct msgdb_row *v = NULL;
	size_t n = 0;

	*rows = NULL;
	if (st == NULL)
		return 0;
	store_bind_text(st, 1, cv->id);
	while (store_row(app->store, st) == 1) {
		v = xreallocarray(v, n + 1, sizeof(*v));
		v[n].id = sqlite3_column_int64(st, 0);
		v[n].role = store_col_text(st, 1);
		v[n].body = store_col_text(st, 2);
		v[n].relay_id = store_col_text(st, 3);
		v[n].corrects = sqlite3_column_int64(st, 4);
		n++;
	}
	*rows = v;
	return n;
}

void
msgdb_rows_free(struct msgdb_row *rows, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(rows[i].role);
		free(rows[i].body);
		free(rows[i].relay_id);
	}
	free(rows);
}

char *
msgdb_visitor_text(struct app *app, struct conv *cv, const char *skip)
{
	sqlite3_stmt *st = store_stmt(app->store, "SELECT body FROM messages "
	    "WHERE session = ? AND role = 'visitor' ORDER BY id");
	struct buf b = {0};

	if (st == NULL)
		return xstrdup(cv->question ? cv->question : "");
	store_bind_text(st, 1, cv->id);
	while (store_row(app->store, st) == 1) {
		const char *t = (const char *)sqlite3_column_text(st, 0);

		if (t == NULL || (skip && strcmp(t, skip) == 0))
			continue;
		buf_appendf(&b, "%s%s", b.len ? "\n" : "", t);
	}
	if (b.s == NULL)
		return xstrdup("");
	return buf_take(&b);
}

void
msgdb_context(struct app *app, struct conv *cv, struct buf *b)
{
	sqlite3_stmt *st = store_stmt(app->store, "SELECT role, persona, body "
	    "FROM (SELECT id, role, persona, body FROM messages WHERE session "
	    "= ? AND role IN ('visitor', 'counsellor', 'note') ORDER BY id "
	    "DESC LIMIT 10) ORDER BY id");

	if (st == NULL)
		return;
	store_bind_text(st, 1, cv->id);
	while (store_row(app->store, st) == 1) {
		const char *role = (const char *)sqlite3_column_text(st, 0);
		const char *persona = (const char *)sqlite3_column_text(st, 1);
		const char *body = (const char *)sqlite3_column_text(st, 2);

		buf_appendf(b, "\n%s%s%s: %s", role ? role : "?", persona ?
		    " " : "", persona ? persona : "", body ? body : "");
	}
}

void
msgdb_test_crash_point(struct app *app)
{
	static long left = -1;
	const char *e;

	if (left == -1) {
		e = getenv("ACCUEIL_TEST_CRASH_AFTER_STORE");
		left = e && *e ? strtol(e, NULL, 10) : 0;
		if (left <= 0)
			left = -2;
	}
	if (left > 0 && --left == 0) {
		log_warnx("test: ACCUEIL_TEST_CRASH_AFTER_STORE reached: exiting "
		    "between store and send");
		/* stored means committed, as at any socket write */
		store_batch_commit(app->store);
		_exit(99);
	}
}
