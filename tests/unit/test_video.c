/*
 * test_video.c: the video provider plugins through the plugin registry:
 * option checks at config load, secret files refused at start, and the
 * links of Jitsi (bare and with a JWT), BigBlueButton (signed create and
 * join URLs) and URL templates.
 */
#include "config.h"

#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "conf.h"
#include "error.h"
#include "jwt.h"
#include "log.h"
#include "plugin.h"
#include "tap.h"
#include "util.h"

#define ROOM	"0123456789abcdef0123456789abcdef"
#define START	1795000000	/* 2026-11-18 11:06:40 UTC */

static char tmpdir[] = "/tmp/test_video.XXXXXX";

static const struct accueil_meeting meeting = {
	.room = ROOM,
	.start = START,
	.end = START + 1800,
	.persona = "Claire",
	.visitor = "Marie Dupont-Léa",
	.office = "cahors",
};

static void
write_file(const char *name, const char *content, mode_t mode)
{
	char *path = xasprintf("%s/%s", tmpdir, name);
	FILE *fp = fopen(path, "w");

	if (fp) {
		fputs(content, fp);
		fclose(fp);
	}
	chmod(path, mode);
	free(path);
}

/* Loads a config with these <plugin> elements; NULL (and diag) if bad. */
static struct conf *
load(const char *plugins, struct conf_errors *errs)
{
	char *xml = xasprintf("<accueil>\n"
	    "<server host='127.0.0.1' secret-file='s'/>\n"
	    "<component domain='a.example' muc='m.example'/>\n"
	    "<database path='db'/>\n"
	    "<bot id='adam' name='Adam'/>\n"
	    "<office id='cahors' name='C' timezone='Europe/Paris' "
	    "languages='fr' bot='adam'/>\n%s</accueil>\n", plugins);
	struct conf *c = conf_load_buffer("t", tmpdir, xml, strlen(xml), 0,
	    errs);

	free(xml);
	return c;
}

/* Loads and starts; returns the config or NULL if either failed. */
static struct conf *
start(const char *plugins, int *started)
{
	struct conf_errors errs = {0};
	struct conf *c = load(plugins, &errs);
	size_t i;

	*started = 0;
	for (i = 0; i < errs.msgs.n; i++)
		diag("%s", errs.msgs.v[i]);
	conf_errors_free(&errs);
	if (c == NULL)
		return NULL;
	*started = plugin_start_all(c) == 0;
	return c;
}

static void
stop(struct conf *c)
{
	plugin_stop_all();
	conf_free(c);
}

/* Number of config errors for these plugins, each containing what. */
static size_t
conf_errors_with(const char *plugins, const char *what)
{
	struct conf_errors errs = {0};
	struct conf *c = load(plugins, &errs);
	size_t i, n = 0;

	for (i = 0; i < errs.msgs.n; i++)
		if (strstr(errs.msgs.v[i], what))
			n++;
		else
			diag("other error: %s", errs.msgs.v[i]);
	conf_errors_free(&errs);
	conf_free(c);
	return n;
}

static char *
unb64url(const char *s, size_t len)
{
	size_t n = len, i;
	char *std = xcalloc(n + 4, 1);
	unsigned char *out = xcalloc(n + 4, 1);
	int r;

	for (i = 0; i < n; i++)
		std[i] = s[i] == '-' ? '+' : s[i] == '_' ? '/' : s[i];
	while (n % 4)
		std[n++] = '=';
	r = EVP_DecodeBlock(out, (unsigned char *)std, (int)n);
	if (r >= 0) {
		if (std[n - 1] == '=')
			r--;
		if (std[n - 2] == '=')
			r--;
		out[r] = '\0';
	}
	free(std);
	return (char *)out;
}

