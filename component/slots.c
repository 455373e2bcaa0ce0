/*
 * slots.c: free appointment slots from video hours, in the office's local
 * time, and their wording for visitors.
 *
 * Local wall-clock times are handled as "local seconds" (timegm() of the
 * broken-down local time) and turned into epoch times by subtracting the
 * zone's UTC offset, found with clock_localtime(). Around a change there
 * are two candidate offsets; a candidate is kept only if the zone really
 * has that offset at the resulting instant.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "conf.h"
#include "error.h"
#include "office.h"
#include "slots.h"
#include "util.h"

#define DAY	86400

/* UTC offset of zone tz at t, in seconds east; -1 on error. */
static int
offset_at(const char *tz, time_t t, long *off)
{
	struct tm tm;

	if (clock_localtime(tz, t, &tm) < 0)
		return -1;
	*off = tm.tm_gmtoff;
	return 0;
}

/*
 * Turns local seconds l into an epoch time, trying offsets oa and ob (the
 * zone's offsets around l). Returns 0, or -1 if l does not exist.
 */
static int
resolve_local(const char *tz, time_t l, long oa, long ob, time_t *t)
{
	long off[2] = {oa, ob}, got;
	time_t best = 0, c;
	int i, found = 0;

	if (oa == ob) {
		*t = l - oa;
		return 0;
	}
	for (i = 0; i < 2; i++) {
		c = l - off[i];
		if (offset_at(tz, c, &got) < 0 || got != off[i])
			continue;
		if (!found || c < best)
			best = c;
		found = 1;
	}
	if (!found)
		return -1;
	*t = best;
	return 0;
}

/* Local seconds of year-mon-mday 00:00; fills *tm normalised (wday). */
static time_t
local_midnight(int year, int mon, int mday, struct tm *tm)
{
	memset(tm, 0, sizeof(*tm));
	tm->tm_year = year - 1900;
	tm->tm_mon = mon - 1;
	tm->tm_mday = mday;
	return timegm(tm);
}

int
slots_local_time(const char *tz, int year, int mon, int mday,
    int minute_of_day, time_t *t)
{
	struct tm tm;
	time_t l;
	long oa, ob;

	if (tz == NULL || *tz == '\0' || mon < 1 || mon > 12 || mday < 1 ||
	    minute_of_day < 0 || minute_of_day >= 24 * 60)
		return -1;
	l = local_midnight(year, mon, mday, &tm);
	if (l == (time_t)-1 || tm.tm_mday != mday || tm.tm_mon != mon - 1)
		return -1;
	l += (time_t)minute_of_day * 60;
	if (offset_at(tz, l - DAY, &oa) < 0 || offset_at(tz, l + DAY, &ob) < 0)
		return -1;
	return resolve_local(tz, l, oa, ob, t);
}

static int
is_busy(const struct slots_query *q, time_t start, time_t end)
{
	size_t i;

	for (i = 0; q->busy && i < q->nbusy; i++)
		if (start < q->busy[i].end && q->busy[i].start < end)
			return 1;
	return 0;
}

static int
cmp_slot(const void *a, const void *b)
{
	const struct slot *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return x->end < y->end ? -1 : x->end > y->end;
}

/*
 * Appends the candidate slots of one local day (local midnight l0, weekday
 * wday) to *day. Returns their number.
 */
static size_t
day_candidates(const struct slots_query *q, time_t l0, int wday,
    struct slot **day, size_t *cap)
{
	const char *tz = q->office->timezone;
	time_t start, earliest = q->now + (time_t)q->notice_min * 60;
	long oa, ob;
	size_t i, n = 0;
	int m;

	/* One offset all day unless the zone changes around it. */
	if (offset_at(tz, l0 - DAY, &oa) < 0 ||
	    offset_at(tz, l0 + 2 * DAY, &ob) < 0)
		return 0;
	for (i = 0; i < q->nvideo; i++) {
		const struct conf_video *v = &q->video[i];

		if (!(v->days & CONF_DAY(wday)) || v->slot <= 0)
			continue;
		for (m = v->from; m + v->slot <= v->to; m += v->slot) {
			if (resolve_local(tz, l0 + (time_t)m * 60, oa, ob,
			    &start) < 0)
				continue;	/* skipped by the change */
			if (start < earliest ||
			    is_busy(q, start, start + v->slot * 60))
				continue;
			if (n == *cap) {
				*cap = *cap ? 2 * *cap : 32;
				*day = xreallocarray(*day, *cap,
				    sizeof(**day));
			}
			(*day)[n].start = start;
			(*day)[n].end = start + (time_t)v->slot * 60;
			n++;
		}
	}
	return n;
}

