/*
 * supervise.h: supervisors list, watch, whisper to and take over live
 * conversations (supervise.c). Loop thread only.
 */
#ifndef ACCUEIL_SUPERVISE_H
#define ACCUEIL_SUPERVISE_H

#include <strophe.h>

struct app;
struct buf;
struct conv;
struct route;

/* Hooks the events it follows. Call once at start. */
void supervise_init(void);

/* Router hook: supervisors' lines to the service JID and v- JIDs. */
int supervise_route(struct app *app, xmpp_stanza_t *st,
    const struct route *r);

/* 1 if bare supervises office (NULL: any office) or is an administrator. */
int supervise_may(struct app *app, const char *bare, const char *office);

/* 1 if bare watches cv. */
int supervise_is_watching(const struct conv *cv, const char *bare);

/* The conversations under way that bare may supervise, one per line. */
void supervise_list(struct app *app, const char *bare, struct buf *out);

/* bare watches (takes over) conversation id: 0, or -1 with why in out. */
int supervise_watch(struct app *app, const char *bare, const char *id,
    struct buf *out);
int supervise_takeover(struct app *app, const char *bare, const char *id,
    struct buf *out);

/* Shutdown. */
void supervise_free_all(void);

#endif
