/*
 * ical.c: iCalendar events with a VTIMEZONE derived from the C library's
 * tz data.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "clock.h"
#include "error.h"
#include "ical.h"
#include "text.h"
#include "util.h"

#define DAY		86400
#define FOLD_AT		75	/* octets per line, CRLF excluded */

/* The zone's state at one instant. */
struct zstate {
	long off;	/* seconds east of UTC */
	int isdst;
	char abbr[16];
};

/* A change of state: at instant at, from from to to. */
struct ztrans {
	time_t at;
	struct zstate from, to;
};

static int
zstate_at(const char *tz, time_t t, struct zstate *z)
{
	struct tm tm;

	if (clock_localtime(tz, t, &tm) < 0)
		return -1;
	z->off = tm.tm_gmtoff;
	z->isdst = tm.tm_isdst > 0;
	snprintf(z->abbr, sizeof(z->abbr), "%s", tm.tm_zone ? tm.tm_zone : "");
	return 0;
}

static int
zstate_eq(const struct zstate *a, const struct zstate *b)
{
	return a->off == b->off && a->isdst == b->isdst &&
	    strcmp(a->abbr, b->abbr) == 0;
}

/*
 * Finds the changes of tz in [from, to): steps a day at a time and bisects
 * each step where the state differs. Fills *first with the state at from.
 * Returns the number of changes in *v (caller frees), or -1.
 */
static int
zone_changes(const char *tz, time_t from, time_t to, struct zstate *first,
    struct ztrans **v)
{
	struct zstate cur, next, mid;
	time_t t = from, step, lo, hi, m;
	size_t n = 0;

	*v = NULL;
	if (zstate_at(tz, from, first) < 0)
		return -1;
	cur = *first;
	while (t < to) {
		step = to - t < DAY ? to - t : DAY;
		if (zstate_at(tz, t + step, &next) < 0)
			goto fail;
		if (zstate_eq(&cur, &next)) {
			t += step;
			continue;
		}
		/* cur holds at lo, next at hi: find the first second of it */
		lo = t;
		hi = t + step;
		while (hi - lo > 1) {
			m = lo + (hi - lo) / 2;
			if (zstate_at(tz, m, &mid) < 0)
				goto fail;
			if (zstate_eq(&mid, &cur))
				lo = m;
			else
				hi = m;
		}
		if (zstate_at(tz, hi, &next) < 0)
			goto fail;
		*v = xreallocarray(*v, n + 1, sizeof(**v));
		(*v)[n].at = hi;
		(*v)[n].from = cur;
		(*v)[n].to = next;
		n++;
		cur = next;
		t = hi;
	}
	return (int)n;

fail:
	free(*v);
	*v = NULL;
	return -1;
}

static void
append_offset(struct buf *b, long off)
{
	long a = off < 0 ? -off : off;

	buf_appendf(b, "%c%02ld%02ld", off < 0 ? '-' : '+', a / 3600,
	    a / 60 % 60);
	if (a % 60)
		buf_appendf(b, "%02ld", a % 60);
}

/* Appends t shifted by off seconds as a floating date-time. */
static void
append_datetime(struct buf *b, time_t t, long off, int utc)
{
	struct tm tm;
	time_t l = t + off;

	gmtime_r(&l, &tm);
	buf_appendf(b, "%04d%02d%02dT%02d%02d%02d%s", tm.tm_year + 1900,
	    tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
	    utc ? "Z" : "");
}

void
ical_escape_text(struct buf *b, const char *s)
{
	const unsigned char *p;
	char c[2] = {0, 0};

	for (p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '\\':
			buf_append(b, "\\\\");
			break;
		case ';':
			buf_append(b, "\\;");
			break;
		case ',':
			buf_append(b, "\\,");
			break;
		case '\r':
			if (p[1] != '\n')
				buf_append(b, "\\n");
			break;
		case '\n':
			buf_append(b, "\\n");
			break;
		default:
			/* TEXT allows no control character but HTAB */
			if ((*p < 0x20 && *p != '\t') || *p == 0x7f)
				break;
			c[0] = (char)*p;
			buf_append(b, c);
		}
	}
}

void
ical_fold_line(struct buf *b, const char *line)
{
	size_t len = strlen(line), pos = 0, room = FOLD_AT, n;
	char *chunk;

	while (len - pos > room) {
		n = room;
		while (n > 0 && UTF8_CONT(line[pos + n]))
			n--;
		if (n == 0)	/* cannot happen with valid UTF-8 */
			n = room;
		chunk = xstrndup(line + pos, n);
		buf_append(b, chunk);
		buf_append(b, "\r\n ");
		free(chunk);
		pos += n;
		room = FOLD_AT - 1;
	}
	buf_append(b, line + pos);
	buf_append(b, "\r\n");
}

