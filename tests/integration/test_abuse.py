#!/usr/bin/python3
"""The daemon keeps its promises under abuse, against real Prosody and
ejabberd: a visitor's flood (and a counsellor's), many visitors writing at
once, garbage stanzas to every address class of the component, and an XMPP
server restart in the middle of a conversation.

Runs under ACCUEIL_VALGRIND=1 too (the time limits on the daemon's answers
are then multiplied by harness.DAEMON_TIME_FACTOR).
"""

import asyncio
import os
import re
import time

from slixmpp.exceptions import IqError, IqTimeout

import harness
from harness import Client, DAEMON_TIME_FACTOR as F, event_loop, pause, run
from sessionlib import D, DESK, Desk, Visitor, body, is_from_v, offer_to

NS_CONF = "jabber:x:conference"
NS_QUEUE = "{urn:accueil:queue:0}queue"
PING = "<ping xmlns='urn:xmpp:ping'/>"
FLOOD = 300
QUICK_REPLIES = 100


def from_v(v):
    return lambda s: is_from_v(s) and str(s["from"].bare) == v


def relayed_bodies(client, v, prefix, since=0):
    """Lines starting with prefix that client received from v, in order.
    Past the visitor's burst (<limits>), lines come merged into one
    message, one per line (test_limits.py checks that): each counts."""
    return [line for s in client.stanzas[since:]
            if from_v(v)(s) and body(s).startswith(prefix)
            for line in body(s).split("\n")]


def sequence_problems(got, expected):
    """'' if got == expected, else what is wrong (missing, duplicated,
    out of order), shortly."""
    if got == expected:
        return ""
    missing = [e for e in expected if e not in got]
    dups = sorted({g for g in got if got.count(g) > 1})
    order = [g for g in dict.fromkeys(got) if g in expected]
    out_of_order = order != [e for e in expected if e in order]
    return (f"{len(got)} received for {len(expected)} sent; missing {missing[:5]}"
            f"{'...' if len(missing) > 5 else ''} ({len(missing)}); duplicated {dups[:5]} "
            f"({len(dups)}); {'OUT OF ORDER' if out_of_order else 'in order'}")


def conversation(desk, nick, question, key):
    """A visitor asks, marie takes it; returns (visitor, v- JID)."""
    marie = desk.staff["marie"]
    visitor = Visitor(desk, nick=nick)
    since = marie.mark()
    visitor.ask(question)
    v = offer_to(marie, key, since=since, timeout=15 * F)
    marie.send_message(v, f"Bonjour {nick}, je vous écoute.")
    visitor.wait_room(lambda s: f"Bonjour {nick}, je vous" in body(s), timeout=15 * F)
    return visitor, v


class Pinger:
    """Pings the service from `client` every `interval` s on the clients'
    loop, recording round trips (None for a lost or failed ping)."""

    def __init__(self, client, interval=0.1):
        self.client, self.interval = client, interval
        self.rtts = []       # (sent at, rtt seconds or None)
        self.stopped = False
        self.task = event_loop().create_task(self._run())

    async def _run(self):
        while not self.stopped:
            iq = self.client.xmpp.Iq()
            iq["to"], iq["type"] = D, "get"
            iq.append(harness._parse_fragments(PING)[0])
            t0 = time.monotonic()
            try:
                reply = await iq.send(timeout=10 * F)
                self.rtts.append((t0, time.monotonic() - t0
                                  if reply["type"] == "result" else None))
            except (IqError, IqTimeout):
                self.rtts.append((t0, None))
            await asyncio.sleep(self.interval)

    def stop(self):
        self.stopped = True
        harness.wait_until(lambda: self.task.done(), 15 * F, "the pinger to stop")


# --------------------------------------------------------------------------
# Floods


