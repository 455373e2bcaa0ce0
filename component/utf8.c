/*
 * utf8.c: UTF-8 validation.
 */
#include "config.h"

#include "utf8.h"

int
utf8_valid(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned long cp;
	int n, i;

	while (*p) {
		if (*p < 0x80) {
			p++;
			continue;
		}
		if (*p >= 0xc2 && *p <= 0xdf) {
			n = 1;
			cp = *p & 0x1f;
		} else if (*p >= 0xe0 && *p <= 0xef) {
			n = 2;
			cp = *p & 0x0f;
		} else if (*p >= 0xf0 && *p <= 0xf4) {
			n = 3;
			cp = *p & 0x07;
		} else
			return 0;
		for (i = 1; i <= n; i++) {
			if (!UTF8_CONT(p[i]))
				return 0;
			cp = (cp << 6) | (p[i] & 0x3f);
		}
		if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
		    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		p += n + 1;
	}
	return 1;
}
