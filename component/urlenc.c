/*
 * urlenc.c: percent-encoding of URL components.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "urlenc.h"
#include "util.h"

static int
unreserved(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
	    c == '~';
}

char *
urlenc_component(const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p;
	char *out, *o;

	if (s == NULL)
		return NULL;
	out = xcalloc(3 * strlen(s) + 1, 1);
	for (o = out, p = (const unsigned char *)s; *p; p++) {
		if (unreserved(*p))
			*o++ = (char)*p;
		else {
			*o++ = '%';
			*o++ = hex[*p >> 4];
			*o++ = hex[*p & 15];
		}
	}
	*o = '\0';
	return out;
}
