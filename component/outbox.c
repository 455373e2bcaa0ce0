/*
 * outbox.c: the stored outbox and its SMTP worker (outbox.h).
 *
 * A worker thread rather than libcurl's multi interface: libstrophe's
 * loop owns the select() and offers no way to add libcurl's sockets to
 * it, so the multi interface could only be polled on a timer (a short
 * timer costs CPU for nothing, a long one slows every SMTP round trip).
 * One thread per message, at most one at a time: the loop thread fills a
 * job (copies of everything, nothing shared), starts the thread, and on
 * each tick looks at an atomic "done" flag; only then does it read the
 * result, join the thread and write the row. The thread never touches
 * SQLite, libstrophe or the configuration.
 */
#include "config.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "app.h"
#include "conf.h"
#include "log.h"
#include "mail_text.h"
#include "outbox.h"
#include "secret.h"
#include "staff.h"
#include "stanza.h"
#include "store.h"
#include "util.h"

#define BACKOFF_MAX (6 * 3600)

struct job {
	int64_t id;
	char *url, *from, *rcpt, *user, *pass, *data, *ca_file;
	size_t len, pos;
	int tls_required;
	pthread_t thread;
	atomic_int done;
	atomic_int abort;
	CURLcode rc;
	long code;		/* the relay's last reply code */
	char err[CURL_ERROR_SIZE];
};

static struct job *job;		/* the one in flight, or NULL */
static int recovered;		/* rows left 'sending' put back (once) */

const struct conf_smtp *
outbox_relay(const struct conf *conf, const char *office)
{
	const struct conf_office *o = office ? conf_office(conf, office) :
	    NULL;

	if (o && o->nsmtp)
		return &o->smtp[0];
	return conf->nsmtp ? &conf->smtp[0] : NULL;
}

char *
outbox_message_id(const struct conf_smtp *relay)
{
	char hex[33];
	const char *at = strchr(relay->from, '@');

	if (random_hex(hex, 16) < 0)
		fatalx("outbox: no randomness for a Message-ID");
	return xasprintf("%s@%s", hex, at ? at + 1 : "accueil.invalid");
}

int64_t
outbox_queue(struct app *app, const struct outbox_item *it)
{
	sqlite3_stmt *st = store_stmt(app->store, "INSERT INTO outbox (office, "
	    "kind, ref, session, counsellor, recipient, subject, message, "
	    "next_try, created) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
	int64_t now = store_now(), id;

	if (st == NULL)
		return -1;
	store_bind_text(st, 1, it->office);
	store_bind_text(st, 2, it->kind);
	sqlite3_bind_int64(st, 3, it->ref);
	store_bind_text(st, 4, it->session);
	store_bind_text(st, 5, it->counsellor);
	store_bind_text(st, 6, it->recipient);
	store_bind_text(st, 7, it->subject);
	store_bind_text(st, 8, it->message);
	sqlite3_bind_int64(st, 9, now);
	sqlite3_bind_int64(st, 10, now);
	if (store_step(app->store, st) < 0)
		return -1;
	id = sqlite3_last_insert_rowid(store_db(app->store));
	log_info("outbox: %lld queued for %s (%s)", (long long)id,
	    it->office, it->kind);
	return id;
}

static void
job_free(struct job *j)
{
	free(j->url);
	free(j->from);
	free(j->rcpt);
	free(j->user);
	free(j->ca_file);
	secret_free(j->pass);
	free(j->data);
	free(j);
}

static size_t
read_cb(char *out, size_t size, size_t n, void *ud)
{
	struct job *j = ud;
	size_t want = size * n, left = j->len - j->pos;

	if (want > left)
		want = left;
	memcpy(out, j->data + j->pos, want);
	j->pos += want;
	return want;
}

static int
progress_cb(void *ud, curl_off_t dt, curl_off_t dn, curl_off_t ut,
    curl_off_t un)
{
	struct job *j = ud;

	(void)dt; (void)dn; (void)ut; (void)un;
	return atomic_load(&j->abort) ? 1 : 0;
}

/* The worker: one SMTP transaction. Touches nothing but its job. */
static void *
send_thread(void *arg)
{
	struct job *j = arg;
	struct curl_slist *rcpt = NULL;
	CURL *curl = curl_easy_init();

	if (curl == NULL) {
		j->rc = CURLE_FAILED_INIT;
		snprintf(j->err, sizeof(j->err), "libcurl cannot start");
		atomic_store(&j->done, 1);
		return NULL;
	}
	rcpt = curl_slist_append(rcpt, j->rcpt);
	curl_easy_setopt(curl, CURLOPT_URL, j->url);
	curl_easy_setopt(curl, CURLOPT_MAIL_FROM, j->from);
	curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(curl, CURLOPT_READFUNCTION, read_cb);
	curl_easy_setopt(curl, CURLOPT_READDATA, j);
	curl_easy_setopt(curl, CURLOPT_INFILESIZE, (long)j->len);
	curl_easy_setopt(curl, CURLOPT_USE_SSL, j->tls_required ?
	    (long)CURLUSESSL_ALL : (long)CURLUSESSL_NONE);
	if (j->ca_file)
		curl_easy_setopt(curl, CURLOPT_CAINFO, j->ca_file);
	if (j->user) {
		curl_easy_setopt(curl, CURLOPT_USERNAME, j->user);
		curl_easy_setopt(curl, CURLOPT_PASSWORD, j->pass);
	}
	curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, 15L);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT, 120L);
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, progress_cb);
	curl_easy_setopt(curl, CURLOPT_XFERINFODATA, j);
	curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, j->err);
	curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	j->rc = curl_easy_perform(curl);
	curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &j->code);
	if (j->err[0] == '\0')
		snprintf(j->err, sizeof(j->err), "%s", curl_easy_strerror(
		    j->rc));
	curl_easy_cleanup(curl);
	curl_slist_free_all(rcpt);
	atomic_store(&j->done, 1);
	return NULL;
}

