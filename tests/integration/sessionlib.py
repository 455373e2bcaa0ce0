"""Shared steps for the tests of visitor sessions: a daemon with
counsellors, counsellor clients that accept their persona's subscription,
visitors that join the room they are invited to, and a look into the
daemon's SQLite store.
"""

import hashlib
import sqlite3
import struct
import zlib
from pathlib import Path

from harness import Accueild, Client, pause

D = "accueil.ot.example"
DESK = f"cahors@{D}"
NS_CONF = "jabber:x:conference"
NS_MUC = "http://jabber.org/protocol/muc"

COUNSELLORS = {
    # account: (persona, name, languages)
    "marie": ("claire", "Claire", "fr en"),
    "jordi": ("nuria", "Núria", "ca es fr"),
    "tom": ("tomas", "Tomás", "en es"),
    "lea": ("lea", "Léa", "fr"),
}


def png(rgb, size=8):
    """A small valid PNG of one colour (for avatars)."""
    def chunk(kind, data):
        out = struct.pack(">I", len(data)) + kind + data
        return out + struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff)
    raw = b"".join(b"\x00" + bytes(rgb) * size for _ in range(size))
    return (b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def counsellor_xml(account, avatar=None, max_chats=3, langs=None,
                   children=""):
    persona, name, default_langs = COUNSELLORS[account]
    langs = langs or default_langs
    extra = f' avatar="{avatar}"' if avatar else ""
    return (f'<counsellor jid="{account}@ot.example" persona="{persona}" '
            f'name="{name}" title="Conseiller" languages="{langs}" lang="fr" '
            f'max-chats="{max_chats}" offices="cahors"{extra}>{children}'
            '</counsellor>')


class Desk:
    """A server, the daemon and counsellor clients, ready for visitors."""

    def __init__(self, server_cls, tmpdir, accounts=("marie",), avatars=False,
                 extra_xml=(), office_xml=None, langs=None, max_chats=None,
                 clock=None, login=None, children=None, env=None,
                 snippet=None):
        # snippet: a server snippet to include instead of the shipped one
        # (see XmppServer); None keeps the shipped config/ file
        self.server = server_cls(tmpdir, snippet=snippet)
        self.server.start()
        for account in list(COUNSELLORS) + ["bob", "alice", "admin"]:
            self.server.create_user(account, "pw")
        langs, max_chats = langs or {}, max_chats or {}
        children = children or {}
        xml = [counsellor_xml(a, avatar=f"{a}.png" if avatars else None,
                              langs=langs.get(a), max_chats=max_chats.get(a, 3),
                              children=children.get(a, ""))
               for a in accounts] + list(extra_xml)
        self.daemon = Accueild(self.server, tmpdir, extra_xml=xml,
                               office_xml=office_xml)
        self.avatars = {}
        if avatars:
            for i, a in enumerate(accounts):
                data = png((40 * i, 120, 200 - 40 * i))
                (self.daemon.dir / f"{a}.png").write_bytes(data)
                self.avatars[a] = data
        self.clock = clock
        if clock is not None:
            clock.install()
        # env: extra variables for the daemon's first start (test hooks)
        self.daemon.start(env=env)
        self.staff = {}
        for a in (accounts if login is None else login):
            self.staff[a] = self.login_counsellor(a)

    def login_counsellor(self, account):
        """Log a counsellor in; wait until the daemon sees them available
        (their client accepts the persona's subscription by itself)."""
        self.daemon.mark_log()
        client = Client(self.server, account, "pw")
        self.daemon.wait_log(rf"staff: {account}@ot.example is now available",
                             timeout=15)
        return client

    def db(self):
        conn = sqlite3.connect(str(self.daemon.dir / "accueil.db"), timeout=5)
        conn.row_factory = sqlite3.Row
        return conn

    def rows(self, sql, *args):
        with self.db() as conn:
            return conn.execute(sql, args).fetchall()


    def wait_relayed(self, session, text, timeout=10):
        """Waits until the stored visitor line `text` is marked relayed.

        "relayed" is set once the server answered the barrier IQ sent after
        the line (the server has it); a kill in between (the counsellor may
        already have the line) sends it once more after the restart, under
        the same message id, by design: delivery is at least once
        (docs/core.md). Tests that mean "what was delivered does not come
        again" kill after the mark."""
        from harness import DAEMON_TIME_FACTOR, wait_until

        def marked():
            rows = self.rows("SELECT relayed FROM messages WHERE session = ? "
                             "AND body = ? AND role = 'visitor'", session, text)
            return bool(rows) and all(r["relayed"] for r in rows)
        wait_until(marked, timeout * DAEMON_TIME_FACTOR,
                   f"{text!r} marked relayed")


class Clock:
    """The daemon's clock, moved by the test (ACCUEIL_TEST_CLOCK).

    Frozen at `start` (epoch seconds); advance() and set() move it. The
    daemon reads the file on every look at the time."""

    def __init__(self, tmpdir, start):
        self.path = Path(tmpdir) / "clock"
        self.now = int(start)
        self.write()

    def write(self):
        # atomically: the daemon reads the file at any moment, and a
        # truncated file would read as "no test clock" (the real time)
        tmp = self.path.with_name(self.path.name + ".new")
        tmp.write_text(f"{self.now}\n")
        tmp.replace(self.path)

    def install(self):
        import os
        os.environ["ACCUEIL_TEST_CLOCK"] = str(self.path)
        from harness import REGISTRY
        REGISTRY.add(self)

    def advance(self, seconds):
        self.now += int(seconds)
        self.write()

    def set(self, epoch):
        self.now = int(epoch)
        self.write()

    # the harness's cleanup protocol
    kind = "server"  # cleaned up last, with the servers

    def cleanup(self, check=False):
        import os
        os.environ.pop("ACCUEIL_TEST_CLOCK", None)

    def diagnostics(self):
        return [f"--- test clock at {self.now}"]


def paris(y, mo, d, h, mi=0):
    """Epoch of a wall-clock time in Europe/Paris."""
    import datetime
    from zoneinfo import ZoneInfo
    return int(datetime.datetime(y, mo, d, h, mi,
                                 tzinfo=ZoneInfo("Europe/Paris")).timestamp())


def avatar_sha1(data):
    return hashlib.sha1(data).hexdigest()


def body(stanza):
    return stanza["body"] or ""


def is_from_v(stanza):
    return stanza.name == "message" and str(stanza["from"]).startswith("v-")


class Visitor:
    """A visitor (anonymous web-like, or an account) who writes to the desk
    and joins the room of the invitation."""

    def __init__(self, desk, account=None, nick="Visiteur", client=None):
        self.desk = desk
        self.client = client or (Client(desk.server, account, "pw") if account
                                 else Client(desk.server, anonymous=True))
        self.nick = nick
        self.room = self.password = None

    def ask(self, text, extra_xml=None, lang=None, join=True):
        since = self.client.mark()
        self.client.send_message(DESK, text, extra_xml=extra_xml, lang=lang)
        inv = self.client.wait_for(
            lambda s: s.name == "message" and s.xml.find(f"{{{NS_CONF}}}x") is not None,
            timeout=15, since=since)
        x = inv.xml.find(f"{{{NS_CONF}}}x")
        self.room, self.password = x.get("jid"), x.get("password")
        if join:
            self.join()
        return inv

    def join(self, history=True):
        since = self.client.mark()
        hist = "" if history else '<history maxstanzas="0"/>'
        self.client.send_presence(
            to=f"{self.room}/{self.nick}",
            extra_xml=f'<x xmlns="{NS_MUC}"><password>{self.password}</password>{hist}</x>')
        self.client.wait_for(
            lambda s: s.name == "presence" and str(s["from"]) == f"{self.room}/{self.nick}",
            timeout=10, since=since)

    def say(self, text, extra_xml=None):
        return self.client.send_message(self.room, text, type="groupchat",
                                        extra_xml=extra_xml)

    def wait_room(self, predicate, timeout=15, since=0):
        """A groupchat message from the room matching predicate(stanza)."""
        return self.client.wait_for(
            lambda s: s.name == "message" and str(s["from"]).startswith(self.room + "/")
            and predicate(s), timeout=timeout, since=since)


def offer_to(client, text_in_question, timeout=15, since=0):
    """The offer a counsellor gets for a question; returns the v- JID."""
    offer = client.wait_for(
        lambda s: is_from_v(s) and text_in_question in body(s), timeout=timeout,
        since=since)
    return str(offer["from"].bare)


def pause_a_bit(seconds=1.0):
    pause(seconds)


__all__ = ["Desk", "Visitor", "offer_to", "body", "is_from_v", "avatar_sha1",
           "pause_a_bit", "D", "DESK", "Path", "Clock", "paris"]
