#!/usr/bin/python3
"""The engine of scripts/demo (which installs and builds first, then runs
this with Debian's Python).

Starts, in a state directory, a private Prosody (never /etc/prosody nor
the system instance) with the shipped snippet config/prosody.cfg.lua,
the counsellors' accounts, accueild with a demo office, and the demo web
server (scripts/devserver.py: the office's page, the widget and BOSH on
one origin); with --simulate, scripted counsellors too. Stays in the
foreground until Ctrl-C (or --duration), then stops everything it
started, also on errors. --check runs one scripted visitor through the
whole flow and exits 0 or 1.

Every child gets SIGTERM if this process dies, even by SIGKILL
(PR_SET_PDEATHSIG), so nothing outlives the demo.
"""

import argparse
import ctypes
import fcntl
import os
import secrets
import shutil
import signal
import socket
import string
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
sys.path.insert(0, str(HERE))
sys.dont_write_bytecode = True  # no __pycache__ in the source tree

import avatars  # noqa: E402
import visitor  # noqa: E402

PYTHON = "/usr/bin/python3"
PASSWORD = "demo"
STAFF = "ot.example"
COMPONENT = "accueil.ot.example"

# account, persona id, persona name, languages, avatar colour
COUNSELLORS = [
    ("marie", "claire", "Claire", "fr en", (0x1F, 0x7A, 0x8C)),
    ("jordi", "nuria", "Núria", "ca es fr", (0xC0, 0x4B, 0x2A)),
    ("tom", "tomas", "Tomás", "en es", (0x2C, 0x5A, 0xA0)),
]
ADMIN = "direction"
OTHER_AVATARS = {"adam": ("A", (0x6B, 0x72, 0x80)), "cahors": ("OT", (0x6D, 0x1A, 0x36))}

PORTS = [  # key, standard port, what it is
    ("c2s", 5222, "XMPP client port"),
    ("http", 5280, "Prosody's HTTP port (BOSH)"),
    ("component", 5347, "XMPP component port"),
    ("web", 8080, "demo web server"),
]

# What a state directory holds (--fresh empties only such a directory).
STATE_ENTRIES = {"demo.lock", "prosody", "accueild", "devserver.log", "counsellors.log"}

START_TIMEOUT = 30
VISITS_TIMEOUT = 300
STOP_TIMEOUT = 10


class DemoError(Exception):
    """An expected problem: printed as one clear message, no traceback."""


class Stop(Exception):
    """Ctrl-C, SIGTERM or SIGHUP."""


def say(text=""):
    print(text, flush=True)


