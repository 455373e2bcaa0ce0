#!/usr/bin/python3
"""The core's contract "no visitor message is lost", against real Prosody
and ejabberd:

- after every (re)join the component catches up from the room's MAM
  archive (XEP-0313), after the last stanza-id (XEP-0359) it stored, until
  the archive says complete: 300 messages written during an outage all
  reach the counsellor, once each, in order, identical texts and messages
  without an id attribute included;
- a message stored but not yet sent when the daemon dies is sent after the
  restart (test hook ACCUEIL_TEST_CRASH_AFTER_STORE=N: the daemon _exit()s
  right after committing its N-th visitor message, before sending it);
- the lines of every persona that was ever ours in a room (a transfer)
  are never taken as the visitor's, and a rejoin replays nothing;
- a restart during the satisfaction survey does not read old lines as the
  answer;
- storage errors (test hook ACCUEIL_TEST_DB_PAGES=<file>: the daemon
  re-reads the file about once a second and applies SQLite
  PRAGMA max_page_count with that number; missing, empty or 0 = no limit)
  are told to the visitor and the counsellor, and the daemon recovers;
- a queued visitor who leaves gives up their place at once, and gets it
  back when they return within the office's away-grace period;
- crafted UTF-8 (forms and bodies where byte truncation would split a
  character) never makes the server close the component stream.

Every wait is bounded; each test runs once per server.
"""

import re
import time
from collections import Counter
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

import harness
from harness import Client, DAEMON_TIME_FACTOR as F, pause, run, wait_until
from sessionlib import D, DESK, Desk, Visitor, body, is_from_v, offer_to

NS_CONF = "jabber:x:conference"
NS_QUEUE = "{urn:accueil:queue:0}queue"
NS_DELAY = "{urn:xmpp:delay}delay"
NS_MAM = "urn:xmpp:mam:2"
NS_RSM = "http://jabber.org/protocol/rsm"
NS_FORWARD = "urn:xmpp:forward:0"
PING = "<ping xmlns='urn:xmpp:ping'/>"


# --------------------------------------------------------------------------
# Helpers


def from_v(v):
    """Predicate: a (non-error) message from the v- JID v."""
    return lambda s: (is_from_v(s) and str(s["from"].bare) == v
                      and s["type"] != "error")


def bodies_from(client, v, since=0, keep=lambda b: True):
    """Bodies of the messages client got from v (from index since), in
    order, those for which keep(body) is true."""
    return [body(s) for s in client.stanzas[since:]
            if from_v(v)(s) and body(s) and keep(body(s))]


def live(s):
    """True for a stanza that is not a replay (no XEP-0203 delay)."""
    return s.xml.find(NS_DELAY) is None


def sequence_problems(got, expected):
    """'' if got == expected, else a short account of the difference:
    counts, missing and extra (duplicated) items, first difference."""
    if got == expected:
        return ""
    missing = Counter(expected) - Counter(got)
    extra = Counter(got) - Counter(expected)
    first = next((i for i, (g, e) in enumerate(zip(got, expected)) if g != e),
                 min(len(got), len(expected)))
    at_got = repr(got[first]) if first < len(got) else "(nothing more)"
    at_exp = repr(expected[first]) if first < len(expected) else "(nothing more)"
    nmiss, nextra = sum(missing.values()), sum(extra.values())
    what = "same messages, OUT OF ORDER" if not nmiss and not nextra else (
        f"{nmiss} missing (e.g. {list(missing)[:4]}), {nextra} extra or "
        f"duplicated (e.g. {list(extra)[:4]})")
    return (f"{len(got)} received for {len(expected)} sent: {what}; first "
            f"difference at #{first}: got {at_got}, expected {at_exp}")


class Problems:
    """Contract checks that do not stop the test at the first one broken,
    so that a failure reports everything that went wrong."""

    def __init__(self):
        self.found = []

    def check(self, ok, text):
        if not ok:
            self.found.append(text)
        return ok

    def assert_none(self):
        assert not self.found, "\n".join(
            f"({i}) {text}" for i, text in enumerate(self.found, 1))


def wait_growth(get, target, timeout, quiet, what):
    """Wait until len(get()) >= target (at most timeout s), or until it
    stopped growing for quiet s. Returns get() (the caller asserts)."""
    deadline = time.monotonic() + timeout
    last_n, last_change = -1, time.monotonic()
    while True:
        items = get()
        if len(items) >= target:
            return items
        now = time.monotonic()
        if len(items) != last_n:
            last_n, last_change = len(items), now
        if now >= deadline or now - last_change >= quiet:
            return items
        pause(0.2)


