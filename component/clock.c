/*
 * clock.c: current time (controllable by tests) and time zone helpers on
 * top of the C library's tz support.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "util.h"

time_t
clock_now(void)
{
	const char *path = getenv("ACCUEIL_TEST_CLOCK");
	char buf[64];
	FILE *fp;
	long long v;

	if (path == NULL || (fp = fopen(path, "r")) == NULL)
		return time(NULL);
	if (fgets(buf, sizeof(buf), fp) == NULL) {
		fclose(fp);
		return time(NULL);
	}
	fclose(fp);
	if (buf[0] == '+' || buf[0] == '-')
		return time(NULL) + (time_t)strtoll(buf, NULL, 10);
	v = strtoll(buf, NULL, 10);
	return v > 0 ? (time_t)v : time(NULL);
}

unsigned long long
clock_mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned long long)ts.tv_sec * 1000 +
	    (unsigned long long)ts.tv_nsec / 1000000;
}

/* Switches TZ to tz; returns the previous value to restore (or NULL). */
static char *
tz_push(const char *tz)
{
	const char *old = getenv("TZ");
	char *saved = old ? xstrdup(old) : NULL;

	setenv("TZ", tz, 1);
	tzset();
	return saved;
}

static void
tz_pop(char *saved)
{
	if (saved) {
		setenv("TZ", saved, 1);
		free(saved);
	} else
		unsetenv("TZ");
	tzset();
}

int
clock_localtime(const char *tz, time_t t, struct tm *tm)
{
	/* the last answer: switching TZ re-reads the zone file each time,
	 * and a burst asks for the same zone and second over and over */
	static char last_tz[64];
	static time_t last_t;
	static struct tm last_tm;
	char *saved;
	int r;

	if (last_tz[0] && t == last_t && strcmp(tz, last_tz) == 0) {
		*tm = last_tm;
		return 0;
	}
	saved = tz_push(tz);
	r = localtime_r(&t, tm) ? 0 : -1;
	tz_pop(saved);
	if (r == 0 && strlen(tz) < sizeof(last_tz)) {
		snprintf(last_tz, sizeof(last_tz), "%s", tz);
		last_t = t;
		last_tm = *tm;
	}
	return r;
}

time_t
clock_mktime(const char *tz, struct tm *tm)
{
	char *saved = tz_push(tz);
	time_t t;

	tm->tm_isdst = -1;
	t = mktime(tm);
	tz_pop(saved);
	return t;
}
