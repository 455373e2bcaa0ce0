/*
 * canned.h: canned answers, stored per office, key and language, with
 * variables expanded when sent (canned.c lists them). Loop thread only.
 */
#ifndef ACCUEIL_CANNED_H
#define ACCUEIL_CANNED_H

#include <stddef.h>

struct app;
struct buf;
struct conv;
struct conf_counsellor;

/* text with its variables expanded for cv (c: the persona sending it);
 * NULL and bad filled if one is unknown. Caller frees. */
char *canned_expand(struct app *app, const struct conv *cv,
    const struct conf_counsellor *c, const char *text, char *bad,
    size_t size);

/* Adds the configuration's answers that the table does not have (an
 * administrator's changes and deletions stay). Count added, or -1. */
int canned_seed(struct app *app);

/* The text for key at office, in lang first, then fallback_lang, then
 * any language; the office's own before every office's. Caller frees. */
char *canned_find(struct app *app, const char *office, const char *key,
    const char *lang, const char *fallback_lang);

/* The keys usable at office: those with a text in lang into mine, the
 * others into others (either may be NULL). Comma-separated. */
void canned_keys(struct app *app, const char *office, const char *lang,
    struct buf *mine, struct buf *others);

/* Adds or replaces one answer (office NULL or "": every office). */
int canned_put(struct app *app, const char *office, const char *key,
    const char *lang, const char *text, const char *by);

/* Deletes one answer (lang NULL: every language of key); the number
 * deleted, or -1. */
int canned_delete(struct app *app, const char *office, const char *key,
    const char *lang, const char *by);

/* Every answer (of office and every office's, or all if office is NULL
 * or ""), one per line, for administrators. */
void canned_list(struct app *app, const char *office, struct buf *out);

#endif
