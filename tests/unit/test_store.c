/*
 * test_store.c: the SQLite store: creation, migrations, reopening, a
 * database newer than the binary, events and subscribers.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app.h"
#include "conf.h"
#include "log.h"
#include "store.h"
#include "subs.h"
#include "tap.h"

static void
count_cb(const char *office, const char *jid, void *ud)
{
	(*(int *)ud)++;
}

static const char cached_sql[] = "SELECT count(*) FROM kv";

int
main(void)
{
	char dir[] = "/tmp/accueil-store-XXXXXX";
	char path[256], cmd[512];
	enum accueil_err e;
	struct store *st;
	sqlite3_stmt *s;
	struct app app = {0};
	struct conf cf = {0};
	char clockpath[64];
	FILE *fp;
	char *v;
	int n = 0;

	log_init(1, LOG_LEVEL_ERROR);
	st = store_open(":memory:", &e);
	ok(st != NULL && e == ACCUEIL_OK, "an in-memory store opens");
	is_int(store_schema_version(st), store_schema_latest(),
	    "a new store is at the latest schema");
	ok(store_event(st, "cahors", NULL, "test", "x") == ACCUEIL_OK,
	    "an event is recorded");
	s = store_stmt(st, "SELECT count(*) FROM events WHERE kind = 'test'");
	ok(s && sqlite3_step(s) == SQLITE_ROW && sqlite3_column_int(s, 0) == 1,
	    "the event is there");
	ok(store_stmt(st, cached_sql) == store_stmt(st, cached_sql),
	    "a statement is prepared once and reused");
	app.store = st;
	app.conf = &cf;
	cf.max_subscribers = 2;
	cf.subscriber_days = 30;
	cf.max_watchers = 2;
	cf.watcher_hours = 24;
	subs_add(&app, "cahors", "a@x");
	subs_add(&app, "cahors", "a@x");
	subs_add(&app, "cahors", "b@x");
	subs_add(&app, "figeac", "a@x");
	subs_foreach(&app, "cahors", count_cb, &n);
	is_int(n, 2, "subscribers are unique per office");
	is_int(subs_add(&app, "cahors", "c@x"), 0,
	    "a subscriber beyond max-subscribers is refused");
	is_int(subs_add(&app, "cahors", "a@x"), 1,
	    "one already there is still subscribed at the cap");
	subs_remove(&app, "cahors", "a@x");
	n = 0;
	subs_foreach(&app, NULL, count_cb, &n);
	is_int(n, 2, "unsubscribe removes one");
	subs_watch(&app, "cahors", "w1@x/r", 1);
	subs_watch(&app, "cahors", "w2@x/r", 1);
	subs_watch(&app, "cahors", "w3@x/r", 1);
	is_int((long)subs_watchers_count(), 2, "watchers are capped");
	subs_load(&app);
	is_int((long)subs_watchers_count(), 2, "watchers are read back");
	subs_watch(&app, "cahors", "w1@x/r", 0);
	is_int((long)subs_watchers_count(), 1, "unavailable ends a watcher");
	snprintf(clockpath, sizeof(clockpath), "/tmp/accueil-clock-%ld",
	    (long)getpid());
	if ((fp = fopen(clockpath, "w")) != NULL) {
		fprintf(fp, "+%d\n", 31 * 86400);
		fclose(fp);
	}
	setenv("ACCUEIL_TEST_CLOCK", clockpath, 1);
	subs_tick(&app);
	unsetenv("ACCUEIL_TEST_CLOCK");
	unlink(clockpath);
	n = 0;
	subs_foreach(&app, NULL, count_cb, &n);
	is_int(n, 0, "unknown subscribers expire after subscriber-days");
	is_int((long)subs_watchers_count(), 0,
	    "silent watchers expire after watcher-hours");
	subs_free_all();
	store_kv_set(st, "k", "1");
	store_kv_set(st, "k", "2");
	v = store_kv_get(st, "k");
	is_str(v, "2", "kv overwrite");
	free(v);
	store_close(st);

	if (mkdtemp(dir) == NULL)
		return 1;
	snprintf(path, sizeof(path), "%s/a.db", dir);
	st = store_open(path, &e);
	ok(st != NULL, "a file store is created");
	store_event(st, NULL, NULL, "persisted", NULL);
	store_close(st);
	st = store_open(path, &e);
	s = st ? store_stmt(st, "SELECT count(*) FROM events WHERE kind = "
	    "'persisted'") : NULL;
	ok(s && sqlite3_step(s) == SQLITE_ROW && sqlite3_column_int(s, 0) == 1,
	    "reopening keeps the data");
	s = st ? store_stmt(st, "PRAGMA journal_mode") : NULL;
	ok(s && sqlite3_step(s) == SQLITE_ROW &&
	    strcmp((const char *)sqlite3_column_text(s, 0), "wal") == 0,
	    "the store is in WAL mode");
	s = st ? store_stmt(st, "PRAGMA foreign_keys") : NULL;
	ok(s && sqlite3_step(s) == SQLITE_ROW && sqlite3_column_int(s, 0) == 1,
	    "foreign keys are on");
	/* pretend a newer accueild wrote it */
	if (st) {
		char sql[64];

		snprintf(sql, sizeof(sql), "PRAGMA user_version = %d",
		    store_schema_latest() + 1);
		sqlite3_exec(store_db(st), sql, NULL, NULL, NULL);
	}
	store_close(st);
	st = store_open(path, &e);
	ok(st == NULL && e == ACCUEIL_ESCHEMA, "a newer schema is refused");
	store_close(st);

	/* a database at schema 1 is migrated, keeping its data */
	snprintf(path, sizeof(path), "%s/old.db", dir);
	st = store_open(path, &e);
	if (st)
		sqlite3_exec(store_db(st), "DROP TABLE canned; DROP TABLE followups; "
		    "DROP TABLE consents; DROP TABLE outbox; "
		    "DROP TABLE watchers; DROP TABLE pool_rooms; "
		    "DROP INDEX subscribers_seen; DROP INDEX subscribers_jid; "
		    "ALTER TABLE subscribers DROP COLUMN seen; "
		    "DROP TABLE reviews; DROP TABLE stat_events; "
		    "DROP TABLE room_nicks; DROP TABLE appointments; "
		    "DROP TABLE requests; "
		    "DROP TABLE offers; DROP TABLE "
		    "messages; DROP TABLE sessions; PRAGMA user_version = 1; "
		    "INSERT INTO events (at, kind) VALUES (1, 'kept');", NULL,
		    NULL, NULL);
	store_close(st);
	st = store_open(path, &e);
	ok(st != NULL && store_schema_version(st) == store_schema_latest(),
	    "a schema-1 database is migrated at start");
	s = st ? store_stmt(st, "SELECT count(*) FROM events WHERE kind = "
	    "'kept'") : NULL;
	ok(s && sqlite3_step(s) == SQLITE_ROW && sqlite3_column_int(s, 0) == 1,
	    "migration keeps the existing rows");
	s = st ? store_stmt(st, "SELECT count(*) FROM sessions") : NULL;
	ok(s && sqlite3_step(s) == SQLITE_ROW, "the new tables exist");
	store_close(st);
	/* retention: old closed sessions lose what the visitor wrote */
	st = store_open(":memory:", &e);
	if (st) {
		sqlite3_exec(store_db(st), "INSERT INTO sessions (id, office, "
		    "room, password, visitor, visitor_bare, lang, lang_source, "
		    "name, question, state, created, closed) VALUES "
		    "('v-old', 'o', 'r1', 'p', 'a@b/c', 'a@b', 'fr', 'form', "
		    "'Ana', 'q?', 'closed', 1, 2), "
		    "('v-new', 'o', 'r2', 'p', 'd@e/f', 'd@e', 'fr', 'form', "
		    "'Bo', 'q2', 'active', 1, NULL);"
		    "INSERT INTO messages (session, at, role, body) VALUES "
		    "('v-old', 1, 'visitor', 'hello'), "
		    "('v-new', 1, 'visitor', 'hi');", NULL, NULL, NULL);
		is_int(store_purge(st, 30), 1, "one old closed session purged");
		s = store_stmt(st, "SELECT count(*) FROM messages");
		ok(s && sqlite3_step(s) == SQLITE_ROW &&
		    sqlite3_column_int(s, 0) == 1, "its messages are gone, the "
		    "open session's stay");
		s = store_stmt(st, "SELECT name, question, visitor FROM "
		    "sessions WHERE id = 'v-old'");
		ok(s && sqlite3_step(s) == SQLITE_ROW &&
		    sqlite3_column_type(s, 0) == SQLITE_NULL &&
		    sqlite3_column_type(s, 1) == SQLITE_NULL &&
		    strcmp((const char *)sqlite3_column_text(s, 2), "") == 0,
		    "the session row stays, without personal data");
		is_int(store_purge(st, 30), 0, "purging again finds nothing");
	}
	store_close(st);
	st = store_open("/nonexistent/dir/x.db", &e);
	ok(st == NULL && e == ACCUEIL_ESTORE, "an unwritable path is refused");

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0)
		diag("cleanup failed");
	return tap_done();
}
