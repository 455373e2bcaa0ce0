#!/usr/bin/python3
"""Canned answers against real Prosody and ejabberd, as a counsellor and
an administrator use them from their clients:

- `!r` alone lists the keys that exist in the visitor's language, and apart
  those only in other languages; it reaches the counsellor only;
- `!r <key> <more text>` sends the visitor's-language text with its
  variables expanded ({prenom} from the pre-chat form, {persona},
  {office}, {horaires} today in the office's time zone, {ouverture},
  {contact}) and the text appended; a visitor without a first name gets
  "Bonjour," and no stray space; an unknown key is answered with the keys
  that exist;
- an administrator lists, adds, changes and deletes answers with the
  ad-hoc command "canned"; an unknown variable, a bad key or language, an
  unknown office are refused with a clear text and nothing is stored;
- a deleted answer stays deleted after a restart even though the
  configuration still has it (tombstone); an added one stays; the
  visitor's language falls back to another when theirs was deleted.

Every wait is bounded; each test runs once per server.
"""

from datetime import datetime
from xml.sax.saxutils import escape, quoteattr
from zoneinfo import ZoneInfo

from harness import Client, DAEMON_TIME_FACTOR as F, pause, run
from sessionlib import D, Desk, Visitor, body, offer_to

NS_CMD = "http://jabber.org/protocol/commands"

CANNED = [
    '<canned key="parking" lang="fr">Bonjour {prenom}, le parking de {office} '
    'est gratuit. Nous sommes ouverts aujourd\'hui {horaires}. {persona}'
    '</canned>',
    '<canned key="parking" lang="en">Hello {prenom}, parking at {office} is '
    'free.</canned>',
    '<canned key="plan" lang="en">The map: {contact}</canned>',
]

# Two ranges a day with a half-hour pause between them, the pause put far
# from the hour the test runs at in Paris (a run during it would find the
# office closed and no counsellor offered anything).
_GAP = "04" if datetime.now(ZoneInfo("Europe/Paris")).hour >= 12 else "16"
HOURS = f"00:00-{_GAP}:00, {_GAP}:30-24:00"
OFFICE = ('<office id="cahors" name="Office de tourisme de Cahors" '
          'timezone="Europe/Paris" languages="fr en es ca" default-lang="fr" '
          'fallback-langs="en fr" answer-delay="24" offer-size="2" '
          'offer-timeout="45" alert-delay="120" max-wait="600" bot="adam" '
          'contact="accueil@cahors.example">'
          f'<hours days="mon-sun" open="00:00" close="{_GAP}:00"/>'
          f'<hours days="mon-sun" open="{_GAP}:30" close="24:00"/>'
          '</office>')


def prechat(name):
    return ("<x xmlns='jabber:x:data' type='submit'><field var='name'>"
            f"<value>{escape(name)}</value></field></x>")


def canned(client, **form):
    """Runs the ad-hoc command "canned" in one step; returns its note."""
    fields = ""
    for k, v in form.items():
        values = v.split("\n") if k == "text" else [v]
        fields += f"<field var={quoteattr(k)}>" + "".join(
            f"<value>{escape(x)}</value>" for x in values) + "</field>"
    reply = client.iq(D, f'<command xmlns="{NS_CMD}" node="canned" '
                      f'action="execute"><x xmlns="jabber:x:data" '
                      f'type="submit">{fields}</x></command>', type="set")
    assert reply["type"] == "result", str(reply)
    note = reply.xml.find(f".//{{{NS_CMD}}}note")
    return note.text or ""


def private(client, v, since, needle):
    """A private notice from v containing needle."""
    return body(client.wait_for(lambda s: s.name == "message" and
                                str(s["from"].bare) == v and
                                "privé" in body(s) and needle in body(s),
                                since=since, timeout=10 * F))


def start(desk, name, question, lang=None):
    marie = desk.staff["marie"]
    visitor = Visitor(desk, nick=name or "Visiteur")
    sm = marie.mark()
    visitor.ask(question, extra_xml=prechat(name) if name else None,
                lang=lang)
    v = offer_to(marie, question[:20], since=sm)
    marie.send_message(v, "Bonjour, je regarde.")
    visitor.wait_room(lambda s: "je regarde" in body(s))
    return visitor, v


