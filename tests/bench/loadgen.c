/*
 * loadgen.c: many XMPP c2s clients in one process, to load accueild
 * through a real Prosody or ejabberd (tests/bench/bench_loadgen.py).
 *
 * One xmpp_ctx, many xmpp_conn, all driven by xmpp_run_once() on one
 * thread. libstrophe 0.12 waits with select(), so one process keeps its
 * sockets below FD_SETSIZE: the driver starts several processes (a role
 * and a slice of clients each) and talks to them over stdin/stdout, one
 * command or answer a line.
 *
 * Roles:
 *   visitors     anonymous clients; "burst" sends every first message to
 *                the desk at once, each visitor joins the room of its
 *                invitation; "talk R S" sends R stamped room messages a
 *                second for S seconds, round robin over the visitors whose
 *                counsellor answered; the room's echo of each one and the
 *                counsellors' answers are timed.
 *   counsellors  staff accounts <prefix><n>; they accept their persona's
 *                subscription, take every offer by answering it
 *                ("C<i>-0"), and answer each visitor line at once.
 *   rooms        anonymous clients that, on "burst", each create and
 *                configure one room on the MUC service given (no accueild:
 *                the server's own cost), then "talk" in it (echo only).
 *
 * Bodies carry CLOCK_MONOTONIC nanoseconds, the same clock in every
 * process of the machine: "V<i>-<k> <ns>" from visitors, "C<i>-<k> <ns>"
 * from counsellors. Commands: status, burst, talk <rate> <seconds>,
 * report, quit. "report" prints one JSON line (times in ns).
 */
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <time.h>
#include <unistd.h>

#include <strophe.h>

#define NS_MUC "http://jabber.org/protocol/muc"
#define NS_MUC_USER "http://jabber.org/protocol/muc#user"
#define NS_MUC_OWNER "http://jabber.org/protocol/muc#owner"
#define NS_CONF "jabber:x:conference"
#define NS_DATA "jabber:x:data"
#define NS_DELAY "urn:xmpp:delay"
#define MAX_VISITORS 10000

enum role { VISITORS, COUNSELLORS, ROOMS };

struct vec {
	int64_t *v;
	size_t n, cap;
};

struct client {
	xmpp_conn_t *conn;
	int idx; /* global index: visitor i, counsellor n */
	int online;
	int asked, invited, joined, answered, created, configured;
	char *room, *password;
	int64_t t_ask, t_inv, t_join, t_first, t_conf;
	int seq;
};

static struct {
	enum role role;
	const char *host, *domain, *desk, *muc, *prefix, *password;
	unsigned short port;
	int first, count;
	struct client *c;
	xmpp_ctx_t *ctx;
	int connecting;
	int next_connect;
	int failed;
	int errors;
	long sent, offers, takes;
	/* talk */
	int talking;
	double rate;
	int64_t talk_end, next_send;
	int rr;
	struct vec echo, c2v, v2c;
	unsigned char taken[MAX_VISITORS]; /* counsellors: offers taken */
} g;

