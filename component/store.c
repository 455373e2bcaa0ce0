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
#include "util.h"

#define STMT_CACHE 128

struct cached {
	const char *sql;
	sqlite3_stmt *stmt;
};

struct store {
	sqlite3 *db;
	struct cached cache[STMT_CACHE];
	size_t ncache;
	int version;
};

static const char *const migrations[] = {
	/* 1: foundation */
	"CREATE TABLE events ("
	"  id INTEGER PRIMARY KEY,"
	"  at INTEGER NOT NULL,"
	"  office TEXT,"
	"  session TEXT,"
	"  kind TEXT NOT NULL,"
	"  detail TEXT);"
	"CREATE INDEX events_at ON events(at);"
	"CREATE INDEX events_session ON events(session);"
	"CREATE TABLE subscribers ("
	"  office TEXT NOT NULL,"
	"  jid TEXT NOT NULL,"
	"  since INTEGER NOT NULL,"
	"  PRIMARY KEY (office, jid));"
	"CREATE TABLE kv ("
	"  key TEXT PRIMARY KEY,"
	"  value TEXT NOT NULL);",

	/* 2: visitor sessions, transcripts, offers */
	"CREATE TABLE sessions ("
	"  id TEXT PRIMARY KEY,"
	"  office TEXT NOT NULL,"
	"  room TEXT NOT NULL UNIQUE,"
	"  password TEXT NOT NULL,"
	"  visitor TEXT NOT NULL,"
	"  visitor_bare TEXT NOT NULL,"
	"  lang TEXT NOT NULL,"
	"  lang_source TEXT NOT NULL,"
	"  name TEXT, page TEXT, interests TEXT, email TEXT,"
	"  consent INTEGER NOT NULL DEFAULT 0,"
	"  question TEXT,"
	"  state TEXT NOT NULL,"
	"  counsellor TEXT, persona TEXT,"
	"  created INTEGER NOT NULL, taken INTEGER, closed INTEGER,"
	"  close_reason TEXT,"
	"  invited INTEGER NOT NULL DEFAULT 0,"
	"  setup_done INTEGER NOT NULL DEFAULT 0,"
	"  rating INTEGER, comment TEXT);"
	"CREATE INDEX sessions_state ON sessions(state);"
	"CREATE INDEX sessions_visitor ON sessions(visitor_bare);"
	"CREATE TABLE messages ("
	"  id INTEGER PRIMARY KEY,"
	"  session TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,"
	"  at INTEGER NOT NULL,"
	"  role TEXT NOT NULL,"
	"  persona TEXT,"
	"  body TEXT NOT NULL,"
	"  origin_id TEXT,"
	"  relay_id TEXT,"
	"  room_key TEXT,"
	"  relayed INTEGER NOT NULL DEFAULT 0,"
	"  corrects INTEGER REFERENCES messages(id) ON DELETE SET NULL);"
	"CREATE INDEX messages_session ON messages(session, id);"
	"CREATE UNIQUE INDEX messages_room_key ON messages(session, room_key)"
	"  WHERE room_key IS NOT NULL;"
	"CREATE TABLE offers ("
	"  session TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,"
	"  counsellor TEXT NOT NULL,"
	"  at INTEGER NOT NULL,"
	"  state TEXT NOT NULL,"
	"  PRIMARY KEY (session, counsellor));",

	/* 3: routing: transfers, alerts, offline requests */
	"ALTER TABLE sessions ADD COLUMN transfer_to TEXT;"
	"ALTER TABLE sessions ADD COLUMN transfer_from TEXT;"
	"ALTER TABLE sessions ADD COLUMN alerted INTEGER NOT NULL DEFAULT 0;"
	"CREATE TABLE requests ("
	"  id INTEGER PRIMARY KEY,"
	"  office TEXT NOT NULL,"
	"  session TEXT,"
	"  lang TEXT NOT NULL,"
	"  name TEXT,"
	"  question TEXT NOT NULL,"
	"  contact TEXT NOT NULL,"
	"  contact_kind TEXT NOT NULL,"	/* email or xmpp */
	"  consent INTEGER NOT NULL DEFAULT 1,"
	"  created INTEGER NOT NULL,"
	"  due INTEGER NOT NULL,"
	"  state TEXT NOT NULL DEFAULT 'open',"	/* open taken answered */
	"  counsellor TEXT,"
	"  answered INTEGER,"
	"  answer TEXT);"
	"CREATE INDEX requests_state ON requests(office, state);",

	/* 4: video appointments; one booking per counsellor and start */
	"CREATE TABLE appointments ("
	"  id INTEGER PRIMARY KEY,"
	"  session TEXT,"
	"  office TEXT NOT NULL,"
	"  counsellor TEXT NOT NULL,"
	"  persona TEXT NOT NULL,"
	"  visitor TEXT,"
	"  visitor_name TEXT,"
	"  lang TEXT NOT NULL,"
	"  start INTEGER NOT NULL,"
	"  end INTEGER NOT NULL,"
	"  state TEXT NOT NULL DEFAULT 'booked',"	/* booked cancelled */
	"  room TEXT NOT NULL,"
	"  visitor_url TEXT, counsellor_url TEXT, setup_url TEXT,"
	"  uid TEXT NOT NULL,"
	"  sequence INTEGER NOT NULL DEFAULT 0,"
	"  reminded TEXT NOT NULL DEFAULT '',"
	"  created INTEGER NOT NULL);"
	"CREATE UNIQUE INDEX appointments_slot ON appointments(counsellor, start)"
	"  WHERE state = 'booked';"
	"CREATE INDEX appointments_start ON appointments(state, start);",

	/*
	 * 5: indexes the benchmarks asked for: with 50,000 closed sessions
	 * a routing tick scanned sessions (mean time to take) and offers
	 * (open offers per counsellor) once per waiting visitor.
	 */
	"CREATE INDEX sessions_office_taken ON sessions(office, taken);"
	"CREATE INDEX offers_counsellor ON offers(counsellor, state);",
};

