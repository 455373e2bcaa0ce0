/*
 * test_mam.c: the room archive's protocol (XEP-0313, XEP-0059) on
 * stanza strings: the query we send, results as Prosody and ejabberd
 * write them, the final page marker, and the room's stanza-id
 * (XEP-0359) of a live message, never one a sender forged.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <strophe.h>

#include "mam.h"
#include "stanza.h"
#include "tap.h"

static xmpp_ctx_t *ctx;

static xmpp_stanza_t *
parse(const char *s)
{
	xmpp_stanza_t *st = xmpp_stanza_new_from_string(ctx, s);

	if (st == NULL)
		diag("did not parse: %s", s);
	return st;
}

static char *
render(xmpp_stanza_t *st)
{
	char *buf = NULL;
	size_t len;

	if (st == NULL || xmpp_stanza_to_text(st, &buf, &len) != XMPP_EOK)
		return NULL;
	return buf;
}

static const char *
child_text(xmpp_stanza_t *st, const char *name, const char *ns, const char *sub)
{
	xmpp_stanza_t *c = st ? stanza_child(st, name, ns) : NULL, *t;

	if (c && sub)
		c = stanza_child(c, sub, NULL);
	if (c == NULL || (t = xmpp_stanza_get_children(c)) == NULL ||
	    !xmpp_stanza_is_text(t))
		return NULL;
	return xmpp_stanza_get_text_ptr(t);
}

static void
test_query(void)
{
	xmpp_stanza_t *q, *back, *x, *f;
	char *text;

	q = mam_query(ctx, "catchup-v-aa-1", "arch-77", MAM_PAGE);
	text = render(q);
	ok(text != NULL, "a query renders");
	if (text == NULL)
		return;
	diag("%s", text);
	ok(strstr(text, "<query") == text && strstr(text, NS_MAM),
	    "a <query/> in urn:xmpp:mam:2");
	ok(strstr(text, "queryid=\"catchup-v-aa-1\"") != NULL ||
	        strstr(text, "queryid='catchup-v-aa-1'") != NULL,
	    "with its queryid");
	ok(strstr(text, "<max>50</max>") != NULL, "asking for 50 per page");
	ok(strstr(text, "<after>arch-77</after>") != NULL, "after the last "
	                                                   "id seen");
	/* parsed back, the structure is what the servers read */
	back = parse(text);
	ok(back && strcmp(xmpp_stanza_get_name(back), "query") == 0 &&
	        strcmp(xmpp_stanza_get_attribute(back, "queryid"),
	            "catchup-v-aa-1") == 0,
	    "it parses back to the same query");
	x = back ? stanza_child(back, "x", NS_DATA) : NULL;
	ok(x && xmpp_stanza_get_type(x) &&
	        strcmp(xmpp_stanza_get_type(x), "submit") == 0,
	    "with a submitted data form");
	f = x ? stanza_child(x, "field", NULL) : NULL;
	ok(f && strcmp(xmpp_stanza_get_attribute(f, "var"), "FORM_TYPE") == 0 &&
	        xmpp_stanza_get_type(f) &&
	        strcmp(xmpp_stanza_get_type(f), "hidden") == 0,
	    "whose FORM_TYPE is hidden");
	is_str(f ? child_text(f, "value", NULL, NULL) : NULL, NS_MAM,
	    "FORM_TYPE is urn:xmpp:mam:2");
	is_str(child_text(back, "set", NS_RSM, "max"), "50", "RSM max");
	is_str(
	    child_text(back, "set", NS_RSM, "after"), "arch-77", "RSM after");
	xmpp_free(ctx, text);
	xmpp_stanza_release(back);
	xmpp_stanza_release(q);

	q = mam_query(ctx, "q2", NULL, 10);
	text = render(q);
	ok(text && strstr(text, "<max>10</max>") && !strstr(text, "after"),
	    "from the start: no <after/>, max as given");
	xmpp_free(ctx, text);
	xmpp_stanza_release(q);
}

/* Prosody 0.12 (mod_muc_mam): delay first, the message in jabber:client. */
static const char prosody_result[] =
    "<message xmlns='jabber:component:accept' "
    "to='adam@accueil.ot.example/v-aa' from='v-aa@salons.ot.example'>"
    "<result xmlns='urn:xmpp:mam:2' queryid='catchup-v-aa-1' "
    "id='6d4f2a1e-1c2b-4d8b-9f0e-3a1f5c7b8e90'>"
    "<forwarded xmlns='urn:xmpp:forward:0'>"
    "<delay xmlns='urn:xmpp:delay' stamp='2026-05-04T09:12:44Z'/>"
    "<message xmlns='jabber:client' type='groupchat' "
    "from='v-aa@salons.ot.example/Ana' id='m-1'>"
    "<body>Bonjour, des randonnées ?</body>"
    "</message></forwarded></result></message>";

