#!/usr/bin/python3
"""A region on a two-node ejabberd cluster: two territories, each its own
accueild and component domain, on different Erlang nodes of one cluster.

Layout (everything on loopback, in the test's temp directory):

    epmd                 private, on a free port, 127.0.0.1 only
    node 1, node 2       ejabberd 23 nodes (-sname ...@localhost), same
                         cookie, node 2 joined to node 1 (join_cluster);
                         each node has its own config, spool, logs, ports
                         and listens for both territories' components
    territory "lot"      accueil.ot.example, salons.ot.example,
                         visit.ot.example (the shipped config/ejabberd.yml);
                         its accueild connects to node 1
    territory "causses"  accueil.causses.example, salons.causses.example,
                         visit.causses.example (the same snippet with those
                         names); its accueild connects to node 2
    ot.example           the staff host, one account table for the region

test_cross_node_conversations: a visitor on node 1 answered by a
counsellor on node 2 (lot), a visitor on node 2 answered by a counsellor on
node 1 (causses), and a same-node conversation (lot's second office) as the
baseline; relay latency per direction is printed as TAP comments.

test_node_stops_and_returns (node 2's VM SIGKILLed) and
test_node_stopped_cleanly_and_returns (stopped as ejabberdctl stop does):
lot keeps working (its same-node conversation, a new visitor; the
counsellor who was on node 2 logs in again on node 1 and gets the line
written meanwhile, once); causses' accueild loses its link, a counsellor's
line to it and a new visitor's first message are refused with an error
(not dropped in silence); the causses visitor logs in again on node 1 and
rejoins the room (persistent: node 1 restores it) and writes; node 2
starts again, causses' accueild reconnects by itself and the counsellor
gets every line written during the outage once, nothing said before is
delivered again, later lines flow both ways. Timings are printed as TAP
comments (docs/scaling.md quotes them).

Prosody has no clustering: on Prosody the tests are skipped. If Erlang
distribution cannot start here (epmd, cookie, join), they are skipped with
the reason.
"""

import os
import re
import secrets
import shutil
import sqlite3
import statistics
import subprocess
import time

import harness
from harness import (Accueild, Client, HarnessError, Skip, free_ports,
                     pause, port_open, run, wait_until)

STAFF_CHECK = "3"   # seconds between presence probes (30 in production)

STAFF_DOMAIN = harness.STAFF_DOMAIN
NS_CONF = "jabber:x:conference"
NS_MUC = "http://jabber.org/protocol/muc"
LATENCY_LINES = 50
# The delays are measured line after line, faster than a person types:
# visitor lines past the default burst (20) would be held and merged.
LIMITS = '<limits visitor-burst="1000" visitor-per-minute="6000"/>'


def comment(text):
    """A TAP comment now (the figures of the run)."""
    print(f"# {text}", flush=True)


# --------------------------------------------------------------------------
# The cluster


class Territory:
    """One territory: its component, MUC and visitor domains, its secret."""

    def __init__(self, key, suffix, offices):
        self.key = key
        self.suffix = suffix
        self.component_domain = f"accueil.{suffix}"
        self.muc_domain = f"salons.{suffix}"
        self.visit_domain = f"visit.{suffix}"
        self.secret = secrets.token_hex(16)
        self.offices = offices

    def snippet(self, component_port, http_port):
        """config/ejabberd.yml for this territory: the shipped names
        replaced by the territory's, ACL and access names made unique (the
        included files are merged into one configuration), this node's
        ports and the territory's secret."""
        text = harness.ejabberd_snippet(harness.REPO / "config" / "ejabberd.yml",
                                        component_port, http_port, self.secret)
        if self.suffix != "ot.example":
            for old in ("visit.ot.example", "salons.ot.example",
                        "accueil.ot.example"):
                text = text.replace(old, old.replace("ot.example", self.suffix))
            text = re.sub(r"\baccueil_(component|rooms)\b",
                          rf"accueil_\1_{self.key}", text)
        return text


