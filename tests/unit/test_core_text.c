/*
 * test_core_text.c: the small text readers of the conversation core:
 * the survey's rating (survey_parse), the contact an offline visitor
 * leaves (offline_find_contact), whole words for the editorial hints
 * (coach_has_word) and primary language subtags (lang_primary).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "plugins/coach.h"
#include "lang.h"
#include "offline.h"
#include "survey.h"
#include "tap.h"

static void
rating(const char *text, int want, const char *want_comment)
{
	const char *comment = NULL;
	int got = survey_parse(text, &comment);

	ok(got == want && comment != NULL &&
	        (want_comment == NULL || strcmp(comment, want_comment) == 0),
	    "survey_parse(\"%s\") = %d%s%s%s", text ? text : "NULL", want,
	    want_comment ? ", comment \"" : "",
	    want_comment ? want_comment : "", want_comment ? "\"" : "");
	if (got != want || comment == NULL ||
	    (want_comment && strcmp(comment, want_comment) != 0))
		diag("got %d, comment \"%s\"", got,
		    comment ? comment : "(null)");
}

static void
test_survey(void)
{
	rating("4", 4, "");
	rating("4 merci", 4, "merci");
	rating("4/5 super", 4, "super");
	rating(" 5 ", 5, "");
	rating("5/5", 5, "");
	rating("4 / 5", 4, "");
	rating("4, merci beaucoup", 4, "merci beaucoup");
	rating("3. Bien, sans plus", 3, "Bien, sans plus");
	rating("\t2 - trop d'attente", 2, "trop d'attente");
	rating("1!", 1, "");
	rating("5 5 étoiles", 5, "étoiles");
	rating("10", 0, "");
	rating("45", 0, "");
	rating("0", 0, "");
	rating("6", 0, "");
	rating("", 0, "");
	rating("   ", 0, "");
	rating("merci", 0, "");
	rating("Très bien, 5", 0, "");
	rating("-4", 0, "");
	rating(NULL, 0, "");
	/*
	 * BUG (survey.c:61-69): the code says it reads "4 sur 5" and "not
	 * '3 nuits'", but "4 sur 5" keeps "sur 5" as the comment and
	 * "3 nuits à Cahors" (a question after the end) is taken for a
	 * rating of 3, which closes the conversation on the visitor's
	 * question. See the report for the proposed patch.
	 */
	rating("4 sur 5", 4, "");
	rating("3 nuits à Cahors", 0, "");
	rating("2 personnes", 0, "");
	rating("4 étoiles", 4, "étoiles");
}

static void
contact(const char *visitor, const char *text, const char *want,
    const char *want_kind)
{
	const char *kind = NULL;
	char *got = offline_find_contact(visitor, text, &kind);
	int good = want ? got && strcmp(got, want) == 0 && kind &&
	                      strcmp(kind, want_kind) == 0
	                : got == NULL;

	ok(good, "contact in \"%s\": %s%s%s", text, want ? want : "none",
	    want ? " " : "", want ? want_kind : "");
	if (!good)
		diag(
		    "got %s (%s)", got ? got : "none", got && kind ? kind : "");
	free(got);
}