def test_flood(server_cls, tmpdir):
    desk = Desk(server_cls, tmpdir)
    marie = desk.staff["marie"]
    visitor, v = conversation(desk, "Flora", "Bonjour, une question sur le "
                              "marché de Cahors, merci.", "marché de Cahors")
    bob = Client(desk.server, "bob", "pw")
    assert bob.iq(D, PING)["type"] == "result"
    sid = v.split("@")[0]

    # the visitor posts FLOOD messages as fast as the client can
    expected = [f"F-{i:03d} flood" for i in range(FLOOD)]
    since = marie.mark()
    pinger = Pinger(bob)
    began = time.monotonic()
    for text in expected:
        visitor.client.xmpp.send_message(mto=visitor.room, mbody=text, mtype="groupchat")
    visitor.client.flush(timeout=30)
    sent = time.monotonic()
    harness.wait_until(lambda: len(relayed_bodies(marie, v, "F-", since)) >= FLOOD,
                       60 * F, f"{FLOOD} flood messages at the counsellor")
    relayed = time.monotonic()
    pause(1.5)          # anything duplicated would come now
    pinger.stop()
    got = relayed_bodies(marie, v, "F-", since)
    problem = sequence_problems(got, expected)
    assert not problem, f"visitor flood, as the counsellor got it: {problem}"
    during = [(t, rtt) for t, rtt in pinger.rtts if t <= relayed]
    assert during, "no ping was sent during the flood"
    lost = [t - began for t, rtt in during if rtt is None]
    assert not lost, f"pings without an answer during the flood (sent at +{lost} s)"
    slowest = max(rtt for _, rtt in during)
    assert slowest <= 2.0 * F, \
        f"the daemon answered a ping in {slowest:.2f} s during the flood (limit {2 * F} s)"
    rows = desk.rows("SELECT body, relayed FROM messages WHERE session = ? AND "
                     "role = 'visitor' AND body LIKE 'F-%' ORDER BY id", sid)
    problem = sequence_problems([r["body"] for r in rows], expected)
    assert not problem, f"visitor flood in the transcript: {problem}"
    assert all(r["relayed"] for r in rows), "flood messages stored as not relayed"
    print(f"# {server_cls.name}: {FLOOD} visitor messages queued in {sent - began:.2f} s, "
          f"all at the counsellor after {relayed - began:.2f} s; "
          f"{len(during)} pings during the flood, slowest {1000 * slowest:.0f} ms")

    # the counsellor answers with QUICK_REPLIES quick messages
    expected = [f"K-{i:03d} réponse" for i in range(QUICK_REPLIES)]
    vs = visitor.client.mark()
    began = time.monotonic()
    for text in expected:
        marie.xmpp.send_message(mto=v, mbody=text, mtype="chat")
    marie.flush(timeout=30)

    def at_visitor():
        return [body(s) for s in visitor.client.stanzas[vs:]
                if s.name == "message" and s["type"] == "groupchat"
                and str(s["from"]) == f"{visitor.room}/Claire" and body(s).startswith("K-")]
    harness.wait_until(lambda: len(at_visitor()) >= QUICK_REPLIES, 60 * F,
                       f"{QUICK_REPLIES} counsellor messages in the room")
    done = time.monotonic()
    pause(1.5)
    problem = sequence_problems(at_visitor(), expected)
    assert not problem, f"counsellor's quick messages, as the visitor got them: {problem}"
    rows = desk.rows("SELECT body, relayed FROM messages WHERE session = ? AND "
                     "role = 'counsellor' AND body LIKE 'K-%' ORDER BY id", sid)
    problem = sequence_problems([r["body"] for r in rows], expected)
    assert not problem, f"counsellor's quick messages in the transcript: {problem}"
    assert all(r["relayed"] for r in rows), "counsellor messages stored as not relayed"
    assert visitor.client.never_received("marie@ot.example")
    print(f"# {server_cls.name}: {QUICK_REPLIES} counsellor messages in the room after "
          f"{done - began:.2f} s")


# --------------------------------------------------------------------------
# Many visitors at once


MANY = 40


