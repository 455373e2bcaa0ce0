/*
 * cmds.c: counsellors' lines and commands in a conversation (cmds.h).
 */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "app.h"
#include "canned.h"
#include "canvars.h"
#include "catalog.h"
#include "cmds.h"
#include "command.h"
#include "conf.h"
#include "conv.h"
#include "convdb.h"
#include "event.h"
#include "intake.h"
#include "lang.h"
#include "log.h"
#include "msgdb.h"
#include "registry.h"
#include "relay.h"
#include "router.h"
#include "staff.h"
#include "stanza.h"
#include "store.h"
#include "territory.h"
#include "text.h"
#include "util.h"

static int
holds(const struct conv *cv, const struct conf_counsellor *c)
{
	return cv->counsellor && strcasecmp(cv->counsellor, c->jid) == 0;
}

/* Tells c that someone else holds the conversation. */
static void
not_yours(struct app *app, struct conv *cv, const struct conf_counsellor *c,
    const char *name)
{
	const struct conf_counsellor *h = cv->counsellor ?
	    conf_counsellor_by_jid(app->conf, cv->counsellor) : NULL;
	char *text = catalog_aformat(relay_staff_lang(c), MSG_NOT_YOURS, name ?
	    name : h ? h->name : "?");

	relay_notice(app, cv, c, text);
	free(text);
}

/* !transfert <lang|persona>: offered to colleagues with priority. */
static void
transfer(struct app *app, struct conv *cv, const struct conf_counsellor *c,
    const char *arg)
{
	const struct conf_counsellor *to = NULL;
	char target[64], *lang = NULL, *text;
	size_t i, n;

	for (n = 0; arg[n] && !isspace((unsigned char)arg[n]) &&
	    n < sizeof(target) - 1; n++)
		target[n] = (char)tolower((unsigned char)arg[n]);
	target[n] = '\0';
	if (cv->state != CONV_ACTIVE || !holds(cv, c)) {
		relay_notice_msg(app, cv, c, MSG_ENDED);
		return;
	}
	/* a persona by id or by name, or a language */
	for (i = 0; i < app->conf->ncounsellors && n; i++) {
		const struct conf_counsellor *k = &app->conf->counsellors[i];

		if ((strcasecmp(k->persona, target) == 0 ||
		    strcasecmp(k->name, arg) == 0 ||
		    strncasecmp(k->name, target, n) == 0) &&
		    strlist_has(&k->offices, cv->office) && k != c)
			to = k;
	}
	if (to == NULL && (lang = lang_primary(target)) != NULL &&
	    !lang_office_speaks(app, conf_office(app->conf, cv->office),
	    lang)) {
		free(lang);
		lang = NULL;
	}
	if (to == NULL && lang == NULL) {
		char *q = xstrdup(*arg ? arg : "?");

		text_cut(q, 64);
		text = catalog_aformat(relay_staff_lang(c), MSG_TRANSFER_BAD, q);
		relay_notice(app, cv, c, text);
		free(text);
		free(q);
		return;
	}
	text = catalog_aformat(relay_staff_lang(c), MSG_TRANSFER_STARTED, to ?
	    to->name : lang_name_in(relay_staff_lang(c), lang));
	relay_notice(app, cv, c, text);
	free(text);
	conv_transfer(app, cv, c, to ? to->persona : lang);
	free(lang);
}

/*
 * !r alone: the keys there are in the visitor's language (and others);
 * !r <key> [extra text]: that answer, variables expanded, extra appended.
 */
/* 1 if some office offers lang or some counsellor speaks it. */
static int
known_lang(const struct conf *conf, const char *lang)
{
	size_t i;

	for (i = 0; i < conf->noffices; i++)
		if (strlist_has(&conf->offices[i].languages, lang))
			return 1;
	for (i = 0; i < conf->ncounsellors; i++)
		if (strlist_has(&conf->counsellors[i].languages, lang))
			return 1;
	return 0;
}

