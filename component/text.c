/*
 * text.c: UTF-8 decoding, the XML character rules, repair and cutting.
 *
 * One decoder serves every check: utf8_valid asks only for well-formed
 * sequences, text_valid also applies the XML rules of text.h, and
 * text_clean rewrites what either rejects. The decoder never reads past
 * the terminating NUL, whatever the bytes before it.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "text.h"
#include "util.h"

/* An ill-formed subpart: not a code point. */
#define BAD 0xffffffffU

#define REPLACEMENT "\xef\xbf\xbd" /* U+FFFD */
#define REPLACEMENT_LEN 3

/* What text_clean does with a decoded character. */
enum verdict {
	KEEP,
	DROP,    /* controls */
	NEWLINE, /* CR: LF, or nothing before an LF */
	REPLACE, /* U+FFFD */
};

/*
 * Decodes the character at p. Returns the number of bytes it takes and
 * stores its code point in *cp; for an ill-formed sequence, stores BAD and
 * returns the length of its maximal subpart (at least 1). The byte ranges
 * are those of Unicode's table 3-7, which leave out overlong forms,
 * surrogates and everything above U+10FFFF. A NUL is never in a range, so
 * a truncated sequence stops on it.
 */
static size_t
decode(const unsigned char *p, uint32_t *cp)
{
	unsigned char lo = 0x80, hi = 0xbf;
	uint32_t c = p[0];
	size_t n, i;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		n = 2;
		c &= 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		if (c == 0xe0)
			lo = 0xa0; /* overlong below U+0800 */
		else if (c == 0xed)
			hi = 0x9f; /* surrogates */
		c &= 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		if (c == 0xf0)
			lo = 0x90; /* overlong below U+10000 */
		else if (c == 0xf4)
			hi = 0x8f; /* above U+10FFFF */
		c &= 0x07;
	} else {
		*cp = BAD; /* continuation byte, C0, C1, F5..FF */
		return 1;
	}
	for (i = 1; i < n; i++) {
		if (p[i] < lo || p[i] > hi) {
			*cp = BAD;
			return i;
		}
		c = (c << 6) | (p[i] & 0x3f);
		lo = 0x80;
		hi = 0xbf;
	}
	*cp = c;
	return n;
}

static enum verdict
judge(uint32_t c)
{
	if (c == BAD || c == 0xfffe || c == 0xffff)
		return REPLACE;
	if (c == '\t' || c == '\n')
		return KEEP;
	if (c == '\r')
		return NEWLINE;
	if (c < 0x20 || (c >= 0x7f && c <= 0x9f))
		return DROP;
	return KEEP;
}

int
utf8_valid(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	uint32_t c;

	while (*p) {
		if (*p < 0x80) {
			p++;
			continue;
		}
		p += decode(p, &c);
		if (c == BAD)
			return 0;
	}
	return 1;
}

int
text_valid(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	uint32_t c;

	if (s == NULL)
		return 1;
	while (*p) {
		if (*p >= 0x20 && *p < 0x7f) {
			p++;
			continue;
		}
		p += decode(p, &c);
		if (judge(c) != KEEP)
			return 0;
	}
	return 1;
}

char *
text_clean(const char *in, size_t max_bytes, int *cut)
{
	const unsigned char *p = (const unsigned char *)in;
	const char *bytes;
	size_t len, cap, out = 0, keep = 0, n, k;
	uint32_t c;
	char *s;

	if (cut)
		*cut = 0;
	if (in == NULL)
		return NULL;
	len = strlen(in);
	if ((max_bytes == 0 || len <= max_bytes) && text_valid(in))
		return xstrdup(in);

	/* Each input byte gives at most one U+FFFD. */
	if (len > SIZE_MAX / REPLACEMENT_LEN - 1)
		fatalx("text_clean: %zu bytes", len);
	cap = len * REPLACEMENT_LEN;
	if (max_bytes && max_bytes < cap)
		cap = max_bytes;
	s = xreallocarray(NULL, cap + 1, 1);

	/*
	 * out is always a character boundary; keep is the last one where the
	 * ellipsis still fits before max_bytes.
	 */
	while (*p) {
		n = decode(p, &c);
		switch (judge(c)) {
		case DROP:
			p += n;
			continue;
		case NEWLINE:
			p += n;
			if (*p == '\n')
				continue;
			bytes = "\n";
			k = 1;
			break;
		case REPLACE:
			p += n;
			bytes = REPLACEMENT;
			k = REPLACEMENT_LEN;
			break;
		case KEEP:
		default:
			bytes = (const char *)p;
			p += n;
			k = n;
			break;
		}
		if (max_bytes && out + k > max_bytes) {
			if (max_bytes >= TEXT_ELLIPSIS_LEN) {
				out = keep + TEXT_ELLIPSIS_LEN;
				memcpy(s + keep, TEXT_ELLIPSIS, out - keep);
			}
			if (cut)
				*cut = 1;
			break;
		}
		memcpy(s + out, bytes, k);
		out += k;
		if (max_bytes >= TEXT_ELLIPSIS_LEN &&
		    out <= max_bytes - TEXT_ELLIPSIS_LEN)
			keep = out;
	}
	s[out] = '\0';
	if (cap - out > 64)
		s = xreallocarray(s, out + 1, 1);
	return s;
}

size_t
text_cut(char *s, size_t max_bytes)
{
	size_t len, b;

	if (s == NULL)
		return 0;
	len = strlen(s);
	if (max_bytes == 0 || len <= max_bytes)
		return len;
	b = max_bytes;
	if (b >= TEXT_ELLIPSIS_LEN)
		b -= TEXT_ELLIPSIS_LEN;
	while (b > 0 && UTF8_CONT(s[b]))
		b--;
	if (max_bytes >= TEXT_ELLIPSIS_LEN) {
		memcpy(s + b, TEXT_ELLIPSIS, TEXT_ELLIPSIS_LEN);
		b += TEXT_ELLIPSIS_LEN;
	}
	s[b] = '\0';
	return b;
}
