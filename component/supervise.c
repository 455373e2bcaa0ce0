/*
 * supervise.c: a supervisor's watch over live conversations.
 *
 * An office's supervisors (<supervisor jid>) and the administrators may
 * list the conversations under way, watch one (a live copy of both
 * sides, marked, from the conversation's v- JID; nothing they write
 * there reaches the visitor), whisper to the counsellor who holds it
 * (any text they write to the v- JID while watching, delivered to the
 * counsellor as a private notice marked as the supervisor's) and take it
 * over under their own persona (if they have one: a <counsellor> entry),
 * which the visitor sees as a handover. Text commands on the service JID
 * and the v- JID (!conversations, !suivre, !reprendre, !arreter), and
 * ad-hoc commands (adhoc.c). Watches are kept in memory: a restart ends
 * them (the supervisor is told nothing then; they watch again).
 */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <strophe.h>

#include "app.h"
#include "catalog.h"
#include "command.h"
#include "conf.h"
#include "conv.h"
#include "event.h"
#include "log.h"
#include "map.h"
#include "registry.h"
#include "relay.h"
#include "review.h"
#include "router.h"
#include "stanza.h"
#include "store.h"
#include "text.h"
#include "util.h"
#include "supervise.h"

static struct map watches;	/* conv id -> struct strlist * of bare JIDs */

int
supervise_may(struct app *app, const char *bare, const char *office)
{
	size_t i;

	for (i = 0; i < app->conf->nadmins; i++)
		if (strcasecmp(app->conf->admins[i].jid, bare) == 0)
			return 1;
	return review_is_supervisor(app->conf, bare, office);
}

static const char *
lang_of(struct app *app, const char *bare, const char *office)
{
	const struct conf_counsellor *c = conf_counsellor_by_jid(app->conf,
	    bare);
	const struct conf_office *o = office ? conf_office(app->conf, office) :
	    NULL;

	if (c)
		return relay_staff_lang(c);
	if (o && o->default_lang)
		return o->default_lang;
	return "fr";
}

/* A private notice to a supervisor, from `from`. */
static void
tell(struct app *app, const char *from, const char *to, const char *lang,
    const char *text)
{
	char *m = catalog_aformat(lang, MSG_PRIVATE, text);

	stanza_send(app, stanza_message(app, from, to, "chat", m));
	free(m);
}

static void
tell_msg(struct app *app, const char *from, const char *to,
    const char *office, enum msg id)
{
	const char *lang = lang_of(app, to, office);

	tell(app, from, to, lang, catalog_text(lang, id));
}

static struct strlist *
watchers(const struct conv *cv, int create)
{
	struct strlist *w = map_get(&watches, cv->id);

	if (w == NULL && create) {
		w = xcalloc(1, sizeof(*w));
		map_set(&watches, cv->id, w);
	}
	return w;
}

static void
unwatch(const struct conv *cv, const char *bare)
{
	struct strlist *w = watchers(cv, 0), keep = {0};
	size_t i;

	if (w == NULL)
		return;
	for (i = 0; i < w->n; i++)
		if (strcasecmp(w->v[i], bare) != 0)
			strlist_add(&keep, w->v[i]);
	strlist_free(w);
	*w = keep;
	if (w->n == 0) {
		map_del(&watches, cv->id);
		free(w);
	}
}

int
supervise_is_watching(const struct conv *cv, const char *bare)
{
	const struct strlist *w = watchers(cv, 0);
	size_t i;

	for (i = 0; w && i < w->n; i++)
		if (strcasecmp(w->v[i], bare) == 0)
			return 1;
	return 0;
}

static long
visitor_lines(struct app *app, const struct conv *cv)
{
	sqlite3_stmt *st = store_stmt(app->store, "SELECT count(*) FROM "
	    "messages WHERE session = ?");
	long n = 0;

	if (st == NULL)
		return 0;
	store_bind_text(st, 1, cv->id);
	if (store_row(app->store, st) == 1) {
		n = sqlite3_column_int(st, 0);
		sqlite3_reset(st);
	}
	return n;
}

void
supervise_list(struct app *app, const char *bare, struct buf *out)
{
	static const char *const states[] = {"waiting", "active", "survey",
	    "closed", "offline"};
	const char *lang = lang_of(app, bare, NULL);
	int64_t now = store_now();
	struct conv **v;
	size_t n, i;
	int shown = 0;

	v = registry_list(&n);
	for (i = 0; i < n; i++) {
		const struct conv *cv = v[i];
		const struct conf_counsellor *c = cv->persona ?
		    conf_counsellor_by_persona(app->conf, cv->persona) : NULL;
		long mins = (long)(now - cv->created) / 60;
		char *line;

		if (cv->state == CONV_CLOSED ||
		    !supervise_may(app, bare, cv->office))
			continue;
		line = catalog_aformat(lang, MSG_SUP_LIST_LINE, cv->id,
		    cv->office, cv->lang, c && cv->state == CONV_ACTIVE ?
		    c->name : states[cv->state], mins, visitor_lines(app, cv),
		    supervise_is_watching(cv, bare) ? " *" : "");
		buf_appendf(out, "%s%s", shown++ ? "\n" : "", line);
		free(line);
	}
	free(v);
	if (!shown)
		buf_append(out, catalog_text(lang, MSG_SUP_LIST_NONE));
}

