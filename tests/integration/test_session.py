#!/usr/bin/python3
"""Visitor sessions against real Prosody and ejabberd: a whole
conversation (anonymous and account visitors), two counsellors racing,
resume with a new JID, kill -9 in the middle, persona vCards, bad input.
"""

import os
import signal
import time

from harness import Accueild, Client, run, pause, wait_until
from sessionlib import (Desk, Visitor, offer_to, body, is_from_v, avatar_sha1,
                        D, DESK)


def conversation(desk, visitor):
    """The whole flow; returns the counsellor client and the v- JID."""
    marie = desk.staff["marie"]
    visitor.ask("Bonjour, quelles randonnées faciles autour de Cahors ?")
    v = offer_to(marie, "randonnées faciles")
    # the bot greets, says it is a robot, repeats the question
    greet = visitor.wait_room(lambda s: "robot" in body(s))
    assert str(greet["from"]).endswith("/Adam"), greet
    marie.send_message(v, "Bonjour, je vous conseille le sentier des Chartreux.")
    answer = visitor.wait_room(lambda s: "Chartreux" in body(s))
    assert str(answer["from"]).endswith("/Claire"), "persona name in the room"
    visitor.say("Merci ! Et pour les enfants ?")
    relayed = marie.wait_for(lambda s: is_from_v(s) and "enfants" in body(s))
    assert str(relayed["from"].bare) == v
    # correction from the counsellor (XEP-0308)
    orig = marie.send_message(v, "Le parcours fait 5 km.")
    visitor.wait_room(lambda s: "5 km" in body(s))
    marie.send_message(v, "Le parcours fait 4 km.",
                       extra_xml=f'<replace xmlns="urn:xmpp:message-correct:0" id="{orig}"/>')
    corr = visitor.wait_room(lambda s: "4 km" in body(s))
    assert corr.xml.find("{urn:xmpp:message-correct:0}replace") is not None
    # typing passes through
    marie.send_message(v, None, extra_xml='<composing xmlns="http://jabber.org/protocol/chatstates"/>')
    visitor.wait_room(lambda s: s.xml.find("{http://jabber.org/protocol/chatstates}composing") is not None)
    # a command is never relayed; /fin starts the survey
    marie.send_message(v, "/note famille avec deux enfants")
    marie.wait_for(lambda s: is_from_v(s) and "Note enregistrée" in body(s))
    marie.send_message(v, "/fin")
    visitor.wait_room(lambda s: "de 1" in body(s) and "5" in body(s))
    visitor.say("5 très clair, merci")
    marie.wait_for(lambda s: is_from_v(s) and "5/5" in body(s))
    desk.daemon.wait_log(r"session v-[0-9a-f]+: closed \(done\)", timeout=10)
    return marie, v


def check_record(desk, v):
    def rows_now():
        return desk.rows("SELECT role, body, relayed FROM messages WHERE "
                         "session = ? ORDER BY id", v.split("@")[0])
    # "relayed" follows the server's answer to the barrier sent after the
    # line (relay.c): the goodbye is marked a round trip after it went
    try:
        wait_until(lambda: all(r["relayed"] for r in rows_now()
                               if r["role"] != "note"), 5, "every line relayed")
    except TimeoutError:
        pass    # the assertion below shows the rows
    rows = rows_now()
    roles = [r["role"] for r in rows]
    assert roles.count("visitor") >= 2, roles
    assert roles.count("counsellor") == 3, roles
    assert "note" in roles and "bot" in roles, roles
    assert all(r["relayed"] for r in rows if r["role"] != "note"), \
        [tuple(r) for r in rows]
    assert all("/fin" not in r["body"] for r in rows if r["role"] == "counsellor")
    s = desk.rows("SELECT state, rating, comment FROM sessions WHERE id = ?",
                  v.split("@")[0])[0]
    assert (s["state"], s["rating"]) == ("closed", 5), tuple(s)
    assert "clair" in s["comment"]
    kinds = [r["kind"] for r in desk.rows(
        "SELECT kind FROM events WHERE session = ? ORDER BY id", v.split("@")[0])]
    for k in ("started", "offered", "taken", "closed-by-counsellor", "rated", "closed"):
        assert k in kinds, (k, kinds)


