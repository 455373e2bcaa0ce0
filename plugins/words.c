/*
 * words.c: language detection by common words, the second opinion.
 *
 * CLD2 works on character n-grams learnt from the web; on a one-line
 * question it is often unsure, and it mixes up the Romance languages of
 * the Pyrenees (Catalan, Occitan, Spanish). This plugin counts the words
 * every visitor uses whatever they ask (articles, prepositions, pronouns,
 * question words, greetings, the verbs of asking) and a few spellings
 * only one language has (Occitan -atz/-ètz and lh/nh, Catalan l·l,
 * Spanish ñ...). It knows the eight languages of accueil's catalogue
 * and says nothing about others. It answers when one language leads
 * (not on a tie), and is reliable when it leads the second by at least
 * `margin` points. It costs a few
 * microseconds, so it runs on every message; the host decides how the
 * two opinions combine (component/langguess.c).
 *
 * The lists were written from general knowledge of the languages, not
 * learnt from tests/lang/ (see docs/language.md for what that means for
 * the figures).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "component/plugin.h"

enum { FR, CA, EN, ES, DE, IT, NL, OC, NLANG };

static const char *const codes[NLANG] = {
	"fr", "ca", "en", "es", "de", "it", "nl", "oc",
};

/* Space-separated, lower case, UTF-8. A word may be in several lists. */
static const char *const lists[NLANG] = {
	/* fr */
	"le la les un une des du de et est sont dans pour pas ne que qui "
	"quoi où au aux avec sur je j nous vous il elle on ce cette ces mon "
	"ma mes votre vos notre y a ai avez avons peut peux pouvez bonjour "
	"bonsoir merci oui non très aussi mais ou quel quelle quels quelles "
	"qu c est-ce il y plus tout tous heure heures demain aujourd'hui "
	"soir matin semaine ouvert ouverte fermé combien faut voudrais "
	"voudrions aimerait aimerions enfants être avoir fait faire chez "
	"comment quand pourquoi cherche trouve s'il plaît part en",
	/* ca */
	"el els la les un una uns unes i és són de del dels al als per amb "
	"no què que qui on hi ha em ens us meu meva vostre vostra aquest "
	"aquesta aquests aquestes molt també però o quin quina quins quines "
	"com quan bon bona dia gràcies plau nit tarda demà avui matí setmana "
	"obert oberta tancat quant puc podem podeu podríeu voldria voldríem "
	"cal fer dues nens som estan està ara mateix encara alguna algun "
	"aquí allà cap fins sortir surt l'entrada perquè doncs sí es pot "
	"poden pots vull volem tinc tenim pel pels gaire en",
	/* en */
	"the a an and is are of to in for on with at by from it this that "
	"these there what where when how which who do does did can could "
	"would i we you my your our not no yes hello hi thanks thank please "
	"was be have has any some open closed much many tonight today "
	"tomorrow i'm it's we'd i'd can't don't need like near whole time "
	"leave run still",
	/* es */
	"el los la las un una unos unas y es son de del al por para con no "
	"qué que quien dónde donde hay me nos mi su sus este esta estos muy "
	"también pero o cuál cual cuáles cómo como cuándo cuando hola "
	"gracias buenos buenas día dia noche tarde mañana hoy semana "
	"abierto abierta cerrado cuánto cuanto cuesta puedo podemos pueden "
	"podrían quisiera quería hace falta niños está están algún alguna "
	"todavía ahora mismo llevar tengan sitio en",
	/* de */
	"der die das den dem des ein eine einen einem und ist sind zu im in "
	"mit für auf von vom am an es ich wir sie ihr mein unser kann "
	"können wo wann wie was gibt noch nicht kein keine hallo danke "
	"bitte guten tag abend heute morgen geöffnet offen auch aber oder "
	"man muss möchte würde gerne uns ihnen zum zur gern schön",
	/* it */
	"il lo la i gli le un una uno e è sono di del della dello dei degli "
	"delle al alla allo ai alle per con non che chi dove dov'è quando "
	"come cosa c'è ci mi ti si noi voi mio vostro questo questa molto "
	"anche ma o quale quali quanto buongiorno buonasera ciao grazie oggi "
	"domani sera aperto aperta chiuso possiamo posso potete potreste "
	"vorrei vorremmo bambini c'è ancora stasera sul sulla nel nella "
	"dell all un'",
	/* nl */
	"de het een en is zijn van in op met voor aan te naar er wat waar "
	"wanneer hoe wie welke ik we wij u jij je mijn uw ons onze niet geen "
	"ja nee hallo hoi dank bedankt graag alstublieft vandaag morgen "
	"avond open gesloten ook maar of kan kunt kunnen mag moet hoeveel "
	"nog dit deze die bij om heeft hebben wil willen zoek laat",
	/* oc */
	"lo los la las un una e es son de del dels al als per pel pels amb "
	"pas que qué quin quina quins ont quora cossí i a me nos vos mon "
	"vòstre vòstra aqueste aquesta plan tanben mas o bonjorn bon bona "
	"mercés mercé uèi deman ser vèspre matin setmana dobèrt dobèrta "
	"dubert barrat quant còsta pòdi podèm podètz poiriatz pòt pòdon "
	"voldriái cal far dròlles drolles ostal ongan ièr ara encara sèm soi "
	"i a sus dins d'un d'una qualqu'un aquò çò ieu nosautres vosautres "
	"èsser qu'es sul suls en",
};

