/*
 * candidates.h: who could be offered a conversation, by scanning every
 * counsellor (routing.c uses it where its index does not decide).
 */
#ifndef ACCUEIL_CANDIDATES_H
#define ACCUEIL_CANDIDATES_H

#include <stddef.h>

struct app;
struct conv;
struct conf_office;
struct conf_counsellor;
struct strlist;
struct accueil_candidate;

/* Whose counsellors a wave may reach (territory.h). */
enum cand_reach {
	CAND_OFFICE,	/* the visitor's office */
	CAND_POOLED,	/* pooled colleagues of the territory's other offices */
	CAND_HANDOVER,	/* the open office the closed one hands over to */
};

/* 1 if c works for office, is available, not paused, under max-chats. */
int cand_eligible(struct app *app, const struct conf_counsellor *c,
    const char *office);

/*
 * Fills out (room for every counsellor) with those who could be offered
 * conversation s now, speaking one of langs, not yet offered it (only:
 * that persona alone; except: not that JID), ordered by the office's
 * routing plugin. Returns how many; *wave is how many one wave adds.
 */
size_t cand_gather(struct app *app, const struct conv *s,
    const struct conf_office *o, const struct strlist *langs,
    const char *only, const char *except, struct accueil_candidate *out,
    int *wave, enum cand_reach reach, const struct conf_office *to);

/*
 * Brings the index of able counsellors up to date: rebuilt after a
 * reload, else the counsellors touched since (all of them if all is 1).
 */
void cand_sync(struct app *app, int all);

/*
 * The next counsellors for s from the index (its office, its language,
 * not yet offered it, not the one handing it over): up to need of them
 * into cands, O(log n + k). Returns how many, or -1 when the office's
 * routing plugin has no index order (cand_gather must decide).
 */
int cand_pick(struct app *app, const struct conv *s,
    const struct conf_office *o, struct accueil_candidate *cands, int need);

/* c was offered a conversation of office o (round robin's turn). */
void cand_offered(const struct conf_office *o, const struct conf_counsellor *c);

/* Frees the index. */
void cand_free_all(void);

#endif
