/*
 * report.h: the week's one-page HTML report (accueilctl report --html):
 * report_begin(), one report_office() per office, report_end().
 */
#ifndef ACCUEIL_REPORT_H
#define ACCUEIL_REPORT_H

#include <stdint.h>
#include <stdio.h>

struct conf_office;
struct store;

/* The page's head (inline CSS) and title (escaped). */
void report_begin(FILE *fp, const char *title);

/*
 * Office o's section for the local span [from, to), against the span
 * [prev_from, from); the quality table keeps only counsellor if not
 * NULL. Returns 0, or -1 if a query or a write failed.
 */
int report_office(FILE *fp, struct store *st, const struct conf_office *o,
    int64_t from, int64_t to, int64_t prev_from, const char *counsellor,
    int64_t now);

void report_end(FILE *fp);

#endif
