/*
 * hints.c: private editorial hints to counsellors (hints.h).
 */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "app.h"
#include "catalog.h"
#include "conf.h"
#include "event.h"
#include "hints.h"
#include "registry.h"
#include "relay.h"
#include "store.h"
#include "util.h"

#define HINT_NAME 1
#define HINT_VOUS 2

/* The code point at s (U+FFFD when s is no valid UTF-8 lead). */
static unsigned long
code_point(const unsigned char *s)
{
	int i, n;
	unsigned long cp;

	if (s[0] < 0x80)
		return s[0];
	if ((s[0] & 0xe0) == 0xc0) {
		n = 1;
		cp = s[0] & 0x1f;
	} else if ((s[0] & 0xf0) == 0xe0) {
		n = 2;
		cp = s[0] & 0x0f;
	} else if ((s[0] & 0xf8) == 0xf0) {
		n = 3;
		cp = s[0] & 0x07;
	} else
		return 0xfffd;
	for (i = 1; i <= n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0xfffd;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	return cp;
}

/*
 * 1 if cp belongs to a word: an ASCII letter or digit, or a letter
 * beyond ASCII (from U+00C0: "ê" in "êtes"), but not the spaces and
 * punctuation French text carries (no-break space, « », ’, …).
 */
static int
word_cp(unsigned long cp)
{
	if (cp < 0x80)
		return isalnum((int)cp);
	if (cp < 0xc0 || cp == 0xd7 || cp == 0xf7 || cp == 0xfffd)
		return 0;
	return !(cp >= 0x2000 && cp <= 0x206f) && !(cp >= 0x3000 &&
	    cp <= 0x303f);
}

/* 1 if the character ending just before p (text starts at start) is. */
static int
word_before(const char *start, const char *p)
{
	const char *q = p - 1;

	if (p == start)
		return 0;
	while (q > start && p - q < 4 && ((unsigned char)*q & 0xc0) == 0x80)
		q--;
	return word_cp(code_point((const unsigned char *)q));
}

int
hints_has_word(const char *text, const char *word)
{
	size_t n = strlen(word);
	const char *p;

	for (p = text; *p; p++) {
		if (strncasecmp(p, word, n) != 0)
			continue;
		if (!word_before(text, p) &&
		    !word_cp(code_point((const unsigned char *)p + n)) &&
		    p[n] != '\'')
			return 1;
	}
	return 0;
}

static int
on_taken(struct app *app, struct event *ev, void *ud)
{
	struct conv *cv = ev->conv;
	long waited = (long)(store_now() - cv->created);
	char *text;

	(void)ud;
	if (ev->text != NULL || ev->counsellor == NULL || waited < 60)
		return EVENT_PASS;	/* a transfer, or no wait to speak of */
	text = catalog_aformat(relay_staff_lang(ev->counsellor),
	    MSG_COACH_WAITED, waited / 60, waited % 60);
	relay_notice(app, cv, ev->counsellor, text);
	free(text);
	return EVENT_PASS;
}

static int
on_counsellor_text(struct app *app, struct event *ev, void *ud)
{
	static const char *const tu[] = {"tu", "toi", "ton", "ta", "tes",
	    "t'", NULL};
	struct conv *cv = ev->conv;
	const struct conf_counsellor *c = ev->counsellor;
	const char *text = ev->text;
	size_t i;

	(void)ud;
	cv->counsellor_msgs++;
	if (cv->name && strcasestr(text, cv->name))
		cv->coached |= HINT_NAME;	/* used: no hint needed */
	if (!(cv->coached & HINT_NAME) && cv->name && cv->counsellor_msgs == 2) {
		char *hint = catalog_aformat(relay_staff_lang(c),
		    MSG_COACH_NAME, cv->name);

		cv->coached |= HINT_NAME;
		relay_notice(app, cv, c, hint);
		free(hint);
	}
	if (!(cv->coached & HINT_VOUS) && strcmp(cv->lang, "fr") == 0)
		for (i = 0; tu[i]; i++)
			if (hints_has_word(text, tu[i]) || (strcmp(tu[i],
			    "t'") == 0 && strcasestr(text, " t'"))) {
				cv->coached |= HINT_VOUS;
				relay_notice_msg(app, cv, c, MSG_COACH_VOUS);
				break;
			}
	return EVENT_PASS;
}

void
hints_init(void)
{
	event_hook(EV_CONV_TAKEN, on_taken, 0, NULL);
	event_hook(EV_COUNSELLOR_TEXT, on_counsellor_text, 0, NULL);
}