def many_visitors(desk, n):
    """n anonymous visitors; they all write to the desk at once. Returns
    the clients and their invitations (room, password) once all came."""
    clients = [Client(desk.server, anonymous=True) for _ in range(n)]
    marks = [c.mark() for c in clients]
    for i, c in enumerate(clients):
        c.xmpp.send_message(mto=DESK, mtype="chat",
                            mbody=f"Bonjour, je suis le visiteur numéro {i:02d}, "
                                  "quels sont vos horaires d'ouverture ?")
    for c in clients:
        c.flush(timeout=10)
    invitations = [None] * n
    deadline = time.monotonic() + 60 * F
    for i, c in enumerate(clients):
        try:
            inv = c.wait_for(lambda s: s.name == "message" and
                             s.xml.find(f"{{{NS_CONF}}}x") is not None,
                             timeout=max(1, deadline - time.monotonic()), since=marks[i])
        except TimeoutError:
            continue
        x = inv.xml.find(f"{{{NS_CONF}}}x")
        invitations[i] = (x.get("jid"), x.get("password"))
    return clients, invitations


def test_many_visitors_at_once(server_cls, tmpdir):
    desk = Desk(server_cls, tmpdir, accounts=("marie", "lea"))
    clients, invitations = many_visitors(desk, MANY)
    missing = [i for i, inv in enumerate(invitations) if inv is None]
    assert not missing, f"{len(missing)} of {MANY} visitors got no invitation: {missing}"
    rooms = [inv[0] for inv in invitations]
    assert len(set(rooms)) == MANY, "two visitors were invited to the same room"
    rows = desk.rows("SELECT visitor_bare, room, state FROM sessions")
    assert len(rows) == MANY, f"{len(rows)} sessions stored for {MANY} visitors"
    by_visitor = {r["visitor_bare"]: r["room"] for r in rows}
    for c, room in zip(clients, rooms):
        assert by_visitor.get(c.bare) == room, (c.bare, room, by_visitor.get(c.bare))
    questions = desk.rows("SELECT count(*) AS n FROM messages WHERE role = 'visitor' "
                          "AND body LIKE 'Bonjour, je suis le visiteur numéro%'")[0]["n"]
    assert questions == MANY, f"{questions} first questions stored for {MANY}"
    # every one is being taken care of: offered (2 counsellors x 3 chats) or queued
    states = {r["state"] for r in rows}
    assert states == {"waiting"}, states
    assert desk.daemon.running()


def test_burst_queue_notices(server_cls, tmpdir):
    """Visitors of a burst who must wait are told their place in the queue
    after the greeting, with the machine-readable <queue/> element the web
    widget reads (urn:accueil:queue:0, position and wait)."""
    desk = Desk(server_cls, tmpdir, accounts=("marie",), max_chats={"marie": 1})
    n = 12
    clients, invitations = many_visitors(desk, n)
    assert all(invitations), "a visitor got no invitation"
    visitors = []
    for i, (c, (room, password)) in enumerate(zip(clients, invitations)):
        v = Visitor(desk, client=c, nick=f"V{i:02d}")
        v.room, v.password = room, password
        v.join()
        visitors.append(v)
    pause(4)            # two routing ticks
    bare, wrong_order = [], []
    for i, v in enumerate(visitors):
        msgs = [s for s in v.client.stanzas if s.name == "message"
                and str(s["from"]) == f"{v.room}/Adam"]
        texts = [body(s) for s in msgs]
        notices = [k for k, t in enumerate(texts)
                   if t.startswith("Vous êtes n°") or t.startswith("Un conseiller a été")]
        greeting = [k for k, t in enumerate(texts) if "je suis Adam" in t]
        if notices and greeting and notices[0] < greeting[0]:
            wrong_order.append(i)
        if any(msgs[k].xml.find(NS_QUEUE) is None for k in notices):
            bare.append(i)
    rows = desk.rows("SELECT s.id, (SELECT min(id) FROM messages m WHERE m.session = s.id "
                     "AND m.body LIKE 'Vous êtes n°%') AS notice, (SELECT min(id) FROM "
                     "messages m WHERE m.session = s.id AND m.body LIKE 'Bonjour%je suis "
                     "Adam%') AS greeting FROM sessions s")
    early = [r["id"] for r in rows if r["notice"] and r["greeting"]
             and r["notice"] < r["greeting"]]
    assert not bare and not wrong_order, (
        f"{len(bare)} of {n} visitors got a queue notice without its "
        f"<queue xmlns='urn:accueil:queue:0'/> element (the widget shows no place in "
        f"the queue), {len(wrong_order)} got it before the bot's greeting; in the "
        f"transcripts {len(early)} sessions have the notice stored before the greeting "
        "(posted by a routing tick while their room was still being set up, then sent "
        "as plain text by flush_posts)")


