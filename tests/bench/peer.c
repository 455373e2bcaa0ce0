/*
 * peer.c: accueild alone. Plays the XMPP server side of XEP-0114 for a
 * real accueild, with the MUC service, the visitors and the counsellors
 * simulated in memory, so that nothing but accueild limits the figures.
 *
 *   ACCUEILD=build/dev/accueild tests/bench/peer [--quick]
 *
 * It listens on loopback, writes an accueil configuration in a temporary
 * directory (one office open 24/7, counsellors c0..cN with personas
 * p0..pN, limits raised so the rate limiter stays out of the way),
 * starts accueild pinned to one core (sched_setaffinity, as taskset),
 * does the component handshake (SHA-1 of stream id + secret) and then
 * answers what accueild asks: MUC room creation (self-presence with
 * status 110 and 201), the owner form (get and submit), affiliation
 * sets, occupants' presences, MAM queries (an empty, complete <fin/>),
 * disco, and every other IQ with an empty result. Visitors send a first
 * message to the desk, join the room they are invited to and post
 * groupchat lines; counsellors come online when their persona
 * subscribes or probes, take offers by answering them and send 1:1
 * lines. It prints:
 *
 *   - relayed messages per second (visitor -> counsellor and counsellor
 *     -> room), closed loop, with accueild on one core and every message
 *     committed (group commit; the store's rows are counted after);
 *   - p50/p99 from a stanza in to its relay out, open loop at the rate
 *     asked (20,000/s, or 90 % of the measured maximum if lower);
 *   - the time to invite the last of a burst of 1,000 first messages;
 *   - RSS per open conversation at 1,000 and 10,000 open (delta / n).
 *
 * Single-threaded (poll); the peer pins itself to another core.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <expat.h>
#include <openssl/sha.h>
#include <sqlite3.h>

#define COMP "accueil.ot.example"
#define MUC "salons.ot.example"
#define STAFF "ot.example"
#define VISIT "visit.ot.example"
#define SECRET "peer-bench-secret"

static int debug;
static char want[41];		/* the handshake's expected digest */

static void
die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "peer: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
	exit(2);
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void *
xmalloc(size_t n)
{
	void *p = calloc(1, n ? n : 1);

	if (p == NULL)
		die("out of memory");
	return p;
}

static char *
xstrdup(const char *s)
{
	char *p = strdup(s ? s : "");

	if (p == NULL)
		die("out of memory");
	return p;
}

/* ---- a tiny DOM for one stanza ----------------------------------------- */

struct el {
	char *name;
	char **attrs;		/* k, v, ..., NULL */
	char *text;
	size_t ntext;
	struct el *kids, *last, *next, *up;
};

static void
el_free(struct el *e)
{
	struct el *k, *n;
	char **a;

	if (e == NULL)
		return;
	for (k = e->kids; k; k = n) {
		n = k->next;
		el_free(k);
	}
	for (a = e->attrs; a && *a; a++)
		free(*a);
	free(e->attrs);
	free(e->name);
	free(e->text);
	free(e);
}

static const char *
attr(const struct el *e, const char *k)
{
	char **a;

	for (a = e->attrs; a && *a; a += 2)
		if (strcmp(a[0], k) == 0)
			return a[1];
	return NULL;
}

/* The first child named name (any namespace if xmlns is NULL). */
static struct el *
child(const struct el *e, const char *name, const char *xmlns)
{
	struct el *k;
	const char *ns;

	for (k = e->kids; k; k = k->next) {
		if (strcmp(k->name, name) != 0)
			continue;
		ns = attr(k, "xmlns");
		if (xmlns == NULL || (ns && strcmp(ns, xmlns) == 0))
			return k;
	}
	return NULL;
}

static const char *
text_of(const struct el *e)
{
	return e && e->text ? e->text : "";
}

/* ---- the connection ---------------------------------------------------- */

static int fd = -1;
static char *out;
static size_t nout, aout;
static XML_Parser parser;
static int depth;
static struct el *cur;
static int stream_open, authed;
static unsigned long stanzas_in, stanzas_out;

static void
put(const char *s, size_t n)
{
	if (nout + n > aout) {
		while (nout + n > aout)
			aout = aout ? 2 * aout : 1 << 16;
		if ((out = realloc(out, aout)) == NULL)
			die("out of memory");
	}
	memcpy(out + nout, s, n);
	nout += n;
}

static void
putf(const char *fmt, ...)
{
	char buf[4096], *p = buf;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0)
		die("vsnprintf");
	if ((size_t)n >= sizeof(buf)) {
		p = xmalloc((size_t)n + 1);
		va_start(ap, fmt);
		vsnprintf(p, (size_t)n + 1, fmt, ap);
		va_end(ap);
	}
	put(p, (size_t)n);
	if (p != buf)
		free(p);
}

/* XML-escaped s. */
static void
put_esc(const char *s)
{
	const char *p;

	for (p = s; *p; p++) {
		switch (*p) {
		case '&': put("&amp;", 5); break;
		case '<': put("&lt;", 4); break;
		case '>': put("&gt;", 4); break;
		case '"': put("&quot;", 6); break;
		case '\'': put("&apos;", 6); break;
		default: put(p, 1);
		}
	}
}

/* Writes what can be written now; 0 or -1 if the peer closed. */
static int
flush_out(void)
{
	size_t off = 0;
	ssize_t w;

	while (off < nout) {
		w = write(fd, out + off, nout - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && errno == EAGAIN)
			break;
		if (w <= 0)
			return -1;
		off += (size_t)w;
	}
	memmove(out, out + off, nout - off);
	nout -= off;
	return 0;
}

static void handle(struct el *st);

