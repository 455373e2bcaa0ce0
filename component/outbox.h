/*
 * outbox.h: outgoing e-mail, stored first, sent through the relay.
 *
 * Every e-mail is a row of the outbox table before anything is sent.
 * Once a second (outbox_tick) the oldest due row is handed to a worker
 * thread that gives it to the relay with libcurl's SMTP (STARTTLS for
 * smtp://, TLS for smtps://, AUTH with the <smtp> secret file); the loop
 * thread never waits for the network and is the only one that touches
 * SQLite or libstrophe. The row is marked sent as soon as the relay
 * accepted the message (its 250 after DATA); a temporary failure (no
 * connection, 4xx) is tried again after backoff, 2 x backoff, 4 x ...
 * seconds (at most 6 h), up to <smtp retries>; a permanent one (5xx) or
 * the last try fails the row and tells the counsellor who wrote it and
 * the office's supervisors. A restart resends only the rows the relay
 * did not accept (the window between the relay's 250 and our commit is
 * the only place a duplicate can come from: RFC 1047). Sent and failed
 * rows are deleted after <database retention-days>, like transcripts.
 */
#ifndef ACCUEIL_OUTBOX_H
#define ACCUEIL_OUTBOX_H

#include <stdint.h>

struct app;
struct conf;
struct conf_smtp;

/* The relay for office: its own <smtp>, else the global one, else NULL. */
const struct conf_smtp *outbox_relay(const struct conf *conf,
    const char *office);

struct outbox_item {
	const char *office;
	const char *kind;	/* "answer", "followup", "transcript" */
	int64_t ref;		/* request or follow-up id, or 0 */
	const char *session;	/* or NULL */
	const char *counsellor;	/* bare JID told of a failure, or NULL */
	const char *recipient;
	const char *subject;
	const char *message;	/* built by mail_build() */
};

/* Stores it (committed). Returns its id, or -1. */
int64_t outbox_queue(struct app *app, const struct outbox_item *it);

/* A new Message-ID for office's relay (caller frees): "<random>@<from's
 * domain>". */
char *outbox_message_id(const struct conf_smtp *relay);

/* Initialises libcurl. Call once at start, before any thread. */
void outbox_init(void);

/* Timer, every second: records a finished send, starts the next. */
int outbox_tick(void *ud);

/* Stops a send in flight (its row stays unsent) and joins the worker. */
void outbox_shutdown(struct app *app);

#endif
