/*
 * stanza.c: stanza building helpers.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "link.h"
#include "log.h"
#include "stanza.h"
#include "util.h"

xmpp_stanza_t *
stanza_child(xmpp_stanza_t *st, const char *name, const char *ns)
{
	xmpp_stanza_t *c;

	for (c = xmpp_stanza_get_children(st); c; c = xmpp_stanza_get_next(c)) {
		const char *n = xmpp_stanza_get_name(c);
		const char *s = xmpp_stanza_get_ns(c);

		if (!xmpp_stanza_is_tag(c))
			continue;
		if (name && (n == NULL || strcmp(n, name) != 0))
			continue;
		if (ns && (s == NULL || strcmp(s, ns) != 0))
			continue;
		return c;
	}
	return NULL;
}

xmpp_stanza_t *
stanza_add(xmpp_stanza_t *parent, const char *name, const char *ns)
{
	xmpp_stanza_t *c = xmpp_stanza_new(xmpp_stanza_get_context(parent));

	xmpp_stanza_set_name(c, name);
	if (ns)
		xmpp_stanza_set_ns(c, ns);
	xmpp_stanza_add_child_ex(parent, c, 0);
	return c;
}

xmpp_stanza_t *
stanza_add_text(xmpp_stanza_t *parent, const char *name, const char *text)
{
	xmpp_stanza_t *c = stanza_add(parent, name, NULL);
	xmpp_stanza_t *t = xmpp_stanza_new(xmpp_stanza_get_context(parent));

	xmpp_stanza_set_text(t, text ? text : "");
	xmpp_stanza_add_child_ex(c, t, 0);
	return c;
}

int
stanza_wants_error(xmpp_stanza_t *st)
{
	const char *name = xmpp_stanza_get_name(st);
	const char *type = xmpp_stanza_get_type(st);

	if (name == NULL || xmpp_stanza_get_from(st) == NULL)
		return 0;
	if (type && strcmp(type, "error") == 0)
		return 0;
	if (strcmp(name, "iq") == 0)
		return type && (!strcmp(type, "get") || !strcmp(type, "set"));
	/* a MUC kicks an occupant that bounces groupchat messages */
	if (strcmp(name, "message") == 0 && type &&
	    (!strcmp(type, "groupchat") || !strcmp(type, "headline")))
		return 0;
	return 1;
}

void
stanza_send_error(struct app *app, xmpp_stanza_t *st, const char *type,
    const char *condition, const char *text)
{
	xmpp_stanza_t *r, *e, *c;
	const char *id = xmpp_stanza_get_id(st);

	if (!stanza_wants_error(st))
		return;
	r = xmpp_stanza_new(app->ctx);
	xmpp_stanza_set_name(r, xmpp_stanza_get_name(st));
	xmpp_stanza_set_type(r, "error");
	if (id)
		xmpp_stanza_set_id(r, id);
	xmpp_stanza_set_from(r, xmpp_stanza_get_to(st));
	xmpp_stanza_set_to(r, xmpp_stanza_get_from(st));
	e = stanza_add(r, "error", NULL);
	xmpp_stanza_set_type(e, type);
	c = stanza_add(e, condition, NS_STANZAS);
	(void)c;
	if (text) {
		xmpp_stanza_t *t = stanza_add_text(e, "text", text);

		xmpp_stanza_set_ns(t, NS_STANZAS);
		xmpp_stanza_set_attribute(t, "xml:lang", "en");
	}
	stanza_send(app, r);
}

xmpp_stanza_t *
stanza_iq_result(struct app *app, xmpp_stanza_t *iq)
{
	xmpp_stanza_t *r = xmpp_iq_new(app->ctx, "result",
	    xmpp_stanza_get_id(iq));

	xmpp_stanza_set_from(r, xmpp_stanza_get_to(iq));
	xmpp_stanza_set_to(r, xmpp_stanza_get_from(iq));
	return r;
}

xmpp_stanza_t *
stanza_message(struct app *app, const char *from, const char *to,
    const char *type, const char *body)
{
	char *id = stanza_new_id();
	xmpp_stanza_t *m = xmpp_message_new(app->ctx, type, to, id);

	free(id);
	xmpp_stanza_set_from(m, from);
	if (body)
		xmpp_message_set_body(m, body);
	return m;
}

xmpp_stanza_t *
stanza_presence(struct app *app, const char *from, const char *to,
    const char *type)
{
	xmpp_stanza_t *p = xmpp_presence_new(app->ctx);

	xmpp_stanza_set_from(p, from);
	xmpp_stanza_set_to(p, to);
	if (type)
		xmpp_stanza_set_type(p, type);
	return p;
}

void
stanza_send(struct app *app, xmpp_stanza_t *st)
{
	enum accueil_err e = link_send(app->link, st);

	if (e != ACCUEIL_OK)
		log_debug("stanza: not sent: %s", accueil_strerror(e));
	xmpp_stanza_release(st);
}

const char *
stanza_lang(xmpp_stanza_t *st)
{
	/* libstrophe's parser drops attribute namespaces: xml:lang is "lang" */
	const char *l = xmpp_stanza_get_attribute(st, "lang");

	return l ? l : xmpp_stanza_get_attribute(st, "xml:lang");
}

const char *
stanza_bare(const char *jid)
{
	static char buf[3072];
	const char *slash = strchr(jid, '/');
	size_t n = slash ? (size_t)(slash - jid) : strlen(jid);

	if (n >= sizeof(buf))
		n = sizeof(buf) - 1;
	memcpy(buf, jid, n);
	buf[n] = '\0';
	return buf;
}

char *
stanza_local(const char *jid)
{
	const char *at = strchr(jid, '@');
	const char *slash = strchr(jid, '/');

	if (at == NULL || (slash && slash < at))
		return NULL;
	return xstrndup(jid, (size_t)(at - jid));
}

char *
stanza_new_id(void)
{
	char hex[33];

	if (random_hex(hex, 12) < 0)
		fatalx("random_hex failed");
	return xstrdup(hex);
}

char *
stanza_text_dup(xmpp_stanza_t *el)
{
	char *t, *copy;

	if (el == NULL || (t = xmpp_stanza_get_text(el)) == NULL)
		return NULL;
	copy = xstrdup(t);
	xmpp_free(xmpp_stanza_get_context(el), t);
	return copy;
}

char *
stanza_body_dup(xmpp_stanza_t *m)
{
	return stanza_text_dup(stanza_child(m, "body", NULL));
}
