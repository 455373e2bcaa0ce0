/*
 * test_convdb.c: the conversations' SQL on an in-memory store.
 *
 * A new conversation and its first question; relay de-duplication (the
 * room's stanza-id and a history line's replay key store a line once,
 * identical texts are distinct lines); the rows not yet written, in
 * order, until marked; the catch-up state (mam_last, survey_at, every
 * nick ever ours) brought back by convdb_load; the guarded take; and a
 * full database: the write fails, is said to fail, and works again once
 * there is room.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "convdb.h"
#include "msgdb.h"
#include "log.h"
#include "registry.h"
#include "store.h"
#include "tap.h"
#include "util.h"

static struct conv *
make(const char *id, const char *visitor, const char *question)
{
	struct conv *cv = conv_alloc();

	cv->id = xstrdup(id);
	cv->office = xstrdup("cahors");
	cv->room = xasprintf("%s@salons.ot.example", id);
	cv->password = xstrdup("secret");
	cv->visitor = xstrdup(visitor);
	cv->lang = xstrdup("fr");
	cv->lang_source = xstrdup("form");
	cv->name = xstrdup("Ana");
	cv->question = question ? xstrdup(question) : NULL;
	cv->state = CONV_WAITING;
	cv->created = store_now();
	return cv;
}

/* msgdb_store with a visitor line: the common case. */
static int
visitor_line(struct app *app, struct conv *cv, const char *body,
    const char *stanza_id, const char *room_key, int64_t *rowid)
{
	struct msgdb_msg m = {.role = "visitor",
	    .body = body,
	    .stanza_id = stanza_id,
	    .room_key = room_key};

	return msgdb_store(app, cv, &m, rowid);
}

static long
count(struct app *app, const char *sql)
{
	sqlite3_stmt *s;
	long n = -1;

	if (sqlite3_prepare_v2(store_db(app->store), sql, -1, &s, NULL) !=
	    SQLITE_OK)
		return -1;
	if (sqlite3_step(s) == SQLITE_ROW)
		n = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return n;
}

static struct conv *loaded[8];
static size_t nloaded;

static void
collect(struct app *app, struct conv *cv)
{
	(void)app;
	if (nloaded < nitems(loaded))
		loaded[nloaded++] = cv;
	else
		conv_free(cv);
}

static void
free_loaded(void)
{
	size_t i;

	for (i = 0; i < nloaded; i++)
		conv_free(loaded[i]);
	nloaded = 0;
}

static void
test_insert(struct app *app, struct conv *cv)
{
	struct msgdb_row *rows;
	size_t n;

	is_int(convdb_insert(app, cv, "ana@ex.org", "rando", 1, "o-1"), 0,
	    "a conversation is stored");
	ok(cv->seq > 0, "its arrival order is set");
	ok(convdb_known(app, cv->id), "the store knows it");
	ok(!convdb_known(app, "v-nope"), "not an unknown id");
	is_int(
	    count(app,
	        "SELECT count(*) FROM messages WHERE session = "
	        "'v-aa' AND role = 'visitor' AND body = 'Des randonnées ?' AND "
	        "origin_id = 'o-1'"),
	    1, "the first question is the first line");
	n = msgdb_pending(app, cv, 1, &rows);
	is_int(n, 0, "the first question counts as relayed");
	msgdb_rows_free(rows, n);
	is_int(count(app, "SELECT count(*) FROM events WHERE session = 'v-aa' "
	                  "AND kind = 'started' AND detail = 'form'"),
	    1, "a started event is recorded");
	is_int(convdb_insert(app, cv, NULL, NULL, 0, NULL), -1,
	    "the same conversation twice is refused");
	is_int(count(app, "SELECT count(*) FROM messages WHERE session = "
	                  "'v-aa'"),
	    1, "and leaves nothing behind (one transaction)");
	is_int(count(app, "SELECT count(*) FROM events WHERE session = 'v-aa' "
	                  "AND kind = 'started'"),
	    1, "not even its event");
}

