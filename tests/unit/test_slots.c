/*
 * test_slots.c: free video slots in Europe/Paris: across the daylight
 * saving changes of 2026-10-25 and 2027-03-28, outside video hours, on
 * holidays, around booked appointments, with minimum notice and a cap;
 * and the wording of a slot in five languages.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "conf.h"
#include "error.h"
#include "log.h"
#include "slots.h"
#include "tap.h"

#define TUE_THU (CONF_DAY(2) | CONF_DAY(4))

static struct conf_holiday holidays[] = {
	{{0, 12, 25}, 1},	/* every year */
	{{2026, 11, 11}, 2},	/* that year only */
};

static struct conf_office office = {
	.id = "cahors",
	.timezone = "Europe/Paris",
	.holidays = holidays,
	.nholidays = 2,
};

/* Epoch of a UTC time. */
static time_t
utc(int y, int mo, int d, int h, int mi)
{
	struct tm tm = {0};

	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	return timegm(&tm);
}

/* Epoch of a Paris wall-clock time that exists once. */
static time_t
paris(int y, int mo, int d, int h, int mi)
{
	time_t t = 0;

	if (slots_local_time("Europe/Paris", y, mo, d, h * 60 + mi, &t) < 0)
		diag("no such Paris time %d-%d-%d %d:%d", y, mo, d, h, mi);
	return t;
}

static size_t
find(const struct conf_video *v, size_t nv, time_t now, int days,
    int notice, const struct slot *busy, size_t nbusy, struct slot *out,
    size_t max)
{
	struct slots_query q = {
		.video = v,
		.nvideo = nv,
		.office = &office,
		.now = now,
		.horizon_days = days,
		.notice_min = notice,
		.busy = busy,
		.nbusy = nbusy,
	};
	size_t n = 0;

	if (slots_find(&q, out, max, &n) != ACCUEIL_OK)
		diag("slots_find failed");
	return n;
}

/* "HH:MM" of t in Paris, for messages. */
static const char *
hm(time_t t)
{
	static char s[8];
	char *f = slots_format(t, "Europe/Paris", "en");
	char *c = f ? strrchr(f, ' ') : NULL;

	snprintf(s, sizeof(s), "%s", c ? c + 1 : "?");
	free(f);
	return s;
}

static void
test_autumn_change(void)
{
	/* Sunday 2026-10-25: 03:00 CEST becomes 02:00 CET */
	const struct conf_video night[] = {{CONF_DAY(0), 60, 240, 30, 1}};
	const struct conf_video afternoon[] = {
		{CONF_DAY(6) | CONF_DAY(1), 14 * 60, 14 * 60 + 30, 30, 1},
	};
	const time_t want[] = {
		utc(2026, 10, 24, 23, 0),	/* 01:00 CEST */
		utc(2026, 10, 24, 23, 30),	/* 01:30 CEST */
		utc(2026, 10, 25, 0, 0),	/* 02:00 CEST, first one */
		utc(2026, 10, 25, 0, 30),	/* 02:30 CEST, first one */
		utc(2026, 10, 25, 2, 0),	/* 03:00 CET */
		utc(2026, 10, 25, 2, 30),	/* 03:30 CET */
	};
	struct slot s[16];
	size_t n, i;
	int same = 1;

	n = find(night, 1, utc(2026, 10, 24, 10, 0), 2, 0, NULL, 0, s, 16);
	is_int(n, nitems(want), "autumn change: 6 slots from 01:00 to 03:30, "
	    "the repeated hour once");
	for (i = 0; i < n && i < nitems(want); i++)
		if (s[i].start != want[i]) {
			same = 0;
			diag("slot %zu at %lld, expected %lld", i,
			    (long long)s[i].start, (long long)want[i]);
		}
	ok(same, "autumn change: each slot at the first occurrence of its "
	    "local time");
	ok(n >= 4 && s[3].end - s[3].start == 1800 &&
	    s[3].end == utc(2026, 10, 25, 1, 0),
	    "the 02:30 CEST slot lasts 30 real minutes");
	is_str(n >= 5 ? hm(s[4].start) : NULL, "03:00",
	    "03:00 after the change reads 03:00");

	n = find(afternoon, 1, utc(2026, 10, 23, 10, 0), 5, 0, NULL, 0, s, 16);
	is_int(n, 2, "14:00 slots on Saturday and Monday");
	ok(n == 2 && s[0].start == utc(2026, 10, 24, 12, 0),
	    "Saturday 24 October 14:00 is 12:00 UTC (summer time)");
	ok(n == 2 && s[1].start == utc(2026, 10, 26, 13, 0),
	    "Monday 26 October 14:00 is 13:00 UTC (winter time)");
	is_str(n == 2 ? hm(s[1].start) : NULL, "14:00",
	    "14:00 stays 14:00 local after the change");
}

