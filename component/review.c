/*
 * review.c: the quality review on the seeds' grid.
 *
 * The mystery-shopper audits of the field articles score a conversation
 * on seven criteria (greeting, first name, precision, enriched answer,
 * reassurance, tone, timing). Here a supervisor of the office scores a
 * closed conversation that a counsellor answered, each criterion 0 to
 * 2, with a comment: by text on the service JID or their persona JID
 * ("!revue v-... 2 2 1 2 2 2 1 comment"), or by the ad-hoc command
 * (adhoc.c builds the form, review_score() records it). "!echantillon"
 * proposes a random sample of the week's answered conversations not yet
 * reviewed; "!qualite" shows the averages per counsellor: a counsellor
 * sees their own, a supervisor those of their offices. This module owns
 * the reviews table. Loop thread only, except review_quality(), which
 * only reads (accueilctl uses it).
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sqlite3.h>

#include "app.h"
#include "conf.h"
#include "log.h"
#include "router.h"
#include "stanza.h"
#include "statsq.h"
#include "store.h"
#include "util.h"
#include "review.h"

const char *const review_criteria[REVIEW_NCRITERIA] = {
	"greeting", "first_name", "precision", "enriched", "reassurance",
	"tone", "timing",
};

int
review_is_supervisor(const struct conf *conf, const char *bare,
    const char *office)
{
	size_t i, k;

	for (i = 0; i < conf->noffices; i++) {
		const struct conf_office *o = &conf->offices[i];

		if (office && strcmp(o->id, office) != 0)
			continue;
		for (k = 0; k < o->nsupervisors; k++)
			if (strcasecmp(o->supervisors[k].jid, bare) == 0)
				return 1;
	}
	return 0;
}

int
review_parse_scores(const char *s, int scores[REVIEW_NCRITERIA],
    const char **rest)
{
	int n = 0;

	while (*s && n < REVIEW_NCRITERIA) {
		if (isspace((unsigned char)*s) || *s == ',') {
			s++;
			continue;
		}
		if (*s < '0' || *s > '2')
			return -1;
		scores[n++] = *s++ - '0';
		if (*s >= '0' && *s <= '9' && n == REVIEW_NCRITERIA)
			return -1;
	}
	if (n != REVIEW_NCRITERIA)
		return -1;
	while (isspace((unsigned char)*s))
		s++;
	if (rest)
		*rest = s;
	return 0;
}

const char *
review_score(struct app *app, const char *reviewer, const char *session,
    const int scores[REVIEW_NCRITERIA], const char *comment)
{
	char *office, *counsellor, *persona;
	int64_t arrived;
	sqlite3_stmt *s;
	int rc, i;

	rc = stats_conv_info(app->store, session, &office, &counsellor,
	    &persona, &arrived);
	if (rc < 0)
		return "The database could not be read; try again.";
	if (rc == 0)
		return "No closed conversation answered by a counsellor has "
		    "this id.";
	if (!review_is_supervisor(app->conf, reviewer, office)) {
		free(office);
		free(counsellor);
		free(persona);
		return "Only a supervisor of the conversation's office can "
		    "review it.";
	}
	s = store_stmt(app->store, "INSERT OR REPLACE INTO reviews (session, "
	    "reviewer, office, counsellor, persona, arrived, at, greeting, "
	    "first_name, precision, enriched, reassurance, tone, timing, "
	    "comment) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
	if (s) {
		store_bind_text(s, 1, session);
		store_bind_text(s, 2, reviewer);
		store_bind_text(s, 3, office);
		store_bind_text(s, 4, counsellor);
		store_bind_text(s, 5, persona);
		sqlite3_bind_int64(s, 6, arrived);
		sqlite3_bind_int64(s, 7, store_now());
		for (i = 0; i < REVIEW_NCRITERIA; i++)
			sqlite3_bind_int(s, 8 + i, scores[i]);
		store_bind_text(s, 15, comment && *comment ? comment : NULL);
	}
	rc = store_step(app->store, s);
	if (rc == 0)
		log_info("review: %s scored %s (%s)", reviewer, session,
		    counsellor);
	free(office);
	free(counsellor);
	free(persona);
	return rc < 0 ? "The review could not be stored; try again." : NULL;
}

int
review_quality(struct store *st, const struct stats_span *spans,
    size_t nspans, const char *counsellor, struct review_avg **out,
    size_t *n)
{
	sqlite3 *db = store_db(st);
	struct review_avg *v = NULL;
	sqlite3_stmt *s;
	size_t k = 0, j, i;
	int rc;

	*out = NULL;
	*n = 0;
	for (j = 0; j < nspans; j++) {
		if (sqlite3_prepare_v2(db, "SELECT counsellor, max(persona), "
		    "count(*), avg(greeting), avg(first_name), avg(precision), "
		    "avg(enriched), avg(reassurance), avg(tone), avg(timing) "
		    "FROM reviews WHERE office = ?1 AND arrived >= ?2 AND "
		    "arrived < ?3 AND (?4 IS NULL OR counsellor = ?4) GROUP BY "
		    "counsellor ORDER BY counsellor", -1, &s, NULL) !=
		    SQLITE_OK) {
			log_warnx("review: %s", sqlite3_errmsg(db));
			review_avg_free(v, k);
			return -1;
		}
		sqlite3_bind_text(s, 1, spans[j].office, -1, SQLITE_STATIC);
		sqlite3_bind_int64(s, 2, spans[j].from);
		sqlite3_bind_int64(s, 3, spans[j].to);
		store_bind_text(s, 4, counsellor);
		while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
			struct review_avg *a;

			v = xreallocarray(v, k + 1, sizeof(*v));
			a = &v[k++];
			memset(a, 0, sizeof(*a));
			a->office = xstrdup(spans[j].office);
			a->counsellor = store_col_text(s, 0);
			a->persona = store_col_text(s, 1);
			a->reviews = sqlite3_column_int64(s, 2);
			for (i = 0; i < REVIEW_NCRITERIA; i++) {
				a->avg[i] = sqlite3_column_double(s, 3 + i);
				a->total += a->avg[i];
			}
		}
		sqlite3_finalize(s);
		if (rc != SQLITE_DONE) {
			review_avg_free(v, k);
			return -1;
		}
	}
	*out = v;
	*n = k;
	return 0;
}

void
review_avg_free(struct review_avg *v, size_t n)
{
	size_t i;

	for (i = 0; v && i < n; i++) {
		free(v[i].office);
		free(v[i].counsellor);
		free(v[i].persona);
	}
	free(v);
}

/* 1 if session has a review already. */
static int
reviewed(struct app *app, const char *session)
{
	sqlite3_stmt *s = store_stmt(app->store, "SELECT 1 FROM reviews "
	    "WHERE session = ?");
	int rc;

	if (s == NULL)
		return 0;
	store_bind_text(s, 1, session);
	rc = store_row(app->store, s);
	sqlite3_reset(s);
	return rc == 1;
}

