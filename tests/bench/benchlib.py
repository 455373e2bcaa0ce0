"""Shared pieces of the accueil benchmarks (tests/bench/bench_*.py).

Benchmarks print figures; they are not pass/fail tests. Each one runs the
real accueild (ACCUEILD, default <repo>/accueild) against a private Prosody
and a private ejabberd started by the integration harness
(tests/integration/harness.py) on loopback, drives it with real XMPP
clients (slixmpp), and measures:

  - CPU (user+sys from /proc/<pid>/stat) and RSS (VmRSS, peak VmHWM reset
    through /proc/<pid>/clear_refs) of accueild and of the server's
    processes (Prosody's lua5.4 process, ejabberd's beam.smp);
  - latencies from timestamps the clients take (one Python process, one
    clock: time.perf_counter_ns()).

Tables go to stdout and to artefacts/bench/<name>.txt; the key figures to
artefacts/bench/<name>.json for tests/bench/summary.py.

Environment: ACCUEIL_SERVERS (default "prosody,ejabberd"), ACCUEILD,
ACCUEIL_BENCH_QUICK=1 (or --quick on the command line) for a short run,
ACCUEIL_BENCH_DIR (default <repo>/artefacts/bench); the sizes with
ACCUEIL_BENCH_VISITORS (bench_load), ACCUEIL_BENCH_QUEUES (bench_queue),
ACCUEIL_BENCH_CALLGRIND_QUEUES (bench_callgrind), e.g. "20,50".
"""

import asyncio
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
sys.path.insert(0, str(REPO / "tests" / "integration"))

import slixmpp  # noqa: E402

import harness  # noqa: E402
from harness import REGISTRY, pause  # noqa: E402

CLK_TCK = os.sysconf("SC_CLK_TCK")
PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024
NS_CONF = "jabber:x:conference"
NS_MUC = "http://jabber.org/protocol/muc"
NS_DATA = "jabber:x:data"


def quick():
    """True for a short run (--quick or ACCUEIL_BENCH_QUICK=1)."""
    return "--quick" in sys.argv or os.environ.get("ACCUEIL_BENCH_QUICK") == "1"


def sizes(variable, default):
    """A list of sizes from the environment ("10,100"), or the default."""
    text = os.environ.get(variable, "")
    return [int(x) for x in text.split(",") if x.strip()] or default


def out_dir():
    d = Path(os.environ.get("ACCUEIL_BENCH_DIR", REPO / "artefacts" / "bench"))
    d.mkdir(parents=True, exist_ok=True)
    return d


def now_ns():
    return time.perf_counter_ns()


def ms(ns):
    return ns / 1e6


# --------------------------------------------------------------------------
# /proc measurements


def _stat_fields(pid):
    text = Path(f"/proc/{pid}/stat").read_text()
    # the command name may hold spaces: fields start after the last ')'
    return text[text.rindex(")") + 2:].split()


def cpu_seconds(pids):
    """user+sys CPU seconds of the given processes (children not waited
    for are not included)."""
    total = 0
    for pid in pids:
        try:
            f = _stat_fields(pid)
        except OSError:
            continue
        total += int(f[11]) + int(f[12])  # utime, stime (fields 14, 15)
    return total / CLK_TCK


def cpu_precise(pids):
    """CPU seconds of the processes (all their threads) from
    /proc/<pid>/task/*/schedstat (nanoseconds on CPU): finer than the
    10 ms ticks of /proc/<pid>/stat, for small amounts."""
    total = 0
    for pid in pids:
        try:
            tasks = list(Path(f"/proc/{pid}/task").iterdir())
        except OSError:
            continue
        for task in tasks:
            try:
                total += int((task / "schedstat").read_text().split()[0])
            except (OSError, ValueError, IndexError):
                pass
    return total / 1e9


def _status_kb(pid, key):
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def rss_kb(pids):
    return sum(_status_kb(p, "VmRSS") for p in pids)


def peak_kb(pids):
    return sum(_status_kb(p, "VmHWM") for p in pids)


def reset_peak(pids):
    """Reset VmHWM to the current RSS (Linux >= 4.0, clear_refs 5)."""
    for pid in pids:
        try:
            Path(f"/proc/{pid}/clear_refs").write_text("5")
        except OSError:
            pass


