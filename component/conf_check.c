/*
 * conf_check.c: what the schema alone cannot check in accueil.conf.xml.
 *
 * Runs once the tree walk found no error. Offices, bots and personas
 * share the component's JIDs: their localparts must not collide, nor
 * start with the "v-" of visitor proxies. References between elements
 * (an office's bot, a counsellor's offices, a canned answer's office, a
 * routing strategy, plugin options) must name something declared. Some
 * defaults depend on other values (an office's default and fallback
 * languages, a counsellor's language) and are filled here. Avatars must
 * be small images, and the secret file must be readable by its owner
 * only; it is read here, never logged.
 */
#include "config.h"

#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "canvars.h"
#include "conf.h"
#include "conf_int.h"
#include "error.h"
#include "mail.h"
#include "plugin.h"
#include "secret.h"
#include "util.h"

#define CONF_MAX_AVATAR (64 * 1024)
#define CONF_MAX_SECRET 1024

struct idseen {
	const char *id;
	const char *what;
	int line;
};

static void
check_id(struct conf_ctx *c, struct idseen *seen, size_t *n, const char *id,
    const char *what, int line)
{
	size_t i;

	if (id == NULL)
		return;
	if (strncmp(id, "v-", 2) == 0) {
		conf_err(c, line, "%s \"%s\": identifiers starting with \"v-\" "
		    "are reserved for visitors", what, id);
		return;
	}
	for (i = 0; i < *n; i++)
		if (strcmp(seen[i].id, id) == 0) {
			conf_err(c, line, "%s \"%s\" collides with %s \"%s\" "
			    "at line %d: offices, bots and personas share the "
			    "component's JIDs", what, id, seen[i].what, id,
			    seen[i].line);
			return;
		}
	seen[*n].id = id;
	seen[*n].what = what;
	seen[*n].line = line;
	(*n)++;
}

/* Offices, bots and personas: one localpart each, none "v-...". */
static void
check_ids(struct conf_ctx *c)
{
	struct conf *conf = c->conf;
	struct idseen *seen;
	size_t i, nseen = 0;

	seen = xcalloc(conf->nbots + conf->noffices + conf->ncounsellors + 1,
	    sizeof(*seen));
	for (i = 0; i < conf->noffices; i++)
		check_id(c, seen, &nseen, conf->offices[i].id, "office",
		    conf->offices[i].line);
	for (i = 0; i < conf->nbots; i++)
		check_id(c, seen, &nseen, conf->bots[i].id, "bot",
		    conf->bots[i].line);
	for (i = 0; i < conf->ncounsellors; i++)
		check_id(c, seen, &nseen, conf->counsellors[i].persona,
		    "persona", conf->counsellors[i].line);
	free(seen);
}

static void
check_avatar(struct conf_ctx *c, const char *path, int line)
{
	struct stat st;
	unsigned char magic[12];
	FILE *fp;
	size_t n;

	if (path == NULL)
		return;
	if (stat(path, &st) < 0) {
		conf_err(c, line, "avatar %s: %s", path, strerror(errno));
		return;
	}
	if (!S_ISREG(st.st_mode) || st.st_size > CONF_MAX_AVATAR ||
	    st.st_size < 8) {
		conf_err(c, line, "avatar %s: expected an image file of at "
		    "most %d KiB", path, CONF_MAX_AVATAR / 1024);
		return;
	}
	if ((fp = fopen(path, "rb")) == NULL) {
		conf_err(c, line, "avatar %s: %s", path, strerror(errno));
		return;
	}
	n = fread(magic, 1, sizeof(magic), fp);
	fclose(fp);
	if (n < 8 || (memcmp(magic, "\x89PNG", 4) != 0 &&
	    memcmp(magic, "\xff\xd8\xff", 3) != 0 &&
	    memcmp(magic, "GIF8", 4) != 0 &&
	    !(n >= 12 && memcmp(magic, "RIFF", 4) == 0 &&
		memcmp(magic + 8, "WEBP", 4) == 0)))
		conf_err(c, line, "avatar %s: expected a PNG, JPEG, GIF or "
		    "WebP image", path);
}

