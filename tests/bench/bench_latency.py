#!/usr/bin/python3
"""Relay latency through accueild, on Prosody and on ejabberd.

One visitor in their room, one counsellor who took the session. Each
message body carries its send time (time.perf_counter_ns() of the one
Python process that runs both clients); the receiving client's input
filter takes the arrival time. Paths:

  visitor -> counsellor   groupchat -> MUC -> accueild (stores, relays) -> chat from v-<id>
  counsellor -> visitor   chat to v-<id> -> accueild (stores, relays) -> groupchat -> MUC
  baseline c2s            marie -> bob, one server hop, no component
  baseline MUC echo       visitor -> room -> visitor, no component

Modes: "seq" sends the next message once the previous one arrived (pure
latency); "burst" queues all messages at once (latency under a backlog,
and the throughput of the path).

The shipped config/prosody.cfg.lua sets network_settings = { nagle = false }.
With Prosody, the run is repeated with that line turned back to Prosody
0.12's default (nagle = true, the "before" figures): with Nagle's algorithm
on, a stanza Prosody sends to the component right after another one (the
MUC echo of the persona's own message, then the counsellor's next message)
waits for the component's delayed ACK, about 40 ms.

    tests/bench/bench_latency.py [--quick]
"""

import re
from pathlib import Path

import benchlib
import harness
from benchlib import now_ns, ms, pause
from sessionlib import Desk, Visitor, offer_to, body

N = 50 if benchlib.quick() else 200
STAMP = re.compile(r"^L(\d+)-(\w+) (\d+)$")


class Arrivals:
    """Arrival times of stamped bodies ("L<seq>-<tag> <sent ns>") at one
    client, recorded by an input filter as soon as the stanza is parsed."""

    def __init__(self, client, tag, source):
        self.tag, self.source = tag, source
        self.got = {}
        self.dups = 0
        client.xmpp.add_filter("in", self._in)

    def _in(self, stanza):
        if stanza.name == "message" and stanza["type"] != "error":
            m = STAMP.match(stanza["body"] or "")
            if m and m.group(2) == self.tag and self.source(stanza):
                seq = int(m.group(1))
                if seq in self.got:
                    self.dups += 1
                else:
                    self.got[seq] = (now_ns() - int(m.group(3)))
        return stanza


def measure(tag, send, arrivals, n, mode, timeout=60):
    """Send n stamped messages with send(text); return the figures."""
    t0 = now_ns()
    if mode == "seq":
        for i in range(n):
            send(f"L{i}-{tag} {now_ns()}")
            benchlib.wait_until(lambda: i in arrivals.got, timeout / 4,
                                f"{tag} message {i}", interval=0.0005)
    else:
        for i in range(n):
            send(f"L{i}-{tag} {now_ns()}")
        benchlib.wait_until(lambda: len(arrivals.got) >= n, timeout,
                            f"{n} {tag} messages", interval=0.01)
    elapsed = now_ns() - t0
    lat = [ms(arrivals.got[i]) for i in range(n) if i in arrivals.got]
    s = benchlib.summary(lat)
    s.update(mode=mode, rate=n / (elapsed / 1e9), lost=n - len(lat), dups=arrivals.dups)
    return s


