/*
 * plugin.h: the one API between accueild and its plugins.
 *
 * A plugin is one descriptor, struct accueil_plugin, written with designated
 * initializers: name, ABI version, kind, declared options, init/fini and
 * the operations of its kind. The host hands a plugin a table of functions
 * (struct accueil_host) so plugins never reach into core symbols. Options
 * are declared with types and bounds; the host checks them from the config
 * and rejects unknown ones. Built-in plugins are compiled in; all plugin
 * calls run on the daemon's single loop thread.
 */
#ifndef ACCUEIL_PLUGIN_H
#define ACCUEIL_PLUGIN_H

#include <stddef.h>
#include <time.h>

#include "util.h"

#define ACCUEIL_PLUGIN_ABI 2

enum accueil_plugin_kind {
	ACCUEIL_PLUGIN_LANGDETECT = 1,	/* guesses a text's language */
	ACCUEIL_PLUGIN_ROUTING,		/* picks counsellors for an offer */
	ACCUEIL_PLUGIN_VIDEO,		/* makes meeting links */
};

enum accueil_option_type {
	ACCUEIL_OPT_STRING = 1,
	ACCUEIL_OPT_INT,	/* within min..max */
	ACCUEIL_OPT_BOOL,	/* yes/no, true/false, 1/0 */
	ACCUEIL_OPT_URL,	/* http:// or https:// */
	ACCUEIL_OPT_SECRET_FILE, /* a path, read by host->secret_file */
};

struct accueil_plugin_option {
	const char *name;
	enum accueil_option_type type;
	long min, max;
	const char *def;	/* NULL: required */
	const char *doc;
};

struct jwt_claim;

/* What the host offers plugins. */
struct accueil_host {
	void (*log_info)(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2)));
	void (*log_warnx)(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2)));
	void (*log_debug)(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2)));
	/* The option's value, or its declared default. Borrowed. */
	const char *(*option)(const void *opts, const char *name);
	long (*option_int)(const void *opts, const char *name);
	int (*random_hex)(char *out, size_t nbytes);
	/*
	 * Reads the secret file named by option name (relative paths are
	 * relative to the configuration file's directory). Refuses a file
	 * that is not regular or is accessible to group or others, logging
	 * why. Returns 0 and *secret (free it with secret_free) and *len, or
	 * -1. Plugins call it from init.
	 */
	int (*secret_file)(const void *opts, const char *name, char **secret,
	    size_t *len);
	void (*secret_free)(char *secret);
	/* jwt_sign_hs256() of jwt.h: returns 0 (ACCUEIL_OK) and *token. */
	int (*jwt_hs256)(const struct jwt_claim *claims, size_t nclaims,
	    const char *user_name, const void *key, size_t keylen,
	    char **token);
	/* Percent-encodes s for any URL part; caller frees with free(). */
	char *(*url_encode)(const char *s);
};

/*
 * Language detection: returns 0 and sets lang (ISO 639-1) and reliable,
 * or -1 when it has no answer. hints, or NULL, lists the languages the
 * visitor's office offers, comma-separated ("fr,ca,en"): likely, not
 * certain (a Dutch visitor may write to a Catalan office).
 */
struct accueil_langdetect_ops {
	int (*detect)(void *state, const char *text, size_t len,
	    const char *hints, char lang[8], int *reliable);
};

/*
 * A video meeting to make links for. Everything is borrowed for the call.
 * room is unguessable: at least 32 characters [0-9a-z] (128 bits from
 * random_hex()); providers may add a prefix. Names are UTF-8.
 */
struct accueil_meeting {
	const char *room;
	time_t start, end;	/* planned, end > start */
	const char *persona;	/* the counsellor's persona name */
	const char *visitor;	/* the visitor's name */
	const char *office;	/* office id */
	const char *title;	/* meeting title for providers that show one,
				   or NULL */
};

/*
 * The links of a meeting; malloc'ed strings owned by the struct (free with
 * plugin_meeting_links_free). setup_url is NULL unless the provider needs
 * the counsellor to open it before anyone can join (BigBlueButton's
 * create call, which accueil cannot make itself: it has no HTTP client).
 */
struct accueil_meeting_links {
	char *visitor_url;
	char *counsellor_url;
	char *setup_url;
};

/*
 * Video providers: fill links with strings from malloc() (the host frees
 * them) and return 0, or return -1 after logging why, leaving links NULL.
 */
