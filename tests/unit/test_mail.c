/*
 * test_mail.c: the message builder (mail.h): encoded-words (RFC 2047) cut
 * at character boundaries and within 75 characters, folded header lines
 * within 78, quoted-printable within 76 that decodes back to the text,
 * the headers a message carries, addresses that could inject a header.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "mail.h"
#include "mail_text.h"
#include "tap.h"
#include "util.h"

/* Longest line of s (CRLF separated); *bare set if a lone LF is seen. */
static size_t
longest(const char *s, int *bare)
{
	size_t max = 0, n;

	*bare = 0;
	while (*s) {
		n = strcspn(s, "\r\n");
		if (n > max)
			max = n;
		s += n;
		if (*s == '\n')
			*bare = 1;
		if (*s == '\r' && s[1] == '\n')
			s += 2;
		else if (*s)
			s++;
	}
	return max;
}

static int
hexval(int c)
{
	return c >= 'A' ? c - 'A' + 10 : c - '0';
}

/* Decodes quoted-printable (CRLF to \n, soft breaks removed). */
static char *
qp_decode(const char *s)
{
	char *out = xcalloc(1, strlen(s) + 1), *o = out;

	while (*s) {
		if (s[0] == '=' && s[1] == '\r' && s[2] == '\n')
			s += 3;
		else if (s[0] == '=') {
			*o++ = (char)(hexval(s[1]) * 16 + hexval(s[2]));
			s += 3;
		} else if (s[0] == '\r' && s[1] == '\n') {
			*o++ = '\n';
			s += 2;
		} else
			*o++ = *s++;
	}
	return out;
}

/* Decodes the encoded-words of a header value (folds removed). */
static char *
words_decode(const char *s)
{
	struct buf b = {0};
	unsigned char tmp[256];

	while (*s) {
		const char *w = strstr(s, "=?UTF-8?B?"), *e;
		int n;

		if (w == NULL) {
			buf_append(&b, s);
			break;
		}
		e = strstr(w + 10, "?=");
		n = EVP_DecodeBlock(tmp, (const unsigned char *)w + 10,
		    (int)(e - w - 10));
		while (n > 0 && e[-1] == '=' && (e--, 1))
			n--;
		tmp[n] = '\0';
		buf_append(&b, (char *)tmp);
		for (s = strstr(w + 10, "?=") + 2; *s == '\r' || *s == '\n' ||
		    *s == ' '; s++)
			;
	}
	return b.s ? buf_take(&b) : xstrdup("");
}

static void
test_encoded_words(void)
{
	/* 40 two-byte characters: more than one word */
	static const char accents[] = "éàèùçéàèùçéàèùçéàèùçéàèùçéàèùçéàèùçéàèùç";
	struct buf b = {0};
	const char *p;
	char *dec;
	int bare, ok_words = 1;

	mail_header_text(&b, "Subject", "Réponse à votre question ☺");
	ok(strncmp(b.s, "Subject: =?UTF-8?B?", 19) == 0, "non-ASCII subject "
	    "is an encoded-word");
	dec = words_decode(b.s + 9);
	dec[strcspn(dec, "\r\n")] = '\0';
	is_str(dec, "Réponse à votre question ☺", "it decodes back");
	free(dec);
	buf_free(&b);

	mail_header_text(&b, "Subject", accents);
	ok(longest(b.s, &bare) <= 78 && !bare, "folded within 78, CRLF only");
	for (p = b.s; (p = strstr(p, "=?UTF-8?B?")) != NULL; p++)
		if (strstr(p, "?=") - p + 2 > 75)
			ok_words = 0;
	ok(ok_words, "every encoded-word within 75 characters");
	ok(strstr(b.s, "\r\n =?UTF-8?B?") != NULL, "continuation lines start "
	    "with a space");
	dec = words_decode(b.s + 9);
	dec[strcspn(dec, "\r\n")] = '\0';
	is_str(dec, accents, "no character cut between two words");
	free(dec);
	buf_free(&b);

	mail_header_text(&b, "X-Long-Header-Name-That-Leaves-No-Room-"
	    "For-An-Encoded-Word-After", "été");
	ok(strstr(b.s, "\r\n\r\n") == NULL && strstr(b.s, ":\r\n =?UTF-8?B?")
	    == NULL && strstr(b.s, ": \r\n =?UTF-8?B?") != NULL &&
	    longest(b.s, &bare) <= 78, "a long header name: the word folds "
	    "to the next line, no empty line");
	buf_free(&b);

	mail_header_text(&b, "Subject", "Plain ASCII subject");
	is_str(b.s, "Subject: Plain ASCII subject\r\n", "ASCII stays as is");
	buf_free(&b);
	mail_header_text(&b, "Subject", "A long ASCII subject that goes on "
	    "and on and on, well past the seventy-eight columns of a header "
	    "line");
	ok(longest(b.s, &bare) <= 78, "long ASCII subject folded at spaces");
	ok(strstr(b.s, "\r\n ") != NULL && strstr(b.s, "=?") == NULL,
	    "folded, not encoded");
	buf_free(&b);
}

