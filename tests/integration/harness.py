"""Integration-test harness for accueil.

Starts a private Prosody or ejabberd on free loopback ports in a temporary
directory, the accueild daemon with a generated configuration, XMPP clients
(slixmpp) with a synchronous API, and runs test functions as TAP.

Run test files with Debian's Python (/usr/bin/python3), which has slixmpp.
Only the standard library and slixmpp are used.

Both servers expose the same layout (see config/prosody.cfg.lua and
config/ejabberd.yml, which the server configurations include):

    ot.example           staff accounts, plaintext login over loopback
    visit.ot.example     SASL ANONYMOUS, BOSH at .bosh_url
    salons.ot.example    MUC; only the component domain creates rooms
    accueil.ot.example   the external component (XEP-0114), .component_port

A test is a function ``test_xxx(server_cls, tmpdir)``; ``run(tests)`` runs
each one once per selected server, each time in a fresh temp directory where
the test starts its own server (``server_cls(tmpdir).start()``). Whatever a
test starts (servers, daemons, clients) is stopped when it ends, passed or
failed, and on SIGINT, SIGTERM or interpreter exit. Prosody and the daemon
also get SIGTERM if the harness is killed outright (PR_SET_PDEATHSIG);
ejabberd's detached VM cannot, so kill -9 of a run may leave one behind
(its command line names the run's temp directory).

Environment:
    ACCUEIL_SERVERS          servers to run against (default "prosody,ejabberd")
    ACCUEILD                 path of the daemon (default <repo>/accueild)
    ACCUEIL_VALGRIND=1       run the daemon under valgrind (timeouts x4)
    ACCUEIL_TEST_TIMEOUT     seconds allowed per test (default 180)
    ACCUEIL_SERVER_LOGLEVEL  log level of the servers (default "info")
    ACCUEIL_DEBUG=1          slixmpp debug logging on stderr
    ACCUEIL_KEEP=1           keep temp directories of passing tests too

Command line of a test file: test names (or parts of names) to run only those.
"""

import asyncio
import atexit
import ctypes
import logging
import os
import random
import re
import secrets
import shutil
import signal
import socket
import string
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.request
import xml.etree.ElementTree as ET
from pathlib import Path
from xml.sax.saxutils import quoteattr

import slixmpp
from slixmpp.exceptions import IqError, IqTimeout

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent

STAFF_DOMAIN = "ot.example"
VISIT_DOMAIN = "visit.ot.example"
MUC_DOMAIN = "salons.ot.example"
COMPONENT_DOMAIN = "accueil.ot.example"

VALGRIND = os.environ.get("ACCUEIL_VALGRIND") == "1"
# Everything the daemon does is slower under valgrind.
DAEMON_TIME_FACTOR = 4 if VALGRIND else 1

LOG_TAIL_LINES = 40


class HarnessError(Exception):
    """Something the harness needs could not be set up or torn down."""


class LoginError(HarnessError):
    """An XMPP client or component could not connect or authenticate."""


class Interrupted(KeyboardInterrupt):
    """SIGINT or SIGTERM arrived. A KeyboardInterrupt so that asyncio and
    slixmpp callbacks let it through instead of logging it."""


class TestTimeout(KeyboardInterrupt):
    """The test ran past its time bound (a KeyboardInterrupt, see above)."""


# --------------------------------------------------------------------------
# Small utilities


def free_ports(count, exclude=()):
    """Return `count` distinct TCP ports free on 127.0.0.1, none of them in
    `exclude`.

    Ports are drawn below Linux's ephemeral range (32768 and up) so that an
    outgoing connection cannot take one between two runs of a server.
    """
    ports = []
    for _ in range(2000):
        if len(ports) == count:
            return ports
        port = random.randint(20000, 32000)
        if port not in ports and port not in exclude and _port_bindable(port):
            ports.append(port)
    raise HarnessError("no free loopback port found")


def _port_bindable(port):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def port_open(port):
    """True if something accepts TCP connections on 127.0.0.1:port."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(1)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def wait_until(condition, timeout, what, interval=0.1):
    """Call `condition` until it returns a true value, at most `timeout`
    seconds; return that value or raise TimeoutError naming `what`. Clients
    keep processing their traffic in between (see pause())."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise TimeoutError(f"timed out after {timeout} s waiting for {what}")
        pause(interval)


def tail(path, lines=LOG_TAIL_LINES):
    """Last `lines` lines of a text file, or a note if it cannot be read."""
    try:
        text = Path(path).read_text(errors="replace")
    except OSError as exc:
        return [f"({path}: {exc.strerror})"]
    return text.splitlines()[-lines:]


def render(template_name, **values):
    """Fill tests/integration/<template_name> ($name placeholders)."""
    text = (HERE / template_name).read_text()
    return string.Template(text).substitute(values)


