/*
 * subs.c: who gets our presences (subs.h).
 *
 * Owns the subscribers table (bare JIDs subscribed to a desk or a
 * persona) and the widgets watching a desk (full JIDs that sent it a
 * directed presence), kept in memory and in the watchers table, so a
 * reload or a restart keeps them. JIDs the config does not know
 * (anonymous visitors, strangers) expire: a subscriber on its
 * unsubscribe or unsubscribed, or after <limits subscriber-days> without
 * a word; a watcher on its unavailable, or after watcher-hours. Both are
 * capped (max-subscribers per desk or persona, max-watchers in all):
 * beyond, a subscription is refused and a watcher not remembered, with a
 * warning in the log. A subscriber silent for nearly subscriber-days
 * (a day before, or half the period if shorter) is sent a presence probe
 * from its desk or persona first: one online but silent answers with its
 * presence, which counts as heard of. To be allowed to see it, a new
 * subscriber is asked for theirs in return (clients accept that from a
 * contact they subscribed to). "unsubscribed" (declined, or the server's
 * answer to a probe we may not send) only says we may not see theirs:
 * their subscription to us stands (RFC 6121 3.2) and expires as any;
 * "unsubscribe" forgets at once. A subscriber is never a watcher too.
 * Times are the daemon's clock (clock.h), which the tests move. Loop
 * thread only.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sqlite3.h>

#include "app.h"
#include "clock.h"
#include "conf.h"
#include "link.h"
#include "log.h"
#include "map.h"
#include "stanza.h"
#include "store.h"
#include "subs.h"
#include "util.h"

#define SEEN_EVERY 3600		/* seconds between two "seen" writes */

struct watcher {
	char *office;
	char *jid;
	int64_t seen;
};

static struct map watchers;	/* "office jid" -> struct watcher */
static struct map probed;	/* "owner jid" -> (count) when we probed it */
static int64_t warned_full;	/* last cap warning, to warn hourly */

static char *
wkey(const char *office, const char *jid)
{
	return xasprintf("%s %s", office, jid);
}

/* 1 if the config names jid (a counsellor, an admin, a supervisor). */
static int
is_known(const struct conf *cf, const char *jid)
{
	size_t i, k;

	if (conf_counsellor_by_jid(cf, jid))
		return 1;
	for (i = 0; i < cf->nadmins; i++)
		if (strcasecmp(cf->admins[i].jid, jid) == 0)
			return 1;
	for (i = 0; i < cf->noffices; i++)
		for (k = 0; k < cf->offices[i].nsupervisors; k++)
			if (strcasecmp(cf->offices[i].supervisors[k].jid,
			    jid) == 0)
				return 1;
	return 0;
}

static int
link_up(struct app *app)
{
	return app->link != NULL && link_is_up(app->link);
}

static void
warn_full(const char *what, const char *owner, int max)
{
	int64_t now = store_now();

	if (warned_full && now - warned_full < 3600)
		return;
	warned_full = now;
	log_warnx("subs: %s %s has reached its cap of %d (<limits>); "
	    "newcomers are refused until some expire", what, owner, max);
}

/* ---- subscribers ---------------------------------------------------- */

int
subs_add(struct app *app, const char *owner, const char *jid)
{
	struct store *st = app->store;
	sqlite3_stmt *s;
	int n = 0, rc;

	s = store_stmt(st, "SELECT COUNT(*), SUM(jid = ?2) FROM subscribers "
	    "WHERE office = ?1");
	if (s == NULL)
		return -1;
	store_bind_text(s, 1, owner);
	store_bind_text(s, 2, jid);
	if ((rc = store_row(st, s)) < 0)
		return -1;
	if (rc == 1) {
		n = sqlite3_column_int(s, 0);
		rc = sqlite3_column_int(s, 1);
		sqlite3_reset(s);
		if (rc > 0) {
			subs_seen(app, jid);
			return 1;	/* already */
		}
	}
	if (n >= app->conf->max_subscribers && !is_known(app->conf, jid)) {
		warn_full("the subscribers of", owner,
		    app->conf->max_subscribers);
		return 0;
	}
	s = store_stmt(st, "INSERT OR IGNORE INTO subscribers "
	    "(office, jid, since, seen) VALUES (?, ?, ?3, ?3)");
	if (s == NULL)
		return -1;
	store_bind_text(s, 1, owner);
	store_bind_text(s, 2, jid);
	sqlite3_bind_int64(s, 3, store_now());
	if (store_step(st, s) < 0)
		return -1;
	if (sqlite3_changes(store_db(st)) > 0 && !is_known(app->conf, jid) &&
	    link_up(app)) {
		/*
		 * Ask for theirs in return (clients accept it from a contact
		 * they subscribed to; the widget does not): then our probe
		 * before they expire is answered with their presence.
		 */
		char *from = xasprintf("%s@%s", owner, app->conf->domain);

		stanza_send(app, stanza_presence(app, from, jid, "subscribe"));
		free(from);
	}
	return 1;
}

