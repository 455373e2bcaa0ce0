/*
 * langguess.h: deciding a visitor's language from what they write.
 *
 * The detectors are plugins (plugin.h: CLD2, then the common-words
 * model); this module combines their opinions with what else is known:
 * the office's languages (hints), the browser's languages (a prior), and
 * what the visitor says about it ("parlo català"). See docs/language.md.
 */
#ifndef ACCUEIL_LANGGUESS_H
#define ACCUEIL_LANGGUESS_H

#include <stddef.h>

/* What is known besides the text. Strings are comma- or space-separated
 * language codes, or NULL. */
struct lang_context {
	const char *hints;	/* the office's (and territory's) languages */
	const char *prior;	/* the browser's languages, best first */
};

/*
 * Guesses the language of text. Returns 1 and lang (ISO 639-1) when the
 * decision is reliable; 0 when it is not, with lang the best guess or
 * "" when there is none.
 */
int langguess(const char *text, const struct lang_context *ctx,
    char lang[8]);

/*
 * 1 and lang if text is the visitor saying which language they speak or
 * want ("je parle français", "parlo català", "in English please"); 0
 * otherwise (also for "je ne parle pas français").
 */
int langguess_claim(const char *text, char lang[8]);

#endif
