/*
 * link.h: the XEP-0114 connection to the XMPP server.
 *
 * Owns the libstrophe context and connection, connects as a component,
 * reconnects with capped exponential back-off and jitter, and tells its
 * listener when the link is up (so it can resend presences and rejoin
 * rooms) and when a stanza arrives. Everything runs on the one loop thread.
 */
#ifndef ACCUEIL_LINK_H
#define ACCUEIL_LINK_H

#include <strophe.h>

#include "error.h"

struct link;

struct link_listener {
	/* The link is up (handshake done): resynchronise server state. */
	void (*up)(void *ud);
	/* The link went down. */
	void (*down)(void *ud);
	/* A stanza arrived. The stanza is borrowed until the call returns. */
	void (*stanza)(xmpp_stanza_t *stanza, void *ud);
	/*
	 * Called right before libstrophe writes what was queued to the
	 * socket (at the start of each run of its loop): the daemon commits
	 * the iteration's writes here (group commit). -1: what is queued
	 * must not leave (the writes it tells of were lost): the link drops
	 * every stanza not yet written and reconnects. queued: the stanzas
	 * waiting to be written (0: the commit may wait). May be NULL.
	 */
	int (*flush)(int queued, void *ud);
	void *ud;
};

struct link_params {
	const char *host;
	int port;
	const char *domain;
	const char *secret;
	int reconnect_min;	/* seconds */
	int reconnect_max;	/* seconds */
};

/* Creates the link (not yet connected). Free with link_free(). */
struct link *link_new(const struct link_listener *l);
void link_free(struct link *link);

/*
 * Sets where to connect. If the link is up and the parameters changed, it
 * reconnects. Strings are copied.
 */
void link_configure(struct link *link, const struct link_params *p);

/* Starts connecting (and keeps reconnecting until link_stop()). */
void link_start(struct link *link);

/*
 * Closes the stream cleanly, waiting at most timeout_ms for the server,
 * and stops reconnecting.
 */
void link_stop(struct link *link, unsigned long timeout_ms);

/* Runs the event loop once, waiting at most timeout_ms. */
void link_run_once(struct link *link, unsigned long timeout_ms);

/* 1 when the handshake is done and stanzas can be sent. */
int link_is_up(const struct link *link);

xmpp_ctx_t *link_ctx(struct link *link);
const char *link_domain(const struct link *link);

/*
 * Sends stanza. It must carry both from and to (servers close the stream
 * otherwise): one missing or not valid text is refused with ACCUEIL_EINVAL
 * and logged. Any other text node or attribute value that is not
 * text_valid() is first replaced in place by its text_clean() version
 * (link_repair_stanza), with a warning: nothing written to the socket is
 * ill-formed UTF-8 or a character XML 1.0 forbids. Returns ACCUEIL_ELINK
 * when the link is down. The stanza stays the caller's.
 */
enum accueil_err link_send(struct link *link, xmpp_stanza_t *stanza);

/*
 * The last guard before the socket, also for tests: walks stanza (text
 * nodes and attribute values, all descendants) and replaces each value
 * that is not text_valid() by its text_clean() version, in place. Returns
 * the number of values replaced (0, without allocating, when all were
 * valid), or -1 if libstrophe could not store a replacement (out of
 * memory: the stanza must not be sent). Logs nothing.
 */
int link_repair_stanza(xmpp_stanza_t *stanza);

/* Counters for statistics and benchmarks. */
unsigned long link_sent_count(const struct link *link);

/*
 * Stanzas handed to the link and not yet written to the socket (0 when
 * everything sent so far was written, or the link is down).
 */
int link_queue_len(const struct link *link);
unsigned long link_connect_count(const struct link *link);

/*
 * A repeating timer on the loop: fn runs every period_ms until it returns
 * 0 or link_timer_remove() is called.
 */
void link_timer_add(struct link *link, unsigned long period_ms,
    int (*fn)(void *ud), void *ud);
void link_timer_remove(struct link *link, int (*fn)(void *ud), void *ud);

/*
 * The libstrophe 0.12 workaround: see link.c. Exposed for the test that
 * proves a stanza can be sent on a component connection.
 */
int link_prepare_component_conn(xmpp_ctx_t *ctx, xmpp_conn_t *conn);

#endif
