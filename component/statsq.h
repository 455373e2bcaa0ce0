/*
 * statsq.h: the figures, computed from stat_events (stats.c's record).
 *
 * Every figure is defined in docs/statistics.md. Periods are spans of
 * local days in each office's own time zone (across daylight-saving
 * changes); groups (hour, weekday, day) are the office's local time of
 * the arrival. Percentiles are nearest-rank, computed by SQLite's
 * window functions. A figure with no data is marked as such (its
 * count is 0 and its value STATS_NONE), never shown as 0. Used by the
 * daemon (ad-hoc command, weekly summary, quality review) and by
 * accueilctl on a read-only connection; nothing here writes.
 */
#ifndef ACCUEIL_STATSQ_H
#define ACCUEIL_STATSQ_H

#include <stddef.h>
#include <stdint.h>

#include "util.h"

struct store;
struct sqlite3;

#define STATS_NONE (-1.0)	/* a figure with no data */

enum stats_by {
	STATS_BY_NONE = 0,
	STATS_BY_LANGUAGE,
	STATS_BY_PERSONA,
	STATS_BY_HOUR,		/* key "00".."23" */
	STATS_BY_WEEKDAY,	/* key "1" (Monday) .. "7" (Sunday) */
	STATS_BY_DAY,		/* key "YYYY-MM-DD" */
	STATS_BY_CELL,		/* key "W-HH": weekday and hour (heatmaps) */
};

/* One office's period: [from, to), epoch seconds; tz borrowed. */
struct stats_span {
	const char *office;
	const char *tz;
	int64_t from, to;
};

/* The figures of one group (or of everything: key ""). */
struct stats_fig {
	char *key;
	long requests;		/* conversations that arrived */
	long live;		/* ... less those filed offline as closed */
	long answered;		/* taken by a counsellor */
	long replied;		/* got a counsellor's message */
	long within2;		/* ... within 120 s of arrival */
	double fr_p50, fr_p90;		/* first response, seconds */
	double wait_p50, wait_p90;	/* arrival to take, seconds */
	long abandoned;
	double aband_p50, aband_p90;	/* waited before leaving */
	long offline;		/* offline requests filed */
	long off_answered, off_in_time, off_overdue;
	double off_p50, off_p90;	/* filing to answer, seconds */
	double promise;		/* the promise, seconds (the longest) */
	long transfers;
	long ratings;
	long dist[6];		/* dist[1..5]: ratings given */
	double rating_mean;
	long videos;		/* video appointments booked */
};

/* A query's result; free with stats_result_free(). */
struct stats_result {
	struct stats_fig *v;
	size_t n;
};

/*
 * The local day span [from, to) of date "YYYY-MM-DD" .. "YYYY-MM-DD"
 * (inclusive) in tz: 0, or -1 if a date is not valid.
 */
int stats_days(const char *tz, const char *from, const char *to,
    int64_t *t0, int64_t *t1);

/* "YYYY-MM-DD" of local time t in tz, into out (11 bytes). */
void stats_date(const char *tz, int64_t t, char out[11]);

/* The span of the Monday-to-Sunday local week containing t in tz. */
void stats_week(const char *tz, int64_t t, int64_t *t0, int64_t *t1);

/*
 * Computes the figures for the spans (one per office) grouped by by,
 * as of now (for overdue requests). Returns 0 with res filled (groups
 * sorted by key), or -1 (logged). Caller frees res.
 */
int stats_compute(struct store *st, const struct stats_span *spans,
    size_t nspans, enum stats_by by, int64_t now, struct stats_result *res);
void stats_result_free(struct stats_result *res);

/* The group of key in res, or NULL. */
const struct stats_fig *stats_find(const struct stats_result *res,
    const char *key);

/*
 * Who held conversation session: office, counsellor and persona of its
 * first take (caller frees), and its arrival time. Returns 1 if the
 * conversation was taken and closed, 0 if not, -1 on error.
 */
int stats_conv_info(struct store *st, const char *session, char **office,
    char **counsellor, char **persona, int64_t *arrived);

/*
 * The conversations that were answered by a counsellor, closed, and
 * arrived in the spans: their ids appended to ids (arrival order).
 * Returns 0 or -1.
 */
int stats_answered_sessions(struct store *st, const struct stats_span *spans,
    size_t nspans, struct strlist *ids);

/* The week's figures as a short text (the ad-hoc command, the weekly
 * summary): into out. lang "fr" or "en". */
void stats_text(const struct stats_fig *f, const char *lang, struct buf *out);

/* Seconds as "1 min 05 s", or the "no data" text of lang if v < 0. */
void stats_duration(double v, const char *lang, char *out, size_t len);

/* Registers the SQL functions statsq's queries use on db's connection
 * (accueil_in, accueil_local). Called by stats_compute() itself. */
int stats_sql_functions(struct sqlite3 *db);

#endif