static void
test_spring_change(void)
{
	/* Sunday 2027-03-28: 02:00 CET becomes 03:00 CEST */
	const struct conf_video night[] = {{CONF_DAY(0), 60, 240, 30, 1}};
	const struct conf_video afternoon[] = {
		{CONF_DAY(5) | CONF_DAY(1), 14 * 60, 14 * 60 + 30, 30, 1},
	};
	const time_t want[] = {
		utc(2027, 3, 28, 0, 0),		/* 01:00 CET */
		utc(2027, 3, 28, 0, 30),	/* 01:30 CET */
		utc(2027, 3, 28, 1, 0),		/* 03:00 CEST */
		utc(2027, 3, 28, 1, 30),	/* 03:30 CEST */
	};
	struct slot s[16];
	size_t n, i;
	int same = 1;
	time_t t;

	n = find(night, 1, utc(2027, 3, 27, 10, 0), 2, 0, NULL, 0, s, 16);
	is_int(n, nitems(want), "spring change: 4 slots, none in the "
	    "skipped hour");
	for (i = 0; i < n && i < nitems(want); i++)
		if (s[i].start != want[i]) {
			same = 0;
			diag("slot %zu at %lld, expected %lld", i,
			    (long long)s[i].start, (long long)want[i]);
		}
	ok(same, "spring change: 01:00, 01:30, 03:00, 03:30");
	ok(n >= 2 && s[1].end == utc(2027, 3, 28, 1, 0),
	    "the 01:30 slot ends at 03:00 CEST");

	n = find(afternoon, 1, utc(2027, 3, 25, 10, 0), 5, 0, NULL, 0, s, 16);
	is_int(n, 2, "14:00 slots on Friday and Monday");
	ok(n == 2 && s[0].start == utc(2027, 3, 26, 13, 0),
	    "Friday 26 March 14:00 is 13:00 UTC (winter time)");
	ok(n == 2 && s[1].start == utc(2027, 3, 29, 12, 0),
	    "Monday 29 March 14:00 is 12:00 UTC (summer time)");

	ok(slots_local_time("Europe/Paris", 2027, 3, 28, 150, &t) < 0,
	    "02:30 on 2027-03-28 does not exist");
	ok(slots_local_time("Europe/Paris", 2026, 10, 25, 150, &t) == 0 &&
	    t == utc(2026, 10, 25, 0, 30),
	    "02:30 on 2026-10-25 is its first occurrence");
	ok(slots_local_time("Europe/Paris", 2026, 2, 30, 600, &t) < 0,
	    "30 February is refused");
}

static void
test_hours(void)
{
	const struct conf_video v[] = {{TUE_THU, 14 * 60, 17 * 60, 30, 1}};
	struct slot s[32];
	size_t n, i;
	int inside = 1;
	struct tm tm;
	time_t l;

	/* Monday 23 November 2026, 09:00: next 7 days */
	n = find(v, 1, paris(2026, 11, 23, 9, 0), 7, 30, NULL, 0, s, 32);
	is_int(n, 12, "two video days of 6 slots in the next 7 days");
	ok(n > 0 && s[0].start == paris(2026, 11, 24, 14, 0),
	    "first slot Tuesday 14:00");
	ok(n == 12 && s[11].start == paris(2026, 11, 26, 16, 30),
	    "last slot Thursday 16:30 (ends at 17:00)");
	for (i = 0; i < n; i++) {
		l = s[i].start + 3600;	/* CET */
		gmtime_r(&l, &tm);
		if ((tm.tm_wday != 2 && tm.tm_wday != 4) || tm.tm_hour < 14 ||
		    tm.tm_hour * 60 + tm.tm_min + 30 > 17 * 60)
			inside = 0;
		if (i > 0 && s[i].start <= s[i - 1].start)
			inside = 0;
	}
	ok(inside, "every slot inside the video hours, in order");
	n = find(v, 1, paris(2026, 11, 23, 9, 0), 1, 0, NULL, 0, s, 32);
	is_int(n, 0, "no slot on a Monday (not a video day)");
}

