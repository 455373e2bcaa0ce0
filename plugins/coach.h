/*
 * coach.h: what the editorial coach plugin (coach.c) shows the tests.
 */
#ifndef ACCUEIL_COACH_H
#define ACCUEIL_COACH_H

/*
 * 1 if word occurs in text as a whole word, case folded for ASCII: the
 * letters around it (beyond ASCII too: "ê" in "êtes") are not part of
 * it; spaces and punctuation (no-break space, « », ’, …) are.
 */
int coach_has_word(const char *text, const char *word);

#endif
