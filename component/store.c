/*
 * store.c: SQLite storage: opening, migrations, statement cache, events.
 *
 * Migrations are a list of SQL scripts; PRAGMA user_version holds how many
 * have run. Each runs in its own transaction. Later features append
 * migrations, never edit old ones.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "log.h"
#include "store.h"
#include "store_int.h"
#include "util.h"

int64_t
store_now(void)
{
	return (int64_t)clock_now();
}

static int
exec_sql(sqlite3 *db, const char *sql)
{
	char *msg = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		log_warnx("store: %s", msg ? msg : sqlite3_errmsg(db));
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

static int
user_version(sqlite3 *db)
{
	sqlite3_stmt *s;
	int v = -1;

	if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &s, NULL) !=
	    SQLITE_OK)
		return -1;
	if (sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	return v;
}

static enum accueil_err
migrate(struct store *st, const char *path)
{
	int v = user_version(st->db), latest = store_schema_latest();

	if (v < 0)
		return ACCUEIL_ESTORE;
	if (v > latest) {
		log_warnx("store: %s has schema version %d but this accueild "
		    "knows only up to %d: use a newer accueild or restore a "
		    "backup", path, v, latest);
		return ACCUEIL_ESCHEMA;
	}
	for (; v < latest; v++) {
		char pragma[64];

		if (exec_sql(st->db, "BEGIN IMMEDIATE") < 0)
			return ACCUEIL_ESTORE;
		snprintf(pragma, sizeof(pragma), "PRAGMA user_version = %d",
		    v + 1);
		if (exec_sql(st->db, store_migrations[v]) < 0 ||
		    exec_sql(st->db, pragma) < 0) {
			exec_sql(st->db, "ROLLBACK");
			log_warnx("store: migration to schema %d failed", v + 1);
			return ACCUEIL_ESTORE;
		}
		if (exec_sql(st->db, "COMMIT") < 0)
			return ACCUEIL_ESTORE;
		log_info("store: %s migrated to schema version %d", path,
		    v + 1);
	}
	st->version = latest;
	return ACCUEIL_OK;
}

struct store *
store_open(const char *path, enum accueil_err *errp)
{
	struct store *st = xcalloc(1, sizeof(*st));
	enum accueil_err e = ACCUEIL_ESTORE;

	if (sqlite3_open_v2(path, &st->db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		log_warnx("store: cannot open %s: %s", path,
		    st->db ? sqlite3_errmsg(st->db) : "out of memory");
		goto fail;
	}
	/* the loop must never block for seconds on a lock */
	sqlite3_busy_timeout(st->db, 200);
	if (exec_sql(st->db, "PRAGMA journal_mode = WAL") < 0 ||
	    exec_sql(st->db, "PRAGMA synchronous = NORMAL") < 0 ||
	    exec_sql(st->db, "PRAGMA foreign_keys = ON") < 0) {
		log_warnx("store: cannot set up %s", path);
		goto fail;
	}
	if ((e = migrate(st, path)) != ACCUEIL_OK)
		goto fail;
	*errp = ACCUEIL_OK;
	return st;
fail:
	*errp = e;
	store_close(st);
	return NULL;
}

