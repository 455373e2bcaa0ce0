#!/usr/bin/python3
"""E-mail through the office's relay, against real Prosody and ejabberd,
with a local SMTP sink (Debian's python3-aiosmtpd) on loopback.

  answer      an offline request left with an e-mail address, answered
              with /repondre: one message, right headers (Date on the test
              clock, Message-ID, From, To, Reply-To the office's contact,
              RFC 2047 Subject), quoted-printable UTF-8 body within 76
              columns, the question quoted, the persona's signature; the
              answer joins the transcript; the request is answered
  relay       the relay is down: nothing lost, tried again after the
              back-off (test clock); up again: sent once
  kill        kill -9 while the relay holds the message (not accepted):
              sent once after the restart; kill -9 right after the relay
              accepted one: never sent again
  refused     a relay that refuses the recipient (5xx): no retry, the
              counsellor and the office's supervisor are told
  followups   consent asked by the bot when a contact is given, stored
              with its exact text, language and time; day 2 satisfaction
              and day 7 news on the test clock, by e-mail and by XMPP,
              never without consent; a rating "4" by XMPP stored like the
              survey; STOP withdraws; the export shows the consent; a
              restart sends nothing twice
  chat        after a live chat with the pre-chat form's e-mail, the bot
              asks for consent with the survey; yes: the satisfaction
              e-mail on day 2 and the news on day 7 after the close
  transcript  at the end, the survey message offers the transcript by
              e-mail; an address given then gets it, once, in the
              visitor's language; the survey still takes the rating
  starttls    a relay that requires STARTTLS then AUTH (private CA in
              ca-file, password in a secret file): sent once, over TLS,
              as the configured user; a wrong password: never accepted
  config      bad <smtp> settings are refused with a clear error
"""

import email
import email.policy
import email.utils
import re
import subprocess

from harness import free_ports, pause, run
from sessionlib import D, Clock, Desk, Visitor, body, paris
from smtpsink import SmtpSink

OFFICE_NAME = "Office de tourisme de Cahors & du Lot"
OFFICE_DEFAULT = "Office de tourisme de Cahors"
CONTACT = "info@tourisme-cahors.example"
ADDRESS = "camille.dupont@example.org"
QUESTION = ("Bonjour, peut-on réserver une visite guidée de Rocamadour en "
            "août ? Nous serons quatre, dont deux enfants. Merci ☺")
ANSWER = ("Oui : les visites guidées partent à 10 h et à 15 h, "
          "réservation conseillée à l'accueil de la Cité (12 € par adulte, "
          "6 € par enfant). Très bon séjour à Rocamadour ! — Claire")


def office(smtp=""):
    return ('<office id="cahors" name="Office de tourisme de Cahors &amp; '
            f'du Lot" timezone="Europe/Paris" bot="adam" contact="{CONTACT}" '
            'languages="fr en" answer-delay="24">'
            '<hours days="mon-sat" open="09:00" close="18:00"/>'
            f'<supervisor jid="alice@ot.example"/>{smtp}</office>')


def smtp_xml(port, **attrs):
    extra = "".join(f' {k}="{v}"' for k, v in attrs.items())
    return (f'<smtp url="smtp://127.0.0.1:{port}" from="accueil@ot.example" '
            f'tls="none"{extra}/>')


def closed_desk(server_cls, tmpdir, port, global_smtp=True, **attrs):
    """Sunday 20:00 in Cahors: closed. The relay global or the office's."""
    clock = Clock(tmpdir, paris(2026, 11, 22, 20, 0))
    smtp = smtp_xml(port, **attrs)
    desk = Desk(server_cls, tmpdir, clock=clock,
                office_xml=office("" if global_smtp else smtp),
                extra_xml=[smtp] if global_smtp else [])
    return desk, clock


