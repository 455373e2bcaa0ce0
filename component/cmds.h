/*
 * cmds.h: what counsellors write to v-<id>@D.
 *
 * Plain text is the counsellor's line for the visitor: it takes the
 * conversation when it was offered to them (routing decides who wins,
 * through EV_CONV_CLAIM), then goes to the room under their persona.
 * Lines starting with "!" (or "/" where the client passes it on) are
 * commands: help, note, end, decline, transfer and canned answers are
 * run here; the others (pause, requests, video...) are fired as
 * EV_COMMAND for the modules that own them. Encrypted messages get a
 * plain notice; chat states are passed on once the chat is theirs.
 */
#ifndef ACCUEIL_CMDS_H
#define ACCUEIL_CMDS_H

#include <strophe.h>

struct app;
struct conv;
struct conf_counsellor;
struct route;

/*
 * Runs body as if c had written it to cv's v- JID ("!fin", "!transfert
 * ca", or text for the visitor): the ad-hoc commands go through here so
 * that both forms do the same.
 */
void cmds_run_line(struct app *app, struct conv *cv,
    const struct conf_counsellor *c, const char *body);

/* Router hook: messages to v-<id>@D. */
int cmds_route(struct app *app, xmpp_stanza_t *st, const struct route *r);

#endif