/* ejabberd 23+ (mod_mam): the message first, the delay after it with a
 * from, the room's stanza-id and an <archived/> in the message. */
static const char ejabberd_result[] =
    "<message xmlns='jabber:component:accept' "
    "from='v-aa@salons.ot.example' to='adam@accueil.ot.example/v-aa'>"
    "<result queryid='catchup-v-aa-2' xmlns='urn:xmpp:mam:2' "
    "id='1714813964123456'>"
    "<forwarded xmlns='urn:xmpp:forward:0'>"
    "<message xmlns='jabber:client' xml:lang='fr' "
    "to='v-aa@salons.ot.example' from='v-aa@salons.ot.example/Ana' "
    "type='groupchat'>"
    "<archived by='v-aa@salons.ot.example' xmlns='urn:xmpp:mam:tmp' "
    "id='1714813964123456'/>"
    "<stanza-id by='v-aa@salons.ot.example' xmlns='urn:xmpp:sid:0' "
    "id='1714813964123456'/>"
    "<body>Merci !</body></message>"
    "<delay xmlns='urn:xmpp:delay' from='v-aa@salons.ot.example' "
    "stamp='2026-05-04T09:12:44.123456Z'/>"
    "</forwarded></result></message>";

static void
test_results(void)
{
	struct mam_result r;
	xmpp_stanza_t *st;
	char *body;

	st = parse(prosody_result);
	ok(st && mam_parse_result(st, &r) == 1, "a Prosody result is read");
	is_str(r.queryid, "catchup-v-aa-1", "Prosody: queryid");
	is_str(r.id, "6d4f2a1e-1c2b-4d8b-9f0e-3a1f5c7b8e90",
	    "Prosody: "
	    "archive id");
	is_str(r.stamp, "2026-05-04T09:12:44Z", "Prosody: delay stamp");
	ok(r.message && strcmp(xmpp_stanza_get_name(r.message), "message") == 0,
	    "Prosody: the archived message");
	is_str(r.message ? xmpp_stanza_get_from(r.message) : NULL,
	    "v-aa@salons.ot.example/Ana", "Prosody: its sender");
	is_str(r.message ? xmpp_stanza_get_type(r.message) : NULL, "groupchat",
	    "Prosody: its type");
	body = r.message ? stanza_body_dup(r.message) : NULL;
	is_str(body, "Bonjour, des randonnées ?", "Prosody: its body");
	free(body);
	xmpp_stanza_release(st);

	st = parse(ejabberd_result);
	ok(st && mam_parse_result(st, &r) == 1, "an ejabberd result is read");
	is_str(r.queryid, "catchup-v-aa-2", "ejabberd: queryid");
	is_str(r.id, "1714813964123456", "ejabberd: archive id");
	is_str(r.stamp, "2026-05-04T09:12:44.123456Z",
	    "ejabberd: the delay "
	    "after the message");
	is_str(r.message ? xmpp_stanza_get_from(r.message) : NULL,
	    "v-aa@salons.ot.example/Ana", "ejabberd: its sender");
	body = r.message ? stanza_body_dup(r.message) : NULL;
	is_str(body, "Merci !", "ejabberd: its body");
	free(body);
	is_str(r.message ? mam_stanza_id(r.message, "v-aa@salons.ot.example")
	                 : NULL,
	    "1714813964123456",
	    "ejabberd: the archived message's "
	    "stanza-id");
	xmpp_stanza_release(st);

	st =
	    parse("<message from='v-aa@salons.ot.example'>"
	          "<result xmlns='urn:xmpp:mam:2' queryid='q' id='a1'>"
	          "<forwarded xmlns='urn:xmpp:forward:0'>"
	          "<message type='groupchat' from='v-aa@salons.ot.example/Ana'>"
	          "<body>x</body></message></forwarded></result></message>");
	ok(st && mam_parse_result(st, &r) == 1 && r.stamp == NULL &&
	        strcmp(r.id, "a1") == 0,
	    "a result without a delay: no stamp");
	xmpp_stanza_release(st);

	st = parse(
	    "<message><result xmlns='urn:xmpp:mam:2' queryid='q'>"
	    "<forwarded xmlns='urn:xmpp:forward:0'><message type='groupchat'>"
	    "<body>x</body></message></forwarded></result></message>");
	ok(st && mam_parse_result(st, &r) == 0,
	    "a result without an id is "
	    "not read (nothing to page after)");
	xmpp_stanza_release(st);

	st = parse(
	    "<message><result xmlns='urn:xmpp:mam:1' queryid='q' "
	    "id='a'><forwarded xmlns='urn:xmpp:forward:0'><message "
	    "type='groupchat'><body>x</body></message></forwarded></result>"
	    "</message>");
	ok(st && mam_parse_result(st, &r) == 0, "another MAM version is not "
	                                        "read");
	xmpp_stanza_release(st);

	st = parse("<message><result xmlns='urn:xmpp:mam:2' queryid='q' "
	           "id='a'><forwarded xmlns='urn:xmpp:forward:0'><delay "
	           "xmlns='urn:xmpp:delay' stamp='s'/></forwarded></result>"
	           "</message>");
	ok(st && mam_parse_result(st, &r) == 0 && r.message == NULL,
	    "a result without a forwarded message is not read");
	xmpp_stanza_release(st);

	st = parse("<message><result xmlns='urn:xmpp:mam:2' queryid='q' "
	           "id='a'><message type='groupchat'><body>x</body></message>"
	           "</result></message>");
	ok(st && mam_parse_result(st, &r) == 0, "a message not wrapped in "
	                                        "<forwarded/> is not read");
	xmpp_stanza_release(st);

	st =
	    parse("<message type='groupchat' from='v-aa@salons.ot.example/Ana'>"
	          "<body>live</body></message>");
	ok(st && mam_parse_result(st, &r) == 0 && r.id == NULL &&
	        r.message == NULL,
	    "a live message is no result (r cleared)");
	xmpp_stanza_release(st);
}

