/*
 * canned.c: canned answers that read like a person.
 *
 * Stored in SQLite (table canned: office or "" for every office, key,
 * language, text), seeded from the configuration's <canned> elements:
 * a seed never overwrites what an administrator changed or deleted from
 * their client (a deleted answer stays as a tombstone, so a restart does
 * not bring it back). A text may hold variables, expanded when sent:
 *
 *   {prenom} {visitor}      the visitor's first name (nothing when unknown)
 *   {persona}               the counsellor's persona name
 *   {office}                the office's name
 *   {horaires} {hours}      today's opening hours
 *   {ouverture} {next_opening}  the next opening
 *   {contact}               the office's contact
 *
 * An unknown variable is refused where the text is written (the
 * configuration check, the administrators' command) and, should one be
 * in the table anyway, when it would be sent.
 */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app.h"
#include "catalog.h"
#include "clock.h"
#include "conf.h"
#include "log.h"
#include "office.h"
#include "registry.h"
#include "store.h"
#include "text.h"
#include "util.h"
#include "canvars.h"
#include "canned.h"

/* "09:00-12:30, 14:00-18:00" today, or the "closed today" text. */
static void
hours_today(const struct conf_office *o, const char *lang, struct buf *out)
{
	struct tm tm;
	size_t i;
	int any = 0;

	if (clock_localtime(o->timezone, clock_now(), &tm) < 0 ||
	    office_is_holiday(o, &tm)) {
		buf_append(out, catalog_text(lang, MSG_CANNED_CLOSED_TODAY));
		return;
	}
	for (i = 0; i < o->nhours; i++) {
		const struct conf_hours *h = &o->hours[i];

		if (!(h->days & CONF_DAY(tm.tm_wday)))
			continue;
		buf_appendf(out, "%s%02d:%02d-%02d:%02d", any ? ", " : "",
		    h->open / 60, h->open % 60, h->close / 60, h->close % 60);
		any = 1;
	}
	if (!any)
		buf_append(out, catalog_text(lang, MSG_CANNED_CLOSED_TODAY));
}

static void
next_opening(const struct conf_office *o, const char *lang, struct buf *out)
{
	time_t now = clock_now(), t;
	struct tm tm;
	char *when;

	if (office_is_open(o, now)) {
		buf_append(out, catalog_text(lang, MSG_CANNED_OPEN_NOW));
		return;
	}
	if ((t = office_next_open(o, now)) == 0 ||
	    clock_localtime(o->timezone, t, &tm) < 0) {
		buf_append(out, catalog_text(lang, MSG_OFFICE_CLOSED_NO_DATE));
		return;
	}
	when = catalog_aformat(lang, MSG_DATE_AT, catalog_text(lang,
	    (enum msg)(MSG_WEEKDAY_0 + tm.tm_wday)), tm.tm_mday, tm.tm_hour,
	    tm.tm_min);
	buf_append(out, when);
	free(when);
}

/* Drops the space before an empty {prenom}: "Bonjour {prenom}," */
static void
trim_space(struct buf *out)
{
	if (out->len > 0 && out->s[out->len - 1] == ' ')
		out->s[--out->len] = '\0';
}

char *
canned_expand(struct app *app, const struct conv *cv,
    const struct conf_counsellor *c, const char *text, char *bad,
    size_t size)
{
	const struct conf_office *o = conf_office(app->conf, cv->office);
	const char *p = text, *v, *name;
	struct buf out = {0};
	size_t len;

	if (canvars_check(text, bad, size) < 0)
		return NULL;
	while ((v = canvars_next(p, &name, &len)) != NULL) {
		char *lit = xstrndup(p, (size_t)(v - p));

		buf_append(&out, lit);
		free(lit);
		switch (canvars_of(name, len)) {
		case V_NAME:
			if (cv->name && *cv->name)
				buf_append(&out, cv->name);
			else
				trim_space(&out);
			break;
		case V_PERSONA:
			buf_append(&out, c ? c->name : "");
			break;
		case V_OFFICE:
			buf_append(&out, conf_office_name(o, cv->lang, ""));
			break;
		case V_HOURS:
			if (o)
				hours_today(o, cv->lang, &out);
			break;
		case V_NEXT:
			if (o)
				next_opening(o, cv->lang, &out);
			break;
		case V_CONTACT:
			buf_append(&out, o && o->contact ? o->contact : "");
			break;
		default:
			break;
		}
		p = name + len + 1;
	}
	buf_append(&out, p);
	return buf_take(&out);
}

/* ---- the table --------------------------------------------------------- */

