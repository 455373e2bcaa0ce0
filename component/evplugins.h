/*
 * evplugins.h: the host of event plugins (evplugins.c; the API itself is
 * plugin_events.h). Loop thread only.
 */
#ifndef ACCUEIL_EVPLUGINS_H
#define ACCUEIL_EVPLUGINS_H

struct app;
struct conf;

/* Hooks the core's events. Call once at start. */
void evplugins_init(void);

/*
 * Starts the built-in event plugins and loads conf's plugin files (any
 * running ones are stopped first): 0, or -1 with why logged (then none
 * runs).
 */
int evplugins_start(struct app *app, const struct conf *conf);
void evplugins_stop(void);

/* Timer (1 s): ACCUEIL_EV_TICK. */
int evplugins_tick(void *app);

#endif