static char *
hexdigest(const EVP_MD *md, const char *msg)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char d[EVP_MAX_MD_SIZE];
	unsigned int n = 0, i;
	char *out;

	EVP_Digest(msg, strlen(msg), d, &n, md, NULL);
	out = xcalloc(2 * n + 1, 1);
	for (i = 0; i < n; i++) {
		out[2 * i] = hex[d[i] >> 4];
		out[2 * i + 1] = hex[d[i] & 15];
	}
	return out;
}

static void
test_check_conf(void)
{
	is_int(conf_errors_with("<plugin name='jitsi'><option name='colour' "
	    "value='red'/></plugin>\n", "unknown option \"colour\""), 1,
	    "jitsi: an unknown option is a config error");
	is_int(conf_errors_with("<plugin name='jitsi'><option "
	    "name='token-margin' value='-1'/></plugin>\n", "token-margin"), 1,
	    "jitsi: token-margin out of bounds is a config error");
	is_int(conf_errors_with("<plugin name='jitsi'><option name='url' "
	    "value='meet.example'/></plugin>\n", "http:// or https://"), 1,
	    "jitsi: url must be http(s)");
	is_int(conf_errors_with("<plugin name='bigbluebutton'/>\n",
	    "missing required option"), 2,
	    "bigbluebutton: url and secret-file are required");
	is_int(conf_errors_with("<plugin name='url-template'><option "
	    "name='template' value='ftp://x/{room}'/></plugin>\n",
	    "http:// or https://"), 1, "url-template: template is a URL");
}

static void
test_registry(void)
{
	struct accueil_meeting m = meeting;
	struct accueil_meeting_links l;
	struct conf *c;
	int started;

	c = start("", &started);
	ok(started, "no video plugin: starts");
	ok(plugin_video_name() == NULL, "no video provider named");
	is_int(plugin_make_meeting(&m, &l), ACCUEIL_ENOTFOUND,
	    "no video provider: ENOTFOUND");
	ok(l.visitor_url == NULL && l.counsellor_url == NULL,
	    "no links without a provider");
	stop(c);

	c = start("<plugin name='jitsi'/>\n", &started);
	ok(started, "jitsi with defaults starts");
	is_str(plugin_video_name(), "jitsi", "video provider is jitsi");
	m.room = "0123456789abcdef";
	is_int(plugin_make_meeting(&m, &l), ACCUEIL_EINVAL,
	    "a 64-bit room name is refused");
	m.room = "0123456789ABCDEF0123456789ABCDEF";
	is_int(plugin_make_meeting(&m, &l), ACCUEIL_EINVAL,
	    "a room name with capitals is refused");
	m.room = ROOM;
	m.end = m.start;
	is_int(plugin_make_meeting(&m, &l), ACCUEIL_EINVAL,
	    "a meeting that ends when it starts is refused");
	m.end = START + 1800;
	m.visitor = NULL;
	is_int(plugin_make_meeting(&m, &l), ACCUEIL_EINVAL,
	    "a meeting without visitor name is refused");
	m.visitor = meeting.visitor;
	is_int(plugin_make_meeting(&m, &l), ACCUEIL_OK, "links made");
	is_str(l.visitor_url, "https://meet.jit.si/accueil-" ROOM
	    "#userInfo.displayName=%22Marie%20Dupont-L%C3%A9a%22",
	    "default server, room prefix, the visitor's name as a hint");
	is_str(l.counsellor_url, "https://meet.jit.si/accueil-" ROOM
	    "#userInfo.displayName=%22Claire%22",
	    "the counsellor's link names the persona");
	ok(l.setup_url == NULL, "no set-up link for Jitsi");
	plugin_meeting_links_free(&l);
	ok(l.visitor_url == NULL, "links freed and cleared");
	plugin_meeting_links_free(NULL);
	stop(c);
}

