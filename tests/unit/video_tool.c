/*
 * video_tool.c: prints what the video modules make, for
 * test_video_independent.py to check with other implementations (PyJWT,
 * python3-icalendar, hashlib, zoneinfo). Not installed.
 *
 *   video_tool jitsi SECRET_FILE APP_ID START END VISITOR PERSONA
 *   video_tool bbb SECRET_FILE sha1|sha256 VISITOR PERSONA TITLE
 *   video_tool ical TZ YYYY-MM-DD HH:MM MINUTES SUMMARY URL CONTACT
 *   video_tool slots TZ NOW DAYS NOTICE DAYMASK FROM TO SLOT [HOLIDAY...]
 *
 * jitsi and bbb print "room R", then "<who> <url>" lines; ical prints the
 * calendar (exit 2 if the local time does not exist); slots prints one
 * "start end" pair of epoch times per line. FROM and TO are minutes since
 * midnight, HOLIDAY is MM-DD or YYYY-MM-DD.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "conf.h"
#include "error.h"
#include "ical.h"
#include "log.h"
#include "plugin.h"
#include "slots.h"
#include "util.h"

static int
usage(void)
{
	fprintf(stderr, "usage: video_tool jitsi|bbb|ical|slots ...\n");
	return 1;
}

static struct conf *
load_plugin(const char *plugin)
{
	struct conf_errors errs = {0};
	char *xml = xasprintf("<accueil>\n"
	    "<server host='127.0.0.1' secret-file='s'/>\n"
	    "<component domain='a.example' muc='m.example'/>\n"
	    "<database path='db'/>\n"
	    "<bot id='adam' name='Adam'/>\n"
	    "<office id='cahors' name='C' timezone='Europe/Paris' "
	    "languages='fr' bot='adam'/>\n%s</accueil>\n", plugin);
	struct conf *c = conf_load_buffer("video_tool", "/", xml, strlen(xml),
	    0, &errs);
	size_t i;

	for (i = 0; i < errs.msgs.n; i++)
		fprintf(stderr, "%s\n", errs.msgs.v[i]);
	conf_errors_free(&errs);
	free(xml);
	if (c && plugin_start_all(c) < 0) {
		conf_free(c);
		c = NULL;
	}
	return c;
}

static int
print_meeting(struct conf *c, const struct accueil_meeting *m)
{
	struct accueil_meeting_links l;
	int r;

	if ((r = plugin_make_meeting(m, &l)) != ACCUEIL_OK) {
		fprintf(stderr, "video_tool: %s\n", accueil_strerror(r));
		plugin_stop_all();
		conf_free(c);
		return 1;
	}
	printf("room %s\n", m->room);
	if (l.setup_url)
		printf("setup %s\n", l.setup_url);
	printf("counsellor %s\n", l.counsellor_url);
	printf("visitor %s\n", l.visitor_url);
	plugin_meeting_links_free(&l);
	plugin_stop_all();
	conf_free(c);
	return 0;
}

static int
cmd_jitsi(int argc, char **argv)
{
	struct accueil_meeting m = {0};
	struct conf *c;
	char room[33], *xml;

	if (argc != 7)
		return usage();
	xml = xasprintf("<plugin name='jitsi'>"
	    "<option name='url' value='https://meet.example'/>"
	    "<option name='secret-file' value='%s'/>"
	    "<option name='app-id' value='%s'/></plugin>\n", argv[1], argv[2]);
	c = load_plugin(xml);
	free(xml);
	if (c == NULL || random_hex(room, 16) < 0)
		return 1;
	m.room = room;
	m.start = (time_t)strtoll(argv[3], NULL, 10);
	m.end = (time_t)strtoll(argv[4], NULL, 10);
	m.visitor = argv[5];
	m.persona = argv[6];
	m.office = "cahors";
	return print_meeting(c, &m);
}

static int
cmd_bbb(int argc, char **argv)
{
	struct accueil_meeting m = {0};
	struct conf *c;
	char room[33], *xml;

	if (argc != 6)
		return usage();
	xml = xasprintf("<plugin name='bigbluebutton'>"
	    "<option name='url' "
	    "value='https://bbb.example/bigbluebutton/api/'/>"
	    "<option name='secret-file' value='%s'/>"
	    "<option name='checksum' value='%s'/></plugin>\n", argv[1],
	    argv[2]);
	c = load_plugin(xml);
	free(xml);
	if (c == NULL || random_hex(room, 16) < 0)
		return 1;
	m.room = room;
	m.start = clock_now() + 3600;
	m.end = m.start + 1800;
	m.visitor = argv[3];
	m.persona = argv[4];
	m.office = "cahors";
	m.title = argv[5];
	return print_meeting(c, &m);
}

static int
cmd_ical(int argc, char **argv)
{
	struct ical_event ev = {0};
	int y, mo, d, h, mi;
	char *ics = NULL;
	int r;

	if (argc != 8 || sscanf(argv[2], "%d-%d-%d", &y, &mo, &d) != 3 ||
	    sscanf(argv[3], "%d:%d", &h, &mi) != 2)
		return usage();
	ev.tz = argv[1];
	if (slots_local_time(ev.tz, y, mo, d, h * 60 + mi, &ev.start) < 0)
		return 2;
	ev.end = ev.start + 60 * atoi(argv[4]);
	ev.stamp = clock_now();
	ev.domain = "accueil.example";
	ev.summary = argv[5];
	ev.description = "Rendez-vous vidéo; lien, ci-dessous:\n";
	ev.url = argv[6];
	ev.organizer = "Office de tourisme";
	ev.contact = argv[7];
	ev.alarm_min = 10;
	if ((r = ical_make_event(&ev, &ics)) != ACCUEIL_OK) {
		fprintf(stderr, "video_tool: %s\n", accueil_strerror(r));
		return 1;
	}
	fputs(ics, stdout);
	free(ics);
	return 0;
}

static int
cmd_slots(int argc, char **argv)
{
	struct conf_holiday hol[16];
	struct conf_office office = {0};
	struct conf_video v = {0};
	struct slots_query q = {0};
	struct slot out[512];
	size_t n, i;
	int k;

	if (argc < 9 || argc - 9 > (int)nitems(hol))
		return usage();
	office.timezone = argv[1];
	for (k = 9; k < argc; k++) {
		struct conf_date *dt = &hol[k - 9].date;

		memset(&hol[k - 9], 0, sizeof(hol[0]));
		if (sscanf(argv[k], "%d-%d-%d", &dt->year, &dt->month,
		    &dt->day) != 3) {
			dt->year = 0;
			if (sscanf(argv[k], "%d-%d", &dt->month, &dt->day) != 2)
				return usage();
		}
	}
	office.holidays = hol;
	office.nholidays = (size_t)(argc - 9);
	v.days = (unsigned)strtoul(argv[5], NULL, 0);
	v.from = atoi(argv[6]);
	v.to = atoi(argv[7]);
	v.slot = atoi(argv[8]);
	q.video = &v;
	q.nvideo = 1;
	q.office = &office;
	q.now = (time_t)strtoll(argv[2], NULL, 10);
	q.horizon_days = atoi(argv[3]);
	q.notice_min = atoi(argv[4]);
	if (slots_find(&q, out, nitems(out), &n) != ACCUEIL_OK)
		return 1;
	for (i = 0; i < n; i++)
		printf("%lld %lld\n", (long long)out[i].start,
		    (long long)out[i].end);
	return 0;
}

int
main(int argc, char **argv)
{
	log_init(1, LOG_LEVEL_WARN);
	if (argc < 2)
		return usage();
	if (strcmp(argv[1], "jitsi") == 0)
		return cmd_jitsi(argc - 1, argv + 1);
	if (strcmp(argv[1], "bbb") == 0)
		return cmd_bbb(argc - 1, argv + 1);
	if (strcmp(argv[1], "ical") == 0)
		return cmd_ical(argc - 1, argv + 1);
	if (strcmp(argv[1], "slots") == 0)
		return cmd_slots(argc - 1, argv + 1);
	return usage();
}