class ClusterNode(harness.EjabberdServer):
    """An ejabberd node meant to be clustered: Erlang distribution through
    a private epmd (ERL_EPMD_PORT) instead of the harness's fixed
    ERL_DIST_PORT, whose nodes can only reach nodes on that same port.
    Listens for every territory's component and BOSH on its own ports."""

    def __init__(self, tmpdir, label, cookie, epmd_port, territories,
                 taken=()):
        self.name = f"ejabberd{label}"  # the directory under tmpdir
        super().__init__(tmpdir)
        # the other nodes' ports are not bound yet: draw again on a clash
        taken = set(taken) | {epmd_port}
        if taken & {self.c2s_port, self.component_port, self.http_port,
                    self.dist_port}:
            (self.c2s_port, self.component_port, self.http_port,
             self.dist_port) = free_ports(4, exclude=taken)
        self.label = label
        self.cookie = cookie
        self.epmd_port = epmd_port
        self.territories = territories
        self.node = f"accueil{secrets.token_hex(3)}n{label}@localhost"
        used = {self.c2s_port, self.component_port, self.http_port,
                self.dist_port} | taken
        # the first territory uses the harness's ports, the others new ones
        self.ports = {territories[0].key: (self.component_port, self.http_port)}
        for t in territories[1:]:
            pair = tuple(free_ports(2, exclude=used))
            used.update(pair)
            self.ports[t.key] = pair

    def __repr__(self):
        return f"<ejabberd node {self.node} c2s={self.c2s_port}>"

    def all_ports(self):
        return ({self.c2s_port, self.dist_port}
                | {p for pair in self.ports.values() for p in pair})

    def _write_config(self):
        includes = []
        for t in self.territories:
            path = self.dir / f"accueil-{t.key}.yml"
            path.write_text(t.snippet(*self.ports[t.key]))
            includes.append(path)
        main = harness.render("ejabberd.yml.in", snippet="@SNIPPETS@",
                              loglevel=self.loglevel, c2s_port=self.c2s_port)
        line = 'include_config_file: "@SNIPPETS@"'
        if main.count(line) != 1:
            raise HarnessError(f"ejabberd.yml.in: expected {line!r} once")
        main = main.replace(line, "include_config_file:\n" + "".join(
            f'  - "{p}"\n' for p in includes))
        self.config_path.write_text(main)
        (self.dir / "ejabberdctl.cfg").write_text(
            f"export ERL_EPMD_PORT={self.epmd_port}\n"
            "ERL_EPMD_ADDRESS=127.0.0.1\n"
            'ERL_OPTIONS="-env ERL_CRASH_DUMP_BYTES 0 -start_epmd false'
            " -kernel inet_dist_use_interface {127,0,0,1}"
            f' -setcookie {self.cookie}"\n')
        (self.dir / "inetrc").write_text(
            '{lookup,["file","native"]}.\n'
            '{host,{127,0,0,1}, ["localhost"]}.\n')
        self._give_to_ejabberd()

    def ctl(self, *args, timeout=60):
        return self._ctl(*args, timeout=timeout)

    def for_territory(self, territory):
        """What Accueild and Client read from a server, for one territory
        on this node."""
        return TerritoryView(self, territory)


class TerritoryView:
    """A territory as seen through one node: the attributes Accueild and
    Client take from a server object."""

    def __init__(self, node, territory):
        self.node = node
        self.territory = territory
        self.c2s_port = node.c2s_port
        self.component_port = node.ports[territory.key][0]
        self.component_domain = territory.component_domain
        self.muc_domain = territory.muc_domain
        self.visit_domain = territory.visit_domain
        self.staff_domain = STAFF_DOMAIN
        self.secret = territory.secret