static int64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void
vec_add(struct vec *v, int64_t x)
{
	if (v->n == v->cap) {
		v->cap = v->cap ? v->cap * 2 : 1024;
		v->v = realloc(v->v, v->cap * sizeof(*v->v));
		if (v->v == NULL) {
			perror("realloc");
			exit(1);
		}
	}
	v->v[v->n++] = x;
}

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void
say(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

/* A chat or groupchat message with a body; sent and released. */
static void
send_body(struct client *c, const char *to, const char *type, const char *text)
{
	xmpp_stanza_t *m = xmpp_message_new(g.ctx, type, to, NULL);

	xmpp_message_set_body(m, text);
	xmpp_send(c->conn, m);
	xmpp_stanza_release(m);
	g.sent++;
}

static xmpp_stanza_t *
child(xmpp_stanza_t *parent, const char *name, const char *ns)
{
	return xmpp_stanza_get_child_by_name_and_ns(parent, name, ns);
}

static xmpp_stanza_t *
add_child(xmpp_stanza_t *parent, const char *name, const char *ns)
{
	xmpp_stanza_t *s = xmpp_stanza_new(g.ctx);

	xmpp_stanza_set_name(s, name);
	if (ns)
		xmpp_stanza_set_ns(s, ns);
	xmpp_stanza_add_child(parent, s);
	xmpp_stanza_release(s);
	return s;
}

static void
add_text(xmpp_stanza_t *parent, const char *text)
{
	xmpp_stanza_t *t = xmpp_stanza_new(g.ctx);

	xmpp_stanza_set_text(t, text);
	xmpp_stanza_add_child(parent, t);
	xmpp_stanza_release(t);
}

static void
add_field(xmpp_stanza_t *form, const char *var, const char *value)
{
	xmpp_stanza_t *f = add_child(form, "field", NULL);

	xmpp_stanza_set_attribute(f, "var", var);
	add_text(add_child(f, "value", NULL), value);
}

/* Parses "<tag><i>-<k> <ns>"; returns 1 and fills i, k, ns. */
static int
parse_stamp(const char *body, char tag, int *i, int *k, int64_t *ns)
{
	long long t;

	if (body == NULL || body[0] != tag)
		return 0;
	if (sscanf(body + 1, "%d-%d %lld", i, k, &t) != 3)
		return 0;
	*ns = t;
	return 1;
}

/* The resource of a full JID (borrowed from jid), or "". */
static const char *
resource_of(const char *jid)
{
	const char *slash = jid ? strchr(jid, '/') : NULL;

	return slash ? slash + 1 : "";
}

static int
bare_is(const char *jid, const char *bare)
{
	size_t n = strlen(bare);

	return jid && strncmp(jid, bare, n) == 0 &&
	       (jid[n] == '/' || jid[n] == 0);
}

/* --------------------------------------------------------------------- */
/* visitors and room creators */

static void
visitor_ask(struct client *c)
{
	static const char *langs[] = {"fr", "en", "fr", "es"};
	xmpp_stanza_t *m, *x;
	char text[160], name[32];
	const char *lang = langs[c->idx % 4];

	snprintf(text, sizeof(text),
	    "Q%04d Bonjour, quelles randonnées faciles autour de Cahors ?",
	    c->idx);
	snprintf(name, sizeof(name), "V%d", c->idx);
	m = xmpp_message_new(g.ctx, "chat", g.desk, NULL);
	xmpp_message_set_body(m, text);
	x = add_child(m, "x", NS_DATA);
	xmpp_stanza_set_type(x, "submit");
	add_field(x, "lang", lang);
	add_field(x, "name", name);
	c->t_ask = now_ns();
	c->asked = 1;
	xmpp_send(c->conn, m);
	xmpp_stanza_release(m);
}

/* Joins (or, for ROOMS, creates) the client's room as nick V<i>. */
static void
room_join(struct client *c)
{
	xmpp_stanza_t *p = xmpp_presence_new(g.ctx), *x, *h;
	char to[512];

	snprintf(to, sizeof(to), "%s/V%d", c->room, c->idx);
	xmpp_stanza_set_to(p, to);
	x = add_child(p, "x", NS_MUC);
	if (c->password)
		add_text(add_child(x, "password", NULL), c->password);
	h = add_child(x, "history", NULL);
	xmpp_stanza_set_attribute(h, "maxstanzas", "0");
	xmpp_send(c->conn, p);
	xmpp_stanza_release(p);
}

/* True if the server's configuration form (or no form) has field var. */
static int
form_has(xmpp_stanza_t *form, const char *var)
{
	xmpp_stanza_t *f;

	if (form == NULL)
		return 1;
	for (f = xmpp_stanza_get_children(form); f;
	     f = xmpp_stanza_get_next(f)) {
		const char *v = xmpp_stanza_get_attribute(f, "var");

		if (v && strcmp(v, var) == 0)
			return 1;
	}
	return 0;
}

/*
 * Asks for the room's configuration form ("get"), or submits ours ("set")
 * with the fields of `form` (the server's form) among the ones accueild
 * sets too (room_setup.c): like it, only what the server offers.
 */
static void
room_owner_iq(struct client *c, const char *type, xmpp_stanza_t *form)
{
	static const char *fields[][2] = {
	    {"muc#roomconfig_roomname", "Salon"},
	    {"muc#roomconfig_persistentroom", "0"},
	    {"muc#roomconfig_publicroom", "0"},
	    {"muc#roomconfig_passwordprotectedroom", "1"},
	    {"muc#roomconfig_roomsecret", "s3cret"},
	    {"muc#roomconfig_membersonly", "0"},
	    {"muc#roomconfig_whois", "moderators"},
	    {"muc#roomconfig_changesubject", "0"},
	    {"muc#roomconfig_allowinvites", "0"},
	    {"muc#roomconfig_maxusers", "10"},
	    {"muc#roomconfig_historylength", "50"},
	    {"muc#roomconfig_enablearchiving", "1"},
	};
	xmpp_stanza_t *iq, *q, *x;
	char id[32];
	size_t i;

	snprintf(id, sizeof(id), "cfg-%s-%d", type, c->idx);
	iq = xmpp_iq_new(g.ctx, type, id);
	xmpp_stanza_set_to(iq, c->room);
	q = add_child(iq, "query", NS_MUC_OWNER);
	if (strcmp(type, "set") == 0) {
		x = add_child(q, "x", NS_DATA);
		xmpp_stanza_set_type(x, "submit");
		add_field(x, "FORM_TYPE",
		    "http://jabber.org/protocol/muc#roomconfig");
		for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
			if (form_has(form, fields[i][0]))
				add_field(x, fields[i][0], fields[i][1]);
		}
	}
	xmpp_send(c->conn, iq);
	xmpp_stanza_release(iq);
}

