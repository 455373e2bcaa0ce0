/*
 * mailer.h: the e-mails accueil writes (answers to offline requests,
 * transcripts, follow-ups), in the visitor's language, signed with the
 * persona's name and the office, queued in the outbox (outbox.h).
 */
#ifndef ACCUEIL_MAILER_H
#define ACCUEIL_MAILER_H

#include <stdint.h>

struct app;
struct buf;
struct conf_counsellor;

/* What one e-mail says and whom it goes to. */
struct mailer_mail {
	const char *office;
	const char *kind;	/* outbox kind */
	int64_t ref;
	const char *session;	/* or NULL */
	const char *counsellor;	/* told of a failure, or NULL */
	const char *lang;
	const char *to;
	const char *subject;
	const char *body;	/* UTF-8, \n line ends, without signature */
	const char *persona;	/* the signature's name, or NULL */
};

/*
 * Builds m (signature added) and queues it. Returns the outbox id, 0 if
 * the office has no relay, -1 if the address is not valid or the store
 * refused it.
 */
int64_t mailer_send(struct app *app, const struct mailer_mail *m);

/*
 * The answer to offline request id, by e-mail, from counsellor c.
 * Returns what to tell c (caller frees), or NULL when the office has no
 * relay (the counsellor writes from their own mail).
 */
char *mailer_answer(struct app *app, const struct conf_counsellor *c,
    int64_t id, const char *office, const char *session, const char *lang,
    const char *name, const char *to, const char *question,
    const char *answer);

/* The transcript of session to address to. Outbox id, 0 or -1. */
int64_t mailer_transcript(struct app *app, const char *session,
    const char *to);

/* "Hello %s," with name, or without it when name is empty. */
char *mailer_hello(const char *lang, const char *name);

#endif
