/*
 * test_stats.c: the statistics' figures on SQLite :memory:.
 *
 * Rows are written with stats_record() as the daemon's subscriber does;
 * the figures come from stats_compute(). Checks the nearest-rank
 * percentiles, "no data" (never 0), the within-2-minutes share, offline
 * requests against their promise, and the local-time buckets of an
 * office in Europe/Paris across the autumn daylight-saving change
 * (2026-10-25 03:00 CEST -> 02:00 CET).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "log.h"
#include "stats.h"
#include "statsq.h"
#include "store.h"
#include "tap.h"

static struct store *st;

static void
ev(const char *session, const char *kind, int64_t at, const char *lang,
    const char *persona, const char *detail, int has_value, int64_t value,
    int64_t ref)
{
	struct stats_row r = {0};

	r.at = at;
	r.office = "cahors";
	r.session = session;
	r.kind = kind;
	r.lang = lang;
	r.persona = persona;
	r.detail = detail;
	r.has_value = has_value;
	r.value = value;
	r.has_ref = ref != 0;
	r.ref = ref;
	if (stats_record(st, &r) < 0)
		ok(0, "record %s %s", session, kind);
}

/* A conversation that arrived at t, was taken after wait and got a
 * first counsellor message after first (0: none of either). */
static void
conv(const char *id, int64_t t, const char *lang, int64_t wait, int64_t first)
{
	ev(id, "arrival", t, lang, NULL, "form", 0, 0, 0);
	if (wait) {
		ev(id, "taken", t + wait, lang, "claire", NULL, 0, 0, 0);
		ev(id, "message", t + first, lang, "claire", "counsellor", 0,
		    0, 0);
		ev(id, "closed", t + first + 60, lang, "claire", "done", 0, 0,
		    0);
	}
}

