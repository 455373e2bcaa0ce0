#!/usr/bin/python3
"""A supervisor's watch over live conversations, against real Prosody and
ejabberd, from real clients:

- `!conversations` to the service JID lists the conversations under way
  (id, office, language, persona, minutes, messages); a non-supervisor
  gets nothing of it;
- `!suivre <v-…>` starts a live copy of both sides, marked read-only, from
  the conversation's v- JID; what the visitor and the counsellor write is
  copied, and nothing of it comes back to the visitor twice;
- anything the supervisor then writes to the v- JID is whispered to the
  counsellor, marked as the supervisor's, and never reaches the visitor;
- `!reprendre` by a supervisor with a persona takes the conversation over:
  the visitor sees the handover under the supervisor's persona, the
  counsellor is told, the supervisor now answers the visitor; a
  supervisor without a persona is refused with the reason;
- the same through the ad-hoc commands "live", "watch" and "takeover".

Every wait is bounded; each test runs once per server.
"""

from xml.sax.saxutils import escape

from harness import Client, DAEMON_TIME_FACTOR as F, pause, run
from sessionlib import D, Desk, Visitor, body, offer_to

NS_CMD = "http://jabber.org/protocol/commands"

# lea supervises and has a persona (Léa); alice supervises without one
OFFICE = ('<office id="cahors" name="Office de tourisme de Cahors" '
          'timezone="Europe/Paris" languages="fr en es ca" default-lang="fr" '
          'fallback-langs="en fr" answer-delay="24" offer-size="1" '
          'offer-timeout="45" alert-delay="120" max-wait="600" bot="adam">'
          '<hours days="mon-sun" open="00:00" close="24:00"/>'
          '<supervisor jid="lea@ot.example"/>'
          '<supervisor jid="alice@ot.example"/>'
          '</office>')


def from_jid(jid):
    return lambda s: s.name == "message" and str(s["from"].bare) == jid


def wait_body(client, jid, needle, since, timeout=10):
    return body(client.wait_for(lambda s: from_jid(jid)(s) and
                                needle in body(s), since=since,
                                timeout=timeout * F))


def command(client, node, **form):
    fields = "".join(f'<field var="{k}"><value>{escape(v)}</value></field>'
                     for k, v in form.items())
    x = (f'<x xmlns="jabber:x:data" type="submit">{fields}</x>'
         if form else "")
    reply = client.iq(D, f'<command xmlns="{NS_CMD}" node="{node}" '
                      f'action="execute">{x}</command>', type="set")
    return reply


def note(reply):
    n = reply.xml.find(f".//{{{NS_CMD}}}note")
    return n.text if n is not None else ""


def start(desk):
    marie = desk.staff["marie"]
    visitor = Visitor(desk, nick="Nina")
    sm = marie.mark()
    visitor.ask("Bonjour, peut-on visiter le pont Valentré le soir ?")
    v = offer_to(marie, "Valentré", since=sm)
    marie.send_message(v, "Bonjour, oui, il est éclairé.")
    visitor.wait_room(lambda s: "éclairé" in body(s))
    return visitor, v


def test_watch_whisper_takeover(server_cls, tmpdir):
    desk = Desk(server_cls, tmpdir, accounts=("marie", "lea"),
                login=("marie",), office_xml=OFFICE)
    marie = desk.staff["marie"]
    visitor, v = start(desk)
    sid = v.split("@")[0]
    lea = desk.login_counsellor("lea")
    alice = Client(desk.server, "alice", "pw")
    bob = Client(desk.server, "bob", "pw")

    # the list, on the service JID
    sl = lea.mark()
    lea.send_message(D, "!conversations")
    listing = wait_body(lea, D, sid, sl)
    assert "Claire" in listing and "cahors" in listing and " fr " in listing, \
        listing
    sb = bob.mark()
    bob.send_message(D, "!conversations")
    pause(2)
    assert not [s for s in bob.stanzas[sb:] if sid in str(s)], \
        "a non-supervisor got the list"

    # watching: a live copy of both sides, read-only
    sl = lea.mark()
    lea.send_message(D, f"!suivre {sid}")
    wait_body(lea, D, "lecture seule", sl)
    sl, sv = lea.mark(), visitor.client.mark()
    visitor.say("Et le parking le plus proche ?")
    got = wait_body(lea, v, "parking le plus proche", sl)
    assert got.startswith("[suivi · lecture seule] "), got
    marie.send_message(v, "Le parking Saint-Georges, à deux pas.")
    got = wait_body(lea, v, "Saint-Georges", sl)
    assert "Claire" in got, got
    visitor.wait_room(lambda s: "Saint-Georges" in body(s), since=sv)

    # a whisper: to the counsellor only
    sm = marie.mark()
    lea.send_message(v, "Pense à proposer le plan des parkings.")
    got = wait_body(marie, v, "plan des parkings", sm)
    assert "Léa (supervision)" in got and "privé" in got, got
    pause(1.5)
    leaked = [body(s) for s in visitor.client.stanzas[sv:]
              if s.name == "message" and "plan des parkings" in body(s)]
    assert not leaked, f"the whisper reached the visitor: {leaked}"

    # a supervisor without a persona cannot take it over
    sa = alice.mark()
    alice.send_message(v, "!reprendre")
    got = wait_body(alice, v, "persona", sa)
    assert "<counsellor>" in got, got

    # lea takes it over: the visitor sees Léa, marie is told
    sm, sv = marie.mark(), visitor.client.mark()
    lea.send_message(v, "!reprendre")
    visitor.wait_room(lambda s: "Léa" in body(s), since=sv)
    wait_body(marie, v, "Léa", sm)
    sv = visitor.client.mark()
    lea.send_message(v, "Je prends le relais : voici le plan.")
    got = visitor.wait_room(lambda s: "prends le relais" in body(s), since=sv,
                            timeout=15 * F)
    assert str(got["from"]).endswith("/Léa"), str(got["from"])
    rows = desk.rows("SELECT counsellor FROM sessions WHERE id = ?", sid)
    assert rows[0]["counsellor"] == "lea@ot.example", dict(rows[0])


def test_supervision_adhoc(server_cls, tmpdir):
    desk = Desk(server_cls, tmpdir, office_xml=OFFICE)
    marie = desk.staff["marie"]
    visitor, v = start(desk)
    sid = v.split("@")[0]
    alice = Client(desk.server, "alice", "pw")
    bob = Client(desk.server, "bob", "pw")

    reply = command(alice, "live")
    assert reply["type"] == "result" and sid in note(reply), str(reply)
    reply = command(bob, "live")
    assert reply["type"] == "error", str(reply)

    reply = command(alice, "watch", session=sid)
    assert "lecture seule" in note(reply), note(reply)
    sa = alice.mark()
    visitor.say("Merci beaucoup !")
    wait_body(alice, v, "Merci beaucoup", sa)

    reply = command(alice, "watch", session="v-0000000000")
    assert "Pas de conversation" in note(reply), note(reply)
    reply = command(alice, "takeover", session=sid)
    assert "persona" in note(reply), note(reply)
    assert desk.rows("SELECT counsellor FROM sessions WHERE id = ?",
                     sid)[0]["counsellor"] == "marie@ot.example"

    # the end of the conversation ends the watch, and the supervisor is told
    sa = alice.mark()
    marie.send_message(v, "!fin")
    visitor.wait_room(lambda s: "1" in body(s) and "5" in body(s))
    visitor.say("5")
    wait_body(alice, v, "terminée", sa, timeout=20)


if __name__ == "__main__":
    run([test_watch_whisper_takeover, test_supervision_adhoc])