static void
test_jitsi_token(void)
{
	struct accueil_meeting_links l;
	struct conf *c;
	const char *key = "0123456789abcdef0123456789abcdef";
	const char *opts = "<plugin name='jitsi'>"
	    "<option name='url' value='https://meet.example/'/>"
	    "<option name='app-id' value='accueil'/>"
	    "<option name='secret-file' value='jitsi.key'/>"
	    "<option name='room-prefix' value='ot-'/>"
	    "</plugin>\n";
	char *tok, *dot1, *dot2, *payload, *want, *sig;
	unsigned char mac[EVP_MAX_MD_SIZE];
	unsigned int maclen = 0;
	int started;

	write_file("jitsi.key", "0123456789abcdef0123456789abcdef\n", 0600);
	c = start(opts, &started);
	ok(started, "jitsi with a 0600 secret file (relative path) starts");
	if (!started) {
		stop(c);
		return;
	}
	is_int(plugin_make_meeting(&meeting, &l), ACCUEIL_OK,
	    "links with tokens made");
	ok(l.visitor_url && strncmp(l.visitor_url, "https://meet.example/ot-"
	    ROOM "?jwt=", 24 + 32 + 5) == 0,
	    "visitor link: base without the trailing slash, room, ?jwt=");
	tok = l.visitor_url ? strstr(l.visitor_url, "?jwt=") : NULL;
	if (tok == NULL) {
		plugin_meeting_links_free(&l);
		stop(c);
		return;
	}
	tok += 5;
	dot1 = strchr(tok, '.');
	dot2 = dot1 ? strchr(dot1 + 1, '.') : NULL;
	ok(dot1 && dot2, "a three-part token");
	if (dot1 && dot2) {
		payload = unb64url(dot1 + 1, (size_t)(dot2 - dot1 - 1));
		want = xasprintf("{\"iss\":\"accueil\",\"aud\":\"accueil\","
		    "\"sub\":\"meet.example\",\"room\":\"ot-" ROOM "\","
		    "\"nbf\":%d,\"exp\":%d,\"context\":{\"user\":{\"name\":"
		    "\"Marie Dupont-Léa\"}}}", START - 1800, START + 3600);
		is_str(payload, want, "claims: iss, aud, sub, room, nbf and "
		    "exp with 30 min margins, context.user.name");
		free(want);
		free(payload);
		HMAC(EVP_sha256(), key, (int)strlen(key),
		    (unsigned char *)tok, (size_t)(dot2 - tok), mac, &maclen);
		sig = jwt_base64url(mac, maclen);
		is_str(dot2 + 1, sig, "signed with the file's secret");
		free(sig);
	}
	tok = l.counsellor_url ? strstr(l.counsellor_url, "?jwt=") : NULL;
	dot1 = tok ? strchr(tok, '.') : NULL;
	dot2 = dot1 ? strchr(dot1 + 1, '.') : NULL;
	if (dot1 && dot2) {
		payload = unb64url(dot1 + 1, (size_t)(dot2 - dot1 - 1));
		ok(strstr(payload, "\"context\":{\"user\":{\"name\":"
		    "\"Claire\"}}") != NULL, "the counsellor's token names "
		    "the persona");
		free(payload);
	} else
		ok(0, "the counsellor's link has a token");
	plugin_meeting_links_free(&l);
	stop(c);

	write_file("jitsi.key", "0123456789abcdef0123456789abcdef\n", 0640);
	c = start(opts, &started);
	ok(c != NULL && !started,
	    "a group-readable secret file stops the start");
	stop(c);
	write_file("jitsi.key", "0123456789abcdef0123456789abcdef\n", 0604);
	c = start(opts, &started);
	ok(c != NULL && !started,
	    "a world-readable secret file stops the start");
	stop(c);
	c = start("<plugin name='jitsi'><option name='secret-file' "
	    "value='/nonexistent/jitsi.key'/><option name='app-id' "
	    "value='a'/></plugin>\n", &started);
	ok(c != NULL && !started, "a missing secret file stops the start");
	stop(c);
	write_file("jitsi.key", "0123456789abcdef0123456789abcdef\n", 0600);
	c = start("<plugin name='jitsi'><option name='secret-file' "
	    "value='jitsi.key'/></plugin>\n", &started);
	ok(c != NULL && !started, "a secret file without app-id stops the "
	    "start");
	stop(c);
	c = start("<plugin name='jitsi'><option name='room-prefix' "
	    "value='Bad Prefix'/></plugin>\n", &started);
	ok(c != NULL && !started, "a room prefix with spaces stops the start");
	stop(c);
}

