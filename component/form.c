/*
 * form.c: XEP-0004 helpers.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "form.h"
#include "stanza.h"
#include "util.h"

xmpp_stanza_t *
form_find(xmpp_stanza_t *st)
{
	return stanza_child(st, "x", NS_DATA);
}

const char *
form_type(xmpp_stanza_t *x)
{
	return x ? xmpp_stanza_get_type(x) : NULL;
}

char *
form_value(xmpp_stanza_t *x, const char *var, size_t max, int *too_long)
{
	xmpp_stanza_t *f, *v;
	char *text, *copy;

	if (too_long)
		*too_long = 0;
	for (f = xmpp_stanza_get_children(x); f; f = xmpp_stanza_get_next(f)) {
		const char *name = xmpp_stanza_get_name(f);
		const char *fvar = xmpp_stanza_get_attribute(f, "var");

		if (name == NULL || strcmp(name, "field") != 0 || fvar == NULL ||
		    strcmp(fvar, var) != 0)
			continue;
		if ((v = stanza_child(f, "value", NULL)) == NULL)
			return NULL;
		text = xmpp_stanza_get_text(v);
		if (text == NULL)
			return xstrdup("");
		if (strlen(text) > max) {
			if (too_long)
				*too_long = 1;
			xmpp_free(xmpp_stanza_get_context(x), text);
			return NULL;
		}
		copy = xstrdup(text);
		xmpp_free(xmpp_stanza_get_context(x), text);
		return copy;
	}
	return NULL;
}

xmpp_stanza_t *
form_add_field(xmpp_stanza_t *x, const char *var, const char *type,
    const char *label, const char *value)
{
	xmpp_stanza_t *f = stanza_add(x, "field", NULL);

	if (var)
		xmpp_stanza_set_attribute(f, "var", var);
	if (type)
		xmpp_stanza_set_attribute(f, "type", type);
	if (label)
		xmpp_stanza_set_attribute(f, "label", label);
	if (value)
		stanza_add_text(f, "value", value);
	return f;
}

void
form_add_option(xmpp_stanza_t *field, const char *label, const char *value)
{
	xmpp_stanza_t *o = stanza_add(field, "option", NULL);

	if (label)
		xmpp_stanza_set_attribute(o, "label", label);
	stanza_add_text(o, "value", value);
}