static void
test_dedup(struct app *app, struct conv *cv, struct conv *other)
{
	int64_t r1, r2, r3;
	int rc;

	rc = visitor_line(app, cv, "bonjour", "sid-1", NULL, &r1);
	ok(rc == 1 && r1 > 0, "a line with a stanza-id is stored");
	rc = visitor_line(app, cv, "bonjour", "sid-1", NULL, &r2);
	ok(rc == 0 && r2 == 0, "the same stanza-id again is not stored "
	                       "(returns 0)");
	rc = visitor_line(app, cv, "bonjour (corrigé)", "sid-1", NULL, &r2);
	ok(rc == 0, "the same stanza-id with another body is still the same "
	            "line");
	is_int(count(app, "SELECT count(*) FROM messages WHERE stanza_id = "
	                  "'sid-1'"),
	    1, "stored once");
	rc = visitor_line(app, other, "bonjour", "sid-1", NULL, &r2);
	ok(rc == 1 && r2 > r1, "the same stanza-id in another conversation "
	                       "is another line");

	rc = visitor_line(app, cv, "merci", NULL, NULL, &r1);
	ok(rc == 1, "a line without ids is stored");
	rc = visitor_line(app, cv, "merci", NULL, NULL, &r2);
	ok(rc == 1 && r2 > r1, "an identical line without ids is stored "
	                       "again");
	rc = visitor_line(app, cv, "oui", "sid-2", NULL, &r1);
	rc += visitor_line(app, cv, "oui", "sid-3", NULL, &r2);
	ok(rc == 2 && r2 > r1, "identical bodies with different stanza-ids "
	                       "are two lines");
	is_int(count(app, "SELECT count(*) FROM messages WHERE session = "
	                  "'v-aa' AND body = 'oui'"),
	    2, "both are stored");

	rc = visitor_line(app, cv, "une ligne", NULL, "key-1", &r1);
	ok(rc == 1 && r1 > 0, "a history line with a replay key is stored");
	rc = visitor_line(app, cv, "une ligne", NULL, "key-1", &r3);
	ok(rc == 0 && r3 == 0, "the same replay key again is not stored");
	is_int(count(app, "SELECT count(*) FROM messages WHERE room_key = "
	                  "'key-1'"),
	    1, "stored once");
	rc = visitor_line(app, cv, "une ligne", NULL, "key-2", &r3);
	ok(rc == 1, "another replay key is another line");
}

