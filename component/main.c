/*
 * main.c: accueild, the remote front desk component.
 *
 * Parses arguments, loads the configuration, opens the store, connects to
 * the XMPP server and runs the single event loop. Signal handlers only set
 * flags; the loop acts on them: SIGHUP reloads the configuration (an
 * invalid one is refused and the running one stays), SIGTERM and SIGINT
 * shut down cleanly.
 */
#include "config.h"

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "adhoc.h"
#include "adhoc_conv.h"
#include "app.h"
#include "appointments.h"
#include "clock.h"
#include "conf.h"
#include "canned.h"
#include "catchup.h"
#include "cmds.h"
#include "console.h"
#include "conv.h"
#include "desk.h"
#include "event.h"
#include "evplugins.h"
#include "followup.h"
#include "intake.h"
#include "link.h"
#include "log.h"
#include "office.h"
#include "offline.h"
#include "outbox.h"
#include "persona.h"
#include "ratelimit.h"
#include "subs.h"
#include "plugin.h"
#include "router.h"
#include "registry.h"
#include "relay.h"
#include "room.h"
#include "room_setup.h"
#include "roompool.h"
#include "routing.h"
#include "review.h"
#include "service.h"
#include "stats.h"
#include "survey.h"
#include "transcript.h"
#include "territory.h"
#include "staff.h"
#include "stanza.h"
#include "store.h"
#include "util.h"
#include "video.h"
#include "resume.h"
#include "supervise.h"
#include "vpresence.h"
#include "wire.h"
#include "weekly.h"

#ifndef ACCUEIL_CONF_PATH
#define ACCUEIL_CONF_PATH "/etc/accueil/accueil.conf.xml"
#endif

static volatile sig_atomic_t got_term, got_hup;
static int ready_logged;

static void
on_signal(int sig)
{
	if (sig == SIGHUP)
		got_hup = 1;
	else
		got_term = 1;
}

static void
usage(FILE *fp)
{
	fprintf(fp,
	    "usage: accueild [-dn] [-f config]\n"
	    "  -f FILE    configuration file (default %s)\n"
	    "  -n         check the configuration, print it with the secret "
	    "masked, exit\n"
	    "  -d         stay in the foreground and log debug to stderr\n"
	    "  -v         verbose: log debug (with -d)\n"
	    "  --version  print the version\n"
	    "  --help     this help\n"
	    "Signals: HUP reloads the configuration, TERM stops.\n",
	    ACCUEIL_CONF_PATH);
}

static void
print_errors(const struct conf_errors *errs)
{
	size_t i;

	for (i = 0; i < errs->msgs.n; i++)
		log_warnx("%s", errs->msgs.v[i]);
}

static void
link_params_from(const struct conf *conf, struct link_params *p)
{
	p->host = conf->server_host;
	p->port = conf->server_port;
	p->domain = conf->domain;
	p->secret = conf->secret;
	p->reconnect_min = conf->reconnect_min;
	p->reconnect_max = conf->reconnect_max;
}

/* Every second: the store's test size limit, the probe while it fails. */
static int
store_test_tick(void *ud)
{
	struct app *app = ud;

	store_test_limit(app->store);
	store_probe(app->store);
	return 1;
}

/* Hourly: the retention policy. */
static int
purge_tick(void *ud)
{
	struct app *app = ud;
	int n = store_purge(app->store, app->conf->retention_days);

	if (n > 0)
		log_info("retention: %d session%s older than %d days purged", n,
		    n == 1 ? "" : "s", app->conf->retention_days);
	return 1;
}

static void
on_up(void *ud)
{
	struct app *app = ud;

	desk_resync(app);
	staff_resync(app);
	conv_resync(app);
	roompool_resync(app);
	if (!ready_logged) {
		log_info("accueild ready: %zu office%s, %zu counsellor%s",
		    app->conf->noffices, app->conf->noffices == 1 ? "" : "s",
		    app->conf->ncounsellors,
		    app->conf->ncounsellors == 1 ? "" : "s");
		ready_logged = 1;
	} else
		log_info("accueild ready again after reconnecting");
}