struct store *
store_open_readonly(const char *path, enum accueil_err *errp)
{
	struct store *st = xcalloc(1, sizeof(*st));
	sqlite3_stmt *s = NULL;

	*errp = ACCUEIL_ESTORE;
	if (sqlite3_open_v2(path, &st->db, SQLITE_OPEN_READONLY |
	    SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		log_warnx("store: cannot open %s: %s", path,
		    st->db ? sqlite3_errmsg(st->db) : "out of memory");
		goto fail;
	}
	/* the daemon's writes are short: wait for them rather than fail */
	sqlite3_busy_timeout(st->db, 5000);
	if (sqlite3_prepare_v2(st->db, "PRAGMA user_version", -1, &s,
	    NULL) != SQLITE_OK || sqlite3_step(s) != SQLITE_ROW) {
		log_warnx("store: cannot read %s: %s", path,
		    sqlite3_errmsg(st->db));
		goto fail;
	}
	st->version = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	s = NULL;
	if (st->version != store_schema_latest()) {
		log_warnx("store: %s has schema version %d, this program reads "
		    "version %d: %s", path, st->version, store_schema_latest(),
		    st->version < store_schema_latest() ? "start accueild "
		    "once to migrate it" : "use the accueilctl of the running "
		    "accueild");
		goto fail;
	}
	*errp = ACCUEIL_OK;
	return st;
fail:
	sqlite3_finalize(s);
	store_close(st);
	return NULL;
}

void
store_close(struct store *st)
{
	size_t i;

	if (st == NULL)
		return;
	if (st->batch) {
		store_batch_commit(st);
		log_info("store: %lu batches of %lu writes in all (group "
		    "commit)", st->batches, st->batch_writes);
	}
	store_batch_free(st);
	for (i = 0; i < st->ncache; i++)
		sqlite3_finalize(st->cache[i].stmt);
	if (st->db)
		sqlite3_close(st->db);
	free(st);
}

int
store_schema_version(struct store *st)
{
	return st->version;
}

sqlite3 *
store_db(struct store *st)
{
	return st->db;
}

sqlite3_stmt *
store_stmt(struct store *st, const char *sql)
{
	sqlite3_stmt *s;
	size_t i;

	for (i = 0; i < st->ncache; i++)
		if (st->cache[i].sql == sql) {
			s = st->cache[i].stmt;
			sqlite3_reset(s);
			sqlite3_clear_bindings(s);
			return s;
		}
	if (sqlite3_prepare_v3(st->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &s,
	    NULL) != SQLITE_OK) {
		log_warnx("store: cannot prepare \"%.60s\": %s", sql,
		    sqlite3_errmsg(st->db));
		return NULL;
	}
	if (st->ncache == STMT_CACHE)
		fatalx("store: statement cache full: raise STMT_CACHE");
	st->cache[st->ncache].sql = sql;
	st->cache[st->ncache].stmt = s;
	st->ncache++;
	return s;
}

enum accueil_err
store_exec(struct store *st, const char *sql)
{
	sqlite3_stmt *s = store_stmt(st, sql);
	int rc;

	if (s == NULL)
		return ACCUEIL_ESTORE;
	rc = store_batch_step(st, s);
	sqlite3_reset(s);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		log_warnx("store: %s", sqlite3_errmsg(st->db));
		return ACCUEIL_ESTORE;
	}
	return ACCUEIL_OK;
}

/* Steps a statement expected to finish; resets it. */
static enum accueil_err
step_done(struct store *st, sqlite3_stmt *s)
{
	int rc = store_batch_step(st, s);

	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		log_warnx("store: %s", sqlite3_errmsg(st->db));
		return ACCUEIL_ESTORE;
	}
	return ACCUEIL_OK;
}

void
store_bind_text(sqlite3_stmt *s, int i, const char *v)
{
	if (v)
		sqlite3_bind_text(s, i, v, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(s, i);
}

char *
store_col_text(sqlite3_stmt *s, int i)
{
	const unsigned char *t = sqlite3_column_text(s, i);

	return t ? xstrdup((const char *)t) : NULL;
}

static int
disk_trouble(int rc)
{
	int e = rc & 0xff;

	return e == SQLITE_FULL || e == SQLITE_IOERR || e == SQLITE_BUSY ||
	    e == SQLITE_LOCKED || e == SQLITE_CANTOPEN || e == SQLITE_READONLY;
}

static void
failed(struct store *st, int rc)
{
	if (rc != st->last_error)
		log_warnx("store: %s (%d)", sqlite3_errmsg(st->db), rc);
	st->last_error = rc;
	if (disk_trouble(rc) && !st->trouble) {
		st->trouble = 1;
		log_warnx("store: writes fail (%s): new conversations are refused "
		    "and visitors asked to send again until there is room",
		    sqlite3_errstr(rc));
	}
}

int
store_step(struct store *st, sqlite3_stmt *s)
{
	int rc;

	if (s == NULL) {
		failed(st, SQLITE_ERROR);
		return -1;
	}
	rc = store_batch_step(st, s);
	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		failed(st, rc);
		return -1;
	}
	st->last_error = 0;
	return 0;
}

int
store_row(struct store *st, sqlite3_stmt *s)
{
	int rc = store_batch_step(st, s);

	if (rc == SQLITE_ROW)
		return 1;
	sqlite3_reset(s);
	if (rc == SQLITE_DONE)
		return 0;
	failed(st, rc);
	return -1;
}

int
store_error(const struct store *st)
{
	return st->last_error;
}

int
store_failing(const struct store *st)
{
	return st->trouble;
}

void
store_probe(struct store *st)
{
	char *msg = NULL;
	int rc;

	if (!st->trouble)
		return;
	/* a failed probe must not take the iteration's writes with it */
	if (st->batch && st->depth == 0)
		store_batch_commit(st);
	/* room for a few pages? written, then undone */
	rc = sqlite3_exec(st->db, "SAVEPOINT probe; INSERT OR REPLACE INTO kv "
	    "(key, value) VALUES ('store-probe', zeroblob(32768)); ROLLBACK "
	    "TO probe; RELEASE probe", NULL, NULL, &msg);
	sqlite3_free(msg);
	if (rc != SQLITE_OK) {
		sqlite3_exec(st->db, "ROLLBACK TO probe; RELEASE probe", NULL,
		    NULL, NULL);
		return;
	}
	st->trouble = 0;
	st->last_error = 0;
	log_info("store: writes work again");
}

