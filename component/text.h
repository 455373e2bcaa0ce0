/*
 * text.h: safe text for XML streams and strict formats.
 *
 * Everything we write into a stanza must be well-formed UTF-8 made of
 * characters XML 1.0 allows, or the server closes the component's whole
 * stream (every office at once). This module checks text, repairs it and
 * cuts it to a size without splitting a character. Pure functions, no
 * state: callable from anywhere on the loop thread.
 *
 * Rules (text_valid and text_clean agree on them):
 *  - ill-formed UTF-8 (stray continuation bytes, truncated sequences,
 *    overlong forms, surrogates, anything above U+10FFFF) and the
 *    noncharacters U+FFFE and U+FFFF become U+FFFD, one per maximal
 *    ill-formed subpart (Unicode 15, section 3.9, as browsers do);
 *  - control characters other than TAB and LF are dropped: C0 controls,
 *    DEL and the C1 controls U+0080..U+009F (forbidden or discouraged by
 *    XML 1.0, section 2.2); CR LF and a lone CR become LF;
 *  - a cut keeps whole characters and ends with TEXT_ELLIPSIS.
 */
#ifndef ACCUEIL_TEXT_H
#define ACCUEIL_TEXT_H

#include <stddef.h>

/* U+2026 HORIZONTAL ELLIPSIS, put where text was cut. */
#define TEXT_ELLIPSIS "\xe2\x80\xa6"
#define TEXT_ELLIPSIS_LEN 3

/* 1 if byte c continues a multi-byte sequence (10xxxxxx). */
#define UTF8_CONT(c) (((unsigned char)(c)&0xc0) == 0x80)

/*
 * Returns 1 if the NUL-terminated s is well-formed UTF-8 (no overlong
 * forms, no surrogates, nothing above U+10FFFF), 0 otherwise. Controls
 * are allowed: this is the check for JSON and iCalendar, not for XML.
 */
int utf8_valid(const char *s);

/*
 * Returns 1 if s is well-formed UTF-8 and safe in XML by the rules above
 * (exactly when text_clean(s, 0, NULL) would return s unchanged), 0
 * otherwise. NULL is valid (there is nothing to send). Never allocates.
 */
int text_valid(const char *s);

/*
 * Returns a repaired copy of in (caller frees with free()): valid by
 * text_valid, at most max_bytes bytes long (not counting the NUL) when
 * max_bytes is not 0. Text longer than that is cut after a whole
 * character and ends with TEXT_ELLIPSIS, the ellipsis included in
 * max_bytes; if max_bytes is smaller than the ellipsis, the text is cut
 * without one. *cut (may be NULL) is set to 1 if the text was cut, else
 * 0. Returns NULL only when in is NULL; aborts on memory exhaustion like
 * the x* allocators.
 */
char *text_clean(const char *in, size_t max_bytes, int *cut);

/*
 * Cuts the already valid s in place to at most max_bytes bytes (not
 * counting the NUL), after a whole character and ending with
 * TEXT_ELLIPSIS, as text_clean does. max_bytes 0 means no limit. Returns
 * the new length. Never writes past the old end of s; if s is not valid
 * UTF-8 it stays safe to call but the result is not repaired.
 */
size_t text_cut(char *s, size_t max_bytes);

#endif
