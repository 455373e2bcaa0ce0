#!/usr/bin/python3
"""What accueild does without the help it normally gets, and what it
leaves behind, against real Prosody and ejabberd:

- a room without an archive (XEP-0313): the server runs without room
  archiving (Prosody without mod_muc_mam, ejabberd without mod_mam and
  without `mam: true` in the rooms' options, each from a modified copy
  of the shipped snippet); after a kill -9 and a restart accueild's
  archive query is refused, it warns in its log ("room ... has no usable
  archive") and catches up from the room's history: the lines the
  visitor wrote during the outage (fewer than the history keeps) reach
  the counsellor once each, in order, and nothing from before comes
  again;
- the ad-hoc command "erase" removes everything stored about a visitor
  (bare JID, matched exactly): sessions, transcripts, room nicks, offline
  requests (their e-mail contact too), and the visitor's JID, name and
  links in video appointments; visitors whose JIDs look alike (a LIKE
  pattern would match them: the erased JID holds '%' and '_', another
  one starts with its local part) keep all of theirs.

Every wait is bounded; each test runs once per server.
"""

import re
import time
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from harness import Client, DAEMON_TIME_FACTOR as F, pause, run
from sessionlib import Clock, D, Desk, Visitor, body, offer_to, paris
from test_core import (Problems, bodies_from, chat, from_v, send_groupchat,
                       sequence_problems, start_again, wait_growth)
from test_video import NS_FORM, PLUGIN, VIDEO, options, proposal

NS_MAM = "urn:xmpp:mam:2"
NS_CMD = "http://jabber.org/protocol/commands"
HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent


# --------------------------------------------------------------------------
# Server snippets without room archiving


def replaced_once(text, old, new, where):
    """text with old replaced by new, old having to occur exactly once (so
    that a change of the shipped snippet makes the test fail loudly)."""
    n = text.count(old)
    assert n == 1, f"{where}: expected {old!r} once, found it {n} times"
    return text.replace(old, new)


def prosody_without_mam(tmpdir):
    """A copy of config/prosody.cfg.lua without "muc_mam" in the MUC
    component's modules_enabled; returns its path."""
    src = REPO / "config" / "prosody.cfg.lua"
    text = replaced_once(src.read_text(), 'modules_enabled = { "muc_mam" }',
                         "modules_enabled = { }", src)
    assert "muc_mam" not in re.sub(r"--[^\n]*", "", text), \
        "muc_mam still enabled somewhere in the snippet"
    path = Path(tmpdir) / "prosody-no-mam.cfg.lua"
    path.write_text(text)
    return path


def ejabberd_without_mam(tmpdir):
    """A copy of config/ejabberd.yml without mod_mam on the visitors' host
    and without `mam: true` in the rooms' default options; returns its
    path (the harness puts the run's ports and secret in, as usual)."""
    src = REPO / "config" / "ejabberd.yml"
    text = replaced_once(src.read_text(),
                         "      mod_mam:\n        default: never\n", "", src)
    text = replaced_once(text, "          mam: true\n", "", src)
    assert not re.search(r"^\s*(mod_mam|mam):", text, re.MULTILINE), \
        "mod_mam or mam still in the snippet"
    path = Path(tmpdir) / "ejabberd-no-mam.yml"
    path.write_text(text)
    return path


def snippet_without_mam(server_cls, tmpdir):
    if server_cls.name == "prosody":
        return prosody_without_mam(tmpdir)
    return ejabberd_without_mam(tmpdir)


# --------------------------------------------------------------------------
# 1. No archive: the catch-up falls back to the room's history


# 10 lines, fewer than the history keeps (Prosody: the 50 accueild
# configures; ejabberd: its default 20, with the 3 or 4 lines before):
# two identical "ok" with ids, two distinct lines sent without an id
# attribute (a history line without any id is keyed by text and time).
OUTAGE_LINES = [
    ("H-01 pendant la coupure : le marché", True),
    ("H-02 pendant la coupure : les horaires", True),
    ("ok", True),
    ("ok", True),
    ("H-05 pendant la coupure, sans id", False),
    ("H-06 pendant la coupure : le parking", True),
    ("H-07 pendant la coupure, encore sans id", False),
    ("H-08 pendant la coupure : la cathédrale", True),
    ("H-09 pendant la coupure : les vélos", True),
    ("H-10 pendant la coupure : merci !", True),
]


