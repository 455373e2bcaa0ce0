/*
 * test_text.c: safe text. Repair of ill-formed UTF-8 and of characters XML
 * forbids, cuts at character boundaries with an ellipsis, catalog_aformat,
 * and the guard link_send applies to every stanza before the socket.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <strophe.h>

#include "catalog.h"
#include "link.h"
#include "log.h"
#include "tap.h"
#include "text.h"
#include "util.h"

#define FFFD "\xef\xbf\xbd"
#define EMOJI "\xf0\x9f\x98\x80" /* U+1F600, 4 bytes */
#define ELL TEXT_ELLIPSIS

/* Hex of s for diagnostics (static buffer; TAP lines stay printable). */
static const char *
hex(const char *s)
{
	static char buf[512];
	size_t i, o = 0;

	if (s == NULL)
		return "(null)";
	for (i = 0; s[i] && o + 4 < sizeof(buf); i++)
		o += (size_t)snprintf(
		    buf + o, sizeof(buf) - o, "%02x ", (unsigned char)s[i]);
	buf[o] = '\0';
	return buf;
}

static void
is_bytes(const char *got, const char *want, const char *what)
{
	int eq = got && want && strcmp(got, want) == 0;

	ok(eq, "%s", what);
	if (!eq) {
		diag("got      %s", hex(got));
		diag("expected %s", hex(want));
	}
}

/* text_clean with no limit gives want; both checks agree with it. */
static void
clean_is(const char *in, const char *want, const char *what)
{
	char *got = text_clean(in, 0, NULL);
	int same = strcmp(in, want) == 0;

	is_bytes(got, want, what);
	ok(text_valid(got), "%s: result is text_valid", what);
	ok(text_valid(in) == same, "%s: text_valid(input) is %d", what, same);
	free(got);
}

static void
test_utf8_valid(void)
{
	ok(utf8_valid(""), "utf8_valid: empty");
	ok(utf8_valid("caf\xc3\xa9 " EMOJI), "utf8_valid: é and an emoji");
	ok(utf8_valid("\x01\r\xc2\x85"), "utf8_valid: controls are UTF-8");
	ok(utf8_valid("\xef\xbf\xbf"), "utf8_valid: U+FFFF is UTF-8");
	ok(!utf8_valid("\x80"), "utf8_valid: lone continuation");
	ok(!utf8_valid("\xc0\xaf"), "utf8_valid: overlong");
	ok(!utf8_valid("\xe0\x9f\xbf"), "utf8_valid: overlong 3 bytes");
	ok(!utf8_valid("\xed\xa0\x80"), "utf8_valid: surrogate");
	ok(!utf8_valid("\xf4\x90\x80\x80"), "utf8_valid: above U+10FFFF");
	ok(!utf8_valid("a\xf0\x9f\x98"), "utf8_valid: truncated");
	ok(utf8_valid("\xf4\x8f\xbf\xbf"), "utf8_valid: U+10FFFF");
}

