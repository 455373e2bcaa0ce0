/*
 * intake.h: visitors arriving at an office desk.
 *
 * A message to <office>@D starts a conversation (or goes to the one the
 * visitor already has there): the pre-chat form is read (a bad form is
 * told to the visitor, the conversation still starts), the language is
 * chosen (form > reliable detection > xml:lang > the office's default;
 * a language nobody speaks goes to the office's fallback, and the
 * visitor is told), and the state machine takes it from there. A guess
 * made on a greeting or from xml:lang is corrected by the visitor's next
 * longer lines, until someone takes the chat.
 */
#ifndef ACCUEIL_INTAKE_H
#define ACCUEIL_INTAKE_H

#include <strophe.h>

struct app;
struct route;

#define INTAKE_MAX_FIELD 512	/* bytes of one pre-chat form field */

/* Hooks the language correction. Call once at start. */
void intake_init(void);

/* Router hook: messages to office desks. */
int intake_route(struct app *app, xmpp_stanza_t *st, const struct route *r);

#endif
