/*
 * offline.h: when nobody can answer, the bot takes the question.
 *
 * On EV_CONV_OFFLINE (outside opening hours, or nobody in time), the bot
 * says so (with the next opening when closed), asks for a contact (or
 * uses the pre-chat form's e-mail, given with consent), files the
 * request for the counsellors (console.c) and closes the conversation.
 * A contact is an e-mail address, an XMPP address written xmpp:name@host,
 * or "here" for the visitor's own JID.
 */
#ifndef ACCUEIL_OFFLINE_H
#define ACCUEIL_OFFLINE_H

/* Hooks the offline requests to the core's events. Call once at start. */
void offline_init(void);

/*
 * Finds a contact in text (visitor: the visitor's bare JID, for "here").
 * Returns it (caller frees) with *kind "email" or "xmpp", or NULL.
 */
char *offline_find_contact(const char *visitor, const char *text,
    const char **kind);

#endif
