/*
 * session.h: visitor sessions: one visitor, one MUC room, one counsellor.
 *
 * A message to an office desk starts a session: the component creates and
 * configures a hidden, password-protected room on the server's MUC,
 * joins it as the office's bot, invites the visitor (XEP-0249), greets
 * them, and has the routing module offer the session to counsellors. The
 * counsellor who takes it chats with v-<id>@D from their own client; the
 * component joins the room as their persona and relays both ways (text,
 * corrections, chat states). Every message is committed to SQLite before
 * it is relayed. Sessions survive restarts of the component and of the
 * server: after each connect the component rejoins every open room and
 * relays, exactly once, what the visitor wrote meanwhile (room history).
 */
#ifndef ACCUEIL_SESSION_H
#define ACCUEIL_SESSION_H

#include <stdint.h>

#include <strophe.h>

struct app;
struct route;

enum session_state {
	SESSION_WAITING = 0,	/* not yet taken by a counsellor */
	SESSION_ACTIVE,		/* a counsellor has it */
	SESSION_SURVEY,		/* ended, waiting for the satisfaction answer */
	SESSION_CLOSED,
	SESSION_OFFLINE,	/* nobody can answer: collecting a contact */
};

/* What other modules may read of a session. Borrowed, loop only. */
struct session_info {
	const char *id;		/* "v-" + hex */
	const char *office;
	const char *lang;
	const char *name;	/* visitor's first name or NULL */
	const char *page;
	const char *question;	/* first message */
	const char *counsellor;	/* bare JID or NULL */
	const char *visitor;	/* the visitor's last known full JID */
	const char *transfer_to;	/* persona or language, or NULL */
	const char *transfer_from;	/* bare JID of who asked, or NULL */
	int alerted;		/* supervisors were alerted */
	int ready;		/* room ready and visitor invited */
	enum session_state state;
	int64_t created;
	int64_t seq;		/* arrival order (store row), for FIFO ties */
};

/* Loads open sessions from the store (at start). */
void session_load(struct app *app);
void session_free_all(void);

/* Router hook: desks, v-<id> proxies, and everything from rooms. */
int session_route(struct app *app, xmpp_stanza_t *st, const struct route *r);

/* After each connect: rejoin rooms, resume setups, flush what is pending. */
void session_resync(struct app *app);

/* The link went down: every room must be joined again. */
void session_link_down(struct app *app);

/* Timer: setups to retry, visitors gone too long, surveys unanswered. */
int session_tick(void *app);

/* Shutdown: leave every room (sessions stay open in the store). */
void session_shutdown(struct app *app);

/* Calls fn for each session in state (all open ones if state < 0). */
void session_foreach(int state, void (*fn)(struct app *app,
    const struct session_info *s, void *ud), struct app *app, void *ud);

/* Number of ACTIVE sessions of a counsellor. */
int session_count_active(const char *counsellor);

/*
 * Called by routing when counsellor c wins session id: joins the room as
 * c's persona and tells everyone. Returns 0, -1 if the session is gone.
 */
struct conf_counsellor;
int session_taken(struct app *app, const char *id,
    const struct conf_counsellor *c);

/*
 * Nobody can answer (reason "closed" or "no-answer"): the bot says so and
 * collects a contact for an offline request.
 */
void session_go_offline(struct app *app, const char *id, const char *reason);

/* Tells the visitor their place in the queue and the expected wait. */
void session_queue_notice(struct app *app, const char *id, int position,
    long wait);

/* Remembers that supervisors were alerted for session id. */
void session_mark_alerted(struct app *app, const char *id);

/* Nobody took a transfer: it stays with the counsellor, who is told. */
void session_transfer_failed(struct app *app, const char *id);

/*
 * Posts a bot message with extra child elements (forms, links): the text
 * is stored; the children go with it when the bot is in the room, and
 * ownership of each passes to the call.
 */
void session_bot_post(struct app *app, const char *id, const char *text,
    xmpp_stanza_t **extra, size_t nextra);

/* An administrator closes session id: returns 0, -1 if not open. */
int session_admin_close(struct app *app, const char *id);

/* Posts a bot message into the session's room (stored, then sent). */
void session_bot_say(struct app *app, const char *id, const char *text);

/* Sends a private notice from v-<id> to a counsellor, in their language. */
void session_notice(struct app *app, const char *id,
    const struct conf_counsellor *c, const char *text);

#endif
