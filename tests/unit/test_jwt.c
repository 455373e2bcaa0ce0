/*
 * test_jwt.c: HS256 JSON Web Tokens: base64url, JSON escaping, a known
 * token, the Jitsi context, and refused input. test_video_independent.py
 * checks our tokens with PyJWT as well.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "error.h"
#include "jwt.h"
#include "log.h"
#include "tap.h"
#include "util.h"

/* Decodes base64url (no padding) into a NUL-terminated string. */
static char *
unb64url(const char *s, size_t len)
{
	size_t n = len, i;
	char *std = xcalloc(n + 4, 1);
	unsigned char *out = xcalloc(n + 4, 1);
	int r;

	for (i = 0; i < n; i++)
		std[i] = s[i] == '-' ? '+' : s[i] == '_' ? '/' : s[i];
	while (n % 4)
		std[n++] = '=';
	r = EVP_DecodeBlock(out, (unsigned char *)std, (int)n);
	if (r >= 0) {
		/* EVP_DecodeBlock counts the padding bytes as zeros */
		if (n >= 1 && std[n - 1] == '=')
			r--;
		if (n >= 2 && std[n - 2] == '=')
			r--;
		out[r] = '\0';
	}
	free(std);
	return (char *)out;
}

static char *
json(const char *s)
{
	struct buf b = {0};

	jwt_json_string(&b, s);
	return buf_take(&b);
}

static void
test_base64url(void)
{
	static const unsigned char bin[] = {0xfb, 0xff, 0xbf};
	char *s;

	s = jwt_base64url("", 0);
	is_str(s, "", "base64url of nothing");
	free(s);
	s = jwt_base64url("f", 1);
	is_str(s, "Zg", "base64url drops == padding");
	free(s);
	s = jwt_base64url("fo", 2);
	is_str(s, "Zm8", "base64url drops = padding");
	free(s);
	s = jwt_base64url("foo", 3);
	is_str(s, "Zm9v", "base64url without padding");
	free(s);
	s = jwt_base64url(bin, sizeof(bin));
	is_str(s, "-_-_", "base64url uses - and _ for + and /");
	free(s);
}

static void
test_json(void)
{
	char *s;

	s = json("plain");
	is_str(s, "\"plain\"", "JSON: plain text quoted");
	free(s);
	s = json("a\"b\\c/d");
	is_str(s, "\"a\\\"b\\\\c/d\"", "JSON: quote and backslash escaped");
	free(s);
	s = json("l1\nl2\r\t\b\f\x01\x1f");
	is_str(s, "\"l1\\nl2\\r\\t\\b\\f\\u0001\\u001f\"",
	    "JSON: control characters escaped");
	free(s);
	s = json("Zoë Ñúñez 東京");
	is_str(s, "\"Zoë Ñúñez 東京\"", "JSON: UTF-8 kept as is");
	free(s);
}

static void
test_known_token(void)
{
	/* the example token of jwt.io (HS256, "your-256-bit-secret") */
	static const char expected[] =
	    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."
	    "eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2"
	    "MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";
	const struct jwt_claim c[] = {
		{"sub", JWT_STRING, "1234567890", 0},
		{"name", JWT_STRING, "John Doe", 0},
		{"iat", JWT_INT, NULL, 1516239022},
	};
	const char *key = "your-256-bit-secret";
	char *tok = NULL;

	is_int(jwt_sign_hs256(c, nitems(c), NULL, key, strlen(key), &tok),
	    ACCUEIL_OK, "signs the jwt.io example");
	is_str(tok, expected, "same token as jwt.io (header, payload, MAC)");
	free(tok);
}

