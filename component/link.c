/*
 * link.c: the component connection, its reconnection and its timers.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/rand.h>

#include "clock.h"
#include "link.h"
#include "log.h"
#include "text.h"
#include "util.h"

enum link_state {
	LINK_IDLE,		/* not started or stopped */
	LINK_CONNECTING,	/* TCP or handshake under way */
	LINK_UP,		/* handshake done */
	LINK_WAITING,		/* down, reconnect timer armed */
};

struct timer {
	int (*fn)(void *ud);
	void *ud;
	unsigned long period;
	unsigned long long next;
	int dead;
};

struct link {
	struct link_listener l;
	xmpp_ctx_t *ctx;
	xmpp_conn_t *conn;
	int conn_prepared;
	enum link_state state;
	int stopping;
	int attempts;		/* failures since the last success */
	unsigned long long retry_at;	/* monotonic ms */
	char *host, *domain, *secret;
	int port, rmin, rmax;
	unsigned long sent, connects;
	struct timer *timers;
	size_t ntimers;
	int in_timers;
};

static void schedule_reconnect(struct link *link);

/*
 * libstrophe 0.12 allocates its stream-management state (conn->sm_state)
 * only in xmpp_connect_client(), but every xmpp_send() of a stanza reads
 * it, also on component connections: xmpp_send() on a component crashes
 * with a NULL dereference. Workaround (PITFALLS.md): on a fresh connection
 * object, start a client connection attempt to a closed local port, which
 * allocates the state, disconnect, run the loop until the attempt is over,
 * and only then use the object for xmpp_connect_component(). The state
 * survives reconnections on that object. tests/integration/test_link.py
 * sends stanzas over a real component connection; when a fixed libstrophe
 * arrives, this function can go.
 */
static int prep_done;

static void
prep_handler(xmpp_conn_t *conn, xmpp_conn_event_t ev, int error,
    xmpp_stream_error_t *se, void *ud)
{
	if (ev == XMPP_CONN_DISCONNECT || ev == XMPP_CONN_FAIL)
		prep_done = 1;
}

int
link_prepare_component_conn(xmpp_ctx_t *ctx, xmpp_conn_t *conn)
{
	int i;

	prep_done = 0;
	if (xmpp_connect_client(conn, "127.0.0.1", 1, prep_handler, NULL) != 0)
		return 0;	/* failed before connecting: state exists */
	xmpp_disconnect(conn);
	for (i = 0; i < 500 && !prep_done; i++)
		xmpp_run_once(ctx, 10);
	if (!prep_done) {
		log_warnx("link: libstrophe workaround did not complete");
		return -1;
	}
	return 0;
}

struct link *
link_new(const struct link_listener *l)
{
	struct link *link = xcalloc(1, sizeof(*link));

	link->l = *l;
	link->ctx = xmpp_ctx_new(NULL, log_strophe_logger());
	if (link->ctx == NULL)
		fatalx("link: cannot create libstrophe context");
	return link;
}

static void
drop_conn(struct link *link)
{
	if (link->conn) {
		xmpp_conn_release(link->conn);
		link->conn = NULL;
		link->conn_prepared = 0;
	}
}

void
link_free(struct link *link)
{
	if (link == NULL)
		return;
	drop_conn(link);
	xmpp_ctx_free(link->ctx);
	free(link->host);
	free(link->domain);
	if (link->secret)
		explicit_bzero(link->secret, strlen(link->secret));
	free(link->secret);
	free(link->timers);
	free(link);
}

static int
differs(const char *a, const char *b)
{
	return a == NULL || b == NULL || strcmp(a, b) != 0;
}

void
link_configure(struct link *link, const struct link_params *p)
{
	int changed = differs(link->host, p->host) ||
	    differs(link->domain, p->domain) ||
	    differs(link->secret, p->secret) || link->port != p->port;

	link->rmin = p->reconnect_min;
	link->rmax = p->reconnect_max;
	if (!changed)
		return;
	free(link->host);
	free(link->domain);
	if (link->secret)
		explicit_bzero(link->secret, strlen(link->secret));
	free(link->secret);
	link->host = xstrdup(p->host);
	link->domain = xstrdup(p->domain);
	link->secret = xstrdup(p->secret);
	link->port = p->port;
	if (link->state == LINK_UP || link->state == LINK_CONNECTING) {
		log_info("link: server settings changed, reconnecting");
		link->attempts = 0;
		xmpp_disconnect(link->conn);
	}
}

static int
stanza_handler(xmpp_conn_t *conn, xmpp_stanza_t *stanza, void *ud)
{
	struct link *link = ud;

	if (link->state == LINK_UP && link->l.stanza)
		link->l.stanza(stanza, link->l.ud);
	return 1;
}

