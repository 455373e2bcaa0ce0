/*
 * conf.c: parsing and checking accueil.conf.xml.
 *
 * The file is read into a small tree with expat, then walked against the
 * schema table below: every element names its parent, how often it may
 * appear, the struct it fills and its attributes (name, type, bounds,
 * default, field). Reading, defaults, freeing and printing all follow the
 * same table, so an option is declared once. Cross references between
 * elements are checked afterwards in check_semantics().
 */
#include "config.h"

#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <expat.h>

#include "conf.h"
#include "log.h"
#include "plugin.h"
#include "util.h"

#define CONF_MAX_SIZE (4 * 1024 * 1024)
#define CONF_MAX_DEPTH 16
#define CONF_MAX_AVATAR (64 * 1024)
#define CONF_MAX_SECRET 1024
#define NO_FIELD ((size_t)-1)

/* ---- the XML tree ---------------------------------------------------- */

struct xnode {
	char *name;
	char **attrs;	/* name, value, ..., NULL */
	int line;
	struct xnode *parent, *children, *last, *next;
	struct buf text;
};

static void
xnode_free(struct xnode *n)
{
	struct xnode *c, *next;
	size_t i;

	if (n == NULL)
		return;
	for (c = n->children; c; c = next) {
		next = c->next;
		xnode_free(c);
	}
	for (i = 0; n->attrs && n->attrs[i]; i++)
		free(n->attrs[i]);
	free(n->attrs);
	free(n->name);
	buf_free(&n->text);
	free(n);
}

struct parse {
	XML_Parser parser;
	struct xnode *root, *cur;
	int depth;
	int too_deep;
};

static void XMLCALL
on_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	struct parse *p = ud;
	struct xnode *n;
	size_t i, count = 0;

	if (++p->depth > CONF_MAX_DEPTH) {
		p->too_deep = 1;
		XML_StopParser(p->parser, XML_FALSE);
		return;
	}
	n = xcalloc(1, sizeof(*n));
	n->name = xstrdup(name);
	n->line = (int)XML_GetCurrentLineNumber(p->parser);
	while (atts[count])
		count++;
	n->attrs = xcalloc(count + 1, sizeof(char *));
	for (i = 0; i < count; i++)
		n->attrs[i] = xstrdup(atts[i]);
	n->parent = p->cur;
	if (p->cur == NULL)
		p->root = n;
	else {
		if (p->cur->last)
			p->cur->last->next = n;
		else
			p->cur->children = n;
		p->cur->last = n;
	}
	p->cur = n;
}

static void XMLCALL
on_end(void *ud, const XML_Char *name)
{
	struct parse *p = ud;

	p->depth--;
	if (p->cur)
		p->cur = p->cur->parent;
}

static void XMLCALL
on_text(void *ud, const XML_Char *s, int len)
{
	struct parse *p = ud;
	char *t;

	if (p->cur == NULL || len <= 0)
		return;
	if (p->cur->text.len + (size_t)len > 64 * 1024)
		return;
	t = xstrndup(s, (size_t)len);
	buf_append(&p->cur->text, t);
	free(t);
}

/* Refuse DTDs: no entity expansion games in a config file. */
static void XMLCALL
on_doctype(void *ud, const XML_Char *name, const XML_Char *sysid,
    const XML_Char *pubid, int has_internal_subset)
{
	struct parse *p = ud;

	XML_StopParser(p->parser, XML_FALSE);
}

/* ---- error collection ------------------------------------------------ */

struct ctx {
	const char *file;
	const char *dir;
	struct conf_errors *errs;
	struct conf *conf;
	int check_secret;
};