def chat(desk, nick, question, key, account="marie"):
    """A visitor asks, the counsellor `account` takes it by answering;
    returns (visitor, v- JID)."""
    counsellor = desk.staff[account]
    visitor = Visitor(desk, nick=nick)
    since = counsellor.mark()
    visitor.ask(question, lang="fr")
    v = offer_to(counsellor, key, since=since, timeout=15 * F)
    counsellor.send_message(v, f"Bonjour {nick}, je vous écoute.")
    visitor.wait_room(lambda s: f"Bonjour {nick}, je vous" in body(s),
                      timeout=15 * F)
    return visitor, v


def occupant_back(visitor, nick, since, timeout=20):
    """Wait until the visitor sees the occupant nick (one of our personas)
    available in the room again, after index since."""
    occupant = f"{visitor.room}/{nick}"
    return visitor.client.wait_for(
        lambda s: s.name == "presence" and str(s["from"]) == occupant
        and s["type"] not in ("unavailable", "error"),
        timeout=timeout * F, since=since)


def start_again(desk, visitors, env=None, personas=()):
    """Start the (stopped) daemon again and wait until it is ready and its
    bot (and the given personas) are back in each visitor's room."""
    marks = [v.client.mark() for v in visitors]
    desk.daemon.mark_log()
    desk.daemon.start(env=env)
    desk.daemon.wait_log(r"accueild ready", timeout=20)
    for v, since in zip(visitors, marks):
        for nick in ("Adam",) + tuple(personas):
            occupant_back(v, nick, since)


def room_archive(client, room, page=100):
    """The room's whole MAM archive as the client may read it, paged with
    RSM until the server says complete: a list of (nick, body)."""
    out, after = [], None
    for n in range(200):
        qid = f"core{n}"
        since = client.mark()
        rsm = f"<max>{page}</max>" + (f"<after>{escape(after)}</after>" if after else "")
        reply = client.iq(room, f"<query xmlns='{NS_MAM}' queryid='{qid}'>"
                          f"<set xmlns='{NS_RSM}'>{rsm}</set></query>",
                          type="set", timeout=20)
        assert reply["type"] == "result", f"MAM query to the room refused: {reply}"
        for s in client.stanzas[since:]:
            r = s.xml.find(f"{{{NS_MAM}}}result")
            if s.name != "message" or r is None or r.get("queryid") != qid:
                continue
            m = r.find(f"{{{NS_FORWARD}}}forwarded/{{jabber:client}}message")
            if m is None:
                continue
            b = m.find("{jabber:client}body")
            out.append(((m.get("from") or "").partition("/")[2],
                        b.text if b is not None else None))
        fin = reply.xml.find(f"{{{NS_MAM}}}fin")
        last = fin.find(f"{{{NS_RSM}}}set/{{{NS_RSM}}}last") if fin is not None else None
        if fin is None or fin.get("complete") in ("true", "1") or last is None:
            return out
        after = last.text
    raise AssertionError("the room's MAM archive never said complete")


def link_report(daemon):
    """(number of 'link: connected' lines, the 'link: disconnected' and
    stream error lines) in the daemon's whole log."""
    log = daemon.log_text()
    ups = len(re.findall(daemon.connected_line, log))
    downs = [line for line in log.splitlines()
             if "link: disconnected" in line or "stream error" in line
             or "link: reconnecting" in line]
    return ups, downs


def server_closed(desk):
    """What the server's log says about the component's stream: the lines
    where it closed it (Prosody: "Disconnecting component, <stream:error>
    is: ..."; ejabberd logs no reason at info level) and, when it
    authenticated the component more than once, those lines too."""
    log = harness.tail(desk.server.log_path, 100000)
    closed = [line for line in log if "Disconnecting component" in line or
              f"component disconnected: {D}" in line]
    auth = [line for line in log if "External component successfully "
            "authenticated" in line or "Accepted external component "
            f"handshake authentication for {D}" in line]
    return closed + (auth if len(auth) > 1 else [])


def session_row(desk, sid):
    rows = desk.rows("SELECT state, rating, comment, close_reason FROM sessions "
                     "WHERE id = ?", sid)
    assert rows, f"no session {sid} in the store"
    return rows[0]


def invitation(s):
    return s.name == "message" and s.xml.find(f"{{{NS_CONF}}}x") is not None


def queue_position(s):
    """The position of a live queue notice, or None."""
    if s.name != "message" or not live(s):
        return None
    q = s.xml.find(NS_QUEUE)
    return q.get("position") if q is not None else None


def positions(visitor, since=0):
    """Queue positions the visitor was told live (from index since)."""
    return [p for s in visitor.client.stanzas[since:]
            if (p := queue_position(s)) is not None
            and str(s["from"]).startswith(visitor.room + "/")]


