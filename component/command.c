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
};

enum command
command_parse(const char *body, const char **arg)
{
	const char *p = body, *w;
	size_t n, i;

	while (*p && isspace((unsigned char)*p))
		p++;
	if (*p != '/') {
		*arg = body;
		return CMD_NONE;
	}
	if (p[1] == '/') {
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
	return CMD_UNKNOWN;
}