def test_anonymous_visitor_conversation(server_cls, tmpdir):
    desk = Desk(server_cls, tmpdir)
    visitor = Visitor(desk, nick="Marie-Laure")
    marie, v = conversation(desk, visitor)
    check_record(desk, v)
    for text in ("marie@ot.example", "marie@"):
        assert visitor.client.never_received(text), \
            "the counsellor's real JID reached the visitor"


def test_account_visitor_conversation(server_cls, tmpdir):
    desk = Desk(server_cls, tmpdir)
    visitor = Visitor(desk, account="bob", nick="Bob")
    marie, v = conversation(desk, visitor)
    check_record(desk, v)
    assert visitor.client.never_received("marie@ot.example")


def test_two_counsellors_race(server_cls, tmpdir):
    desk = Desk(server_cls, tmpdir, accounts=("marie", "jordi"))
    visitor = Visitor(desk)
    visitor.ask("Bonjour, où peut-on louer un canoë sur le Lot ?")
    marie, jordi = desk.staff["marie"], desk.staff["jordi"]
    v = offer_to(marie, "canoë")
    assert offer_to(jordi, "canoë") == v, "both are offered the same session"
    ms, js = marie.mark(), jordi.mark()
    # both answer at once
    marie.send_message(v, "Réponse de Claire")
    jordi.send_message(v, "Réponse de Núria")
    won = []
    for name, client, since in (("marie", marie, ms), ("jordi", jordi, js)):
        note = client.wait_for(lambda s: is_from_v(s) and (
            "Vous avez pris" in body(s) or "suivie par" in body(s)
            or "prise par" in body(s)), since=since)
        if "Vous avez pris" in body(note):
            won.append(name)
    assert len(won) == 1, won
    winner = "Claire" if won == ["marie"] else "Núria"
    loser = "Núria" if winner == "Claire" else "Claire"
    visitor.wait_room(lambda s: f"Réponse de {winner}" in body(s))
    pause(1.5)
    assert visitor.client.never_received(f"Réponse de {loser}")
    rows = desk.rows("SELECT counsellor, state FROM offers WHERE session = ?",
                     v.split("@")[0])
    assert sorted(r["state"] for r in rows) == ["revoked", "taken"], \
        [tuple(r) for r in rows]


def test_resume_with_new_jid(server_cls, tmpdir):
    desk = Desk(server_cls, tmpdir)
    first = Visitor(desk, nick="Paul")
    first.ask("Bonjour, le musée est-il ouvert le lundi ?")
    marie = desk.staff["marie"]
    v = offer_to(marie, "musée")
    marie.send_message(v, "Oui, de 10 h à 18 h.")
    first.wait_room(lambda s: "10 h" in body(s))
    since = marie.mark()
    first.client.disconnect()
    marie.wait_for(lambda s: is_from_v(s) and "quitté" in body(s), since=since,
                   timeout=15)
    # the page reloads: a new anonymous JID, same room and password
    second = Visitor(desk, nick="Paul")
    second.room, second.password = first.room, first.password
    assert second.client.jid != first.client.jid
    second.join()
    second.wait_room(lambda s: "10 h" in body(s) and
                     s.xml.find("{urn:xmpp:delay}delay") is not None)
    marie.wait_for(lambda s: is_from_v(s) and "de retour" in body(s), since=since)
    second.say("Merci, et le mardi ?")
    marie.wait_for(lambda s: is_from_v(s) and "mardi" in body(s), since=since)


