/*
 * conf_parse.c: reading accueil.conf.xml.
 *
 * The file is read into a small tree with expat (no DTD, bounded depth
 * and size), then walked against the schema of conf_schema.c: unknown
 * elements and attributes, missing ones, text where none belongs and
 * occurrence bounds are reported, values go through conf_value_parse().
 * Every error is collected as "file:line: text" and the walk goes on, so
 * one run names every problem; the cross-reference checks of conf_check.c
 * run only when the walk found none. conf_load() and conf_load_buffer()
 * are the entry points of conf.h.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <expat.h>

#include "conf.h"
#include "conf_int.h"
#include "log.h"
#include "util.h"

#define CONF_MAX_SIZE (4 * 1024 * 1024)
#define CONF_MAX_DEPTH 16

/* ---- the XML tree ---------------------------------------------------- */

struct xnode {
	char *name;
	char **attrs;	/* name, value, ..., NULL */
	int line;
	struct xnode *parent, *children, *last, *next;
	struct buf text;
};

static void
xnode_free(struct xnode *n)
{
	struct xnode *c, *next;
	size_t i;

	if (n == NULL)
		return;
	for (c = n->children; c; c = next) {
		next = c->next;
		xnode_free(c);
	}
	for (i = 0; n->attrs && n->attrs[i]; i++)
		free(n->attrs[i]);
	free(n->attrs);
	free(n->name);
	buf_free(&n->text);
	free(n);
}

struct parse {
	XML_Parser parser;
	struct xnode *root, *cur;
	int depth;
	int too_deep;
};

static void XMLCALL
on_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	struct parse *p = ud;
	struct xnode *n;
	size_t i, count = 0;

	if (++p->depth > CONF_MAX_DEPTH) {
		p->too_deep = 1;
		XML_StopParser(p->parser, XML_FALSE);
		return;
	}
	n = xcalloc(1, sizeof(*n));
	n->name = xstrdup(name);
	n->line = (int)XML_GetCurrentLineNumber(p->parser);
	while (atts[count])
		count++;
	n->attrs = xcalloc(count + 1, sizeof(char *));
	for (i = 0; i < count; i++)
		n->attrs[i] = xstrdup(atts[i]);
	n->parent = p->cur;
	if (p->cur == NULL)
		p->root = n;
	else {
		if (p->cur->last)
			p->cur->last->next = n;
		else
			p->cur->children = n;
		p->cur->last = n;
	}
	p->cur = n;
}

static void XMLCALL
on_end(void *ud, const XML_Char *name)
{
	struct parse *p = ud;

	p->depth--;
	if (p->cur)
		p->cur = p->cur->parent;
}

static void XMLCALL
on_text(void *ud, const XML_Char *s, int len)
{
	struct parse *p = ud;
	char *t;

	if (p->cur == NULL || len <= 0)
		return;
	if (p->cur->text.len + (size_t)len > 64 * 1024)
		return;
	t = xstrndup(s, (size_t)len);
	buf_append(&p->cur->text, t);
	free(t);
}

/* Refuse DTDs: no entity expansion games in a config file. */
static void XMLCALL
on_doctype(void *ud, const XML_Char *name, const XML_Char *sysid,
    const XML_Char *pubid, int has_internal_subset)
{
	struct parse *p = ud;

	XML_StopParser(p->parser, XML_FALSE);
}

/* ---- error collection ------------------------------------------------ */

void
conf_err(struct conf_ctx *c, int line, const char *fmt, ...)
{
	va_list ap;
	char *msg, *full;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		fatal("vasprintf");
	va_end(ap);
	full = xasprintf("%s:%d: %s", c->file, line, msg);
	strlist_add(&c->errs->msgs, full);
	free(full);
	free(msg);
}

/* ---- walking the tree against the schema ----------------------------- */

static const struct conf_elem *
find_spec(const char *parent, const char *name)
{
	size_t i;

	for (i = 0; i < conf_schema_len; i++)
		if (strcmp(conf_schema[i].parent, parent) == 0 &&
		    strcmp(conf_schema[i].name, name) == 0)
			return &conf_schema[i];
	return NULL;
}

static char *
expected_children(const char *parent)
{
	struct buf b = {0};
	size_t i;

	for (i = 0; i < conf_schema_len; i++)
		if (strcmp(conf_schema[i].parent, parent) == 0)
			buf_appendf(&b, "%s<%s>", b.len ? ", " : "",
			    conf_schema[i].name);
	if (b.len == 0)
		buf_append(&b, "no child element");
	return buf_take(&b);
}