/* Tells the counsellor who wrote row id and the supervisors. */
static void
report_failure(struct app *app, const char *office, const char *counsellor,
    const char *to, int tries, const char *error, const char *subject)
{
	const struct conf_office *o = conf_office(app->conf, office);
	const struct conf_counsellor *c = counsellor ?
	    conf_counsellor_by_jid(app->conf, counsellor) : NULL;
	char *text, *desk;
	size_t i;

	if (c) {
		char *from = xasprintf("%s@%s", c->persona, app->conf->domain);

		text = mail_text_format(c->lang ? c->lang : app->conf->lang,
		    MT_FAILED, to, tries, error, subject);
		staff_notice(app, from, c, text);
		free(text);
		free(from);
	}
	if (o == NULL)
		return;
	desk = xasprintf("%s@%s", o->id, app->conf->domain);
	text = mail_text_format(app->conf->lang, MT_FAILED, to, tries, error,
	    subject);
	for (i = 0; i < o->nsupervisors; i++)
		stanza_send(app, stanza_message(app, desk, o->supervisors[i].jid,
		    "chat", text));
	free(text);
	free(desk);
}

/* The worker is done: record what the relay said. */
static void
finish(struct app *app)
{
	struct job *j = job;
	sqlite3_stmt *st;
	char *office = NULL, *counsellor = NULL, *to = NULL, *subject = NULL;
	const struct conf_smtp *relay;
	int tries = 0, permanent;

	pthread_join(j->thread, NULL);
	job = NULL;
	if (j->rc == CURLE_OK) {
		st = store_stmt(app->store, "UPDATE outbox SET state = 'sent', "
		    "sent = ?, error = NULL WHERE id = ?");
		if (st) {
			sqlite3_bind_int64(st, 1, store_now());
			sqlite3_bind_int64(st, 2, j->id);
		}
		if (store_step(app->store, st) == 0)
			log_info("outbox: %lld accepted by the relay",
			    (long long)j->id);
		job_free(j);
		return;
	}
	st = store_stmt(app->store, "SELECT office, counsellor, recipient, "
	    "subject, tries FROM outbox WHERE id = ?");
	if (st == NULL) {
		job_free(j);
		return;
	}
	sqlite3_bind_int64(st, 1, j->id);
	if (store_row(app->store, st) == 1) {
		office = store_col_text(st, 0);
		counsellor = store_col_text(st, 1);
		to = store_col_text(st, 2);
		subject = store_col_text(st, 3);
		tries = sqlite3_column_int(st, 4);
	}
	sqlite3_reset(st);
	relay = office ? outbox_relay(app->conf, office) : NULL;
	permanent = j->code >= 500 && j->code < 600;
	if (relay && !permanent && tries < relay->retries) {
		long long wait = relay->backoff;
		int k;

		for (k = 1; k < tries && wait < BACKOFF_MAX; k++)
			wait *= 2;
		if (wait > BACKOFF_MAX)
			wait = BACKOFF_MAX;
		st = store_stmt(app->store, "UPDATE outbox SET state = 'queued', "
		    "next_try = ?, error = ? WHERE id = ?");
		if (st) {
			sqlite3_bind_int64(st, 1, store_now() + wait);
			store_bind_text(st, 2, j->err);
			sqlite3_bind_int64(st, 3, j->id);
		}
		store_step(app->store, st);
		log_warnx("outbox: %lld not accepted (try %d of %d, reply %ld: "
		    "%s); again in %lld s", (long long)j->id, tries,
		    relay->retries, j->code, j->err, wait);
	} else {
		st = store_stmt(app->store, "UPDATE outbox SET state = 'failed', "
		    "error = ? WHERE id = ?");
		if (st) {
			store_bind_text(st, 1, j->err);
			sqlite3_bind_int64(st, 2, j->id);
		}
		store_step(app->store, st);
		log_warnx("outbox: %lld failed for good after %d tr%s (reply "
		    "%ld: %s)", (long long)j->id, tries, tries == 1 ? "y" :
		    "ies", j->code, j->err);
		if (office)
			report_failure(app, office, counsellor, to ? to : "?",
			    tries, j->err, subject ? subject : "");
	}
	free(office);
	free(counsellor);
	free(to);
	free(subject);
	job_free(j);
}

