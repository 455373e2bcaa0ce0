/*
 * test_lang.c: what the visitor says about their language
 * (langguess_claim), the decision on a few lines, and the <territory>
 * configuration (pooled, closed-handover) with its errors.
 */
#include "config.h"

#include <string.h>

#include "conf.h"
#include "langguess.h"
#include "log.h"
#include "plugin.h"
#include "tap.h"
#include "territory.h"

#define HEAD "<accueil>\n<server host='127.0.0.1' secret-file='s'/>\n" \
    "<component domain='a.example' muc='m.example'/>\n" \
    "<database path='db'/>\n<bot id='adam' name='Adam'/>\n"

static struct conf *
load(const char *xml, struct conf_errors *errs)
{
	return conf_load_buffer("t.xml", "/tmp", xml, strlen(xml), 0, errs);
}

static int
has_error(const struct conf_errors *errs, const char *needle)
{
	size_t i;

	for (i = 0; i < errs->msgs.n; i++)
		if (strstr(errs->msgs.v[i], needle))
			return 1;
	return 0;
}

static void
claims(void)
{
	static const struct {
		const char *text, *lang;
	} yes[] = {
		{"je parle français", "fr"},
		{"Perdó, parlo català", "ca"},
		{"PARLO CATALÀ", "ca"},
		{"hablo español, por favor", "es"},
		{"I speak English", "en"},
		{"in English please", "en"},
		{"Ich spreche Deutsch", "de"},
		{"ik spreek Nederlands", "nl"},
		{"parli occitan", "oc"},
		{"en català, si us plau", "ca"},
		{"no parlo francès, parlo català", "ca"},
		{"Bonjour, je parle anglais", "en"},
		{"Parlez-vous anglais ?", "en"},
	};
	static const char *const no[] = {
		"je ne parle pas français",
		"I don't speak English",
		"ich spreche kein Deutsch",
		"Le guide parle anglais ?",
		"Does the guide speak English?",
		"Bonjour, le musée est-il ouvert le lundi ?",
		"Le guide parle-t-il anglais et espagnol pendant la visite de "
		    "l'abbaye, et faut-il réserver longtemps à l'avance pour "
		    "un groupe ?",
		"",
	};
	char lang[8];
	size_t i;

	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		ok(langguess_claim(yes[i].text, lang) &&
		    strcmp(lang, yes[i].lang) == 0, "claim \"%s\" = %s (%s)",
		    yes[i].text, yes[i].lang, lang);
	for (i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		ok(!langguess_claim(no[i], lang), "no claim in \"%.40s\"",
		    no[i]);
	ok(!langguess_claim(NULL, lang), "no claim in NULL");
}

static void
decisions(void)
{
	struct lang_context ctx = {"fr,ca,en,es,oc", NULL};
	char lang[8];

	ok(langguess("Bon dia, el museu és obert els dilluns?", &ctx, lang) &&
	    strcmp(lang, "ca") == 0, "a Catalan line is Catalan (%s)", lang);
	ok(langguess("Bonjorn, lo musèu es dobèrt lo diluns?", &ctx, lang) &&
	    strcmp(lang, "oc") == 0, "an Occitan line is Occitan (%s)", lang);
	ok(!langguess("ok", &ctx, lang), "\"ok\" is unsure (%s)", lang);
	ok(!langguess(NULL, &ctx, lang) && lang[0] == '\0',
	    "no text, no decision");
}

static void
territories(void)
{
	static const char good[] = HEAD
	    "<office id='a' name='A' timezone='UTC' languages='fr ca' bot='adam'"
	    " closed-handover='yes'/>\n"
	    "<office id='b' name='B' timezone='UTC' languages='fr ca' bot='adam'/>\n"
	    "<office id='c' name='C' timezone='UTC' languages='fr' bot='adam'/>\n"
	    "<territory id='t' offices='a b'/>\n"
	    "<counsellor jid='x@e.org' persona='x' name='X' languages='ca' "
	    "offices='b' pooled='yes'/>\n"
	    "<counsellor jid='y@e.org' persona='y' name='Y' languages='ca' "
	    "offices='b'/>\n"
	    "</accueil>\n";
	static const char badbool[] = HEAD
	    "<office id='a' name='A' timezone='UTC' languages='fr' bot='adam'"
	    " closed-handover='maybe'/>\n"
	    "</accueil>\n";
	static const char bad[] = HEAD
	    "<office id='a' name='A' timezone='UTC' languages='fr' bot='adam'/>\n"
	    "<office id='b' name='B' timezone='UTC' languages='fr' bot='adam'/>\n"
	    "<territory id='t' offices='a nowhere'/>\n"
	    "<territory id='u' offices='a'/>\n"
	    "</accueil>\n";
	struct conf_errors errs = {0};
	struct conf *c = load(good, &errs);
	char *h;

	ok(c != NULL && errs.msgs.n == 0, "a territory loads");
	if (c) {
		const struct conf_office *a = conf_office(c, "a");
		const struct conf_office *b = conf_office(c, "b");

		ok(a->closed_handover == 1 && b->closed_handover == 0,
		    "closed-handover: yes, and no by default");
		ok(territory_of(c, "a") && territory_of(c, "c") == NULL,
		    "a is in t, c in no territory");
		ok(territory_pooled_for(c, &c->counsellors[0], a) &&
		    !territory_pooled_for(c, &c->counsellors[1], a) &&
		    !territory_pooled_for(c, &c->counsellors[0], b),
		    "pooled for the other offices only, and only if pooled");
		ok(territory_speaks(c, a, "ca") && !territory_speaks(c, a, "en"),
		    "the territory speaks ca for a, not en");
		ok(strcmp(territory_answering(c, &c->counsellors[0], "a"),
		    "b") == 0, "x answers for b");
		h = territory_hints(c, a);
		ok(strcmp(h, "fr,ca") == 0, "hints: %s", h);
		free(h);
		conf_free(c);
	}
	conf_errors_free(&errs);
	c = load(badbool, &errs);
	ok(c == NULL && has_error(&errs, "closed-handover=\"maybe\">: "
	    "expected yes or no"), "closed-handover must be yes or no");
	conf_errors_free(&errs);
	c = load(bad, &errs);
	ok(c == NULL, "a bad territory is refused");
	ok(has_error(&errs, "office \"nowhere\" is not declared"),
	    "an undeclared office is named");
	ok(has_error(&errs, "office \"a\" is already in territory \"t\""),
	    "an office in two territories is refused");
	ok(has_error(&errs, "a territory needs at least two offices"),
	    "a territory of one office is refused");
	conf_errors_free(&errs);
}

int
main(void)
{
	struct conf_errors errs = {0};
	struct conf *c;

	log_init(1, LOG_LEVEL_ERROR);
	c = load(HEAD "<office id='x' name='X' timezone='UTC' languages='fr' "
	    "bot='adam'/>\n</accueil>\n", &errs);
	conf_errors_free(&errs);
	ok(c && plugin_start_all(c) == 0, "detectors start");
	claims();
	decisions();
	territories();
	plugin_stop_all();
	conf_free(c);
	return tap_done();
}
