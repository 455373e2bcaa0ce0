/*
 * report.c: the week's one-page HTML report (accueilctl report --html).
 *
 * One self-contained page per run: inline CSS and SVG, no script, no
 * resource from elsewhere, so it can be mailed or printed. For each
 * office: the week's figures against the previous week, the hour x
 * weekday heatmaps of arrivals and of the median first response (the
 * office's local time, across daylight-saving changes), the figures per
 * language and per persona, and the quality review's averages per
 * counsellor (a page for supervisors; --counsellor keeps one). Every
 * text from the configuration or the store is escaped; a figure with
 * no data says so. Each heatmap cell carries data-weekday, data-hour
 * and data-value attributes, so tests can check it against the store.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "review.h"
#include "statsq.h"
#include "store.h"
#include "util.h"
#include "report.h"

static const char *const wdays[8] = {"", "Mon", "Tue", "Wed", "Thu", "Fri",
    "Sat", "Sun"};

/* Writes s with &, <, >, " and ' escaped (text and quoted attributes). */
static void
esc(FILE *fp, const char *s)
{
	for (; s && *s; s++)
		switch (*s) {
		case '&':
			fputs("&amp;", fp);
			break;
		case '<':
			fputs("&lt;", fp);
			break;
		case '>':
			fputs("&gt;", fp);
			break;
		case '"':
			fputs("&quot;", fp);
			break;
		case '\'':
			fputs("&#39;", fp);
			break;
		default:
			fputc(*s, fp);
		}
}

static void
dur(FILE *fp, double v)
{
	char b[48];

	stats_duration(v, "en", b, sizeof(b));
	if (v < 0)
		fprintf(fp, "<span class=\"none\">%s</span>", b);
	else
		fputs(b, fp);
}

static void
pct(FILE *fp, long n, long d)
{
	if (d == 0)
		fputs("<span class=\"none\">no data</span>", fp);
	else
		fprintf(fp, "%ld/%ld (%.0f&#8239;%%)", n, d, 100.0 * n / d);
}

static void
rating(FILE *fp, const struct stats_fig *f)
{
	int i;

	if (f->ratings == 0) {
		fputs("<span class=\"none\">no answer</span>", fp);
		return;
	}
	fprintf(fp, "%.2f/5 (%ld:", f->rating_mean, f->ratings);
	for (i = 1; i <= 5; i++)
		fprintf(fp, " %d&#8594;%ld", i, f->dist[i]);
	fputs(")", fp);
}

/* A change: "+3", "−2" or "=" (for counts). */
static void
delta(FILE *fp, long now, long prev, int have_prev)
{
	if (!have_prev)
		fputs("<span class=\"none\">no data</span>", fp);
	else if (now == prev)
		fputs("=", fp);
	else
		fprintf(fp, "%s%ld", now > prev ? "+" : "&#8722;",
		    now > prev ? now - prev : prev - now);
}

static void
figures(FILE *fp, const struct stats_fig *f, const struct stats_fig *p)
{
	static const struct stats_fig empty = {.fr_p50 = STATS_NONE};

	if (p == NULL)
		p = &empty;
	fputs("<table class=\"figs\"><tr><th></th><th>this week</th>"
	    "<th>previous week</th><th>change</th></tr>\n", fp);
#define COUNT(label, field) \
	fprintf(fp, "<tr><td>%s</td><td>%ld</td><td>%ld</td><td>", label, \
	    f->field, p->field); \
	delta(fp, f->field, p->field, 1); \
	fputs("</td></tr>\n", fp)
	COUNT("Requests", requests);
	COUNT("Answered", answered);
	fputs("<tr><td>Answered within 2 min</td><td>", fp);
	pct(fp, f->within2, f->live);
	fputs("</td><td>", fp);
	pct(fp, p->within2, p->live);
	fputs("</td><td>", fp);
	delta(fp, f->within2, p->within2, 1);
	fputs("</td></tr>\n", fp);
#define DUR(label, field) \
	fprintf(fp, "<tr><td>%s</td><td>", label); \
	dur(fp, f->field); \
	fputs("</td><td>", fp); \
	dur(fp, p->field); \
	fputs("</td><td></td></tr>\n", fp)
	DUR("First response, median", fr_p50);
	DUR("First response, 90 %", fr_p90);
	DUR("Waiting, median", wait_p50);
	DUR("Waiting, 90 %", wait_p90);
	COUNT("Abandoned", abandoned);
	DUR("Abandoned after, median", aband_p50);
	COUNT("Offline requests", offline);
	fputs("<tr><td>Offline answered within the promise</td><td>", fp);
	pct(fp, f->off_in_time, f->offline);
	fputs("</td><td>", fp);
	pct(fp, p->off_in_time, p->offline);
	fputs("</td><td></td></tr>\n", fp);
	COUNT("Offline overdue", off_overdue);
	DUR("Offline answer delay, median", off_p50);
	COUNT("Transfers", transfers);
	fputs("<tr><td>Satisfaction</td><td>", fp);
	rating(fp, f);
	fputs("</td><td>", fp);
	rating(fp, p);
	fputs("</td><td></td></tr>\n", fp);
	COUNT("Video appointments", videos);
#undef COUNT
#undef DUR
	fputs("</table>\n", fp);
}

