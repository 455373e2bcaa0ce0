/*
 * langguess.c: deciding a visitor's language (langguess.h).
 *
 * The rule, measured on tests/lang/ (docs/language.md):
 *   1. The common-words model is reliable: take it (it seldom is, but
 *      then it was never wrong on the set).
 *   2. CLD2 and the words disagree between Catalan and Occitan: the
 *      words (CLD2's Occitan tables are small and close to Catalan).
 *   3. CLD2 (hinted with the office's languages) is reliable: take it,
 *      unless it names a language the office does not expect while the
 *      words point to one it does (short lines fool CLD2 that way).
 *   4. Otherwise (CLD2 unsure) the words lead for a language the office
 *      expects (not a tie): take it.
 *   5. Otherwise a guess in the browser's languages: take it.
 *   6. Otherwise unsure: the caller keeps what it had (xml:lang, the
 *      office's default) and tries again on the next message with the
 *      text of the first ones together.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "langguess.h"
#include "plugin.h"
#include "util.h"

/* 1 if code is in list (codes separated by commas or spaces). */
static int
in_list(const char *list, const char *code)
{
	size_t n = strlen(code);
	const char *p = list;

	if (list == NULL || n == 0)
		return 0;
	while (*p) {
		size_t k;

		while (*p == ',' || *p == ' ')
			p++;
		k = strcspn(p, ", -_");
		if (k == n && strncasecmp(p, code, n) == 0)
			return 1;
		p += k;
		while (*p && *p != ',' && *p != ' ')
			p++;
	}
	return 0;
}

int
langguess(const char *text, const struct lang_context *ctx, char lang[8])
{
	struct lang_opinion op[4];
	const struct lang_opinion *cld = NULL, *words = NULL;
	const char *hints = ctx ? ctx->hints : NULL;
	const char *prior = ctx ? ctx->prior : NULL;
	size_t n, i;

	lang[0] = '\0';
	if (text == NULL)
		return 0;
	n = plugin_detect_opinions(text, hints, op, nitems(op));
	for (i = 0; i < n; i++) {
		if (strcmp(op[i].plugin, "words") == 0)
			words = words ? words : &op[i];
		else if (cld == NULL || (!cld->reliable && op[i].reliable))
			cld = &op[i];	/* CLD2, or an office's own detector */
	}
	/* the common-words model is rarely sure, but then rarely wrong */
	if (words && words->reliable) {
		snprintf(lang, 8, "%s", words->lang);
		return 1;
	}
	/* Catalan and Occitan: CLD2's Occitan is weak, the words decide */
	if (cld && words && ((!strcmp(cld->lang, "ca") &&
	    !strcmp(words->lang, "oc")) || (!strcmp(cld->lang, "oc") &&
	    !strcmp(words->lang, "ca")))) {
		snprintf(lang, 8, "%s", words->lang);
		return 1;
	}
	if (cld && cld->reliable) {
		/* a language the office does not expect, where the words
		 * point to one it does: short lines fool CLD2 that way */
		if (hints && !in_list(hints, cld->lang) && words &&
		    in_list(hints, words->lang)) {
			snprintf(lang, 8, "%s", words->lang);
			return 1;
		}
		snprintf(lang, 8, "%s", cld->lang);
		return 1;
	}
	/* CLD2 unsure: the words decide when one language leads at all */
	if (words && (cld == NULL || in_list(hints, words->lang) ||
	    hints == NULL)) {
		snprintf(lang, 8, "%s", words->lang);
		return 1;
	}
	for (i = 0; i < n; i++)
		if (in_list(prior, op[i].lang)) {
			snprintf(lang, 8, "%s", op[i].lang);
			return 1;
		}
	if (words)
		snprintf(lang, 8, "%s", words->lang);
	else if (cld)
		snprintf(lang, 8, "%s", cld->lang);
	return 0;
}

/* ---- "je parle français" ---------------------------------------------- */

static const struct {
	const char *code;
	const char *names;	/* space-separated, lower case */
} lang_names[] = {
	{"fr", "français francais french francés frances francès francese "
	    "frans französisch franzosisch"},
	{"ca", "català catala catalan catalán catalano catalaans "
	    "katalanisch"},
	{"en", "english anglais inglés ingles anglès angles inglese engels "
	    "englisch"},
	{"es", "español espanol espagnol castellano castellà castella "
	    "spanish spagnolo spaans spanisch espanhòl espanhol"},
	{"de", "deutsch allemand german alemán aleman alemany tedesco duits"},
	{"it", "italiano italien italian italià italia italiaans "
	    "italienisch"},
	{"nl", "nederlands néerlandais neerlandais dutch holandés holandes "
	    "neerlandès olandese niederländisch hollandais vlaams"},
	{"oc", "occitan occità occita occitano occitaans okzitanisch "
	    "provençal provencal"},
};