static void
test_pending(struct app *app, struct conv *cv)
{
	struct msgdb_msg bot = {.role = "bot",
	    .persona = "adam",
	    .body = "Un instant",
	    .relay_id = "r-1"};
	struct msgdb_msg co = {.role = "counsellor",
	    .persona = "claire",
	    .body = "Bonjour Ana",
	    .relay_id = "r-2",
	    .origin_id = "c-1"};
	struct msgdb_msg note = {.role = "note", .body = "rappeler"};
	struct msgdb_row *rows;
	int64_t v[3], b, c, nt, fix, row;
	size_t n, i;
	int inorder = 1;
	char *s;

	/* what test_dedup stored is pending, in order, until marked */
	n = msgdb_pending(app, cv, 1, &rows);
	for (i = 1; i < n; i++)
		if (rows[i].id <= rows[i - 1].id)
			inorder = 0;
	ok(n == 7 && inorder && strcmp(rows[0].body, "bonjour") == 0 &&
	        strcmp(rows[6].body, "une ligne") == 0,
	    "the de-duplicated lines "
	    "are pending, in order");
	for (i = 0; i < n; i++)
		msgdb_mark_relayed(app, &rows[i].id, 1);
	msgdb_rows_free(rows, n);
	n = msgdb_pending(app, cv, 1, &rows);
	is_int(n, 0, "marked, none is pending");
	msgdb_rows_free(rows, n);

	visitor_line(app, cv, "un", NULL, NULL, &v[0]);
	msgdb_store(app, cv, &bot, &b);
	visitor_line(app, cv, "deux", NULL, NULL, &v[1]);
	msgdb_store(app, cv, &co, &c);
	msgdb_store(app, cv, &note, &nt);
	visitor_line(app, cv, "trois", NULL, NULL, &v[2]);

	n = msgdb_pending(app, cv, 1, &rows);
	is_int(n, 3, "three visitor lines not yet relayed");
	for (i = 0; i < n && i < 3; i++)
		if (rows[i].id != v[i] || strcmp(rows[i].role, "visitor") != 0)
			inorder = 0;
	ok(n == 3 && inorder && strcmp(rows[0].body, "un") == 0 &&
	        strcmp(rows[2].body, "trois") == 0,
	    "in the order they came");
	msgdb_rows_free(rows, n);
	n = msgdb_pending(app, cv, 0, &rows);
	ok(n == 2 && rows[0].id == b && rows[1].id == c &&
	        strcmp(rows[0].role, "bot") == 0 &&
	        strcmp(rows[1].role, "counsellor") == 0 &&
	        strcmp(rows[1].relay_id, "r-2") == 0 && rows[1].corrects == 0,
	    "bot and counsellor lines, in order, with their relay ids");
	msgdb_rows_free(rows, n);
	is_int(count(app, "SELECT relayed FROM messages WHERE role = 'note'"),
	    1, "a note is stored as relayed (never sent)");

	is_int(msgdb_mark_relayed(app, &v[1], 1), 0, "one line marked");
	n = msgdb_pending(app, cv, 1, &rows);
	ok(n == 2 && rows[0].id == v[0] && rows[1].id == v[2],
	    "the marked line is no longer pending");
	msgdb_rows_free(rows, n);
	is_int(msgdb_mark_relayed(app, (int64_t[]){v[0], v[2]}, 2), 0,
	    "two lines marked");
	n = msgdb_pending(app, cv, 1, &rows);
	ok(n == 0 && rows == NULL, "no visitor line pending");
	msgdb_rows_free(rows, n);
	is_int(msgdb_mark_relayed(app, NULL, 0), 0, "marking nothing is fine");

	/* a correction points at the row it corrects */
	s = msgdb_relay_id_of(app, cv, "counsellor", "c-1", &row);
	ok(s && strcmp(s, "r-2") == 0 && row == c,
	    "the relay id and row of "
	    "a counsellor's line by its origin id");
	free(s);
	s = msgdb_relay_id_of(app, cv, "visitor", "c-1", &row);
	ok(s == NULL && row == 0, "not under another role");
	s = msgdb_relay_id_of(app, cv, "counsellor", NULL, &row);
	ok(s == NULL && row == 0, "no origin id, no row");
	co.body = "Bonjour Ana !";
	co.relay_id = "r-3";
	co.corrects = c;
	msgdb_store(app, cv, &co, &fix);
	n = msgdb_pending(app, cv, 0, &rows);
	ok(n == 3 && rows[2].id == fix && rows[2].corrects == c,
	    "a correction is pending with the row it corrects");
	msgdb_rows_free(rows, n);
	s = msgdb_relay_id_row(app, fix);
	is_str(s, "r-3", "the relay id of a row");
	free(s);
	ok(msgdb_relay_id_row(app, 999999) == NULL, "no row, no relay id");

	/* what the visitor said, and the context for a colleague */
	s = msgdb_visitor_text(app, cv, "deux");
	ok(s && strstr(s, "Des randonnées ?\n") == s && strstr(s, "\nun\n") &&
	        strstr(s, "\ntrois") && !strstr(s, "deux"),
	    "the visitor's lines, one a line, without the skipped one");
	free(s);
	{
		struct buf bf = {0};

		msgdb_context(app, cv, &bf);
		ok(bf.s && strstr(bf.s, "\ncounsellor claire: Bonjour Ana") &&
		        strstr(bf.s, "\nnote: rappeler") &&
		        strstr(bf.s, "\nvisitor: trois") &&
		        !strstr(bf.s, "Un instant"),
		    "the context has the last "
		    "visitor, counsellor and note lines, not the bot's");
		buf_free(&bf);
	}
}

