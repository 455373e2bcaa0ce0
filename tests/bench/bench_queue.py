#!/usr/bin/python3
"""Routing cost as the queue grows, on Prosody and on ejabberd.

Two counsellors (marie, lea; French; max-chats 1) each hold one active
conversation, so they are at capacity and every new visitor waits. The
queue is then built up to each size in QUEUES (all the new visitors write
to the desk at once, then join the room they are invited to), and for
each size:

  (a) accueild's CPU over a fixed window with nothing happening but its
      timers (routing_tick every 2 s over all waiting sessions, and the
      5 s session/office ticks), reported per 2 s tick; the server's CPU
      in the same window;
  (b) the time from a visitor's first message to the invitation: for the
      burst that built the queue, and for PROBES visitors arriving one at a
      time on top of it (also to the first queue-position notice);
  (c) the time from a counsellor freeing up (/fin) to the next offer they
      get, SAMPLES times (each take moves the whole queue up, so accueild's
      CPU per dequeue and the room notices it posts are reported too).

    tests/bench/bench_queue.py [--quick]
"""

import random
import re

import benchlib
from benchlib import now_ns, ms, pause
from sessionlib import Desk, Visitor, offer_to, body, is_from_v, DESK

QUICK = benchlib.quick()
# 500 (tests/bench/run --full) takes minutes to build: accueild runs a whole
# routing tick, quadratic in the queue, for every new visitor
QUEUES = benchlib.sizes("ACCUEIL_BENCH_QUEUES", [10, 50] if QUICK else [10, 100, 250])
WINDOW = 8 if QUICK else 10         # seconds of CPU measurement per size
PROBES = 3 if QUICK else 5
SAMPLES = 3 if QUICK else 5
NS_QUEUE = "{urn:accueil:queue:0}queue"
# MSG_QUEUE and MSG_QUEUE_NOW in French
QUEUE_TEXT = re.compile(r"^(Vous êtes n° \d+ dans la file|Un conseiller a été prévenu)")

OFFICE = ('<office id="cahors" name="Office de tourisme de Cahors" '
          'timezone="Europe/Paris" languages="fr en es ca" default-lang="fr" '
          'fallback-langs="en fr" answer-delay="24" offer-size="2" '
          'offer-timeout="45" alert-delay="3600" max-wait="7200" bot="adam">'
          '<hours days="mon-sun" open="00:00" close="24:00"/></office>')


class Crowd:
    """Waiting visitors: ask, get invited, join, get queue notices."""

    def __init__(self):
        self.clients = []
        self.t_ask, self.t_inv, self.t_pos = [], [], []
        self.rooms = []
        self.bare_notices = set()   # visitors who got a notice without <queue/>

    def add(self, clients):
        base = len(self.clients)
        for k, c in enumerate(clients):
            i = base + k
            self.clients.append(c)
            self.t_ask.append(None)
            self.t_inv.append(None)
            self.t_pos.append(None)
            self.rooms.append(None)
            c.xmpp.add_filter("in", lambda st, i=i: self._in(i, st))
        return list(range(base, base + len(clients)))

    def ask(self, i):
        c = self.clients[i]
        msg = c.xmpp.make_message(
            mto=DESK, mtype="chat",
            mbody=f"Bonjour, je voudrais un plan de la ville (W{i:04d}), merci.")
        msg.append(benchlib.harness.ET.fromstring(benchlib.prechat_form("fr", f"W{i}")))
        self.t_ask[i] = now_ns()
        msg.send()

    def _in(self, i, st):
        if st.name != "message":
            return st
        inv = benchlib.invitation_of(st)
        if inv and self.rooms[i] is None:
            self.t_inv[i] = now_ns()
            self.rooms[i] = inv
            benchlib.join_stanza(self.clients[i], inv[0], f"W{i}", inv[1], history=20)
        elif st["type"] == "groupchat" and QUEUE_TEXT.match(st["body"] or ""):
            if st.xml.find(NS_QUEUE) is None:
                self.bare_notices.add(i)
            if self.t_pos[i] is None:
                self.t_pos[i] = now_ns()
        return st

    def invited(self, idx):
        return sum(self.t_inv[i] is not None for i in idx)


def waiting(desk):
    return desk.rows("SELECT count(*) AS n FROM sessions WHERE state = 'waiting'")[0]["n"]


def bot_messages(desk):
    return desk.rows("SELECT count(*) AS n FROM messages WHERE role = 'bot'")[0]["n"]


def cpu_window(desk, seconds):
    m = benchlib.Meter(desk.server, desk.daemon).start()
    pause(seconds)
    m.stop()
    return m


