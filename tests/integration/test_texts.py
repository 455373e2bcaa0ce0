#!/usr/bin/python3
"""Texts per language in the configuration, against real Prosody and
ejabberd: an office's `<name lang="...">` and a persona's
`<title lang="...">` are what a visitor reads in their language (the
greeting, the invitation, the "takes your request" line, the desk's and
the persona's vCards asked with that xml:lang); a visitor in another
language reads the defaults.

Every wait is bounded; each test runs once per server.
"""

from harness import DAEMON_TIME_FACTOR as F, run
from sessionlib import D, Desk, Visitor, body, offer_to

NS_VCARD = "vcard-temp"

OFFICE = ('<office id="cahors" name="Office de tourisme de Cahors" '
          'timezone="Europe/Paris" languages="fr en es ca" default-lang="fr" '
          'fallback-langs="en fr" answer-delay="24" offer-size="2" '
          'offer-timeout="45" alert-delay="120" max-wait="600" bot="adam">'
          '<name lang="en">Cahors Tourist Office</name>'
          '<name lang="ca">Oficina de Turisme de Cahors</name>'
          '<hours days="mon-sun" open="00:00" close="24:00"/>'
          '</office>')
TITLE = '<title lang="en">Travel advisor</title>'


def chat(desk, question, lang):
    marie = desk.staff["marie"]
    visitor = Visitor(desk, nick="Ann")
    sm = marie.mark()
    visitor.ask(question, lang=lang)
    v = offer_to(marie, question[:15], since=sm)
    sv = visitor.client.mark()
    marie.send_message(v, "Hello!" if lang == "en" else "Bonjour !")
    taken = visitor.wait_room(lambda s: "Claire (" in body(s), since=0,
                              timeout=15 * F)
    visitor.wait_room(lambda s: body(s) in ("Hello!", "Bonjour !"), since=sv)
    return visitor, body(taken)


def vcard(client, jid, lang):
    iq = client.xmpp.Iq()
    iq["to"], iq["type"], iq["lang"] = jid, "get", lang
    from harness import _parse_fragments, _wait_future
    iq.append(_parse_fragments(f'<vCard xmlns="{NS_VCARD}"/>')[0])
    reply = _wait_future(iq.send(timeout=10), 11, "a vCard")
    card = reply.xml.find(f"{{{NS_VCARD}}}vCard")
    return (card.findtext(f"{{{NS_VCARD}}}FN"),
            card.findtext(f"{{{NS_VCARD}}}TITLE"))


def test_texts_in_the_visitors_language(server_cls, tmpdir):
    desk = Desk(server_cls, tmpdir, office_xml=OFFICE,
                children={"marie": TITLE})
    visitor, taken = chat(desk, "Hello, is the Valentré bridge open at "
                          "night?", "en")
    greeting = [body(s) for s in visitor.client.stanzas
                if s.name == "message" and "automatic assistant" in body(s)]
    assert greeting and "Cahors Tourist Office" in greeting[0], greeting
    assert "Claire (Travel advisor)" in taken, taken
    got = vcard(visitor.client, f"cahors@{D}", "en")
    assert got[0] == \
        "Cahors Tourist Office", got
    assert vcard(visitor.client, f"claire@{D}", "en")[1] == "Travel advisor"

    # French: the defaults
    visitor2, taken = chat(desk, "Bonjour, le pont Valentré est-il ouvert "
                           "la nuit ?", "fr")
    greeting = [body(s) for s in visitor2.client.stanzas
                if s.name == "message" and "assistant automatique" in body(s)]
    assert greeting and "Office de tourisme de Cahors" in greeting[0], greeting
    assert "Claire (Conseiller)" in taken, taken
    assert vcard(visitor2.client, f"cahors@{D}", "fr")[0] == \
        "Office de tourisme de Cahors"
    assert vcard(visitor2.client, f"claire@{D}", "fr")[1] == "Conseiller"


if __name__ == "__main__":
    run([test_texts_in_the_visitors_language])
