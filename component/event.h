/*
 * event.h: named events, fired by the core, heard by the modules above.
 *
 * In the spirit of Prosody's module:hook() and ejabberd's hooks: a module
 * that has something to say fires an event; the modules that care have
 * hooked it, with a priority (higher runs first). A handler answers
 * EVENT_PASS (let the next one see it) or EVENT_HANDLED (stop here).
 * Nobody calls back into the module that fired: when a subscriber must
 * give an answer (who takes a conversation?), it fills the event's result
 * fields. Runs on the loop thread only.
 */
#ifndef ACCUEIL_EVENT_H
#define ACCUEIL_EVENT_H

#include <stdint.h>

#include <strophe.h>

struct app;
struct conv;
struct conf_counsellor;

enum event_kind {
	EV_CONV_NEW,		/* stored; its room is being set up */
	EV_CONV_READY,		/* room ready, visitor invited (once) */
	EV_CONV_CLAIM,		/* a counsellor answered a waiting or
				 * transferred conversation: a subscriber
				 * decides (result: enum take_result) */
	EV_CONV_DECLINE,	/* a counsellor declines (result: 1 if it
				 * held an offer) */
	EV_CONV_TAKEN,		/* a counsellor has it (text: "transfer"
				 * when it changed hands) */
	EV_CONV_TRANSFER,	/* a transfer was asked (text: the target) */
	EV_CONV_REQUEUE,	/* its offers must start again (language
				 * corrected) */
	EV_VISITOR_TEXT,	/* a visitor message was stored (live: 1 when
				 * it just arrived, 0 when caught up) */
	EV_COUNSELLOR_TEXT,	/* a counsellor message was stored */
	EV_VISITOR_AWAY,	/* nobody of the visitor's is in the room */
	EV_VISITOR_BACK,	/* the visitor is in the room again (flag 1:
				 * first seen there since start or connect) */
	EV_CONV_ENDED,		/* the counsellor ended it: the survey */
	EV_CONV_OFFLINE,	/* nobody can answer (text: the reason) */
	EV_CONV_CLOSED,		/* closed for good (text: the reason); the
				 * conversation is freed after the event */
	EV_QUEUE_CHANGED,	/* the waiting set of an office changed */
	EV_STAFF_CHANGED,	/* a counsellor's availability changed
				 * (flag: can take chats now) */
	EV_COMMAND,		/* a counsellor command the core does not run
				 * itself (cmd, arg, from) */
	EV_ROOM_JOINED,		/* our occupant is in the room (flag: 0 the
				 * bot, 1 the persona) */
	EV_TICK,		/* once a second, for timeouts */
	EV_CONV_OFFERED,	/* offered to a counsellor (once each) */
	EV_CONV_RATED,		/* the visitor rated it (flag: 1 to 5) */
	EV_VIDEO_BOOKED,	/* a video appointment was booked (rowid) */
	EV_REQUEST_FILED,	/* an offline request was stored (office,
				 * rowid; arg: session or NULL; flag: the
				 * promised delay in seconds) */
	EV_REQUEST_ANSWERED,	/* an offline request was answered (office,
				 * rowid, counsellor) */
	EV_VISITOR_LINE,	/* a live visitor line was stored and may go
				 * to the counsellor now: a subscriber that
				 * answers HANDLED holds it (sent later,
				 * merged; rowid, text) */
	EV_CONV_ASK,		/* a visitor asks for a new conversation
				 * (office, from: their JID): a subscriber
				 * refusing sets result to the seconds to
				 * wait */
	EV__COUNT
};

enum { EVENT_PASS = 0, EVENT_HANDLED = 1 };

/* One event. Everything in it is borrowed for the handler's call. */
struct event {
	enum event_kind kind;
	struct conv *conv;		/* or NULL */
	const struct conf_counsellor *counsellor;	/* or NULL */
	const char *office;		/* office id, or NULL */
	const char *text;		/* body, reason or detail, or NULL */
	xmpp_stanza_t *stanza;		/* what it came from, or NULL */
	int flag;			/* see each kind */
	int cmd;			/* EV_COMMAND: enum command */
	const char *arg;		/* EV_COMMAND: its argument */
	const char *from;		/* EV_COMMAND: JID replies come from */
	int64_t rowid;			/* EV_*_TEXT: the stored message */
	/* filled by a subscriber that answers */
	int result;
	const char *holder;		/* EV_CONV_CLAIM lost: who has it */
};

typedef int (*event_fn)(struct app *app, struct event *ev, void *ud);

/* Hooks fn to kind; higher priority runs first, equal ones in order. */
void event_hook(enum event_kind kind, event_fn fn, int priority, void *ud);

/* Removes every hook (shutdown, tests). */
void event_clear(void);

/*
 * Fires ev to the hooks of ev->kind, in order, until one answers
 * EVENT_HANDLED. Returns EVENT_HANDLED if one did, else EVENT_PASS.
 */
int event_fire(struct app *app, struct event *ev);

/* Clears ev and sets its kind, conversation and counsellor (may be NULL). */
void event_prepare(struct event *ev, enum event_kind kind, struct conv *cv,
    const struct conf_counsellor *c);

/* The same, for the common case of an event about one conversation. */
int event_conv(struct app *app, enum event_kind kind, struct conv *cv,
    const char *text);

/* The event's name, for logs ("conv-ready"...). */
const char *event_name(enum event_kind kind);

#endif
