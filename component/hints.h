/*
 * hints.h: the editorial line of the field, as private hints.
 *
 * From the seeds: address the visitor by first name, say "vous" in
 * French, know how long the visitor waited. Hints go to the counsellor
 * only (from v-<id>, marked as not sent to the visitor), once each per
 * conversation. They listen to EV_CONV_TAKEN and EV_COUNSELLOR_TEXT.
 */
#ifndef ACCUEIL_HINTS_H
#define ACCUEIL_HINTS_H

/* Hooks the hints to the core's events. Call once at start. */
void hints_init(void);

/* 1 if word appears in text as a whole word (ASCII case folded). */
int hints_has_word(const char *text, const char *word);

#endif
