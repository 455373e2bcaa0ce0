/*
 * mailer.c: answers, transcripts and follow-ups as e-mails (mailer.h).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "catalog.h"
#include "clock.h"
#include "conf.h"
#include "log.h"
#include "mail.h"
#include "mail_text.h"
#include "mailer.h"
#include "outbox.h"
#include "store.h"
#include "util.h"

char *
mailer_hello(const char *lang, const char *name)
{
	char *s = mail_text_format(lang, MT_HELLO, "\x01"), *p;

	if ((p = strchr(s, '\x01')) == NULL)
		return s;
	if (name && *name) {
		char *out;

		*p = '\0';
		out = xasprintf("%s%s%s", s, name, p + 1);
		free(s);
		return out;
	}
	if (p > s && p[-1] == ' ')
		p--;
	memmove(p, strchr(p, '\x01') + 1, strlen(strchr(p, '\x01') + 1) + 1);
	return s;
}

int64_t
mailer_send(struct app *app, const struct mailer_mail *m)
{
	const struct conf_smtp *relay = outbox_relay(app->conf, m->office);
	const struct conf_office *o = conf_office(app->conf, m->office);
	struct outbox_item it;
	struct mail_msg msg;
	char *sign, *body, *msgid, *text;
	int64_t id;

	if (relay == NULL || o == NULL)
		return 0;
	if (!mail_addr_valid(m->to))
		return -1;
	sign = mail_text_format(m->lang, MT_SIGNATURE, m->persona ?
	    m->persona : o->name, o->name);
	body = xasprintf("%s\n\n-- \n%s\n", m->body, sign);
	msgid = outbox_message_id(relay);
	memset(&msg, 0, sizeof(msg));
	msg.from = relay->from;
	msg.from_name = o->name;
	msg.to = m->to;
	msg.reply_to = o->contact && mail_addr_valid(o->contact) ?
	    o->contact : NULL;
	msg.subject = m->subject;
	msg.body = body;
	msg.lang = m->lang;
	msg.msgid = msgid;
	msg.date = clock_now();
	text = mail_build(&msg);
	free(sign);
	free(body);
	free(msgid);
	if (text == NULL)
		return -1;
	memset(&it, 0, sizeof(it));
	it.office = m->office;
	it.kind = m->kind;
	it.ref = m->ref;
	it.session = m->session;
	it.counsellor = m->counsellor;
	it.recipient = m->to;
	it.subject = m->subject;
	it.message = text;
	id = outbox_queue(app, &it);
	free(text);
	return id;
}

/* Appends text with "> " before every line. */
static void
quote(struct buf *b, const char *text)
{
	const char *p = text;

	while (*p) {
		size_t n = strcspn(p, "\n");

		buf_appendf(b, "> %.*s\n", (int)n, p);
		p += n;
		if (*p == '\n')
			p++;
	}
}

char *
mailer_answer(struct app *app, const struct conf_counsellor *c, int64_t id,
    const char *office, const char *session, const char *lang,
    const char *name, const char *to, const char *question,
    const char *answer)
{
	const struct conf_office *o = conf_office(app->conf, office);
	const char *staff_lang = c->lang ? c->lang : app->conf->lang;
	struct mailer_mail m;
	struct buf b = {0};
	char *hello, *subject;
	int64_t q;

	hello = mailer_hello(lang, name);
	buf_appendf(&b, "%s\n\n%s\n", hello, mail_text(lang, MT_YOU_WROTE));
	quote(&b, question);
	buf_appendf(&b, "\n%s", answer);
	subject = mail_text_format(lang, MT_ANSWER_SUBJECT, o ? o->name :
	    office);
	memset(&m, 0, sizeof(m));
	m.office = office;
	m.kind = "answer";
	m.ref = id;
	m.session = session;
	m.counsellor = c->jid;
	m.lang = lang;
	m.to = to;
	m.subject = subject;
	m.body = b.s;
	m.persona = c->name;
	q = mailer_send(app, &m);
	free(hello);
	free(subject);
	buf_free(&b);
	if (q == 0)
		return NULL;
	if (q < 0)
		return mail_text_format(staff_lang, MT_FAILED, to, 0,
		    "not stored or not a valid address", "");
	/* the answer joins the transcript of the session it came from */
	if (session) {
		sqlite3_stmt *st = store_stmt(app->store, "INSERT INTO messages "
		    "(session, at, role, persona, body, relayed) SELECT id, ?, "
		    "'counsellor', ?, ?, 1 FROM sessions WHERE id = ?");

		if (st) {
			sqlite3_bind_int64(st, 1, store_now());
			store_bind_text(st, 2, c->persona);
			store_bind_text(st, 3, answer);
			store_bind_text(st, 4, session);
			store_step(app->store, st);
		}
	}
	return mail_text_format(staff_lang, MT_QUEUED, (long)id, to);
}

