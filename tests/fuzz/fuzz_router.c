/*
 * fuzz_router.c: libFuzzer target for the stanza router: any stanza
 * parsed from the input goes through every route of the daemon, in
 * main.c's order, with the core's events hooked, the link down (nothing
 * is sent) and the store in memory. One conversation is open from the
 * start (v-00000001, room r1@salons.ot.example, taken by marie as
 * claire), so room lines, archive pages and counsellor commands reach
 * the code that reads them; the corpus (tests/fuzz/corpus/fuzz_router)
 * addresses it.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <strophe.h>

#include "adhoc.h"
#include "app.h"
#include "catchup.h"
#include "cmds.h"
#include "conf.h"
#include "console.h"
#include "conv.h"
#include "desk.h"
#include "intake.h"
#include "link.h"
#include "log.h"
#include "offline.h"
#include "persona.h"
#include "ratelimit.h"
#include "registry.h"
#include "relay.h"
#include "review.h"
#include "room.h"
#include "room_setup.h"
#include "router.h"
#include "routing.h"
#include "service.h"
#include "staff.h"
#include "stats.h"
#include "store.h"
#include "survey.h"
#include "adhoc_conv.h"
#include "canned.h"
#include "evplugins.h"
#include "followup.h"
#include "outbox.h"
#include "resume.h"
#include "supervise.h"
#include "territory.h"
#include "transcript.h"
#include "vpresence.h"
#include "util.h"
#include "video.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct app app;

static void
open_conversation(void)
{
	struct conv *cv = conv_alloc();

	cv->id = xstrdup("v-00000001");
	cv->office = xstrdup("cahors");
	cv->room = xstrdup("r1@salons.ot.example");
	cv->password = xstrdup("pw");
	cv->visitor = xstrdup("anon@visit.ot.example/web");
	cv->lang = xstrdup("fr");
	cv->lang_source = xstrdup("form");
	cv->question = xstrdup("Bonjour");
	cv->state = CONV_WAITING;
	cv->created = store_now();
	cv->left_at = cv->created;
	if (conv_start(&app, cv, NULL, NULL, 0, NULL) < 0)
		abort();
	cv->state = CONV_ACTIVE;
	cv->counsellor = xstrdup("marie@ot.example");
	cv->persona = xstrdup("claire");
	cv->bot_joined = cv->persona_joined = 1;
	cv->invited = 1;
}

static void
setup(void)
{
	static const char xml[] = "<accueil>\n"
	    "<server host='127.0.0.1' secret-file='s'/>\n"
	    "<component domain='accueil.ot.example' muc='salons.ot.example'/>\n"
	    "<database path=':memory:'/>\n"
	    "<admin jid='admin@ot.example'/>\n"
	    "<bot id='adam' name='Adam'/>\n"
	    "<office id='cahors' name='C' timezone='UTC' languages='fr en' "
	    "bot='adam'><hours days='mon-sun' open='00:00' close='24:00'/>"
	    "<supervisor jid='alice@ot.example'/></office>\n"
	    "<counsellor jid='marie@ot.example' persona='claire' name='Claire' "
	    "languages='fr en' offices='cahors'/>\n"
	    "<canned key='horaires' lang='fr'>De 9 h à 18 h.</canned>\n"
	    "</accueil>\n";
	struct conf_errors errs = {0};
	struct link_listener ll = {0};
	enum accueil_err e;

	log_init(1, LOG_LEVEL_ERROR);
	xmpp_initialize();
	app.conf = conf_load_buffer("t", "/tmp", xml, sizeof(xml) - 1, 0,
	    &errs);
	app.store = store_open(":memory:", &e);
	if (app.conf == NULL || app.store == NULL)
		abort();
	app.link = link_new(&ll);
	app.ctx = link_ctx(app.link);
	persona_reload(&app);
	/* as accueild does (wire.c) */
	wire_hooks();
	wire_routes();
	canned_seed(&app);
	if (evplugins_start(&app, app.conf) < 0)
		abort();
	open_conversation();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	xmpp_stanza_t *st;
	char *s;

	if (app.conf == NULL)
		setup();
	s = malloc(size + 1);
	memcpy(s, data, size);
	s[size] = '\0';
	st = xmpp_stanza_new_from_string(app.ctx, s);
	if (st) {
		router_dispatch(&app, st);
		xmpp_stanza_release(st);
	}
	conv_reap(&app);
	free(s);
	return 0;
}
