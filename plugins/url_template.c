/*
 * url_template.c: video meeting links from a URL template, for any
 * provider whose rooms are plain URLs.
 *
 * Placeholders, each replaced percent-encoded: {room} (the random room
 * name, required so that links cannot be guessed), {start} and {end}
 * (UTC, ISO 8601 basic: 20261124T133000Z), {persona}, {office}, and
 * {name} (the name of whoever gets the link: the visitor's in the
 * visitor's link, the persona's in the counsellor's). Any other {...} is
 * refused when the plugin starts. Only the host table is used.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "component/plugin.h"

static const char *const placeholders[] = {
	"room", "start", "end", "persona", "office", "name", NULL,
};

struct tmpl {
	const struct accueil_host *host;
	char *tmpl;
};

static void
tmpl_fini(void *state)
{
	struct tmpl *t = state;

	if (t == NULL)
		return;
	free(t->tmpl);
	free(t);
}

/* The placeholder starting at p ("{name}"), or NULL; sets *len. */
static const char *
placeholder_at(const char *p, size_t *len)
{
	size_t i, n;

	for (i = 0; placeholders[i]; i++) {
		n = strlen(placeholders[i]);
		if (strncmp(p + 1, placeholders[i], n) == 0 &&
		    p[n + 1] == '}') {
			*len = n + 2;
			return placeholders[i];
		}
	}
	return NULL;
}

static int
tmpl_init(const struct accueil_host *host, const void *opts, void **state)
{
	const char *tmpl = host->option(opts, "template"), *p;
	struct tmpl *t;
	size_t len;
	int room = 0;

	*state = NULL;
	for (p = tmpl; (p = strchr(p, '{')) != NULL; p += len) {
		const char *name = placeholder_at(p, &len);

		if (name == NULL) {
			host->log_warnx("url-template: unknown placeholder at "
			    "\"%.20s\" (known: {room} {start} {end} {persona} "
			    "{office} {name})", p);
			return -1;
		}
		room |= strcmp(name, "room") == 0;
	}
	if (!room) {
		host->log_warnx("url-template: the template has no {room}: "
		    "every meeting would get the same, guessable link");
		return -1;
	}
	if ((t = calloc(1, sizeof(*t))) == NULL ||
	    (t->tmpl = strdup(tmpl)) == NULL) {
		free(t);
		host->log_warnx("url-template: out of memory");
		return -1;
	}
	t->host = host;
	*state = t;
	return 0;
}

static int
append(char **s, size_t *len, const char *add)
{
	size_t n = strlen(add);
	char *r;

	if ((r = realloc(*s, *len + n + 1)) == NULL)
		return -1;
	memcpy(r + *len, add, n + 1);
	*s = r;
	*len += n;
	return 0;
}

static void
iso_basic(time_t t, char out[17])
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 17, "%Y%m%dT%H%M%SZ", &tm);
}

/* Expands the template for one participant; NULL on failure. */
static char *
expand(struct tmpl *t, const struct accueil_meeting *m, const char *name)
{
	char *out = NULL, *enc, chunk[2] = {0, 0}, start[17], end[17];
	const char *p, *ph, *v;
	size_t len = 0, n;

	iso_basic(m->start, start);
	iso_basic(m->end, end);
	if ((out = strdup("")) == NULL)
		return NULL;
	for (p = t->tmpl; *p; ) {
		if (*p != '{' || (ph = placeholder_at(p, &n)) == NULL) {
			chunk[0] = *p++;
			if (append(&out, &len, chunk) < 0)
				goto fail;
			continue;
		}
		if (strcmp(ph, "room") == 0)
			v = m->room;
		else if (strcmp(ph, "start") == 0)
			v = start;
		else if (strcmp(ph, "end") == 0)
			v = end;
		else if (strcmp(ph, "persona") == 0)
			v = m->persona;
		else if (strcmp(ph, "office") == 0)
			v = m->office;
		else
			v = name;
		if ((enc = t->host->url_encode(v)) == NULL)
			goto fail;
		if (append(&out, &len, enc) < 0) {
			free(enc);
			goto fail;
		}
		free(enc);
		p += n;
	}
	return out;

fail:
	free(out);
	return NULL;
}

static int
tmpl_make_meeting(void *state, const struct accueil_meeting *m,
    struct accueil_meeting_links *links)
{
	struct tmpl *t = state;

	if ((links->visitor_url = expand(t, m, m->visitor)) == NULL ||
	    (links->counsellor_url = expand(t, m, m->persona)) == NULL) {
		free(links->visitor_url);
		links->visitor_url = NULL;
		t->host->log_warnx("url-template: out of memory");
		return -1;
	}
	return 0;
}

static const struct accueil_plugin_option tmpl_options[] = {
	{"template", ACCUEIL_OPT_URL, 0, 0, NULL,
	    "meeting URL with {room} and optionally {start} {end} {persona} "
	    "{office} {name}"},
	{NULL, 0, 0, 0, NULL, NULL},
};

static const struct accueil_video_ops tmpl_ops = {
	.make_meeting = tmpl_make_meeting,
};

const struct accueil_plugin accueil_plugin_url_template = {
	.name = "url-template",
	.abi = ACCUEIL_PLUGIN_ABI,
	.kind = ACCUEIL_PLUGIN_VIDEO,
	.doc = "video meeting links from a URL template",
	.options = tmpl_options,
	.init = tmpl_init,
	.fini = tmpl_fini,
	.ops.video = &tmpl_ops,
};