/* A content line being built, folded into out by end_line(). */
static void
end_line(struct buf *out, struct buf *line)
{
	ical_fold_line(out, line->s ? line->s : "");
	buf_free(line);
}

static void
text_line(struct buf *out, const char *name, const char *value)
{
	struct buf l = {0};

	buf_append(&l, name);
	buf_append(&l, ":");
	ical_escape_text(&l, value);
	end_line(out, &l);
}

/* Characters a URI or a TZID may not carry into a content line. */
static int
plain_value(const char *s, const char *forbidden)
{
	const unsigned char *p;

	for (p = (const unsigned char *)s; *p; p++)
		if (*p <= 0x20 || *p >= 0x7f || strchr(forbidden, *p))
			return 0;
	return *s != '\0';
}

/* Returns the address if contact is an e-mail address, else NULL. */
static const char *
contact_email(const char *contact)
{
	const char *at, *p;

	if (strncasecmp(contact, "mailto:", 7) == 0)
		contact += 7;
	if ((at = strchr(contact, '@')) == NULL || at == contact ||
	    strchr(at + 1, '@') || strchr(at + 1, '.') == NULL)
		return NULL;
	for (p = contact; *p; p++)
		if ((unsigned char)*p <= 0x20 || strchr("\"<>,;:()[]\\", *p))
			return NULL;
	return contact;
}

static void
write_vtimezone(struct buf *out, const char *tz, const struct zstate *first,
    time_t from, const struct ztrans *v, int n)
{
	struct buf l = {0};
	int i;

	buf_append(out, "BEGIN:VTIMEZONE\r\n");
	buf_appendf(&l, "TZID:%s", tz);
	end_line(out, &l);
	buf_appendf(&l, "X-LIC-LOCATION:%s", tz);
	end_line(out, &l);
	for (i = -1; i < n; i++) {
		const struct zstate *f = i < 0 ? first : &v[i].from;
		const struct zstate *t = i < 0 ? first : &v[i].to;
		const char *kind = t->isdst ? "DAYLIGHT" : "STANDARD";

		buf_appendf(out, "BEGIN:%s\r\n", kind);
		/* the onset, in the local time of the observance before */
		buf_append(&l, "DTSTART:");
		append_datetime(&l, i < 0 ? from : v[i].at, f->off, 0);
		end_line(out, &l);
		buf_append(&l, "TZOFFSETFROM:");
		append_offset(&l, f->off);
		end_line(out, &l);
		buf_append(&l, "TZOFFSETTO:");
		append_offset(&l, t->off);
		end_line(out, &l);
		if (t->abbr[0] && utf8_valid(t->abbr))
			text_line(out, "TZNAME", t->abbr);
		buf_appendf(out, "END:%s\r\n", kind);
	}
	buf_append(out, "END:VTIMEZONE\r\n");
}

/*
 * The span the VTIMEZONE covers: from the start of the year the event
 * starts in to the end of the year it ends in, a day more on each side.
 */
static void
year_span(const struct tm *st, const struct tm *et, time_t *from, time_t *to)
{
	struct tm y0, y1;

	memset(&y0, 0, sizeof(y0));
	memset(&y1, 0, sizeof(y1));
	y0.tm_year = st->tm_year;
	y0.tm_mday = 1;
	y1.tm_year = et->tm_year + 1;
	y1.tm_mday = 1;
	*from = timegm(&y0) - DAY;
	*to = timegm(&y1) + DAY;
}

char *
ical_new_uid(const char *domain)
{
	char hex[33];

	if (domain == NULL || random_hex(hex, 16) < 0)
		return NULL;
	return xasprintf("%s@%s", hex, domain);
}

static int
valid_text(const char *s)
{
	return s == NULL || utf8_valid(s);
}