static void err(struct ctx *c, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
err(struct ctx *c, int line, const char *fmt, ...)
{
	va_list ap;
	char *msg, *full;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		fatal("vasprintf");
	va_end(ap);
	full = xasprintf("%s:%d: %s", c->file, line, msg);
	strlist_add(&c->errs->msgs, full);
	free(full);
	free(msg);
}

/* ---- the schema ------------------------------------------------------ */

enum atype {
	A_STR,		/* free text */
	A_HOST,		/* host name or address */
	A_DOMAIN,	/* DNS-like domain */
	A_ID,		/* our JID localpart: [a-z0-9._-] */
	A_IDS,		/* list of A_ID */
	A_JID,		/* bare JID */
	A_LANG,		/* ISO 639 code */
	A_LANGS,	/* list of A_LANG */
	A_INT,		/* integer within min..max */
	A_TIME,		/* HH:MM, 00:00 to 24:00 */
	A_DAYS,		/* mon tue ... or ranges mon-fri */
	A_DATE,		/* YYYY-MM-DD or MM-DD */
	A_PATH,		/* file path, made absolute */
	A_TZ,		/* IANA time zone */
};

struct attr_spec {
	const char *name;
	enum atype type;
	int required;
	long min, max;
	const char *def;	/* default, parsed like a value; NULL: none */
	size_t off;
};

struct elem_spec {
	const char *name;
	const char *parent;
	int min, max;		/* occurrences per parent; max 0: unlimited */
	size_t size;		/* item size; 0: fields live in the parent */
	size_t list_off;	/* array pointer in the parent */
	size_t count_off;	/* array count in the parent */
	size_t line_off;	/* int line in the item (or parent) */
	size_t text_off;	/* char *text in the item, or NO_FIELD */
	const struct attr_spec *attrs;
	const char *doc;
};

#define F(type, field) offsetof(type, field)

static const struct attr_spec server_attrs[] = {
	{"host", A_HOST, 1, 0, 0, NULL, F(struct conf, server_host)},
	{"port", A_INT, 0, 1, 65535, "5347", F(struct conf, server_port)},
	{"secret-file", A_PATH, 1, 0, 0, NULL, F(struct conf, secret_file)},
	{"reconnect-min", A_INT, 0, 1, 3600, "1",
	    F(struct conf, reconnect_min)},
	{"reconnect-max", A_INT, 0, 1, 86400, "60",
	    F(struct conf, reconnect_max)},
	{NULL, 0, 0, 0, 0, NULL, 0},
};

static const struct attr_spec component_attrs[] = {
	{"domain", A_DOMAIN, 1, 0, 0, NULL, F(struct conf, domain)},
	{"muc", A_DOMAIN, 1, 0, 0, NULL, F(struct conf, muc)},
	{"lang", A_LANG, 0, 0, 0, "fr", F(struct conf, lang)},
	{NULL, 0, 0, 0, 0, NULL, 0},
};

static const struct attr_spec database_attrs[] = {
	{"path", A_PATH, 1, 0, 0, NULL, F(struct conf, db_path)},
	{"retention-days", A_INT, 0, 1, 36500, "365",
	    F(struct conf, retention_days)},
	{NULL, 0, 0, 0, 0, NULL, 0},
};

static const struct attr_spec jid_attrs[] = {
	{"jid", A_JID, 1, 0, 0, NULL, F(struct conf_jid, jid)},
	{NULL, 0, 0, 0, 0, NULL, 0},
};

static const struct attr_spec bot_attrs[] = {
	{"id", A_ID, 1, 0, 0, NULL, F(struct conf_bot, id)},
	{"name", A_STR, 1, 0, 0, NULL, F(struct conf_bot, name)},
	{"title", A_STR, 0, 0, 0, NULL, F(struct conf_bot, title)},
	{"avatar", A_PATH, 0, 0, 0, NULL, F(struct conf_bot, avatar)},
	{NULL, 0, 0, 0, 0, NULL, 0},
};

static const struct attr_spec office_attrs[] = {
	{"id", A_ID, 1, 0, 0, NULL, F(struct conf_office, id)},
	{"name", A_STR, 1, 0, 0, NULL, F(struct conf_office, name)},
	{"timezone", A_TZ, 1, 0, 0, NULL, F(struct conf_office, timezone)},
	{"languages", A_LANGS, 1, 0, 0, NULL,
	    F(struct conf_office, languages)},
	{"default-lang", A_LANG, 0, 0, 0, NULL,
	    F(struct conf_office, default_lang)},
	{"fallback-langs", A_LANGS, 0, 0, 0, NULL,
	    F(struct conf_office, fallback_langs)},
	{"answer-delay", A_INT, 0, 1, 24 * 30, "48",
	    F(struct conf_office, answer_delay)},
	{"offer-size", A_INT, 0, 1, 50, "2", F(struct conf_office, offer_size)},
	{"offer-timeout", A_INT, 0, 5, 3600, "45",
	    F(struct conf_office, offer_timeout)},
	{"alert-delay", A_INT, 0, 5, 86400, "120",
	    F(struct conf_office, alert_delay)},
	{"max-wait", A_INT, 0, 10, 86400, "600",
	    F(struct conf_office, max_wait)},
	{"bot", A_ID, 1, 0, 0, NULL, F(struct conf_office, bot)},
	{"contact", A_STR, 0, 0, 0, NULL, F(struct conf_office, contact)},
	{"avatar", A_PATH, 0, 0, 0, NULL, F(struct conf_office, avatar)},
	{"routing", A_ID, 0, 0, 0, "ring-group",
	    F(struct conf_office, routing)},
	{"reminders", A_IDS, 0, 0, 0, "60 10",
	    F(struct conf_office, reminders)},
	{NULL, 0, 0, 0, 0, NULL, 0},
};

static const struct attr_spec hours_attrs[] = {
	{"days", A_DAYS, 1, 0, 0, NULL, F(struct conf_hours, days)},
	{"open", A_TIME, 1, 0, 0, NULL, F(struct conf_hours, open)},
	{"close", A_TIME, 1, 0, 0, NULL, F(struct conf_hours, close)},
	{NULL, 0, 0, 0, 0, NULL, 0},
};

static const struct attr_spec holiday_attrs[] = {
	{"date", A_DATE, 1, 0, 0, NULL, F(struct conf_holiday, date)},
	{NULL, 0, 0, 0, 0, NULL, 0},
};

static const struct attr_spec counsellor_attrs[] = {
	{"jid", A_JID, 1, 0, 0, NULL, F(struct conf_counsellor, jid)},
	{"persona", A_ID, 1, 0, 0, NULL, F(struct conf_counsellor, persona)},
	{"name", A_STR, 1, 0, 0, NULL, F(struct conf_counsellor, name)},
	{"title", A_STR, 0, 0, 0, NULL, F(struct conf_counsellor, title)},
	{"avatar", A_PATH, 0, 0, 0, NULL, F(struct conf_counsellor, avatar)},
	{"languages", A_LANGS, 1, 0, 0, NULL,
	    F(struct conf_counsellor, languages)},
	{"lang", A_LANG, 0, 0, 0, NULL, F(struct conf_counsellor, lang)},
	{"max-chats", A_INT, 0, 1, 20, "3",
	    F(struct conf_counsellor, max_chats)},
	{"offices", A_IDS, 1, 0, 0, NULL, F(struct conf_counsellor, offices)},
	{NULL, 0, 0, 0, 0, NULL, 0},
};

static const struct attr_spec video_attrs[] = {
	{"days", A_DAYS, 1, 0, 0, NULL, F(struct conf_video, days)},
	{"from", A_TIME, 1, 0, 0, NULL, F(struct conf_video, from)},
	{"to", A_TIME, 1, 0, 0, NULL, F(struct conf_video, to)},
	{"slot", A_INT, 0, 10, 240, "30", F(struct conf_video, slot)},
	{NULL, 0, 0, 0, 0, NULL, 0},
};

static const struct attr_spec plugin_attrs[] = {
	{"name", A_ID, 1, 0, 0, NULL, F(struct conf_plugin, name)},
	{NULL, 0, 0, 0, 0, NULL, 0},
};

static const struct attr_spec option_attrs[] = {
	{"name", A_STR, 1, 0, 0, NULL, F(struct conf_option, name)},
	{"value", A_STR, 1, 0, 0, NULL, F(struct conf_option, value)},
	{NULL, 0, 0, 0, 0, NULL, 0},
};

static const struct attr_spec canned_attrs[] = {
	{"key", A_ID, 1, 0, 0, NULL, F(struct conf_canned, key)},
	{"lang", A_LANG, 1, 0, 0, NULL, F(struct conf_canned, lang)},
	{"office", A_ID, 0, 0, 0, NULL, F(struct conf_canned, office)},
	{NULL, 0, 0, 0, 0, NULL, 0},
};

#define ARRAY(ptype, item, list, count)                                       \
	sizeof(item), F(ptype, list), F(ptype, count), F(item, line)

static const struct elem_spec schema[] = {
	{"server", "accueil", 1, 1, 0, 0, 0, F(struct conf, server_line),
	    NO_FIELD, server_attrs, "the link to the XMPP server"},
	{"component", "accueil", 1, 1, 0, 0, 0, F(struct conf, component_line),
	    NO_FIELD, component_attrs, "the component's domain and MUC"},
	{"database", "accueil", 1, 1, 0, 0, 0, F(struct conf, database_line),
	    NO_FIELD, database_attrs, "the SQLite database"},
	{"admin", "accueil", 0, 0,
	    ARRAY(struct conf, struct conf_jid, admins, nadmins), NO_FIELD,
	    jid_attrs, "an administrator"},
	{"bot", "accueil", 1, 0,
	    ARRAY(struct conf, struct conf_bot, bots, nbots), NO_FIELD,
	    bot_attrs, "a robot persona"},
	{"office", "accueil", 1, 0,
	    ARRAY(struct conf, struct conf_office, offices, noffices),
	    NO_FIELD, office_attrs, "a tourism office's desk"},
	{"hours", "office", 0, 0,
	    ARRAY(struct conf_office, struct conf_hours, hours, nhours),
	    NO_FIELD, hours_attrs, "opening hours"},
	{"holiday", "office", 0, 0,
	    ARRAY(struct conf_office, struct conf_holiday, holidays,
		nholidays),
	    NO_FIELD, holiday_attrs, "a closed day"},
	{"supervisor", "office", 0, 0,
	    ARRAY(struct conf_office, struct conf_jid, supervisors,
		nsupervisors),
	    NO_FIELD, jid_attrs, "a supervisor alerted on waits"},
	{"counsellor", "accueil", 0, 0,
	    ARRAY(struct conf, struct conf_counsellor, counsellors,
		ncounsellors),
	    NO_FIELD, counsellor_attrs, "a counsellor and their persona"},
	{"video", "counsellor", 0, 0,
	    ARRAY(struct conf_counsellor, struct conf_video, video, nvideo),
	    NO_FIELD, video_attrs, "video appointment hours"},
	{"plugin", "accueil", 0, 0,
	    ARRAY(struct conf, struct conf_plugin, plugins, nplugins),
	    NO_FIELD, plugin_attrs, "a plugin and its options"},
	{"option", "plugin", 0, 0,
	    ARRAY(struct conf_plugin, struct conf_option, options, noptions),
	    NO_FIELD, option_attrs, "a plugin option"},
	{"canned", "accueil", 0, 0,
	    ARRAY(struct conf, struct conf_canned, canned, ncanned),
	    F(struct conf_canned, text), canned_attrs, "a canned answer"},
};

#define FIELD(obj, off, type) ((type *)(void *)((char *)(obj) + (off)))

/* ---- value parsers --------------------------------------------------- */

static const char *const day_names[] = {"sun", "mon", "tue", "wed", "thu",
    "fri", "sat"};

static int
day_index(const char *s, size_t n)
{
	int i;

	for (i = 0; i < 7; i++)
		if (n == 3 && strncmp(s, day_names[i], 3) == 0)
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

static void
parse_value(struct ctx *c, const char *elem, const struct attr_spec *a,
    const char *v, int line, void *obj)
{
	struct strlist words = {0};
	size_t i;
	long n;
	char *end;

	switch (a->type) {
	case A_STR:
		if (strlen(v) > 1024) {
			err(c, line, "<%s %s>: value is longer than 1024 bytes",
			    elem, a->name);
			return;
		}
		break;
	case A_HOST:
	case A_DOMAIN:
		if (!domain_valid(v)) {
			err(c, line, "<%s %s=\"%s\">: expected a domain name "
			    "or address", elem, a->name, v);
			return;
		}
		break;
	case A_ID:
		if (!localpart_valid(v)) {
			err(c, line, "<%s %s=\"%s\">: expected an identifier "
			    "of lowercase letters, digits, '.', '_' or '-'",
			    elem, a->name, v);
			return;
		}
		break;
	case A_JID:
		if (!jid_valid(v)) {
			err(c, line, "<%s %s=\"%s\">: expected a bare JID "
			    "like name@example.org", elem, a->name, v);
			return;
		}
		break;
	case A_LANG:
		if (!lang_valid(v)) {
			err(c, line, "<%s %s=\"%s\">: expected a language code "
			    "like fr, en, ca", elem, a->name, v);
			return;
		}
		break;
	case A_TZ:
		if (!tz_valid(v)) {
			err(c, line, "<%s %s=\"%s\">: unknown time zone "
			    "(expected an IANA name like Europe/Paris)", elem,
			    a->name, v);
			return;
		}
		break;
	case A_IDS:
	case A_LANGS:
		strlist_split(&words, v);
		if (words.n == 0) {
			err(c, line, "<%s %s>: expected at least one %s", elem,
			    a->name, a->type == A_IDS ? "identifier" :
			    "language code");
			return;
		}
		for (i = 0; i < words.n; i++) {
			int ok = a->type == A_IDS ? localpart_valid(words.v[i])
			    : lang_valid(words.v[i]);

			if (!ok) {
				err(c, line, "<%s %s>: \"%s\" is not a valid "
				    "%s", elem, a->name, words.v[i],
				    a->type == A_IDS ? "identifier" :
				    "language code (fr, en, ca...)");
				strlist_free(&words);
				return;
			}
			if (strlist_has(FIELD(obj, a->off, struct strlist),
			    words.v[i]))
				continue;
			strlist_add(FIELD(obj, a->off, struct strlist),
			    words.v[i]);
		}
		strlist_free(&words);
		return;
	case A_INT:
		errno = 0;
		n = strtol(v, &end, 10);
		if (*v == '\0' || *end != '\0' || errno) {
			err(c, line, "<%s %s=\"%s\">: expected a whole number",
			    elem, a->name, v);
			return;
		}
		if (n < a->min || n > a->max) {
			err(c, line, "<%s %s=\"%s\">: expected a number from "
			    "%ld to %ld", elem, a->name, v, a->min, a->max);
			return;
		}
		*FIELD(obj, a->off, int) = (int)n;
		return;
	case A_TIME:
		if ((n = parse_time(v)) < 0) {
			err(c, line, "<%s %s=\"%s\">: expected a time HH:MM "
			    "from 00:00 to 24:00", elem, a->name, v);
			return;
		}
		*FIELD(obj, a->off, int) = (int)n;
		return;
	case A_DAYS:
		if ((n = parse_days(v)) < 0) {
			err(c, line, "<%s %s=\"%s\">: expected days like "
			    "\"mon tue\" or \"mon-fri\" (sun mon tue wed thu "
			    "fri sat)", elem, a->name, v);
			return;
		}
		*FIELD(obj, a->off, unsigned) = (unsigned)n;
		return;
	case A_DATE:
		if (parse_date(v, FIELD(obj, a->off, struct conf_date)) < 0)
			err(c, line, "<%s %s=\"%s\">: expected a date "
			    "YYYY-MM-DD, or MM-DD for every year", elem,
			    a->name, v);
		return;
	case A_PATH:
		if (*v == '\0') {
			err(c, line, "<%s %s>: expected a file path", elem,
			    a->name);
			return;
		}
		free(*FIELD(obj, a->off, char *));
		*FIELD(obj, a->off, char *) = resolve_path(c->dir, v);
		return;
	}
	/* a repeated singleton element overwrites (and is reported) */
	free(*FIELD(obj, a->off, char *));
	*FIELD(obj, a->off, char *) = xstrdup(v);
}

/* ---- walking the tree against the schema ----------------------------- */

static const struct elem_spec *
find_spec(const char *parent, const char *name)
{
	size_t i;

	for (i = 0; i < nitems(schema); i++)
		if (strcmp(schema[i].parent, parent) == 0 &&
		    strcmp(schema[i].name, name) == 0)
			return &schema[i];
	return NULL;
}

static char *
expected_children(const char *parent)
{
	struct buf b = {0};
	size_t i;

	for (i = 0; i < nitems(schema); i++)
		if (strcmp(schema[i].parent, parent) == 0)
			buf_appendf(&b, "%s<%s>", b.len ? ", " : "",
			    schema[i].name);
	if (b.len == 0)
		buf_append(&b, "no child element");
	return buf_take(&b);
}

static char *
expected_attrs(const struct attr_spec *attrs)
{
	struct buf b = {0};
	const struct attr_spec *a;

	for (a = attrs; a->name; a++)
		buf_appendf(&b, "%s%s", b.len ? ", " : "", a->name);
	return buf_take(&b);
}

static char *
trimmed(const char *s)
{
	const char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		e--;
	return xstrndup(s, (size_t)(e - s));
}

static void
read_attrs(struct ctx *c, const struct elem_spec *spec, struct xnode *n,
    void *obj)
{
	const struct attr_spec *a;
	size_t i;

	for (i = 0; n->attrs[i]; i += 2) {
		for (a = spec->attrs; a->name; a++)
			if (strcmp(a->name, n->attrs[i]) == 0)
				break;
		if (a->name == NULL) {
			char *exp = expected_attrs(spec->attrs);

			err(c, n->line, "<%s>: unknown attribute '%s' "
			    "(expected: %s)", spec->name, n->attrs[i], exp);
			free(exp);
			continue;
		}
		parse_value(c, spec->name, a, n->attrs[i + 1], n->line, obj);
	}
	for (a = spec->attrs; a->name; a++) {
		int given = 0;

		for (i = 0; n->attrs[i]; i += 2)
			if (strcmp(a->name, n->attrs[i]) == 0)
				given = 1;
		if (given)
			continue;
		if (a->required)
			err(c, n->line, "<%s>: missing attribute '%s'",
			    spec->name, a->name);
		else if (a->def)
			parse_value(c, spec->name, a, a->def, n->line, obj);
	}
}

static void walk(struct ctx *c, struct xnode *n, const char *name, void *obj);

static void
walk_child(struct ctx *c, struct xnode *child, const char *parent, void *obj)
{
	const struct elem_spec *spec = find_spec(parent, child->name);
	void *item;

	if (spec == NULL) {
		char *exp = expected_children(parent);

		err(c, child->line, "unknown element <%s> in <%s> "
		    "(expected: %s)", child->name, parent, exp);
		free(exp);
		return;
	}
	if (spec->size == 0)
		item = obj;
	else {
		void **list = FIELD(obj, spec->list_off, void *);
		size_t *count = FIELD(obj, spec->count_off, size_t);

		*list = xreallocarray(*list, *count + 1, spec->size);
		item = (char *)*list + *count * spec->size;
		memset(item, 0, spec->size);
		(*count)++;
	}
	*FIELD(item, spec->line_off, int) = child->line;
	read_attrs(c, spec, child, item);
	if (spec->text_off != NO_FIELD) {
		char *t = trimmed(child->text.s ? child->text.s : "");

		if (*t == '\0')
			err(c, child->line, "<%s>: expected text inside the "
			    "element", spec->name);
		*FIELD(item, spec->text_off, char *) = t;
	} else if (!str_blank(child->text.s))
		err(c, child->line, "<%s>: text is not allowed here (use "
		    "attributes)", spec->name);
	walk(c, child, spec->name, item);
}

static void
walk(struct ctx *c, struct xnode *n, const char *name, void *obj)
{
	struct xnode *child;
	size_t i;

	for (child = n->children; child; child = child->next)
		walk_child(c, child, name, obj);
	/* occurrence bounds */
	for (i = 0; i < nitems(schema); i++) {
		const struct elem_spec *s = &schema[i];
		int count = 0;

		if (strcmp(s->parent, name) != 0)
			continue;
		for (child = n->children; child; child = child->next)
			if (strcmp(child->name, s->name) == 0)
				count++;
		if (count < s->min)
			err(c, n->line, "<%s>: missing <%s> (%s)", name,
			    s->name, s->doc);
		if (s->max && count > s->max)
			err(c, n->line, "<%s>: <%s> may appear only %d time%s",
			    name, s->name, s->max, s->max > 1 ? "s" : "");
	}
}

/* ---- freeing and printing, table-driven ------------------------------ */

static void
free_attrs(const struct attr_spec *attrs, void *obj)
{
	const struct attr_spec *a;

	for (a = attrs; a->name; a++) {
		switch (a->type) {
		case A_INT:
		case A_TIME:
		case A_DAYS:
		case A_DATE:
			break;
		case A_IDS:
		case A_LANGS:
			strlist_free(FIELD(obj, a->off, struct strlist));
			break;
		default:
			free(*FIELD(obj, a->off, char *));
			*FIELD(obj, a->off, char *) = NULL;
		}
	}
}

static void
free_children(const char *name, void *obj)
{
	size_t i, k;

	for (i = 0; i < nitems(schema); i++) {
		const struct elem_spec *s = &schema[i];
		void **list;
		size_t count;

		if (strcmp(s->parent, name) != 0)
			continue;
		if (s->size == 0) {
			free_attrs(s->attrs, obj);
			continue;
		}
		list = FIELD(obj, s->list_off, void *);
		count = *FIELD(obj, s->count_off, size_t);
		for (k = 0; k < count; k++) {
			void *item = (char *)*list + k * s->size;

			free_attrs(s->attrs, item);
			free_children(s->name, item);
			if (s->text_off != NO_FIELD)
				free(*FIELD(item, s->text_off, char *));
		}
		free(*list);
		*list = NULL;
	}
}

void
conf_free(struct conf *conf)
{
	if (conf == NULL)
		return;
	free_children("accueil", conf);
	if (conf->secret) {
		explicit_bzero(conf->secret, strlen(conf->secret));
		free(conf->secret);
	}
	free(conf->path);
	free(conf->dir);
	free(conf);
}

void
conf_errors_free(struct conf_errors *errs)
{
	if (errs)
		strlist_free(&errs->msgs);
}

static void
print_xml_text(FILE *fp, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&': fputs("&amp;", fp); break;
		case '<': fputs("&lt;", fp); break;
		case '>': fputs("&gt;", fp); break;
		case '"': fputs("&quot;", fp); break;
		default: fputc(*s, fp);
		}
	}
}