def take_next(desk, account, v_current, timeout=30):
    """account ends its conversation; returns (ms to the next offer, the
    new v- JID once taken)."""
    c = desk.staff[account]
    since = c.mark()
    t0 = now_ns()
    c.xmpp.send_message(mto=v_current, mbody="/fin", mtype="chat")
    offer = c.wait_for(lambda s: is_from_v(s) and "Nouvelle demande" in body(s)
                       and str(s["from"].bare) != v_current, timeout=timeout, since=since)
    latency = ms(now_ns() - t0)
    v = str(offer["from"].bare)
    since = c.mark()
    c.xmpp.send_message(mto=v, mbody="Bonjour, je suis à vous.", mtype="chat")
    c.wait_for(lambda s: str(s["from"].bare) == v and "Vous avez pris" in body(s),
               timeout=timeout, since=since)
    return latency, v


def bench(server_cls, tmpdir):
    desk = Desk(server_cls, tmpdir, accounts=("marie", "lea"),
                max_chats={"marie": 1, "lea": 1}, office_xml=OFFICE)
    holding = {}
    for k, account in enumerate(("marie", "lea")):
        v = Visitor(desk, nick=f"Busy{k}")
        v.ask(f"Bonjour, une première question numéro B{k} sur les musées")
        vj = offer_to(desk.staff[account], f"B{k}")
        desk.staff[account].send_message(vj, "Je vous écoute.")
        v.wait_room(lambda s: "Je vous écoute" in body(s))
        holding[account] = vj
    pause(3)
    rows = []
    m = cpu_window(desk, WINDOW)
    rows.append({"q": 0, "ms_tick_d": 1000 * m.fine["accueild"] / (WINDOW / 2),
                 "ms_tick_s": 1000 * m.fine["server"] / (WINDOW / 2),
                 "rss_d": m.rss["accueild"] / 1024, "rss_s": m.rss["server"] / 1024})
    crowd = Crowd()
    turn = 0
    for target in QUEUES:
        row = {"q": target}
        # build the queue: everyone new writes at once
        new = target - waiting(desk)
        idx = crowd.add(benchlib.connect_visitors(desk.server, new)) if new > 0 else []
        build = benchlib.Meter(desk.server, desk.daemon).start()
        t0 = now_ns()
        for i in idx:
            crowd.ask(i)
        try:
            benchlib.wait_until(lambda: crowd.invited(idx) >= len(idx), 60 + new * 0.8,
                                f"{len(idx)} invitations", interval=0.05)
        except TimeoutError:
            pass
        row["invited"] = f"{crowd.invited(idx)}/{len(idx)}"
        build.stop()
        row["build_cpu_d"], row["build_cpu_s"] = build.fine["accueild"], build.fine["server"]
        row["bare"] = len(crowd.bare_notices)
        row["build_s"] = (max([crowd.t_inv[i] for i in idx if crowd.t_inv[i]] or [t0])
                          - t0) / 1e9
        row["burst"] = benchlib.summary([ms(crowd.t_inv[i] - crowd.t_ask[i])
                                         for i in idx if crowd.t_inv[i]])
        benchlib.wait_until(lambda: waiting(desk) >= target, 60, f"{target} waiting")
        pause(4)
        row["waiting"] = waiting(desk)
        # (a) the daemon's CPU with the queue standing
        m = cpu_window(desk, WINDOW)
        row["ms_tick_d"] = 1000 * m.fine["accueild"] / (WINDOW / 2)
        row["ms_tick_s"] = 1000 * m.fine["server"] / (WINDOW / 2)
        row["rss_d"] = m.rss["accueild"] / 1024
        row["rss_s"] = m.rss["server"] / 1024
        # (b) visitors arriving one at a time on top of the queue
        pidx = crowd.add(benchlib.connect_visitors(desk.server, PROBES))
        for i in pidx:
            crowd.ask(i)
            try:
                benchlib.wait_until(lambda: crowd.t_pos[i] is not None, 60,
                                    "the probe's queue position", interval=0.005)
            except TimeoutError:
                pass        # reported: fewer probes than PROBES in the table
            pause(random.uniform(0.2, 0.6))
        row["probe_inv"] = benchlib.summary([ms(crowd.t_inv[i] - crowd.t_ask[i])
                                             for i in pidx if crowd.t_inv[i]])
        row["probe_pos"] = benchlib.summary([ms(crowd.t_pos[i] - crowd.t_ask[i])
                                             for i in pidx if crowd.t_pos[i]])
        # (c) a counsellor frees up: how long to the next offer
        lat = []
        bots0 = bot_messages(desk)
        m = benchlib.Meter(desk.server, desk.daemon).start()
        cpu_idle = 0.0
        for _ in range(SAMPLES):
            account = ("marie", "lea")[turn % 2]
            turn += 1
            try:
                latency, holding[account] = take_next(desk, account, holding[account])
            except TimeoutError:
                row["free_timeouts"] = row.get("free_timeouts", 0) + 1
                break
            lat.append(latency)
            gap = random.uniform(0.3, 1.3)
            pause(gap)
            cpu_idle += gap
        m.stop()
        row["free_offer"] = benchlib.summary(lat)
        # the timers' share of the time spent waiting between samples
        row["ms_dequeue_d"] = 1000 * max(0.0, m.fine["accueild"] - cpu_idle / 2 *
                                         row["ms_tick_d"] / 1000) / max(1, len(lat))
        row["notices_dequeue"] = (bot_messages(desk) - bots0) / max(1, len(lat))
        row["drops"] = benchlib.link_drops(desk.daemon)
        rows.append(row)
    return rows


