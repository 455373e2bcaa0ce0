/*
 * conv.h: the conversation state machine.
 *
 *   waiting --take--> active --end--> survey --answer/timeout--> closed
 *      |                 \--transfer--> active (another counsellor)
 *      +--nobody/closed--> offline --contact filed--> closed
 *      +--visitor gone past the grace period--> closed (abandoned)
 *
 * This module owns the transitions and fires an event for each
 * (event.h); the jobs around it (intake, counsellor commands, survey,
 * offline requests, hints, routing, video, desks) hook those events and
 * call the transitions below. It also ties the room's life to the
 * conversation's: greeting and invitation once the room is ready,
 * rejoins after every connect, timeouts. Loop thread only.
 */
#ifndef ACCUEIL_CONV_H
#define ACCUEIL_CONV_H

#include "catalog.h"
#include "registry.h"

struct app;
struct conf_counsellor;

/* Who gets a conversation a counsellor answered (EV_CONV_CLAIM). */
enum take_result {
	TAKE_NOT_OFFERED = 0,	/* it was never offered to this counsellor */
	TAKE_WON,		/* the conversation is now the counsellor's */
	TAKE_LOST,		/* someone else took it first */
};

/* Wires the machine to the room's events. Call once at start. */
void conv_init(void);

/* Loads the open conversations from the store (at start). */
void conv_load(struct app *app);

/*
 * Stores new conversation cv (filled by intake), registers it, fires
 * EV_CONV_NEW and starts its room. Returns 0, or -1 if it could not be
 * stored (cv is then the caller's to free).
 */
int conv_start(struct app *app, struct conv *cv, const char *email,
    const char *interests, int consent, const char *origin_id);

/* Sends the visitor the room's invitation (XEP-0249, with password). */
void conv_invite(struct app *app, struct conv *cv);

/* Counsellor c has won cv (routing decided): joins, tells everyone. */
void conv_take(struct app *app, struct conv *cv,
    const struct conf_counsellor *c);

/* c asks to hand cv over to target (persona id or language). */
void conv_transfer(struct app *app, struct conv *cv,
    const struct conf_counsellor *c, const char *target);

/* Nobody took the transfer: it stays with the counsellor, who is told. */
void conv_transfer_failed(struct app *app, struct conv *cv);

/* The counsellor ends cv: the persona leaves, the survey starts. */
void conv_end(struct app *app, struct conv *cv);

/* Nobody can answer (reason "closed" or "no-answer"). */
void conv_go_offline(struct app *app, struct conv *cv, const char *reason);

/* Closes cv for good: stored, room destroyed, EV_CONV_CLOSED. */
void conv_close(struct app *app, struct conv *cv, const char *reason);

/* Closes at the next tick; if the visitor has not yet joined the room,
 * a few seconds after they join (at most a minute), so they read why. */
void conv_close_soon(struct conv *cv, const char *reason);

/* The language changed (intake's detection, a correction). */
void conv_set_lang(struct app *app, struct conv *cv, const char *lang,
    const char *source);

/* Tells the visitor their place in the queue and the expected wait. */
void conv_queue_notice(struct app *app, struct conv *cv, int position,
    long wait);

/* Supervisors were alerted for cv. */
void conv_mark_alerted(struct app *app, struct conv *cv);

/* An administrator closes conversation id: 0, or -1 if not open. */
int conv_admin_close(struct app *app, const char *id);

/* Notice to the counsellor holding cv, if any. */
void conv_tell_holder(struct app *app, struct conv *cv, enum msg m);

/* After each connect: rejoin rooms, resume set-ups, send what waits. */
void conv_resync(struct app *app);

/* The link went down: every room must be joined again. */
void conv_link_down(struct app *app);

/* Timer: set-ups to retry, visitors gone too long, surveys unanswered. */
int conv_tick(void *app);

/*
 * Frees the conversations closed during this loop iteration, once what
 * they sent last was written (call after relay_written()), and logs them
 * as closed.
 */
void conv_reap(struct app *app);

/* Shutdown: leave every room (conversations stay open in the store). */
void conv_shutdown(struct app *app);
void conv_free_all(void);

/* Seconds a queued visitor may be away before being counted abandoned. */
long conv_away_grace(struct app *app, const struct conv *cv);

#endif
