/*
 * persona.h: the faces of the component: vCards (vcard-temp) of offices,
 * bots and counsellor personas, their avatars and the XEP-0153 photo
 * hash that goes into their presences.
 *
 * Avatars are read once per configuration (persona_reload) and kept in
 * memory with their SHA-1 and base64 forms.
 */
#ifndef ACCUEIL_PERSONA_H
#define ACCUEIL_PERSONA_H

#include <strophe.h>

struct app;
struct route;

/* Reads every avatar of the configuration. Runs at start and on reload. */
void persona_reload(struct app *app);
void persona_free_all(void);

/*
 * The SHA-1 (hex) of the avatar of the persona, bot or office whose
 * localpart is local, or NULL when it has none. Borrowed.
 */
const char *persona_photo_hash(const char *local);

/* Adds <x xmlns='vcard-temp:x:update'> with the photo hash to presence. */
void persona_add_photo(xmpp_stanza_t *presence, const char *local);

/* Router hook: vCard requests to offices, bots and personas. */
int persona_route(struct app *app, xmpp_stanza_t *st, const struct route *r);

#endif
