/*
 * statsq.c: the figures, as SQL queries on stat_events.
 *
 * One conversation is one 'arrival' row; what happened to it is read
 * from the other rows of its session (first take, first counsellor
 * message, abandon, offline, rating...). Two SQL functions registered
 * on the connection bring the offices' time zones in: accueil_in()
 * keeps the rows of each office's own span, accueil_local() gives the
 * local hour, ISO weekday or date (the C library's tz support, so
 * daylight-saving changes fall where they should). Percentiles are
 * nearest-rank over row_number() windows. Reads only: safe on
 * accueilctl's read-only connection while accueild writes.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "clock.h"
#include "log.h"
#include "store.h"
#include "util.h"
#include "statsq.h"

/* The spans of the query under way (one thread, one query at a time). */
static struct {
	const struct stats_span *v;
	size_t n;
} cur;

static const struct stats_span *
span_of(const char *office)
{
	size_t i;

	for (i = 0; office && i < cur.n; i++)
		if (strcmp(cur.v[i].office, office) == 0)
			return &cur.v[i];
	return NULL;
}

/* accueil_in(office, at): 1 if at is in the office's span. */
static void
sql_in(sqlite3_context *cx, int argc, sqlite3_value **argv)
{
	const struct stats_span *s = span_of((const char *)
	    sqlite3_value_text(argv[0]));
	int64_t at = sqlite3_value_int64(argv[1]);

	(void)argc;
	sqlite3_result_int(cx, s && at >= s->from && at < s->to);
}

/* accueil_local(office, at, what): the local hour, weekday, day, cell. */
static void
sql_local(sqlite3_context *cx, int argc, sqlite3_value **argv)
{
	const struct stats_span *s = span_of((const char *)
	    sqlite3_value_text(argv[0]));
	const char *what = (const char *)sqlite3_value_text(argv[2]);
	struct tm tm;
	char out[16];

	(void)argc;
	if (s == NULL || what == NULL || clock_localtime(s->tz,
	    (time_t)sqlite3_value_int64(argv[1]), &tm) < 0) {
		sqlite3_result_null(cx);
		return;
	}
	if (strcmp(what, "hour") == 0)
		snprintf(out, sizeof(out), "%02d", tm.tm_hour);
	else if (strcmp(what, "weekday") == 0)
		snprintf(out, sizeof(out), "%d", tm.tm_wday ? tm.tm_wday : 7);
	else if (strcmp(what, "cell") == 0)
		snprintf(out, sizeof(out), "%d-%02d", tm.tm_wday ? tm.tm_wday :
		    7, tm.tm_hour);
	else if (strcmp(what, "day") == 0)
		strftime(out, sizeof(out), "%Y-%m-%d", &tm);
	else {
		sqlite3_result_text(cx, "", 0, SQLITE_STATIC);
		return;
	}
	sqlite3_result_text(cx, out, -1, SQLITE_TRANSIENT);
}

int
stats_sql_functions(sqlite3 *db)
{
	if (sqlite3_create_function(db, "accueil_in", 2, SQLITE_UTF8, NULL,
	    sql_in, NULL, NULL) != SQLITE_OK ||
	    sqlite3_create_function(db, "accueil_local", 3, SQLITE_UTF8, NULL,
	    sql_local, NULL, NULL) != SQLITE_OK) {
		log_warnx("stats: cannot register SQL functions: %s",
		    sqlite3_errmsg(db));
		return -1;
	}
	return 0;
}

/* ---- dates -------------------------------------------------------------- */

static int
parse_date(const char *s, struct tm *tm)
{
	int y, m, d;
	char extra;

	if (s == NULL || sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &extra) != 3 ||
	    y < 1970 || m < 1 || m > 12 || d < 1 || d > 31)
		return -1;
	memset(tm, 0, sizeof(*tm));
	tm->tm_year = y - 1900;
	tm->tm_mon = m - 1;
	tm->tm_mday = d;
	return 0;
}

int
stats_days(const char *tz, const char *from, const char *to, int64_t *t0,
    int64_t *t1)
{
	struct tm a, b;

	if (parse_date(from, &a) < 0 || parse_date(to, &b) < 0)
		return -1;
	b.tm_mday++;		/* the end day is included */
	*t0 = clock_mktime(tz, &a);
	*t1 = clock_mktime(tz, &b);
	return *t0 < *t1 ? 0 : -1;
}

