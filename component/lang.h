/*
 * lang.h: language tags and who speaks what.
 *
 * Small pure helpers shared by the intake (choosing a visitor's
 * language), the state machine (telling the visitor a fallback) and the
 * counsellor commands (a transfer to a language).
 */
#ifndef ACCUEIL_LANG_H
#define ACCUEIL_LANG_H

struct app;
struct conf_office;

/* The 2-3 letter primary subtag of tag, lower case (caller frees), or
 * NULL when tag is not a language tag. */
char *lang_primary(const char *tag);

/* The name of language code, written in language reader (borrowed). */
const char *lang_name_in(const char *reader, const char *code);

/* 1 if the office offers lang and one of its counsellors speaks it. */
int lang_office_speaks(struct app *app, const struct conf_office *o,
    const char *lang);

#endif