static void
print_attrs(FILE *fp, const struct attr_spec *attrs, const void *obj)
{
	const struct attr_spec *a;
	void *o = (void *)(uintptr_t)obj;
	size_t i;
	int d;

	for (a = attrs; a->name; a++) {
		switch (a->type) {
		case A_INT:
			fprintf(fp, " %s=\"%d\"", a->name,
			    *FIELD(o, a->off, int));
			break;
		case A_TIME:
			d = *FIELD(o, a->off, int);
			fprintf(fp, " %s=\"%02d:%02d\"", a->name, d / 60,
			    d % 60);
			break;
		case A_DAYS:
			fprintf(fp, " %s=\"", a->name);
			for (i = 0, d = 0; i < 7; i++)
				if (*FIELD(o, a->off, unsigned) &
				    CONF_DAY((i + 1) % 7))
					fprintf(fp, "%s%s", d++ ? " " : "",
					    day_names[(i + 1) % 7]);
			fputc('"', fp);
			break;
		case A_DATE: {
			struct conf_date *dt = FIELD(o, a->off,
			    struct conf_date);

			if (dt->year)
				fprintf(fp, " %s=\"%04d-%02d-%02d\"", a->name,
				    dt->year, dt->month, dt->day);
			else
				fprintf(fp, " %s=\"%02d-%02d\"", a->name,
				    dt->month, dt->day);
			break;
		}
		case A_IDS:
		case A_LANGS: {
			struct strlist *l = FIELD(o, a->off, struct strlist);

			if (l->n == 0)
				break;
			fprintf(fp, " %s=\"", a->name);
			for (i = 0; i < l->n; i++)
				fprintf(fp, "%s%s", i ? " " : "", l->v[i]);
			fputc('"', fp);
			break;
		}
		default:
			if (*FIELD(o, a->off, char *) == NULL)
				break;
			fprintf(fp, " %s=\"", a->name);
			print_xml_text(fp, *FIELD(o, a->off, char *));
			fputc('"', fp);
		}
	}
}