static void
test_bbb(void)
{
	const char *secret = "ECCJZNJWLPEA3YB6Y2LTQGQD3GJZ3F93";
	const char *base = "https://bbb.example/bigbluebutton/api/";
	struct accueil_meeting_links l;
	struct accueil_meeting m = meeting;
	struct conf *c;
	char *query, *want, *sum;
	int started;

	write_file("bbb.key", "ECCJZNJWLPEA3YB6Y2LTQGQD3GJZ3F93\n", 0600);
	c = start("<plugin name='bigbluebutton'>"
	    "<option name='url' value='https://bbb.example/bigbluebutton/api'/>"
	    "<option name='secret-file' value='bbb.key'/>"
	    "<option name='checksum' value='sha1'/>"
	    "</plugin>\n", &started);
	ok(started, "bigbluebutton starts");
	m.title = "Office de tourisme & Cahors";
	is_int(plugin_make_meeting(&m, &l), ACCUEIL_OK, "BBB links made");

	query = xasprintf("name=Office%%20de%%20tourisme%%20%%26%%20Cahors&"
	    "meetingID=accueil-" ROOM "&record=false&"
	    "meetingExpireIfNoUserJoinedInMinutes=15");
	want = xasprintf("create%s%s", query, secret);
	sum = hexdigest(EVP_sha1(), want);
	free(want);
	want = xasprintf("%screate?%s&checksum=%s", base, query, sum);
	is_str(l.setup_url, want, "set-up link: the signed create call "
	    "(sha1 of callName + query + secret)");
	free(want);
	free(sum);
	free(query);

	query = xasprintf("fullName=Claire&meetingID=accueil-" ROOM
	    "&role=MODERATOR");
	want = xasprintf("join%s%s", query, secret);
	sum = hexdigest(EVP_sha1(), want);
	free(want);
	want = xasprintf("%sjoin?%s&checksum=%s", base, query, sum);
	is_str(l.counsellor_url, want, "counsellor: signed join, role "
	    "MODERATOR, persona name");
	free(want);
	free(sum);
	free(query);

	query = xasprintf("fullName=Marie%%20Dupont-L%%C3%%A9a&meetingID="
	    "accueil-" ROOM "&role=VIEWER");
	want = xasprintf("join%s%s", query, secret);
	sum = hexdigest(EVP_sha1(), want);
	free(want);
	want = xasprintf("%sjoin?%s&checksum=%s", base, query, sum);
	is_str(l.visitor_url, want, "visitor: signed join, role VIEWER");
	free(want);
	free(sum);
	free(query);
	plugin_meeting_links_free(&l);
	stop(c);

	c = start("<plugin name='bigbluebutton'>"
	    "<option name='url' "
	    "value='https://bbb.example/bigbluebutton/api/'/>"
	    "<option name='secret-file' value='bbb.key'/>"
	    "<option name='empty-timeout' value='60'/>"
	    "</plugin>\n", &started);
	ok(started, "bigbluebutton with sha256 (default) starts");
	if (started && plugin_make_meeting(&meeting, &l) == ACCUEIL_OK) {
		const char *cs = strstr(l.visitor_url, "&checksum=");

		ok(cs && strlen(cs + 10) == 64, "sha256: 64 hex digits");
		ok(strstr(l.setup_url, "create?name=cahors&") &&
		    strstr(l.setup_url,
		    "&meetingExpireIfNoUserJoinedInMinutes=60&"),
		    "office id as name without title; empty-timeout passed");
		plugin_meeting_links_free(&l);
	} else
		ok(0, "sha256 links");
	stop(c);

	c = start("<plugin name='bigbluebutton'>"
	    "<option name='url' value='https://bbb.example/bigbluebutton/api'/>"
	    "<option name='secret-file' value='bbb.key'/>"
	    "<option name='checksum' value='md5'/></plugin>\n", &started);
	ok(c != NULL && !started, "checksum md5 stops the start");
	stop(c);
	c = start("<plugin name='bigbluebutton'>"
	    "<option name='url' value='https://bbb.example/'/>"
	    "<option name='secret-file' value='bbb.key'/></plugin>\n",
	    &started);
	ok(c != NULL && !started, "a URL that is not the API stops the start");
	stop(c);
	write_file("bbb.key", "ECCJZNJWLPEA3YB6Y2LTQGQD3GJZ3F93\n", 0644);
	c = start("<plugin name='bigbluebutton'>"
	    "<option name='url' value='https://bbb.example/bigbluebutton/api'/>"
	    "<option name='secret-file' value='bbb.key'/></plugin>\n",
	    &started);
	ok(c != NULL && !started, "a 0644 secret file stops the start");
	stop(c);
	write_file("bbb.key", "\n", 0600);
	c = start("<plugin name='bigbluebutton'>"
	    "<option name='url' value='https://bbb.example/bigbluebutton/api'/>"
	    "<option name='secret-file' value='bbb.key'/></plugin>\n",
	    &started);
	ok(c != NULL && !started, "an empty secret file stops the start");
	stop(c);
}