static void
test_context(void)
{
	const struct jwt_claim c[] = {
		{"room", JWT_STRING, "accueil-0123", 0},
		{"exp", JWT_INT, NULL, 1795000000},
		{"nbf", JWT_INT, NULL, -5},
	};
	const char *key = "0123456789abcdef0123456789abcdef";
	unsigned char mac[EVP_MAX_MD_SIZE];
	unsigned int maclen = 0;
	char *tok = NULL, *dot1, *dot2, *payload, *header, *sig;

	is_int(jwt_sign_hs256(c, nitems(c), "Zoë \"Z\" d'Alès", key,
	    strlen(key), &tok), ACCUEIL_OK, "signs with a context user");
	if (tok == NULL)
		return;
	dot1 = strchr(tok, '.');
	dot2 = dot1 ? strchr(dot1 + 1, '.') : NULL;
	ok(dot1 && dot2 && strchr(dot2 + 1, '.') == NULL,
	    "three parts separated by dots");
	ok(strspn(tok, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789-_.") == strlen(tok), "only base64url characters");
	if (dot1 == NULL || dot2 == NULL) {
		free(tok);
		return;
	}
	header = unb64url(tok, (size_t)(dot1 - tok));
	is_str(header, "{\"alg\":\"HS256\",\"typ\":\"JWT\"}", "header");
	payload = unb64url(dot1 + 1, (size_t)(dot2 - dot1 - 1));
	is_str(payload, "{\"room\":\"accueil-0123\",\"exp\":1795000000,"
	    "\"nbf\":-5,\"context\":{\"user\":{\"name\":\"Zoë \\\"Z\\\" "
	    "d'Alès\"}}}", "payload: claims in order, then the context");
	HMAC(EVP_sha256(), key, (int)strlen(key), (unsigned char *)tok,
	    (size_t)(dot2 - tok), mac, &maclen);
	sig = jwt_base64url(mac, maclen);
	is_str(dot2 + 1, sig, "signature is HMAC-SHA256 of header.payload");
	free(sig);
	free(header);
	free(payload);
	free(tok);

	is_int(jwt_sign_hs256(NULL, 0, "Solo", key, strlen(key), &tok),
	    ACCUEIL_OK, "a token with only the context");
	if (tok) {
		dot1 = strchr(tok, '.');
		dot2 = strchr(dot1 + 1, '.');
		payload = unb64url(dot1 + 1, (size_t)(dot2 - dot1 - 1));
		is_str(payload, "{\"context\":{\"user\":{\"name\":\"Solo\"}}}",
		    "payload with only the context");
		free(payload);
		free(tok);
	}
}

static void
test_refused(void)
{
	const struct jwt_claim bad_utf8[] = {
		{"name", JWT_STRING, "caf\xc3", 0},
	};
	const struct jwt_claim overlong[] = {
		{"name", JWT_STRING, "\xc0\xaf", 0},
	};
	const struct jwt_claim twice[] = {
		{"exp", JWT_INT, NULL, 1},
		{"exp", JWT_INT, NULL, 2},
	};
	const struct jwt_claim context[] = {
		{"context", JWT_STRING, "x", 0},
	};
	const struct jwt_claim null_value[] = {
		{"room", JWT_STRING, NULL, 0},
	};
	char *tok = (char *)1;

	is_int(jwt_sign_hs256(bad_utf8, 1, NULL, "k", 1, &tok),
	    ACCUEIL_EINVAL, "truncated UTF-8 refused");
	ok(tok == NULL, "no token on error");
	is_int(jwt_sign_hs256(overlong, 1, NULL, "k", 1, &tok),
	    ACCUEIL_EINVAL, "overlong UTF-8 refused");
	is_int(jwt_sign_hs256(NULL, 0, "\xed\xa0\x80", "k", 1, &tok),
	    ACCUEIL_EINVAL, "a surrogate in the user name refused");
	is_int(jwt_sign_hs256(twice, 2, NULL, "k", 1, &tok), ACCUEIL_EINVAL,
	    "a claim given twice refused");
	is_int(jwt_sign_hs256(context, 1, "u", "k", 1, &tok), ACCUEIL_EINVAL,
	    "a context claim with a user name refused");
	is_int(jwt_sign_hs256(null_value, 1, NULL, "k", 1, &tok),
	    ACCUEIL_EINVAL, "a NULL string claim refused");
	is_int(jwt_sign_hs256(NULL, 0, NULL, "", 0, &tok), ACCUEIL_EINVAL,
	    "an empty key refused");
}

int
main(void)
{
	log_init(1, LOG_LEVEL_ERROR);
	test_base64url();
	test_json();
	test_known_token();
	test_context();
	test_refused();
	return tap_done();
}
