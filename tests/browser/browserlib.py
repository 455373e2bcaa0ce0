"""What the browser tests share: checks that a browser run is possible
(Chromium, Node, playwright-core, the built widget), the demo page and
devserver in front of the XMPP server's BOSH, and a Chromium driven by
driver.mjs (playwright-core) over JSON lines.

Both the devserver and the browser register with the integration harness,
so they are stopped when a test ends, passed or failed, like servers and
clients. While a test waits for the browser, the harness's XMPP clients keep
processing their traffic (harness.pause).
"""

import json
import os
import select
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
sys.path.insert(0, str(REPO / "tests" / "integration"))

import harness  # noqa: E402
from harness import REGISTRY, Skip, free_ports, pause, port_open, wait_until  # noqa: E402

CHROMIUM = os.environ.get("ACCUEIL_CHROMIUM", "/usr/bin/chromium")
WIDGET_DIST = REPO / "widget" / "dist"
ARTEFACTS = REPO / "artefacts" / "browser"
SITE = HERE / "site"
DRIVER = HERE / "driver.mjs"

# Selectors inside the widget (Playwright's CSS pierces its open shadow root).
LAUNCHER = ".aw-launcher"
PANEL = ".aw-panel"
STATUS = ".aw-status-text"
QUESTION = ".aw-prechat textarea[name=question]"
NAME = ".aw-prechat input[name=name]"
EMAIL = ".aw-prechat input[name=email]"
CONSENT = ".aw-prechat input[name=consent]"
START = ".aw-prechat button[type=submit]"
COMPOSER = ".aw-composer textarea"
SEND = ".aw-composer button[type=submit]"
LOG = ".aw-log"
OTHER = ".aw-log .aw-other"
MINE = ".aw-log .aw-mine"
QUEUE = ".aw-queue"
TYPING = ".aw-typing"
AGENT = ".aw-agent"
ENDED = ".aw-ended"
ANNOUNCER = ".aw-panel > [aria-live=polite]"


def requirements():
    """None if a browser test can run here, else the reason it cannot."""
    if not os.access(CHROMIUM, os.X_OK):
        return f"no Chromium at {CHROMIUM} (apt-get install chromium)"
    if shutil.which("node") is None:
        return "no node (apt-get install nodejs)"
    if not (HERE / "node_modules" / "playwright-core").is_dir():
        return "playwright-core is not installed (cd tests/browser && npm ci)"
    if not (WIDGET_DIST / "accueil-widget.js").is_file():
        return "the widget is not built (cd widget && npm ci && npm run build)"
    return None


def need_browser():
    """Raise harness.Skip when the browser tests cannot run here."""
    why = requirements()
    if why:
        raise Skip(why)


def artefact(name):
    """Path for a test artefact (screenshots) under artefacts/browser/."""
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    return ARTEFACTS / name


class DevServer:
    """scripts/devserver.py serving a demo page, the built widget and the
    server's BOSH on one loopback origin."""

    kind = "client"

    def __init__(self, server, tmpdir, page_attrs=None, page_name="index.html"):
        self.dir = Path(tmpdir) / "site"
        self.dir.mkdir(parents=True, exist_ok=True)
        self.write_page(page_attrs or {}, page_name)
        for extra in ("office.css", "cahors.svg"):
            shutil.copy(SITE / extra, self.dir / extra)
        (self.port,) = free_ports(1, exclude=(server.c2s_port, server.component_port,
                                              server.http_port))
        self.log_path = Path(tmpdir) / "devserver.log"
        self.url = f"http://127.0.0.1:{self.port}/"
        env = dict(os.environ, ACCUEIL_DEVSERVER_LOG="1")
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(
                ["/usr/bin/python3", str(REPO / "scripts" / "devserver.py"),
                 "--port", str(self.port), "--root", str(self.dir),
                 "--widget", str(WIDGET_DIST), "--bosh", server.bosh_url],
                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                env=env, preexec_fn=harness._die_with_parent)
        REGISTRY.add(self)
        wait_until(lambda: self.proc.poll() is None and port_open(self.port), 10,
                   "the devserver")

    def write_page(self, attrs, name="index.html"):
        """Write the demo page with the widget's data attributes."""
        values = {"bosh": "/http-bind", "anon-domain": "visit.ot.example",
                  "office": "cahors@accueil.ot.example", "lang": "fr",
                  "color": "#2e7d32", "pages": "*", **attrs}
        tag_attrs = " ".join(f'data-{k}="{v}"' for k, v in values.items() if v is not None)
        page = (SITE / "index.html").read_text().replace("@WIDGET_ATTRS@", tag_attrs)
        (self.dir / name).write_text(page)

    def cleanup(self, check=False):
        harness._terminate(self.proc, 5)

    def diagnostics(self):
        return [f"--- devserver log {self.log_path}"] + harness.tail(self.log_path, 15)


class BrowserError(AssertionError):
    """A browser command failed (the message says which and why)."""