class Epmd:
    """A private epmd on 127.0.0.1:port, in the foreground, for this test
    only (never the machine's on 4369)."""

    kind = "server"

    def __init__(self, tmpdir, port):
        self.port = port
        self.log_path = os.path.join(tmpdir, "epmd.log")
        self.proc = None
        harness.REGISTRY.add(self)

    def start(self):
        env = dict(os.environ, ERL_EPMD_ADDRESS="127.0.0.1",
                   ERL_EPMD_PORT=str(self.port))
        self.proc = harness._spawn(["epmd", "-port", str(self.port),
                                    "-address", "127.0.0.1"],
                                   self.log_path, cwd="/", env=env)
        try:
            wait_until(lambda: self.proc.poll() is not None or port_open(self.port),
                       10, f"epmd on port {self.port}")
        except TimeoutError as exc:
            raise Skip(f"a private epmd does not start here: {exc}") from None
        if self.proc.poll() is not None:
            raise Skip("a private epmd does not start here: "
                       + " ".join(harness.tail(self.log_path, 5)))
        return self

    def probe(self, cookie):
        """Start and stop a bare Erlang node registered with this epmd: if
        Erlang distribution cannot start here, skip with its words."""
        argv = ["erl", "-sname", f"accueilprobe{secrets.token_hex(3)}@localhost",
                "-setcookie", cookie, "-start_epmd", "false",
                "-kernel", "inet_dist_use_interface", "{127,0,0,1}",
                "-noshell", "-eval", 'io:format("~s~n", [node()]), halt().']
        env = dict(os.environ, ERL_EPMD_PORT=str(self.port))
        try:
            proc = subprocess.run(argv, capture_output=True, text=True,
                                  timeout=30, env=env, cwd="/")
        except subprocess.TimeoutExpired:
            raise Skip("Erlang distribution does not start here "
                       "(a probe node hung for 30 s)") from None
        if proc.returncode != 0 or "@localhost" not in proc.stdout:
            raise Skip("Erlang distribution does not start here: "
                       + " ".join((proc.stdout + proc.stderr).split())[-300:])

    def names(self):
        proc = subprocess.run(["epmd", "-port", str(self.port), "-names"],
                              capture_output=True, text=True, timeout=10,
                              env=dict(os.environ, ERL_EPMD_PORT=str(self.port)))
        return proc.stdout

    def cleanup(self, check=False):
        if self.proc is not None:
            harness._terminate(self.proc, 5)
            self.proc = None

    def diagnostics(self):
        return [f"--- epmd on {self.port}"] + harness.tail(self.log_path, 10)


LOT = ("lot", "ot.example", ("cahors", "figeac"))
CAUSSES = ("causses", "causses.example", ("millau",))

# account: (persona, name, office, territory)
COUNSELLORS = {
    "marie": ("claire", "Claire", "cahors"),
    "lea": ("lea", "Léa", "figeac"),
    "jordi": ("nuria", "Núria", "millau"),
}


def office_xml(office):
    return (f'<office id="{office}" name="Office de tourisme de {office.title()}" '
            'timezone="Europe/Paris" languages="fr en" default-lang="fr" '
            'fallback-langs="en fr" answer-delay="24" offer-size="2" '
            'offer-timeout="45" alert-delay="120" max-wait="600" bot="adam">'
            '<hours days="mon-sun" open="00:00" close="24:00"/></office>')


def counsellor_xml(account):
    persona, name, office = COUNSELLORS[account]
    return (f'<counsellor jid="{account}@{STAFF_DOMAIN}" persona="{persona}" '
            f'name="{name}" title="Conseiller" languages="fr en" lang="fr" '
            f'max-chats="3" offices="{office}"/>')