static int
on_visitor_presence(xmpp_conn_t *conn, xmpp_stanza_t *st, void *ud)
{
	struct client *c = ud;
	const char *from = xmpp_stanza_get_from(st);
	const char *type = xmpp_stanza_get_type(st);
	xmpp_stanza_t *x, *s;
	char nick[32];
	int created = 0;

	if (c->room == NULL || !bare_is(from, c->room))
		return 1;
	if (type && strcmp(type, "error") == 0) {
		g.errors++;
		return 1;
	}
	snprintf(nick, sizeof(nick), "V%d", c->idx);
	if (strcmp(resource_of(from), nick) != 0 || c->joined)
		return 1;
	c->joined = 1;
	c->t_join = now_ns();
	x = child(st, "x", NS_MUC_USER);
	for (s = x ? xmpp_stanza_get_children(x) : NULL; s;
	     s = xmpp_stanza_get_next(s)) {
		const char *code = xmpp_stanza_get_attribute(s, "code");

		if (code && strcmp(code, "201") == 0)
			created = 1;
	}
	if (g.role == ROOMS) {
		if (!created) {
			g.errors++; /* the room existed: not a creation */
			return 1;
		}
		c->created = 1;
		room_owner_iq(c, "get", NULL);
	}
	return 1;
}

static int
on_visitor_iq(xmpp_conn_t *conn, xmpp_stanza_t *st, void *ud)
{
	struct client *c = ud;
	const char *id = xmpp_stanza_get_id(st);
	const char *type = xmpp_stanza_get_type(st);

	if (id == NULL || strncmp(id, "cfg-", 4) != 0)
		return 1;
	if (type == NULL || strcmp(type, "result") != 0) {
		g.errors++;
		return 1;
	}
	if (strncmp(id, "cfg-get-", 8) == 0) {
		xmpp_stanza_t *q = child(st, "query", NS_MUC_OWNER);

		room_owner_iq(c, "set", q ? child(q, "x", NS_DATA) : NULL);
	} else if (!c->configured) {
		c->configured = 1;
		c->t_conf = now_ns();
	}
	return 1;
}

