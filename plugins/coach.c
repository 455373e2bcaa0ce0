/*
 * coach.c: the editorial coach, an event plugin (plugin_events.h only).
 *
 * The seeds' editorial line, whispered to the counsellor (never to the
 * visitor), in the counsellor's language, each hint at most once per
 * conversation and at most two per counsellor line, one every 20 s for
 * the timed ones:
 *
 *   name     the first reply does not use the visitor's first name
 *   tu       familiar "tu" in French (and its Catalan and Spanish forms)
 *   links    a reply that is mostly links
 *   greeting the first reply greets nobody
 *   slow     the visitor has waited 90 s for the next answer
 *   pending  the request reached 2 minutes unanswered (to the counsellors
 *            it was offered to)
 *   waited   on taking it: how long the visitor had waited (over 60 s)
 *
 * Offices turn it off with coach="no".
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE	/* strcasestr */
#endif
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "plugin_events.h"
#include "coach.h"

#define SLOW_AFTER 90
#define PENDING_AFTER 120
#define TIMED_GAP 20
#define MAX_OFFERED 8
#define BUCKETS 1024		/* chats by id; chains grow past it */

enum hint {
	H_NAME = 1 << 0, H_TU = 1 << 1, H_LINKS = 1 << 2, H_GREETING = 1 << 3,
	H_SLOW = 1 << 4, H_PENDING = 1 << 5, H_WAITED = 1 << 6,
};

struct chat {
	char id[64];
	char lang[8];
	char *holder;		/* who has it, NULL while waiting */
	char *offered[MAX_OFFERED];
	int noffered;
	int64_t created, last_visitor, last_answer, last_hint;
	int replies;		/* counsellor lines */
	int awaiting;		/* the visitor's last line is unanswered */
	int given;		/* hints given (bits) */
	int on;
	struct chat *next, **prev;	/* every chat, for the tick */
	struct chat *hnext;		/* the same bucket */
};

/*
 * One per conversation it heard of: found by id in O(1) on every event
 * (a list walk per line cost 7 % of accueild's CPU at 850 open).
 */
struct coach {
	const struct accueil_ev_host *api;
	void *host;
	struct chat *chats;
	struct chat *bucket[BUCKETS];
};

static unsigned
hash(const char *id)
{
	unsigned h = 2166136261u;	/* FNV-1a */

	while (*id)
		h = (h ^ (unsigned char)*id++) * 16777619u;
	return h % BUCKETS;
}

static char *
dup_or_null(const char *s)
{
	return s && *s ? strdup(s) : NULL;
}

/* ---- texts ------------------------------------------------------------- */

static const struct {
	const char *lang;
	const char *name, *tu, *links, *greeting, *slow, *pending, *waited;
} texts[] = {
	{"fr",
	 "Conseil : le visiteur s'appelle %s ; l'appeler par son prénom rend l'échange plus chaleureux.",
	 "Conseil : les visiteurs se vouvoient (« vous » ; en catalan « vostè », en espagnol « usted »), même s'ils vous tutoient.",
	 "Conseil : plutôt qu'une liste de liens, donnez la réponse en une phrase, avec un lien au plus.",
	 "Conseil : commencez par saluer le visiteur (« Bonjour… »).",
	 "Le visiteur attend votre réponse depuis plus d'une minute et demie : un mot pour le faire patienter ?",
	 "Cette demande attend depuis 2 minutes sans réponse : répondez, ou déclinez-la (!non) pour qu'elle aille à un collègue.",
	 "Le visiteur attendait depuis %ld min %02ld s."},
	{"ca",
	 "Consell: el visitant es diu %s; dir-li pel nom fa la conversa més propera.",
	 "Consell: tracteu els visitants de vostè (o de vós), encara que us tutegin.",
	 "Consell: en lloc d'una llista d'enllaços, doneu la resposta en una frase amb un enllaç com a màxim.",
	 "Consell: comenceu saludant el visitant («Bon dia…»).",
	 "El visitant espera la vostra resposta des de fa més d'un minut i mig: una paraula perquè esperi?",
	 "Aquesta demanda espera des de fa 2 minuts sense resposta: responeu-la o declineu-la (!non).",
	 "El visitant esperava des de feia %ld min %02ld s."},
	{"en",
	 "Tip: the visitor's name is %s; using it makes the exchange warmer.",
	 "Tip: address visitors formally (\"vous\" in French, \"vostè\" in Catalan, \"usted\" in Spanish), even if they do not.",
	 "Tip: rather than a list of links, give the answer in a sentence, with one link at most.",
	 "Tip: start by greeting the visitor (\"Hello…\").",
	 "The visitor has been waiting for your answer for over a minute and a half: a word to keep them waiting?",
	 "This request has waited 2 minutes without an answer: answer it, or decline it (!no) so that it goes to a colleague.",
	 "The visitor had waited %ld min %02ld s."},
	{"es",
	 "Consejo: el visitante se llama %s; llamarle por su nombre hace el intercambio más cercano.",
	 "Consejo: trate a los visitantes de usted, aunque le tuteen.",
	 "Consejo: en lugar de una lista de enlaces, dé la respuesta en una frase con un enlace como mucho.",
	 "Consejo: empiece saludando al visitante («Hola…»).",
	 "El visitante espera su respuesta desde hace más de un minuto y medio: ¿una palabra para que espere?",
	 "Esta consulta espera desde hace 2 minutos sin respuesta: respóndala o declínela (!no).",
	 "El visitante esperaba desde hacía %ld min %02ld s."},
	{"de",
	 "Tipp: Der Besucher heißt %s; ihn beim Namen zu nennen macht das Gespräch persönlicher.",
	 "Tipp: Besucher siezen (im Französischen „vous“), auch wenn sie duzen.",
	 "Tipp: Statt einer Liste von Links lieber die Antwort in einem Satz, mit höchstens einem Link.",
	 "Tipp: Begrüßen Sie den Besucher zuerst („Guten Tag…“).",
	 "Der Besucher wartet seit über anderthalb Minuten auf Ihre Antwort: ein kurzes Wort zum Warten?",
	 "Diese Anfrage wartet seit 2 Minuten ohne Antwort: beantworten oder ablehnen (!no).",
	 "Der Besucher hatte %ld min %02ld s gewartet."},
};

