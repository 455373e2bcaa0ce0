/*
 * plugin_events.h: the API of event plugins, which hear what happens in
 * conversations and may whisper hints to counsellors.
 *
 * Self-contained on purpose: an event plugin includes this file and
 * nothing else of accueil's, so it can be built outside the tree and
 * loaded as a shared object (<plugin-file path="..."/> in the
 * configuration). A shared object exports one symbol,
 * ACCUEIL_EV_PLUGIN_SYMBOL, a struct accueil_ev_plugin whose abi must be
 * ACCUEIL_EV_ABI: accueild refuses to start otherwise and says why.
 * Built-in event plugins (the editorial coach) use the same API.
 *
 * Everything runs on the daemon's loop thread; an event and what it
 * points to are valid for the call only.
 */
#ifndef ACCUEIL_PLUGIN_EVENTS_H
#define ACCUEIL_PLUGIN_EVENTS_H

#include <stdint.h>

#define ACCUEIL_EV_ABI 1
#define ACCUEIL_EV_PLUGIN_SYMBOL "accueil_ev_plugin"

enum accueil_ev_kind {
	ACCUEIL_EV_OFFERED = 1,	/* offered to counsellor */
	ACCUEIL_EV_TAKEN,	/* counsellor has it (transfer: changed hands) */
	ACCUEIL_EV_VISITOR_TEXT,	/* the visitor wrote (live) */
	ACCUEIL_EV_COUNSELLOR_TEXT,	/* counsellor wrote to the visitor */
	ACCUEIL_EV_CLOSED,	/* over: forget it */
	ACCUEIL_EV_TICK,	/* once a second; conv is NULL */
};

struct accueil_ev {
	enum accueil_ev_kind kind;
	const char *conv;	/* the conversation's id (v-...), or NULL */
	const char *office;	/* its office's id */
	const char *lang;	/* the visitor's language (ISO 639-1) */
	const char *visitor;	/* the visitor's first name, or NULL */
	const char *counsellor;	/* bare JID (offered, taken, writer) */
	const char *text;	/* *_TEXT: the line */
	int64_t now;		/* seconds since the epoch (the daemon's clock) */
	int64_t created;	/* when the visitor asked */
	int transfer;		/* TAKEN: 1 when it changed hands */
	int plugin_on;		/* 1 if the office turned this plugin on */
};

/* What the host offers event plugins; host is the pointer start() got. */
struct accueil_ev_host {
	int abi;
	/* A private hint to counsellor about conv (never to the visitor). */
	void (*hint)(void *host, const char *conv, const char *counsellor,
	    const char *text);
	/* The language counsellor reads accueil's notices in ("fr"...). */
	const char *(*staff_lang)(void *host, const char *counsellor);
	void (*log_info)(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2)));
};

struct accueil_ev_plugin {
	int abi;		/* ACCUEIL_EV_ABI */
	const char *name;	/* offices name it in plugins="..." */
	/* returns the plugin's state (may be NULL); host is for the API */
	void *(*start)(const struct accueil_ev_host *api, void *host);
	void (*event)(void *state, const struct accueil_ev *ev);
	void (*stop)(void *state);
};

#endif
