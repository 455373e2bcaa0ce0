/*
 * conf.c: the configuration's lifetime and look-ups.
 *
 * accueil.conf.xml is handled by one module in several files, one job
 * each: the schema tables (conf_schema.c), attribute values
 * (conf_value.c), reading and walking the XML (conf_parse.c, with
 * conf_load()), cross-reference checks (conf_check.c) and the effective
 * configuration of `accueild -n` (conf_dump.c); conf_int.h is what they
 * share. This file frees a loaded configuration, following the schema
 * like the others, and answers the look-ups of conf.h.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "conf.h"
#include "conf_int.h"
#include "map.h"
#include "util.h"

/* ---- freeing, table-driven ------------------------------------------ */

static void
free_attrs(const struct conf_attr *attrs, void *obj)
{
	const struct conf_attr *a;

	for (a = attrs; a->name; a++) {
		switch (a->type) {
		case A_INT:
		case A_BOOL:
		case A_TIME:
		case A_DAYS:
		case A_DATE:
			break;
		case A_IDS:
		case A_LANGS:
			strlist_free(CONF_FIELD(obj, a->off, struct strlist));
			break;
		default:
			free(*CONF_FIELD(obj, a->off, char *));
			*CONF_FIELD(obj, a->off, char *) = NULL;
		}
	}
}

static void
free_children(const char *name, void *obj)
{
	size_t i, k;

	for (i = 0; i < conf_schema_len; i++) {
		const struct conf_elem *s = &conf_schema[i];
		void **list;
		size_t count;

		if (strcmp(s->parent, name) != 0)
			continue;
		if (s->size == 0) {
			free_attrs(s->attrs, obj);
			continue;
		}
		list = CONF_FIELD(obj, s->list_off, void *);
		count = *CONF_FIELD(obj, s->count_off, size_t);
		for (k = 0; k < count; k++) {
			void *item = (char *)*list + k * s->size;

			free_attrs(s->attrs, item);
			free_children(s->name, item);
			if (s->text_off != CONF_NO_FIELD)
				free(*CONF_FIELD(item, s->text_off, char *));
		}
		free(*list);
		*list = NULL;
	}
}

void
conf_free(struct conf *conf)
{
	if (conf == NULL)
		return;
	free_children("accueil", conf);
	if (conf->by_jid) {
		map_free(conf->by_jid);
		free(conf->by_jid);
	}
	if (conf->secret) {
		explicit_bzero(conf->secret, strlen(conf->secret));
		free(conf->secret);
	}
	free(conf->path);
	free(conf->dir);
	free(conf);
}

void
conf_errors_free(struct conf_errors *errs)
{
	if (errs)
		strlist_free(&errs->msgs);
}

/* ---- look-ups -------------------------------------------------------- */

const char *
conf_text_in(const struct conf_text *v, size_t n, const char *lang,
    const char *dflt)
{
	size_t i;

	for (i = 0; lang && i < n; i++)
		if (v[i].lang && strcmp(v[i].lang, lang) == 0 && v[i].text &&
		    *v[i].text)
			return v[i].text;
	return dflt;
}

const char *
conf_office_name(const struct conf_office *o, const char *lang,
    const char *dflt)
{
	return o ? conf_text_in(o->names, o->nnames, lang, o->name) : dflt;
}

const char *
conf_title(const struct conf_counsellor *c, const char *lang)
{
	return conf_text_in(c->titles, c->ntitles, lang, c->title);
}

const struct conf_office *
conf_office(const struct conf *conf, const char *id)
{
	size_t i;

	for (i = 0; id && i < conf->noffices; i++)
		if (conf->offices[i].id && strcmp(conf->offices[i].id, id) == 0)
			return &conf->offices[i];
	return NULL;
}

const struct conf_bot *
conf_bot(const struct conf *conf, const char *id)
{
	size_t i;

	for (i = 0; id && i < conf->nbots; i++)
		if (conf->bots[i].id && strcmp(conf->bots[i].id, id) == 0)
			return &conf->bots[i];
	return NULL;
}

const struct conf_counsellor *
conf_counsellor_by_persona(const struct conf *conf, const char *persona)
{
	size_t i;

	for (i = 0; persona && i < conf->ncounsellors; i++)
		if (conf->counsellors[i].persona &&
		    strcmp(conf->counsellors[i].persona, persona) == 0)
			return &conf->counsellors[i];
	return NULL;
}

const struct conf_counsellor *
conf_counsellor_by_jid(const struct conf *conf, const char *bare)
{
	size_t i;
	long k;

	if (bare && conf->by_jid) {
		k = map_count(conf->by_jid, bare);
		return k > 0 ? &conf->counsellors[k - 1] : NULL;
	}
	for (i = 0; bare && i < conf->ncounsellors; i++)
		if (conf->counsellors[i].jid &&
		    strcasecmp(conf->counsellors[i].jid, bare) == 0)
			return &conf->counsellors[i];
	return NULL;
}

void
conf_index(struct conf *conf)
{
	static unsigned long serials;
	size_t i;

	conf->serial = ++serials;
	conf->by_jid = xcalloc(1, sizeof(*conf->by_jid));
	conf->by_jid->fold = 1;
	/* the first one wins, as the scan above did */
	for (i = conf->ncounsellors; i-- > 0;)
		if (conf->counsellors[i].jid) {
			map_add(conf->by_jid, conf->counsellors[i].jid,
			    (long)(i + 1) - map_count(conf->by_jid,
			    conf->counsellors[i].jid));
		}
}

const struct conf_plugin *
conf_plugin(const struct conf *conf, const char *name)
{
	size_t i;

	for (i = 0; name && i < conf->nplugins; i++)
		if (strcmp(conf->plugins[i].name, name) == 0)
			return &conf->plugins[i];
	return NULL;
}

const char *
conf_plugin_option(const struct conf_plugin *p, const char *name)
{
	size_t i;

	for (i = 0; p && i < p->noptions; i++)
		if (p->options[i].name && strcmp(p->options[i].name, name) == 0)
			return p->options[i].value;
	return NULL;
}
