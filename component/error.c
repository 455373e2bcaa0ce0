/*
 * error.c: messages for enum accueil_err.
 */
#include "config.h"

#include <stddef.h>

#include "error.h"

static const char *const messages[ACCUEIL_ERR_MAX] = {
	[ACCUEIL_OK] = "success",
	[ACCUEIL_ENOMEM] = "out of memory",
	[ACCUEIL_EIO] = "input/output error",
	[ACCUEIL_ECONFIG] = "invalid configuration",
	[ACCUEIL_ESTORE] = "database error",
	[ACCUEIL_ESCHEMA] = "database schema is newer than this accueild",
	[ACCUEIL_EINVAL] = "invalid input",
	[ACCUEIL_ENOTFOUND] = "not found",
	[ACCUEIL_EEXIST] = "already exists",
	[ACCUEIL_ECONFLICT] = "conflict: someone else got there first",
	[ACCUEIL_ELINK] = "not connected to the XMPP server",
	[ACCUEIL_EPLUGIN] = "plugin error",
};

const char *
accueil_strerror(enum accueil_err err)
{
	if ((int)err < 0 || err >= ACCUEIL_ERR_MAX || messages[err] == NULL)
		return "unknown error";
	return messages[err];
}