def warn(text):
    print(f"demo: {text}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------
# Ports


def bindable(port):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def port_open(port):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(1)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def free_port(taken):
    """A free loopback port below the ephemeral range, not in taken."""
    rng = secrets.SystemRandom()
    for _ in range(500):
        port = rng.randint(20000, 32000)
        if port not in taken and bindable(port):
            return port
    raise DemoError("no free port found on 127.0.0.1")


INTERPRETERS = ("lua", "python", "perl", "node", "sh", "bash", "beam")


def holder_of(port):
    """Who listens on port, e.g. 'prosody, pid 123' ('' if unknown)."""
    try:
        out = subprocess.run(["ss", "-H", "-ltnp", f"sport = :{port}"],
                             capture_output=True, text=True, timeout=5).stdout
    except (OSError, subprocess.SubprocessError):
        return ""
    if "pid=" not in out:
        return ""
    pid = out.split("pid=", 1)[1].split(",", 1)[0]
    name = out.split('users:(("', 1)[1].split('"', 1)[0] if 'users:(("' in out else "?"
    try:  # name the program, not its interpreter (prosody runs in lua5.4)
        argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        for arg in argv:
            base = os.path.basename(arg.decode(errors="replace"))
            if base and not base.startswith(INTERPRETERS) and not base.startswith("-"):
                name = base
                break
    except OSError:
        pass
    return f"{name}, pid {pid}"


def choose_ports(policy):
    """{key: port} by policy: 'standard' (fail if busy), 'auto' (random
    free ports) or 'prefer' (standard when free, else a free one)."""
    ports, notes = {}, []
    for key, std, what in PORTS:
        taken = set(ports.values())
        if policy == "auto":
            ports[key] = free_port(taken)
            continue
        if bindable(std) and std not in taken:
            ports[key] = std
            continue
        who = holder_of(std)
        who = f" (used by {who})" if who else ""
        if policy == "standard":
            raise DemoError(f"port {std} ({what}) is busy{who}. Stop what uses it, "
                            "or run scripts/demo --ports auto")
        ports[key] = free_port(taken)
        notes.append(f"port {std} ({what}) is busy{who}: using {ports[key]} instead")
    return ports, notes


# --------------------------------------------------------------------------
# Child processes

_libc = ctypes.CDLL(None, use_errno=True)


def _child_setup():
    """In the child: its own process group (Ctrl-C reaches the demo only,
    which then stops children in order), and SIGTERM if the demo dies."""
    os.setpgid(0, 0)
    _libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


class Child:
    def __init__(self, name, argv, log_path, cwd, env=None):
        self.name = name
        self.argv = [str(a) for a in argv]
        self.log_path = Path(log_path)
        self.cwd = cwd
        self.env = env
        self.proc = None

    def start(self):
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.log_path, "ab") as log:
            log.write(f"\n---- {time.strftime('%Y-%m-%d %H:%M:%S')} "
                      f"{' '.join(self.argv)}\n".encode())
            log.flush()
            try:
                self.proc = subprocess.Popen(
                    self.argv, stdin=subprocess.DEVNULL, stdout=log,
                    stderr=subprocess.STDOUT, cwd=self.cwd, env=self.env,
                    preexec_fn=_child_setup)
            except OSError as exc:
                raise DemoError(f"cannot start {self.name} ({self.argv[0]}): "
                                f"{exc.strerror}") from None
        return self

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def stop(self):
        """SIGTERM, then SIGKILL after STOP_TIMEOUT s; returns (status,
        killed), or (None, False) if it was not running."""
        if self.proc is None or self.proc.poll() is not None:
            return None, False
        self.proc.terminate()
        try:
            return self.proc.wait(STOP_TIMEOUT), False
        except subprocess.TimeoutExpired:
            self.proc.kill()
            return self.proc.wait(5), True

    def tail(self, lines=15):
        """Last lines of the child's log (and of .more_logs, if any)."""
        out = []
        for path in [self.log_path] + getattr(self, "more_logs", []):
            try:
                text = path.read_text(errors="replace")
            except OSError:
                continue
            if out or getattr(self, "more_logs", []):
                out.append(f"({path})")
            out += [line for line in text.splitlines() if line.strip()][-lines:]
        return out


def wait_until(condition, timeout, what, child=None):
    deadline = time.monotonic() + timeout
    while True:
        if condition():
            return
        if child is not None and not child.alive():
            raise DemoError(f"{child.name} stopped during start-up "
                            f"({how_it_ended(child.proc.returncode)}); last lines of "
                            f"{child.log_path}:\n  "
                            + "\n  ".join(child.tail()))
        if time.monotonic() >= deadline:
            extra = ""
            if child is not None:
                extra = (f"; last lines of {child.log_path}:\n  "
                         + "\n  ".join(child.tail()))
            raise DemoError(f"timed out after {timeout} s waiting for {what}{extra}")
        time.sleep(0.1)


