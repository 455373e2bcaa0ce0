/*
 * conf_value.c: the values of accueil.conf.xml's attributes.
 *
 * One checker per attribute type of the schema (times, days, dates,
 * language codes and lists, domains, JIDs, time zones, whole numbers
 * within bounds, paths) and conf_value_parse(), which checks a value
 * against its attribute's type and stores it in the struct field the
 * schema names, or reports why not with the element and attribute.
 */
#include "config.h"

#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "conf_int.h"
#include "util.h"

const char *const conf_day_names[7] = {"sun", "mon", "tue", "wed", "thu",
    "fri", "sat"};

static int
day_index(const char *s, size_t n)
{
	int i;

	for (i = 0; i < 7; i++)
		if (n == 3 && strncmp(s, conf_day_names[i], 3) == 0)
			return i;
	return -1;
}

/* Parses "mon tue", "mon-fri", "sat,sun" into a mask; -1 on error. */
static long
parse_days(const char *s)
{
	struct strlist words = {0};
	unsigned mask = 0;
	size_t i;
	long ret = 0;

	strlist_split(&words, s);
	if (words.n == 0)
		ret = -1;
	for (i = 0; i < words.n && ret == 0; i++) {
		const char *w = words.v[i], *dash = strchr(w, '-');
		int a, b;

		if (dash) {
			a = day_index(w, (size_t)(dash - w));
			b = day_index(dash + 1, strlen(dash + 1));
			if (a < 0 || b < 0) {
				ret = -1;
				break;
			}
			/* mon-fri, also wrapping: fri-mon */
			for (;;) {
				mask |= CONF_DAY(a);
				if (a == b)
					break;
				a = (a + 1) % 7;
			}
		} else {
			a = day_index(w, strlen(w));
			if (a < 0)
				ret = -1;
			else
				mask |= CONF_DAY(a);
		}
	}
	strlist_free(&words);
	return ret < 0 ? -1 : (long)mask;
}

/* Parses HH:MM (00:00 to 24:00) into minutes; -1 on error. */
static int
parse_time(const char *s)
{
	int h, m;
	char tail;

	if (strlen(s) != 5 || s[2] != ':' || !isdigit((unsigned char)s[0]) ||
	    !isdigit((unsigned char)s[1]) || !isdigit((unsigned char)s[3]) ||
	    !isdigit((unsigned char)s[4]))
		return -1;
	if (sscanf(s, "%2d:%2d%c", &h, &m, &tail) != 2)
		return -1;
	if (h > 24 || m > 59 || (h == 24 && m != 0))
		return -1;
	return h * 60 + m;
}

static int
days_in_month(int year, int month)
{
	static const int d[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

	if (month == 2 && year != 0)
		return (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0))
		    ? 29 : 28;
	return d[month - 1];
}

static int
parse_date(const char *s, struct conf_date *d)
{
	int y = 0, m, day, n = 0;

	if (strlen(s) == 10 && sscanf(s, "%4d-%2d-%2d%n", &y, &m, &day, &n) ==
	    3 && n == 10 && y >= 1970) {
		/* full date */
	} else if (strlen(s) == 5 && sscanf(s, "%2d-%2d%n", &m, &day, &n) ==
	    2 && n == 5) {
		y = 0;
	} else
		return -1;
	if (m < 1 || m > 12 || day < 1 || day > days_in_month(y, m))
		return -1;
	d->year = y;
	d->month = m;
	d->day = day;
	return 0;
}

static int
lang_valid(const char *s)
{
	size_t n = strlen(s), i;

	if (n < 2 || n > 3)
		return 0;
	for (i = 0; i < n; i++)
		if (!islower((unsigned char)s[i]))
			return 0;
	return 1;
}

static int
domain_valid(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 253 || s[0] == '.' || s[0] == '-' ||
	    s[n - 1] == '.')
		return 0;
	for (; *s; s++)
		if (!(isalnum((unsigned char)*s) || *s == '.' || *s == '-'))
			return 0;
	return 1;
}

/* A bare JID: localpart@domain or domain, no resource. */
static int
jid_valid(const char *s)
{
	const char *at = strchr(s, '@');
	size_t i;

	if (strchr(s, '/') || strlen(s) > 1023)
		return 0;
	if (at == NULL)
		return domain_valid(s);
	if (at == s || strchr(at + 1, '@'))
		return 0;
	for (i = 0; s + i < at; i++)
		if (isspace((unsigned char)s[i]) || strchr("\"&'/:<>", s[i]))
			return 0;
	return domain_valid(at + 1);
}

