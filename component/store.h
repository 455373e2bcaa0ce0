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

/* The migrations, in order (store_schema.c). */
extern const char *const store_migrations[];

/* The schema version this binary writes. */
int store_schema_latest(void);

/*
 * Opens (creating if needed) and migrates the database at path (":memory:"
 * for tests). Returns the store, or NULL with *errp set and a message
 * logged. Caller closes with store_close().
 */
struct store *store_open(const char *path, enum accueil_err *errp);
void store_close(struct store *st);

/*
 * Opens the database at path read-only (accueilctl, safe while accueild
 * writes: WAL readers do not block it), without migrating: a schema
 * other than this binary's is refused. NULL with *errp set and a
 * message logged. Close with store_close().
 */
struct store *store_open_readonly(const char *path, enum accueil_err *errp);
int store_schema_version(struct store *st);
sqlite3 *store_db(struct store *st);

/*
 * Returns the prepared statement for sql, reset and with bindings cleared.
 * sql must be a string literal (its address is the cache key). The
 * statement is borrowed: do not finalize it. NULL on error (logged).
 */
sqlite3_stmt *store_stmt(struct store *st, const char *sql);

/*
 * Steps a statement that returns no row, then resets it: 0, or -1 with
 * the failure logged (once per kind) and kept for store_error().
 */
int store_step(struct store *st, sqlite3_stmt *s);

/* Steps a query: 1 for a row, 0 at the end, -1 on error (reset then). */
int store_row(struct store *st, sqlite3_stmt *s);

/* The last failure's SQLite result code (SQLITE_FULL...), 0 if none. */
int store_error(const struct store *st);

/*
 * 1 while writes fail for the disk (full, I/O error) or a lock held too
 * long: set by a failed step, cleared by store_probe() once there is
 * room again.
 */
int store_failing(const struct store *st);

/* While failing: tries a write of a few pages (undone); clears it if it
 * works. Runs on a timer. */
void store_probe(struct store *st);

/* Binds v as text, or NULL. */
void store_bind_text(sqlite3_stmt *s, int i, const char *v);

/* Column i as a new string (caller frees), or NULL. */
char *store_col_text(sqlite3_stmt *s, int i);

/* Runs a statement that returns no rows; returns ACCUEIL_OK or ESTORE. */
enum accueil_err store_exec(struct store *st, const char *sql);

/*
 * A transaction: BEGIN IMMEDIATE ... COMMIT or ROLLBACK. Nested (or
 * inside a batch) they are savepoints: the outermost commit decides.
 */
enum accueil_err store_begin(struct store *st);
enum accueil_err store_commit(struct store *st);
void store_rollback(struct store *st);

/*
 * Group commit (store_batch.c). After store_batch_open(), the writes the
 * store runs join one transaction, opened by the first write, until
 * store_batch_commit() commits it (the daemon calls it right before the
 * link writes to the socket: nothing leaves that tells of a write not
 * yet committed). store_begin() and friends become savepoints inside
 * it. If SQLite rolls the whole transaction back on an error (disk
 * full), the batch's earlier writes are replayed so that only the
 * failing statement is undone. store_batch_commit() returns 0, or -1
 * when the batch's writes are lost (the commit failed, or a replay was
 * impossible): then what was sent about them must not leave.
 */
void store_batch_open(struct store *st);
int store_batch_commit(struct store *st);
int store_batch_active(const struct store *st);	/* a batch is open */
/* Milliseconds since the open batch's first write (0: none open). */
unsigned long store_batch_age_ms(const struct store *st);
void store_batch_stats(const struct store *st, unsigned long *batches,
    unsigned long *writes);

/* Records a statistics event. session and detail may be NULL. */
enum accueil_err store_event(struct store *st, const char *office,
    const char *session, const char *kind, const char *detail);

/* Presence subscribers: subs.c owns that table. */

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

/*
 * Test hook: when ACCUEIL_TEST_DB_PAGES names a file, applies the page
 * count it holds as PRAGMA max_page_count (0, empty or no file: no
 * limit), so tests can fill the "disk" and free it again.
 */
void store_test_limit(struct store *st);

/* Current time for the store's rows, seconds since the epoch. */
int64_t store_now(void);

#endif
