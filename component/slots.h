/*
 * slots.h: free video appointment slots, and how to say them to a visitor.
 *
 * A counsellor's <video> hours (days, from, to, slot length) are wall-clock
 * times in the office's time zone: a 14:00 slot is at 14:00 local on both
 * sides of a daylight-saving change. Slots are cut from each local day of
 * the horizon, skipping the office's holidays, slots that start before
 * "now" plus the minimum notice and slots that overlap a booked interval.
 * A local time that does not exist (the hour skipped in spring) gives no
 * slot; one that happens twice (the hour repeated in autumn) gives one
 * slot, at its first occurrence. A slot lasts its length in real minutes.
 * Time zones come from the C library (via clock.h), so these functions
 * switch TZ for a moment: call them on the loop thread only.
 */
#ifndef ACCUEIL_SLOTS_H
#define ACCUEIL_SLOTS_H

#include <stddef.h>
#include <time.h>

struct conf_office;
struct conf_video;

/* A time interval [start, end): a slot or a booked appointment. */
struct slot {
	time_t start;
	time_t end;
};

/* What slots_find() looks at; everything borrowed for the call. */
struct slots_query {
	const struct conf_video *video;	/* the counsellor's video hours */
	size_t nvideo;
	const struct conf_office *office; /* time zone and holidays */
	time_t now;
	int horizon_days;	/* local days looked at, today first: 1..366 */
	int notice_min;		/* minimum notice in minutes, >= 0 */
	const struct slot *busy; /* booked intervals, any order; may be NULL */
	size_t nbusy;
};

/*
 * Writes the first free slots, at most max of them, in time order into
 * out (an array the caller owns) and their number into *n. Two <video>
 * entries giving the same start give one slot. Returns ACCUEIL_OK, or
 * ACCUEIL_EINVAL (no office or time zone, horizon or notice out of range)
 * with *n = 0. The zone name is trusted: conf.c checked it.
 */
int slots_find(const struct slots_query *q, struct slot *out, size_t max,
    size_t *n);

/*
 * The epoch time of the local wall-clock time year-mon-mday hh:mm
 * (mon 1..12, minute of day 0..1439) in zone tz. Returns 0 and sets *t;
 * for a repeated local time, the first occurrence. Returns -1 if that
 * local time does not exist there (skipped by a change) or tz or the date
 * is invalid.
 */
int slots_local_time(const char *tz, int year, int mon, int mday,
    int minute_of_day, time_t *t);

/*
 * Returns t as a visitor reads it, in zone tz and language lang (fr, en,
 * ca, es, de; a region suffix like "fr-CA" is ignored; anything else gets
 * English): "mardi 24 novembre, 14:30", "Tuesday 24 November, 14:30",
 * "dimarts 24 de novembre, 14:30", "martes 24 de noviembre, 14:30",
 * "Dienstag, 24. November, 14:30". Caller frees with free(); NULL if tz
 * is invalid.
 */
char *slots_format(time_t t, const char *tz, const char *lang);

#endif
