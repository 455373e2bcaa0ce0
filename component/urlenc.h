/*
 * urlenc.h: percent-encoding for URL parts (RFC 3986).
 *
 * Video providers put names, rooms and tokens into query strings and
 * paths. Everything but the unreserved characters (letters, digits and
 * "-._~") is encoded, bytes as %XX in upper case, so the result is safe in
 * a path segment, a query value and a fragment alike. Any thread.
 */
#ifndef ACCUEIL_URLENC_H
#define ACCUEIL_URLENC_H

/* Returns s percent-encoded; caller frees with free(). NULL gives NULL. */
char *urlenc_component(const char *s);

#endif
