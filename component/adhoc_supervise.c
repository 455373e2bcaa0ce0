/*
 * adhoc_supervise.c: supervision as ad-hoc commands (adhoc.c's table):
 * the conversations under way, watch one, take one over.
 */
#include "config.h"

#include <stdlib.h>

#include "app.h"
#include "form.h"
#include "registry.h"
#include "supervise.h"
#include "util.h"
#include "adhoc_supervise.h"

void
adhoc_live_run(struct app *app, const char *bare, xmpp_stanza_t *sub,
    xmpp_stanza_t *x, struct buf *out)
{
	(void)sub;
	supervise_list(app, bare, out);
	form_add_field(x, "result", "text-multi", "Conversations", out->s);
}

/* The form: the conversation, among those bare may supervise. */
void
adhoc_session_form(struct app *app, xmpp_stanza_t *x)
{
	(void)app;
	form_add_field(x, "session", "text-single", "Conversation (v-...)",
	    NULL);
}

static void
with_session(struct app *app, const char *bare, xmpp_stanza_t *sub,
    xmpp_stanza_t *x, struct buf *out,
    int (*fn)(struct app *, const char *, const char *, struct buf *))
{
	char *id = sub ? form_value(sub, "session", 64, NULL) : NULL;

	if (id == NULL || *id == '\0')
		buf_append(out, "The form needs the conversation's id (v-...).");
	else if (fn(app, bare, id, out) == 0 && out->len == 0)
		buf_appendf(out, "%s: done.", id);
	form_add_field(x, "result", "text-multi", "Result", out->s);
	free(id);
}

void
adhoc_watch_run(struct app *app, const char *bare, xmpp_stanza_t *sub,
    xmpp_stanza_t *x, struct buf *out)
{
	with_session(app, bare, sub, x, out, supervise_watch);
}

void
adhoc_takeover_run(struct app *app, const char *bare, xmpp_stanza_t *sub,
    xmpp_stanza_t *x, struct buf *out)
{
	with_session(app, bare, sub, x, out, supervise_takeover);
}
