/*
 * persona.c: vCards and avatars.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/sha.h>

#include "app.h"
#include "conf.h"
#include "log.h"
#include "persona.h"
#include "router.h"
#include "stanza.h"
#include "util.h"

struct avatar {
	char *local;	/* localpart of the JID it belongs to */
	char *type;	/* MIME type */
	char *b64;
	char sha1[2 * SHA_DIGEST_LENGTH + 1];
};

static struct avatar *avatars;
static size_t navatars;

static const char *
mime_type(const unsigned char *d, size_t n)
{
	if (n >= 4 && memcmp(d, "\x89PNG", 4) == 0)
		return "image/png";
	if (n >= 3 && memcmp(d, "\xff\xd8\xff", 3) == 0)
		return "image/jpeg";
	if (n >= 4 && memcmp(d, "GIF8", 4) == 0)
		return "image/gif";
	if (n >= 12 && memcmp(d + 8, "WEBP", 4) == 0)
		return "image/webp";
	return "application/octet-stream";
}

static void
load_avatar(struct app *app, const char *local, const char *path)
{
	unsigned char digest[SHA_DIGEST_LENGTH], *data = NULL;
	struct avatar *a;
	size_t len = 0, i;
	char *b64;
	FILE *fp;
	long n;

	if (path == NULL)
		return;
	if ((fp = fopen(path, "rb")) == NULL) {
		log_warn("avatar %s", path);
		return;
	}
	if (fseek(fp, 0, SEEK_END) == 0 && (n = ftell(fp)) > 0 &&
	    n <= 64 * 1024) {
		rewind(fp);
		data = xcalloc(1, (size_t)n);
		len = fread(data, 1, (size_t)n, fp);
	}
	fclose(fp);
	if (data == NULL || len == 0) {
		log_warnx("avatar %s: unreadable or too large", path);
		free(data);
		return;
	}
	SHA1(data, len, digest);
	b64 = xmpp_base64_encode(app->ctx, data, len);
	avatars = xreallocarray(avatars, navatars + 1, sizeof(*avatars));
	a = &avatars[navatars++];
	a->local = xstrdup(local);
	a->type = xstrdup(mime_type(data, len));
	a->b64 = xstrdup(b64);
	xmpp_free(app->ctx, b64);
	for (i = 0; i < SHA_DIGEST_LENGTH; i++)
		snprintf(a->sha1 + 2 * i, 3, "%02x", digest[i]);
	free(data);
}

void
persona_free_all(void)
{
	size_t i;

	for (i = 0; i < navatars; i++) {
		free(avatars[i].local);
		free(avatars[i].type);
		free(avatars[i].b64);
	}
	free(avatars);
	avatars = NULL;
	navatars = 0;
}

void
persona_reload(struct app *app)
{
	const struct conf *c = app->conf;
	size_t i;

	persona_free_all();
	for (i = 0; i < c->noffices; i++)
		load_avatar(app, c->offices[i].id, c->offices[i].avatar);
	for (i = 0; i < c->nbots; i++)
		load_avatar(app, c->bots[i].id, c->bots[i].avatar);
	for (i = 0; i < c->ncounsellors; i++)
		load_avatar(app, c->counsellors[i].persona,
		    c->counsellors[i].avatar);
}

static const struct avatar *
find_avatar(const char *local)
{
	size_t i;

	for (i = 0; local && i < navatars; i++)
		if (strcmp(avatars[i].local, local) == 0)
			return &avatars[i];
	return NULL;
}

const char *
persona_photo_hash(const char *local)
{
	const struct avatar *a = find_avatar(local);

	return a ? a->sha1 : NULL;
}

void
persona_add_photo(xmpp_stanza_t *presence, const char *local)
{
	const struct avatar *a = find_avatar(local);
	xmpp_stanza_t *x = stanza_add(presence, "x", NS_VCARD_UPDATE);

	/* an empty <photo/> says "no avatar"; clients then stop asking */
	if (a)
		stanza_add_text(x, "photo", a->sha1);
	else
		stanza_add(x, "photo", NULL);
}

static int
vcard(struct app *app, xmpp_stanza_t *iq, const struct route *r)
{
	xmpp_stanza_t *res = stanza_iq_result(app, iq);
	xmpp_stanza_t *v = stanza_add(res, "vCard", NS_VCARD);
	const struct avatar *a = find_avatar(r->local);
	const char *fn = NULL, *title = NULL, *desc = NULL, *role = NULL;
	/* the reader's language: the stanza's (servers stamp the stream's) */
	const char *lang = stanza_lang(iq);
	char *note = NULL;

	switch (r->kind) {
	case ROUTE_OFFICE:
		fn = conf_office_name(r->office, lang, r->office->name);
		desc = r->office->contact;
		role = "desk";
		break;
	case ROUTE_BOT:
		fn = r->bot->name;
		title = r->bot->title;
		role = "bot";
		/* a bot says it is a bot, also in its vCard */
		note = xasprintf("Assistant automatique (robot) / automatic "
		    "assistant (robot)");
		break;
	case ROUTE_PERSONA:
		fn = r->counsellor->name;
		title = conf_title(r->counsellor, lang);
		role = "counsellor";
		break;
	default:
		xmpp_stanza_release(res);
		return ROUTE_PASS;
	}
	stanza_add_text(v, "FN", fn);
	stanza_add_text(v, "NICKNAME", fn);
	if (title)
		stanza_add_text(v, "TITLE", title);
	/* machine-readable: the widget marks "bot" as a robot */
	stanza_add_text(v, "ROLE", role);
	if (note)
		stanza_add_text(v, "DESC", note);
	else if (desc)
		stanza_add_text(v, "DESC", desc);
	if (a) {
		xmpp_stanza_t *photo = stanza_add(v, "PHOTO", NULL);

		stanza_add_text(photo, "TYPE", a->type);
		stanza_add_text(photo, "BINVAL", a->b64);
	}
	free(note);
	stanza_send(app, res);
	return ROUTE_HANDLED;
}

int
persona_route(struct app *app, xmpp_stanza_t *st, const struct route *r)
{
	const char *type = xmpp_stanza_get_type(st);

	if (strcmp(xmpp_stanza_get_name(st), "iq") != 0 ||
	    stanza_child(st, "vCard", NS_VCARD) == NULL)
		return ROUTE_PASS;
	if (r->kind != ROUTE_OFFICE && r->kind != ROUTE_BOT &&
	    r->kind != ROUTE_PERSONA)
		return ROUTE_PASS;
	if (type && strcmp(type, "set") == 0) {
		stanza_send_error(app, st, "auth", "forbidden",
		    "This vCard is managed in accueil.conf.xml.");
		return ROUTE_HANDLED;
	}
	if (type == NULL || strcmp(type, "get") != 0)
		return ROUTE_PASS;
	return vcard(app, st, r);
}
