/*
 * catalog_lang.c: the texts of language detection and territory pooling,
 * in every language of catalog.c (kept apart so catalog.c stays under
 * its size).
 */
#include "config.h"

#include <string.h>

#include "catalog.h"
#include "util.h"

#define N (MSG_MAX - MSG_LANG_NAME_OC)
#define T(id) [(id) - MSG_LANG_NAME_OC]

static const struct {
	const char *lang;
	const char *text[N];
} entries[] = {
	{"fr", {
		T(MSG_LANG_NAME_OC) = "occitan",
		T(MSG_POOLED_ANSWER) = "%1$s, de l'office « %2$s » du même territoire, vous répond.",
		T(MSG_LANG_SWITCHED) = "C'est noté : nous continuons en %1$s.",
		T(MSG_LANG_SET) = "Langue de la conversation : %1$s.",
		T(MSG_LANG_USAGE) = "« %1$s » n'est pas un code de langue : !langue ca (ou fr, en, es, de, it, nl, oc...).",
	}},
	{"ca", {
		T(MSG_LANG_NAME_OC) = "occità",
		T(MSG_POOLED_ANSWER) = "%1$s, de l'oficina «%2$s» del mateix territori, us respon.",
		T(MSG_LANG_SWITCHED) = "D'acord: continuem en %1$s.",
		T(MSG_LANG_SET) = "Llengua de la conversa: %1$s.",
		T(MSG_LANG_USAGE) = "«%1$s» no és un codi de llengua: !langue ca (o fr, en, es, de, it, nl, oc...).",
	}},
	{"en", {
		T(MSG_LANG_NAME_OC) = "Occitan",
		T(MSG_POOLED_ANSWER) = "%1$s, from the \"%2$s\" office of the same area, is answering you.",
		T(MSG_LANG_SWITCHED) = "Noted: we continue in %1$s.",
		T(MSG_LANG_SET) = "Language of the conversation: %1$s.",
		T(MSG_LANG_USAGE) = "\"%1$s\" is not a language code: !langue ca (or fr, en, es, de, it, nl, oc...).",
	}},
	{"es", {
		T(MSG_LANG_NAME_OC) = "occitano",
		T(MSG_POOLED_ANSWER) = "%1$s, de la oficina «%2$s» del mismo territorio, le responde.",
		T(MSG_LANG_SWITCHED) = "De acuerdo: seguimos en %1$s.",
		T(MSG_LANG_SET) = "Idioma de la conversación: %1$s.",
		T(MSG_LANG_USAGE) = "«%1$s» no es un código de idioma: !langue ca (o fr, en, es, de, it, nl, oc...).",
	}},
	{"de", {
		T(MSG_LANG_NAME_OC) = "Okzitanisch",
		T(MSG_POOLED_ANSWER) = "%1$s vom Büro „%2$s“ derselben Region antwortet Ihnen.",
		T(MSG_LANG_SWITCHED) = "Verstanden: Wir machen auf %1$s weiter.",
		T(MSG_LANG_SET) = "Sprache des Gesprächs: %1$s.",
		T(MSG_LANG_USAGE) = "„%1$s“ ist kein Sprachcode: !langue ca (oder fr, en, es, de, it, nl, oc...).",
	}},
};

const char *
catalog_lang_text(const char *lang, enum msg id)
{
	size_t i;

	if (lang == NULL || id < MSG_LANG_NAME_OC || id >= MSG_MAX)
		return NULL;
	for (i = 0; i < nitems(entries); i++)
		if (catalog_lang_is(entries[i].lang, lang))
			return entries[i].text[id - MSG_LANG_NAME_OC];
	return NULL;
}