/* Hands the oldest due row to a worker. */
static void
start_next(struct app *app)
{
	sqlite3_stmt *st = store_stmt(app->store, "SELECT id, office, "
	    "recipient, message FROM outbox WHERE state = 'queued' AND "
	    "next_try <= ? ORDER BY next_try, id LIMIT 1");
	const struct conf_smtp *relay;
	struct job *j;
	char *office, *why = NULL;
	size_t len;

	if (st == NULL)
		return;
	sqlite3_bind_int64(st, 1, store_now());
	if (store_row(app->store, st) != 1)
		return;
	j = xcalloc(1, sizeof(*j));
	j->id = sqlite3_column_int64(st, 0);
	office = store_col_text(st, 1);
	j->rcpt = xasprintf("<%s>", (const char *)sqlite3_column_text(st, 2));
	j->data = store_col_text(st, 3);
	j->len = strlen(j->data);
	sqlite3_reset(st);
	relay = outbox_relay(app->conf, office);
	free(office);
	if (relay == NULL) {
		/* the relay was removed on reload: wait for one */
		st = store_stmt(app->store, "UPDATE outbox SET next_try = ? "
		    "WHERE id = ?");
		if (st) {
			sqlite3_bind_int64(st, 1, store_now() + 300);
			sqlite3_bind_int64(st, 2, j->id);
		}
		store_step(app->store, st);
		log_warnx("outbox: %lld waits: no <smtp> relay for its office",
		    (long long)j->id);
		job_free(j);
		return;
	}
	j->url = xstrdup(relay->url);
	j->from = xasprintf("<%s>", relay->from);
	j->tls_required = strcmp(relay->tls, "none") != 0;
	j->ca_file = xstrdup(relay->ca_file);
	if (relay->user) {
		j->user = xstrdup(relay->user);
		if (secret_read_file(relay->secret_file, &j->pass, &len, &why) !=
		    ACCUEIL_OK) {
			log_warnx("outbox: %s", why);
			free(why);
			j->pass = NULL;
		}
	}
	st = store_stmt(app->store, "UPDATE outbox SET state = 'sending', "
	    "tries = tries + 1 WHERE id = ?");
	if (st)
		sqlite3_bind_int64(st, 1, j->id);
	if (store_step(app->store, st) < 0) {
		job_free(j);
		return;
	}
	atomic_init(&j->done, 0);
	atomic_init(&j->abort, 0);
	if (pthread_create(&j->thread, NULL, send_thread, j) != 0) {
		log_warn("outbox: cannot start the sender");
		st = store_stmt(app->store, "UPDATE outbox SET state = 'queued' "
		    "WHERE id = ?");
		if (st)
			sqlite3_bind_int64(st, 1, j->id);
		store_step(app->store, st);
		job_free(j);
		return;
	}
	job = j;
	log_info("outbox: %lld handed to the relay", (long long)j->id);
}

/* Retention: sent and failed e-mails go with the transcripts. */
static void
purge(struct app *app)
{
	static int64_t last;
	int64_t now = store_now();
	sqlite3_stmt *st;

	if (now - last < 3600)
		return;
	last = now;
	st = store_stmt(app->store, "DELETE FROM outbox WHERE state IN "
	    "('sent', 'failed') AND created < ?");
	if (st == NULL)
		return;
	sqlite3_bind_int64(st, 1, now - (int64_t)app->conf->retention_days *
	    86400);
	store_step(app->store, st);
}

int
outbox_tick(void *ud)
{
	struct app *app = ud;

	purge(app);
	if (!recovered) {
		/* what was in flight when we stopped: not accepted */
		if (store_exec(app->store, "UPDATE outbox SET state = 'queued' "
		    "WHERE state = 'sending'") == ACCUEIL_OK)
			recovered = 1;
		if (sqlite3_changes(store_db(app->store)) > 0)
			log_info("outbox: %d e-mail(s) interrupted by a stop "
			    "will be sent again", sqlite3_changes(store_db(
			    app->store)));
	}
	if (job && atomic_load(&job->done))
		finish(app);
	if (job == NULL && recovered)
		start_next(app);
	return 1;
}

void
outbox_init(void)
{
	static int curl_ready;

	if (!curl_ready && curl_global_init(CURL_GLOBAL_DEFAULT) == 0)
		curl_ready = 1;
	recovered = 0;
}

void
outbox_shutdown(struct app *app)
{
	(void)app;
	if (job == NULL)
		return;
	atomic_store(&job->abort, 1);
	pthread_join(job->thread, NULL);
	/* its row stays 'sending': put back at the next start */
	job_free(job);
	job = NULL;
}