struct accueil_video_ops {
	int (*make_meeting)(void *state, const struct accueil_meeting *m,
	    struct accueil_meeting_links *links);
};

/* A counsellor who could be offered a session (routing plugins). */
struct accueil_candidate {
	const char *jid;	/* borrowed */
	int load;		/* active chats + open offers */
	long idle;		/* seconds since they last took a chat */
	int rank;		/* place in the configuration, from 0 */
};

/*
 * Routing: order sorts cands best first for a session of office and
 * returns how many counsellors one wave of offers adds (>= 1); offered
 * tells the plugin who got an offer (round robin remembers).
 */
struct accueil_routing_ops {
	int (*order)(void *state, const char *office, int offer_size,
	    struct accueil_candidate *cands, size_t n);
	void (*offered)(void *state, const char *office, const char *jid);
};

struct accueil_plugin {
	const char *name;
	int abi;			/* ACCUEIL_PLUGIN_ABI */
	enum accueil_plugin_kind kind;
	const char *doc;
	const struct accueil_plugin_option *options;	/* NULL-terminated */
	/* Returns 0, or -1 after logging why. opts stays valid until fini. */
	int (*init)(const struct accueil_host *host, const void *opts,
	    void **state);
	void (*fini)(void *state);
	union {
		const struct accueil_langdetect_ops *langdetect;
		const struct accueil_video_ops *video;
		const struct accueil_routing_ops *routing;
	} ops;
};

struct conf;
struct conf_plugin;

/* Built-in plugins, NULL-terminated. */
extern const struct accueil_plugin *const plugin_builtins[];

/* Returns the built-in plugin called name, or NULL. */
const struct accueil_plugin *plugin_find(const char *name);

/*
 * Checks one <plugin> element: known name, right ABI, known options of the
 * right type and bounds. Appends one message per problem to errs.
 */
void plugin_check_conf(const struct conf_plugin *cp, struct strlist *errs);

/*
 * Starts the plugins configured in conf (and those enabled by default).
 * Returns 0, or -1 if one failed to start. plugin_stop_all() stops them.
 */
int plugin_start_all(const struct conf *conf);
void plugin_stop_all(void);

/* One detector's answer (plugin_detect_opinions). */
struct lang_opinion {
	const char *plugin;	/* its name (static) */
	char lang[8];
	int reliable;
};

/*
 * Asks every running language detection plugin, in plugin_builtins[]
 * order, with hints (see accueil_langdetect_ops; may be NULL). Fills up
 * to max answers into out and returns how many.
 */
size_t plugin_detect_opinions(const char *text, const char *hints,
    struct lang_opinion *out, size_t max);

/*
 * Asks the running video provider for the links of meeting m (configure
 * one; with several, the first in plugin_builtins wins); runs on the
 * loop. Returns ACCUEIL_OK and fills links (caller frees with
 * plugin_meeting_links_free), ACCUEIL_ENOTFOUND if no video provider is
 * configured, ACCUEIL_EINVAL if m is incomplete or its room guessable, or
 * ACCUEIL_EPLUGIN if the provider failed (links left empty).
 */
int plugin_make_meeting(const struct accueil_meeting *m,
    struct accueil_meeting_links *links);

/* Frees the strings of links and sets them to NULL; NULL is fine. */
void plugin_meeting_links_free(struct accueil_meeting_links *links);

/* 1 if name is a routing plugin (office's routing="..."). */
int plugin_is_routing(const char *name);

/*
 * Orders cands with the routing plugin called name; returns how many one
 * wave adds, or -1 if there is no such running plugin.
 */
int plugin_routing_order(const char *name, const char *office,
    int offer_size, struct accueil_candidate *cands, size_t n);
/*
 * How routing may pick for the routing plugin called name without
 * calling its order: PLUGIN_INDEX_LOAD (least busy, then longest idle,
 * then rank: ring-group, least-busy), PLUGIN_INDEX_TURN (rank, after the
 * last one offered: round-robin), or PLUGIN_INDEX_NONE (any other
 * plugin: its order is called over every candidate).
 */
enum { PLUGIN_INDEX_NONE, PLUGIN_INDEX_LOAD, PLUGIN_INDEX_TURN };
int plugin_routing_index(const char *name);
void plugin_routing_offered(const char *name, const char *office,
    const char *jid);

/* The name of the running video provider, or NULL if none. Static. */
const char *plugin_video_name(void);

#endif