/* /langue <code>: the visitor's language, before or after the take. */
static void
set_lang(struct app *app, struct conv *cv, const struct conf_counsellor *c,
    const char *arg)
{
	char word[16], *lang, *text;
	size_t n;

	for (n = 0; arg[n] && !isspace((unsigned char)arg[n]) &&
	    n < sizeof(word) - 1; n++)
		word[n] = arg[n];
	word[n] = '\0';
	if (cv->state != CONV_WAITING && cv->state != CONV_ACTIVE) {
		relay_notice_msg(app, cv, c, MSG_ENDED);
		return;
	}
	if (!holds(cv, c) && !strlist_has(&c->offices, cv->office) &&
	    !territory_pooled_for(app->conf, c, conf_office(app->conf,
	    cv->office))) {
		not_yours(app, cv, c, NULL);
		return;
	}
	if ((lang = lang_primary(word)) == NULL ||
	    !known_lang(app->conf, lang)) {
		text = catalog_aformat(relay_staff_lang(c), MSG_LANG_USAGE,
		    word);
		relay_notice(app, cv, c, text);
		free(text);
		free(lang);
		return;
	}
	if (strcmp(lang, cv->lang) != 0 || strcmp(cv->lang_source,
	    "counsellor") != 0)
		intake_set_lang(app, cv, lang, "counsellor");
	text = catalog_aformat(relay_staff_lang(c), MSG_LANG_SET,
	    lang_name_in(relay_staff_lang(c), lang));
	relay_notice(app, cv, c, text);
	free(text);
	free(lang);
}

/* !r <key>: the canned answer in the visitor's language, relayed. */
static void
canned(struct app *app, struct conv *cv, const struct conf_counsellor *c,
    const char *arg)
{
	const struct conf_office *o = conf_office(app->conf, cv->office);
	const char *slang = relay_staff_lang(c), *extra;
	struct buf mine = {0}, others = {0};
	char key[64], bad[40], *text = NULL, *full = NULL, *msg;
	size_t n;

	for (n = 0; arg[n] && !isspace((unsigned char)arg[n]) &&
	    n < sizeof(key) - 1; n++)
		key[n] = arg[n];
	key[n] = '\0';
	for (extra = arg + n; isspace((unsigned char)*extra); extra++)
		;
	if (*key)
		text = canned_find(app, cv->office, key, cv->lang,
		    o ? o->default_lang : NULL);
	if (text == NULL || cv->state != CONV_ACTIVE) {
		canned_keys(app, cv->office, cv->lang, &mine, &others);
		text_cut(key, 32);
		if (mine.len == 0 && others.len == 0)
			msg = catalog_aformat(slang, MSG_CANNED_NONE);
		else if (*key == '\0')
			msg = catalog_aformat(slang, MSG_CANNED_LIST, cv->lang,
			    mine.len ? mine.s : "-", others.len ? others.s : "-");
		else
			msg = catalog_aformat(slang, MSG_CANNED_UNKNOWN, key,
			    mine.len ? mine.s : (others.len ? others.s : "-"));
	} else if ((full = canned_expand(app, cv, c, text, bad,
	    sizeof(bad))) == NULL)
		msg = catalog_aformat(slang, MSG_CANNED_BAD_VAR, key, bad,
		    canvars_names);
	else
		msg = NULL;
	if (msg) {
		relay_notice(app, cv, c, msg);
		free(msg);
	} else {
		if (*extra) {
			char *joined = xasprintf("%s %s", full, extra);

			free(full);
			full = joined;
		}
		relay_counsellor_text(app, cv, c, full, NULL, NULL);
	}
	free(full);
	free(text);
	buf_free(&mine);
	buf_free(&others);
}

static void
unknown(struct app *app, struct conv *cv, const struct conf_counsellor *c,
    const char *body)
{
	char word[64], *text;
	size_t n;

	for (n = 0; body[n] && !isspace((unsigned char)body[n]) && n <
	    sizeof(word) - 1; n++)
		word[n] = body[n];
	word[n] = '\0';
	text_cut(word, 60);
	text = catalog_aformat(relay_staff_lang(c), MSG_UNKNOWN_COMMAND, word);
	relay_notice(app, cv, c, text);
	free(text);
	relay_notice_msg(app, cv, c, MSG_HELP);
}