def told_position(visitor, position, since, timeout):
    """True once the visitor is told (live) queue position `position`
    after index since, False if not within timeout s."""
    try:
        visitor.wait_room(lambda s: queue_position(s) == str(position),
                          timeout=timeout * F, since=since)
        return True
    except TimeoutError:
        return False


def wait_position(visitor, position, since, timeout, who):
    if not told_position(visitor, position, since, timeout):
        raise AssertionError(
            f"{who} was not told queue position {position} within {timeout} s "
            f"(positions told since: {positions(visitor, since)})")


def offers_after_end(desk, counsellor, v_ended, questions):
    """The counsellor ends the chat v_ended (!fin); returns, in order, the
    names (keys of questions: name -> question) of the sessions offered
    to them within 15 s (waiting 2 s more after the first)."""
    sm = counsellor.mark()
    counsellor.send_message(v_ended, "!fin")
    by_jid = {f"{session_of(desk, q)}@{D}": name for name, q in questions.items()}

    def offered():
        return [by_jid[str(s["from"].bare)] for s in counsellor.stanzas[sm:]
                if is_from_v(s) and str(s["from"].bare) in by_jid
                and questions[by_jid[str(s["from"].bare)]] in body(s)]
    try:
        wait_until(offered, 15 * F, "an offer")
    except TimeoutError:
        return []
    pause(2)
    return offered()


def office(away_grace=None, max_wait=3600):
    """The cahors office, open 24/7, optionally with away-grace."""
    grace = f' away-grace="{away_grace}"' if away_grace is not None else ""
    return (f'<office id="cahors" name="Office de tourisme de Cahors" '
            f'timezone="Europe/Paris" languages="fr en es ca" default-lang="fr" '
            f'fallback-langs="en fr" answer-delay="24" offer-size="2" '
            f'offer-timeout="45" alert-delay="120" max-wait="{max_wait}" '
            f'bot="adam"{grace}>'
            '<hours days="mon-sun" open="00:00" close="24:00"/></office>')


# --------------------------------------------------------------------------
# 1. 300 messages during an outage


OUTAGE = 300
BATCH = 50


def outage_plan():
    """OUTAGE visitor lines as (text, with an id attribute?), in order:
    numbered lines, every fifth sent without an id, and runs of identical
    short answers, some of them without an id."""
    runs = {
        40: [("ok", True), ("ok", False), ("ok", True), ("ok", False), ("ok", False)],
        120: [("merci", False)] * 3,
        200: [("ok", True)] * 5,
        260: [("d'accord", False), ("d'accord", True), ("d'accord", False)],
        297: [("ok", False)] * 3,
    }
    plan, n = [], 0
    while len(plan) < OUTAGE:
        if len(plan) in runs:
            plan.extend(runs.pop(len(plan)))
            continue
        n += 1
        plan.append((f"O-{n:03d} pendant la coupure", n % 5 != 0))
    return plan[:OUTAGE]


def send_groupchat(visitor, text, with_id):
    """Post text in the visitor's room, in stream order. Without id, the
    stanza is written by hand: slixmpp gives every message an id."""
    xmpp = visitor.client.xmpp
    if with_id:
        msg = xmpp.make_message(mto=visitor.room, mbody=text, mtype="groupchat")
        msg["id"] = xmpp.new_id()
        msg.send()
    else:
        # through the send queue (not send_raw) to keep the order
        xmpp.send(f"<message to={quoteattr(visitor.room)} type='groupchat'>"
                  f"<body>{escape(text)}</body></message>")


