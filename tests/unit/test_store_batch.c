/*
 * test_store_batch.c: group commit. Writes of a batch are one
 * transaction, invisible to another connection until
 * store_batch_commit(); store_begin() inside is a savepoint; a disk
 * full in the middle (max_page_count) undoes only the failing statement
 * (the batch's earlier writes are replayed); a write the store did not
 * run makes such a rollback a lost batch (-1).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "store.h"
#include "tap.h"

static int
count_other(sqlite3 *other, const char *key)
{
	sqlite3_stmt *s;
	int n = -1;

	if (sqlite3_prepare_v2(other, "SELECT count(*) FROM kv WHERE key = ?",
	    -1, &s, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
	if (sqlite3_step(s) == SQLITE_ROW)
		n = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	return n;
}

static int
count_own(struct store *st, const char *key)
{
	char *v = store_kv_get(st, key);

	free(v);
	return v != NULL;
}

/* A write through store_step(), which records failures. */
static int
put(struct store *st, const char *key, const char *value)
{
	sqlite3_stmt *s = store_stmt(st, "INSERT OR REPLACE INTO kv (key, "
	    "value) VALUES (?, ?)");

	if (s == NULL)
		return -1;
	store_bind_text(s, 1, key);
	store_bind_text(s, 2, value);
	return store_step(st, s);
}

static int
page_limit(struct store *st, int extra)
{
	sqlite3_stmt *s = store_stmt(st, "PRAGMA page_count");
	char sql[64];
	int n = 0;

	if (s && sqlite3_step(s) == SQLITE_ROW)
		n = sqlite3_column_int(s, 0);
	sqlite3_reset(s);
	snprintf(sql, sizeof(sql), "PRAGMA max_page_count = %d", n + extra);
	return sqlite3_exec(store_db(st), sql, NULL, NULL, NULL);
}

int
main(void)
{
	char dir[] = "/tmp/accueil-batch-XXXXXX";
	char path[256], cmd[300];
	static char big[60000];
	unsigned long batches, writes;
	enum accueil_err e;
	struct store *st;
	sqlite3 *other;

	log_init(1, LOG_LEVEL_ERROR);
	if (mkdtemp(dir) == NULL)
		return 1;
	snprintf(path, sizeof(path), "%s/a.db", dir);
	st = store_open(path, &e);
	ok(st != NULL, "a file store opens");
	if (st == NULL)
		return tap_done();
	ok(sqlite3_open(path, &other) == SQLITE_OK, "a second connection");

	/* without batch mode: autocommit as before */
	ok(store_kv_set(st, "plain", "1") == ACCUEIL_OK &&
	    count_other(other, "plain") == 1, "outside a batch a write is "
	    "committed at once");

	store_batch_open(st);
	ok(!store_batch_active(st), "a batch opens nothing before a write");
	ok(store_kv_set(st, "a", "1") == ACCUEIL_OK &&
	    store_event(st, "cahors", NULL, "test", NULL) == ACCUEIL_OK,
	    "two writes in a batch");
	ok(store_batch_active(st), "the first write opened the transaction");
	is_int(count_other(other, "a"), 0, "another connection does not see "
	    "them before the commit");
	ok(count_own(st, "a"), "the store reads its own writes");
	is_int(store_batch_commit(st), 0, "the batch commits");
	is_int(count_other(other, "a"), 1, "committed: the other connection "
	    "sees the write");
	ok(store_batch_commit(st) == 0 && !store_batch_active(st), "an empty "
	    "batch commits nothing");

	/* savepoints */
	ok(store_kv_set(st, "b", "1") == ACCUEIL_OK, "a write, then a nested "
	    "transaction");
	ok(store_begin(st) == ACCUEIL_OK && store_kv_set(st, "c", "1") ==
	    ACCUEIL_OK, "store_begin() inside a batch");
	store_rollback(st);
	ok(count_own(st, "b") && !count_own(st, "c"), "store_rollback() "
	    "undoes only the nested part");
	ok(store_begin(st) == ACCUEIL_OK && store_kv_set(st, "d", "1") ==
	    ACCUEIL_OK && store_commit(st) == ACCUEIL_OK, "store_commit() "
	    "inside a batch");
	is_int(count_other(other, "d"), 0, "a nested commit is not the "
	    "batch's commit");
	store_rollback(st);	/* no store_begin(): not the caller's batch */
	ok(store_batch_active(st), "a stray store_rollback() leaves the batch");
	is_int(store_batch_commit(st), 0, "the batch commits");
	ok(count_other(other, "b") == 1 && count_other(other, "d") == 1 &&
	    count_other(other, "c") == 0, "b and d committed, c not");

	/* the disk fills in the middle of a batch */
	memset(big, 'x', sizeof(big) - 1);
	ok(store_kv_set(st, "e", "1") == ACCUEIL_OK, "a small write fits");
	ok(page_limit(st, 0) == SQLITE_OK, "the database cannot grow");
	ok(put(st, "big", big) < 0, "a big write fails");
	ok(store_batch_active(st) && count_own(st, "e"), "the earlier write "
	    "of the batch is still there (replayed)");
	ok(store_failing(st), "the store knows it is failing");
	is_int(store_batch_commit(st), 0, "the batch still commits");
	ok(count_other(other, "e") == 1 && count_other(other, "big") == 0,
	    "e committed, the failing write undone");
	ok(put(st, "f", "1") == 0 && !store_batch_active(st) &&
	    count_other(other, "f") == 1, "while failing, a write that fits "
	    "is autocommitted");
	page_limit(st, 1000000);
	store_probe(st);
	ok(!store_failing(st), "with room again the probe clears the trouble");

	/* a write the store did not run, then the disk fills */
	ok(store_kv_set(st, "g", "1") == ACCUEIL_OK, "a write in a new batch");
	ok(sqlite3_exec(store_db(st), "INSERT INTO kv (key, value) VALUES "
	    "('raw', '1')", NULL, NULL, NULL) == SQLITE_OK, "a write behind "
	    "the store's back");
	page_limit(st, 0);
	ok(store_kv_set(st, "big", big) != ACCUEIL_OK, "a big write fails");
	is_int(store_batch_commit(st), -1, "the batch is reported lost");
	ok(count_other(other, "g") == 0, "nothing of it committed");
	page_limit(st, 1000000);
	store_probe(st);
	ok(store_kv_set(st, "h", "1") == ACCUEIL_OK &&
	    store_batch_commit(st) == 0 && count_other(other, "h") == 1,
	    "the next batch works");
	store_batch_stats(st, &batches, &writes);
	ok(batches >= 4 && writes >= 6, "counters: %lu batches, %lu writes",
	    batches, writes);

	/* store_close() commits what is open */
	ok(store_kv_set(st, "last", "1") == ACCUEIL_OK, "a last write");
	store_close(st);
	is_int(count_other(other, "last"), 1, "store_close() committed it");
	sqlite3_close(other);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0)
		diag("could not remove %s", dir);
	return tap_done();
}
