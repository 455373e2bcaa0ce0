/*
 * fuzz_text.c: libFuzzer target for safe text (text.c) and the stanza
 * guard of link.c. The first byte is the limit in bytes (0: none), the
 * rest the text, up to its first NUL. Aborts unless the repaired text is
 * valid, fits, is stable under a second repair, agrees with text_cut,
 * and a stanza carrying it renders into XML that parses back.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <strophe.h>

#include "link.h"
#include "text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static xmpp_ctx_t *ctx;

static void
check_stanza(const char *s)
{
	xmpp_stanza_t *m, *back;
	char *buf;
	size_t len;

	if (ctx == NULL)
		ctx = xmpp_ctx_new(NULL, NULL);
	m = xmpp_message_new(ctx, "chat", "v-1@accueil.example", "1");
	xmpp_stanza_set_from(m, "bot@accueil.example");
	xmpp_stanza_set_attribute(m, "x", s);
	xmpp_message_set_body(m, s);
	if (link_repair_stanza(m) != (text_valid(s) ? 0 : 2))
		abort();
	if (xmpp_stanza_to_text(m, &buf, &len) != XMPP_EOK)
		abort();
	if ((back = xmpp_stanza_new_from_string(ctx, buf)) == NULL)
		abort();
	xmpp_stanza_release(back);
	xmpp_free(ctx, buf);
	xmpp_stanza_release(m);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t max, n;
	char *s, *full, *out, *again;
	int cut;

	if (size == 0)
		return 0;
	max = data[0];
	s = malloc(size);
	memcpy(s, data + 1, size - 1);
	s[size - 1] = '\0';

	full = text_clean(s, 0, &cut);
	if (cut || !text_valid(full) || !utf8_valid(full))
		abort();
	if (text_valid(s) != (strcmp(s, full) == 0))
		abort();
	if (text_valid(s) && !utf8_valid(s))
		abort();

	out = text_clean(s, max, &cut);
	n = strlen(out);
	if (!text_valid(out) || (max && n > max))
		abort();
	if (cut != (max && strlen(full) > max))
		abort();
	if (cut && max >= TEXT_ELLIPSIS_LEN &&
	    strcmp(out + n - TEXT_ELLIPSIS_LEN, TEXT_ELLIPSIS) != 0)
		abort();
	if (!cut && strcmp(out, full) != 0)
		abort();

	/* repairing again changes nothing */
	again = text_clean(out, 0, &cut);
	if (cut || strcmp(again, out) != 0)
		abort();
	free(again);

	/* cutting the repaired text in place gives the same result */
	if (text_cut(full, max) != n || strcmp(full, out) != 0)
		abort();

	check_stanza(s);
	free(out);
	free(full);
	free(s);
	return 0;
}
