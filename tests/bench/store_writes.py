#!/usr/bin/python3
"""How many conversation lines a second accueild's SQLite store takes on
this machine's disk (docs/scaling.md quotes it).

The database is created by accueild itself (its migrations, its schema),
started against a closed port just long enough to open its store; then the
lines are written with accueild's own statements (msgdb.c: the INSERT of a
line, the UPDATE that marks it relayed) and its pragmas (store.c: WAL,
synchronous=NORMAL, foreign keys), from Python's sqlite3, in four ways:

    per line     each line its own transactions, store then mark relayed
                 (two commits a line, what accueild does without group
                 commit)
    batch 100    100 lines, stored and marked, in one transaction (group
                 commit)
and both again with synchronous=FULL (an fsync at every commit: durable
against a power cut, not only against a crash of accueild).

The same loops on an in-memory database give the cost of the Python
driver itself: the figures are a lower bound of what C gets.

    ACCUEILD=build/dev/accueild tests/bench/store_writes.py [--lines N] [--dir D]

Each run stops after N lines (default 20000) or 20 s, whichever comes first.
"""

import argparse
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent.parent
TIME_LIMIT = 20.0

CONF = """<?xml version="1.0" encoding="UTF-8"?>
<accueil>
  <server host="127.0.0.1" port="{port}" secret-file="component.secret"
          reconnect-min="1" reconnect-max="2"/>
  <component domain="accueil.ot.example" muc="salons.ot.example" lang="fr"/>
  <database path="accueil.db" retention-days="365"/>
  <admin jid="admin@ot.example"/>
  <bot id="adam" name="Adam" title="Assistant automatique"/>
  <office id="cahors" name="Office de tourisme de Cahors" timezone="Europe/Paris"
          languages="fr en" default-lang="fr" bot="adam">
    <hours days="mon-sun" open="00:00" close="24:00"/>
  </office>
</accueil>
"""

STORE = ("INSERT OR IGNORE INTO messages (session, at, role, persona, body, "
         "origin_id, relay_id, room_key, relayed, corrects, stanza_id) "
         "VALUES (?,?,?,?,?,?,?,?,?3 = 'note',?,?)")
MARK = "UPDATE messages SET relayed = 1 WHERE id = ?"
SESSION = ("INSERT INTO sessions (id, office, room, password, visitor, "
           "visitor_bare, lang, lang_source, state, created) "
           "VALUES (?, 'cahors', ?, 'pw', 'v@visit.ot.example/r', "
           "'v@visit.ot.example', 'fr', 'detected', 'active', ?)")
TEXT = "Bonjour, quelles randonnées faciles autour de Cahors cet après-midi ?"


def closed_port():
    """A loopback port nothing listens on (bound then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def user_version(path):
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=1)
        try:
            return conn.execute("PRAGMA user_version").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.Error:
        return 0


def create_database(workdir):
    """Let accueild create and migrate accueil.db in workdir; return its path."""
    binary = os.environ.get("ACCUEILD", str(REPO / "accueild"))
    if not os.access(binary, os.X_OK):
        sys.exit(f"no accueild at {binary} (build it, or set ACCUEILD)")
    conf = workdir / "accueil.conf.xml"
    conf.write_text(CONF.format(port=closed_port()))
    secret = workdir / "component.secret"
    secret.write_text("not-used-no-server\n")
    secret.chmod(0o600)
    db = workdir / "accueil.db"
    with open(workdir / "accueild.log", "wb") as log:
        proc = subprocess.Popen([binary, "-d", "-f", str(conf)], cwd=workdir,
                                stdin=subprocess.DEVNULL, stdout=log,
                                stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 10
        while user_version(db) == 0:
            if proc.poll() is not None or time.monotonic() > deadline:
                sys.exit("accueild did not create its database; see "
                         f"{workdir / 'accueild.log'}")
            time.sleep(0.1)
        time.sleep(0.3)  # let it finish its start-up writes
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)
    return db


def open_store(path, synchronous):
    conn = sqlite3.connect(str(path), isolation_level=None, timeout=5)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute(f"PRAGMA synchronous = {synchronous}")
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


def run(conn, session, lines, batch):
    """Store and mark `lines` lines, `batch` per transaction (1: each
    statement its own autocommit transaction); returns (lines done,
    seconds)."""
    began = time.monotonic()
    done = 0
    while done < lines and time.monotonic() - began < TIME_LIMIT:
        if batch > 1:
            conn.execute("BEGIN IMMEDIATE")
        for _ in range(min(batch, lines - done)):
            cur = conn.execute(STORE, (session, int(time.time()), "visitor", None,
                                       f"{TEXT} {done}", f"o{done}", None,
                                       f"k{done}", None, f"s{done}"))
            conn.execute(MARK, (cur.lastrowid,))
            done += 1
        if batch > 1:
            conn.execute("COMMIT")
    return done, time.monotonic() - began


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lines", type=int, default=20000)
    parser.add_argument("--dir", help="where the database goes (its disk is "
                        "what is measured; default: a temporary directory)")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="accueil-store-", dir=args.dir))
    try:
        template = create_database(workdir)
        schema = [r[0] for r in sqlite3.connect(str(template)).execute(
            "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL "
            "AND name NOT LIKE 'sqlite_%' ORDER BY rowid")]
        print(f"# database: {template} (made by accueild, user_version "
              f"{user_version(template)}), {args.lines} lines a run")
        print("| mode | synchronous | lines/s | commits/s | µs a line | bytes a line |")
        print("| --- | --- | --- | --- | --- | --- |")
        for target in ("disk", "memory"):
            for synchronous in ("NORMAL", "FULL"):
                if target == "memory" and synchronous == "FULL":
                    continue
                for batch in (1, 100):
                    if target == "disk":
                        db = workdir / f"run-{synchronous}-{batch}.db"
                        shutil.copy(template, db)
                        conn = open_store(db, synchronous)
                    else:
                        conn = sqlite3.connect(":memory:", isolation_level=None)
                        for sql in schema:
                            conn.execute(sql)
                    session = f"v-bench{batch}"
                    conn.execute(SESSION, (session, f"r{batch}@salons.ot.example",
                                           int(time.time())))
                    done, seconds = run(conn, session, args.lines, batch)
                    size = "-"
                    if target == "disk":
                        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                        size = f"{(db.stat().st_size - template.stat().st_size) / done:.0f}"
                    conn.close()
                    commits = done * 2 if batch == 1 else done / batch
                    mode = "per line" if batch == 1 else f"batch {batch}"
                    where = "" if target == "disk" else " (in memory: the driver)"
                    print(f"| {mode}{where} | {synchronous if target == 'disk' else '-'} "
                          f"| {done / seconds:,.0f} | {commits / seconds:,.0f} "
                          f"| {seconds / done * 1e6:.1f} | {size} |", flush=True)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
