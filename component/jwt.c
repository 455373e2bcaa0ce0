/*
 * jwt.c: HS256 JSON Web Tokens: JSON writing, base64url and the HMAC.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "error.h"
#include "jwt.h"
#include "text.h"
#include "util.h"

void
jwt_json_string(struct buf *b, const char *s)
{
	const unsigned char *p;
	char esc[8];

	buf_append(b, "\"");
	for (p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"':
			buf_append(b, "\\\"");
			break;
		case '\\':
			buf_append(b, "\\\\");
			break;
		case '\b':
			buf_append(b, "\\b");
			break;
		case '\f':
			buf_append(b, "\\f");
			break;
		case '\n':
			buf_append(b, "\\n");
			break;
		case '\r':
			buf_append(b, "\\r");
			break;
		case '\t':
			buf_append(b, "\\t");
			break;
		default:
			if (*p < 0x20)
				buf_appendf(b, "\\u%04x", *p);
			else {
				esc[0] = (char)*p;
				esc[1] = '\0';
				buf_append(b, esc);
			}
		}
	}
	buf_append(b, "\"");
}

char *
jwt_base64url(const void *data, size_t len)
{
	char *out, *p;
	int n;

	out = xcalloc(4 * ((len + 2) / 3) + 1, 1);
	n = EVP_EncodeBlock((unsigned char *)out, data, (int)len);
	if (n < 0)
		n = 0;
	out[n] = '\0';
	for (p = out; *p; p++) {
		if (*p == '+')
			*p = '-';
		else if (*p == '/')
			*p = '_';
		else if (*p == '=') {
			*p = '\0';
			break;
		}
	}
	return out;
}

/* Writes the payload JSON into b; returns ACCUEIL_OK or ACCUEIL_EINVAL. */
static int
write_payload(struct buf *b, const struct jwt_claim *claims, size_t n,
    const char *user_name)
{
	size_t i, k;

	buf_append(b, "{");
	for (i = 0; i < n; i++) {
		const struct jwt_claim *c = &claims[i];

		if (c->name == NULL || !utf8_valid(c->name))
			return ACCUEIL_EINVAL;
		if (user_name && strcmp(c->name, "context") == 0)
			return ACCUEIL_EINVAL;
		for (k = 0; k < i; k++)
			if (strcmp(claims[k].name, c->name) == 0)
				return ACCUEIL_EINVAL;
		if (i > 0)
			buf_append(b, ",");
		jwt_json_string(b, c->name);
		buf_append(b, ":");
		switch (c->type) {
		case JWT_STRING:
			if (c->str == NULL || !utf8_valid(c->str))
				return ACCUEIL_EINVAL;
			jwt_json_string(b, c->str);
			break;
		case JWT_INT:
			buf_appendf(b, "%lld", c->num);
			break;
		default:
			return ACCUEIL_EINVAL;
		}
	}
	if (user_name) {
		if (!utf8_valid(user_name))
			return ACCUEIL_EINVAL;
		buf_append(b, n > 0 ? ",\"context\":{\"user\":{\"name\":" :
		    "\"context\":{\"user\":{\"name\":");
		jwt_json_string(b, user_name);
		buf_append(b, "}}");
	}
	buf_append(b, "}");
	return ACCUEIL_OK;
}

int
jwt_sign_hs256(const struct jwt_claim *claims, size_t nclaims,
    const char *user_name, const void *key, size_t keylen, char **token)
{
	static const char header[] = "{\"alg\":\"HS256\",\"typ\":\"JWT\"}";
	struct buf payload = {0}, out = {0};
	unsigned char mac[EVP_MAX_MD_SIZE];
	unsigned int maclen = 0;
	char *part;
	int r;

	*token = NULL;
	if (key == NULL || keylen == 0 || keylen > (size_t)2147483647)
		return ACCUEIL_EINVAL;
	if ((r = write_payload(&payload, claims, nclaims, user_name)) !=
	    ACCUEIL_OK)
		goto fail_payload;

	part = jwt_base64url(header, sizeof(header) - 1);
	buf_append(&out, part);
	free(part);
	buf_append(&out, ".");
	part = jwt_base64url(payload.s, payload.len);
	buf_append(&out, part);
	free(part);

	if (HMAC(EVP_sha256(), key, (int)keylen, (unsigned char *)out.s,
	    out.len, mac, &maclen) == NULL) {
		r = ACCUEIL_EPLUGIN;
		goto fail_hmac;
	}
	part = jwt_base64url(mac, maclen);
	buf_append(&out, ".");
	buf_append(&out, part);
	free(part);

	buf_free(&payload);
	*token = buf_take(&out);
	return ACCUEIL_OK;

fail_hmac:
	buf_free(&out);
fail_payload:
	buf_free(&payload);
	return r;
}
