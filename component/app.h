/*
 * app.h: the daemon's state, handed to every handler.
 *
 * One instance lives in main.c. conf changes on reload (SIGHUP); handlers
 * must not keep pointers into it across loop iterations.
 */
#ifndef ACCUEIL_APP_H
#define ACCUEIL_APP_H

#include <time.h>

#include <strophe.h>

struct conf;
struct store;
struct link;

struct app {
	struct conf *conf;
	struct store *store;
	struct link *link;
	xmpp_ctx_t *ctx;
	time_t started;
	int reload_requested;	/* set by the admin command; main reloads */
};

#endif
