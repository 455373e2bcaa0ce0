#!/usr/bin/python3
"""Many conversations through a real Prosody and a real ejabberd, driven by
the C load generator (tests/bench/loadgen, libstrophe, hundreds of clients
per process).

One run per server and size N (1,000 by default):

  1. burst: N anonymous visitors, logged in beforehand, send their first
     message (with the pre-chat form) at the same moment; each joins the
     room of its invitation; N/20 counsellors (max-chats 20) take every
     offer by answering it. Measured: first message -> invitation (all,
     and the last one after the burst's start), first message -> the
     counsellor's first line in the room, and the CPU of accueild and of
     the server during the burst.
  2. steady: the N conversations open, visitors send RATE/2 stamped room
     lines a second in total (round robin), each counsellor answers each
     line at once: RATE relayed messages a second through accueild.
     Measured over TALK seconds: CPU (utime+stime, /proc/<pid>/stat) and
     RSS of accueild and of the server (Prosody's lua5.4, ejabberd's
     beam.smp), relay latency visitor -> counsellor and counsellor ->
     visitor, and the room's own echo of each visitor line (visitor ->
     MUC -> visitor, the same rooms, no component on that path).
  0. baseline, first, same server, no accueild involved: N other anonymous
     clients each create and configure one room on a MUC service open to
     them (Prosody: a second MUC component with the same modules;
     ejabberd: the staff host's conference service) at the same moment
     (join -> 201, ask for the form, submit it): the time the server
     itself needs for N rooms; then they talk in their rooms at the same
     rate (echo latency without accueild in the room).

Bodies carry CLOCK_MONOTONIC nanoseconds (one clock for every process).

    tests/bench/bench_loadgen.py [--quick]

ACCUEIL_BENCH_LOADGEN: sizes (default 1000; --quick 200);
ACCUEIL_BENCH_LOADGEN_TALK: seconds of steady traffic (default 60; quick 20);
ACCUEIL_BENCH_LOADGEN_RATE: relayed messages a second (default 100);
LOADGEN: the load generator (default build/dev/tests/bench/loadgen or
next to ACCUEILD);
ACCUEIL_BENCH_PERF=<file>: perf record of accueild over the steady phase
(ACCUEIL_BENCH_PERF_ARGS: its options, default -g; --call-graph dwarf -F 200
for stacks through libraries built without frame pointers).
"""

import os
import queue
import subprocess
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import benchlib
import harness
from harness import Accueild

QUICK = benchlib.quick()
SIZES = benchlib.sizes("ACCUEIL_BENCH_LOADGEN", [200] if QUICK else [1000])
TALK = float(os.environ.get("ACCUEIL_BENCH_LOADGEN_TALK", 20 if QUICK else 60))
RATE = float(os.environ.get("ACCUEIL_BENCH_LOADGEN_RATE", 100))
MAX_CHATS = 20          # the schema's maximum per counsellor
PER_PROC = 500          # clients per loadgen process (select() and FD_SETSIZE)
BURST_TIMEOUT = 600     # seconds to wait for every invitation / answer
BASELINE_MUC = {"prosody": "rooms.ot.example", "ejabberd": "conference.ot.example"}
LIMITS = ('<limits host-burst="100000" host-per-minute="100000" '
          'office-burst="100000" office-per-minute="100000" '
          'visitor-burst="10000" visitor-per-minute="60000"/>')


def loadgen_path():
    if os.environ.get("LOADGEN"):
        return os.environ["LOADGEN"]
    daemon = Path(os.environ.get("ACCUEILD", benchlib.REPO / "accueild"))
    for cand in (daemon.parent / "tests" / "bench" / "loadgen",
                 benchlib.REPO / "build" / "dev" / "tests" / "bench" / "loadgen",
                 benchlib.REPO / "tests" / "bench" / "loadgen"):
        if cand.exists():
            return str(cand)
    raise harness.HarnessError("no tests/bench/loadgen: build it (make), or set LOADGEN")


class ProsodyLoad(harness.ProsodyServer):
    """Prosody plus a MUC service anyone may create rooms on, with the
    visitor rooms' modules (the baseline's rooms)."""

    def _write_config(self):
        super()._write_config()
        with open(self.config_path, "a") as f:
            f.write(f'\nComponent "{BASELINE_MUC["prosody"]}" "muc"\n'
                    '\tmodules_enabled = { "muc_mam" }\n'
                    '\tmuc_log_by_default = true\n'
                    '\tmuc_room_default_public = false\n'
                    '\tmuc_room_default_persistent = false\n'
                    '\tmuc_room_default_history_length = 20\n')


