#!/usr/bin/python3
"""Instruction counts of accueild (valgrind --tool=callgrind) over fixed
scenarios: deterministic figures for the routing cost as the queue grows,
independent of the machine's load.

The daemon runs under callgrind (about 50 times slower, so smaller queues
than bench_queue.py). Two counsellors at capacity, the queue built up to
each size in QUEUES; for each size, callgrind's counters are zeroed
(callgrind_control -z) and dumped (-d) around:

  build   the burst of new visitors (desk_message: a new session; each
          room ready runs routing_tick once more);
  idle    WINDOW seconds with nothing but the timers (routing_tick every
          2 s, session/office ticks every 5 s);
  relay   RELAYS visitor messages relayed to a counsellor, and as many
          counsellor messages relayed to the visitor.

Figures: instructions (Ir) per call, inclusive, of the functions that do
the work, from the dump files (calls= lines). Prosody only by default (the
daemon's counts hardly depend on the server); ACCUEIL_SERVERS to change.

    tests/bench/bench_callgrind.py [--quick]
"""

import re
import shutil
import subprocess
from collections import defaultdict

import benchlib
import sessionlib
from benchlib import pause
from harness import Accueild, HarnessError
from sessionlib import Desk, Visitor, offer_to, body, is_from_v

QUICK = benchlib.quick()
QUEUES = benchlib.sizes("ACCUEIL_BENCH_CALLGRIND_QUEUES", [10, 30] if QUICK else [10, 50, 100])
WINDOW = 10
RELAYS = 20
# functions the compiler keeps (static ones may be inlined: route_one,
# room_message); names with a suffix (widen.isra.0) are matched by prefix
FUNCS = ("routing_tick", "desk_message", "session_tick", "office_tick",
         "session_route", "counsellor_message", "routing_desk_status",
         "mean_take", "widen", "candidates", "session_queue_notice", "router_dispatch",
         "save_message", "sqlite3_step", "xmpp_send")


class CallgrindAccueild(Accueild):
    """accueild under callgrind; dumps go to <dir>/callgrind.out.<pid>.N."""

    def argv(self):
        return ["valgrind", "--tool=callgrind", "--dump-instr=no",
                f"--callgrind-out-file={self.dir}/callgrind.out.%p",
                self.binary, "-d", "-f", str(self.conf_path)]

    def control(self, flag):
        subprocess.run(["callgrind_control", flag, str(self.proc.pid)],
                       capture_output=True, timeout=60, check=True)

    def dumps(self):
        return sorted(self.dir.glob("callgrind.out.*"),
                      key=lambda p: int(p.name.rsplit(".", 1)[1])
                      if p.name.count(".") >= 3 else 0)


def parse(path):
    """Total Ir and, per function name, (calls, inclusive Ir) summed over
    the call sites found in a callgrind dump."""
    names = {}
    calls = defaultdict(int)
    incl = defaultdict(int)
    total = 0
    pending = None          # callee name after a calls= line
    cfn = None
    ref = re.compile(r"^\((\d+)\)(?: (.*))?$")

    def name_of(text):
        m = ref.match(text)
        if not m:
            return text
        if m.group(2):
            names[m.group(1)] = m.group(2)
        return names.get(m.group(1), m.group(1))

    with open(path, errors="replace") as f:
        for line in f:
            if pending is not None:
                parts = line.split()
                if len(parts) >= 2:
                    incl[pending] += int(parts[1])
                pending = None
                continue
            if line.startswith("cfn="):
                cfn = name_of(line[4:].strip())
            elif line.startswith("fn="):
                name_of(line[3:].strip())
            elif line.startswith("calls="):
                calls[cfn] += int(line[6:].split()[0])
                pending = cfn
            elif line.startswith(("summary:", "totals:")):
                total = int(line.split()[1])
    return total, calls, incl