void
stats_date(const char *tz, int64_t t, char out[11])
{
	struct tm tm;

	if (clock_localtime(tz, (time_t)t, &tm) < 0)
		memset(&tm, 0, sizeof(tm));
	strftime(out, 11, "%Y-%m-%d", &tm);
}

void
stats_week(const char *tz, int64_t t, int64_t *t0, int64_t *t1)
{
	struct tm tm;

	clock_localtime(tz, (time_t)t, &tm);
	tm.tm_mday -= tm.tm_wday ? tm.tm_wday - 1 : 6;	/* back to Monday */
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	*t0 = clock_mktime(tz, &tm);
	clock_localtime(tz, (time_t)*t0, &tm);
	tm.tm_mday += 7;
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	*t1 = clock_mktime(tz, &tm);
}

/* ---- the queries -------------------------------------------------------- */

/*
 * ?1 is the grouping ('', 'language', 'persona', 'hour', 'weekday',
 * 'day', 'cell'). c: one row per conversation that arrived in its
 * office's span; r: one row per offline request filed in the span.
 */
#define CTE \
	"WITH a AS (SELECT session, office, at AS arrived, (SELECT e.lang " \
	"FROM stat_events e WHERE e.session = x.session AND e.lang IS NOT " \
	"NULL ORDER BY e.id DESC LIMIT 1) AS lang, (SELECT e.persona FROM " \
	"stat_events e WHERE e.session = x.session AND e.kind = 'taken' " \
	"ORDER BY e.id LIMIT 1) AS persona FROM stat_events x WHERE kind = " \
	"'arrival' AND accueil_in(office, at)), " \
	"c AS (SELECT a.*, CASE ?1 WHEN '' THEN '' WHEN 'language' THEN " \
	"coalesce(lang, '') WHEN 'persona' THEN coalesce(persona, '') ELSE " \
	"accueil_local(office, arrived, ?1) END AS k, " \
	"(SELECT min(at) FROM stat_events e WHERE e.session = a.session AND " \
	"e.kind = 'taken') AS taken, " \
	"(SELECT min(at) FROM stat_events e WHERE e.session = a.session AND " \
	"e.kind = 'message' AND e.detail = 'counsellor') AS reply, " \
	"(SELECT max(value) FROM stat_events e WHERE e.session = a.session " \
	"AND e.kind = 'abandon') AS abandon, " \
	"(SELECT e.detail FROM stat_events e WHERE e.session = a.session AND " \
	"e.kind = 'offline' ORDER BY e.id LIMIT 1) AS offline, " \
	"(SELECT count(*) FROM stat_events e WHERE e.session = a.session AND " \
	"e.kind = 'offline') AS went_offline, " \
	"(SELECT count(*) FROM stat_events e WHERE e.session = a.session AND " \
	"e.kind = 'transfer') AS transfers, " \
	"(SELECT e.value FROM stat_events e WHERE e.session = a.session AND " \
	"e.kind = 'rating' ORDER BY e.id DESC LIMIT 1) AS rating, " \
	"(SELECT count(*) FROM stat_events e WHERE e.session = a.session AND " \
	"e.kind = 'video') AS videos FROM a), " \
	"r AS (SELECT f.ref, f.office, f.at AS filed, f.value AS promise, " \
	"(SELECT min(y.at) FROM stat_events y WHERE y.kind = " \
	"'request-answered' AND y.ref = f.ref AND y.office = f.office) AS " \
	"answered, CASE ?1 WHEN '' THEN '' WHEN 'language' THEN " \
	"coalesce((SELECT e.lang FROM stat_events e WHERE e.session = " \
	"f.session AND e.lang IS NOT NULL ORDER BY e.id DESC LIMIT 1), '') " \
	"WHEN 'persona' THEN coalesce((SELECT e.persona FROM stat_events e " \
	"WHERE e.session = f.session AND e.kind = 'taken' ORDER BY e.id " \
	"LIMIT 1), '') ELSE accueil_local(f.office, f.at, ?1) END AS k " \
	"FROM stat_events f WHERE f.kind = 'request-filed' AND " \
	"accueil_in(f.office, f.at)) "

static const char q_counts[] = CTE
	"SELECT k, count(*), sum(offline IS NULL OR offline <> 'closed'), "
	"sum(taken IS NOT NULL), sum(reply IS NOT NULL), sum(reply IS NOT "
	"NULL AND reply - arrived <= 120), sum(abandon IS NOT NULL), "
	"sum(transfers), count(rating), avg(rating), sum(rating = 1), "
	"sum(rating = 2), sum(rating = 3), sum(rating = 4), sum(rating = 5), "
	"sum(videos) FROM c GROUP BY k";

