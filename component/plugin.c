/*
 * plugin.c: the plugin registry: option checking, start and stop, and the
 * host table handed to plugins.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "conf.h"
#include "error.h"
#include "jwt.h"
#include "log.h"
#include "plugin.h"
#include "secret.h"
#include "urlenc.h"
#include "util.h"

#ifdef HAVE_CLD2
extern const struct accueil_plugin accueil_plugin_cld2;
#endif
extern const struct accueil_plugin accueil_plugin_words;
extern const struct accueil_plugin accueil_plugin_jitsi;
extern const struct accueil_plugin accueil_plugin_bigbluebutton;
extern const struct accueil_plugin accueil_plugin_url_template;

extern const struct accueil_plugin accueil_plugin_ring_group;
extern const struct accueil_plugin accueil_plugin_round_robin;
extern const struct accueil_plugin accueil_plugin_least_busy;

const struct accueil_plugin *const plugin_builtins[] = {
#ifdef HAVE_CLD2
	&accueil_plugin_cld2,
#endif
	&accueil_plugin_words,
	&accueil_plugin_ring_group,
	&accueil_plugin_round_robin,
	&accueil_plugin_least_busy,
	&accueil_plugin_jitsi,
	&accueil_plugin_bigbluebutton,
	&accueil_plugin_url_template,
	NULL,
};

struct running {
	const struct accueil_plugin *plugin;
	const struct conf_plugin *cp;	/* NULL when started by default */
	void *state;
};

static struct running *running;
static size_t nrunning;

const struct accueil_plugin *
plugin_find(const char *name)
{
	size_t i;

	for (i = 0; name && plugin_builtins[i]; i++)
		if (strcmp(plugin_builtins[i]->name, name) == 0)
			return plugin_builtins[i];
	return NULL;
}

static int
parse_bool(const char *v)
{
	if (!strcasecmp(v, "yes") || !strcasecmp(v, "true") || !strcmp(v, "1"))
		return 1;
	if (!strcasecmp(v, "no") || !strcasecmp(v, "false") || !strcmp(v, "0"))
		return 0;
	return -1;
}

static const struct accueil_plugin_option *
find_option(const struct accueil_plugin *p, const char *name)
{
	const struct accueil_plugin_option *o;

	for (o = p->options; o && o->name; o++)
		if (strcmp(o->name, name) == 0)
			return o;
	return NULL;
}

static char *
option_names(const struct accueil_plugin *p)
{
	const struct accueil_plugin_option *o;
	struct buf b = {0};

	for (o = p->options; o && o->name; o++)
		buf_appendf(&b, "%s%s", b.len ? ", " : "", o->name);
	if (b.len == 0)
		buf_append(&b, "none");
	return buf_take(&b);
}

static char *
plugin_names(void)
{
	struct buf b = {0};
	size_t i;

	for (i = 0; plugin_builtins[i]; i++)
		buf_appendf(&b, "%s%s", b.len ? ", " : "",
		    plugin_builtins[i]->name);
	if (b.len == 0)
		buf_append(&b, "none in this build");
	return buf_take(&b);
}

void
plugin_check_conf(const struct conf_plugin *cp, struct strlist *errs)
{
	const struct accueil_plugin *p = plugin_find(cp->name);
	const struct accueil_plugin_option *o;
	size_t i;

	if (p == NULL) {
		char *names = plugin_names();
		char *m = xasprintf("unknown plugin \"%s\" (available: %s)",
		    cp->name, names);

		strlist_add(errs, m);
		free(m);
		free(names);
		return;
	}
	if (p->abi != ACCUEIL_PLUGIN_ABI) {
		char *m = xasprintf("plugin \"%s\" was built for plugin ABI %d,"
		    " this accueild has ABI %d", p->name, p->abi,
		    ACCUEIL_PLUGIN_ABI);

		strlist_add(errs, m);
		free(m);
		return;
	}
	for (i = 0; i < cp->noptions; i++) {
		const struct conf_option *co = &cp->options[i];
		char *m = NULL, *end;
		long n;

		if ((o = find_option(p, co->name)) == NULL) {
			char *names = option_names(p);

			m = xasprintf("plugin \"%s\": unknown option \"%s\" "
			    "(expected: %s)", p->name, co->name, names);
			free(names);
		} else if (o->type == ACCUEIL_OPT_INT) {
			errno = 0;
			n = strtol(co->value, &end, 10);
			if (*co->value == '\0' || *end || errno || n < o->min ||
			    n > o->max)
				m = xasprintf("plugin \"%s\": option \"%s\" "
				    "expects a number from %ld to %ld, not "
				    "\"%s\"", p->name, o->name, o->min, o->max,
				    co->value);
		} else if (o->type == ACCUEIL_OPT_BOOL &&
		    parse_bool(co->value) < 0)
			m = xasprintf("plugin \"%s\": option \"%s\" expects yes "
			    "or no, not \"%s\"", p->name, o->name, co->value);
		else if (o->type == ACCUEIL_OPT_URL &&
		    strncmp(co->value, "https://", 8) != 0 &&
		    strncmp(co->value, "http://", 7) != 0)
			m = xasprintf("plugin \"%s\": option \"%s\" expects an "
			    "http:// or https:// URL", p->name, o->name);
		if (m) {
			/* the line given is the plugin's; name the option's */
			char *full = xasprintf("%s (option at line %d)", m,
			    co->line);

			strlist_add(errs, full);
			free(full);
			free(m);
		}
		for (size_t k = 0; k < i; k++)
			if (strcmp(cp->options[k].name, co->name) == 0) {
				m = xasprintf("plugin \"%s\": option \"%s\" "
				    "given twice (line %d)", cp->name,
				    co->name, co->line);
				strlist_add(errs, m);
				free(m);
			}
	}
	for (o = p->options; o && o->name; o++) {
		if (o->def == NULL && conf_plugin_option(cp, o->name) == NULL) {
			char *m = xasprintf("plugin \"%s\": missing required "
			    "option \"%s\" (%s)", p->name, o->name, o->doc);

			strlist_add(errs, m);
			free(m);
		}
	}
}