static int
on_visitor_message(xmpp_conn_t *conn, xmpp_stanza_t *st, void *ud)
{
	struct client *c = ud;
	const char *type = xmpp_stanza_get_type(st);
	const char *from = xmpp_stanza_get_from(st);
	xmpp_stanza_t *inv;
	char *body;
	int i, k;
	int64_t ns, t = now_ns();

	if (type && strcmp(type, "error") == 0) {
		g.errors++;
		return 1;
	}
	inv = child(st, "x", NS_CONF);
	if (inv && c->room == NULL && g.role == VISITORS) {
		const char *jid = xmpp_stanza_get_attribute(inv, "jid");
		const char *pw = xmpp_stanza_get_attribute(inv, "password");

		if (jid == NULL)
			return 1;
		c->room = strdup(jid);
		c->password = pw ? strdup(pw) : NULL;
		c->invited = 1;
		c->t_inv = t;
		room_join(c);
		return 1;
	}
	if (type == NULL || strcmp(type, "groupchat") != 0 || c->room == NULL ||
	    !bare_is(from, c->room) || child(st, "delay", NS_DELAY))
		return 1;
	body = xmpp_message_get_body(st);
	if (parse_stamp(body, 'V', &i, &k, &ns) && i == c->idx) {
		vec_add(&g.echo, t - ns);
	} else if (parse_stamp(body, 'C', &i, &k, &ns) && i == c->idx) {
		if (k == 0 && !c->answered) {
			c->answered = 1;
			c->t_first = t;
		} else if (k > 0) {
			vec_add(&g.c2v, t - ns);
		}
	}
	xmpp_free(g.ctx, body);
	return 1;
}

/* One stamped line from the next visitor (round robin) able to talk. */
static void
talk_one(void)
{
	char text[96];
	int tries;

	for (tries = 0; tries < g.count; tries++) {
		struct client *c = &g.c[g.rr];

		g.rr = (g.rr + 1) % g.count;
		if (!c->online ||
		    !(g.role == ROOMS ? c->configured : c->answered))
			continue;
		c->seq++;
		snprintf(text, sizeof(text), "V%d-%d %lld", c->idx, c->seq,
		    (long long)now_ns());
		send_body(c, c->room, "groupchat", text);
		return;
	}
}

/* --------------------------------------------------------------------- */
/* counsellors */

static int
on_counsellor_presence(xmpp_conn_t *conn, xmpp_stanza_t *st, void *ud)
{
	const char *type = xmpp_stanza_get_type(st);
	const char *from = xmpp_stanza_get_from(st);
	xmpp_stanza_t *p;

	if (type == NULL || from == NULL || strcmp(type, "subscribe") != 0)
		return 1;
	p = xmpp_presence_new(g.ctx);
	xmpp_stanza_set_type(p, "subscribed");
	xmpp_stanza_set_to(p, from);
	xmpp_send(conn, p);
	xmpp_stanza_release(p);
	return 1;
}

/* The "Q<4 digits>" of a question in an offer, or NULL. */
static char *
question_of(char *body)
{
	char *q;

	for (q = strchr(body, 'Q'); q; q = strchr(q + 1, 'Q')) {
		if (strspn(q + 1, "0123456789") >= 4)
			return q;
	}
	return NULL;
}

static int
on_counsellor_message(xmpp_conn_t *conn, xmpp_stanza_t *st, void *ud)
{
	struct client *c = ud;
	const char *type = xmpp_stanza_get_type(st);
	const char *from = xmpp_stanza_get_from(st);
	char *body, *bare, *q, text[96];
	int i, k;
	int64_t ns, t = now_ns();

	if ((type && strcmp(type, "error") == 0) || from == NULL ||
	    strncmp(from, "v-", 2) != 0)
		return 1;
	body = xmpp_message_get_body(st);
	if (body == NULL)
		return 1;
	bare = xmpp_jid_bare(g.ctx, from);
	if (parse_stamp(body, 'V', &i, &k, &ns)) {
		vec_add(&g.v2c, t - ns);
		snprintf(text, sizeof(text), "C%d-%d %lld", i, k,
		    (long long)now_ns());
		send_body(c, bare, "chat", text);
	} else if (strchr(body, '\n') && (q = question_of(body)) != NULL &&
	           sscanf(q + 1, "%4d", &i) == 1) {
		/* an offer: the question on its own line; answer to take it,
		 * once per visitor (offers go to several counsellors) */
		g.offers++;
		if (i < 0 || i >= MAX_VISITORS || g.taken[i])
			goto done;
		g.taken[i] = 1;
		snprintf(
		    text, sizeof(text), "C%d-0 %lld", i, (long long)now_ns());
		send_body(c, bare, "chat", text);
		g.takes++;
	}
done:
	xmpp_free(g.ctx, bare);
	xmpp_free(g.ctx, body);
	return 1;
}