class EjabberdLoad(harness.EjabberdServer):
    """ejabberd whose staff host's conference service lets anyone create
    rooms (the baseline's rooms; mam on, as in the visitor rooms)."""

    def _write_config(self):
        super()._write_config()
        text = self.config_path.read_text()
        if "access_create: muc_create" not in text:
            raise harness.HarnessError("ejabberd.yml.in: no access_create to open")
        self.config_path.write_text(text.replace("access_create: muc_create",
                                                 "access_create: all"))


class Gen:
    """One loadgen process: a line in, a line out."""

    def __init__(self, role, server, first, count, logdir, extra=()):
        self.role, self.first, self.count = role, first, count
        argv = [loadgen_path(), role, "-p", str(server.c2s_port),
                "-f", str(first), "-n", str(count)] + list(extra)
        self.err = open(Path(logdir) / f"loadgen-{role}-{first}.err", "w")
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=self.err,
                                     text=True, bufsize=1)
        self.lines = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.proc.stdout:
            self.lines.put(line.rstrip("\n"))
        self.lines.put(None)

    def get(self, timeout):
        try:
            line = self.lines.get(timeout=timeout)
        except queue.Empty:
            raise TimeoutError(f"loadgen {self.role} {self.first}: no answer in {timeout} s")
        if line is None:
            raise harness.HarnessError(f"loadgen {self.role} {self.first} exited "
                                       f"({self.proc.poll()}), see {self.err.name}")
        return line

    def ask(self, cmd, timeout=30):
        self.proc.stdin.write(cmd + "\n")
        self.proc.stdin.flush()
        return self.get(timeout)

    def status(self):
        line = self.ask("status")
        return {k: int(v) for k, v in (w.split("=") for w in line.split()[1:])}

    def report(self):
        import json
        return json.loads(self.ask("report", timeout=60))

    def wait_ready(self, timeout):
        line = self.get(timeout)
        if not line.startswith("ready"):
            raise harness.HarnessError(f"loadgen {self.role}: {line}")
        st = {k: int(v) for k, v in (w.split("=") for w in line.split()[1:])}
        if st["failed"]:
            raise harness.HarnessError(f"loadgen {self.role} {self.first}: "
                                       f"{st['failed']} logins failed, see {self.err.name}")

    def stop(self):
        try:
            self.proc.stdin.write("quit\n")
            self.proc.stdin.flush()
            self.proc.wait(15)
        except (OSError, subprocess.TimeoutExpired, ValueError):
            self.proc.kill()
            self.proc.wait(5)
        self.err.close()


def start_gens(role, server, n, logdir, extra, timeout=180):
    gens = [Gen(role, server, first, min(PER_PROC, n - first), logdir, extra)
            for first in range(0, n, PER_PROC)]
    for g in gens:
        g.wait_ready(timeout)
    return gens


def total(gens, key):
    return sum(g.status()[key] for g in gens)


def wait_count(gens, key, n, timeout, stall=60):
    """Seconds until the summed status `key` reaches n, or None after
    `timeout` seconds, or after `stall` seconds without progress."""
    t0 = last_change = time.monotonic()
    last = -1
    while time.monotonic() - t0 < timeout and time.monotonic() - last_change < stall:
        got = total(gens, key)
        if got >= n:
            return time.monotonic() - t0
        if got != last:
            last, last_change = got, time.monotonic()
        time.sleep(0.2)
    return None


def link_send_queue(server):
    """Bytes accueild has written to its component link that the server
    has not read yet (Send-Q of the connection to the component port)."""
    out = subprocess.run(["ss", "-tnH", "state", "established",
                          f"( dport = :{server.component_port} )"],
                         capture_output=True, text=True, timeout=10).stdout
    return sum(int(line.split()[1]) for line in out.splitlines() if line.split())


