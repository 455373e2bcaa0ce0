/*
 * store_int.h: the store's insides, shared by store.c and store_batch.c
 * only. Nobody else includes it.
 */
#ifndef ACCUEIL_STORE_INT_H
#define ACCUEIL_STORE_INT_H

#include <stddef.h>

#include <sqlite3.h>

#define STMT_CACHE 128
#define STORE_DEPTH 16		/* store_begin() nesting inside a batch */

struct cached {
	const char *sql;
	sqlite3_stmt *stmt;
};

struct store {
	sqlite3 *db;
	struct cached cache[STMT_CACHE];
	size_t ncache;
	int version;
	long test_pages;	/* ACCUEIL_TEST_DB_PAGES applied */
	int last_error;		/* last failed step's result code */
	int trouble;		/* writes failed for the disk, until a probe works */

	/* group commit (store_batch.c) */
	int batch;		/* batch mode on: writes join one transaction */
	int depth;		/* store_begin() levels open */
	int outer_real;		/* the outermost level is a real BEGIN */
	size_t mark[STORE_DEPTH];	/* redo length at each SAVEPOINT */
	char **redo;		/* the batch's writes, as expanded SQL */
	size_t nredo, aredo;
	int unlogged;		/* a write the redo log does not hold */
	int open;		/* the batch's transaction is open */
	int lost;		/* the batch's writes were rolled back */
	sqlite3_int64 seen_changes;	/* total changes after our last step */
	unsigned long batches, batch_writes;	/* counters */
	unsigned long long opened_ms;	/* when the batch's BEGIN ran */
};

/*
 * sqlite3_step() for every step the store runs: in batch mode a write
 * first opens the iteration's transaction (BEGIN IMMEDIATE) and, once
 * done, is kept in the redo log; if an error rolls the whole
 * transaction back (SQLITE_FULL, SQLITE_IOERR), the batch's earlier
 * writes are replayed so only the failing statement is undone.
 */
int store_batch_step(struct store *st, sqlite3_stmt *s);

/* Frees the redo log (store_close). */
void store_batch_free(struct store *st);

#endif
