/*
 * msgdb.h: what was said in the conversations, in the store.
 *
 * The messages table belongs to this module: every line of a
 * conversation (visitor, counsellor, bot, private notes), with the ids
 * it was sent and relayed under and the room's stanza-id, so that a line
 * is stored once however often the room shows it, and sent again after
 * a restart until the server confirmed it. Every step is checked (store_step);
 * a failed write returns -1. Loop thread only.
 */
#ifndef ACCUEIL_MSGDB_H
#define ACCUEIL_MSGDB_H

#include <stddef.h>
#include <stdint.h>

struct app;
struct buf;
struct conv;

/* One message to store. */
struct msgdb_msg {
	const char *role;	/* visitor, counsellor, bot, note */
	const char *persona;	/* persona or bot localpart, or NULL */
	const char *body;
	const char *origin_id;	/* the sender's id, or NULL */
	const char *relay_id;	/* the id we send it under, or NULL */
	const char *room_key;	/* replay key (a history line), or NULL */
	const char *stanza_id;	/* the room's XEP-0359 id, or NULL */
	int64_t corrects;	/* row it corrects (XEP-0308), or 0 */
};

/*
 * Stores m. Returns 1 and sets *rowid when stored, 0 if the same message
 * (same stanza-id or replay key) was already there, -1 on error.
 */
int msgdb_store(struct app *app, struct conv *cv,
    const struct msgdb_msg *m, int64_t *rowid);

/* Marks rows as relayed (the server has them). 0 or -1. */
int msgdb_mark_relayed(struct app *app, const int64_t *rows, size_t n);

/*
 * Marks cv's bot or counsellor row sent under relay_id relayed (seen in
 * the room). Returns 1 if a pending row was marked, 0 if none, -1.
 */
int msgdb_mark_posted(struct app *app, struct conv *cv,
    const char *relay_id);

/*
 * The relay id and row of the message of role whose sender's id is
 * origin (for corrections). Returns the relay id (caller frees) or NULL.
 */
char *msgdb_relay_id_of(struct app *app, struct conv *cv, const char *role,
    const char *origin, int64_t *rowid);

/* The relay id of row (caller frees), or NULL. */
char *msgdb_relay_id_row(struct app *app, int64_t row);

/* A stored message not yet written (msgdb_pending). */
struct msgdb_row {
	int64_t id, corrects;
	char *role, *body, *relay_id;
};

/*
 * Rows of cv not yet relayed, in order: visitor rows (visitor = 1) or
 * bot and counsellor rows (visitor = 0). Returns how many (*rows: caller
 * frees with msgdb_rows_free).
 */
size_t msgdb_pending(struct app *app, struct conv *cv, int visitor,
    struct msgdb_row **rows);
void msgdb_rows_free(struct msgdb_row *rows, size_t n);

/* All the visitor's lines, one per line, without skip (caller frees). */
char *msgdb_visitor_text(struct app *app, struct conv *cv,
    const char *skip);

/* Appends the last 10 lines (visitor, counsellor, notes) to b. */
void msgdb_context(struct app *app, struct conv *cv, struct buf *b);

/* Test hook: exits after the n-th stored visitor line, before its relay
 * (ACCUEIL_TEST_CRASH_AFTER_STORE=n). */
void msgdb_test_crash_point(struct app *app);

#endif