static void
start_el(void *ud, const char *name, const char **atts)
{
	struct el *e;
	size_t n, i;

	if (depth++ == 0) {
		stream_open = 1;
		return;
	}
	e = xmalloc(sizeof(*e));
	/* namespace-unaware parse: "stream:features" stays as written */
	e->name = xstrdup(name);
	for (n = 0; atts[n]; n++)
		;
	e->attrs = xmalloc((n + 1) * sizeof(*e->attrs));
	for (i = 0; i < n; i++)
		e->attrs[i] = xstrdup(atts[i]);
	e->up = cur;
	if (cur) {
		if (cur->last)
			cur->last->next = e;
		else
			cur->kids = e;
		cur->last = e;
	}
	cur = e;
}

static void
end_el(void *ud, const char *name)
{
	struct el *e = cur;

	if (--depth == 0) {
		stream_open = 0;
		return;
	}
	cur = e->up;
	if (cur == NULL) {
		stanzas_in++;
		handle(e);
		el_free(e);
	}
}

static void
chars(void *ud, const char *s, int len)
{
	if (cur == NULL || len <= 0)
		return;
	cur->text = realloc(cur->text, cur->ntext + (size_t)len + 1);
	if (cur->text == NULL)
		die("out of memory");
	memcpy(cur->text + cur->ntext, s, (size_t)len);
	cur->ntext += (size_t)len;
	cur->text[cur->ntext] = '\0';
}

/* Reads what is there and handles whole stanzas; -1 at EOF. */
static int
read_in(void)
{
	char buf[65536];
	ssize_t r;

	for (;;) {
		r = read(fd, buf, sizeof(buf));
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && errno == EAGAIN)
			return 0;
		if (r <= 0)
			return -1;
		if (XML_Parse(parser, buf, (int)r, 0) == XML_STATUS_ERROR)
			die("XML from accueild: %s", XML_ErrorString(
			    XML_GetErrorCode(parser)));
	}
}

/* ---- the simulated world ---------------------------------------------- */

struct occupant {
	char *nick, *jid;	/* room nick, real full JID */
	int ours;		/* the component's (bot or persona) */
};

struct room {
	char *jid;		/* bare */
	struct occupant *occ;
	size_t nocc;
	int visitor;		/* index, -1 */
	unsigned long sid;	/* stanza-ids handed out */
	struct room *hnext;
};

enum vstate { V_NEW, V_ASKED, V_INVITED, V_JOINED, V_ACTIVE };

struct visitor {
	enum vstate state;
	double asked, invited;
	struct room *room;
	char *vjid;		/* the conversation's v- JID (offers) */
	int counsellor;		/* index, -1 */
};

struct counsellor {
	int online, load;
	char *persona_jid;
};

#define HBUCKETS 65536
static struct room *rooms[HBUCKETS];
static size_t nrooms;
static struct visitor *visitors;
static int nvisitors, maxvisitors;
static struct counsellor *staff;
static int nstaff, max_chats;
static int ninvited, nactive;
static double last_invite;

/* Sequenced lines for the figures. */
static double *sent_at;
static float *lat;		/* in -> out, seconds */
static unsigned long nseq, maxseq, ndone;
static unsigned long vis_lines, staff_lines;

static unsigned
hash(const char *s)
{
	unsigned h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h % HBUCKETS;
}

static struct room *
room_find(const char *jid, int create)
{
	unsigned h = hash(jid);
	struct room *r;

	for (r = rooms[h]; r; r = r->hnext)
		if (strcmp(r->jid, jid) == 0)
			return r;
	if (!create)
		return NULL;
	r = xmalloc(sizeof(*r));
	r->jid = xstrdup(jid);
	r->visitor = -1;
	r->hnext = rooms[h];
	rooms[h] = r;
	nrooms++;
	return r;
}

static struct occupant *
occ_by_nick(struct room *r, const char *nick)
{
	size_t i;

	for (i = 0; i < r->nocc; i++)
		if (strcmp(r->occ[i].nick, nick) == 0)
			return &r->occ[i];
	return NULL;
}

static struct occupant *
occ_by_jid(struct room *r, const char *jid)
{
	size_t i;

	for (i = 0; i < r->nocc; i++)
		if (strcmp(r->occ[i].jid, jid) == 0)
			return &r->occ[i];
	return NULL;
}

/* Splits "a@b/c": bare into buf, returns the resource or NULL. */
static const char *
split_jid(const char *jid, char *bare, size_t len)
{
	const char *slash = strchr(jid, '/');
	size_t n = slash ? (size_t)(slash - jid) : strlen(jid);

	if (n >= len)
		n = len - 1;
	memcpy(bare, jid, n);
	bare[n] = '\0';
	return slash ? slash + 1 : NULL;
}

static int
domain_is(const char *bare, const char *domain)
{
	const char *at = strchr(bare, '@');

	return strcmp(at ? at + 1 : bare, domain) == 0;
}

/* "v12@visit..." -> 12; "c3@ot.example" -> 3; -1 otherwise. */
static int
index_of(const char *jid, char prefix, const char *domain)
{
	char bare[512];
	char *end;
	long n;

	split_jid(jid, bare, sizeof(bare));
	if (bare[0] != prefix || !domain_is(bare, domain))
		return -1;
	n = strtol(bare + 1, &end, 10);
	if (end == bare + 1 || *end != '@')
		return -1;
	return (int)n;
}

static void
presence_of(struct room *r, struct occupant *o, const char *to,
    const char *type, int self, int created)
{
	putf("<presence from='%s/", r->jid);
	put_esc(o->nick);
	putf("' to='");
	put_esc(to);
	putf("'%s%s%s><x xmlns='http://jabber.org/protocol/muc#user'>"
	    "<item affiliation='%s' role='%s' jid='", type ? " type='" : "",
	    type ? type : "", type ? "'" : "", o->ours ? "owner" : "none",
	    type ? "none" : o->ours ? "moderator" : "participant");
	put_esc(o->jid);
	putf("'/>%s%s</x></presence>", self ? "<status code='110'/>" : "",
	    created ? "<status code='201'/>" : "");
	stanzas_out++;
}