/* 1 if the element name has child items in obj. */
static int
has_items(const char *name, void *obj)
{
	size_t i;

	for (i = 0; i < nitems(schema); i++)
		if (strcmp(schema[i].parent, name) == 0 && schema[i].size &&
		    *FIELD(obj, schema[i].count_off, size_t) > 0)
			return 1;
	return 0;
}

static void
dump_children(FILE *fp, const char *name, const void *obj, int depth)
{
	size_t i, k;
	void *o = (void *)(uintptr_t)obj;

	for (i = 0; i < nitems(schema); i++) {
		const struct elem_spec *s = &schema[i];
		size_t count = 1;

		if (strcmp(s->parent, name) != 0)
			continue;
		if (s->size)
			count = *FIELD(o, s->count_off, size_t);
		for (k = 0; k < count; k++) {
			void *item = s->size ? (char *)*FIELD(o, s->list_off,
			    void *) + k * s->size : o;

			fprintf(fp, "%*s<%s", depth * 2, "", s->name);
			print_attrs(fp, s->attrs, item);
			if (s->text_off != NO_FIELD) {
				fputc('>', fp);
				print_xml_text(fp, *FIELD(item, s->text_off,
				    char *));
				fprintf(fp, "</%s>\n", s->name);
			} else if (s->size && has_items(s->name, item)) {
				fputs(">\n", fp);
				dump_children(fp, s->name, item, depth + 1);
				fprintf(fp, "%*s</%s>\n", depth * 2, "",
				    s->name);
			} else
				fputs("/>\n", fp);
		}
	}
}

