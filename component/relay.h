/*
 * relay.h: what is said in a conversation, stored, then passed on.
 *
 * (Lines coming in from the room are read by catchup.h, lines going out
 * are sent here.)
 *
 * Every message is committed to SQLite before it is relayed, and marked
 * relayed only once the link has written it to the socket (a stored
 * message not yet written is sent again after a restart). Visitor lines
 * come from the room, live or, after every (re)join, from the room's
 * archive (XEP-0313), paged after the last stanza-id seen until
 * complete; where the room has no archive, from its history, with a
 * warning in the log. The room's stanza-id makes a line stored once
 * however often it is seen; identical texts are distinct lines. Lines
 * of our own nicks, present or past, are never the visitor's.
 *
 * After storing a visitor line the relay fires EV_VISITOR_TEXT (flag 1
 * when it arrived live); after a counsellor's, EV_COUNSELLOR_TEXT. When
 * the store fails, the visitor is asked to send the line again and the
 * counsellor told; nothing is relayed that was not stored.
 */
#ifndef ACCUEIL_RELAY_H
#define ACCUEIL_RELAY_H

#include <stddef.h>
#include <stdint.h>

#include <strophe.h>

#include "catalog.h"

struct app;
struct conv;
struct route;
struct conf_counsellor;

#define RELAY_MAX_BODY 16000	/* bytes relayed from one message */

/* 1 if visitor lines of cv go to its counsellor now. */
int relay_can(struct app *app, struct conv *cv);

/*
 * Sends a visitor line (or only a chat state) to cv's counsellor. row,
 * when > 0, is the stored line: it is marked relayed once written.
 * Returns 0 if handed to the link, else -1.
 */
int relay_to_counsellor(struct app *app, struct conv *cv, const char *body,
    const char *id, const char *replace, const char *chatstate, int64_t row);

/* Stores a bot post and sends it when the bot is in the room; each
 * extra child passes to the call (sent with it, or dropped if the bot
 * is not in the room: the text alone is the record). */
void relay_bot_post(struct app *app, struct conv *cv, const char *text,
    xmpp_stanza_t **extra, size_t nextra);
void relay_bot_say(struct app *app, struct conv *cv, const char *text);

/*
 * A counsellor's line (text, the id they sent it under, the stanza for
 * a correction): stored, then sent under their persona (now, or when
 * it joins). Returns 0, or -1 if it could not be stored (c is told).
 */
int relay_counsellor_text(struct app *app, struct conv *cv,
    const struct conf_counsellor *c, const char *text, const char *origin,
    xmpp_stanza_t *st);

/* The counsellor's typing state (XEP-0085) into the room. */
void relay_counsellor_state(struct app *app, struct conv *cv,
    const char *state);

/* Sends what is stored and not yet written: posts, visitor lines. */
void relay_flush(struct app *app, struct conv *cv);

/*
 * Sends the visitor's pending lines to the counsellor merged, up to 100
 * lines a message (rate limits: ratelimit.c). Marked relayed once
 * written, like any line.
 */
void relay_flush_merged(struct app *app, struct conv *cv);

/* After each loop iteration: a barrier IQ follows the rows handed to
 * the link (one at a time); its answer marks them relayed. */
void relay_written(struct app *app);

/* The link went down: what the server did not confirm is sent again. */
void relay_link_down(void);

/*
 * The answer to a barrier IQ (id "bar-<n>", from the MUC host; no colon:
 * room_setup.c takes ids "step:session"): marks
 * the rows handed before it relayed. Returns 1 if id was a barrier's.
 */
int relay_barrier_answer(struct app *app, const char *id);

/* A line of ours seen in the room (live, archive, history): its row,
 * found by the origin-id or id it was sent under, is relayed. */
void relay_seen_ours(struct app *app, struct conv *cv, xmpp_stanza_t *st);

/* At a clean stop: waits (at most timeout_ms) for the last barrier. */
void relay_drain(struct app *app, unsigned long timeout_ms);

/* A private notice from v-<id> to counsellor c (never to the visitor). */
void relay_notice(struct app *app, struct conv *cv,
    const struct conf_counsellor *c, const char *text);
void relay_notice_msg(struct app *app, struct conv *cv,
    const struct conf_counsellor *c, enum msg m);

/* The counsellor's language for texts ("fr" when not set). */
const char *relay_staff_lang(const struct conf_counsellor *c);

#endif
