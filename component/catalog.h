/*
 * catalog.h: every text the component shows to people, per language.
 *
 * Texts live in one table (catalog.c), not in the code that uses them.
 * Visitors get their language, counsellors the language set in their
 * <counsellor lang>. A text missing in a language falls back to English,
 * then French. Texts may hold printf-style conversions, documented next
 * to each id: callers pass the arguments in that order.
 */
#ifndef ACCUEIL_CATALOG_H
#define ACCUEIL_CATALOG_H

#include <stddef.h>

enum msg {
	MSG_OFFICE_OPEN,	/* office presence: chat open */
	MSG_OFFICE_CLOSED,	/* %s: when it opens next */
	MSG_OFFICE_CLOSED_NO_DATE,
	MSG_WEEKDAY_0,		/* Sunday ... */
	MSG_WEEKDAY_1,
	MSG_WEEKDAY_2,
	MSG_WEEKDAY_3,
	MSG_WEEKDAY_4,
	MSG_WEEKDAY_5,
	MSG_WEEKDAY_6,
	MSG_DATE_AT,		/* %1$s weekday %2$d day %3$02d:%4$02d time */
	MSG_MAX
};

/* Returns the text for id in lang (ISO 639-1); never NULL. Static. */
const char *catalog_text(const char *lang, enum msg id);

/* 1 if the catalogue has its own texts for lang. */
int catalog_has_lang(const char *lang);

/* The languages the catalogue covers, NULL-terminated. */
extern const char *const catalog_langs[];


/*
 * Formats text id in lang with the arguments into buf (size bytes).
 * Returns buf.
 */
char *catalog_format(char *buf, size_t size, const char *lang, enum msg id,
    ...);

#endif