void
subs_remove(struct app *app, const char *owner, const char *jid)
{
	sqlite3_stmt *s = store_stmt(app->store, "DELETE FROM subscribers "
	    "WHERE office = ? AND jid = ?");
	char *k = wkey(owner, jid);

	map_del(&probed, k);
	free(k);
	if (s == NULL)
		return;
	store_bind_text(s, 1, owner);
	store_bind_text(s, 2, jid);
	store_step(app->store, s);
}

void
subs_unsubscribed(struct app *app, const char *owner, const char *jid)
{
	(void)app;
	log_debug("subs: %s does not let %s see their presence (or answers "
	    "its probe so): their subscription stands", jid, owner);
}

void
subs_seen(struct app *app, const char *jid)
{
	sqlite3_stmt *s = store_stmt(app->store, "UPDATE subscribers SET "
	    "seen = ?1 WHERE jid = ?2 AND (seen IS NULL OR seen < ?1 - ?3)");

	if (s == NULL)
		return;
	sqlite3_bind_int64(s, 1, store_now());
	store_bind_text(s, 2, jid);
	sqlite3_bind_int(s, 3, SEEN_EVERY);
	store_step(app->store, s);
}

void
subs_foreach(struct app *app, const char *owner,
    void (*fn)(const char *owner, const char *jid, void *ud), void *ud)
{
	sqlite3_stmt *s = store_stmt(app->store, "SELECT office, jid FROM "
	    "subscribers WHERE ?1 IS NULL OR office = ?1 ORDER BY office, jid");
	struct strlist owners = {0}, jids = {0};
	size_t i;

	if (s == NULL)
		return;
	store_bind_text(s, 1, owner);
	/* collect first: fn may write to the store */
	while (store_row(app->store, s) == 1) {
		strlist_add(&owners, (const char *)sqlite3_column_text(s, 0));
		strlist_add(&jids, (const char *)sqlite3_column_text(s, 1));
	}
	sqlite3_reset(s);
	for (i = 0; i < jids.n; i++)
		fn(owners.v[i], jids.v[i], ud);
	strlist_free(&owners);
	strlist_free(&jids);
}

/* Forgets the unknown subscribers not heard of for subscriber-days. */
static void
expire_subscribers(struct app *app, int64_t now)
{
	int64_t cutoff = now - (int64_t)app->conf->subscriber_days * 86400;
	sqlite3_stmt *s = store_stmt(app->store, "SELECT office, jid FROM "
	    "subscribers WHERE COALESCE(seen, since) < ?");
	struct strlist owners = {0}, jids = {0};
	size_t i, n = 0;

	if (s == NULL)
		return;
	sqlite3_bind_int64(s, 1, cutoff);
	while (store_row(app->store, s) == 1) {
		const char *jid = (const char *)sqlite3_column_text(s, 1);

		if (is_known(app->conf, jid))
			continue;
		strlist_add(&owners, (const char *)sqlite3_column_text(s, 0));
		strlist_add(&jids, jid);
	}
	sqlite3_reset(s);
	for (i = 0; i < jids.n; i++, n++)
		subs_remove(app, owners.v[i], jids.v[i]);
	if (n)
		log_info("subs: %zu subscriber%s not heard of for %d days "
		    "forgotten", n, n == 1 ? "" : "s",
		    app->conf->subscriber_days);
	strlist_free(&owners);
	strlist_free(&jids);
}

