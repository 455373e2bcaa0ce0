/*
 * relay.c: our lines into the room, the visitor's to the counsellor.
 *
 * Posts of ours (bot, persona) and visitor lines for the counsellor are
 * sent from the store, each under its row's relay id (and, into the
 * room, an origin-id with it, XEP-0359), the same at every resend. Rows
 * handed to the link wait in a written-list; a barrier IQ to the MUC
 * host follows them on the stream, and once the server answered it
 * (it read everything before it) they are marked relayed in one pass.
 * A flush skips rows still in that list. Lines coming in from the room
 * are catchup.c's; our own lines seen there (live, or in the archive
 * after a restart) are marked relayed too, so they are not resent.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "app.h"
#include "clock.h"
#include "conf.h"
#include "convdb.h"
#include "event.h"
#include "link.h"
#include "log.h"
#include "msgdb.h"
#include "map.h"
#include "registry.h"
#include "relay.h"
#include "room.h"
#include "staff.h"
#include "stanza.h"
#include "store.h"
#include "text.h"
#include "util.h"

static struct map inflight;	/* rowid -> (present): handed, not written */
static struct sent {
	int64_t row;
	unsigned long seq;	/* the link's stanza count once it was handed */
} *written;
static size_t nwritten;

#define BARRIER_RETRY_MS 5000	/* a barrier unanswered this long: another */

static struct {
	int out;		/* sent, not answered */
	unsigned long seq;	/* the link's stanza count once it was handed */
	unsigned long n;	/* barriers sent: the id of the last one */
	unsigned long long at;	/* when it was sent (monotonic ms) */
} bar;

static int
in_flight(int64_t row)
{
	char k[24];

	snprintf(k, sizeof(k), "%lld", (long long)row);
	return map_count(&inflight, k) > 0;
}

/* Row was just handed to the link: relayed once the link wrote it. */
static void
track(struct app *app, int64_t row)
{
	char k[24];

	snprintf(k, sizeof(k), "%lld", (long long)row);
	if (map_add(&inflight, k, 1) > 1) {
		map_add(&inflight, k, -1);
		return;
	}
	written = xreallocarray(written, nwritten + 1, sizeof(*written));
	written[nwritten].row = row;
	written[nwritten].seq = link_sent_count(app->link);
	nwritten++;
}

/* Marks the first n rows of the written-list relayed and drops them. */
static void
mark_written(struct app *app, size_t n)
{
	int64_t *rows;
	size_t i;

	if (n == 0)
		return;
	rows = xcalloc(n, sizeof(*rows));
	for (i = 0; i < n; i++)
		rows[i] = written[i].row;
	if (msgdb_mark_relayed(app, rows, n) < 0) {
		free(rows);
		return;	/* kept in flight: marked at a later answer */
	}
	for (i = 0; i < n; i++) {
		char k[24];

		snprintf(k, sizeof(k), "%lld", (long long)rows[i]);
		map_del(&inflight, k);
	}
	free(rows);
	memmove(written, written + n, (nwritten - n) * sizeof(*written));
	nwritten -= n;
}

void
relay_written(struct app *app)
{
	char id[32];
	xmpp_stanza_t *iq;

	if (nwritten == 0 || !link_is_up(app->link))
		return;
	if (bar.out && clock_mono_ms() - bar.at < BARRIER_RETRY_MS)
		return;
	/*
	 * The server reads the stream in order: once it answered this IQ,
	 * sent after the rows, it has them all (a SIGKILL now loses none).
	 * Written to the socket is not enough: a reset connection drops
	 * what the server had not read yet.
	 */
	snprintf(id, sizeof(id), "bar-%lu", ++bar.n);
	iq = xmpp_iq_new(app->ctx, "get", id);
	xmpp_stanza_set_from(iq, app->conf->domain);
	xmpp_stanza_set_to(iq, app->conf->muc);
	stanza_add(iq, "query", NS_DISCO_INFO);
	if (link_send(app->link, iq) == ACCUEIL_OK) {
		bar.out = 1;
		bar.seq = link_sent_count(app->link);
		bar.at = clock_mono_ms();
	}
	xmpp_stanza_release(iq);
}

