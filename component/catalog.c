/*
 * catalog.c: the texts, in French, Catalan, English, Spanish and German.
 *
 * Tone follows the field (seeds/): "vous", no familiarity, and a robot
 * always says it is one.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "catalog.h"
#include "util.h"

const char *const catalog_langs[] = {"fr", "ca", "en", "es", "de", NULL};

struct entry {
	const char *lang;
	const char *text[MSG_MAX];
};

static const struct entry entries[] = {
	{"fr", {
		[MSG_OFFICE_OPEN] = "Chat ouvert : un conseiller vous répond.",
		[MSG_OFFICE_CLOSED] = "Chat fermé. Réouverture %s.",
		[MSG_OFFICE_CLOSED_NO_DATE] = "Chat fermé pour le moment.",
		[MSG_WEEKDAY_0] = "dimanche",
		[MSG_WEEKDAY_1] = "lundi",
		[MSG_WEEKDAY_2] = "mardi",
		[MSG_WEEKDAY_3] = "mercredi",
		[MSG_WEEKDAY_4] = "jeudi",
		[MSG_WEEKDAY_5] = "vendredi",
		[MSG_WEEKDAY_6] = "samedi",
		[MSG_DATE_AT] = "%1$s %2$d à %3$02d:%4$02d",
	}},
	{"ca", {
		[MSG_OFFICE_OPEN] = "Xat obert: un assessor us respon.",
		[MSG_OFFICE_CLOSED] = "Xat tancat. Tornem a obrir %s.",
		[MSG_OFFICE_CLOSED_NO_DATE] = "Xat tancat de moment.",
		[MSG_WEEKDAY_0] = "diumenge",
		[MSG_WEEKDAY_1] = "dilluns",
		[MSG_WEEKDAY_2] = "dimarts",
		[MSG_WEEKDAY_3] = "dimecres",
		[MSG_WEEKDAY_4] = "dijous",
		[MSG_WEEKDAY_5] = "divendres",
		[MSG_WEEKDAY_6] = "dissabte",
		[MSG_DATE_AT] = "%1$s %2$d a les %3$02d:%4$02d",
	}},
	{"en", {
		[MSG_OFFICE_OPEN] = "Chat open: an advisor will answer you.",
		[MSG_OFFICE_CLOSED] = "Chat closed. Opens again %s.",
		[MSG_OFFICE_CLOSED_NO_DATE] = "Chat closed for now.",
		[MSG_WEEKDAY_0] = "Sunday",
		[MSG_WEEKDAY_1] = "Monday",
		[MSG_WEEKDAY_2] = "Tuesday",
		[MSG_WEEKDAY_3] = "Wednesday",
		[MSG_WEEKDAY_4] = "Thursday",
		[MSG_WEEKDAY_5] = "Friday",
		[MSG_WEEKDAY_6] = "Saturday",
		[MSG_DATE_AT] = "%1$s %2$d at %3$02d:%4$02d",
	}},
	{"es", {
		[MSG_OFFICE_OPEN] = "Chat abierto: un asesor le responde.",
		[MSG_OFFICE_CLOSED] = "Chat cerrado. Volvemos a abrir el %s.",
		[MSG_OFFICE_CLOSED_NO_DATE] = "Chat cerrado por el momento.",
		[MSG_WEEKDAY_0] = "domingo",
		[MSG_WEEKDAY_1] = "lunes",
		[MSG_WEEKDAY_2] = "martes",
		[MSG_WEEKDAY_3] = "miércoles",
		[MSG_WEEKDAY_4] = "jueves",
		[MSG_WEEKDAY_5] = "viernes",
		[MSG_WEEKDAY_6] = "sábado",
		[MSG_DATE_AT] = "%1$s %2$d a las %3$02d:%4$02d",
	}},
	{"de", {
		[MSG_OFFICE_OPEN] = "Chat geöffnet: eine Beraterin oder ein "
		    "Berater antwortet Ihnen.",
		[MSG_OFFICE_CLOSED] = "Chat geschlossen. Wieder geöffnet %s.",
		[MSG_OFFICE_CLOSED_NO_DATE] = "Chat zurzeit geschlossen.",
		[MSG_WEEKDAY_0] = "Sonntag",
		[MSG_WEEKDAY_1] = "Montag",
		[MSG_WEEKDAY_2] = "Dienstag",
		[MSG_WEEKDAY_3] = "Mittwoch",
		[MSG_WEEKDAY_4] = "Donnerstag",
		[MSG_WEEKDAY_5] = "Freitag",
		[MSG_WEEKDAY_6] = "Samstag",
		[MSG_DATE_AT] = "%1$s, %2$d., %3$02d:%4$02d Uhr",
	}},
};

static const struct entry *
find(const char *lang)
{
	size_t i;

	for (i = 0; lang && i < nitems(entries); i++)
		if (strncmp(entries[i].lang, lang, 2) == 0 &&
		    (lang[2] == '\0' || lang[2] == '-' || lang[2] == '_'))
			return &entries[i];
	return NULL;
}

int
catalog_has_lang(const char *lang)
{
	return find(lang) != NULL;
}

const char *
catalog_text(const char *lang, enum msg id)
{
	const struct entry *e = find(lang);

	if ((int)id < 0 || id >= MSG_MAX)
		return "";
	if (e && e->text[id])
		return e->text[id];
	if ((e = find("en")) && e->text[id])
		return e->text[id];
	if ((e = find("fr")) && e->text[id])
		return e->text[id];
	return "";
}

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
char *
catalog_format(char *buf, size_t size, const char *lang, enum msg id, ...)
{
	va_list ap;

	va_start(ap, id);
	vsnprintf(buf, size, catalog_text(lang, id), ap);
	va_end(ap);
	return buf;
}
#pragma GCC diagnostic pop
