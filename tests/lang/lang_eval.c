/*
 * lang_eval.c: how often accueil's language detection is right on the
 * visitor questions of tests/lang/ (one file per language, one question
 * per line), with the same code accueild runs (langguess.c and the
 * language detection plugins).
 *
 *   lang_eval [-v] [-t] [-m mode] [-H hints] [-d default] [dir]
 *
 * Prints the accuracy per language, the confusion matrix (columns: what
 * was decided; "?" when unsure, then counted as the default language as
 * routing would) and the cost of one detection. -m cld2 uses CLD2's
 * reliable answers alone (as accueil did before langguess.c), -m words
 * the common-words model's alone; -H none
 * gives no hints (default: the eight languages of the set). -t prints
 * TAP and fails below 98% overall or 95% for one language (make check,
 * which runs it without arguments).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "conf.h"
#include "langguess.h"
#include "log.h"
#include "plugin.h"

#define NL 8
static const char *const langs[NL] = {"fr", "ca", "en", "es", "de", "it",
    "nl", "oc"};

struct line {
	int truth;
	char *text;
};

static int
index_of(const char *code)
{
	int i;

	for (i = 0; i < NL; i++)
		if (strcmp(langs[i], code) == 0)
			return i;
	return NL;	/* another language */
}

static size_t
load(const char *dir, struct line **out)
{
	size_t n = 0, cap = 0;
	char path[1024], buf[4096];
	int i;

	for (i = 0; i < NL; i++) {
		FILE *fp;

		snprintf(path, sizeof(path), "%s/%s.txt", dir, langs[i]);
		if ((fp = fopen(path, "r")) == NULL) {
			perror(path);
			exit(2);
		}
		while (fgets(buf, sizeof(buf), fp)) {
			buf[strcspn(buf, "\r\n")] = '\0';
			if (buf[0] == '\0' || buf[0] == '#')
				continue;
			if (n == cap) {
				cap = cap ? cap * 2 : 512;
				*out = realloc(*out, cap * sizeof(**out));
				if (*out == NULL)
					exit(2);
			}
			(*out)[n].truth = i;
			(*out)[n].text = strdup(buf);
			n++;
		}
		fclose(fp);
	}
	return n;
}

/* One plugin's reliable answer alone (cld2: as accueil decided before
 * langguess.c). */
static int
plugin_only(const char *name, const char *text, const char *hints,
    char lang[8])
{
	struct lang_opinion op[4];
	size_t n = plugin_detect_opinions(text, hints, op, 4), i;

	lang[0] = '\0';
	for (i = 0; i < n; i++)
		if (strcmp(op[i].plugin, name) == 0) {
			snprintf(lang, 8, "%s", op[i].lang);
			return op[i].reliable;
		}
	return 0;
}

static double
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