/* ---- host table ------------------------------------------------------ */

struct opts {
	const struct accueil_plugin *plugin;
	const struct conf_plugin *cp;
	const char *dir;	/* the config file's directory, or NULL */
};

static const char *
host_option(const void *opaque, const char *name)
{
	const struct opts *o = opaque;
	const struct accueil_plugin_option *spec;
	const char *v = o->cp ? conf_plugin_option(o->cp, name) : NULL;

	if (v)
		return v;
	spec = find_option(o->plugin, name);
	return spec ? spec->def : NULL;
}

static long
host_option_int(const void *opaque, const char *name)
{
	const char *v = host_option(opaque, name);
	int b;

	if (v == NULL)
		return 0;
	if ((b = parse_bool(v)) >= 0 && strcmp(v, "0") && strcmp(v, "1"))
		return b;
	return strtol(v, NULL, 10);
}

static int
host_secret_file(const void *opaque, const char *name, char **secret,
    size_t *len)
{
	const struct opts *o = opaque;
	const char *v = host_option(opaque, name);
	char *path, *why = NULL;
	int r;

	*secret = NULL;
	*len = 0;
	if (v == NULL || *v == '\0') {
		log_warnx("plugin %s: option \"%s\" names no file",
		    o->plugin->name, name);
		return -1;
	}
	if (v[0] == '/' || o->dir == NULL)
		path = xstrdup(v);
	else
		path = xasprintf("%s/%s", o->dir, v);
	if ((r = secret_read_file(path, secret, len, &why)) != ACCUEIL_OK) {
		log_warnx("plugin %s: option \"%s\": %s", o->plugin->name,
		    name, why);
		free(why);
	}
	free(path);
	return r == ACCUEIL_OK ? 0 : -1;
}

static const struct accueil_host host = {
	.log_info = log_info,
	.log_warnx = log_warnx,
	.log_debug = log_debug,
	.option = host_option,
	.option_int = host_option_int,
	.random_hex = random_hex,
	.secret_file = host_secret_file,
	.secret_free = secret_free,
	.jwt_hs256 = jwt_sign_hs256,
	.url_encode = urlenc_component,
};

static struct opts *optstore;

int
plugin_start_all(const struct conf *conf)
{
	size_t i, n = 0;

	plugin_stop_all();
	for (i = 0; plugin_builtins[i]; i++)
		n++;
	running = xcalloc(n + 1, sizeof(*running));
	optstore = xcalloc(n + 1, sizeof(*optstore));
	for (i = 0; plugin_builtins[i]; i++) {
		const struct accueil_plugin *p = plugin_builtins[i];
		struct running *r = &running[nrunning];

		/*
		 * Language detection and the routing strategies are on by
		 * default when built in (offices name their strategy). Other
		 * kinds run only when configured.
		 */
		optstore[nrunning].plugin = p;
		optstore[nrunning].cp = conf_plugin(conf, p->name);
		optstore[nrunning].dir = conf->dir;
		if (optstore[nrunning].cp == NULL &&
		    p->kind != ACCUEIL_PLUGIN_LANGDETECT &&
		    p->kind != ACCUEIL_PLUGIN_ROUTING)
			continue;
		r->plugin = p;
		r->cp = optstore[nrunning].cp;
		if (p->init && p->init(&host, &optstore[nrunning],
		    &r->state) < 0) {
			log_warnx("plugin %s failed to start", p->name);
			return -1;
		}
		log_debug("plugin %s started", p->name);
		nrunning++;
	}
	return 0;
}