/* --------------------------------------------------------------------- */
/* connections */

static void
on_conn(xmpp_conn_t *conn, xmpp_conn_event_t status, int error,
    xmpp_stream_error_t *stream_error, void *ud)
{
	struct client *c = ud;

	if (status == XMPP_CONN_CONNECT) {
		xmpp_stanza_t *p = xmpp_presence_new(g.ctx);

		c->online = 1;
		g.connecting--;
		if (g.role == COUNSELLORS) {
			xmpp_handler_add(conn, on_counsellor_message, NULL,
			    "message", NULL, c);
			xmpp_handler_add(conn, on_counsellor_presence, NULL,
			    "presence", NULL, c);
		} else {
			xmpp_handler_add(
			    conn, on_visitor_message, NULL, "message", NULL, c);
			xmpp_handler_add(conn, on_visitor_presence, NULL,
			    "presence", NULL, c);
			xmpp_handler_add(
			    conn, on_visitor_iq, NULL, "iq", NULL, c);
		}
		xmpp_send(conn, p);
		xmpp_stanza_release(p);
		return;
	}
	if (status == XMPP_CONN_DISCONNECT || status == XMPP_CONN_FAIL) {
		if (c->online)
			c->online = 0;
		else
			g.connecting--;
		g.failed++;
		fprintf(stderr, "loadgen: client %d disconnected (error %d)\n",
		    c->idx, error);
	}
}

static void
connect_one(struct client *c)
{
	char jid[256];
	long flags = XMPP_CONN_FLAG_DISABLE_TLS | XMPP_CONN_FLAG_DISABLE_SM;

	c->conn = xmpp_conn_new(g.ctx);
	xmpp_conn_set_flags(c->conn, flags);
	if (g.role == COUNSELLORS) {
		snprintf(jid, sizeof(jid), "%s%d@%s/load", g.prefix, c->idx,
		    g.domain);
		xmpp_conn_set_jid(c->conn, jid);
		xmpp_conn_set_pass(c->conn, g.password);
	} else {
		xmpp_conn_set_jid(c->conn, g.domain); /* SASL ANONYMOUS */
	}
	g.connecting++;
	if (xmpp_connect_client(c->conn, g.host, g.port, on_conn, c) !=
	    XMPP_EOK) {
		g.connecting--;
		g.failed++;
	}
}

/* --------------------------------------------------------------------- */
/* commands and report */

static int
count(int (*pred)(const struct client *))
{
	int i, n = 0;

	for (i = 0; i < g.count; i++)
		n += pred(&g.c[i]);
	return n;
}

static int
is_online(const struct client *c)
{
	return c->online;
}
static int
is_asked(const struct client *c)
{
	return c->asked;
}
static int
is_invited(const struct client *c)
{
	return c->invited;
}
static int
is_joined(const struct client *c)
{
	return c->joined;
}
static int
is_answered(const struct client *c)
{
	return c->answered;
}
static int
is_created(const struct client *c)
{
	return c->created;
}
static int
is_configured(const struct client *c)
{
	return c->configured;
}

static void
print_vec(const char *name, const struct vec *v, int comma)
{
	size_t i;

	printf("\"%s\":[", name);
	for (i = 0; i < v->n; i++)
		printf(i ? ",%lld" : "%lld", (long long)v->v[i]);
	printf("]%s", comma ? "," : "");
}