static void
decline(struct app *app, struct conv *cv, const struct conf_counsellor *c)
{
	struct event ev;

	event_prepare(&ev, EV_CONV_DECLINE, cv, c);
	if (cv->state == CONV_WAITING)
		event_fire(app, &ev);
	relay_notice_msg(app, cv, c, ev.result ? MSG_DECLINED :
	    MSG_NOT_OFFERED);
}

static void
command(struct app *app, struct conv *cv, const struct conf_counsellor *c,
    enum command cmd, const char *arg, const char *body)
{
	struct msgdb_msg note = {.role = "note", .persona = c->persona};
	struct event ev;
	int64_t row;

	switch (cmd) {
	case CMD_HELP:
		relay_notice_msg(app, cv, c, MSG_HELP);
		break;
	case CMD_NOTE:
		if (str_blank(arg)) {
			relay_notice_msg(app, cv, c, MSG_NOTE_EMPTY);
			break;
		}
		note.body = arg;
		relay_notice_msg(app, cv, c, msgdb_store(app, cv, &note,
		    &row) == 1 ? MSG_NOTE_SAVED : MSG_STORE_FAILED_MINE);
		break;
	case CMD_CLOSE:
		if (cv->state != CONV_ACTIVE) {
			relay_notice_msg(app, cv, c, MSG_ENDED);
			break;
		}
		store_event(app->store, cv->office, cv->id,
		    "closed-by-counsellor", c->jid);
		conv_end(app, cv);
		relay_notice_msg(app, cv, c, MSG_CLOSING);
		break;
	case CMD_DECLINE:
		decline(app, cv, c);
		break;
	case CMD_TRANSFER:
		transfer(app, cv, c, arg);
		break;
	case CMD_CANNED:
		canned(app, cv, c, arg);
		break;
	case CMD_LANG:
		set_lang(app, cv, c, arg);
		break;
	case CMD_UNKNOWN:
		unknown(app, cv, c, body);
		break;
	default:
		event_prepare(&ev, EV_COMMAND, cv, c);
		ev.cmd = (int)cmd;
		ev.arg = arg;
		ev.from = xasprintf("%s@%s", cv->id, app->conf->domain);
		if (event_fire(app, &ev) != EVENT_HANDLED)
			unknown(app, cv, c, body);
		free((char *)ev.from);
		break;
	}
}

static int
is_encrypted(xmpp_stanza_t *m)
{
	return stanza_child(m, "encrypted", NS_OMEMO) != NULL ||
	    stanza_child(m, "encrypted", "urn:xmpp:omemo:2") != NULL ||
	    stanza_child(m, "x", "jabber:x:encrypted") != NULL ||
	    stanza_child(m, "openpgp", "urn:xmpp:openpgp:0") != NULL;
}

static const char *
chatstate_of(xmpp_stanza_t *m)
{
	static const char *const states[] = {"active", "composing", "paused",
	    "inactive", "gone"};
	size_t i;

	for (i = 0; i < nitems(states); i++)
		if (stanza_child(m, states[i], NS_CHATSTATES))
			return states[i];
	return NULL;
}

/* Commands anyone may run in a conversation they do not hold. */
static int
for_anyone(enum command cmd)
{
	return cmd == CMD_HELP || cmd == CMD_DECLINE || cmd == CMD_PAUSE ||
	    cmd == CMD_RESUME || cmd == CMD_REQUESTS || cmd == CMD_TAKE ||
	    cmd == CMD_ANSWER || cmd == CMD_APPOINTMENTS || cmd == CMD_UNKNOWN ||
	    cmd == CMD_LANG;
}

