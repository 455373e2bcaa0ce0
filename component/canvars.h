/*
 * canvars.h: the variables a canned answer may hold (canvars.c).
 */
#ifndef ACCUEIL_CANVARS_H
#define ACCUEIL_CANVARS_H

#include <stddef.h>

enum canvar {
	V_UNKNOWN = -1,
	V_NAME, V_PERSONA, V_OFFICE, V_HOURS, V_NEXT, V_CONTACT
};

/* The variables, for messages. */
extern const char *const canvars_names;

/* The variable called name (len bytes), or V_UNKNOWN. */
enum canvar canvars_of(const char *name, size_t len);

/*
 * The next "{name}" in p at or after p: its '{', with *name and *len
 * set to the name; NULL if there is none. Other braces are literal.
 */
const char *canvars_next(const char *p, const char **name, size_t *len);

/* 0 if text's variables are all known; else -1 and the first unknown
 * one's name in bad (cut to size). */
int canvars_check(const char *text, char *bad, size_t size);

#endif
