/*
 * canvars.c: the variables of canned answers ({prenom}, {office}...):
 * their names and how a text is checked. Expansion is canned.c's; the
 * configuration check uses this file alone.
 */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"
#include "util.h"
#include "canvars.h"

static const struct {
	const char *name;
	enum canvar var;
} vars[] = {
	{"prenom", V_NAME}, {"prénom", V_NAME}, {"visitor", V_NAME},
	{"persona", V_PERSONA}, {"office", V_OFFICE}, {"office_name", V_OFFICE},
	{"horaires", V_HOURS}, {"hours", V_HOURS},
	{"ouverture", V_NEXT}, {"next_opening", V_NEXT},
	{"contact", V_CONTACT},
};

const char *const canvars_names =
    "{prenom} {persona} {office} {horaires} {ouverture} {contact} "
    "(or {visitor} {hours} {next_opening})";

enum canvar
canvars_of(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < nitems(vars); i++)
		if (strlen(vars[i].name) == len &&
		    strncmp(vars[i].name, name, len) == 0)
			return vars[i].var;
	return V_UNKNOWN;
}

/*
 * Walks text's variables: a '{' followed by up to 32 letters, digits,
 * '_' or UTF-8 bytes and a '}'. Anything else is literal text.
 */
const char *
canvars_next(const char *p, const char **name, size_t *len)
{
	for (; (p = strchr(p, '{')) != NULL; p++) {
		size_t n = 1;

		while (n <= 33 && p[n] && (isalnum((unsigned char)p[n]) ||
		    p[n] == '_' || (unsigned char)p[n] >= 0x80))
			n++;
		if (p[n] == '}' && n > 1 && n <= 33) {
			*name = p + 1;
			*len = n - 1;
			return p;
		}
	}
	return NULL;
}

int
canvars_check(const char *text, char *bad, size_t size)
{
	const char *p = text, *name;
	size_t len;

	while ((p = canvars_next(p, &name, &len)) != NULL) {
		if (canvars_of(name, len) == V_UNKNOWN) {
			if (size > 0) {
				char *t = xstrndup(name, len);

				text_cut(t, size - 1);
				memcpy(bad, t, strlen(t) + 1);
				free(t);
			}
			return -1;
		}
		p = name + len + 1;
	}
	return 0;
}

