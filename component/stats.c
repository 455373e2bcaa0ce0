/*
 * stats.c: the statistics' record, written by listening to the core.
 *
 * Hooks the core's named events (arrival, offer, take, transfer, each
 * message, abandon, offline request filed and answered, close, rating,
 * video appointment) and appends one row per event to stat_events, a
 * table only this module writes, with the office, the conversation's
 * language, persona and counsellor at that moment. Every figure of
 * statsq.c is then a query on it. Handlers run first (high priority)
 * and always pass, so they see every event and change nothing. A row
 * that cannot be written is logged and lost: statistics never hold up
 * a conversation. Loop thread only.
 */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "app.h"
#include "conf.h"
#include "event.h"
#include "log.h"
#include "registry.h"
#include "store.h"
#include "stats.h"

/* Before everyone: a handler that answers HANDLED would hide the event. */
#define STATS_PRIORITY 1000

int
stats_record(struct store *st, const struct stats_row *r)
{
	sqlite3_stmt *s = store_stmt(st, "INSERT INTO stat_events (at, "
	    "office, session, kind, lang, persona, counsellor, value, ref, "
	    "detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");

	if (s == NULL || r->office == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, r->at ? r->at : store_now());
	store_bind_text(s, 2, r->office);
	store_bind_text(s, 3, r->session);
	store_bind_text(s, 4, r->kind);
	store_bind_text(s, 5, r->lang);
	store_bind_text(s, 6, r->persona);
	store_bind_text(s, 7, r->counsellor);
	if (r->has_value)
		sqlite3_bind_int64(s, 8, r->value);
	if (r->has_ref)
		sqlite3_bind_int64(s, 9, r->ref);
	store_bind_text(s, 10, r->detail);
	if (store_step(st, s) < 0) {
		log_warnx("stats: a %s event could not be recorded", r->kind);
		return -1;
	}
	return 0;
}

/* A row about conversation cv, with its language, persona, counsellor. */
static void
conv_row(struct stats_row *r, const struct conv *cv, const char *kind)
{
	memset(r, 0, sizeof(*r));
	r->office = cv->office;
	r->session = cv->id;
	r->kind = kind;
	r->lang = cv->lang;
	r->persona = cv->persona;
	r->counsellor = cv->counsellor;
}

static int
on_event(struct app *app, struct event *ev, void *ud)
{
	struct stats_row r;
	struct conv *cv = ev->conv;

	(void)ud;
	if (cv)
		conv_row(&r, cv, NULL);
	else
		memset(&r, 0, sizeof(r));
	switch (ev->kind) {
	case EV_CONV_NEW:
		r.kind = "arrival";
		r.at = cv->created;
		r.detail = cv->lang_source;
		break;
	case EV_CONV_OFFERED:
		r.kind = "offered";
		if (ev->counsellor) {
			r.persona = ev->counsellor->persona;
			r.counsellor = ev->counsellor->jid;
		}
		break;
	case EV_CONV_TAKEN:
		r.kind = ev->text && strcmp(ev->text, "transfer") == 0 ?
		    "transfer" : "taken";
		break;
	case EV_VISITOR_TEXT:
		if (cv->state == CONV_SURVEY)
			return EVENT_PASS;	/* the rating, not a message */
		r.kind = "message";
		r.detail = "visitor";
		break;
	case EV_COUNSELLOR_TEXT:
		r.kind = "message";
		r.detail = "counsellor";
		break;
	case EV_CONV_OFFLINE:
		r.kind = "offline";
		r.detail = ev->text;
		break;
	case EV_CONV_CLOSED:
		r.detail = ev->text;
		if (ev->text && strcmp(ev->text, "abandoned") == 0) {
			/* waited from arrival until the visitor left */
			r.kind = "abandon";
			r.value = (cv->left_at ? cv->left_at : store_now()) -
			    cv->created;
			r.has_value = 1;
			if (stats_record(app->store, &r) < 0)
				return EVENT_PASS;
		}
		r.kind = "closed";
		break;
	case EV_CONV_RATED:
		r.kind = "rating";
		r.value = ev->flag;
		r.has_value = 1;
		break;
	case EV_VIDEO_BOOKED:
		r.kind = "video";
		r.ref = ev->rowid;
		r.has_ref = 1;
		if (ev->counsellor) {
			r.persona = ev->counsellor->persona;
			r.counsellor = ev->counsellor->jid;
		}
		break;
	case EV_REQUEST_FILED:
		r.kind = "request-filed";
		r.office = ev->office;
		r.session = ev->arg;
		r.detail = ev->text;
		r.ref = ev->rowid;
		r.has_ref = 1;
		r.value = ev->flag;
		r.has_value = 1;
		break;
	case EV_REQUEST_ANSWERED:
		r.kind = "request-answered";
		r.office = ev->office;
		r.ref = ev->rowid;
		r.has_ref = 1;
		if (ev->counsellor) {
			r.persona = ev->counsellor->persona;
			r.counsellor = ev->counsellor->jid;
		}
		break;
	default:
		return EVENT_PASS;
	}
	stats_record(app->store, &r);
	return EVENT_PASS;
}

void
stats_init(void)
{
	static const enum event_kind kinds[] = {
		EV_CONV_NEW, EV_CONV_OFFERED, EV_CONV_TAKEN, EV_VISITOR_TEXT,
		EV_COUNSELLOR_TEXT, EV_CONV_OFFLINE, EV_CONV_CLOSED,
		EV_CONV_RATED, EV_VIDEO_BOOKED, EV_REQUEST_FILED,
		EV_REQUEST_ANSWERED,
	};
	size_t i;

	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		event_hook(kinds[i], on_event, STATS_PRIORITY, NULL);
}
