/*
 * test_office.c: opening hours, holidays, next opening and daylight
 * saving, in the office's time zone.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "conf.h"
#include "log.h"
#include "office.h"
#include "tap.h"

static struct conf *
office_conf(void)
{
	static const char xml[] = "<accueil>\n"
	    "<server host='127.0.0.1' secret-file='s'/>\n"
	    "<component domain='a.example' muc='m.example'/>\n"
	    "<database path='db'/>\n"
	    "<bot id='adam' name='Adam'/>\n"
	    "<office id='cahors' name='C' timezone='Europe/Paris' "
	    "languages='fr' bot='adam'>\n"
	    "<hours days='mon-sat' open='09:00' close='12:30'/>\n"
	    "<hours days='mon-sat' open='14:00' close='18:00'/>\n"
	    "<holiday date='12-25'/>\n"
	    "<holiday date='2026-11-11'/>\n"
	    "</office>\n</accueil>\n";
	struct conf_errors errs = {0};
	struct conf *c = conf_load_buffer("t", "/tmp", xml, sizeof(xml) - 1, 0,
	    &errs);

	conf_errors_free(&errs);
	return c;
}

/* Epoch of a local Paris time. */
static time_t
paris(int y, int mo, int d, int h, int mi)
{
	struct tm tm = {0};

	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	return clock_mktime("Europe/Paris", &tm);
}

int
main(void)
{
	struct conf *c;
	const struct conf_office *o;
	time_t t, n;
	struct tm tm;

	log_init(1, LOG_LEVEL_ERROR);
	c = office_conf();
	ok(c != NULL, "config loads");
	if (c == NULL)
		return tap_done();
	o = conf_office(c, "cahors");

	ok(office_is_open(o, paris(2026, 11, 23, 10, 0)), "Monday 10:00 open");
	ok(!office_is_open(o, paris(2026, 11, 23, 13, 0)),
	    "Monday 13:00 closed (lunch)");
	ok(!office_is_open(o, paris(2026, 11, 23, 18, 0)),
	    "Monday 18:00 closed (close is exclusive)");
	ok(!office_is_open(o, paris(2026, 11, 22, 10, 0)), "Sunday closed");
	ok(!office_is_open(o, paris(2026, 12, 25, 10, 0)),
	    "Christmas (every year) closed");
	ok(!office_is_open(o, paris(2026, 11, 11, 10, 0)),
	    "a dated holiday is closed");
	ok(office_is_open(o, paris(2027, 11, 11, 10, 0)),
	    "a dated holiday is only that year");

	n = office_next_open(o, paris(2026, 11, 21, 19, 0));
	is_int(n, paris(2026, 11, 23, 9, 0), "Saturday evening: next is "
	    "Monday 09:00");
	n = office_next_open(o, paris(2026, 11, 23, 12, 45));
	is_int(n, paris(2026, 11, 23, 14, 0), "lunch: next is 14:00");
	n = office_next_open(o, paris(2026, 12, 24, 18, 30));
	is_int(n, paris(2026, 12, 26, 9, 0), "Christmas eve: next is the 26th");

	/* DST ends in Paris on 2026-10-25 at 03:00 -> 02:00 */
	t = paris(2026, 10, 26, 9, 0);
	clock_localtime("Europe/Paris", t, &tm);
	is_int(tm.tm_hour, 9, "after the DST change, 09:00 stays 09:00 local");
	ok(office_is_open(o, t), "open at 09:00 the Monday after DST ends");
	is_int(t - paris(2026, 10, 24, 9, 0), 2 * 86400 + 3600,
	    "the weekend of the change is one hour longer");
	n = office_next_open(o, paris(2026, 10, 24, 19, 0));
	is_int(n, t, "next opening across the DST change is 09:00 local");
	/* spring forward: 2027-03-28 */
	n = office_next_open(o, paris(2027, 3, 27, 19, 0));
	clock_localtime("Europe/Paris", n, &tm);
	ok(tm.tm_mday == 29 && tm.tm_hour == 9 && tm.tm_min == 0,
	    "next opening across spring forward is Monday 09:00 local");

	conf_free(c);
	return tap_done();
}
