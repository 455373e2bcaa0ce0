/*
 * transcript.c: the transcript by e-mail at the end (transcript.h).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "conv.h"
#include "event.h"
#include "log.h"
#include "mail_text.h"
#include "mailer.h"
#include "offline.h"
#include "outbox.h"
#include "registry.h"
#include "relay.h"
#include "survey.h"
#include "transcript.h"

static int
on_ended(struct app *app, struct event *ev, void *ud)
{
	struct conv *cv = ev->conv;

	(void)ud;
	if (outbox_relay(app->conf, cv->office) != NULL)
		relay_bot_say(app, cv, mail_text(cv->lang, MT_TRANSCRIPT_OFFER));
	return EVENT_PASS;
}

static int
on_visitor_text(struct app *app, struct event *ev, void *ud)
{
	struct conv *cv = ev->conv;
	const char *kind = NULL, *rest;
	char *addr, *text;
	int64_t id;

	(void)ud;
	if (cv->state != CONV_SURVEY || ev->flag < 0 || cv->close_pending ||
	    outbox_relay(app->conf, cv->office) == NULL)
		return EVENT_PASS;
	if ((addr = offline_find_contact(NULL, ev->text, &kind)) == NULL)
		return EVENT_PASS;
	if (strcmp(kind, "email") != 0) {
		free(addr);
		return EVENT_PASS;
	}
	if ((id = mailer_transcript(app, cv->id, addr)) > 0) {
		text = mail_text_format(cv->lang, MT_TRANSCRIPT_QUEUED, addr);
		relay_bot_say(app, cv, text);
		free(text);
		log_info("session %s: transcript queued (outbox %lld)", cv->id,
		    (long long)id);
	}
	free(addr);
	/* "4, camille@..." is also the survey's answer */
	return survey_parse(ev->text, &rest) > 0 ? EVENT_PASS : EVENT_HANDLED;
}

void
transcript_init(void)
{
	/* after the survey's question (0), before its reader (50) */
	event_hook(EV_CONV_ENDED, on_ended, -10, NULL);
	event_hook(EV_VISITOR_TEXT, on_visitor_text, 55, NULL);
}