static void
test_fin(void)
{
	xmpp_stanza_t *st;
	const char *last;
	int complete;

	st = parse(
	    "<iq type='result' id='mam:v-aa' from='v-aa@salons.ot.example'>"
	    "<fin xmlns='urn:xmpp:mam:2' complete='true'>"
	    "<set xmlns='http://jabber.org/protocol/rsm'>"
	    "<first index='0'>a1</first><last>a9</last></set></fin></iq>");
	ok(st && mam_parse_fin(st, &complete, &last) == 1, "a fin is read");
	is_int(complete, 1, "complete='true'");
	is_str(last, "a9", "the last id of the page");
	xmpp_stanza_release(st);

	st = parse(
	    "<iq type='result'><fin xmlns='urn:xmpp:mam:2'>"
	    "<set xmlns='http://jabber.org/protocol/rsm'><first>b1</first>"
	    "<last>b50</last><count>120</count></set></fin></iq>");
	ok(st && mam_parse_fin(st, &complete, &last) == 1 && complete == 0,
	    "no complete attribute: more pages");
	is_str(last, "b50", "and where the next page starts");
	xmpp_stanza_release(st);

	st = parse(
	    "<iq type='result'><fin xmlns='urn:xmpp:mam:2' "
	    "complete='false'><set xmlns='http://jabber.org/protocol/rsm'>"
	    "<last>c50</last></set></fin></iq>");
	ok(st && mam_parse_fin(st, &complete, &last) == 1 && complete == 0 &&
	        last && strcmp(last, "c50") == 0,
	    "complete='false': more pages");
	xmpp_stanza_release(st);

	st = parse("<iq type='result'><fin xmlns='urn:xmpp:mam:2' "
	           "complete='1'><set xmlns='http://jabber.org/protocol/rsm'/>"
	           "</fin></iq>");
	ok(st && mam_parse_fin(st, &complete, &last) == 1 && complete == 1 &&
	        last == NULL,
	    "complete='1' (xs:boolean), an empty page: no last");
	xmpp_stanza_release(st);

	st =
	    parse("<iq type='result'><fin xmlns='urn:xmpp:mam:2' "
	          "complete='true'><set xmlns='http://jabber.org/protocol/rsm'>"
	          "<count>0</count></set></fin></iq>");
	ok(st && mam_parse_fin(st, &complete, &last) == 1 && complete == 1 &&
	        last == NULL,
	    "an empty archive: complete, no last");
	xmpp_stanza_release(st);

	st = parse("<iq type='result'><fin xmlns='urn:xmpp:mam:2' "
	           "complete='true'/></iq>");
	ok(st && mam_parse_fin(st, &complete, &last) == 1 && complete == 1 &&
	        last == NULL,
	    "a fin without <set/>: no last");
	xmpp_stanza_release(st);

	st = parse(
	    "<iq type='result'><fin xmlns='urn:xmpp:mam:2'>"
	    "<set xmlns='http://jabber.org/protocol/rsm'><last/></set></fin>"
	    "</iq>");
	ok(st && mam_parse_fin(st, &complete, &last) == 1 && last == NULL,
	    "an empty <last/>: no last");
	xmpp_stanza_release(st);

	st = parse("<iq type='result'><fin xmlns='urn:xmpp:mam:2' "
	           "complete='yes'/></iq>");
	ok(st && mam_parse_fin(st, &complete, &last) == 1 && complete == 0,
	    "complete='yes' is not a boolean: not complete");
	xmpp_stanza_release(st);

	complete = 7;
	last = "x";
	st = parse("<iq type='result'/>");
	ok(st && mam_parse_fin(st, &complete, &last) == 0 && complete == 0 &&
	        last == NULL,
	    "no fin: 0, outputs cleared");
	xmpp_stanza_release(st);
	st = parse("<iq type='result'><fin xmlns='urn:xmpp:mam:1' "
	           "complete='true'/></iq>");
	ok(st && mam_parse_fin(st, &complete, &last) == 0,
	    "a fin of another "
	    "MAM version is not read");
	xmpp_stanza_release(st);
}