/* Reads the secret file into conf->secret, refusing a readable one. */
static void
read_secret(struct conf_ctx *c)
{
	struct conf *conf = c->conf;
	struct stat st;
	char buf[CONF_MAX_SECRET + 2];
	ssize_t n;
	int fd;

	if (conf->secret_file == NULL)
		return;
	if ((fd = open(conf->secret_file, O_RDONLY | O_NOFOLLOW)) < 0) {
		conf_err(c, conf->server_line, "secret-file %s: %s",
		    conf->secret_file, strerror(errno));
		return;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		conf_err(c, conf->server_line, "secret-file %s: not a regular "
		    "file", conf->secret_file);
		close(fd);
		return;
	}
	if (st.st_mode & (S_IRWXG | S_IRWXO)) {
		conf_err(c, conf->server_line, "secret-file %s is readable by "
		    "group or others (mode %03o): run chmod 600 %s",
		    conf->secret_file, (unsigned)(st.st_mode & 0777),
		    conf->secret_file);
		close(fd);
		return;
	}
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n < 0) {
		conf_err(c, conf->server_line, "secret-file %s: %s",
		    conf->secret_file, strerror(errno));
		return;
	}
	buf[n] = '\0';
	while (n > 0 && isspace((unsigned char)buf[n - 1]))
		buf[--n] = '\0';
	if (n == 0 || n > CONF_MAX_SECRET) {
		conf_err(c, conf->server_line, "secret-file %s: expected one "
		    "line of 1 to %d bytes", conf->secret_file,
		    CONF_MAX_SECRET);
		explicit_bzero(buf, sizeof(buf));
		return;
	}
	conf->secret = xstrdup(buf);
	explicit_bzero(buf, sizeof(buf));
}

/* Texts per language: one per language, not empty. */
static void
check_texts(struct conf_ctx *c, const struct conf_text *v, size_t n,
    const char *what)
{
	size_t i, k;

	for (i = 0; i < n; i++) {
		if (v[i].text == NULL || v[i].text[strspn(v[i].text,
		    " \t\r\n")] == '\0')
			conf_err(c, v[i].line, "<%s lang=\"%s\">: the text is "
			    "empty", what, v[i].lang ? v[i].lang : "?");
		for (k = 0; k < i; k++)
			if (v[i].lang && v[k].lang &&
			    strcmp(v[i].lang, v[k].lang) == 0)
				conf_err(c, v[i].line, "<%s lang=\"%s\"> is "
				    "already given at line %d", what,
				    v[i].lang, v[k].line);
	}
}

/* One office: its bot, languages, hours, avatar, reminders, routing. */
static void
check_office(struct conf_ctx *c, struct conf_office *o)
{
	struct conf *conf = c->conf;
	size_t k;

	if (o->bot && conf_bot(conf, o->bot) == NULL)
		conf_err(c, o->line, "office \"%s\": bot \"%s\" is not "
		    "declared with <bot id=\"%s\">", o->id, o->bot, o->bot);
	if (o->default_lang == NULL && o->languages.n)
		o->default_lang = xstrdup(o->languages.v[0]);
	else if (o->default_lang &&
	    !strlist_has(&o->languages, o->default_lang))
		conf_err(c, o->line, "office \"%s\": default-lang \"%s\" is "
		    "not one of its languages", o->id, o->default_lang);
	for (k = 0; k < o->fallback_langs.n; k++)
		if (!strlist_has(&o->languages, o->fallback_langs.v[k]))
			conf_err(c, o->line, "office \"%s\": fallback "
			    "language \"%s\" is not one of its languages",
			    o->id, o->fallback_langs.v[k]);
	if (o->fallback_langs.n == 0 && o->default_lang)
		strlist_add(&o->fallback_langs, o->default_lang);
	for (k = 0; k < o->nhours; k++)
		if (o->hours[k].open >= o->hours[k].close)
			conf_err(c, o->hours[k].line, "<hours>: open must be "
			    "before close");
	check_avatar(c, o->avatar, o->line);
	for (k = 0; k < o->reminders.n; k++) {
		char *end;
		long m = strtol(o->reminders.v[k], &end, 10);

		if (*end || m < 1 || m > 10080)
			conf_err(c, o->line, "office \"%s\": reminders must be "
			    "minutes from 1 to 10080, not \"%s\"", o->id,
			    o->reminders.v[k]);
	}
	check_texts(c, o->names, o->nnames, "name");
	if (o->coach && strcasecmp(o->coach, "yes") != 0 &&
	    strcasecmp(o->coach, "no") != 0 && strcasecmp(o->coach, "on") != 0 &&
	    strcasecmp(o->coach, "off") != 0)
		conf_err(c, o->line, "office \"%s\": coach must be yes or no, "
		    "not \"%s\"", o->id, o->coach);
	if (o->routing && !plugin_is_routing(o->routing))
		conf_err(c, o->line, "office \"%s\": unknown routing \"%s\" "
		    "(expected ring-group, round-robin or least-busy)", o->id,
		    o->routing);
}

