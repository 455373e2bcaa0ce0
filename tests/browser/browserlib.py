"""What the browser tests share: checks that a browser run is possible
(Chromium, Node, playwright-core, the built widget), the demo page and
devserver in front of the XMPP server's BOSH, a Chromium driven by
driver.mjs (playwright-core) over JSON lines, and the accessibility checks
(axe-core in every theme and colour scheme, contrast, focus, zoom).

Both the devserver and the browser register with the integration harness,
so they are stopped when a test ends, passed or failed, like servers and
clients. While a test waits for the browser, the harness's XMPP clients keep
processing their traffic (harness.pause).
"""

import json
import os
import re
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

# Office colours the tests run with: dark (the demo's burgundy), light (a
# sand yellow: white text fails on it) and saturated (a mid-luminance blue:
# white fails too, by little). Every audit() checks all three.
THEMES = {"dark": "#6d1a36", "light": "#f2d16b", "saturated": "#0096d6"}
SCHEMES = ("light", "dark")


def requirements():
    """None if a browser test can run here, else the reason it cannot."""
    if not os.access(CHROMIUM, os.X_OK):
        return f"no Chromium at {CHROMIUM} (apt-get install chromium)"
    if shutil.which("node") is None:
        return "no node (apt-get install nodejs)"
    if not (HERE / "node_modules" / "playwright-core").is_dir():
        return "playwright-core is not installed (cd tests/browser && npm ci)"
    if not (HERE / "node_modules" / "axe-core" / "axe.min.js").is_file():
        return "axe-core is not installed (cd tests/browser && npm ci)"
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

    def screenshot(self, name, sel=None, pad=0):
        """Save the viewport (or the box of sel grown by pad px) as
        artefacts/browser/<name>, once animations are over."""
        path = artefact(name)
        self.call("screenshot", path=str(path), sel=sel, pad=pad)
        return path

    def axe(self):
        """axe-core's WCAG 2.1 A/AA violations on the page as it is now."""
        return self.call("axe", bound=60)

    def emulate(self, color_scheme=None, reduced_motion=None):
        """prefers-color-scheme ("light", "dark") and prefers-reduced-motion
        ("reduce", "no-preference") as the system would say."""
        return self.call("emulate", colorScheme=color_scheme, reducedMotion=reduced_motion)

    def font_size(self, px):
        """The browser's default font size: 16 is usual, 32 is 200 % text."""
        return self.call("fontSize", px=px)

    def console(self, type=None):
        """The page's console messages so far: [{type, text}]."""
        return self.call("console", type=type)

    def settle(self):
        """Wait until the widget's finite animations and transitions end."""
        return self.call("settle")

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


# --------------------------------------------------------------------------
# accessibility: axe-core, contrast, focus, zoom


def parse_colour(css):
    """(r, g, b) of "rgb(...)", "rgba(..., 1)" or "#rrggbb"; None if
    transparent or unreadable."""
    m = re.match(r"rgba?\(\s*([\d.]+)[,\s]+([\d.]+)[,\s]+([\d.]+)(?:\s*[,/]\s*([\d.]+))?", css or "")
    if m:
        if m.group(4) is not None and float(m.group(4)) < 1:
            return None
        return tuple(round(float(m.group(i))) for i in (1, 2, 3))
    m = re.match(r"#([0-9a-f]{6})$", css or "", re.I)
    return tuple(int(m.group(1)[i:i + 2], 16) for i in (0, 2, 4)) if m else None


def hex_colour(rgb):
    return "#%02x%02x%02x" % tuple(rgb)


def contrast(a, b):
    """WCAG 2.1 contrast ratio of two (r, g, b) colours."""
    def lum(rgb):
        c = [v / 255 for v in rgb]
        c = [x / 12.92 if x <= 0.04045 else ((x + 0.055) / 1.055) ** 2.4 for x in c]
        return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]
    la, lb = lum(a), lum(b)
    return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)


def set_theme(browser, colour, scheme="light"):
    """Give the widget another office colour and colour scheme now (as
    data-color and the system would), then wait for the colours to settle."""
    browser.emulate(color_scheme=scheme)
    got = browser.eval("const w = window.AccueilWidget.instance; w.applyTheme(arg);"
                       "return w.frame.dataset.scheme;", colour)
    assert got == scheme, (got, scheme)
    browser.settle()