void
conf_dump(const struct conf *conf, FILE *fp)
{
	fprintf(fp, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	fprintf(fp, "<!-- effective configuration of %s; component secret: "
	    "%s -->\n", conf->path, conf->secret ? "******** (read, masked)"
	    : "(not read)");
	fprintf(fp, "<accueil>\n");
	dump_children(fp, "accueil", conf, 1);
	fprintf(fp, "</accueil>\n");
}

/* ---- cross references ------------------------------------------------ */

struct idseen {
	const char *id;
	const char *what;
	int line;
};

static void
check_id(struct ctx *c, struct idseen *seen, size_t *n, const char *id,
    const char *what, int line)
{
	size_t i;

	if (id == NULL)
		return;
	if (strncmp(id, "v-", 2) == 0) {
		err(c, line, "%s \"%s\": identifiers starting with \"v-\" are "
		    "reserved for visitors", what, id);
		return;
	}
	for (i = 0; i < *n; i++)
		if (strcmp(seen[i].id, id) == 0) {
			err(c, line, "%s \"%s\" collides with %s \"%s\" at "
			    "line %d: offices, bots and personas share the "
			    "component's JIDs", what, id, seen[i].what, id,
			    seen[i].line);
			return;
		}
	seen[*n].id = id;
	seen[*n].what = what;
	seen[*n].line = line;
	(*n)++;
}

static void
check_avatar(struct ctx *c, const char *path, int line)
{
	struct stat st;
	unsigned char magic[12];
	FILE *fp;
	size_t n;

	if (path == NULL)
		return;
	if (stat(path, &st) < 0) {
		err(c, line, "avatar %s: %s", path, strerror(errno));
		return;
	}
	if (!S_ISREG(st.st_mode) || st.st_size > CONF_MAX_AVATAR ||
	    st.st_size < 8) {
		err(c, line, "avatar %s: expected an image file of at most "
		    "%d KiB", path, CONF_MAX_AVATAR / 1024);
		return;
	}
	if ((fp = fopen(path, "rb")) == NULL) {
		err(c, line, "avatar %s: %s", path, strerror(errno));
		return;
	}
	n = fread(magic, 1, sizeof(magic), fp);
	fclose(fp);
	if (n < 8 || (memcmp(magic, "\x89PNG", 4) != 0 &&
	    memcmp(magic, "\xff\xd8\xff", 3) != 0 &&
	    memcmp(magic, "GIF8", 4) != 0 &&
	    !(n >= 12 && memcmp(magic, "RIFF", 4) == 0 &&
		memcmp(magic + 8, "WEBP", 4) == 0)))
		err(c, line, "avatar %s: expected a PNG, JPEG, GIF or WebP "
		    "image", path);
}

static void
read_secret(struct ctx *c)
{
	struct conf *conf = c->conf;
	struct stat st;
	char buf[CONF_MAX_SECRET + 2];
	ssize_t n;
	int fd;

	if (conf->secret_file == NULL)
		return;
	if ((fd = open(conf->secret_file, O_RDONLY | O_NOFOLLOW)) < 0) {
		err(c, conf->server_line, "secret-file %s: %s",
		    conf->secret_file, strerror(errno));
		return;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		err(c, conf->server_line, "secret-file %s: not a regular file",
		    conf->secret_file);
		close(fd);
		return;
	}
	if (st.st_mode & (S_IRWXG | S_IRWXO)) {
		err(c, conf->server_line, "secret-file %s is readable by group "
		    "or others (mode %03o): run chmod 600 %s",
		    conf->secret_file, (unsigned)(st.st_mode & 0777),
		    conf->secret_file);
		close(fd);
		return;
	}
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n < 0) {
		err(c, conf->server_line, "secret-file %s: %s",
		    conf->secret_file, strerror(errno));
		return;
	}
	buf[n] = '\0';
	while (n > 0 && isspace((unsigned char)buf[n - 1]))
		buf[--n] = '\0';
	if (n == 0 || n > CONF_MAX_SECRET) {
		err(c, conf->server_line, "secret-file %s: expected one line "
		    "of 1 to %d bytes", conf->secret_file, CONF_MAX_SECRET);
		explicit_bzero(buf, sizeof(buf));
		return;
	}
	conf->secret = xstrdup(buf);
	explicit_bzero(buf, sizeof(buf));
}

