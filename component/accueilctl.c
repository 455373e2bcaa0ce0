/*
 * accueilctl.c: the office manager's figures, from the command line.
 *
 * Reads accueil.conf.xml (offices and their time zones) and opens the
 * daemon's SQLite database read-only through the store module, so it
 * is safe while accueild runs. "stats" prints the figures of
 * docs/statistics.md as text or CSV, grouped if asked; "report" writes
 * the week's one-page HTML report. Exit codes: 0 done, 1 usage error,
 * 2 configuration or database error, 3 the output could not be
 * written.
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "conf.h"
#include "log.h"
#include "report.h"
#include "statsq.h"
#include "store.h"
#include "util.h"

#ifndef ACCUEIL_CONF_PATH
#define ACCUEIL_CONF_PATH "/etc/accueil/accueil.conf.xml"
#endif

enum { EX_DONE = 0, EX_USAGE = 1, EX_DATA = 2, EX_OUTPUT = 3 };

static void
usage(FILE *fp)
{
	fprintf(fp,
	    "usage: accueilctl [-f config] stats [--office O] [--from DATE "
	    "--to DATE]\n"
	    "                  [--by language|persona|hour|weekday|day] "
	    "[--csv]\n"
	    "       accueilctl [-f config] report --html FILE [--office O] "
	    "[--week DATE]\n"
	    "                  [--counsellor JID]\n"
	    "       accueilctl --help | --version\n\n"
	    "  -f FILE       configuration (default %s)\n"
	    "  stats         requests, answered, answered within 2 min, first "
	    "response and\n"
	    "                waiting p50/p90, abandoned, offline requests "
	    "against the\n"
	    "                promise, transfers, satisfaction, video "
	    "appointments\n"
	    "  --office O    one office (default: all)\n"
	    "  --from, --to  local dates YYYY-MM-DD, both included (default: "
	    "the last 7\n"
	    "                days, today included)\n"
	    "  --by G        one row per language, persona (who took it "
	    "first), local\n"
	    "                hour, weekday or day of arrival\n"
	    "  --csv         CSV (RFC 4180) with a header; an empty cell is "
	    "no data\n"
	    "  report        the week's page: figures and trend, heatmaps, "
	    "tables\n"
	    "  --html FILE   where to write it (self-contained HTML)\n"
	    "  --week DATE   the Monday-to-Sunday week containing DATE "
	    "(default: last\n"
	    "                week)\n"
	    "  --counsellor  keep that counsellor's quality line only (a page "
	    "for them)\n\n"
	    "Times are each office's local time. The database is opened "
	    "read-only.\n"
	    "Exit status: 0 done, 1 usage, 2 configuration or database, 3 "
	    "output.\n"
	    "Figures: see docs/statistics.md.\n", ACCUEIL_CONF_PATH);
}

struct opts {
	const char *office, *from, *to, *by, *html, *week, *counsellor;
	int csv;
};

/* Selected offices' spans for --from/--to (or the last 7 days). */
static int
spans_for(const struct conf *conf, const struct opts *op,
    struct stats_span **out, size_t *n)
{
	struct stats_span *v = xcalloc(conf->noffices, sizeof(*v));
	time_t now = clock_now();
	size_t i, k = 0;

	for (i = 0; i < conf->noffices; i++) {
		const struct conf_office *o = &conf->offices[i];
		char a[11], b[11];

		if (op->office && strcmp(op->office, o->id) != 0)
			continue;
		stats_date(o->timezone, now, b);
		stats_date(o->timezone, now - 6 * 86400 + 43200, a);
		v[k].office = o->id;
		v[k].tz = o->timezone;
		if (stats_days(o->timezone, op->from ? op->from : a,
		    op->to ? op->to : b, &v[k].from, &v[k].to) < 0) {
			fprintf(stderr, "accueilctl: dates must be YYYY-MM-DD, "
			    "--from not after --to\n");
			free(v);
			return -1;
		}
		k++;
	}
	*out = v;
	*n = k;
	return 0;
}

static const char *const wday_names[8] = {"", "Mon", "Tue", "Wed", "Thu",
    "Fri", "Sat", "Sun"};

static const char *
group_name(enum stats_by by, const char *key)
{
	if (by == STATS_BY_NONE)
		return "all";
	if (by == STATS_BY_WEEKDAY && key[0] >= '1' && key[0] <= '7')
		return wday_names[key[0] - '0'];
	if (*key == '\0')
		return by == STATS_BY_PERSONA ? "(not answered)" : "(unknown)";
	return key;
}

