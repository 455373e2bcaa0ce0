/*
 * console.h: what a counsellor does outside a conversation, by writing to
 * their own persona JID (claire@D, already in their roster): pause and
 * resume, and the offline requests (list, take, answer). The same
 * commands also work inside a conversation (to v-<id>@D).
 *
 * Offline requests are questions left when nobody could answer: they are
 * stored before the visitor is thanked, listed to counsellors of the
 * office, and an answer to an XMPP address is delivered by XMPP from the
 * office desk; an answer to an e-mail address goes by e-mail through
 * the office's relay (mailer.h, outbox.h), or, with no relay configured,
 * the counsellor is given the address to write from their own mail.
 */
#ifndef ACCUEIL_CONSOLE_H
#define ACCUEIL_CONSOLE_H

#include <stdint.h>

#include <strophe.h>

#include "command.h"

struct app;
struct route;
struct conf_counsellor;

/* Hooks the console to the core's events (commands, a counsellor
 * available again). Call once at start. */
void console_init(void);

/* Router hook: messages from counsellors to their persona JID. */
int console_route(struct app *app, xmpp_stanza_t *st, const struct route *r);

/*
 * Runs a console command (pause, resume, requests, take, answer) for c;
 * replies come from the JID from (a persona or v-<id>). Returns 1 if cmd
 * was a console command.
 */
int console_command(struct app *app, const struct conf_counsellor *c,
    enum command cmd, const char *arg, const char *from);

/*
 * Files an offline request. contact_kind is "email" or "xmpp". Returns
 * its id (> 0), or -1 if it could not be stored.
 */
int64_t console_file_request(struct app *app, const char *office,
    const char *session, const char *lang, const char *name,
    const char *question, const char *contact, const char *contact_kind);

/*
 * Answers open request "<n> <text>" for c (by XMPP or e-mail, see above).
 * Returns what to tell c (caller frees): done, not found, or how to.
 */
char *console_answer(struct app *app, const struct conf_counsellor *c,
    const char *arg);

/* Appends the open requests c can see, one per line, to b. */
struct buf;
void console_requests_text(struct app *app, const struct conf_counsellor *c,
    struct buf *b);

/* Tells c about open requests of their offices (when they come back). */
void console_on_available(struct app *app, const struct conf_counsellor *c);

#endif
