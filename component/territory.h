/*
 * territory.h: offices that pool their counsellors' languages.
 *
 * A <territory> groups offices. When nobody at a visitor's office speaks
 * their language, the request is offered to counsellors of the other
 * offices of its territory who speak it and accept pooled requests
 * (<counsellor pooled="yes">), before the office's fallback languages;
 * an office with closed-handover="yes" hands its visitors to an open
 * office of its territory while it is closed. The visitor is told which
 * office answers, and the statistics count the conversation for both.
 * See docs/language.md.
 */
#ifndef ACCUEIL_TERRITORY_H
#define ACCUEIL_TERRITORY_H

#include <stdint.h>

struct app;
struct conf;
struct conf_counsellor;
struct conf_office;
struct conf_territory;

/* The territory office id belongs to, or NULL. */
const struct conf_territory *territory_of(const struct conf *conf,
    const char *office);

/* 1 if counsellor c may be offered pooled requests of office o: c is
 * pooled and answers for another office of o's territory. */
int territory_pooled_for(const struct conf *conf,
    const struct conf_counsellor *c, const struct conf_office *o);

/* 1 if a pooled counsellor of o's territory speaks lang. */
int territory_speaks(const struct conf *conf, const struct conf_office *o,
    const char *lang);

/* The languages to hint to detection for o: its own, then its
 * territory's, comma-separated (caller frees). */
char *territory_hints(const struct conf *conf, const struct conf_office *o);

/* o is closed and hands over (closed-handover="yes"): an open office of
 * its territory at time now, or NULL. */
const struct conf_office *territory_handover(const struct conf *conf,
    const struct conf_office *o, int64_t now);

/* The office counsellor c answers for when taking a request of office:
 * office itself, or the territory office c belongs to. */
const char *territory_answering(const struct conf *conf,
    const struct conf_counsellor *c, const char *office);

/* Hooks the take (tells the visitor, records the statistics). */
void territory_init(void);

#endif
