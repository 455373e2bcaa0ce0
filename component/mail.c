/*
 * mail.c: RFC 5322 messages with RFC 2047 headers and a quoted-printable
 * UTF-8 body (mail.h).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>

#include "mail.h"
#include "util.h"

#define LINE_MAX_HDR 78		/* RFC 5322 2.1.1 "SHOULD" */
#define WORD_MAX 75		/* RFC 2047 2: one encoded-word */
#define QP_MAX 76		/* RFC 2045 6.7 (5) */

int
mail_addr_valid(const char *addr)
{
	const char *at, *p;
	size_t n;

	if (addr == NULL || (n = strlen(addr)) == 0 || n > 254)
		return 0;
	if ((at = strchr(addr, '@')) == NULL || at == addr || at[1] == '\0' ||
	    strchr(at + 1, '@') != NULL || strchr(at, '.') == NULL ||
	    at - addr > 64)
		return 0;
	for (p = addr; *p; p++)
		if ((unsigned char)*p <= ' ' || (unsigned char)*p >= 0x7f ||
		    strchr("\"<>(),;:\\[]", *p))
			return 0;
	return at[1] != '.' && addr[n - 1] != '.';
}

static int
is_ascii_plain(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s >= 0x7f || (unsigned char)*s < ' ')
			return 0;
	return 1;
}

/* Length of the UTF-8 sequence starting with byte c (1 for a stray). */
static size_t
utf8_len(unsigned char c)
{
	if (c >= 0xf0)
		return 4;
	if (c >= 0xe0)
		return 3;
	if (c >= 0xc0)
		return 2;
	return 1;
}

/*
 * Appends text as encoded-words of at most WORD_MAX characters, each on
 * its own folded line after the first (col: characters already on the
 * current line). Never cuts a UTF-8 character.
 */
static void
encoded_words(struct buf *b, const char *text, size_t col)
{
	static const char pre[] = "=?UTF-8?B?", post[] = "?=";
	const size_t over = sizeof(pre) - 1 + sizeof(post) - 1;
	const unsigned char *p = (const unsigned char *)text;
	unsigned char out[WORD_MAX + 1];
	int first = 1;

	while (*p) {
		/* the room on this line, and in one word: 4 base64
		 * characters for every 3 bytes */
		size_t room = (first ? LINE_MAX_HDR - col : LINE_MAX_HDR - 1);
		size_t take = 0, k;

		if (room > WORD_MAX)
			room = WORD_MAX;
		if (room < over + 4) {
			/* no room on the first line: start on the next */
			first = 0;
			continue;
		}
		while (p[take]) {
			k = utf8_len(p[take]);
			if (((take + k + 2) / 3) * 4 + over > room)
				break;
			take += k;
		}
		if (take == 0)	/* cannot happen with room >= over + 8 */
			take = utf8_len(*p);
		EVP_EncodeBlock(out, p, (int)take);
		buf_appendf(b, "%s%s%s%s", first ? "" : "\r\n ", pre,
		    (char *)out, post);
		p += take;
		first = 0;
	}
}

void
mail_header_text(struct buf *b, const char *name, const char *text)
{
	size_t col = strlen(name) + 2;

	buf_appendf(b, "%s: ", name);
	if (is_ascii_plain(text) && col + strlen(text) <= LINE_MAX_HDR)
		buf_append(b, text);
	else if (is_ascii_plain(text)) {
		/* fold before the last space that keeps the line short; a
		 * word longer than a line stays whole */
		const char *p = text;

		while (*p) {
			const char *q, *cut = NULL;

			for (q = p + 1; *q && col + (size_t)(q - p) <=
			    LINE_MAX_HDR; q++)
				if (*q == ' ')
					cut = q;
			if (*q == '\0')
				cut = q;
			else if (cut == NULL)
				cut = p + 1 + strcspn(p + 1, " ");
			buf_appendf(b, "%.*s", (int)(cut - p), p);
			p = cut;
			if (*p) {
				buf_append(b, "\r\n");
				col = 0;	/* the space starts the line */
			}
		}
	} else
		encoded_words(b, text, col);
	buf_append(b, "\r\n");
}

