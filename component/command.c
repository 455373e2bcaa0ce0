/*
 * command.c: parsing of counsellor commands.
 */
#include "config.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "command.h"
#include "util.h"

static const struct {
	const char *name;
	enum command cmd;
} names[] = {
	{"aide", CMD_HELP},
	{"help", CMD_HELP},
	{"note", CMD_NOTE},
	{"fin", CMD_CLOSE},
	{"close", CMD_CLOSE},
	{"non", CMD_DECLINE},
	{"no", CMD_DECLINE},
	{"pause", CMD_PAUSE},
	{"reprise", CMD_RESUME},
	{"resume", CMD_RESUME},
	{"transfert", CMD_TRANSFER},
	{"transfer", CMD_TRANSFER},
	{"r", CMD_CANNED},
	{"demandes", CMD_REQUESTS},
	{"requests", CMD_REQUESTS},
	{"prendre", CMD_TAKE},
	{"take", CMD_TAKE},
	{"repondre", CMD_ANSWER},
	{"r\xc3\xa9pondre", CMD_ANSWER},
	{"answer", CMD_ANSWER},
	{"visio", CMD_VIDEO},
	{"video", CMD_VIDEO},
	{"rdv", CMD_APPOINTMENTS},
	{"appointments", CMD_APPOINTMENTS},
	{"annuler", CMD_CANCEL},
	{"cancel", CMD_CANCEL},
	{"deplacer", CMD_RESCHEDULE},
	{"d\xc3\xa9placer", CMD_RESCHEDULE},
	{"reschedule", CMD_RESCHEDULE},
	{"conversations", CMD_LIVE},
	{"live", CMD_LIVE},
	{"suivre", CMD_WATCH},
	{"watch", CMD_WATCH},
	{"arreter", CMD_UNWATCH},
	{"arr\xc3\xaater", CMD_UNWATCH},
	{"stop", CMD_UNWATCH},
	{"unwatch", CMD_UNWATCH},
	{"reprendre", CMD_TAKEOVER},
	{"takeover", CMD_TAKEOVER},
	{"langue", CMD_LANG},
	{"lang", CMD_LANG},
	{"language", CMD_LANG},
};

enum command
command_parse(const char *body, const char **arg)
{
	const char *p = body, *w;
	char prefix;
	size_t n, i;

	while (*p && isspace((unsigned char)*p))
		p++;
	/*
	 * '!' works like '/': some clients (Profanity) take every line that
	 * starts with '/' as one of their own commands. A '!' not followed
	 * by a known command is just text ("! super").
	 */
	prefix = *p;
	if (prefix != '/' && prefix != '!') {
		*arg = body;
		return CMD_NONE;
	}
	if (p[1] == prefix) {
		*arg = p + 1;
		return CMD_NONE;
	}
	w = ++p;
	while (*p && !isspace((unsigned char)*p))
		p++;
	n = (size_t)(p - w);
	while (*p && isspace((unsigned char)*p))
		p++;
	*arg = p;
	for (i = 0; i < nitems(names); i++)
		if (strlen(names[i].name) == n &&
		    strncasecmp(names[i].name, w, n) == 0)
			return names[i].cmd;
	*arg = body;
	return prefix == '!' ? CMD_NONE : CMD_UNKNOWN;
}
