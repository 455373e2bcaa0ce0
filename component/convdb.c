/*
 * convdb.c: the SQL behind convdb.h.
 *
 * Statements are prepared once (store_stmt caches them by address).
 * Every step is checked through step() or row(), which remember the
 * failure for convdb_error() and log it once per kind of failure.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app.h"
#include "convdb.h"
#include "log.h"
#include "msgdb.h"
#include "registry.h"
#include "stanza.h"
#include "store.h"
#include "util.h"

int
convdb_error(struct app *app)
{
	return store_error(app->store);
}

int
convdb_failing(struct app *app)
{
	return store_failing(app->store);
}

static const char *const state_names[] = {"waiting", "active", "survey",
    "closed", "offline"};

static int
store_first_question(struct app *app, struct conv *cv, const char *origin)
{
	struct msgdb_msg m = {.role = "visitor", .body = cv->question,
	    .origin_id = origin};
	int64_t rowid;

	if (msgdb_store(app, cv, &m, &rowid) != 1)
		return -1;
	return msgdb_mark_relayed(app, &rowid, 1);
}

int
convdb_insert(struct app *app, struct conv *cv, const char *email,
    const char *interests, int consent, const char *origin)
{
	sqlite3_stmt *st = store_stmt(app->store, "INSERT INTO sessions (id, "
	    "office, room, password, visitor, visitor_bare, lang, lang_source, "
	    "name, page, interests, email, consent, question, state, created) "
	    "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,'waiting',?)");
	char *bare = xstrdup(stanza_bare(cv->visitor));

	if (store_begin(app->store) != ACCUEIL_OK) {
		free(bare);
		return -1;
	}
	if (st == NULL)
		goto fail;
	store_bind_text(st, 1, cv->id);
	store_bind_text(st, 2, cv->office);
	store_bind_text(st, 3, cv->room);
	store_bind_text(st, 4, cv->password);
	store_bind_text(st, 5, cv->visitor);
	store_bind_text(st, 6, bare);
	store_bind_text(st, 7, cv->lang);
	store_bind_text(st, 8, cv->lang_source);
	store_bind_text(st, 9, cv->name);
	store_bind_text(st, 10, cv->page);
	store_bind_text(st, 11, interests);
	store_bind_text(st, 12, email);
	sqlite3_bind_int(st, 13, consent);
	store_bind_text(st, 14, cv->question);
	sqlite3_bind_int64(st, 15, cv->created);
	if (store_step(app->store, st) < 0)
		goto fail;
	cv->seq = sqlite3_last_insert_rowid(store_db(app->store));
	if (cv->question && store_first_question(app, cv, origin) < 0)
		goto fail;
	if (store_event(app->store, cv->office, cv->id, "started",
	    cv->lang_source) != ACCUEIL_OK || store_commit(app->store) !=
	    ACCUEIL_OK) {
		goto fail;
	}
	free(bare);
	return 0;
fail:
	store_rollback(app->store);
	free(bare);
	return -1;
}

int
convdb_save(struct app *app, struct conv *cv)
{
	sqlite3_stmt *st = store_stmt(app->store, "UPDATE sessions SET "
	    "state = ?, invited = ?, setup_done = ?, visitor = ?, lang = ?, "
	    "lang_source = ?, transfer_to = ?, transfer_from = ?, alerted = ?, "
	    "survey_at = ?, counsellor = ?, persona = ? WHERE id = ?");

	if (st == NULL)
		return store_step(app->store, NULL);
	store_bind_text(st, 1, state_names[cv->state]);
	sqlite3_bind_int(st, 2, cv->invited);
	sqlite3_bind_int(st, 3, cv->setup_done);
	store_bind_text(st, 4, cv->visitor);
	store_bind_text(st, 5, cv->lang);
	store_bind_text(st, 6, cv->lang_source);
	store_bind_text(st, 7, cv->transfer_to);
	store_bind_text(st, 8, cv->transfer_from);
	sqlite3_bind_int(st, 9, cv->alerted);
	if (cv->survey_at)
		sqlite3_bind_int64(st, 10, cv->survey_at);
	else
		sqlite3_bind_null(st, 10);
	store_bind_text(st, 11, cv->counsellor);
	store_bind_text(st, 12, cv->persona);
	store_bind_text(st, 13, cv->id);
	return store_step(app->store, st);
}

int
convdb_set_mam_last(struct app *app, struct conv *cv, const char *sid)
{
	sqlite3_stmt *st = store_stmt(app->store, "UPDATE sessions SET "
	    "mam_last = ? WHERE id = ?");

	if (sid == NULL)
		return 0;
	if (cv->mam_last != sid) {
		free(cv->mam_last);
		cv->mam_last = xstrdup(sid);
	}
	if (st == NULL)
		return store_step(app->store, NULL);
	store_bind_text(st, 1, sid);
	store_bind_text(st, 2, cv->id);
	return store_step(app->store, st);
}

int
convdb_add_nick(struct app *app, struct conv *cv, const char *nick)
{
	sqlite3_stmt *st = store_stmt(app->store, "INSERT OR IGNORE INTO "
	    "room_nicks (session, nick) VALUES (?, ?)");

	if (nick == NULL || strlist_has(&cv->nicks, nick))
		return 0;
	strlist_add(&cv->nicks, nick);
	if (st == NULL)
		return store_step(app->store, NULL);
	store_bind_text(st, 1, cv->id);
	store_bind_text(st, 2, nick);
	return store_step(app->store, st);
}

int
convdb_close(struct app *app, struct conv *cv, const char *reason)
{
	sqlite3_stmt *st = store_stmt(app->store, "UPDATE sessions SET "
	    "state = 'closed', closed = ?, close_reason = ? WHERE id = ?");
	sqlite3_stmt *nk = store_stmt(app->store, "DELETE FROM room_nicks "
	    "WHERE session = ?");
	int rc;

	if (st == NULL || nk == NULL)
		return store_step(app->store, NULL);
	sqlite3_bind_int64(st, 1, store_now());
	store_bind_text(st, 2, reason);
	store_bind_text(st, 3, cv->id);
	rc = store_step(app->store, st);
	store_bind_text(nk, 1, cv->id);
	if (store_step(app->store, nk) < 0)
		rc = -1;
	store_event(app->store, cv->office, cv->id, "closed", reason);
	return rc;
}

int
convdb_rating(struct app *app, struct conv *cv, int rating,
    const char *comment)
{
	sqlite3_stmt *st = store_stmt(app->store, "UPDATE sessions SET "
	    "rating = ?, comment = ? WHERE id = ?");
	char n[8];

	if (st == NULL)
		return store_step(app->store, NULL);
	sqlite3_bind_int(st, 1, rating);
	store_bind_text(st, 2, comment);
	store_bind_text(st, 3, cv->id);
	if (store_step(app->store, st) < 0)
		return -1;
	snprintf(n, sizeof(n), "%d", rating);
	store_event(app->store, cv->office, cv->id, "rated", n);
	return 0;
}

int
convdb_take(struct app *app, const char *id, const char *jid,
    const char *persona, int transfer)
{
	sqlite3_stmt *st = transfer ? store_stmt(app->store, "UPDATE sessions "
	    "SET counsellor = ?, persona = ?, taken = ?, transfer_to = NULL, "
	    "transfer_from = counsellor WHERE id = ? AND state = 'active' AND "
	    "transfer_to IS NOT NULL") : store_stmt(app->store, "UPDATE "
	    "sessions SET state = 'active', counsellor = ?, persona = ?, "
	    "taken = ? WHERE id = ? AND state = 'waiting'");

	if (st == NULL)
		return store_step(app->store, NULL);
	store_bind_text(st, 1, jid);
	store_bind_text(st, 2, persona);
	sqlite3_bind_int64(st, 3, store_now());
	store_bind_text(st, 4, id);
	if (store_step(app->store, st) < 0)
		return -1;
	return sqlite3_changes(store_db(app->store)) == 1;
}

char *
convdb_holder(struct app *app, const char *id)
{
	sqlite3_stmt *st = store_stmt(app->store, "SELECT counsellor FROM "
	    "sessions WHERE id = ?");
	char *who = NULL;

	if (st == NULL)
		return NULL;
	store_bind_text(st, 1, id);
	if (store_row(app->store, st) == 1) {
		who = store_col_text(st, 0);
		sqlite3_reset(st);
	}
	return who;
}

int
convdb_known(struct app *app, const char *id)
{
	sqlite3_stmt *st = store_stmt(app->store, "SELECT 1 FROM sessions "
	    "WHERE id = ?");
	int found = 0;

	if (st == NULL)
		return 0;
	store_bind_text(st, 1, id);
	if (store_row(app->store, st) == 1) {
		found = 1;
		sqlite3_reset(st);
	}
	return found;
}

long
convdb_mean_take(struct app *app, const char *office, long dflt)
{
	sqlite3_stmt *st = store_stmt(app->store, "SELECT avg(taken - created) "
	    "FROM (SELECT taken, created FROM sessions WHERE office = ? AND "
	    "taken IS NOT NULL ORDER BY taken DESC LIMIT 20)");
	long m = dflt;

	if (st == NULL)
		return m;
	store_bind_text(st, 1, office);
	if (store_row(app->store, st) == 1) {
		if (sqlite3_column_type(st, 0) != SQLITE_NULL)
			m = (long)sqlite3_column_double(st, 0);
		sqlite3_reset(st);
	}
	return m;
}

static void
load_nicks(struct app *app, struct conv *cv)
{
	sqlite3_stmt *st = store_stmt(app->store, "SELECT nick FROM room_nicks "
	    "WHERE session = ?");

	if (st == NULL)
		return;
	store_bind_text(st, 1, cv->id);
	while (store_row(app->store, st) == 1)
		strlist_add(&cv->nicks, (const char *)sqlite3_column_text(st,
		    0));
}

int
convdb_load(struct app *app, void (*fn)(struct app *, struct conv *))
{
	sqlite3_stmt *st = store_stmt(app->store, "SELECT id, office, room, "
	    "password, visitor, lang, name, page, question, counsellor, "
	    "persona, state, created, invited, setup_done, transfer_to, "
	    "transfer_from, alerted, lang_source, email, consent, rowid, "
	    "mam_last, survey_at FROM sessions WHERE state != 'closed' "
	    "ORDER BY created, rowid");
	struct conv **v = NULL;
	size_t n = 0, i, k;
	int rc;

	if (st == NULL)
		return -1;
	while ((rc = store_row(app->store, st)) == 1) {
		struct conv *cv = conv_alloc();
		char *state = store_col_text(st, 11);

		cv->id = store_col_text(st, 0);
		cv->office = store_col_text(st, 1);
		cv->room = store_col_text(st, 2);
		cv->password = store_col_text(st, 3);
		cv->visitor = store_col_text(st, 4);
		cv->lang = store_col_text(st, 5);
		cv->name = store_col_text(st, 6);
		cv->page = store_col_text(st, 7);
		cv->question = store_col_text(st, 8);
		cv->counsellor = store_col_text(st, 9);
		cv->persona = store_col_text(st, 10);
		for (k = 0; k < nitems(state_names); k++)
			if (state && strcmp(state, state_names[k]) == 0)
				cv->state = (enum conv_state)k;
		free(state);
		cv->created = sqlite3_column_int64(st, 12);
		cv->invited = sqlite3_column_int(st, 13);
		cv->setup_done = sqlite3_column_int(st, 14);
		cv->transfer_to = store_col_text(st, 15);
		cv->transfer_from = store_col_text(st, 16);
		cv->alerted = sqlite3_column_int(st, 17);
		cv->lang_source = store_col_text(st, 18);
		if (sqlite3_column_int(st, 20))
			cv->email = store_col_text(st, 19);
		cv->seq = sqlite3_column_int64(st, 21);
		cv->mam_last = store_col_text(st, 22);
		cv->survey_at = sqlite3_column_int64(st, 23);
		v = xreallocarray(v, n + 1, sizeof(*v));
		v[n++] = cv;
	}
	/* nicks after the outer query is done: one statement at a time */
	for (i = 0; i < n; i++) {
		load_nicks(app, v[i]);
		fn(app, v[i]);
	}
	free(v);
	return rc < 0 ? -1 : (int)n;
}