def settle(server, daemon, idle=0.2, timeout=120):
    """Wait until the server and accueild together use less than `idle`
    of a core over a second (at most `timeout` s); return the seconds."""
    pids = benchlib.server_pids(server) + [daemon.proc.pid]
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout:
        c0 = benchlib.cpu_precise(pids)
        time.sleep(1)
        if benchlib.cpu_precise(pids) - c0 < idle:
            break
    return time.monotonic() - t0


def merged(reports, key):
    out = []
    for r in reports:
        out += r[key]
    return out


def lat_ms(values_ns):
    return benchlib.summary([v / 1e6 for v in values_ns])


def since_burst_s(t_ask, times):
    """Seconds from the burst's first message to the last of `times`."""
    if not t_ask or not times:
        return None
    return (max(times) - min(t_ask)) / 1e9


def talk(gens, n, seconds, rate_lines):
    for g in gens:
        g.ask(f"talk {rate_lines * g.count / n:.3f} {seconds}")
    time.sleep(seconds + 3)     # the last lines' answers
    return [g.report() for g in gens]


def profile(daemon, seconds):
    """With ACCUEIL_BENCH_PERF=<file>: `perf record -g` of accueild over
    the steady phase, into that file (perf report -i <file>)."""
    out = os.environ.get("ACCUEIL_BENCH_PERF")
    if not out:
        return None
    args = os.environ.get("ACCUEIL_BENCH_PERF_ARGS", "-g").split()
    return subprocess.Popen(["perf", "record", *args, "-q", "-o", out, "-p",
                             str(daemon.proc.pid), "--", "sleep",
                             str(int(seconds))],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def counsellor_xml(k):
    return (f'<counsellor jid="c{k}@ot.example" persona="p{k}" name="P{k}" '
            f'title="Conseiller" languages="fr en es" lang="fr" '
            f'max-chats="{MAX_CHATS}" offices="cahors"/>')


def open_files_limit(pids):
    """The lowest soft limit of open files of the processes."""
    limits = []
    for pid in pids:
        for line in Path(f"/proc/{pid}/limits").read_text().splitlines():
            if line.startswith("Max open files"):
                limits.append(int(line.split()[3]))
    return min(limits) if limits else None


def run_size(server_cls, tmpdir, n):
    row = {"n": n, "asked_n": n}
    cls = ProsodyLoad if server_cls.name == "prosody" else EjabberdLoad
    server = cls(tmpdir)
    server.start()
    # ejabberdctl starts erl as the ejabberd user through su, and su's
    # pam_limits gives it PID 1's soft limit of open files (1,024 here),
    # whatever the caller's: past it ejabberd resets new connections.
    # The server must hold N visitors + N/20 counsellors (+ about 100 of
    # its own): N is lowered to what fits, and the table says so.
    limit = open_files_limit(benchlib.server_pids(server))
    row["server_nofile"] = limit
    if limit and n * (1 + 1 / MAX_CHATS) + 100 > limit:
        n = int((limit - 100) / (1 + 1 / MAX_CHATS)) // 50 * 50
        row["n"] = n
    k = -(-n // MAX_CHATS)
    with ThreadPoolExecutor(4) as pool:
        list(pool.map(lambda i: server.create_user(f"c{i}", "pw"), range(k)))
    daemon = Accueild(server, tmpdir, extra_xml=[counsellor_xml(i) for i in range(k)]
                      + [LIMITS])
    daemon.start()
    gens = []
    try:
        # 0. the server alone, first (measured whatever accueild does
        # later): N rooms created and configured at once
        rooms = start_gens("rooms", server, n, tmpdir,
                           ["-d", server.visit_domain, "-m", BASELINE_MUC[server.name]])
        gens += rooms
        time.sleep(1)
        meter = benchlib.Meter(server, daemon).start()
        for g in rooms:
            g.ask("burst")
        row["configured_all_s"] = wait_count(rooms, "configured", n, BURST_TIMEOUT)
        meter.stop()
        reps = [g.report() for g in rooms]
        t_ask, t_conf = merged(reps, "t_ask"), merged(reps, "t_conf")
        row["configured"] = len(t_conf)
        row["last_configured_s"] = since_burst_s(t_ask, t_conf)
        row["rooms_cpu_s"] = meter.cpu["server"]
        row["rooms_errors"] = sum(r["errors"] for r in reps)
        reps = talk(rooms, n, TALK, RATE / 2)
        row["base_echo"] = lat_ms(merged(reps, "echo"))
        for g in rooms:
            g.stop()
        gens = []
        time.sleep(2)
        staff = Gen("counsellors", server, 0, k, tmpdir, ["-d", server.staff_domain])
        gens.append(staff)
        staff.wait_ready(120)
        harness.wait_until(lambda: daemon.log_text().count("is now available") >= k,
                           60, f"{k} counsellors available")
        visitors = start_gens("visitors", server, n, tmpdir,
                              ["-d", server.visit_domain,
                               "-D", f"cahors@{server.component_domain}"])
        gens += visitors
        row["counsellors"] = k
        time.sleep(1)
        # 1. the burst
        meter = benchlib.Meter(server, daemon).start()
        lg0 = benchlib.cpu_seconds([g.proc.pid for g in gens])
        for g in visitors:
            g.ask("burst")
        row["invited_all_s"] = wait_count(visitors, "invited", n, BURST_TIMEOUT)
        row["answered_all_s"] = wait_count(visitors, "answered", n, BURST_TIMEOUT)
        meter.stop()
        reps = [g.report() for g in visitors]
        t_ask, t_inv = merged(reps, "t_ask"), merged(reps, "t_inv")
        row["invited"] = len(t_inv)
        row["answered"] = len(merged(reps, "t_first"))
        row["last_invited_s"] = since_burst_s(t_ask, t_inv)
        row["last_answered_s"] = since_burst_s(t_ask, merged(reps, "t_first"))
        row["burst_cpu_d"] = meter.cpu["accueild"]
        row["burst_cpu_s"] = meter.cpu["server"]
        row["burst_cpu_lg"] = benchlib.cpu_seconds([g.proc.pid for g in gens]) - lg0
        row["burst_wall"] = meter.wall
        row["visitor_errors"] = sum(r["errors"] for r in reps)
        row["link_sendq_kib"] = link_send_queue(server) / 1024
        # 2. steady traffic in the open conversations, once the server
        # has worked off the burst (the queue notices, the archives)
        row["settle_s"] = settle(server, daemon)
        active = row["answered"]
        meter = benchlib.Meter(server, daemon).start()
        lg0 = benchlib.cpu_seconds([g.proc.pid for g in gens])
        staff.ask("clear")
        perf = profile(daemon, TALK)
        reps = talk(visitors, n, TALK, RATE / 2)
        meter.stop()
        if perf:
            perf.wait(timeout=30)
        srep = staff.report()
        row.update(
            active=active, talk_s=TALK,
            sent=sum(r["sent"] for r in reps) + srep["sent"] - srep["takes"],
            relayed=len(srep["v2c"]) + len(merged(reps, "c2v")),
            cpu_d=meter.cpu["accueild"], cpu_s=meter.cpu["server"],
            cpu_lg=benchlib.cpu_seconds([g.proc.pid for g in gens]) - lg0,
            fine_d=meter.fine["accueild"], fine_s=meter.fine["server"],
            rss_d=meter.rss["accueild"] / 1024, peak_d=meter.peak["accueild"] / 1024,
            rss_s=meter.rss["server"] / 1024, peak_s=meter.peak["server"] / 1024,
            wall=meter.wall, v2c=lat_ms(srep["v2c"]), c2v=lat_ms(merged(reps, "c2v")),
            echo=lat_ms(merged(reps, "echo")),
            server_procs=benchlib.server_process_label(server),
            drops=benchlib.link_drops(daemon))
        row["rate"] = row["relayed"] / TALK
        row["ratio"] = row["cpu_s"] / row["cpu_d"] if row["cpu_d"] else None
        if row["last_invited_s"] and row["last_configured_s"]:
            row["burst_vs_base"] = row["last_invited_s"] / row["last_configured_s"]
        for key in ("v2c", "c2v"):
            a, b = row[key]["p50"], row["echo"]["p50"]
            row[f"{key}_minus_echo_us"] = (a - b) * 1000 if a is not None and b is not None else None
    finally:
        for g in gens:
            g.stop()
    benchlib.stop_all()
    return row


def bench(server_cls, tmpdir):
    os.chmod(tmpdir, 0o711)     # ejabberd runs as its own user, in a subdirectory
    rows = []
    for n in SIZES:
        sub = Path(tmpdir) / f"n{n}"
        sub.mkdir()
        os.chmod(sub, 0o711)
        rows.append(run_size(server_cls, str(sub), n))
    return rows


def render(results):
    text, figures = "", {}
    for srv, rows in results.items():
        procs = rows[0]["server_procs"] if rows else "?"
        text += benchlib.table(
            f"loadgen on {srv}: burst of first messages (s after the burst's start)",
            [("visitors", "n"), ("asked", "asked_n"), ("server nofile", "server_nofile"),
             ("counsellors", "counsellors"), ("invited", "invited"),
             ("last invited s", "last_invited_s", 2), ("answered", "answered"),
             ("last answered s", "last_answered_s", 2),
             ("accueild CPU s", "burst_cpu_d", 2), ("server CPU s", "burst_cpu_s", 2),
             ("loadgen CPU s", "burst_cpu_lg", 2), ("errors", "visitor_errors"),
             ("link Send-Q KiB", "link_sendq_kib", 0)], rows,
            note="asked: the size asked for; visitors: what ran (below the server's open-file "
                 "limit, nofile).\nanswered: the counsellor's first line reached the visitor's room; "
                 "link Send-Q: what accueild\nhad written to the component link "
                 "and the server had not read yet, at the end of the burst") + "\n"
        text += benchlib.table(
            f"loadgen on {srv}: the server alone creates and configures as many rooms",
            [("rooms", "n"), ("configured", "configured"),
             ("last configured s", "last_configured_s", 2),
             ("server CPU s", "rooms_cpu_s", 2), ("errors", "rooms_errors"),
             ("last invited / last configured", "burst_vs_base", 2)], rows,
            note="join (201), get the form, submit it; target: invited <= 1.1 x configured") + "\n"
        text += benchlib.table(
            f"loadgen on {srv}: steady traffic, accueild vs server ({procs})",
            [("open convs", "active"), ("settle s", "settle_s", 0), ("seconds", "talk_s", 0),
             ("relayed msg/s", "rate", 1), ("accueild CPU s", "cpu_d", 2),
             ("server CPU s", "cpu_s", 2), ("server/accueild", "ratio", 1),
             ("loadgen CPU s", "cpu_lg", 2), ("accueild RSS MiB", "rss_d", 1),
             ("accueild peak", "peak_d", 1), ("server RSS MiB", "rss_s", 1),
             ("server peak", "peak_s", 1), ("link drops", "drops")], rows,
            note="settle: seconds waited after the burst until the server and accueild "
                 "were idle (< 0.2 core, 120 s at most)\n"
                 "target: accueild's CPU at most a twentieth of the server's "
                 "(server/accueild >= 20)") + "\n"
        lat = []
        for r in rows:
            for label, key in (("relay visitor -> counsellor", "v2c"),
                               ("relay counsellor -> visitor", "c2v"),
                               ("room echo, accueild's rooms", "echo"),
                               ("room echo, rooms without accueild", "base_echo")):
                s = dict(r[key])
                s.update(convs=r["active"], what=label)
                lat.append(s)
        text += benchlib.table(
            f"loadgen on {srv}: latency during the steady traffic (ms)",
            [("convs", "convs"), ("what", "what"), ("n", "n"), ("p50", "p50", 3),
             ("p95", "p95", 3), ("max", "max", 1)], lat,
            note=("relay adds (p50, vs the echo in the same rooms): " + ", ".join(
                f"{r['n']}: v2c {benchlib.fmt(r['v2c_minus_echo_us'], 0)} µs, "
                f"c2v {benchlib.fmt(r['c2v_minus_echo_us'], 0)} µs" for r in rows)
                + "; target <= 200 µs")) + "\n"
        for r in rows:
            k = f"{srv}.n{r['n']}"
            for key in ("last_invited_s", "last_configured_s", "burst_vs_base",
                        "cpu_d", "cpu_s", "ratio", "rate", "peak_d", "peak_s",
                        "v2c_minus_echo_us", "c2v_minus_echo_us", "invited", "active"):
                figures[f"{k}.{key}"] = r.get(key)
            for key in ("v2c", "c2v", "echo", "base_echo"):
                figures[f"{k}.{key}_p50_ms"] = r[key]["p50"]
    return text, figures


if __name__ == "__main__":
    benchlib.main("loadgen", bench, render, seconds=2400)