def tcp_aborts_on_timeout():
    """Machine-wide count of TCP connections the kernel aborted on a
    timeout (TcpExt TCPAbortOnTimeout: retransmissions, keepalive, or
    TCP_USER_TIMEOUT, which libstrophe's keepalive callback sets to 150 s
    on accueild's link)."""
    try:
        lines = Path("/proc/net/netstat").read_text().splitlines()
    except OSError:
        return None
    for head, values in zip(lines[::2], lines[1::2]):
        if head.startswith("TcpExt:"):
            table = dict(zip(head.split()[1:], values.split()[1:]))
            return int(table.get("TCPAbortOnTimeout", 0))
    return None


def link_drops(daemon):
    """How many times accueild logged that its server link dropped."""
    return daemon.log_text().count("link: disconnected")


def proc_name(pid):
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return "?"


def server_pids(server):
    """The processes doing the server's work: Prosody's interpreter, or
    ejabberd's Erlang VM (beam.smp, plus its erl_child_setup helper)."""
    if server.name == "prosody":
        return [server.proc.pid]
    pids = server._beam_pids()
    children = []
    for pid in pids:
        try:
            children += [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children")
                         .read_text().split()]
        except OSError:
            pass
    return sorted(set(pids + children))


def server_process_label(server):
    return ", ".join(sorted({proc_name(p) for p in server_pids(server)}))


