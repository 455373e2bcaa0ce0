/*
 * fuzz_mam.c: libFuzzer target for the archive and history readers
 * (mam.c, as catchup.c uses them): the input is a stanza, read as an
 * archived result (XEP-0313 <result>, its forwarded message and delay),
 * as a query's end (<fin complete> with its RSM <last>), and for its
 * room stanza-id (XEP-0359, only the room's own counts). Then a query
 * after the id found is built, rendered and parsed back. Aborts unless
 * what is read is consistent: a result has a message, ids are valid
 * text, the query parses again.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <strophe.h>

#include "mam.h"
#include "text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static xmpp_ctx_t *ctx;

static void
query_after(const char *after)
{
	xmpp_stanza_t *q, *back;
	char *buf;
	size_t len;

	q = mam_query(ctx, "c1", after, 50);
	if (q == NULL)
		abort();
	if (xmpp_stanza_to_text(q, &buf, &len) != XMPP_EOK)
		abort();
	if ((back = xmpp_stanza_new_from_string(ctx, buf)) == NULL)
		abort();
	xmpp_stanza_release(back);
	xmpp_free(ctx, buf);
	xmpp_stanza_release(q);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mam_result r;
	xmpp_stanza_t *st;
	const char *last = NULL, *sid, *from;
	char *s;
	int complete = -1;

	if (ctx == NULL)
		ctx = xmpp_ctx_new(NULL, NULL);
	s = malloc(size + 1);
	memcpy(s, data, size);
	s[size] = '\0';
	st = xmpp_stanza_new_from_string(ctx, s);
	free(s);
	if (st == NULL)
		return 0;
	from = xmpp_stanza_get_from(st);
	memset(&r, 0, sizeof(r));
	if (mam_parse_result(st, &r)) {
		if (r.message == NULL)
			abort();
		if (r.id && !utf8_valid(r.id))
			abort();
		sid = mam_stanza_id(r.message, from ? from :
		    "r1@salons.ot.example");
		if (sid && !utf8_valid(sid))
			abort();
	}
	if (mam_parse_fin(st, &complete, &last)) {
		if (complete != 0 && complete != 1)
			abort();
		if (last)
			query_after(last);
	}
	sid = mam_stanza_id(st, from ? from : "r1@salons.ot.example");
	if (sid)
		query_after(sid);
	xmpp_stanza_release(st);
	return 0;
}