/* Someone joins (or updates) r as nick. */
static void
muc_join(struct room *r, const char *nick, const char *jid, int ours)
{
	struct occupant *o = occ_by_nick(r, nick);
	int created = r->nocc == 0;
	size_t i;

	if (o == NULL) {
		r->occ = realloc(r->occ, (r->nocc + 1) * sizeof(*r->occ));
		if (r->occ == NULL)
			die("out of memory");
		o = &r->occ[r->nocc++];
		o->nick = xstrdup(nick);
		o->jid = xstrdup(jid);
		o->ours = ours;
		/* the others, to the newcomer (if it is ours to tell) */
		if (ours)
			for (i = 0; i + 1 < r->nocc; i++)
				presence_of(r, &r->occ[i], jid, NULL, 0, 0);
	}
	for (i = 0; i < r->nocc; i++)
		if (r->occ[i].ours)
			presence_of(r, o, r->occ[i].jid, NULL,
			    strcmp(r->occ[i].jid, jid) == 0, created &&
			    strcmp(r->occ[i].jid, jid) == 0);
	if (ours && created) {
		putf("<message from='%s' to='", r->jid);
		put_esc(jid);
		putf("' type='groupchat'><subject/></message>");
		stanzas_out++;
	}
}

static void
muc_leave(struct room *r, const char *jid)
{
	struct occupant *o = occ_by_jid(r, jid);
	size_t i, k;

	if (o == NULL)
		return;
	k = (size_t)(o - r->occ);
	for (i = 0; i < r->nocc; i++)
		if (r->occ[i].ours)
			presence_of(r, o, r->occ[i].jid, "unavailable",
			    i == k, 0);
	free(o->nick);
	free(o->jid);
	r->occ[k] = r->occ[--r->nocc];
}

/* A groupchat line from occupant o of r, to everyone of ours. */
static void
muc_say(struct room *r, struct occupant *o, const char *body)
{
	size_t i;

	r->sid++;
	for (i = 0; i < r->nocc; i++) {
		if (!r->occ[i].ours)
			continue;
		putf("<message from='%s/", r->jid);
		put_esc(o->nick);
		putf("' to='");
		put_esc(r->occ[i].jid);
		putf("' type='groupchat' id='m%lu'><body>", r->sid);
		put_esc(body);
		putf("</body><stanza-id xmlns='urn:xmpp:sid:0' by='%s' "
		    "id='s%lu'/></message>", r->jid, r->sid);
		stanzas_out++;
	}
}

static void
iq_result(const struct el *st, const char *payload)
{
	putf("<iq type='result' from='");
	put_esc(attr(st, "to"));
	putf("' to='");
	put_esc(attr(st, "from"));
	putf("' id='");
	put_esc(attr(st, "id") ? attr(st, "id") : "");
	putf("'>%s</iq>", payload ? payload : "");
	stanzas_out++;
}

static const char owner_form[] =
    "<query xmlns='http://jabber.org/protocol/muc#owner'>"
    "<x xmlns='jabber:x:data' type='form'>"
    "<field var='FORM_TYPE' type='hidden'><value>"
    "http://jabber.org/protocol/muc#roomconfig</value></field>"
    "<field var='muc#roomconfig_roomname' type='text-single'/>"
    "<field var='muc#roomconfig_persistentroom' type='boolean'/>"
    "<field var='muc#roomconfig_publicroom' type='boolean'/>"
    "<field var='muc#roomconfig_membersonly' type='boolean'/>"
    "<field var='muc#roomconfig_passwordprotectedroom' type='boolean'/>"
    "<field var='muc#roomconfig_roomsecret' type='text-private'/>"
    "<field var='muc#roomconfig_whois' type='list-single'/>"
    "<field var='muc#roomconfig_enablearchiving' type='boolean'/>"
    "<field var='muc#roomconfig_historylength' type='text-single'/>"
    "</x></query>";

static void
room_iq(struct el *st, struct room *r)
{
	const char *type = attr(st, "type");
	struct el *q = st->kids;
	const char *ns = q ? attr(q, "xmlns") : NULL;

	if (type == NULL || (strcmp(type, "get") && strcmp(type, "set")))
		return;
	if (ns && strcmp(ns, "http://jabber.org/protocol/muc#owner") == 0 &&
	    strcmp(type, "get") == 0)
		iq_result(st, owner_form);
	else if (ns && strcmp(ns, "urn:xmpp:mam:2") == 0) {
		char buf[256];

		snprintf(buf, sizeof(buf), "<fin xmlns='urn:xmpp:mam:2' "
		    "complete='true'><set xmlns='http://jabber.org/protocol/"
		    "rsm'><count>0</count></set></fin>");
		iq_result(st, buf);
	} else if (ns && strcmp(ns, "http://jabber.org/protocol/disco#info")
	    == 0)
		iq_result(st, "<query xmlns='http://jabber.org/protocol/"
		    "disco#info'><identity category='conference' type='text'/>"
		    "<feature var='http://jabber.org/protocol/muc'/>"
		    "<feature var='urn:xmpp:mam:2'/>"
		    "<feature var='urn:xmpp:sid:0'/></query>");
	else
		iq_result(st, NULL);	/* owner submit, admin sets... */
}

/* The visitor i joins the room of its invitation. */
static void
visitor_join(int i)
{
	struct visitor *v = &visitors[i];
	char nick[32], jid[64];

	snprintf(nick, sizeof(nick), "Visiteur %d", i);
	snprintf(jid, sizeof(jid), "v%d@" VISIT "/web", i);
	muc_join(v->room, nick, jid, 0);
	v->state = V_JOINED;
}

static void
to_visitor(struct el *st, int i)
{
	struct el *x = child(st, "x", "jabber:x:conference");
	struct visitor *v;
	const char *room;
	char bare[512];

	if (i < 0 || i >= nvisitors || x == NULL ||
	    (room = attr(x, "jid")) == NULL)
		return;
	v = &visitors[i];
	if (v->state != V_ASKED)
		return;
	split_jid(room, bare, sizeof(bare));
	v->room = room_find(bare, 1);
	v->room->visitor = i;
	v->state = V_INVITED;
	v->invited = now();
	last_invite = v->invited;
	ninvited++;
	visitor_join(i);
}