class Meter:
    """CPU and memory of accueild, the server and this process between
    start() and stop(): .cpu from /proc/<pid>/stat (user+sys, 10 ms
    resolution), .fine from schedstat (ns), .rss and .peak in KiB."""

    def __init__(self, server, daemon):
        self.server, self.daemon = server, daemon

    def _groups(self):
        return {"accueild": [self.daemon.proc.pid],
                "server": server_pids(self.server),
                "bench": [os.getpid()]}

    def start(self):
        self.groups = self._groups()
        for name in ("accueild", "server"):
            reset_peak(self.groups[name])
        self.t0 = time.monotonic()
        self.cpu0 = {k: cpu_seconds(v) for k, v in self.groups.items()}
        self.fine0 = {k: cpu_precise(v) for k, v in self.groups.items()}
        return self

    def stop(self):
        self.wall = time.monotonic() - self.t0
        self.cpu = {k: cpu_seconds(v) - self.cpu0[k] for k, v in self.groups.items()}
        self.fine = {k: cpu_precise(v) - self.fine0[k] for k, v in self.groups.items()}
        self.rss = {k: rss_kb(v) for k, v in self.groups.items()}
        self.peak = {k: peak_kb(v) for k, v in self.groups.items()}
        self.peak["bench"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return self


# --------------------------------------------------------------------------
# Many anonymous visitors, logged in concurrently


class _VisitorClient(harness.Client):
    """An anonymous harness.Client whose login the caller awaits (so that
    hundreds log in at once instead of one after the other)."""

    def __init__(self, server):  # noqa: D107 - harness.Client without the wait
        self.server = server
        xmpp = slixmpp.ClientXMPP(server.visit_domain, "", lang="en")
        xmpp["feature_mechanisms"].unencrypted_plain = True
        xmpp["feature_mechanisms"].use_mech = "ANONYMOUS"
        harness._Endpoint.__init__(self, xmpp)
        self.requested = server.visit_domain
        self.session = harness.event_loop().create_future()
        done = harness._resolve
        xmpp.add_event_handler("session_start", lambda _: done(self.session))
        xmpp.add_event_handler("failed_all_auth", lambda _: done(
            self.session, error=harness.LoginError("anonymous login refused")))
        xmpp.add_event_handler("connection_failed", lambda e: done(
            self.session, error=harness.LoginError(f"cannot connect: {e}")))
        xmpp.connect(("127.0.0.1", server.c2s_port), use_ssl=False,
                     force_starttls=False, disable_starttls=True)


def connect_visitors(server, n, batch=50, timeout=120):
    """n anonymous clients, logged in `batch` at a time, with their initial
    presence sent. Returns the list of harness clients."""
    clients = []
    deadline = time.monotonic() + timeout
    while len(clients) < n:
        group = [_VisitorClient(server) for _ in range(min(batch, n - len(clients)))]
        left = max(1.0, deadline - time.monotonic())
        gathered = asyncio.gather(*[c.session for c in group], return_exceptions=True)
        results = harness._wait_future(gathered, left, f"{len(group)} visitor logins")
        errors = [r for r in results if isinstance(r, BaseException)]
        if errors:
            raise harness.HarnessError(f"{len(errors)} visitor logins failed: {errors[0]}")
        for c in group:
            c.xmpp.send_presence()
        clients += group
    pause(0.2)
    return clients


def join_stanza(client, room, nick, password, history=0):
    """Send a MUC join (no flush)."""
    p = client.xmpp.make_presence(pto=f"{room}/{nick}")
    x = harness.ET.fromstring(
        f'<x xmlns="{NS_MUC}"><password>{password}</password>'
        f'<history maxstanzas="{history}"/></x>')
    p.append(x)
    p.send()


def invitation_of(stanza):
    """(room, password) of a XEP-0249 invitation, or None."""
    if stanza.name != "message":
        return None
    x = stanza.xml.find(f"{{{NS_CONF}}}x")
    if x is None:
        return None
    return x.get("jid"), x.get("password")


def form_type(stanza):
    """FORM_TYPE of a data form in the stanza, or None."""
    x = stanza.xml.find(f"{{{NS_DATA}}}x")
    if x is None:
        return None
    for f in x.findall(f"{{{NS_DATA}}}field"):
        if f.get("var") == "FORM_TYPE":
            v = f.find(f"{{{NS_DATA}}}value")
            return v.text if v is not None else None
    return None


def prechat_form(lang, name):
    return (f'<x xmlns="{NS_DATA}" type="submit">'
            f'<field var="lang"><value>{lang}</value></field>'
            f'<field var="name"><value>{name}</value></field></x>')


def stop_all():
    """Stop whatever the current run started so far (clients, daemon,
    server), to start afresh in the same run. Returns cleanup errors."""
    errors = REGISTRY.cleanup()
    REGISTRY.clear()
    return errors


def later(seconds, fn, *args):
    """Run fn(*args) on the clients' loop after `seconds`."""
    return harness.event_loop().call_later(seconds, fn, *args)


def wait_until(cond, timeout, what, interval=0.05):
    return harness.wait_until(cond, timeout, what, interval=interval)


# --------------------------------------------------------------------------
# Figures


def pct(values, p):
    """The p-th percentile (nearest rank) of values, or None."""
    if not values:
        return None
    v = sorted(values)
    k = max(0, min(len(v) - 1, int(round(p / 100 * len(v) + 0.5)) - 1))
    return v[k]


def summary(values):
    """dict n, p50, p95, max, mean of a list (None-safe)."""
    if not values:
        return {"n": 0, "p50": None, "p95": None, "max": None, "mean": None}
    return {"n": len(values), "p50": pct(values, 50), "p95": pct(values, 95),
            "max": max(values), "mean": sum(values) / len(values)}


def fmt(v, digits=1):
    if v is None:
        return "-"
    if isinstance(v, float):
        return f"{v:.{digits}f}"
    return str(v)


def table(title, columns, rows, note=None):
    """Plain text table. columns: list of (header, key, digits)."""
    heads = [c[0] for c in columns]
    cells = [[fmt(r.get(c[1]), c[2] if len(c) > 2 else 1) for c in columns] for r in rows]
    widths = [max([len(h)] + [len(row[i]) for row in cells]) for i, h in enumerate(heads)]
    lines = [title, ""]
    lines.append("  ".join(h.rjust(w) if i else h.ljust(w)
                           for i, (h, w) in enumerate(zip(heads, widths))))
    lines.append("  ".join("-" * w for w in widths))
    for row in cells:
        lines.append("  ".join(c.rjust(w) if i else c.ljust(w)
                               for i, (c, w) in enumerate(zip(row, widths))))
    if note:
        lines += [""] + [f"  {n}" for n in note.splitlines()]
    return "\n".join(lines) + "\n"


def _pkg_version(name):
    try:
        out = subprocess.run(["dpkg-query", "-W", "-f", "${Version}", name],
                             capture_output=True, text=True, timeout=10)
        return out.stdout.strip() or "?"
    except (OSError, subprocess.SubprocessError):
        return "?"


def machine_context():
    """Lines describing the machine and the software measured."""
    model = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_kb = 0
    try:
        mem_kb = int(Path("/proc/meminfo").read_text().split()[1])
    except (OSError, ValueError, IndexError):
        pass
    daemon = os.environ.get("ACCUEILD", str(REPO / "accueild"))
    return [
        f"date: {time.strftime('%Y-%m-%d %H:%M:%S %z')}",
        f"machine: {os.cpu_count()} CPU ({model}), {mem_kb // 1024} MiB RAM, "
        f"Linux {platform.release()}",
        f"servers: prosody {_pkg_version('prosody')} (lua5.4 {_pkg_version('lua5.4')}), "
        f"ejabberd {_pkg_version('ejabberd')} (erlang-base {_pkg_version('erlang-base')})",
        f"accueild: {daemon}; libstrophe {_pkg_version('libstrophe0')}, "
        f"sqlite {_pkg_version('libsqlite3-0')}; clients: slixmpp "
        f"{_pkg_version('python3-slixmpp')} in one Python process",
        f"everything on 127.0.0.1, client, server and daemon on the same {os.cpu_count()} "
        f"cores; load average at this point: {_loadavg()}",
    ]


def _loadavg():
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


# --------------------------------------------------------------------------
# Running a benchmark against each server


def _run_one(fn, server_cls, seconds):
    """Run fn(server_cls, tmpdir) with the harness's cleanup; return
    (result, error text)."""
    tmpdir = tempfile.mkdtemp(prefix=f"accueil-bench-{fn.__name__}-{server_cls.name}-")
    REGISTRY.clear()
    harness.event_loop()
    result, error = None, None
    try:
        with harness._TimeBound(seconds):
            result = fn(server_cls, tmpdir)
    except harness.Interrupted:
        raise
    except BaseException:  # noqa: BLE001 - report and go on with the next server
        error = traceback.format_exc()
    with harness._SignalsDeferred():
        errors = REGISTRY.cleanup()
        harness.close_event_loop()
        leftovers = harness.processes_mentioning(tmpdir)
        harness.kill_all(leftovers)
    if errors and error is None:
        error = "cleanup: " + "; ".join(errors)
    if error is None and os.environ.get("ACCUEIL_KEEP") != "1":
        shutil.rmtree(tmpdir, ignore_errors=True)
    elif error is not None:
        error += f"\n(temp dir kept: {tmpdir})"
    return result, error


class ProsodyNagleOff(harness.ProsodyServer):
    """Prosody with network_settings = { nagle = false } (TCP_NODELAY on its
    sockets): Prosody 0.12 keeps Nagle's algorithm by default, which with
    the delayed ACKs of the component's socket holds back a stanza that
    follows another within about 40 ms."""

    label = "prosody, nagle off"

    def _write_config(self):
        super()._write_config()
        text = self.config_path.read_text()
        self.config_path.write_text("network_settings = { nagle = false }\n" + text)


def main(name, fn, render, seconds=900, extra_servers=()):
    """Run fn on each selected server; render(results) returns the text
    (tables) and the figures for the summary (a dict). Prints the text,
    writes artefacts/bench/<name>.txt and .json. Exit status 0 unless a
    server's run failed."""
    harness.install_cleanup_hooks()
    import logging
    logging.basicConfig(level=logging.CRITICAL, stream=sys.stderr)
    began = time.monotonic()
    load0 = _loadavg()
    aborts0 = tcp_aborts_on_timeout()
    results, failures = {}, {}
    servers = harness.selected_servers()
    servers += [c for c in extra_servers if any(s.name == c.name for s in servers)]
    for server_cls in servers:
        label = getattr(server_cls, "label", server_cls.name)
        if not server_cls.available():
            failures[label] = "not installed"
            continue
        print(f"# {name}: running against {label} ...", flush=True)
        t0 = time.monotonic()
        result, error = _run_one(fn, server_cls, seconds)
        print(f"# {name}: {label} done in {time.monotonic() - t0:.0f} s", flush=True)
        if error:
            failures[label] = error
            print(f"# {name}: {label} FAILED:\n" +
                  "\n".join("#   " + l for l in error.splitlines()), flush=True)
        else:
            results[label] = result
    text, figures = render(results) if results else ("(no results)\n", {})
    elapsed = time.monotonic() - began
    aborts = (tcp_aborts_on_timeout() - aborts0) if aborts0 is not None else "?"
    header = "\n".join([f"accueil benchmark: {name}" + (" (quick)" if quick() else "")]
                       + machine_context() + [
                           f"load average at the start: {load0}",
                           f"TCP connections aborted on timeout during the run "
                           f"(machine-wide): {aborts}",
                           f"run time: {elapsed:.0f} s"]) + "\n\n"
    body = header + text
    for srv, err in failures.items():
        body += f"\n{srv}: FAILED: {err.splitlines()[-1] if err else ''}\n"
    print(body, flush=True)
    d = out_dir()
    (d / f"{name}.txt").write_text(body)
    (d / f"{name}.json").write_text(json.dumps(
        {"name": name, "quick": quick(), "seconds": elapsed, "figures": figures,
         "failed": sorted(failures)}, indent=1, default=str))
    sys.exit(1 if failures else 0)