int64_t
mailer_transcript(struct app *app, const char *session, const char *to)
{
	sqlite3_stmt *st = store_stmt(app->store, "SELECT office, lang, name, "
	    "persona FROM sessions WHERE id = ?");
	const struct conf_office *o;
	const struct conf_counsellor *c;
	struct mailer_mail m;
	struct buf b = {0};
	char *office, *lang, *name, *persona, *hello, *subject, *text;
	int64_t id;

	if (st == NULL)
		return -1;
	store_bind_text(st, 1, session);
	if (store_row(app->store, st) != 1)
		return -1;
	office = store_col_text(st, 0);
	lang = store_col_text(st, 1);
	name = store_col_text(st, 2);
	persona = store_col_text(st, 3);
	sqlite3_reset(st);
	o = conf_office(app->conf, office);
	c = persona ? conf_counsellor_by_persona(app->conf, persona) : NULL;
	hello = mailer_hello(lang, name);
	buf_appendf(&b, "%s\n\n", hello);
	text = mail_text_format(lang, MT_TRANSCRIPT_INTRO, o ? o->name :
	    office);
	buf_appendf(&b, "%s\n\n", text);
	free(text);
	st = store_stmt(app->store, "SELECT role, persona, body FROM messages "
	    "WHERE session = ? AND role IN ('visitor', 'counsellor', 'bot') "
	    "ORDER BY id");
	if (st) {
		store_bind_text(st, 1, session);
		while (store_row(app->store, st) == 1) {
			const char *role = (const char *)sqlite3_column_text(st,
			    0);
			const char *who = strcmp(role, "visitor") == 0 ?
			    (name ? name : catalog_text(lang, MSG_VISITOR)) :
			    sqlite3_column_text(st, 1) ?
			    (const char *)sqlite3_column_text(st, 1) : "-";
			const struct conf_counsellor *k = strcmp(role,
			    "counsellor") == 0 ? conf_counsellor_by_persona(
			    app->conf, who) : NULL;
			const struct conf_bot *bot = strcmp(role, "bot") == 0 ?
			    conf_bot(app->conf, who) : NULL;

			buf_appendf(&b, "%s: %s\n", k ? k->name : bot ?
			    bot->name : who,
			    (const char *)sqlite3_column_text(st, 2));
		}
		sqlite3_reset(st);
	}
	subject = mail_text_format(lang, MT_TRANSCRIPT_SUBJECT, o ? o->name :
	    office);
	memset(&m, 0, sizeof(m));
	m.office = office;
	m.kind = "transcript";
	m.session = session;
	m.counsellor = c ? c->jid : NULL;
	m.lang = lang;
	m.to = to;
	m.subject = subject;
	m.body = b.s ? b.s : "";
	m.persona = c ? c->name : NULL;
	id = mailer_send(app, &m);
	free(hello);
	free(subject);
	buf_free(&b);
	free(office);
	free(lang);
	free(name);
	free(persona);
	return id;
}