def render(results):
    text, figures = "", {}
    for srv, rows in results.items():
        text += benchlib.table(
            f"Queue on {srv}: accueild CPU per 2 s routing tick with the queue standing",
            [("queue", "q"), ("waiting", "waiting"), ("accueild ms/tick", "ms_tick_d", 2),
             ("server ms/2 s", "ms_tick_s", 2), ("accueild RSS MiB", "rss_d", 1),
             ("server RSS MiB", "rss_s", 1)], rows,
            note=(f"CPU over a {WINDOW} s window divided by {WINDOW // 2} ticks: it includes "
                  "the 5 s session and office ticks\n"
                  "(CPU time from /proc/<pid>/task/*/schedstat, ns resolution);\n"
                  "2 counsellors at capacity (max-chats 1), so nothing can be offered.")) + "\n"
        lat_rows = []
        for r in rows[1:]:
            for label, key in (("burst: ask -> invitation", "burst"),
                               ("probe: ask -> invitation", "probe_inv"),
                               ("probe: ask -> queue position", "probe_pos"),
                               ("counsellor free -> next offer", "free_offer")):
                s = dict(r[key])
                s.update(q=r["q"], what=label)
                lat_rows.append(s)
        text += benchlib.table(
            f"Queue on {srv}: times (ms)",
            [("queue", "q"), ("what", "what"), ("n", "n"), ("p50", "p50", 0),
             ("p95", "p95", 0), ("max", "max", 0)], lat_rows,
            note=("burst: the visitors who built the queue, all writing at once;\n"
                  "probe: one visitor at a time on top of the standing queue;\n"
                  "free -> offer: a counsellor sends /fin, the next waiting session is "
                  "offered at the next routing tick (every 2 s).")) + "\n"
        text += benchlib.table(
            f"Queue on {srv}: building the queue and dequeuing",
            [("queue", "q"), ("invited", "invited"), ("build s", "build_s", 1),
             ("build CPU accueild s", "build_cpu_d", 1), ("build CPU server s", "build_cpu_s", 1),
             ("accueild ms/dequeue", "ms_dequeue_d", 1),
             ("room notices/dequeue", "notices_dequeue", 0),
             ("visitors w/o <queue/>", "bare"), ("link drops", "drops")], rows[1:],
            note=("build: first question of the burst -> last invitation, and the CPU "
                  "accueild and the server used meanwhile;\n"
                  "a dequeue moves every waiting visitor up one place: each is told "
                  "(a stored bot message in each room);\n"
                  "visitors w/o <queue/>: visitors (cumulated) who got a queue notice whose "
                  "machine-readable\n<queue xmlns='urn:accueil:queue:0'/> was lost (notice "
                  "posted before the room was ready).")) + "\n"
        for r in rows:
            k = f"{srv}.q{r['q']}"
            figures[f"{k}.ms_per_tick_accueild"] = r["ms_tick_d"]
            if r["q"]:
                figures[f"{k}.free_to_offer_p50_ms"] = r["free_offer"]["p50"]
                figures[f"{k}.probe_invite_p50_ms"] = r["probe_inv"]["p50"]
                figures[f"{k}.burst_invite_p95_ms"] = r["burst"]["p95"]
                figures[f"{k}.ms_per_dequeue_accueild"] = r["ms_dequeue_d"]
    return text, figures


if __name__ == "__main__":
    benchlib.main("queue", bench, render, seconds=900)
