/*
 * test_ratelimit.c: the token buckets of ratelimit.c through the events
 * it hooks, on an in-memory store.
 *
 * New conversations (conv-ask): a host's burst passes, the next ask is
 * refused with the seconds to wait (a minute at one a minute), the
 * resource does not make another host, other hosts still pass until the
 * office's own burst is spent. A visitor's lines (visitor-line): the
 * burst passes, then lines are held, and the visitor is told once per
 * episode (one "slow down" bot line stored, whatever the number of
 * held lines). The tick drops full buckets and the buckets of closed
 * conversations, so memory stays flat.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app.h"
#include "conf.h"
#include "convdb.h"
#include "event.h"
#include "log.h"
#include "ratelimit.h"
#include "registry.h"
#include "store.h"
#include "tap.h"
#include "util.h"

static int
ask(struct app *app, const char *from, const char *office, int *wait)
{
	struct event ev;
	int r;

	event_prepare(&ev, EV_CONV_ASK, NULL, NULL);
	ev.from = from;
	ev.office = office;
	r = event_fire(app, &ev);
	*wait = ev.result;
	return r;
}

static int
line(struct app *app, struct conv *cv, const char *text)
{
	struct event ev;

	event_prepare(&ev, EV_VISITOR_LINE, cv, NULL);
	ev.text = text;
	return event_fire(app, &ev);
}

static long
bot_lines(struct app *app, const char *session)
{
	sqlite3_stmt *st = store_stmt(app->store, "SELECT count(*) FROM "
	    "messages WHERE session = ? AND role = 'bot'");
	long n = -1;

	if (st == NULL)
		return -1;
	store_bind_text(st, 1, session);
	if (store_row(app->store, st) == 1) {
		n = sqlite3_column_int64(st, 0);
		sqlite3_reset(st);
	}
	return n;
}

static void
nap(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

	nanosleep(&ts, NULL);
}

static void
test_asks(struct app *app)
{
	int w, i;

	app->conf->host_burst = 3;
	app->conf->host_per_minute = 1;
	app->conf->office_burst = 5;
	app->conf->office_per_minute = 1;
	for (i = 0; i < 3; i++)
		ok(ask(app, i % 2 ? "x1@visit.ot.example/a" :
		    "x2@visit.ot.example/b", "cahors", &w) == EVENT_PASS,
		    "ask %d from visit.ot.example passes (burst 3)", i + 1);
	ok(ask(app, "x3@visit.ot.example/c", "cahors", &w) == EVENT_HANDLED,
	    "the fourth from the same host is refused");
	ok(w >= 50 && w <= 60, "with the wait: about a minute at one a "
	    "minute (%d s)", w);
	ok(ask(app, "visit.ot.example", "cahors", &w) == EVENT_HANDLED,
	    "a bare host is the same host");
	ok(ask(app, "y@other.example/r", "cahors", &w) == EVENT_PASS,
	    "another host passes");
	ok(ask(app, "z@third.example/r", "cahors", &w) == EVENT_PASS,
	    "a third host passes: the office's fifth");
	ok(ask(app, "w@fourth.example/r", "cahors", &w) == EVENT_HANDLED,
	    "a fresh host is refused once the office's burst is spent");
	ok(w >= 1, "and told to wait (%d s)", w);
	ok(ask(app, "w@fourth.example/r", "figeac", &w) == EVENT_PASS,
	    "that host still has its token for another office");
	is_int((long)ratelimit_entries(), 6, "buckets: 4 hosts, 2 offices");
}

static void
test_lines(struct app *app, struct conv *cv)
{
	int i;

	app->conf->visitor_burst = 3;
	app->conf->visitor_per_minute = 60;
	app->conf->merge_delay = 1;
	for (i = 0; i < 3; i++)
		ok(line(app, cv, "hello") == EVENT_PASS, "line %d passes "
		    "(burst 3)", i + 1);
	is_int(bot_lines(app, cv->id), 0, "nobody told yet");
	ok(line(app, cv, "and") == EVENT_HANDLED, "the fourth is held");
	ok(line(app, cv, "more") == EVENT_HANDLED, "the fifth too");
	ok(line(app, cv, "and more") == EVENT_HANDLED, "the sixth too");
	is_int(bot_lines(app, cv->id), 1, "the visitor is asked to slow "
	    "down, once");
}

int
main(void)
{
	struct conf cf;
	struct app app = {0};
	enum accueil_err e;
	struct conv *cv;
	size_t before;

	log_init(1, LOG_LEVEL_ERROR);
	memset(&cf, 0, sizeof(cf));
	app.conf = &cf;
	app.store = store_open(":memory:", &e);
	ok(app.store != NULL, "an in-memory store");
	if (app.store == NULL)
		return tap_done();
	event_clear();
	ratelimit_init();
	is_int((long)ratelimit_entries(), 0, "no bucket at the start");
	test_asks(&app);

	cv = conv_alloc();
	cv->id = xstrdup("v-rl");
	cv->office = xstrdup("cahors");
	cv->room = xstrdup("v-rl@salons.ot.example");
	cv->password = xstrdup("secret");
	cv->visitor = xstrdup("ana@visit.ot.example/web");
	cv->lang = xstrdup("fr");
	cv->lang_source = xstrdup("form");
	cv->state = CONV_WAITING;	/* nothing goes out: no link */
	cv->created = store_now();
	ok(convdb_insert(&app, cv, NULL, NULL, 0, NULL) == 0, "the conversation "
	    "stored");
	registry_add(cv);
	test_lines(&app, cv);

	/* at one a minute the host and office buckets stay low: kept */
	before = ratelimit_entries();
	ratelimit_tick(&app);
	is_int((long)ratelimit_entries(), (long)before,
	    "a tick right away drops nothing");
	/* past merge-delay the held lines are flushed (pending here: the
	 * conversation is not active) and the episode may end */
	nap(1100);
	ratelimit_tick(&app);
	app.conf->visitor_per_minute = 60000;	/* refills in a millisecond */
	app.conf->host_per_minute = 60000;
	app.conf->office_per_minute = 60000;
	nap(20);
	ratelimit_tick(&app);
	is_int((long)ratelimit_entries(), 0, "full buckets dropped: memory "
	    "stays flat");
	/* a new episode: told again */
	app.conf->visitor_per_minute = 1;
	for (before = 0; before < 3; before++)
		line(&app, cv, "again");
	ok(line(&app, cv, "again") == EVENT_HANDLED, "a new episode holds");
	is_int(bot_lines(&app, cv->id), 2, "and tells the visitor again");
	is_int((long)ratelimit_entries(), 1, "one visitor bucket");
	registry_remove(cv);
	nap(1100);
	ratelimit_tick(&app);
	is_int((long)ratelimit_entries(), 0, "the bucket of a conversation "
	    "gone is dropped");
	ratelimit_free_all();
	event_clear();
	conv_free(cv);
	store_close(app.store);
	return tap_done();
}