/* "#L123#" / "#R123#" in body: the sequence number, or -1. */
static long
seq_in(const char *body, char kind)
{
	char tag[3] = {'#', kind, '\0'};
	const char *p = strstr(body, tag);

	return p ? strtol(p + 2, NULL, 10) : -1;
}

static void
done(long seq, double t)
{
	if (seq < 0 || (unsigned long)seq >= nseq || sent_at[seq] == 0)
		return;
	lat[seq] = (float)(t - sent_at[seq]);
	sent_at[seq] = 0;
	ndone++;
}

static void
counsellor_says(int c, const char *vjid, const char *body)
{
	putf("<message from='c%d@" STAFF "/desk' to='", c);
	put_esc(vjid);
	putf("' type='chat'><body>");
	put_esc(body);
	putf("</body></message>");
	stanzas_out++;
}

static void
to_counsellor(struct el *st, int c)
{
	const char *from = attr(st, "from"), *type = attr(st, "type");
	const char *body;
	char bare[512], greet[64];
	long q;

	if (c < 0 || c >= nstaff)
		return;
	if (strcmp(st->name, "presence") == 0) {
		if (type && (strcmp(type, "subscribe") == 0 ||
		    strcmp(type, "probe") == 0)) {
			split_jid(from, bare, sizeof(bare));
			if (type[0] == 's') {
				putf("<presence from='c%d@" STAFF "' to='%s' "
				    "type='subscribed'/>", c, bare);
				stanzas_out++;
			}
			free(staff[c].persona_jid);
			staff[c].persona_jid = xstrdup(bare);
			if (staff[c].online) {
				putf("<presence from='c%d@" STAFF "/desk' "
				    "to='%s'/>", c, bare);
				stanzas_out++;
			}
		}
		return;
	}
	if (strcmp(st->name, "message") != 0 || from == NULL)
		return;
	body = text_of(child(st, "body", NULL));
	if (*body == '\0')
		return;
	split_jid(from, bare, sizeof(bare));
	if (seq_in(body, 'L') >= 0) {
		done(seq_in(body, 'L'), now());
		return;
	}
	/* an offer: the question carries Q<visitor> */
	if ((q = seq_in(body, 'Q')) < 0 || q >= nvisitors)
		return;
	if (visitors[q].vjid == NULL)
		visitors[q].vjid = xstrdup(bare);
	if (visitors[q].counsellor >= 0 || staff[c].load >= max_chats ||
	    !staff[c].online)
		return;
	visitors[q].counsellor = c;
	staff[c].load++;
	snprintf(greet, sizeof(greet), "Bonjour, je vous écoute. #G%ld#", q);
	counsellor_says(c, bare, greet);
}

static void
to_room(struct el *st, struct room *r, const char *nick)
{
	const char *from = attr(st, "from"), *type = attr(st, "type");
	struct occupant *o;
	const char *body;
	long g;

	if (strcmp(st->name, "presence") == 0) {
		if (nick == NULL)
			return;
		if (type && strcmp(type, "unavailable") == 0)
			muc_leave(r, from);
		else if (type == NULL)
			muc_join(r, nick, from, 1);
		return;
	}
	if (strcmp(st->name, "iq") == 0) {
		room_iq(st, r);
		return;
	}
	if (strcmp(st->name, "message") != 0)
		return;
	/* an invitation through the room: to the visitor it names */
	if (child(st, "x", "http://jabber.org/protocol/muc#user") && type ==
	    NULL)
		return;
	if (type == NULL || strcmp(type, "groupchat") != 0 ||
	    (o = occ_by_jid(r, from)) == NULL)
		return;
	body = text_of(child(st, "body", NULL));
	if (*body)
		muc_say(r, o, body);
	if ((g = seq_in(body, 'R')) >= 0)
		done(g, now());
	else if ((g = seq_in(body, 'G')) >= 0 && g < nvisitors &&
	    visitors[g].state == V_JOINED) {
		visitors[g].state = V_ACTIVE;
		nactive++;
	}
}

static void
handle(struct el *st)
{
	const char *to = attr(st, "to"), *type = attr(st, "type");
	char bare[512];
	const char *res;
	struct room *r;

	if (debug > 1)
		fprintf(stderr, "<- %s to=%s type=%s\n", st->name, to ? to :
		    "", type ? type : "");
	if (strcmp(st->name, "handshake") == 0) {
		if (strcmp(text_of(st), want) != 0)
			die("handshake digest %s, expected %s", text_of(st),
			    want);
		authed = 1;
		return;
	}
	if (to == NULL)
		return;
	res = split_jid(to, bare, sizeof(bare));
	if (domain_is(bare, MUC) && strchr(bare, '@')) {
		r = room_find(bare, strcmp(st->name, "presence") == 0 &&
		    (type == NULL));
		if (r)
			to_room(st, r, res);
		else if (strcmp(st->name, "iq") == 0 && type &&
		    (!strcmp(type, "get") || !strcmp(type, "set")))
			iq_result(st, NULL);
		return;
	}
	if (domain_is(bare, VISIT)) {
		if (strcmp(st->name, "message") == 0)
			to_visitor(st, index_of(bare, 'v', VISIT));
		else if (strcmp(st->name, "iq") == 0 && type &&
		    (!strcmp(type, "get") || !strcmp(type, "set")))
			iq_result(st, NULL);
		return;
	}
	if (domain_is(bare, STAFF) && strchr(bare, '@')) {
		if (strcmp(st->name, "iq") == 0) {
			if (type && (!strcmp(type, "get") ||
			    !strcmp(type, "set")))
				iq_result(st, NULL);
			return;
		}
		to_counsellor(st, index_of(bare, 'c', STAFF));
		return;
	}
	if (strcmp(st->name, "iq") == 0 && type && (!strcmp(type, "get") ||
	    !strcmp(type, "set"))) {
		if (child(st, "query", "http://jabber.org/protocol/disco#info"))
			iq_result(st, "<query xmlns='http://jabber.org/"
			    "protocol/disco#info'><identity category='server' "
			    "type='im'/></query>");
		else
			iq_result(st, NULL);
	}
}