int
main(void)
{
	/* 2026-10-19 is a Monday; 18:30 CEST = 16:30 UTC */
	const int64_t mon = 1792427400;		/* 2026-10-19 16:30 UTC */
	const int64_t sun_after = 1792951200;	/* 2026-10-25 18:00 UTC */
	struct stats_span sp = {"cahors", "Europe/Paris", 0, 0};
	struct stats_result res;
	const struct stats_fig *f;
	enum accueil_err e;
	int64_t t0, t1;
	char d[11];

	log_init(1, LOG_LEVEL_WARN);
	if ((st = store_open(":memory:", &e)) == NULL) {
		ok(0, "store opens");
		return tap_done();
	}
	ok(stats_days("Europe/Paris", "2026-10-19", "2026-10-25", &t0, &t1) ==
	    0, "a week of local days");
	ok(t0 == 1792360800, "starts at local midnight CEST (%lld)",
	    (long long)t0);
	ok(t1 - t0 == 7 * 86400 + 3600, "the DST week lasts 7 days + 1 h");
	ok(stats_days("Europe/Paris", "2026-10-19", "2026-13-01", &t0, &t1) < 0,
	    "a bad date is refused");
	stats_days("Europe/Paris", "2026-10-19", "2026-10-25", &sp.from,
	    &sp.to);

	/* nothing yet: no data, never 0 */
	ok(stats_compute(st, &sp, 1, STATS_BY_NONE, mon, &res) == 0 &&
	    res.n == 1, "empty period: one total row");
	f = stats_find(&res, "");
	ok(f && f->requests == 0 && f->fr_p50 == STATS_NONE &&
	    f->rating_mean == STATS_NONE && f->wait_p90 == STATS_NONE,
	    "empty period: no data");
	stats_result_free(&res);

	/* ten answered: waits 10..100 s, first replies 20..200 s */
	{
		char id[16];
		int i;

		for (i = 1; i <= 10; i++) {
			snprintf(id, sizeof(id), "v-%02d", i);
			conv(id, mon + i * 60, i <= 7 ? "fr" : "en", i * 10,
			    i * 20);
		}
	}
	/* an abandon after 300 s, a rating, an offline request */
	conv("v-ab", mon + 3600, "fr", 0, 0);
	ev("v-ab", "abandon", mon + 3900, "fr", NULL, "abandoned", 1, 300, 0);
	ev("v-ab", "closed", mon + 3990, "fr", NULL, "abandoned", 0, 0, 0);
	ev("v-01", "rating", mon + 500, "fr", "claire", NULL, 1, 5, 0);
	ev("v-02", "rating", mon + 500, "fr", "claire", NULL, 1, 3, 0);
	conv("v-of", mon + 7200, "fr", 0, 0);
	ev("v-of", "offline", mon + 7200, "fr", NULL, "closed", 0, 0, 0);
	ev("v-of", "request-filed", mon + 7300, "fr", NULL, "xmpp", 1, 86400,
	    7);
	ev(NULL, "request-answered", mon + 7300 + 90000, NULL, "claire", NULL,
	    0, 0, 7);
	/* after the DST change: Sunday 18:00 UTC is 19:00 CET */
	conv("v-dst", sun_after, "ca", 30, 40);

	ok(stats_compute(st, &sp, 1, STATS_BY_NONE, mon + 86400 * 3, &res) ==
	    0, "figures computed");
	f = stats_find(&res, "");
	ok(f && f->requests == 13, "13 requests (%ld)", f ? f->requests : -1);
	ok(f && f->live == 12, "12 live: the closed-hours one is offline");
	ok(f && f->answered == 11, "11 answered");
	/* first responses 20..120 (6) + 40 within 120 s: 7 of 12 */
	ok(f && f->within2 == 7, "7 within 2 min (%ld)", f ? f->within2 : -1);
	/* first responses sorted: 20 40 40 60 80 100 120 140 160 180 200;
	 * n = 11: p50 rank 6 = 100, p90 rank 10 = 180 */
	ok(f && f->fr_p50 == 100 && f->fr_p90 == 180,
	    "first response p50 100, p90 180 (%.0f, %.0f)", f ? f->fr_p50 : -9,
	    f ? f->fr_p90 : -9);
	/* waits 10..100 and 30: 10 20 30 30 40 ..: p50 rank 6 = 50 */
	ok(f && f->wait_p50 == 50 && f->wait_p90 == 90,
	    "waiting p50 50, p90 90 (%.0f, %.0f)", f ? f->wait_p50 : -9,
	    f ? f->wait_p90 : -9);
	ok(f && f->abandoned == 1 && f->aband_p50 == 300,
	    "1 abandoned after 300 s");
	ok(f && f->ratings == 2 && f->rating_mean == 4 && f->dist[5] == 1 &&
	    f->dist[3] == 1 && f->dist[1] == 0, "ratings 5 and 3: mean 4");
	ok(f && f->offline == 1 && f->off_answered == 1 &&
	    f->off_in_time == 0 && f->off_p50 == 90000,
	    "offline request answered after 25 h: late against 24 h");
	stats_result_free(&res);

	ok(stats_compute(st, &sp, 1, STATS_BY_HOUR, mon, &res) == 0,
	    "by hour");
	ok(stats_find(&res, "18") && stats_find(&res, "18")->requests == 10,
	    "10 arrived at 18 h local (CEST, UTC+2)");
	ok(stats_find(&res, "19") && stats_find(&res, "19")->requests == 2,
	    "2 at 19 h: 1 in CEST and the one after the change (CET, UTC+1)");
	ok(stats_find(&res, "16") == NULL, "none at 16 h (the UTC hour)");
	stats_result_free(&res);

	ok(stats_compute(st, &sp, 1, STATS_BY_WEEKDAY, mon, &res) == 0 &&
	    res.n == 2 && stats_find(&res, "1")->requests == 12 &&
	    stats_find(&res, "7")->requests == 1, "by weekday: Mon 12, Sun 1");
	stats_result_free(&res);

	ok(stats_compute(st, &sp, 1, STATS_BY_LANGUAGE, mon, &res) == 0 &&
	    stats_find(&res, "en")->requests == 3 &&
	    stats_find(&res, "ca")->fr_p50 == 40, "by language");
	stats_result_free(&res);

	ok(stats_compute(st, &sp, 1, STATS_BY_CELL, mon, &res) == 0 &&
	    stats_find(&res, "7-19") && stats_find(&res, "1-18"),
	    "heatmap cells Sun 19 h and Mon 18 h");
	stats_result_free(&res);

	/* a span that ends before the change leaves the Sunday one out */
	sp.to = sun_after;
	ok(stats_compute(st, &sp, 1, STATS_BY_NONE, mon, &res) == 0 &&
	    stats_find(&res, "")->requests == 12, "span end is exclusive");
	stats_result_free(&res);

	stats_week("Europe/Paris", sun_after, &t0, &t1);
	stats_date("Europe/Paris", t0, d);
	ok(strcmp(d, "2026-10-19") == 0 && t1 - t0 == 7 * 86400 + 3600,
	    "the week of a Sunday starts on Monday (%s)", d);
	store_close(st);
	return tap_done();
}