static void
test_holidays(void)
{
	const struct conf_video wed[] = {{CONF_DAY(3), 600, 660, 30, 1}};
	const struct conf_video every[] = {{0x7f, 600, 630, 30, 1}};
	const struct conf_video thu[] = {{CONF_DAY(4), 600, 630, 30, 1}};
	struct slot s[8];
	size_t n;

	n = find(wed, 1, paris(2026, 11, 9, 9, 0), 7, 0, NULL, 0, s, 8);
	is_int(n, 0, "Wednesday 11 November 2026 is a holiday");
	n = find(wed, 1, paris(2026, 11, 9, 9, 0), 10, 0, NULL, 0, s, 8);
	ok(n == 2 && s[0].start == paris(2026, 11, 18, 10, 0),
	    "the next Wednesday has its slots");
	n = find(every, 1, paris(2026, 12, 25, 8, 0), 1, 0, NULL, 0, s, 8);
	is_int(n, 0, "Christmas (every year) has no slot");
	n = find(every, 1, paris(2027, 12, 25, 8, 0), 1, 0, NULL, 0, s, 8);
	is_int(n, 0, "nor Christmas the year after");
	n = find(every, 1, paris(2027, 12, 24, 8, 0), 1, 0, NULL, 0, s, 8);
	is_int(n, 1, "the day before Christmas has its slot");
	n = find(thu, 1, paris(2027, 11, 8, 9, 0), 7, 0, NULL, 0, s, 8);
	ok(n == 1 && s[0].start == paris(2027, 11, 11, 10, 0),
	    "a dated holiday does not apply the next year");
}

static void
test_busy(void)
{
	const struct conf_video v[] = {{CONF_DAY(2), 14 * 60, 17 * 60, 30, 1}};
	const struct slot busy[] = {
		{paris(2026, 11, 24, 14, 30), paris(2026, 11, 24, 15, 0)},
		{paris(2026, 11, 24, 15, 10), paris(2026, 11, 24, 15, 20)},
		{paris(2026, 11, 24, 13, 30), paris(2026, 11, 24, 14, 0)},
		{paris(2026, 11, 24, 16, 45), paris(2026, 11, 24, 18, 0)},
	};
	struct slot s[16];
	size_t n;

	n = find(v, 1, paris(2026, 11, 23, 9, 0), 2, 0, busy, nitems(busy),
	    s, 16);
	is_int(n, 3, "three of six slots stay free");
	ok(n == 3 && s[0].start == paris(2026, 11, 24, 14, 0),
	    "14:00 free: a booking ending at 14:00 does not overlap");
	ok(n == 3 && s[1].start == paris(2026, 11, 24, 15, 30),
	    "14:30 (same) and 15:00 (partly covered) are taken");
	ok(n == 3 && s[2].start == paris(2026, 11, 24, 16, 0),
	    "16:30 taken by a booking from 16:45");
}

