/*
 * log.h: the daemon's logger.
 *
 * One logger for the whole process: to stderr in the foreground (-d), to
 * syslog otherwise. The level is checked before formatting. Message bodies
 * are logged at debug level only; secrets never.
 */
#ifndef ACCUEIL_LOG_H
#define ACCUEIL_LOG_H

#include <stdarg.h>

enum log_level {
	LOG_LEVEL_DEBUG = 0,
	LOG_LEVEL_INFO,
	LOG_LEVEL_WARN,
	LOG_LEVEL_ERROR
};

struct _xmpp_log_t;

/* Sets where logs go. foreground: stderr; otherwise syslog. */
void log_init(int foreground, enum log_level level);
void log_set_level(enum log_level level);
int log_enabled(enum log_level level);

/* log_warn appends strerror(errno); log_warnx does not. */
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Only at start-up or on a broken invariant. */
void fatal(const char *fmt, ...)
    __attribute__((format(printf, 1, 2), noreturn));
void fatalx(const char *fmt, ...)
    __attribute__((format(printf, 1, 2), noreturn));

/* A libstrophe logger forwarding into this one (borrowed, static). */
const struct _xmpp_log_t *log_strophe_logger(void);

#endif