static void
print_times(const char *name, size_t off)
{
	int i, first = 1;

	printf("\"%s\":[", name);
	for (i = 0; i < g.count; i++) {
		int64_t t = *(const int64_t *)((const char *)&g.c[i] + off);

		if (t) {
			printf(first ? "%lld" : ",%lld", (long long)t);
			first = 0;
		}
	}
	printf("],");
}

static void
report(void)
{
	printf("{\"first\":%d,\"count\":%d,\"sent\":%ld,\"offers\":%ld,"
	       "\"takes\":%ld,\"errors\":%d,\"failed\":%d,",
	    g.first, g.count, g.sent, g.offers, g.takes, g.errors, g.failed);
	print_times("t_ask", offsetof(struct client, t_ask));
	print_times("t_inv", offsetof(struct client, t_inv));
	print_times("t_join", offsetof(struct client, t_join));
	print_times("t_first", offsetof(struct client, t_first));
	print_times("t_conf", offsetof(struct client, t_conf));
	print_vec("echo", &g.echo, 1);
	print_vec("c2v", &g.c2v, 1);
	print_vec("v2c", &g.v2c, 0);
	printf("}\n");
	fflush(stdout);
}

static void
clear_latencies(void)
{
	g.echo.n = g.c2v.n = g.v2c.n = 0;
}

/* Runs one command line; returns 0 on quit. */
static int
command(char *line)
{
	double rate, seconds;
	int i;

	line[strcspn(line, "\r\n")] = 0;
	if (strcmp(line, "status") == 0) {
		say("status online=%d asked=%d invited=%d joined=%d "
		    "answered=%d "
		    "created=%d configured=%d offers=%ld errors=%d failed=%d "
		    "talking=%d",
		    count(is_online), count(is_asked), count(is_invited),
		    count(is_joined), count(is_answered), count(is_created),
		    count(is_configured), g.offers, g.errors, g.failed,
		    g.talking);
	} else if (strcmp(line, "burst") == 0) {
		for (i = 0; i < g.count; i++) {
			struct client *c = &g.c[i];

			if (!c->online)
				continue;
			if (g.role == VISITORS) {
				visitor_ask(c);
			} else if (g.role == ROOMS) {
				char room[256];

				snprintf(room, sizeof(room), "load%d@%s",
				    c->idx, g.muc);
				c->room = strdup(room);
				c->t_ask = now_ns();
				c->asked = 1;
				room_join(c);
			}
		}
		say("ok burst");
	} else if (sscanf(line, "talk %lf %lf", &rate, &seconds) == 2) {
		clear_latencies();
		g.rate = rate;
		g.talking = rate > 0;
		g.next_send = now_ns();
		g.talk_end = now_ns() + (int64_t)(seconds * 1e9);
		say("ok talk");
	} else if (strcmp(line, "clear") == 0) {
		clear_latencies();
		say("ok clear");
	} else if (strcmp(line, "report") == 0) {
		report();
	} else if (strcmp(line, "quit") == 0) {
		return 0;
	} else {
		say("error unknown command: %s", line);
	}
	return 1;
}

/* Reads what stdin has; runs whole lines. Returns 0 on quit or EOF. */
static int
read_commands(void)
{
	static char buf[4096];
	static size_t have;
	struct pollfd pfd = {.fd = 0, .events = POLLIN};
	char *nl;
	ssize_t n;

	if (poll(&pfd, 1, 0) <= 0)
		return 1;
	n = read(0, buf + have, sizeof(buf) - 1 - have);
	if (n <= 0)
		return n < 0 && errno == EINTR;
	have += (size_t)n;
	buf[have] = 0;
	while ((nl = strchr(buf, '\n')) != NULL) {
		*nl = 0;
		if (!command(buf))
			return 0;
		have -= (size_t)(nl + 1 - buf);
		memmove(buf, nl + 1, have + 1);
	}
	if (have == sizeof(buf) - 1)
		have = 0; /* a line too long: dropped */
	return 1;
}

