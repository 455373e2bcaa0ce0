/*
 * jwt.h: JSON Web Tokens (RFC 7519) signed with HMAC SHA-256 (HS256).
 *
 * Builds the compact form base64url(header) "." base64url(payload) "."
 * base64url(signature), without padding, with the header
 * {"alg":"HS256","typ":"JWT"} and a payload made of the string and integer
 * claims given, in order, plus Jitsi's nested "context":{"user":{"name":..}}
 * when a user name is given. The JSON is written and escaped here; the
 * signature is OpenSSL's HMAC. No state: any thread may call these.
 */
#ifndef ACCUEIL_JWT_H
#define ACCUEIL_JWT_H

#include <stddef.h>

struct buf;

enum jwt_type {
	JWT_STRING = 1,
	JWT_INT
};

/* One claim; everything borrowed for the duration of the call. */
struct jwt_claim {
	const char *name;	/* e.g. "room"; valid UTF-8 */
	enum jwt_type type;
	const char *str;	/* JWT_STRING: valid UTF-8 */
	long long num;		/* JWT_INT: e.g. seconds since the epoch */
};

/*
 * Signs the claims with key (keylen bytes, at least 1; RFC 7518 asks for
 * 32 or more). user_name, when not NULL, adds
 * "context":{"user":{"name":user_name}} after the claims.
 * Returns ACCUEIL_OK and sets *token (caller frees with free()), or
 * ACCUEIL_EINVAL (empty key, a NULL name or value, text that is not valid
 * UTF-8, a claim named twice or "context" when user_name is given) or
 * ACCUEIL_EPLUGIN (OpenSSL failed), with *token NULL.
 */
int jwt_sign_hs256(const struct jwt_claim *claims, size_t nclaims,
    const char *user_name, const void *key, size_t keylen, char **token);

/* Returns data in base64url without padding; caller frees with free(). */
char *jwt_base64url(const void *data, size_t len);

/*
 * Appends s to b as a JSON string (quotes included): escapes '"', '\\'
 * and control characters; other UTF-8 is copied as is. s must be valid
 * UTF-8 (see utf8.h).
 */
void jwt_json_string(struct buf *b, const char *s);

#endif
