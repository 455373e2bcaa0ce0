/*
 * test_event.c: named events: higher priorities run first, equal ones in
 * the order they were hooked, EVENT_HANDLED stops the walk, a subscriber
 * answers through the result fields, event_clear removes every hook.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "app.h"
#include "event.h"
#include "tap.h"

static char trace[64];

static void
mark(const char *tag)
{
	strncat(trace, tag, sizeof(trace) - strlen(trace) - 1);
}

/* ud is a one-letter tag; the handler passes. */
static int
pass(struct app *app, struct event *ev, void *ud)
{
	(void)app;
	(void)ev;
	mark(ud);
	return EVENT_PASS;
}

static int
stop(struct app *app, struct event *ev, void *ud)
{
	(void)app;
	(void)ev;
	mark(ud);
	return EVENT_HANDLED;
}

static int
answer(struct app *app, struct event *ev, void *ud)
{
	(void)app;
	mark(ud);
	ev->result = 2;
	ev->holder = "marie@ot.example";
	return EVENT_HANDLED;
}

/* Sees what the firer put in the event, and the app it was given. */
static struct app *seen_app;
static struct event seen;

static int
look(struct app *app, struct event *ev, void *ud)
{
	(void)ud;
	seen_app = app;
	seen = *ev;
	return EVENT_PASS;
}

static int
fire(struct app *app, enum event_kind kind)
{
	struct event ev;

	memset(&ev, 0, sizeof(ev));
	ev.kind = kind;
	trace[0] = '\0';
	return event_fire(app, &ev);
}

int
main(void)
{
	struct app app = {0};
	struct event ev;
	int rc;

	rc = fire(&app, EV_TICK);
	ok(rc == EVENT_PASS && trace[0] == '\0', "an event nobody hooked "
	                                         "passes");

	/* priorities: higher first, whatever the hook order */
	event_hook(EV_TICK, pass, 0, "b");
	event_hook(EV_TICK, pass, 10, "a");
	event_hook(EV_TICK, pass, -5, "c");
	event_hook(EV_TICK, pass, 5, "m");
	rc = fire(&app, EV_TICK);
	is_str(trace, "ambc", "higher priority runs first");
	is_int(rc, EVENT_PASS, "all passed: the fire passes");

	/* equal priorities keep insertion order */
	event_hook(EV_QUEUE_CHANGED, pass, 0, "1");
	event_hook(EV_QUEUE_CHANGED, pass, 0, "2");
	event_hook(EV_QUEUE_CHANGED, pass, 0, "3");
	event_hook(EV_QUEUE_CHANGED, pass, 7, "0");
	event_hook(EV_QUEUE_CHANGED, pass, 0, "4");
	event_hook(EV_QUEUE_CHANGED, pass, 7, "5");
	fire(&app, EV_QUEUE_CHANGED);
	is_str(trace, "051234", "equal priorities run in hook order");

	/* EVENT_HANDLED stops the walk */
	event_hook(EV_CONV_DECLINE, pass, 3, "x");
	event_hook(EV_CONV_DECLINE, stop, 2, "y");
	event_hook(EV_CONV_DECLINE, pass, 1, "z");
	rc = fire(&app, EV_CONV_DECLINE);
	is_int(rc, EVENT_HANDLED,
	    "a handler that handles makes the fire "
	    "handled");
	is_str(trace, "xy", "nothing after the handler that handled");

	/* kinds are separate lists */
	fire(&app, EV_TICK);
	is_str(trace, "ambc", "another kind's hooks are not called");

	/* a subscriber answers through the result fields */
	event_hook(EV_CONV_CLAIM, pass, 5, "p");
	event_hook(EV_CONV_CLAIM, answer, 0, "r");
	event_hook(EV_CONV_CLAIM, pass, -1, "q");
	memset(&ev, 0, sizeof(ev));
	ev.kind = EV_CONV_CLAIM;
	ev.office = "cahors";
	trace[0] = '\0';
	rc = event_fire(&app, &ev);
	ok(rc == EVENT_HANDLED && ev.result == 2 && ev.holder &&
	        strcmp(ev.holder, "marie@ot.example") == 0,
	    "the firer reads the subscriber's result and holder");
	is_str(trace, "pr", "the answering subscriber stopped the walk");

	/* what the firer passes reaches the handler */
	event_hook(EV_VISITOR_TEXT, look, 0, NULL);
	memset(&ev, 0, sizeof(ev));
	ev.kind = EV_VISITOR_TEXT;
	ev.text = "bonjour";
	ev.flag = 1;
	ev.rowid = 42;
	event_fire(&app, &ev);
	ok(seen_app == &app && seen.kind == EV_VISITOR_TEXT && seen.text &&
	        strcmp(seen.text, "bonjour") == 0 && seen.flag == 1 &&
	        seen.rowid == 42,
	    "the handler gets the app and the event's "
	    "fields");
	memset(&seen, 0xff, sizeof(seen));
	rc = event_conv(&app, EV_VISITOR_TEXT, NULL, "salut");
	ok(rc == EVENT_PASS && seen.kind == EV_VISITOR_TEXT &&
	        seen.conv == NULL && seen.text &&
	        strcmp(seen.text, "salut") == 0 && seen.flag == 0 &&
	        seen.rowid == 0 && seen.result == 0 && seen.holder == NULL &&
	        seen.stanza == NULL,
	    "event_conv fires a zeroed event with kind, conversation, text");

	/* out-of-range kinds are ignored */
	memset(&ev, 0, sizeof(ev));
	ev.kind = EV__COUNT;
	is_int(event_fire(&app, &ev), EVENT_PASS,
	    "a kind out of range "
	    "passes");
	is_str(event_name(EV_CONV_READY), "conv-ready", "event names");
	is_str(event_name(EV_TICK), "tick", "event names (last)");
	is_str(event_name(EV__COUNT), "?", "a kind out of range has no name");
	{
		int k, named = 1;

		for (k = 0; k < EV__COUNT; k++)
			if (strcmp(event_name((enum event_kind)k), "?") == 0)
				named = 0;
		ok(named, "every kind has a name");
	}

	/* event_clear removes every hook */
	event_clear();
	rc = fire(&app, EV_TICK);
	ok(rc == EVENT_PASS && trace[0] == '\0', "after event_clear nothing "
	                                         "is called");
	rc = fire(&app, EV_CONV_DECLINE);
	ok(rc == EVENT_PASS && trace[0] == '\0', "not even a handler that "
	                                         "handled");
	event_hook(EV_TICK, pass, 0, "n");
	fire(&app, EV_TICK);
	is_str(trace, "n", "hooks can be added again after event_clear");
	event_clear();
	event_clear();
	ok(1, "event_clear twice is fine");
	return tap_done();
}
