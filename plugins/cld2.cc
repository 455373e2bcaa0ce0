/*
 * cld2.cc: language detection with CLD2 (Compact Language Detector 2).
 *
 * Chosen over libexttextcat because it gets short chat lines right in
 * fr/ca/en/es/de and says when it is unsure (one-word lines): see
 * PITFALLS.md. Results below min-bytes of text are never called reliable.
 * The office's languages go to CLD2 as a content-language hint (it boosts
 * them, it does not restrict to them). Linked with Debian's full tables
 * (libcld2_full, which has Occitan) when configure found them.
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
	int hints;
};

int
cld2_init(const struct accueil_host *host, const void *opts, void **state)
{
	struct cld2_state *s = new cld2_state;

	s->host = host;
	s->min_bytes = host->option_int(opts, "min-bytes");
	s->hints = (int)host->option_int(opts, "hints");
	*state = s;
	return 0;
}

void
cld2_fini(void *state)
{
	delete static_cast<struct cld2_state *>(state);
}

int
cld2_detect(void *state, const char *text, size_t len, const char *hints,
    char lang[8], int *reliable)
{
	struct cld2_state *s = static_cast<struct cld2_state *>(state);
	CLD2::CLDHints h = {NULL, NULL, CLD2::UNKNOWN_ENCODING,
	    CLD2::UNKNOWN_LANGUAGE};
	CLD2::Language l, l3[3];
	int pct3[3], text_bytes, valid;
	double score3[3];
	bool is_reliable = false;
	const char *code;

	*reliable = 0;
	lang[0] = '\0';
	if (len > 64 * 1024)
		len = 64 * 1024;
	if (s->hints && hints && *hints)
		h.content_language_hint = hints;
	l = CLD2::ExtDetectLanguageSummaryCheckUTF8(text, (int)len, true, &h,
	    0, l3, pct3, score3, NULL, &text_bytes, &is_reliable, &valid);
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
	{"hints", ACCUEIL_OPT_BOOL, 0, 0, "yes",
	    "give CLD2 the office's languages as hints"},
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
