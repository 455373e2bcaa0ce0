/*
 * test_command.c: counsellor commands, in French and English.
 */
#include "config.h"

#include <string.h>

#include "command.h"
#include "tap.h"

static void
check(const char *body, enum command want, const char *want_arg)
{
	const char *arg = NULL;
	enum command got = command_parse(body, &arg);

	ok(got == want && arg && strcmp(arg, want_arg) == 0,
	    "\"%s\" -> %d \"%s\"", body, (int)want, want_arg);
	if (got != want || arg == NULL || strcmp(arg, want_arg) != 0)
		diag("got %d \"%s\"", (int)got, arg ? arg : "(null)");
}

int
main(void)
{
	check("Bonjour !", CMD_NONE, "Bonjour !");
	check("/aide", CMD_HELP, "");
	check("/help", CMD_HELP, "");
	check("  /AIDE  ", CMD_HELP, "");
	check("/fin", CMD_CLOSE, "");
	check("/close", CMD_CLOSE, "");
	check("/note rappeler demain", CMD_NOTE, "rappeler demain");
	check("/note", CMD_NOTE, "");
	check("/finir", CMD_UNKNOWN, "/finir");
	check("/", CMD_UNKNOWN, "/");
	check("//fin est un mot", CMD_NONE, "/fin est un mot");
	check("a /fin", CMD_NONE, "a /fin");
	check("", CMD_NONE, "");
	check("!fin", CMD_CLOSE, "");
	check("!note rappel", CMD_NOTE, "rappel");
	check("! super", CMD_NONE, "! super");
	check("!wow", CMD_NONE, "!wow");
	check("!!fin", CMD_NONE, "!fin");
	check("/visio", CMD_VIDEO, "");
	check("/transfert ca", CMD_TRANSFER, "ca");
	return tap_done();
}
