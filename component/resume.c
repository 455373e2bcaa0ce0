/*
 * resume.c: a first question survives a page reload made before its
 * invitation arrived.
 *
 * The widget sends its first question with a random token (form field
 * "resume") and keeps both in the browser. A reload gives it a new
 * anonymous JID; it asks again with the same token. If the conversation
 * the token started is still waiting and its visitor has not joined the
 * room yet, that conversation moves to the new JID and is invited again,
 * instead of a second one being opened while the first waits for a
 * visitor who will never come. Tokens are kept in memory for ten minutes
 * (at most RESUME_MAX); a restart forgets them, and the new question
 * then opens a new conversation, as it would without them.
 */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "app.h"
#include "conf.h"
#include "conv.h"
#include "convdb.h"
#include "form.h"
#include "log.h"
#include "map.h"
#include "registry.h"
#include "router.h"
#include "stanza.h"
#include "store.h"
#include "util.h"
#include "resume.h"

#define RESUME_TTL 600
#define RESUME_MAX 10000

struct token {
	char *office;
	char *bare;	/* the visitor's bare JID that asked with it */
	int64_t at;
};

static struct map tokens;	/* token -> struct token * */

static void
token_free(struct token *t)
{
	free(t->office);
	free(t->bare);
	free(t);
}

static int
token_ok(const char *s)
{
	size_t n;

	for (n = 0; s[n]; n++)
		if (!isxdigit((unsigned char)s[n]))
			return 0;
	return n >= 16 && n <= 64;
}

struct expiry {
	int64_t before;
	struct strlist old;
};

static void
collect(const char *key, void *value, long count, void *ud)
{
	struct expiry *x = ud;
	struct token *t = value;

	(void)count;
	if (t->at < x->before)
		strlist_add(&x->old, key);
}

static void
expire(int64_t now)
{
	struct expiry x = {now - RESUME_TTL, {0}};
	size_t i;

	map_foreach(&tokens, collect, &x);
	for (i = 0; i < x.old.n; i++)
		token_free(map_del(&tokens, x.old.v[i]));
	strlist_free(&x.old);
}

static void
remember(const char *key, const char *office, const char *bare)
{
	struct token *t = map_get(&tokens, key);

	if (t == NULL) {
		if (tokens.n >= RESUME_MAX)
			expire(store_now() + RESUME_TTL);	/* all of them */
		t = xcalloc(1, sizeof(*t));
		map_set(&tokens, key, t);
	} else {
		free(t->office);
		free(t->bare);
	}
	t->office = xstrdup(office);
	t->bare = xstrdup(bare);
	t->at = store_now();
}

int
resume_route(struct app *app, xmpp_stanza_t *st, const struct route *r)
{
	const char *type = xmpp_stanza_get_type(st);
	xmpp_stanza_t *x;
	struct token *t;
	struct conv *cv;
	char *key, *bare;
	int rc = ROUTE_PASS;

	if (r->kind != ROUTE_OFFICE || r->from == NULL ||
	    strcmp(xmpp_stanza_get_name(st), "message") != 0 ||
	    (type && strcmp(type, "chat") != 0 && strcmp(type, "normal") != 0) ||
	    (x = form_find(st)) == NULL)
		return ROUTE_PASS;
	if ((key = form_value(x, "resume", 80, NULL)) == NULL)
		return ROUTE_PASS;
	if (!token_ok(key)) {
		free(key);
		return ROUTE_PASS;	/* not ours to judge: intake asks */
	}
	expire(store_now());
	bare = xstrdup(stanza_bare(r->from));
	t = map_get(&tokens, key);
	if (t && strcmp(t->office, r->office->id) == 0 &&
	    strcasecmp(t->bare, bare) != 0 &&
	    registry_find_visitor(r->office->id, bare) == NULL &&
	    (cv = registry_find_visitor(t->office, t->bare)) != NULL &&
	    cv->state == CONV_WAITING && cv->visitors == 0 && !cv->absent) {
		log_info("session %s: its visitor reloaded the page before "
		    "joining; invited again at the new address", cv->id);
		registry_set_visitor(cv, r->from);
		convdb_save(app, cv);
		store_event(app->store, cv->office, cv->id, "visitor-resumed",
		    NULL);
		conv_invite(app, cv);
		rc = ROUTE_HANDLED;
	}
	remember(key, r->office->id, bare);
	free(bare);
	free(key);
	return rc;
}

static void
free_one(const char *key, void *value, long count, void *ud)
{
	(void)key;
	(void)count;
	(void)ud;
	token_free(value);
}

void
resume_free_all(void)
{
	map_foreach(&tokens, free_one, NULL);
	map_free(&tokens);
}
