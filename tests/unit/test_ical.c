/*
 * test_ical.c: iCalendar events: escaping, folding at 75 octets without
 * splitting UTF-8, CRLF, the VTIMEZONE derived from the tz data (Paris,
 * New York, Sydney, UTC), the event's local times, and refused input.
 * test_video_independent.py parses our events with python3-icalendar.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "error.h"
#include "ical.h"
#include "log.h"
#include "slots.h"
#include "tap.h"
#include "utf8.h"
#include "util.h"

static time_t
local(const char *tz, int y, int mo, int d, int h, int mi)
{
	time_t t = 0;

	slots_local_time(tz, y, mo, d, h * 60 + mi, &t);
	return t;
}

/* 1 if every line of s ends with CRLF, has at most 75 octets, and a
   continuation line is valid UTF-8 on its own. */
static int
lines_ok(const char *s, int *maxlen)
{
	const char *p = s, *e;
	char *line;
	int good = 1;

	*maxlen = 0;
	while (*p) {
		if ((e = strstr(p, "\r\n")) == NULL)
			return 0;
		if (memchr(p, '\n', (size_t)(e - p)) ||
		    memchr(p, '\r', (size_t)(e - p)))
			good = 0;
		if (e - p > *maxlen)
			*maxlen = (int)(e - p);
		line = xstrndup(p, (size_t)(e - p));
		if (!utf8_valid(line))
			good = 0;
		free(line);
		p = e + 2;
	}
	return good && *maxlen <= 75;
}

/* Undoes folding: removes every CRLF followed by a space. */
static char *
unfold(const char *s)
{
	struct buf b = {0};
	const char *p;
	char c[2] = {0, 0};

	for (p = s; *p; p++) {
		if (p[0] == '\r' && p[1] == '\n' && p[2] == ' ') {
			p += 2;
			continue;
		}
		c[0] = *p;
		buf_append(&b, c);
	}
	return buf_take(&b);
}

static void
test_escape(void)
{
	struct buf b = {0};
	char *s;

	ical_escape_text(&b, "a\\b;c,d\ne\r\nf\rg\x01h\ti");
	s = buf_take(&b);
	is_str(s, "a\\\\b\\;c\\,d\\ne\\nf\\ng" "h\ti",
	    "TEXT escaping: \\\\ \\; \\, \\n, controls dropped, tab kept");
	free(s);
}

static void
test_fold(void)
{
	struct buf b = {0};
	char line[301], *s, *u;
	int max, i, good;

	memset(line, 'x', 300);
	line[300] = '\0';
	memcpy(line, "SUMMARY:", 8);
	ical_fold_line(&b, line);
	s = buf_take(&b);
	ok(lines_ok(s, &max) && max == 75, "ASCII folded at 75 octets");
	ok(strncmp(s + 75, "\r\n ", 3) == 0 && strncmp(s + 78 + 74,
	    "\r\n ", 3) == 0, "continuations hold 74 octets after the space");
	u = unfold(s);
	ok(strlen(u) == 302 && strncmp(u, line, 300) == 0 &&
	    strcmp(u + 300, "\r\n") == 0, "unfolding gives the line back");
	free(u);
	free(s);

	/* 2-, 3- and 4-byte characters at every alignment */
	for (i = 0; i < 3; i++) {
		struct buf l = {0};
		int k;

		buf_append(&l, "DESCRIPTION:");
		for (k = 0; k < i; k++)
			buf_append(&l, "a");
		for (k = 0; k < 40; k++)
			buf_append(&l, "é東😀");
		s = buf_take(&l);
		ical_fold_line(&b, s);
		u = buf_take(&b);
		good = lines_ok(u, &max);
		ok(good, "UTF-8 never split, lines <= 75 octets (shift %d, "
		    "longest %d)", i, max);
		free(u);
		free(s);
	}
	ical_fold_line(&b, "SHORT:1");
	s = buf_take(&b);
	is_str(s, "SHORT:1\r\n", "a short line is not folded");
	free(s);
}

/* The text between "name" at a line start and the next CRLF, or NULL. */
static char *
prop(const char *ics, const char *name)
{
	char *u = unfold(ics), *p, *e, *r = NULL, *key;

	key = xasprintf("\r\n%s", name);
	if ((p = strstr(u, key)) != NULL) {
		p += strlen(key);
		e = strstr(p, "\r\n");
		r = xstrndup(p, (size_t)(e - p));
	}
	free(key);
	free(u);
	return r;
}

static int
has(const char *ics, const char *text)
{
	char *u = unfold(ics);
	int r = strstr(u, text) != NULL;

	free(u);
	return r;
}

