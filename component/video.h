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
 * iCalendar event goes with it. Reminders are stored and survive
 * restarts; cancel and reschedule work from both sides.
 */
#ifndef ACCUEIL_VIDEO_H
#define ACCUEIL_VIDEO_H

#include <strophe.h>

#include "command.h"

struct app;
struct session_info;
struct conf_counsellor;

/*
 * A counsellor's video command. s is the conversation it was typed in,
 * or NULL (persona JID); replies come from the JID from. Returns 1 if cmd
 * was a video command.
 */
int video_command(struct app *app, const struct session_info *s,
    const struct conf_counsellor *c, enum command cmd, const char *arg,
    const char *from);

/*
 * A visitor message in an active session (already stored and relayed):
 * a pick among proposed slots, a request for a video call, a cancel or
 * reschedule. Returns 1 if it was one of those.
 */
int video_visitor_input(struct app *app, const struct session_info *s,
    xmpp_stanza_t *m, const char *body);

/* Appends c's upcoming appointments, one per line, to b. */
struct buf;
void video_appointments_text(struct app *app,
    const struct conf_counsellor *c, struct buf *b);

/* Timer: reminders. Returns 1. */
int video_tick(void *app);

/* Forgets pending proposals (shutdown). */
void video_free_all(void);

#endif