static const char *
stream_error_name(xmpp_stream_error_t *se)
{
	static const char *const names[] = {
		"bad-format", "bad-namespace-prefix", "conflict",
		"connection-timeout", "host-gone", "host-unknown",
		"improper-addressing", "internal-server-error", "invalid-from",
		"invalid-id", "invalid-namespace", "invalid-xml",
		"not-authorized", "policy-violation", "remote-connection-failed",
		"resource-constraint", "restricted-xml", "see-other-host",
		"system-shutdown", "undefined-condition",
		"unsupported-encoding", "unsupported-stanza-type",
		"unsupported-version", "xml-not-well-formed",
	};

	if (se == NULL)
		return NULL;
	if ((size_t)se->type < nitems(names))
		return names[se->type];
	return "unknown";
}

static void
conn_handler(xmpp_conn_t *conn, xmpp_conn_event_t ev, int error,
    xmpp_stream_error_t *se, void *ud)
{
	struct link *link = ud;
	const char *sename;

	switch (ev) {
	case XMPP_CONN_CONNECT:
		link->state = LINK_UP;
		link->attempts = 0;
		link->connects++;
		xmpp_handler_delete(conn, stanza_handler);
		xmpp_handler_add(conn, stanza_handler, NULL, NULL, NULL, link);
		log_info("link: connected to %s:%d as %s", link->host,
		    link->port, link->domain);
		if (link->l.up)
			link->l.up(link->l.ud);
		break;
	case XMPP_CONN_RAW_CONNECT:
		break;
	case XMPP_CONN_DISCONNECT:
	case XMPP_CONN_FAIL:
	default:
		sename = stream_error_name(se);
		if (se && se->type == XMPP_SE_NOT_AUTHORIZED)
			log_warnx("link: the server refused the component "
			    "secret for %s (not-authorized): check "
			    "secret-file against the server's component "
			    "declaration", link->domain);
		else if (se && se->type == XMPP_SE_CONFLICT)
			log_warnx("link: another component is already "
			    "connected as %s (conflict)", link->domain);
		else if (se && se->type == XMPP_SE_HOST_UNKNOWN)
			log_warnx("link: the server does not know the "
			    "component domain %s (host-unknown): declare it "
			    "in the server's configuration", link->domain);
		else if (link->stopping)
			log_info("link: closed");
		else if (link->state == LINK_UP || sename)
			log_warnx("link: disconnected from %s:%d%s%s",
			    link->host, link->port,
			    sename ? ": stream error " : "",
			    sename ? sename : "");
		else if (error)
			log_warnx("link: cannot connect to %s:%d: %s",
			    link->host, link->port, strerror(error));
		else
			log_warnx("link: cannot connect to %s:%d: the server "
			    "closed the connection or is not listening",
			    link->host, link->port);
		if (link->state == LINK_UP && link->l.down)
			link->l.down(link->l.ud);
		link->state = LINK_IDLE;
		if (!link->stopping)
			schedule_reconnect(link);
		break;
	}
}

static void
try_connect(struct link *link)
{
	if (link->conn == NULL) {
		if ((link->conn = xmpp_conn_new(link->ctx)) == NULL)
			fatalx("link: cannot create a connection");
		xmpp_conn_set_sockopt_callback(link->conn,
		    xmpp_sockopt_cb_keepalive);
	}
	if (!link->conn_prepared) {
		xmpp_conn_set_jid(link->conn, link->domain);
		xmpp_conn_set_pass(link->conn, link->secret);
		if (link_prepare_component_conn(link->ctx, link->conn) < 0) {
			drop_conn(link);
			schedule_reconnect(link);
			return;
		}
		link->conn_prepared = 1;
	}
	xmpp_conn_set_jid(link->conn, link->domain);
	xmpp_conn_set_pass(link->conn, link->secret);
	log_debug("link: connecting to %s:%d", link->host, link->port);
	link->state = LINK_CONNECTING;
	if (xmpp_connect_component(link->conn, link->host,
	    (unsigned short)link->port, conn_handler, link) != 0) {
		log_warnx("link: cannot connect to %s:%d", link->host,
		    link->port);
		link->state = LINK_IDLE;
		schedule_reconnect(link);
	}
}

/* Capped exponential back-off with jitter: delay in [d/2, d]. */
static void
schedule_reconnect(struct link *link)
{
	unsigned long long d = (unsigned long long)link->rmin * 1000;
	unsigned int r = 0;
	int i;

	for (i = 0; i < link->attempts && d < (unsigned long long)link->rmax *
	    1000; i++)
		d *= 2;
	if (d > (unsigned long long)link->rmax * 1000)
		d = (unsigned long long)link->rmax * 1000;
	if (RAND_bytes((unsigned char *)&r, sizeof(r)) != 1)
		r = 0;
	d = d / 2 + (d / 2 ? r % (d / 2 + 1) : 0);
	link->attempts++;
	link->state = LINK_WAITING;
	link->retry_at = clock_mono_ms() + d;
	log_info("link: reconnecting in %.1f s", (double)d / 1000);
}

