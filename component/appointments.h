/*
 * appointments.h: the video appointments' store and life.
 *
 * This module owns the appointments table: the guarded insert of a
 * booking, the booked times of a counsellor, loading and cancelling an
 * appointment (both sides are told), the list a counsellor asks for, and
 * the reminders sent before an appointment (recorded before they are
 * sent, so a restart never repeats one). Proposing slots and booking
 * them from the chat is video.c's job; it calls this module, never the
 * other way round. Everything here runs on the loop thread.
 */
#ifndef ACCUEIL_APPOINTMENTS_H
#define ACCUEIL_APPOINTMENTS_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "error.h"

struct app;
struct buf;
struct conf_counsellor;
struct slot;

/* A booked appointment, as loaded by appt_load(). Strings may be NULL. */
struct appt {
	int64_t id;
	char *session, *office, *counsellor, *visitor, *visitor_name, *lang;
	char *visitor_url;
	time_t start;
};

/* What a new booking records; strings are borrowed for the call. */
struct appt_booking {
	const char *session, *office, *counsellor, *persona;
	const char *visitor;		/* the visitor's JID */
	const char *visitor_name, *lang, *room;
	const char *visitor_url, *counsellor_url;
	const char *setup_url;		/* may be NULL */
	const char *uid;		/* of the iCalendar event */
	time_t start, end;
};

/*
 * Records booking b, guarded by the unique index (counsellor, start).
 * Returns ACCUEIL_OK with the new id in *idp; ACCUEIL_ECONFLICT if the
 * insert was refused (the slot is already booked, logged at info; or
 * another store error, logged as a warning): the caller proposes fresh
 * times; ACCUEIL_ESTORE if the statement could not be prepared (logged).
 * Runs on the loop thread.
 */
enum accueil_err appt_insert(struct app *app, const struct appt_booking *b,
    int64_t *idp);

/*
 * The intervals counsellor jid has booked that have not ended yet, by
 * start time, with their number in *n. Returns a new array (caller frees
 * with free()), or NULL when there is none or on a store error (logged).
 * Runs on the loop thread.
 */
struct slot *appointments_busy(struct app *app, const char *jid, size_t *n);

/*
 * Loads the booked appointment id into *a. Returns 0, or -1 if there is
 * no such booked appointment or on a store error (logged). Either way the
 * caller frees *a's strings with appt_free(). Runs on the loop thread.
 */
int appt_load(struct app *app, int64_t id, struct appt *a);

/* Frees a's strings (not a itself); a may be NULL. */
void appt_free(struct appt *a);

/*
 * Cancels appointment a (marks it cancelled, records the event) and tells
 * both sides: the visitor in their chat if it is still open, otherwise
 * from the office's desk JID; the counsellor from their persona. a is
 * borrowed for the call. Returns 0, or -1 if the store refused it: then
 * nobody but the counsellor (asked to try again) is told. Runs on the
 * loop thread.
 */
int appt_cancel(struct app *app, const struct appt *a);

/*
 * The id of session's booked appointment that has not ended yet (the
 * earliest), or 0 if none or on a store error (logged). Runs on the loop
 * thread.
 */
int64_t appt_booked_of_session(struct app *app, const char *session);

/*
 * Appends c's upcoming appointments, one per line, in c's language, to b
 * (or a line saying there is none). b stays the caller's. Runs on the
 * loop thread.
 */
void appointments_text(struct app *app, const struct conf_counsellor *c,
    struct buf *b);

/*
 * Sends c the list appointments_text() makes, as a private notice from
 * the JID from (borrowed for the call). Runs on the loop thread.
 */
void appointments_list(struct app *app, const struct conf_counsellor *c,
    const char *from);

/*
 * Timer (app is the struct app): sends the reminders that are due, as set
 * by the office's reminders, to the counsellor and the visitor. Returns 1
 * (keep the timer). Runs on the loop thread.
 */
int appointments_tick(void *app);

#endif