int
ical_make_event(const struct ical_event *ev, char **out)
{
	struct buf b = {0}, l = {0};
	struct zstate first;
	struct ztrans *v = NULL;
	struct tm st, et;
	time_t from, to;
	char *uid = NULL;
	const char *email;
	int n, r;

	*out = NULL;
	if (ev->summary == NULL || ev->tz == NULL || ev->end <= ev->start ||
	    !plain_value(ev->tz, "\",;:") ||
	    (ev->url && !plain_value(ev->url, "\"<>\\^`{|}")) ||
	    !valid_text(ev->summary) || !valid_text(ev->description) ||
	    !valid_text(ev->organizer) || !valid_text(ev->contact) ||
	    (ev->uid && (!utf8_valid(ev->uid) || *ev->uid == '\0')) ||
	    (ev->uid == NULL && ev->domain == NULL) || ev->sequence < 0)
		return ACCUEIL_EINVAL;
	if (clock_localtime(ev->tz, ev->start, &st) < 0 ||
	    clock_localtime(ev->tz, ev->end, &et) < 0)
		return ACCUEIL_EINVAL;
	if (ev->uid == NULL && (uid = ical_new_uid(ev->domain)) == NULL)
		return ACCUEIL_EPLUGIN;

	year_span(&st, &et, &from, &to);
	if ((n = zone_changes(ev->tz, from, to, &first, &v)) < 0) {
		r = ACCUEIL_EINVAL;
		goto fail;
	}

	buf_append(&b, "BEGIN:VCALENDAR\r\n");
	buf_append(&b, "VERSION:2.0\r\n");
	buf_append(&b, "PRODID:-//accueil//accueil " PACKAGE_VERSION
	    "//EN\r\n");
	buf_append(&b, "CALSCALE:GREGORIAN\r\n");
	write_vtimezone(&b, ev->tz, &first, from, v, n);

	buf_append(&b, "BEGIN:VEVENT\r\n");
	buf_append(&l, "UID:");
	ical_escape_text(&l, uid ? uid : ev->uid);
	end_line(&b, &l);
	buf_append(&l, "DTSTAMP:");
	append_datetime(&l, ev->stamp, 0, 1);
	end_line(&b, &l);
	buf_appendf(&l, "DTSTART;TZID=%s:", ev->tz);
	append_datetime(&l, ev->start, st.tm_gmtoff, 0);
	end_line(&b, &l);
	buf_appendf(&l, "DTEND;TZID=%s:", ev->tz);
	append_datetime(&l, ev->end, et.tm_gmtoff, 0);
	end_line(&b, &l);
	buf_appendf(&l, "SEQUENCE:%d", ev->sequence);
	end_line(&b, &l);
	buf_appendf(&l, "STATUS:%s", ev->cancelled ? "CANCELLED" : "CONFIRMED");
	end_line(&b, &l);
	text_line(&b, "SUMMARY", ev->summary);
	if (ev->description || ev->url) {
		buf_append(&l, "DESCRIPTION:");
		if (ev->description)
			ical_escape_text(&l, ev->description);
		if (ev->description && ev->url)
			ical_escape_text(&l, "\n\n");
		if (ev->url)
			ical_escape_text(&l, ev->url);
		end_line(&b, &l);
	}
	if (ev->url) {
		buf_appendf(&l, "URL:%s", ev->url);
		end_line(&b, &l);
		text_line(&b, "LOCATION", ev->url);
	}
	if (ev->contact && (email = contact_email(ev->contact)) != NULL) {
		buf_append(&l, "ORGANIZER");
		if (ev->organizer) {
			const char *p;

			/* a quoted parameter value: no DQUOTE, no control */
			buf_append(&l, ";CN=\"");
			for (p = ev->organizer; *p; p++)
				if ((unsigned char)*p >= 0x20 && *p != '"' &&
				    *p != 0x7f)
					buf_appendf(&l, "%c", *p);
			buf_append(&l, "\"");
		}
		buf_appendf(&l, ":mailto:%s", email);
		end_line(&b, &l);
	}
	if (ev->contact)
		text_line(&b, "CONTACT", ev->contact);
	buf_append(&b, "TRANSP:OPAQUE\r\n");
	if (ev->alarm_min > 0 && !ev->cancelled) {
		buf_append(&b, "BEGIN:VALARM\r\n");
		buf_append(&b, "ACTION:DISPLAY\r\n");
		text_line(&b, "DESCRIPTION", ev->summary);
		buf_appendf(&l, "TRIGGER:-PT%dM", ev->alarm_min);
		end_line(&b, &l);
		buf_append(&b, "END:VALARM\r\n");
	}
	buf_append(&b, "END:VEVENT\r\n");
	buf_append(&b, "END:VCALENDAR\r\n");

	free(v);
	free(uid);
	*out = buf_take(&b);
	return ACCUEIL_OK;

fail:
	free(v);
	free(uid);
	buf_free(&b);
	return r;
}