static void
test_repair(void)
{
	clean_is("Bonjour, caf\xc3\xa9 " EMOJI " \xe4\xbd\xa0\xe5\xa5\xbd",
	    "Bonjour, caf\xc3\xa9 " EMOJI " \xe4\xbd\xa0\xe5\xa5\xbd",
	    "valid text unchanged");
	clean_is("", "", "empty");
	clean_is("\x80", FFFD, "lone continuation byte");
	clean_is("x\x80\xbfy", "x" FFFD FFFD "y",
	    "two continuation bytes, one U+FFFD each");
	clean_is("\xc0\xaf", FFFD FFFD, "overlong '/' (C0 AF)");
	clean_is("\xc0\x80", FFFD FFFD, "overlong NUL (C0 80)");
	clean_is("\xc1\xbf", FFFD FFFD, "overlong C1 BF");
	clean_is("\xe0\x80\xaf", FFFD FFFD FFFD, "overlong 3 bytes");
	clean_is("\xf0\x80\x80\xaf", FFFD FFFD FFFD FFFD, "overlong 4 bytes");
	clean_is("\xed\xa0\x80", FFFD FFFD FFFD, "high surrogate D800");
	clean_is("\xed\xbf\xbf", FFFD FFFD FFFD, "low surrogate DFFF");
	clean_is("\xed\xa0\xbd\xed\xb8\x80", FFFD FFFD FFFD FFFD FFFD FFFD,
	    "CESU-8 surrogate pair");
	clean_is("\xed\x9f\xbf", "\xed\x9f\xbf", "U+D7FF kept");
	clean_is("\xee\x80\x80", "\xee\x80\x80", "U+E000 kept");
	clean_is("a\xc3", "a" FFFD, "truncated 2-byte at the end");
	clean_is("a\xe2\x80", "a" FFFD, "truncated 3-byte at the end");
	clean_is("a\xf0\x9f\x98", "a" FFFD, "truncated emoji at the end");
	clean_is("\xf0\x9f\x98z", FFFD "z", "truncated emoji, then ASCII");
	clean_is(
	    "\xf0\x9f" EMOJI, FFFD EMOJI, "truncated emoji, then a whole one");
	clean_is("\xe2\x82\xac\xe2\x82", "\xe2\x82\xac" FFFD,
	    "euro then half a euro");
	clean_is("\xf4\x90\x80\x80", FFFD FFFD FFFD FFFD, "above U+10FFFF");
	clean_is("\xf5\x80\x80\x80", FFFD FFFD FFFD FFFD, "lead byte F5");
	clean_is("\xfe\xff", FFFD FFFD, "bytes FE and FF");
	clean_is("\xf8\x88\x80\x80\x80", FFFD FFFD FFFD FFFD FFFD,
	    "old 5-byte form");
	clean_is("\xf4\x8f\xbf\xbf", "\xf4\x8f\xbf\xbf", "U+10FFFF kept");
	clean_is("x\xef\xbf\xbey", "x" FFFD "y", "U+FFFE replaced");
	clean_is("\xef\xbf\xbf", FFFD, "U+FFFF replaced");
	clean_is(FFFD, FFFD, "U+FFFD kept");
	clean_is("\xef\xb7\x90", "\xef\xb7\x90", "U+FDD0 kept (XML allows it)");

	clean_is("g\x01h\x08i\x0bj\x0ck\x1bl\x1fm", "ghijklm",
	    "C0 controls dropped");
	clean_is("a\tb\nc", "a\tb\nc", "TAB and LF kept");
	clean_is("a\r\nb", "a\nb", "CR LF becomes LF");
	clean_is("a\rb\r", "a\nb\n", "lone CR becomes LF");
	clean_is("a\r\r\nb", "a\n\nb", "CR CR LF");
	clean_is("x\x7fy", "xy", "DEL dropped");
	clean_is("x\xc2\x80y\xc2\x85z\xc2\x9fw", "xyzw",
	    "C1 controls dropped (U+0080, NEL, U+009F)");
	clean_is("\xc2\xa0", "\xc2\xa0", "U+00A0 kept");
	clean_is("\x1b[31mrouge\x1b[0m", "[31mrouge[0m",
	    "terminal escapes lose their ESC");
	clean_is("\x80\x01\r\n\xed\xa0\x80ok", FFFD "\n" FFFD FFFD FFFD "ok",
	    "a mixture");
	ok(text_clean(NULL, 10, NULL) == NULL, "text_clean(NULL) is NULL");
	ok(text_valid(NULL), "text_valid(NULL) is 1");
}

/* text_clean(in, max) is valid, fits and sets cut as expected. */
static void
cut_is(const char *in, size_t max, const char *want, int want_cut,
    const char *what)
{
	int cut = -1;
	char *got = text_clean(in, max, &cut);

	is_bytes(got, want, what);
	ok(cut == want_cut && (max == 0 || strlen(got) <= max) &&
	        text_valid(got),
	    "%s: cut %d, %zu <= %zu bytes, valid", what, cut, strlen(got), max);
	free(got);
}