/* The last 7 days of office o, as a span. */
static void
last_week(const struct conf_office *o, struct stats_span *sp)
{
	sp->office = o->id;
	sp->tz = o->timezone;
	sp->to = store_now() + 1;
	sp->from = sp->to - 7 * 86400;
}

void
review_sample(struct app *app, const char *bare, int n, struct buf *out)
{
	struct strlist ids = {0};
	struct stats_span sp;
	unsigned char r;
	char hex[3];
	size_t i, j, shown = 0;

	for (i = 0; i < app->conf->noffices; i++) {
		const struct conf_office *o = &app->conf->offices[i];

		if (review_is_supervisor(app->conf, bare, o->id)) {
			last_week(o, &sp);
			stats_answered_sessions(app->store, &sp, 1, &ids);
		}
	}
	/* Fisher-Yates with the random bytes the store's ids come from */
	for (i = ids.n; i > 1; i--) {
		char *t;

		if (random_hex(hex, 1) < 0)
			break;
		r = (unsigned char)strtoul(hex, NULL, 16);
		j = r % i;
		t = ids.v[i - 1];
		ids.v[i - 1] = ids.v[j];
		ids.v[j] = t;
	}
	buf_append(out, "To review (a random sample of the last 7 days' "
	    "answered conversations):");
	for (i = 0; i < ids.n && (int)shown < n; i++)
		if (!reviewed(app, ids.v[i])) {
			buf_appendf(out, "\n  %s", ids.v[i]);
			shown++;
		}
	if (shown == 0)
		buf_append(out, "\n  none: every answered conversation of the "
		    "week is reviewed, or there was none.");
	else
		buf_append(out, "\nScore one with: !revue <id> <7 scores 0-2: "
		    "greeting, first name, precision, enriched answer, "
		    "reassurance, tone, timing> [comment]");
	strlist_free(&ids);
}