class Region:
    """epmd, two clustered nodes, two territories with their accueild."""

    def __init__(self, server_cls, tmpdir):
        if server_cls is not harness.EjabberdServer:
            raise Skip(f"{server_cls.name} has no clustering; the region test "
                       "runs on ejabberd")
        if shutil.which("epmd") is None:
            raise Skip("no epmd on this machine (erlang-base)")
        self.tmpdir = tmpdir
        self.lot = Territory(*LOT)
        self.causses = Territory(*CAUSSES)
        territories = [self.lot, self.causses]
        cookie = secrets.token_hex(16)
        (epmd_port,) = free_ports(1)
        self.node1 = ClusterNode(tmpdir, 1, cookie, epmd_port, territories)
        self.node2 = ClusterNode(tmpdir, 2, cookie, epmd_port, territories,
                                 taken=self.node1.all_ports())
        self.epmd = Epmd(tmpdir, epmd_port).start()
        self.epmd.probe(cookie)
        harness.install_cleanup_hooks()
        began = time.monotonic()
        self.node1.start()
        self.node2.start()
        self.start_seconds = time.monotonic() - began
        self.join_seconds = self.join()
        for account in list(COUNSELLORS) + ["admin"]:
            self.node1.create_user(account, "pw")
        self.daemons = {}

    def join(self):
        """node 2 joins node 1's cluster; returns the seconds it took until
        both nodes list each other and node 2 serves again."""
        began = time.monotonic()
        joined = self.node2.ctl("join_cluster", self.node1.node, timeout=120)
        if joined.returncode != 0:
            why = (joined.stdout + joined.stderr).strip()
            if re.search(r"pang|ping|connect|nodedown", why, re.I):
                raise Skip(f"the ejabberd nodes cannot reach each other here: "
                           f"{why} (epmd names: {self.epmd.names().strip()})")
            raise HarnessError(f"join_cluster failed ({joined.returncode}): {why}")
        both = {self.node1.node, self.node2.node}
        wait_until(lambda: self.cluster_nodes(self.node1) == both
                   and self.cluster_nodes(self.node2) == both, 60,
                   "both nodes in list_cluster", interval=0.5)
        self.node2._wait_listening(60, alive=lambda: True)
        wait_until(lambda: self.node2.ctl("status", timeout=30).returncode == 0,
                   60, "node 2 status after the join", interval=0.5)
        return time.monotonic() - began

    @staticmethod
    def cluster_nodes(node):
        """The running nodes of the cluster as `node` sees them (empty if
        it does not answer)."""
        out = node.ctl("list_cluster", timeout=30)
        return set(out.stdout.split()) if out.returncode == 0 else set()

    def start_daemon(self, territory, node, accounts):
        offices = "\n".join(office_xml(o) for o in territory.offices)
        daemon = Accueild(node.for_territory(territory), self.tmpdir,
                          name=f"accueild-{territory.key}",
                          office_xml=offices,
                          extra_xml=[LIMITS] + [counsellor_xml(a) for a in accounts])
        # counsellors gone with a node are found by a presence probe
        # every 30 s; every 3 s here
        daemon.start(env={"ACCUEIL_TEST_STAFF_CHECK": STAFF_CHECK})
        daemon.wait_log(r"accueild ready", from_start=True, timeout=20)
        self.daemons[territory.key] = daemon
        return daemon

    def counsellor(self, account, territory, node, wait=True):
        """Log a counsellor in on `node`; with wait, wait until the
        territory's daemon sees them available."""
        daemon = self.daemons[territory.key]
        daemon.mark_log()
        client = Client(node.for_territory(territory), account, "pw")
        if wait:
            daemon.wait_log(rf"staff: {account}@{STAFF_DOMAIN} is now available",
                            timeout=20)
        return client


def body(stanza):
    return stanza["body"] or ""


def is_from_v(stanza):
    return stanza.name == "message" and str(stanza["from"]).startswith("v-")


