/*
 * mail.h: building an e-mail message (RFC 5322, MIME, plain text).
 *
 * Pure functions, no I/O: the outbox (outbox.h) stores what these build
 * and hands it to the relay as is. Every header line stays within 78
 * characters; non-ASCII display names and subjects become RFC 2047
 * encoded-words ("=?UTF-8?B?...?=", at most 75 characters each, cut at
 * character boundaries); the body is UTF-8 text/plain in
 * quoted-printable (RFC 2045, lines of at most 76 characters). Lines end
 * in CRLF, as SMTP wants them.
 */
#ifndef ACCUEIL_MAIL_H
#define ACCUEIL_MAIL_H

#include <stddef.h>
#include <time.h>

struct buf;

struct mail_msg {
	const char *from;	/* address */
	const char *from_name;	/* display name (UTF-8) or NULL */
	const char *to;		/* address */
	const char *reply_to;	/* address or NULL */
	const char *subject;	/* UTF-8 */
	const char *body;	/* UTF-8, lines end in \n */
	const char *lang;	/* Content-Language, or NULL */
	const char *msgid;	/* Message-ID without <>, e.g. "id@host" */
	time_t date;
};

/*
 * 1 if addr is an address we may put in a header and give the relay:
 * local@domain, printable ASCII, no space, quote, angle bracket, comma,
 * CR or LF, at most 254 bytes. UTF-8 addresses (RFC 6531) are refused.
 */
int mail_addr_valid(const char *addr);

/* The message, headers and body (caller frees), or NULL if an address
 * is not valid. */
char *mail_build(const struct mail_msg *m);

/* Appends text as a header value of name ("Subject"), folded and
 * encoded as needed, with the CRLF. */
void mail_header_text(struct buf *b, const char *name, const char *text);

/* Appends text in quoted-printable, CRLF line ends. */
void mail_qp(struct buf *b, const char *text);

/* Date as RFC 5322 wants it, in UTC ("Wed, 02 Dec 2026 05:30:00 +0000"). */
void mail_date(char *out, size_t size, time_t t);

#endif
