/*
 * test_conf.c: the configuration parser: a good file, the shipped example,
 * and broken files that must each be refused with the right line.
 */
#include "config.h"

#include <sys/stat.h>

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "log.h"
#include "tap.h"

#define HEAD "<accueil>\n" \
	"<server host='127.0.0.1' secret-file='s'/>\n" \
	"<component domain='accueil.ot.example' muc='salons.ot.example'/>\n" \
	"<database path='db'/>\n" \
	"<bot id='adam' name='Adam'/>\n"
/* HEAD has 5 lines; the line after it is line 6. */
#define OFFICE "<office id='cahors' name='Cahors' timezone='Europe/Paris' " \
	"languages='fr en' bot='adam'>\n" \
	"<hours days='mon-fri' open='09:00' close='18:00'/>\n" \
	"</office>\n"
#define TAIL "</accueil>\n"

static struct conf *
load(const char *xml, struct conf_errors *errs)
{
	return conf_load_buffer("t.xml", "/tmp", xml, strlen(xml), 0, errs);
}

/* Expects xml to be refused with an error at line mentioning needle. */
static void
refused(const char *what, const char *xml, int line, const char *needle)
{
	struct conf_errors errs = {0};
	struct conf *c = load(xml, &errs);
	char prefix[32];
	size_t i;
	int found = 0;

	snprintf(prefix, sizeof(prefix), "t.xml:%d: ", line);
	for (i = 0; i < errs.msgs.n; i++)
		if (strncmp(errs.msgs.v[i], prefix, strlen(prefix)) == 0 &&
		    strstr(errs.msgs.v[i], needle))
			found = 1;
	ok(c == NULL && found, "refused: %s", what);
	if (!found)
		for (i = 0; i < errs.msgs.n; i++)
			diag("error: %s", errs.msgs.v[i]);
	/* every message names a line */
	for (i = 0; i < errs.msgs.n; i++)
		if (strncmp(errs.msgs.v[i], "t.xml:", 6) != 0)
			ok(0, "message without file:line: %s", errs.msgs.v[i]);
	conf_free(c);
	conf_errors_free(&errs);
}

static void
test_good(void)
{
	struct conf_errors errs = {0};
	struct conf *c = load(HEAD OFFICE
	    "<counsellor jid='marie@ot.example' persona='claire' name='Claire'"
	    " languages='fr en' offices='cahors'>\n"
	    "<video days='tue thu' from='14:00' to='17:00'/>\n"
	    "</counsellor>\n"
	    "<plugin name='cld2'><option name='min-bytes' value='20'/></plugin>"
	    TAIL, &errs);
	const struct conf_office *o;
	const struct conf_counsellor *co;
	size_t i;

	ok(c != NULL, "a good configuration loads");
	for (i = 0; i < errs.msgs.n; i++)
		diag("%s", errs.msgs.v[i]);
	if (c == NULL)
		return;
	is_int(c->server_port, 5347, "port defaults to 5347");
	is_str(c->lang, "fr", "component lang defaults to fr");
	is_str(c->secret_file, "/tmp/s", "relative paths resolve against "
	    "the config's directory");
	is_int(c->retention_days, 365, "retention defaults to 365 days");
	ok(c->pool_min == 2 && c->pool_max == 50 && c->pool_window == 60 &&
	    c->pool_idle == 1800 && c->pool_setups == 64,
	    "<room-pool> defaults without the element");
	o = conf_office(c, "cahors");
	ok(o != NULL, "office found");
	is_str(o->default_lang, "fr", "default-lang defaults to the first "
	    "language");
	is_int(o->offer_size, 2, "offer-size defaults to 2 (the seeds)");
	is_int(o->hours[0].days, 0x3e, "mon-fri is days 1..5");
	is_int(o->hours[0].open, 540, "09:00 is 540 minutes");
	co = conf_counsellor_by_persona(c, "claire");
	ok(co && co->max_chats == 3, "max-chats defaults to 3");
	ok(co && strcmp(co->lang, "fr") == 0, "counsellor lang defaults to "
	    "their first language");
	ok(co && co->nvideo == 1 && co->video[0].slot == 30,
	    "video slot defaults to 30 minutes");
	ok(conf_counsellor_by_jid(c, "MARIE@ot.example") != NULL,
	    "counsellor JIDs compare case-insensitively");
	is_str(conf_plugin_option(conf_plugin(c, "cld2"), "min-bytes"), "20",
	    "plugin option read");
	conf_free(c);
}