def leave_request(desk, question=QUESTION, address=ADDRESS):
    v = Visitor(desk, nick="Camille")
    v.ask(question, lang="fr")
    v.wait_room(lambda s: "adresse e-mail" in body(s))
    v.say(f"C'est {address}, merci")
    v.wait_room(lambda s: address in body(s) and
                str(s["from"]).endswith("/Adam"))
    v.client.disconnect()
    rows = desk.rows("SELECT id FROM requests ORDER BY id DESC LIMIT 1")
    return rows[0]["id"]


def answer(desk, request, text=ANSWER):
    marie = desk.staff["marie"]
    since = marie.mark()
    marie.send_message(f"claire@{D}", f"/repondre {request} {text}")
    return marie.wait_for(lambda s: f"Demande {request}" in body(s) or
                          f"#{request}" in body(s), timeout=15, since=since)


def outbox(desk):
    return desk.rows("SELECT * FROM outbox ORDER BY id")


def check_message(raw, clock_at):
    """Headers, encoding, line lengths and signature of the answer."""
    lines = raw.split(b"\r\n")
    head_end = lines.index(b"")
    for line in lines[:head_end]:
        assert len(line) <= 78, ("header line too long", line)
    for line in lines[head_end + 1:]:
        assert len(line) <= 76, ("body line too long", line)
        assert all(b < 128 for b in line), ("8-bit byte in the body", line)
    assert b"\n" not in raw.replace(b"\r\n", b""), "bare LF"
    head = b"\r\n".join(lines[:head_end]).decode("ascii")
    assert "Subject: =?UTF-8?B?" in head, head
    m = email.message_from_bytes(raw, policy=email.policy.default)
    assert str(m["Subject"]) == f"{OFFICE_NAME} : réponse à votre question", \
        str(m["Subject"])
    assert m["From"].addresses[0].addr_spec == "accueil@ot.example"
    assert m["From"].addresses[0].display_name == OFFICE_NAME, str(m["From"])
    assert m["To"].addresses[0].addr_spec == ADDRESS
    assert m["Reply-To"].addresses[0].addr_spec == CONTACT
    assert re.fullmatch(r"<[0-9a-f]{32}@ot\.example>", m["Message-ID"]), \
        m["Message-ID"]
    assert email.utils.parsedate_to_datetime(m["Date"]).timestamp() == clock_at
    assert m["MIME-Version"] == "1.0"
    assert m.get_content_type() == "text/plain"
    assert m.get_content_charset() == "utf-8"
    assert m["Content-Transfer-Encoding"] == "quoted-printable"
    assert m["Content-Language"] == "fr"
    text = m.get_content().replace("\r\n", "\n")
    assert text.startswith("Bonjour Camille,\n") or \
        text.startswith("Bonjour,\n"), text[:40]
    assert "Vous nous avez écrit :\n> Bonjour, peut-on réserver" in text, text
    assert ANSWER in text.replace("\n", " ") or ANSWER in text, text
    assert text.rstrip("\n").endswith(f"\n-- \nClaire\n{OFFICE_NAME}"), \
        repr(text[-80:])
    return m