static void
on_down(void *ud)
{
	struct app *app = ud;

	staff_forget();
	conv_link_down(app);
	roompool_link_down(app);
}

static void
on_stanza(xmpp_stanza_t *st, void *ud)
{
	router_dispatch(ud, st);
}

/*
 * Group commit: the writes so far, right before the socket write of what
 * tells of them. Committed at every run of the loop, queue or not, so
 * the rows readers see (accueilctl, the tests) lag by one turn at most.
 */
static int
on_flush(int queued, void *ud)
{
	struct app *app = ud;

	return store_batch_commit(app->store);
}

static void
reload(struct app *app)
{
	struct conf_errors errs = {0};
	struct conf *next;
	struct link_params lp;

	log_info("reloading %s", app->conf->path);
	if ((next = conf_load(app->conf->path, &errs)) == NULL) {
		print_errors(&errs);
		log_warnx("reload refused: %zu error%s in %s; the running "
		    "configuration stays in force", errs.msgs.n,
		    errs.msgs.n == 1 ? "" : "s", app->conf->path);
		conf_errors_free(&errs);
		return;
	}
	if (strcmp(next->db_path, app->conf->db_path) != 0)
		log_warnx("reload: the database path changed; it takes effect "
		    "at the next restart");
	if (plugin_start_all(next) < 0 || evplugins_start(app, next) < 0) {
		log_warnx("reload refused: a plugin failed to start; the "
		    "running configuration stays in force");
		plugin_start_all(app->conf);
		evplugins_start(app, app->conf);
		conf_free(next);
		return;
	}
	conf_free(app->conf);
	app->conf = next;
	link_params_from(next, &lp);
	link_configure(app->link, &lp);
	desk_reset();
	persona_reload(app);
	canned_seed(app);
	if (link_is_up(app->link)) {
		desk_resync(app);
		staff_resync(app);
	}
	log_info("configuration reloaded");
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{"version", no_argument, NULL, 'V'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *path = ACCUEIL_CONF_PATH;
	struct conf_errors errs = {0};
	struct link_listener ll;
	struct link_params lp;
	struct app app = {0};
	struct sigaction sa;
	enum accueil_err e;
	int ch, check = 0, debug = 0, verbose = 0;

	while ((ch = getopt_long(argc, argv, "df:nvh", longopts, NULL)) != -1) {
		switch (ch) {
		case 'd':
			debug = 1;
			break;
		case 'f':
			path = optarg;
			break;
		case 'n':
			check = 1;
			break;
		case 'v':
			verbose = 1;
			break;
		case 'V':
			printf("accueild %s\n", PACKAGE_VERSION);
			return 0;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 1;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 1;
	}
	/* ACCUEIL_VERBOSE=1 in the environment: as -v (for test runs) */
	if (getenv("ACCUEIL_VERBOSE") && strcmp(getenv("ACCUEIL_VERBOSE"),
	    "1") == 0)
		verbose = 1;
	log_init(debug || check, verbose ? LOG_LEVEL_DEBUG : LOG_LEVEL_INFO);

	if ((app.conf = conf_load(path, &errs)) == NULL) {
		print_errors(&errs);
		log_warnx("%s: %zu error%s, configuration refused", path,
		    errs.msgs.n, errs.msgs.n == 1 ? "" : "s");
		conf_errors_free(&errs);
		return 1;
	}
	if (check) {
		/* plugins check what only they can: secret files, providers */
		int ok = plugin_start_all(app.conf) == 0 &&
		    evplugins_start(&app, app.conf) == 0;

		plugin_stop_all();
		evplugins_stop();
		if (!ok) {
			log_warnx("%s: a plugin refused its options (see above)",
			    path);
			conf_free(app.conf);
			return 1;
		}
		conf_dump(app.conf, stdout);
		fprintf(stderr, "%s: configuration OK\n", path);
		conf_free(app.conf);
		return 0;
	}

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	if ((app.store = store_open(app.conf->db_path, &e)) == NULL) {
		log_warnx("cannot open the database %s: %s",
		    app.conf->db_path, accueil_strerror(e));
		conf_free(app.conf);
		return 1;
	}
	if (plugin_start_all(app.conf) < 0 ||
	    evplugins_start(&app, app.conf) < 0) {
		store_close(app.store);
		conf_free(app.conf);
		return 1;
	}
	app.started = clock_now();

	xmpp_initialize();
	ll.up = on_up;
	ll.down = on_down;
	ll.stanza = on_stanza;
	ll.flush = on_flush;
	ll.ud = &app;
	app.link = link_new(&ll);
	app.ctx = link_ctx(app.link);
	persona_reload(&app);
	/* the core's events and who listens, from the bottom up */
	wire_hooks();
	conv_load(&app);
	roompool_load(&app);
	canned_seed(&app);
	subs_load(&app);
	wire_routes();
	link_params_from(app.conf, &lp);
	link_configure(app.link, &lp);
	link_timer_add(app.link, 5 * 1000, desk_tick, &app);
	link_timer_add(app.link, 2 * 1000, routing_tick, &app);
	link_timer_add(app.link, 1000, routing_second, &app);
	link_timer_add(app.link, 1000, staff_tick, &app);
	link_timer_add(app.link, 10 * 1000, appointments_tick, &app);
	link_timer_add(app.link, 3600 * 1000, purge_tick, &app);
	link_timer_add(app.link, 30 * 1000, weekly_tick, &app);
	purge_tick(&app);
	link_timer_add(app.link, 1000, conv_tick, &app);
	link_timer_add(app.link, 1000, roompool_tick, &app);
	link_timer_add(app.link, DESK_FLUSH_MS, desk_flush_tick, &app);
	link_timer_add(app.link, 1000, vpresence_tick, &app);
	link_timer_add(app.link, 1000, evplugins_tick, &app);
	link_timer_add(app.link, 1000, ratelimit_tick, &app);
	link_timer_add(app.link, 5 * 1000, subs_tick, &app);
	link_timer_add(app.link, 1000, store_test_tick, &app);
	store_test_tick(&app);
	link_timer_add(app.link, 1000, outbox_tick, &app);
	link_timer_add(app.link, 5 * 1000, followup_tick, &app);
	log_info("accueild %s starting for %s", PACKAGE_VERSION,
	    app.conf->domain);
	link_start(app.link);
	store_batch_open(app.store);

	while (!got_term) {
		int flushes;

		link_run_once(app.link, 100);
		/*
		 * libstrophe writes what the handlers queued at the start of
		 * its next run: run it again at once (a few times, as those
		 * runs may read and queue more); relay_written follows the
		 * rows handed with a barrier IQ, whose answer marks them
		 * relayed.
		 */
		relay_written(&app);
		for (flushes = 0; flushes < 4 && link_queue_len(app.link) > 0;
		    flushes++) {
			link_run_once(app.link, 0);
			relay_written(&app);
		}
		/* what closed is freed once its last words were written */
		conv_reap(&app);
		if (got_hup || app.reload_requested) {
			got_hup = 0;
			app.reload_requested = 0;
			reload(&app);
		}
	}

	log_info("shutting down");
	if (link_is_up(app.link)) {
		conv_shutdown(&app);
		roompool_shutdown(&app);
		staff_shutdown(&app);
		desk_shutdown(&app);
		relay_drain(&app, 2000);	/* the last rows confirmed */
	}
	outbox_shutdown(&app);
	link_stop(app.link, 3000);
	/* before the link's context goes: lines held for a catch-up are
	 * stanzas of that context */
	routing_free_all();
	conv_free_all();
	roompool_free_all();
	room_setup_free_all();
	link_free(app.link);
	xmpp_shutdown();
	plugin_stop_all();
	evplugins_stop();
	desk_reset();
	vpresence_free_all();
	supervise_free_all();
	resume_free_all();
	followup_form_free();
	ratelimit_free_all();
	subs_free_all();
	event_clear();
	video_free_all();
	staff_free_all();
	persona_free_all();
	store_close(app.store);
	conf_free(app.conf);
	log_info("stopped");
	return 0;
}