static void
test_qp(void)
{
	static const char text[] = "Bonjour Camille,\n\nOui : départ à 10 h, "
	    "réservation conseillée à l'accueil de la Cité (12 € par adulte). "
	    "Très bon séjour à Rocamadour ! ☺ Une ligne = un signe.\n"
	    ".point en tête\nfin avec espace \n-- \nClaire\n";
	struct buf b = {0};
	char *dec;
	int bare, ascii = 1;
	const char *p;

	mail_qp(&b, text);
	ok(longest(b.s, &bare) <= 76 && !bare, "QP lines within 76, CRLF");
	for (p = b.s; *p; p++)
		if ((unsigned char)*p >= 0x80)
			ascii = 0;
	ok(ascii, "QP is 7-bit");
	ok(strstr(b.s, "\r\n.") == NULL, "no line starts with a dot");
	ok(strstr(b.s, " \r\n") == NULL, "no space before a line end");
	dec = qp_decode(b.s);
	is_str(dec, text, "QP decodes back to the text");
	free(dec);
	buf_free(&b);
}

static void
test_build(void)
{
	struct mail_msg m = {
		.from = "accueil@ot.example",
		.from_name = "Office de tourisme de Cahors & du Lot",
		.to = "camille@example.org",
		.reply_to = "info@ot.example",
		.subject = "Cahors : réponse",
		.body = "Bonjour,\nmerci.\n",
		.lang = "fr",
		.msgid = "0123abcd@ot.example",
		.date = 1795374000,	/* 2026-11-22 19:00 UTC, a Sunday */
	};
	char *s = mail_build(&m), date[64];
	int bare;

	ok(s != NULL, "message built");
	ok(strncmp(s, "Date: Sun, 22 Nov 2026 19:00:00 +0000\r\n", 39) == 0,
	    "Date in RFC 5322 form");
	ok(strstr(s, "\r\nFrom: \"Office de tourisme de Cahors & du Lot\" "
	    "<accueil@ot.example>\r\n") != NULL, "From with its name");
	ok(strstr(s, "\r\nTo: <camille@example.org>\r\n") != NULL, "To");
	ok(strstr(s, "\r\nReply-To: <info@ot.example>\r\n") != NULL,
	    "Reply-To: the office's contact");
	ok(strstr(s, "\r\nMessage-ID: <0123abcd@ot.example>\r\n") != NULL,
	    "Message-ID");
	ok(strstr(s, "\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; "
	    "charset=UTF-8\r\nContent-Transfer-Encoding: quoted-printable\r\n")
	    != NULL, "MIME headers");
	ok(strstr(s, "\r\nContent-Language: fr\r\n") != NULL, "language");
	ok(strstr(s, "\r\n\r\nBonjour,\r\nmerci.\r\n") != NULL, "body after "
	    "the blank line");
	ok(longest(s, &bare) <= 78 && !bare, "every line within 78, CRLF");
	free(s);
	m.from_name = "Oficina de Turisme de la Vall d'Aràn";
	s = mail_build(&m);
	ok(strstr(s, "\r\nFrom: =?UTF-8?B?") != NULL && strstr(s,
	    "\r\n <accueil@ot.example>\r\n") != NULL, "non-ASCII name encoded");
	free(s);
	m.to = "camille@example.org\r\nBcc: all@example.org";
	ok(mail_build(&m) == NULL, "CRLF in an address: refused");
	m.to = "Camille <c@example.org>";
	ok(mail_build(&m) == NULL, "angle brackets in an address: refused");
	ok(!mail_addr_valid("a@b") && !mail_addr_valid("@b.example") &&
	    !mail_addr_valid("a@@b.example") && !mail_addr_valid("a b@c.example")
	    && !mail_addr_valid("zoé@c.example") && !mail_addr_valid(NULL),
	    "invalid addresses");
	ok(mail_addr_valid("camille.dupont+ot@example.org"), "valid address");
	mail_date(date, sizeof(date), 0);
	is_str(date, "Thu, 01 Jan 1970 00:00:00 +0000", "epoch date");
}

static void
test_texts(void)
{
	static const char *const langs[] = {"fr", "ca", "en", "es", "de"};
	static const enum mail_text_id visitor[] = {MT_ANSWER_SUBJECT,
	    MT_HELLO, MT_YOU_WROTE, MT_RATING_SUBJECT,
	    MT_RATING_BODY, MT_NEWS_SUBJECT, MT_NEWS_BODY, MT_STOP_EMAIL,
	    MT_STOP_XMPP, MT_CONSENT, MT_RATED, MT_WITHDRAWN,
	    MT_TRANSCRIPT_SUBJECT, MT_TRANSCRIPT_INTRO, MT_TRANSCRIPT_QUEUED};
	size_t i, k;
	int all = 1;

	for (i = 0; i < nitems(langs); i++)
		for (k = 0; k < nitems(visitor); k++)
			if (mail_text(langs[i], visitor[k]) == mail_text("xx",
			    visitor[k]) && strcmp(langs[i], "en") != 0)
				all = 0, diag("%s: text %d missing", langs[i],
				    (int)visitor[k]);
	ok(all, "every visitor text in every language");
	is_str(mail_text("it", MT_HELLO), "Hello %s,", "unknown language: "
	    "English");
}

int
main(void)
{
	test_encoded_words();
	test_qp();
	test_build();
	test_texts();
	return tap_done();
}
