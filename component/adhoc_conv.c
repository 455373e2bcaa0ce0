/*
 * adhoc_conv.c: the in-conversation actions as XEP-0050 ad-hoc commands
 * on the conversation's own v- JID, for clients with an ad-hoc menu
 * (Gajim, Psi): end, transfer (languages and colleagues to choose from),
 * canned answer (the keys to pick), note, decline, video.
 *
 * Each runs the same line a counsellor would type ("!fin", "!transfert
 * ca"...) through cmds_run_line(), so both forms do the same and answer
 * the same way (private notices in the chat); the command's result says
 * it was done.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "canned.h"
#include "cmds.h"
#include "conf.h"
#include "form.h"
#include "lang.h"
#include "registry.h"
#include "relay.h"
#include "router.h"
#include "stanza.h"
#include "util.h"
#include "adhoc_conv.h"

struct conv_cmd {
	const char *node, *name;
	const char *line;	/* the text command it runs */
	void (*form)(struct app *, struct conv *,
	    const struct conf_counsellor *, xmpp_stanza_t *x);
	char *(*build)(xmpp_stanza_t *sub);	/* the line from the form */
};

static void
transfer_form(struct app *app, struct conv *cv,
    const struct conf_counsellor *c, xmpp_stanza_t *x)
{
	const struct conf_office *o = conf_office(app->conf, cv->office);
	xmpp_stanza_t *f = form_add_field(x, "target", "list-single",
	    "To a language or a colleague", NULL);
	const char *lang = relay_staff_lang(c);
	size_t i;

	for (i = 0; o && i < o->languages.n; i++)
		form_add_option(f, lang_name_in(lang, o->languages.v[i]),
		    o->languages.v[i]);
	for (i = 0; i < app->conf->ncounsellors; i++) {
		const struct conf_counsellor *k = &app->conf->counsellors[i];

		if (k != c && strlist_has(&k->offices, cv->office))
			form_add_option(f, k->name, k->persona);
	}
}

static void
canned_form(struct app *app, struct conv *cv,
    const struct conf_counsellor *c, xmpp_stanza_t *x)
{
	xmpp_stanza_t *f = form_add_field(x, "key", "list-single",
	    "Canned answer", NULL);
	struct buf mine = {0}, others = {0};
	struct strlist keys = {0};
	size_t i;

	(void)c;
	canned_keys(app, cv->office, cv->lang, &mine, &others);
	strlist_split(&keys, mine.s ? mine.s : "");
	strlist_split(&keys, others.s ? others.s : "");
	for (i = 0; i < keys.n; i++)
		form_add_option(f, keys.v[i], keys.v[i]);
	form_add_field(x, "extra", "text-single", "Text added after it", NULL);
	strlist_free(&keys);
	buf_free(&mine);
	buf_free(&others);
}

static void
note_form(struct app *app, struct conv *cv, const struct conf_counsellor *c,
    xmpp_stanza_t *x)
{
	(void)app;
	(void)cv;
	(void)c;
	form_add_field(x, "text", "text-single", "Private note", NULL);
}

static char *
build(xmpp_stanza_t *sub, const char *cmd, const char *var,
    const char *var2)
{
	char *v = form_value(sub, var, 1024, NULL);
	char *w = var2 ? form_value(sub, var2, 1024, NULL) : NULL;
	char *line = NULL;

	if (v && *v)
		line = xasprintf("!%s %s%s%s", cmd, v, w && *w ? " " : "",
		    w && *w ? w : "");
	free(v);
	free(w);
	return line;
}

static char *
build_transfer(xmpp_stanza_t *sub)
{
	return build(sub, "transfert", "target", NULL);
}

static char *
build_canned(xmpp_stanza_t *sub)
{
	return build(sub, "r", "key", "extra");
}

static char *
build_note(xmpp_stanza_t *sub)
{
	return build(sub, "note", "text", NULL);
}

static const struct conv_cmd commands[] = {
	{"end", "End the conversation (survey)", "!fin", NULL, NULL},
	{"transfer", "Transfer", NULL, transfer_form, build_transfer},
	{"canned", "Send a canned answer", NULL, canned_form, build_canned},
	{"note", "Private note", NULL, note_form, build_note},
	{"decline", "Decline this request", "!non", NULL, NULL},
	{"video", "Propose a video appointment", "!visio", NULL, NULL},
};

static void
reply(struct app *app, xmpp_stanza_t *iq, const struct conv_cmd *cmd,
    const char *status, const char *sessionid, const char *text,
    struct conv *cv, const struct conf_counsellor *c)
{
	xmpp_stanza_t *res = stanza_iq_result(app, iq);
	xmpp_stanza_t *el = stanza_add(res, "command", NS_COMMANDS), *x;

	xmpp_stanza_set_attribute(el, "node", cmd->node);
	xmpp_stanza_set_attribute(el, "status", status);
	xmpp_stanza_set_attribute(el, "sessionid", sessionid);
	if (strcmp(status, "executing") == 0) {
		xmpp_stanza_t *actions = stanza_add(el, "actions", NULL);

		xmpp_stanza_set_attribute(actions, "execute", "complete");
		stanza_add(actions, "complete", NULL);
		x = stanza_add(el, "x", NS_DATA);
		xmpp_stanza_set_type(x, "form");
		stanza_add_text(x, "title", cmd->name);
		cmd->form(app, cv, c, x);
	} else if (text)
		xmpp_stanza_set_attribute(stanza_add_text(el, "note", text),
		    "type", "info");
	stanza_send(app, res);
}

