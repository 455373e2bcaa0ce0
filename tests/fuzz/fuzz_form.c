/*
 * fuzz_form.c: libFuzzer target for the data-form reader (form.c) as
 * the pre-chat form uses it (intake.c): the input is a stanza; its form
 * is found, its type read, and the pre-chat fields read with a limit.
 * Aborts unless every value read is UTF-8 (whole characters: a cut
 * never splits one) no longer than the
 * limit, with too_long set when it was cut, and the language field
 * gives a primary code or nothing.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <strophe.h>

#include "form.h"
#include "lang.h"
#include "text.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_FIELD 256

static xmpp_ctx_t *ctx;

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const fields[] = {"name", "lang", "page",
	    "interests", "email", "consent", "rating", "comment", "slot"};
	xmpp_stanza_t *st, *x;
	char *s;
	size_t i;

	if (ctx == NULL)
		ctx = xmpp_ctx_new(NULL, NULL);
	s = malloc(size + 1);
	memcpy(s, data, size);
	s[size] = '\0';
	st = xmpp_stanza_new_from_string(ctx, s);
	free(s);
	if (st == NULL)
		return 0;
	if ((x = form_find(st)) != NULL) {
		const char *type = form_type(x);

		if (type && !utf8_valid(type))
			abort();
		for (i = 0; i < nitems(fields); i++) {
			int too_long = -1;
			char *v = form_value(x, fields[i], MAX_FIELD, &too_long);

			if (too_long != 0 && too_long != 1)
				abort();
			if (v && (strlen(v) > MAX_FIELD || !utf8_valid(v)))
				abort();
			if (v && i == 1) {
				char *l = lang_primary(v);

				if (l && (strlen(l) > 8 || !utf8_valid(l)))
					abort();
				free(l);
			}
			free(v);
		}
	}
	xmpp_stanza_release(st);
	return 0;
}