# --------------------------------------------------------------------------
# Garbage to every address


def jid_classes(v):
    long_local = "x" * 1000
    return {
        "service": D, "service/res": f"{D}/res",
        "desk": DESK, "DESK (upper case)": f"CAHORS@{D.upper()}", "desk/res": f"{DESK}/res",
        "bot": f"adam@{D}", "persona": f"claire@{D}", "persona/res": f"claire@{D}/x",
        "v- active": v, "v- active/res": f"{v}/r", "v- unknown": f"v-0000000000@{D}",
        "v- empty": f"v-@{D}", "unknown": f"nobody@{D}", "1000-char localpart": f"{long_local}@{D}",
    }


BIG = "A" * 60000
IQ_PAYLOADS = {
    "no child": None,
    "two children": PING + "<query xmlns='http://jabber.org/protocol/disco#info'/>",
    "unknown namespace": "<query xmlns='urn:example:accueil:nothing'/>",
    "disco#info": "<query xmlns='http://jabber.org/protocol/disco#info'/>",
    "disco#items": "<query xmlns='http://jabber.org/protocol/disco#items'/>",
    "disco#info huge node": f"<query xmlns='http://jabber.org/protocol/disco#info' node='{BIG}'/>",
    "vCard": "<vCard xmlns='vcard-temp'><FN>Mallory</FN><PHOTO><BINVAL>AAAA</BINVAL></PHOTO></vCard>",
    "version": "<query xmlns='jabber:iq:version'/>",
    "ping with junk": "<ping xmlns='urn:xmpp:ping' junk='1'><x xmlns='urn:junk'/></ping>",
    "ad-hoc execute": ("<command xmlns='http://jabber.org/protocol/commands' "
                       "node='http://jabber.org/protocol/admin#shutdown' action='execute'/>"),
    "OMEMO devicelist": ("<pubsub xmlns='http://jabber.org/protocol/pubsub'><items "
                         "node='eu.siacs.conversations.axolotl.devicelist'/></pubsub>"),
    "roster": "<query xmlns='jabber:iq:roster'/>",
    "jabber:client child": "<foo xmlns='jabber:client'/>",
    "MUC owner destroy": ("<query xmlns='http://jabber.org/protocol/muc#owner'>"
                          "<destroy jid='x@salons.ot.example'/></query>"),
    "data form 1000 fields": ("<x xmlns='jabber:x:data' type='submit'>" + "".join(
        f"<field var='f{i}'><value>{i}</value></field>" for i in range(1000)) + "</x>"),
    "escaped characters": ("<query xmlns='http://jabber.org/protocol/disco#info' "
                           "node='a&#9;b&#10;c&#13;\u202e\ufffd\U0010ffff\u0301'/>"),
}


def send_iq_no_wait(client, to, type, payload, id):
    iq = client.xmpp.Iq()
    iq["to"], iq["type"], iq["id"] = to, type, id
    if payload:
        for el in harness._parse_fragments(payload):
            iq.append(el)
    iq.send()


