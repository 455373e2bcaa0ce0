#!/usr/bin/python3
"""Ad-hoc commands (XEP-0050) on the service JID against real Prosody and
ejabberd: administrators see queues, counsellors, statistics, can close a
session, export and erase a visitor's data; counsellors see their own
commands only; everyone else is refused.
"""

from harness import Client, run
from sessionlib import D, Desk, Visitor, body, offer_to

NS = "http://jabber.org/protocol/commands"


def execute(client, node, form=None, sessionid=None):
    extra = f' sessionid="{sessionid}"' if sessionid else ""
    payload = f'<command xmlns="{NS}" node="{node}" action="execute"{extra}>'
    if form:
        fields = "".join(f'<field var="{k}"><value>{v}</value></field>'
                         for k, v in form.items())
        payload += f'<x xmlns="jabber:x:data" type="submit">{fields}</x>'
    payload += "</command>"
    return client.iq(D, payload, type="set")


def nodes(client):
    reply = client.iq(D, f'<query xmlns="http://jabber.org/protocol/disco#items" node="{NS}"/>')
    return sorted(i.get("node") for i in reply.xml.iter(
        "{http://jabber.org/protocol/disco#items}item"))


def test_admin_and_counsellor_commands(server_cls, tmpdir):
    desk = Desk(server_cls, tmpdir)
    marie = desk.staff["marie"]
    admin = Client(desk.server, "admin", "pw")
    bob = Client(desk.server, "bob", "pw")
    info = admin.iq(D, '<query xmlns="http://jabber.org/protocol/disco#info"/>')
    assert NS in str(info)
    assert "queues" in nodes(admin) and "erase" in nodes(admin)
    assert nodes(marie) == ["answer", "appointments", "pause", "quality",
                            "requests", "resume"], nodes(marie)
    assert nodes(bob) == []
    # a conversation to look at
    v = Visitor(desk, account="alice", nick="Alice")
    v.ask("Bonjour, le pont Valentré est-il accessible en poussette ?")
    vj = offer_to(marie, "poussette")
    marie.send_message(vj, "Oui, par la rive droite.")
    v.wait_room(lambda s: "rive droite" in body(s))
    q = execute(admin, "queues")
    assert q["type"] == "result" and "status=\"completed\"" in str(q), q
    assert "cahors: open" in str(q) and vj.split("@")[0] in str(q), q
    c = execute(admin, "counsellors")
    assert "marie@ot.example (Claire): available" in str(c) and "1/3" in str(c), c
    s = execute(admin, "stats")
    # the figures as a table (one item per office) and as text
    assert "Requests: 1, answered: 1" in str(s), s
    assert "<reported>" in str(s) and '<field var="requests"><value>1</value>' in str(s), s
    # refused to a counsellor and to a stranger
    assert execute(marie, "queues")["type"] == "error"
    err = execute(bob, "stats")
    assert err["type"] == "error" and "forbidden" in str(err)
    assert "item-not-found" in str(execute(admin, "no-such-command"))
    # counsellor's own
    p = execute(marie, "pause")
    assert p["type"] == "result"
    desk.daemon.wait_log(r"staff: marie@ot.example paused")
    execute(marie, "resume")
    # two steps: the form first, then the answer
    first = execute(admin, "export")
    assert 'status="executing"' in str(first) and 'var="jid"' in str(first)
    sid = first.xml.find(f"{{{NS}}}command").get("sessionid")
    exported = execute(admin, "export", {"jid": "alice@ot.example"}, sid)
    assert "poussette" in str(exported) and "rive droite" in str(exported)
    closed = execute(admin, "close", {"session": vj.split("@")[0]})
    assert "closed" in str(closed), closed
    v.wait_room(lambda s: "terminée" in body(s))
    erased = execute(admin, "erase", {"jid": "alice@ot.example"})
    assert "Erased 1 session" in str(erased), erased
    assert desk.rows("SELECT count(*) AS n FROM messages")[0]["n"] == 0
    again = execute(admin, "export", {"jid": "alice@ot.example"})
    assert "Nothing stored" in str(again)


if __name__ == "__main__":
    run([test_admin_and_counsellor_commands])
