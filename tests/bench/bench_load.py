#!/usr/bin/python3
"""CPU and memory of accueild next to the XMPP server's, under a realistic
load, on Prosody and on ejabberd.

Four counsellors (marie fr/en, jordi ca/es/fr, tom en/es, lea fr; 3 chats
each at most) and N anonymous visitors arriving at RATE per second, in fr,
en, fr, es in turn (pre-chat form with lang and name). Each conversation:
the visitor asks, a counsellor takes it (answers the offer), EXCHANGES
messages each way with THINK seconds of "typing" before each answer,
/fin, the visitor answers the survey "5 merci", the session closes.

Visitors log in before the measurement starts (their logins are not in
the figures). Measured from the first question to the last rating:
CPU (user+sys) and RSS (current and peak, VmHWM reset at the start) of
accueild, of the server (Prosody's lua5.4 process; ejabberd's beam.smp)
and of this Python process (all the clients); per-conversation CPU; and
times seen by the clients (ask -> invitation, ask -> first counsellor
message, relay latencies with timestamps in the bodies).

    tests/bench/bench_load.py [--quick]
"""

import os
import re
from pathlib import Path

import benchlib
from benchlib import now_ns, ms, pause, later
from sessionlib import Desk, D, DESK

QUICK = benchlib.quick()
SIZES = benchlib.sizes("ACCUEIL_BENCH_VISITORS", [10, 20] if QUICK else [20, 50, 100])
RATE = 4.0          # visitors arriving per second
THINK = 0.2         # seconds before each answer (both sides)
EXCHANGES = 3       # messages each way before /fin
MAX_CHATS = 3
ACCOUNTS = ("marie", "jordi", "tom", "lea")
LANGS = ["fr", "en", "fr", "es"]
QUESTION = {
    "fr": "Bonjour, quelles randonnées faciles autour de Cahors ?",
    "en": "Hello, which easy walks are there around Cahors?",
    "es": "Hola, ¿qué rutas fáciles hay cerca de Cahors?",
}
RE_Q = re.compile(r"Q(\d{4})\b")
RE_V = re.compile(r"^V(\d+)-(\d+) (\d+)$")
RE_C = re.compile(r"^C(\d+)-(\d+) (\d+)$")
NS_SURVEY = "urn:accueil:survey:0"


