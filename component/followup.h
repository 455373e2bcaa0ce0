/*
 * followup.h: follow-ups after an exchange, only with the visitor's
 * consent.
 *
 * When a visitor leaves a contact for an offline request and the office
 * has follow-ups on (it has an <smtp> relay, its own or the global one,
 * and <office followup-rating followup-news> in days, 0 for off, are not
 * both 0; defaults 2 and 7), the bot shows the consent text (MT_CONSENT in
 * the visitor's language) and asks yes or no. A yes is stored with that
 * exact text, the language and the time (consents table; shown in the
 * visitor's export). The same question comes with the survey at the end
 * of a live chat when the pre-chat form gave an e-mail address (the
 * survey goes on; the follow-ups count from the close). When the request is answered, a satisfaction
 * message is planned N days later and a "do you still need help?" M days
 * later (followups table, one row per consent and kind: never twice),
 * sent under the persona who answered, by e-mail through the outbox or
 * by XMPP from the office desk to an account visitor. Every message says
 * how to stop. Over XMPP a reply "4" (or "4/5", "4 sur 5"...) is stored
 * as the rating, like the in-chat survey, and "STOP" withdraws the
 * consent; for e-mail, STOP goes to the office's contact and an
 * administrator withdraws it with the ad-hoc command "withdraw".
 */
#ifndef ACCUEIL_FOLLOWUP_H
#define ACCUEIL_FOLLOWUP_H

#include <strophe.h>

struct app;
struct buf;
struct conv;
struct route;

/* Hooks the answers (EV_REQUEST_ANSWERED) and the visitor's yes or no. */
void followup_init(void);

/*
 * After an offline request was filed for cv with contact (kind "email"
 * or "xmpp"): asks for consent if the office has follow-ups on. Returns
 * 1 if it asked (it closes cv once answered), 0 if the caller closes.
 */
int followup_ask(struct app *app, struct conv *cv, const char *contact,
    const char *kind);

/* Timer: sends the follow-ups that are due; forgets unanswered asks. */
int followup_tick(void *ud);

/* Router hook: an account visitor's rating or STOP to an office desk. */
int followup_route(struct app *app, xmpp_stanza_t *st, const struct route *r);

/* Appends the consents of a visitor (bare JID or contact) to out. */
void followup_export(struct app *app, const char *who, struct buf *out);

/* Deletes them, and the e-mails to that address (inside the caller's
 * transaction). 0 or -1. */
int followup_erase(struct app *app, const char *who);

/* Pre-chat form (followup_form.c): the box's text, stored as the
 * consent once the conversation is; 1 if session has a consent. */
int followup_form_route(struct app *app, xmpp_stanza_t *st,
    const struct route *r);
void followup_form_init(void);
void followup_form_free(void);
int followup_consented(struct app *app, const char *session);

/* Withdraws every consent given with contact. Returns how many, or -1. */
int followup_withdraw(struct app *app, const char *contact);

#endif
