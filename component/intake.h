/*
 * intake.h: visitors arriving at an office desk.
 *
 * A message to <office>@D starts a conversation (or goes to the one the
 * visitor already has there): the pre-chat form is read (a bad form is
 * told to the visitor, the conversation still starts), the language is
 * chosen (form > what the visitor says > reliable detection > xml:lang >
 * the office's default; a language nobody at the office or pooled in its
 * territory speaks goes to the office's fallback, and the visitor is
 * told), and the state machine takes it from there. A guess made on a
 * greeting or from xml:lang is decided again on the first lines
 * together, until someone takes the chat; the visitor can correct it at
 * any time ("parlo català"), see docs/language.md.
 */
#ifndef ACCUEIL_INTAKE_H
#define ACCUEIL_INTAKE_H

#include <strophe.h>

struct app;
struct conv;
struct route;

#define INTAKE_MAX_FIELD 512	/* bytes of one pre-chat form field */

/* Hooks the language correction. Call once at start. */
void intake_init(void);

/*
 * Sets cv's language (source: "visitor", "counsellor"...) and re-routes:
 * while waiting its offers start again in that language; once taken by
 * a counsellor who does not speak it, it is handed to a colleague who
 * does (a transfer).
 */
void intake_set_lang(struct app *app, struct conv *cv, const char *lang,
    const char *source);

/* Router hook: messages to office desks. */
int intake_route(struct app *app, xmpp_stanza_t *st, const struct route *r);

#endif