def test_answer(server_cls, tmpdir):
    port, = free_ports(1)
    sink = SmtpSink(port).start()
    desk, clock = closed_desk(server_cls, tmpdir, port)
    req = leave_request(desk)
    clock.set(paris(2026, 11, 23, 9, 30))
    ack = answer(desk, req)
    assert ADDRESS in body(ack) and "e-mail" in body(ack), body(ack)
    (mail_from, rcpts, raw), = sink.wait_count(1)
    assert mail_from == "accueil@ot.example", mail_from
    assert rcpts == [ADDRESS], rcpts
    check_message(raw, clock.now)
    desk.daemon.wait_log(r"outbox: 1 accepted by the relay", timeout=10,
                         from_start=True)
    row, = outbox(desk)
    assert (row["state"], row["tries"], row["kind"], row["ref"]) == \
        ("sent", 1, "answer", req), dict(row)
    r, = desk.rows("SELECT state, answer, session FROM requests")
    assert r["state"] == "answered" and r["answer"] == ANSWER, dict(r)
    t = desk.rows("SELECT body FROM messages WHERE session = ? AND "
                  "role = 'counsellor'", r["session"])
    assert [x["body"] for x in t] == [ANSWER], [dict(x) for x in t]
    pause(3)
    assert sink.count() == 1, "sent once"
    # the same by the ad-hoc command "answer"
    from test_admin import execute
    clock.set(paris(2026, 11, 23, 20, 0))   # closed again
    req2 = leave_request(desk, question="Bonjour, où dormir à Cahors ?")
    out = str(execute(desk.staff["marie"], "answer",
                      {"answer": f"{req2} Au camping de l'île, par exemple."}))
    assert f"Demande {req2}" in out and ADDRESS in out, out
    msgs = sink.wait_count(2)
    m = email.message_from_bytes(msgs[1][2], policy=email.policy.default)
    assert "Au camping de l'île" in m.get_content(), m.get_content()
    out = str(execute(desk.staff["marie"], "answer", {"answer": "99 Non."}))
    assert "99" in out, out
    pause(2)
    assert sink.count() == 2


def test_relay_down_then_up(server_cls, tmpdir):
    port, = free_ports(1)
    sink = SmtpSink(port)   # not started: the relay is down
    desk, clock = closed_desk(server_cls, tmpdir, port, global_smtp=False,
                              backoff=120, retries=5)
    req = leave_request(desk)
    answer(desk, req)
    desk.daemon.wait_log(r"outbox: 1 not accepted \(try 1 of 5", timeout=30,
                         from_start=True)
    row, = outbox(desk)
    assert row["state"] == "queued" and row["tries"] == 1, dict(row)
    assert row["next_try"] == clock.now + 120, dict(row)
    # not before the back-off
    pause(3)
    assert outbox(desk)[0]["tries"] == 1
    sink.start()
    clock.advance(121)
    (_, rcpts, raw), = sink.wait_count(1, timeout=20)
    assert rcpts == [ADDRESS]
    desk.daemon.wait_log(r"outbox: 1 accepted by the relay", timeout=10,
                         from_start=True)
    row, = outbox(desk)
    assert (row["state"], row["tries"]) == ("sent", 2), dict(row)
    clock.advance(3600)
    pause(3)
    assert sink.count() == 1, "sent once"


def test_kill(server_cls, tmpdir):
    port, = free_ports(1)
    sink = SmtpSink(port).start()
    desk, clock = closed_desk(server_cls, tmpdir, port)
    # 1: killed while the relay holds the message (RCPT not answered)
    sink.hold = True
    req = leave_request(desk)
    answer(desk, req)
    desk.daemon.wait_log(r"outbox: 1 handed to the relay", timeout=15,
                         from_start=True)
    for _ in range(100):
        if sink.rcpt_seen:
            break
        pause(0.1)
    assert sink.rcpt_seen == 1
    desk.daemon.kill9()
    assert outbox(desk)[0]["state"] == "sending"
    sink.hold = False
    pause(1)
    assert sink.count() == 0, "the relay did not accept it"
    desk.daemon.mark_log()
    desk.daemon.start()
    desk.daemon.wait_log(r"staff: marie@ot.example is now available",
                         timeout=15)
    (_, rcpts, _), = sink.wait_count(1, timeout=20)
    desk.daemon.wait_log(r"interrupted by a stop will be sent again",
                         timeout=10)
    desk.daemon.wait_log(r"outbox: 1 accepted by the relay", timeout=10)
    row, = outbox(desk)
    assert (row["state"], row["tries"]) == ("sent", 2), dict(row)
    # 2: killed right after the relay accepted one: not sent again
    desk.daemon.mark_log()
    req2 = leave_request(desk, question="Bonjour, le marché a lieu quand ?")
    answer(desk, req2, text="Le samedi matin, place de la cathédrale.")
    desk.daemon.wait_log(r"outbox: 2 accepted by the relay", timeout=20)
    desk.daemon.kill9()
    desk.daemon.mark_log()
    desk.daemon.start()
    clock.advance(3600)
    pause(4)
    assert sink.count() == 2, sink.count()
    assert [r["state"] for r in outbox(desk)] == ["sent", "sent"]