static void
check_semantics(struct ctx *c)
{
	struct conf *conf = c->conf;
	struct idseen *seen;
	size_t i, k, nseen = 0;

	seen = xcalloc(conf->nbots + conf->noffices + conf->ncounsellors + 1,
	    sizeof(*seen));
	for (i = 0; i < conf->noffices; i++)
		check_id(c, seen, &nseen, conf->offices[i].id, "office",
		    conf->offices[i].line);
	for (i = 0; i < conf->nbots; i++)
		check_id(c, seen, &nseen, conf->bots[i].id, "bot",
		    conf->bots[i].line);
	for (i = 0; i < conf->ncounsellors; i++)
		check_id(c, seen, &nseen, conf->counsellors[i].persona,
		    "persona", conf->counsellors[i].line);
	free(seen);

	if (conf->domain && conf->muc && strcmp(conf->domain, conf->muc) == 0)
		err(c, conf->component_line, "<component>: muc must be the "
		    "server's MUC service, not the component's own domain");
	if (conf->reconnect_min > conf->reconnect_max)
		err(c, conf->server_line, "<server>: reconnect-min (%d) is "
		    "greater than reconnect-max (%d)", conf->reconnect_min,
		    conf->reconnect_max);

	for (i = 0; i < conf->nbots; i++)
		check_avatar(c, conf->bots[i].avatar, conf->bots[i].line);

	for (i = 0; i < conf->noffices; i++) {
		struct conf_office *o = &conf->offices[i];

		if (o->bot && conf_bot(conf, o->bot) == NULL)
			err(c, o->line, "office \"%s\": bot \"%s\" is not "
			    "declared with <bot id=\"%s\">", o->id, o->bot,
			    o->bot);
		if (o->default_lang == NULL && o->languages.n)
			o->default_lang = xstrdup(o->languages.v[0]);
		else if (o->default_lang &&
		    !strlist_has(&o->languages, o->default_lang))
			err(c, o->line, "office \"%s\": default-lang \"%s\" "
			    "is not one of its languages", o->id,
			    o->default_lang);
		for (k = 0; k < o->fallback_langs.n; k++)
			if (!strlist_has(&o->languages, o->fallback_langs.v[k]))
				err(c, o->line, "office \"%s\": fallback "
				    "language \"%s\" is not one of its "
				    "languages", o->id, o->fallback_langs.v[k]);
		if (o->fallback_langs.n == 0 && o->default_lang)
			strlist_add(&o->fallback_langs, o->default_lang);
		for (k = 0; k < o->nhours; k++)
			if (o->hours[k].open >= o->hours[k].close)
				err(c, o->hours[k].line, "<hours>: open must "
				    "be before close");
		check_avatar(c, o->avatar, o->line);
		for (k = 0; k < o->reminders.n; k++) {
			char *end;
			long m = strtol(o->reminders.v[k], &end, 10);

			if (*end || m < 1 || m > 10080)
				err(c, o->line, "office \"%s\": reminders must "
				    "be minutes from 1 to 10080, not \"%s\"",
				    o->id, o->reminders.v[k]);
		}
		if (o->routing && !plugin_is_routing(o->routing))
			err(c, o->line, "office \"%s\": unknown routing "
			    "\"%s\" (expected ring-group, round-robin or "
			    "least-busy)", o->id, o->routing);
	}

	for (i = 0; i < conf->ncounsellors; i++) {
		struct conf_counsellor *co = &conf->counsellors[i];

		for (k = 0; k < i; k++)
			if (co->jid && conf->counsellors[k].jid &&
			    strcasecmp(co->jid, conf->counsellors[k].jid) == 0)
				err(c, co->line, "counsellor %s is already "
				    "declared at line %d", co->jid,
				    conf->counsellors[k].line);
		for (k = 0; k < co->offices.n; k++)
			if (conf_office(conf, co->offices.v[k]) == NULL)
				err(c, co->line, "counsellor %s: office \"%s\" "
				    "is not declared", co->jid ? co->jid : "?",
				    co->offices.v[k]);
		if (co->lang == NULL)
			co->lang = xstrdup(co->languages.n ?
			    co->languages.v[0] : conf->lang);
		if (co->jid && conf->domain) {
			const char *at = strchr(co->jid, '@');

			if (at && strcmp(at + 1, conf->domain) == 0)
				err(c, co->line, "counsellor %s: a counsellor's "
				    "own account cannot be on the component "
				    "domain", co->jid);
		}
		for (k = 0; k < co->nvideo; k++)
			if (co->video[k].from + co->video[k].slot >
			    co->video[k].to)
				err(c, co->video[k].line, "<video>: from must "
				    "be at least one slot before to");
		check_avatar(c, co->avatar, co->line);
	}

	for (i = 0; i < conf->ncanned; i++)
		if (conf->canned[i].office &&
		    conf_office(conf, conf->canned[i].office) == NULL)
			err(c, conf->canned[i].line, "<canned>: office \"%s\" "
			    "is not declared", conf->canned[i].office);

	for (i = 0; i < conf->nplugins; i++) {
		struct strlist perrs = {0};

		for (k = 0; k < i; k++)
			if (strcmp(conf->plugins[i].name,
			    conf->plugins[k].name) == 0)
				err(c, conf->plugins[i].line, "plugin \"%s\" is "
				    "already configured at line %d",
				    conf->plugins[i].name,
				    conf->plugins[k].line);
		plugin_check_conf(&conf->plugins[i], &perrs);
		for (k = 0; k < perrs.n; k++)
			err(c, conf->plugins[i].line, "%s", perrs.v[k]);
		strlist_free(&perrs);
	}

	if (c->check_secret)
		read_secret(c);
}

