/*
 * event.c: the hook lists behind event.h.
 *
 * One sorted array of hooks per kind; a fire walks it in order. Hooks
 * are few (a dozen modules) and set at start, so insertion keeps the
 * array sorted and firing costs one pass.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "event.h"
#include "log.h"
#include "util.h"

struct hook {
	event_fn fn;
	void *ud;
	int priority;
};

static struct {
	struct hook *v;
	size_t n;
} hooks[EV__COUNT];

static const char *const names[EV__COUNT] = {
	[EV_CONV_NEW] = "conv-new",
	[EV_CONV_READY] = "conv-ready",
	[EV_CONV_CLAIM] = "conv-claim",
	[EV_CONV_DECLINE] = "conv-decline",
	[EV_CONV_TAKEN] = "conv-taken",
	[EV_CONV_TRANSFER] = "conv-transfer",
	[EV_CONV_REQUEUE] = "conv-requeue",
	[EV_VISITOR_TEXT] = "visitor-text",
	[EV_COUNSELLOR_TEXT] = "counsellor-text",
	[EV_VISITOR_AWAY] = "visitor-away",
	[EV_VISITOR_BACK] = "visitor-back",
	[EV_CONV_ENDED] = "conv-ended",
	[EV_CONV_OFFLINE] = "conv-offline",
	[EV_CONV_CLOSED] = "conv-closed",
	[EV_QUEUE_CHANGED] = "queue-changed",
	[EV_STAFF_CHANGED] = "staff-changed",
	[EV_COMMAND] = "command",
	[EV_ROOM_JOINED] = "room-joined",
	[EV_TICK] = "tick",
	[EV_CONV_OFFERED] = "conv-offered",
	[EV_CONV_RATED] = "conv-rated",
	[EV_VIDEO_BOOKED] = "video-booked",
	[EV_REQUEST_FILED] = "request-filed",
	[EV_REQUEST_ANSWERED] = "request-answered",
	[EV_VISITOR_LINE] = "visitor-line",
	[EV_CONV_ASK] = "conv-ask",
};

const char *
event_name(enum event_kind kind)
{
	return (unsigned)kind < EV__COUNT && names[kind] ? names[kind] : "?";
}

void
event_hook(enum event_kind kind, event_fn fn, int priority, void *ud)
{
	size_t i;

	if ((unsigned)kind >= EV__COUNT || fn == NULL)
		fatalx("event_hook: bad hook for %d", (int)kind);
	hooks[kind].v = xreallocarray(hooks[kind].v, hooks[kind].n + 1,
	    sizeof(struct hook));
	for (i = hooks[kind].n; i > 0 && hooks[kind].v[i - 1].priority <
	    priority; i--)
		hooks[kind].v[i] = hooks[kind].v[i - 1];
	hooks[kind].v[i].fn = fn;
	hooks[kind].v[i].ud = ud;
	hooks[kind].v[i].priority = priority;
	hooks[kind].n++;
}

void
event_clear(void)
{
	size_t k;

	for (k = 0; k < EV__COUNT; k++) {
		free(hooks[k].v);
		hooks[k].v = NULL;
		hooks[k].n = 0;
	}
}

int
event_fire(struct app *app, struct event *ev)
{
	size_t i;

	if ((unsigned)ev->kind >= EV__COUNT)
		return EVENT_PASS;
	for (i = 0; i < hooks[ev->kind].n; i++)
		if (hooks[ev->kind].v[i].fn(app, ev, hooks[ev->kind].v[i].ud) ==
		    EVENT_HANDLED)
			return EVENT_HANDLED;
	return EVENT_PASS;
}

void
event_prepare(struct event *ev, enum event_kind kind, struct conv *cv,
    const struct conf_counsellor *c)
{
	memset(ev, 0, sizeof(*ev));
	ev->kind = kind;
	ev->conv = cv;
	ev->counsellor = c;
}

int
event_conv(struct app *app, enum event_kind kind, struct conv *cv,
    const char *text)
{
	struct event ev;

	event_prepare(&ev, kind, cv, NULL);
	ev.text = text;
	return event_fire(app, &ev);
}