def test_no_archive_falls_back_to_history(server_cls, tmpdir):
    began = time.monotonic()
    desk = Desk(server_cls, tmpdir, snippet=snippet_without_mam(server_cls, tmpdir))
    marie = desk.staff["marie"]
    question = "Bonjour, je voudrais visiter Cahors sans archive."
    visitor, v = chat(desk, "Nina", question, "sans archive")
    sid = v.split("@")[0]

    # the precondition: this server really keeps no archive of the room
    reply = visitor.client.iq(visitor.room, f"<query xmlns='{NS_MAM}' queryid='pre'/>",
                              type="set", timeout=10)
    assert reply["type"] == "error", (
        f"{server_cls.name} without room archiving still answers a MAM query "
        f"to the room: {str(reply)[:300]}")

    before = "Avant la coupure, sans archive"
    sm = marie.mark()
    visitor.say(before)
    marie.wait_for(lambda s: from_v(v)(s) and body(s) == before, since=sm,
                   timeout=15 * F)
    desk.wait_relayed(sid, before)

    desk.daemon.kill9()
    pause(1)
    for text, with_id in OUTAGE_LINES:
        send_groupchat(visitor, text, with_id)
    visitor.client.flush(timeout=10)
    pause(1)            # the room has them all in its history by now
    expected = [text for text, _ in OUTAGE_LINES]
    wanted = set(expected)

    since = marie.mark()
    offset = len(desk.daemon.log_text())
    back = time.monotonic()
    start_again(desk, [visitor])
    got = wait_growth(lambda: bodies_from(marie, v, since, lambda b: b in wanted),
                      len(expected), 30 * F, 10 * F, "the counsellor")
    relayed = time.monotonic() - back
    pause(2)            # a duplicate would come now
    problems = Problems()
    got = bodies_from(marie, v, since, lambda b: b in wanted)
    problem = sequence_problems(got, expected)
    problems.check(not problem, "written during the outage, as the counsellor "
                   f"got them after the restart: {problem}")
    again = bodies_from(marie, v, since, lambda b: b in (before, question))
    problems.check(not again, f"lines relayed before the outage came again: {again}")

    log = desk.daemon.log_text()[offset:]
    warned = re.findall(rf"session {re.escape(sid)}: room {re.escape(visitor.room)} "
                        r"has no usable archive.*", log)
    problems.check(len(warned) == 1, "the log after the restart has "
                   f"{len(warned)} 'room ... has no usable archive' warning(s) for "
                   f"the session (one expected): {warned}")
    print(f"# {server_cls.name}: {len(got)} of {len(expected)} outage lines "
          f"relayed {relayed:.1f} s after the restart; warning: "
          f"{warned[0] if warned else '(none)'}")

    rows = desk.rows("SELECT body, relayed FROM messages WHERE session = ? AND "
                     "role = 'visitor' ORDER BY id", sid)
    stored = [r["body"] for r in rows if r["body"] in wanted]
    problem = sequence_problems(stored, expected)
    problems.check(not problem, f"written during the outage, in the transcript: {problem}")
    problems.check(all(r["relayed"] for r in rows if r["body"] in wanted),
                   "outage lines stored as not relayed: "
                   f"{[r['body'] for r in rows if r['body'] in wanted and not r['relayed']]}")
    problems.check([r["body"] for r in rows].count(before) == 1,
                   f"the line before the outage is stored "
                   f"{[r['body'] for r in rows].count(before)} times")

    # the chat goes on, live, once
    after = "Après le redémarrage, sans archive : encore là ?"
    sm = marie.mark()
    visitor.say(after)
    try:
        marie.wait_for(lambda s: from_v(v)(s) and body(s) == after, since=sm,
                       timeout=15 * F)
    except TimeoutError:
        problems.check(False, "a line written after the catch-up did not reach "
                       "the counsellor within 15 s")
    pause(1.5)
    n = len(bodies_from(marie, v, sm, lambda b: b == after))
    problems.check(n == 1, f"a line written after the catch-up reached the "
                   f"counsellor {n} times")
    sv = visitor.client.mark()
    marie.send_message(v, "Oui, toujours là.")
    try:
        visitor.wait_room(lambda s: body(s) == "Oui, toujours là.", since=sv,
                          timeout=15 * F)
    except TimeoutError:
        problems.check(False, "the counsellor's answer after the catch-up did "
                       "not reach the visitor within 15 s")

    # a second crash: the whole history comes back to the bot, nothing of
    # it may reach the counsellor again
    desk.daemon.kill9()
    pause(1)
    since = marie.mark()
    offset = len(desk.daemon.log_text())
    start_again(desk, [visitor])
    pause(3)
    replayed = bodies_from(marie, v, since)
    problems.check(not replayed, "after a second restart (no new line) the "
                   f"counsellor got {len(replayed)} line(s) again: {replayed[:6]}")
    warned = re.findall(rf"session {re.escape(sid)}: room \S+ has no usable archive",
                        desk.daemon.log_text()[offset:])
    problems.check(len(warned) == 1, f"second restart: {len(warned)} warnings "
                   "(one expected)")
    n = len(desk.rows("SELECT id FROM messages WHERE session = ? AND role = "
                      "'visitor'", sid))
    problems.check(n == len(rows) + 1, f"after the second restart the transcript "
                   f"has {n} visitor lines, {len(rows) + 1} expected")
    print(f"# {server_cls.name}: test body {time.monotonic() - began:.1f} s")
    problems.assert_none()


