/*
 * mam.h: the room archive's protocol (XEP-0313 with XEP-0059 paging).
 *
 * Building a query for the messages after a stanza-id, and reading the
 * results and the final page marker. Pure functions on stanzas, so the
 * unit tests feed them strings.
 */
#ifndef ACCUEIL_MAM_H
#define ACCUEIL_MAM_H

#include <strophe.h>

#define NS_MAM "urn:xmpp:mam:2"
#define NS_RSM "http://jabber.org/protocol/rsm"
#define NS_FORWARD "urn:xmpp:forward:0"
#define MAM_PAGE 50		/* messages asked for per page */

/*
 * A <query/> for the messages after stanza-id after (NULL: from the
 * start), max per page, tagged queryid. Caller releases.
 */
xmpp_stanza_t *mam_query(xmpp_ctx_t *ctx, const char *queryid,
    const char *after, int max);

/* One archived message, borrowed from the result stanza. */
struct mam_result {
	const char *queryid;
	const char *id;		/* the archive's (stanza-)id */
	const char *stamp;	/* XEP-0203 time, or NULL */
	xmpp_stanza_t *message;	/* the archived <message/> */
};

/* 1 if message st carries an archive result (fills r), else 0. */
int mam_parse_result(xmpp_stanza_t *st, struct mam_result *r);

/*
 * Reads the <fin/> of an IQ result: *complete (1 when the archive has
 * no more), *last (borrowed; NULL if the page was empty). Returns 1 if
 * st has a fin, else 0.
 */
int mam_parse_fin(xmpp_stanza_t *iq, int *complete, const char **last);

/*
 * The room's XEP-0359 stanza-id of a live message: the <stanza-id/>
 * whose by is the room (borrowed), or NULL. Others are ignored: a
 * sender can put any stanza-id in its own message.
 */
const char *mam_stanza_id(xmpp_stanza_t *m, const char *room);

#endif
