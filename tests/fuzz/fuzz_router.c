/*
 * fuzz_router.c: libFuzzer target for stanza dispatch: any stanza parsed
 * from the input is classified and offered to the service hooks with the
 * link down (nothing is sent).
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <strophe.h>

#include "app.h"
#include "conf.h"
#include "link.h"
#include "log.h"
#include "office.h"
#include "router.h"
#include "service.h"
#include "store.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct app app;

static void
setup(void)
{
	static const char xml[] = "<accueil>\n"
	    "<server host='127.0.0.1' secret-file='s'/>\n"
	    "<component domain='accueil.ot.example' muc='salons.ot.example'/>\n"
	    "<database path=':memory:'/>\n"
	    "<bot id='adam' name='Adam'/>\n"
	    "<office id='cahors' name='C' timezone='UTC' languages='fr' "
	    "bot='adam'/>\n</accueil>\n";
	struct conf_errors errs = {0};
	struct link_listener ll = {0};
	enum accueil_err e;

	log_init(1, LOG_LEVEL_ERROR);
	app.conf = conf_load_buffer("t", "/tmp", xml, sizeof(xml) - 1, 0, &errs);
	app.store = store_open(":memory:", &e);
	app.link = link_new(&ll);
	app.ctx = link_ctx(app.link);
	router_add(service_route);
	router_add(office_route);
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
	free(s);
	return 0;
}
