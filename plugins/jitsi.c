/*
 * jitsi.c: video meetings on Jitsi Meet.
 *
 * The room is <room-prefix><128-bit random hex> on the server at url. With
 * a secret-file, both links carry an HS256 JWT for that room (the token
 * authentication of a self-hosted Jitsi: iss and aud are app-id, sub is the
 * server's host name, nbf/exp frame the meeting with token-margin minutes
 * on each side) naming the visitor or the counsellor's persona in
 * context.user.name. Without one, the links are the bare room URL plus a
 * #userInfo.displayName hint that Jitsi Meet's web client uses to fill in
 * the name. Only the host table is used; memory comes from libc.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "component/jwt.h"
#include "component/plugin.h"
#include "plugins/video_common.h"

struct jitsi {
	const struct accueil_host *host;
	char *base;		/* url without trailing '/' */
	char *sub;		/* host name of url */
	char *prefix;
	char *app_id;
	char *secret;		/* NULL: no token */
	size_t secretlen;
	long margin;		/* seconds */
};

static void
jitsi_fini(void *state)
{
	struct jitsi *j = state;

	if (j == NULL)
		return;
	if (j->secret)
		j->host->secret_free(j->secret);
	free(j->base);
	free(j->sub);
	free(j->prefix);
	free(j->app_id);
	free(j);
}

/* The host name of an http(s) URL: between "//" and '/', ':', '?', '#'. */
static char *
url_host(const char *url)
{
	const char *p = strstr(url, "://"), *e;

	if (p == NULL)
		return NULL;
	p += 3;
	e = p + strcspn(p, "/:?#");
	if (e == p)
		return NULL;
	return strndup(p, (size_t)(e - p));
}

static int
jitsi_init(const struct accueil_host *host, const void *opts, void **state)
{
	struct jitsi *j;
	const char *url = host->option(opts, "url");
	const char *prefix = host->option(opts, "room-prefix");
	const char *app_id = host->option(opts, "app-id");
	const char *secret_file = host->option(opts, "secret-file");
	size_t n;

	*state = NULL;
	if ((j = calloc(1, sizeof(*j))) == NULL) {
		host->log_warnx("jitsi: out of memory");
		return -1;
	}
	j->host = host;
	j->margin = host->option_int(opts, "token-margin") * 60;
	if (strpbrk(url, "?#") != NULL) {
		host->log_warnx("jitsi: url %s: give the server's base URL, "
		    "without query or fragment", url);
		goto fail;
	}
	if (!video_prefix_valid(prefix)) {
		host->log_warnx("jitsi: room-prefix \"%s\": up to 32 of "
		    "a-z, 0-9, '-' and '_'", prefix);
		goto fail;
	}
	if ((j->base = strdup(url)) == NULL ||
	    (j->prefix = strdup(prefix)) == NULL ||
	    (j->app_id = strdup(app_id)) == NULL ||
	    (j->sub = url_host(url)) == NULL) {
		host->log_warnx("jitsi: url %s: no host name, or out of "
		    "memory", url);
		goto fail;
	}
	n = strlen(j->base);
	while (n > 0 && j->base[n - 1] == '/')
		j->base[--n] = '\0';

	if (*secret_file != '\0') {
		if (*app_id == '\0') {
			host->log_warnx("jitsi: secret-file is set but app-id "
			    "is empty: Jitsi checks the token's iss and aud "
			    "against its app_id");
			goto fail;
		}
		if (host->secret_file(opts, "secret-file", &j->secret,
		    &j->secretlen) < 0)
			goto fail;
		if (j->secretlen < 32)
			host->log_warnx("jitsi: the secret is %zu bytes; HS256 "
			    "wants 32 or more (RFC 7518)", j->secretlen);
	}
	host->log_info("jitsi: meetings on %s%s", j->base,
	    j->secret ? " with signed tokens" : "");
	*state = j;
	return 0;

fail:
	jitsi_fini(j);
	return -1;
}