static const char q_offline[] = CTE
	"SELECT k, count(*), sum(answered IS NOT NULL), sum(answered IS NOT "
	"NULL AND answered - filed <= promise), sum(answered IS NULL AND ?2 - "
	"filed > promise), max(promise) FROM r GROUP BY k";

/* nearest rank: the value at rank ceil(n * p / 100) */
static const char q_pct[] = CTE
	", v AS (SELECT k, 'fr' AS m, reply - arrived AS x FROM c WHERE reply "
	"IS NOT NULL UNION ALL SELECT k, 'wait', taken - arrived FROM c WHERE "
	"taken IS NOT NULL UNION ALL SELECT k, 'aband', abandon FROM c WHERE "
	"abandon IS NOT NULL UNION ALL SELECT k, 'off', answered - filed FROM "
	"r WHERE answered IS NOT NULL), "
	"w AS (SELECT k, m, x, row_number() OVER (PARTITION BY k, m ORDER BY "
	"x) AS rn, count(*) OVER (PARTITION BY k, m) AS n FROM v) "
	"SELECT k, m, min(CASE WHEN rn >= (n * 50 + 99) / 100 THEN x END), "
	"min(CASE WHEN rn >= (n * 90 + 99) / 100 THEN x END) FROM w "
	"GROUP BY k, m";

static const char *const by_names[] = {
	[STATS_BY_NONE] = "", [STATS_BY_LANGUAGE] = "language",
	[STATS_BY_PERSONA] = "persona", [STATS_BY_HOUR] = "hour",
	[STATS_BY_WEEKDAY] = "weekday", [STATS_BY_DAY] = "day",
	[STATS_BY_CELL] = "cell",
};

static struct stats_fig *
group(struct stats_result *res, const char *key)
{
	struct stats_fig *f;
	size_t i;

	for (i = 0; i < res->n; i++)
		if (strcmp(res->v[i].key, key) == 0)
			return &res->v[i];
	res->v = xreallocarray(res->v, res->n + 1, sizeof(*res->v));
	f = &res->v[res->n++];
	memset(f, 0, sizeof(*f));
	f->key = xstrdup(key);
	f->fr_p50 = f->fr_p90 = f->wait_p50 = f->wait_p90 = STATS_NONE;
	f->aband_p50 = f->aband_p90 = f->off_p50 = f->off_p90 = STATS_NONE;
	f->rating_mean = f->promise = STATS_NONE;
	return f;
}

static sqlite3_stmt *
prepare(sqlite3 *db, const char *sql, const char *by, int64_t now)
{
	sqlite3_stmt *s;

	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK) {
		log_warnx("stats: %s", sqlite3_errmsg(db));
		return NULL;
	}
	sqlite3_bind_text(s, 1, by, -1, SQLITE_STATIC);
	if (sqlite3_bind_parameter_count(s) >= 2)
		sqlite3_bind_int64(s, 2, now);
	return s;
}

static const char *
key_of(sqlite3_stmt *s)
{
	const char *k = (const char *)sqlite3_column_text(s, 0);

	return k ? k : "";
}

/* Steps s to its end: 0, or -1 if it failed (logged). */
static int
done(sqlite3 *db, sqlite3_stmt *s, int rc)
{
	if (rc != SQLITE_DONE)
		log_warnx("stats: query failed: %s", sqlite3_errmsg(db));
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? 0 : -1;
}

static int
fig_cmp(const void *a, const void *b)
{
	return strcmp(((const struct stats_fig *)a)->key,
	    ((const struct stats_fig *)b)->key);
}

int
stats_compute(struct store *st, const struct stats_span *spans, size_t nspans,
    enum stats_by by, int64_t now, struct stats_result *res)
{
	sqlite3 *db = store_db(st);
	const char *b = by_names[by];
	struct stats_fig *f;
	sqlite3_stmt *s;
	int rc, i;