/* ---- the simulated people's actions ----------------------------------- */

static int
visitor_ask(void)
{
	struct visitor *v;
	int i;

	if (nvisitors == maxvisitors)
		return -1;
	i = nvisitors++;
	v = &visitors[i];
	v->state = V_ASKED;
	v->counsellor = -1;
	v->asked = now();
	putf("<message from='v%d@" VISIT "/web' to='cahors@" COMP "' "
	    "type='chat' xml:lang='fr' id='q%d'><body>Bonjour, je voudrais "
	    "des informations sur les horaires du musée, s'il vous plaît. "
	    "#Q%d#</body></message>", i, i, i);
	stanzas_out++;
	return i;
}

/* A visitor line (#L) or a counsellor line (#R) in active chat i. */
static void
send_line(int i, int from_visitor)
{
	struct visitor *v = &visitors[i];
	struct occupant *o;
	char body[96], nick[32];
	unsigned long seq;

	if (nseq == maxseq)
		return;
	seq = nseq++;
	sent_at[seq] = now();
	if (from_visitor) {
		snprintf(nick, sizeof(nick), "Visiteur %d", i);
		if ((o = occ_by_nick(v->room, nick)) == NULL)
			return;
		snprintf(body, sizeof(body), "Et le dimanche, c'est ouvert ? "
		    "#L%lu#", seq);
		muc_say(v->room, o, body);
		vis_lines++;
	} else {
		snprintf(body, sizeof(body), "Oui, de 10 h à 18 h. #R%lu#",
		    seq);
		counsellor_says(v->counsellor, v->vjid, body);
		staff_lines++;
	}
}

/* ---- driving ----------------------------------------------------------- */

/* The figures, also written as JSON to $PEER_JSON (tests/bench/run). */
static struct figure {
	const char *key;
	double v;
} figs[16];
static size_t nfigs;

static void
figure(const char *key, double v)
{
	if (nfigs < sizeof(figs) / sizeof(figs[0])) {
		figs[nfigs].key = key;
		figs[nfigs++].v = v;
	}
}

static void
write_json(int quick, double seconds)
{
	const char *path = getenv("PEER_JSON");
	size_t i;
	FILE *f;

	if (path == NULL || (f = fopen(path, "w")) == NULL)
		return;
	fprintf(f, "{\"name\": \"peer\", \"quick\": %s, \"seconds\": %.1f, "
	    "\"figures\": {", quick ? "true" : "false", seconds);
	for (i = 0; i < nfigs; i++)
		fprintf(f, "%s\"%s\": %.4f", i ? ", " : "", figs[i].key,
		    figs[i].v);
	fprintf(f, "}}\n");
	fclose(f);
}

static pid_t daemon_pid;
static char tmpdir[64] = "";

/* One turn: write, wait up to ms for input, read. */
static void
turn(int ms)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};

	if (nout > 0)
		p.events |= POLLOUT;
	if (poll(&p, 1, ms) < 0 && errno != EINTR)
		die("poll: %s", strerror(errno));
	if ((p.revents & (POLLIN | POLLHUP | POLLERR)) && read_in() < 0)
		die("accueild closed the connection");
	if (nout > 0 && flush_out() < 0)
		die("accueild closed the connection");
}

/* Runs until cond() or timeout seconds: 1 if cond() held. */
static int
run_until(int (*cond)(void), double timeout)
{
	double end = now() + timeout;

	while (!cond()) {
		if (now() > end)
			return 0;
		turn(5);
	}
	return 1;
}

static long
rss_kib(pid_t pid)
{
	char path[64], line[256];
	long kib = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, "VmRSS:", 6) == 0)
			kib = strtol(line + 6, NULL, 10);
	fclose(f);
	return kib;
}

static double
cpu_seconds(pid_t pid)
{
	char path[64], buf[1024], *p;
	unsigned long ut = 0, st = 0;
	FILE *f;
	int i;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	if (fgets(buf, sizeof(buf), f) == NULL)
		buf[0] = '\0';
	fclose(f);
	if ((p = strrchr(buf, ')')) == NULL)
		return -1;
	for (i = 0, p += 2; i < 11 && p; i++)
		p = strchr(p, ' ') ? strchr(p, ' ') + 1 : NULL;
	if (p == NULL || sscanf(p, "%lu %lu", &ut, &st) != 2)
		return -1;
	return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

static int ncpu_core = 0;

static void
write_config(int port)
{
	char path[512];
	FILE *f;
	int c;

	snprintf(path, sizeof(path), "%s/component.secret", tmpdir);
	if ((f = fopen(path, "w")) == NULL)
		die("%s: %s", path, strerror(errno));
	fprintf(f, "%s\n", SECRET);
	fclose(f);
	chmod(path, 0600);
	snprintf(path, sizeof(path), "%s/accueil.conf.xml", tmpdir);
	if ((f = fopen(path, "w")) == NULL)
		die("%s: %s", path, strerror(errno));
	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<accueil>\n"
	    "  <server host=\"127.0.0.1\" port=\"%d\" secret-file=\"component."
	    "secret\" reconnect-min=\"1\" reconnect-max=\"2\"/>\n"
	    "  <component domain=\"" COMP "\" muc=\"" MUC "\" lang=\"fr\"/>\n"
	    "  <database path=\"accueil.db\" retention-days=\"365\"/>\n"
	    "  <admin jid=\"admin@" STAFF "\"/>\n"
	    "  <bot id=\"adam\" name=\"Adam\" title=\"Assistant automatique\"/>"
	    "\n  <limits visitor-burst=\"10000\" visitor-per-minute=\"60000\" "
	    "host-burst=\"100000\" host-per-minute=\"100000\" office-burst="
	    "\"100000\" office-per-minute=\"100000\"/>\n"
	    "  <office id=\"cahors\" name=\"Office de tourisme de Cahors\" "
	    "timezone=\"Europe/Paris\" languages=\"fr en\" default-lang=\"fr\" "
	    "fallback-langs=\"en fr\" answer-delay=\"24\" offer-size=\"2\" "
	    "offer-timeout=\"45\" alert-delay=\"120\" max-wait=\"86400\" "
	    "bot=\"adam\">\n    <hours days=\"mon-sun\" open=\"00:00\" "
	    "close=\"24:00\"/>\n  </office>\n", port);
	for (c = 0; c < nstaff; c++)
		fprintf(f, "  <counsellor jid=\"c%d@" STAFF "\" persona=\"p%d\" "
		    "name=\"P%d\" title=\"Conseiller\" languages=\"fr en\" "
		    "lang=\"fr\" max-chats=\"%d\" offices=\"cahors\"/>\n", c, c,
		    c, max_chats);
	fprintf(f, "</accueil>\n");
	fclose(f);
}

