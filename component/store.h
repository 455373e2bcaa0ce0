/*
 * store.h: the one module that owns the SQLite database.
 *
 * WAL, foreign keys on, a versioned schema migrated at start (a database
 * newer than this binary is refused), statements prepared once and kept.
 * A write that must not be lost is committed before the caller tells
 * anyone it happened. Runs on the loop thread only.
 */
#ifndef ACCUEIL_STORE_H
#define ACCUEIL_STORE_H

#include <stdint.h>

#include <sqlite3.h>

#include "error.h"

struct store;

/* The schema version this binary writes. */
int store_schema_latest(void);

/*
 * Opens (creating if needed) and migrates the database at path (":memory:"
 * for tests). Returns the store, or NULL with *errp set and a message
 * logged. Caller closes with store_close().
 */
struct store *store_open(const char *path, enum accueil_err *errp);
void store_close(struct store *st);
int store_schema_version(struct store *st);
sqlite3 *store_db(struct store *st);

/*
 * Returns the prepared statement for sql, reset and with bindings cleared.
 * sql must be a string literal (its address is the cache key). The
 * statement is borrowed: do not finalize it. NULL on error (logged).
 */
sqlite3_stmt *store_stmt(struct store *st, const char *sql);

/* Runs a statement that returns no rows; returns ACCUEIL_OK or ESTORE. */
enum accueil_err store_exec(struct store *st, const char *sql);

enum accueil_err store_begin(struct store *st);
enum accueil_err store_commit(struct store *st);
void store_rollback(struct store *st);

/* Records a statistics event. session and detail may be NULL. */
enum accueil_err store_event(struct store *st, const char *office,
    const char *session, const char *kind, const char *detail);

/* Presence subscribers of an office desk JID. */
enum accueil_err store_subscriber_add(struct store *st, const char *office,
    const char *jid);
enum accueil_err store_subscriber_remove(struct store *st, const char *office,
    const char *jid);
/* Calls fn for each subscriber of office (all offices if office is NULL). */
void store_subscriber_foreach(struct store *st, const char *office,
    void (*fn)(const char *office, const char *jid, void *ud), void *ud);

/* Small key/value state (e.g. the last purge time). */
char *store_kv_get(struct store *st, const char *key);	/* caller frees */
enum accueil_err store_kv_set(struct store *st, const char *key,
    const char *value);

/*
 * Retention: forgets what visitors wrote in sessions closed more than
 * days ago (messages deleted; name, e-mail, question, comment and JIDs
 * cleared; the session row stays, anonymous, for statistics), and the
 * text of offline requests answered as long ago. Returns the number of
 * sessions purged, or -1.
 */
int store_purge(struct store *st, int days);

/* Current time for the store's rows, seconds since the epoch. */
int64_t store_now(void);

#endif