void
link_start(struct link *link)
{
	link->stopping = 0;
	if (link->state == LINK_IDLE)
		try_connect(link);
}

/*
 * libstrophe 0.12 queues what xmpp_send() is given and writes the queue
 * to the socket first thing in xmpp_run_once(), before it waits and
 * reads: the listener's flush (the store's group commit) runs right
 * before every xmpp_run_once(), so nothing queued leaves before the
 * writes it tells of are committed. If they were lost, the queue is
 * dropped (what was not yet written) and the link reconnects: the
 * daemon rebuilds the rooms from the database and catches up from the
 * archives, as after any outage.
 */
static void
flush(struct link *link)
{
	int n = link_queue_len(link), i;
	char *s;

	if (link->l.flush == NULL || link->l.flush(n, link->l.ud) == 0)
		return;
	if (link->conn == NULL || link->state != LINK_UP)
		return;
	for (i = 0; i < n; i++) {
		if ((s = xmpp_conn_send_queue_drop_element(link->conn,
		    XMPP_QUEUE_YOUNGEST)) == NULL)
			break;	/* the oldest may be partly written */
		xmpp_free(link->ctx, s);
	}
	log_warnx("link: %d stanza%s dropped (their writes were not "
	    "committed): reconnecting", i, i == 1 ? "" : "s");
	xmpp_disconnect(link->conn);
}

void
link_stop(struct link *link, unsigned long timeout_ms)
{
	unsigned long long end = clock_mono_ms() + timeout_ms;

	link->stopping = 1;
	flush(link);
	if (link->conn && (link->state == LINK_UP ||
	    link->state == LINK_CONNECTING)) {
		xmpp_disconnect(link->conn);
		while (link->state != LINK_IDLE && clock_mono_ms() < end) {
			flush(link);
			xmpp_run_once(link->ctx, 20);
		}
	}
	link->state = LINK_IDLE;
}

static void
compact_timers(struct link *link)
{
	size_t i, k;

	for (i = 0, k = 0; i < link->ntimers; i++)
		if (!link->timers[i].dead)
			link->timers[k++] = link->timers[i];
	link->ntimers = k;
}

static void
run_timers(struct link *link)
{
	unsigned long long now = clock_mono_ms();
	size_t i, n = link->ntimers;

	link->in_timers = 1;
	for (i = 0; i < n; i++) {
		struct timer *t = &link->timers[i];

		if (t->dead || now < t->next)
			continue;
		t->next = now + t->period;
		if (t->fn(t->ud) == 0)
			link->timers[i].dead = 1;
	}
	link->in_timers = 0;
	compact_timers(link);
}

void
link_run_once(struct link *link, unsigned long timeout_ms)
{
	if (link->state == LINK_WAITING && !link->stopping &&
	    clock_mono_ms() >= link->retry_at)
		try_connect(link);
	flush(link);
	xmpp_run_once(link->ctx, timeout_ms);
	run_timers(link);
}

int
link_is_up(const struct link *link)
{
	return link->state == LINK_UP;
}

xmpp_ctx_t *
link_ctx(struct link *link)
{
	return link->ctx;
}

const char *
link_domain(const struct link *link)
{
	return link->domain;
}

/*
 * The text guard. What arrives needs none: libstrophe parses the stream
 * with expat, which refuses ill-formed UTF-8, surrogates, U+FFFE/U+FFFF
 * and the C0 controls, raw or as character references; on a parse error
 * libstrophe answers with an invalid-xml stream error, so no such stanza
 * reaches a handler (seen with xmpp_stanza_new_from_string() on
 * libstrophe 0.12.2 and expat 2.5.0, tests/unit/test_text.c; the stream
 * parser is the same code). What expat lets through and text_valid()
 * refuses (C1 controls, DEL, CR from &#13;) is legal XML, cleaned here on
 * the way out. The risk is what we build: byte cuts, fixed buffers,
 * database rows, plugin output.
 */
#define GUARD_ATTRS 16	/* attributes looked at without allocating */

/* Repairs a text node: returns 1 if replaced, 0 if valid, -1 on failure. */
static int
repair_text(xmpp_stanza_t *t)
{
	const char *s = xmpp_stanza_get_text_ptr(t);
	char *clean;
	int r;

	if (text_valid(s))
		return 0;
	clean = text_clean(s, 0, NULL);
	r = xmpp_stanza_set_text(t, clean) == XMPP_EOK ? 1 : -1;
	free(clean);
	return r;
}

