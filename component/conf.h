/*
 * conf.h: accueil.conf.xml, the daemon's configuration.
 *
 * conf_load() parses the file with expat, checks it against the schema table
 * in conf_schema.c (every element, attribute, type and bound is declared
 * there), then checks cross references (offices, bots, personas,
 * languages). All errors are collected, each with file:line, before it
 * fails.
 */
#ifndef ACCUEIL_CONF_H
#define ACCUEIL_CONF_H

#include <stdio.h>

#include "util.h"

/* Days of the week as a bit mask, bit 0 = Sunday (as struct tm). */
#define CONF_DAY(wday) (1u << (wday))

struct conf_hours {
	unsigned days;	/* CONF_DAY mask */
	int open;	/* minutes since local midnight */
	int close;	/* minutes since local midnight, up to 1440 */
	int line;
};

struct conf_date {
	int year;	/* 0: every year */
	int month;	/* 1..12 */
	int day;	/* 1..31 */
};

struct conf_holiday {
	struct conf_date date;
	int line;
};

struct conf_jid {
	char *jid;
	int line;
};

/* An event plugin from a shared object (<plugin-file path=...>). */
struct conf_plugin_file {
	char *path;
	struct strlist offices;	/* empty: every office */
	int line;
};

/* A text in one language (<name lang="ca">...</name>). */
struct conf_text {
	char *lang;
	char *text;
	int line;
};

struct conf_video {
	unsigned days;
	int from, to;	/* minutes since local midnight */
	int slot;	/* minutes */
	int line;
};

struct conf_option {
	char *name;
	char *value;
	int line;
};

struct conf_plugin {
	char *name;
	struct conf_option *options;
	size_t noptions;
	int line;
};

struct conf_bot {
	char *id;	/* localpart of the bot persona */
	char *name;
	char *title;
	char *avatar;	/* absolute path or NULL */
	int line;
};

struct conf_canned {
	char *key;
	char *lang;
	char *office;	/* NULL: every office */
	char *text;
	int line;
};

/* <smtp>: the relay outgoing e-mail goes through (outbox.h). */
struct conf_smtp {
	char *url;		/* smtp://host:587 (STARTTLS) or smtps://host:465 */
	char *from;		/* envelope and From: address */
	char *user;		/* AUTH user, or NULL: no AUTH */
	char *secret_file;	/* the AUTH password */
	char *tls;		/* "required" or "none" (loopback only) */
	char *ca_file;		/* CA bundle for a private relay, or NULL */
	int retries;		/* tries before giving up */
	int backoff;		/* seconds before the second try; doubles */
	int line;
};

struct conf_office {
	char *id;	/* localpart of the desk JID */
	char *name;
	char *timezone;
	struct strlist languages;
	char *default_lang;
	struct strlist fallback_langs;
	int answer_delay;	/* hours */
	int offer_size;
	int offer_timeout;	/* seconds */
	int alert_delay;	/* seconds */
	int max_wait;		/* seconds */
	int away_grace;		/* seconds a queued visitor may be away */
	char *bot;
	char *contact;
	char *avatar;
	char *routing;		/* strategy: ring-group, round-robin, ... */
	struct strlist reminders;	/* minutes before an appointment */
	unsigned summary_days;	/* CONF_DAY mask: the weekly summary to
				 * the supervisors (0: none) */
	int summary_time;	/* minutes since local midnight */
	struct conf_hours *hours;
	size_t nhours;
	struct conf_holiday *holidays;
	size_t nholidays;
	struct conf_jid *supervisors;
	size_t nsupervisors;
	char *coach;		/* "yes" or "no": the editorial coach */
	struct conf_text *names;	/* the name in other languages */
	size_t nnames;
	struct conf_smtp *smtp;	/* 0 or 1: the office's own relay */
	size_t nsmtp;
	int followup_rating;	/* days after the exchange; 0: off */
	int followup_news;	/* days after the exchange; 0: off */
	int closed_handover;	/* closed: visitors go to an open office of
				 * its territory (docs/language.md) */
	int line;
};

