/*
 * stanza.h: helpers to build and answer stanzas on top of libstrophe.
 *
 * Every helper that sends sets both from and to. Stanzas returned are
 * owned by the caller (xmpp_stanza_release).
 */
#ifndef ACCUEIL_STANZA_H
#define ACCUEIL_STANZA_H

#include <strophe.h>

struct app;

#define NS_DISCO_INFO "http://jabber.org/protocol/disco#info"
#define NS_DISCO_ITEMS "http://jabber.org/protocol/disco#items"
#define NS_VERSION "jabber:iq:version"
#define NS_PING "urn:xmpp:ping"
#define NS_VCARD "vcard-temp"
#define NS_VCARD_UPDATE "vcard-temp:x:update"
#define NS_STANZAS "urn:ietf:params:xml:ns:xmpp-stanzas"
#define NS_MUC "http://jabber.org/protocol/muc"
#define NS_MUC_USER "http://jabber.org/protocol/muc#user"
#define NS_MUC_OWNER "http://jabber.org/protocol/muc#owner"
#define NS_DATA "jabber:x:data"
#define NS_CONFERENCE "jabber:x:conference"
#define NS_CHATSTATES "http://jabber.org/protocol/chatstates"
#define NS_CORRECT "urn:xmpp:message-correct:0"
#define NS_NICK "http://jabber.org/protocol/nick"
#define NS_DELAY "urn:xmpp:delay"
#define NS_STANZA_ID "urn:xmpp:sid:0"
#define NS_COMMANDS "http://jabber.org/protocol/commands"
#define NS_OMEMO "eu.siacs.conversations.axolotl"
#define NS_EME "urn:xmpp:eme:0"
#define NS_OOB "jabber:x:oob"
#define NS_HINTS "urn:xmpp:hints"

/* Returns the first child with name and namespace (either may be NULL). */
xmpp_stanza_t *stanza_child(xmpp_stanza_t *st, const char *name,
    const char *ns);

/* Adds a child element <name xmlns=ns> and returns it (borrowed). */
xmpp_stanza_t *stanza_add(xmpp_stanza_t *parent, const char *name,
    const char *ns);
/* Adds <name>text</name> and returns it (borrowed). */
xmpp_stanza_t *stanza_add_text(xmpp_stanza_t *parent, const char *name,
    const char *text);

/* 1 for IQ get/set, messages and presences we may answer with an error. */
int stanza_wants_error(xmpp_stanza_t *st);

/*
 * Sends an error reply to st (type: cancel, modify, auth, wait; condition
 * from RFC 6120 8.3.3; text in English, may be NULL). Never answers an
 * error or a result.
 */
void stanza_send_error(struct app *app, xmpp_stanza_t *st, const char *type,
    const char *condition, const char *text);

/* A result IQ answering iq, from/to swapped. */
xmpp_stanza_t *stanza_iq_result(struct app *app, xmpp_stanza_t *iq);

/* A new <message> with from, to, type and optional body. */
xmpp_stanza_t *stanza_message(struct app *app, const char *from,
    const char *to, const char *type, const char *body);

/* A new <presence> with from, to and optional type. */
xmpp_stanza_t *stanza_presence(struct app *app, const char *from,
    const char *to, const char *type);

/* Sends st and releases it. */
void stanza_send(struct app *app, xmpp_stanza_t *st);

/* The stanza's xml:lang, or NULL. */
const char *stanza_lang(xmpp_stanza_t *st);

/* The bare part of jid, in a static buffer valid until the next call. */
const char *stanza_bare(const char *jid);
/* The localpart of jid (caller frees), or NULL. */
char *stanza_local(const char *jid);

/* Allocates a new random id for stanzas (caller frees). */
char *stanza_new_id(void);

/* The text of element el (caller frees), or NULL. */
char *stanza_text_dup(xmpp_stanza_t *el);

/* The text of the <body> of message m (caller frees), or NULL. */
char *stanza_body_dup(xmpp_stanza_t *m);

#endif