def test_refused(server_cls, tmpdir):
    port, = free_ports(1)
    sink = SmtpSink(port).start()
    sink.reject = "550 5.1.1 <camille.dupont@example.org>: no such user"
    desk, clock = closed_desk(server_cls, tmpdir, port)
    from harness import Client
    alice = Client(desk.server, "alice", "pw")
    req = leave_request(desk)
    marie = desk.staff["marie"]
    since_m, since_a = marie.mark(), alice.mark()
    answer(desk, req)
    note = marie.wait_for(lambda s: "n'a pas pu être envoyé" in body(s),
                          timeout=20, since=since_m)
    assert ADDRESS in body(note) and "550" in body(note), body(note)
    sup = alice.wait_for(lambda s: "n'a pas pu être envoyé" in body(s),
                         timeout=20, since=since_a)
    assert str(sup["from"].bare) == f"cahors@{D}", sup["from"]
    row, = outbox(desk)
    assert (row["state"], row["tries"]) == ("failed", 1), dict(row)
    assert "550" in row["error"], row["error"]
    assert sink.count() == 0


CONSENT_FR = ("J'accepte que l'office me recontacte deux fois après cet "
              "échange (mon avis, puis si j'ai encore besoin d'aide).")


def from_adam(text):
    return lambda s: text in body(s) and str(s["from"]).endswith("/Adam")


def request_with_consent(desk, v, contact_line, contact, reply):
    v.ask(f"Bonjour, une question de {v.nick} sur les randonnées ?",
          lang="fr")
    v.wait_room(from_adam("adresse e-mail"))
    v.say(contact_line)
    v.wait_room(from_adam(contact))
    ask = v.wait_room(from_adam("Répondez oui ou non"))
    assert CONSENT_FR in body(ask), body(ask)
    v.say(reply)
    v.wait_room(from_adam("Merci, c'est noté" if reply.lower().startswith(
        "oui") else "nous ne vous recontacterons pas"))
    v.client.disconnect() if v.nick != "Bob" else None