def describe_violations(runs):
    lines = []
    for run in runs:
        for u in run["undecided"]:
            lines.append(f"  theme {run['theme']} {run['colour']}, {run['scheme']} scheme: "
                         f"{u['id']} undecided in the widget on "
                         f"{' > '.join(map(str, u['target']))}: {u['why']}")
        for v in run["violations"]:
            lines.append(f"  theme {run['theme']} {run['colour']}, {run['scheme']} scheme: "
                         f"{v['id']} ({v['impact']}): {v['help']} <{v['helpUrl']}>")
            for n in v["nodes"]:
                summary = " ".join(n["summary"].split())
                lines.append(f"    {' > '.join(map(str, n['target']))}: {summary}")
    return lines


def audit(browser, server_cls, test, state, themes=None, schemes=SCHEMES):
    """axe-core (WCAG 2.1 A and AA rules) on the page as it is now, with
    each office colour of THEMES in each colour scheme; then the page's own
    colour again. Prints one TAP comment, writes the results to
    artefacts/browser/axe/<test>-<server>-<state>.json, and raises
    AssertionError naming every violation (rule, impact, target, why)."""
    themes = themes or THEMES
    own = browser.eval("return window.AccueilWidget.instance.config.color;")
    runs = []
    try:
        for scheme in schemes:
            for name, colour in themes.items():
                set_theme(browser, colour, scheme)
                result = browser.axe()
                runs.append({"theme": name, "colour": colour, "scheme": scheme, **result})
    finally:
        set_theme(browser, own, "light")
    where = f"{test}/{state} [{server_cls.name}]"
    bad = sum(len(r["violations"]) + len(r["undecided"]) for r in runs)
    # what axe could not decide on the office's page (text over its
    # picture): named, not failed; in the widget it fails (see driver.mjs)
    incomplete = sorted({f"{i['id']} on {' > '.join(map(str, i['target']))}"
                         for r in runs for i in r["incomplete"]})
    out = artefact(f"axe/{test}-{server_cls.name}-{state}.json")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(runs, indent=1, ensure_ascii=False))
    measured = max(len(r["measured"]) for r in runs)
    print(f"# axe {where}: {bad} violations in {len(runs)} runs "
          f"({', '.join(themes)} x {', '.join(schemes)}; axe {runs[0]['version']}, "
          f"{min(r['passes'] for r in runs)} rules passed"
          f"{f'; {measured} widget text(s) measured by the test' if measured else ''}"
          f"{'; needs review on the page: ' + ', '.join(incomplete) if incomplete else ''})")
    sys.stdout.flush()
    if bad:
        raise AssertionError("\n".join([f"axe: {bad} WCAG 2.1 A/AA violations (or undecided "
                                         f"widget nodes) in {where}"]
                                        + describe_violations(runs)))
    return runs


# The element that has the focus, through shadow roots, and its focus ring:
# where it is drawn (the element, or the label or wrapper that shows it for
# a hidden input), its colour and the opaque colour under it.
FOCUS_JS = r"""
let el = document.activeElement;
while (el && el.shadowRoot && el.shadowRoot.activeElement) el = el.shadowRoot.activeElement;
if (!el || el === document.body) return null;
const up = (n) => n.parentElement || (n.getRootNode() && n.getRootNode().host) || null;
const opaque = (n) => {
    for (; n; n = up(n)) {
        const m = /rgba?\(([^)]+)\)/.exec(getComputedStyle(n).backgroundColor);
        if (!m) continue;
        const p = m[1].split(/[\s,/]+/).filter(Boolean).map(Number);
        if (p.length === 3 || p[3] === 1) return `rgb(${p[0]}, ${p[1]}, ${p[2]})`;
    }
    return 'rgb(255, 255, 255)';
};
const boxes = [el, el.closest('.aw-lang'), el.closest('.aw-chip'),
    el.closest('.aw-star')].filter(Boolean);
let ring = null, box = null, width = 0;
for (const b of boxes) {
    const cs = getComputedStyle(b);
    if (cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) > 0) {
        ring = cs.outlineColor; box = b; width = parseFloat(cs.outlineWidth); break;
    }
}
const labelOf = () => el.getAttribute('aria-label') ||
    (el.labels && el.labels[0] ? el.labels[0].textContent : '') || el.textContent || el.value || '';
const r = (box || el).getBoundingClientRect();
return { tag: el.tagName.toLowerCase(), cls: String(el.className || ''),
    label: labelOf().trim().replace(/\s+/g, ' ').slice(0, 60),
    inWidget: el.getRootNode() !== document, ring, width, under: box ? opaque(up(box)) : null,
    shadow: box ? getComputedStyle(box).boxShadow : 'none',
    shown: r.width > 0 && r.height > 0 && r.bottom > 0 && r.right > 0 &&
        r.top < innerHeight && r.left < innerWidth };
"""