void
review_text(struct app *app, const char *bare, struct buf *out)
{
	const struct conf_counsellor *c = conf_counsellor_by_jid(app->conf,
	    bare);
	struct review_avg *v;
	struct stats_span sp;
	size_t i, k, n, any = 0;

	buf_append(out, "Quality review, last 7 days (averages 0-2: greeting, "
	    "first name, precision, enriched, reassurance, tone, timing; "
	    "total /14):");
	for (i = 0; i < app->conf->noffices; i++) {
		const struct conf_office *o = &app->conf->offices[i];
		int sup = review_is_supervisor(app->conf, bare, o->id);

		if (!sup && (c == NULL || !strlist_has(&c->offices, o->id)))
			continue;
		last_week(o, &sp);
		if (review_quality(app->store, &sp, 1, sup ? NULL : c->jid, &v,
		    &n) < 0)
			continue;
		for (k = 0; k < n; k++, any++) {
			buf_appendf(out, "\n%s %s (%ld):", o->id,
			    v[k].persona ? v[k].persona : v[k].counsellor,
			    v[k].reviews);
			for (size_t j = 0; j < REVIEW_NCRITERIA; j++)
				buf_appendf(out, " %.1f", v[k].avg[j]);
			buf_appendf(out, " = %.1f/14", v[k].total);
		}
		review_avg_free(v, n);
	}
	if (!any)
		buf_append(out, "\nno review yet.");
}

/* "!revue ...", "!echantillon", "!qualite" and their English names. */
static int
text_command(struct app *app, const char *bare, const char *body,
    struct buf *out)
{
	int scores[REVIEW_NCRITERIA];
	const char *p = body + 1, *rest;
	char id[64];
	size_t len;

	if (*body != '!' && *body != '/')
		return 0;
	len = strcspn(p, " \t");
	if ((len == 5 && strncasecmp(p, "revue", 5) == 0) ||
	    (len == 6 && strncasecmp(p, "review", 6) == 0)) {
		const char *err;

		p += len + strspn(p + len, " \t");
		len = strcspn(p, " \t");
		if (len == 0 || len >= sizeof(id) || review_parse_scores(p +
		    len, scores, &rest) < 0) {
			buf_append(out, "Usage: !revue <v-id> <7 scores 0-2: "
			    "greeting, first name, precision, enriched answer, "
			    "reassurance, tone, timing> [comment]");
			return 1;
		}
		memcpy(id, p, len);
		id[len] = '\0';
		if ((err = review_score(app, bare, id, scores, rest)) != NULL)
			buf_append(out, err);
		else
			buf_appendf(out, "Review of %s recorded.", id);
		return 1;
	}
	if ((len == 11 && strncasecmp(p, "echantillon", 11) == 0) ||
	    (len == 6 && strncasecmp(p, "sample", 6) == 0)) {
		review_sample(app, bare, 5, out);
		return 1;
	}
	if ((len == 7 && (strncasecmp(p, "qualite", 7) == 0 ||
	    strncasecmp(p, "quality", 7) == 0)) ||
	    (len == 8 && strncmp(p, "qualité", 8) == 0)) {
		review_text(app, bare, out);
		return 1;
	}
	return 0;
}

int
review_route(struct app *app, xmpp_stanza_t *st, const struct route *r)
{
	const char *type = xmpp_stanza_get_type(st);
	const char *bare = stanza_bare(r->from);
	const struct conf_counsellor *c;
	struct buf out = {0};
	xmpp_stanza_t *m;
	char *body, *from;
	int handled;

	if ((r->kind != ROUTE_SERVICE && r->kind != ROUTE_PERSONA) ||
	    strcmp(xmpp_stanza_get_name(st), "message") != 0 ||
	    (type && strcmp(type, "chat") != 0 && strcmp(type, "normal") != 0))
		return ROUTE_PASS;
	c = conf_counsellor_by_jid(app->conf, bare);
	/* supervisors anywhere; counsellors on their own persona */
	if (!review_is_supervisor(app->conf, bare, NULL) && (c == NULL ||
	    r->kind != ROUTE_PERSONA || strcmp(c->persona, r->local) != 0))
		return ROUTE_PASS;
	if ((body = stanza_body_dup(st)) == NULL)
		return ROUTE_PASS;
	handled = text_command(app, bare, body, &out);
	free(body);
	if (!handled) {
		buf_free(&out);
		return ROUTE_PASS;
	}
	from = r->kind == ROUTE_SERVICE ? xstrdup(app->conf->domain) :
	    xasprintf("%s@%s", r->local, app->conf->domain);
	m = stanza_message(app, from, r->from, "chat", out.s);
	stanza_send(app, m);
	free(from);
	buf_free(&out);
	return ROUTE_HANDLED;
}
