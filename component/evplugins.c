/*
 * evplugins.c: the host of event plugins (plugin_events.h).
 *
 * Turns the core's events into the plugins' plain struct accueil_ev and
 * gives them one way to act: a private hint to a counsellor. The
 * built-in plugins are compiled in (the editorial coach); others are
 * shared objects named by <plugin-file path="..."/>, loaded with
 * dlopen() and refused unless their ABI is this accueild's. An office
 * turns the coach on or off (coach="yes|no"); a file plugin runs for the
 * offices it lists (all when it lists none).
 */
#include "config.h"

#include <dlfcn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "app.h"
#include "conf.h"
#include "event.h"
#include "log.h"
#include "registry.h"
#include "relay.h"
#include "store.h"
#include "util.h"
#include "plugin_events.h"
#include "evplugins.h"

extern const struct accueil_ev_plugin accueil_coach_plugin;

struct loaded {
	const struct accueil_ev_plugin *p;
	void *state;
	void *dl;			/* dlopen handle, NULL if built in */
	const struct conf_plugin_file *file;	/* NULL if built in */
};

static struct loaded *loaded;
static size_t nloaded;
static struct app *host_app;

static void
host_hint(void *host, const char *id, const char *counsellor,
    const char *text)
{
	struct app *app = host;
	struct conv *cv = id ? registry_find(id) : NULL;
	const struct conf_counsellor *c = counsellor ?
	    conf_counsellor_by_jid(app->conf, counsellor) : NULL;

	if (cv == NULL || c == NULL || text == NULL || cv->state == CONV_CLOSED)
		return;
	relay_notice(app, cv, c, text);
}

static const char *
host_staff_lang(void *host, const char *counsellor)
{
	struct app *app = host;
	const struct conf_counsellor *c = counsellor ?
	    conf_counsellor_by_jid(app->conf, counsellor) : NULL;

	return c ? relay_staff_lang(c) : "fr";
}

static void
host_log_info(const char *fmt, ...)
{
	va_list ap;
	char buf[1024];

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	log_info("plugin: %s", buf);
}

static const struct accueil_ev_host host_api = {
	.abi = ACCUEIL_EV_ABI,
	.hint = host_hint,
	.staff_lang = host_staff_lang,
	.log_info = host_log_info,
};

static void
add(const struct accueil_ev_plugin *p, void *dl,
    const struct conf_plugin_file *f)
{
	loaded = xreallocarray(loaded, nloaded + 1, sizeof(*loaded));
	loaded[nloaded].p = p;
	loaded[nloaded].dl = dl;
	loaded[nloaded].file = f;
	loaded[nloaded].state = p->start ? p->start(&host_api, host_app) : NULL;
	nloaded++;
}

/* Loads one shared object; 0, or -1 with why logged. */
static int
load(const struct conf_plugin_file *f)
{
	const struct accueil_ev_plugin *p;
	void *dl = dlopen(f->path, RTLD_NOW | RTLD_LOCAL);

	if (dl == NULL) {
		log_warnx("plugin file %s cannot be loaded: %s", f->path,
		    dlerror());
		return -1;
	}
	p = dlsym(dl, ACCUEIL_EV_PLUGIN_SYMBOL);
	if (p == NULL) {
		log_warnx("plugin file %s has no symbol %s: not an accueil "
		    "event plugin", f->path, ACCUEIL_EV_PLUGIN_SYMBOL);
		dlclose(dl);
		return -1;
	}
	if (p->abi != ACCUEIL_EV_ABI || p->name == NULL || p->event == NULL) {
		log_warnx("plugin file %s speaks event plugin ABI %d; this "
		    "accueild speaks %d: rebuild it against this version's "
		    "plugin_events.h", f->path, p->abi, ACCUEIL_EV_ABI);
		dlclose(dl);
		return -1;
	}
	add(p, dl, f);
	log_info("plugin file %s: event plugin \"%s\" loaded", f->path,
	    p->name);
	return 0;
}

int
evplugins_start(struct app *app, const struct conf *conf)
{
	size_t i;

	evplugins_stop();
	host_app = app;
	add(&accueil_coach_plugin, NULL, NULL);
	for (i = 0; i < conf->nplugin_files; i++)
		if (load(&conf->plugin_files[i]) < 0) {
			evplugins_stop();
			return -1;
		}
	return 0;
}

void
evplugins_stop(void)
{
	size_t i;

	for (i = 0; i < nloaded; i++) {
		if (loaded[i].p->stop)
			loaded[i].p->stop(loaded[i].state);
		if (loaded[i].dl)
			dlclose(loaded[i].dl);
	}
	free(loaded);
	loaded = NULL;
	nloaded = 0;
}

/* 1 if plugin l runs for office. */
static int
runs_for(const struct loaded *l, const struct conf_office *o)
{
	if (l->file == NULL)	/* the coach */
		return o == NULL || o->coach == NULL ||
		    (strcasecmp(o->coach, "no") != 0 &&
		    strcasecmp(o->coach, "off") != 0);
	return l->file->offices.n == 0 ||
	    (o && strlist_has(&l->file->offices, o->id));
}

static void
dispatch(struct accueil_ev *ev)
{
	const struct conf_office *o = ev->office && host_app ?
	    conf_office(host_app->conf, ev->office) : NULL;
	size_t i;

	for (i = 0; i < nloaded; i++) {
		ev->plugin_on = runs_for(&loaded[i], o);
		loaded[i].p->event(loaded[i].state, ev);
	}
}

static int
on_event(struct app *app, struct event *e, void *ud)
{
	struct accueil_ev ev;
	struct conv *cv = e->conv;

	(void)app;
	(void)ud;
	if (cv == NULL)
		return EVENT_PASS;
	memset(&ev, 0, sizeof(ev));
	switch (e->kind) {
	case EV_CONV_OFFERED:
		ev.kind = ACCUEIL_EV_OFFERED;
		break;
	case EV_CONV_TAKEN:
		ev.kind = ACCUEIL_EV_TAKEN;
		ev.transfer = e->text != NULL;
		break;
	case EV_VISITOR_TEXT:
		if (e->flag != 1)
			return EVENT_PASS;	/* caught up: old news */
		ev.kind = ACCUEIL_EV_VISITOR_TEXT;
		break;
	case EV_COUNSELLOR_TEXT:
		ev.kind = ACCUEIL_EV_COUNSELLOR_TEXT;
		break;
	case EV_CONV_CLOSED:
		ev.kind = ACCUEIL_EV_CLOSED;
		break;
	default:
		return EVENT_PASS;
	}
	ev.conv = cv->id;
	ev.office = cv->office;
	ev.lang = cv->lang;
	ev.visitor = cv->name;
	ev.counsellor = e->counsellor ? e->counsellor->jid : cv->counsellor;
	ev.text = e->text;
	ev.now = store_now();
	ev.created = cv->created;
	dispatch(&ev);
	return EVENT_PASS;
}

int
evplugins_tick(void *ud)
{
	struct accueil_ev ev;

	(void)ud;
	memset(&ev, 0, sizeof(ev));
	ev.kind = ACCUEIL_EV_TICK;
	ev.now = store_now();
	dispatch(&ev);
	return 1;
}

void
evplugins_init(void)
{
	static const enum event_kind kinds[] = {EV_CONV_OFFERED,
	    EV_CONV_TAKEN, EV_VISITOR_TEXT, EV_COUNSELLOR_TEXT,
	    EV_CONV_CLOSED};
	size_t i;

	for (i = 0; i < nitems(kinds); i++)
		event_hook(kinds[i], on_event, -40, NULL);
}
