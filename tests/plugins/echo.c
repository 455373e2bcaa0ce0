/*
 * echo.c: an event plugin built as a shared object by "make check", for
 * test_coach.py: it answers a counsellor's line holding "ping-plugin"
 * with a private hint. Built with -DECHO_ABI=99 it claims a foreign ABI,
 * which accueild must refuse. It includes plugin_events.h and nothing
 * else of accueil's, as any plugin built outside the tree would.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plugin_events.h"

#ifndef ECHO_ABI
#define ECHO_ABI ACCUEIL_EV_ABI
#endif

struct echo {
	const struct accueil_ev_host *api;
	void *host;
	long events;
};

static void *
start(const struct accueil_ev_host *api, void *host)
{
	struct echo *e = calloc(1, sizeof(*e));

	if (e) {
		e->api = api;
		e->host = host;
		api->log_info("echo: started (host ABI %d)", api->abi);
	}
	return e;
}

static void
event(void *state, const struct accueil_ev *ev)
{
	struct echo *e = state;
	char text[256];

	if (e == NULL)
		return;
	e->events++;
	if (ev->kind != ACCUEIL_EV_COUNSELLOR_TEXT || ev->text == NULL ||
	    strstr(ev->text, "ping-plugin") == NULL || !ev->plugin_on)
		return;
	snprintf(text, sizeof(text), "pong from the echo plugin (office %s, "
	    "language %s, %ld events)", ev->office, ev->lang, e->events);
	e->api->hint(e->host, ev->conv, ev->counsellor, text);
}

static void
stop(void *state)
{
	free(state);
}

const struct accueil_ev_plugin accueil_ev_plugin = {
	.abi = ECHO_ABI,
	.name = "echo",
	.start = start,
	.event = event,
	.stop = stop,
};