int
store_schema_latest(void)
{
	return (int)nitems(migrations);
}

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
		if (exec_sql(st->db, migrations[v]) < 0 ||
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
	sqlite3_busy_timeout(st->db, 5000);
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

void
store_close(struct store *st)
{
	size_t i;

	if (st == NULL)
		return;
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
	rc = sqlite3_step(s);
	sqlite3_reset(s);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		log_warnx("store: %s", sqlite3_errmsg(st->db));
		return ACCUEIL_ESTORE;
	}
	return ACCUEIL_OK;
}

enum accueil_err
store_begin(struct store *st)
{
	return store_exec(st, "BEGIN IMMEDIATE");
}

enum accueil_err
store_commit(struct store *st)
{
	return store_exec(st, "COMMIT");
}

void
store_rollback(struct store *st)
{
	if (!sqlite3_get_autocommit(st->db))
		store_exec(st, "ROLLBACK");
}

/* Steps a statement expected to finish; resets it. */
static enum accueil_err
step_done(struct store *st, sqlite3_stmt *s)
{
	int rc = sqlite3_step(s);

	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		log_warnx("store: %s", sqlite3_errmsg(st->db));
		return ACCUEIL_ESTORE;
	}
	return ACCUEIL_OK;
}

static void
bind_text(sqlite3_stmt *s, int i, const char *v)
{
	if (v)
		sqlite3_bind_text(s, i, v, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(s, i);
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
	bind_text(s, 2, office);
	bind_text(s, 3, session);
	bind_text(s, 4, kind);
	bind_text(s, 5, detail);
	return step_done(st, s);
}

enum accueil_err
store_subscriber_add(struct store *st, const char *office, const char *jid)
{
	sqlite3_stmt *s = store_stmt(st, "INSERT OR IGNORE INTO subscribers "
	    "(office, jid, since) VALUES (?, ?, ?)");

	if (s == NULL)
		return ACCUEIL_ESTORE;
	bind_text(s, 1, office);
	bind_text(s, 2, jid);
	sqlite3_bind_int64(s, 3, store_now());
	return step_done(st, s);
}

enum accueil_err
store_subscriber_remove(struct store *st, const char *office, const char *jid)
{
	sqlite3_stmt *s = store_stmt(st, "DELETE FROM subscribers WHERE "
	    "office = ? AND jid = ?");

	if (s == NULL)
		return ACCUEIL_ESTORE;
	bind_text(s, 1, office);
	bind_text(s, 2, jid);
	return step_done(st, s);
}

void
store_subscriber_foreach(struct store *st, const char *office,
    void (*fn)(const char *office, const char *jid, void *ud), void *ud)
{
	sqlite3_stmt *s = store_stmt(st, "SELECT office, jid FROM subscribers "
	    "WHERE ?1 IS NULL OR office = ?1 ORDER BY office, jid");
	struct strlist offices = {0}, jids = {0};
	size_t i;

	if (s == NULL)
		return;
	bind_text(s, 1, office);
	/* collect first: fn may write to the store */
	while (sqlite3_step(s) == SQLITE_ROW) {
		strlist_add(&offices, (const char *)sqlite3_column_text(s, 0));
		strlist_add(&jids, (const char *)sqlite3_column_text(s, 1));
	}
	sqlite3_reset(s);
	for (i = 0; i < jids.n; i++)
		fn(offices.v[i], jids.v[i], ud);
	strlist_free(&offices);
	strlist_free(&jids);
}

char *
store_kv_get(struct store *st, const char *key)
{
	sqlite3_stmt *s = store_stmt(st, "SELECT value FROM kv WHERE key = ?");
	char *v = NULL;

	if (s == NULL)
		return NULL;
	bind_text(s, 1, key);
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
	bind_text(s, 1, key);
	bind_text(s, 2, value);
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
	s = store_stmt(st, "UPDATE requests SET question = '', contact = '', "
	    "name = NULL, answer = NULL WHERE state = 'answered' AND answered "
	    "< ? AND contact != ''");
	if (s == NULL)
		goto fail;
	sqlite3_bind_int64(s, 1, cutoff);
	if (step_done(st, s) != ACCUEIL_OK)
		goto fail;
	s = store_stmt(st, "UPDATE appointments SET visitor = NULL, "
	    "visitor_name = NULL WHERE end < ? AND visitor IS NOT NULL");
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
