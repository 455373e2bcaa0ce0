/*
 * adhoc_stats.h: the statistics and quality review ad-hoc commands
 * (the forms adhoc.c shows on the service JID). Loop thread only.
 */
#ifndef ACCUEIL_ADHOC_STATS_H
#define ACCUEIL_ADHOC_STATS_H

#include <strophe.h>

struct app;
struct buf;

/*
 * The last 7 days' figures of the offices bare may see (all for an
 * administrator, theirs for a supervisor) as a XEP-0004 table in x
 * (<reported> and one <item> per office) and as text in out.
 */
void adhoc_stats_run(struct app *app, const char *bare, xmpp_stanza_t *sub,
    xmpp_stanza_t *x, struct buf *out);

/* The review form: conversation, seven criteria 0-2, comment. */
void adhoc_review_form(struct app *app, xmpp_stanza_t *x);

/* Records the submitted review form sub (a supervisor's), result in x. */
void adhoc_review_run(struct app *app, const char *bare, xmpp_stanza_t *sub,
    xmpp_stanza_t *x, struct buf *out);

/* The quality averages bare may see, as text. */
void adhoc_quality_run(struct app *app, const char *bare, xmpp_stanza_t *sub,
    xmpp_stanza_t *x, struct buf *out);

#endif