def test_counsellor_uses_canned_answers(server_cls, tmpdir):
    desk = Desk(server_cls, tmpdir, extra_xml=CANNED, office_xml=OFFICE)
    marie = desk.staff["marie"]
    visitor, v = start(desk, "Nina", "Bonjour, où se garer près du pont ?")

    # the list: in the visitor's language, and apart the others
    sm, sv = marie.mark(), visitor.client.mark()
    marie.send_message(v, "!r")
    text = private(marie, v, sm, "parking")
    fr_part, _, other = text.partition("autres langues")
    assert "parking" in fr_part and "plan" not in fr_part, text
    assert "plan" in other, text

    # one answer, expanded, with text appended
    marie.send_message(v, "!r parking à deux minutes à pied")
    got = body(visitor.wait_room(lambda s: "parking de" in body(s), since=sv))
    assert got == ("Bonjour Nina, le parking de Office de tourisme de Cahors "
                   "est gratuit. Nous sommes ouverts aujourd'hui "
                   f"{HOURS}. Claire à deux minutes à pied"), got
    pause(1)
    leaked = [body(s) for s in visitor.client.stanzas[sv:] if s.name == "message"
              and ("!r" in body(s) or "autres langues" in body(s))]
    assert not leaked, f"the command or the list reached the visitor: {leaked}"

    # an unknown key: the keys that exist, privately
    sm = marie.mark()
    marie.send_message(v, "!r tarifs")
    text = private(marie, v, sm, "tarifs")
    assert "parking" in text, text

    # a visitor without a first name: "Bonjour," without a stray space
    visitor2, v2 = start(desk, None, "Bonjour, le parking est-il payant ?")
    sv = visitor2.client.mark()
    marie.send_message(v2, "!r parking")
    got = body(visitor2.wait_room(lambda s: "parking de" in body(s), since=sv))
    assert got.startswith("Bonjour, le parking de Office"), got


def test_admin_manages_canned_answers(server_cls, tmpdir):
    desk = Desk(server_cls, tmpdir, extra_xml=CANNED + [
    ], office_xml=OFFICE)
    marie = desk.staff["marie"]
    admin = Client(desk.server, "admin", "pw")
    bob = Client(desk.server, "bob", "pw")

    listing = canned(admin, action="list")
    assert "parking [fr]" in listing and "parking [en]" in listing and \
        "plan [en]" in listing, listing

    # refusals: nothing stored
    note = canned(admin, action="save", key="prix", lang="fr",
                  text="Le tarif est de {prix} euros.")
    assert note.startswith("Refused: unknown variable {prix}"), note
    assert "Refused" in canned(admin, action="save", key="a b", lang="fr",
                               text="x")
    assert "Refused" in canned(admin, action="save", key="velo",
                               lang="French", text="x")
    assert "Refused" in canned(admin, action="save", key="velo", lang="fr",
                               office="figeac", text="x")
    assert not desk.rows("SELECT 1 FROM canned WHERE key IN ('prix', 'velo')")
    # not an administrator
    reply = bob.iq(D, f'<command xmlns="{NS_CMD}" node="canned" '
                   'action="execute"/>', type="set")
    assert reply["type"] == "error", str(reply)

    # add one on two lines, for the office
    note = canned(admin, action="save", key="velo", lang="fr",
                  office="cahors",
                  text="Location de vélos, {prenom} :\nécrivez à {contact}.")
    assert note.startswith("Saved"), note
    # delete the French parking: the English one is used instead
    note = canned(admin, action="delete", key="parking", lang="fr")
    assert note.startswith("Deleted: 1"), note
    assert "Nothing deleted" in canned(admin, action="delete", key="nope")

    # a restart keeps both changes although the configuration has parking fr
    desk.daemon.stop()
    desk.daemon.mark_log()
    desk.daemon.start()
    desk.daemon.wait_log(r"accueild ready", timeout=15)
    pause(2)
    desk.staff["marie"] = marie = Client(desk.server, "marie", "pw")
    desk.daemon.wait_log(r"staff: marie@ot.example is now available",
                         timeout=15)
    listing = canned(admin, action="list")
    assert "parking [fr]" not in listing and "velo [fr] @cahors" in listing, \
        listing

    visitor, v = start(desk, "Jean", "Bonjour, peut-on louer un vélo ?")
    sv = visitor.client.mark()
    marie.send_message(v, "!r velo")
    got = body(visitor.wait_room(lambda s: "vélos" in body(s), since=sv))
    assert got == "Location de vélos, Jean :\nécrivez à accueil@cahors.example.", got
    marie.send_message(v, "!r parking")
    got = body(visitor.wait_room(lambda s: "parking at" in body(s), since=sv))
    assert got.startswith("Hello Jean, parking at Office de tourisme"), got


if __name__ == "__main__":
    run([test_counsellor_uses_canned_answers, test_admin_manages_canned_answers])