/* bare starts watching the conversation id; the result text in out. */
int
supervise_watch(struct app *app, const char *bare, const char *id,
    struct buf *out)
{
	struct conv *cv = registry_find(id);
	const char *lang = lang_of(app, bare, cv ? cv->office : NULL);
	const struct conf_counsellor *c;
	char *text;

	if (cv == NULL || cv->state == CONV_CLOSED) {
		text = catalog_aformat(lang, MSG_SUP_NOT_FOUND, id);
		buf_append(out, text);
		free(text);
		return -1;
	}
	if (!supervise_may(app, bare, cv->office)) {
		buf_append(out, catalog_text(lang, MSG_SUP_NOT_YOURS));
		return -1;
	}
	if (!supervise_is_watching(cv, bare))
		strlist_add(watchers(cv, 1), bare);
	c = cv->persona ? conf_counsellor_by_persona(app->conf, cv->persona) :
	    NULL;
	text = catalog_aformat(lang, MSG_SUP_WATCHING, cv->id, cv->name ?
	    cv->name : catalog_text(lang, MSG_VISITOR), c ? c->name : "-");
	buf_append(out, text);
	free(text);
	log_info("session %s: %s watches it", cv->id, bare);
	return 0;
}

/* bare takes cv over under their persona; the result text in out. */
int
supervise_takeover(struct app *app, const char *bare, const char *id,
    struct buf *out)
{
	struct conv *cv = registry_find(id);
	const char *lang = lang_of(app, bare, cv ? cv->office : NULL);
	const struct conf_counsellor *me = conf_counsellor_by_jid(app->conf,
	    bare);
	char *text;

	if (cv == NULL || cv->state == CONV_CLOSED) {
		text = catalog_aformat(lang, MSG_SUP_NOT_FOUND, id);
		buf_append(out, text);
		free(text);
		return -1;
	}
	if (!supervise_may(app, bare, cv->office)) {
		buf_append(out, catalog_text(lang, MSG_SUP_NOT_YOURS));
		return -1;
	}
	if (me == NULL) {
		buf_append(out, catalog_text(lang, MSG_SUP_NO_PERSONA));
		return -1;
	}
	if (cv->state != CONV_ACTIVE || cv->counsellor == NULL) {
		buf_append(out, catalog_text(lang, MSG_SUP_NOT_ACTIVE));
		return -1;
	}
	if (strcasecmp(cv->counsellor, bare) == 0) {
		buf_append(out, catalog_text(lang, MSG_SUP_ALREADY));
		return 0;
	}
	log_info("session %s: taken over by supervisor %s from %s", cv->id,
	    bare, cv->counsellor);
	store_event(app->store, cv->office, cv->id, "taken-over", bare);
	unwatch(cv, bare);
	conv_take(app, cv, me);
	return 0;
}

/* The copy of one line to the watchers, from the v- JID. */
static void
copy(struct app *app, struct conv *cv, const char *who, const char *text)
{
	struct strlist *w = watchers(cv, 0);
	char *from;
	size_t i;

	if (w == NULL || text == NULL)
		return;
	from = xasprintf("%s@%s", cv->id, app->conf->domain);
	for (i = 0; i < w->n; i++) {
		char *m = catalog_aformat(lang_of(app, w->v[i], cv->office),
		    MSG_SUP_COPY, who, text);

		stanza_send(app, stanza_message(app, from, w->v[i], "chat", m));
		free(m);
	}
	free(from);
}

static int
on_visitor_text(struct app *app, struct event *ev, void *ud)
{
	(void)ud;
	/* live, or caught up after an outage: every new line */
	if (ev->conv)
		copy(app, ev->conv, ev->conv->name ? ev->conv->name :
		    catalog_text(ev->conv->lang, MSG_VISITOR), ev->text);
	return EVENT_PASS;
}

static int
on_counsellor_text(struct app *app, struct event *ev, void *ud)
{
	(void)ud;
	if (ev->conv && ev->counsellor)
		copy(app, ev->conv, ev->counsellor->name, ev->text);
	return EVENT_PASS;
}

static int
on_closed(struct app *app, struct event *ev, void *ud)
{
	struct strlist *w;
	char *from;
	size_t i;

	(void)ud;
	if (ev->conv == NULL || (w = watchers(ev->conv, 0)) == NULL)
		return EVENT_PASS;
	from = xasprintf("%s@%s", ev->conv->id, app->conf->domain);
	for (i = 0; i < w->n; i++) {
		const char *lang = lang_of(app, w->v[i], ev->conv->office);
		char *t = catalog_aformat(lang, MSG_SUP_CLOSED, ev->conv->id);

		tell(app, from, w->v[i], lang, t);
		free(t);
	}
	free(from);
	map_del(&watches, ev->conv->id);
	strlist_free(w);
	free(w);
	return EVENT_PASS;
}

