/*
 * ratelimit.c: token buckets, never silent (ratelimit.h).
 *
 * Per visitor: a burst of lines passes as they come; beyond it, the
 * visitor's lines are held (they are stored already, each on its own)
 * and reach the counsellor merged into one message every merge-delay
 * seconds, and the visitor is asked, once per episode and in their
 * language, to slow down. The episode ends when their bucket is full
 * again.
 *
 * Per server-side visitor host and per office, for new conversations:
 * beyond the burst, the visitor is answered "too many requests, try
 * again in N s" in their language and no conversation is opened.
 *
 * The buckets live in memory only, keyed by conversation id, host and
 * office; full buckets are dropped by the tick, so memory stays flat
 * under any stream of new visitors. Real (monotonic) time: the test
 * clock moves days, not seconds. Loop thread only.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "catalog.h"
#include "clock.h"
#include "conf.h"
#include "event.h"
#include "log.h"
#include "map.h"
#include "ratelimit.h"
#include "registry.h"
#include "relay.h"
#include "util.h"

struct bucket {
	double tokens;
	unsigned long long at;	/* ms, last refill */
};

struct vstate {
	struct bucket b;
	unsigned long long held_at;	/* ms the first held line came; 0 */
	int told;			/* asked to slow down this episode */
	unsigned long merged;		/* lines merged this episode */
};

static struct map visitors;	/* conv id -> struct vstate */
static struct map hosts;	/* visitor host -> struct bucket */
static struct map offices;	/* office id -> struct bucket */

/* Refills b for burst tokens at per_minute; a new bucket is full. */
static void
refill(struct bucket *b, int burst, int per_minute, unsigned long long now)
{
	if (b->at == 0) {
		b->tokens = burst;
		b->at = now;
		return;
	}
	if (now > b->at)
		b->tokens += (double)(now - b->at) * per_minute / 60000.0;
	if (b->tokens > burst)
		b->tokens = burst;
	b->at = now;
}

/* Seconds until b has a whole token again (at least 1). */
static int
wait_for(const struct bucket *b, int per_minute)
{
	double need = 1.0 - b->tokens;
	int s;

	if (need <= 0)
		return 0;
	s = (int)(need * 60.0 / per_minute + 0.999);
	return s < 1 ? 1 : s;
}

static struct bucket *
bucket_of(struct map *m, const char *key, size_t size)
{
	struct bucket *b = map_get(m, key);

	if (b == NULL) {
		b = xcalloc(1, size);
		map_set(m, key, b);
	}
	return b;
}

/* ---- a visitor's lines ---------------------------------------------- */

static int
on_line(struct app *app, struct event *ev, void *ud)
{
	const struct conf *cf = app->conf;
	struct conv *cv = ev->conv;
	unsigned long long now = clock_mono_ms();
	struct vstate *v;

	(void)ud;
	v = (struct vstate *)bucket_of(&visitors, cv->id, sizeof(*v));
	refill(&v->b, cf->visitor_burst, cf->visitor_per_minute, now);
	if (v->held_at == 0 && v->b.tokens >= 1.0) {
		v->b.tokens -= 1.0;
		return EVENT_PASS;	/* relayed now, on its own */
	}
	/* over the burst, or lines already held: keep the order */
	if (v->b.tokens >= 1.0)
		v->b.tokens -= 1.0;
	if (v->held_at == 0)
		v->held_at = now;
	v->merged++;
	if (!v->told) {
		v->told = 1;
		log_info("session %s: the visitor writes faster than %d lines "
		    "a minute (burst %d): lines merged for the counsellor",
		    cv->id, cf->visitor_per_minute, cf->visitor_burst);
		relay_bot_say(app, cv, catalog_text(cv->lang, MSG_SLOW_DOWN));
	}
	return EVENT_HANDLED;
}

static int
on_closed(struct app *app, struct event *ev, void *ud)
{
	struct vstate *v;

	(void)app;
	(void)ud;
	if ((v = map_del(&visitors, ev->conv->id)) != NULL)
		free(v);
	return EVENT_PASS;
}

/* ---- new conversations ---------------------------------------------- */

static const char *
host_of(const char *jid)
{
	const char *at = jid ? strchr(jid, '@') : NULL;

	return at ? at + 1 : jid ? jid : "";
}