static void
test_event_paris(void)
{
	struct ical_event ev = {
		.domain = "accueil.example",
		.tz = "Europe/Paris",
		.start = local("Europe/Paris", 2026, 11, 24, 14, 30),
		.end = local("Europe/Paris", 2026, 11, 24, 15, 0),
		.stamp = 1790000000,
		.summary = "Rendez-vous vidéo, Office de tourisme; Cahors",
		.description = "Avec Claire.\nPréparez vos questions.",
		.url = "https://meet.example/accueil-0123456789abcdef"
		    "0123456789abcdef?jwt=a.b.c",
		.organizer = "Office de tourisme \"Cahors\"",
		.contact = "accueil@cahors.example",
		.alarm_min = 15,
	};
	char *ics = NULL, *v;
	int max = 0, good;

	is_int(ical_make_event(&ev, &ics), ACCUEIL_OK, "Paris event made");
	if (ics == NULL)
		return;
	ok(strncmp(ics, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n", 30) == 0,
	    "starts with BEGIN:VCALENDAR and VERSION:2.0");
	good = lines_ok(ics, &max);
	ok(good, "CRLF everywhere, lines <= 75 octets (longest %d)", max);
	ok(strlen(ics) > 14 && strcmp(ics + strlen(ics) - 15,
	    "END:VCALENDAR\r\n") == 0, "ends with END:VCALENDAR");
	v = prop(ics, "DTSTART;TZID=Europe/Paris:");
	is_str(v, "20261124T143000", "DTSTART is the local wall-clock time");
	free(v);
	v = prop(ics, "DTEND;TZID=Europe/Paris:");
	is_str(v, "20261124T150000", "DTEND local");
	free(v);
	v = prop(ics, "DTSTAMP:");
	is_str(v, "20260921T141320Z", "DTSTAMP in UTC");
	free(v);
	v = prop(ics, "UID:");
	ok(v && strlen(v) == 32 + 16 && strcmp(v + 32, "@accueil.example") ==
	    0 && strspn(v, "0123456789abcdef") == 32,
	    "UID: 128 random bits @ the component domain");
	free(v);
	v = prop(ics, "SUMMARY:");
	is_str(v, "Rendez-vous vidéo\\, Office de tourisme\\; Cahors",
	    "SUMMARY escaped");
	free(v);
	v = prop(ics, "DESCRIPTION:");
	is_str(v, "Avec Claire.\\nPréparez vos questions.\\n\\n"
	    "https://meet.example/accueil-0123456789abcdef0123456789abcdef"
	    "?jwt=a.b.c", "DESCRIPTION: text, blank line, the link");
	free(v);
	v = prop(ics, "URL:");
	is_str(v, ev.url, "URL is the link, unescaped (a URI)");
	free(v);
	v = prop(ics, "LOCATION:");
	is_str(v, ev.url, "LOCATION is the link");
	free(v);
	v = prop(ics, "ORGANIZER");
	is_str(v, ";CN=\"Office de tourisme Cahors\":"
	    "mailto:accueil@cahors.example",
	    "ORGANIZER with a quoted CN (quotes dropped) and mailto");
	free(v);
	v = prop(ics, "CONTACT:");
	is_str(v, "accueil@cahors.example", "CONTACT");
	free(v);
	ok(has(ics, "\r\nSTATUS:CONFIRMED\r\n") &&
	    has(ics, "\r\nSEQUENCE:0\r\n"), "STATUS and SEQUENCE");
	ok(has(ics, "BEGIN:VALARM\r\nACTION:DISPLAY\r\n") &&
	    has(ics, "\r\nTRIGGER:-PT15M\r\n"), "an alarm 15 minutes before");

	/* the VTIMEZONE: tz data of 2026, not hand-written rules */
	ok(has(ics, "BEGIN:VTIMEZONE\r\nTZID:Europe/Paris\r\n"),
	    "VTIMEZONE with the TZID of DTSTART");
	ok(has(ics, "BEGIN:STANDARD\r\nDTSTART:20251231T010000\r\n"
	    "TZOFFSETFROM:+0100\r\nTZOFFSETTO:+0100\r\nTZNAME:CET\r\n"
	    "END:STANDARD\r\n"), "the offset in force when 2026 begins");
	ok(has(ics, "BEGIN:DAYLIGHT\r\nDTSTART:20260329T020000\r\n"
	    "TZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\nTZNAME:CEST\r\n"
	    "END:DAYLIGHT\r\n"), "summer time from 29 March 2026 02:00");
	ok(has(ics, "BEGIN:STANDARD\r\nDTSTART:20261025T030000\r\n"
	    "TZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nTZNAME:CET\r\n"
	    "END:STANDARD\r\n"), "winter time from 25 October 2026 03:00");
	ok(!has(ics, "DTSTART:2027"), "no change of 2027 for a 2026 event");
	free(ics);

	ev.uid = "kept-uid@accueil.example";
	ev.sequence = 2;
	ev.cancelled = 1;
	is_int(ical_make_event(&ev, &ics), ACCUEIL_OK, "cancellation made");
	if (ics) {
		ok(has(ics, "\r\nUID:kept-uid@accueil.example\r\n") &&
		    has(ics, "\r\nSEQUENCE:2\r\n") &&
		    has(ics, "\r\nSTATUS:CANCELLED\r\n") &&
		    !has(ics, "VALARM"),
		    "same UID, higher SEQUENCE, CANCELLED, no alarm");
		free(ics);
	}
}

static void
test_other_zones(void)
{
	struct ical_event ev = {
		.uid = "u@d",
		.summary = "Meeting",
		.stamp = 1790000000,
	};
	char *ics = NULL, *v;

	ev.tz = "America/New_York";
	ev.start = local(ev.tz, 2027, 3, 15, 9, 0);
	ev.end = ev.start + 1800;
	is_int(ical_make_event(&ev, &ics), ACCUEIL_OK, "New York event");
	if (ics) {
		v = prop(ics, "DTSTART;TZID=America/New_York:");
		is_str(v, "20270315T090000", "New York wall-clock time");
		free(v);
		ok(has(ics, "BEGIN:DAYLIGHT\r\nDTSTART:20270314T020000\r\n"
		    "TZOFFSETFROM:-0500\r\nTZOFFSETTO:-0400\r\nTZNAME:EDT\r\n"),
		    "EDT from 14 March 2027 02:00");
		ok(has(ics, "BEGIN:STANDARD\r\nDTSTART:20271107T020000\r\n"
		    "TZOFFSETFROM:-0400\r\nTZOFFSETTO:-0500\r\nTZNAME:EST\r\n"),
		    "EST from 7 November 2027 02:00");
		free(ics);
	}

	ev.tz = "Australia/Sydney";
	ev.start = local(ev.tz, 2027, 1, 10, 10, 0);
	ev.end = ev.start + 3600;
	is_int(ical_make_event(&ev, &ics), ACCUEIL_OK, "Sydney event");
	if (ics) {
		ok(has(ics, "BEGIN:DAYLIGHT\r\nDTSTART:20261231T"),
		    "southern summer: daylight time when the year begins");
		ok(has(ics, "BEGIN:STANDARD\r\nDTSTART:20270404T030000\r\n"
		    "TZOFFSETFROM:+1100\r\nTZOFFSETTO:+1000\r\n"),
		    "standard time from 4 April 2027 03:00");
		free(ics);
	}

	ev.tz = "UTC";
	ev.start = 1795000000;
	ev.end = ev.start + 600;
	is_int(ical_make_event(&ev, &ics), ACCUEIL_OK, "UTC event");
	if (ics) {
		ok(has(ics, "TZOFFSETFROM:+0000\r\nTZOFFSETTO:+0000\r\n") &&
		    !has(ics, "DAYLIGHT"), "UTC: one STANDARD observance");
		free(ics);
	}

	/* an event over new year spans two years of changes */
	ev.tz = "Europe/Paris";
	ev.start = local(ev.tz, 2026, 12, 31, 23, 30);
	ev.end = ev.start + 3600;
	is_int(ical_make_event(&ev, &ics), ACCUEIL_OK, "new year's eve event");
	if (ics) {
		ok(has(ics, "DTSTART:20261025T030000") &&
		    has(ics, "DTSTART:20271031T030000"),
		    "changes of both years included");
		v = prop(ics, "DTEND;TZID=Europe/Paris:");
		is_str(v, "20270101T003000", "DTEND in the next year");
		free(v);
		free(ics);
	}
}

static void
test_refused(void)
{
	struct ical_event ev = {
		.domain = "d",
		.tz = "Europe/Paris",
		.start = 1795000000,
		.end = 1795001800,
		.summary = "ok",
	};
	char *ics = (char *)1;

	ev.end = ev.start;
	is_int(ical_make_event(&ev, &ics), ACCUEIL_EINVAL,
	    "end not after start refused");
	ok(ics == NULL, "nothing on error");
	ev.end = ev.start + 1800;
	ev.summary = "caf\xc3";
	is_int(ical_make_event(&ev, &ics), ACCUEIL_EINVAL,
	    "invalid UTF-8 refused");
	ev.summary = "ok";
	ev.url = "https://x.example/a b";
	is_int(ical_make_event(&ev, &ics), ACCUEIL_EINVAL,
	    "a URL with a space refused");
	ev.url = "https://x.example/\r\nX-EVIL:1";
	is_int(ical_make_event(&ev, &ics), ACCUEIL_EINVAL,
	    "a URL with CRLF refused");
	ev.url = NULL;
	ev.tz = "Europe/Paris;X=1";
	is_int(ical_make_event(&ev, &ics), ACCUEIL_EINVAL,
	    "a zone name with ';' refused");
	ev.tz = "Europe/Paris";
	ev.summary = NULL;
	is_int(ical_make_event(&ev, &ics), ACCUEIL_EINVAL,
	    "no summary refused");
	ev.summary = "ok";
	ev.domain = NULL;
	is_int(ical_make_event(&ev, &ics), ACCUEIL_EINVAL,
	    "no UID and no domain refused");
	ev.domain = "d";
	ev.contact = "+33 5 65 53 20 65";
	is_int(ical_make_event(&ev, &ics), ACCUEIL_OK,
	    "a phone number as contact");
	if (ics) {
		ok(!has(ics, "ORGANIZER") &&
		    has(ics, "\r\nCONTACT:+33 5 65 53 20 65\r\n"),
		    "a phone number gives CONTACT, no ORGANIZER");
		free(ics);
	}
}

int
main(void)
{
	log_init(1, LOG_LEVEL_ERROR);
	test_escape();
	test_fold();
	test_event_paris();
	test_other_zones();
	test_refused();
	return tap_done();
}