static void
test_notice_and_cap(void)
{
	const struct conf_video v[] = {{CONF_DAY(2), 14 * 60, 17 * 60, 30, 1}};
	const struct conf_video dup[] = {
		{CONF_DAY(2), 14 * 60, 15 * 60, 30, 1},
		{CONF_DAY(2), 14 * 60, 15 * 60, 60, 2},
	};
	struct slot s[16];
	size_t n;

	n = find(v, 1, paris(2026, 11, 24, 14, 10), 1, 30, NULL, 0, s, 16);
	ok(n == 4 && s[0].start == paris(2026, 11, 24, 15, 0),
	    "30 min notice at 14:10: first slot 15:00");
	n = find(v, 1, paris(2026, 11, 24, 14, 10), 1, 0, NULL, 0, s, 16);
	ok(n == 5 && s[0].start == paris(2026, 11, 24, 14, 30),
	    "no notice at 14:10: the 14:00 slot is past, 14:30 is next");
	n = find(v, 1, paris(2026, 11, 24, 14, 0), 1, 0, NULL, 0, s, 16);
	ok(n == 6 && s[0].start == paris(2026, 11, 24, 14, 0),
	    "a slot starting right now is offered without notice");
	n = find(v, 1, paris(2026, 11, 17, 9, 0), 14, 0, NULL, 0, s, 3);
	ok(n == 3 && s[0].start == paris(2026, 11, 17, 14, 0) &&
	    s[2].start == paris(2026, 11, 17, 15, 0),
	    "capped at 3: the three earliest");
	n = find(v, 1, paris(2026, 11, 17, 9, 0), 14, 0, NULL, 0, s, 0);
	is_int(n, 0, "capped at 0: none");
	n = find(dup, 2, paris(2026, 11, 23, 9, 0), 2, 0, NULL, 0, s, 16);
	ok(n == 2 && s[0].start == paris(2026, 11, 24, 14, 0) &&
	    s[1].start == paris(2026, 11, 24, 14, 30),
	    "two entries with the same start give one slot");
}

static void
test_invalid(void)
{
	const struct conf_video v[] = {{CONF_DAY(2), 600, 660, 30, 1}};
	struct slots_query q = {
		.video = v,
		.nvideo = 1,
		.office = &office,
		.now = 1790000000,
		.horizon_days = 0,
	};
	struct slot s[2];
	size_t n = 7;

	is_int(slots_find(&q, s, 2, &n), ACCUEIL_EINVAL, "horizon 0 refused");
	is_int(n, 0, "no slot on error");
	q.horizon_days = 7;
	q.notice_min = -1;
	is_int(slots_find(&q, s, 2, &n), ACCUEIL_EINVAL,
	    "negative notice refused");
	q.notice_min = 0;
	q.office = NULL;
	is_int(slots_find(&q, s, 2, &n), ACCUEIL_EINVAL, "no office refused");
}

static void
test_format(void)
{
	time_t t = paris(2026, 11, 24, 14, 30);
	static const struct {
		const char *lang, *want;
	} cases[] = {
		{"fr", "mardi 24 novembre, 14:30"},
		{"en", "Tuesday 24 November, 14:30"},
		{"ca", "dimarts 24 de novembre, 14:30"},
		{"es", "martes 24 de noviembre, 14:30"},
		{"de", "Dienstag, 24. November, 14:30"},
		{"fr-CA", "mardi 24 novembre, 14:30"},
		{"it", "Tuesday 24 November, 14:30"},
		{NULL, "Tuesday 24 November, 14:30"},
	};
	size_t i;
	char *s, what[64];

	for (i = 0; i < nitems(cases); i++) {
		s = slots_format(t, "Europe/Paris", cases[i].lang);
		snprintf(what, sizeof(what), "slot wording in %s",
		    cases[i].lang ? cases[i].lang : "(none)");
		is_str(s, cases[i].want, what);
		free(s);
	}
	s = slots_format(paris(2026, 12, 1, 9, 5), "Europe/Paris", "fr");
	is_str(s, "mardi 1er décembre, 09:05", "French says 1er");
	free(s);
	s = slots_format(paris(2027, 4, 6, 10, 0), "Europe/Paris", "ca");
	is_str(s, "dimarts 6 d'abril, 10:00", "Catalan says d'abril");
	free(s);
	s = slots_format(paris(2027, 3, 28, 3, 0), "Europe/Paris", "de");
	is_str(s, "Sonntag, 28. März, 03:00", "German after the change");
	free(s);
	s = slots_format(t, "America/New_York", "en");
	is_str(s, "Tuesday 24 November, 08:30", "wording follows the zone");
	free(s);
}

int
main(void)
{
	log_init(1, LOG_LEVEL_ERROR);
	test_autumn_change();
	test_spring_change();
	test_hours();
	test_holidays();
	test_busy();
	test_notice_and_cap();
	test_invalid();
	test_format();
	return tap_done();
}
