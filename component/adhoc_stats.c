/*
 * adhoc_stats.c: statistics and quality review as ad-hoc commands.
 *
 * The figures of statsq.c for the last 7 days, one table row per office
 * (XEP-0004 <reported>/<item>, which Gajim and Psi show as a table),
 * with the same text in the command's note for clients that show only
 * that; the quality review form (review.c records it) and averages.
 * An administrator sees every office; a supervisor, their own.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "app.h"
#include "conf.h"
#include "form.h"
#include "review.h"
#include "stanza.h"
#include "statsq.h"
#include "store.h"
#include "util.h"
#include "adhoc_stats.h"

static const struct {
	const char *var, *label;
} columns[] = {
	{"office", "Office"}, {"requests", "Requests"},
	{"answered", "Answered"}, {"within2", "Within 2 min"},
	{"first_p50", "First response p50"}, {"first_p90", "First response p90"},
	{"wait_p50", "Waiting p50"}, {"wait_p90", "Waiting p90"},
	{"abandoned", "Abandoned"}, {"offline", "Offline requests"},
	{"offline_in_time", "Offline answered in time"},
	{"transfers", "Transfers"}, {"satisfaction", "Satisfaction"},
	{"video", "Video appointments"},
};

static int
may_see(struct app *app, const char *bare, const char *office)
{
	size_t i;

	for (i = 0; i < app->conf->nadmins; i++)
		if (strcasecmp(app->conf->admins[i].jid, bare) == 0)
			return 1;
	return review_is_supervisor(app->conf, bare, office);
}

static void
cell(xmpp_stanza_t *item, const char *var, const char *value)
{
	xmpp_stanza_t *f = stanza_add(item, "field", NULL);

	xmpp_stanza_set_attribute(f, "var", var);
	stanza_add_text(f, "value", value);
}

static void
row(xmpp_stanza_t *x, const struct conf_office *o, const struct stats_fig *f)
{
	xmpp_stanza_t *item = stanza_add(x, "item", NULL);
	char v[64];

	cell(item, "office", o->id);
	snprintf(v, sizeof(v), "%ld", f->requests);
	cell(item, "requests", v);
	snprintf(v, sizeof(v), "%ld", f->answered);
	cell(item, "answered", v);
	if (f->live)
		snprintf(v, sizeof(v), "%ld/%ld (%.0f %%)", f->within2,
		    f->live, 100.0 * f->within2 / f->live);
	else
		snprintf(v, sizeof(v), "no data");
	cell(item, "within2", v);
	stats_duration(f->fr_p50, "en", v, sizeof(v));
	cell(item, "first_p50", v);
	stats_duration(f->fr_p90, "en", v, sizeof(v));
	cell(item, "first_p90", v);
	stats_duration(f->wait_p50, "en", v, sizeof(v));
	cell(item, "wait_p50", v);
	stats_duration(f->wait_p90, "en", v, sizeof(v));
	cell(item, "wait_p90", v);
	snprintf(v, sizeof(v), "%ld", f->abandoned);
	cell(item, "abandoned", v);
	snprintf(v, sizeof(v), "%ld", f->offline);
	cell(item, "offline", v);
	if (f->offline)
		snprintf(v, sizeof(v), "%ld/%ld", f->off_in_time, f->offline);
	else
		snprintf(v, sizeof(v), "no data");
	cell(item, "offline_in_time", v);
	snprintf(v, sizeof(v), "%ld", f->transfers);
	cell(item, "transfers", v);
	if (f->ratings)
		snprintf(v, sizeof(v), "%.2f/5 (%ld)", f->rating_mean,
		    f->ratings);
	else
		snprintf(v, sizeof(v), "no answer");
	cell(item, "satisfaction", v);
	snprintf(v, sizeof(v), "%ld", f->videos);
	cell(item, "video", v);
}

void
adhoc_stats_run(struct app *app, const char *bare, xmpp_stanza_t *sub,
    xmpp_stanza_t *x, struct buf *out)
{
	xmpp_stanza_t *rep = stanza_add(x, "reported", NULL);
	struct stats_result res;
	struct stats_span sp;
	size_t i;

	(void)sub;
	for (i = 0; i < nitems(columns); i++) {
		xmpp_stanza_t *f = stanza_add(rep, "field", NULL);

		xmpp_stanza_set_attribute(f, "var", columns[i].var);
		xmpp_stanza_set_attribute(f, "label", columns[i].label);
		xmpp_stanza_set_attribute(f, "type", "text-single");
	}
	buf_append(out, "Last 7 days, each office's local time:");
	for (i = 0; i < app->conf->noffices; i++) {
		const struct conf_office *o = &app->conf->offices[i];
		const struct stats_fig *f;

		if (!may_see(app, bare, o->id))
			continue;
		sp.office = o->id;
		sp.tz = o->timezone;
		sp.to = store_now() + 1;
		sp.from = sp.to - 7 * 86400;
		if (stats_compute(app->store, &sp, 1, STATS_BY_NONE,
		    store_now(), &res) < 0) {
			buf_appendf(out, "\n%s: the figures could not be read.",
			    o->id);
			continue;
		}
		if ((f = stats_find(&res, "")) != NULL) {
			row(x, o, f);
			buf_appendf(out, "\n\n%s\n", o->name);
			stats_text(f, "en", out);
		}
		stats_result_free(&res);
	}
}

void
adhoc_review_form(struct app *app, xmpp_stanza_t *x)
{
	static const char *const labels[REVIEW_NCRITERIA] = {
		"Greeting", "Visitor's first name used", "Precision of the "
		"answer", "Enriched answer", "Reassurance", "Tone",
		"Timing (answer within 2 min)",
	};
	size_t i;

	(void)app;
	form_add_field(x, "session", "text-single", "Conversation (v-...)",
	    NULL);
	for (i = 0; i < REVIEW_NCRITERIA; i++) {
		xmpp_stanza_t *f = form_add_field(x, review_criteria[i],
		    "list-single", labels[i], NULL);

		form_add_option(f, "0: no", "0");
		form_add_option(f, "1: partly", "1");
		form_add_option(f, "2: yes", "2");
	}
	form_add_field(x, "comment", "text-multi", "Comment", NULL);
}

void
adhoc_review_run(struct app *app, const char *bare, xmpp_stanza_t *sub,
    xmpp_stanza_t *x, struct buf *out)
{
	int scores[REVIEW_NCRITERIA];
	char *session = sub ? form_value(sub, "session", 64, NULL) : NULL;
	char *comment = sub ? form_value(sub, "comment", 4096, NULL) : NULL;
	const char *err = NULL;
	size_t i;

	for (i = 0; i < REVIEW_NCRITERIA && session; i++) {
		char *v = form_value(sub, review_criteria[i], 4, NULL);

		if (v == NULL || strlen(v) != 1 || *v < '0' || *v > '2')
			err = "Each criterion needs a score from 0 to 2.";
		else
			scores[i] = *v - '0';
		free(v);
	}
	if (session == NULL || *session == '\0')
		err = "The form needs the conversation's id (v-...).";
	if (err == NULL)
		err = review_score(app, bare, session, scores, comment);
	if (err)
		buf_append(out, err);
	else
		buf_appendf(out, "Review of %s recorded.", session);
	form_add_field(x, "result", "text-single", "Result", out->s);
	free(session);
	free(comment);
}

void
adhoc_quality_run(struct app *app, const char *bare, xmpp_stanza_t *sub,
    xmpp_stanza_t *x, struct buf *out)
{
	(void)sub;
	review_text(app, bare, out);
	form_add_field(x, "result", "text-multi", "Quality review", out->s);
}