def test_outage_300_messages(server_cls, tmpdir):
    desk = Desk(server_cls, tmpdir)
    marie = desk.staff["marie"]
    visitor, v = chat(desk, "Odile", "Bonjour, je prépare un séjour à Cahors "
                      "et j'ai beaucoup de questions.", "beaucoup de questions")
    sid = v.split("@")[0]
    visitor.say("Avant la coupure")
    marie.wait_for(lambda s: from_v(v)(s) and body(s) == "Avant la coupure",
                   timeout=15 * F)
    desk.wait_relayed(sid, "Avant la coupure")

    desk.daemon.kill9()
    pause(1)
    plan = outage_plan()
    expected = [text for text, _ in plan]
    wanted = set(expected)
    began = time.monotonic()
    for k in range(0, OUTAGE, BATCH):
        for text, with_id in plan[k:k + BATCH]:
            send_groupchat(visitor, text, with_id)
        visitor.client.flush(timeout=30)
        pause(0.1)
    sent = time.monotonic() - began

    # the precondition: the server archived them all (else it is the
    # server's fault, not the daemon's)
    def archived():
        return [b for nick, b in room_archive(visitor.client, visitor.room)
                if nick == visitor.nick and b in wanted]
    in_archive = wait_growth(archived, OUTAGE, 15, 5, "the archive")
    problem = sequence_problems(in_archive, expected)
    assert not problem, f"{server_cls.name}'s MAM archive of the room: {problem}"

    since = marie.mark()
    back = time.monotonic()
    start_again(desk, [visitor])
    got = wait_growth(lambda: bodies_from(marie, v, since, lambda b: b in wanted),
                      OUTAGE, 90 * F, 15 * F, "the counsellor")
    relayed = time.monotonic() - back
    pause(2)            # a duplicate would come now
    got = bodies_from(marie, v, since, lambda b: b in wanted)
    print(f"# {server_cls.name}: {OUTAGE} messages ({sum(not i for _, i in plan)} "
          f"without id) posted in {sent:.1f} s while accueild was down, all in "
          f"the room's archive; after the restart the counsellor got {len(got)} "
          f"({relayed:.1f} s)")
    problem = sequence_problems(got, expected)
    assert not problem, f"written during the outage, as the counsellor got them: {problem}"
    again = bodies_from(marie, v, since, lambda b: b == "Avant la coupure")
    assert not again, "a message relayed before the outage came again"
    rows = desk.rows("SELECT body, relayed FROM messages WHERE session = ? AND "
                     "role = 'visitor' ORDER BY id", sid)
    stored = [r["body"] for r in rows if r["body"] in wanted]
    problem = sequence_problems(stored, expected)
    assert not problem, f"written during the outage, in the transcript: {problem}"
    assert all(r["relayed"] for r in rows if r["body"] in wanted), \
        "relayed messages stored as not relayed"


# --------------------------------------------------------------------------
# 2. Killed between storing a message and sending it


def test_kill_between_store_and_send(server_cls, tmpdir):
    desk = Desk(server_cls, tmpdir)
    marie = desk.staff["marie"]
    visitor, v = chat(desk, "Karim", "Bonjour, une question sur les horaires "
                      "du pont Valentré.", "pont Valentré")
    sid = v.split("@")[0]
    desk.daemon.stop()
    since = marie.mark()
    start_again(desk, [visitor], env={"ACCUEIL_TEST_CRASH_AFTER_STORE": "1"},
                personas=("Claire",))

    visitor.say("m1")
    try:
        wait_until(lambda: not desk.daemon.running(), 10 * F,
                   "accueild to exit after storing m1")
    except TimeoutError:
        n = len(bodies_from(marie, v, since, lambda b: b == "m1"))
        raise AssertionError(
            "accueild still running 10 s after the visitor wrote m1 with "
            "ACCUEIL_TEST_CRASH_AFTER_STORE=1 (the hook is not honoured); the "
            f"counsellor got m1 {n} time(s)") from None
    rc = desk.daemon.proc.returncode
    desk.daemon.stop(check=False)       # forget the dead process
    assert rc >= 0, f"accueild died of signal {-rc}, not by the hook's _exit()"
    pause(1)            # had it sent m1 before exiting, m1 would be here now
    rows = desk.rows("SELECT body FROM messages WHERE session = ? AND "
                     "role = 'visitor' AND body = 'm1'", sid)
    assert len(rows) == 1, \
        f"after the crash (status {rc}) the store has m1 {len(rows)} times " \
        "(the hook fires after the commit)"
    assert not bodies_from(marie, v, since, lambda b: b == "m1"), \
        "m1 was sent before the crash: the hook fired after sending"

    start_again(desk, [visitor], personas=("Claire",))
    try:
        marie.wait_for(lambda s: from_v(v)(s) and body(s) == "m1", since=since,
                       timeout=20 * F)
    except TimeoutError:
        raise AssertionError("m1, stored before the crash and never sent, did "
                             "not reach the counsellor within 20 s of the "
                             "restart") from None
    visitor.say("m2")
    marie.wait_for(lambda s: from_v(v)(s) and body(s) == "m2", since=since,
                   timeout=15 * F)
    pause(2)
    got = bodies_from(marie, v, since, lambda b: b in ("m1", "m2"))
    assert got == ["m1", "m2"], f"the counsellor got {got}"
    rows = desk.rows("SELECT body, relayed FROM messages WHERE session = ? AND "
                     "role = 'visitor' AND body IN ('m1', 'm2') ORDER BY id", sid)
    assert [tuple(r) for r in rows] == [("m1", 1), ("m2", 1)], \
        f"transcript: {[tuple(r) for r in rows]}"


