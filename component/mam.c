/*
 * mam.c: XEP-0313 queries and results, see mam.h.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "mam.h"
#include "stanza.h"
#include "util.h"

xmpp_stanza_t *
mam_query(xmpp_ctx_t *ctx, const char *queryid, const char *after, int max)
{
	xmpp_stanza_t *q = xmpp_stanza_new(ctx), *x, *set;
	char n[16];

	xmpp_stanza_set_name(q, "query");
	xmpp_stanza_set_ns(q, NS_MAM);
	xmpp_stanza_set_attribute(q, "queryid", queryid);
	x = stanza_add(q, "x", NS_DATA);
	xmpp_stanza_set_type(x, "submit");
	{
		xmpp_stanza_t *f = stanza_add(x, "field", NULL);

		xmpp_stanza_set_attribute(f, "var", "FORM_TYPE");
		xmpp_stanza_set_type(f, "hidden");
		stanza_add_text(f, "value", NS_MAM);
	}
	set = stanza_add(q, "set", NS_RSM);
	snprintf(n, sizeof(n), "%d", max);
	stanza_add_text(set, "max", n);
	if (after)
		stanza_add_text(set, "after", after);
	return q;
}

int
mam_parse_result(xmpp_stanza_t *st, struct mam_result *r)
{
	xmpp_stanza_t *res = stanza_child(st, "result", NS_MAM), *fw, *d;

	memset(r, 0, sizeof(*r));
	if (res == NULL || (fw = stanza_child(res, "forwarded", NS_FORWARD)) ==
	    NULL || (r->message = stanza_child(fw, "message", NULL)) == NULL)
		return 0;
	r->queryid = xmpp_stanza_get_attribute(res, "queryid");
	r->id = xmpp_stanza_get_attribute(res, "id");
	if ((d = stanza_child(fw, "delay", NS_DELAY)) != NULL)
		r->stamp = xmpp_stanza_get_attribute(d, "stamp");
	return r->id != NULL;
}

int
mam_parse_fin(xmpp_stanza_t *iq, int *complete, const char **last)
{
	xmpp_stanza_t *fin = stanza_child(iq, "fin", NS_MAM), *set, *l;
	const char *c, *t;

	*complete = 0;
	*last = NULL;
	if (fin == NULL)
		return 0;
	c = xmpp_stanza_get_attribute(fin, "complete");
	*complete = c && (strcmp(c, "true") == 0 || strcmp(c, "1") == 0);
	if ((set = stanza_child(fin, "set", NS_RSM)) != NULL &&
	    (l = stanza_child(set, "last", NULL)) != NULL &&
	    (l = xmpp_stanza_get_children(l)) != NULL &&
	    xmpp_stanza_is_text(l) && (t = xmpp_stanza_get_text_ptr(l)) != NULL)
		*last = t;
	return 1;
}

const char *
mam_stanza_id(xmpp_stanza_t *m, const char *room)
{
	xmpp_stanza_t *c;

	for (c = xmpp_stanza_get_children(m); c; c = xmpp_stanza_get_next(c)) {
		const char *ns, *by;

		if (!xmpp_stanza_is_tag(c) || strcmp(xmpp_stanza_get_name(c),
		    "stanza-id") != 0 || (ns = xmpp_stanza_get_ns(c)) == NULL ||
		    strcmp(ns, NS_STANZA_ID) != 0)
			continue;
		by = xmpp_stanza_get_attribute(c, "by");
		if (by && room && strcasecmp(by, room) == 0)
			return xmpp_stanza_get_attribute(c, "id");
	}
	return NULL;
}