	memset(res, 0, sizeof(*res));
	cur.v = spans;
	cur.n = nspans;
	if (stats_sql_functions(db) < 0 ||
	    (s = prepare(db, q_counts, b, now)) == NULL)
		goto fail;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		f = group(res, key_of(s));
		f->requests = sqlite3_column_int64(s, 1);
		f->live = sqlite3_column_int64(s, 2);
		f->answered = sqlite3_column_int64(s, 3);
		f->replied = sqlite3_column_int64(s, 4);
		f->within2 = sqlite3_column_int64(s, 5);
		f->abandoned = sqlite3_column_int64(s, 6);
		f->transfers = sqlite3_column_int64(s, 7);
		f->ratings = sqlite3_column_int64(s, 8);
		if (f->ratings)
			f->rating_mean = sqlite3_column_double(s, 9);
		for (i = 1; i <= 5; i++)
			f->dist[i] = sqlite3_column_int64(s, 9 + i);
		f->videos = sqlite3_column_int64(s, 15);
	}
	if (done(db, s, rc) < 0 || (s = prepare(db, q_offline, b, now)) == NULL)
		goto fail;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		f = group(res, key_of(s));
		f->offline = sqlite3_column_int64(s, 1);
		f->off_answered = sqlite3_column_int64(s, 2);
		f->off_in_time = sqlite3_column_int64(s, 3);
		f->off_overdue = sqlite3_column_int64(s, 4);
		f->promise = sqlite3_column_double(s, 5);
	}
	if (done(db, s, rc) < 0 || (s = prepare(db, q_pct, b, now)) == NULL)
		goto fail;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		const char *m = (const char *)sqlite3_column_text(s, 1);
		double p50 = sqlite3_column_double(s, 2);
		double p90 = sqlite3_column_double(s, 3);

		f = group(res, key_of(s));
		if (m == NULL)
			continue;
		if (strcmp(m, "fr") == 0) {
			f->fr_p50 = p50;
			f->fr_p90 = p90;
		} else if (strcmp(m, "wait") == 0) {
			f->wait_p50 = p50;
			f->wait_p90 = p90;
		} else if (strcmp(m, "aband") == 0) {
			f->aband_p50 = p50;
			f->aband_p90 = p90;
		} else if (strcmp(m, "off") == 0) {
			f->off_p50 = p50;
			f->off_p90 = p90;
		}
	}
	if (done(db, s, rc) < 0)
		goto fail;
	if (by == STATS_BY_NONE && res->n == 0)
		group(res, "");		/* the total exists, if empty */
	qsort(res->v, res->n, sizeof(*res->v), fig_cmp);
	cur.n = 0;
	return 0;
fail:
	cur.n = 0;
	stats_result_free(res);
	return -1;
}

void
stats_result_free(struct stats_result *res)
{
	size_t i;

	if (res == NULL)
		return;
	for (i = 0; i < res->n; i++)
		free(res->v[i].key);
	free(res->v);
	res->v = NULL;
	res->n = 0;
}

const struct stats_fig *
stats_find(const struct stats_result *res, const char *key)
{
	size_t i;

	for (i = 0; i < res->n; i++)
		if (strcmp(res->v[i].key, key) == 0)
			return &res->v[i];
	return NULL;
}

int
stats_conv_info(struct store *st, const char *session, char **office,
    char **counsellor, char **persona, int64_t *arrived)
{
	sqlite3_stmt *s = store_stmt(st, "SELECT office, counsellor, persona, "
	    "(SELECT count(*) FROM stat_events c WHERE c.session = t.session "
	    "AND c.kind = 'closed'), (SELECT min(at) FROM stat_events r WHERE "
	    "r.session = t.session AND r.kind = 'arrival') FROM stat_events t "
	    "WHERE session = ? AND kind = 'taken' ORDER BY id LIMIT 1");
	int rc;

	*office = *counsellor = *persona = NULL;
	if (s == NULL)
		return -1;
	store_bind_text(s, 1, session);
	if ((rc = store_row(st, s)) <= 0)
		return rc;
	*office = store_col_text(s, 0);
	*counsellor = store_col_text(s, 1);
	*persona = store_col_text(s, 2);
	rc = sqlite3_column_int(s, 3) > 0 && *counsellor ? 1 : 0;
	*arrived = sqlite3_column_int64(s, 4);
	sqlite3_reset(s);
	if (rc == 0) {
		free(*office);
		free(*counsellor);
		free(*persona);
		*office = *counsellor = *persona = NULL;
	}
	return rc;
}