static void
test_contact(void)
{
	const char *v = "Ana@Ex.org/phone";

	contact(v, "ana.dupont@example.fr", "ana.dupont@example.fr", "email");
	contact(v, "Mon mail : ana.dupont@example.fr, merci !",
	    "ana.dupont@example.fr", "email");
	contact(
	    v, "(ana.dupont@example.fr).", "ana.dupont@example.fr", "email");
	contact(v, "<ana.dupont@example.fr>", "ana.dupont@example.fr", "email");
	contact(
	    v, "\"ana.dupont@example.fr\";", "ana.dupont@example.fr", "email");
	contact(v, "écrivez à ana@example.fr?", "ana@example.fr", "email");
	contact(v, "xmpp:bob@jabber.example", "bob@jabber.example", "xmpp");
	contact(v, "sur xmpp:bob@jabber.example, svp", "bob@jabber.example",
	    "xmpp");
	contact(v, "XMPP:bob@jabber.example.", "bob@jabber.example", "xmpp");
	contact(v, "ici", "Ana@Ex.org", "xmpp");
	contact(v, "Ici !", "Ana@Ex.org", "xmpp");
	contact(v, "here.", "Ana@Ex.org", "xmpp");
	contact(v, "HERE", "Ana@Ex.org", "xmpp");
	contact(v, "aquí", "Ana@Ex.org", "xmpp");
	contact(v, "répondez-moi (ici)", "Ana@Ex.org", "xmpp");
	contact(v, "ana@ex.org", "ana@ex.org", "xmpp");
	contact(NULL, "ici", NULL, NULL);
	contact(v, "", NULL, NULL);
	contact(v, "   ", NULL, NULL);
	contact(v, "merci, je rappellerai", NULL, NULL);
	contact(v, "@example.fr", NULL, NULL);
	contact(v, "ana@localhost", NULL, NULL);
	contact(v, "ana.dupont@", NULL, NULL);
	contact(v, "xmpp:", NULL, NULL);
	contact(v, "... !!! ,,,", NULL, NULL);
	/* the first contact wins */
	contact(v, "bob@jabber.example ou ana@example.fr", "bob@jabber.example",
	    "email");
	/*
	 * BUG (offline.c:61-74): an XMPP URI with a resource is refused as
	 * XMPP, then taken as an e-mail address "xmpp:bob@.../phone".
	 */
	contact(
	    v, "xmpp:bob@jabber.example/phone", "bob@jabber.example", "xmpp");
}

static void
word(const char *text, const char *w, int want)
{
	int got = coach_has_word(text, w);

	ok(got == want, "coach_has_word(\"%s\", \"%s\") = %d", text, w, want);
	if (got != want)
		diag("got %d", got);
}

static void
test_words(void)
{
	word("Bonjour, tu vas bien ?", "tu", 1);
	word("Tu veux un plan ?", "tu", 1);
	word("Comment vas-tu ?", "tu", 1);
	word("Et toi ?", "toi", 1);
	word("C'est ton sac", "ton", 1);
	word("tu", "tu", 1);
	word("TU", "tu", 1);
	word("une tulipe", "tu", 0);
	word("statut", "tu", 0);
	word("battu", "tu", 0);
	word("tu2", "tu", 0);
	word("tu'", "tu", 0);
	word("", "tu", 0);
	word("Le tonneau", "ton", 0);
	word("Vous avez un plan", "tu", 0);
	word("(tes)", "tes", 1);
	word("Ana", "ana", 1);
	word("Anaïs", "ana", 0);
	/*
	 * BUG (hints.c:31-33): a byte of a UTF-8 letter counts as a word
	 * boundary, so "tes" is found in "Vous êtes" (the very "vous" the
	 * hint asks for), "tu" in "vêtu" and "tué".
	 */
	word("Vous êtes à Cahors ?", "tes", 0);
	word("Où êtes-vous ?", "tes", 0);
	word("Vous êtes bien vêtu", "tu", 0);
	word("Il s'est tué", "tu", 0);
	/* French typography: a no-break space before "?" is still a space */
	word("Comment vas-tu\xc2\xa0?", "tu", 1);
	word("\xc2\xabtu\xc2\xbb", "tu", 1);
}

static void
primary(const char *tag, const char *want)
{
	char *got = lang_primary(tag);
	int good = want ? got && strcmp(got, want) == 0 : got == NULL;

	ok(good, "lang_primary(%s%s%s) = %s", tag ? "\"" : "",
	    tag ? tag : "NULL", tag ? "\"" : "", want ? want : "NULL");
	if (!good)
		diag("got %s", got ? got : "NULL");
	free(got);
}

static void
test_lang(void)
{
	primary("fr-FR", "fr");
	primary("ca", "ca");
	primary("en_GB", "en");
	primary("EN-gb", "en");
	primary("ast", "ast");
	primary("zh-Hant-TW", "zh");
	primary("x", NULL);
	primary("toolong", NULL);
	primary("fren", NULL);
	primary("", NULL);
	primary("fr1", NULL);
	primary("fr.UTF-8", NULL);
	primary("-fr", NULL);
	primary("i-klingon", NULL);
	primary(NULL, NULL);
	is_str(lang_name_in("fr", "en"), "anglais",
	    "lang_name_in: English "
	    "in French");
	is_str(lang_name_in("fr", "xx"), "xx",
	    "an unknown code is its own "
	    "name");
	is_str(lang_name_in("fr", NULL), "?", "no code: ?");
}

int
main(void)
{
	test_survey();
	test_contact();
	test_words();
	test_lang();
	return tap_done();
}