/*
 * Repairs st and its descendants; *where (may be NULL) gets the name of
 * the first element found with bad text. Recursive like libstrophe's own
 * renderer, which goes as deep when the stanza is sent.
 */
static int
repair_tree(xmpp_stanza_t *st, const char **where)
{
	const char *stack_attrs[2 * GUARD_ATTRS], **attrs = stack_attrs;
	xmpp_stanza_t *c;
	char *clean;
	int n, i, r, count = 0, failed = 0;

	/*
	 * Our side allocates nothing for valid text; libstrophe allocates a
	 * hash iterator in xmpp_stanza_get_attributes(), as its renderer does
	 * for every element anyway.
	 */
	if ((n = xmpp_stanza_get_attribute_count(st)) > GUARD_ATTRS)
		attrs = xreallocarray(NULL, (size_t)n, 2 * sizeof(*attrs));
	if (n > 0)
		n = xmpp_stanza_get_attributes(st, attrs, 2 * n);
	for (i = 0; i + 1 < n; i += 2) {
		if (text_valid(attrs[i + 1]))
			continue;
		/* replaces the value in place: the name stays valid */
		clean = text_clean(attrs[i + 1], 0, NULL);
		if (xmpp_stanza_set_attribute(st, attrs[i], clean) != XMPP_EOK)
			failed = 1;
		free(clean);
		if (where && *where == NULL)
			*where = xmpp_stanza_get_name(st);
		count++;
	}
	if (attrs != stack_attrs)
		free(attrs);

	for (c = xmpp_stanza_get_children(st); c; c = xmpp_stanza_get_next(c)) {
		if (!xmpp_stanza_is_text(c))
			r = repair_tree(c, where);
		else if ((r = repair_text(c)) > 0 && where && *where == NULL)
			*where = xmpp_stanza_get_name(st);
		if (r < 0)
			failed = 1;
		else
			count += r;
	}
	return failed ? -1 : count;
}

int
link_repair_stanza(xmpp_stanza_t *stanza)
{
	if (xmpp_stanza_is_text(stanza))
		return repair_text(stanza);	/* not a stanza, but why not */
	return repair_tree(stanza, NULL);
}

enum accueil_err
link_send(struct link *link, xmpp_stanza_t *stanza)
{
	const char *from = xmpp_stanza_get_from(stanza);
	const char *to = xmpp_stanza_get_to(stanza);
	const char *name = xmpp_stanza_get_name(stanza), *where = NULL;
	int n;

	if (from == NULL || to == NULL || *from == '\0' || *to == '\0') {
		log_warnx("link: refusing to send <%s> without from and to",
		    name);
		return ACCUEIL_EINVAL;
	}
	/* a repaired address would be another address, or a bad one */
	if (!text_valid(from) || !text_valid(to)) {
		log_warnx("link: refusing to send <%s> with invalid text in "
		    "from or to", name);
		return ACCUEIL_EINVAL;
	}
	if (link->state != LINK_UP)
		return ACCUEIL_ELINK;
	if ((n = repair_tree(stanza, &where)) < 0) {
		log_warnx("link: refusing to send <%s>: cannot repair its "
		    "text", name);
		return ACCUEIL_ENOMEM;
	}
	if (n > 0) {
		log_warnx("link: <%s> had invalid text in %d place%s (first "
		    "in <%s>), sent repaired", name, n, n > 1 ? "s" : "",
		    where ? where : "?");
		log_debug("link: repaired <%s> to %s", name, to);
	}
	xmpp_send(link->conn, stanza);
	link->sent++;
	return ACCUEIL_OK;
}

unsigned long
link_sent_count(const struct link *link)
{
	return link->sent;
}

unsigned long
link_connect_count(const struct link *link)
{
	return link->connects;
}

void
link_timer_add(struct link *link, unsigned long period_ms,
    int (*fn)(void *ud), void *ud)
{
	struct timer *t;

	link->timers = xreallocarray(link->timers, link->ntimers + 1,
	    sizeof(*link->timers));
	t = &link->timers[link->ntimers++];
	t->fn = fn;
	t->ud = ud;
	t->period = period_ms;
	t->next = clock_mono_ms() + period_ms;
	t->dead = 0;
}

void
link_timer_remove(struct link *link, int (*fn)(void *ud), void *ud)
{
	size_t i;

	for (i = 0; i < link->ntimers; i++)
		if (link->timers[i].fn == fn && link->timers[i].ud == ud)
			link->timers[i].dead = 1;
	if (!link->in_timers)
		compact_timers(link);
}

int
link_queue_len(const struct link *link)
{
	if (link->conn == NULL || link->state != LINK_UP)
		return 0;
	return xmpp_conn_send_queue_len(link->conn);
}