void
mail_qp(struct buf *b, const char *text)
{
	const unsigned char *p = (const unsigned char *)text;
	size_t col = 0;

	while (*p) {
		char enc[4];
		size_t n;
		int need;

		if (*p == '\r' && p[1] == '\n')
			p++;
		if (*p == '\n') {
			buf_append(b, "\r\n");
			col = 0;
			p++;
			continue;
		}
		/* space or tab before a line end must be encoded */
		need = *p == '=' || *p >= 0x7f || (*p < ' ' && *p != '\t') ||
		    ((*p == ' ' || *p == '\t') && (p[1] == '\n' ||
		    p[1] == '\0' || (p[1] == '\r' && p[2] == '\n'))) ||
		    (col == 0 && *p == '.');
		if (need) {
			snprintf(enc, sizeof(enc), "=%02X", *p);
			n = 3;
		} else {
			enc[0] = (char)*p;
			enc[1] = '\0';
			n = 1;
		}
		/* a soft break keeps every line within QP_MAX, "=" included;
		 * the bytes of one character stay on one line */
		if (*p >= 0xc0) {
			size_t k = utf8_len(*p), i;

			if (col + 3 * k > QP_MAX - 1) {
				buf_append(b, "=\r\n");
				col = 0;
			}
			for (i = 0; i < k && p[i]; i++) {
				snprintf(enc, sizeof(enc), "=%02X", p[i]);
				buf_append(b, enc);
			}
			col += 3 * i;
			p += i;
			continue;
		}
		if (col + n > QP_MAX - 1) {
			buf_append(b, "=\r\n");
			col = 0;
			if (*p == '.') {
				snprintf(enc, sizeof(enc), "=%02X", *p);
				n = 3;
			}
		}
		buf_append(b, enc);
		col += n;
		p++;
	}
	if (col > 0)
		buf_append(b, "\r\n");
}

void
mail_date(char *out, size_t size, time_t t)
{
	static const char *const days[] = {"Sun", "Mon", "Tue", "Wed", "Thu",
	    "Fri", "Sat"};
	static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May",
	    "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	struct tm tm;

	gmtime_r(&t, &tm);
	snprintf(out, size, "%s, %02d %s %04d %02d:%02d:%02d +0000",
	    days[tm.tm_wday], tm.tm_mday, months[tm.tm_mon],
	    tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/* "Name <addr>" with the name quoted or encoded. */
static void
mailbox(struct buf *b, const char *header, const char *name,
    const char *addr)
{
	size_t col = strlen(header) + 2;

	buf_appendf(b, "%s: ", header);
	if (name && *name && is_ascii_plain(name) && !strpbrk(name, "\"\\") &&
	    col + strlen(name) + strlen(addr) + 5 <= LINE_MAX_HDR)
		buf_appendf(b, "\"%s\" <%s>", name, addr);
	else if (name && *name) {
		encoded_words(b, name, col);
		buf_appendf(b, "\r\n <%s>", addr);
	} else
		buf_appendf(b, "<%s>", addr);
	buf_append(b, "\r\n");
}

char *
mail_build(const struct mail_msg *m)
{
	struct buf b = {0};
	char date[64];

	if (!mail_addr_valid(m->from) || !mail_addr_valid(m->to) ||
	    (m->reply_to && !mail_addr_valid(m->reply_to)) ||
	    m->msgid == NULL || !mail_addr_valid(m->msgid))
		return NULL;
	mail_date(date, sizeof(date), m->date);
	buf_appendf(&b, "Date: %s\r\n", date);
	mailbox(&b, "From", m->from_name, m->from);
	buf_appendf(&b, "To: <%s>\r\n", m->to);
	if (m->reply_to)
		buf_appendf(&b, "Reply-To: <%s>\r\n", m->reply_to);
	buf_appendf(&b, "Message-ID: <%s>\r\n", m->msgid);
	mail_header_text(&b, "Subject", m->subject ? m->subject : "");
	buf_append(&b, "MIME-Version: 1.0\r\n"
	    "Content-Type: text/plain; charset=UTF-8\r\n"
	    "Content-Transfer-Encoding: quoted-printable\r\n");
	if (m->lang && is_ascii_plain(m->lang) && strlen(m->lang) < 16)
		buf_appendf(&b, "Content-Language: %s\r\n", m->lang);
	buf_append(&b, "\r\n");
	mail_qp(&b, m->body ? m->body : "");
	return buf_take(&b);
}
