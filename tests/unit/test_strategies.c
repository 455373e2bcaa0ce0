/*
 * test_strategies.c: the routing plugins (ring-group, least-busy,
 * round-robin) order candidates as documented.
 */
#include "config.h"

#include <string.h>

#include "conf.h"
#include "log.h"
#include "plugin.h"
#include "tap.h"

static struct conf *
load(void)
{
	static const char xml[] = "<accueil>\n"
	    "<server host='127.0.0.1' secret-file='s'/>\n"
	    "<component domain='a.example' muc='m.example'/>\n"
	    "<database path='db'/>\n<bot id='adam' name='Adam'/>\n"
	    "<office id='x' name='X' timezone='UTC' languages='fr' bot='adam'/>\n"
	    "</accueil>\n";
	struct conf_errors errs = {0};
	struct conf *c = conf_load_buffer("t", "/tmp", xml, sizeof(xml) - 1,
	    0, &errs);

	conf_errors_free(&errs);
	return c;
}

static void
fill(struct accueil_candidate *c)
{
	/* a: busy; b: free, idle 10 s; c: free, idle 100 s; d: free, idle 100 s */
	c[0] = (struct accueil_candidate){"a@x", 2, 500, 0};
	c[1] = (struct accueil_candidate){"b@x", 0, 10, 1};
	c[2] = (struct accueil_candidate){"c@x", 0, 100, 2};
	c[3] = (struct accueil_candidate){"d@x", 0, 100, 3};
}

int
main(void)
{
	struct accueil_candidate c[4];
	struct conf *conf;
	int k;

	log_init(1, LOG_LEVEL_ERROR);
	conf = load();
	ok(conf && plugin_start_all(conf) == 0, "routing plugins start by "
	    "default");
	ok(plugin_is_routing("ring-group") && plugin_is_routing("round-robin")
	    && plugin_is_routing("least-busy") && !plugin_is_routing("cld2") &&
	    !plugin_is_routing("magic"), "the three strategies are routing "
	    "plugins");

	fill(c);
	k = plugin_routing_order("ring-group", "x", 2, c, 4);
	ok(k == 2, "ring-group offers offer-size at once");
	ok(strcmp(c[0].jid, "c@x") == 0 && strcmp(c[1].jid, "d@x") == 0 &&
	    strcmp(c[2].jid, "b@x") == 0 && strcmp(c[3].jid, "a@x") == 0,
	    "least busy first, then longest idle, then configuration order");

	fill(c);
	ok(plugin_routing_order("least-busy", "x", 2, c, 4) == 1 &&
	    strcmp(c[0].jid, "c@x") == 0, "least-busy: one at a time, same order");

	fill(c);
	ok(plugin_routing_order("round-robin", "x", 2, c, 4) == 1 &&
	    strcmp(c[0].jid, "a@x") == 0, "round-robin starts in configuration "
	    "order");
	plugin_routing_offered("round-robin", "x", "b@x");
	fill(c);
	plugin_routing_order("round-robin", "x", 2, c, 4);
	ok(strcmp(c[0].jid, "c@x") == 0 && strcmp(c[3].jid, "b@x") == 0,
	    "then takes turns after the last one offered");
	plugin_routing_offered("round-robin", "x", "d@x");
	fill(c);
	plugin_routing_order("round-robin", "x", 2, c, 4);
	ok(strcmp(c[0].jid, "a@x") == 0, "and wraps around");
	fill(c);
	plugin_routing_order("round-robin", "other", 2, c, 4);
	ok(strcmp(c[0].jid, "a@x") == 0, "turns are kept per office");
	ok(plugin_routing_order("magic", "x", 2, c, 4) == -1,
	    "an unknown strategy is refused");
	plugin_stop_all();
	conf_free(conf);
	return tap_done();
}