def processes_mentioning(text):
    """PIDs of processes (other than this one) whose command line contains
    `text`, e.g. a run's temp directory."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ")
        except OSError:
            continue
        if text.encode() in cmdline:
            pids.append(int(entry.name))
    return pids


def kill_all(pids, sig=signal.SIGKILL):
    """Send `sig` to each pid, ignoring those already gone."""
    for pid in pids:
        try:
            os.kill(pid, sig)
        except ProcessLookupError:
            pass


_libc = ctypes.CDLL(None, use_errno=True)
_PR_SET_PDEATHSIG = 1


def _die_with_parent():
    """preexec_fn: the child gets SIGTERM if the harness dies, even by
    SIGKILL, so no server or daemon outlives a killed test run."""
    _libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


def _spawn(argv, log_path, cwd, env=None):
    """Start a child process with stdout and stderr appended to log_path."""
    with open(log_path, "ab") as log:
        return subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=log,
                                stderr=subprocess.STDOUT, cwd=cwd, env=env,
                                preexec_fn=_die_with_parent)


def _terminate(proc, timeout):
    """SIGTERM `proc`, wait up to `timeout` s, then SIGKILL. Returns
    (returncode, True if it had to be killed)."""
    if proc.poll() is not None:
        return proc.returncode, False
    proc.terminate()
    try:
        return proc.wait(timeout), False
    except subprocess.TimeoutExpired:
        proc.kill()
        return proc.wait(10), True


# --------------------------------------------------------------------------
# What a test started, so that it is always stopped


class _Registry:
    """Everything started during the current test, in start order.

    Each item has `cleanup(check)` (stop it; with check, raise if it did not
    end well) and `diagnostics()` (lines worth printing when the test
    failed). Servers, daemons and clients register themselves.
    """

    ORDER = ("client", "daemon", "server")

    def __init__(self):
        self.items = []

    def add(self, item):
        self.items.append(item)

    def clear(self):
        self.items = []

    def cleanup(self, check=False):
        """Stop everything: clients first, servers last. Returns the list of
        error messages (cleanup itself never raises)."""
        errors = []
        for kind in self.ORDER:
            for item in [i for i in self.items if i.kind == kind]:
                try:
                    item.cleanup(check)
                except Exception as exc:  # noqa: BLE001 - report them all
                    errors.append(f"{item!r}: {exc}")
        return errors

    def diagnostics(self):
        lines = []
        for item in self.items:
            lines.extend(item.diagnostics())
        return lines


REGISTRY = _Registry()
_hooks_installed = False


def _on_signal(signum, frame):
    raise Interrupted(f"interrupted by signal {signum}")


def _cleanup_at_exit():
    REGISTRY.cleanup()


def install_cleanup_hooks():
    """Stop whatever a test started on interpreter exit, SIGINT and SIGTERM.
    Idempotent; servers call it when they start."""
    global _hooks_installed
    if _hooks_installed:
        return
    _hooks_installed = True
    atexit.register(_cleanup_at_exit)
    signal.signal(signal.SIGINT, _on_signal)
    signal.signal(signal.SIGTERM, _on_signal)


class _SignalsDeferred:
    """Context manager: SIGINT/SIGTERM are remembered instead of raised, so
    that cleanup runs to its end; `.received` tells whether one came."""

    def __enter__(self):
        self.received = None
        self._old = {s: signal.signal(s, self._remember)
                     for s in (signal.SIGINT, signal.SIGTERM)}
        return self

    def _remember(self, signum, frame):
        self.received = signum

    def __exit__(self, *exc):
        for signum, handler in self._old.items():
            signal.signal(signum, handler)
        return False


# --------------------------------------------------------------------------
# XMPP servers


class XmppServer:
    """A private XMPP server for one test: ports, secret, paths.

    Subclasses implement _launch(), _stop_processes(), _register(). The
    layout (domains) is the same for both servers, see the module docstring.
    """

    name = None
    kind = "server"
    staff_domain = STAFF_DOMAIN
    visit_domain = VISIT_DOMAIN
    muc_domain = MUC_DOMAIN
    component_domain = COMPONENT_DOMAIN

    # the shipped snippet the configuration includes (under REPO/config)
    snippet_name = None

    def __init__(self, tmpdir, snippet=None):
        """`snippet`, if given, is the path of a file included instead of
        the shipped config/<snippet_name> (a test's modified copy, e.g.
        without room archiving); by default the shipped one."""
        self.tmpdir = Path(tmpdir)
        self.snippet = Path(snippet) if snippet else REPO / "config" / self.snippet_name
        self.dir = self.tmpdir / self.name
        self.dir.mkdir(parents=True, exist_ok=False)
        self.c2s_port, self.component_port, self.http_port = free_ports(3)
        self.secret = secrets.token_hex(16)
        self.loglevel = os.environ.get("ACCUEIL_SERVER_LOGLEVEL", "info")
        self.running = False
        self.start_seconds = None
        self.stop_seconds = None
        REGISTRY.add(self)

    def __repr__(self):
        return f"<{self.name} c2s={self.c2s_port} component={self.component_port}>"

    @classmethod
    def available(cls):
        """True if this server is installed on the machine."""
        raise NotImplementedError

    @property
    def bosh_url(self):
        return f"http://127.0.0.1:{self.http_port}/http-bind"

    def start(self):
        """Write the configuration (from the current .secret and ports) and
        start the server; return self once all its ports accept
        connections."""
        install_cleanup_hooks()
        began = time.monotonic()
        self.running = True  # from now on stop() has something to do
        self._launch()
        self.start_seconds = time.monotonic() - began
        return self

    def stop(self):
        """Stop the server and every process it started (bounded)."""
        if not self.running:
            return
        began = time.monotonic()
        try:
            self._stop_processes()
        finally:
            self.running = False
            leftovers = processes_mentioning(str(self.dir))
            kill_all(leftovers)
        self.stop_seconds = time.monotonic() - began
        if leftovers:
            raise HarnessError(f"{self.name}: killed leftover processes {leftovers}")

    def restart(self):
        """Stop, then start again on the same ports with the same data."""
        self.stop()
        return self.start()

    def create_user(self, user, password, host=STAFF_DOMAIN):
        """Create the account user@host (ot.example by default); return its
        bare JID."""
        self._register(user, host, password)
        return f"{user}@{host}"

    def cleanup(self, check=False):
        self.stop()

    def diagnostics(self):
        lines = [f"--- {self.name} log {self.log_path} (last {LOG_TAIL_LINES} lines)"]
        lines += tail(self.log_path)
        out = tail(self.out_path, 10)
        if any(out):
            lines += [f"--- {self.name} output {self.out_path}"] + out
        return lines

    def _wait_listening(self, timeout, alive):
        """Wait until the c2s, component and HTTP ports accept connections,
        failing early if alive() turns false."""
        ports = (self.c2s_port, self.component_port, self.http_port)

        def ready():
            if not alive():
                raise HarnessError(f"{self.name} exited during start-up, "
                                   f"see {self.log_path}")
            return all(port_open(p) for p in ports)

        wait_until(ready, timeout, f"{self.name} ports {ports}")


class ProsodyServer(XmppServer):
    """Prosody 0.12 in the foreground, as root, all state in tmpdir/prosody.

    The configuration (prosody.cfg.lua.in) includes config/prosody.cfg.lua.
    """

    name = "prosody"
    snippet_name = "prosody.cfg.lua"

    def __init__(self, tmpdir, snippet=None):
        super().__init__(tmpdir, snippet)
        self.config_path = self.dir / "prosody.cfg.lua"
        self.log_path = self.dir / "prosody.log"
        self.out_path = self.dir / "prosody.out"
        self.proc = None
        (self.dir / "data").mkdir()
        (self.dir / "certs").mkdir()

    @classmethod
    def available(cls):
        return shutil.which("prosody") is not None

    def _write_config(self):
        self.config_path.write_text(render(
            "prosody.cfg.lua.in",
            snippet=self.snippet, dir=self.dir,
            loglevel=self.loglevel, secret=self.secret,
            c2s_port=self.c2s_port, component_port=self.component_port,
            http_port=self.http_port))

    def _launch(self):
        self._write_config()
        self.proc = _spawn(["prosody", "--config", str(self.config_path)],
                           self.out_path, cwd=self.dir)
        self._wait_listening(20, alive=lambda: self.proc.poll() is None)

    def _stop_processes(self):
        if self.proc is not None:
            _terminate(self.proc, 10)

    def _register(self, user, host, password):
        _checked_run(["prosodyctl", "--config", str(self.config_path),
                      "register", user, host, password], 30)


def ejabberd_snippet(path, component_port, http_port, secret):
    """The ejabberd snippet at path with these ports and secret in place
    of the shipped ones (each expected exactly once)."""
    text = Path(path).read_text()
    for old, new in (("port: 5347", f"port: {component_port}"),
                     ("port: 5285", f"port: {http_port}"),
                     ('password: "CHANGE-ME-to-a-long-random-secret"',
                      f'password: "{secret}"')):
        if text.count(old) != 1:
            raise HarnessError(f"{path}: expected {old!r} once")
        text = text.replace(old, new)
    return text


class EjabberdServer(XmppServer):
    """ejabberd 23 started with ejabberdctl on a private node, all state in
    tmpdir/ejabberd (owned by the ejabberd user, as ejabberdctl runs as it),
    stopped with SIGTERM to its VM.

    Erlang distribution uses a fixed loopback port (ERL_DIST_PORT) instead of
    epmd, so no epmd daemon is started or shared with other runs. The
    configuration (ejabberd.yml.in) includes a copy of config/ejabberd.yml.
    """

    name = "ejabberd"
    snippet_name = "ejabberd.yml"
    USER = "ejabberd"

    def __init__(self, tmpdir, snippet=None):
        super().__init__(tmpdir, snippet)
        (self.dist_port,) = free_ports(
            1, exclude=(self.c2s_port, self.component_port, self.http_port))
        self.node = f"accueil{secrets.token_hex(4)}@localhost"
        self.cookie = secrets.token_hex(16)
        self.config_path = self.dir / "ejabberd.yml"
        self.log_path = self.dir / "logs" / "ejabberd.log"
        self.out_path = self.dir / "ejabberdctl.out"
        for sub in ("spool", "logs"):
            (self.dir / sub).mkdir()

    @classmethod
    def available(cls):
        return shutil.which("ejabberdctl") is not None

    def _write_config(self):
        snippet = self.dir / "accueil.yml"
        snippet.write_text(self._snippet_for_test())
        self.config_path.write_text(render(
            "ejabberd.yml.in", snippet=snippet, loglevel=self.loglevel,
            c2s_port=self.c2s_port))
        (self.dir / "ejabberdctl.cfg").write_text(
            f"ERL_DIST_PORT={self.dist_port}\n"
            'ERL_OPTIONS="-env ERL_CRASH_DUMP_BYTES 0'
            " -kernel inet_dist_use_interface {127,0,0,1}"
            f' -setcookie {self.cookie}"\n')
        (self.dir / "inetrc").write_text(
            '{lookup,["file","native"]}.\n'
            '{host,{127,0,0,1}, ["localhost"]}.\n')
        self._give_to_ejabberd()

    def _snippet_for_test(self):
        """config/ejabberd.yml (or the snippet given) with this run's ports
        and secret."""
        return ejabberd_snippet(self.snippet, self.component_port,
                                self.http_port, self.secret)

    def _give_to_ejabberd(self):
        """ejabberdctl runs as the ejabberd user: let it reach and own dir."""
        os.chmod(self.tmpdir, 0o711)
        shutil.chown(self.dir, self.USER, self.USER)
        for root, dirs, files in os.walk(self.dir):
            for entry in dirs + files:
                shutil.chown(os.path.join(root, entry), self.USER, self.USER)

    def _ctl(self, *args, timeout=60):
        """Run ejabberdctl against this node; return the CompletedProcess."""
        argv = ["ejabberdctl", "--config-dir", str(self.dir),
                "--config", str(self.config_path),
                "--spool", str(self.dir / "spool"),
                "--logs", str(self.dir / "logs"), "--node", self.node, *args]
        proc = subprocess.run(argv, stdin=subprocess.DEVNULL,
                              capture_output=True, text=True, timeout=timeout)
        with open(self.out_path, "a") as out:
            out.write(f"$ ejabberdctl {' '.join(args[:1])} -> {proc.returncode}\n"
                      f"{proc.stdout}{proc.stderr}")
        return proc

    def _keep_previous_log(self):
        """ejabberd starts a new log file: keep the previous run's beside."""
        if self.log_path.exists() and self.log_path.stat().st_size:
            runs = len(list(self.log_path.parent.glob("ejabberd.log.*")))
            self.log_path.rename(f"{self.log_path}.{runs + 1}")

    def _launch(self):
        self._write_config()
        self._keep_previous_log()
        started = self._ctl("start", timeout=30)
        if started.returncode != 0:
            raise HarnessError(f"ejabberdctl start failed: {started.stdout}{started.stderr}")
        launched = time.monotonic()
        # The detached beam may take a moment to appear in /proc.
        self._wait_listening(
            40, alive=lambda: self._beam_pids() or time.monotonic() - launched < 5)
        wait_until(lambda: self._ctl("status", timeout=30).returncode == 0,
                   20, "ejabberdctl status", interval=0.5)

    def _beam_pids(self):
        return processes_mentioning(str(self.dir / "spool"))

    def _stop_processes(self):
        """SIGTERM makes the Erlang VM stop ejabberd cleanly (init:stop/0,
        the same log lines as `ejabberdctl stop`) in about a second, without
        starting a second VM for ejabberdctl."""
        kill_all(self._beam_pids(), signal.SIGTERM)
        try:
            wait_until(lambda: not self._beam_pids(), 20, "ejabberd to exit")
        except TimeoutError:
            kill_all(self._beam_pids())

    def _register(self, user, host, password):
        proc = self._ctl("register", user, host, password)
        if proc.returncode != 0:
            raise HarnessError(f"ejabberdctl register {user}@{host}: "
                               f"{proc.stdout}{proc.stderr}")


