/*
 * weekly.h: the weekly summary to each office's supervisors, sent from
 * the desk JID on the office's summary-days at summary-time (local).
 */
#ifndef ACCUEIL_WEEKLY_H
#define ACCUEIL_WEEKLY_H

#include <stdint.h>

struct app;
struct buf;
struct conf_office;

/* The summary of the 7 local days before day0 (a local midnight) and
 * their trend against the 7 before, appended to out. */
void weekly_text(struct app *app, const struct conf_office *o, int64_t day0,
    struct buf *out);

/* Timer (every 30 s): sends the summaries that are due. Returns 1. */
int weekly_tick(void *app);

#endif
