/*
 * bigbluebutton.c: video meetings on BigBlueButton (2.5 or later).
 *
 * BigBlueButton's API calls are URLs signed with the server's shared
 * secret: checksum = hex(hash(callName + queryString + secret)), sha1 or
 * sha256. A meeting must be created (the "create" call) before anyone can
 * join it, and an empty meeting is ended by the server after
 * meetingExpireIfNoUserJoinedInMinutes. accueil has no HTTP client, so it
 * cannot make that call itself: it hands the counsellor the signed create
 * URL as setup_url (opening it answers with a short XML document; calling
 * it again is harmless, create is idempotent), then the counsellor's join
 * URL (role MODERATOR) and the visitor's (role VIEWER). Until the
 * counsellor has opened the set-up link, the visitor's link fails with
 * BigBlueButton's "meeting not found" error. Only the host table and
 * OpenSSL's digests are used; memory comes from libc.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "component/plugin.h"
#include "plugins/video_common.h"

struct bbb {
	const struct accueil_host *host;
	char *base;		/* API base, ending in '/' */
	char *prefix;
	const EVP_MD *md;
	char *secret;
	size_t secretlen;
	long empty_timeout;	/* minutes */
};

static void
bbb_fini(void *state)
{
	struct bbb *b = state;

	if (b == NULL)
		return;
	if (b->secret)
		b->host->secret_free(b->secret);
	free(b->base);
	free(b->prefix);
	free(b);
}

static int
bbb_init(const struct accueil_host *host, const void *opts, void **state)
{
	struct bbb *b;
	const char *url = host->option(opts, "url");
	const char *checksum = host->option(opts, "checksum");
	const char *prefix = host->option(opts, "room-prefix");
	size_t n = strlen(url);

	*state = NULL;
	if ((b = calloc(1, sizeof(*b))) == NULL) {
		host->log_warnx("bigbluebutton: out of memory");
		return -1;
	}
	b->host = host;
	b->empty_timeout = host->option_int(opts, "empty-timeout");
	if (strcmp(checksum, "sha1") == 0)
		b->md = EVP_sha1();
	else if (strcmp(checksum, "sha256") == 0)
		b->md = EVP_sha256();
	else {
		host->log_warnx("bigbluebutton: checksum \"%s\": expected "
		    "sha1 or sha256", checksum);
		goto fail;
	}
	if (!video_prefix_valid(prefix)) {
		host->log_warnx("bigbluebutton: room-prefix \"%s\": up to 32 "
		    "of a-z, 0-9, '-' and '_'", prefix);
		goto fail;
	}
	if (strpbrk(url, "?#") != NULL || n < 5 ||
	    (strcmp(url + n - 5, "/api/") != 0 &&
	    strcmp(url + n - 4, "/api") != 0)) {
		host->log_warnx("bigbluebutton: url %s: expected the API base, "
		    "ending in /bigbluebutton/api/", url);
		goto fail;
	}
	if (asprintf(&b->base, "%s%s", url, url[n - 1] == '/' ? "" : "/") <
	    0) {
		b->base = NULL;
		host->log_warnx("bigbluebutton: out of memory");
		goto fail;
	}
	if ((b->prefix = strdup(prefix)) == NULL) {
		host->log_warnx("bigbluebutton: out of memory");
		goto fail;
	}
	if (host->secret_file(opts, "secret-file", &b->secret,
	    &b->secretlen) < 0)
		goto fail;
	host->log_info("bigbluebutton: meetings on %s (%s checksums)",
	    b->base, checksum);
	*state = b;
	return 0;

fail:
	bbb_fini(b);
	return -1;
}