int
main(int argc, char **argv)
{
	static const char xml[] = "<accueil>\n"
	    "<server host='127.0.0.1' secret-file='s'/>\n"
	    "<component domain='a.example' muc='m.example'/>\n"
	    "<database path='db'/>\n<bot id='adam' name='Adam'/>\n"
	    "<office id='x' name='X' timezone='UTC' languages='fr' bot='adam'/>\n"
	    "</accueil>\n";
	const char *dir = NULL, *mode = "all", *hints = "fr,ca,en,es,de,it,nl,oc";
	const char *def = "fr", *src;
	struct conf_errors errs = {0};
	struct lang_context ctx = {0};
	struct line *lines = NULL;
	int m[NL][NL + 2] = {{0}}, tot[NL] = {0}, good[NL] = {0};
	int verbose = 0, tap = 0, ch, fail = 0, i, j, all_good = 0;
	size_t n, k, rounds;
	struct conf *conf;
	double t0, t1;

	while ((ch = getopt(argc, argv, "d:H:m:tv")) != -1)
		switch (ch) {
		case 'd': def = optarg; break;
		case 'H': hints = strcmp(optarg, "none") ? optarg : NULL; break;
		case 'm': mode = optarg; break;
		case 't': tap = 1; break;
		case 'v': verbose = 1; break;
		default:
			fprintf(stderr, "usage: lang_eval [-tv] [-m all|cld2|words] "
			    "[-H hints|none] [-d default] [dir]\n");
			return 2;
		}
	/* run by make check (no arguments, ACCUEIL_SRCDIR set): TAP */
	if (argc == 1 && getenv("ACCUEIL_SRCDIR"))
		tap = 1;
	if (optind < argc)
		dir = argv[optind];
	if (dir == NULL) {
		static char d[1024];

		src = getenv("ACCUEIL_SRCDIR");
		snprintf(d, sizeof(d), "%s/tests/lang", src ? src : ".");
		dir = d;
	}
	log_init(1, LOG_LEVEL_ERROR);
	conf = conf_load_buffer("t", "/tmp", xml, sizeof(xml) - 1, 0, &errs);
	conf_errors_free(&errs);
	if (conf == NULL || plugin_start_all(conf) != 0) {
		fprintf(stderr, "lang_eval: plugins do not start\n");
		return 2;
	}
	ctx.hints = hints;
	n = load(dir, &lines);
	for (k = 0; k < n; k++) {
		char lang[8];
		int sure = strcmp(mode, "all") != 0 ?
		    plugin_only(mode, lines[k].text, hints, lang) :
		    langguess(lines[k].text, &ctx, lang);
		int t = lines[k].truth, d = sure ? index_of(lang) : NL + 1;
		int right = sure ? d == t : strcmp(langs[t], def) == 0;

		m[t][d]++;
		tot[t]++;
		good[t] += right;
		all_good += right;
		if (!right && verbose)
			printf("%s -> %s%s: %s\n", langs[t], lang[0] ? lang :
			    "-", sure ? "" : " (unsure)", lines[k].text);
	}
	/* the cost of one decision, over enough rounds to measure */
	rounds = 20;
	t0 = now_us();
	for (i = 0; i < (int)rounds; i++)
		for (k = 0; k < n; k++) {
			char lang[8];

			if (strcmp(mode, "all") != 0)
				plugin_only(mode, lines[k].text, hints, lang);
			else
				langguess(lines[k].text, &ctx, lang);
		}
	t1 = now_us();

	printf("%smode %s, hints %s, unsure counted as %s, %zu lines from %s\n",
	    tap ? "# " : "", mode, hints ? hints : "none", def, n, dir);
	printf("%s%-5s", tap ? "# " : "", "");
	for (j = 0; j < NL; j++)
		printf(" %4s", langs[j]);
	printf(" %4s %4s  accuracy\n", "oth", "?");
	for (i = 0; i < NL; i++) {
		printf("%s%-5s", tap ? "# " : "", langs[i]);
		for (j = 0; j < NL + 2; j++)
			printf(" %4d", m[i][j]);
		printf("  %5.1f%% (%d/%d)\n", tot[i] ? 100.0 * good[i] /
		    tot[i] : 0, good[i], tot[i]);
	}
	printf("%soverall %.1f%% (%d/%zu)\n", tap ? "# " : "",
	    n ? 100.0 * all_good / n : 0, all_good, n);
	printf("%scost: %.1f us per detection (mean of %zu)\n", tap ? "# " :
	    "", (t1 - t0) / (double)(rounds * n), rounds * n);
	if (tap) {
		int t = 1;

		printf("1..%d\n", NL + 1);
		if (n == 0 || all_good * 100 < 98 * (int)n)
			fail = 1;
		printf("%sok %d - overall at least 98%%\n", fail ? "not " : "",
		    t++);
		for (i = 0; i < NL; i++) {
			int bad = tot[i] < 40 || good[i] * 100 < 95 * tot[i];

			printf("%sok %d - %s at least 95%% of at least 40 "
			    "lines\n", bad ? "not " : "", t++, langs[i]);
			fail |= bad;
		}
	}
	for (k = 0; k < n; k++)
		free(lines[k].text);
	free(lines);
	plugin_stop_all();
	conf_free(conf);
	return tap ? fail : 0;
}
