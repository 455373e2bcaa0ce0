#!/usr/bin/python3
"""A counsellor on the real Profanity (Debian's package), driven through
tmux, against real Prosody and ejabberd; the visitor is a real XMPP client
whose every message is checked:

- Profanity logs in as marie (`/connect ... tls disable`), allows the
  persona's subscription (`/sub allow`), and the daemon sees her
  available;
- a visitor asks: the offer shows in Profanity's window;
- marie answers with `/msg v-…`: the chat is hers, the visitor reads it
  under the persona Claire;
- she sends a canned answer with a variable (`!r parking`: Profanity keeps
  `/` for itself, `!` reaches accueil): the visitor reads it with their
  first name filled in;
- she runs ad-hoc commands on the service JID (`/cmd exec pause`, then
  `resume`): the daemon pauses and resumes her;
- she ends the chat (`!fin`): the visitor gets the satisfaction question.

Skips when profanity or tmux is missing (scripts/deps.sh installs both).
Every wait is bounded; each test runs once per server.
"""

import os
import shutil
import subprocess
import time
from pathlib import Path

from harness import DAEMON_TIME_FACTOR as F, Skip, pause, run
from sessionlib import D, Desk, Visitor, body

CANNED = ['<canned key="parking" lang="fr">Bonjour {prenom}, le parking de '
          'la gare est gratuit.</canned>']


class Profanity:
    """Profanity in a detached tmux session, with its own HOME."""

    def __init__(self, tmpdir, name):
        self.home = Path(tmpdir) / f"profanity-{name}"
        self.home.mkdir()
        self.session = f"accueil-{name}-{os.getpid()}"
        env = dict(os.environ, HOME=str(self.home), LANG="C.UTF-8",
                   LC_ALL="C.UTF-8", TERM="xterm-256color",
                   XDG_CONFIG_HOME=str(self.home / ".config"),
                   XDG_DATA_HOME=str(self.home / ".local/share"))
        subprocess.run(["tmux", "new-session", "-d", "-s", self.session,
                        "-x", "220", "-y", "60", "profanity"], env=env,
                       check=True, timeout=10)
        from harness import REGISTRY
        REGISTRY.add(self)
        self.wait_screen("Profanity", 15)

    kind = "client"

    def cleanup(self, check=False):
        subprocess.run(["tmux", "kill-session", "-t", self.session],
                       capture_output=True, timeout=10)

    def diagnostics(self):
        return ["--- Profanity's screen (last lines)"] + \
            self.screen().splitlines()[-40:]

    def keys(self, text, enter=True):
        args = ["tmux", "send-keys", "-t", self.session, "-l", text]
        subprocess.run(args, check=True, timeout=10)
        if enter:
            subprocess.run(["tmux", "send-keys", "-t", self.session, "Enter"],
                           check=True, timeout=10)

    def screen(self):
        out = subprocess.run(["tmux", "capture-pane", "-p", "-J", "-t",
                              self.session, "-S", "-500"],
                             capture_output=True, text=True, timeout=10)
        return out.stdout

    def wait_screen(self, needle, timeout=10):
        deadline = time.monotonic() + timeout * F
        while time.monotonic() < deadline:
            if needle in self.screen():
                return
            pause(0.3)
        raise AssertionError(f"Profanity never showed {needle!r}; screen:\n"
                             + self.screen()[-3000:])


def test_counsellor_on_profanity(server_cls, tmpdir):
    if not shutil.which("profanity") or not shutil.which("tmux"):
        raise Skip("profanity or tmux is not installed")
    desk = Desk(server_cls, tmpdir, login=(), extra_xml=CANNED)
    prof = Profanity(tmpdir, server_cls.name)
    desk.daemon.mark_log()
    prof.keys(f"/connect marie@ot.example server 127.0.0.1 port "
              f"{desk.server.c2s_port} tls disable")
    prof.wait_screen("password", 15)
    prof.keys("pw")
    prof.wait_screen("logged in", 20)
    # the persona asks to see marie's presence: allowed, as a counsellor would
    persona = f"claire@{D}"
    prof.wait_screen(persona, 20)
    prof.keys(f"/sub allow {persona}")
    desk.daemon.wait_log(r"staff: marie@ot.example is now available",
                         timeout=20 * F)

    visitor = Visitor(desk, nick="Nina")
    question = "Bonjour, où se garer près de la gare de Cahors ?"
    visitor.ask(question, extra_xml="<x xmlns='jabber:x:data' type='submit'>"
                "<field var='name'><value>Nina</value></field></x>")
    rows = []
    deadline = time.monotonic() + 15 * F
    while not rows and time.monotonic() < deadline:
        rows = desk.rows("SELECT id FROM sessions ORDER BY rowid DESC LIMIT 1")
        pause(0.2)
    v = f"{rows[0]['id']}@{D}"
    prof.wait_screen(rows[0]["id"], 20)     # the offer's window

    # answer: the chat is hers, under the persona
    sv = visitor.client.mark()
    prof.keys(f"/msg {v} Bonjour Nina, je regarde pour vous.")
    got = visitor.wait_room(lambda s: "je regarde pour vous" in body(s),
                            since=sv, timeout=20 * F)
    assert str(got["from"]).endswith("/Claire"), str(got["from"])

    # a canned answer with a variable; "!" because "/" is Profanity's
    prof.keys(f"/msg {v} !r parking")
    got = visitor.wait_room(lambda s: "parking de la gare" in body(s),
                            since=sv, timeout=20 * F)
    assert body(got) == "Bonjour Nina, le parking de la gare est gratuit.", \
        body(got)

    # ad-hoc commands on the service JID
    desk.daemon.mark_log()
    prof.keys(f"/cmd exec pause {D}")
    prof.wait_screen("Paused", 20)
    desk.daemon.wait_log(r"adhoc: marie@ot.example runs pause", timeout=10 * F)
    prof.keys(f"/cmd exec resume {D}")
    prof.wait_screen("Resumed", 20)

    # the end: the visitor gets the survey question
    prof.keys(f"/msg {v} !fin")
    visitor.wait_room(lambda s: "1" in body(s) and "5" in body(s), since=sv,
                      timeout=20 * F)
    texts = [body(s) for s in visitor.client.stanzas[sv:] if s.name == "message"]
    assert not [t for t in texts if t.startswith("!") or "/msg" in t], \
        f"a command reached the visitor: {texts}"
    seen = [line for line in prof.screen().splitlines() if line.strip()]
    print(f"# {server_cls.name}: Profanity's screen at the end, last lines:")
    for line in seen[-8:]:
        print(f"#   {line.rstrip()[:150]}")


if __name__ == "__main__":
    run([test_counsellor_on_profanity])