/* The lead before expiry at which a silent subscriber is probed. */
static int64_t
probe_lead(const struct conf *cf)
{
	int64_t period = (int64_t)cf->subscriber_days * 86400;

	return period / 2 < 86400 ? period / 2 : 86400;
}

/*
 * Probes the unknown subscribers silent for nearly subscriber-days, once
 * per silence; the map keeps only those still silent.
 */
static void
probe_silent(struct app *app, int64_t now)
{
	int64_t period = (int64_t)app->conf->subscriber_days * 86400;
	sqlite3_stmt *s = store_stmt(app->store, "SELECT office, jid, "
	    "COALESCE(seen, since) FROM subscribers WHERE COALESCE(seen, "
	    "since) < ?1 AND COALESCE(seen, since) >= ?2");
	struct strlist owners = {0}, jids = {0};
	struct map still = {0};
	size_t i;

	if (s == NULL || !link_up(app))
		return;	/* probed once the link is back */
	sqlite3_bind_int64(s, 1, now - period + probe_lead(app->conf));
	sqlite3_bind_int64(s, 2, now - period);
	while (store_row(app->store, s) == 1) {
		const char *owner = (const char *)sqlite3_column_text(s, 0);
		const char *jid = (const char *)sqlite3_column_text(s, 1);
		int64_t quiet = sqlite3_column_int64(s, 2);
		char *k;
		long at;

		if (owner == NULL || jid == NULL || is_known(app->conf, jid))
			continue;
		k = wkey(owner, jid);
		at = map_count(&probed, k);
		if (at > 0 && at >= quiet)
			map_add(&still, k, at);	/* probed in this silence */
		else {
			map_add(&still, k, (long)now);
			strlist_add(&owners, owner);
			strlist_add(&jids, jid);
		}
		free(k);
	}
	sqlite3_reset(s);
	map_free(&probed);
	probed = still;
	for (i = 0; i < jids.n; i++) {
		char *from = xasprintf("%s@%s", owners.v[i],
		    app->conf->domain);

		stanza_send(app, stanza_presence(app, from, jids.v[i],
		    "probe"));
		free(from);
	}
	if (jids.n)
		log_info("subs: %zu silent subscriber%s probed before %s "
		    "expire%s", jids.n, jids.n == 1 ? "" : "s", jids.n == 1 ?
		    "it" : "they", jids.n == 1 ? "s" : "");
	strlist_free(&owners);
	strlist_free(&jids);
}

/* ---- watchers ------------------------------------------------------- */

static void
watcher_store(struct app *app, const struct watcher *w, int on)
{
	sqlite3_stmt *s;

	if (on)
		s = store_stmt(app->store, "INSERT OR REPLACE INTO watchers "
		    "(office, jid, seen) VALUES (?, ?, ?)");
	else
		s = store_stmt(app->store, "DELETE FROM watchers WHERE "
		    "office = ? AND jid = ?");
	if (s == NULL)
		return;
	store_bind_text(s, 1, w->office);
	store_bind_text(s, 2, w->jid);
	if (on)
		sqlite3_bind_int64(s, 3, w->seen);
	store_step(app->store, s);
}

static void
watcher_free(struct watcher *w)
{
	if (w == NULL)
		return;
	free(w->office);
	free(w->jid);
	free(w);
}

static struct watcher *
watcher_new(const char *office, const char *jid, int64_t seen)
{
	struct watcher *w = xcalloc(1, sizeof(*w));
	char *k = wkey(office, jid);

	w->office = xstrdup(office);
	w->jid = xstrdup(jid);
	w->seen = seen;
	map_set(&watchers, k, w);
	free(k);
	return w;
}

