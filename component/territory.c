/*
 * territory.c: offices that pool their counsellors' languages
 * (territory.h).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "catalog.h"
#include "conf.h"
#include "event.h"
#include "log.h"
#include "office.h"
#include "registry.h"
#include "relay.h"
#include "stats.h"
#include "store.h"
#include "territory.h"
#include "util.h"

const struct conf_territory *
territory_of(const struct conf *conf, const char *office)
{
	size_t i;

	for (i = 0; office && i < conf->nterritories; i++)
		if (strlist_has(&conf->territories[i].offices, office))
			return &conf->territories[i];
	return NULL;
}

int
territory_pooled_for(const struct conf *conf, const struct conf_counsellor *c,
    const struct conf_office *o)
{
	const struct conf_territory *t = territory_of(conf, o->id);
	size_t i;

	if (t == NULL || !c->pooled || strlist_has(&c->offices, o->id))
		return 0;
	for (i = 0; i < t->offices.n; i++)
		if (strlist_has(&c->offices, t->offices.v[i]))
			return 1;
	return 0;
}

int
territory_speaks(const struct conf *conf, const struct conf_office *o,
    const char *lang)
{
	size_t i;

	for (i = 0; lang && i < conf->ncounsellors; i++)
		if (territory_pooled_for(conf, &conf->counsellors[i], o) &&
		    strlist_has(&conf->counsellors[i].languages, lang))
			return 1;
	return 0;
}

static void
add_langs(struct strlist *all, const struct strlist *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (!strlist_has(all, l->v[i]))
			strlist_add(all, l->v[i]);
}

char *
territory_hints(const struct conf *conf, const struct conf_office *o)
{
	const struct conf_territory *t = territory_of(conf, o->id);
	struct strlist all = {0};
	struct buf b = {0};
	size_t i;

	add_langs(&all, &o->languages);
	for (i = 0; t && i < t->offices.n; i++) {
		const struct conf_office *p = conf_office(conf, t->offices.v[i]);

		if (p)
			add_langs(&all, &p->languages);
	}
	for (i = 0; i < all.n; i++)
		buf_appendf(&b, "%s%s", i ? "," : "", all.v[i]);
	strlist_free(&all);
	return b.s ? b.s : xstrdup("");
}

const struct conf_office *
territory_handover(const struct conf *conf, const struct conf_office *o,
    int64_t now)
{
	const struct conf_territory *t;
	size_t i;

	if (!o->closed_handover || (t = territory_of(conf, o->id)) == NULL)
		return NULL;
	for (i = 0; i < t->offices.n; i++) {
		const struct conf_office *p = conf_office(conf, t->offices.v[i]);

		if (p && p != o && office_is_open(p, (time_t)now))
			return p;
	}
	return NULL;
}

const char *
territory_answering(const struct conf *conf, const struct conf_counsellor *c,
    const char *office)
{
	const struct conf_territory *t;
	size_t i;

	if (strlist_has(&c->offices, office) ||
	    (t = territory_of(conf, office)) == NULL)
		return office;
	for (i = 0; i < t->offices.n; i++)
		if (strlist_has(&c->offices, t->offices.v[i]))
			return t->offices.v[i];
	return office;
}

/* Taken by a colleague of another office: say so, count it for both. */
static int
on_taken(struct app *app, struct event *ev, void *ud)
{
	struct conv *cv = ev->conv;
	const struct conf_counsellor *c = ev->counsellor;
	const struct conf_office *a;
	const char *id;
	struct stats_row r;
	char *text;

	(void)ud;
	if (cv == NULL || c == NULL)
		return EVENT_PASS;
	id = territory_answering(app->conf, c, cv->office);
	if (strcmp(id, cv->office) == 0 ||
	    (a = conf_office(app->conf, id)) == NULL)
		return EVENT_PASS;
	text = catalog_aformat(cv->lang, MSG_POOLED_ANSWER, c->name, a->name);
	relay_bot_say(app, cv, text);
	free(text);
	log_info("session %s: answered by %s of office %s for office %s",
	    cv->id, c->jid, a->id, cv->office);
	memset(&r, 0, sizeof(r));
	r.session = cv->id;
	r.lang = cv->lang;
	r.persona = c->persona;
	r.counsellor = c->jid;
	/* the answering office counts it too; the visitor's has "taken" */
	r.office = a->id;
	r.kind = "pooled-answered";
	r.detail = cv->office;
	stats_record(app->store, &r);
	r.office = cv->office;
	r.kind = "pooled-out";
	r.detail = a->id;
	stats_record(app->store, &r);
	return EVENT_PASS;
}

void
territory_init(void)
{
	event_hook(EV_CONV_TAKEN, on_taken, 0, NULL);
}
