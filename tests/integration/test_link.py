#!/usr/bin/python3
"""The daemon's foundation against Prosody and ejabberd: the component link
(connect, wrong secret, reconnect after a server restart) and what the
service JID answers (disco, version, ping, errors for unknown IQs).
TAP on stdout; see harness.py for the environment it reads."""

import harness
from harness import Accueild, Client

D = harness.COMPONENT_DOMAIN
OFFICE = f"cahors@{D}"
DISCO_INFO_NS = "http://jabber.org/protocol/disco#info"
DISCO_ITEMS_NS = "http://jabber.org/protocol/disco#items"
VERSION_NS = "jabber:iq:version"
PING_NS = "urn:xmpp:ping"
STANZAS_NS = "urn:ietf:params:xml:ns:xmpp-stanzas"
WRONG_SECRET = "wrong-secret-5c1e9b"


def query(ns, name="query"):
    return f"<{name} xmlns='{ns}'/>"


def start_desk(server_cls, tmpdir, secret=None, wait=True):
    """Server with accounts admin and marie, and the daemon started."""
    server = server_cls(tmpdir).start()
    server.create_user("admin", "secret-admin")
    server.create_user("marie", "secret-marie")
    daemon = Accueild(server, tmpdir, secret=secret).start(wait=wait)
    return server, daemon


def children(stanza, path):
    """Elements at `path` (ElementTree syntax, {ns}tags) under the stanza."""
    return stanza.xml.findall(path)


def error_of(stanza):
    """(error type, condition) of an error stanza."""
    error = stanza.xml.find("{jabber:client}error")
    assert error is not None, f"no <error/> in {stanza}"
    conditions = [c.tag.split("}")[1] for c in error if c.tag.startswith(f"{{{STANZAS_NS}}}")
                  and not c.tag.endswith("}text")]
    return error.get("type"), conditions[0] if conditions else None


def assert_pong(client, to=D):
    reply = client.iq(to, query(PING_NS, "ping"))
    assert reply["type"] == "result", reply


def test_disco_info_and_items(server_cls, tmpdir):
    server, daemon = start_desk(server_cls, tmpdir)
    daemon.wait_log(r"accueild ready", from_start=True)
    marie = Client(server, "marie", "secret-marie")
    info = marie.iq(D, query(DISCO_INFO_NS))
    assert info["type"] == "result", info
    identities = [(i.get("category"), i.get("type"))
                  for i in children(info, f"{{{DISCO_INFO_NS}}}query/{{{DISCO_INFO_NS}}}identity")]
    assert any(cat in ("component", "service") for cat, _ in identities), identities
    features = {f.get("var") for f in
                children(info, f"{{{DISCO_INFO_NS}}}query/{{{DISCO_INFO_NS}}}feature")}
    for feature in (DISCO_INFO_NS, VERSION_NS, PING_NS):
        assert feature in features, (feature, features)
    items = marie.iq(D, query(DISCO_ITEMS_NS))
    assert items["type"] == "result", items
    jids = {i.get("jid") for i in
            children(items, f"{{{DISCO_ITEMS_NS}}}query/{{{DISCO_ITEMS_NS}}}item")}
    assert OFFICE in jids, jids
    assert server.secret not in daemon.log_text(), "the secret is in the log"


def test_version(server_cls, tmpdir):
    server, daemon = start_desk(server_cls, tmpdir)
    marie = Client(server, "marie", "secret-marie")
    reply = marie.iq(D, query(VERSION_NS))
    assert reply["type"] == "result", reply
    name = reply.xml.find(f"{{{VERSION_NS}}}query/{{{VERSION_NS}}}name")
    assert name is not None and name.text == "accueil", reply


def test_ping(server_cls, tmpdir):
    server, daemon = start_desk(server_cls, tmpdir)
    visitor = Client(server, anonymous=True)
    assert_pong(visitor)


def test_unknown_iq_gets_an_error(server_cls, tmpdir):
    server, daemon = start_desk(server_cls, tmpdir)
    marie = Client(server, "marie", "secret-marie")
    unknown = "<query xmlns='urn:example:accueil:unknown'/>"
    for to in (D, OFFICE):
        for kind in ("get", "set"):
            reply = marie.iq(to, unknown, type=kind)
            assert reply["type"] == "error", reply
            error_type, condition = error_of(reply)
            assert error_type == "cancel", reply
            assert condition in ("service-unavailable", "feature-not-implemented"), reply
    # The daemon is still there.
    assert_pong(marie)


