/*
 * tap.h: a tiny Test Anything Protocol harness for the unit tests.
 *
 * ok(cond, fmt, ...) prints "ok N - ..." or "not ok N - ..."; call
 * tap_done() at the end for the plan and the exit status.
 */
#ifndef ACCUEIL_TAP_H
#define ACCUEIL_TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int tap_n, tap_failed;

static void ok(int cond, const char *fmt, ...)
    __attribute__((format(printf, 2, 3), unused));

static void
ok(int cond, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d - ", cond ? "" : "not ", ++tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	if (!cond)
		tap_failed++;
}

static void diag(const char *fmt, ...)
    __attribute__((format(printf, 1, 2), unused));

static void
diag(const char *fmt, ...)
{
	va_list ap;

	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

static int __attribute__((unused))
tap_done(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}

#define is_str(a, b, what)                                                    \
	do {                                                                  \
		const char *a_ = (a), *b_ = (b);                              \
		int eq_ = a_ && b_ && strcmp(a_, b_) == 0;                    \
		ok(eq_, "%s", what);                                          \
		if (!eq_)                                                     \
			diag("got \"%s\", expected \"%s\"",                   \
			    a_ ? a_ : "(null)", b_ ? b_ : "(null)");          \
	} while (0)

#define is_int(a, b, what)                                                    \
	do {                                                                  \
		long a_ = (long)(a), b_ = (long)(b);                          \
		ok(a_ == b_, "%s", what);                                     \
		if (a_ != b_)                                                 \
			diag("got %ld, expected %ld", a_, b_);                \
	} while (0)

#endif
