/*
 * video.h: video appointments in the chat.
 *
 * /visio (or the visitor asking) makes the bot propose the counsellor's
 * free slots (their video hours, minus bookings, in the office's time
 * zone, in the visitor's language) as a numbered list and a XEP-0004
 * form, plus "now" when the counsellor is free. The visitor picks by
 * number or form; the booking is one INSERT guarded by a unique index
 * (counsellor, start), so a slot is never booked twice: the loser gets
 * fresh choices. The link comes from the video provider plugin; an
 * iCalendar event goes with it. Cancel and reschedule work from both
 * sides. The appointments once booked (the store, cancelling, a
 * counsellor's list, the reminders) are appointments.h's: this module is
 * the chat side and calls it. Everything here runs on the loop thread.
 */
#ifndef ACCUEIL_VIDEO_H
#define ACCUEIL_VIDEO_H

#include <strophe.h>

#include "command.h"

struct app;
struct conv;
struct conf_counsellor;

/*
 * Hooks video to the core's events: EV_COMMAND (video_command) and
 * EV_VISITOR_TEXT (video_visitor_input). Call once at start-up, on the
 * loop thread.
 */
void video_init(void);

/*
 * A counsellor's video command (/visio, the list, cancel, reschedule).
 * s is the conversation it was typed in, or NULL (persona JID); replies
 * come from the JID from. All arguments are borrowed for the call.
 * Returns 1 if cmd was a video command (handled), 0 otherwise. Runs on
 * the loop thread.
 */
int video_command(struct app *app, struct conv *s,
    const struct conf_counsellor *c, enum command cmd, const char *arg,
    const char *from);

/*
 * A visitor message in an active session (already stored and relayed):
 * a pick among proposed slots, a request for a video call, a cancel or
 * reschedule. m and body are borrowed for the call. Returns 1 if it was
 * one of those (handled), 0 otherwise. Runs on the loop thread.
 */
int video_visitor_input(struct app *app, struct conv *s,
    xmpp_stanza_t *m, const char *body);

/* Forgets and frees the pending proposals (shutdown, loop thread). */
void video_free_all(void);

#endif