static int
items(struct app *app, xmpp_stanza_t *iq, const struct route *r,
    const struct conf_counsellor *c)
{
	xmpp_stanza_t *res = stanza_iq_result(app, iq);
	xmpp_stanza_t *q = stanza_add(res, "query", NS_DISCO_ITEMS);
	char *jid = xasprintf("%s@%s", r->local, app->conf->domain);
	size_t i;

	xmpp_stanza_set_attribute(q, "node", NS_COMMANDS);
	for (i = 0; c && i < nitems(commands); i++) {
		xmpp_stanza_t *it = stanza_add(q, "item", NULL);

		xmpp_stanza_set_attribute(it, "jid", jid);
		xmpp_stanza_set_attribute(it, "node", commands[i].node);
		xmpp_stanza_set_attribute(it, "name", commands[i].name);
	}
	free(jid);
	stanza_send(app, res);
	return ROUTE_HANDLED;
}

static int
info(struct app *app, xmpp_stanza_t *iq, struct conv *cv)
{
	xmpp_stanza_t *res = stanza_iq_result(app, iq);
	xmpp_stanza_t *q = stanza_add(res, "query", NS_DISCO_INFO);
	xmpp_stanza_t *id = stanza_add(q, "identity", NULL);
	static const char *const features[] = {NS_DISCO_INFO, NS_DISCO_ITEMS,
	    NS_COMMANDS, NS_VCARD};
	size_t i;

	xmpp_stanza_set_attribute(id, "category", "client");
	xmpp_stanza_set_attribute(id, "type", "web");
	xmpp_stanza_set_attribute(id, "name", cv->name ? cv->name : cv->id);
	for (i = 0; i < nitems(features); i++)
		xmpp_stanza_set_attribute(stanza_add(q, "feature", NULL), "var",
		    features[i]);
	stanza_send(app, res);
	return ROUTE_HANDLED;
}

int
adhoc_conv_route(struct app *app, xmpp_stanza_t *st, const struct route *r)
{
	const char *type = xmpp_stanza_get_type(st);
	const struct conf_counsellor *c;
	const struct conv_cmd *cmd = NULL;
	xmpp_stanza_t *q, *el, *sub;
	const char *node, *action, *sid;
	struct conv *cv;
	char sessionid[17], *line;
	size_t i;

	if (r->kind != ROUTE_VISITOR || strcmp(xmpp_stanza_get_name(st),
	    "iq") != 0 || type == NULL || r->from == NULL)
		return ROUTE_PASS;
	c = conf_counsellor_by_jid(app->conf, stanza_bare(r->from));
	cv = registry_find(r->local);
	if (strcmp(type, "get") == 0 &&
	    (q = stanza_child(st, "query", NS_DISCO_ITEMS)) != NULL &&
	    (node = xmpp_stanza_get_attribute(q, "node")) != NULL &&
	    strcmp(node, NS_COMMANDS) == 0)
		return items(app, st, r, cv ? c : NULL);
	if (strcmp(type, "get") == 0 && cv &&
	    (q = stanza_child(st, "query", NS_DISCO_INFO)) != NULL &&
	    xmpp_stanza_get_attribute(q, "node") == NULL)
		return info(app, st, cv);
	if (strcmp(type, "set") != 0 ||
	    (el = stanza_child(st, "command", NS_COMMANDS)) == NULL)
		return ROUTE_PASS;
	node = xmpp_stanza_get_attribute(el, "node");
	action = xmpp_stanza_get_attribute(el, "action");
	sid = xmpp_stanza_get_attribute(el, "sessionid");
	for (i = 0; node && i < nitems(commands); i++)
		if (strcmp(commands[i].node, node) == 0)
			cmd = &commands[i];
	if (cmd == NULL) {
		stanza_send_error(app, st, "cancel", "item-not-found",
		    "No such command.");
		return ROUTE_HANDLED;
	}
	if (c == NULL) {
		stanza_send_error(app, st, "auth", "forbidden",
		    "These commands are for the office's counsellors.");
		return ROUTE_HANDLED;
	}
	if (cv == NULL) {
		stanza_send_error(app, st, "cancel", "item-not-found",
		    "This conversation is over.");
		return ROUTE_HANDLED;
	}
	if (action && strcmp(action, "cancel") == 0) {
		reply(app, st, cmd, "canceled", sid ? sid : "0", NULL, cv, c);
		return ROUTE_HANDLED;
	}
	sub = form_find(el);
	if (cmd->form && (sub == NULL || form_type(sub) == NULL ||
	    strcmp(form_type(sub), "submit") != 0)) {
		if (random_hex(sessionid, 8) < 0)
			snprintf(sessionid, sizeof(sessionid), "0");
		reply(app, st, cmd, "executing", sessionid, NULL, cv, c);
		return ROUTE_HANDLED;
	}
	line = cmd->build ? cmd->build(sub) : xstrdup(cmd->line);
	if (line == NULL) {
		stanza_send_error(app, st, "modify", "bad-request",
		    "The form needs a value.");
		return ROUTE_HANDLED;
	}
	cmds_run_line(app, cv, c, line);
	reply(app, st, cmd, "completed", sid ? sid : "0",
	    "Done: see the conversation for what it did.", cv, c);
	free(line);
	return ROUTE_HANDLED;
}