def run_checked(argv, timeout, what):
    try:
        proc = subprocess.run([str(a) for a in argv], stdin=subprocess.DEVNULL,
                              capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise DemoError(f"{what}: no answer within {timeout} s") from None
    except OSError as exc:
        raise DemoError(f"{what}: cannot run {argv[0]}: {exc.strerror}") from None
    if proc.returncode != 0:
        raise DemoError(f"{what} failed (status {proc.returncode}):\n"
                        f"{proc.stdout}{proc.stderr}".rstrip())
    return proc


# --------------------------------------------------------------------------
# The demo


class Demo:
    def __init__(self, args):
        self.args = args
        self.state = Path(args.state).resolve()
        self.accueild = os.path.abspath(args.accueild)
        self.children = []
        self.lock = None
        self.began = time.monotonic()

    # ---- state directory ----

    def take_state_dir(self):
        self.state.mkdir(parents=True, exist_ok=True)
        lock_path = self.state / "demo.lock"
        self.lock = open(lock_path, "a+")
        try:
            fcntl.flock(self.lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self.lock.seek(0)
            pid = self.lock.read().strip() or "?"
            self.lock.close()
            self.lock = None
            raise DemoError(f"another scripts/demo (pid {pid}) is running with {self.state}. "
                            "Stop it with Ctrl-C in its terminal, or give this one "
                            "another --state directory") from None
        self.lock.seek(0)
        self.lock.truncate()
        self.lock.write(f"{os.getpid()}\n")
        self.lock.flush()
        if self.args.fresh:
            strangers = [e.name for e in self.state.iterdir() if e.name not in STATE_ENTRIES]
            if strangers:
                raise DemoError(f"{self.state} does not look like a demo state directory "
                                f"(it has {', '.join(sorted(strangers)[:5])}): "
                                "--fresh leaves it alone")
            for entry in self.state.iterdir():
                if entry.name == "demo.lock":
                    continue
                if entry.is_dir() and not entry.is_symlink():
                    shutil.rmtree(entry)
                else:
                    entry.unlink()
        for sub in ("prosody/data", "prosody/certs", "accueild/avatars"):
            (self.state / sub).mkdir(parents=True, exist_ok=True)
        os.chmod(self.state / "accueild", 0o700)

    def secret(self):
        """The component secret: made once, kept in a 0600 file."""
        path = self.state / "accueild" / "component.secret"
        if not path.exists() or not path.read_text().strip():
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w") as out:
                out.write(secrets.token_hex(32) + "\n")
        os.chmod(path, 0o600)
        return path.read_text().strip()

    # ---- Prosody ----

    def write_prosody_config(self, secret):
        pdir = self.state / "prosody"
        text = string.Template((HERE / "prosody.cfg.lua.in").read_text()).substitute(
            snippet=REPO / "config" / "prosody.cfg.lua", dir=pdir, secret=secret,
            c2s_port=self.ports["c2s"], http_port=self.ports["http"],
            component_port=self.ports["component"])
        path = pdir / "prosody.cfg.lua"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(text)
        os.chmod(path, 0o600)  # it holds the secret
        return path

    def create_accounts(self, config):
        """prosodyctl register, for accounts not made by an earlier run."""
        accounts_dir = self.state / "prosody" / "data" / STAFF.replace(".", "%2e") / "accounts"
        wanted = [c[0] for c in COUNSELLORS] + [ADMIN]
        procs = []
        for user in wanted:
            if (accounts_dir / f"{user}.dat").exists():
                continue
            procs.append((user, subprocess.Popen(
                ["prosodyctl", "--config", str(config), "register", user, STAFF, PASSWORD],
                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT, text=True)))
        for user, proc in procs:
            try:
                out, _ = proc.communicate(timeout=60)
            except subprocess.TimeoutExpired:
                proc.kill()
                raise DemoError(f"prosodyctl register {user}: no answer within 60 s") from None
            if proc.returncode != 0:
                raise DemoError(f"prosodyctl register {user}@{STAFF} failed:\n{out}")
        return len(procs)

    def start_prosody(self, config):
        pdir = self.state / "prosody"
        child = Child("Prosody", ["prosody", "--config", config],
                      pdir / "prosody.out", cwd=pdir).start()
        self.children.append(child)
        # what to show on failure: Prosody logs to prosody.log, but
        # configuration errors go to its standard output
        child.log_path = pdir / "prosody.log"
        child.more_logs = [pdir / "prosody.out"]
        ports = (self.ports["c2s"], self.ports["http"], self.ports["component"])
        wait_until(lambda: all(port_open(p) for p in ports), START_TIMEOUT,
                   f"Prosody to listen on {ports}", child)
        self.prosody = child

    # ---- accueild ----

    def write_accueild_config(self):
        adir = self.state / "accueild"
        for account, persona, name, _, colour in COUNSELLORS:
            (adir / "avatars" / f"{persona}.png").write_bytes(
                avatars.avatar_png(name[0], colour))
        for ident, (letters, colour) in OTHER_AVATARS.items():
            (adir / "avatars" / f"{ident}.png").write_bytes(
                avatars.avatar_png(letters, colour))
        text = string.Template((HERE / "accueil.conf.xml.in").read_text()).substitute(
            component_port=self.ports["component"])
        path = adir / "accueil.conf.xml"
        path.write_text(text)
        run_checked([self.accueild, "-n", "-f", path], 30,
                    f"the demo configuration check (accueild -n -f {path})")
        return path

    def start_accueild(self, config):
        adir = self.state / "accueild"
        log = adir / "accueild.log"
        offset = log.stat().st_size if log.exists() else 0
        child = Child("accueild", [self.accueild, "-d", "-f", config], log,
                      cwd=adir).start()
        self.children.append(child)
        line = f"link: connected to 127.0.0.1:{self.ports['component']} as {COMPONENT}"
        wait_until(lambda: line in log_since(log, offset), START_TIMEOUT,
                   "accueild to connect to Prosody", child)
        self.daemon, self.daemon_log, self.daemon_offset = child, log, offset

    # ---- web and counsellors ----

    def start_web(self):
        env = dict(os.environ, ACCUEIL_DEVSERVER_LOG="1")
        child = Child("the demo web server", [
            PYTHON, REPO / "scripts" / "devserver.py", "--port", self.ports["web"],
            "--root", HERE / "site", "--widget", REPO / "widget" / "dist",
            "--bosh", f"http://127.0.0.1:{self.ports['http']}/http-bind"],
            self.state / "devserver.log", cwd=self.state, env=env).start()
        self.children.append(child)
        wait_until(lambda: port_open(self.ports["web"]), START_TIMEOUT,
                   f"the web server on port {self.ports['web']}", child)

    def start_counsellors(self, pace):
        feed = self.state / "counsellors.log"
        offset = feed.stat().st_size if feed.exists() else 0
        specs = [f"{a}:{PASSWORD}:{name}" for a, _, name, _, _ in COUNSELLORS]
        child = Child("the simulated counsellors", [
            PYTHON, HERE / "counsellors.py", "--port", self.ports["c2s"],
            "--pace", pace, *specs], self.state / "counsellors.log",
            cwd=self.state).start()
        self.children.append(child)
        self.counsellors = child
        self.feed_offset = offset
        for account, *_ in COUNSELLORS:
            line = f"staff: {account}@{STAFF} is now available"
            wait_until(lambda: line in log_since(self.daemon_log, self.daemon_offset),
                       START_TIMEOUT, f"{account}@{STAFF} to be seen available", child)

    # ---- whole run ----

    def start(self):
        self.take_state_dir()
        self.ports, notes = choose_ports(self.args.ports)
        for note in notes:
            warn(note)
        secret = self.secret()
        pconf = self.write_prosody_config(secret)
        made = self.create_accounts(pconf)
        if made:
            say(f"demo: created {made} account(s) on {STAFF}")
        aconf = self.write_accueild_config()
        self.start_prosody(pconf)
        self.start_accueild(aconf)
        self.start_web()
        if self.args.simulate:
            self.start_counsellors("fast" if self.args.check else "normal")
        self.ready_seconds = time.monotonic() - self.began

    def stop(self):
        """Stop every child, last started first. Returns problems found."""
        problems = []
        for child in reversed(self.children):
            status, killed = child.stop()
            if killed:
                problems.append(f"{child.name} did not stop on SIGTERM and was killed")
            elif child is getattr(self, "daemon", None) and status not in (0, None):
                problems.append(f"accueild ended with {how_it_ended(status)} on SIGTERM "
                                f"instead of status 0 (see {child.log_path})")
        self.children = []
        if self.lock:
            self.lock.close()
            self.lock = None
        return problems

    def widget_built(self):
        return (REPO / "widget" / "dist" / "accueil-widget.js").is_file()

    def banner(self):
        p = self.ports
        url = f"http://127.0.0.1:{p['web']}/"
        rel = self.state.relative_to(REPO) if REPO in self.state.parents else self.state
        if self.widget_built():
            widget = "widget built"
        elif (REPO / "widget" / "package.json").is_file():
            widget = "widget NOT built: see build/demo/widget-build.log"
        else:
            widget = "widget not in this tree yet: the page says so"
        lines = [
            "",
            f"accueil demo ready in {self.ready_seconds:.1f} s (state kept in {rel}/)",
            "",
            f"  Visitor's page   {url}   ({widget})",
            f"  XMPP server      private Prosody on 127.0.0.1: c2s {p['c2s']}, "
            f"BOSH http://127.0.0.1:{p['http']}/http-bind, component {p['component']}",
            f"  Office desk      cahors@{COMPONENT} (open every day, all day), "
            "robot \"Adam\"",
            "",
            f"Counsellor accounts (password \"{PASSWORD}\"; plain password without TLS, "
            "accepted on 127.0.0.1 only):",
        ]
        for account, persona, name, langs, _ in COUNSELLORS:
            lines.append(f"  {account + '@' + STAFF:22} is \"{name}\" ({langs}) "
                         f"to visitors, persona {persona}@{COMPONENT}")
        lines.append(f"  {ADMIN + '@' + STAFF:22} administrator and supervisor")
        lines += ["", "Try it:",
                  f"  1. Open {url} and ask a question in the chat box."]
        if self.args.simulate:
            lines += [
                "  2. The simulated counsellors (marie, jordi, tom) answer in a few "
                "seconds, in your language,",
                "     then close the chat with /fin: rate it from 1 to 5.",
                f"     What they do is printed below; also in {rel}/counsellors.log.",
            ]
        else:
            lines += [
                "  2. Log in as a counsellor, e.g. with Profanity (apt-get install profanity):",
                "       profanity",
                f"       /connect marie@{STAFF} server 127.0.0.1 port {p['c2s']} tls disable",
                f"       (password: {PASSWORD})",
                f"       /sub allow claire@{COMPONENT}     (once: your persona asks "
                "to see your presence)",
                f"     or Gajim: add the account marie@{STAFF}; in its settings, "
                f"Hostname 127.0.0.1, port {p['c2s']},",
                "     connection type \"Plain\"; accept the subscription request of "
                f"claire@{COMPONENT}.",
                f"  3. An offer arrives from v-...@{COMPONENT} (Profanity: /win N, N as it "
                "says): answer it",
                "     to take the chat; what you write there goes to the visitor as \"Claire\".",
                "     Commands (never sent to the visitor): /aide (the list), /note <texte>,",
                "     /r horaires or /r canoe (canned answers), /transfert ca, /fin (ends it;",
                "     the visitor is asked for a rating). Profanity takes a line starting",
                "     with / as its own command: there, type /msg v-...@accueil.ot.example /fin",
                "  Or run scripts/demo --simulate to have scripted counsellors answer.",
            ]
        lines += [
            "",
            "Logs:",
            f"  {rel}/prosody/prosody.log",
            f"  {rel}/accueild/accueild.log    (database: {rel}/accueild/accueil.db)",
            f"  {rel}/devserver.log",
        ]
        if self.args.simulate:
            lines.append(f"  {rel}/counsellors.log")
        lines += ["", "Stop with Ctrl-C.", ""]
        say("\n".join(lines))

    def watch(self):
        """Foreground until a signal, --duration, or a child's death."""
        feed = self.state / "counsellors.log"
        offset = getattr(self, "feed_offset", 0)
        deadline = time.monotonic() + self.args.duration if self.args.duration else None
        while True:
            for child in self.children:
                if not child.alive():
                    raise DemoError(f"{child.name} stopped unexpectedly "
                                    f"({how_it_ended(child.proc.returncode)}); last lines of "
                                    f"{child.log_path}:\n  " + "\n  ".join(child.tail()))
            if self.args.simulate and feed.exists():
                with open(feed, "rb") as f:
                    f.seek(offset)
                    data = f.read()
                cut = data.rfind(b"\n") + 1
                if cut:
                    offset += cut
                    for line in data[:cut].decode(errors="replace").splitlines():
                        if line.strip() and not line.startswith("---- "):
                            say(f"  counsellors | {line}")
            if deadline and time.monotonic() >= deadline:
                return
            time.sleep(0.5)

    def check(self):
        """The scripted visits of --check; raises DemoError on failure."""
        url = f"http://127.0.0.1:{self.ports['web']}"
        say(f"check: page {url}/")
        page = fetch(url + "/")
        if 'data-office="cahors@accueil.ot.example"' not in page:
            raise DemoError("the demo page has no widget tag for cahors@accueil.ot.example")
        if self.widget_built():
            js = fetch(url + "/widget/accueil-widget.js")
            say(f"check: widget served at {url}/widget/accueil-widget.js ({len(js)} bytes)")
        elif os.environ.get("ACCUEIL_DEMO_WIDGET") == "skip":
            say("check: widget not built (ACCUEIL_DEMO_WIDGET=skip)")
        elif (REPO / "widget" / "package.json").is_file():
            raise DemoError("widget/package.json exists but widget/dist/accueil-widget.js "
                            "was not built (see build/demo/widget-build.log)")
        else:
            say("check: no widget in this tree yet (the page says so)")
        personas = {name: persona for _, persona, name, _, _ in COUNSELLORS}
        never = [f"{a}@{STAFF}" for a, *_ in COUNSELLORS]
        visits = [
            dict(question="Bonjour, où peut-on louer un canoë sur le Lot ?",
                 name="Léa", lang="fr", follow_up="Merci ! Et avec des enfants ?",
                 expect=("Claire", "Núria"), hello="Bonjour Léa"),
            dict(question="Bon dia, quina excursió ens recomaneu a prop de Cahors?",
                 name="Pau", lang="ca", form_lang="ca", follow_up=None,
                 page="/randonnees/",
                 expect=("Núria",), hello="Bon dia, Pau"),
        ]
        # Both visitors at once: a second visitor must get a session of their
        # own while the first one's is open (a shared static buffer once
        # made every visitor "the same" and handed them the first room).
        outcome = {}

        def run(n, spec):
            lines = []
            try:
                outcome[n] = (None, visitor.visit(
                    url, personas=personas, never_see=never, timeout=30,
                    log=lines.append, rating="5 merci !" if spec["follow_up"] else None,
                    **spec), lines)
            except visitor.VisitFailed as exc:
                outcome[n] = (str(exc), None, lines)
            except Exception as exc:  # noqa: BLE001 - reported, never a hang
                outcome[n] = (f"{type(exc).__name__}: {exc}", None, lines)

        checks = []
        for n, spec in enumerate(visits, 1):
            checks.append((n, spec.pop("expect"), spec.pop("hello"), spec["lang"]))
            say(f"check: visitor {n} ({spec['lang']}) through {url}/http-bind")
        threads = [threading.Thread(target=run, args=(n, spec), daemon=True)
                   for n, spec in enumerate(visits, 1)]
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + VISITS_TIMEOUT
        for thread in threads:
            while thread.is_alive() and time.monotonic() < deadline:
                thread.join(0.5)
        for n, expect, hello, lang in checks:
            if n not in outcome:
                raise DemoError(f"visitor {n} did not finish within {VISITS_TIMEOUT} s")
            error, result, lines = outcome[n]
            say(f"check: visitor {n} ({lang}):")
            for line in lines:
                say(line)
            if error:
                raise DemoError(f"visitor {n}: {error}")
            if result["persona"] not in expect:
                raise DemoError(f"visitor {n} was answered by {result['persona']}, "
                                f"expected one of {', '.join(expect)}")
            if not result["answer"].startswith(hello):
                raise DemoError(f"visitor {n}: the answer is not in the visitor's "
                                f"language: {result['answer'][:80]!r}")
            if result["bot"] != "Adam":
                raise DemoError(f"visitor {n}: greeted by {result['bot']!r}, not Adam")
            say(f"check: visitor {n} ok: answered by {result['persona']} in "
                f"{result['seconds']:.1f} s")
        if outcome[1][1]["room"] == outcome[2][1]["room"]:
            raise DemoError("both visitors were invited to the same room")
        # the transcript is in SQLite, with the rating
        import sqlite3
        db = sqlite3.connect(str(self.state / "accueild" / "accueil.db"), timeout=5)
        try:
            rated = db.execute("SELECT count(*) FROM sessions WHERE rating = 5").fetchone()[0]
        finally:
            db.close()
        if rated < 1:
            raise DemoError("no session with the visitor's rating in accueil.db")
        say("check: the rated conversation is in accueil.db")


def how_it_ended(status):
    if status is not None and status < 0:
        try:
            return f"killed by {signal.Signals(-status).name}"
        except ValueError:
            return f"killed by signal {-status}"
    return f"exit status {status}"


def log_since(path, offset):
    try:
        with open(path, "rb") as f:
            f.seek(offset)
            return f.read().decode(errors="replace")
    except OSError:
        return ""


def fetch(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as reply:
            return reply.read().decode(errors="replace")
    except (urllib.error.URLError, OSError) as exc:
        raise DemoError(f"cannot fetch {url}: {exc}") from None


def _raise_stop(signum, frame):
    raise Stop(signal.Signals(signum).name)


def main():
    ap = argparse.ArgumentParser(prog="scripts/demo", description=(
        "Runs the accueil demo: a private Prosody, accueild with a demo office, "
        "and the office's web page with the chat widget."))
    ap.add_argument("--simulate", action="store_true",
                    help="also log in scripted counsellors who answer visitors")
    ap.add_argument("--check", action="store_true",
                    help="start everything (with --simulate), run scripted visitors "
                         "through the whole flow, stop, exit 0 if all went well")
    ap.add_argument("--ports", choices=("prefer", "standard", "auto"),
                    default=os.environ.get("ACCUEIL_DEMO_PORTS"),
                    help="prefer: standard ports (5222, 5280, 5347, 8080) when free, "
                         "else free ones (default); standard: fail if one is busy; "
                         "auto: free ports (default with --check)")
    ap.add_argument("--state", help="state directory (default build/demo-run; "
                                    "with --check a new temporary one)")
    ap.add_argument("--fresh", action="store_true",
                    help="forget accounts, conversations and the secret of earlier runs")
    ap.add_argument("--duration", type=float, default=0,
                    help="stop by itself after this many seconds")
    ap.add_argument("--accueild", default=os.environ.get("ACCUEILD"),
                    help="the daemon binary (scripts/demo builds build/demo/accueild)")
    args = ap.parse_args()
    if args.check:
        args.simulate = True
        args.ports = args.ports or "auto"
    args.ports = args.ports or "prefer"
    if not args.accueild or not os.access(args.accueild, os.X_OK):
        warn(f"no accueild binary at {args.accueild!r}: run scripts/demo, which builds it")
        return 1
    for tool in ("prosody", "prosodyctl"):
        if shutil.which(tool) is None:
            warn(f"{tool} is not installed: apt-get install prosody (scripts/demo does it)")
            return 1
    temp_state = None
    if args.state is None:
        if args.check:
            try:
                (REPO / "build").mkdir(exist_ok=True)
                temp_state = tempfile.mkdtemp(prefix="demo-check-", dir=REPO / "build")
            except OSError:  # a read-only source tree (make distcheck)
                temp_state = tempfile.mkdtemp(prefix="accueil-demo-check-")
            args.state = temp_state
        else:
            args.state = str(REPO / "build" / "demo-run")

    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, _raise_stop)
    demo = Demo(args)
    status, failure, interrupted = 0, None, None
    try:
        demo.start()
        if args.check:
            say(f"check: everything started in {demo.ready_seconds:.1f} s "
                f"(ports {', '.join(f'{k} {v}' for k, v in demo.ports.items())})")
            demo.check()
        else:
            demo.banner()
            demo.watch()
    except Stop as exc:
        interrupted = str(exc)
        say(f"\ndemo: {exc}, stopping")
    except DemoError as exc:
        failure, status = str(exc), 1
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(sig, signal.SIG_IGN)
        started = bool(demo.children)
        problems = demo.stop()
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(sig, signal.SIG_DFL)
    if failure:
        warn(failure)
    for problem in problems:
        warn(problem)
    if args.check:
        total = time.monotonic() - demo.began
        if interrupted:
            status = 1
            say(f"check: INTERRUPTED ({interrupted}) after {total:.1f} s; "
                f"logs kept in {args.state}")
        elif status == 0 and not problems:
            if temp_state:
                shutil.rmtree(temp_state, ignore_errors=True)
            say(f"check: PASSED in {total:.1f} s (everything stopped)")
        else:
            status = 1
            say(f"check: FAILED after {total:.1f} s; logs kept in {args.state}")
    elif started:
        say("demo: stopped everything it had started"
            + (f"; logs in {args.state}" if status or problems else ""))
    return status


if __name__ == "__main__":
    sys.exit(main())