class Visitor:
    """An anonymous visitor of one territory, logged in on one node."""

    def __init__(self, region, territory, node, nick):
        self.territory = territory
        self.node = node
        self.client = Client(node.for_territory(territory), anonymous=True)
        self.nick = nick
        self.room = self.password = None

    def ask(self, office, text):
        since = self.client.mark()
        self.client.send_message(f"{office}@{self.territory.component_domain}",
                                 text, lang="fr")
        inv = self.client.wait_for(
            lambda s: s.name == "message" and s.xml.find(f"{{{NS_CONF}}}x") is not None,
            timeout=20, since=since)
        x = inv.xml.find(f"{{{NS_CONF}}}x")
        self.room, self.password = x.get("jid"), x.get("password")
        self.join()

    def join(self):
        since = self.client.mark()
        self.client.send_presence(
            to=f"{self.room}/{self.nick}",
            extra_xml=f'<x xmlns="{NS_MUC}"><password>{self.password}</password>'
                      '<history maxstanzas="0"/></x>')
        return self.client.wait_for(
            lambda s: s.name == "presence" and str(s["from"]).startswith(self.room + "/")
            and (str(s["from"]) == f"{self.room}/{self.nick}" or s["type"] == "error"),
            timeout=15, since=since)

    def say(self, text):
        return self.client.send_message(self.room, text, type="groupchat")

    def wait_room(self, predicate, timeout=15, since=0):
        return self.client.wait_for(
            lambda s: s.name == "message" and str(s["from"]).startswith(self.room + "/")
            and predicate(s), timeout=timeout, since=since)


def open_conversation(visitor, office, counsellor, question, answer):
    """The visitor asks, the counsellor takes the offer and answers; returns
    the v- JID the counsellor writes to."""
    visitor.ask(office, question)
    offer = counsellor.wait_for(lambda s: is_from_v(s) and question[:20] in body(s),
                                timeout=20)
    v = str(offer["from"].bare)
    counsellor.send_message(v, answer)
    visitor.wait_room(lambda s: answer in body(s), timeout=20)
    return v


def exchange_once(visitor, counsellor, v, tag, i):
    """Line i each way; returns the one-way delays (seconds) visitor →
    counsellor and counsellor → visitor."""
    text = f"{tag} visiteur {i}"
    since = counsellor.mark()
    sent = time.monotonic()
    visitor.say(text)
    counsellor.wait_for(lambda s: is_from_v(s) and body(s) == text,
                        timeout=15, since=since)
    up = time.monotonic() - sent
    text = f"{tag} conseil {i}"
    since = visitor.client.mark()
    sent = time.monotonic()
    counsellor.send_message(v, text)
    visitor.wait_room(lambda s: body(s) == text, timeout=15, since=since)
    return up, time.monotonic() - sent


def exchange(visitor, counsellor, v, tag, count):
    """`count` lines each way, one at a time."""
    for i in range(count):
        exchange_once(visitor, counsellor, v, tag, i)


def measure(conversations, count=LATENCY_LINES):
    """Lines each way in every conversation, taking turns (so that the
    machine's load falls on all of them alike); returns {tag: (delays
    visitor → counsellor, delays counsellor → visitor)}."""
    delays = {tag: ([], []) for _, _, _, tag in conversations}
    for i in range(count):
        for visitor, counsellor, v, tag in conversations:
            up, down = exchange_once(visitor, counsellor, v, tag, i)
            delays[tag][0].append(up)
            delays[tag][1].append(down)
    return delays


def ms(values):
    """'p50 X ms, p90 Y ms, max Z ms' of a list of seconds."""
    p90 = statistics.quantiles(values, n=10)[-1]
    return (f"p50 {statistics.median(values) * 1000:.1f} ms, "
            f"p90 {p90 * 1000:.1f} ms, max {max(values) * 1000:.1f} ms")


def chat_delays(sender, receiver, tag, count=LATENCY_LINES):
    """One-way delays of plain chat messages between two staff clients (no
    accueild in the path)."""
    delays = []
    for i in range(count):
        text = f"{tag} {i}"
        since = receiver.mark()
        sent = time.monotonic()
        sender.send_message(receiver.jid, text)
        receiver.wait_for(lambda s: s.name == "message" and body(s) == text,
                          timeout=15, since=since)
        delays.append(time.monotonic() - sent)
    return delays


def received(client, text):
    """How many messages with exactly this body the client got."""
    return sum(1 for s in client.stanzas if s.name == "message" and body(s) == text)


# --------------------------------------------------------------------------
# Tests


