/*
 * store_batch.c: group commit. The writes of one loop iteration go in one
 * transaction, committed before anything they record is sent.
 *
 * In batch mode (store_batch_open()) the first write of an iteration
 * opens a transaction (BEGIN IMMEDIATE); store_begin()/store_commit()/
 * store_rollback() inside it are savepoints; the link calls
 * store_batch_commit() right before libstrophe writes its queue to the
 * socket, so every stanza that tells of a write leaves after the write's
 * COMMIT.
 *
 * SQLite answers some errors (SQLITE_FULL, SQLITE_IOERR, SQLITE_NOMEM)
 * by rolling back the whole transaction, not only the failing statement:
 * in a batch that would undo writes whose callers already acted on them.
 * So each write done through the store is kept in a redo log (its SQL
 * with the values bound, sqlite3_expanded_sql()), and when the
 * transaction is found rolled back the log is replayed in a new one:
 * only the failing statement is undone, as with autocommit. A write the
 * store did not run (a caller's own sqlite3_step()) makes the log
 * incomplete: then, or if the replay fails, the batch is lost and
 * store_batch_commit() says so, and the link drops what it had not yet
 * written and reconnects (everything is rebuilt from the database).
 * While the store is failing (store_failing()), writes are autocommitted
 * one by one as without batch mode.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "log.h"
#include "store.h"
#include "store_int.h"
#include "util.h"

static int
run(struct store *st, const char *sql)
{
	char *msg = NULL;
	int rc = sqlite3_exec(st->db, sql, NULL, NULL, &msg);

	if (rc != SQLITE_OK)
		log_warnx("store: %.40s: %s", sql, msg ? msg :
		    sqlite3_errstr(rc));
	sqlite3_free(msg);
	return rc;
}

static void
redo_clear(struct store *st)
{
	size_t i;

	for (i = 0; i < st->nredo; i++)
		sqlite3_free(st->redo[i]);
	st->nredo = 0;
	st->unlogged = 0;
}

void
store_batch_free(struct store *st)
{
	redo_clear(st);
	free(st->redo);
	st->redo = NULL;
	st->aredo = 0;
}

static void
redo_add(struct store *st, char *sql)
{
	if (sql == NULL) {	/* out of memory: cannot replay */
		st->unlogged = 1;
		return;
	}
	if (st->nredo == st->aredo) {
		st->aredo = st->aredo ? 2 * st->aredo : 64;
		st->redo = xreallocarray(st->redo, st->aredo,
		    sizeof(*st->redo));
	}
	st->redo[st->nredo++] = sql;
}

static int
in_txn(const struct store *st)
{
	return !sqlite3_get_autocommit(st->db);
}

static void
mark_lost(struct store *st, const char *why)
{
	if (in_txn(st))
		run(st, "ROLLBACK");
	st->open = 0;
	st->lost = 1;
	log_warnx("store: the iteration's writes were rolled back and %s",
	    why);
}

/* The batch's transaction is gone: replays the log in a new one. */
static void
recover(struct store *st)
{
	size_t i;

	if (st->unlogged) {
		mark_lost(st, "cannot be replayed (a write not run by the "
		    "store)");
		return;
	}
	if (run(st, "BEGIN IMMEDIATE") != SQLITE_OK) {
		mark_lost(st, "the replay cannot start");
		return;
	}
	for (i = 0; i < st->nredo; i++)
		if (run(st, st->redo[i]) != SQLITE_OK) {
			mark_lost(st, "their replay failed");
			return;
		}
	st->seen_changes = sqlite3_total_changes64(st->db);
	log_info("store: %zu write%s of the iteration replayed after a "
	    "rollback", st->nredo, st->nredo == 1 ? "" : "s");
}

/* Before a write: the batch's transaction, opened or checked. */
static void
batch_enter(struct store *st)
{
	if (st->open && sqlite3_total_changes64(st->db) != st->seen_changes)
		st->unlogged = 1;
	if (in_txn(st))
		return;
	if (st->open) {
		recover(st);
		return;
	}
	if (st->trouble || st->lost)
		return;		/* autocommit, one statement at a time */
	if (run(st, "BEGIN IMMEDIATE") == SQLITE_OK) {
		st->open = 1;
		st->opened_ms = clock_mono_ms();
		st->unlogged = 0;
		st->batches++;
		st->seen_changes = sqlite3_total_changes64(st->db);
	}
}

int
store_batch_step(struct store *st, sqlite3_stmt *s)
{
	int rc, first, logged;

	/* outer_real: a transaction of the caller's own, as without batch */
	if (!st->batch || st->outer_real || sqlite3_stmt_readonly(s))
		return sqlite3_step(s);
	first = !sqlite3_stmt_busy(s);
	if (first)
		batch_enter(st);
	logged = st->open && in_txn(st);
	rc = sqlite3_step(s);
	if (!first || !logged)
		return rc;
	if (rc == SQLITE_DONE || rc == SQLITE_ROW) {
		redo_add(st, sqlite3_expanded_sql(s));
		st->batch_writes++;
		st->seen_changes = sqlite3_total_changes64(st->db);
	} else if (!in_txn(st))
		recover(st);	/* this statement rolled it all back */
	return rc;
}