def test_kill9_loses_nothing(server_cls, tmpdir):
    desk = Desk(server_cls, tmpdir)
    visitor = Visitor(desk, nick="Lucie")
    visitor.ask("Bonjour, y a-t-il un marché le samedi ?")
    marie = desk.staff["marie"]
    v = offer_to(marie, "marché")
    marie.send_message(v, "Oui, place Chapou, le matin.")
    visitor.wait_room(lambda s: "Chapou" in body(s))
    visitor.say("Avant le kill")
    marie.wait_for(lambda s: is_from_v(s) and "Avant le kill" in body(s))
    desk.wait_relayed(v.split("@")[0], "Avant le kill")
    desk.daemon.kill9()
    pause(1)
    visitor.say("Pendant la coupure 1")
    visitor.say("Pendant la coupure 2")
    pause(1)
    since = marie.mark()
    desk.daemon.mark_log()
    desk.daemon.start()
    desk.daemon.wait_log(r"accueild ready", timeout=15)
    for text in ("Pendant la coupure 1", "Pendant la coupure 2"):
        marie.wait_for(lambda s, t=text: is_from_v(s) and t in body(s),
                       since=since, timeout=20)
    # the counsellor can still answer, under the persona
    marie.send_message(v, "Après le redémarrage")
    visitor.wait_room(lambda s: "Après le redémarrage" in body(s) and
                      str(s["from"]).endswith("/Claire"), timeout=20)
    pause(2)
    got = [body(s) for s in marie.stanzas[since:] if is_from_v(s)]
    for text in ("Pendant la coupure 1", "Pendant la coupure 2"):
        assert got.count(text) == 1, (text, got)
    assert "Avant le kill" not in got, got
    n = desk.rows("SELECT count(*) AS n FROM messages WHERE session = ? AND "
                  "body LIKE 'Pendant la coupure%'", v.split("@")[0])[0]["n"]
    assert n == 2, n


def test_persona_vcards_and_photo_hash(server_cls, tmpdir):
    desk = Desk(server_cls, tmpdir, avatars=True)
    marie = desk.staff["marie"]
    sha = avatar_sha1(desk.avatars["marie"])
    # the persona's presence to its counsellor carries the photo hash
    marie.wait_for(lambda s: s.name == "presence" and
                   str(s["from"].bare) == f"claire@{D}" and sha in str(s))
    visitor = Visitor(desk)
    for jid, fn in ((f"claire@{D}", "Claire"), (f"adam@{D}", "Adam"),
                    (DESK, "Office de tourisme de Cahors")):
        reply = visitor.client.iq(jid, '<vCard xmlns="vcard-temp"/>')
        assert reply["type"] == "result", reply
        assert f"<FN>{fn}</FN>" in str(reply), reply
    reply = visitor.client.iq(f"claire@{D}", '<vCard xmlns="vcard-temp"/>')
    import base64
    binval = reply.xml.find("{vcard-temp}vCard/{vcard-temp}PHOTO/{vcard-temp}BINVAL")
    assert binval is not None and base64.b64decode(binval.text) == desk.avatars["marie"]
    assert "image/png" in str(reply)
    bot = visitor.client.iq(f"adam@{D}", '<vCard xmlns="vcard-temp"/>')
    assert "robot" in str(bot), "the bot's vCard says it is a robot"
    # in the room, the persona's presence carries the same hash
    visitor.ask("Bonjour, une question sur les vélos")
    v = offer_to(marie, "vélos")
    marie.send_message(v, "Avec plaisir.")
    visitor.client.wait_for(lambda s: s.name == "presence" and
                            str(s["from"]).endswith("/Claire") and sha in str(s))