/* What "ab😀cdefgh" cut to max must give: the emoji is whole or gone. */
static void
emoji_want(char *want, size_t size, const char *in, size_t max)
{
	size_t keep;

	if (max >= strlen(in)) {
		snprintf(want, size, "%s", in);
	} else if (max < TEXT_ELLIPSIS_LEN) {
		snprintf(want, size, "%.*s", (int)max, in);
	} else {
		keep = max - TEXT_ELLIPSIS_LEN;
		if (keep > 2 && keep < 6)
			keep = 2; /* inside the emoji: before it */
		snprintf(want, size, "%.*s%s", (int)keep, in, ELL);
	}
}

static void
test_cut_clean(void)
{
	char want[64], in[] = "ab" EMOJI "cdefgh"; /* 12 bytes */
	size_t max;
	int cut;
	char *s;

	cut_is("abcdef", 6, "abcdef", 0, "exact fit is not cut");
	cut_is("abcdefg", 6, "abc" ELL, 1, "one byte over: cut with ellipsis");
	cut_is("abc", 0, "abc", 0, "max 0: no limit");
	cut_is("caf\xc3\xa9", 5, "caf\xc3\xa9", 0, "exact fit ending in é");
	cut_is(
	    "caf\xc3\xa9!", 5, "ca" ELL, 1, "no room for é and the ellipsis");
	cut_is(ELL ELL, 6, ELL ELL, 0, "two ellipses fit exactly");
	cut_is(ELL ELL "x", 6, ELL ELL, 1, "text ending in an ellipsis, cut");

	/* Max smaller than the ellipsis: cut without one. */
	cut_is("abcdef", 1, "a", 1, "max 1: one ASCII byte, no ellipsis");
	cut_is("abcdef", 2, "ab", 1, "max 2: two bytes, no ellipsis");
	cut_is("\xc3\xa9\xc3\xa9", 1, "", 1, "max 1 before é: empty");
	cut_is("\xc3\xa9\xc3\xa9", 2, "\xc3\xa9", 1, "max 2: one é");
	cut_is("a", 1, "a", 0, "max 1, one byte: not cut");
	cut_is(EMOJI, 3, ELL, 1, "max 3, an emoji: the ellipsis alone");
	cut_is(EMOJI, 4, EMOJI, 0, "max 4, an emoji: fits");

	/* The 4-byte emoji in "ab😀cdefgh", with every limit. */
	for (max = 1; max <= sizeof(in); max++) {
		emoji_want(want, sizeof(want), in, max);
		s = text_clean(in, max, &cut);
		ok(strcmp(s, want) == 0 && text_valid(s) && strlen(s) <= max &&
		        cut == (max < sizeof(in) - 1),
		    "emoji text, max %zu: \"%s\"", max, hex(s));
		free(s);
	}

	/* Repair may make text longer: the limit applies to the result. */
	cut_is("\x80\x80\x80\x80", 10, FFFD FFFD ELL, 1,
	    "4 bad bytes become 12: cut to 9");
	cut_is("\x80\x80\x80", 9, FFFD FFFD FFFD, 0, "3 bad bytes, exactly 9");
	cut_is("ab\x01\x02\x03", 2, "ab", 0, "dropped controls do not count");
	cut_is("a\r\nb", 3, "a\nb", 0, "CR LF counts as one byte");
}