static int
on_ask(struct app *app, struct event *ev, void *ud)
{
	const struct conf *cf = app->conf;
	unsigned long long now = clock_mono_ms();
	struct bucket *h, *o;
	char host[256];
	size_t len;
	int wh, wo;

	(void)ud;
	/* the host, without the resource */
	len = strcspn(host_of(ev->from), "/");
	if (len >= sizeof(host))
		len = sizeof(host) - 1;
	memcpy(host, host_of(ev->from), len);
	host[len] = '\0';
	h = bucket_of(&hosts, host, sizeof(*h));
	o = bucket_of(&offices, ev->office, sizeof(*o));
	refill(h, cf->host_burst, cf->host_per_minute, now);
	refill(o, cf->office_burst, cf->office_per_minute, now);
	if (h->tokens >= 1.0 && o->tokens >= 1.0) {
		h->tokens -= 1.0;
		o->tokens -= 1.0;
		return EVENT_PASS;
	}
	wh = wait_for(h, cf->host_per_minute);
	wo = wait_for(o, cf->office_per_minute);
	ev->result = wh > wo ? wh : wo;
	log_debug("rate limit: a new conversation from %s at office %s "
	    "refused for %d s", host, ev->office, ev->result);
	return EVENT_HANDLED;
}

/* ---- the tick ------------------------------------------------------- */

struct sweep {
	struct app *app;
	unsigned long long now;
	struct strlist drop;
	struct strlist flush;
};

static void
sweep_visitor(const char *key, void *value, long count, void *ud)
{
	struct sweep *sw = ud;
	const struct conf *cf = sw->app->conf;
	struct vstate *v = value;

	(void)count;
	refill(&v->b, cf->visitor_burst, cf->visitor_per_minute, sw->now);
	if (v->held_at && sw->now - v->held_at >= (unsigned long long)
	    cf->merge_delay * 1000)
		strlist_add(&sw->flush, key);
	else if (v->held_at == 0 && v->b.tokens >= cf->visitor_burst)
		strlist_add(&sw->drop, key);	/* episode over */
}

static void
add_key(const char *key, void *value, long count, void *ud)
{
	(void)value;
	(void)count;
	strlist_add(ud, key);
}

/* Drops the buckets of m that are full at burst/per_minute. */
static void
drop_full(struct map *m, int burst, int per_minute, unsigned long long now)
{
	struct strlist keys = {0};
	size_t i;

	map_foreach(m, add_key, &keys);
	for (i = 0; i < keys.n; i++) {
		struct bucket *b = map_get(m, keys.v[i]);

		refill(b, burst, per_minute, now);
		if (b->tokens >= burst)
			free(map_del(m, keys.v[i]));
	}
	strlist_free(&keys);
}

int
ratelimit_tick(void *ud)
{
	struct app *app = ud;
	struct sweep sw = {.app = app, .now = clock_mono_ms()};
	size_t i;

	map_foreach(&visitors, sweep_visitor, &sw);
	for (i = 0; i < sw.flush.n; i++) {
		struct vstate *v = map_get(&visitors, sw.flush.v[i]);
		struct conv *cv = registry_find(sw.flush.v[i]);

		if (cv == NULL || cv->closed) {
			free(map_del(&visitors, sw.flush.v[i]));
			continue;
		}
		/* lines that cannot go now stay pending: sent at the take */
		relay_flush_merged(app, cv);
		v->held_at = 0;
	}
	for (i = 0; i < sw.drop.n; i++) {
		struct vstate *v = map_del(&visitors, sw.drop.v[i]);

		if (v && v->merged)
			log_info("session %s: the visitor slowed down (%lu "
			    "lines merged)", sw.drop.v[i], v->merged);
		free(v);
	}
	strlist_free(&sw.flush);
	strlist_free(&sw.drop);
	drop_full(&hosts, app->conf->host_burst, app->conf->host_per_minute,
	    sw.now);
	drop_full(&offices, app->conf->office_burst,
	    app->conf->office_per_minute, sw.now);
	return 1;
}

size_t
ratelimit_entries(void)
{
	return visitors.n + hosts.n + offices.n;
}

static void
free_value(const char *key, void *value, long count, void *ud)
{
	(void)key;
	(void)count;
	(void)ud;
	free(value);
}

void
ratelimit_free_all(void)
{
	map_foreach(&visitors, free_value, NULL);
	map_foreach(&hosts, free_value, NULL);
	map_foreach(&offices, free_value, NULL);
	map_free(&visitors);
	map_free(&hosts);
	map_free(&offices);
}

void
ratelimit_init(void)
{
	event_hook(EV_VISITOR_LINE, on_line, 0, NULL);
	event_hook(EV_CONV_ASK, on_ask, 0, NULL);
	event_hook(EV_CONV_CLOSED, on_closed, -100, NULL);
}