def three_conversations(region):
    """Both daemons, the three counsellors and three open conversations:
    lot's visitor on node 1 with marie on node 2 (cross), lot's visitor on
    node 1 with lea on node 1 (same node), causses' visitor on node 2 with
    jordi on node 1 (the reverse). Returns (lot's daemon, causses'
    daemon, counsellors, visitors, conversation JIDs)."""
    n1, n2, lot, causses = region.node1, region.node2, region.lot, region.causses
    lot_d = region.start_daemon(lot, n1, ["marie", "lea"])
    causses_d = region.start_daemon(causses, n2, ["jordi"])
    marie = region.counsellor("marie", lot, n2)    # lot's component on node 1
    lea = region.counsellor("lea", lot, n1)
    jordi = region.counsellor("jordi", causses, n1)  # causses' on node 2
    v1 = Visitor(region, lot, n1, "Paul")
    c1 = open_conversation(v1, "cahors", marie,
                           "Bonjour, le marché de Cahors est-il le samedi ?",
                           "Oui, le samedi matin, place de la cathédrale.")
    v2 = Visitor(region, lot, n1, "Anne")
    c2 = open_conversation(v2, "figeac", lea,
                           "Bonjour, le musée Champollion ouvre à quelle heure ?",
                           "À 10 h 30, tous les jours sauf le lundi.")
    v3 = Visitor(region, causses, n2, "Inès")
    c3 = open_conversation(v3, "millau", jordi,
                           "Bonjour, peut-on visiter le viaduc de Millau ?",
                           "Oui, l'aire du viaduc est ouverte tous les jours.")
    return lot_d, causses_d, (marie, lea, jordi), (v1, v2, v3), (c1, c2, c3)


def test_cross_node_conversations(server_cls, tmpdir):
    region = Region(server_cls, tmpdir)
    n1, n2, lot, causses = region.node1, region.node2, region.lot, region.causses
    comment(f"two nodes started in {region.start_seconds:.1f} s, "
            f"join_cluster until both list each other: {region.join_seconds:.1f} s")
    _, _, (marie, lea, jordi), (v1, v2, v3), (c1, c2, c3) = three_conversations(
        region)
    figures = measure([(v2, lea, c2, "même"), (v1, marie, c1, "croisé"),
                       (v3, jordi, c3, "inverse")])
    for tag, what in (("même", "lot, all on node 1"),
                      ("croisé", "lot, counsellor on node 2"),
                      ("inverse", "causses, counsellor on node 1")):
        up, down = figures[tag]
        comment(f"relay {what}: visitor→counsellor {ms(up)}; "
                f"counsellor→visitor {ms(down)} ({LATENCY_LINES} lines each)")
    same = chat_delays(lea, jordi, "n1→n1")
    cross = chat_delays(lea, marie, "n1→n2")
    comment(f"plain chat, no accueild: same node {ms(same)}; cross node {ms(cross)}")
    for (up, down) in figures.values():
        assert statistics.median(up + down) < 0.5, "relay p50 over 500 ms"
        assert max(up + down) < 5, "a relayed line took more than 5 s"
    # every line arrived once
    for tag, counsellor, visitor in (("même", lea, v2), ("croisé", marie, v1),
                                     ("inverse", jordi, v3)):
        for i in range(LATENCY_LINES):
            assert received(counsellor, f"{tag} visiteur {i}") == 1, (tag, i)
            assert received(visitor.client, f"{tag} conseil {i}") == 1, (tag, i)


def error_condition(stanza):
    """The defined condition of an error stanza, or None."""
    error = stanza.xml.find("{jabber:client}error")
    if error is None:
        return None
    for child in error:
        if child.tag.startswith("{urn:ietf:params:xml:ns:xmpp-stanzas}") \
                and not child.tag.endswith("}text"):
            return child.tag.split("}")[1]
    return "undefined-condition"


def visitor_rows(daemon, v):
    """(body, relayed) of the visitor lines stored for the session of the
    v- JID `v`, in order."""
    conn = sqlite3.connect(str(daemon.dir / "accueil.db"), timeout=5)
    try:
        return conn.execute("SELECT body, relayed FROM messages WHERE session = ? "
                            "AND role = 'visitor' ORDER BY id",
                            (v.split("@")[0],)).fetchall()
    finally:
        conn.close()