static void
start_daemon(const char *bin)
{
	char conf[512], log[512];
	cpu_set_t set;
	int lfd;

	snprintf(conf, sizeof(conf), "%s/accueil.conf.xml", tmpdir);
	snprintf(log, sizeof(log), "%s/accueild.log", tmpdir);
	if ((daemon_pid = fork()) < 0)
		die("fork: %s", strerror(errno));
	if (daemon_pid == 0) {
		if ((lfd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644)) >= 0) {
			dup2(lfd, 1);
			dup2(lfd, 2);
		}
		CPU_ZERO(&set);
		CPU_SET(ncpu_core, &set);
		sched_setaffinity(0, sizeof(set), &set);
		if (chdir(tmpdir) < 0)
			_exit(127);
		execl(bin, bin, "-d", "-f", conf, (char *)NULL);
		_exit(127);
	}
}

static int
cmp_float(const void *a, const void *b)
{
	float x = *(const float *)a, y = *(const float *)b;

	return x < y ? -1 : x > y;
}

/* p50 and p99 (ms) of lat[from, to). */
static void
percentiles(unsigned long from, unsigned long to, double *p50, double *p99,
    unsigned long *n)
{
	float *v = xmalloc((to - from + 1) * sizeof(*v));
	unsigned long i, k = 0;

	for (i = from; i < to; i++)
		if (lat[i] > 0)
			v[k++] = lat[i];
	*n = k;
	*p50 = *p99 = 0;
	if (k > 0) {
		qsort(v, k, sizeof(*v), cmp_float);
		*p50 = v[k / 2] * 1e3;
		*p99 = v[(size_t)((double)k * 0.99)] * 1e3;
	}
	free(v);
}

static int want_invited, want_active;

static int
all_invited(void)
{
	return ninvited >= want_invited;
}

static int
all_active(void)
{
	return nactive >= want_active;
}

static int
staff_ready(void)
{
	int c;

	for (c = 0; c < nstaff; c++)
		if (staff[c].persona_jid == NULL)
			return 0;
	return 1;
}

static unsigned long want_done;

static int
never(void)
{
	return 0;
}

/* Serves accueild for seconds. */
static void
run_for(double seconds)
{
	run_until(never, seconds);
}

static int
lines_done(void)
{
	return ndone >= want_done;
}

static long
db_count(const char *sql)
{
	char path[512];
	sqlite3 *db;
	sqlite3_stmt *s;
	long n = -1;

	snprintf(path, sizeof(path), "%s/accueil.db", tmpdir);
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) !=
	    SQLITE_OK)
		return -1;
	sqlite3_busy_timeout(db, 5000);
	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) == SQLITE_OK) {
		if (sqlite3_step(s) == SQLITE_ROW)
			n = sqlite3_column_int64(s, 0);
		sqlite3_finalize(s);
	}
	sqlite3_close(db);
	return n;
}

static void
cleanup(void)
{
	char cmd[600];
	int status;

	if (daemon_pid > 0) {
		kill(daemon_pid, SIGTERM);
		waitpid(daemon_pid, &status, 0);
		daemon_pid = 0;
	}
	if (tmpdir[0] == '\0')
		return;
	if (getenv("PEER_KEEP") == NULL) {
		snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
		if (system(cmd) != 0)
			fprintf(stderr, "peer: could not remove %s\n", tmpdir);
	} else
		fprintf(stderr, "peer: kept %s\n", tmpdir);
	tmpdir[0] = '\0';
}

/*
 * A fresh accueild (new directory, database and configuration) connected,
 * handshake done, counsellors online. The world is reset.
 */