void
store_batch_open(struct store *st)
{
	st->batch = 1;
}

int
store_batch_commit(struct store *st)
{
	int rc;

	if (!st->batch)
		return 0;
	if (st->depth > 0) {
		/* a caller between store_begin() and store_commit() */
		log_warnx("store: batch commit inside store_begin(): later");
		return 0;
	}
	if (st->open && !in_txn(st))
		recover(st);
	if (st->open && in_txn(st) && run(st, "COMMIT") != SQLITE_OK)
		mark_lost(st, "their COMMIT failed");
	rc = st->lost ? -1 : 0;
	st->open = 0;
	st->lost = 0;
	redo_clear(st);
	return rc;
}

int
store_batch_active(const struct store *st)
{
	return st->open;
}

unsigned long
store_batch_age_ms(const struct store *st)
{
	if (!st->open)
		return 0;
	return (unsigned long)(clock_mono_ms() - st->opened_ms);
}

void
store_batch_stats(const struct store *st, unsigned long *batches,
    unsigned long *writes)
{
	*batches = st->batches;
	*writes = st->batch_writes;
}

/* ---- store_begin() and friends: savepoints inside a batch ------------ */

enum accueil_err
store_begin(struct store *st)
{
	int rc;

	if (st->depth == 0 && !in_txn(st) && !st->batch) {
		if (run(st, "BEGIN IMMEDIATE") != SQLITE_OK)
			return ACCUEIL_ESTORE;
		st->outer_real = 1;
		st->depth = 1;
		return ACCUEIL_OK;
	}
	if (st->depth == STORE_DEPTH) {
		log_warnx("store: store_begin() nested too deep");
		return ACCUEIL_ESTORE;
	}
	if (st->batch && !st->outer_real)
		batch_enter(st);
	if (!in_txn(st)) {
		/* failing store, lost batch: a transaction of its own */
		if (run(st, "BEGIN IMMEDIATE") != SQLITE_OK)
			return ACCUEIL_ESTORE;
		st->outer_real = 1;
		st->depth = 1;
		return ACCUEIL_OK;
	}
	if ((rc = run(st, "SAVEPOINT b")) != SQLITE_OK)
		return ACCUEIL_ESTORE;
	st->mark[st->depth++] = st->nredo;
	if (st->open && !st->outer_real)
		redo_add(st, sqlite3_mprintf("SAVEPOINT b"));
	return ACCUEIL_OK;
}

enum accueil_err
store_commit(struct store *st)
{
	int rc;

	if (st->depth == 0) {
		/* no store_begin(): commits what is open, outside a batch */
		if (st->batch)
			return ACCUEIL_OK;
		return run(st, "COMMIT") == SQLITE_OK ? ACCUEIL_OK :
		    ACCUEIL_ESTORE;
	}
	if (!in_txn(st)) {
		/* rolled back under the caller (and not recovered) */
		st->depth = 0;
		st->outer_real = 0;
		return ACCUEIL_ESTORE;
	}
	if (st->depth == 1 && st->outer_real) {
		rc = run(st, "COMMIT");
		if (rc != SQLITE_OK) {
			if (in_txn(st))
				run(st, "ROLLBACK");
		}
		st->depth = 0;
		st->outer_real = 0;
		return rc == SQLITE_OK ? ACCUEIL_OK : ACCUEIL_ESTORE;
	}
	rc = run(st, "RELEASE b");
	st->depth--;
	if (rc != SQLITE_OK)
		return ACCUEIL_ESTORE;
	if (st->open && !st->outer_real)
		redo_add(st, sqlite3_mprintf("RELEASE b"));
	return ACCUEIL_OK;
}

void
store_rollback(struct store *st)
{
	if (st->depth == 0) {
		/* the batch is not the caller's to undo */
		if (!st->batch && in_txn(st))
			run(st, "ROLLBACK");
		return;
	}
	if (!in_txn(st)) {
		st->depth = 0;
		st->outer_real = 0;
		return;
	}
	if (st->depth == 1 && st->outer_real) {
		run(st, "ROLLBACK");
		st->depth = 0;
		st->outer_real = 0;
		return;
	}
	st->depth--;
	run(st, "ROLLBACK TO b");
	run(st, "RELEASE b");
	if (st->open && !st->outer_real) {
		while (st->nredo > st->mark[st->depth])
			sqlite3_free(st->redo[--st->nredo]);
	}
}