def per_call(calls, incl, name):
    keys = [k for k in calls if k == name or k.startswith(name + ".")]
    n = sum(calls[k] for k in keys)
    total = sum(incl.get(k, 0) for k in keys)
    return n, (total / n if n else None), total


def dump_between(daemon, action):
    """Zero the counters, run action(), dump; returns the parsed dump."""
    before = set(daemon.dumps())
    daemon.control("-z")
    action()
    daemon.control("-d")
    for _ in range(100):
        new = [p for p in daemon.dumps() if p not in before]
        if new:
            pause(0.5)
            return parse(new[-1])
        pause(0.1)
    raise HarnessError("callgrind wrote no dump")


def bench(server_cls, tmpdir):
    if shutil.which("valgrind") is None or shutil.which("callgrind_control") is None:
        raise HarnessError("valgrind is not installed (apt-get install valgrind)")
    import bench_queue
    sessionlib.Accueild = CallgrindAccueild
    try:
        desk = Desk(server_cls, tmpdir, accounts=("marie", "lea"),
                    max_chats={"marie": 1, "lea": 1}, office_xml=bench_queue.OFFICE)
    finally:
        sessionlib.Accueild = Accueild
    daemon = desk.daemon
    holders = {}
    for k, account in enumerate(("marie", "lea")):
        v = Visitor(desk, nick=f"Busy{k}")
        v.ask(f"Bonjour, une première question numéro B{k} sur les musées")
        vj = offer_to(desk.staff[account], f"B{k}", timeout=60)
        desk.staff[account].send_message(vj, "Je vous écoute.")
        v.wait_room(lambda s: "Je vous écoute" in body(s), timeout=60)
        holders[account] = (v, vj)
    pause(3)
    crowd = bench_queue.Crowd()
    rows = []
    for target in QUEUES:
        new = target - bench_queue.waiting(desk)
        idx = crowd.add(benchlib.connect_visitors(desk.server, new))

        def build():
            for i in idx:
                crowd.ask(i)
            benchlib.wait_until(lambda: crowd.invited(idx) >= len(idx), 120 + 3 * new,
                                f"{new} invitations under callgrind", interval=0.1)
            benchlib.wait_until(lambda: bench_queue.waiting(desk) >= target, 120,
                                f"{target} waiting")
            pause(3)
        b_total, b_calls, b_incl = dump_between(daemon, build)
        i_total, i_calls, i_incl = dump_between(daemon, lambda: pause(WINDOW))
        # relays both ways in one of the busy conversations
        v, vj = holders["marie"]
        marie = desk.staff["marie"]

        def relay():
            since = marie.mark()
            for n in range(RELAYS):
                v.client.xmpp.send_message(mto=v.room, mbody=f"R{target}-{n}",
                                           mtype="groupchat")
            benchlib.wait_until(lambda: sum(1 for s in marie.stanzas[since:]
                                            if is_from_v(s) and body(s).startswith(
                                                f"R{target}-")) >= RELAYS,
                                120, "relays to the counsellor", interval=0.1)
            vs = v.client.mark()
            for n in range(RELAYS):
                marie.xmpp.send_message(mto=vj, mbody=f"S{target}-{n}", mtype="chat")
            benchlib.wait_until(lambda: sum(1 for s in v.client.stanzas[vs:]
                                            if body(s).startswith(f"S{target}-")) >= RELAYS,
                                120, "relays to the visitor", interval=0.1)
            pause(1)
        r_total, r_calls, r_incl = dump_between(daemon, relay)
        row = {"q": target, "new": new,
               "build_total": b_total, "idle_total": i_total, "relay_total": r_total}
        for phase, calls, incl in (("b", b_calls, b_incl), ("i", i_calls, i_incl),
                                   ("r", r_calls, r_incl)):
            for fn in FUNCS:
                n, per, total = per_call(calls, incl, fn)
                row[f"{phase}.{fn}.n"] = n
                row[f"{phase}.{fn}.per"] = per
                row[f"{phase}.{fn}.incl"] = total
        rows.append(row)
    return rows