static void
test_example(void)
{
	struct conf_errors errs = {0};
	const char *src = getenv("ACCUEIL_SRCDIR");
	char path[PATH_MAX];
	struct conf *c;
	FILE *fp;
	char *data;
	long n;
	size_t i;

	snprintf(path, sizeof(path), "%s/config/accueil.conf.xml",
	    src ? src : "..");
	if ((fp = fopen(path, "r")) == NULL) {
		ok(0, "example config readable at %s", path);
		return;
	}
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	rewind(fp);
	data = calloc(1, (size_t)n + 1);
	if (fread(data, 1, (size_t)n, fp) != (size_t)n)
		n = 0;
	fclose(fp);
	/* avatars of the example are checked by the demo; here only XML */
	c = conf_load_buffer(path, "/nonexistent", data, (size_t)n, 0, &errs);
	for (i = 0; i < errs.msgs.n; i++)
		if (strstr(errs.msgs.v[i], "avatar") == NULL)
			ok(0, "example config: %s", errs.msgs.v[i]);
	ok(1, "config/accueil.conf.xml has no error besides avatar paths");
	conf_free(c);
	conf_errors_free(&errs);
	free(data);
}

static void
test_refused(void)
{
	refused("not XML", HEAD "<office", 6, "XML error");
	refused("unknown element", HEAD OFFICE "<offfice id='x'/>\n" TAIL, 9,
	    "unknown element <offfice>");
	refused("unknown attribute", HEAD "<office id='x' name='X' "
	    "timezone='UTC' languages='fr' bot='adam' colour='green'/>\n"
	    TAIL, 6, "unknown attribute 'colour'");
	refused("missing attribute", HEAD "<office id='x' name='X' "
	    "languages='fr' bot='adam'/>\n" TAIL, 6,
	    "missing attribute 'timezone'");
	refused("bad time zone", HEAD "<office id='x' name='X' "
	    "timezone='Europe/Cahors' languages='fr' bot='adam'/>\n" TAIL, 6,
	    "unknown time zone");
	refused("bad hour", HEAD "<office id='x' name='X' timezone='UTC' "
	    "languages='fr' bot='adam'>\n<hours days='mon' open='9h' "
	    "close='18:00'/>\n</office>\n" TAIL, 7, "expected a time HH:MM");
	refused("bad day", HEAD "<office id='x' name='X' timezone='UTC' "
	    "languages='fr' bot='adam'>\n<hours days='lundi' open='09:00' "
	    "close='18:00'/>\n</office>\n" TAIL, 7, "expected days");
	refused("open after close", HEAD "<office id='x' name='X' "
	    "timezone='UTC' languages='fr' bot='adam'>\n<hours days='mon' "
	    "open='18:00' close='09:00'/>\n</office>\n" TAIL, 7,
	    "open must be before close");
	refused("number out of range", HEAD "<office id='x' name='X' "
	    "timezone='UTC' languages='fr' bot='adam' offer-size='0'/>\n"
	    TAIL, 6, "from 1 to 50");
	refused("not a number", "<accueil>\n<server host='h' port='http' "
	    "secret-file='s'/>\n" TAIL, 2, "expected a whole number");
	refused("bad language", HEAD "<office id='x' name='X' timezone='UTC' "
	    "languages='fr English' bot='adam'/>\n" TAIL, 6,
	    "not a valid language code");
	refused("undeclared bot", HEAD "<office id='x' name='X' "
	    "timezone='UTC' languages='fr' bot='eve'/>\n" TAIL, 6,
	    "bot \"eve\" is not declared");
	refused("persona collides with office", HEAD OFFICE
	    "<counsellor jid='a@ot.example' persona='cahors' name='A' "
	    "languages='fr' offices='cahors'/>\n" TAIL, 9, "collides");
	refused("v- prefix reserved", HEAD OFFICE
	    "<counsellor jid='a@ot.example' persona='v-anna' name='A' "
	    "languages='fr' offices='cahors'/>\n" TAIL, 9, "reserved");
	refused("unknown office of a counsellor", HEAD OFFICE
	    "<counsellor jid='a@ot.example' persona='anna' name='A' "
	    "languages='fr' offices='figeac'/>\n" TAIL, 9,
	    "office \"figeac\" is not declared");
	refused("bad JID", HEAD OFFICE "<admin jid='not a jid'/>\n" TAIL, 9,
	    "expected a bare JID");
	refused("missing server", "<accueil>\n<component domain='a.b' "
	    "muc='m.b'/>\n</accueil>\n", 1, "missing <server>");
	refused("duplicate singleton", HEAD "<database path='x'/>\n" OFFICE
	    TAIL, 1, "may appear only 1 time");
	refused("wrong root", "<config/>\n", 1, "root element must be");
	refused("unknown plugin", HEAD OFFICE "<plugin name='magic'/>\n" TAIL,
	    9, "unknown plugin \"magic\"");
	refused("bad date", HEAD "<office id='x' name='X' timezone='UTC' "
	    "languages='fr' bot='adam'>\n<holiday date='2026-02-30'/>\n"
	    "</office>\n" TAIL, 7, "expected a date");
	refused("fallback not spoken", HEAD "<office id='x' name='X' "
	    "timezone='UTC' languages='fr' fallback-langs='en' bot='adam'/>\n"
	    TAIL, 6, "fallback language \"en\"");
	refused("doctype", "<!DOCTYPE accueil [<!ENTITY x 'y'>]>\n<accueil/>",
	    1, "DOCTYPE");
	refused("unknown routing strategy", HEAD "<office id='x' name='X' "
	    "timezone='UTC' languages='fr' bot='adam' routing='lottery'/>\n"
	    TAIL, 6, "unknown routing \"lottery\"");
	refused("unknown variable in a canned answer", HEAD OFFICE
	    "<canned key='prix' lang='fr'>Bonjour {prenom}, le tarif est "
	    "{prix}.</canned>\n" TAIL, 9, "unknown variable {prix}");
	refused("an office's name twice in one language", HEAD "<office "
	    "id='x' name='X' timezone='UTC' languages='fr' bot='adam'>\n"
	    "<name lang='en'>X office</name>\n<name lang='en'>Y</name>\n"
	    "</office>\n" TAIL, 8, "<name lang=\"en\"> is already given");
	refused("an empty title", HEAD OFFICE "<counsellor jid='a@ot.example' "
	    "persona='anna' name='A' languages='fr' offices='cahors'>\n"
	    "<title lang='en'> </title>\n</counsellor>\n" TAIL, 10,
	    "expected text inside the element");
	refused("room pool min above max", HEAD OFFICE "<room-pool min='9' "
	    "max='3'/>\n" TAIL, 9, "min (9) is greater than max (3)");
	refused("text where none belongs", HEAD OFFICE "<admin "
	    "jid='a@ot.example'>hello</admin>\n" TAIL, 9, "text is not allowed");
}

