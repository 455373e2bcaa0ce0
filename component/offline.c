/*
 * offline.c: collecting a contact when nobody can answer (offline.h).
 */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "app.h"
#include "catalog.h"
#include "clock.h"
#include "conf.h"
#include "console.h"
#include "conv.h"
#include "convdb.h"
#include "event.h"
#include "followup.h"
#include "offline.h"
#include "msgdb.h"
#include "office.h"
#include "relay.h"
#include "stanza.h"
#include "store.h"
#include "util.h"

#define CONTACT_PROMPTS 3	/* times the contact is asked */

char *
offline_find_contact(const char *visitor, const char *text, const char **kind)
{
	static const char *const here[] = {"ici", "here", "aquí", "aqui",
	    "hier", "aquí mateix"};
	char *bare = xstrdup(visitor ? stanza_bare(visitor) : "");
	const char *p = text;
	size_t i;

	while (*p) {
		const char *start, *end;
		char *tok;

		while (*p && (isspace((unsigned char)*p) || *p == '<' ||
		    *p == '(' || *p == '"'))
			p++;
		start = p;
		while (*p && !isspace((unsigned char)*p) && *p != '>' &&
		    *p != ')' && *p != '"')
			p++;
		end = p;
		while (end > start && strchr(".,;:!?", end[-1]))
			end--;
		if (end == start)
			continue;
		tok = xstrndup(start, (size_t)(end - start));
		for (i = 0; i < nitems(here); i++)
			if (strcasecmp(tok, here[i]) == 0 && *bare) {
				free(tok);
				*kind = "xmpp";
				return bare;
			}
		if (strncasecmp(tok, "xmpp:", 5) == 0) {
			/* an XMPP URI is never an e-mail address: its
			 * account, without resource or query */
			char *jid = NULL;

			if (strchr(tok + 5, '@') && tok[5] != '@') {
				jid = xstrdup(stanza_bare(tok + 5));
				jid[strcspn(jid, "?")] = '\0';
			}
			free(tok);
			if (jid == NULL)
				continue;
			free(bare);
			*kind = "xmpp";
			return jid;
		}
		if (strchr(tok, '@') && strchr(strchr(tok, '@'), '.') &&
		    tok[0] != '@') {
			*kind = strcasecmp(tok, bare) == 0 ? "xmpp" : "email";
			free(bare);
			return tok;
		}
		free(tok);
	}
	free(bare);
	return NULL;
}

static void
file_request(struct app *app, struct conv *cv, const char *contact,
    const char *kind, const char *contact_line)
{
	const struct conf_office *o = conf_office(app->conf, cv->office);
	char *question = msgdb_visitor_text(app, cv, contact_line), *text;

	if (console_file_request(app, cv->office, cv->id, cv->lang, cv->name,
	    *question ? question : "-", contact, kind) < 0) {
		relay_bot_say(app, cv, catalog_text(cv->lang,
		    MSG_STORE_FAILED));
		free(question);
		return;
	}
	text = catalog_aformat(cv->lang, MSG_REQUEST_FILED, contact,
	    o ? o->answer_delay : 48);
	relay_bot_say(app, cv, text);
	free(text);
	/* the follow-ups' consent, if the office has them (followup.h) */
	if (!followup_ask(app, cv, contact, kind))
		conv_close_soon(cv, "offline-request");
	free(question);
}

static void
ask_contact(struct app *app, struct conv *cv)
{
	const struct conf_office *o = conf_office(app->conf, cv->office);
	char *text = catalog_aformat(cv->lang, MSG_ASK_CONTACT,
	    o ? o->answer_delay : 48);

	relay_bot_say(app, cv, text);
	free(text);
	cv->contact_prompts++;
}

static int
on_offline(struct app *app, struct event *ev, void *ud)
{
	struct conv *cv = ev->conv;
	const struct conf_office *o = conf_office(app->conf, cv->office);
	char *text, *when;
	time_t next;
	struct tm tm;

	(void)ud;
	if (ev->text && strcmp(ev->text, "closed") == 0 && o &&
	    (next = office_next_open(o, store_now())) != 0 &&
	    clock_localtime(o->timezone, next, &tm) == 0) {
		when = catalog_aformat(cv->lang, MSG_DATE_AT, catalog_text(
		    cv->lang, (enum msg)(MSG_WEEKDAY_0 + tm.tm_wday)),
		    tm.tm_mday, tm.tm_hour, tm.tm_min);
		text = catalog_aformat(cv->lang, MSG_OFFLINE_CLOSED, when);
		free(when);
	} else
		text = catalog_aformat(cv->lang, MSG_OFFLINE_NOBODY);
	relay_bot_say(app, cv, text);
	free(text);
	if (cv->email)
		file_request(app, cv, cv->email, "email", NULL);
	else
		ask_contact(app, cv);
	return EVENT_PASS;
}

static int
on_visitor_text(struct app *app, struct event *ev, void *ud)
{
	struct conv *cv = ev->conv;
	const char *kind = NULL;
	char *contact;

	(void)ud;
	if (cv->state != CONV_OFFLINE)
		return EVENT_PASS;
	if (cv->close_pending || ev->flag < 0)
		return EVENT_HANDLED;
	if ((contact = offline_find_contact(cv->visitor, ev->text, &kind)) !=
	    NULL) {
		file_request(app, cv, contact, kind, ev->text);
		free(contact);
	} else if (cv->contact_prompts < CONTACT_PROMPTS)
		ask_contact(app, cv);
	return EVENT_HANDLED;
}

void
offline_init(void)
{
	event_hook(EV_CONV_OFFLINE, on_offline, 0, NULL);
	event_hook(EV_VISITOR_TEXT, on_visitor_text, 50, NULL);
}