def test_followups(server_cls, tmpdir):
    from test_admin import execute
    from harness import Client
    from sessionlib import DESK
    port, = free_ports(1)
    sink = SmtpSink(port).start()
    desk, clock = closed_desk(server_cls, tmpdir, port)
    given = clock.now
    bob = Visitor(desk, account="bob", nick="Bob")
    request_with_consent(desk, bob, "ici", "bob@ot.example", "oui")
    camille = Visitor(desk, nick="Camille")
    request_with_consent(desk, camille, f"Écrivez-moi à {ADDRESS}", ADDRESS,
                         "Oui, volontiers")
    dora = Visitor(desk, nick="Dora")
    request_with_consent(desk, dora, "dora@example.org", "dora@example.org",
                         "non merci")
    consents = desk.rows("SELECT * FROM consents ORDER BY id")
    assert [(c["contact"], c["contact_kind"], c["lang"], c["text"],
             c["given"], c["withdrawn"]) for c in consents] == [
        ("bob@ot.example", "xmpp", "fr", CONSENT_FR, given, None),
        (ADDRESS, "email", "fr", CONSENT_FR, given, None)], \
        [dict(c) for c in consents]
    # Monday 09:30: marie answers the three requests
    clock.set(paris(2026, 11, 23, 9, 30))
    answered = clock.now
    for req in (1, 2, 3):
        answer(desk, req, text=f"Voici la réponse {req}.")
    bob.client.wait_for(lambda s: str(s["from"].bare) == DESK and
                        "Voici la réponse 1." in body(s), timeout=15)
    sink.wait_count(2)
    planned = desk.rows("SELECT f.kind, f.due, c.contact FROM followups f "
                        "JOIN consents c ON c.id = f.consent ORDER BY f.id")
    assert sorted((p["contact"], p["kind"], p["due"]) for p in planned) == \
        sorted([(c, k, answered + d * 86400)
                for c in ("bob@ot.example", ADDRESS)
                for k, d in (("rating", 2), ("news", 7))]), \
        [dict(p) for p in planned]
    # day 1: nothing yet
    since = bob.client.mark()
    clock.advance(86400)
    pause(6)
    assert sink.count() == 2
    # day 2: the satisfaction question, by XMPP and by e-mail
    clock.set(answered + 2 * 86400 + 10)
    rating = bob.client.wait_for(
        lambda s: str(s["from"].bare) == DESK and "note de 1" in body(s),
        timeout=20, since=since)
    assert "votre avis" in body(rating) and "Claire" in body(rating) and \
        "répondez STOP" in body(rating), body(rating)
    msgs = sink.wait_count(3)
    _, rcpts, raw = msgs[2]
    assert rcpts == [ADDRESS], rcpts
    m = email.message_from_bytes(raw, policy=email.policy.default)
    assert str(m["Subject"]) == f"{OFFICE_NAME} : votre avis sur notre " \
        "échange", str(m["Subject"])
    text = m.get_content().replace("\r\n", "\n")
    assert "note de 1 (mauvais) à 5" in text and \
        f"écrivez « STOP » à {CONTACT}" in text and "\n-- \nClaire\n" in \
        text, text
    pause(6)
    assert sink.count() == 3, "nothing for the visitor who said no"
    # bob rates by XMPP: stored like the survey, no new conversation
    sessions = len(desk.rows("SELECT id FROM sessions"))
    since = bob.client.mark()
    bob.client.send_message(DESK, "4 sur 5, merci !")
    bob.client.wait_for(lambda s: "note de 4 sur 5" in body(s), timeout=15,
                        since=since)
    r, = desk.rows("SELECT f.rating, s.rating AS srating FROM followups f "
                   "JOIN consents c ON c.id = f.consent JOIN sessions s ON "
                   "s.id = c.session WHERE c.contact = 'bob@ot.example' AND "
                   "f.kind = 'rating'")
    assert (r["rating"], r["srating"]) == (4, 4), dict(r)
    assert len(desk.rows("SELECT id FROM sessions")) == sessions
    # bob withdraws
    bob.client.send_message(DESK, "STOP")
    bob.client.wait_for(lambda s: "ne recevrez plus" in body(s), timeout=15,
                        since=since)
    w, = desk.rows("SELECT withdrawn FROM consents WHERE contact = "
                   "'bob@ot.example'")
    assert w["withdrawn"] == clock.now, dict(w)
    # day 7: the news, by e-mail only (bob withdrew)
    since = bob.client.mark()
    clock.set(answered + 7 * 86400 + 10)
    msgs = sink.wait_count(4)
    m = email.message_from_bytes(msgs[3][2], policy=email.policy.default)
    assert msgs[3][1] == [ADDRESS]
    assert "encore besoin d'aide" in str(m["Subject"]), str(m["Subject"])
    pause(6)
    assert bob.client.never_received("encore une question"), \
        "no follow-up after STOP"
    states = {(x["contact"], x["kind"]): x["state"] for x in desk.rows(
        "SELECT c.contact, f.kind, f.state FROM followups f JOIN consents c "
        "ON c.id = f.consent")}
    assert states == {("bob@ot.example", "rating"): "sent",
                      ("bob@ot.example", "news"): "cancelled",
                      (ADDRESS, "rating"): "sent",
                      (ADDRESS, "news"): "sent"}, states
    # the export shows the consent, with its text, time and withdrawal
    admin = Client(desk.server, "admin", "pw")
    out = str(execute(admin, "export", {"jid": "bob@ot.example"}))
    assert "follow-up consent" in out and f"given at {given}" in out and \
        "withdrawn at" in out and "recontacte deux fois" in out, out
    # a restart sends nothing twice
    desk.daemon.stop()
    desk.daemon.start()
    clock.advance(30 * 86400)
    pause(7)
    assert sink.count() == 4, sink.count()
    # erasing an address takes its consents and its e-mails
    out = str(execute(admin, "erase", {"jid": ADDRESS}))
    assert "Erased" in out, out
    assert desk.rows("SELECT id FROM consents WHERE contact = ?",
                     ADDRESS) == []
    assert desk.rows("SELECT id FROM outbox WHERE recipient = ?",
                     ADDRESS) == []