# --------------------------------------------------------------------------
# 2. Erase is complete, and exact


def office_xml():
    """cahors, open Monday to Friday 09:00-18:00 (closed on Sunday
    evening: offline requests)."""
    return ('<office id="cahors" name="Office de tourisme de Cahors" '
            'timezone="Europe/Paris" languages="fr en es ca" default-lang="fr" '
            'fallback-langs="en fr" answer-delay="24" offer-size="2" '
            'offer-timeout="45" alert-delay="120" max-wait="3600" bot="adam">'
            '<hours days="mon-fri" open="09:00" close="18:00"/></office>')


def prechat(name):
    return ("<x xmlns='jabber:x:data' type='submit'><field var='name'>"
            f"<value>{escape(name)}</value></field></x>")


def execute(client, node, form=None):
    """An ad-hoc command in one step (the form given at once)."""
    payload = f'<command xmlns="{NS_CMD}" node="{node}" action="execute">'
    if form:
        fields = "".join(f"<field var={quoteattr(k)}><value>{escape(v)}</value></field>"
                         for k, v in form.items())
        payload += f'<x xmlns="jabber:x:data" type="submit">{fields}</x>'
    return client.iq(D, payload + "</command>", type="set")


# (account, nick, name, e-mail, a word only their lines have). The first
# is erased. Its local part holds LIKE wildcards ('%', '_'): a pattern
# "a%_n@ot.example" matches "ann@ot.example"; the third one's JID starts
# with the first one's local part.
PEOPLE = [
    ("a%_n", "Annick", "Annick Zérase", "annick.zerase@example.org", "Zanzibar"),
    ("ann", "Ann", "Ann Garde", "ann.garde@example.org", "Tombouctou"),
    ("a%_nne", "Anne", "Anne Reste", "anne.reste@example.org", "Valparaiso"),
]


def sessions_of(desk, bare):
    return [r["id"] for r in desk.rows(
        "SELECT id FROM sessions WHERE visitor_bare = ? ORDER BY created, id", bare)]


def in_list(ids):
    return "(" + ",".join("?" * len(ids)) + ")"


def count(desk, table, column, ids):
    return desk.rows(f"SELECT count(*) AS n FROM {table} WHERE {column} IN "
                     f"{in_list(ids)}", *ids)[0]["n"]


def text_cells(desk):
    """Every text cell of every table: (table, column, rowid, value)."""
    out = []
    with desk.db() as conn:
        tables = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT "
            "LIKE 'sqlite_%'")]
        for table in tables:
            cols = [r[1] for r in conn.execute(f"PRAGMA table_info({table})")]
            for row in conn.execute(f"SELECT rowid, * FROM {table}"):
                for col, value in zip(cols, row[1:]):
                    if isinstance(value, str):
                        out.append((table, col, row[0], value))
    return out


def offline_request(desk, v, name, email, word):
    """Sunday evening, nobody there: the visitor leaves their e-mail; the
    session closes. Returns its id."""
    since = v.client.mark()
    v.ask(f"Bonjour, une question sur {word} pour un groupe ?", lang="fr",
          extra_xml=prechat(name))
    v.wait_room(lambda s: "adresse e-mail" in body(s), since=since, timeout=15 * F)
    v.say(f"Mon adresse : {email}")
    v.wait_room(lambda s: email in body(s) and "24 h" in body(s), since=since,
                timeout=15 * F)
    sid = desk.rows("SELECT session FROM requests WHERE contact = ?", email)[0]["session"]
    desk.daemon.wait_log(rf"session {re.escape(sid)}: closed \(offline-request\)",
                         timeout=15, from_start=True)
    return sid


