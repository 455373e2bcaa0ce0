/*
 * lang.c: language tags and who speaks what (lang.h).
 */
#include "config.h"

#include <ctype.h>
#include <string.h>

#include "app.h"
#include "catalog.h"
#include "conf.h"
#include "lang.h"
#include "util.h"

char *
lang_primary(const char *tag)
{
	char buf[8];
	size_t i;

	if (tag == NULL)
		return NULL;
	for (i = 0; i < sizeof(buf) - 1 && isalpha((unsigned char)tag[i]); i++)
		buf[i] = (char)tolower((unsigned char)tag[i]);
	buf[i] = '\0';
	if (i < 2 || i > 3 || (tag[i] && tag[i] != '-' && tag[i] != '_'))
		return NULL;
	return xstrdup(buf);
}

const char *
lang_name_in(const char *reader, const char *code)
{
	static const struct {
		const char *code;
		enum msg m;
	} names[] = {
		{"fr", MSG_LANG_NAME_FR}, {"en", MSG_LANG_NAME_EN},
		{"ca", MSG_LANG_NAME_CA}, {"es", MSG_LANG_NAME_ES},
		{"de", MSG_LANG_NAME_DE}, {"it", MSG_LANG_NAME_IT},
		{"nl", MSG_LANG_NAME_NL}, {"pt", MSG_LANG_NAME_PT},
		{"oc", MSG_LANG_NAME_OC},
	};
	size_t i;

	for (i = 0; code && i < nitems(names); i++)
		if (strcmp(names[i].code, code) == 0)
			return catalog_text(reader, names[i].m);
	return code ? code : "?";
}

int
lang_office_speaks(struct app *app, const struct conf_office *o,
    const char *lang)
{
	size_t i;

	if (o == NULL || lang == NULL || !strlist_has(&o->languages, lang))
		return 0;
	for (i = 0; i < app->conf->ncounsellors; i++) {
		const struct conf_counsellor *c = &app->conf->counsellors[i];

		if (strlist_has(&c->offices, o->id) &&
		    strlist_has(&c->languages, lang))
			return 1;
	}
	return 0;
}