/* Counsellor i: unique JID, declared offices, language, video hours. */
static void
check_counsellor(struct conf_ctx *c, size_t i)
{
	struct conf *conf = c->conf;
	struct conf_counsellor *co = &conf->counsellors[i];
	size_t k;

	for (k = 0; k < i; k++)
		if (co->jid && conf->counsellors[k].jid &&
		    strcasecmp(co->jid, conf->counsellors[k].jid) == 0)
			conf_err(c, co->line, "counsellor %s is already "
			    "declared at line %d", co->jid,
			    conf->counsellors[k].line);
	for (k = 0; k < co->offices.n; k++)
		if (conf_office(conf, co->offices.v[k]) == NULL)
			conf_err(c, co->line, "counsellor %s: office \"%s\" is "
			    "not declared", co->jid ? co->jid : "?",
			    co->offices.v[k]);
	if (co->lang == NULL)
		co->lang = xstrdup(co->languages.n ? co->languages.v[0] :
		    conf->lang);
	if (co->jid && conf->domain) {
		const char *at = strchr(co->jid, '@');

		if (at && strcmp(at + 1, conf->domain) == 0)
			conf_err(c, co->line, "counsellor %s: a counsellor's "
			    "own account cannot be on the component domain",
			    co->jid);
	}
	for (k = 0; k < co->nvideo; k++)
		if (co->video[k].from + co->video[k].slot > co->video[k].to)
			conf_err(c, co->video[k].line, "<video>: from must be "
			    "at least one slot before to");
	check_avatar(c, co->avatar, co->line);
	check_texts(c, co->titles, co->ntitles, "title");
}

/* Plugin i: configured once, and its options as the plugin declares. */
static void
check_plugin(struct conf_ctx *c, size_t i)
{
	struct conf *conf = c->conf;
	struct strlist perrs = {0};
	size_t k;

	for (k = 0; k < i; k++)
		if (strcmp(conf->plugins[i].name, conf->plugins[k].name) == 0)
			conf_err(c, conf->plugins[i].line, "plugin \"%s\" is "
			    "already configured at line %d",
			    conf->plugins[i].name, conf->plugins[k].line);
	plugin_check_conf(&conf->plugins[i], &perrs);
	for (k = 0; k < perrs.n; k++)
		conf_err(c, conf->plugins[i].line, "%s", perrs.v[k]);
	strlist_free(&perrs);
}

/* The host of an smtp:// or smtps:// URL is the loopback. */
static int
url_is_loopback(const char *url)
{
	static const char *const hosts[] = {"127.0.0.1", "localhost",
	    "[::1]"};
	const char *h = strstr(url, "://");
	size_t i, n;

	if (h == NULL)
		return 0;
	h += 3;
	if (strchr(h, '@') && strchr(h, '@') < h + strcspn(h, "/"))
		return 0;	/* user@host: not in the URL, please */
	for (i = 0; i < nitems(hosts); i++) {
		n = strlen(hosts[i]);
		if (strncmp(h, hosts[i], n) == 0 && (h[n] == '\0' ||
		    h[n] == ':' || h[n] == '/'))
			return 1;
	}
	return 0;
}

/* An <smtp> relay: URL scheme, addresses, TLS, AUTH secret. */
static void
check_smtp(struct conf_ctx *c, const struct conf_smtp *m)
{
	char *secret = NULL, *why = NULL;
	size_t len;

	if (strncmp(m->url, "smtp://", 7) != 0 &&
	    strncmp(m->url, "smtps://", 8) != 0)
		conf_err(c, m->line, "<smtp>: url \"%s\" must start with "
		    "smtp:// (STARTTLS, port 587) or smtps:// (TLS, port 465)",
		    m->url);
	else if (strpbrk(m->url, " \r\n\"<>"))
		conf_err(c, m->line, "<smtp>: url \"%s\" holds a space or a "
		    "character a URL may not hold", m->url);
	if (!mail_addr_valid(m->from))
		conf_err(c, m->line, "<smtp>: from \"%s\" is not an e-mail "
		    "address (name@domain.example)", m->from);
	if (strcmp(m->tls, "required") != 0 && strcmp(m->tls, "none") != 0)
		conf_err(c, m->line, "<smtp>: tls must be \"required\" or "
		    "\"none\", not \"%s\"", m->tls);
	else if (strcmp(m->tls, "none") == 0 && !url_is_loopback(m->url))
		conf_err(c, m->line, "<smtp>: tls=\"none\" is only for a "
		    "relay on the loopback (127.0.0.1); %s would see "
		    "passwords and mail in clear", m->url);
	if (m->ca_file && access(m->ca_file, R_OK) != 0)
		conf_err(c, m->line, "<smtp>: ca-file %s: %s", m->ca_file,
		    strerror(errno));
	if ((m->user == NULL) != (m->secret_file == NULL))
		conf_err(c, m->line, "<smtp>: user and secret-file go "
		    "together (the secret file holds the user's password)");
	if (m->secret_file && c->check_secret) {
		if (secret_read_file(m->secret_file, &secret, &len, &why) !=
		    ACCUEIL_OK) {
			conf_err(c, m->line, "<smtp>: %s", why);
			free(why);
		}
		secret_free(secret);
	}
}