static void
session_start(const char *bin)
{
	struct sockaddr_in sa = {0};
	socklen_t salen = sizeof(sa);
	unsigned char dig[SHA_DIGEST_LENGTH];
	int lfd, one = 1, port, i, c;
	char hdr[256];

	memset(rooms, 0, sizeof(rooms));	/* the old ones leak: a bench */
	nrooms = 0;
	ninvited = nactive = 0;
	for (c = 0; c < nstaff; c++) {
		free(staff[c].persona_jid);
		memset(&staff[c], 0, sizeof(staff[c]));
	}
	strcpy(tmpdir, "/tmp/accueil-peer-XXXXXX");
	depth = 0;
	cur = NULL;
	stream_open = authed = 0;
	nout = 0;
	if (mkdtemp(tmpdir) == NULL)
		die("mkdtemp: %s", strerror(errno));
	if ((lfd = socket(AF_INET, SOCK_STREAM, 0)) < 0)
		die("socket: %s", strerror(errno));
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    listen(lfd, 1) < 0 || getsockname(lfd, (struct sockaddr *)&sa,
	    &salen) < 0)
		die("listen: %s", strerror(errno));
	port = ntohs(sa.sin_port);
	write_config(port);
	start_daemon(bin);
	{
		struct pollfd p = {.fd = lfd, .events = POLLIN};

		if (poll(&p, 1, 20000) <= 0)
			die("accueild did not connect within 20 s (log in %s)",
			    tmpdir);
	}
	if ((fd = accept(lfd, NULL, NULL)) < 0)
		die("accept: %s", strerror(errno));
	close(lfd);
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	fcntl(fd, F_SETFL, O_NONBLOCK);
	if (parser)
		XML_ParserFree(parser);
	parser = XML_ParserCreate(NULL);
	XML_SetElementHandler(parser, start_el, end_el);
	XML_SetCharacterDataHandler(parser, chars);

	/* the handshake: their header, ours with an id, their digest */
	while (!stream_open)
		turn(100);
	snprintf(hdr, sizeof(hdr), "peer%d", (int)getpid());
	{
		char buf[512];

		snprintf(buf, sizeof(buf), "%s%s", hdr, SECRET);
		SHA1((const unsigned char *)buf, strlen(buf), dig);
		for (i = 0; i < SHA_DIGEST_LENGTH; i++)
			snprintf(want + 2 * i, 3, "%02x", dig[i]);
	}
	putf("<?xml version='1.0'?><stream:stream xmlns='jabber:component:"
	    "accept' xmlns:stream='http://etherx.jabber.org/streams' from='"
	    COMP "' id='%s'>", hdr);
	while (!authed)
		turn(100);
	putf("<handshake/>");
	flush_out();

	/* counsellors online once their persona asks */
	for (c = 0; c < nstaff; c++)
		staff[c].online = 1;
	if (!run_until(staff_ready, 30))
		die("the personas did not subscribe to the counsellors");
	run_for(1.0);	/* settle: presences, desk */

}

/* Killed (timeout, ^C): accueild goes too. */
static void
on_term(int sig)
{
	if (daemon_pid > 0)
		kill(daemon_pid, SIGTERM);
	_exit(128 + sig);
}

/* Stops accueild (SIGTERM) and removes its directory. */
static void
session_stop(void)
{
	cleanup();
	if (fd >= 0)
		close(fd);
	fd = -1;
}

/* Opens n more conversations (first messages), waits for invitations. */
static double
open_conversations(int n, double timeout)
{
	double t0 = now();
	int i;

	want_invited = ninvited + n;
	for (i = 0; i < n; i++)
		visitor_ask();
	if (!run_until(all_invited, timeout))
		fprintf(stderr, "peer: only %d of %d invited after %.0f s\n",
		    ninvited, want_invited, timeout);
	return last_invite - t0;
}

