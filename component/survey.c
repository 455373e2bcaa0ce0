/*
 * survey.c: the satisfaction question and its answer (survey.h).
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "app.h"
#include "catalog.h"
#include "conf.h"
#include "conv.h"
#include "convdb.h"
#include "event.h"
#include "form.h"
#include "relay.h"
#include "stanza.h"
#include "mail_text.h"
#include "outbox.h"
#include "survey.h"
#include "util.h"

static int
on_ended(struct app *app, struct event *ev, void *ud)
{
	struct conv *cv = ev->conv;
	xmpp_stanza_t *x = xmpp_stanza_new(app->ctx), *f;
	const char *l = cv->lang;
	char n[2] = "0";
	int i;

	(void)ud;
	xmpp_stanza_set_name(x, "x");
	xmpp_stanza_set_ns(x, NS_DATA);
	xmpp_stanza_set_type(x, "form");
	stanza_add_text(x, "title", catalog_text(l, MSG_SURVEY_FORM_TITLE));
	form_add_field(x, "FORM_TYPE", "hidden", NULL, "urn:accueil:survey:0");
	f = form_add_field(x, "rating", "list-single",
	    catalog_text(l, MSG_SURVEY_RATING_LABEL), NULL);
	for (i = 1; i <= 5; i++) {
		n[0] = (char)('0' + i);
		form_add_option(f, n, n);
	}
	form_add_field(x, "comment", "text-multi",
	    catalog_text(l, MSG_SURVEY_COMMENT_LABEL), NULL);
	/* with a relay, the transcript by e-mail (transcript.c reads the
	 * address the visitor then writes): the widget shows a box for it */
	if (outbox_relay(app->conf, cv->office) != NULL)
		form_add_field(x, "transcript", "text-single",
		    mail_text(l, MT_TRANSCRIPT_OFFER), NULL);
	relay_bot_post(app, cv, catalog_text(l, MSG_SURVEY), &x, 1);
	return EVENT_PASS;
}

/* "4 sur 5", "4 out of 5", "4 de 5", "4 von 5": the words before the 5. */
static const char *const out_of[] = {"sur", "out of", "de", "sobre", "von",
    "su"};
/* Nouns that make a leading number a count, not a rating ("3 nuits"). */
static const char *const counts[] = {"nuit", "jour", "semaine", "mois",
    "an", "personne", "adulte", "enfant", "chambre", "heure", "km", "euro",
    "night", "day", "week", "month", "year", "people", "person", "adult",
    "child", "children", "kid", "room", "hour", "noche", "persona", "nit",
    "dia", "día", "dies", "nacht", "nächte", "tag", "tage",
    "personen", "erwachsene", "kinder"};

/* 1 if p starts with word w or its plural in s (ASCII case folded). */
static int
starts_word(const char *p, const char *w)
{
	size_t n = strlen(w);

	if (strncasecmp(p, w, n) != 0)
		return 0;
	if (p[n] == 's' || p[n] == 'S')
		n++;
	return !isalpha((unsigned char)p[n]) && (unsigned char)p[n] < 0x80;
}

static const char *
skip_seps(const char *p)
{
	while (*p && (isspace((unsigned char)*p) || *p == '/' || *p == ',' ||
	    *p == '.' || *p == '-' || *p == '!'))
		p++;
	return p;
}

int
survey_parse(const char *p, const char **comment)
{
	const char *q;
	size_t i;
	int rating;

	*comment = "";
	while (p && *p && isspace((unsigned char)*p))
		p++;
	if (p == NULL || *p < '1' || *p > '5' || isdigit((unsigned char)p[1]))
		return 0;
	rating = *p++ - '0';
	/* "4", "4/5", "4 sur 5", "4, merci", but not "3 nuits" */
	p = skip_seps(p);
	for (i = 0; i < nitems(counts); i++)
		if (starts_word(p, counts[i]))
			return 0;
	for (i = 0; i < nitems(out_of); i++) {
		size_t n = strlen(out_of[i]);

		if (strncasecmp(p, out_of[i], n) != 0 ||
		    !isspace((unsigned char)p[n]))
			continue;
		for (q = p + n; isspace((unsigned char)*q); q++)
			;
		if (*q == '5' && !isdigit((unsigned char)q[1])) {
			p = q;
			break;
		}
	}
	if (*p == '5' && !isdigit((unsigned char)p[1]))
		p = skip_seps(p + 1);
	*comment = p;
	return rating;
}

/* The rating a line carries: the form, or the text. */
static int
rating_of(xmpp_stanza_t *m, const char *body, char **comment)
{
	xmpp_stanza_t *x = m ? form_find(m) : NULL;
	const char *rest;
	int rating = 0;

	*comment = NULL;
	if (x && form_type(x) && strcmp(form_type(x), "submit") == 0) {
		char *r = form_value(x, "rating", 8, NULL);

		*comment = form_value(x, "comment", 4000, NULL);
		if (r && strlen(r) == 1 && r[0] >= '1' && r[0] <= '5')
			rating = r[0] - '0';
		free(r);
		if (rating)
			return rating;
		free(*comment);
		*comment = NULL;
	}
	if ((rating = survey_parse(body, &rest)) != 0 && *rest)
		*comment = xstrdup(rest);
	return rating;
}

static int
on_visitor_text(struct app *app, struct event *ev, void *ud)
{
	struct conv *cv = ev->conv;
	const struct conf_counsellor *c;
	char *comment = NULL, *text;
	int rating;

	(void)ud;
	if (cv->state != CONV_SURVEY)
		return EVENT_PASS;
	/* a history line is older than the question: not an answer */
	if (ev->flag < 0 || cv->close_pending)
		return EVENT_HANDLED;
	if ((rating = rating_of(ev->stanza, ev->text, &comment)) == 0) {
		if (cv->survey_prompts++ < 1)
			relay_bot_say(app, cv, catalog_text(cv->lang,
			    MSG_SURVEY_AGAIN));
		else
			conv_close(app, cv, "survey-unanswered");
		return EVENT_HANDLED;
	}
	if (comment && str_blank(comment)) {
		free(comment);
		comment = NULL;
	}
	if (convdb_rating(app, cv, rating, comment) == 0) {
		struct event rated;

		event_prepare(&rated, EV_CONV_RATED, cv, NULL);
		rated.flag = rating;
		event_fire(app, &rated);
	}
	if (cv->counsellor && (c = conf_counsellor_by_jid(app->conf,
	    cv->counsellor)) != NULL) {
		text = catalog_aformat(relay_staff_lang(c), MSG_RATED, rating,
		    comment ? comment : "");
		relay_notice(app, cv, c, text);
		free(text);
	}
	relay_bot_say(app, cv, catalog_text(cv->lang, MSG_SURVEY_THANKS));
	free(comment);
	conv_close(app, cv, "done");
	return EVENT_HANDLED;
}

void
survey_init(void)
{
	event_hook(EV_CONV_ENDED, on_ended, 0, NULL);
	/* before the other readers of visitor lines */
	event_hook(EV_VISITOR_TEXT, on_visitor_text, 50, NULL);
}