struct entry {
	const char *word;	/* into words */
	size_t len;
	unsigned langs;		/* bit per language */
};

struct words_state {
	char *words;		/* the lists, split in place */
	struct entry *e;
	size_t n;
	long margin;
};

static int
by_word(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;
	size_t n = x->len < y->len ? x->len : y->len;
	int c = memcmp(x->word, y->word, n);

	if (c)
		return c;
	return x->len < y->len ? -1 : x->len > y->len;
}

static int
words_init(const struct accueil_host *host, const void *opts, void **state)
{
	struct words_state *s;
	size_t total = 0, i, cap = 0;
	char *p;

	for (i = 0; i < NLANG; i++)
		total += strlen(lists[i]) + 1;
	if ((s = calloc(1, sizeof(*s))) == NULL ||
	    (s->words = malloc(total)) == NULL) {
		free(s);
		host->log_warnx("words: out of memory");
		return -1;
	}
	s->margin = host->option_int(opts, "margin");
	for (p = s->words, i = 0; i < NLANG; i++) {
		size_t l = strlen(lists[i]);
		char *w, *save = NULL;

		memcpy(p, lists[i], l + 1);
		for (w = strtok_r(p, " ", &save); w; w = strtok_r(NULL, " ",
		    &save)) {
			if (s->n == cap) {
				struct entry *ne;

				cap = cap ? cap * 2 : 256;
				if ((ne = realloc(s->e, cap *
				    sizeof(*ne))) == NULL) {
					host->log_warnx("words: out of memory");
					free(s->e);
					free(s->words);
					free(s);
					return -1;
				}
				s->e = ne;
			}
			s->e[s->n].word = w;
			s->e[s->n].len = strlen(w);
			s->e[s->n].langs = 1u << i;
			s->n++;
		}
		p += l + 1;
	}
	qsort(s->e, s->n, sizeof(*s->e), by_word);
	/* merge duplicates into one entry with several languages */
	if (s->n) {
		size_t k = 0;

		for (i = 1; i < s->n; i++) {
			if (by_word(&s->e[k], &s->e[i]) == 0)
				s->e[k].langs |= s->e[i].langs;
			else
				s->e[++k] = s->e[i];
		}
		s->n = k + 1;
	}
	*state = s;
	return 0;
}

static void
words_fini(void *state)
{
	struct words_state *s = state;

	if (s == NULL)
		return;
	free(s->e);
	free(s->words);
	free(s);
}

static int
has(const char *w, size_t n, const char *sub)
{
	size_t k = strlen(sub), i;

	for (i = 0; i + k <= n; i++)
		if (memcmp(w + i, sub, k) == 0)
			return 1;
	return 0;
}

static int
ends(const char *w, size_t n, const char *suf)
{
	size_t k = strlen(suf);

	return n > k && memcmp(w + n - k, suf, k) == 0;
}

/* Spellings that belong to one language. */
static void
cues(const char *w, size_t n, int *score)
{
	if (ends(w, n, "atz") || ends(w, n, "ètz") || ends(w, n, "etz"))
		score[OC] += 2;
	if (n > 3 && (has(w + 1, n - 1, "lh") || has(w + 1, n - 1, "nh")))
		score[OC] += 1;
	if (has(w, n, "uè") || has(w, n, "uò"))
		score[OC] += 1;
	if (ends(w, n, "ion") && !ends(w, n, "tion"))
		score[OC] += 1;
	if (has(w, n, "l·l"))
		score[CA] += 2;
	if (ends(w, n, "ció") || ends(w, n, "cions") || ends(w, n, "ny") ||
	    has(w, n, "ny"))
		score[CA] += 1;
	if (has(w, n, "ñ") || ends(w, n, "ción") || ends(w, n, "ciones"))
		score[ES] += 2;
	if (ends(w, n, "zione") || ends(w, n, "zioni") || has(w, n, "gli") ||
	    has(w, n, "cch"))
		score[IT] += 1;
	if (has(w, n, "ß") || has(w, n, "ä") || has(w, n, "ö") ||
	    ends(w, n, "ung") || has(w, n, "tz"))
		score[DE] += 1;
	if (has(w, n, "ij") || has(w, n, "oe") || has(w, n, "aa") ||
	    ends(w, n, "tje"))
		score[NL] += 1;
	if (ends(w, n, "eaux") || ends(w, n, "eau") || has(w, n, "ç") ||
	    ends(w, n, "ée") || has(w, n, "oû"))
		score[FR] += 1;
	if (ends(w, n, "ing") || has(w, n, "th") || ends(w, n, "ly"))
		score[EN] += 1;
}