def focus_stop(browser):
    """The focused element and its ring (see FOCUS_JS), or None."""
    return browser.eval(FOCUS_JS)


def check_ring(stop):
    """Assert a visible focus ring of 2 px or more at 3:1 on what is under
    it; on the launcher (two colours, WCAG C40), one of the two."""
    assert stop["ring"] and stop["width"] >= 2 and stop["shown"], ("no visible focus", stop)
    ring, under = parse_colour(stop["ring"]), parse_colour(stop["under"])
    ratios = [contrast(ring, under)]
    if "aw-launcher" in stop["cls"]:
        gap = parse_colour((re.findall(r"rgba?\([^)]*\)", stop["shadow"]) or [""])[0])
        if gap:
            ratios.append(contrast(gap, under))
    assert max(ratios) >= 3, ("focus ring below 3:1", stop, ratios)
    return max(ratios)


def focus_walk(browser, steps=40, back=False):
    """Press Tab (Shift+Tab if back) until the focus leaves the widget;
    check each stop's ring (check_ring) and return the stops in order."""
    stops = []
    for _ in range(steps):
        browser.call("keyboard", key="Shift+Tab" if back else "Tab")
        stop = focus_stop(browser)
        if not stop or not stop["inWidget"]:
            return stops
        check_ring(stop)
        stops.append(stop)
    raise AssertionError(f"the focus never left the widget after {steps} Tabs: {stops[-3:]}")


# What a zoomed widget must not do: text cut or scrolling sideways, parts
# outside the window, controls that cannot be scrolled into view.
LOSS_JS = r"""
const root = document.getElementById('accueil-widget').shadowRoot;
const scope = root.querySelector(arg);
const out = [];
const desc = (el) => el.tagName.toLowerCase() + (el.className ? '.' + String(el.className).trim().split(/\s+/).join('.') : '');
const vw = document.documentElement.clientWidth, vh = document.documentElement.clientHeight;
const sb = scope.getBoundingClientRect();
if (sb.left < -1 || sb.top < -1 || sb.right > vw + 1 || sb.bottom > vh + 1)
    out.push(`${desc(scope)} outside the window: ${JSON.stringify(sb)}`);
const skip = (el) => el.closest('.aw-sr, [hidden], .aw-cont .aw-meta, .aw-star-input, .aw-chip input');
for (const el of [scope, ...scope.querySelectorAll('*')]) {
    if (skip(el)) continue;
    const cs = getComputedStyle(el);
    if (cs.display === 'none' || cs.visibility === 'hidden') continue;
    if (!el.matches('textarea, input, select') && cs.overflowX !== 'visible' &&
        el.clientWidth > 0 && el.scrollWidth > el.clientWidth + 1)
        out.push(`${desc(el)} cut sideways: ${el.scrollWidth} > ${el.clientWidth} px`);
    const r = el.getBoundingClientRect();
    if (el !== scope && r.width > 0 && (r.left < sb.left - 1 || r.right > sb.right + 1))
        out.push(`${desc(el)} sticks out of ${desc(scope)}`);
}
for (const el of scope.querySelectorAll('button, a[href], input, select, textarea')) {
    if (skip(el) && !el.matches('.aw-star-input, .aw-chip input')) continue;
    if (el.closest('[hidden]') || getComputedStyle(el).display === 'none') continue;
    const box = el.closest('.aw-star, .aw-chip') || el;
    box.scrollIntoView({ block: 'nearest', inline: 'nearest' });
    const r = box.getBoundingClientRect();
    if (r.top < Math.max(-1, sb.top - 1) || r.bottom > Math.min(vh, sb.bottom) + 1 ||
        r.left < -1 || r.right > vw + 1)
        out.push(`${desc(box)} (${el.getAttribute('aria-label') || el.name || el.textContent.trim().slice(0, 30)}) not reachable`);
}
const f = getComputedStyle(scope).fontSize;
return { problems: out, fontSize: f, width: sb.width, height: sb.height };
"""


def check_no_loss(browser, sel):
    """Assert the widget's part sel (".aw-panel", ".aw-launcher") shows all
    its text and controls at the current zoom; returns its size and font."""
    got = browser.eval(LOSS_JS, sel)
    assert not got["problems"], got
    return got