enum accueil_err
store_event(struct store *st, const char *office, const char *session,
    const char *kind, const char *detail)
{
	sqlite3_stmt *s = store_stmt(st, "INSERT INTO events (at, office, "
	    "session, kind, detail) VALUES (?, ?, ?, ?, ?)");

	if (s == NULL)
		return ACCUEIL_ESTORE;
	sqlite3_bind_int64(s, 1, store_now());
	store_bind_text(s, 2, office);
	store_bind_text(s, 3, session);
	store_bind_text(s, 4, kind);
	store_bind_text(s, 5, detail);
	return step_done(st, s);
}

char *
store_kv_get(struct store *st, const char *key)
{
	sqlite3_stmt *s = store_stmt(st, "SELECT value FROM kv WHERE key = ?");
	char *v = NULL;

	if (s == NULL)
		return NULL;
	store_bind_text(s, 1, key);
	if (sqlite3_step(s) == SQLITE_ROW)
		v = xstrdup((const char *)sqlite3_column_text(s, 0));
	sqlite3_reset(s);
	return v;
}

enum accueil_err
store_kv_set(struct store *st, const char *key, const char *value)
{
	sqlite3_stmt *s = store_stmt(st, "INSERT INTO kv (key, value) VALUES "
	    "(?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value");

	if (s == NULL)
		return ACCUEIL_ESTORE;
	store_bind_text(s, 1, key);
	store_bind_text(s, 2, value);
	return step_done(st, s);
}

int
store_purge(struct store *st, int days)
{
	int64_t cutoff = store_now() - (int64_t)days * 86400;
	sqlite3_stmt *s;
	int n;

	if (store_begin(st) != ACCUEIL_OK)
		return -1;
	s = store_stmt(st, "DELETE FROM messages WHERE session IN (SELECT id "
	    "FROM sessions WHERE state = 'closed' AND closed < ? AND visitor "
	    "!= '')");
	if (s == NULL)
		goto fail;
	sqlite3_bind_int64(s, 1, cutoff);
	if (step_done(st, s) != ACCUEIL_OK)
		goto fail;
	s = store_stmt(st, "UPDATE sessions SET visitor = '', visitor_bare = "
	    "'', name = NULL, email = NULL, question = NULL, interests = NULL, "
	    "comment = NULL, page = NULL WHERE state = 'closed' AND closed < ? "
	    "AND visitor != ''");
	if (s == NULL)
		goto fail;
	sqlite3_bind_int64(s, 1, cutoff);
	if (step_done(st, s) != ACCUEIL_OK)
		goto fail;
	n = sqlite3_changes(st->db);
	/* answered long ago, or filed long ago and never answered */
	s = store_stmt(st, "UPDATE requests SET question = '', contact = '', "
	    "name = NULL, answer = NULL WHERE ((state = 'answered' AND answered "
	    "< ?1) OR created < ?1) AND contact != ''");
	if (s == NULL)
		goto fail;
	sqlite3_bind_int64(s, 1, cutoff);
	if (step_done(st, s) != ACCUEIL_OK)
		goto fail;
	/* the meeting links may carry the visitor's name */
	s = store_stmt(st, "UPDATE appointments SET visitor = NULL, "
	    "visitor_name = NULL, visitor_url = NULL, counsellor_url = NULL, "
	    "setup_url = NULL WHERE end < ? AND (visitor IS NOT NULL OR "
	    "visitor_url IS NOT NULL)");
	if (s == NULL)
		goto fail;
	sqlite3_bind_int64(s, 1, cutoff);
	if (step_done(st, s) != ACCUEIL_OK)
		goto fail;
	if (store_commit(st) != ACCUEIL_OK)
		goto fail;
	return n;
fail:
	store_rollback(st);
	return -1;
}

void
store_test_limit(struct store *st)
{
	const char *path = getenv("ACCUEIL_TEST_DB_PAGES");
	char line[32] = "", sql[64];
	long n = 0;
	FILE *f;

	if (path == NULL || *path == '\0')
		return;
	if ((f = fopen(path, "r")) != NULL) {
		if (fgets(line, sizeof(line), f) != NULL)
			n = strtol(line, NULL, 10);
		fclose(f);
	}
	if (n == st->test_pages)
		return;
	st->test_pages = n;
	/* SQLite's own maximum when no limit */
	snprintf(sql, sizeof(sql), "PRAGMA max_page_count = %ld",
	    n > 0 ? n : 1073741823L);
	if (exec_sql(st->db, sql) == 0)
		log_info("store: test limit of %ld pages", n);
}