int
stats_answered_sessions(struct store *st, const struct stats_span *spans,
    size_t nspans, struct strlist *ids)
{
	sqlite3 *db = store_db(st);
	sqlite3_stmt *s;
	int rc;

	cur.v = spans;
	cur.n = nspans;
	if (stats_sql_functions(db) < 0 || sqlite3_prepare_v2(db, "SELECT "
	    "a.session FROM stat_events a WHERE a.kind = 'arrival' AND "
	    "accueil_in(a.office, a.at) AND EXISTS (SELECT 1 FROM stat_events "
	    "t WHERE t.session = a.session AND t.kind = 'taken') AND EXISTS "
	    "(SELECT 1 FROM stat_events c WHERE c.session = a.session AND "
	    "c.kind = 'closed') ORDER BY a.id", -1, &s, NULL) != SQLITE_OK) {
		cur.n = 0;
		return -1;
	}
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		strlist_add(ids, (const char *)sqlite3_column_text(s, 0));
	cur.n = 0;
	return done(db, s, rc);
}

/* ---- text --------------------------------------------------------------- */

void
stats_duration(double v, const char *lang, char *out, size_t len)
{
	long s = (long)v;
	int fr = lang == NULL || strcmp(lang, "en") != 0;

	if (v < 0)
		snprintf(out, len, "%s", fr ? "pas de données" : "no data");
	else if (s < 60)
		snprintf(out, len, "%ld s", s);
	else if (s < 3600)
		snprintf(out, len, "%ld min %02ld s", s / 60, s % 60);
	else
		snprintf(out, len, "%ld h %02ld min", s / 3600, s % 3600 / 60);
}

/* "n/d (x %)", or the no-data text when d is 0. */
static void
share(long n, long d, int fr, struct buf *out)
{
	if (d == 0)
		buf_append(out, fr ? "pas de données" : "no data");
	else
		buf_appendf(out, "%ld/%ld (%.0f %%)", n, d, 100.0 * n / d);
}

void
stats_text(const struct stats_fig *f, const char *lang, struct buf *out)
{
	int fr = lang == NULL || strcmp(lang, "en") != 0;
	char a[32], b[32];
	int i;

	buf_appendf(out, fr ? "Demandes : %ld, prises en charge : %ld\n" :
	    "Requests: %ld, answered: %ld\n", f->requests, f->answered);
	buf_append(out, fr ? "Réponse en moins de 2 min : " :
	    "Answered within 2 min: ");
	share(f->within2, f->live, fr, out);
	stats_duration(f->fr_p50, lang, a, sizeof(a));
	stats_duration(f->fr_p90, lang, b, sizeof(b));
	buf_appendf(out, fr ? "\nPremière réponse : médiane %s, 90 %% %s\n" :
	    "\nFirst response: median %s, 90%% %s\n", a, b);
	stats_duration(f->wait_p50, lang, a, sizeof(a));
	stats_duration(f->wait_p90, lang, b, sizeof(b));
	buf_appendf(out, fr ? "Attente : médiane %s, 90 %% %s\n" :
	    "Waiting: median %s, 90%% %s\n", a, b);
	stats_duration(f->aband_p50, lang, a, sizeof(a));
	buf_appendf(out, fr ? "Abandons : %ld (après %s en médiane)\n" :
	    "Abandoned: %ld (after %s, median)\n", f->abandoned, a);
	stats_duration(f->off_p50, lang, a, sizeof(a));
	buf_appendf(out, fr ? "Demandes hors ligne : %ld, répondues : %ld, "
	    "dans le délai promis : " : "Offline requests: %ld, answered: "
	    "%ld, within the promise: ", f->offline, f->off_answered);
	share(f->off_in_time, f->offline, fr, out);
	buf_appendf(out, fr ? ", en retard : %ld, délai médian %s\n" :
	    ", overdue: %ld, median delay %s\n", f->off_overdue, a);
	buf_appendf(out, fr ? "Transferts : %ld\n" : "Transfers: %ld\n",
	    f->transfers);
	if (f->ratings == 0)
		buf_append(out, fr ? "Satisfaction : pas de réponse" :
		    "Satisfaction: no answer");
	else {
		buf_appendf(out, fr ? "Satisfaction : %.1f/5 (%ld réponses :" :
		    "Satisfaction: %.1f/5 (%ld answers:", f->rating_mean,
		    f->ratings);
		for (i = 1; i <= 5; i++)
			buf_appendf(out, " %d:%ld", i, f->dist[i]);
		buf_append(out, ")");
	}
	buf_appendf(out, fr ? "\nRendez-vous vidéo : %ld" :
	    "\nVideo appointments: %ld", f->videos);
}
