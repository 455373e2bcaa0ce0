/*
 * utf8.h: UTF-8 checks for text that goes into strict formats (JSON for
 * tokens, iCalendar), which must be well-formed UTF-8.
 */
#ifndef ACCUEIL_UTF8_H
#define ACCUEIL_UTF8_H

/*
 * Returns 1 if the NUL-terminated s is well-formed UTF-8 (no overlong
 * forms, no surrogates, nothing above U+10FFFF), 0 otherwise.
 */
int utf8_valid(const char *s);

/* 1 if byte c continues a multi-byte sequence (10xxxxxx). */
#define UTF8_CONT(c) (((unsigned char)(c) & 0xc0) == 0x80)

#endif
