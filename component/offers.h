/*
 * offers.h: who was offered which conversation, and in what state.
 *
 * The table offers belongs to this module: nobody else writes it. It is
 * mirrored in memory, so every look-up below is O(1) or O(offers of one
 * conversation) without SQL once a conversation was first asked about. One
 * row per conversation and counsellor, open until it is taken, declined
 * or revoked; rows survive a restart, so a counsellor is not offered the
 * same conversation twice and the waves go on where they stopped. Every
 * sqlite3_step() result is checked and a failure logged; a look-up that
 * fails counts 0. Every function runs on the loop thread only and keeps
 * no pointer to its arguments after it returns.
 */
#ifndef ACCUEIL_OFFERS_H
#define ACCUEIL_OFFERS_H

#include "catalog.h"

struct app;
struct conv;
struct conf_counsellor;

/* Returns how many open offers counsellor jid holds (all conversations). */
int offers_held(struct app *app, const char *jid);

/* Returns how many offers of conversation id are open. */
int offers_open(struct app *app, const char *id);

/* Returns how many offers of conversation id were made, in any state. */
int offers_all(struct app *app, const char *id);

/* Returns 1 if conversation id was ever offered to jid, else 0. */
int offers_was_offered(struct app *app, const char *id, const char *jid);

/* Returns 1 if jid holds an open offer of conversation id, else 0. */
int offers_open_for(struct app *app, const char *id, const char *jid);

/*
 * Offers conversation s to counsellor c: stores the open offer and an
 * "offered" event, sends c the offer message (name, language, page,
 * office and question of the visitor), and tells the office's routing
 * plugin. Returns 1 when the offer was made now, 0 when c already had
 * one for s or the store failed (nothing sent).
 */
int offers_make(struct app *app, const struct conv *s,
    const struct conf_counsellor *c);

/*
 * Closes the open offers of cv: keep's (a JID, or NULL) becomes taken,
 * the others revoked. Each counsellor who loses one is told text why in
 * their language (arg, or NULL, is its %s argument).
 */
void offers_revoke(struct app *app, struct conv *cv, const char *keep,
    enum msg why, const char *arg);

/* Deletes every offer of conversation id: its next round starts afresh. */
void offers_forget(struct app *app, const char *id);

/*
 * Counsellor jid declines conversation id: their open offer becomes
 * declined and a "declined" event is stored. Returns 1 if they had an
 * open offer, else 0 (nothing changed, or the store failed).
 */
int offers_decline(struct app *app, const char *id, const char *jid);

/* Revokes every open offer jid holds (they went offline), silently. */
void offers_revoke_held(struct app *app, const char *jid);

/*
 * Conversation id is closed: its offers leave the memory mirror (the
 * rows stay). Call after offers_revoke().
 */
void offers_drop(const char *id);

/* Frees the mirror (at exit). */
void offers_free_all(void);

#endif
