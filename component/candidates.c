/*
 * candidates.c: the routing scan, for the cases the index does not
 * cover (transfers, pooled colleagues, fallback languages, an office
 * handing over, a routing plugin other than the built-ins): every
 * counsellor is looked at once, O(C) with O(1) look-ups each (staff,
 * offers and registry keep their counts in memory). And the index
 * (cindex.h) kept in step with them, for everything else.
 */
#include "config.h"

#include <string.h>
#include <strings.h>

#include "app.h"
#include "candidates.h"
#include "cindex.h"
#include "conf.h"
#include "log.h"
#include "map.h"
#include "offers.h"
#include "plugin.h"
#include "registry.h"
#include "staff.h"
#include "territory.h"
#include "util.h"

int
cand_eligible(struct app *app, const struct conf_counsellor *c, const char *office)
{
	return strlist_has(&c->offices, office) && staff_is_online(c->jid) &&
	    !staff_is_paused(app, c->jid) &&
	    registry_active(c->jid) + offers_held(app, c->jid) < c->max_chats;
}

/*
 * Fills cands with the counsellors who could be offered session s now,
 * speaking one of langs, not yet offered it, ordered by the office's
 * routing plugin. Returns how many; *wave is how many one wave adds.
 */
size_t
cand_gather(struct app *app, const struct conv *s,
    const struct conf_office *o, const struct strlist *langs,
    const char *only, const char *except, struct accueil_candidate *out,
    int *wave, enum cand_reach reach, const struct conf_office *to)
{
	size_t i, k, n = 0;

	for (i = 0; i < app->conf->ncounsellors; i++) {
		const struct conf_counsellor *c = &app->conf->counsellors[i];
		const char *office = o->id;
		int speaks = 0;

		if (reach == CAND_POOLED) {
			if (!territory_pooled_for(app->conf, c, o))
				continue;
			office = territory_answering(app->conf, c, o->id);
		} else if (reach == CAND_HANDOVER)
			office = to->id;

		if (only && strcmp(c->persona, only) != 0)
			continue;
		if (except && strcasecmp(c->jid, except) == 0)
			continue;
		for (k = 0; k < langs->n; k++)
			if (strlist_has(&c->languages, langs->v[k]))
				speaks = 1;
		if (!speaks || !cand_eligible(app, c, office) ||
		    offers_was_offered(app, s->id, c->jid))
			continue;
		out[n].jid = c->jid;
		out[n].load = registry_active(c->jid) +
		    offers_held(app, c->jid);
		out[n].idle = staff_idle_seconds(c->jid);
		out[n].rank = (int)i;
		n++;
	}
	*wave = plugin_routing_order(o->routing, o->id, o->offer_size, out, n);
	if (*wave < 1) {
		log_warnx("routing: no running routing plugin \"%s\"",
		    o->routing);
		*wave = o->offer_size;
	}
	return n;
}


/* ---- the index of able counsellors --------------------------------------- */

static unsigned long index_serial;	/* conf serial the index was built for */
static struct map last_turn;		/* office -> jid last offered (turns) */

/* cindex_probe: what routing knows of jid now (O(1) each). */
static int
probe(const char *jid, int *load, int64_t *taken_at, void *ud)
{
	struct app *app = ud;
	const struct conf_counsellor *c = conf_counsellor_by_jid(app->conf,
	    jid);

	if (c == NULL)
		return 0;
	*load = registry_active(jid) + offers_held(app, jid);
	*taken_at = staff_taken_at(jid);
	return staff_is_online(jid) && !staff_is_paused(app, jid) &&
	    *load < c->max_chats;
}

/* Brings the index up to date: rebuilt after a reload, else the touched. */
void
cand_sync(struct app *app, int all)
{
	size_t i;

	if (index_serial != app->conf->serial) {
		cidx_clear();
		map_free(&last_turn);	/* its JIDs were the old conf's */
		for (i = 0; i < app->conf->ncounsellors; i++) {
			const struct conf_counsellor *c =
			    &app->conf->counsellors[i];

			cidx_add(c->jid, (int)i,
			    (const char *const *)c->offices.v, c->offices.n,
			    (const char *const *)c->languages.v,
			    c->languages.n);
		}
		index_serial = app->conf->serial;
		all = 1;
	}
	cidx_sync(probe, app, all);
}

/* ---- who can take what -------------------------------------------------- */

/* cidx_pick's skip: already offered this conversation, or handing it. */
struct skip_ctx {
	struct app *app;
	const struct conv *cv;
};

static int
skip_offered(const char *jid, void *ud)
{
	struct skip_ctx *k = ud;

	return offers_was_offered(k->app, k->cv->id, jid) ||
	    (k->cv->transfer_from && strcasecmp(k->cv->transfer_from,
	    jid) == 0);
}

/*
 * The next counsellors for s from the index (its office, its language):
 * up to need of them into cands, O(log n + k). Returns how many, or -1
 * when the office's plugin has no index order (the scan must decide).
 */
int
cand_pick(struct app *app, const struct conv *s,
    const struct conf_office *o, struct accueil_candidate *cands, int need)
{
	int how = plugin_routing_index(o->routing);
	struct skip_ctx k = {app, s};
	const char *jids[64];
	size_t n, i;

	if (how == PLUGIN_INDEX_NONE)
		return -1;
	if (need > (int)(sizeof(jids) / sizeof(jids[0])))
		need = (int)(sizeof(jids) / sizeof(jids[0]));
	n = cidx_pick(o->id, s->lang, how == PLUGIN_INDEX_TURN ?
	    CIDX_BY_TURN : CIDX_BY_LOAD, map_get(&last_turn, o->id),
	    skip_offered, &k, jids, (size_t)need);
	for (i = 0; i < n; i++)
		cands[i].jid = jids[i];
	return (int)n;
}

void
cand_offered(const struct conf_office *o, const struct conf_counsellor *c)
{
	if (plugin_routing_index(o->routing) == PLUGIN_INDEX_TURN)
		map_set(&last_turn, o->id, (void *)c->jid);
}

void
cand_free_all(void)
{
	cidx_clear();
	map_free(&last_turn);
	index_serial = 0;
}
