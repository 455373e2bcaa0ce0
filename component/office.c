/*
 * office.c: opening hours and holidays, in the office's time zone.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "conf.h"
#include "office.h"
#include "util.h"

int
office_is_holiday(const struct conf_office *o, const struct tm *tm)
{
	size_t i;

	for (i = 0; i < o->nholidays; i++) {
		const struct conf_date *d = &o->holidays[i].date;

		if (d->month == tm->tm_mon + 1 && d->day == tm->tm_mday &&
		    (d->year == 0 || d->year == tm->tm_year + 1900))
			return 1;
	}
	return 0;
}

int
office_is_open(const struct conf_office *o, time_t t)
{
	struct tm tm;
	int min;
	size_t i;

	if (clock_localtime(o->timezone, t, &tm) < 0 || office_is_holiday(o, &tm))
		return 0;
	min = tm.tm_hour * 60 + tm.tm_min;
	for (i = 0; i < o->nhours; i++) {
		const struct conf_hours *h = &o->hours[i];

		if ((h->days & CONF_DAY(tm.tm_wday)) && min >= h->open &&
		    min < h->close)
			return 1;
	}
	return 0;
}

time_t
office_next_open(const struct conf_office *o, time_t t)
{
	struct tm day;
	time_t best = 0;
	int d;
	size_t i;

	if (clock_localtime(o->timezone, t, &day) < 0)
		return 0;
	for (d = 0; d <= 31; d++) {
		for (i = 0; i < o->nhours; i++) {
			struct tm c = day;
			time_t when;

			c.tm_mday += d;
			c.tm_hour = o->hours[i].open / 60;
			c.tm_min = o->hours[i].open % 60;
			c.tm_sec = 0;
			when = clock_mktime(o->timezone, &c);
			if (when == (time_t)-1 || when <= t)
				continue;
			if (!office_is_open(o, when))
				continue;
			if (best == 0 || when < best)
				best = when;
		}
		if (best)
			return best;
	}
	return 0;
}