static void
test_cut_in_place(void)
{
	const char *in = "ab" EMOJI "cdefgh";
	char buf[16], want[32];
	size_t max, n;

	strcpy(buf, "abcdef");
	is_int(text_cut(buf, 0), 6, "text_cut: max 0 is no limit");
	is_int(text_cut(buf, 6), 6, "text_cut: exact fit");
	is_bytes(buf, "abcdef", "text_cut: exact fit unchanged");
	is_int(text_cut(buf, 5), 5, "text_cut: one over, length 5");
	is_bytes(buf, "ab" ELL, "text_cut: one over, ellipsis");
	is_int(text_cut(NULL, 5), 0, "text_cut: NULL");
	for (max = 1; max <= strlen(in); max++) {
		strcpy(buf, in);
		n = text_cut(buf, max);
		emoji_want(want, sizeof(want), in, max);
		ok(strcmp(buf, want) == 0 && n == strlen(buf) && n <= max &&
		        text_valid(buf),
		    "text_cut emoji text, max %zu: \"%s\"", max, hex(buf));
	}
}

static void
test_large(void)
{
	size_t len = 100 * 1024, i;
	uint32_t x = 12345;
	char *in = malloc(len + 1), *s;
	int cut, all = 1;

	/* 100 KB of random bytes, no NUL. */
	for (i = 0; i < len; i++) {
		x = x * 1103515245 + 12345;
		in[i] = (char)((x >> 16) % 255 + 1);
	}
	in[len] = '\0';
	s = text_clean(in, 0, &cut);
	ok(text_valid(s) && !cut, "100 KB of noise: valid, not cut");
	free(s);
	s = text_clean(in, 4096, &cut);
	ok(text_valid(s) && cut && strlen(s) <= 4096 && strlen(s) >= 4096 - 6,
	    "100 KB of noise to 4096: valid, cut, %zu bytes", strlen(s));
	free(s);

	/* 100 KB of é: cut on a boundary. */
	for (i = 0; i + 1 < len; i += 2)
		memcpy(in + i, "\xc3\xa9", 2);
	in[len] = '\0';
	ok(text_valid(in), "100 KB of é is valid");
	for (i = 995; i <= 1005; i++) {
		s = text_clean(in, i, &cut);
		all = all && text_valid(s) && cut && strlen(s) <= i &&
		      strlen(s) >= i - 4;
		free(s);
	}
	ok(all, "100 KB of é cut to 995..1005 bytes: valid and fitting");

	/* 100 KB of lone continuation bytes: 300 KB of U+FFFD. */
	memset(in, 0x80, len);
	s = text_clean(in, 0, NULL);
	ok(strlen(s) == 3 * len && text_valid(s),
	    "100 KB of 0x80: 300 KB of U+FFFD");
	free(s);
	free(in);
}

static void
test_catalog(void)
{
	char big[5001], small[64];
	char *s;

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	s = catalog_aformat("fr", MSG_YOUR_QUESTION, big);
	ok(s && strlen(s) > 5000 && strstr(s, big) != NULL,
	    "catalog_aformat: a 5000-byte argument is not cut");
	free(s);
	s = catalog_aformat("en", MSG_TOO_LONG, 2000);
	catalog_format(small, sizeof(small), "en", MSG_TOO_LONG, 2000);
	ok(strncmp(s, small, strlen(small)) == 0,
	    "catalog_aformat agrees with catalog_format");
	free(s);
	s = catalog_aformat("xx", MSG_VISITOR);
	is_bytes(s, catalog_text("en", MSG_VISITOR),
	    "catalog_aformat: unknown language falls back to English");
	free(s);
}

/* Renders st and parses it back: what a server's parser would do. */
static int
reparses(xmpp_ctx_t *ctx, xmpp_stanza_t *st)
{
	xmpp_stanza_t *back;
	char *buf;
	size_t len;
	int r;

	if (xmpp_stanza_to_text(st, &buf, &len) != XMPP_EOK)
		return 0;
	back = xmpp_stanza_new_from_string(ctx, buf);
	r = back != NULL && text_valid(buf);
	if (back)
		xmpp_stanza_release(back);
	xmpp_free(ctx, buf);
	return r;
}

static xmpp_stanza_t *
tag(xmpp_ctx_t *ctx, xmpp_stanza_t *parent, const char *name)
{
	xmpp_stanza_t *t = xmpp_stanza_new(ctx);

	xmpp_stanza_set_name(t, name);
	if (parent)
		xmpp_stanza_add_child_ex(parent, t, 0);
	return t;
}