static char *
expected_attrs(const struct conf_attr *attrs)
{
	struct buf b = {0};
	const struct conf_attr *a;

	for (a = attrs; a->name; a++)
		buf_appendf(&b, "%s%s", b.len ? ", " : "", a->name);
	return buf_take(&b);
}

static char *
trimmed(const char *s)
{
	const char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		e--;
	return xstrndup(s, (size_t)(e - s));
}

static void
read_attrs(struct conf_ctx *c, const struct conf_elem *spec, struct xnode *n,
    void *obj)
{
	const struct conf_attr *a;
	size_t i;

	for (i = 0; n->attrs[i]; i += 2) {
		for (a = spec->attrs; a->name; a++)
			if (strcmp(a->name, n->attrs[i]) == 0)
				break;
		if (a->name == NULL) {
			char *exp = expected_attrs(spec->attrs);

			conf_err(c, n->line, "<%s>: unknown attribute '%s' "
			    "(expected: %s)", spec->name, n->attrs[i], exp);
			free(exp);
			continue;
		}
		conf_value_parse(c, spec->name, a, n->attrs[i + 1], n->line,
		    obj);
	}
	for (a = spec->attrs; a->name; a++) {
		int given = 0;

		for (i = 0; n->attrs[i]; i += 2)
			if (strcmp(a->name, n->attrs[i]) == 0)
				given = 1;
		if (given)
			continue;
		if (a->required)
			conf_err(c, n->line, "<%s>: missing attribute '%s'",
			    spec->name, a->name);
		else if (a->def)
			conf_value_parse(c, spec->name, a, a->def, n->line,
			    obj);
	}
}

static void walk(struct conf_ctx *c, struct xnode *n, const char *name,
    void *obj);

static void
walk_child(struct conf_ctx *c, struct xnode *child, const char *parent,
    void *obj)
{
	const struct conf_elem *spec = find_spec(parent, child->name);
	void *item;

	if (spec == NULL) {
		char *exp = expected_children(parent);

		conf_err(c, child->line, "unknown element <%s> in <%s> "
		    "(expected: %s)", child->name, parent, exp);
		free(exp);
		return;
	}
	if (spec->size == 0)
		item = obj;
	else {
		void **list = CONF_FIELD(obj, spec->list_off, void *);
		size_t *count = CONF_FIELD(obj, spec->count_off, size_t);

		*list = xreallocarray(*list, *count + 1, spec->size);
		item = (char *)*list + *count * spec->size;
		memset(item, 0, spec->size);
		(*count)++;
	}
	*CONF_FIELD(item, spec->line_off, int) = child->line;
	read_attrs(c, spec, child, item);
	if (spec->text_off != CONF_NO_FIELD) {
		char *t = trimmed(child->text.s ? child->text.s : "");

		if (*t == '\0')
			conf_err(c, child->line, "<%s>: expected text inside "
			    "the element", spec->name);
		*CONF_FIELD(item, spec->text_off, char *) = t;
	} else if (!str_blank(child->text.s))
		conf_err(c, child->line, "<%s>: text is not allowed here (use "
		    "attributes)", spec->name);
	walk(c, child, spec->name, item);
}

static void
walk(struct conf_ctx *c, struct xnode *n, const char *name, void *obj)
{
	struct xnode *child;
	size_t i;

	for (child = n->children; child; child = child->next)
		walk_child(c, child, name, obj);
	/* occurrence bounds */
	for (i = 0; i < conf_schema_len; i++) {
		const struct conf_elem *s = &conf_schema[i];
		int count = 0;

		if (strcmp(s->parent, name) != 0)
			continue;
		for (child = n->children; child; child = child->next)
			if (strcmp(child->name, s->name) == 0)
				count++;
		if (count < s->min)
			conf_err(c, n->line, "<%s>: missing <%s> (%s)", name,
			    s->name, s->doc);
		if (s->max && count > s->max)
			conf_err(c, n->line, "<%s>: <%s> may appear only %d "
			    "time%s", name, s->name, s->max,
			    s->max > 1 ? "s" : "");
		if (count == 0 && s->size == 0) {
			/* an optional element left out: its defaults */
			const struct conf_attr *a;

			for (a = s->attrs; a->name; a++)
				if (a->def)
					conf_value_parse(c, s->name, a, a->def,
					    n->line, obj);
		}
	}
}

