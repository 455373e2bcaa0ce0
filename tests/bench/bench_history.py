#!/usr/bin/python3
"""Routing cost as the history grows: an office that has served many
visitors (closed sessions and their offers kept in SQLite for the
retention period, 365 days in the example configuration). Without the
indexes of schema 5 the routing tick scanned the sessions and offers
tables once per waiting visitor.

For each history size in HISTORY: the daemon is started once (schema),
stopped, the database gets that many closed sessions (two offers each,
taken and revoked, over the last year), the daemon is started again; two
counsellors at capacity and QUEUE visitors waiting, then accueild's CPU per
2 s routing tick over a fixed window, and a visitor's first message ->
invitation, one at a time.

accueild's work here is SQLite's; the XMPP server hardly matters, so this
runs on Prosody only unless ACCUEIL_SERVERS says otherwise.

    tests/bench/bench_history.py [--quick]
"""

import os
import random
import sqlite3
import time

import benchlib
from benchlib import ms, pause
from sessionlib import Desk, Visitor, offer_to, body

QUICK = benchlib.quick()
HISTORY = benchlib.sizes("ACCUEIL_BENCH_HISTORY", [0, 10000] if QUICK else [0, 10000, 50000])
QUEUE = 10
WINDOW = 8 if QUICK else 10
PROBES = 5


def fill_history(db_path, n):
    """n closed sessions of the last year, with a taken and a revoked offer."""
    conn = sqlite3.connect(str(db_path))
    now = int(time.time())
    rng = random.Random(n)
    sessions, offers = [], []
    for i in range(n):
        created = now - rng.randint(3600, 365 * 86400)
        who, other = (("marie", "lea") if i % 2 else ("lea", "marie"))
        sid = f"v-h{i:08x}"
        sessions.append((sid, "cahors", f"hist{i:08d}@salons.ot.example", "x",
                         f"h{i}@visit.ot.example/r", f"h{i}@visit.ot.example", "fr", "form",
                         "Question d'archive", "closed", f"{who}@ot.example", who,
                         created, created + rng.randint(10, 300), created + 900, "done",
                         1, 1, rng.randint(1, 5)))
        offers.append((sid, f"{who}@ot.example", created + 5, "taken"))
        offers.append((sid, f"{other}@ot.example", created + 5, "revoked"))
    with conn:
        conn.executemany(
            "INSERT INTO sessions (id, office, room, password, visitor, visitor_bare, "
            "lang, lang_source, question, state, counsellor, persona, created, taken, "
            "closed, close_reason, invited, setup_done, rating) VALUES "
            "(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", sessions)
        conn.executemany("INSERT INTO offers (session, counsellor, at, state) "
                         "VALUES (?,?,?,?)", offers)
    conn.close()


def run_size(server_cls, tmpdir, n):
    import bench_queue
    desk = Desk(server_cls, tmpdir, accounts=("marie", "lea"),
                max_chats={"marie": 1, "lea": 1}, office_xml=bench_queue.OFFICE)
    desk.daemon.stop()
    t0 = time.monotonic()
    fill_history(desk.daemon.dir / "accueil.db", n)
    fill_s = time.monotonic() - t0
    mark = len(desk.daemon.log_text())
    desk.daemon.start()
    benchlib.wait_until(lambda: all(f"staff: {a}@ot.example is now available" in
                                    desk.daemon.log_text()[mark:] for a in ("marie", "lea")),
                        30, "the counsellors to be seen again", interval=0.1)
    for k, account in enumerate(("marie", "lea")):
        v = Visitor(desk, nick=f"Busy{k}")
        v.ask(f"Bonjour, une première question numéro B{k} sur les musées")
        vj = offer_to(desk.staff[account], f"B{k}", timeout=30)
        desk.staff[account].send_message(vj, "Je vous écoute.")
        v.wait_room(lambda s: "Je vous écoute" in body(s), timeout=30)
    crowd = bench_queue.Crowd()
    idx = crowd.add(benchlib.connect_visitors(desk.server, QUEUE))
    for i in idx:
        crowd.ask(i)
    benchlib.wait_until(lambda: crowd.invited(idx) >= len(idx), 120, "invitations")
    pause(4)
    m = benchlib.Meter(desk.server, desk.daemon).start()
    pause(WINDOW)
    m.stop()
    pidx = crowd.add(benchlib.connect_visitors(desk.server, PROBES))
    for i in pidx:
        crowd.ask(i)
        benchlib.wait_until(lambda: crowd.t_inv[i] is not None, 30, "a probe's invitation",
                            interval=0.005)
        pause(random.uniform(0.2, 0.6))
    size = os.path.getsize(desk.daemon.dir / "accueil.db")
    row = {"history": n, "fill_s": fill_s, "db_mib": size / 2**20,
           "ms_tick": 1000 * m.fine["accueild"] / (WINDOW / 2),
           "probe": benchlib.summary([ms(crowd.t_inv[i] - crowd.t_ask[i]) for i in pidx])}
    benchlib.stop_all()
    return row


def bench(server_cls, tmpdir):
    from pathlib import Path
    os.chmod(tmpdir, 0o711)     # ejabberd runs as its own user, in a subdirectory
    rows = []
    for n in HISTORY:
        sub = Path(tmpdir) / f"h{n}"
        sub.mkdir()
        rows.append(run_size(server_cls, str(sub), n))
    return rows


def render(results):
    text, figures = "", {}
    for srv, rows in results.items():
        for r in rows:
            r["p50"], r["p95"] = r["probe"]["p50"], r["probe"]["p95"]
        text += benchlib.table(
            f"History on {srv}: {QUEUE} visitors waiting, 2 counsellors at capacity",
            [("closed sessions", "history"), ("db MiB", "db_mib", 1),
             ("accueild ms/tick", "ms_tick", 2), ("ask -> invitation p50 ms", "p50", 0),
             ("p95 ms", "p95", 0)], rows,
            note=("History: closed sessions (and 2 offers each) in SQLite, as kept for the "
                  "retention period.\nPer waiting session and tick, mean_take() runs twice "
                  "and held_offers() once per counsellor: before\nschema 5 (indexes "
                  "sessions(office, taken) and offers(counsellor, state)) each one scanned "
                  "its whole table\n(measured then: 114 ms/tick at 10,000, 534 ms/tick at "
                  "50,000 closed sessions).")) + "\n"
        for r in rows:
            figures[f"{srv}.h{r['history']}.ms_per_tick_accueild"] = r["ms_tick"]
    return text, figures


if __name__ == "__main__":
    if "ACCUEIL_SERVERS" not in os.environ:
        os.environ["ACCUEIL_SERVERS"] = "prosody"
    benchlib.main("history", bench, render, seconds=600)
