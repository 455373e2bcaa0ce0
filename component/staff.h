/*
 * staff.h: what the component knows of its counsellors' availability.
 *
 * Each persona subscribes to its counsellor's presence (the counsellor
 * accepts once in their own client) and probes it after every connect.
 * Every resource is tracked: available or chat means "can take chats";
 * away, xa, dnd and offline mean "cannot". Personas and bots also answer
 * subscriptions and probes from anyone, with their photo hash.
 */
#ifndef ACCUEIL_STAFF_H
#define ACCUEIL_STAFF_H

#include <stdint.h>

#include <strophe.h>

struct app;
struct route;
struct conf_counsellor;

/* 1 if at least one resource of the counsellor is available or chat. */
int staff_is_online(const char *bare_jid);

/* Subscribes, probes and sends persona presences. After each connect. */
void staff_resync(struct app *app);

/* Forgets every tracked presence (the link went down). */
void staff_forget(void);
/* Frees everything (shutdown). */
void staff_free_all(void);

/* Router hook: presences to personas and bots. */
int staff_route(struct app *app, xmpp_stanza_t *st, const struct route *r);

/*
 * A counsellor going from unavailable to available or back (presence,
 * pause) is fired as EV_STAFF_CHANGED (flag: can take chats now).
 */

/* Pause (/pause, /reprise): a paused counsellor gets no new offers. */
int staff_is_paused(struct app *app, const char *bare_jid);
void staff_set_paused(struct app *app, const struct conf_counsellor *c,
    int paused);

/* Seconds since the counsellor last took a chat (or since start). */
long staff_idle_seconds(const char *bare_jid);
void staff_note_taken(const char *bare_jid);

/* When bare_jid last took a chat (store clock), 0 if never since start. */
int64_t staff_taken_at(const char *bare_jid);

/*
 * Sends counsellor c a private notice from the JID from (their persona or
 * a v-<id>), marked in their language as never shown to the visitor.
 */
void staff_notice(struct app *app, const char *from,
    const struct conf_counsellor *c, const char *text);

/* Tells every counsellor their persona goes offline (shutdown). */
void staff_shutdown(struct app *app);

/*
 * Timer (1 s): every 30 s, probes the counsellors seen online and drops
 * the resources the server no longer answers for (a cluster node lost).
 */
int staff_tick(void *app);

#endif