def chat_and_book(desk, v, nick, name, word):
    """Tuesday morning: the visitor asks again, marie takes it, proposes a
    video call; the visitor books the first slot offered (not "now").
    Returns (v- JID, slot start)."""
    marie = desk.staff["marie"]
    sm = marie.mark()
    v.ask(f"Bonjour, encore une question sur {word} : une visio ?", lang="fr",
          extra_xml=prechat(name))
    vj = offer_to(marie, word, since=sm, timeout=15 * F)
    marie.send_message(vj, f"Bonjour {nick}, je vous écoute.")
    v.wait_room(lambda s: f"Bonjour {nick}, je vous" in body(s), timeout=15 * F)
    sv = v.client.mark()
    marie.send_message(vj, "/visio")
    label, slot = [o for o in options(proposal(v, sv)) if o[1] != "now"][0]
    form = ('<x xmlns="jabber:x:data" type="submit">'
            f'<field var="FORM_TYPE"><value>{NS_FORM}</value></field>'
            f'<field var="slot"><value>{slot}</value></field></x>')
    sv = v.client.mark()
    v.say(label, extra_xml=form)
    v.wait_room(lambda s: "confirmé" in body(s), since=sv, timeout=15 * F)
    return vj, int(slot)


def test_erase_is_complete(server_cls, tmpdir):
    began = time.monotonic()
    clock = Clock(tmpdir, paris(2026, 11, 22, 20, 0))      # Sunday evening
    desk = Desk(server_cls, tmpdir, clock=clock, login=(), office_xml=office_xml(),
                extra_xml=[PLUGIN], children={"marie": VIDEO})
    for account, *_ in PEOPLE:
        desk.server.create_user(account, "pw")
    visitors = {}
    for account, nick, name, email, word in PEOPLE:
        visitors[account] = Visitor(desk, account=account, nick=nick)
        offline_request(desk, visitors[account], name, email, word)

    clock.set(paris(2026, 11, 24, 10, 0))                   # Tuesday 10:00
    desk.staff["marie"] = marie = desk.login_counsellor("marie")
    vjids = {}
    for account, nick, name, email, word in PEOPLE:
        vjids[account], _ = chat_and_book(desk, visitors[account], nick, name, word)

    erased, kept = PEOPLE[0], PEOPLE[1:]
    jid = f"{erased[0]}@ot.example"
    ids = sessions_of(desk, jid)
    # not vacuous: all of it is there before the erase
    assert len(ids) == 2, f"{jid} has sessions {ids} (2 expected)"
    assert count(desk, "messages", "session", ids) > 0
    assert count(desk, "room_nicks", "session", ids) > 0
    assert desk.rows("SELECT count(*) AS n FROM requests WHERE contact = ?",
                     erased[3])[0]["n"] == 1
    appt = desk.rows(f"SELECT visitor FROM appointments WHERE session IN {in_list(ids)}",
                     *ids)
    assert len(appt) == 1 and appt[0]["visitor"], [tuple(r) for r in appt]

    # closing a session deletes its room nicks; a close that did not end
    # (a crash) leaves them: seed one on each closed session, so that the
    # erase's own delete is what is tested (and the look-alikes' stay)
    with desk.db() as conn:
        for account, *_ in PEOPLE:
            first = sessions_of(desk, f"{account}@ot.example")[0]
            conn.execute("INSERT INTO room_nicks (session, nick) VALUES (?, ?)",
                         (first, "Left-by-a-crash"))
    before = {a: {"sessions": sessions_of(desk, f"{a}@ot.example")}
              for a, *_ in kept}
    for a in before:
        s = before[a]["sessions"]
        before[a].update(messages=count(desk, "messages", "session", s),
                         nicks=count(desk, "room_nicks", "session", s))

    admin = Client(desk.server, "admin", "pw")
    sv = visitors[erased[0]].client.mark()
    reply = execute(admin, "erase", {"jid": jid})
    assert reply["type"] == "result" and "Erased 2 sessions" in str(reply), reply
    try:
        visitors[erased[0]].wait_room(lambda s: "terminée" in body(s), since=sv,
                                      timeout=10 * F)
    except TimeoutError:
        pass            # checked below through the store
    pause(3)            # whatever the closing brings back would be stored now

    problems = Problems()
    check = problems.check
    left = {t: count(desk, t, c, ids) for t, c in (("sessions", "id"),
            ("messages", "session"), ("room_nicks", "session"),
            ("requests", "session"), ("offers", "session"))}
    check(not any(left.values()), f"rows of the erased sessions {ids} left: {left}")
    check(not sessions_of(desk, jid), f"sessions of {jid} left")
    reqs = [tuple(r) for r in desk.rows("SELECT * FROM requests")
            if any(erased[3] in str(c) for c in r)]
    check(not reqs, f"requests still holding {erased[3]}: {reqs}")
    appt = desk.rows("SELECT visitor, visitor_name, visitor_url, counsellor_url, "
                     f"setup_url FROM appointments WHERE session IN {in_list(ids)}",
                     *ids)
    check(len(appt) == 1 and all(v is None for v in tuple(appt[0])),
          f"the erased visitor's appointment rows: {[tuple(r) for r in appt]} "
          "(visitor, visitor_name, visitor_url, counsellor_url, setup_url all "
          "NULL expected)")
    # nothing that names them anywhere in the database
    needles = (f"{erased[0]}@", erased[2], erased[3], erased[4])
    found = [(t, c, rowid, v[:80]) for t, c, rowid, v in text_cells(desk)
             if any(n in v for n in needles)]
    check(not found, f"the erased visitor is still in the database: {found[:8]}")
    # session ids left elsewhere (not personal data; reported)
    ref = [(t, c, rowid) for t, c, rowid, v in text_cells(desk) if v in ids]
    print(f"# {server_cls.name}: erased session ids still referenced in: "
          f"{sorted(set((t, c) for t, c, _ in ref))}")

    # the look-alikes keep everything
    for account, nick, name, email, word in kept:
        bare = f"{account}@ot.example"
        s = sessions_of(desk, bare)
        check(s == before[account]["sessions"],
              f"{bare}: sessions {s}, before the erase {before[account]['sessions']}")
        if not s:
            continue
        n_msg = count(desk, "messages", "session", s)
        n_nick = count(desk, "room_nicks", "session", s)
        check(n_msg >= before[account]["messages"] > 0
              and n_nick >= before[account]["nicks"] > 0,
              f"{bare}: {n_msg} messages and {n_nick} room nicks, before the "
              f"erase {before[account]['messages']} and {before[account]['nicks']}")
        mine = [r["body"] for r in desk.rows(
            f"SELECT body FROM messages WHERE session IN {in_list(s)}", *s)]
        check(any(word in b for b in mine) and any(email in b for b in mine),
              f"{bare}: own lines missing from the transcript: {mine[:6]}")
        reqs = desk.rows("SELECT session, contact, contact_kind FROM requests "
                         "WHERE contact = ?", email)
        check([tuple(r) for r in reqs] == [(s[0], email, "email")],
              f"{bare}: requests {[tuple(r) for r in reqs]}")
        appt = desk.rows("SELECT visitor, visitor_name, visitor_url, counsellor_url, "
                         f"state FROM appointments WHERE session IN {in_list(s)}", *s)
        ok = (len(appt) == 1 and (appt[0]["visitor"] or "").startswith(bare + "/")
              and appt[0]["visitor_name"] == name and appt[0]["visitor_url"]
              and appt[0]["counsellor_url"] and appt[0]["state"] == "booked")
        check(ok, f"{bare}: appointments {[tuple(r) for r in appt]}")
        state = desk.rows("SELECT state FROM sessions WHERE id = ?", s[-1])
        check(state and state[0]["state"] == "active",
              f"{bare}: the open chat is {[tuple(r) for r in state]} after the erase")
    # and their chats go on
    for account, nick, name, email, word in kept:
        v, vj = visitors[account], vjids[account]
        text = f"Après l'effacement, {nick} est toujours là."
        sm = marie.mark()
        v.say(text)
        try:
            marie.wait_for(lambda s, t=text: from_v(vj)(s) and body(s) == t,
                           since=sm, timeout=10 * F)
        except TimeoutError:
            check(False, f"{account}: a line after the erase did not reach marie")
    again = execute(admin, "export", {"jid": jid})
    check("Nothing stored" in str(again), f"export after the erase: {str(again)[:300]}")
    print(f"# {server_cls.name}: test body {time.monotonic() - began:.1f} s")
    problems.assert_none()


if __name__ == "__main__":
    run([test_no_archive_falls_back_to_history, test_erase_is_complete])
