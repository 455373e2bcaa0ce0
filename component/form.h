/*
 * form.h: XEP-0004 data forms: reading submitted values and building
 * forms.
 */
#ifndef ACCUEIL_FORM_H
#define ACCUEIL_FORM_H

#include <strophe.h>

/* The <x xmlns='jabber:x:data'> child of st, or NULL. Borrowed. */
xmpp_stanza_t *form_find(xmpp_stanza_t *st);

/* The form's type attribute ("form", "submit", ...), or NULL. */
const char *form_type(xmpp_stanza_t *x);

/*
 * The first value of field var, or NULL. Caller frees with free().
 * Values longer than max bytes are refused (NULL and *too_long set).
 */
char *form_value(xmpp_stanza_t *x, const char *var, size_t max,
    int *too_long);

/* Adds a field with one value (value may be NULL) and returns it. */
xmpp_stanza_t *form_add_field(xmpp_stanza_t *x, const char *var,
    const char *type, const char *label, const char *value);

/* Adds an <option label=...><value>v</value></option> to a field. */
void form_add_option(xmpp_stanza_t *field, const char *label,
    const char *value);

#endif