/* Returns base + call + "?" + query + "&checksum=" + hex; NULL on error. */
static char *
signed_url(struct bbb *b, const char *call, const char *query)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char md[EVP_MAX_MD_SIZE];
	char sum[2 * EVP_MAX_MD_SIZE + 1], *msg, *url;
	unsigned int mdlen = 0, i;
	size_t msglen;
	int ok;

	msglen = strlen(call) + strlen(query) + b->secretlen;
	if ((msg = malloc(msglen + 1)) == NULL)
		return NULL;
	snprintf(msg, msglen + 1, "%s%s%s", call, query, b->secret);
	ok = EVP_Digest(msg, msglen, md, &mdlen, b->md, NULL);
	explicit_bzero(msg, msglen);
	free(msg);
	if (!ok)
		return NULL;
	for (i = 0; i < mdlen; i++) {
		sum[2 * i] = hex[md[i] >> 4];
		sum[2 * i + 1] = hex[md[i] & 15];
	}
	sum[2 * mdlen] = '\0';
	if (asprintf(&url, "%s%s?%s&checksum=%s", b->base, call, query,
	    sum) < 0)
		return NULL;
	return url;
}

static char *
join_url(struct bbb *b, const char *eid, const char *name, const char *role)
{
	char *ename, *query, *url;

	if ((ename = b->host->url_encode(name)) == NULL)
		return NULL;
	if (asprintf(&query, "fullName=%s&meetingID=%s&role=%s", ename, eid,
	    role) < 0) {
		free(ename);
		return NULL;
	}
	free(ename);
	url = signed_url(b, "join", query);
	free(query);
	return url;
}

static int
bbb_make_meeting(void *state, const struct accueil_meeting *m,
    struct accueil_meeting_links *links)
{
	struct bbb *b = state;
	char *id = NULL, *eid = NULL, *ename = NULL, *query = NULL;
	int r = -1;

	if (asprintf(&id, "%s%s", b->prefix, m->room) < 0) {
		id = NULL;
		goto done;
	}
	if ((eid = b->host->url_encode(id)) == NULL ||
	    (ename = b->host->url_encode(m->title ? m->title :
	    m->office)) == NULL)
		goto done;
	if (asprintf(&query, "name=%s&meetingID=%s&record=false&"
	    "meetingExpireIfNoUserJoinedInMinutes=%ld", ename, eid,
	    b->empty_timeout) < 0) {
		query = NULL;
		goto done;
	}
	if ((links->setup_url = signed_url(b, "create", query)) == NULL ||
	    (links->counsellor_url = join_url(b, eid, m->persona,
	    "MODERATOR")) == NULL ||
	    (links->visitor_url = join_url(b, eid, m->visitor,
	    "VIEWER")) == NULL)
		goto done;
	r = 0;

done:
	if (r < 0) {
		b->host->log_warnx("bigbluebutton: cannot sign the meeting's "
		    "URLs");
		free(links->setup_url);
		free(links->counsellor_url);
		links->setup_url = links->counsellor_url = NULL;
	}
	free(query);
	free(ename);
	free(eid);
	free(id);
	return r;
}

static const struct accueil_plugin_option bbb_options[] = {
	{"url", ACCUEIL_OPT_URL, 0, 0, NULL,
	    "API base URL, ending in /bigbluebutton/api/"},
	{"secret-file", ACCUEIL_OPT_SECRET_FILE, 0, 0, NULL,
	    "file with the server's shared secret (bbb-conf --secret)"},
	{"checksum", ACCUEIL_OPT_STRING, 0, 0, "sha256",
	    "checksum algorithm: sha1 or sha256"},
	{"room-prefix", ACCUEIL_OPT_STRING, 0, 0, "accueil-",
	    "put before the random meeting ID (a-z, 0-9, - and _)"},
	{"empty-timeout", ACCUEIL_OPT_INT, 1, 1440, "15",
	    "minutes a created meeting waits for its first participant"},
	{NULL, 0, 0, 0, NULL, NULL},
};

static const struct accueil_video_ops bbb_ops = {
	.make_meeting = bbb_make_meeting,
};

const struct accueil_plugin accueil_plugin_bigbluebutton = {
	.name = "bigbluebutton",
	.abi = ACCUEIL_PLUGIN_ABI,
	.kind = ACCUEIL_PLUGIN_VIDEO,
	.doc = "video meetings on BigBlueButton (signed API URLs)",
	.options = bbb_options,
	.init = bbb_init,
	.fini = bbb_fini,
	.ops.video = &bbb_ops,
};
