/*
 * adhoc_canned.c: administrators manage canned answers from their client
 * (one XEP-0050 form: list, save, delete), into canned.c's table.
 */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "canned.h"
#include "canvars.h"
#include "catalog.h"
#include "conf.h"
#include "form.h"
#include "log.h"
#include "stanza.h"
#include "util.h"
#include "adhoc_canned.h"

#define CANNED_MAX_TEXT 2000

void
adhoc_canned_form(struct app *app, xmpp_stanza_t *x)
{
	xmpp_stanza_t *f;
	size_t i;
	char *help = xasprintf("List the canned answers, or save or delete "
	    "one. Variables in the text: %s", canvars_names);

	stanza_add_text(x, "instructions", help);
	free(help);
	f = form_add_field(x, "action", "list-single", "Action", "list");
	form_add_option(f, "List", "list");
	form_add_option(f, "Add or change", "save");
	form_add_option(f, "Delete", "delete");
	f = form_add_field(x, "office", "list-single", "Office", "");
	form_add_option(f, "Every office", "");
	for (i = 0; i < app->conf->noffices; i++)
		form_add_option(f, app->conf->offices[i].name,
		    app->conf->offices[i].id);
	form_add_field(x, "key", "text-single", "Key (e.g. parking)", NULL);
	f = form_add_field(x, "lang", "list-single", "Language", NULL);
	for (i = 0; catalog_langs[i]; i++)
		form_add_option(f, catalog_langs[i], catalog_langs[i]);
	f = form_add_field(x, "text", "text-multi", "Text", NULL);
	stanza_add_text(f, "desc", canvars_names);
}

static int
key_ok(const char *k)
{
	size_t n = 0;

	for (; k[n]; n++)
		if (!isalnum((unsigned char)k[n]) && k[n] != '-' && k[n] != '_')
			return 0;
	return n > 0 && n <= 32;
}

static int
lang_ok(const char *l)
{
	size_t n = strlen(l), i;

	if (n < 2 || n > 3)
		return 0;
	for (i = 0; i < n; i++)
		if (!islower((unsigned char)l[i]))
			return 0;
	return 1;
}

/* The submitted text-multi: its <value> lines joined with newlines. */
static char *
multi_value(xmpp_stanza_t *sub, const char *var, int *too_long)
{
	xmpp_stanza_t *f, *v;
	struct buf b = {0};

	*too_long = 0;
	for (f = xmpp_stanza_get_children(sub); f; f = xmpp_stanza_get_next(f)) {
		const char *fv = xmpp_stanza_get_attribute(f, "var");

		if (xmpp_stanza_get_name(f) == NULL ||
		    strcmp(xmpp_stanza_get_name(f), "field") != 0 || fv == NULL ||
		    strcmp(fv, var) != 0)
			continue;
		for (v = xmpp_stanza_get_children(f); v;
		    v = xmpp_stanza_get_next(v)) {
			char *t;

			if (xmpp_stanza_get_name(v) == NULL ||
			    strcmp(xmpp_stanza_get_name(v), "value") != 0)
				continue;
			t = xmpp_stanza_get_text(v);
			buf_appendf(&b, "%s%s", b.len ? "\n" : "", t ? t : "");
			free(t);
			if (b.len > CANNED_MAX_TEXT)
				*too_long = 1;
		}
	}
	return b.s ? buf_take(&b) : NULL;
}

static const char *
run(struct app *app, const char *bare, xmpp_stanza_t *sub, struct buf *out)
{
	char *action = form_value(sub, "action", 16, NULL);
	char *office = form_value(sub, "office", 64, NULL);
	char *key = form_value(sub, "key", 64, NULL);
	char *lang = form_value(sub, "lang", 8, NULL);
	char bad[40];
	char *text = NULL;
	const char *err = NULL;
	int too_long = 0, n;

	if (office && *office && conf_office(app->conf, office) == NULL)
		err = "Refused: no such office.";
	else if (action == NULL || strcmp(action, "list") == 0)
		canned_list(app, office, out);
	else if (strcmp(action, "save") == 0) {
		text = multi_value(sub, "text", &too_long);
		if (key == NULL || !key_ok(key))
			err = "Refused: the key must be 1 to 32 letters, digits, "
			    "'-' or '_'.";
		else if (lang == NULL || !lang_ok(lang))
			err = "Refused: the language must be a code such as fr, "
			    "ca, en.";
		else if (text == NULL || str_blank(text))
			err = "Refused: the text is empty.";
		else if (too_long)
			err = "Refused: the text is longer than 2000 bytes.";
		else if (canvars_check(text, bad, sizeof(bad)) < 0) {
			buf_appendf(out, "Refused: unknown variable {%s}. "
			    "Variables: %s", bad, canvars_names);
			err = "";
		} else if (canned_put(app, office, key, lang, text, bare) < 0)
			err = "Not saved: the database refused it (see the log).";
		else {
			log_info("canned: %s saved %s [%s]%s%s", bare, key, lang,
			    office && *office ? " @" : "", office ? office : "");
			buf_appendf(out, "Saved: %s [%s]%s%s.", key, lang,
			    office && *office ? " for " : " for every office",
			    office && *office ? office : "");
		}
	} else if (strcmp(action, "delete") == 0) {
		if (key == NULL || !key_ok(key))
			err = "Refused: which key?";
		else if ((n = canned_delete(app, office, key,
		    lang && *lang ? lang : NULL, bare)) < 0)
			err = "Not deleted: the database refused it (see the "
			    "log).";
		else if (n == 0)
			err = "Nothing deleted: no such canned answer (give the "
			    "office it was saved for, and its language or none "
			    "for all).";
		else {
			log_info("canned: %s deleted %s", bare, key);
			buf_appendf(out, "Deleted: %d answer(s) %s.", n, key);
		}
	} else
		err = "Refused: the action is list, save or delete.";
	if (err && *err)
		buf_append(out, err);
	free(action);
	free(office);
	free(key);
	free(lang);
	free(text);
	return err;
}

void
adhoc_canned_run(struct app *app, const char *bare, xmpp_stanza_t *sub,
    xmpp_stanza_t *x, struct buf *out)
{
	if (sub == NULL)
		buf_append(out, "Refused: the form is missing.");
	else
		run(app, bare, sub, out);
	form_add_field(x, "result", "text-multi", "Canned answers", out->s);
}
