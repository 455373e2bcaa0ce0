#!/usr/bin/python3
"""The in-conversation actions as ad-hoc commands on the v- JID (for Gajim
and Psi's command menus), against real Prosody and ejabberd:

- disco#items on the v- JID lists end, transfer, canned, note, decline and
  video for a counsellor, nothing for anyone else; a command from a
  non-counsellor is forbidden;
- "canned" offers the keys as choices and sends the expanded answer with
  the added text to the visitor, as "!r key text" does;
- "note" stores a private note (the counsellor gets the same notice as
  with "!note"), nothing reaches the visitor;
- "transfer" offers the office's languages and the colleagues as choices;
- "end" ends the chat: the visitor gets the satisfaction question;
- a form without a value is refused (bad-request).

Every wait is bounded; each test runs once per server.
"""

from xml.sax.saxutils import escape

from harness import Client, DAEMON_TIME_FACTOR as F, pause, run
from sessionlib import Desk, Visitor, body, offer_to

NS_CMD = "http://jabber.org/protocol/commands"
NS_DATA = "jabber:x:data"
NS_ITEMS = "http://jabber.org/protocol/disco#items"

CANNED = ['<canned key="parking" lang="fr">Bonjour {prenom}, le parking de '
          '{office} est gratuit.</canned>',
          '<canned key="plan" lang="en">The map.</canned>']


def execute(client, jid, node, form=None, sessionid=None):
    extra = f' sessionid="{sessionid}"' if sessionid else ""
    x = ""
    if form is not None:
        fields = "".join(f'<field var="{k}"><value>{escape(v)}</value></field>'
                         for k, v in form.items())
        x = f'<x xmlns="{NS_DATA}" type="submit">{fields}</x>'
    return client.iq(jid, f'<command xmlns="{NS_CMD}" node="{node}" '
                     f'action="execute"{extra}>{x}</command>', type="set")


def cmd_attr(reply, name):
    el = reply.xml.find(f"{{{NS_CMD}}}command")
    return el.get(name) if el is not None else None


def options(reply, var):
    for f in reply.xml.iter(f"{{{NS_DATA}}}field"):
        if f.get("var") == var:
            return [o.findtext(f"{{{NS_DATA}}}value")
                    for o in f.iter(f"{{{NS_DATA}}}option")]
    return None


def test_actions_as_adhoc(server_cls, tmpdir):
    desk = Desk(server_cls, tmpdir, accounts=("marie", "jordi"),
                extra_xml=CANNED)
    marie = desk.staff["marie"]
    bob = Client(desk.server, "bob", "pw")
    visitor = Visitor(desk, nick="Nina")
    visitor.ask("Bonjour, où se garer pour visiter la cathédrale ?",
                extra_xml="<x xmlns='jabber:x:data' type='submit'><field "
                "var='name'><value>Nina</value></field></x>")
    v = offer_to(marie, "cathédrale")
    marie.send_message(v, "Bonjour Nina, je regarde.")
    visitor.wait_room(lambda s: "je regarde" in body(s))

    reply = marie.iq(v, f'<query xmlns="{NS_ITEMS}" node="{NS_CMD}"/>')
    nodes = sorted(i.get("node") for i in reply.xml.iter(f"{{{NS_ITEMS}}}item"))
    assert nodes == ["canned", "decline", "end", "note", "transfer", "video"], nodes
    reply = bob.iq(v, f'<query xmlns="{NS_ITEMS}" node="{NS_CMD}"/>')
    assert not list(reply.xml.iter(f"{{{NS_ITEMS}}}item")), str(reply)
    reply = execute(bob, v, "end")
    assert reply["type"] == "error" and \
        reply["error"]["condition"] == "forbidden", str(reply)

    # canned: the keys as choices, then the answer with the added text
    reply = execute(marie, v, "canned")
    assert cmd_attr(reply, "status") == "executing", str(reply)
    assert set(options(reply, "key")) == {"parking", "plan"}, str(reply)
    sid = cmd_attr(reply, "sessionid")
    sv = visitor.client.mark()
    reply = execute(marie, v, "canned", {"key": "parking",
                                         "extra": "Entrée rue du Maréchal Joffre."},
                    sessionid=sid)
    assert cmd_attr(reply, "status") == "completed", str(reply)
    got = body(visitor.wait_room(lambda s: "parking de" in body(s), since=sv))
    assert got == ("Bonjour Nina, le parking de Office de tourisme de Cahors "
                   "est gratuit. Entrée rue du Maréchal Joffre."), got

    # note: stored, the same notice, nothing to the visitor
    sm = marie.mark()
    reply = execute(marie, v, "note", {"text": "Rappeler pour le parking."})
    assert cmd_attr(reply, "status") == "completed", str(reply)
    marie.wait_for(lambda s: str(s["from"].bare) == v and
                   "Note enregistrée" in body(s), since=sm, timeout=10 * F)
    rows = desk.rows("SELECT body FROM messages WHERE session = ? AND "
                     "role = 'note'", v.split("@")[0])
    assert [r["body"] for r in rows] == ["Rappeler pour le parking."], \
        [dict(r) for r in rows]

    # an empty value is refused
    reply = execute(marie, v, "note", {"text": ""})
    assert reply["type"] == "error" and \
        reply["error"]["condition"] == "bad-request", str(reply)

    # transfer: languages and colleagues to choose from
    reply = execute(marie, v, "transfer")
    choices = options(reply, "target")
    assert {"fr", "en", "es", "ca", "nuria"} <= set(choices), choices
    assert "claire" not in choices, "oneself is no choice"

    pause(1)
    leaked = [body(s) for s in visitor.client.stanzas[sv:] if s.name == "message"
              and ("Rappeler" in body(s) or "privé" in body(s))]
    assert not leaked, leaked

    # end: the survey question
    sv = visitor.client.mark()
    reply = execute(marie, v, "end")
    assert cmd_attr(reply, "status") == "completed", str(reply)
    visitor.wait_room(lambda s: "1" in body(s) and "5" in body(s), since=sv,
                      timeout=15 * F)


if __name__ == "__main__":
    run([test_actions_as_adhoc])