int
relay_barrier_answer(struct app *app, const char *id)
{
	size_t n;

	if (strncmp(id, "bar-", 4) != 0)
		return 0;
	if (!bar.out || strtoul(id + 4, NULL, 10) != bar.n)
		return 1;	/* an older one, or after a reconnect */
	bar.out = 0;
	for (n = 0; n < nwritten && written[n].seq < bar.seq; n++)
		;
	mark_written(app, n);
	relay_written(app);	/* what was handed meanwhile */
	return 1;
}

void
relay_seen_ours(struct app *app, struct conv *cv, xmpp_stanza_t *st)
{
	xmpp_stanza_t *o = stanza_child(st, "origin-id", NS_STANZA_ID);
	const char *id = o ? xmpp_stanza_get_attribute(o, "id") : NULL;

	if (id == NULL)
		id = xmpp_stanza_get_id(st);
	if (id != NULL && xmpp_stanza_get_child_by_name(st, "body") != NULL)
		msgdb_mark_posted(app, cv, id);
}

void
relay_link_down(void)
{
	map_free(&inflight);
	nwritten = 0;
	bar.out = 0;
}

void
relay_drain(struct app *app, unsigned long timeout_ms)
{
	unsigned long long end = clock_mono_ms() + timeout_ms;

	relay_written(app);
	while (nwritten > 0 && link_is_up(app->link) && clock_mono_ms() < end)
		link_run_once(app->link, 20);
}

const char *
relay_staff_lang(const struct conf_counsellor *c)
{
	return c && c->lang ? c->lang : "fr";
}

void
relay_notice(struct app *app, struct conv *cv, const struct conf_counsellor *c,
    const char *text)
{
	char *from = xasprintf("%s@%s", cv->id, app->conf->domain);

	staff_notice(app, from, c, text);
	free(from);
}

void
relay_notice_msg(struct app *app, struct conv *cv,
    const struct conf_counsellor *c, enum msg m)
{
	relay_notice(app, cv, c, catalog_text(relay_staff_lang(c), m));
}

/* ---- to the counsellor ------------------------------------------------- */

static char *
nick_label(struct conv *cv)
{
	return xasprintf("%s · %s%s%s", cv->name ? cv->name :
	    catalog_text(cv->lang, MSG_VISITOR), cv->lang, cv->page ? " · " :
	    "", cv->page ? cv->page : "");
}

/* Sends a visitor line or state to the counsellor; 0 if handed over. */
static int
send_counsellor(struct app *app, struct conv *cv, const char *body,
    const char *id, const char *replace, const char *chatstate)
{
	char *from = xasprintf("%s@%s", cv->id, app->conf->domain);
	xmpp_stanza_t *m = xmpp_message_new(app->ctx, "chat", cv->counsellor,
	    id);
	enum accueil_err e;

	xmpp_stanza_set_from(m, from);
	if (body) {
		char *nick = nick_label(cv);
		xmpp_stanza_t *n = stanza_add(m, "nick", NS_NICK);
		xmpp_stanza_t *t = xmpp_stanza_new(app->ctx);

		xmpp_message_set_body(m, body);
		xmpp_stanza_set_text(t, nick);
		xmpp_stanza_add_child_ex(n, t, 0);
		free(nick);
		stanza_add(m, "active", NS_CHATSTATES);
	}
	if (replace)
		xmpp_stanza_set_attribute(stanza_add(m, "replace", NS_CORRECT),
		    "id", replace);
	if (chatstate)
		stanza_add(m, chatstate, NS_CHATSTATES);
	if (body && id)	/* a resend after a restart: the same ids */
		xmpp_stanza_set_attribute(stanza_add(m, "origin-id",
		    NS_STANZA_ID), "id", id);
	e = link_send(app->link, m);
	xmpp_stanza_release(m);
	free(from);
	return e == ACCUEIL_OK ? 0 : -1;
}

int
relay_can(struct app *app, struct conv *cv)
{
	return cv->state == CONV_ACTIVE && cv->counsellor &&
	    link_is_up(app->link);
}