def test_followups_after_chat(server_cls, tmpdir):
    from sessionlib import offer_to
    port, = free_ports(1)
    sink = SmtpSink(port).start()
    clock = Clock(tmpdir, paris(2026, 11, 18, 10, 0))
    desk = Desk(server_cls, tmpdir, clock=clock, extra_xml=[smtp_xml(port)])
    marie = desk.staff["marie"]
    v = Visitor(desk, nick="Camille")
    since = marie.mark()
    v.ask("Bonjour, le musée Henri-Martin est-il ouvert le lundi ?",
          lang="fr", extra_xml=(
              '<x xmlns="jabber:x:data" type="submit">'
              '<field var="name"><value>Camille</value></field>'
              f'<field var="email"><value>{ADDRESS}</value></field>'
              '<field var="consent"><value>true</value></field></x>'))
    jid = offer_to(marie, "musée Henri-Martin", since=since)
    marie.send_message(jid, "Bonjour Camille, il est fermé le lundi.")
    v.wait_room(lambda s: "fermé le lundi" in body(s))
    since = v.client.mark()
    marie.send_message(jid, "/fin")
    ask = v.wait_room(from_adam("Répondez oui ou non"), since=since)
    assert CONSENT_FR in body(ask)
    v.say("oui")
    v.wait_room(from_adam("Merci, c'est noté."), since=since)
    v.say("5")
    desk.daemon.wait_log(rf"session {jid.split('@')[0]}: closed \(done\)",
                         timeout=15)
    closed = clock.now
    c, = desk.rows("SELECT * FROM consents")
    assert (c["contact"], c["contact_kind"], c["text"], c["given"]) == \
        (ADDRESS, "email", CONSENT_FR, closed), dict(c)
    clock.advance(2 * 86400 - 60)
    pause(6)
    assert sink.count() == 0, "not before day 2"
    clock.advance(70)
    (_, rcpts, raw), = sink.wait_count(1)
    m = email.message_from_bytes(raw, policy=email.policy.default)
    assert rcpts == [ADDRESS] and "votre avis" in str(m["Subject"])
    text = m.get_content()
    assert "avec Claire" in text and "STOP" in text, text
    clock.set(closed + 7 * 86400 + 10)
    msgs = sink.wait_count(2)
    m = email.message_from_bytes(msgs[1][2], policy=email.policy.default)
    assert "encore besoin d'aide" in str(m["Subject"]), str(m["Subject"])
    pause(6)
    assert sink.count() == 2