# --------------------------------------------------------------------------
# 3. A transfer, then a restart: the rejoin replays nothing


def test_transfer_restart_rejoin_replays_nothing(server_cls, tmpdir):
    desk = Desk(server_cls, tmpdir, accounts=("marie", "lea"))
    marie, lea = desk.staff["marie"], desk.staff["lea"]
    question = "Bonjour, je voudrais visiter le musée Henri-Martin."
    visitor, v = chat(desk, "Théo", question, "Henri-Martin")
    sid = v.split("@")[0]
    lines = [("visitor", question), ("counsellor", "Bonjour Théo, je vous écoute.")]

    def counsellor_says(client, text, nick):
        client.send_message(v, text)
        visitor.wait_room(lambda s: body(s) == text and
                          str(s["from"]).endswith("/" + nick), timeout=15 * F)
        lines.append(("counsellor", text))

    def visitor_says(text, client):
        since = client.mark()
        visitor.say(text)
        client.wait_for(lambda s: from_v(v)(s) and body(s) == text, since=since,
                        timeout=15 * F)
        lines.append(("visitor", text))

    counsellor_says(marie, "A-1 Le musée ouvre à 10 h.", "Claire")
    visitor_says("V-1 Merci, et le dimanche ?", marie)
    counsellor_says(marie, "A-2 Le dimanche aussi, de 14 h à 18 h.", "Claire")
    visitor_says("V-2 Y a-t-il un tarif réduit ?", marie)
    counsellor_says(marie, "A-3 Oui, pour les étudiants.", "Claire")

    sl = lea.mark()
    marie.send_message(v, "!transfert Léa")
    lea.wait_for(lambda s: from_v(v)(s) and "Transfert" in body(s), since=sl,
                 timeout=15 * F)
    lea.send_message(v, "B-1 Bonjour, je prends le relais.")
    visitor.wait_room(lambda s: "B-1 Bonjour" in body(s) and
                      str(s["from"]).endswith("/Léa"), timeout=15 * F)
    lines.append(("counsellor", "B-1 Bonjour, je prends le relais."))
    marie.wait_for(lambda s: from_v(v)(s) and "transférée" in body(s), timeout=15 * F)
    visitor_says("V-3 Et pour un groupe scolaire ?", lea)
    counsellor_says(lea, "B-2 Il faut réserver deux semaines avant.", "Léa")
    visitor_says("V-4 D'accord, merci.", lea)

    desk.daemon.stop()
    sm, sl = marie.mark(), lea.mark()
    start_again(desk, [visitor], personas=("Léa",))
    after = "V-5 Après le redémarrage : combien de temps dure la visite ?"
    visitor.say(after)
    lea.wait_for(lambda s: from_v(v)(s) and body(s) == after, since=sl,
                 timeout=15 * F)
    pause(3)            # what a rejoin replays would have come by now

    texts = [t for _, t in lines]
    problems = Problems()
    replayed = [(who, b) for who, client, since in (("marie", marie, sm), ("lea", lea, sl))
                for b in bodies_from(client, v, since)
                if any(t in b for t in texts)]
    persona_lines = [t for role, t in lines if role == "counsellor"]
    as_visitor = [b for _, b in replayed if b in persona_lines]
    problems.check(not replayed, (
        f"after the restart the counsellors got {len(replayed)} line(s) written "
        f"before it, {len(as_visitor)} of them persona lines relayed as the "
        f"visitor's: {replayed[:6]}"))
    got = bodies_from(lea, v, sl, lambda b: b == after)
    problems.check(got == [after], f"the new line reached B {len(got)} times")
    problems.check(not bodies_from(marie, v, sm, lambda b: b == after),
                   "A got the new line")

    rows = desk.rows("SELECT role, body FROM messages WHERE session = ? AND role IN "
                     "('visitor', 'counsellor') ORDER BY id", sid)
    stored = Counter((r["role"], r["body"]) for r in rows)
    role_of = {text: role for role, text in lines}
    wrong = {}
    for text in texts:
        rows_of = sorted((role, n) for (role, b), n in stored.items() if b == text)
        if rows_of != [(role_of[text], 1)]:
            wrong[text] = rows_of
    problems.check(not wrong, "transcript rows (role, count) of lines written "
                   f"before the restart, where not exactly one with its role: {wrong}")
    dups = [(k, n) for k, n in stored.items() if n > 1]
    problems.check(not dups, f"duplicated rows in the transcript: {dups}")
    problems.assert_none()


# --------------------------------------------------------------------------
# 4. A restart during the survey


