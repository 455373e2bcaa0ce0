/*
 * test_room.c: whose lines are ours in a visitor's room. room_is_ours()
 * knows the office's bot nick, the set-up nick, the persona's current
 * nick and every nick that was ever ours there (cv->nicks, stored by
 * convdb_add_nick and brought back by convdb_load after a restart);
 * the visitor's nick is never ours.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "conf.h"
#include "convdb.h"
#include "log.h"
#include "registry.h"
#include "room.h"
#include "store.h"
#include "tap.h"
#include "util.h"

static const char xml[] =
    "<accueil>\n"
    "<server host='127.0.0.1' secret-file='s'/>\n"
    "<component domain='accueil.ot.example' muc='salons.ot.example'/>\n"
    "<database path='db'/>\n"
    "<bot id='adam' name='Adam'/>\n"
    "<bot id='eve' name='Ève'/>\n"
    "<office id='cahors' name='Cahors' timezone='UTC' languages='fr' "
    "bot='adam'/>\n"
    "<office id='figeac' name='Figeac' timezone='UTC' languages='fr' "
    "bot='eve'/>\n"
    "<counsellor jid='marie@ot.example' persona='claire' name='Claire' "
    "languages='fr' offices='cahors figeac'/>\n"
    "</accueil>\n";

static struct conv *reloaded;

static void
keep(struct app *app, struct conv *cv)
{
	(void)app;
	if (reloaded == NULL && strcmp(cv->id, "v-aa") == 0)
		reloaded = cv;
	else
		conv_free(cv);
}

static struct conv *
make(const char *id, const char *office)
{
	struct conv *cv = conv_alloc();

	cv->id = xstrdup(id);
	cv->office = xstrdup(office);
	cv->room = xasprintf("%s@salons.ot.example", id);
	cv->password = xstrdup("pw");
	cv->visitor = xstrdup("ana@ex.org/phone");
	cv->lang = xstrdup("fr");
	cv->lang_source = xstrdup("form");
	cv->created = store_now();
	return cv;
}

int
main(void)
{
	struct conf_errors errs = {0};
	struct app app = {0};
	enum accueil_err e;
	struct conv *cv, *other;

	log_init(1, LOG_LEVEL_ERROR);
	app.conf =
	    conf_load_buffer("t", "/tmp", xml, sizeof(xml) - 1, 0, &errs);
	ok(app.conf != NULL, "config loads");
	app.store = store_open(":memory:", &e);
	ok(app.store != NULL, "in-memory store");
	if (app.conf == NULL || app.store == NULL) {
		size_t i;

		for (i = 0; i < errs.msgs.n; i++)
			diag("%s", errs.msgs.v[i]);
		conf_errors_free(&errs);
		return tap_done();
	}

	cv = make("v-aa", "cahors");
	is_int(convdb_insert(&app, cv, NULL, NULL, 0, NULL), 0, "stored");
	is_str(room_bot_nick(&app, cv), "Adam",
	    "the bot's nick is the "
	    "office's bot name");
	is_str(room_bot_id(&app, cv), "adam", "the bot's localpart");
	ok(room_is_ours(&app, cv, "Adam"), "the bot's nick is ours");
	ok(room_is_ours(&app, cv, ROOM_SETUP_NICK), "the set-up nick is ours");
	ok(!room_is_ours(&app, cv, "Ana"), "the visitor's nick is not ours");
	ok(!room_is_ours(&app, cv, "Claire"), "a persona nick not used here "
	                                      "is not ours");
	ok(!room_is_ours(&app, cv, "adam"), "nicks compare exactly: "
	                                    "\"adam\" is not the bot \"Adam\"");
	ok(!room_is_ours(&app, cv, ""), "the empty nick is not ours");

	/* the persona joins under a nick */
	cv->persona_nick = xstrdup("Claire");
	ok(room_is_ours(&app, cv, "Claire"), "the persona's current nick is "
	                                     "ours");
	ok(!room_is_ours(&app, cv, "Ana"), "the visitor still is not");
	is_int(convdb_add_nick(&app, cv, "Claire"), 0,
	    "its nick is "
	    "remembered");

	/* a nick conflict, then a transfer: the old nicks stay ours */
	free(cv->persona_nick);
	cv->persona_nick = xstrdup("Claire (2)");
	convdb_add_nick(&app, cv, "Claire (2)");
	free(cv->persona_nick);
	cv->persona_nick = xstrdup("Pierre");
	convdb_add_nick(&app, cv, "Pierre");
	ok(room_is_ours(&app, cv, "Claire") &&
	        room_is_ours(&app, cv, "Claire (2)"),
	    "earlier persona nicks stay ours");
	ok(room_is_ours(&app, cv, "Pierre"), "and the current one");
	free(cv->persona_nick);
	cv->persona_nick = NULL;
	ok(room_is_ours(&app, cv, "Pierre"), "after the persona left, its "
	                                     "nick is still ours");
	ok(!room_is_ours(&app, cv, "Ana"), "never the visitor's");
	ok(!room_is_ours(&app, cv, "Claire (3)"), "a nick we never used is "
	                                          "not ours");

	/* a nick added straight to cv->nicks (as convdb_load does) */
	strlist_add(&cv->nicks, "Adam (bot)");
	ok(room_is_ours(&app, cv, "Adam (bot)"), "a nick in cv->nicks is ours");

	/* after a restart: the store brings the nicks back */
	is_int(convdb_load(&app, keep), 1, "the conversation loads");
	ok(reloaded != NULL, "v-aa is back");
	if (reloaded) {
		ok(room_is_ours(&app, reloaded, "Claire") &&
		        room_is_ours(&app, reloaded, "Claire (2)") &&
		        room_is_ours(&app, reloaded, "Pierre"),
		    "after a restart "
		    "every nick that was ours still is");
		ok(reloaded->persona_nick == NULL, "(no persona in the room "
		                                   "yet)");
		ok(!room_is_ours(&app, reloaded, "Ana"), "and the visitor's "
		                                         "is not");
		ok(!room_is_ours(&app, reloaded, "Adam (bot)"),
		    "a nick never "
		    "stored does not come back");
		conv_free(reloaded);
	}

	/* nicks are per room */
	other = make("v-bb", "cahors");
	convdb_insert(&app, other, NULL, NULL, 0, NULL);
	ok(!room_is_ours(&app, other, "Pierre"), "another room does not "
	                                         "share this room's nicks");
	ok(room_is_ours(&app, other, "Adam"), "but has the same bot");
	conv_free(other);

	/* another office, another bot */
	other = make("v-cc", "figeac");
	is_str(room_bot_nick(&app, other), "Ève", "the other office's bot");
	ok(room_is_ours(&app, other, "Ève") &&
	        !room_is_ours(&app, other, "Adam"),
	    "its bot is ours there, the first office's is not");
	conv_free(other);

	/* an office that left the configuration */
	other = make("v-dd", "gourdon");
	ok(room_bot_id(&app, other) == NULL, "no bot for an unknown office");
	is_str(room_bot_nick(&app, other), "accueil", "the fallback nick");
	ok(room_is_ours(&app, other, "accueil"), "which is ours");
	conv_free(other);

	/* closing forgets the nicks in the store */
	convdb_close(&app, cv, "done");
	reloaded = NULL;
	convdb_load(&app, keep);
	ok(reloaded == NULL, "a closed conversation does not come back");
	conv_free(reloaded);
	conv_free(cv);
	store_close(app.store);
	conf_free(app.conf);
	conf_errors_free(&errs);
	return tap_done();
}
