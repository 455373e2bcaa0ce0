/*
 * convdb.h: the conversations' SQL, in one place.
 *
 * The tables sessions, messages and room_nicks belong to this module:
 * nobody else writes them. Every sqlite3_step() result is checked; a
 * failed write returns -1 and convdb_error() says why, so the caller can
 * tell the people concerned (a full disk is not a silent loss). Runs on
 * the loop thread only.
 */
#ifndef ACCUEIL_CONVDB_H
#define ACCUEIL_CONVDB_H

#include <stdint.h>

struct app;
struct buf;
struct conv;

/* The last failure's SQLite result code (SQLITE_FULL...), 0 if none. */
int convdb_error(struct app *app);

/* 1 if the last failure was the disk (full, I/O) or a lock held too long. */
int convdb_failing(struct app *app);

/*
 * Stores a new conversation with its first question (counted as
 * relayed: every offer carries it) and a "started" event, in one
 * transaction. Sets cv->seq. Returns 0, or -1 (nothing stored).
 */
int convdb_insert(struct app *app, struct conv *cv, const char *email,
    const char *interests, int consent, const char *origin_id);

/* Saves the fields that change (state, visitor, language...). 0 or -1. */
int convdb_save(struct app *app, struct conv *cv);

/* Remembers the last stanza-id seen from the room (cv->mam_last). */
int convdb_set_mam_last(struct app *app, struct conv *cv, const char *sid);

/* Remembers a nick of ours in the room (also appended to cv->nicks). */
int convdb_add_nick(struct app *app, struct conv *cv, const char *nick);

/* Closes cv in the store (state, time, reason) and forgets its nicks. */
int convdb_close(struct app *app, struct conv *cv, const char *reason);

/* Stores the survey's rating (1..5) and comment (may be NULL). */
int convdb_rating(struct app *app, struct conv *cv, int rating,
    const char *comment);

/*
 * Takes conversation id for counsellor jid/persona: one guarded UPDATE,
 * so two racing counsellors never both win. transfer: it is active and
 * being handed over. Returns 1 if won, 0 if lost, -1 on error.
 */
int convdb_take(struct app *app, const char *id, const char *jid,
    const char *persona, int transfer);

/* The counsellor holding id in the store (caller frees), or NULL. */
char *convdb_holder(struct app *app, const char *id);

/* 1 if id is a conversation the store knows (open or closed). */
int convdb_known(struct app *app, const char *id);

/* Mean seconds from arrival to take over the office's last 20 takes. */
long convdb_mean_take(struct app *app, const char *office, long dflt);

/*
 * Loads the open conversations, calling fn for each (ownership passes
 * to fn). Returns how many, or -1.
 */
int convdb_load(struct app *app, void (*fn)(struct app *app,
    struct conv *cv));

#endif
