/*
 * ical.h: an iCalendar (RFC 5545) event for a booked video appointment.
 *
 * One VCALENDAR holding a VTIMEZONE for the office's zone and one VEVENT
 * whose DTSTART/DTEND are local times with that TZID. The VTIMEZONE is not
 * written by hand: its STANDARD/DAYLIGHT observances are the offset changes
 * the C library's tz data has from the start of the event's year to the
 * end of the year it ends in (found by scanning localtime day by day and
 * bisecting to the second), plus one observance for the offset in force
 * when that span begins. Text is escaped (\\ \; \, \n), lines are folded
 * at 75 octets without splitting a UTF-8 character, and every line ends
 * with CRLF. There is no METHOD: the object is meant to be imported, not
 * an iTIP request. Time zone look-ups switch TZ: loop thread only.
 */
#ifndef ACCUEIL_ICAL_H
#define ACCUEIL_ICAL_H

#include <time.h>

struct buf;

/* An appointment; every pointer borrowed for the call. */
struct ical_event {
	const char *uid;	/* keep it for updates; NULL: ical_new_uid() */
	const char *domain;	/* UID domain (the component's) if uid NULL */
	const char *tz;		/* IANA zone of the office */
	time_t start, end;	/* end > start */
	time_t stamp;		/* DTSTAMP: when this version was made */
	int sequence;		/* 0 at booking, +1 at every change */
	int cancelled;		/* STATUS:CANCELLED instead of CONFIRMED */
	const char *summary;	/* required */
	const char *description; /* NULL, or text before the link */
	const char *url;	/* meeting link (URL, LOCATION, DESCRIPTION) */
	const char *organizer;	/* the office's name (ORGANIZER CN), or NULL */
	const char *contact;	/* the office's contact line, or NULL */
	int alarm_min;		/* > 0: a display alarm that many minutes
				   before the start */
};

/*
 * Writes the calendar. Returns ACCUEIL_OK and sets *out (caller frees with
 * free()), or ACCUEIL_EINVAL (missing or invalid field: no summary, end
 * not after start, a zone name or URL with characters it cannot have,
 * text that is not UTF-8) or ACCUEIL_EPLUGIN (no random UID) with *out
 * NULL. ORGANIZER (mailto) is written when contact is an e-mail address
 * ("name@host" or "mailto:..."); CONTACT always when contact is given.
 */
int ical_make_event(const struct ical_event *ev, char **out);

/*
 * Returns a new random UID, 128 bits in hex "@" domain; caller frees with
 * free(). NULL if the random generator failed or domain is NULL.
 */
char *ical_new_uid(const char *domain);

/* Appends s escaped as an iCalendar TEXT value (\\ \; \, \n). */
void ical_escape_text(struct buf *b, const char *s);

/*
 * Appends one content line to b folded at 75 octets (continuation lines
 * start with a space and never split a UTF-8 character), ended by CRLF.
 */
void ical_fold_line(struct buf *b, const char *line);

#endif