def test_followups_consent_in_prechat(server_cls, tmpdir):
    """The widget's pre-chat box: its exact text is stored as the consent
    when the conversation starts, the bot does not ask again at the end,
    and the follow-up comes on day 2."""
    from sessionlib import offer_to
    port, = free_ports(1)
    sink = SmtpSink(port).start()
    clock = Clock(tmpdir, paris(2026, 11, 18, 10, 0))
    desk = Desk(server_cls, tmpdir, clock=clock, extra_xml=[smtp_xml(port)])
    marie = desk.staff["marie"]
    v = Visitor(desk, nick="Inès")
    since = marie.mark()
    v.ask("Bonjour, la cathédrale se visite-t-elle le dimanche ?",
          lang="fr", extra_xml=(
              '<x xmlns="jabber:x:data" type="submit">'
              '<field var="name"><value>Inès</value></field>'
              f'<field var="email"><value>{ADDRESS}</value></field>'
              '<field var="consent"><value>true</value></field>'
              f'<field var="followup"><value>{CONSENT_FR}</value></field></x>'))
    jid = offer_to(marie, "cathédrale", since=since)
    c, = desk.rows("SELECT * FROM consents")
    assert (c["session"], c["contact"], c["text"], c["lang"]) == \
        (jid.split("@")[0], ADDRESS, CONSENT_FR, "fr"), dict(c)
    marie.send_message(jid, "Bonjour Inès, oui, l'après-midi.")
    v.wait_room(lambda s: "l'après-midi" in body(s))
    since = v.client.mark()
    marie.send_message(jid, "!fin")
    v.wait_room(lambda s: "1" in body(s) and "5" in body(s), since=since)
    v.say("5")
    desk.daemon.wait_log(rf"session {jid.split('@')[0]}: closed \(done\)",
                         timeout=15)
    asked = [body(s) for s in v.client.stanzas[since:] if s.name == "message"
             and "oui ou non" in body(s)]
    assert not asked, f"asked again after the form's consent: {asked}"
    assert len(desk.rows("SELECT * FROM consents")) == 1
    clock.advance(2 * 86400 + 10)
    (_, rcpts, raw), = sink.wait_count(1)
    assert rcpts == [ADDRESS]

    # without the box ticked: nothing stored from the form
    v2 = Visitor(desk, nick="Tom")
    since = marie.mark()
    v2.ask("Bonjour, le marché est-il le samedi ?", lang="fr", extra_xml=(
        '<x xmlns="jabber:x:data" type="submit">'
        f'<field var="email"><value>tom@example.org</value></field>'
        '<field var="consent"><value>true</value></field></x>'))
    jid2 = offer_to(marie, "marché", since=since)
    assert not desk.rows("SELECT * FROM consents WHERE session = ?",
                         jid2.split("@")[0])


def test_transcript(server_cls, tmpdir):
    from sessionlib import offer_to
    port, = free_ports(1)
    sink = SmtpSink(port).start()
    desk = Desk(server_cls, tmpdir, extra_xml=[smtp_xml(port)])
    marie = desk.staff["marie"]
    v = Visitor(desk, nick="Camille")
    since = marie.mark()
    v.ask("Bonjour, où louer des vélos à Cahors ?", lang="fr")
    jid = offer_to(marie, "louer des vélos", since=since)
    marie.send_message(jid, "Bonjour Camille, au kiosque du pont Valentré.")
    v.wait_room(lambda s: "pont Valentré" in body(s))
    since = v.client.mark()
    marie.send_message(jid, "/fin")
    v.wait_room(from_adam("par e-mail, écrivez votre adresse"), since=since)
    v.say(f"Envoyez-la à {ADDRESS} s'il vous plaît")
    v.wait_room(from_adam(f"La conversation vous sera envoyée à {ADDRESS}"),
                since=since)
    (_, rcpts, raw), = sink.wait_count(1)
    assert rcpts == [ADDRESS]
    m = email.message_from_bytes(raw, policy=email.policy.default)
    assert str(m["Subject"]) == f"{OFFICE_DEFAULT} : votre conversation", \
        str(m["Subject"])
    text = m.get_content().replace("\r\n", "\n")
    assert "visiteur: Bonjour, où louer des vélos à Cahors ?" in text, text
    assert "Claire: Bonjour Camille, au kiosque du pont Valentré." in text
    assert "\n-- \nClaire\n" in text, text
    # the survey still waits for its rating
    v.say("5")
    desk.daemon.wait_log(rf"session {jid.split('@')[0]}: closed \(done\)",
                         timeout=15)
    r, = desk.rows("SELECT rating FROM sessions")
    assert r["rating"] == 5
    pause(3)
    assert sink.count() == 1
    assert outbox(desk)[0]["kind"] == "transcript"