/* RFC 4180: quoted when it holds a comma, quote or line break. */
static void
csv_field(FILE *fp, const char *s, int last)
{
	if (strpbrk(s, ",\"\r\n") == NULL)
		fputs(s, fp);
	else {
		fputc('"', fp);
		for (; *s; s++) {
			if (*s == '"')
				fputc('"', fp);
			fputc(*s, fp);
		}
		fputc('"', fp);
	}
	fputs(last ? "\r\n" : ",", fp);
}

static void
csv_num(FILE *fp, double v, int decimals)
{
	char b[32];

	if (v < 0)
		b[0] = '\0';		/* no data: an empty cell */
	else
		snprintf(b, sizeof(b), "%.*f", decimals, v);
	csv_field(fp, b, 0);
}

static void
csv_header(FILE *fp)
{
	static const char *const cols[] = {"group", "requests",
	    "live_requests", "answered", "replied", "within_2min",
	    "within_2min_pct", "first_response_p50_s",
	    "first_response_p90_s", "waiting_p50_s", "waiting_p90_s",
	    "abandoned", "abandoned_after_p50_s", "abandoned_after_p90_s",
	    "offline_requests", "offline_answered", "offline_within_promise",
	    "offline_overdue", "offline_delay_p50_s", "offline_delay_p90_s",
	    "transfers", "ratings", "satisfaction_mean", "rating_1",
	    "rating_2", "rating_3", "rating_4", "rating_5",
	    "video_appointments"};
	size_t i;

	for (i = 0; i < nitems(cols); i++)
		csv_field(fp, cols[i], i + 1 == nitems(cols));
}

static void
csv_row(FILE *fp, enum stats_by by, const struct stats_fig *f)
{
	int i;

	csv_field(fp, group_name(by, f->key), 0);
	csv_num(fp, f->requests, 0);
	csv_num(fp, f->live, 0);
	csv_num(fp, f->answered, 0);
	csv_num(fp, f->replied, 0);
	csv_num(fp, f->within2, 0);
	csv_num(fp, f->live ? 100.0 * f->within2 / f->live : -1, 1);
	csv_num(fp, f->fr_p50, 0);
	csv_num(fp, f->fr_p90, 0);
	csv_num(fp, f->wait_p50, 0);
	csv_num(fp, f->wait_p90, 0);
	csv_num(fp, f->abandoned, 0);
	csv_num(fp, f->aband_p50, 0);
	csv_num(fp, f->aband_p90, 0);
	csv_num(fp, f->offline, 0);
	csv_num(fp, f->off_answered, 0);
	csv_num(fp, f->off_in_time, 0);
	csv_num(fp, f->off_overdue, 0);
	csv_num(fp, f->off_p50, 0);
	csv_num(fp, f->off_p90, 0);
	csv_num(fp, f->transfers, 0);
	csv_num(fp, f->ratings, 0);
	csv_num(fp, f->rating_mean, 2);
	for (i = 1; i <= 5; i++)
		csv_num(fp, f->dist[i], 0);
	fprintf(fp, "%ld\r\n", f->videos);
}

static int
run_stats(struct store *st, const struct conf *conf, const struct opts *op)
{
	static const char *const bys[] = {"", "language", "persona", "hour",
	    "weekday", "day"};
	enum stats_by by = STATS_BY_NONE;
	struct stats_result res;
	struct stats_span *sp;
	struct buf text = {0};
	size_t n, i;

	if (op->by) {
		for (i = 1; i < nitems(bys); i++)
			if (strcmp(op->by, bys[i]) == 0)
				by = (enum stats_by)i;
		if (by == STATS_BY_NONE) {
			fprintf(stderr, "accueilctl: --by takes language, "
			    "persona, hour, weekday or day\n");
			return EX_USAGE;
		}
	}
	if (spans_for(conf, op, &sp, &n) < 0)
		return EX_USAGE;
	if (n == 0) {
		fprintf(stderr, "accueilctl: no office %s in the "
		    "configuration\n", op->office);
		free(sp);
		return EX_USAGE;
	}
	if (stats_compute(st, sp, n, by, clock_now(), &res) < 0) {
		free(sp);
		return EX_DATA;
	}
	if (op->csv)
		csv_header(stdout);
	for (i = 0; i < res.n; i++) {
		if (op->csv) {
			csv_row(stdout, by, &res.v[i]);
			continue;
		}
		buf_appendf(&text, "%s== %s ==\n", i ? "\n" : "",
		    group_name(by, res.v[i].key));
		stats_text(&res.v[i], "en", &text);
		buf_append(&text, "\n");
	}
	if (!op->csv && res.n == 0)
		buf_append(&text, "No request in this period.\n");
	if (text.s)
		fputs(text.s, stdout);
	buf_free(&text);
	stats_result_free(&res);
	free(sp);
	return fflush(stdout) == 0 && !ferror(stdout) ? EX_DONE : EX_OUTPUT;
}