static void
whisper(struct app *app, struct conv *cv, const char *bare, const char *from,
    const char *text)
{
	const struct conf_counsellor *holder = cv->counsellor ?
	    conf_counsellor_by_jid(app->conf, cv->counsellor) : NULL;
	const struct conf_counsellor *me = conf_counsellor_by_jid(app->conf,
	    bare);
	char *t;

	if (holder == NULL || cv->state != CONV_ACTIVE) {
		tell_msg(app, from, bare, cv->office, MSG_SUP_NO_HOLDER);
		return;
	}
	t = catalog_aformat(relay_staff_lang(holder), MSG_SUP_WHISPER,
	    me ? me->name : bare, text);
	relay_notice(app, cv, holder, t);
	free(t);
	store_event(app->store, cv->office, cv->id, "whisper", bare);
}

/* Answers one supervisor line: on a v- JID (cv) or the service (NULL). */
static int
line(struct app *app, struct conv *cv, const char *bare, const char *from,
    const char *body)
{
	const char *arg;
	enum command cmd = command_parse(body, &arg);
	const char *lang = lang_of(app, bare, cv ? cv->office : NULL);
	struct buf out = {0};
	char id[64];
	size_t n;

	for (n = 0; arg[n] && !isspace((unsigned char)arg[n]) &&
	    n < sizeof(id) - 1; n++)
		id[n] = arg[n];
	id[n] = '\0';
	switch (cmd) {
	case CMD_LIVE:
		supervise_list(app, bare, &out);
		break;
	case CMD_WATCH:
		supervise_watch(app, bare, cv && *id == '\0' ? cv->id : id, &out);
		break;
	case CMD_UNWATCH:
		if (cv)
			unwatch(cv, bare);
		buf_append(&out, catalog_text(lang, MSG_SUP_STOPPED));
		break;
	case CMD_TAKEOVER:
		if (supervise_takeover(app, bare, cv && *id == '\0' ? cv->id :
		    id, &out) == 0 && out.len == 0) {
			buf_free(&out);
			return ROUTE_HANDLED;	/* conv_take told them */
		}
		break;
	case CMD_NONE:
		if (cv && supervise_is_watching(cv, bare)) {
			whisper(app, cv, bare, from, arg);
			return ROUTE_HANDLED;
		}
		/* FALLTHROUGH */
	default:
		if (cv && !supervise_is_watching(cv, bare))
			return ROUTE_PASS;	/* a counsellor's line, maybe */
		buf_append(&out, catalog_text(lang, MSG_SUP_HELP));
		break;
	}
	tell(app, from, bare, lang, out.s ? out.s : "");
	buf_free(&out);
	return ROUTE_HANDLED;
}

int
supervise_route(struct app *app, xmpp_stanza_t *st, const struct route *r)
{
	const char *type = xmpp_stanza_get_type(st);
	struct conv *cv = NULL;
	char *body = NULL, *from = NULL, *bare;
	int rc = ROUTE_PASS;

	if ((r->kind != ROUTE_VISITOR && r->kind != ROUTE_SERVICE) ||
	    strcmp(xmpp_stanza_get_name(st), "message") != 0 ||
	    r->from == NULL || (type && strcmp(type, "chat") != 0 &&
	    strcmp(type, "normal") != 0))
		return ROUTE_PASS;
	bare = xstrdup(stanza_bare(r->from));
	if (r->kind == ROUTE_VISITOR) {
		if ((cv = registry_find(r->local)) == NULL ||
		    !supervise_may(app, bare, cv->office) ||
		    (cv->counsellor && strcasecmp(cv->counsellor, bare) == 0))
			goto out;
	} else if (!supervise_may(app, bare, NULL))
		goto out;
	if ((body = stanza_body_dup(st)) == NULL || str_blank(body)) {
		rc = cv ? ROUTE_PASS : ROUTE_HANDLED;
		goto out;
	}
	from = cv ? xasprintf("%s@%s", cv->id, app->conf->domain) :
	    xstrdup(app->conf->domain);
	rc = line(app, cv, bare, from, body);
out:
	free(from);
	free(body);
	free(bare);
	return rc;
}

void
supervise_init(void)
{
	event_hook(EV_VISITOR_TEXT, on_visitor_text, -30, NULL);
	event_hook(EV_COUNSELLOR_TEXT, on_counsellor_text, -30, NULL);
	event_hook(EV_CONV_CLOSED, on_closed, -30, NULL);
}

static void
free_one(const char *key, void *value, long count, void *ud)
{
	(void)key;
	(void)count;
	(void)ud;
	strlist_free(value);
	free(value);
}

void
supervise_free_all(void)
{
	map_foreach(&watches, free_one, NULL);
	map_free(&watches);
}