def test_restart_during_survey(server_cls, tmpdir):
    desk = Desk(server_cls, tmpdir)
    marie = desk.staff["marie"]
    visitor, v = chat(desk, "Sylvie", "Bonjour, je cherche un hébergement pour "
                      "un groupe.", "hébergement")
    sid = v.split("@")[0]
    for text in ("3 nuits à Cahors ?", "5 personnes"):
        since = marie.mark()
        visitor.say(text)
        marie.wait_for(lambda s, t=text: from_v(v)(s) and body(s) == t,
                       since=since, timeout=15 * F)
    marie.send_message(v, "Je vous envoie une liste de gîtes.")
    visitor.wait_room(lambda s: "liste de gîtes" in body(s), timeout=15 * F)
    since = visitor.client.mark()
    marie.send_message(v, "!fin")
    visitor.wait_room(lambda s: str(s["from"]).endswith("/Adam") and
                      "de 1" in body(s) and "5" in body(s), since=since,
                      timeout=15 * F)
    wait_until(lambda: session_row(desk, sid)["state"] == "survey", 10,
               "the session in state survey")

    desk.daemon.stop()
    since = visitor.client.mark()
    restarted = len(desk.daemon.log_text())
    start_again(desk, [visitor])
    pause(3)            # what the rejoin brings back has been read by now
    row = session_row(desk, sid)
    closed = re.findall(rf"session {sid}: closed.*", desk.daemon.log_text()[restarted:])
    bot_after = [body(s) for s in visitor.client.stanzas[since:]
                 if s.name == "message" and live(s) and body(s)
                 and str(s["from"]).endswith("/Adam")]
    assert (row["state"], row["rating"]) == ("survey", None) and not closed, (
        f"after the restart the session is {row['state']!r} with rating "
        f"{row['rating']!r} (comment {row['comment']!r}, closed: {closed}); "
        f"the bot said {bot_after}: a line written before the survey was read "
        "as the answer")

    visitor.say("4 merci")
    try:
        wait_until(lambda: tuple(session_row(desk, sid))[:2] == ("closed", 4),
                   15 * F, "rating 4 stored and the session closed")
    except TimeoutError:
        raise AssertionError("15 s after the answer \"4 merci\" the session is "
                             f"{tuple(session_row(desk, sid))}") from None


# --------------------------------------------------------------------------
# 5. The disk is full in the middle of a chat


def says_send_again(text):
    return "renvoy" in text or "send it again" in text.lower()


def says_not_passed_on(text):
    # without the "[accueil · privé, non transmis au visiteur]" kind of tag
    # every private notice starts with
    text = re.sub(r"^\[[^\]]*\]\s*", "", text)
    return "transmis" in text or "passed on" in text


def test_disk_full_mid_chat(server_cls, tmpdir):
    pages = Path(tmpdir) / "db-pages"
    desk = Desk(server_cls, tmpdir, env={"ACCUEIL_TEST_DB_PAGES": str(pages)})
    marie = desk.staff["marie"]
    visitor, v = chat(desk, "Denise", "Bonjour, je voudrais des informations "
                      "sur les grottes du Quercy.", "grottes du Quercy")
    filler = ("Pech Merle, Padirac, Lacave, Cougnac et les causses du Quercy. "
              * 70)[:4000]

    pages.write_text("1\n")
    pause(2)
    sv, sm = visitor.client.mark(), marie.mark()
    told, sent = None, 0
    for i in range(60):
        visitor.say(f"P-{i:02d} {filler}")
        sent += 1
        try:
            told = visitor.wait_room(lambda s: live(s) and says_send_again(body(s)),
                                     timeout=0.5, since=sv)
            break
        except TimeoutError:
            pass
    relayed = len(bodies_from(marie, v, sm, lambda b: b.startswith("P-")))
    assert told is not None, (
        f"{sent} messages of {len(filler) + 5} bytes posted with the database "
        f"unable to grow (max_page_count 1): no bot message asked the visitor "
        f"to send again; the counsellor got {relayed} of them")
    assert str(told["from"]).endswith("/Adam"), f"said by {told['from']}"
    try:
        marie.wait_for(lambda s: from_v(v)(s) and says_not_passed_on(body(s))
                       and not body(s).startswith("P-"), since=sm, timeout=10 * F)
    except TimeoutError:
        raise AssertionError("the counsellor was not told that a message could "
                             f"not be passed on; got {bodies_from(marie, v, sm)[-3:]}") \
            from None
    assert desk.daemon.running(), "accueild exited when the disk was full"
    ups, downs = link_report(desk.daemon)
    assert ups == 1 and not downs, f"the link went down: {ups} connects, {downs}"
    bob = Client(desk.server, "bob", "pw")
    assert bob.iq(D, PING)["type"] == "result"

    # a new visitor meanwhile: an answer, no room
    newcomer = Client(desk.server, anonymous=True)
    nm = newcomer.mark()
    newcomer.send_message(DESK, "Bonjour, je voudrais un plan de la ville.", lang="fr")
    try:
        answer = newcomer.wait_for(lambda s: s.name == "message" and
                                   str(s["from"].bare) == DESK, timeout=15 * F,
                                   since=nm)
    except TimeoutError:
        raise AssertionError("a new visitor got no answer while the disk was full") \
            from None
    pause(2)
    assert not any(invitation(s) for s in newcomer.stanzas[nm:]), \
        f"a new visitor was invited to a room while the disk was full ({answer})"

    # room again: the chat goes on, the new visitor gets a room
    pages.write_text("0\n")
    pause(2)
    sm = marie.mark()
    visitor.say("Après : il y a de nouveau de la place ?")
    try:
        marie.wait_for(lambda s: from_v(v)(s) and body(s).startswith("Après : il y a"),
                       since=sm, timeout=10 * F)
    except TimeoutError:
        raise AssertionError("with the limit lifted, the visitor's next message "
                             "did not reach the counsellor within 10 s") from None
    nm = newcomer.mark()
    newcomer.send_message(DESK, "Bonjour, je réessaie : un plan de la ville ?", lang="fr")
    newcomer.wait_for(invitation, since=nm, timeout=15 * F)
    ups, downs = link_report(desk.daemon)
    assert ups == 1 and not downs, f"the link went down: {ups} connects, {downs}"