struct conf_counsellor {
	char *jid;	/* bare JID of their own account */
	char *persona;	/* localpart of the persona JID */
	char *name;
	char *title;
	char *avatar;
	struct strlist languages;
	char *lang;
	int max_chats;
	struct strlist offices;
	struct conf_video *video;
	size_t nvideo;
	struct conf_text *titles;	/* the title in other languages */
	size_t ntitles;
	int pooled;	/* takes requests of the territory's other offices
			 * in a language nobody there speaks */
	int line;
};

/* Offices that share their counsellors' languages (docs/language.md). */
struct conf_territory {
	char *id;
	char *name;
	struct strlist offices;
	int line;
};

struct map;

struct conf {
	unsigned long serial;	/* differs between any two loads */
	struct map *by_jid;	/* counsellor bare JID -> index + 1 */
	char *path;	/* as given */
	char *dir;	/* directory of path, for relative paths */

	/* <server> */
	char *server_host;
	int server_port;
	char *secret_file;
	char *secret;	/* read from secret_file; never logged */
	int reconnect_min, reconnect_max;
	int server_line;

	/* <component> */
	char *domain;
	char *muc;
	char *lang;
	int component_line;

	/* <database> */
	char *db_path;
	int retention_days;
	int database_line;

	/* <limits> (ratelimit.c, subs.c) */
	int visitor_burst, visitor_per_minute, merge_delay;
	int host_burst, host_per_minute, office_burst, office_per_minute;
	int max_subscribers, subscriber_days, max_watchers, watcher_hours;
	int limits_line;

	/* <room-pool> (roompool.c): ready rooms per office */
	int pool_min, pool_max, pool_window, pool_idle;
	int pool_setups;	/* conversations' rooms set up at once */
	int pool_line;

	struct conf_jid *admins;
	size_t nadmins;
	struct conf_plugin_file *plugin_files;
	size_t nplugin_files;
	struct conf_bot *bots;
	size_t nbots;
	struct conf_office *offices;
	size_t noffices;
	struct conf_counsellor *counsellors;
	size_t ncounsellors;
	struct conf_plugin *plugins;
	size_t nplugins;
	struct conf_canned *canned;
	size_t ncanned;
	struct conf_smtp *smtp;	/* 0 or 1: the relay for every office */
	size_t nsmtp;
	struct conf_territory *territories;
	size_t nterritories;
};

/* Error messages collected while loading, each "file:line: text". */
struct conf_errors {
	struct strlist msgs;
};

/*
 * Loads and checks path. Returns a new config (free with conf_free), or
 * NULL with every problem in errs (caller frees with conf_errors_free).
 */
struct conf *conf_load(const char *path, struct conf_errors *errs);
void conf_free(struct conf *conf);
void conf_errors_free(struct conf_errors *errs);

/* Prints the effective configuration (defaults applied, secret masked). */
void conf_dump(const struct conf *conf, FILE *fp);

/* Look-ups; return borrowed pointers or NULL. */
const struct conf_office *conf_office(const struct conf *, const char *id);
const struct conf_bot *conf_bot(const struct conf *, const char *id);
const struct conf_counsellor *conf_counsellor_by_persona(const struct conf *,
    const char *persona);
/*
 * The text for lang among v (n of them), else dflt: an office's name or a
 * persona's title as the visitor reads it.
 */
const char *conf_text_in(const struct conf_text *v, size_t n,
    const char *lang, const char *dflt);

/* o's name in lang (its name when not given in lang); dflt if o is NULL. */
const char *conf_office_name(const struct conf_office *o, const char *lang,
    const char *dflt);

/* c's persona title in lang (its title when not given in lang), or NULL. */
const char *conf_title(const struct conf_counsellor *c, const char *lang);

const struct conf_counsellor *conf_counsellor_by_jid(const struct conf *,
    const char *bare_jid);
const struct conf_plugin *conf_plugin(const struct conf *, const char *name);
/* Returns the option's value or NULL. */
const char *conf_plugin_option(const struct conf_plugin *, const char *name);

/*
 * Parses a config from memory (for tests and fuzzing). name is used in
 * error messages; relative paths resolve against dir. The secret file is
 * not read when check_secret is 0.
 */
struct conf *conf_load_buffer(const char *name, const char *dir,
    const char *data, size_t len, int check_secret, struct conf_errors *errs);

#endif