int
canned_seed(struct app *app)
{
	size_t i;
	int added = 0;

	for (i = 0; i < app->conf->ncanned; i++) {
		const struct conf_canned *k = &app->conf->canned[i];
		sqlite3_stmt *st = store_stmt(app->store, "INSERT OR IGNORE "
		    "INTO canned (office, key, lang, text, source, updated) "
		    "VALUES (?, ?, ?, ?, 'config', ?)");

		if (st == NULL)
			return -1;
		store_bind_text(st, 1, k->office ? k->office : "");
		store_bind_text(st, 2, k->key);
		store_bind_text(st, 3, k->lang);
		store_bind_text(st, 4, k->text);
		sqlite3_bind_int64(st, 5, store_now());
		if (store_step(app->store, st) < 0)
			return -1;
		added += sqlite3_changes(store_db(app->store));
	}
	if (added)
		log_info("canned: %d answer(s) added from the configuration",
		    added);
	return added;
}

char *
canned_find(struct app *app, const char *office, const char *key,
    const char *lang, const char *fallback_lang)
{
	/* the office's own first, then every office's; the visitor's
	 * language, then the office's default, then any */
	sqlite3_stmt *st = store_stmt(app->store, "SELECT text FROM canned "
	    "WHERE key = ? AND deleted = 0 AND office IN (?, '') ORDER BY "
	    "(lang = ?) DESC, (lang = ?) DESC, (office = ?) DESC, lang LIMIT 1");
	char *text = NULL;

	if (st == NULL)
		return NULL;
	store_bind_text(st, 1, key);
	store_bind_text(st, 2, office);
	store_bind_text(st, 3, lang);
	store_bind_text(st, 4, fallback_lang ? fallback_lang : lang);
	store_bind_text(st, 5, office);
	if (store_row(app->store, st) == 1) {
		text = store_col_text(st, 0);
		sqlite3_reset(st);
	}
	return text;
}

void
canned_keys(struct app *app, const char *office, const char *lang,
    struct buf *mine, struct buf *others)
{
	sqlite3_stmt *st = store_stmt(app->store, "SELECT key, "
	    "max(lang = ?) FROM canned WHERE deleted = 0 AND office IN (?, '') "
	    "GROUP BY key ORDER BY key");
	int r;

	if (st == NULL)
		return;
	store_bind_text(st, 1, lang);
	store_bind_text(st, 2, office);
	while ((r = store_row(app->store, st)) == 1) {
		char *key = store_col_text(st, 0);
		struct buf *b = sqlite3_column_int(st, 1) ? mine : others;

		if (b)
			buf_appendf(b, "%s%s", b->len ? ", " : "", key);
		free(key);
	}
}

int
canned_put(struct app *app, const char *office, const char *key,
    const char *lang, const char *text, const char *by)
{
	sqlite3_stmt *st = store_stmt(app->store, "INSERT INTO canned "
	    "(office, key, lang, text, source, updated, updated_by) VALUES "
	    "(?, ?, ?, ?, 'admin', ?, ?) ON CONFLICT (office, key, lang) DO "
	    "UPDATE SET text = excluded.text, source = 'admin', deleted = 0, "
	    "updated = excluded.updated, updated_by = excluded.updated_by");

	if (st == NULL)
		return -1;
	store_bind_text(st, 1, office ? office : "");
	store_bind_text(st, 2, key);
	store_bind_text(st, 3, lang);
	store_bind_text(st, 4, text);
	sqlite3_bind_int64(st, 5, store_now());
	store_bind_text(st, 6, by);
	return store_step(app->store, st);
}

int
canned_delete(struct app *app, const char *office, const char *key,
    const char *lang, const char *by)
{
	sqlite3_stmt *st = store_stmt(app->store, "UPDATE canned SET "
	    "deleted = 1, source = 'admin', updated = ?, updated_by = ? "
	    "WHERE office = ? AND key = ? AND (lang = ? OR ? = '') AND "
	    "deleted = 0");

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, store_now());
	store_bind_text(st, 2, by);
	store_bind_text(st, 3, office ? office : "");
	store_bind_text(st, 4, key);
	store_bind_text(st, 5, lang ? lang : "");
	store_bind_text(st, 6, lang ? lang : "");
	if (store_step(app->store, st) < 0)
		return -1;
	return sqlite3_changes(store_db(app->store));
}

void
canned_list(struct app *app, const char *office, struct buf *out)
{
	sqlite3_stmt *st = store_stmt(app->store, "SELECT office, key, lang, "
	    "text, source FROM canned WHERE deleted = 0 AND (? = '' OR "
	    "office IN (?, '')) ORDER BY key, office, lang");
	int n = 0;

	if (st == NULL)
		return;
	store_bind_text(st, 1, office ? office : "");
	store_bind_text(st, 2, office ? office : "");
	while (store_row(app->store, st) == 1) {
		char *o = store_col_text(st, 0), *k = store_col_text(st, 1);
		char *l = store_col_text(st, 2), *t = store_col_text(st, 3);
		char *s = store_col_text(st, 4);

		text_cut(t, 120);
		buf_appendf(out, "%s%s [%s]%s%s (%s): %s", n++ ? "\n" : "", k,
		    l, *o ? " @" : "", o, s, t);
		free(o);
		free(k);
		free(l);
		free(t);
		free(s);
	}
	if (n == 0)
		buf_append(out, "No canned answers.");
}