static int
run_report(struct store *st, const struct conf *conf, const struct opts *op)
{
	time_t now = clock_now();
	FILE *fp;
	size_t i, shown = 0;
	int rc = EX_DONE;

	if (op->html == NULL) {
		fprintf(stderr, "accueilctl: report needs --html FILE\n");
		return EX_USAGE;
	}
	if ((fp = fopen(op->html, "w")) == NULL) {
		log_warn("%s", op->html);
		return EX_OUTPUT;
	}
	report_begin(fp, "Front desk: the week's figures");
	for (i = 0; i < conf->noffices; i++) {
		const struct conf_office *o = &conf->offices[i];
		int64_t t0, t1, p0, p1, at = now;

		if (op->office && strcmp(op->office, o->id) != 0)
			continue;
		if (op->week) {
			if (stats_days(o->timezone, op->week, op->week, &t0,
			    &t1) < 0) {
				fprintf(stderr, "accueilctl: --week takes a "
				    "date YYYY-MM-DD\n");
				rc = EX_USAGE;
				break;
			}
			at = t0 + 43200;
		} else {
			stats_week(o->timezone, at, &t0, &t1);
			at = t0 - 43200;	/* last week */
		}
		stats_week(o->timezone, at, &t0, &t1);
		stats_week(o->timezone, t0 - 43200, &p0, &p1);
		if (report_office(fp, st, o, t0, t1, p0, op->counsellor,
		    now) < 0) {
			rc = EX_DATA;
			break;
		}
		shown++;
	}
	if (rc == EX_DONE && shown == 0) {
		fprintf(stderr, "accueilctl: no office %s in the "
		    "configuration\n", op->office ? op->office : "");
		rc = EX_USAGE;
	}
	report_end(fp);
	if (fclose(fp) != 0 && rc == EX_DONE) {
		log_warn("%s", op->html);
		rc = EX_OUTPUT;
	}
	return rc;
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{"office", required_argument, NULL, 'o'},
		{"from", required_argument, NULL, 'F'},
		{"to", required_argument, NULL, 'T'},
		{"by", required_argument, NULL, 'b'},
		{"csv", no_argument, NULL, 'c'},
		{"html", required_argument, NULL, 'H'},
		{"week", required_argument, NULL, 'w'},
		{"counsellor", required_argument, NULL, 'C'},
		{NULL, 0, NULL, 0},
	};
	const char *path = ACCUEIL_CONF_PATH, *cmd;
	struct conf_errors errs = {0};
	struct opts op = {0};
	struct conf *conf;
	struct store *st;
	enum accueil_err e;
	int ch, rc;

	log_init(1, LOG_LEVEL_WARN);
	while ((ch = getopt_long(argc, argv, "f:h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'f': path = optarg; break;
		case 'h': usage(stdout); return EX_DONE;
		case 'V': printf("accueilctl %s\n", PACKAGE_VERSION);
			return EX_DONE;
		case 'o': op.office = optarg; break;
		case 'F': op.from = optarg; break;
		case 'T': op.to = optarg; break;
		case 'b': op.by = optarg; break;
		case 'c': op.csv = 1; break;
		case 'H': op.html = optarg; break;
		case 'w': op.week = optarg; break;
		case 'C': op.counsellor = optarg; break;
		default: usage(stderr); return EX_USAGE;
		}
	}
	if (optind + 1 != argc || (strcmp(argv[optind], "stats") != 0 &&
	    strcmp(argv[optind], "report") != 0) || (!op.from != !op.to)) {
		usage(stderr);
		return EX_USAGE;
	}
	cmd = argv[optind];
	if ((conf = conf_load(path, &errs)) == NULL) {
		size_t i;

		for (i = 0; i < errs.msgs.n; i++)
			fprintf(stderr, "%s\n", errs.msgs.v[i]);
		conf_errors_free(&errs);
		return EX_DATA;
	}
	if ((st = store_open_readonly(conf->db_path, &e)) == NULL) {
		conf_free(conf);
		return EX_DATA;
	}
	rc = strcmp(cmd, "stats") == 0 ? run_stats(st, conf, &op) :
	    run_report(st, conf, &op);
	store_close(st);
	conf_free(conf);
	return rc;
}