/* Territories: declared offices, each in one territory, two or more. */
static void
check_territory(struct conf_ctx *c, size_t i)
{
	const struct conf_territory *t = &c->conf->territories[i];
	size_t k, j, m;

	if (t->offices.n < 2)
		conf_err(c, t->line, "<territory id=\"%s\">: a territory "
		    "needs at least two offices", t->id ? t->id : "");
	for (k = 0; k < t->offices.n; k++) {
		if (conf_office(c->conf, t->offices.v[k]) == NULL) {
			conf_err(c, t->line, "<territory>: office \"%s\" is "
			    "not declared", t->offices.v[k]);
			continue;
		}
		for (j = 0; j < i; j++)
			for (m = 0; m < c->conf->territories[j].offices.n; m++)
				if (strcmp(c->conf->territories[j].offices.v[m],
				    t->offices.v[k]) == 0)
					conf_err(c, t->line, "<territory>: "
					    "office \"%s\" is already in "
					    "territory \"%s\" (line %d)",
					    t->offices.v[k],
					    c->conf->territories[j].id,
					    c->conf->territories[j].line);
	}
}

void
conf_check_semantics(struct conf_ctx *c)
{
	struct conf *conf = c->conf;
	size_t i;

	check_ids(c);
	if (conf->domain && conf->muc && strcmp(conf->domain, conf->muc) == 0)
		conf_err(c, conf->component_line, "<component>: muc must be "
		    "the server's MUC service, not the component's own "
		    "domain");
	if (conf->reconnect_min > conf->reconnect_max)
		conf_err(c, conf->server_line, "<server>: reconnect-min (%d) "
		    "is greater than reconnect-max (%d)", conf->reconnect_min,
		    conf->reconnect_max);
	if (conf->pool_min > conf->pool_max)
		conf_err(c, conf->pool_line, "<room-pool>: min (%d) is greater "
		    "than max (%d)", conf->pool_min, conf->pool_max);
	for (i = 0; i < conf->nbots; i++)
		check_avatar(c, conf->bots[i].avatar, conf->bots[i].line);
	for (i = 0; i < conf->noffices; i++)
		check_office(c, &conf->offices[i]);
	for (i = 0; i < conf->ncounsellors; i++)
		check_counsellor(c, i);
	for (i = 0; i < conf->ncanned; i++)
		if (conf->canned[i].office &&
		    conf_office(conf, conf->canned[i].office) == NULL)
			conf_err(c, conf->canned[i].line, "<canned>: office "
			    "\"%s\" is not declared", conf->canned[i].office);
	for (i = 0; i < conf->ncanned; i++) {
		char bad[40];

		if (canvars_check(conf->canned[i].text ? conf->canned[i].text :
		    "", bad, sizeof(bad)) < 0)
			conf_err(c, conf->canned[i].line, "<canned key=\"%s\">: "
			    "unknown variable {%s}; known: %s",
			    conf->canned[i].key, bad, canvars_names);
	}
	for (i = 0; i < conf->nplugins; i++)
		check_plugin(c, i);
	for (i = 0; i < conf->nplugin_files; i++) {
		size_t k;

		for (k = 0; k < conf->plugin_files[i].offices.n; k++)
			if (conf_office(conf,
			    conf->plugin_files[i].offices.v[k]) == NULL)
				conf_err(c, conf->plugin_files[i].line,
				    "<plugin-file>: office \"%s\" is not "
				    "declared", conf->plugin_files[i].offices.v[k]);
	}
	for (i = 0; i < conf->nsmtp; i++)
		check_smtp(c, &conf->smtp[i]);
	for (i = 0; i < conf->noffices; i++)
		if (conf->offices[i].nsmtp)
			check_smtp(c, &conf->offices[i].smtp[0]);
	for (i = 0; i < conf->nterritories; i++)
		check_territory(c, i);
	if (c->check_secret)
		read_secret(c);
}