static void
test_state(struct app *app, struct conv *cv)
{
	struct conv *cv2 = make("v-bb", "bo@ex.org/web", NULL);
	int64_t at = store_now() - 30;
	size_t i;
	int rc;

	is_int(convdb_insert(app, cv2, NULL, NULL, 0, NULL), 0,
	    "a conversation without a question is stored");
	is_int(count(app, "SELECT count(*) FROM messages WHERE session = "
	                  "'v-bb'"),
	    0, "with no line");
	is_int(convdb_set_mam_last(app, cv, "arch-77"), 0, "mam_last saved");
	is_str(cv->mam_last, "arch-77", "and kept on the conversation");
	is_int(convdb_set_mam_last(app, cv, cv->mam_last), 0,
	    "saving its own mam_last is fine");
	is_int(convdb_set_mam_last(app, cv, NULL), 0,
	    "a NULL id changes "
	    "nothing");
	is_str(cv->mam_last, "arch-77", "mam_last unchanged");
	cv->survey_at = at;
	cv->state = CONV_SURVEY;
	cv->invited = 1;
	cv->setup_done = 1;
	is_int(convdb_save(app, cv), 0, "the changing fields are saved");
	is_int(convdb_add_nick(app, cv, "Claire"), 0, "a nick of ours");
	is_int(convdb_add_nick(app, cv, "Claire (2)"), 0, "another");
	is_int(convdb_add_nick(app, cv, "Claire"), 0, "the same nick again");
	is_int(convdb_add_nick(app, cv, NULL), 0, "a NULL nick is ignored");
	ok(cv->nicks.n == 2 && strlist_has(&cv->nicks, "Claire") &&
	        strlist_has(&cv->nicks, "Claire (2)"),
	    "the nicks are on the "
	    "conversation, once each");
	is_int(count(app, "SELECT count(*) FROM room_nicks WHERE session = "
	                  "'v-aa'"),
	    2, "and in the store, once each");

	rc = convdb_load(app, collect);
	is_int(rc, 3, "three open conversations load");
	ok(nloaded == 3 && strcmp(loaded[0]->id, "v-aa") == 0,
	    "in arrival order");
	for (i = 0; i < nloaded; i++)
		if (strcmp(loaded[i]->id, "v-aa") == 0)
			break;
	if (i < nloaded) {
		struct conv *l = loaded[i];

		is_str(l->mam_last, "arch-77", "mam_last comes back");
		is_int(l->survey_at, at, "survey_at comes back");
		is_int(l->state, CONV_SURVEY, "the state comes back");
		ok(l->invited && l->setup_done, "invited and set-up come back");
		ok(l->nicks.n == 2 && strlist_has(&l->nicks, "Claire") &&
		        strlist_has(&l->nicks, "Claire (2)"),
		    "the nicks come back");
		is_str(l->room, "v-aa@salons.ot.example", "the room");
		is_str(l->visitor, "ana@ex.org/phone", "the visitor");
		is_str(l->email, "ana@ex.org", "the e-mail given with consent");
		is_int(l->seq, cv->seq, "the arrival order");
	} else
		ok(0, "v-aa loads");
	for (i = 0; i < nloaded; i++)
		if (strcmp(loaded[i]->id, "v-bb") == 0)
			ok(loaded[i]->mam_last == NULL &&
			        loaded[i]->survey_at == 0 &&
			        loaded[i]->nicks.n == 0 &&
			        loaded[i]->email == NULL,
			    "a fresh one has no "
			    "catch-up state, and no e-mail without consent");
	free_loaded();

	/* the guarded take */
	rc = convdb_take(app, "v-bb", "marie@ot.example", "claire", 0);
	is_int(rc, 1, "the first take of a waiting conversation wins");
	rc = convdb_take(app, "v-bb", "paul@ot.example", "pierre", 0);
	is_int(rc, 0, "the second take loses");
	{
		char *who = convdb_holder(app, "v-bb");

		is_str(who, "marie@ot.example", "the first one holds it");
		free(who);
	}
	ok(convdb_holder(app, "v-nope") == NULL, "nobody holds an unknown "
	                                         "conversation");
	is_int(convdb_take(app, "v-nope", "paul@ot.example", "pierre", 0), 0,
	    "taking an unknown conversation loses");
	is_int(convdb_take(app, "v-bb", "paul@ot.example", "pierre", 1), 0,
	    "a transfer take loses when no transfer was asked");
	free(cv2->transfer_to);
	cv2->transfer_to = xstrdup("pierre");
	cv2->state = CONV_ACTIVE;
	free(cv2->counsellor);
	cv2->counsellor = xstrdup("marie@ot.example");
	convdb_save(app, cv2);
	is_int(convdb_take(app, "v-bb", "paul@ot.example", "pierre", 1), 1,
	    "a transfer take wins once a transfer is asked");
	is_int(convdb_take(app, "v-bb", "luc@ot.example", "luc", 1), 0,
	    "a second transfer take loses");
	is_int(
	    count(app, "SELECT count(*) FROM sessions WHERE id = 'v-bb' "
	               "AND counsellor = 'paul@ot.example' AND transfer_from = "
	               "'marie@ot.example' AND transfer_to IS NULL"),
	    1, "the transfer is recorded (from, to cleared)");
	ok(convdb_mean_take(app, "cahors", -7) >= 0, "a mean take time once "
	                                             "something was taken");
	is_int(convdb_mean_take(app, "figeac", -7), -7,
	    "the default where "
	    "nothing was taken");

	is_int(convdb_rating(app, cv, 4, "merci"), 0, "a rating is stored");
	is_int(count(app, "SELECT count(*) FROM sessions WHERE id = 'v-aa' "
	                  "AND rating = 4 AND comment = 'merci'"),
	    1, "with its comment");
	is_int(convdb_close(app, cv, "done"), 0, "closed");
	is_int(count(app, "SELECT count(*) FROM room_nicks WHERE session = "
	                  "'v-aa'"),
	    0, "closing forgets its nicks");
	is_int(count(app, "SELECT count(*) FROM sessions WHERE id = 'v-aa' "
	                  "AND state = 'closed' AND close_reason = 'done'"),
	    1, "closed in the store with its reason");
	rc = convdb_load(app, collect);
	ok(rc == 2 && nloaded == 2 && strcmp(loaded[0]->id, "v-aa") != 0 &&
	        strcmp(loaded[1]->id, "v-aa") != 0,
	    "a closed conversation does "
	    "not load");
	free_loaded();
	conv_free(cv2);
}