/* 1 if the bare JID of full is a subscriber of office. */
static int
is_subscriber(struct app *app, const char *office, const char *full)
{
	sqlite3_stmt *s = store_stmt(app->store, "SELECT 1 FROM subscribers "
	    "WHERE office = ? AND jid = ?");
	size_t len = strcspn(full, "/");
	char *bare = xstrndup(full, len);
	int rc = 0;

	if (s != NULL) {
		store_bind_text(s, 1, office);
		store_bind_text(s, 2, bare);
		rc = store_row(app->store, s) == 1;
		sqlite3_reset(s);
	}
	free(bare);
	return rc;
}

void
subs_watch(struct app *app, const char *office, const char *jid, int on)
{
	char *k = wkey(office, jid);
	struct watcher *w = map_get(&watchers, k);
	int64_t now = store_now();

	if (on && w == NULL && is_subscriber(app, office, jid)) {
		free(k);	/* a subscriber gets the desk's presence already */
		return;
	}
	if (!on) {
		if (w) {
			map_del(&watchers, k);
			watcher_store(app, w, 0);
			watcher_free(w);
		}
	} else if (w) {
		if (now - w->seen >= SEEN_EVERY) {
			w->seen = now;
			watcher_store(app, w, 1);
		}
	} else if (watchers.n >= (size_t)app->conf->max_watchers)
		warn_full("the watchers of", "all desks",
		    app->conf->max_watchers);
	else
		watcher_store(app, watcher_new(office, jid, now), 1);
	free(k);
}

struct wcall {
	const char *office;
	void (*fn)(const char *, const char *, void *);
	void *ud;
	struct strlist jids;
	int64_t cutoff;
};

static void
collect(const char *key, void *value, long count, void *ud)
{
	struct wcall *c = ud;
	struct watcher *w = value;

	(void)count;
	if (c->office ? strcmp(w->office, c->office) == 0 :
	    w->seen < c->cutoff)
		strlist_add(&c->jids, c->office ? w->jid : key);
}

void
subs_watchers_foreach(const char *office,
    void (*fn)(const char *office, const char *jid, void *ud), void *ud)
{
	struct wcall c = {.office = office, .fn = fn, .ud = ud};
	size_t i;

	map_foreach(&watchers, collect, &c);
	for (i = 0; i < c.jids.n; i++)
		fn(office, c.jids.v[i], ud);
	strlist_free(&c.jids);
}

size_t
subs_watchers_count(void)
{
	return watchers.n;
}

static void
expire_watchers(struct app *app, int64_t now)
{
	struct wcall c = {.cutoff = now -
	    (int64_t)app->conf->watcher_hours * 3600};
	size_t i;

	map_foreach(&watchers, collect, &c);
	for (i = 0; i < c.jids.n; i++) {
		struct watcher *w = map_del(&watchers, c.jids.v[i]);

		watcher_store(app, w, 0);
		watcher_free(w);
	}
	if (c.jids.n)
		log_info("subs: %zu widget%s silent for %d hours forgotten",
		    c.jids.n, c.jids.n == 1 ? "" : "s",
		    app->conf->watcher_hours);
	strlist_free(&c.jids);
}

void
subs_load(struct app *app)
{
	sqlite3_stmt *s = store_stmt(app->store, "SELECT office, jid, seen "
	    "FROM watchers");

	subs_free_all();
	if (s == NULL)
		return;
	while (store_row(app->store, s) == 1)
		watcher_new((const char *)sqlite3_column_text(s, 0),
		    (const char *)sqlite3_column_text(s, 1),
		    sqlite3_column_int64(s, 2));
	sqlite3_reset(s);
	if (watchers.n)
		log_info("subs: %zu widget%s watching the desks", watchers.n,
		    watchers.n == 1 ? "" : "s");
}

int
subs_tick(void *ud)
{
	struct app *app = ud;
	int64_t now = store_now();

	probe_silent(app, now);
	expire_subscribers(app, now);
	expire_watchers(app, now);
	return 1;
}

static void
free_one(const char *key, void *value, long count, void *ud)
{
	(void)key;
	(void)count;
	(void)ud;
	watcher_free(value);
}

void
subs_free_all(void)
{
	map_foreach(&watchers, free_one, NULL);
	map_free(&watchers);
	map_free(&probed);
}