def mi(v):
    return None if v is None else v / 1e6


def render(results):
    text, figures = "", {}
    for srv, rows in results.items():
        t1 = []
        for r in rows:
            t1.append({
                "q": r["q"],
                "tick_n": r["i.routing_tick.n"],
                "tick": mi(r["i.routing_tick.per"]),
                "widen": mi(r["i.widen.per"]),
                "mean_take": mi(r["i.mean_take.per"]),
                "desk_status": mi(r["i.routing_desk_status.per"]),
                "session_tick": mi(r["i.session_tick.per"]),
                "office_tick": mi(r["i.office_tick.per"]),
                "idle_per_2s": mi(r["idle_total"] / (WINDOW / 2)),
                "sql": 100 * r["i.sqlite3_step.incl"] / max(1, r["idle_total"]),
            })
        text += benchlib.table(
            f"callgrind on {srv}: the queue standing, {WINDOW} s of timers (millions of instructions)",
            [("queue", "q"), ("routing_tick calls", "tick_n"),
             ("Mi/routing_tick", "tick", 2), ("Mi/widen", "widen", 3),
             ("Mi/mean_take", "mean_take", 3),
             ("Mi/desk_status", "desk_status", 3), ("Mi/session_tick", "session_tick", 3),
             ("Mi/office_tick", "office_tick", 3), ("Mi per 2 s, all", "idle_per_2s", 2),
             ("in sqlite3_step %", "sql", 0)], t1,
            note=("Ir inclusive per call. Per tick, for each waiting session: widen() "
                  "(offer look-ups in SQLite), routing_desk_status()\n(a pass over all "
                  "sessions, and mean_take()) and mean_take() (an SQL query); desk_status "
                  "and mean_take\nare also called by the office tick.")) + "\n"
        t2 = []
        for r in rows:
            t2.append({
                "q": r["q"], "new": r["new"],
                "desk": mi(r["b.desk_message.per"]),
                "tick_n": r["b.routing_tick.n"],
                "tick": mi(r["b.routing_tick.per"]),
                "per_new": mi(r["build_total"] / max(1, r["new"])),
                "notices": r["b.session_queue_notice.n"],
                "room_msg": mi(r["r.session_route.per"]),
                "couns_msg": mi(r["r.counsellor_message.per"]),
                "relay_total": mi(r["relay_total"] / (2 * RELAYS)),
            })
        text += benchlib.table(
            f"callgrind on {srv}: building the queue and relaying (millions of instructions)",
            [("queue", "q"), ("new visitors", "new"), ("Mi/desk_message", "desk", 3),
             ("routing_tick calls", "tick_n"), ("Mi/routing_tick", "tick", 2),
             ("Mi per new visitor, all", "per_new", 2), ("queue notices", "notices"),
             ("Mi/session_route", "room_msg", 3), ("Mi/counsellor_message", "couns_msg", 3),
             ("Mi per relayed msg, all", "relay_total", 3)], t2,
            note=(f"build: the burst of new visitors up to the queue size, everything "
                  f"accueild did until all were invited;\nrelay: {RELAYS} messages each way "
                  "in a conversation held while the queue stands (session_route counts "
                  "every MUC copy, read or ignored).")) + "\n"
        for r in rows:
            figures[f"{srv}.q{r['q']}.Mi_per_routing_tick"] = mi(r["i.routing_tick.per"])
            figures[f"{srv}.q{r['q']}.Mi_per_new_visitor"] = mi(r["build_total"] / max(1, r["new"]))
    return text, figures


if __name__ == "__main__":
    # instruction counts of the daemon hardly depend on the server (measured:
    # within 25 %): Prosody only, unless ACCUEIL_SERVERS says otherwise
    import os
    if "ACCUEIL_SERVERS" not in os.environ:
        os.environ["ACCUEIL_SERVERS"] = "prosody"
    benchlib.main("callgrind", bench, render, seconds=900)