def send_message_el(client, to, type=None, body_text=None, extra=None, id=None,
                    attrs=None, lang=None):
    msg = client.xmpp.Message()
    msg["to"] = to
    if type:
        msg.xml.set("type", type)
    if id:
        msg["id"] = id
    if lang:
        msg["lang"] = lang
    if body_text is not None:
        msg["body"] = body_text
    for k, val in (attrs or {}).items():
        msg.xml.set(k, val)
    for el in harness._parse_fragments(extra) if extra else []:
        msg.append(el)
    msg.send()


def send_presence_el(client, to, type=None, extra=None, id=None):
    pres = client.xmpp.Presence()
    pres["to"] = to
    if type:
        pres.xml.set("type", type)
    if id:
        pres["id"] = id
    for el in harness._parse_fragments(extra) if extra else []:
        pres.append(el)
    pres.send()


FORMS = {
    "type form": "<x xmlns='jabber:x:data' type='form'><field var='name'><value>Zoé</value></field></x>",
    "no type": "<x xmlns='jabber:x:data'><field var='lang'><value>fr</value></field></x>",
    "fields without var": ("<x xmlns='jabber:x:data' type='submit'><field><value>a</value>"
                           "</field><field type='text-single'/></x>"),
    "1000 fields": ("<x xmlns='jabber:x:data' type='submit'>" + "".join(
        f"<field var='name'><value>N{i}</value></field>" for i in range(1000)) + "</x>"),
    "100 values, bad lang": ("<x xmlns='jabber:x:data' type='submit'><field var='lang'>"
                             + "<value>zz-ZZZZZZZZZZZZZZZZZZZZ</value>" * 100 + "</field></x>"),
    "wrong types": ("<x xmlns='jabber:x:data' type='submit'><field var='consent' "
                    "type='jid-multi'><value>maybe</value></field><field var='email' "
                    "type='boolean'><value>a@b c</value></field><field var='lang' "
                    "type='list-multi'><value>123</value></field></x>"),
    "control characters": ("<x xmlns='jabber:x:data' type='submit'><field var='name'>"
                           "<value>\u202eZo\u0301e&#9;&#13;\ufffd</value><x xmlns='urn:junk'/>"
                           "</field><field var='page'><value>" + "é" * 400 + "</value></field></x>"),
    "two forms": ("<x xmlns='jabber:x:data' type='submit'><field var='lang'><value>ca</value>"
                  "</field></x><x xmlns='jabber:x:data' type='submit'><field var='lang'>"
                  "<value>en</value></field></x>"),
    "only a form, no body": ("<x xmlns='jabber:x:data' type='submit'><field var='name'>"
                             "<value>Sans message</value></field></x>"),
}