class Load:
    def __init__(self, desk, visitors):
        self.desk = desk
        self.visitors = visitors
        n = len(visitors)
        self.t_ask, self.t_inv, self.t_first = [None] * n, [None] * n, [None] * n
        self.t_done = [None] * n
        self.rooms = [None] * n
        self.lat_v2c, self.lat_c2v = [], []
        self.v_of = {}          # v- bare JID -> visitor index
        self.offers = 0
        self.lost_races = 0
        for i, c in enumerate(visitors):
            c.xmpp.add_filter("in", lambda st, i=i: self.visitor_in(i, st))
        for account, c in desk.staff.items():
            c.xmpp.add_filter("in", lambda st, c=c: self.counsellor_in(c, st))

    # -- visitors ----------------------------------------------------------

    def ask(self, i):
        lang = LANGS[i % len(LANGS)]
        c = self.visitors[i]
        msg = c.xmpp.make_message(mto=DESK, mbody=f"Q{i:04d} {QUESTION[lang]}",
                                  mtype="chat")
        msg.append(benchlib.harness.ET.fromstring(benchlib.prechat_form(lang, f"V{i}")))
        self.t_ask[i] = now_ns()
        msg.send()

    def visitor_in(self, i, st):
        if st.name != "message" or st["type"] == "error":
            return st
        c = self.visitors[i]
        inv = benchlib.invitation_of(st)
        if inv and self.rooms[i] is None:
            self.t_inv[i] = now_ns()
            self.rooms[i] = inv
            benchlib.join_stanza(c, inv[0], f"V{i}", inv[1])
            return st
        if st["type"] != "groupchat" or self.rooms[i] is None:
            return st
        room = self.rooms[i][0]
        frm = str(st["from"])
        if not frm.startswith(room + "/") or frm == f"{room}/V{i}":
            return st
        if st.xml.find("{urn:xmpp:delay}delay") is not None:
            return st
        if frm == f"{room}/Adam":
            if benchlib.form_type(st) == NS_SURVEY:
                later(THINK, lambda: c.xmpp.send_message(
                    mto=room, mbody="5 merci", mtype="groupchat"))
            return st
        m = RE_C.match(st["body"] or "")
        if m and int(m.group(1)) == i:
            self.lat_c2v.append(ms(now_ns() - int(m.group(3))))
            if self.t_first[i] is None:
                self.t_first[i] = now_ns()
            k = int(m.group(2))
            later(THINK, lambda: c.xmpp.send_message(
                mto=room, mbody=f"V{i}-{k} {now_ns()}", mtype="groupchat"))
        return st

    # -- counsellors -------------------------------------------------------

    def counsellor_in(self, c, st):
        if st.name != "message" or st["type"] == "error":
            return st
        frm = str(st["from"].bare)
        if not frm.startswith("v-") or not frm.endswith("@" + D):
            return st
        body = st["body"] or ""
        m = RE_V.match(body)
        if m:
            self.lat_v2c.append(ms(now_ns() - int(m.group(3))))
            i, k = int(m.group(1)), int(m.group(2))
            text = "/fin" if k >= EXCHANGES else None
            later(THINK, lambda: c.xmpp.send_message(
                mto=frm, mbody=text or f"C{i}-{k + 1} {now_ns()}", mtype="chat"))
            return st
        if "5/5" in body and frm in self.v_of:
            i = self.v_of[frm]
            if self.t_done[i] is None:
                self.t_done[i] = now_ns()
            return st
        q = RE_Q.search(body)
        if q and "\n" in body:      # an offer: the question on its own line
            i = int(q.group(1))
            self.v_of[frm] = i
            self.offers += 1
            later(THINK, lambda: c.xmpp.send_message(
                mto=frm, mbody=f"C{i}-1 {now_ns()}", mtype="chat"))
            return st
        if "prise par" in body or "suivie par" in body:
            self.lost_races += 1
        return st

    def done(self):
        return sum(t is not None for t in self.t_done)


def run_size(server_cls, tmpdir, n):
    desk = Desk(server_cls, tmpdir, accounts=ACCOUNTS,
                max_chats={a: MAX_CHATS for a in ACCOUNTS})
    visitors = benchlib.connect_visitors(desk.server, n)
    load = Load(desk, visitors)
    pause(1)
    meter = benchlib.Meter(desk.server, desk.daemon)
    before = {"accueild": benchlib.rss_kb([desk.daemon.proc.pid]),
              "server": benchlib.rss_kb(benchlib.server_pids(desk.server))}
    meter.start()
    t0 = now_ns()
    for i in range(n):
        later(i / RATE, load.ask, i)
    try:
        benchlib.wait_until(lambda: load.done() >= n, n / RATE + 120,
                            f"{n} conversations", interval=0.1)
    except TimeoutError:
        pass
    meter.stop()
    wall = (now_ns() - t0) / 1e9
    closed = desk.rows("SELECT count(*) AS n FROM sessions WHERE state = 'closed' "
                       "AND rating = 5")[0]["n"]
    stored = desk.rows("SELECT count(*) AS n FROM messages")[0]["n"]
    inv = [ms(a - b) for a, b in zip(load.t_inv, load.t_ask) if a and b]
    first = [ms(a - b) for a, b in zip(load.t_first, load.t_ask) if a and b]
    row = {
        "n": n, "done": load.done(), "closed": closed, "wall": wall,
        "msgs": len(load.lat_v2c) + len(load.lat_c2v), "stored": stored,
        "cpu_d": meter.cpu["accueild"], "cpu_s": meter.cpu["server"],
        "cpu_b": meter.cpu["bench"],
        "rss0_d": before["accueild"] / 1024, "rss_d": meter.rss["accueild"] / 1024,
        "peak_d": meter.peak["accueild"] / 1024,
        "rss0_s": before["server"] / 1024, "rss_s": meter.rss["server"] / 1024,
        "peak_s": meter.peak["server"] / 1024,
        "inv": benchlib.summary(inv), "first": benchlib.summary(first),
        "v2c": benchlib.summary(load.lat_v2c), "c2v": benchlib.summary(load.lat_c2v),
        "races": load.lost_races, "offers": load.offers,
        "server_procs": benchlib.server_process_label(desk.server),
        "drops": benchlib.link_drops(desk.daemon),
    }
    row["ms_conv_d"] = 1000 * row["cpu_d"] / max(1, row["done"])
    row["ms_conv_s"] = 1000 * row["cpu_s"] / max(1, row["done"])
    row["share_d"] = 100 * row["cpu_d"] / max(1e-9, row["cpu_d"] + row["cpu_s"])
    benchlib.stop_all()
    return row