static void
score_word(struct words_state *s, const char *w, size_t n, int *score)
{
	struct entry key = {w, n, 0}, *e;
	size_t i;

	if ((e = bsearch(&key, s->e, s->n, sizeof(*s->e), by_word)) != NULL) {
		int k = 0;

		for (i = 0; i < NLANG; i++)
			k += (e->langs >> i) & 1;
		/* a word of one language counts more than a shared one */
		for (i = 0; i < NLANG; i++)
			if (e->langs & (1u << i))
				score[i] += k == 1 ? 2 : 1;
	}
	cues(w, n, score);
}

/* Lower-cases ASCII and Latin-1 capitals (À..Þ) in place. */
static void
lower(char *w, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)w[i];

		if (c >= 'A' && c <= 'Z')
			w[i] = (char)(c + 32);
		else if (c == 0xc3 && i + 1 < n &&
		    (unsigned char)w[i + 1] >= 0x80 &&
		    (unsigned char)w[i + 1] <= 0x9e &&
		    (unsigned char)w[i + 1] != 0x97) {
			w[i + 1] = (char)((unsigned char)w[i + 1] + 0x20);
			i++;
		}
	}
}

static int
is_letter(const unsigned char *p, size_t left)
{
	if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z'))
		return 1;
	/* the middle dot of Catalan l·l */
	if (*p == 0xc2 && left > 1 && p[1] == 0xb7)
		return 1;
	/* other non-ASCII: letters, except the ¿ ¡ « » punctuation */
	if (*p == 0xc2)
		return 0;
	return *p >= 0x80;
}

static int
words_detect(void *state, const char *text, size_t len, const char *hints,
    char lang[8], int *reliable)
{
	struct words_state *s = state;
	int score[NLANG] = {0}, best = -1, second = 0;
	char w[64];
	size_t i = 0, k;

	(void)hints;
	*reliable = 0;
	lang[0] = '\0';
	if (len > 4096)
		len = 4096;
	while (i < len) {
		const unsigned char *p = (const unsigned char *)text + i;
		size_t n = 0;

		if (!is_letter(p, len - i)) {
			i++;
			continue;
		}
		while (i + n < len && (is_letter(p + n, len - i - n) ||
		    (p[n] == '\'' && n > 0 && i + n + 1 < len &&
		    is_letter(p + n + 1, len - i - n - 1))))
			n++;
		if (n < sizeof(w)) {
			memcpy(w, p, n);
			w[n] = '\0';
			lower(w, n);
			score_word(s, w, n, score);
			/* "l'entrada", "dov'è": each side too */
			for (k = 0; k < n; k++)
				if (w[k] == '\'') {
					score_word(s, w, k, score);
					score_word(s, w + k + 1, n - k - 1,
					    score);
					break;
				}
		}
		i += n;
	}
	for (k = 0; k < NLANG; k++)
		if (best < 0 || score[k] > score[best])
			best = (int)k;
	for (k = 0; k < NLANG; k++)
		if ((int)k != best && score[k] > second)
			second = score[k];
	if (best < 0 || score[best] == 0 || score[best] == second)
		return -1;	/* nothing, or a tie: no answer */
	strcpy(lang, codes[best]);
	*reliable = score[best] - second >= s->margin;
	return 0;
}

static const struct accueil_plugin_option words_options[] = {
	{"margin", ACCUEIL_OPT_INT, 1, 100, "2",
	    "points the best language must lead by to be trusted"},
	{NULL, 0, 0, 0, NULL, NULL},
};

static const struct accueil_langdetect_ops words_ops = {
	.detect = words_detect,
};

const struct accueil_plugin accueil_plugin_words = {
	.name = "words",
	.abi = ACCUEIL_PLUGIN_ABI,
	.kind = ACCUEIL_PLUGIN_LANGDETECT,
	.doc = "language detection by common words (second opinion)",
	.options = words_options,
	.init = words_init,
	.fini = words_fini,
	.ops.langdetect = &words_ops,
};
