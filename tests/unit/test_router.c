/*
 * test_router.c: addresses are classified against the configuration.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "conf.h"
#include "log.h"
#include "router.h"
#include "tap.h"

int
main(void)
{
	static const char xml[] = "<accueil>\n"
	    "<server host='127.0.0.1' secret-file='s'/>\n"
	    "<component domain='accueil.ot.example' muc='salons.ot.example'/>\n"
	    "<database path='db'/>\n"
	    "<bot id='adam' name='Adam'/>\n"
	    "<office id='cahors' name='C' timezone='UTC' languages='fr' "
	    "bot='adam'/>\n"
	    "<counsellor jid='marie@ot.example' persona='claire' name='Claire' "
	    "languages='fr' offices='cahors'/>\n"
	    "</accueil>\n";
	struct conf_errors errs = {0};
	struct app app = {0};
	struct route r;

	log_init(1, LOG_LEVEL_ERROR);
	app.conf = conf_load_buffer("t", "/tmp", xml, sizeof(xml) - 1, 0, &errs);
	ok(app.conf != NULL, "config loads");
	if (app.conf == NULL)
		return tap_done();
	router_classify(&app, "accueil.ot.example", &r);
	is_int(r.kind, ROUTE_SERVICE, "the domain is the service");
	router_classify(&app, "ACCUEIL.ot.example/res", &r);
	is_int(r.kind, ROUTE_SERVICE, "domain compare ignores case and "
	    "resource");
	router_classify(&app, "cahors@accueil.ot.example", &r);
	ok(r.kind == ROUTE_OFFICE && r.office, "an office desk");
	router_classify(&app, "Cahors@accueil.ot.example/x", &r);
	ok(r.kind == ROUTE_OFFICE, "desk with resource and capitals");
	router_classify(&app, "adam@accueil.ot.example", &r);
	ok(r.kind == ROUTE_BOT && r.bot, "the bot");
	router_classify(&app, "claire@accueil.ot.example", &r);
	ok(r.kind == ROUTE_PERSONA && r.counsellor &&
	    strcmp(r.counsellor->jid, "marie@ot.example") == 0, "a persona");
	router_classify(&app, "v-abc@accueil.ot.example", &r);
	ok(r.kind == ROUTE_VISITOR && strcmp(r.local, "v-abc") == 0,
	    "a visitor proxy");
	router_classify(&app, "v-@accueil.ot.example", &r);
	is_int(r.kind, ROUTE_UNKNOWN, "v- alone is unknown");
	router_classify(&app, "bob@accueil.ot.example", &r);
	is_int(r.kind, ROUTE_UNKNOWN, "an unknown localpart");
	router_classify(&app, "cahors@ot.example", &r);
	is_int(r.kind, ROUTE_OTHER, "another domain");
	router_classify(&app, "accueil.ot.example.evil", &r);
	is_int(r.kind, ROUTE_OTHER, "a longer domain is not ours");
	router_classify(&app, NULL, &r);
	is_int(r.kind, ROUTE_OTHER, "no address");
	conf_free(app.conf);
	return tap_done();
}