static int
text_index(const char *lang)
{
	size_t i;

	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
		if (lang && strcmp(texts[i].lang, lang) == 0)
			return (int)i;
	return 2;	/* English */
}

/* ---- what a line holds -------------------------------------------------- */

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
coach_has_word(const char *text, const char *word)
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
familiar(const char *lang, const char *text)
{
	static const char *const fr[] = {"tu", "toi", "ton", "ta", "tes",
	    "t'", NULL};
	static const char *const ca[] = {"tu", "teu", "teva", "teus", "teves",
	    "pots", "vols", "tens", "saps", NULL};
	static const char *const es[] = {"tú", "te", "ti", "contigo", "tu",
	    "tienes", "puedes", "quieres", "sabes", NULL};
	const char *const *w;

	if (strcmp(lang, "fr") == 0)
		w = fr;
	else if (strcmp(lang, "ca") == 0)
		w = ca;
	else if (strcmp(lang, "es") == 0)
		w = es;
	else
		return 0;
	for (; *w; w++)
		if (coach_has_word(text, *w) || (strcmp(*w, "t'") == 0 &&
		    (strncasecmp(text, "t'", 2) == 0 || strcasestr(text, " t'"))))
			return 1;
	return 0;
}

static int
greets(const char *text)
{
	static const char *const words[] = {"bonjour", "bonsoir", "salut",
	    "hello", "hi", "good morning", "good afternoon", "good evening",
	    "dear", "hola", "buenos días", "buenas", "bon dia", "bona tarda",
	    "bona nit", "bones", "hallo", "guten tag", "guten morgen",
	    "guten abend", "grüß", "moin", "ciao", "buongiorno", "buonasera",
	    "goedemiddag", "goedendag", "goedemorgen", "hoi", "adiu", "bonjorn",
	    NULL};
	size_t i;

	for (i = 0; words[i]; i++)
		if (coach_has_word(text, words[i]))
			return 1;
	return 0;
}

/* 1 if links make up most of the text, or it is three links or more. */
static int
mostly_links(const char *text)
{
	size_t total = strlen(text), in_links = 0;
	int links = 0;
	const char *p = text;

	while ((p = strstr(p, "://")) != NULL) {
		const char *s = p, *e = p;

		while (s > text && !isspace((unsigned char)s[-1]))
			s--;
		while (*e && !isspace((unsigned char)*e))
			e++;
		in_links += (size_t)(e - s);
		links++;
		p = e;
	}
	return links >= 3 || (links >= 1 && in_links * 2 > total);
}

/* ---- conversations ------------------------------------------------------ */

static struct chat *
find(struct coach *co, const struct accueil_ev *ev, int create)
{
	unsigned h = hash(ev->conv);
	struct chat *c;

	for (c = co->bucket[h]; c; c = c->hnext)
		if (strcmp(c->id, ev->conv) == 0)
			return c;
	if (!create || strlen(ev->conv) >= sizeof(c->id))
		return NULL;
	c = calloc(1, sizeof(*c));
	if (c == NULL)
		return NULL;
	snprintf(c->id, sizeof(c->id), "%s", ev->conv);
	c->created = ev->created;
	c->hnext = co->bucket[h];
	co->bucket[h] = c;
	if ((c->next = co->chats) != NULL)
		c->next->prev = &c->next;
	c->prev = &co->chats;
	co->chats = c;
	return c;
}

static void
forget(struct coach *co, const char *id)
{
	struct chat **pp, *c;
	int i;

	for (pp = &co->bucket[hash(id)]; (c = *pp) != NULL; pp = &c->hnext)
		if (strcmp(c->id, id) == 0) {
			*pp = c->hnext;
			if ((*c->prev = c->next) != NULL)
				c->next->prev = c->prev;
			for (i = 0; i < c->noffered; i++)
				free(c->offered[i]);
			free(c->holder);
			free(c);
			return;
		}
}