/* ---- entry points ---------------------------------------------------- */

struct conf *
conf_load_buffer(const char *name, const char *dir, const char *data,
    size_t len, int check_secret, struct conf_errors *errs)
{
	struct parse p = {0};
	struct conf_ctx c = {0};
	struct conf *conf;
	int ok;

	c.file = name;
	c.dir = dir;
	c.errs = errs;
	c.check_secret = check_secret;

	if (len > CONF_MAX_SIZE) {
		conf_err(&c, 0, "file is larger than %d bytes", CONF_MAX_SIZE);
		return NULL;
	}
	if ((p.parser = XML_ParserCreate("UTF-8")) == NULL)
		fatalx("XML_ParserCreate");
	XML_SetUserData(p.parser, &p);
	XML_SetElementHandler(p.parser, on_start, on_end);
	XML_SetCharacterDataHandler(p.parser, on_text);
	XML_SetStartDoctypeDeclHandler(p.parser, on_doctype);
	ok = XML_Parse(p.parser, data, (int)len, XML_TRUE) == XML_STATUS_OK;
	if (!ok) {
		int line = (int)XML_GetCurrentLineNumber(p.parser);

		if (p.too_deep)
			conf_err(&c, line, "elements nested deeper than %d",
			    CONF_MAX_DEPTH);
		else if (XML_GetErrorCode(p.parser) == XML_ERROR_ABORTED)
			conf_err(&c, line, "document type declarations "
			    "(DOCTYPE) are not allowed");
		else
			conf_err(&c, line, "XML error: %s (column %lu)",
			    XML_ErrorString(XML_GetErrorCode(p.parser)),
			    (unsigned long)XML_GetCurrentColumnNumber(
				p.parser) + 1);
	}
	XML_ParserFree(p.parser);
	if (!ok) {
		xnode_free(p.root);
		return NULL;
	}
	if (p.root == NULL || strcmp(p.root->name, "accueil") != 0) {
		conf_err(&c, p.root ? p.root->line : 1, "the root element "
		    "must be <accueil>, not <%s>", p.root ? p.root->name : "");
		xnode_free(p.root);
		return NULL;
	}
	if (p.root->attrs[0])
		conf_err(&c, p.root->line, "<accueil>: unknown attribute '%s' "
		    "(expected none)", p.root->attrs[0]);

	conf = xcalloc(1, sizeof(*conf));
	conf->path = xstrdup(name);
	conf->dir = xstrdup(dir);
	c.conf = conf;
	walk(&c, p.root, "accueil", conf);
	xnode_free(p.root);
	if (errs->msgs.n == 0)
		conf_check_semantics(&c);
	if (errs->msgs.n) {
		conf_free(conf);
		return NULL;
	}
	conf_index(conf);
	return conf;
}

struct conf *
conf_load(const char *path, struct conf_errors *errs)
{
	struct conf_ctx c = {0};
	struct conf *conf;
	char *data = NULL, *dir, *slash;
	char abs[PATH_MAX];
	size_t len = 0, cap = 0;
	FILE *fp;

	c.file = path;
	c.errs = errs;
	if ((fp = fopen(path, "r")) == NULL) {
		conf_err(&c, 0, "cannot open: %s", strerror(errno));
		return NULL;
	}
	for (;;) {
		size_t n;

		if (len + 4096 + 1 > cap) {
			cap = (len + 4096 + 1) * 2;
			data = xreallocarray(data, cap, 1);
		}
		n = fread(data + len, 1, cap - len - 1, fp);
		len += n;
		if (n == 0 || len > CONF_MAX_SIZE)
			break;
	}
	if (ferror(fp)) {
		conf_err(&c, 0, "read error: %s", strerror(errno));
		fclose(fp);
		free(data);
		return NULL;
	}
	fclose(fp);
	if (realpath(path, abs) == NULL)
		snprintf(abs, sizeof(abs), "%s", path);
	dir = xstrdup(abs);
	if ((slash = strrchr(dir, '/')) != NULL)
		*(slash == dir ? slash + 1 : slash) = '\0';
	else {
		free(dir);
		dir = xstrdup(".");
	}
	conf = conf_load_buffer(path, dir, data, len, 1, errs);
	free(dir);
	free(data);
	return conf;
}