static xmpp_stanza_t *
text(xmpp_ctx_t *ctx, xmpp_stanza_t *parent, const char *s)
{
	xmpp_stanza_t *t = xmpp_stanza_new(ctx);

	xmpp_stanza_set_text(t, s);
	xmpp_stanza_add_child_ex(parent, t, 0);
	return t;
}

static void
test_incoming(xmpp_ctx_t *ctx)
{
	static const char *const refused[] = {
	    "<message><body>\x80</body></message>",
	    "<message><body>\xc0\xaf</body></message>",
	    "<message><body>\xed\xa0\x80</body></message>",
	    "<message><body>a\xf0\x9f\x98</body></message>",
	    "<message><body>\xef\xbf\xbe</body></message>",
	    "<message><body>\x01</body></message>",
	    "<message><body>&#1;</body></message>",
	    "<message><body>&#xFFFF;</body></message>",
	    "<message id='\x80'/>",
	};
	xmpp_stanza_t *st;
	size_t i;
	int all = 1;

	/* Our comment in link.c relies on this: expat refuses them. */
	for (i = 0; i < nitems(refused); i++) {
		st = xmpp_stanza_new_from_string(ctx, refused[i]);
		if (st) {
			diag("accepted: %s", hex(refused[i]));
			xmpp_stanza_release(st);
			all = 0;
		}
	}
	ok(all,
	    "the parser refuses ill-formed UTF-8 and forbidden "
	    "characters (%zu cases)",
	    nitems(refused));

	/* What it lets through, the guard cleans. */
	st = xmpp_stanza_new_from_string(ctx,
	    "<message id='a&#x85;b' "
	    "from='a@b' to='c@d'><body>x&#13;y\xc2\x85z\x7f</body></message>");
	ok(st != NULL, "C1, DEL and &#13; pass the parser");
	if (st == NULL)
		return;
	is_int(link_repair_stanza(st), 2, "the guard repairs id and body");
	is_bytes(xmpp_stanza_get_id(st), "ab", "id without NEL");
	is_bytes(xmpp_stanza_get_text_ptr(xmpp_stanza_get_children(
	             xmpp_stanza_get_child_by_name(st, "body"))),
	    "x\nyz", "body: CR to LF, NEL and DEL gone");
	xmpp_stanza_release(st);
}