/* Returns s as a JSON string, percent-encoded (for the URL fragment). */
static char *
json_hint(const struct accueil_host *host, const char *s)
{
	char *json, *o, *enc;
	const unsigned char *p;

	if ((json = malloc(6 * strlen(s) + 3)) == NULL)
		return NULL;
	o = json;
	*o++ = '"';
	for (p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\') {
			*o++ = '\\';
			*o++ = (char)*p;
		} else if (*p < 0x20)
			o += sprintf(o, "\\u%04x", *p);
		else
			*o++ = (char)*p;
	}
	*o++ = '"';
	*o = '\0';
	enc = host->url_encode(json);
	free(json);
	return enc;
}

/* The URL for one participant; NULL on failure (logged). */
static char *
participant_url(struct jitsi *j, const char *room, const char *eroom,
    const struct accueil_meeting *m, const char *name)
{
	struct jwt_claim claims[] = {
		{"iss", JWT_STRING, j->app_id, 0},
		{"aud", JWT_STRING, j->app_id, 0},
		{"sub", JWT_STRING, j->sub, 0},
		{"room", JWT_STRING, room, 0},
		{"nbf", JWT_INT, NULL, (long long)m->start - j->margin},
		{"exp", JWT_INT, NULL, (long long)m->end + j->margin},
	};
	char *token = NULL, *hint, *url = NULL;

	if (j->secret) {
		if (j->host->jwt_hs256(claims, sizeof(claims) /
		    sizeof(claims[0]), name, j->secret, j->secretlen,
		    &token) != 0) {
			j->host->log_warnx("jitsi: cannot sign a token (is "
			    "the name valid UTF-8?)");
			return NULL;
		}
		if (asprintf(&url, "%s/%s?jwt=%s", j->base, eroom, token) < 0)
			url = NULL;
		free(token);
	} else {
		if ((hint = json_hint(j->host, name)) == NULL)
			return NULL;
		if (asprintf(&url, "%s/%s#userInfo.displayName=%s", j->base,
		    eroom, hint) < 0)
			url = NULL;
		free(hint);
	}
	return url;
}

static int
jitsi_make_meeting(void *state, const struct accueil_meeting *m,
    struct accueil_meeting_links *links)
{
	struct jitsi *j = state;
	char *room = NULL, *eroom = NULL;
	int r = -1;

	if (asprintf(&room, "%s%s", j->prefix, m->room) < 0) {
		room = NULL;
		goto done;
	}
	if ((eroom = j->host->url_encode(room)) == NULL)
		goto done;
	if ((links->visitor_url = participant_url(j, room, eroom, m,
	    m->visitor)) == NULL ||
	    (links->counsellor_url = participant_url(j, room, eroom, m,
	    m->persona)) == NULL)
		goto done;
	r = 0;

done:
	if (r < 0) {
		free(links->visitor_url);
		links->visitor_url = NULL;
	}
	free(eroom);
	free(room);
	return r;
}

static const struct accueil_plugin_option jitsi_options[] = {
	{"url", ACCUEIL_OPT_URL, 0, 0, "https://meet.jit.si",
	    "base URL of the Jitsi Meet server"},
	{"room-prefix", ACCUEIL_OPT_STRING, 0, 0, "accueil-",
	    "put before the random room name (a-z, 0-9, - and _)"},
	{"app-id", ACCUEIL_OPT_STRING, 0, 0, "",
	    "the server's app_id (token iss and aud); needed with secret-file"},
	{"secret-file", ACCUEIL_OPT_SECRET_FILE, 0, 0, "",
	    "file with the server's app_secret: links then carry a JWT"},
	{"token-margin", ACCUEIL_OPT_INT, 0, 1440, "30",
	    "minutes a token is valid before the start and after the end"},
	{NULL, 0, 0, 0, NULL, NULL},
};

static const struct accueil_video_ops jitsi_ops = {
	.make_meeting = jitsi_make_meeting,
};

const struct accueil_plugin accueil_plugin_jitsi = {
	.name = "jitsi",
	.abi = ACCUEIL_PLUGIN_ABI,
	.kind = ACCUEIL_PLUGIN_VIDEO,
	.doc = "video meetings on Jitsi Meet, with optional JWT",
	.options = jitsi_options,
	.init = jitsi_init,
	.fini = jitsi_fini,
	.ops.video = &jitsi_ops,
};