static void
test_stanza_id(void)
{
	const char *room = "v-aa@salons.ot.example";
	xmpp_stanza_t *st;

	st =
	    parse("<message type='groupchat' from='v-aa@salons.ot.example/Ana'>"
	          "<body>x</body><stanza-id xmlns='urn:xmpp:sid:0' "
	          "by='v-aa@salons.ot.example' id='room-1'/></message>");
	is_str(st ? mam_stanza_id(st, room) : NULL, "room-1",
	    "the room's "
	    "stanza-id");
	ok(st && mam_stanza_id(st, "V-AA@Salons.OT.Example") != NULL,
	    "by compares without case");
	ok(st && mam_stanza_id(st, "v-bb@salons.ot.example") == NULL,
	    "another room's look-up finds none");
	ok(st && mam_stanza_id(st, NULL) == NULL, "a NULL room finds none");
	xmpp_stanza_release(st);

	st = parse(
	    "<message type='groupchat' from='v-aa@salons.ot.example/Ana'>"
	    "<body>x</body><stanza-id xmlns='urn:xmpp:sid:0' by='ana@ex.org' "
	    "id='forged'/><stanza-id xmlns='urn:xmpp:sid:0' "
	    "by='v-aa@salons.ot.example' id='room-2'/></message>");
	is_str(st ? mam_stanza_id(st, room) : NULL, "room-2",
	    "a forged "
	    "stanza-id by another JID before the room's is skipped");
	xmpp_stanza_release(st);

	st =
	    parse("<message type='groupchat' from='v-aa@salons.ot.example/Ana'>"
	          "<body>x</body><stanza-id xmlns='urn:xmpp:sid:0' "
	          "by='salons.ot.example' id='forged'/></message>");
	ok(st && mam_stanza_id(st, room) == NULL, "only a forged one (the "
	                                          "service's domain): none");
	xmpp_stanza_release(st);

	st =
	    parse("<message type='groupchat'><stanza-id xmlns='urn:xmpp:sid:0' "
	          "by='v-aa@salons.ot.example/Ana' id='forged'/></message>");
	ok(st && mam_stanza_id(st, room) == NULL, "by an occupant's JID: none");
	xmpp_stanza_release(st);

	st =
	    parse("<message type='groupchat'><stanza-id xmlns='urn:xmpp:sid:1' "
	          "by='v-aa@salons.ot.example' id='x'/><origin-id "
	          "xmlns='urn:xmpp:sid:0' id='o-1'/></message>");
	ok(st && mam_stanza_id(st, room) == NULL, "another namespace or an "
	                                          "origin-id: none");
	xmpp_stanza_release(st);

	st = parse(
	    "<message type='groupchat'><stanza-id xmlns='urn:xmpp:sid:0' "
	    "id='x'/><stanza-id xmlns='urn:xmpp:sid:0' by='v-aa@salons.ot."
	    "example'/></message>");
	ok(st && mam_stanza_id(st, room) == NULL, "no by, or no id: none");
	xmpp_stanza_release(st);

	st = parse(
	    "<message type='groupchat'><x xmlns='x'><stanza-id "
	    "xmlns='urn:xmpp:sid:0' by='v-aa@salons.ot.example' id='deep'/>"
	    "</x></message>");
	ok(st && mam_stanza_id(st, room) == NULL,
	    "a stanza-id nested in "
	    "another element is not the message's");
	xmpp_stanza_release(st);
}

int
main(void)
{
	ctx = xmpp_ctx_new(NULL, NULL);
	test_query();
	test_results();
	test_fin();
	test_stanza_id();
	xmpp_ctx_free(ctx);
	return tap_done();
}
