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

#include "util.h"

#define ACCUEIL_PLUGIN_ABI 1

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
};

struct accueil_plugin_option {
	const char *name;
	enum accueil_option_type type;
	long min, max;
	const char *def;	/* NULL: required */
	const char *doc;
};

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
};

/* Language detection: returns 0 and sets lang (ISO 639-1) and reliable. */
struct accueil_langdetect_ops {
	int (*detect)(void *state, const char *text, size_t len,
	    char lang[8], int *reliable);
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

/*
 * Asks the language detection plugin, if any. Returns 1 and fills lang
 * when it is reliable, 0 otherwise.
 */
int plugin_detect_language(const char *text, char lang[8]);

#endif