/* ---- entry points ---------------------------------------------------- */

struct conf *
conf_load_buffer(const char *name, const char *dir, const char *data,
    size_t len, int check_secret, struct conf_errors *errs)
{
	struct parse p = {0};
	struct ctx c = {0};
	struct conf *conf;
	int ok;

	c.file = name;
	c.dir = dir;
	c.errs = errs;
	c.check_secret = check_secret;

	if (len > CONF_MAX_SIZE) {
		err(&c, 0, "file is larger than %d bytes", CONF_MAX_SIZE);
		return NULL;
	}
	if ((p.parser = XML_ParserCreate("UTF-8")) == NULL)
		fatalx("XML_ParserCreate");
	XML_SetUserData(p.parser, &p);
	XML_SetElementHandler(p.parser, on_start, on_end);
	XML_SetCharacterDataHandler(p.parser, on_text);
	XML_SetStartDoctypeDeclHandler(p.parser, on_doctype);
	ok = XML_Parse(p.parser, data, (int)len, XML_TRUE) == XML_STATUS_OK;
	if (!ok) {
		int line = (int)XML_GetCurrentLineNumber(p.parser);

		if (p.too_deep)
			err(&c, line, "elements nested deeper than %d",
			    CONF_MAX_DEPTH);
		else if (XML_GetErrorCode(p.parser) == XML_ERROR_ABORTED)
			err(&c, line, "document type declarations (DOCTYPE) "
			    "are not allowed");
		else
			err(&c, line, "XML error: %s (column %lu)",
			    XML_ErrorString(XML_GetErrorCode(p.parser)),
			    (unsigned long)XML_GetCurrentColumnNumber(
				p.parser) + 1);
	}
	XML_ParserFree(p.parser);
	if (!ok) {
		xnode_free(p.root);
		return NULL;
	}
	if (p.root == NULL || strcmp(p.root->name, "accueil") != 0) {
		err(&c, p.root ? p.root->line : 1, "the root element must be "
		    "<accueil>, not <%s>", p.root ? p.root->name : "");
		xnode_free(p.root);
		return NULL;
	}
	if (p.root->attrs[0])
		err(&c, p.root->line, "<accueil>: unknown attribute '%s' "
		    "(expected none)", p.root->attrs[0]);

	conf = xcalloc(1, sizeof(*conf));
	conf->path = xstrdup(name);
	conf->dir = xstrdup(dir);
	c.conf = conf;
	walk(&c, p.root, "accueil", conf);
	xnode_free(p.root);
	if (errs->msgs.n == 0)
		check_semantics(&c);
	if (errs->msgs.n) {
		conf_free(conf);
		return NULL;
	}
	return conf;
}