/* Answering an offer: routing says who wins. 1 if c has it now. */
static int
claim(struct app *app, struct conv *cv, const struct conf_counsellor *c)
{
	struct event ev;

	event_prepare(&ev, EV_CONV_CLAIM, cv, c);
	ev.result = TAKE_NOT_OFFERED;
	event_fire(app, &ev);
	if (ev.result == TAKE_WON)
		return 1;
	if (ev.result == TAKE_LOST)
		not_yours(app, cv, c, ev.holder);
	else
		relay_notice_msg(app, cv, c, MSG_NOT_OFFERED);
	return 0;
}

static void line(struct app *, struct conv *, const struct conf_counsellor *,
    const char *, xmpp_stanza_t *);

static void
message(struct app *app, xmpp_stanza_t *st, const struct route *r)
{
	const struct conf_counsellor *c;
	struct conv *cv = registry_find(r->local);
	char *body;

	c = conf_counsellor_by_jid(app->conf, stanza_bare(r->from));
	if (c == NULL) {
		stanza_send_error(app, st, "auth", "forbidden",
		    "This address is for the office's counsellors.");
		return;
	}
	if (cv == NULL) {
		if (convdb_known(app, r->local)) {
			char *from = xasprintf("%s@%s", r->local,
			    app->conf->domain);

			staff_notice(app, from, c, catalog_text(
			    relay_staff_lang(c), MSG_ENDED));
			free(from);
		} else
			stanza_send_error(app, st, "cancel", "item-not-found",
			    "There is no conversation at this address.");
		return;
	}
	if (is_encrypted(st)) {
		relay_notice_msg(app, cv, c, MSG_OMEMO);
		return;
	}
	body = stanza_body_dup(st);
	if (body == NULL || str_blank(body)) {
		/* chat states only: passed on once the chat is theirs */
		const char *cs = chatstate_of(st);

		if (cs && cv->state == CONV_ACTIVE && holds(cv, c))
			relay_counsellor_state(app, cv, cs);
		free(body);
		return;
	}
	line(app, cv, c, body, st);
	free(body);
}

void
cmds_run_line(struct app *app, struct conv *cv,
    const struct conf_counsellor *c, const char *body)
{
	line(app, cv, c, body, NULL);
}

/* One line of c's to cv (st: the message it came in, or NULL). */
static void
line(struct app *app, struct conv *cv, const struct conf_counsellor *c,
    const char *body, xmpp_stanza_t *st)
{
	const char *arg;
	enum command cmd;
	int taking;

	cmd = command_parse(body, &arg);
	/*
	 * Answering an offer takes the conversation: a waiting one, or one
	 * being transferred (by someone else). Other commands by someone
	 * who does not hold it are run for them too, or refused.
	 */
	taking = (cv->state == CONV_WAITING || (cv->state == CONV_ACTIVE &&
	    cv->transfer_to && !holds(cv, c))) && (cmd == CMD_NONE ||
	    cmd == CMD_CANNED);
	if (!taking && cmd != CMD_NONE) {
		if (holds(cv, c) || for_anyone(cmd))
			command(app, cv, c, cmd, arg, body);
		else
			not_yours(app, cv, c, NULL);
	} else if (cv->state == CONV_SURVEY || cv->state == CONV_OFFLINE)
		relay_notice_msg(app, cv, c, MSG_ENDED);
	else if (taking && !claim(app, cv, c))
		;	/* told why */
	else if (taking && cmd == CMD_CANNED)
		command(app, cv, c, cmd, arg, body);
	else if (!taking && !holds(cv, c))
		not_yours(app, cv, c, NULL);
	else
		relay_counsellor_text(app, cv, c, arg, st ?
		    xmpp_stanza_get_id(st) : NULL, st);
}

int
cmds_route(struct app *app, xmpp_stanza_t *st, const struct route *r)
{
	const char *type = xmpp_stanza_get_type(st);

	if (r->kind != ROUTE_VISITOR || strcmp(xmpp_stanza_get_name(st),
	    "message") != 0)
		return ROUTE_PASS;
	if (type && (!strcmp(type, "error") || !strcmp(type, "groupchat") ||
	    !strcmp(type, "headline")))
		return ROUTE_HANDLED;
	message(app, st, r);
	return ROUTE_HANDLED;
}
