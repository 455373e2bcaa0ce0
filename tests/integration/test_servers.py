#!/usr/bin/python3
"""Proves the integration-test harness on Prosody and ejabberd, without
accueild: logins, the component port, a server restart, MUC permissions
and BOSH. TAP on stdout; see harness.py for the environment it reads."""

import harness
from harness import Bosh, Client, Component, LoginError

DISCO_INFO = "<query xmlns='http://jabber.org/protocol/disco#info'/>"
DISCO_ITEMS = "<query xmlns='http://jabber.org/protocol/disco#items'/>"
PING = "<ping xmlns='urn:xmpp:ping'/>"
MUC = "<x xmlns='http://jabber.org/protocol/muc'/>"
MUC_USER = "http://jabber.org/protocol/muc#user"
INSTANT_ROOM = ("<query xmlns='http://jabber.org/protocol/muc#owner'>"
                "<x xmlns='jabber:x:data' type='submit'/></query>")


def start(server_cls, tmpdir):
    """A started server with one staff account, marie / secret-marie."""
    server = server_cls(tmpdir).start()
    server.create_user("marie", "secret-marie")
    return server


def test_staff_login(server_cls, tmpdir):
    server = start(server_cls, tmpdir)
    marie = Client(server, "marie", "secret-marie")
    assert marie.bare == "marie@ot.example", marie.jid
    reply = marie.iq(server.staff_domain, PING)
    assert reply["type"] == "result", reply
    try:
        Client(server, "marie", "wrong password")
    except LoginError:
        pass
    else:
        raise AssertionError("a wrong password was accepted")


def test_anonymous_visitor(server_cls, tmpdir):
    server = server_cls(tmpdir).start()
    first = Client(server, anonymous=True)
    second = Client(server, anonymous=True)
    assert first.xmpp.boundjid.domain == "visit.ot.example", first.jid
    assert first.bare != second.bare, (first.jid, second.jid)
    reply = first.iq(server.visit_domain, PING)
    assert reply["type"] == "result", reply


def test_component_answers_disco(server_cls, tmpdir):
    server = start(server_cls, tmpdir)
    component = Component(server, identity=("component", "generic", "essai"))
    component.connect()
    marie = Client(server, "marie", "secret-marie")
    reply = marie.iq("accueil.ot.example", DISCO_INFO)
    assert reply["type"] == "result", reply
    identities = reply["disco_info"]["identities"]
    assert ("component", "generic", None, "essai") in identities, identities
    component.wait_for(lambda s: s["from"].bare == "marie@ot.example"
                       and "disco#info" in str(s))


def test_component_wrong_secret_refused(server_cls, tmpdir):
    server = server_cls(tmpdir).start()
    try:
        Component(server, secret="not-the-secret").connect()
    except LoginError:
        pass
    else:
        raise AssertionError("the server accepted a wrong component secret")


def test_restart_and_component_reconnects(server_cls, tmpdir):
    server = start(server_cls, tmpdir)
    ports = (server.c2s_port, server.component_port, server.http_port)
    component = Component(server).connect()
    server.restart()
    assert (server.c2s_port, server.component_port, server.http_port) == ports
    harness.wait_until(lambda: not component.connected(), 10,
                       "the component to see the server go", interval=0)
    component.connect()
    # The account survived the restart: data is kept.
    marie = Client(server, "marie", "secret-marie")
    reply = marie.iq("accueil.ot.example", PING)
    assert reply["type"] == "result", reply


def test_only_component_creates_rooms(server_cls, tmpdir):
    server = start(server_cls, tmpdir)
    component = Component(server).connect()
    # Prosody's admins = { "accueil.ot.example" } admits that bare JID only:
    # a persona (adam@accueil.ot.example) may not create a room there, so
    # rooms are created from the component's domain JID.
    persona_room = "persona@salons.ot.example"
    component.send_presence(to=f"{persona_room}/Adam",
                            sender="adam@accueil.ot.example", extra_xml=MUC)
    reply = component.wait_for(lambda s: s["from"].bare == persona_room)
    if server.name == "prosody":
        assert reply["type"] == "error", reply
    room = "essai@salons.ot.example"
    creator = "accueil.ot.example/salons"
    component.send_presence(to=f"{room}/Accueil", sender=creator, extra_xml=MUC)
    created = component.wait_for(lambda s: s["from"] == f"{room}/Accueil")
    assert "status code=\"201\"" in str(created), created
    reply = component.iq(room, INSTANT_ROOM, type="set", sender=creator)
    assert reply["type"] == "result", reply

    visitor = Client(server, anonymous=True)
    refused = "refus@salons.ot.example"
    visitor.send_presence(to=f"{refused}/Visiteur", extra_xml=MUC)
    reply = visitor.wait_for(lambda s: s["from"].bare == refused)
    assert reply["type"] == "error", reply
    marie = Client(server, "marie", "secret-marie")
    marie.send_presence(to=f"{refused}/Marie", extra_xml=MUC)
    reply = marie.wait_for(lambda s: s["from"].bare == refused)
    assert reply["type"] == "error", reply

    # The room is not listed (ejabberd lists hidden rooms to their
    # occupants only), a visitor can join it, and it keeps history (MAM).
    items = visitor.iq(server.muc_domain, DISCO_ITEMS)
    assert room not in str(items), items
    visitor.send_presence(to=f"{room}/Visiteur", extra_xml=MUC)
    joined = visitor.wait_for(lambda s: s["from"] == f"{room}/Visiteur")
    assert joined["type"] != "error", joined
    info = visitor.iq(room, DISCO_INFO)
    assert "urn:xmpp:mam:2" in info["disco_info"]["features"], info


def test_bosh_endpoint(server_cls, tmpdir):
    server = server_cls(tmpdir).start()
    bosh = Bosh(server)
    body = bosh.create_session()
    assert body.get("sid"), bosh.received
    bosh.terminate()
    jid = Bosh(server).login_anonymous()
    assert jid.split("/")[0].endswith("@visit.ot.example"), jid


if __name__ == "__main__":
    harness.run([test_staff_login, test_anonymous_visitor,
                 test_component_answers_disco,
                 test_component_wrong_secret_refused,
                 test_restart_and_component_reconnects,
                 test_only_component_creates_rooms, test_bosh_endpoint])