static void
usage(void)
{
	fprintf(stderr,
	    "usage: loadgen visitors|counsellors|rooms -h host -p port "
	    "-d domain -f first -n count\n"
	    "       [-D desk-jid] [-m muc-service] [-u account-prefix] "
	    "[-w password] [-b batch]\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	int opt, batch = 20, i, ready_said = 0;
	int64_t now;

	if (argc < 2)
		usage();
	if (strcmp(argv[1], "visitors") == 0)
		g.role = VISITORS;
	else if (strcmp(argv[1], "counsellors") == 0)
		g.role = COUNSELLORS;
	else if (strcmp(argv[1], "rooms") == 0)
		g.role = ROOMS;
	else
		usage();
	g.host = "127.0.0.1";
	g.prefix = "c";
	g.password = "pw";
	optind = 2;
	while ((opt = getopt(argc, argv, "h:p:d:f:n:D:m:u:w:b:")) != -1) {
		switch (opt) {
		case 'h':
			g.host = optarg;
			break;
		case 'p':
			g.port = (unsigned short)atoi(optarg);
			break;
		case 'd':
			g.domain = optarg;
			break;
		case 'f':
			g.first = atoi(optarg);
			break;
		case 'n':
			g.count = atoi(optarg);
			break;
		case 'D':
			g.desk = optarg;
			break;
		case 'm':
			g.muc = optarg;
			break;
		case 'u':
			g.prefix = optarg;
			break;
		case 'w':
			g.password = optarg;
			break;
		case 'b':
			batch = atoi(optarg);
			break;
		default:
			usage();
		}
	}
	if (g.domain == NULL || g.port == 0 || g.count <= 0 ||
	    (g.role == VISITORS && g.desk == NULL) ||
	    (g.role == ROOMS && g.muc == NULL))
		usage();
	if (g.count > FD_SETSIZE - 64) {
		fprintf(stderr,
		    "loadgen: at most %d clients per process "
		    "(libstrophe waits with select())\n",
		    FD_SETSIZE - 64);
		return 2;
	}
	xmpp_initialize();
	g.ctx = xmpp_ctx_new(NULL,
	    getenv("LOADGEN_DEBUG") ? xmpp_get_default_logger(XMPP_LEVEL_DEBUG)
	                            : NULL);
	g.c = calloc((size_t)g.count, sizeof(*g.c));
	if (g.c == NULL)
		return 1;
	for (i = 0; i < g.count; i++)
		g.c[i].idx = g.first + i;
	for (;;) {
		/* log in `batch` at a time */
		while (g.next_connect < g.count && g.connecting < batch)
			connect_one(&g.c[g.next_connect++]);
		/* select() wakes up on data at once: the timeout only paces
		 * the talk's sends and the commands */
		xmpp_run_once(g.ctx, g.talking ? 2 : 20);
		if (!ready_said && g.next_connect == g.count &&
		    g.connecting == 0) {
			say("ready online=%d failed=%d", count(is_online),
			    g.failed);
			ready_said = 1;
		}
		if (g.talking) {
			now = now_ns();
			while (g.talking && now >= g.next_send) {
				talk_one();
				g.next_send += (int64_t)(1e9 / g.rate);
			}
			if (now >= g.talk_end)
				g.talking = 0;
		}
		if (!read_commands())
			break;
	}
	for (i = 0; i < g.count; i++) {
		if (g.c[i].conn) {
			if (g.c[i].online)
				xmpp_disconnect(g.c[i].conn);
		}
	}
	for (i = 0; i < 200 && count(is_online) > 0; i++)
		xmpp_run_once(g.ctx, 5);
	for (i = 0; i < g.count; i++) {
		if (g.c[i].conn)
			xmpp_conn_release(g.c[i].conn);
		free(g.c[i].room);
		free(g.c[i].password);
	}
	free(g.c);
	xmpp_ctx_free(g.ctx);
	xmpp_shutdown();
	return 0;
}