static void
flush_to_counsellor(struct app *app, struct conv *cv)
{
	struct msgdb_row *rows;
	size_t n, i;

	if (!relay_can(app, cv))
		return;
	n = msgdb_pending(app, cv, 1, &rows);
	for (i = 0; i < n; i++) {
		char *replace = NULL;

		if (in_flight(rows[i].id))
			continue;
		if (rows[i].corrects > 0)
			replace = msgdb_relay_id_row(app, rows[i].corrects);
		if (send_counsellor(app, cv, rows[i].body, rows[i].relay_id,
		    replace, NULL) == 0)
			track(app, rows[i].id);
		free(replace);
	}
	msgdb_rows_free(rows, n);
}

#define MERGE_MAX_LINES 100	/* lines in one merged message, at most */

/*
 * The visitor's pending lines go as merged messages, one per
 * MERGE_MAX_LINES lines (each line on its own line); corrections go on
 * their own. Rows still in flight are skipped, so a line is never sent
 * twice, merged or not.
 */
void
relay_flush_merged(struct app *app, struct conv *cv)
{
	struct msgdb_row *rows;
	struct buf b = {0};
	int64_t *ids;
	size_t n, i, k = 0;
	const char *first = NULL;

	if (!relay_can(app, cv))
		return;
	n = msgdb_pending(app, cv, 1, &rows);
	ids = xcalloc(n ? n : 1, sizeof(*ids));
	for (i = 0; i <= n; i++) {
		int end = i == n || k == MERGE_MAX_LINES;

		if (i < n && (in_flight(rows[i].id) || rows[i].corrects > 0)) {
			if (rows[i].corrects > 0 && !in_flight(rows[i].id)) {
				char *rep = msgdb_relay_id_row(app,
				    rows[i].corrects);

				if (send_counsellor(app, cv, rows[i].body,
				    rows[i].relay_id, rep, NULL) == 0)
					track(app, rows[i].id);
				free(rep);
			}
			continue;
		}
		if (end && k > 0) {
			if (send_counsellor(app, cv, b.s, first, NULL,
			    NULL) == 0) {
				size_t j;

				for (j = 0; j < k; j++)
					track(app, ids[j]);
			}
			buf_free(&b);
			memset(&b, 0, sizeof(b));
			k = 0;
		}
		if (i == n)
			break;
		if (k == 0)
			first = rows[i].relay_id;
		buf_appendf(&b, "%s%s", k ? "\n" : "", rows[i].body);
		ids[k++] = rows[i].id;
	}
	buf_free(&b);
	free(ids);
	msgdb_rows_free(rows, n);
}

/* ---- into the room -------------------------------------------------------- */

/* <origin-id/> under the row's relay id: how the archive names it. */
static xmpp_stanza_t *
origin_id(struct app *app, const char *id)
{
	xmpp_stanza_t *o = xmpp_stanza_new(app->ctx);

	xmpp_stanza_set_name(o, "origin-id");
	xmpp_stanza_set_ns(o, NS_STANZA_ID);
	xmpp_stanza_set_attribute(o, "id", id);
	return o;
}

/* A post of ours into the room, under its row's id; 0 if handed over. */
static int
post(struct app *app, struct conv *cv, const char *local, const char *body,
    const char *id, const char *replace)
{
	xmpp_stanza_t *o = id ? origin_id(app, id) : NULL;

	return room_send(app, cv, local, body, id, replace, o ? &o : NULL,
	    o ? 1 : 0);
}

static void
flush_posts(struct app *app, struct conv *cv)
{
	struct msgdb_row *rows;
	size_t n, i;

	/* during a catch-up, the archive tells what the room already has */
	if (!cv->bot_joined || cv->catching_up)
		return;
	n = msgdb_pending(app, cv, 0, &rows);
	for (i = 0; i < n; i++) {
		int counsellor = strcmp(rows[i].role, "counsellor") == 0;
		char *replace = NULL;

		if (in_flight(rows[i].id) || (counsellor && !cv->persona_joined))
			continue;
		if (rows[i].corrects > 0)
			replace = msgdb_relay_id_row(app, rows[i].corrects);
		if (post(app, cv, counsellor ? cv->persona : NULL,
		    rows[i].body, rows[i].relay_id, replace) == 0)
			track(app, rows[i].id);
		free(replace);
	}
	msgdb_rows_free(rows, n);
}