/*
 * A 7 x 24 heatmap. what: "arrivals" (count) or "first-response"
 * (median seconds). A cell without arrivals is white (0); a cell
 * without a first response is hatched grey and says "no data"; data
 * cells are shaded against the week's maximum.
 */
static void
heatmap(FILE *fp, const struct stats_result *cells, const char *what)
{
	int arrivals = strcmp(what, "arrivals") == 0;
	double max = 0, v;
	const struct stats_fig *f;
	char key[32];
	int d, h;
	size_t i;

	for (i = 0; i < cells->n; i++) {
		v = arrivals ? cells->v[i].requests : cells->v[i].fr_p50;
		if (v > max)
			max = v;
	}
	fprintf(fp, "<svg class=\"heatmap\" data-heatmap=\"%s\" xmlns="
	    "\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
	    "role=\"img\">\n<defs><pattern id=\"none-%s\" width=\"4\" "
	    "height=\"4\" patternUnits=\"userSpaceOnUse\"><rect width=\"4\" "
	    "height=\"4\" fill=\"#eee\"/><path d=\"M0 4L4 0\" stroke=\"#ccc\"/>"
	    "</pattern></defs>\n", what, 40 + 24 * 26, 30 + 7 * 26, what);
	for (h = 0; h < 24; h++)
		fprintf(fp, "<text x=\"%d\" y=\"20\" font-size=\"10\">%02d"
		    "</text>", 42 + h * 26, h);
	fputs("\n", fp);
	for (d = 1; d <= 7; d++) {
		fprintf(fp, "<text x=\"0\" y=\"%d\" font-size=\"11\">%s</text>",
		    44 + (d - 1) * 26, wdays[d]);
		for (h = 0; h < 24; h++) {
			snprintf(key, sizeof(key), "%d-%02d", d, h);
			f = stats_find(cells, key);
			/* no arrival is a count (0); no reply is no data */
			v = arrivals ? (f ? (double)f->requests : 0) :
			    (f ? f->fr_p50 : STATS_NONE);
			fprintf(fp, "<rect class=\"cell\" data-weekday=\"%d\" "
			    "data-hour=\"%d\" data-value=\"", d, h);
			if (v < 0)
				fputs("\"", fp);
			else
				fprintf(fp, "%.0f\"", v);
			fprintf(fp, " x=\"%d\" y=\"%d\" width=\"24\" height="
			    "\"24\" ", 40 + h * 26, 30 + (d - 1) * 26);
			if (v < 0)
				fprintf(fp, "fill=\"url(#none-%s)\"><title>%s "
				    "%02d h: no data</title></rect>\n", what,
				    wdays[d], h);
			else if (v == 0)
				fprintf(fp, "fill=\"#fff\" stroke=\"#ddd\">"
				    "<title>%s %02d h: 0 arrivals</title></rect>"
				    "\n", wdays[d], h);
			else
				fprintf(fp, "fill=\"%s\" fill-opacity=\"%.2f\">"
				    "<title>%s %02d h: %.0f%s</title></rect>\n",
				    arrivals ? "#1565c0" : "#c62828",
				    0.15 + 0.85 * (max > 0 ? v / max : 1),
				    wdays[d], h, v, arrivals ? " arrivals" :
				    " s median first response");
		}
	}
	fputs("</svg>\n", fp);
}

static void
group_table(FILE *fp, const struct stats_result *res, const char *title,
    const char *none)
{
	size_t i;

	fprintf(fp, "<h3>%s</h3>\n", title);
	if (res->n == 0) {
		fputs("<p class=\"none\">No request this week.</p>\n", fp);
		return;
	}
	fputs("<table class=\"groups\"><tr><th></th><th>requests</th><th>"
	    "answered</th><th>within 2 min</th><th>first response p50</th>"
	    "<th>waiting p50</th><th>abandoned</th><th>offline</th><th>"
	    "satisfaction</th></tr>\n", fp);
	for (i = 0; i < res->n; i++) {
		const struct stats_fig *f = &res->v[i];

		fputs("<tr><td>", fp);
		esc(fp, *f->key ? f->key : none);
		fprintf(fp, "</td><td>%ld</td><td>%ld</td><td>", f->requests,
		    f->answered);
		pct(fp, f->within2, f->live);
		fputs("</td><td>", fp);
		dur(fp, f->fr_p50);
		fputs("</td><td>", fp);
		dur(fp, f->wait_p50);
		fprintf(fp, "</td><td>%ld</td><td>%ld</td><td>", f->abandoned,
		    f->offline);
		rating(fp, f);
		fputs("</td></tr>\n", fp);
	}
	fputs("</table>\n", fp);
}

