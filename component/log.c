/*
 * log.c: logging to stderr or syslog, with a bridge for libstrophe.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include <strophe.h>

#include "log.h"

static int log_foreground = 1;
static enum log_level log_min = LOG_LEVEL_INFO;

void
log_init(int foreground, enum log_level level)
{
	log_foreground = foreground;
	log_min = level;
	if (!foreground)
		openlog("accueild", LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

void
log_set_level(enum log_level level)
{
	log_min = level;
}

int
log_enabled(enum log_level level)
{
	return level >= log_min;
}

static void vlog(enum log_level level, const char *fmt, va_list ap,
    const char *suffix) __attribute__((format(printf, 2, 0)));

static void
vlog(enum log_level level, const char *fmt, va_list ap, const char *suffix)
{
	static const char *names[] = {"debug", "info", "warn", "error"};
	static const int prio[] = {LOG_DEBUG, LOG_INFO, LOG_WARNING, LOG_ERR};
	char buf[4096];

	vsnprintf(buf, sizeof(buf), fmt, ap);
	if (log_foreground) {
		struct timespec ts;
		struct tm tm;
		char when[32];

		clock_gettime(CLOCK_REALTIME, &ts);
		gmtime_r(&ts.tv_sec, &tm);
		strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm);
		fprintf(stderr, "%s.%03ldZ %s: %s%s%s\n", when,
		    ts.tv_nsec / 1000000, names[level], buf,
		    suffix ? ": " : "", suffix ? suffix : "");
		fflush(stderr);
	} else {
		syslog(prio[level], "%s%s%s", buf, suffix ? ": " : "",
		    suffix ? suffix : "");
	}
}

#define LOG_BODY(level, suffix)                                               \
	do {                                                                  \
		va_list ap;                                                   \
		if (!log_enabled(level))                                      \
			return;                                               \
		va_start(ap, fmt);                                            \
		vlog(level, fmt, ap, suffix);                                 \
		va_end(ap);                                                   \
	} while (0)

void
log_warn(const char *fmt, ...)
{
	const char *e = strerror(errno);

	LOG_BODY(LOG_LEVEL_WARN, e);
}

void
log_warnx(const char *fmt, ...)
{
	LOG_BODY(LOG_LEVEL_WARN, NULL);
}

void
log_info(const char *fmt, ...)
{
	LOG_BODY(LOG_LEVEL_INFO, NULL);
}

void
log_debug(const char *fmt, ...)
{
	LOG_BODY(LOG_LEVEL_DEBUG, NULL);
}

void
fatal(const char *fmt, ...)
{
	const char *e = strerror(errno);
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_LEVEL_ERROR, fmt, ap, e);
	va_end(ap);
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_LEVEL_ERROR, fmt, ap, NULL);
	va_end(ap);
	exit(1);
}

static void
strophe_log(void *ud, xmpp_log_level_t level, const char *area,
    const char *msg)
{
	/*
	 * libstrophe logs every stanza at debug level: those carry message
	 * bodies, so they stay at debug. Its warnings and errors come through.
	 */
	switch (level) {
	case XMPP_LEVEL_ERROR:
	case XMPP_LEVEL_WARN:
		log_warnx("libstrophe %s: %s", area, msg);
		break;
	case XMPP_LEVEL_INFO:
	case XMPP_LEVEL_DEBUG:
	default:
		if (log_enabled(LOG_LEVEL_DEBUG) && getenv("ACCUEIL_XMPP_DEBUG"))
			log_debug("libstrophe %s: %s", area, msg);
		break;
	}
}

static const xmpp_log_t strophe_logger = {strophe_log, NULL};

const xmpp_log_t *
log_strophe_logger(void)
{
	return &strophe_logger;
}