void
relay_flush(struct app *app, struct conv *cv)
{
	flush_posts(app, cv);
	flush_to_counsellor(app, cv);
}

void
relay_bot_post(struct app *app, struct conv *cv, const char *text,
    xmpp_stanza_t **extra, size_t nextra)
{
	char *id = stanza_new_id();
	struct msgdb_msg m = {.role = "bot", .persona = room_bot_id(app, cv),
	    .body = text, .relay_id = id};
	xmpp_stanza_t **more;
	int64_t row = 0;
	size_t i;
	int stored;

	/* what was pending goes first, so this post keeps its place */
	if (cv->bot_joined)
		flush_posts(app, cv);
	stored = msgdb_store(app, cv, &m, &row);
	if (!cv->bot_joined) {
		/* the text is the record; flush_posts sends it later */
		for (i = 0; i < nextra; i++)
			xmpp_stanza_release(extra[i]);
		if (stored != 1)
			log_warnx("session %s: a bot message could not be "
			    "stored", cv->id);
	} else {
		more = xreallocarray(NULL, nextra + 1, sizeof(*more));
		for (i = 0; i < nextra; i++)
			more[i] = extra[i];
		more[nextra] = origin_id(app, id);
		if (room_send(app, cv, NULL, text, id, NULL, more, nextra +
		    1) == 0 && stored == 1)
			track(app, row);
		free(more);
	}
	free(id);
}

void
relay_bot_say(struct app *app, struct conv *cv, const char *text)
{
	relay_bot_post(app, cv, text, NULL, 0);
}

int
relay_counsellor_text(struct app *app, struct conv *cv,
    const struct conf_counsellor *c, const char *text, const char *origin,
    xmpp_stanza_t *st)
{
	char *copy = xstrdup(text), *relay = stanza_new_id();
	struct msgdb_msg m = {.role = "counsellor", .persona = c->persona,
	    .origin_id = origin, .relay_id = relay};
	char *replace_of = NULL;
	xmpp_stanza_t *rep;
	struct event ev;
	int64_t row;

	if (st && (rep = stanza_child(st, "replace", NS_CORRECT)) != NULL &&
	    xmpp_stanza_get_attribute(rep, "id"))
		replace_of = msgdb_relay_id_of(app, cv, "counsellor",
		    xmpp_stanza_get_attribute(rep, "id"), &m.corrects);
	if (strlen(copy) > RELAY_MAX_BODY && text_cut(copy, RELAY_MAX_BODY))
		log_info("session %s: counsellor message cut to %d bytes",
		    cv->id, RELAY_MAX_BODY);
	m.body = copy;
	if (msgdb_store(app, cv, &m, &row) != 1) {
		relay_notice_msg(app, cv, c, MSG_STORE_FAILED_MINE);
		free(replace_of);
		free(copy);
		free(relay);
		return -1;
	}
	/* during a catch-up, after the older lines: catch_up_done flushes */
	if (cv->persona_joined && !cv->catching_up && post(app, cv,
	    cv->persona, copy, relay, replace_of) == 0)
		track(app, row);
	event_prepare(&ev, EV_COUNSELLOR_TEXT, cv, c);
	ev.text = copy;
	ev.stanza = st;
	ev.rowid = row;
	event_fire(app, &ev);
	free(replace_of);
	free(copy);
	free(relay);
	return 0;
}

void
relay_counsellor_state(struct app *app, struct conv *cv, const char *state)
{
	xmpp_stanza_t *x;

	if (!cv->persona_joined)
		return;
	x = xmpp_stanza_new(app->ctx);
	xmpp_stanza_set_name(x, state);
	xmpp_stanza_set_ns(x, NS_CHATSTATES);
	room_send(app, cv, cv->persona, NULL, NULL, NULL, &x, 1);
}

int
relay_to_counsellor(struct app *app, struct conv *cv, const char *body,
    const char *id, const char *replace, const char *chatstate, int64_t row)
{
	if (send_counsellor(app, cv, body, id, replace, chatstate) < 0)
		return -1;
	if (row > 0)
		track(app, row);
	return 0;
}