def test_reconnects_after_server_restart(server_cls, tmpdir):
    server, daemon = start_desk(server_cls, tmpdir)
    assert_pong(Client(server, "marie", "secret-marie"))
    daemon.mark_log()
    server.restart()
    daemon.wait_log(r"link: disconnected", timeout=15)
    daemon.wait_log(daemon.connected_line, timeout=30)
    assert_pong(Client(server, "marie", "secret-marie"))


def test_wrong_secret_is_retried(server_cls, tmpdir):
    server, daemon = start_desk(server_cls, tmpdir, secret=WRONG_SECRET, wait=False)
    refused = r"link: the server refused the component secret"
    daemon.wait_log(refused, timeout=15)
    daemon.wait_log(refused, timeout=15)
    assert daemon.running(), "the daemon gave up instead of retrying"
    log = daemon.log_text()
    assert WRONG_SECRET not in log and server.secret not in log, "a secret is in the log"
    daemon.stop()


FIGEAC = """\
  <office id="figeac" name="Office de tourisme de Figeac" timezone="Europe/Paris"
          languages="fr en" bot="adam">
    <hours days="mon-sun" open="00:00" close="24:00"/>
  </office>"""


def office_items(client):
    reply = client.iq(D, query(DISCO_ITEMS_NS))
    return sorted(i.get("jid") for i in children(reply, f"{{{DISCO_ITEMS_NS}}}query/{{{DISCO_ITEMS_NS}}}item"))


def test_reload_and_refused_reload(server_cls, tmpdir):
    server, daemon = start_desk(server_cls, tmpdir)
    client = Client(server, "marie", "secret-marie")
    assert office_items(client) == [OFFICE]
    # a valid new configuration is taken on SIGHUP
    daemon.write_config(extra_xml=FIGEAC)
    daemon.hup()
    daemon.wait_log(r"configuration reloaded", timeout=10)
    assert office_items(client) == [OFFICE, f"figeac@{D}"]
    # a broken one is refused with its line, and the running one stays
    good = daemon.conf_path.read_text()
    daemon.conf_path.write_text(good.replace("<bot ", "<bott ", 1))
    daemon.hup()
    m = daemon.wait_log(r"reload refused: \d+ errors? in", timeout=10)
    log = daemon.log_text()
    assert "accueil.conf.xml:" in log and "unknown element <bott>" in log, log[-2000:]
    assert daemon.running()
    assert_pong(client)
    assert office_items(client) == [OFFICE, f"figeac@{D}"]
    daemon.stop()   # SIGTERM: the harness checks the exit status is 0


def test_check_mode(server_cls, tmpdir):
    import subprocess
    server = server_cls(tmpdir)     # not started: -n needs no server
    daemon = Accueild(server, tmpdir)
    ok = subprocess.run([daemon.binary, "-n", "-f", str(daemon.conf_path)],
                        capture_output=True, text=True, timeout=30)
    assert ok.returncode == 0, ok.stderr
    assert "configuration OK" in ok.stderr and "<accueil>" in ok.stdout
    assert server.secret not in ok.stdout + ok.stderr, "the secret leaked"
    daemon.conf_path.write_text(daemon.conf_path.read_text().replace(
        'retention-days="365"', 'retention-days="forever"'))
    bad = subprocess.run([daemon.binary, "-n", "-f", str(daemon.conf_path)],
                         capture_output=True, text=True, timeout=30)
    assert bad.returncode == 1, bad
    assert "accueil.conf.xml:" in bad.stderr and "whole number" in bad.stderr, bad.stderr
    daemon.secret_path.chmod(0o644)
    daemon.conf_path.write_text(daemon.conf_path.read_text().replace(
        'retention-days="forever"', 'retention-days="365"'))
    loose = subprocess.run([daemon.binary, "-n", "-f", str(daemon.conf_path)],
                           capture_output=True, text=True, timeout=30)
    assert loose.returncode == 1 and "chmod 600" in loose.stderr, loose.stderr


if __name__ == "__main__":
    harness.run([test_disco_info_and_items, test_version, test_ping,
                 test_unknown_iq_gets_an_error,
                 test_reconnects_after_server_restart,
                 test_wrong_secret_is_retried, test_reload_and_refused_reload,
                 test_check_mode])
