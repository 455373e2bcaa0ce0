/*
 * weekly.c: the weekly summary to each office's supervisors.
 *
 * An office with summary-days (e.g. "mon") gets, on those days at
 * summary-time in its own time zone, a text message from its desk JID
 * to each of its supervisors: the figures of the 7 local days before
 * that day (statsq.c), the change against the 7 days before those, and
 * a random sample of conversations to review. The day it was sent is
 * kept in the store (kv "summary:<office>"), so a restart sends it
 * neither twice nor, if the daemon was down at that time, later than
 * that same day. Runs on a timer on the loop thread.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app.h"
#include "clock.h"
#include "conf.h"
#include "link.h"
#include "log.h"
#include "review.h"
#include "stanza.h"
#include "statsq.h"
#include "store.h"
#include "util.h"
#include "weekly.h"

/* "+3", "-2", "=" between this week's n and last week's p. */
static void
trend(struct buf *out, const char *what, long n, long p)
{
	if (n == p)
		buf_appendf(out, "%s %ld (=)", what, n);
	else
		buf_appendf(out, "%s %ld (%+ld)", what, n, n - p);
}

void
weekly_text(struct app *app, const struct conf_office *o, int64_t day0,
    struct buf *out)
{
	const char *lang = app->conf->lang;
	struct stats_result now = {0}, prev = {0};
	struct stats_span sp = {o->id, o->timezone, 0, day0};
	const struct stats_fig *f, *p;
	char a[11], b[11];

	{
		struct tm tm;

		clock_localtime(o->timezone, (time_t)day0, &tm);
		tm.tm_mday -= 7;
		tm.tm_hour = 0;
		sp.from = clock_mktime(o->timezone, &tm);
	}
	stats_date(o->timezone, sp.from, a);
	stats_date(o->timezone, sp.to - 1, b);
	if (stats_compute(app->store, &sp, 1, STATS_BY_NONE, store_now(),
	    &now) < 0) {
		buf_append(out, "The figures could not be read (see the log).");
		return;
	}
	sp.to = sp.from;
	{
		struct tm tm;

		clock_localtime(o->timezone, (time_t)sp.to, &tm);
		tm.tm_mday -= 7;
		tm.tm_hour = 0;
		sp.from = clock_mktime(o->timezone, &tm);
	}
	if (stats_compute(app->store, &sp, 1, STATS_BY_NONE, store_now(),
	    &prev) < 0)
		memset(&prev, 0, sizeof(prev));
	f = stats_find(&now, "");
	p = stats_find(&prev, "");
	buf_appendf(out, strcmp(lang, "en") == 0 ? "%s: the week from %s to "
	    "%s\n" : "%s : la semaine du %s au %s\n", o->name, a, b);
	if (f)
		stats_text(f, lang, out);
	if (f && p) {
		buf_append(out, strcmp(lang, "en") == 0 ?
		    "\nAgainst the week before: " : "\nPar rapport à la "
		    "semaine précédente : ");
		trend(out, strcmp(lang, "en") == 0 ? "requests" : "demandes",
		    f->requests, p->requests);
		buf_append(out, ", ");
		trend(out, strcmp(lang, "en") == 0 ? "within 2 min" :
		    "en moins de 2 min", f->within2, p->within2);
		buf_append(out, ", ");
		trend(out, strcmp(lang, "en") == 0 ? "abandoned" : "abandons",
		    f->abandoned, p->abandoned);
	}
	stats_result_free(&now);
	stats_result_free(&prev);
}

/* The office's summary is due now: returns the local day's start, or 0. */
static int64_t
due(struct app *app, const struct conf_office *o, time_t t, char day[11])
{
	struct tm tm;
	char *last, key[160];
	int64_t start;

	if (o->summary_days == 0 || o->nsupervisors == 0 ||
	    clock_localtime(o->timezone, t, &tm) < 0)
		return 0;
	if (!(o->summary_days & CONF_DAY(tm.tm_wday)) ||
	    tm.tm_hour * 60 + tm.tm_min < o->summary_time)
		return 0;
	strftime(day, 11, "%Y-%m-%d", &tm);
	snprintf(key, sizeof(key), "summary:%s", o->id);
	last = store_kv_get(app->store, key);
	if (last && strcmp(last, day) == 0) {
		free(last);
		return 0;
	}
	free(last);
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	start = clock_mktime(o->timezone, &tm);
	return start;
}

int
weekly_tick(void *ud)
{
	struct app *app = ud;
	time_t t = clock_now();
	size_t i, k;

	if (!link_is_up(app->link))
		return 1;
	for (i = 0; i < app->conf->noffices; i++) {
		const struct conf_office *o = &app->conf->offices[i];
		struct buf text = {0};
		char day[11], key[160], *from;
		int64_t day0;

		if ((day0 = due(app, o, t, day)) == 0)
			continue;
		snprintf(key, sizeof(key), "summary:%s", o->id);
		/* recorded first: a failure never sends it twice */
		if (store_kv_set(app->store, key, day) != ACCUEIL_OK)
			continue;
		weekly_text(app, o, day0, &text);
		buf_append(&text, "\n\n");
		review_sample(app, o->supervisors[0].jid, 3, &text);
		from = xasprintf("%s@%s", o->id, app->conf->domain);
		for (k = 0; k < o->nsupervisors; k++)
			stanza_send(app, stanza_message(app, from,
			    o->supervisors[k].jid, "chat", text.s));
		log_info("weekly: summary of %s sent to %zu supervisor%s",
		    o->id, o->nsupervisors, o->nsupervisors == 1 ? "" : "s");
		free(from);
		buf_free(&text);
	}
	return 1;
}