def bench(server_cls, tmpdir):
    rows = []
    os.chmod(tmpdir, 0o711)     # ejabberd runs as its own user, in a subdirectory
    for n in SIZES:
        sub = Path(tmpdir) / f"n{n}"
        sub.mkdir()
        rows.append(run_size(server_cls, str(sub), n))
    return rows


def render(results):
    text, figures = "", {}
    for srv, rows in results.items():
        procs = rows[0]["server_procs"] if rows else "?"
        text += benchlib.table(
            f"Load on {srv}: CPU and memory, accueild vs server ({procs})",
            [("visitors", "n"), ("done", "done"), ("wall s", "wall", 1),
             ("msgs", "msgs"), ("accueild CPU s", "cpu_d", 2),
             ("server CPU s", "cpu_s", 2), ("accueild share %", "share_d", 0),
             ("accueild ms/conv", "ms_conv_d", 1), ("server ms/conv", "ms_conv_s", 1),
             ("clients CPU s", "cpu_b", 1), ("link drops", "drops")],
            rows) + "\n"
        text += benchlib.table(
            f"Load on {srv}: resident memory (MiB) before / at the end / peak during the load",
            [("visitors", "n"), ("accueild before", "rss0_d", 1),
             ("accueild end", "rss_d", 1), ("accueild peak", "peak_d", 1),
             ("server before", "rss0_s", 1), ("server end", "rss_s", 1),
             ("server peak", "peak_s", 1)], rows) + "\n"
        lat_rows = []
        for r in rows:
            for label, key in (("ask -> invitation", "inv"),
                               ("ask -> 1st counsellor msg", "first"),
                               ("relay visitor -> counsellor", "v2c"),
                               ("relay counsellor -> visitor", "c2v")):
                s = dict(r[key])
                s.update(visitors=r["n"], what=label)
                lat_rows.append(s)
        text += benchlib.table(
            f"Load on {srv}: times seen by the clients (ms)",
            [("visitors", "visitors"), ("what", "what"), ("n", "n"),
             ("p50", "p50", 1), ("p95", "p95", 1), ("max", "max", 1)], lat_rows,
            note=(f"{RATE:g} visitors/s, {len(ACCOUNTS)} counsellors x {MAX_CHATS} chats, "
                  f"{EXCHANGES} messages each way, {THINK:g} s think time per answer;\n"
                  "'ask -> 1st counsellor msg' includes queueing when all counsellors "
                  "are busy, the offer and the think time.")) + "\n"
        for r in rows:
            k = f"{srv}.n{r['n']}"
            figures[f"{k}.done"] = r["done"]
            figures[f"{k}.cpu_accueild_s"] = r["cpu_d"]
            figures[f"{k}.cpu_server_s"] = r["cpu_s"]
            figures[f"{k}.peak_accueild_mib"] = r["peak_d"]
            figures[f"{k}.peak_server_mib"] = r["peak_s"]
            figures[f"{k}.v2c_p50_ms"] = r["v2c"]["p50"]
            figures[f"{k}.c2v_p50_ms"] = r["c2v"]["p50"]
    return text, figures


if __name__ == "__main__":
    benchlib.main("load", bench, render, seconds=600)