static void
quality(FILE *fp, struct store *st, const struct stats_span *sp,
    const char *counsellor)
{
	static const char *const heads[REVIEW_NCRITERIA] = {"greeting",
	    "first name", "precision", "enriched answer", "reassurance",
	    "tone", "timing"};
	struct review_avg *v;
	size_t n, i, k;

	fputs("<h3>Quality review (averages 0-2, total /14)</h3>\n", fp);
	if (review_quality(st, sp, 1, counsellor, &v, &n) < 0) {
		fputs("<p class=\"none\">The reviews could not be read.</p>\n",
		    fp);
		return;
	}
	if (n == 0) {
		fputs("<p class=\"none\">No conversation of this week was "
		    "reviewed.</p>\n", fp);
		return;
	}
	fputs("<table class=\"quality\"><tr><th>counsellor</th><th>reviews"
	    "</th>", fp);
	for (k = 0; k < REVIEW_NCRITERIA; k++)
		fprintf(fp, "<th>%s</th>", heads[k]);
	fputs("<th>total</th></tr>\n", fp);
	for (i = 0; i < n; i++) {
		fputs("<tr data-counsellor=\"", fp);
		esc(fp, v[i].counsellor);
		fputs("\"><td>", fp);
		esc(fp, v[i].persona ? v[i].persona : v[i].counsellor);
		fputs(" (", fp);
		esc(fp, v[i].counsellor);
		fprintf(fp, ")</td><td>%ld</td>", v[i].reviews);
		for (k = 0; k < REVIEW_NCRITERIA; k++)
			fprintf(fp, "<td>%.2f</td>", v[i].avg[k]);
		fprintf(fp, "<td class=\"total\">%.2f</td></tr>\n",
		    v[i].total);
	}
	fputs("</table>\n", fp);
	review_avg_free(v, n);
}

int
report_office(FILE *fp, struct store *st, const struct conf_office *o,
    int64_t from, int64_t to, int64_t prev_from, const char *counsellor,
    int64_t now)
{
	struct stats_span sp = {o->id, o->timezone, from, to};
	struct stats_span pp = {o->id, o->timezone, prev_from, from};
	struct stats_result tot, prev, cells, langs, personas;
	char a[11], b[11];
	int rc = -1;

	stats_date(o->timezone, from, a);
	stats_date(o->timezone, to - 1, b);
	if (stats_compute(st, &sp, 1, STATS_BY_NONE, now, &tot) < 0)
		return -1;
	if (stats_compute(st, &pp, 1, STATS_BY_NONE, now, &prev) < 0)
		goto out_tot;
	if (stats_compute(st, &sp, 1, STATS_BY_CELL, now, &cells) < 0)
		goto out_prev;
	if (stats_compute(st, &sp, 1, STATS_BY_LANGUAGE, now, &langs) < 0)
		goto out_cells;
	if (stats_compute(st, &sp, 1, STATS_BY_PERSONA, now, &personas) < 0)
		goto out_langs;
	fputs("<section class=\"office\" data-office=\"", fp);
	esc(fp, o->id);
	fputs("\">\n<h2>", fp);
	esc(fp, o->name);
	fprintf(fp, "</h2>\n<p>Week from %s to %s (local time, ", a, b);
	esc(fp, o->timezone);
	fputs(").</p>\n", fp);
	figures(fp, stats_find(&tot, ""), stats_find(&prev, ""));
	fputs("<h3>Arrivals by hour and weekday</h3>\n", fp);
	heatmap(fp, &cells, "arrivals");
	fputs("<h3>First response (median) by hour and weekday</h3>\n", fp);
	heatmap(fp, &cells, "first-response");
	group_table(fp, &langs, "By language", "unknown");
	group_table(fp, &personas, "By persona (who took it first)",
	    "not answered");
	quality(fp, st, &sp, counsellor);
	fputs("</section>\n", fp);
	rc = ferror(fp) ? -1 : 0;
	stats_result_free(&personas);
out_langs:
	stats_result_free(&langs);
out_cells:
	stats_result_free(&cells);
out_prev:
	stats_result_free(&prev);
out_tot:
	stats_result_free(&tot);
	return rc;
}

void
report_begin(FILE *fp, const char *title)
{
	fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset="
	    "\"utf-8\">\n<title>", fp);
	esc(fp, title);
	fputs("</title>\n<style>\nbody{font-family:sans-serif;margin:1.5em;"
	    "color:#222}\ntable{border-collapse:collapse;margin:.5em 0}\n"
	    "td,th{border:1px solid #ccc;padding:.2em .5em;text-align:right}"
	    "\ntd:first-child{text-align:left}\n.none{color:#888;"
	    "font-style:italic}\nsvg.heatmap{display:block;margin:.5em 0}\n"
	    "section{page-break-after:always}\n</style></head><body>\n<h1>",
	    fp);
	esc(fp, title);
	fputs("</h1>\n", fp);
}

void
report_end(FILE *fp)
{
	fputs("<p class=\"none\">Figures are defined in docs/statistics.md. "
	    "The quality review is for the office's supervisors and the "
	    "counsellor concerned.</p>\n</body></html>\n", fp);
}