static void
test_guard(xmpp_ctx_t *ctx)
{
	xmpp_stanza_t *m, *body, *t, *x, *y, *yt, *many;
	const char *before;
	char name[16];
	int i;

	/* A valid stanza is left alone: same text pointers, nothing new. */
	m = xmpp_stanza_new_from_string(ctx,
	    "<message from='a@b' to='c@d' "
	    "id='1'><body>Caf\xc3\xa9 " EMOJI "\tok</body><x xmlns='u'>"
	    "<y k='v'/></x></message>");
	before = xmpp_stanza_get_text_ptr(
	    xmpp_stanza_get_children(xmpp_stanza_get_child_by_name(m, "body")));
	is_int(link_repair_stanza(m), 0, "valid stanza: nothing repaired");
	ok(before == xmpp_stanza_get_text_ptr(xmpp_stanza_get_children(
	                 xmpp_stanza_get_child_by_name(m, "body"))),
	    "valid stanza: its text is not copied");
	xmpp_stanza_release(m);

	/* Built by hand, as a cut in the code would build it. */
	m = tag(ctx, NULL, "message");
	xmpp_stanza_set_from(m, "bot@accueil.example");
	xmpp_stanza_set_to(m, "v-1@accueil.example");
	xmpp_stanza_set_id(m, "id\xc3");
	body = tag(ctx, m, "body");
	t = text(ctx, body, "Votre question : \xc2\xab caf\xc3");
	x = tag(ctx, m, "x");
	xmpp_stanza_set_ns(x, "urn:example");
	y = tag(ctx, x, "y");
	xmpp_stanza_set_attribute(y, "label", "x\x01y\xed\xa0\x80");
	yt = text(ctx, y, "deep\x0bly");
	(void)text(ctx, x, "fine");
	ok(!reparses(ctx, m), "unrepaired, it does not parse: a server would "
	                      "close the stream");
	is_int(link_repair_stanza(m), 4, "hand-built: 4 values repaired");
	is_bytes(xmpp_stanza_get_id(m), "id" FFFD, "id attribute repaired");
	is_bytes(xmpp_stanza_get_text_ptr(t),
	    "Votre question : \xc2\xab caf" FFFD, "body text repaired");
	is_bytes(xmpp_stanza_get_attribute(y, "label"), "xy" FFFD FFFD FFFD,
	    "nested attribute repaired");
	is_bytes(
	    xmpp_stanza_get_text_ptr(yt), "deeply", "nested text repaired");
	is_bytes(
	    xmpp_stanza_get_from(m), "bot@accueil.example", "from untouched");
	ok(reparses(ctx, m), "the repaired stanza renders and parses back");
	is_int(link_repair_stanza(m), 0, "a second pass finds nothing");

	/* More attributes than the guard looks at without allocating. */
	many = tag(ctx, m, "many");
	for (i = 0; i < 40; i++) {
		snprintf(name, sizeof(name), "a%d", i);
		xmpp_stanza_set_attribute(many, name, i % 10 ? "ok" : "\xff");
	}
	is_int(link_repair_stanza(m), 4, "40 attributes, 4 bad: repaired");
	is_bytes(xmpp_stanza_get_attribute(many, "a30"), FFFD,
	    "attribute a30 repaired");
	is_bytes(
	    xmpp_stanza_get_attribute(many, "a31"), "ok", "attribute a31 kept");
	ok(reparses(ctx, m), "it parses back");
	xmpp_stanza_release(m);

	/* A bare text node. */
	t = xmpp_stanza_new(ctx);
	xmpp_stanza_set_text(t, "\x80");
	is_int(link_repair_stanza(t), 1, "a bare text node is repaired");
	is_bytes(xmpp_stanza_get_text_ptr(t), FFFD, "to U+FFFD");
	xmpp_stanza_release(t);
}

static void
noop(void *ud)
{
}

static void
test_link_send(xmpp_ctx_t *ctx)
{
	struct link_listener l = {noop, noop, NULL, NULL, NULL};
	struct link *link = link_new(&l);
	xmpp_stanza_t *m;

	m = xmpp_message_new(ctx, "chat", "v\xc3@accueil.example", "1");
	xmpp_stanza_set_from(m, "bot@accueil.example");
	is_int(link_send(link, m), ACCUEIL_EINVAL,
	    "link_send refuses an invalid to");
	xmpp_stanza_set_to(m, "v-1@accueil.example");
	xmpp_stanza_set_from(m, "bot@accueil.example\x01");
	is_int(link_send(link, m), ACCUEIL_EINVAL,
	    "link_send refuses an invalid from");
	xmpp_stanza_set_from(m, "bot@accueil.example");
	xmpp_message_set_body(m, "\x80");
	is_int(link_send(link, m), ACCUEIL_ELINK,
	    "valid addresses, link down: ACCUEIL_ELINK");
	xmpp_stanza_release(m);
	link_free(link);
}

int
main(void)
{
	xmpp_ctx_t *ctx;

	log_init(1, LOG_LEVEL_ERROR);
	xmpp_initialize();
	ctx = xmpp_ctx_new(NULL, NULL);
	test_utf8_valid();
	test_repair();
	test_cut_clean();
	test_cut_in_place();
	test_large();
	test_catalog();
	test_incoming(ctx);
	test_guard(ctx);
	test_link_send(ctx);
	xmpp_ctx_free(ctx);
	xmpp_shutdown();
	return tap_done();
}