int
main(int argc, char **argv)
{
	const char *bin = getenv("ACCUEILD");
	int quick = argc > 1 && strcmp(argv[1], "--quick") == 0;
	int i, c, window, nchats, nchats1;
	unsigned long target_rate, seq0, sent, total_lines;
	double t0, t1, cpu0, cpu1, rate, p50, p99, burst_s, dur;
	long rss0, rss1k, rss10k, stored, nopen;
	unsigned long nlat;
	cpu_set_t set;
	long ncpus = sysconf(_SC_NPROCESSORS_ONLN);
	int open_big = quick ? 2000 : 10000, open_small = 1000;
	double budget = getenv("PEER_OPEN_BUDGET") ? atof(getenv(
	    "PEER_OPEN_BUDGET")) : 900;

	double start = now();

	debug = getenv("PEER_DEBUG") ? atoi(getenv("PEER_DEBUG")) : 0;
	if (bin == NULL)
		bin = "./accueild";
	if (access(bin, X_OK) != 0 || (bin = realpath(bin, NULL)) == NULL)
		die("no accueild at %s (set ACCUEILD)", getenv("ACCUEILD") ?
		    getenv("ACCUEILD") : "./accueild");
	signal(SIGPIPE, SIG_IGN);
	signal(SIGTERM, on_term);
	signal(SIGINT, on_term);
	nstaff = 5;
	max_chats = 20;
	nchats = nstaff * max_chats;
	maxvisitors = nchats + open_big + 16;
	visitors = xmalloc((size_t)maxvisitors * sizeof(*visitors));
	staff = xmalloc((size_t)nstaff * sizeof(*staff));
	maxseq = quick ? 400000 : 1500000;
	sent_at = xmalloc(maxseq * sizeof(*sent_at));
	lat = xmalloc(maxseq * sizeof(*lat));

	/* accueild on core PEER_CORE (0), the peer on another one */
	ncpu_core = getenv("PEER_CORE") ? atoi(getenv("PEER_CORE")) : 0;
	CPU_ZERO(&set);
	CPU_SET(ncpus > 1 ? (ncpu_core + 1) % (int)ncpus : 0, &set);
	sched_setaffinity(0, sizeof(set), &set);

	atexit(cleanup);
	session_start(bin);

	/* conversations taken: nstaff * max_chats active chats */
	want_invited = 0;
	open_conversations(nchats, 60);
	want_active = nchats;
	if (!run_until(all_active, 60))
		die("only %d of %d chats taken (log in %s)", nactive, nchats,
		    tmpdir);
	fprintf(stderr, "peer: %d chats active\n", nactive);

	/* 1. throughput, closed loop */
	window = 256;
	total_lines = quick ? 100000 : 400000;
	seq0 = nseq;
	cpu0 = cpu_seconds(daemon_pid);
	t0 = now();
	sent = 0;
	i = 0;
	while (ndone < total_lines && now() - t0 < 120) {
		while (nseq - seq0 - (ndone) < (unsigned long)window &&
		    sent < total_lines) {
			send_line(i % nchats, (i / nchats) % 2 == 0);
			i++;
			sent++;
		}
		turn(1);
	}
	t1 = now();
	cpu1 = cpu_seconds(daemon_pid);
	rate = (double)ndone / (t1 - t0);
	percentiles(seq0, nseq, &p50, &p99, &nlat);
	printf("peer: accueild alone, %d chats, %lu lines (%lu visitor -> "
	    "counsellor, %lu counsellor -> room)\n", nchats, ndone, vis_lines,
	    staff_lines);
	printf("throughput: %.0f relayed/s (closed loop, window %d; accueild "
	    "CPU %.2f s for %.2f s wall: %.0f %% of its core; %.1f us CPU "
	    "per line)\n", rate, window, cpu1 - cpu0, t1 - t0, 100 * (cpu1 -
	    cpu0) / (t1 - t0), 1e6 * (cpu1 - cpu0) / (double)ndone);
	figure("relayed_per_s_wall", rate);
	figure("relayed_per_cpu_s", (double)ndone / (cpu1 - cpu0));
	figure("cpu_us_per_line", 1e6 * (cpu1 - cpu0) / (double)ndone);
	figure("core_share_pct", 100 * (cpu1 - cpu0) / (t1 - t0));
	printf("  capacity on one core: %.0f relayed/s per second of accueild "
	    "CPU (wall-clock rate is lower when the core is shared)\n",
	    (double)ndone / (cpu1 - cpu0));
	printf("  latency in the closed loop: p50 %.3f ms, p99 %.3f ms\n",
	    p50, p99);
	fflush(stdout);

	/* 2. latency, open loop at the target rate */
	target_rate = 20000;
	if (rate * 0.9 < target_rate)
		target_rate = (unsigned long)(rate * 0.9);
	if (target_rate < 100)
		target_rate = 100;
	dur = quick ? 2.0 : 5.0;
	seq0 = nseq;
	ndone = 0;
	t0 = now();
	sent = 0;
	while ((t1 = now()) - t0 < dur && nseq < maxseq) {
		unsigned long due = (unsigned long)((t1 - t0) * target_rate);

		while (sent < due && nseq < maxseq) {
			send_line(i % nchats, (i / nchats) % 2 == 0);
			i++;
			sent++;
		}
		flush_out();
		turn(0);
	}
	want_done = sent;
	run_until(lines_done, 5);
	percentiles(seq0, nseq, &p50, &p99, &nlat);
	figure("open_loop_rate", (double)target_rate);
	figure("p50_ms", p50);
	figure("p99_ms", p99);
	printf("latency at %lu/s (open loop, %.0f s): p50 %.3f ms, p99 %.3f "
	    "ms (%lu of %lu lines relayed)\n", target_rate, dur, p50, p99,
	    nlat, sent);
	fflush(stdout);
	/* every line stored: count the rows */
	run_for(1.5);
	stored = db_count("SELECT count(*) FROM messages WHERE body LIKE "
	    "'%#L%' OR body LIKE '%#R%'");
	printf("  stored and committed: %ld rows for %lu lines sent\n",
	    stored, vis_lines + staff_lines);
	fflush(stdout);

	/*
	 * 3. a fresh accueild: a burst of 1,000 first messages (the 5
	 * counsellors take 100, the others wait), then memory per open
	 * conversation from its RSS once it is up and its counsellors
	 * online. (With 100 counsellors, one per 20 chats, the routing
	 * took longer still: its cost grows with queue and staff.)
	 */
	session_stop();
	session_start(bin);
	nchats1 = nchats;
	nchats = 0;
	run_for(1.0);
	rss0 = rss_kib(daemon_pid);
	cpu0 = cpu_seconds(daemon_pid);
	burst_s = open_conversations(open_small, 300);
	cpu1 = cpu_seconds(daemon_pid);
	figure("burst_last_invite_s", burst_s);
	figure("burst_cpu_s", cpu1 - cpu0);
	printf("burst: %d first messages, last invited after %.2f s (%d "
	    "invited; accueild CPU %.2f s)\n", open_small, burst_s,
	    ninvited - nchats, cpu1 - cpu0);
	want_active = ninvited < nchats1 ? ninvited : nchats1;
	run_until(all_active, 60);
	run_for(2);
	rss1k = rss_kib(daemon_pid);
	/* open: what the store says (a backlog can make some abandoned) */
	nopen = db_count("SELECT count(*) FROM sessions WHERE state != "
	    "'closed'");
	if (nopen <= 0)
		nopen = open_small;
	figure("kib_per_conv_1000", (double)(rss1k - rss0) / nopen);
	printf("memory: %d first messages, %ld open (%d taken): RSS +%ld KiB, "
	    "%.2f KiB per open conversation\n", open_small, nopen, nactive,
	    rss1k - rss0, (double)(rss1k - rss0) / nopen);
	fflush(stdout);
	t0 = now();
	for (c = open_small; c < open_big && now() - t0 < budget; c += 1000) {
		open_conversations(1000, budget - (now() - t0));
		fprintf(stderr, "peer: %d open, accueild RSS %ld KiB\n",
		    ninvited - nchats, rss_kib(daemon_pid));
	}
	if (ninvited - nchats < open_big)
		printf("memory: only %d of %d opened within %.0f s\n",
		    ninvited - nchats, open_big, budget);
	want_active = ninvited < nchats1 ? ninvited : nchats1;
	run_until(all_active, 60);
	run_for(2);
	rss10k = rss_kib(daemon_pid);
	nopen = db_count("SELECT count(*) FROM sessions WHERE state != "
	    "'closed'");
	if (nopen <= 0)
		nopen = ninvited;
	figure("open_big", (double)nopen);
	figure("kib_per_conv_big", (double)(rss10k - rss0) / nopen);
	printf("memory: %d first messages, %ld open (%d taken, %ld closed as "
	    "abandoned: accueild read their joins after the 90 s grace): RSS "
	    "+%ld KiB, %.2f KiB per open conversation (accueild RSS %ld "
	    "KiB)\n", ninvited, nopen, nactive, db_count("SELECT count(*) "
	    "FROM sessions WHERE state = 'closed'"), rss10k - rss0,
	    (double)(rss10k - rss0) / nopen, rss10k);
	printf("peer: %lu stanzas in, %lu out, %zu rooms; accueild pinned to "
	    "core %d\n", stanzas_in, stanzas_out, nrooms, ncpu_core);
	write_json(quick, now() - start);
	return 0;
}