# --------------------------------------------------------------------------
# 6. A queued visitor leaves (and comes back)


def queue_of_three(server_cls, tmpdir):
    """marie (max-chats 1) busy with A; B then C waiting, told positions 1
    and 2. Returns desk, marie, {name: (visitor, question)}, A's v- JID."""
    desk = Desk(server_cls, tmpdir, max_chats={"marie": 1}, office_xml=office())
    marie = desk.staff["marie"]
    qa = "Bonjour, question A sur les horaires du musée."
    a, va = chat(desk, "Anne", qa, "question A")
    people = {"A": (a, qa)}
    for name, nick, n in (("B", "Bruno", 1), ("C", "Chloé", 2)):
        q = f"Bonjour, question {name} sur les marchés de Cahors."
        vis = Visitor(desk, nick=nick)
        vis.ask(q, lang="fr")
        wait_position(vis, n, 0, 15, name)
        people[name] = (vis, q)
    return desk, marie, people, va


def session_of(desk, question):
    rows = desk.rows("SELECT id FROM sessions WHERE question = ?", question)
    assert rows, f"no session for {question!r}"
    return rows[0]["id"]


def leave_room(visitor):
    visitor.client.send_presence(to=f"{visitor.room}/{visitor.nick}",
                                 type="unavailable")


def test_queued_visitor_leaves(server_cls, tmpdir):
    desk, marie, people, va = queue_of_three(server_cls, tmpdir)
    (b, qb), (c, qc) = people["B"], people["C"]
    problems = Problems()
    sc = c.client.mark()
    leave_room(b)
    problems.check(told_position(c, 1, sc, 8), "C was not told position 1 within "
                   f"8 s of B leaving the room (told: {positions(c, sc)})")
    offers = offers_after_end(desk, marie, va, {"B": qb, "C": qc})
    problems.check(offers[:1] == ["C"] and "B" not in offers,
                   f"after A's chat ended the offers went to {offers} "
                   "(C expected, B had left)")
    problems.assert_none()


def test_queued_visitor_leaves_then_returns(server_cls, tmpdir):
    """B comes back within the office's away-grace (default about 90 s; B
    is back after a few seconds) and gets its place back ahead of C."""
    desk, marie, people, va = queue_of_three(server_cls, tmpdir)
    (b, qb), (c, qc) = people["B"], people["C"]
    problems = Problems()
    sc = c.client.mark()
    leave_room(b)
    problems.check(told_position(c, 1, sc, 8), "C was not told position 1 within "
                   f"8 s of B leaving the room (told: {positions(c, sc)})")
    sb, sc = b.client.mark(), c.client.mark()
    b.join()
    problems.check(told_position(b, 1, sb, 8), "B, back in the room, was not told "
                   f"position 1 within 8 s (told: {positions(b, sb)})")
    problems.check(told_position(c, 2, sc, 8), "C was not told position 2 within "
                   f"8 s of B coming back (told: {positions(c, sc)})")
    offers = offers_after_end(desk, marie, va, {"B": qb, "C": qc})
    problems.check(offers[:1] == ["B"] and "C" not in offers,
                   f"after A's chat ended the offers went to {offers} "
                   "(B expected, back within the grace period)")
    problems.assert_none()