/* First persons (see subject_ok() for the ambiguous ones). */
static const char verbs[] = " parle parlons parlez parlo parlem parleu "
    "parli parlam parlatz hablo hablamos speak spreche sprechen spreek "
    "spreken parliamo preferisco prefiero préfère prefereixo prefer ";
static const char negations[] = " ne n no not don't dont nicht kein keine "
    "niet geen non pas ";
static const char preps[] = " en in auf em ";

static int
word_in(const char *set, const char *w)
{
	char key[40];

	if (strlen(w) + 3 > sizeof(key))
		return 0;
	snprintf(key, sizeof(key), " %s ", w);
	return strstr(set, key) != NULL;
}

static const char *
name_code(const char *w)
{
	size_t i;

	for (i = 0; i < nitems(lang_names); i++) {
		char key[40];

		if (strlen(w) + 3 > sizeof(key))
			return NULL;
		snprintf(key, sizeof(key), " %s ", w);
		{
			char names[160];

			snprintf(names, sizeof(names), " %s ",
			    lang_names[i].names);
			if (strstr(names, key))
				return lang_names[i].code;
		}
	}
	return NULL;
}

#define CLAIM_MAX_WORDS 16

/* "parle" and "speak" are also third persons and questions ("le guide
 * parle anglais ?", "does the guide speak English?"): they need "je" or
 * "I"/"we" just before (or before "ne"). */
static int
subject_ok(char *const *w, size_t i)
{
	const char *subj;
	size_t k = i;

	if (strcmp(w[i], "parle") == 0)
		subj = " je j ";
	else if (strcmp(w[i], "speak") == 0)
		subj = " i we ";
	else
		return 1;
	if (k > 0 && strcmp(w[k - 1], "ne") == 0)
		k--;
	return k > 0 && word_in(subj, w[k - 1]);
}

int
langguess_claim(const char *text, char lang[8])
{
	char buf[200], *w[CLAIM_MAX_WORDS], *p;
	size_t n = 0, i, k;

	lang[0] = '\0';
	if (text == NULL || strlen(text) >= sizeof(buf))
		return 0;
	/* lower-case ASCII and Latin-1 capitals, split on what is not a
	 * letter or an apostrophe */
	snprintf(buf, sizeof(buf), "%s", text);
	for (p = buf; *p; p++) {
		unsigned char c = (unsigned char)*p;

		if (c >= 'A' && c <= 'Z')
			*p = (char)(c + 32);
		else if (c == 0xc3 && p[1] && (unsigned char)p[1] <= 0x9e &&
		    (unsigned char)p[1] >= 0x80) {
			p[1] = (char)((unsigned char)p[1] + 0x20);
			p++;
		} else if (c < 0x80 && !isalpha(c) && c != '\'')
			*p = ' ';
		else if (c == 0xc2 && p[1]) {
			/* ¿ ¡ « » ... */
			p[0] = p[1] = ' ';
			p++;
		}
	}
	for (p = strtok(buf, " "); p && n < CLAIM_MAX_WORDS;
	    p = strtok(NULL, " "))
		w[n++] = p;
	if (p != NULL)
		return 0;	/* a long message is a question, not a claim */
	for (i = 0; i < n; i++) {
		const char *code;

		if (word_in(verbs, w[i]) && subject_ok(w, i)) {
			int negated = (i > 0 && word_in(negations, w[i - 1])) ||
			    (i > 1 && word_in(negations, w[i - 2])) ||
			    (i + 1 < n && word_in(negations, w[i + 1]));

			for (k = i + 1; !negated && k < n && k <= i + 3; k++)
				if ((code = name_code(w[k])) != NULL) {
					snprintf(lang, 8, "%s", code);
					return 1;
				}
		}
		/* "en català, si us plau", "in English please": short lines */
		if (n <= 6 && word_in(preps, w[i])) {
			for (k = i + 1; k < n && k <= i + 2; k++)
				if ((code = name_code(w[k])) != NULL) {
					snprintf(lang, 8, "%s", code);
					return 1;
				}
		}
	}
	return 0;
}