class Browser:
    """Chromium driven by driver.mjs. Each method sends one command and
    returns its value, or raises BrowserError; every call is bounded."""

    kind = "client"

    def __init__(self, tmpdir, viewport=(1280, 860), locale="fr-FR"):
        self.log_path = Path(tmpdir) / "browser.log"
        self.profile = Path(tmpdir) / "chromium-profile"
        self.proc = None
        self.next_id = 0
        self.buf = b""
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(
                ["node", str(DRIVER)], cwd=str(HERE), stdin=subprocess.PIPE,
                stdout=subprocess.PIPE, stderr=log, env=dict(os.environ),
                preexec_fn=harness._die_with_parent)
        os.set_blocking(self.proc.stdout.fileno(), False)
        REGISTRY.add(self)
        self.version = self.call("launch", bound=60, dir=str(self.profile),
                                 viewport={"width": viewport[0], "height": viewport[1]},
                                 locale=locale)

    def call(self, cmd, bound=30, **args):
        """Send a command with its arguments (a driver "timeout" is in ms);
        return its value. `bound` (s) bounds the wait for the answer."""
        self.next_id += 1
        ident = self.next_id
        line = json.dumps({"id": ident, "cmd": cmd, **args}) + "\n"
        try:
            self.proc.stdin.write(line.encode())
            self.proc.stdin.flush()
        except BrokenPipeError:
            raise BrowserError(f"browser driver is gone (see {self.log_path})") from None
        deadline = time.monotonic() + bound
        while True:
            while b"\n" in self.buf:
                raw, self.buf = self.buf.split(b"\n", 1)
                answer = json.loads(raw)
                if answer.get("id") != ident:
                    continue
                if not answer.get("ok"):
                    raise BrowserError(f"{cmd} {args}: {answer.get('error')}")
                return answer.get("value")
            if self.proc.poll() is not None:
                raise BrowserError(f"browser driver exited ({self.proc.returncode}), "
                                   f"see {self.log_path}")
            if time.monotonic() > deadline:
                raise BrowserError(f"{cmd} {args}: no answer within {bound} s")
            ready, _, _ = select.select([self.proc.stdout], [], [], 0)
            if ready:
                chunk = self.proc.stdout.read()
                if chunk:
                    self.buf += chunk
                    continue
            pause(0.05)  # XMPP clients of the test keep working meanwhile

    # -- conveniences (timeouts in seconds) ------------------------------

    def goto(self, url):
        return self.call("goto", url=url)

    def reload(self):
        return self.call("reload")

    def click(self, sel, timeout=15):
        return self.call("click", bound=timeout + 10, sel=sel, timeout=timeout * 1000)

    def fill(self, sel, text):
        return self.call("fill", sel=sel, text=text)

    def type(self, sel, text, delay_ms=25):
        return self.call("type", bound=90, sel=sel, text=text, delay=delay_ms,
                         timeout=60000)

    def press(self, sel, key):
        return self.call("press", sel=sel, key=key)

    def check(self, sel):
        return self.call("check", sel=sel)

    def select(self, sel, value):
        return self.call("select", sel=sel, value=value)

    def wait(self, sel, text=None, timeout=15, state="visible"):
        """Wait until an element matching sel (and containing text) is in
        `state`: visible, hidden, attached or detached."""
        return self.call("wait", bound=timeout + 10, sel=sel, text=text, state=state,
                         timeout=int(timeout * 1000))

    def aria(self, sel):
        """Playwright's ARIA snapshot of sel: roles and accessible names."""
        return self.call("aria", sel=sel)

    def focused(self):
        """The focused element (through shadow roots): tag, cls, label."""
        return self.call("focused")

    def text(self, sel):
        return self.call("text", sel=sel)

    def texts(self, sel):
        return self.call("texts", sel=sel)

    def count(self, sel, text=None):
        return self.call("count", sel=sel, text=text)

    def attr(self, sel, name):
        return self.call("attr", sel=sel, name=name)

    def visible(self, sel):
        return self.call("visible", sel=sel)

    def eval(self, js, arg=None):
        return self.call("eval", js=js, arg=arg)

    def screenshot(self, name):
        path = artefact(name)
        self.call("screenshot", path=str(path))
        return path

    def viewport(self, width, height):
        return self.call("viewport", width=width, height=height)

    def offline(self, value):
        return self.call("offline", value=value)

    def errors(self):
        return self.call("errors")

    def cleanup(self, check=False):
        if self.proc is None or self.proc.poll() is not None:
            return
        try:
            self.proc.stdin.close()  # the driver closes Chromium and exits
        except OSError:
            pass
        try:
            self.proc.wait(15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(5)

    def diagnostics(self):
        return [f"--- browser log {self.log_path} (last 30 lines)"] + \
            harness.tail(self.log_path, 30)


def capture_sent(browser):
    """Start recording what the widget sends (XML text, in
    window.__accueilSent)."""
    browser.eval(
        "window.__accueilSent = [];"
        "const c = window.AccueilWidget.instance.client.conn;"
        "const s = new XMLSerializer();"
        "c.xmlOutput = (el) => window.__accueilSent.push(s.serializeToString(el));")


def sent(browser):
    return browser.eval("return window.__accueilSent || [];")