def test_bad_input(server_cls, tmpdir):
    desk = Desk(server_cls, tmpdir)
    marie = desk.staff["marie"]
    visitor = Visitor(desk)
    c = visitor.client
    # an empty message: a clear notice, no session
    since = c.mark()
    c.send_message(DESK, "   ")
    c.wait_for(lambda s: "vide" in body(s) or "empty" in body(s), since=since)
    # a message to an unknown address of the component
    reply_since = c.mark()
    c.send_message(f"nobody@{D}", "hello?")
    err = c.wait_for(lambda s: s.name == "message" and s["type"] == "error",
                     since=reply_since)
    assert "service-unavailable" in str(err)
    # a malformed form: told, and the session still starts
    form = ('<x xmlns="jabber:x:data" type="submit">'
            f'<field var="name"><value>{"A" * 600}</value></field>'
            '<field var="email"><value>not-an-address</value></field></x>')
    since = c.mark()
    visitor.ask("Bonjour, horaires du pont Valentré ?", extra_xml=form)
    c.wait_for(lambda s: "formulaire" in body(s) or "form" in body(s), since=since)
    v = offer_to(marie, "pont Valentré")
    marie.send_message(v, "Il est toujours ouvert.")
    visitor.wait_room(lambda s: "toujours ouvert" in body(s))
    # 100 KB in the room: cut, relayed, the visitor told
    big = ("é" * 50000)
    visitor.say(big)
    got = marie.wait_for(lambda s: is_from_v(s) and body(s).startswith("éééé"),
                         timeout=20)
    assert 1000 < len(body(got).encode()) <= 16000, len(body(got).encode())
    visitor.wait_room(lambda s: "16000" in body(s))
    # an unknown command: the list, nothing to the visitor
    marie.send_message(v, "/frobnicate now")
    marie.wait_for(lambda s: is_from_v(s) and "inconnue" in body(s))
    # the help shows "!" (issue 12: Gajim and Profanity keep "/" for themselves)
    marie.wait_for(lambda s: is_from_v(s) and "!fin" in body(s) and "!note" in body(s))
    # an OMEMO message is not relayed; a plain notice explains
    marie.send_message(v, "I sent you an OMEMO encrypted message",
                       extra_xml='<encrypted xmlns="eu.siacs.conversations.axolotl"><header sid="1"/></encrypted>')
    marie.wait_for(lambda s: is_from_v(s) and "OMEMO" in body(s) and "chiffr" in body(s))
    # someone who is not a counsellor writing to v-
    bob = Client(desk.server, "bob", "pw")
    since = bob.mark()
    bob.send_message(v, "let me in")
    err = bob.wait_for(lambda s: s["type"] == "error", since=since)
    assert "forbidden" in str(err)
    # garbage on the counsellor's side: a chat state to a closed/unknown v-
    marie.send_message(f"v-0000000000@{D}", "anyone?")
    marie.wait_for(lambda s: s["type"] == "error" and "item-not-found" in str(s))
    pause(1)
    for text in ("frobnicate", "OMEMO encrypted", "let me in"):
        assert c.never_received(text), text
    assert desk.daemon.running()


def test_editorial_hints(server_cls, tmpdir):
    """The seeds' editorial line: first name and "vous", as private hints."""
    desk = Desk(server_cls, tmpdir)
    marie = desk.staff["marie"]
    v = Visitor(desk, nick="Lucas")
    v.ask("Bonjour, où louer des vélos ?", extra_xml=(
        '<x xmlns="jabber:x:data" type="submit">'
        '<field var="name"><value>Lucas</value></field></x>'))
    vj = offer_to(marie, "louer des vélos")
    since = marie.mark()
    marie.send_message(vj, "Salut, tu peux aller quai Cavaignac.")
    marie.wait_for(lambda s: is_from_v(s) and "vouvoient" in body(s), since=since)
    marie.send_message(vj, "Ils ouvrent à 9 h.")
    hint = marie.wait_for(lambda s: is_from_v(s) and "prénom" in body(s),
                          since=since)
    assert "Lucas" in body(hint) and "privé" in body(hint)
    v.wait_room(lambda s: "9 h" in body(s))
    pause(1)
    assert v.client.never_received("vouvoient") and v.client.never_received("prénom")


if __name__ == "__main__":
    run([test_anonymous_visitor_conversation, test_account_visitor_conversation,
         test_two_counsellors_race, test_resume_with_new_jid,
         test_kill9_loses_nothing, test_persona_vcards_and_photo_hash,
         test_bad_input, test_editorial_hints])