# --------------------------------------------------------------------------
# 7. Crafted UTF-8 never brings the link down


def form(**fields):
    return ("<x xmlns='jabber:x:data' type='submit'>" + "".join(
        f"<field var={quoteattr(k)}><value>{escape(val)}</value></field>"
        for k, val in fields.items()) + "</x>")


NAME_600 = "a" + "é" * 300                      # 601 bytes
LANG_ODD = "a" + "é" * 9                        # 19 bytes, odd boundaries
EMAIL_E = "é" * 80 + "@x.fr"
EMOJI_100K = "x" + "😀" * 25000                 # 100 001 bytes, odd prefix
COMBINING = "e\u0301" * 6000                    # 18 000 bytes
RTL = ("\u202bمرحبا بكم في كاهور\u202c\u200f \u200e" * 300)


def test_crafted_text_keeps_link_up(server_cls, tmpdir):
    desk = Desk(server_cls, tmpdir, max_chats={"marie": 10})
    marie = desk.staff["marie"]
    crafted = {
        "name of 601 bytes": (form(name=NAME_600), "Bonjour (nom long), une question."),
        "odd lang": (form(lang=LANG_ODD), "Bonjour (langue), une question."),
        "e-mail of é": (form(email=EMAIL_E, consent="true"),
                        "Bonjour (adresse), une question."),
        "every field": (form(name=NAME_600, lang=LANG_ODD, page="/" + "é" * 300 + "x",
                             interests="\u202e" + "e\u0301" * 200, email=EMAIL_E,
                             consent="true"), "Bonjour (tout), une question."),
        "100 KB of emoji": (None, EMOJI_100K),
        "combining marks": (form(name="Zoe\u0301" * 150), COMBINING),
        "RTL marks": (form(name="\u202e" + "é" * 255), RTL),
    }
    unanswered, dropped = [], []
    for label, (x, text) in crafted.items():
        downs_before = len(link_report(desk.daemon)[1])
        c = Client(desk.server, anonymous=True)
        since = c.mark()
        c.send_message(DESK, text, extra_xml=x, lang="fr")
        try:
            c.wait_for(invitation, timeout=15 * F, since=since)
        except TimeoutError:
            unanswered.append(label)
        pause(0.3)
        if len(link_report(desk.daemon)[1]) > downs_before:
            dropped.append(label)
    ups, downs = link_report(desk.daemon)
    assert ups == 1 and not downs, (
        f"crafted forms and first questions brought the link down ({ups} "
        f"connects) after: {dropped}; {server_cls.name}: {server_closed(desk)[:2]}; "
        f"visitors without an invitation: {unanswered}")
    assert not unanswered, f"crafted visitors without an invitation: {unanswered}"

    # crafted text both ways in a chat
    visitor, v = chat(desk, "Zoé", "Bonjour (salon), une question.", "(salon)")
    sm = marie.mark()
    for text in (EMOJI_100K, COMBINING, RTL):
        visitor.say(text)
        got = marie.wait_for(lambda s, t=text: from_v(v)(s) and body(s)
                             and t.startswith(body(s)[:50]), since=sm, timeout=20 * F)
        assert 0 < len(body(got).encode()) <= 16000 + 64, len(body(got).encode())
    sv = visitor.client.mark()
    marie.send_message(v, EMOJI_100K)
    visitor.wait_room(lambda s: body(s).startswith("x😀😀"), since=sv, timeout=20 * F)

    # a normal visitor, end to end
    normal, vn = chat(desk, "Norbert", "Bonjour, où se trouve l'office de "
                      "tourisme ?", "office de tourisme")
    sm = marie.mark()
    normal.say("Merci, et le parking le plus proche ?")
    marie.wait_for(lambda s: from_v(vn)(s) and "parking" in body(s), since=sm,
                   timeout=15 * F)
    marie.send_message(vn, "Le parking Feydel, à deux pas.")
    normal.wait_room(lambda s: "Feydel" in body(s), timeout=15 * F)
    assert desk.daemon.running()
    ups, downs = link_report(desk.daemon)
    assert ups == 1 and not downs, f"the link went down: {ups} connects, {downs[:4]}"
    closing = server_closed(desk)
    assert not closing, f"{server_cls.name} closed the component stream: {closing[:3]}"

if __name__ == "__main__":
    run([test_outage_300_messages, test_kill_between_store_and_send,
         test_transfer_restart_rejoin_replays_nothing, test_restart_during_survey,
         test_disk_full_mid_chat, test_queued_visitor_leaves,
         test_queued_visitor_leaves_then_returns, test_crafted_text_keeps_link_up])