def test_node_stops_and_returns(server_cls, tmpdir):
    """Node 2 crashes (SIGKILL of its Erlang VM: no goodbye to anyone)."""
    node_outage(server_cls, tmpdir, crash=True)


def test_node_stopped_cleanly_and_returns(server_cls, tmpdir):
    """Node 2 is stopped the way ejabberdctl stop does it (init:stop: its
    modules and sessions end in order)."""
    node_outage(server_cls, tmpdir, crash=False)


def node_outage(server_cls, tmpdir, crash):
    region = Region(server_cls, tmpdir)
    n1, n2, lot, causses = region.node1, region.node2, region.lot, region.causses
    lot_d, causses_d, (marie, lea, jordi), (v1, v2, v3), (c1, c2, c3) = \
        three_conversations(region)
    for visitor, counsellor, v, tag in ((v1, marie, c1, "avant1"),
                                        (v2, lea, c2, "avant2"),
                                        (v3, jordi, c3, "avant3")):
        exchange(visitor, counsellor, v, tag, count=3)

    # node 2 goes away
    causses_d.mark_log()
    began = time.monotonic()
    if crash:
        harness.kill_all(n2._beam_pids())
        wait_until(lambda: not n2._beam_pids(), 10, "node 2's VM to die")
        how = "killed"
    else:
        n2.stop()
        how = f"stopped (in {time.monotonic() - began:.1f} s)"
    causses_d.wait_log(r"link: (disconnected|closed|cannot connect)", timeout=20)
    link_lost = time.monotonic() - began
    wait_until(lambda: region.cluster_nodes(n1) == {n1.node}, 30,
               "node 1 to see node 2 gone", interval=0.5)
    nodedown = time.monotonic() - began
    wait_until(lambda: not marie.connected() and not v3.client.connected(), 15,
               "node 2's clients to be disconnected")
    comment(f"node 2 {how}: causses' accueild saw its link go after "
            f"{link_lost:.2f} s, node 1 listed node 2 out after {nodedown:.1f} s")

    # lot keeps working: its same-node conversation, a new visitor
    exchange(v2, lea, c2, "pendant2", count=3)
    v4 = Visitor(region, lot, n1, "Hugo")
    open_conversation(v4, "figeac", lea,
                      "Bonjour, où garer un camping-car à Figeac ?",
                      "Sur l'aire du quai Bessières.")
    # marie's visitor writes while marie is away; she logs in on node 1.
    # A node that dies sends no "unavailable" for its users: accueild finds
    # her gone when the server no longer answers its presence probe for
    # her resource (two check intervals at most)
    wait_until(lambda: re.search(rf"staff: marie@{STAFF_DOMAIN} is now "
                                 r"unavailable", lot_d.log_text()),
               4 * int(STAFF_CHECK) + 10, "lot's accueild to see marie gone")
    comment(f"lot's accueild saw marie leave with node 2 after "
            f"{time.monotonic() - began:.1f} s (probe every {STAFF_CHECK} s)")
    # so a new visitor of her office is not offered to her
    lot_d.mark_log()
    start = len(lot_d.log_text())
    v5 = Visitor(region, lot, n1, "Zoé")
    v5.ask("cahors", "Bonjour, le pont Valentré se visite-t-il ?")
    lot_d.wait_log(r"session v-[0-9a-f]+: started at ", timeout=20)
    pause(5)    # its room, routing passes and ticks
    assert not re.search(rf"offered to marie@{STAFF_DOMAIN}",
                         lot_d.log_text()[start:]), \
        "a new visitor was offered to a counsellor gone with her node"
    v1.say("pendant1 question")
    pause(0.5)
    began = time.monotonic()
    marie2 = Client(n1.for_territory(lot), "marie", "pw")
    marie2.wait_for(lambda s: is_from_v(s) and body(s) == "pendant1 question",
                    timeout=20)
    comment(f"the line written while marie was away reached her on node 1 "
            f"{time.monotonic() - began:.2f} s after her login there")
    since = v1.client.mark()
    marie2.send_message(c1, "pendant1 réponse")
    v1.wait_room(lambda s: body(s) == "pendant1 réponse", since=since)

    # causses while its node is down: the counsellor's line is refused
    # (there is no route to its component), not dropped in silence
    since = jordi.mark()
    jordi.send_message(c3, "pendant3 conseil")
    err = jordi.wait_for(lambda s: s.name == "message" and s["type"] == "error",
                         timeout=15, since=since)
    assert body(err) == "pendant3 conseil", err
    comment(f"a counsellor's line to the stopped territory: error "
            f"{error_condition(err)}")
    # a new visitor's first message to the territory's desk: refused too
    newcomer = Client(n1.for_territory(causses), anonymous=True)
    since = newcomer.mark()
    newcomer.send_message(f"millau@{causses.component_domain}",
                          "Bonjour, le viaduc est-il ouvert ?", lang="fr")
    err = newcomer.wait_for(lambda s: s.name == "message" and s["type"] == "error",
                            timeout=15, since=since)
    comment(f"a new visitor's first message to the stopped territory: error "
            f"{error_condition(err)}")
    # the visitor's page logs in again, on node 1: the room is persistent,
    # node 1 restores it from the cluster's tables; the visitor writes
    v3b = Visitor(region, causses, n1, "Inès")
    v3b.room, v3b.password = v3.room, v3.password
    joined = v3b.join()
    assert joined["type"] != "error", f"room not restored on node 1: {joined}"
    outage_lines = [f"pendant3 question {i}" for i in range(3)]
    for text in outage_lines:
        v3b.say(text)
    v3b.wait_room(lambda s: body(s) == outage_lines[-1], timeout=15)

    # node 2 returns: causses' accueild reconnects by itself and catches up
    causses_d.mark_log()
    began = time.monotonic()
    n2.start()
    node_up = time.monotonic() - began
    causses_d.wait_log(causses_d.connected_line, timeout=30)
    relinked = time.monotonic() - began
    for text in outage_lines:
        jordi.wait_for(lambda s: is_from_v(s) and body(s) == text, timeout=30)
    caught_up = time.monotonic() - began
    comment(f"node 2 restarted: serving after {node_up:.1f} s, causses' "
            f"accueild connected after {relinked:.1f} s, the counsellor had "
            f"the {len(outage_lines)} lines written meanwhile after {caught_up:.1f} s")
    wait_until(lambda: region.cluster_nodes(n1) == {n1.node, n2.node}, 30,
               "node 2 back in the cluster", interval=0.5)
    v3b.say("après3 question")
    jordi.wait_for(lambda s: is_from_v(s) and body(s) == "après3 question", timeout=20)
    since = v3b.client.mark()
    jordi.send_message(c3, "après3 réponse")
    v3b.wait_room(lambda s: body(s) == "après3 réponse", since=since)
    pause(1)

    # every line once, nothing said before delivered again
    for i in range(3):
        assert received(jordi, f"avant3 visiteur {i}") == 1, i
        assert marie2.never_received(f"avant1 visiteur {i}"), i
        assert received(lea, f"pendant2 visiteur {i}") == 1, i
        assert received(v2.client, f"pendant2 conseil {i}") == 1, i
    for text in outage_lines + ["après3 question"]:
        assert received(jordi, text) == 1, (text, received(jordi, text))
    assert received(marie2, "pendant1 question") == 1
    assert received(v3b.client, "après3 réponse") == 1
    assert v3b.client.never_received("pendant3 conseil"), "a refused line came later"
    rows = visitor_rows(causses_d, c3)
    bodies = [b for b, _ in rows]
    for text in outage_lines + ["après3 question"]:
        assert bodies.count(text) == 1, (text, bodies)
    assert all(relayed for _, relayed in rows), rows


if __name__ == "__main__":
    run([test_cross_node_conversations, test_node_stops_and_returns,
         test_node_stopped_cleanly_and_returns])
