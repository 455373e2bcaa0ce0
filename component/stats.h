/*
 * stats.h: the statistics' record (the stat_events table).
 *
 * stats_init() hooks the core's events; each becomes one row of
 * stat_events (kinds: arrival, offered, taken, transfer, message,
 * offline, abandon, closed, rating, video, request-filed,
 * request-answered). docs/statistics.md defines each figure on them;
 * statsq.h computes them. Loop thread only.
 */
#ifndef ACCUEIL_STATS_H
#define ACCUEIL_STATS_H

#include <stdint.h>

struct store;

/* One row of stat_events; strings borrowed, NULL for none. */
struct stats_row {
	int64_t at;		/* 0: now (store_now()) */
	const char *office, *session, *kind, *lang, *persona, *counsellor;
	const char *detail;
	int64_t value, ref;
	int has_value, has_ref;
};

/* Hooks the core's events. Call once at start, after conv_init(). */
void stats_init(void);

/* Appends r (office and kind required): 0, or -1 (logged). */
int stats_record(struct store *st, const struct stats_row *r);

#endif
