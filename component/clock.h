/*
 * clock.h: the daemon's idea of "now".
 *
 * Everything that depends on the time of day (opening hours, offer
 * timeouts, queue waits, appointments) asks clock_now(). Tests control it:
 * when the environment variable ACCUEIL_TEST_CLOCK names a file, its
 * content (seconds since the epoch, optionally "+N" for an offset from the
 * real time) is read on every call, so a test moves time forward by
 * rewriting the file. Never set in production.
 */
#ifndef ACCUEIL_CLOCK_H
#define ACCUEIL_CLOCK_H

#include <time.h>

/* Returns the current time (seconds since the epoch). */
time_t clock_now(void);

/* Monotonic milliseconds, for measuring durations. */
unsigned long long clock_mono_ms(void);

/*
 * Local time in zone tz (IANA name): fills tm. Returns 0, -1 on error.
 * Runs on the loop (it switches TZ for the call).
 */
int clock_localtime(const char *tz, time_t t, struct tm *tm);

/* The epoch time of a local date/time in zone tz; -1 on error. */
time_t clock_mktime(const char *tz, struct tm *tm);

#endif