static void
test_template(void)
{
	struct accueil_meeting_links l;
	struct conf *c;
	int started;

	c = start("<plugin name='url-template'><option name='template' "
	    "value='https://visio.example/r/{room}?n={name}&amp;s={start}"
	    "&amp;e={end}&amp;o={office}&amp;p={persona}'/></plugin>\n",
	    &started);
	ok(started, "url-template starts");
	is_int(plugin_make_meeting(&meeting, &l), ACCUEIL_OK,
	    "template links made");
	is_str(l.visitor_url, "https://visio.example/r/" ROOM
	    "?n=Marie%20Dupont-L%C3%A9a&s=20261118T110640Z"
	    "&e=20261118T113640Z&o=cahors&p=Claire",
	    "visitor link: placeholders replaced, percent-encoded");
	is_str(l.counsellor_url, "https://visio.example/r/" ROOM
	    "?n=Claire&s=20261118T110640Z&e=20261118T113640Z&o=cahors"
	    "&p=Claire", "counsellor link: {name} is the persona");
	ok(l.setup_url == NULL, "no set-up link");
	plugin_meeting_links_free(&l);
	stop(c);

	c = start("<plugin name='url-template'><option name='template' "
	    "value='https://visio.example/fixed?p={persona}'/></plugin>\n",
	    &started);
	ok(c != NULL && !started, "a template without {room} stops the start");
	stop(c);
	c = start("<plugin name='url-template'><option name='template' "
	    "value='https://visio.example/{room}/{visitor_email}'/>"
	    "</plugin>\n", &started);
	ok(c != NULL && !started,
	    "an unknown placeholder stops the start");
	stop(c);
}

int
main(void)
{
	log_init(1, LOG_LEVEL_ERROR);
	if (mkdtemp(tmpdir) == NULL) {
		ok(0, "temporary directory");
		return tap_done();
	}
	test_check_conf();
	test_registry();
	test_jitsi_token();
	test_bbb();
	test_template();
	{
		char *cmd = xasprintf("rm -rf '%s'", tmpdir);

		if (system(cmd) != 0)
			diag("could not remove %s", tmpdir);
		free(cmd);
	}
	return tap_done();
}