struct conf *
conf_load(const char *path, struct conf_errors *errs)
{
	struct ctx c = {0};
	struct conf *conf;
	char *data = NULL, *dir, *slash;
	char abs[PATH_MAX];
	size_t len = 0, cap = 0;
	FILE *fp;

	c.file = path;
	c.errs = errs;
	if ((fp = fopen(path, "r")) == NULL) {
		err(&c, 0, "cannot open: %s", strerror(errno));
		return NULL;
	}
	for (;;) {
		size_t n;

		if (len + 4096 + 1 > cap) {
			cap = (len + 4096 + 1) * 2;
			data = xreallocarray(data, cap, 1);
		}
		n = fread(data + len, 1, cap - len - 1, fp);
		len += n;
		if (n == 0 || len > CONF_MAX_SIZE)
			break;
	}
	if (ferror(fp)) {
		err(&c, 0, "read error: %s", strerror(errno));
		fclose(fp);
		free(data);
		return NULL;
	}
	fclose(fp);
	if (realpath(path, abs) == NULL)
		snprintf(abs, sizeof(abs), "%s", path);
	dir = xstrdup(abs);
	if ((slash = strrchr(dir, '/')) != NULL)
		*(slash == dir ? slash + 1 : slash) = '\0';
	else {
		free(dir);
		dir = xstrdup(".");
	}
	conf = conf_load_buffer(path, dir, data, len, 1, errs);
	free(dir);
	free(data);
	return conf;
}

/* ---- look-ups -------------------------------------------------------- */

const struct conf_office *
conf_office(const struct conf *conf, const char *id)
{
	size_t i;

	for (i = 0; id && i < conf->noffices; i++)
		if (conf->offices[i].id && strcmp(conf->offices[i].id, id) == 0)
			return &conf->offices[i];
	return NULL;
}

const struct conf_bot *
conf_bot(const struct conf *conf, const char *id)
{
	size_t i;

	for (i = 0; id && i < conf->nbots; i++)
		if (conf->bots[i].id && strcmp(conf->bots[i].id, id) == 0)
			return &conf->bots[i];
	return NULL;
}

const struct conf_counsellor *
conf_counsellor_by_persona(const struct conf *conf, const char *persona)
{
	size_t i;

	for (i = 0; persona && i < conf->ncounsellors; i++)
		if (conf->counsellors[i].persona &&
		    strcmp(conf->counsellors[i].persona, persona) == 0)
			return &conf->counsellors[i];
	return NULL;
}

const struct conf_counsellor *
conf_counsellor_by_jid(const struct conf *conf, const char *bare)
{
	size_t i;

	for (i = 0; bare && i < conf->ncounsellors; i++)
		if (conf->counsellors[i].jid &&
		    strcasecmp(conf->counsellors[i].jid, bare) == 0)
			return &conf->counsellors[i];
	return NULL;
}

const struct conf_plugin *
conf_plugin(const struct conf *conf, const char *name)
{
	size_t i;

	for (i = 0; name && i < conf->nplugins; i++)
		if (strcmp(conf->plugins[i].name, name) == 0)
			return &conf->plugins[i];
	return NULL;
}

const char *
conf_plugin_option(const struct conf_plugin *p, const char *name)
{
	size_t i;

	for (i = 0; p && i < p->noptions; i++)
		if (p->options[i].name && strcmp(p->options[i].name, name) == 0)
			return p->options[i].value;
	return NULL;
}