static void
test_all_errors_reported(void)
{
	struct conf_errors errs = {0};
	struct conf *c = load(HEAD "<office id='x' name='X' timezone='Nowhere'"
	    " languages='fr' bot='adam' offer-size='-1' foo='1'/>\n" TAIL,
	    &errs);

	ok(c == NULL && errs.msgs.n == 3, "all errors are reported, not only "
	    "the first (got %zu)", errs.msgs.n);
	conf_errors_free(&errs);
}

static char *
write_file(const char *dir, const char *name, const char *text, mode_t mode)
{
	char *path = malloc(PATH_MAX);
	FILE *fp;

	snprintf(path, PATH_MAX, "%s/%s", dir, name);
	fp = fopen(path, "w");
	fputs(text, fp);
	fclose(fp);
	chmod(path, mode);
	return path;
}

static void
test_secret_file(void)
{
	char dir[] = "/tmp/accueil-test-XXXXXX";
	struct conf_errors errs = {0};
	struct conf *c;
	char *conf_path, *secret_path;

	if (mkdtemp(dir) == NULL) {
		ok(0, "mkdtemp");
		return;
	}
	secret_path = write_file(dir, "s", "s3cret\n", 0644);
	conf_path = write_file(dir, "accueil.conf.xml", HEAD OFFICE TAIL, 0644);
	c = conf_load(conf_path, &errs);
	ok(c == NULL && errs.msgs.n == 1 &&
	    strstr(errs.msgs.v[0], "readable by group or others") &&
	    strstr(errs.msgs.v[0], ":2: "),
	    "a world-readable secret file is refused, naming the line");
	conf_errors_free(&errs);
	chmod(secret_path, 0600);
	c = conf_load(conf_path, &errs);
	ok(c != NULL && c->secret && strcmp(c->secret, "s3cret") == 0,
	    "a 0600 secret file is read, trailing newline removed");
	if (c) {
		char *dump = NULL;
		size_t len = 0;
		FILE *mem = open_memstream(&dump, &len);

		conf_dump(c, mem);
		fclose(mem);
		ok(strstr(dump, "s3cret") == NULL && strstr(dump, "********"),
		    "the effective config masks the secret");
		ok(strstr(dump, "days=\"mon tue wed thu fri\"") != NULL,
		    "the effective config shows parsed values");
		free(dump);
	}
	conf_free(c);
	unlink(secret_path);
	c = conf_load(conf_path, &errs);
	ok(c == NULL && errs.msgs.n == 1 && strstr(errs.msgs.v[0],
	    "No such file"), "a missing secret file is refused");
	conf_errors_free(&errs);
	unlink(conf_path);
	rmdir(dir);
	free(conf_path);
	free(secret_path);
	c = conf_load("/nonexistent/accueil.conf.xml", &errs);
	ok(c == NULL && errs.msgs.n == 1, "a missing config file is refused");
	conf_errors_free(&errs);
}

int
main(void)
{
	log_init(1, LOG_LEVEL_ERROR);
	test_good();
	test_example();
	test_refused();
	test_all_errors_reported();
	test_secret_file();
	return tap_done();
}