SERVERS = {cls.name: cls for cls in (ProsodyServer, EjabberdServer)}


def _checked_run(argv, timeout):
    """Run a command; raise HarnessError with its output if it fails."""
    proc = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True,
                          text=True, timeout=timeout)
    if proc.returncode != 0:
        raise HarnessError(f"{' '.join(argv[:1])} failed ({proc.returncode}): "
                           f"{proc.stdout}{proc.stderr}")
    return proc


# --------------------------------------------------------------------------
# The daemon


DEFAULT_OFFICE = """\
  <office id="cahors" name="Office de tourisme de Cahors" timezone="Europe/Paris"
          languages="fr en es ca" default-lang="fr" fallback-langs="en fr"
          answer-delay="24" offer-size="2" offer-timeout="45" alert-delay="120"
          max-wait="600" bot="adam">
    <hours days="mon-sun" open="00:00" close="24:00"/>
  </office>"""


class Accueild:
    """The accueild daemon for one test, in tmpdir/<name>.

    The configuration is written from the server's ports (and secret, unless
    `secret` is given) with one office, cahors, open 24/7; `office_xml`
    replaces that office, `extra_xml` (a string or a list of strings) is
    added inside <accueil> (more offices, counsellors...). The secret file
    is written with mode 0600. stdout and stderr go to .log_path.
    """

    kind = "daemon"

    def __init__(self, server, tmpdir, extra_xml="", office_xml=None,
                 secret=None, name="accueild", reconnect_max=2):
        self.server = server
        self.dir = Path(tmpdir) / name
        self.dir.mkdir(parents=True, exist_ok=False)
        self.conf_path = self.dir / "accueil.conf.xml"
        self.secret_path = self.dir / "component.secret"
        self.log_path = self.dir / "accueild.log"
        self.log_path.touch()
        self.binary = os.environ.get("ACCUEILD", str(REPO / "accueild"))
        self.proc = None
        self._offset = 0
        self.reconnect_max = reconnect_max
        self.write_config(extra_xml, office_xml)
        self.write_secret(server.secret if secret is None else secret)
        REGISTRY.add(self)

    def __repr__(self):
        return f"<accueild {self.conf_path}>"

    @property
    def connected_line(self):
        """The log line (a regex) saying the component link is up."""
        return re.escape(f"link: connected to 127.0.0.1:{self.server.component_port}"
                         f" as {self.server.component_domain}")

    def write_config(self, extra_xml="", office_xml=None):
        """(Re)write accueil.conf.xml; call hup() to make a running daemon
        reload it."""
        if not isinstance(extra_xml, str):
            extra_xml = "\n".join(extra_xml)
        self.conf_path.write_text(render(
            "accueil.conf.xml.in",
            component_port=self.server.component_port,
            component_domain=self.server.component_domain,
            muc_domain=self.server.muc_domain,
            staff_domain=self.server.staff_domain,
            reconnect_max=self.reconnect_max,
            office=DEFAULT_OFFICE if office_xml is None else office_xml,
            extra=extra_xml))

    def write_secret(self, secret):
        """Write the component secret file, mode 0600."""
        fd = os.open(self.secret_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(secret + "\n")
        os.chmod(self.secret_path, 0o600)

    def argv(self):
        """The command line, with valgrind in front if ACCUEIL_VALGRIND=1."""
        argv = [self.binary, "-d", "-f", str(self.conf_path)]
        if VALGRIND:
            argv = ["valgrind", "--error-exitcode=99", "--leak-check=full"] + argv
        return argv

    def start(self, wait=True, env=None):
        """Start the daemon. With wait, return once it logged that the
        component link is connected (else right away). `env`, if given,
        adds variables to the daemon's environment for this start only
        (e.g. the test hooks ACCUEIL_TEST_*). Returns self."""
        if not os.access(self.binary, os.X_OK):
            raise HarnessError(f"no accueild binary at {self.binary} "
                               "(build it, or set ACCUEILD)")
        if self.running():
            raise HarnessError("accueild is already running")
        install_cleanup_hooks()
        child_env = None
        if env:
            child_env = dict(os.environ)
            child_env.update({k: str(v) for k, v in env.items()})
        self.proc = _spawn(self.argv(), self.log_path, cwd=self.dir,
                           env=child_env)
        if wait:
            self.wait_log(self.connected_line, timeout=20)
        return self

    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def stop(self, check=True, timeout=10):
        """SIGTERM, wait up to `timeout` s (times the valgrind factor), then
        SIGKILL. Returns the exit status. With check, raise HarnessError if
        the daemon had to be killed or did not exit with status 0 (valgrind
        errors give 99)."""
        if self.proc is None:
            return None
        rc, killed = _terminate(self.proc, timeout * DAEMON_TIME_FACTOR)
        self.proc = None
        if check and (killed or rc != 0):
            why = "did not exit on SIGTERM" if killed else f"exited with status {rc}"
            if rc == 99 and VALGRIND:
                why += " (valgrind found errors)"
            raise HarnessError(f"accueild {why}\n" + "\n".join(self.log_tail()))
        return rc

    def kill9(self):
        """SIGKILL the daemon (a crash, as far as everyone else can tell)."""
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait(10)
            self.proc = None

    def hup(self):
        """Send SIGHUP (reload the configuration)."""
        if not self.running():
            raise HarnessError("accueild is not running")
        self.proc.send_signal(signal.SIGHUP)

    def log_text(self):
        return self.log_path.read_text(errors="replace")

    def log_tail(self, lines=LOG_TAIL_LINES):
        return tail(self.log_path, lines)

    def mark_log(self):
        """Make the next wait_log() look only at lines logged from now on."""
        self._offset = len(self.log_text())

    def wait_log(self, regex, timeout=10, from_start=False):
        """Wait until the log matches `regex` (multiline: ^ is a line start).

        Looks from the end of the previous match (or mark_log()), or from
        the start of the log with from_start. Returns the re.Match (its
        positions are in the whole log) and remembers where it ended.
        Raises TimeoutError with the last 40 log lines, early if the daemon
        exited.
        """
        pattern = re.compile(regex, re.MULTILINE)
        start = 0 if from_start else self._offset
        timeout *= DAEMON_TIME_FACTOR
        deadline = time.monotonic() + timeout
        while True:
            match = pattern.search(self.log_text(), start)
            if match:
                self._offset = match.end()
                return match
            exited = self.proc is not None and self.proc.poll() is not None
            if exited or time.monotonic() >= deadline:
                why = (f"accueild exited with status {self.proc.returncode}"
                       if exited else f"{timeout} s passed")
                raise TimeoutError(f"log never matched {regex!r} ({why}); last lines:\n"
                                   + "\n".join(self.log_tail()))
            pause(0.05)

    def cleanup(self, check=False):
        self.stop(check=check)

    def diagnostics(self):
        return ([f"--- accueild log {self.log_path} (last {LOG_TAIL_LINES} lines)"]
                + self.log_tail())


# --------------------------------------------------------------------------
# XMPP clients on slixmpp, driven synchronously


_loop = None


def event_loop():
    """The asyncio loop every client of the current test runs on."""
    global _loop
    if _loop is None or _loop.is_closed():
        _loop = asyncio.new_event_loop()
        asyncio.set_event_loop(_loop)
    return _loop


def close_event_loop():
    """Close the current loop (the runner calls it after each test)."""
    global _loop
    if _loop is not None and not _loop.is_closed():
        for task in asyncio.all_tasks(_loop):
            task.cancel()
        _loop.run_until_complete(asyncio.sleep(0))
        _loop.close()
    _loop = None


def pump(seconds):
    """Let every client process network traffic for `seconds`."""
    event_loop().run_until_complete(asyncio.sleep(seconds))


def pause(seconds):
    """Sleep `seconds`; if clients exist, they process traffic meanwhile
    (a test waiting for a log line must not leave them deaf)."""
    if _loop is not None and not _loop.is_closed():
        pump(seconds)
    else:
        time.sleep(seconds)


def _wait_future(future, timeout, what):
    """Run the loop until `future` is done (return its result, or raise its
    exception) or `timeout` s pass (raise TimeoutError). The future is not
    cancelled on timeout."""
    loop = event_loop()
    loop.run_until_complete(asyncio.wait([future], timeout=timeout))
    if not future.done():
        raise TimeoutError(f"timed out after {timeout} s waiting for {what}")
    return future.result()


def _resolve(future, value=True, error=None):
    if not future.done():
        if error is None:
            future.set_result(value)
        else:
            future.set_exception(error)


def _parse_fragments(xml_text):
    """Parse one or more sibling XML elements; each must carry its xmlns."""
    wrapper = ET.fromstring(f"<wrapper>{xml_text}</wrapper>")
    return list(wrapper)


class _Endpoint:
    """What clients and components share: a slixmpp stream, a record of
    every stanza received, and synchronous send/wait helpers.

    .received  XML text of every element received on the stream, in order
               (stanzas, and stream features, SASL and errors too)
    .stanzas   the message, presence and iq stanzas as slixmpp objects
    """

    kind = "client"
    default_from = None

    def __init__(self, xmpp):
        self.xmpp = xmpp
        self.xmpp.loop = event_loop()
        # Disco (so reply["disco_info"] parses, and we answer disco like a
        # real client) and ping (answered).
        xmpp.register_plugin("xep_0030")
        xmpp.register_plugin("xep_0199")
        self.received = []
        self.stanzas = []
        self._waiter = None
        self.xmpp.add_filter("in", self._record)
        REGISTRY.add(self)

    def _record(self, stanza):
        self.received.append(str(stanza))
        if isinstance(stanza, (slixmpp.Message, slixmpp.Presence, slixmpp.Iq)):
            self.stanzas.append(stanza)
        if self._waiter is not None:
            _resolve(self._waiter)
        return stanza

    def mark(self):
        """Index to pass as `since` to wait_for() to ignore what came before."""
        return len(self.stanzas)

    def wait_for(self, predicate, timeout=10, since=0):
        """Return the first stanza received (from index `since` on, i.e.
        since connect by default) for which predicate(stanza) is true,
        waiting up to `timeout` s for it. A string predicate matches a
        stanza whose XML contains it. Raises TimeoutError."""
        if isinstance(predicate, str):
            needle = predicate
            predicate = lambda stanza: needle in str(stanza)  # noqa: E731
        deadline = time.monotonic() + timeout
        index = since
        while True:
            while index < len(self.stanzas):
                stanza = self.stanzas[index]
                index += 1
                if predicate(stanza):
                    return stanza
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                last = "\n".join(self.received[-5:]) or "(nothing)"
                raise TimeoutError(f"{self!r}: no matching stanza within {timeout} s;"
                                   f" last received:\n{last}")
            self._waiter = event_loop().create_future()
            try:
                _wait_future(self._waiter, remaining, "a stanza")
            except TimeoutError:
                pass
            finally:
                self._waiter = None

    def never_received(self, text):
        """True if no stanza received so far contains `text`."""
        return not any(text in xml for xml in self.received)

    def iq(self, to, xml_payload=None, type="get", timeout=10, sender=None):
        """Send an IQ with the given payload (XML text) and return the reply
        stanza, result or error alike. Raises TimeoutError without reply."""
        iq = self.xmpp.Iq()
        iq["to"] = to
        iq["type"] = type
        if sender or self.default_from:
            iq["from"] = sender or self.default_from
        if xml_payload:
            for element in _parse_fragments(xml_payload):
                iq.append(element)
        future = iq.send(timeout=timeout)
        try:
            return _wait_future(future, timeout + 1, f"reply to iq {iq['id']}")
        except IqError as exc:
            return exc.iq
        except IqTimeout:
            raise TimeoutError(f"no reply to iq {iq['id']} from {to}") from None

    def send_message(self, to, body, extra_xml=None, type="chat", lang=None,
                     sender=None):
        """Send a message (body may be None) with optional extra child
        elements (XML text, each with its xmlns). Returns its id."""
        msg = self.xmpp.make_message(mto=to, mbody=body, mtype=type,
                                     mfrom=sender or self.default_from)
        msg["id"] = self.xmpp.new_id()
        if lang:
            msg["lang"] = lang
        if extra_xml:
            for element in _parse_fragments(extra_xml):
                msg.append(element)
        msg.send()
        self.flush()
        return msg["id"]

    def send_presence(self, to=None, type=None, show=None, status=None,
                      priority=None, extra_xml=None, sender=None):
        """Send a presence (available by default)."""
        pres = self.xmpp.make_presence(pshow=show, pstatus=status,
                                       ppriority=priority, pto=to, ptype=type,
                                       pfrom=sender or self.default_from)
        if extra_xml:
            for element in _parse_fragments(extra_xml):
                pres.append(element)
        pres.send()
        self.flush()

    def send_raw(self, xml_text):
        """Send text as is on the stream (for malformed-input tests)."""
        self.xmpp.send_raw(xml_text)
        self.flush()

    def flush(self, timeout=5):
        """Run the loop until everything queued has been written."""
        try:
            _wait_future(asyncio.ensure_future(self.xmpp.waiting_queue.join()),
                         timeout, "the send queue to drain")
        except TimeoutError:
            pass

    def connected(self):
        return self.xmpp.is_connected()

    def disconnect(self, timeout=5):
        """Close the stream politely, at most `timeout` s, then abort."""
        if not self.xmpp.is_connected():
            self.xmpp.cancel_connection_attempt()
            return
        gone = self.xmpp.disconnected
        self.xmpp.disconnect(wait=min(2, timeout))
        try:
            _wait_future(gone, timeout, "disconnection")
        except TimeoutError:
            self.xmpp.abort()

    def cleanup(self, check=False):
        self.xmpp.cancel_connection_attempt()
        if self.xmpp.is_connected():
            self.xmpp.abort()

    def diagnostics(self):
        return [f"--- {self!r}: last stanzas received"] + self.received[-5:]

    def _wait_session(self, timeout):
        """Wait for session_start; on failure, stop connecting and raise."""
        session = event_loop().create_future()
        self.xmpp.add_event_handler("session_start", lambda _: _resolve(session))
        self.xmpp.add_event_handler("failed_all_auth", lambda _: _resolve(
            session, error=LoginError(f"{self!r}: authentication failed")))
        self.xmpp.add_event_handler("connection_failed", lambda e: _resolve(
            session, error=LoginError(f"{self!r}: cannot connect: {e}")))
        self.xmpp.add_event_handler("disconnected", lambda e: _resolve(
            session, error=LoginError(f"{self!r}: disconnected ({e})")))
        try:
            _wait_future(session, timeout, f"{self!r} to log in")
        except (LoginError, TimeoutError):
            self.cleanup()
            raise


class Client(_Endpoint):
    """An XMPP client connected to the server's c2s port without TLS.

    Client(server, "marie@ot.example", "pw") logs in a staff account (a bare
    local part gets @ot.example); Client(server, anonymous=True) logs in
    anonymously to visit.ot.example. The constructor returns once the
    session started (and the initial presence was sent, if `presence`).
    .jid is the full bound JID.
    """

    def __init__(self, server, jid=None, password=None, anonymous=False,
                 presence=True, timeout=10, lang="en"):
        if anonymous:
            jid, password = server.visit_domain, ""
        elif jid is None:
            raise ValueError("Client needs a jid, or anonymous=True")
        elif "@" not in jid:
            jid = f"{jid}@{server.staff_domain}"
        self.server = server
        xmpp = slixmpp.ClientXMPP(jid, password or "", lang=lang)
        xmpp["feature_mechanisms"].unencrypted_plain = True
        if anonymous:
            xmpp["feature_mechanisms"].use_mech = "ANONYMOUS"
        super().__init__(xmpp)
        self.requested = jid
        xmpp.connect(("127.0.0.1", server.c2s_port), use_ssl=False,
                     force_starttls=False, disable_starttls=True)
        self._wait_session(timeout)
        if presence:
            self.send_presence()

    def __repr__(self):
        return f"<Client {self.xmpp.boundjid.full or self.requested}>"

    @property
    def jid(self):
        return self.xmpp.boundjid.full

    @property
    def bare(self):
        return self.xmpp.boundjid.bare


class Component(_Endpoint):
    """A slixmpp external component (XEP-0114) on the server's component
    port, for tests that need one without accueild. It answers disco#info
    with the identity given (category, type, name)."""

    def __init__(self, server, domain=None, secret=None,
                 identity=("component", "generic", "test component")):
        self.server = server
        self.domain = domain or server.component_domain
        self.default_from = self.domain
        xmpp = slixmpp.ComponentXMPP(self.domain,
                                     server.secret if secret is None else secret,
                                     "127.0.0.1", server.component_port)
        super().__init__(xmpp)
        category, itype, name = identity
        xmpp["xep_0030"].add_identity(category=category, itype=itype, name=name)

    def __repr__(self):
        return f"<Component {self.domain}>"

    def connect(self, timeout=10):
        """Connect and complete the handshake; returns self."""
        self.xmpp.connect()
        self._wait_session(timeout)
        return self


# --------------------------------------------------------------------------
# BOSH, the way the web widget talks to the server


class Bosh:
    """A minimal BOSH client (XEP-0124/XEP-0206) on urllib: enough to check
    the endpoint and to log in anonymously to visit.ot.example."""

    NS = "http://jabber.org/protocol/httpbind"
    STREAMS = "http://etherx.jabber.org/streams"
    SASL = "urn:ietf:params:xml:ns:xmpp-sasl"
    BIND = "urn:ietf:params:xml:ns:xmpp-bind"

    def __init__(self, server, to=None, timeout=10):
        self.url = server.bosh_url
        self.to = to or server.visit_domain
        self.timeout = timeout
        self.rid = random.randint(1_000_000, 1_000_000_000)
        self.sid = None
        self.received = []

    def post(self, payload="", **attrs):
        """POST one <body/> with the given children (XML text) and extra
        attributes (xmpp_restart="true" becomes xmpp:restart); return the
        response <body/> element."""
        self.rid += 1
        attrs = {"rid": str(self.rid), **({"sid": self.sid} if self.sid else {}),
                 **{k.replace("xmpp_", "xmpp:").replace("xml_", "xml:"): v
                    for k, v in attrs.items()}}
        attr_text = " ".join(f"{k}={quoteattr(v)}" for k, v in attrs.items())
        data = (f"<body xmlns='{self.NS}' xmlns:xmpp='urn:xmpp:xbosh' {attr_text}>"
                f"{payload}</body>").encode()
        request = urllib.request.Request(
            self.url, data=data,
            headers={"Content-Type": "text/xml; charset=utf-8"})
        with urllib.request.urlopen(request, timeout=self.timeout + 5) as reply:
            text = reply.read().decode()
        self.received.append(text)
        return ET.fromstring(text)

    def create_session(self):
        """Open a session; return the response <body/> (it has .sid)."""
        body = self.post(to=self.to, xml_lang="fr", ver="1.6", wait=str(self.timeout),
                         hold="1", content="text/xml; charset=utf-8",
                         xmpp_version="1.0")
        self.sid = body.get("sid")
        if not self.sid:
            raise HarnessError(f"BOSH session creation without sid: {self.received[-1]}")
        return body

    def _expect(self, body, tag, polls=3):
        """Return the first child `tag` of `body`, polling the session with
        empty requests (at most `polls`) while it has not come."""
        for _ in range(polls + 1):
            found = body.find(tag)
            if found is not None:
                return found
            body = self.post()
        raise HarnessError(f"BOSH: no {tag} in {self.received[-polls - 1:]}")

    def login_anonymous(self):
        """Create a session, authenticate with SASL ANONYMOUS, bind; return
        the full JID the server gave."""
        body = self.create_session()
        self._expect(body, f"{{{self.STREAMS}}}features")
        body = self.post(f"<auth xmlns='{self.SASL}' mechanism='ANONYMOUS'/>")
        self._expect(body, f"{{{self.SASL}}}success")
        body = self.post(to=self.to, xml_lang="fr", xmpp_restart="true")
        self._expect(body, f"{{{self.STREAMS}}}features")
        body = self.post(f"<iq xmlns='jabber:client' type='set' id='bind1'>"
                         f"<bind xmlns='{self.BIND}'/></iq>")
        iq = self._expect(body, "{jabber:client}iq")
        jid = iq.find(f"{{{self.BIND}}}bind/{{{self.BIND}}}jid")
        if jid is None:
            raise HarnessError(f"BOSH bind failed: {self.received[-1]}")
        return jid.text

    def terminate(self):
        """End the session."""
        if self.sid:
            self.post(type="terminate")
            self.sid = None


# --------------------------------------------------------------------------
# TAP runner


class Skip(Exception):
    """Raise in a test to report it as skipped (ok ... # SKIP reason)."""


def selected_servers():
    """Server classes named in ACCUEIL_SERVERS (default both)."""
    names = os.environ.get("ACCUEIL_SERVERS", "prosody,ejabberd")
    classes = []
    for name in filter(None, (n.strip() for n in names.split(","))):
        if name not in SERVERS:
            raise HarnessError(f"ACCUEIL_SERVERS: unknown server {name!r}")
        classes.append(SERVERS[name])
    return classes


def _comment(lines):
    for line in lines:
        for part in str(line).splitlines() or [""]:
            print(f"# {part}")


class _TimeBound:
    """Context manager raising TestTimeout after `seconds` (SIGALRM)."""

    def __init__(self, seconds):
        self.seconds = seconds

    def _expired(self, signum, frame):
        raise TestTimeout(f"test ran longer than {self.seconds} s")

    def __enter__(self):
        self._old = signal.signal(signal.SIGALRM, self._expired)
        signal.setitimer(signal.ITIMER_REAL, self.seconds)

    def __exit__(self, *exc):
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, self._old)
        return False