def test_garbage(server_cls, tmpdir):
    desk = Desk(server_cls, tmpdir, max_chats={"marie": 20})
    marie = desk.staff["marie"]
    visitor, v = conversation(desk, "Gaby", "Bonjour, avez-vous une carte des "
                              "vignobles ?", "carte des vignobles")
    bob = Client(desk.server, "bob", "pw")
    targets = jid_classes(v)

    # 1. every IQ get/set gets an answer (all sent at once, then waited for)
    pending = {}
    for tname, to in targets.items():
        for pname, payload in IQ_PAYLOADS.items():
            for kind in ("get", "set"):
                iq = bob.xmpp.Iq()
                iq["to"], iq["type"] = to, kind
                for el in harness._parse_fragments(payload) if payload else []:
                    iq.append(el)
                pending[f"{kind} {pname} -> {tname}"] = (iq["id"], asyncio.ensure_future(
                    iq.send(timeout=30 * F)))
    bob.flush(timeout=30)
    for _, fut in pending.values():
        fut.add_done_callback(lambda f: f.cancelled() or f.exception())
    # replies by id: slixmpp matches a reply by its sender too, and keeps
    # the domain's case as given (ejabberd answers from the address as
    # written, Prosody from its normalised form), so its own wait would
    # miss the answers to CAHORS@ACCUEIL.OT.EXAMPLE on Prosody
    ids = {iq_id for iq_id, _ in pending.values()}

    def replies():
        return {s["id"]: s for s in bob.stanzas if s.name == "iq"
                and s["type"] in ("result", "error") and s["id"] in ids}
    try:
        harness.wait_until(lambda: len(replies()) == len(ids), 40 * F, "answers to the IQs")
    except TimeoutError:
        pass            # the assertion below names the silent ones
    replies = replies()
    silent, leaks, answered = [], [], 0
    for label, (iq_id, fut) in pending.items():
        reply = replies.get(iq_id)
        if reply is None:
            silent.append(label)
            continue
        answered += 1
        if "marie@ot.example" in str(reply):
            leaks.append(label)
    assert not silent, f"IQs without an answer ({len(silent)} of {answered + len(silent)}): " \
        + "; ".join(silent[:12])
    assert not leaks, f"the counsellor's real JID in replies to: {leaks}"
    assert bob.iq(D, PING)["type"] == "result"

    # 2. stanzas that must get no answer at all (errors, results), and the
    # rest of the garbage: messages and presences of every kind
    since = bob.mark()
    quiet_ids = []
    for n, (tname, to) in enumerate(targets.items()):
        for kind in ("result", "error"):
            qid = f"quiet-iq-{kind}-{n}"
            quiet_ids.append(qid)
            send_iq_no_wait(bob, to, kind, PING if kind == "result" else
                            "<error type='cancel'><item-not-found xmlns="
                            "'urn:ietf:params:xml:ns:xmpp-stanzas'/></error>", qid)
        qid = f"quiet-msg-error-{n}"
        quiet_ids.append(qid)
        send_message_el(bob, to, type="error", id=qid, body_text="bounced",
                        extra="<error type='cancel'><service-unavailable xmlns="
                              "'urn:ietf:params:xml:ns:xmpp-stanzas'/></error>")
        qid = f"quiet-pres-error-{n}"
        quiet_ids.append(qid)
        send_presence_el(bob, to, type="error", id=qid,
                         extra="<error type='cancel'><remote-server-not-found xmlns="
                               "'urn:ietf:params:xml:ns:xmpp-stanzas'/></error>")
        for mtype in (None, "chat", "normal", "headline", "groupchat", "bogus"):
            send_message_el(bob, to, type=mtype)                       # no body
            send_message_el(bob, to, type=mtype, body_text="\t \n")
        send_message_el(bob, to, type="chat", body_text="\u202e\ufffd\U0010ffff"
                        "\u0301 é\t\r\n🙂 " + "z" * 1000)
        send_message_el(bob, to, type="chat", body_text="gros attribut", id="i" * 60000)
        send_message_el(bob, to, type="chat", body_text="grosse langue",
                        lang="fr-" + "x" * 5000)
        send_message_el(bob, to, type="chat", body_text="attribut inconnu",
                        attrs={"junk": BIG})
        send_message_el(bob, to, type="normal", body_text="Rejoignez-moi",
                        extra=f"<x xmlns='{NS_CONF}' jid='piege@salons.ot.example' "
                              "password='x' reason='viens'/>")
        send_message_el(bob, to, type="normal", extra=(
            "<x xmlns='http://jabber.org/protocol/muc#user'><invite from='x@y'/>"
            "<status code='201'/><status code='110'/><destroy/></x>"))
        send_message_el(bob, to, type="chat", body_text="form", extra=FORMS["1000 fields"])
        for ptype in (None, "subscribe", "subscribed", "unsubscribe", "unsubscribed",
                      "probe", "unavailable", "bogus"):
            send_presence_el(bob, to, type=ptype)
        send_presence_el(bob, to, extra=(
            "<x xmlns='http://jabber.org/protocol/muc#user'><item affiliation='owner' "
            "role='moderator'/><status code='110'/><status code='201'/></x>"))
        bob.flush(timeout=30)
        pause(0.05)
    # spoofing the room's own traffic: presences to the bot's and the
    # persona's occupant JIDs, as the MUC service would send them
    sid = v.split("@")[0]
    for occupant in (f"adam@{D}/{sid}", f"claire@{D}/{sid}", f"{D}/{sid}"):
        send_presence_el(bob, occupant, type="unavailable", extra=(
            "<x xmlns='http://jabber.org/protocol/muc#user'><item affiliation='none' "
            "role='none'/><status code='110'/><destroy jid='x@y'/></x>"))
        send_message_el(bob, occupant, type="groupchat", body_text="faux message du salon")
        send_iq_no_wait(bob, occupant, "result", None, f"cfg-own:{sid}")
    bob.flush(timeout=30)
    pause(3)
    assert bob.iq(D, PING, timeout=10 * F)["type"] == "result", "no pong after the garbage"
    answers = [s for s in bob.stanzas[since:] if s["id"] in quiet_ids]
    assert not answers, f"answers to error/result stanzas: {[str(s)[:200] for s in answers]}"

    # 3. malformed forms from new visitors: told, and the question goes through
    problems = []
    for fname, form in FORMS.items():
        c = Client(desk.server, anonymous=True)
        mark = c.mark()
        text = None if fname == "only a form, no body" else f"Bonjour, question ({fname})"
        c.send_message(DESK, text, extra_xml=form)
        try:
            c.wait_for(lambda s: s.name == "message" and
                       s.xml.find(f"{{{NS_CONF}}}x") is not None, timeout=15 * F,
                       since=mark)
        except TimeoutError:
            problems.append(fname)
    assert not problems, f"no invitation after a malformed form: {problems}"

    # 4. malformed XML: the server cuts that client's stream, the daemon is
    # not affected
    for raw in ("<message to='cahors@accueil.ot.example'><body>pas fermé</mess>",
                f"<iq type='get' id='bad' to='{D}'><ping xmlns='urn:xmpp:ping'/></iq>&#1;",
                f"<message to='{DESK}' type='chat'><body>\x01</body></message>"):
        rude = Client(desk.server, anonymous=True)
        rude.send_raw(raw)
        harness.wait_until(lambda: not rude.connected(), 15,
                           "the server to close a stream with malformed XML")
    assert desk.daemon.running(), "accueild exited"
    assert bob.iq(D, PING, timeout=10 * F)["type"] == "result"

    # 5. a real conversation still works, and the first one too
    v2_visitor, v2 = conversation(desk, "Dominique", "Bonjour, je cherche un "
                                  "restaurant ouvert le dimanche soir.", "dimanche soir")
    ms = marie.mark()
    v2_visitor.say("Plutôt près de la cathédrale.")
    marie.wait_for(lambda s: from_v(v2)(s) and "cathédrale" in body(s), since=ms,
                   timeout=15 * F)
    visitor.say("Et la carte est-elle gratuite ?")
    marie.wait_for(lambda s: from_v(v)(s) and "gratuite" in body(s), since=ms,
                   timeout=15 * F)
    marie.send_message(v, "Oui, elle est gratuite.")
    visitor.wait_room(lambda s: "elle est gratuite" in body(s), timeout=15 * F)
    for c in (visitor.client, v2_visitor.client, bob):
        assert c.never_received("marie@ot.example"), "the counsellor's real JID leaked"


