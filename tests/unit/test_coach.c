/*
 * test_coach.c: the editorial coach (plugins/coach.c) driven through its
 * plugin ABI with a fake host, over thousands of conversations: each
 * event finds its own conversation (the table by id), closed ones are
 * forgotten, and the timed hints go to the right counsellors, once.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "component/plugin_events.h"
#include "tap.h"

extern const struct accueil_ev_plugin accueil_coach_plugin;

#define N 3000

struct hint {
	char conv[32], to[64];
	int pending;	/* 1: the "waits for 2 minutes" hint */
};

static struct hint hints[4 * N];
static int nhints;

static void
fake_hint(void *host, const char *conv, const char *counsellor,
    const char *text)
{
	(void)host;
	if (nhints >= (int)(sizeof(hints) / sizeof(hints[0])))
		return;
	snprintf(hints[nhints].conv, sizeof(hints[0].conv), "%s", conv);
	snprintf(hints[nhints].to, sizeof(hints[0].to), "%s", counsellor);
	hints[nhints].pending = strstr(text, "2 minutes") != NULL;
	nhints++;
}

static const char *
fake_lang(void *host, const char *counsellor)
{
	(void)host;
	(void)counsellor;
	return "fr";
}

static void
fake_log(const char *fmt, ...)
{
	(void)fmt;
}

static const struct accueil_ev_host host = {
	.abi = ACCUEIL_EV_ABI,
	.hint = fake_hint,
	.staff_lang = fake_lang,
	.log_info = fake_log,
};

static void
send_ev(void *st, enum accueil_ev_kind kind, int i, const char *who,
    int64_t now)
{
	struct accueil_ev ev;
	char conv[32];

	snprintf(conv, sizeof(conv), "v-%d", i);
	memset(&ev, 0, sizeof(ev));
	ev.kind = kind;
	ev.conv = conv;
	ev.office = "cahors";
	ev.lang = "fr";
	ev.counsellor = who;
	ev.text = kind == ACCUEIL_EV_COUNSELLOR_TEXT ? "Bonjour, voici." : NULL;
	ev.now = now;
	ev.created = 1000;
	ev.plugin_on = 1;
	accueil_coach_plugin.event(st, &ev);
}

static void
tick(void *st, int64_t now)
{
	struct accueil_ev ev;

	memset(&ev, 0, sizeof(ev));
	ev.kind = ACCUEIL_EV_TICK;
	ev.now = now;
	accueil_coach_plugin.event(st, &ev);
}

int
main(void)
{
	void *st = accueil_coach_plugin.start(&host, NULL);
	char who[64];
	int i, k, bad, pending, slow, seen[N];

	ok(st != NULL, "the coach starts");
	/* every conversation offered to two counsellors: c<i%7> and c<i%5+7> */
	for (i = 0; i < N; i++) {
		snprintf(who, sizeof(who), "c%d@ot.example", i % 7);
		send_ev(st, ACCUEIL_EV_OFFERED, i, who, 1000);
		snprintf(who, sizeof(who), "c%d@ot.example", i % 5 + 7);
		send_ev(st, ACCUEIL_EV_OFFERED, i, who, 1000);
	}
	/* one in three taken (by its first counsellor), one in four closed */
	for (i = N - 1; i >= 0; i--) {
		if (i % 4 == 1)
			send_ev(st, ACCUEIL_EV_CLOSED, i, NULL, 1010);
		else if (i % 3 == 0) {
			snprintf(who, sizeof(who), "c%d@ot.example", i % 7);
			send_ev(st, ACCUEIL_EV_TAKEN, i, who, 1010);
			send_ev(st, ACCUEIL_EV_COUNSELLOR_TEXT, i, who, 1011);
		}
	}
	nhints = 0;
	/* the taken ones' visitors write, then wait */
	for (i = 0; i < N; i += 3)
		if (i % 4 != 1)
			send_ev(st, ACCUEIL_EV_VISITOR_TEXT, i, NULL, 1100);
	tick(st, 1000 + 120);	/* 2 minutes after the requests */
	memset(seen, 0, sizeof(seen));
	bad = pending = slow = 0;
	for (k = 0; k < nhints; k++) {
		i = atoi(hints[k].conv + 2);
		if (i < 0 || i >= N || i % 4 == 1 || !hints[k].pending ||
		    i % 3 == 0) {
			bad++;
			continue;
		}
		snprintf(who, sizeof(who), "c%d@ot.example", seen[i] == 0 ?
		    i % 7 : i % 5 + 7);
		if (strcmp(hints[k].to, who) != 0)
			bad++;
		seen[i]++;
		pending++;
	}
	for (i = 0, k = 0; i < N; i++)
		if (i % 4 != 1 && i % 3 != 0)
			k++;
	ok(bad == 0, "pending hints only for waiting, open conversations, to "
	    "their counsellors in offer order (%d wrong)", bad);
	ok(pending == 2 * k, "each waiting one's two counsellors told (%d of "
	    "%d)", pending, 2 * k);
	nhints = 0;
	tick(st, 1000 + 130);
	ok(nhints == 0, "told once (%d more after 10 s)", nhints);
	tick(st, 1100 + 90);	/* 90 s after the visitors' lines */
	for (k = 0; k < nhints; k++) {
		i = atoi(hints[k].conv + 2);
		snprintf(who, sizeof(who), "c%d@ot.example", i % 7);
		slow += i % 3 == 0 && i % 4 != 1 && !hints[k].pending &&
		    strcmp(hints[k].to, who) == 0;
	}
	for (i = 0, k = 0; i < N; i += 3)
		if (i % 4 != 1)
			k++;
	ok(slow == k && nhints == k, "the slow hint to each holder whose "
	    "visitor waits (%d of %d, %d hints)", slow, k, nhints);
	/* closing everything leaves nothing to hint (ASan: nothing leaks) */
	for (i = 0; i < N; i++)
		send_ev(st, ACCUEIL_EV_CLOSED, i, NULL, 2000);
	nhints = 0;
	tick(st, 5000);
	ok(nhints == 0, "closed conversations are forgotten (%d hints)",
	    nhints);
	/* one seen again after it was forgotten starts afresh: its pending
	 * hint (asked at 1000) can be given again */
	send_ev(st, ACCUEIL_EV_OFFERED, 7, "c0@ot.example", 6000);
	tick(st, 6000);
	ok(nhints == 1 && strcmp(hints[0].conv, "v-7") == 0 &&
	    hints[0].pending, "a forgotten one starts afresh (%d hints)",
	    nhints);
	accueil_coach_plugin.stop(st);
	return tap_done();
}