int
slots_find(const struct slots_query *q, struct slot *out, size_t max,
    size_t *n)
{
	struct slot *day = NULL;
	struct tm now_tm, tm;
	size_t cap = 0, nday, k;
	time_t l0;
	int d;

	*n = 0;
	if (q->office == NULL || q->office->timezone == NULL ||
	    *q->office->timezone == '\0' || q->horizon_days < 1 ||
	    q->horizon_days > 366 || q->notice_min < 0 ||
	    (q->nvideo > 0 && q->video == NULL))
		return ACCUEIL_EINVAL;
	if (clock_localtime(q->office->timezone, q->now, &now_tm) < 0)
		return ACCUEIL_EINVAL;

	for (d = 0; d < q->horizon_days && *n < max; d++) {
		l0 = local_midnight(now_tm.tm_year + 1900, now_tm.tm_mon + 1,
		    now_tm.tm_mday + d, &tm);
		if (office_is_holiday(q->office, &tm))
			continue;
		nday = day_candidates(q, l0, tm.tm_wday, &day, &cap);
		if (nday > 1)
			qsort(day, nday, sizeof(*day), cmp_slot);
		for (k = 0; k < nday && *n < max; k++) {
			if (*n > 0 && out[*n - 1].start == day[k].start)
				continue;
			out[(*n)++] = day[k];
		}
	}
	free(day);
	return ACCUEIL_OK;
}

/* ---- wording ---------------------------------------------------------- */

enum date_style {
	STYLE_EN,	/* Tuesday 24 November, 14:30 */
	STYLE_FR,	/* mardi 24 novembre, 14:30; "1er" on the first */
	STYLE_CA,	/* dimarts 24 de novembre; d' before a vowel */
	STYLE_ES,	/* martes 24 de noviembre, 14:30 */
	STYLE_DE,	/* Dienstag, 24. November, 14:30 */
};

struct date_words {
	const char *lang;
	enum date_style style;
	const char *wday[7];	/* Sunday first, as struct tm */
	const char *month[12];
};

static const struct date_words date_words[] = {
	{"en", STYLE_EN,
	    {"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday",
		"Friday", "Saturday"},
	    {"January", "February", "March", "April", "May", "June", "July",
		"August", "September", "October", "November", "December"}},
	{"fr", STYLE_FR,
	    {"dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi",
		"samedi"},
	    {"janvier", "février", "mars", "avril", "mai", "juin",
		"juillet", "août", "septembre", "octobre", "novembre",
		"décembre"}},
	{"ca", STYLE_CA,
	    {"diumenge", "dilluns", "dimarts", "dimecres", "dijous",
		"divendres", "dissabte"},
	    {"gener", "febrer", "març", "abril", "maig", "juny", "juliol",
		"agost", "setembre", "octubre", "novembre", "desembre"}},
	{"es", STYLE_ES,
	    {"domingo", "lunes", "martes", "miércoles", "jueves", "viernes",
		"sábado"},
	    {"enero", "febrero", "marzo", "abril", "mayo", "junio", "julio",
		"agosto", "septiembre", "octubre", "noviembre", "diciembre"}},
	{"de", STYLE_DE,
	    {"Sonntag", "Montag", "Dienstag", "Mittwoch", "Donnerstag",
		"Freitag", "Samstag"},
	    {"Januar", "Februar", "März", "April", "Mai", "Juni", "Juli",
		"August", "September", "Oktober", "November", "Dezember"}},
};

static const struct date_words *
words_for(const char *lang)
{
	size_t i;

	for (i = 0; lang && i < nitems(date_words); i++)
		if (strncmp(lang, date_words[i].lang, 2) == 0 &&
		    (lang[2] == '\0' || lang[2] == '-' || lang[2] == '_'))
			return &date_words[i];
	return &date_words[0];
}

char *
slots_format(time_t t, const char *tz, const char *lang)
{
	const struct date_words *w = words_for(lang);
	const char *wd, *mo;
	struct tm tm;

	if (tz == NULL || clock_localtime(tz, t, &tm) < 0)
		return NULL;
	wd = w->wday[tm.tm_wday];
	mo = w->month[tm.tm_mon];
	switch (w->style) {
	case STYLE_FR:
		return xasprintf("%s %d%s %s, %02d:%02d", wd, tm.tm_mday,
		    tm.tm_mday == 1 ? "er" : "", mo, tm.tm_hour, tm.tm_min);
	case STYLE_CA:
		return xasprintf("%s %d %s%s, %02d:%02d", wd, tm.tm_mday,
		    strchr("aeiou", mo[0]) ? "d'" : "de ", mo, tm.tm_hour,
		    tm.tm_min);
	case STYLE_ES:
		return xasprintf("%s %d de %s, %02d:%02d", wd, tm.tm_mday, mo,
		    tm.tm_hour, tm.tm_min);
	case STYLE_DE:
		return xasprintf("%s, %d. %s, %02d:%02d", wd, tm.tm_mday, mo,
		    tm.tm_hour, tm.tm_min);
	case STYLE_EN:
	default:
		return xasprintf("%s %d %s, %02d:%02d", wd, tm.tm_mday, mo,
		    tm.tm_hour, tm.tm_min);
	}
}