static void
test_full(struct app *app, struct conv *cv)
{
	sqlite3 *db = store_db(app->store);
	char *big = xcalloc(1, 64 * 1024 + 1), sql[96];
	int64_t row;
	long pages;
	int rc = 0, i, failed_at = -1;

	memset(big, 'x', 64 * 1024);
	pages = count(app, "PRAGMA page_count");
	ok(pages > 0, "the store has pages");
	snprintf(sql, sizeof(sql), "PRAGMA max_page_count = %ld", pages);
	sqlite3_exec(db, sql, NULL, NULL, NULL);
	is_int(count(app, "PRAGMA max_page_count"), pages,
	    "the disk is "
	    "capped at what is used");
	for (i = 0; i < 50 && failed_at < 0; i++) {
		big[0] = (char)('a' + i % 26);
		rc = visitor_line(app, cv, big, NULL, NULL, &row);
		if (rc != 1)
			failed_at = i;
	}
	ok(failed_at >= 0 && rc == -1, "a big line on a full disk fails "
	                               "(-1)");
	ok(row == 0, "and gives no row");
	is_int(convdb_error(app) & 0xff, SQLITE_FULL, "convdb_error says full");
	ok(convdb_failing(app), "convdb_failing says the disk is failing");
	rc = visitor_line(app, cv, big, NULL, NULL, &row);
	ok(rc == -1 && convdb_failing(app), "it keeps failing while full");

	sqlite3_exec(
	    db, "PRAGMA max_page_count = 1073741823", NULL, NULL, NULL);
	rc = visitor_line(app, cv, big, NULL, NULL, &row);
	ok(rc == 1 && row > 0, "once there is room, the line is stored");
	ok(convdb_error(app) == 0, "the last error is forgotten");
	ok(convdb_failing(app), "the trouble stays until a probe says so");
	store_probe(app->store);
	ok(!convdb_failing(app), "the probe finds room: writes work again");
	is_int(convdb_set_mam_last(app, cv, "arch-78"), 0,
	    "other writes work "
	    "again");
	free(big);
}

static void
test_failing_kinds(void)
{
	/* only the disk and locks count as "failing", not a constraint */
	struct app app = {0};
	enum accueil_err e;
	struct conv *cv;
	int64_t row;

	app.store = store_open(":memory:", &e);
	cv = make("v-orphan", "x@ex.org/r", NULL);
	ok(visitor_line(&app, cv, "hé", NULL, NULL, &row) == -1,
	    "a line for a conversation not stored is refused (foreign key)");
	ok(convdb_error(&app) != 0 && !convdb_failing(&app), "an error, but not a "
	                                             "failing disk");
	conv_free(cv);
	store_close(app.store);
}

int
main(void)
{
	struct app app = {0};
	enum accueil_err e;
	struct conv *cv, *other;

	log_init(1, LOG_LEVEL_ERROR);
	app.store = store_open(":memory:", &e);
	ok(app.store != NULL, "an in-memory store");
	if (app.store == NULL)
		return tap_done();
	is_int(convdb_error(&app), 0, "no failure yet");
	cv = make("v-aa", "ana@ex.org/phone", "Des randonnées ?");
	other = make("v-cc", "cy@ex.org/web", NULL);
	test_insert(&app, cv);
	convdb_insert(&app, other, NULL, NULL, 0, NULL);
	test_dedup(&app, cv, other);
	test_pending(&app, cv);
	test_state(&app, cv);
	test_full(&app, other);
	test_failing_kinds();
	conv_free(cv);
	conv_free(other);
	store_close(app.store);
	return tap_done();
}