static void
say(struct coach *co, struct chat *c, const char *to, int hint,
    const char *text, int64_t now)
{
	c->given |= hint;
	c->last_hint = now;
	co->api->hint(co->host, c->id, to, text);
}

/* The texts' formats are this file's own table: checked by eye, not by gcc. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"

static void
on_reply(struct coach *co, struct chat *c, const struct accueil_ev *ev)
{
	int t = text_index(co->api->staff_lang(co->host, ev->counsellor));
	const char *line = ev->text ? ev->text : "";
	int said = 0;
	char buf[512];

	c->replies++;
	c->last_answer = ev->now;
	c->awaiting = 0;
	if (!c->on)
		return;
	if (c->replies == 1 && !(c->given & H_GREETING) && !greets(line)) {
		say(co, c, ev->counsellor, H_GREETING, texts[t].greeting,
		    ev->now);
		said++;
	}
	if (c->replies == 1 && ev->visitor && *ev->visitor &&
	    !(c->given & H_NAME) && !strcasestr(line, ev->visitor)) {
		snprintf(buf, sizeof(buf), texts[t].name, ev->visitor);
		say(co, c, ev->counsellor, H_NAME, buf, ev->now);
		said++;
	}
	if (said < 2 && !(c->given & H_TU) && familiar(c->lang, line)) {
		say(co, c, ev->counsellor, H_TU, texts[t].tu, ev->now);
		said++;
	}
	if (said < 2 && !(c->given & H_LINKS) && mostly_links(line))
		say(co, c, ev->counsellor, H_LINKS, texts[t].links, ev->now);
}

static void
on_tick(struct coach *co, int64_t now)
{
	struct chat *c;
	int i;

	for (c = co->chats; c; c = c->next) {
		if (!c->on || now - c->last_hint < TIMED_GAP)
			continue;
		if (c->holder == NULL && !(c->given & H_PENDING) &&
		    now - c->created >= PENDING_AFTER) {
			for (i = 0; i < c->noffered; i++) {
				int t = text_index(co->api->staff_lang(co->host,
				    c->offered[i]));

				co->api->hint(co->host, c->id, c->offered[i],
				    texts[t].pending);
			}
			c->given |= H_PENDING;
			c->last_hint = now;
		} else if (c->holder && !(c->given & H_SLOW) &&
		    c->awaiting &&
		    now - c->last_visitor >= SLOW_AFTER) {
			int t = text_index(co->api->staff_lang(co->host,
			    c->holder));

			say(co, c, c->holder, H_SLOW, texts[t].slow, now);
		}
	}
}

static void
event(void *state, const struct accueil_ev *ev)
{
	struct coach *co = state;
	struct chat *c;

	if (ev->kind == ACCUEIL_EV_TICK) {
		on_tick(co, ev->now);
		return;
	}
	if (ev->conv == NULL)
		return;
	if (ev->kind == ACCUEIL_EV_CLOSED) {
		forget(co, ev->conv);
		return;
	}
	if ((c = find(co, ev, 1)) == NULL)
		return;
	c->on = ev->plugin_on;
	snprintf(c->lang, sizeof(c->lang), "%s", ev->lang ? ev->lang : "");
	switch (ev->kind) {
	case ACCUEIL_EV_OFFERED:
		if (ev->counsellor && *ev->counsellor && c->noffered <
		    MAX_OFFERED && (c->offered[c->noffered] =
		    strdup(ev->counsellor)) != NULL)
			c->noffered++;
		break;
	case ACCUEIL_EV_TAKEN:
		free(c->holder);
		c->holder = dup_or_null(ev->counsellor);
		if (!ev->transfer && c->on && !(c->given & H_WAITED) &&
		    ev->now - c->created >= 60) {
			long w = (long)(ev->now - c->created);
			int t = text_index(co->api->staff_lang(co->host,
			    c->holder));
			char buf[256];

			snprintf(buf, sizeof(buf), texts[t].waited, w / 60, w % 60);
			say(co, c, c->holder, H_WAITED, buf, ev->now);
		}
		break;
	case ACCUEIL_EV_VISITOR_TEXT:
		c->last_visitor = ev->now;
		c->awaiting = 1;
		break;
	case ACCUEIL_EV_COUNSELLOR_TEXT:
		on_reply(co, c, ev);
		break;
	default:
		break;
	}
}

#pragma GCC diagnostic pop

static void *
start(const struct accueil_ev_host *api, void *host)
{
	struct coach *co = calloc(1, sizeof(*co));

	if (co) {
		co->api = api;
		co->host = host;
	}
	return co;
}

static void
stop(void *state)
{
	struct coach *co = state;

	while (co && co->chats)
		forget(co, co->chats->id);
	free(co);
}

const struct accueil_ev_plugin accueil_coach_plugin = {
	.abi = ACCUEIL_EV_ABI,
	.name = "coach",
	.start = start,
	.event = event,
	.stop = stop,
};