def bench(server_cls, tmpdir):
    # the bursts send N lines at once from one visitor: past <limits>'
    # visitor-burst (20 by default) they would be held and merged
    limits = '<limits visitor-burst="10000" visitor-per-minute="60000"/>'
    desk = Desk(server_cls, tmpdir, accounts=("marie",), extra_xml=[limits])
    marie = desk.staff["marie"]
    visitor = Visitor(desk, nick="Lat")
    visitor.ask("Bonjour, une question pour mesurer les délais, merci.")
    v = offer_to(marie, "mesurer les délais")
    marie.send_message(v, "Bonjour, je vous écoute.")
    visitor.wait_room(lambda s: "je vous écoute" in body(s))
    pause(1)
    bob = harness_client(desk, "bob")
    room = visitor.room
    vx, mx = visitor.client.xmpp, marie.xmpp

    def from_v(s):
        return str(s["from"].bare) == v

    def from_persona(s):
        return str(s["from"]) == f"{room}/Claire"

    def from_self_in_room(s):
        return str(s["from"]) == f"{room}/Lat"

    def from_marie(s):
        return str(s["from"].bare) == "marie@ot.example"

    paths = [
        ("visitor -> counsellor", "vc",
         lambda t: vx.send_message(mto=room, mbody=t, mtype="groupchat"),
         Arrivals(marie, "vc", from_v)),
        ("counsellor -> visitor", "cv",
         lambda t: mx.send_message(mto=v, mbody=t, mtype="chat"),
         Arrivals(visitor.client, "cv", from_persona)),
        ("baseline c2s marie -> bob", "cc",
         lambda t: mx.send_message(mto="bob@ot.example", mbody=t, mtype="chat"),
         Arrivals(bob, "cc", from_marie)),
        ("baseline MUC echo", "me",
         lambda t: vx.send_message(mto=room, mbody=t, mtype="groupchat"),
         Arrivals(visitor.client, "me", from_self_in_room)),
    ]
    rows = []
    for mode in ("seq", "burst"):
        for label, tag, send, arr in paths:
            arr.got.clear()
            tagm = f"{tag}{mode[0]}"
            arr.tag = tagm
            r = measure(tagm, send, arr, N, mode)
            r["path"] = label
            rows.append(r)
            pause(0.5)
    stored = desk.rows("SELECT count(*) AS n FROM messages WHERE body LIKE 'L%'")[0]["n"]
    return {"rows": rows, "stored": stored}


class ProsodyNagleOn(harness.ProsodyServer):
    """Prosody with the shipped snippet's network_settings turned back to
    Prosody 0.12's default, nagle = true (the figures before the setting)."""

    label = "prosody, nagle on"
    SHIPPED = "network_settings = { nagle = false }"

    def __init__(self, tmpdir, snippet=None):
        src = Path(snippet) if snippet else harness.REPO / "config" / self.snippet_name
        text = src.read_text()
        if self.SHIPPED not in text:
            raise harness.HarnessError(f"{src} has no '{self.SHIPPED}' line")
        copy = Path(tmpdir) / "prosody-nagle-on.cfg.lua"
        copy.write_text(text.replace(self.SHIPPED, "network_settings = { nagle = true }"))
        super().__init__(tmpdir, snippet=copy)


def harness_client(desk, account):
    from harness import Client
    return Client(desk.server, account, "pw")


def render(results):
    text, figures = "", {}
    cols = [("path", "path"), ("mode", "mode"), ("n", "n"),
            ("p50 ms", "p50", 2), ("p95 ms", "p95", 2), ("max ms", "max", 2),
            ("mean ms", "mean", 2), ("msg/s", "rate", 0), ("lost", "lost"),
            ("dup", "dups")]
    for srv, res in results.items():
        text += benchlib.table(
            f"Relay latency on {srv} ({N} messages per row)", cols, res["rows"],
            note=("seq: one message at a time; burst: all queued at once, msg/s is "
                  "the path's throughput.\nThe accueild paths store every message in "
                  f"SQLite before relaying ({res['stored']} stored).")) + "\n"
        for r in res["rows"]:
            key = {"visitor -> counsellor": "v2c", "counsellor -> visitor": "c2v",
                   "baseline c2s marie -> bob": "c2s",
                   "baseline MUC echo": "muc"}[r["path"]]
            figures[f"{srv}.{key}.{r['mode']}.p50_ms"] = r["p50"]
            figures[f"{srv}.{key}.{r['mode']}.p95_ms"] = r["p95"]
            figures[f"{srv}.{key}.{r['mode']}.max_ms"] = r["max"]
            figures[f"{srv}.{key}.{r['mode']}.rate"] = r["rate"]
    return text, figures


if __name__ == "__main__":
    benchlib.main("latency", bench, render, seconds=300,
                  extra_servers=[ProsodyNagleOn])
