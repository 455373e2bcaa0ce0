#!/usr/bin/python3
"""The visitor's presence and vCard on their v- JID, against real Prosody
and ejabberd, as a counsellor's client receives them:

- offered a conversation, a counsellor gets an available presence from its
  v- JID ("Dans la conversation (fr)"); once they take it, the colleague
  who was offered it too gets an unavailable one;
- after three minutes without a word from the visitor (test clock) the
  presence says away ("Sans un mot depuis HH:MM", the time of the last
  line, in the office's time zone); a new line makes it available again;
- when the visitor leaves the room the presence is unavailable, with the
  time they left; a presence probe gets the same answer;
- a vcard-temp query on the v- JID answers FN "<first name> (<lang>)" and
  no photo; a vCard set is refused; an unknown v- JID is item-not-found;
- the conversation's messages keep their nick as before.

Every wait is bounded; each test runs once per server.
"""

from harness import DAEMON_TIME_FACTOR as F, pause, run
from sessionlib import Clock, D, Desk, Visitor, body, offer_to, paris

NS_VCARD = "vcard-temp"
NICK = "{http://jabber.org/protocol/nick}nick"


def presences_from(client, jid, since=0):
    return [s for s in client.stanzas[since:]
            if s.name == "presence" and str(s["from"].bare) == jid]


def wait_presence(client, jid, predicate, since=0, timeout=10):
    return client.wait_for(lambda s: s.name == "presence" and
                           str(s["from"].bare) == jid and predicate(s),
                           since=since, timeout=timeout * F)


# slixmpp's presence["type"] gives the <show/> when there is one: read the
# attribute itself


def available(s):
    return s.xml.get("type") is None and s["show"] in ("", "chat")


def away(s):
    return s.xml.get("type") is None and s["show"] == "away"


def gone(s):
    return s.xml.get("type") == "unavailable"


def test_presence_follows_the_visitor(server_cls, tmpdir):
    clock = Clock(tmpdir, paris(2026, 7, 15, 14, 0))
    desk = Desk(server_cls, tmpdir, accounts=("marie", "lea"), clock=clock)
    marie, alice = desk.staff["marie"], desk.staff["lea"]
    sm, sa = marie.mark(), alice.mark()
    visitor = Visitor(desk, nick="Nina")
    visitor.ask("Bonjour, le marché de Cahors a-t-il lieu le samedi ?")
    v = offer_to(marie, "marché", since=sm)
    offer_to(alice, "marché", since=sa)
    p = wait_presence(marie, v, available, since=sm)
    assert "(fr)" in p["status"], p
    wait_presence(alice, v, available, since=sa)

    # marie takes it: alice is out of it
    sa = alice.mark()
    marie.send_message(v, "Bonjour, oui, place Chapou, le matin.")
    visitor.wait_room(lambda s: "Chapou" in body(s))
    wait_presence(alice, v, gone, since=sa)
    pause(1)
    assert not [s for s in presences_from(alice, v, sa) if not gone(s)], \
        "alice got an available presence after marie took the chat"

    # three minutes without a word: away, since the last line's time
    sm = marie.mark()
    clock.advance(200)
    p = wait_presence(marie, v, away, since=sm)
    assert "14:00" in p["status"], p["status"]

    # a line: available again, and the nick is the visitor's as before
    sm = marie.mark()
    visitor.say("Merci, et le dimanche ?")
    m = marie.wait_for(lambda s: s.name == "message" and
                       str(s["from"].bare) == v and "dimanche" in body(s),
                       since=sm, timeout=10 * F)
    nicks = {s.xml.findtext(NICK) for s in marie.stanzas if s.name == "message"
             and str(s["from"].bare) == v and s.xml.find(NICK) is not None}
    assert nicks == {m.xml.findtext(NICK)}, f"the nick changed: {nicks}"
    wait_presence(marie, v, available, since=sm)

    # a probe answers the current state
    sm = marie.mark()
    marie.send_presence(to=v, type="probe")
    wait_presence(marie, v, available, since=sm)
    # who has nothing to do with it gets unavailable
    sa = alice.mark()
    alice.send_presence(to=v, type="probe")
    wait_presence(alice, v, gone, since=sa)

    # the visitor leaves: unavailable, with the time they left
    sm = marie.mark()
    clock.advance(60)
    visitor.client.send_presence(to=f"{visitor.room}/{visitor.nick}",
                                 type="unavailable")
    p = wait_presence(marie, v, gone, since=sm)
    assert "14:04" in p["status"], p["status"]


def test_visitor_vcard(server_cls, tmpdir):
    desk = Desk(server_cls, tmpdir)
    marie = desk.staff["marie"]
    visitor = Visitor(desk, nick="Nina")
    visitor.ask("Hello, is the Valentré bridge open at night?", lang="en")
    v = offer_to(marie, "Valentré")
    reply = marie.iq(v, f'<vCard xmlns="{NS_VCARD}"/>')
    assert reply["type"] == "result", str(reply)
    card = reply.xml.find(f"{{{NS_VCARD}}}vCard")
    fn = card.findtext(f"{{{NS_VCARD}}}FN")
    assert fn and fn.endswith("(en)"), str(reply)
    assert card.find(f"{{{NS_VCARD}}}PHOTO") is None, "a visitor has no photo"

    reply = marie.iq(v, f'<vCard xmlns="{NS_VCARD}"><FN>x</FN></vCard>',
                     type="set")
    assert reply["type"] == "error" and \
        reply["error"]["condition"] == "forbidden", str(reply)
    reply = marie.iq(f"v-0000000000@{D}", f'<vCard xmlns="{NS_VCARD}"/>')
    assert reply["type"] == "error" and \
        reply["error"]["condition"] == "item-not-found", str(reply)


if __name__ == "__main__":
    run([test_presence_follows_the_visitor, test_visitor_vcard])
