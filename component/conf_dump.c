/*
 * conf_dump.c: `accueild -n`, the effective configuration as XML.
 *
 * Prints every element and attribute the schema of conf_schema.c
 * declares, in its order, with the defaults applied and relative paths
 * made absolute, so an administrator sees what accueild will use. The
 * component secret is never printed: the comment at the top only says
 * whether it was read.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "conf.h"
#include "conf_int.h"
#include "util.h"

static void
print_xml_text(FILE *fp, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&': fputs("&amp;", fp); break;
		case '<': fputs("&lt;", fp); break;
		case '>': fputs("&gt;", fp); break;
		case '"': fputs("&quot;", fp); break;
		default: fputc(*s, fp);
		}
	}
}

static void
print_attrs(FILE *fp, const struct conf_attr *attrs, const void *obj)
{
	const struct conf_attr *a;
	void *o = (void *)(uintptr_t)obj;
	size_t i;
	int d;

	for (a = attrs; a->name; a++) {
		switch (a->type) {
		case A_INT:
			fprintf(fp, " %s=\"%d\"", a->name,
			    *CONF_FIELD(o, a->off, int));
			break;
		case A_BOOL:
			fprintf(fp, " %s=\"%s\"", a->name,
			    *CONF_FIELD(o, a->off, int) ? "yes" : "no");
			break;
		case A_TIME:
			d = *CONF_FIELD(o, a->off, int);
			fprintf(fp, " %s=\"%02d:%02d\"", a->name, d / 60,
			    d % 60);
			break;
		case A_DAYS:
			fprintf(fp, " %s=\"", a->name);
			for (i = 0, d = 0; i < 7; i++)
				if (*CONF_FIELD(o, a->off, unsigned) &
				    CONF_DAY((i + 1) % 7))
					fprintf(fp, "%s%s", d++ ? " " : "",
					    conf_day_names[(i + 1) % 7]);
			fputc('"', fp);
			break;
		case A_DATE: {
			struct conf_date *dt = CONF_FIELD(o, a->off,
			    struct conf_date);

			if (dt->year)
				fprintf(fp, " %s=\"%04d-%02d-%02d\"", a->name,
				    dt->year, dt->month, dt->day);
			else
				fprintf(fp, " %s=\"%02d-%02d\"", a->name,
				    dt->month, dt->day);
			break;
		}
		case A_IDS:
		case A_LANGS: {
			struct strlist *l = CONF_FIELD(o, a->off,
			    struct strlist);

			if (l->n == 0)
				break;
			fprintf(fp, " %s=\"", a->name);
			for (i = 0; i < l->n; i++)
				fprintf(fp, "%s%s", i ? " " : "", l->v[i]);
			fputc('"', fp);
			break;
		}
		default:
			if (*CONF_FIELD(o, a->off, char *) == NULL)
				break;
			fprintf(fp, " %s=\"", a->name);
			print_xml_text(fp, *CONF_FIELD(o, a->off, char *));
			fputc('"', fp);
		}
	}
}

/* 1 if the element name has child items in obj. */
static int
has_items(const char *name, void *obj)
{
	size_t i;

	for (i = 0; i < conf_schema_len; i++) {
		const struct conf_elem *s = &conf_schema[i];

		if (strcmp(s->parent, name) == 0 && s->size &&
		    *CONF_FIELD(obj, s->count_off, size_t) > 0)
			return 1;
	}
	return 0;
}

static void
dump_children(FILE *fp, const char *name, const void *obj, int depth)
{
	size_t i, k;
	void *o = (void *)(uintptr_t)obj;

	for (i = 0; i < conf_schema_len; i++) {
		const struct conf_elem *s = &conf_schema[i];
		size_t count = 1;

		if (strcmp(s->parent, name) != 0)
			continue;
		if (s->size)
			count = *CONF_FIELD(o, s->count_off, size_t);
		for (k = 0; k < count; k++) {
			void *item = s->size ? (char *)*CONF_FIELD(o,
			    s->list_off, void *) + k * s->size : o;

			fprintf(fp, "%*s<%s", depth * 2, "", s->name);
			print_attrs(fp, s->attrs, item);
			if (s->text_off != CONF_NO_FIELD) {
				fputc('>', fp);
				print_xml_text(fp, *CONF_FIELD(item,
				    s->text_off, char *));
				fprintf(fp, "</%s>\n", s->name);
			} else if (s->size && has_items(s->name, item)) {
				fputs(">\n", fp);
				dump_children(fp, s->name, item, depth + 1);
				fprintf(fp, "%*s</%s>\n", depth * 2, "",
				    s->name);
			} else
				fputs("/>\n", fp);
		}
	}
}

void
conf_dump(const struct conf *conf, FILE *fp)
{
	fprintf(fp, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	fprintf(fp, "<!-- effective configuration of %s; component secret: "
	    "%s -->\n", conf->path, conf->secret ? "******** (read, masked)"
	    : "(not read)");
	fprintf(fp, "<accueil>\n");
	dump_children(fp, "accueil", conf, 1);
	fprintf(fp, "</accueil>\n");
}
