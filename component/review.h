/*
 * review.h: the quality review (the reviews table), on the seeds' grid.
 *
 * Seven criteria scored 0 to 2 by a supervisor of the office on a
 * closed conversation a counsellor answered, plus a comment; one score
 * per conversation and reviewer (a new one replaces it). Averages are
 * shown to the counsellor concerned and to supervisors only.
 */
#ifndef ACCUEIL_REVIEW_H
#define ACCUEIL_REVIEW_H

#include <stddef.h>

#include <strophe.h>

#include "util.h"

struct app;
struct conf;
struct route;
struct store;
struct stats_span;

#define REVIEW_NCRITERIA 7
/* greeting, first_name, precision, enriched, reassurance, tone, timing */
extern const char *const review_criteria[REVIEW_NCRITERIA];

/* One counsellor's averages in one office. */
struct review_avg {
	char *office, *counsellor, *persona;
	long reviews;
	double avg[REVIEW_NCRITERIA];	/* 0..2 */
	double total;			/* sum of the averages, 0..14 */
};

/* 1 if bare is a supervisor of office (of any office if NULL). */
int review_is_supervisor(const struct conf *conf, const char *bare,
    const char *office);

/* Reads 7 scores 0-2 ("2 2 1 2 2 2 1" or "2212221"): 0 and *rest at
 * what follows (the comment), or -1. */
int review_parse_scores(const char *s, int scores[REVIEW_NCRITERIA],
    const char **rest);

/* Records reviewer's scores for session: NULL, or why not (a static
 * English text to show them). Loop thread. */
const char *review_score(struct app *app, const char *reviewer,
    const char *session, const int scores[REVIEW_NCRITERIA],
    const char *comment);

/*
 * Averages per counsellor over the reviews of conversations that
 * arrived in the spans (counsellor: only theirs, or NULL). *out (caller
 * frees with review_avg_free) has *n entries. Returns 0 or -1. Reads
 * only.
 */
int review_quality(struct store *st, const struct stats_span *spans,
    size_t nspans, const char *counsellor, struct review_avg **out,
    size_t *n);
void review_avg_free(struct review_avg *v, size_t n);

/* A random sample of up to n conversations of the last 7 days of the
 * offices bare supervises, not yet reviewed, as text. */
void review_sample(struct app *app, const char *bare, int n, struct buf *out);

/* The averages bare may see (their own; all for a supervisor), as text. */
void review_text(struct app *app, const char *bare, struct buf *out);

/* Router hook: the text commands on the service and persona JIDs. */
int review_route(struct app *app, xmpp_stanza_t *st, const struct route *r);

#endif