static int
tz_valid(const char *s)
{
	char path[PATH_MAX];
	struct stat st;

	if (*s == '\0' || *s == '/' || strstr(s, "..") ||
	    strlen(s) > 100)
		return 0;
	if (strcmp(s, "UTC") == 0)
		return 1;
	snprintf(path, sizeof(path), "/usr/share/zoneinfo/%s", s);
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static char *
resolve_path(const char *dir, const char *p)
{
	if (p[0] == '/' || dir == NULL)
		return xstrdup(p);
	return xasprintf("%s/%s", dir, p);
}

void
conf_value_parse(struct conf_ctx *c, const char *elem,
    const struct conf_attr *a, const char *v, int line, void *obj)
{
	struct strlist words = {0};
	size_t i;
	long n;
	char *end;

	switch (a->type) {
	case A_STR:
		if (strlen(v) > 1024) {
			conf_err(c, line, "<%s %s>: value is longer than 1024 "
			    "bytes", elem, a->name);
			return;
		}
		break;
	case A_HOST:
	case A_DOMAIN:
		if (!domain_valid(v)) {
			conf_err(c, line, "<%s %s=\"%s\">: expected a domain "
			    "name or address", elem, a->name, v);
			return;
		}
		break;
	case A_ID:
		if (!localpart_valid(v)) {
			conf_err(c, line, "<%s %s=\"%s\">: expected an "
			    "identifier of lowercase letters, digits, '.', '_' "
			    "or '-'", elem, a->name, v);
			return;
		}
		break;
	case A_JID:
		if (!jid_valid(v)) {
			conf_err(c, line, "<%s %s=\"%s\">: expected a bare JID "
			    "like name@example.org", elem, a->name, v);
			return;
		}
		break;
	case A_LANG:
		if (!lang_valid(v)) {
			conf_err(c, line, "<%s %s=\"%s\">: expected a language "
			    "code like fr, en, ca", elem, a->name, v);
			return;
		}
		break;
	case A_TZ:
		if (!tz_valid(v)) {
			conf_err(c, line, "<%s %s=\"%s\">: unknown time zone "
			    "(expected an IANA name like Europe/Paris)", elem,
			    a->name, v);
			return;
		}
		break;
	case A_IDS:
	case A_LANGS:
		strlist_split(&words, v);
		if (words.n == 0) {
			conf_err(c, line, "<%s %s>: expected at least one %s",
			    elem, a->name, a->type == A_IDS ? "identifier" :
			    "language code");
			return;
		}
		for (i = 0; i < words.n; i++) {
			int ok = a->type == A_IDS ? localpart_valid(words.v[i])
			    : lang_valid(words.v[i]);

			if (!ok) {
				conf_err(c, line, "<%s %s>: \"%s\" is not a "
				    "valid %s", elem, a->name, words.v[i],
				    a->type == A_IDS ? "identifier" :
				    "language code (fr, en, ca...)");
				strlist_free(&words);
				return;
			}
			if (strlist_has(CONF_FIELD(obj, a->off, struct strlist),
			    words.v[i]))
				continue;
			strlist_add(CONF_FIELD(obj, a->off, struct strlist),
			    words.v[i]);
		}
		strlist_free(&words);
		return;
	case A_INT:
		errno = 0;
		n = strtol(v, &end, 10);
		if (*v == '\0' || *end != '\0' || errno) {
			conf_err(c, line, "<%s %s=\"%s\">: expected a whole "
			    "number", elem, a->name, v);
			return;
		}
		if (n < a->min || n > a->max) {
			conf_err(c, line, "<%s %s=\"%s\">: expected a number "
			    "from %ld to %ld", elem, a->name, v, a->min,
			    a->max);
			return;
		}
		*CONF_FIELD(obj, a->off, int) = (int)n;
		return;
	case A_BOOL:
		if (strcmp(v, "yes") == 0 || strcmp(v, "no") == 0) {
			*CONF_FIELD(obj, a->off, int) = v[0] == 'y';
			return;
		}
		conf_err(c, line, "<%s %s=\"%s\">: expected yes or no", elem,
		    a->name, v);
		return;
	case A_TIME:
		if ((n = parse_time(v)) < 0) {
			conf_err(c, line, "<%s %s=\"%s\">: expected a time "
			    "HH:MM from 00:00 to 24:00", elem, a->name, v);
			return;
		}
		*CONF_FIELD(obj, a->off, int) = (int)n;
		return;
	case A_DAYS:
		if ((n = parse_days(v)) < 0) {
			conf_err(c, line, "<%s %s=\"%s\">: expected days like "
			    "\"mon tue\" or \"mon-fri\" (sun mon tue wed thu "
			    "fri sat)", elem, a->name, v);
			return;
		}
		*CONF_FIELD(obj, a->off, unsigned) = (unsigned)n;
		return;
	case A_DATE:
		if (parse_date(v, CONF_FIELD(obj, a->off,
		    struct conf_date)) < 0)
			conf_err(c, line, "<%s %s=\"%s\">: expected a date "
			    "YYYY-MM-DD, or MM-DD for every year", elem,
			    a->name, v);
		return;
	case A_PATH:
		if (*v == '\0') {
			conf_err(c, line, "<%s %s>: expected a file path", elem,
			    a->name);
			return;
		}
		free(*CONF_FIELD(obj, a->off, char *));
		*CONF_FIELD(obj, a->off, char *) = resolve_path(c->dir, v);
		return;
	}
	/* a repeated singleton element overwrites (and is reported) */
	free(*CONF_FIELD(obj, a->off, char *));
	*CONF_FIELD(obj, a->off, char *) = xstrdup(v);
}