def _run_case(number, test, server_cls, timeout):
    """Run one test against one server; print its TAP line; return True if
    it passed. Raises Interrupted (after cleanup) on SIGINT/SIGTERM."""
    title = f"{test.__name__} [{server_cls.name}]"
    if not server_cls.available():
        print(f"ok {number} - {title} # SKIP {server_cls.name} is not installed")
        return True
    tmpdir = tempfile.mkdtemp(prefix=f"accueil-{test.__name__}-{server_cls.name}-")
    REGISTRY.clear()
    event_loop()
    began = time.monotonic()
    failure, skipped, interrupted = None, None, None
    try:
        with _TimeBound(timeout):
            test(server_cls, tmpdir)
    except Skip as exc:
        skipped = str(exc)
    except Interrupted as exc:
        interrupted, failure = exc, traceback.format_exc()
    except BaseException:  # noqa: BLE001 - a test failure of any kind
        failure = traceback.format_exc()
    with _SignalsDeferred() as deferred:
        errors = REGISTRY.cleanup(check=failure is None and skipped is None)
        close_event_loop()
        leftovers = processes_mentioning(tmpdir)
        kill_all(leftovers)
    if leftovers:
        errors.append(f"processes left running, killed: {leftovers}")
    if errors and failure is None:
        failure = "cleanup failed:\n" + "\n".join(errors)
    elapsed = time.monotonic() - began
    if failure is None:
        reason = f" # SKIP {skipped}" if skipped is not None else ""
        print(f"ok {number} - {title}{reason}")
        _comment([f"{elapsed:.1f} s"])
        if os.environ.get("ACCUEIL_KEEP") == "1":
            _comment([f"temp dir kept: {tmpdir}"])
        else:
            shutil.rmtree(tmpdir, ignore_errors=True)
    else:
        print(f"not ok {number} - {title}")
        _comment([failure] + errors + REGISTRY.diagnostics()
                 + [f"{elapsed:.1f} s", f"temp dir kept: {tmpdir}"])
    sys.stdout.flush()
    if interrupted is not None or deferred.received is not None:
        raise Interrupted(str(interrupted or f"signal {deferred.received}"))
    return failure is None


def run(tests, timeout=None):
    """Run each test against each selected server and exit with status 0
    if all passed, 1 otherwise. Command-line arguments, if any, keep only
    the tests whose name contains one of them."""
    install_cleanup_hooks()
    if os.environ.get("ACCUEIL_DEBUG") == "1":
        logging.basicConfig(level=logging.DEBUG, stream=sys.stderr)
    else:
        logging.basicConfig(level=logging.CRITICAL, stream=sys.stderr)
    timeout = timeout or float(os.environ.get("ACCUEIL_TEST_TIMEOUT", "180"))
    wanted = sys.argv[1:]
    tests = [t for t in tests if not wanted or any(w in t.__name__ for w in wanted)]
    cases = [(t, s) for t in tests for s in selected_servers()]
    print(f"1..{len(cases)}")
    sys.stdout.flush()
    passed = 0
    try:
        for number, (test, server_cls) in enumerate(cases, 1):
            passed += _run_case(number, test, server_cls, timeout)
    except Interrupted as exc:
        print(f"Bail out! {exc}")
        sys.exit(1)
    sys.exit(0 if passed == len(cases) else 1)