# --------------------------------------------------------------------------
# Server restart


def test_server_restart_mid_conversation(server_cls, tmpdir):
    desk = Desk(server_cls, tmpdir)
    marie = desk.staff["marie"]
    visitor, v = conversation(desk, "Rémi", "Bonjour, je voudrais réserver une "
                              "visite guidée de la ville.", "visite guidée")
    sid = v.split("@")[0]
    visitor.say("Nous serons quatre.")
    marie.wait_for(lambda s: from_v(v)(s) and "quatre" in body(s), timeout=15 * F)

    desk.daemon.mark_log()
    desk.server.stop()
    desk.daemon.wait_log(r"link: disconnected", timeout=15)
    harness.wait_until(lambda: not visitor.client.connected() and not marie.connected(),
                       15, "the clients to see the server go")
    # While the server is down nobody can post anything: the visitor's and
    # the counsellor's clients have no stream (the web widget would say it
    # is reconnecting). Nothing reaches the room, so nothing can be lost.
    print(f"# {server_cls.name}: server down; visitor and counsellor clients "
          "disconnected, nothing can be posted")
    pause(1)

    desk.server.start()
    back = len(desk.daemon.log_text())
    # Everyone comes back at once: the counsellor's client, the visitor's
    # page (a new anonymous JID, the same room and password), while the
    # daemon may still be reconnecting (it retries every 1 to 2 s).
    marie2 = Client(desk.server, "marie", "pw")
    visitor2 = Visitor(desk, nick="Rémi")
    visitor2.room, visitor2.password = visitor.room, visitor.password
    joined = join_room(visitor2)
    if joined:
        visitor2.say("Pendant la reconnexion : deux adultes, deux enfants.")
    daemon_first = re.search(desk.daemon.connected_line, desk.daemon.log_text()[back:])
    desk.daemon.wait_log(desk.daemon.connected_line, timeout=30)
    desk.daemon.wait_log(r"staff: marie@ot.example is now available", timeout=30)
    if not joined:
        # the room was not back yet: the daemon restores it
        harness.wait_until(lambda: join_room(visitor2), 30 * F, "the room to come back")
        visitor2.say("Pendant la reconnexion : deux adultes, deux enfants.")
    print(f"# {server_cls.name}: the visitor posted again "
          f"{'after' if daemon_first or not joined else 'before'} the daemon reconnected")
    marie2.wait_for(lambda s: from_v(v)(s) and "Pendant la reconnexion" in body(s),
                    timeout=30 * F)
    pause(2)
    visitor2.say("Après la coupure : c'est pour samedi.")
    marie2.wait_for(lambda s: from_v(v)(s) and "Après la coupure" in body(s),
                    timeout=20 * F)
    marie2.send_message(v, "C'est noté pour samedi.")
    visitor2.wait_room(lambda s: "noté pour samedi" in body(s)
                       and str(s["from"]).endswith("/Claire"), timeout=20 * F)
    pause(2)
    for text in ("Pendant la reconnexion", "Après la coupure"):
        n = sum(1 for s in marie2.stanzas if from_v(v)(s) and text in body(s))
        assert n == 1, f"{text!r} reached the counsellor {n} times"
        rows = desk.rows("SELECT relayed FROM messages WHERE session = ? AND role = "
                         "'visitor' AND body LIKE ?", sid, f"{text}%")
        assert len(rows) == 1 and rows[0]["relayed"], (text, [tuple(r) for r in rows])
    assert visitor2.client.never_received("marie@ot.example")


def join_room(visitor, timeout=10):
    """Join the visitor's room (with its password); True if the room let
    them in, False on an error presence or no answer."""
    since = visitor.client.mark()
    visitor.client.send_presence(
        to=f"{visitor.room}/{visitor.nick}",
        extra_xml=f'<x xmlns="http://jabber.org/protocol/muc"><password>'
                  f'{visitor.password}</password></x>')
    try:
        p = visitor.client.wait_for(
            lambda s: s.name == "presence" and str(s["from"]) == f"{visitor.room}/{visitor.nick}",
            timeout=timeout, since=since)
    except TimeoutError:
        return False
    return p["type"] != "error"


if __name__ == "__main__":
    if os.environ.get("ACCUEIL_SKIP_ABUSE") == "1":
        # scripts/test runs the abuse tests once, in the sanitizer build
        print("1..0 # SKIP abuse tests run in the ASan/UBSan suite")
        raise SystemExit(0)
    run([test_flood, test_many_visitors_at_once, test_burst_queue_notices, test_garbage,
         test_server_restart_mid_conversation],
        timeout=float(os.environ.get("ACCUEIL_TEST_TIMEOUT", 240 * F)))