def test_starttls_auth(server_cls, tmpdir):
    import os
    from pathlib import Path
    port, = free_ports(1)
    d = Path(tmpdir)
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048",
                    "-nodes", "-keyout", str(d / "key.pem"), "-out",
                    str(d / "cert.pem"), "-days", "2", "-subj",
                    "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
                   check=True, capture_output=True, timeout=60)
    sink = SmtpSink(port, tls=(str(d / "cert.pem"), str(d / "key.pem")),
                    auth=("accueil@ot.example", "s3cret-pw")).start()
    secret = d / "smtp.secret"
    fd = os.open(secret, os.O_WRONLY | os.O_CREAT, 0o600)
    os.write(fd, b"s3cret-pw\n")
    os.close(fd)
    clock = Clock(tmpdir, paris(2026, 11, 22, 20, 0))
    smtp = (f'<smtp url="smtp://127.0.0.1:{port}" from="accueil@ot.example" '
            f'user="accueil@ot.example" secret-file="{secret}" '
            f'ca-file="{d / "cert.pem"}" retries="2" backoff="60"/>')
    desk = Desk(server_cls, tmpdir, clock=clock, office_xml=office(),
                extra_xml=[smtp])
    req = leave_request(desk)
    answer(desk, req)
    (_, rcpts, raw), = sink.wait_count(1)
    assert rcpts == [ADDRESS]
    assert sink.logins == [("accueil@ot.example", True, True)], sink.logins
    check_message(raw, clock.now)
    # a wrong password: never delivered; given up after the 2 tries
    # (aiosmtpd leaves the failed AUTH hanging: libcurl's timeout ends
    # each try)
    fd = os.open(secret, os.O_WRONLY | os.O_TRUNC)
    os.write(fd, b"wrong\n")
    os.close(fd)
    req = leave_request(desk, question="Bonjour, et le marché ?")
    answer(desk, req, text="Le samedi.")
    desk.daemon.wait_log(r"outbox: 2 not accepted \(try 1 of 2", timeout=40,
                         from_start=True)
    clock.advance(61)
    desk.daemon.wait_log(r"outbox: 2 failed for good after 2 tries",
                         timeout=40, from_start=True)
    assert sink.logins[1:] and all(l == ("accueil@ot.example", True, False)
                                   for l in sink.logins[1:]), sink.logins
    assert sink.count() == 1
    assert outbox(desk)[1]["state"] == "failed"


def test_config(server_cls, tmpdir):
    """Bad <smtp> settings are refused before the daemon starts."""
    from harness import Accueild
    desk_server = server_cls(tmpdir)
    cases = [
        ('<smtp url="http://relay.example" from="a@b.example"/>',
         "must start with smtp://"),
        ('<smtp url="smtp://relay.example:587" from="not-an-address"/>',
         "is not an e-mail address"),
        ('<smtp url="smtp://relay.example:587" from="a@b.example" '
         'tls="none"/>', "only for a relay on the loopback"),
        ('<smtp url="smtp://relay.example:587" from="a@b.example" '
         'user="u"/>', "user and secret-file go together"),
        ('<smtp url="smtp://relay.example:587" from="a@b.example" '
         'user="u" secret-file="smtp.secret"/>', "smtp.secret"),
    ]
    for i, (xml, want) in enumerate(cases):
        d = Accueild(desk_server, tmpdir, extra_xml=xml, name=f"conf{i}")
        out = subprocess.run(d.argv()[:-2] + ["-n", "-f", str(d.conf_path)],
                             capture_output=True, text=True, timeout=30)
        assert out.returncode != 0, (xml, out.stdout)
        assert want in out.stderr, (xml, out.stderr)


if __name__ == "__main__":
    run([test_answer, test_relay_down_then_up, test_kill, test_refused,
         test_followups, test_followups_after_chat,
         test_followups_consent_in_prechat, test_transcript,
         test_starttls_auth, test_config])
