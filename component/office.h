/*
 * office.h: an office's opening hours and holidays, in its time zone.
 */
#ifndef ACCUEIL_OFFICE_H
#define ACCUEIL_OFFICE_H

#include <time.h>

struct conf_office;

/* 1 if the local date tm is one of the office's holidays. */
struct tm;
int office_is_holiday(const struct conf_office *o, const struct tm *tm);

/* 1 if the office is open at t (hours and holidays, in its time zone). */
int office_is_open(const struct conf_office *o, time_t t);

/* The next opening after t within 31 days, or 0 if none. */
time_t office_next_open(const struct conf_office *o, time_t t);

#endif