void
plugin_stop_all(void)
{
	size_t i;

	for (i = 0; i < nrunning; i++)
		if (running[i].plugin->fini)
			running[i].plugin->fini(running[i].state);
	free(running);
	free(optstore);
	running = NULL;
	optstore = NULL;
	nrunning = 0;
}

int
plugin_is_routing(const char *name)
{
	const struct accueil_plugin *p = plugin_find(name);

	return p && p->kind == ACCUEIL_PLUGIN_ROUTING;
}

static struct running *
running_named(const char *name, enum accueil_plugin_kind kind)
{
	size_t i;

	for (i = 0; name && i < nrunning; i++)
		if (running[i].plugin->kind == kind &&
		    strcmp(running[i].plugin->name, name) == 0)
			return &running[i];
	return NULL;
}

int
plugin_routing_order(const char *name, const char *office, int offer_size,
    struct accueil_candidate *cands, size_t n)
{
	struct running *r = running_named(name, ACCUEIL_PLUGIN_ROUTING);
	int k;

	if (r == NULL || r->plugin->ops.routing->order == NULL)
		return -1;
	k = r->plugin->ops.routing->order(r->state, office, offer_size, cands,
	    n);
	return k < 1 ? 1 : k;
}

int
plugin_routing_index(const char *name)
{
	struct running *r = running_named(name, ACCUEIL_PLUGIN_ROUTING);

	if (r == NULL)
		return PLUGIN_INDEX_NONE;
	/* the built-ins' orders are the index's: no call needed per pick */
	if (r->plugin == &accueil_plugin_ring_group ||
	    r->plugin == &accueil_plugin_least_busy)
		return PLUGIN_INDEX_LOAD;
	if (r->plugin == &accueil_plugin_round_robin)
		return PLUGIN_INDEX_TURN;
	return PLUGIN_INDEX_NONE;
}

void
plugin_routing_offered(const char *name, const char *office, const char *jid)
{
	struct running *r = running_named(name, ACCUEIL_PLUGIN_ROUTING);

	if (r && r->plugin->ops.routing->offered)
		r->plugin->ops.routing->offered(r->state, office, jid);
}

size_t
plugin_detect_opinions(const char *text, const char *hints,
    struct lang_opinion *out, size_t max)
{
	size_t i, n = 0;

	for (i = 0; i < nrunning && n < max; i++) {
		const struct accueil_plugin *p = running[i].plugin;
		struct lang_opinion *o = &out[n];

		if (p->kind != ACCUEIL_PLUGIN_LANGDETECT)
			continue;
		memset(o, 0, sizeof(*o));
		if (p->ops.langdetect->detect(running[i].state, text,
		    strlen(text), hints, o->lang, &o->reliable) != 0 ||
		    o->lang[0] == '\0')
			continue;
		o->lang[7] = '\0';
		o->plugin = p->name;
		n++;
	}
	return n;
}

/* ---- video ------------------------------------------------------------ */

/* A room name of 32 to 64 characters [0-9a-z], as random_hex() makes. */
static int
room_valid(const char *room)
{
	size_t n = 0;

	for (; *room; room++, n++)
		if (!islower((unsigned char)*room) &&
		    !isdigit((unsigned char)*room))
			return 0;
	return n >= 32 && n <= 64;
}

int
plugin_make_meeting(const struct accueil_meeting *m,
    struct accueil_meeting_links *links)
{
	size_t i;

	memset(links, 0, sizeof(*links));
	if (m->room == NULL || !room_valid(m->room) || m->end <= m->start ||
	    m->persona == NULL || m->visitor == NULL || m->office == NULL)
		return ACCUEIL_EINVAL;
	for (i = 0; i < nrunning; i++) {
		const struct accueil_plugin *p = running[i].plugin;

		if (p->kind != ACCUEIL_PLUGIN_VIDEO)
			continue;
		if (p->ops.video->make_meeting(running[i].state, m,
		    links) < 0 || links->visitor_url == NULL ||
		    links->counsellor_url == NULL) {
			plugin_meeting_links_free(links);
			log_warnx("plugin %s made no links for a meeting",
			    p->name);
			return ACCUEIL_EPLUGIN;
		}
		return ACCUEIL_OK;
	}
	return ACCUEIL_ENOTFOUND;
}

void
plugin_meeting_links_free(struct accueil_meeting_links *links)
{
	if (links == NULL)
		return;
	free(links->visitor_url);
	free(links->counsellor_url);
	free(links->setup_url);
	memset(links, 0, sizeof(*links));
}

const char *
plugin_video_name(void)
{
	size_t i;

	for (i = 0; i < nrunning; i++)
		if (running[i].plugin->kind == ACCUEIL_PLUGIN_VIDEO)
			return running[i].plugin->name;
	return NULL;
}
