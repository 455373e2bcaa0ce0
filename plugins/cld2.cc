/*
 * cld2.cc: language detection with CLD2 (Compact Language Detector 2).
 *
 * Chosen over libexttextcat because it gets short chat lines right in
 * fr/ca/en/es/de and says when it is unsure (one-word lines): see
 * PITFALLS.md. Results below min-bytes of text are never called reliable.
 */
#include "config.h"

#include <cstdio>
#include <cstring>

#include <cld2/public/compact_lang_det.h>
#include <cld2/public/encodings.h>

extern "C" {
#include "component/plugin.h"
}

namespace {

struct cld2_state {
	const struct accueil_host *host;
	long min_bytes;
};

int
cld2_init(const struct accueil_host *host, const void *opts, void **state)
{
	struct cld2_state *s = new cld2_state;

	s->host = host;
	s->min_bytes = host->option_int(opts, "min-bytes");
	*state = s;
	return 0;
}

void
cld2_fini(void *state)
{
	delete static_cast<struct cld2_state *>(state);
}

int
cld2_detect(void *state, const char *text, size_t len, char lang[8],
    int *reliable)
{
	struct cld2_state *s = static_cast<struct cld2_state *>(state);
	bool is_reliable = false;
	CLD2::Language l;
	const char *code;

	*reliable = 0;
	lang[0] = '\0';
	if (len > 64 * 1024)
		len = 64 * 1024;
	l = CLD2::DetectLanguage(text, (int)len, true, &is_reliable);
	if (l == CLD2::UNKNOWN_LANGUAGE)
		return -1;
	code = CLD2::LanguageCode(l);
	if (code == NULL || strlen(code) > 7)
		return -1;
	strcpy(lang, code);
	*reliable = is_reliable && (long)len >= s->min_bytes;
	return 0;
}

const struct accueil_plugin_option cld2_options[] = {
	{"min-bytes", ACCUEIL_OPT_INT, 1, 1000, "12",
	    "texts shorter than this are never trusted"},
	{NULL, (enum accueil_option_type)0, 0, 0, NULL, NULL},
};

const struct accueil_langdetect_ops cld2_ops = {cld2_detect};

} // namespace

extern "C" const struct accueil_plugin accueil_plugin_cld2 = {
	"cld2",
	ACCUEIL_PLUGIN_ABI,
	ACCUEIL_PLUGIN_LANGDETECT,
	"language detection with CLD2",
	cld2_options,
	cld2_init,
	cld2_fini,
	{&cld2_ops},
};
