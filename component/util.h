/*
 * util.h: small helpers used everywhere: allocation that aborts on
 * exhaustion, string lists, string building, random tokens.
 */
#ifndef ACCUEIL_UTIL_H
#define ACCUEIL_UTIL_H

#include <stddef.h>

#define nitems(a) (sizeof(a) / sizeof((a)[0]))

/* Allocation: these never return NULL (fatal on exhaustion). */
void *xcalloc(size_t n, size_t size);
void *xreallocarray(void *p, size_t n, size_t size);
char *xstrdup(const char *s);	/* NULL gives NULL */
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A list of strings; owns its strings. */
struct strlist {
	char **v;
	size_t n;
};
void strlist_add(struct strlist *l, const char *s);
/* Splits s on white space and commas into l. */
void strlist_split(struct strlist *l, const char *s);
int strlist_has(const struct strlist *l, const char *s);
void strlist_free(struct strlist *l);

/* A growing string buffer. */
struct buf {
	char *s;
	size_t len, cap;
};
void buf_append(struct buf *b, const char *s);
void buf_appendf(struct buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Returns the string (caller frees) and resets b. */
char *buf_take(struct buf *b);
void buf_free(struct buf *b);

/*
 * Writes 2*nbytes lowercase hex characters of cryptographic randomness
 * (OpenSSL RAND_bytes) plus a NUL into out. Returns 0, or -1 on failure.
 */
int random_hex(char *out, size_t nbytes);

/* Returns 1 if s is NULL, empty or only white space. */
int str_blank(const char *s);

/* Returns 1 if s is a valid localpart for our JIDs: [a-z0-9._-], 1..64. */
int localpart_valid(const char *s);

#endif
