#!/usr/bin/python3
"""Statistics on a scripted week, against real Prosody and ejabberd.

On the test clock (the office in Europe/Paris, week of Monday 2026-11-16):

  A  Mon 18:05  fr  answered after 50 s, rated 5
  B  Mon 19:10  en  answered after 200 s, rated 3
  C  Tue 18:30  fr  leaves after 30 s, abandoned
  D  Sun 20:00  fr  office closed: offline request, answered Mon 23 09:30

then `accueilctl stats` (text, CSV grouped by hour and language) must give
exactly the figures below, the HTML report must open in headless Chromium
with heatmaps whose cells match the data (screenshot in
artefacts/browser/stats-report.png), the supervisor (alice) scores A from
her client by text on the service JID and by the ad-hoc form, the average
shows in the report, and the weekly summary reaches her on Monday 08:00
from the desk JID.
"""

import csv
import io
import os
import re
import subprocess
from pathlib import Path

from harness import Client, Skip, pause, run, wait_until
from sessionlib import D, DESK, Clock, Desk, Visitor, body, offer_to, paris

NS_CMD = "http://jabber.org/protocol/commands"
REPO = Path(__file__).resolve().parent.parent.parent


def accueilctl():
    path = os.environ.get("ACCUEILCTL")
    if path:
        return path
    for cand in (REPO / "accueilctl", REPO / "build" / "dev" / "accueilctl",
                 Path(os.environ.get("ACCUEILD", "")).parent / "accueilctl"):
        if cand.is_file():
            return str(cand)
    raise Skip("no accueilctl (set ACCUEILCTL)")


def ctl(desk, *args, check=True):
    out = subprocess.run([accueilctl(), "-f", str(desk.daemon.conf_path)]
                         + list(args), capture_output=True, text=True,
                         timeout=60)
    if check:
        assert out.returncode == 0, (args, out.returncode, out.stderr)
    return out


def office():
    return ('<office id="cahors" name="Office de tourisme de Cahors &amp; '
            'du Lot" timezone="Europe/Paris" bot="adam" answer-delay="24" '
            'languages="fr en" max-wait="3600" alert-delay="600" '
            'summary-days="mon" summary-time="08:00">'
            '<hours days="mon-sat" open="09:00" close="22:00"/>'
            '<supervisor jid="alice@ot.example"/></office>')


def answered(desk, clock, at, text, lang, wait, rating, nick):
    """A visitor asks at `at`, marie answers after `wait` s, /fin, rating."""
    marie = desk.staff["marie"]
    clock.set(at)
    v = Visitor(desk, nick=nick)
    since = marie.mark()
    v.ask(text, lang=lang)
    jid = offer_to(marie, text[:20], since=since)
    clock.advance(wait)
    marie.send_message(jid, f"Bonjour {nick}, voici la réponse.")
    v.wait_room(lambda s: "voici la réponse" in body(s))
    clock.advance(60)
    since = v.client.mark()
    marie.send_message(jid, "/fin")
    v.wait_room(lambda s: "5" in body(s) and str(s["from"]).endswith("/Adam"),
                since=since)
    v.say(f"{rating} merci")
    desk.daemon.wait_log(rf"session {jid.split('@')[0]}: closed", timeout=15)
    v.client.disconnect()
    return jid.split("@")[0]


def test_scripted_week(server_cls, tmpdir):
    clock = Clock(tmpdir, paris(2026, 11, 16, 17, 0))
    desk = Desk(server_cls, tmpdir, clock=clock, office_xml=office())
    marie = desk.staff["marie"]
    alice = Client(desk.server, "alice", "pw")

    a = answered(desk, clock, paris(2026, 11, 16, 18, 5),
                 "Bonjour, où garer un camping-car ?", "fr", 50, 5, "Ana")
    answered(desk, clock, paris(2026, 11, 16, 19, 10),
             "Hello, is the Valentré bridge open at night?", "en", 200, 3,
             "Ben")
    # C: leaves after 30 s, never answered: abandoned after the grace
    clock.set(paris(2026, 11, 17, 18, 30))
    c = Visitor(desk, nick="Cleo")
    c.ask("Bonjour, horaires du marché ?", lang="fr")
    clock.advance(30)
    c.client.disconnect()
    pause(1)
    clock.advance(700)
    desk.daemon.wait_log(r"closed \(abandoned\)", timeout=20)
    # D: Sunday evening, closed: an offline request with a contact
    clock.set(paris(2026, 11, 22, 20, 0))
    d = Visitor(desk, account="bob", nick="Bob")
    d.ask("Bonjour, peut-on visiter la cathédrale en groupe ?", lang="fr")
    d.wait_room(lambda s: "adresse e-mail" in body(s))
    d.say("ici")
    d.wait_room(lambda s: "bob@ot.example" in body(s))
    # Monday 09:30: marie answers it (13.5 h: within the 24 h promise);
    # the weekly summary (Monday 08:00) reaches alice from the desk
    since = alice.mark()
    clock.set(paris(2026, 11, 23, 9, 30))
    marie.send_message(f"claire@{D}", "/repondre 1 Oui, sur réservation.")
    d.client.wait_for(lambda s: "réservation" in body(s), timeout=15)
    summary = alice.wait_for(lambda s: str(s["from"].bare) == DESK and
                             "semaine du 2026-11-16 au 2026-11-22" in body(s),
                             timeout=45, since=since)
    assert "Demandes : 4, prises en charge : 2" in body(summary), body(summary)
    assert "1/3 (33 %)" in body(summary), body(summary)

    # ---- accueilctl stats, exact figures -----------------------------
    week = ["--office", "cahors", "--from", "2026-11-16", "--to", "2026-11-22"]
    text = ctl(desk, "stats", *week).stdout
    for line in ("Requests: 4, answered: 2", "Answered within 2 min: 1/3 (33 %)",
                 "First response: median 50 s, 90% 3 min 20 s",
                 "Waiting: median 50 s, 90% 3 min 20 s",
                 "Abandoned: 1 (after 30 s, median)",
                 "Offline requests: 1, answered: 1, within the promise: 1/1 (100 %)",
                 "overdue: 0, median delay 13 h 30 min",
                 "Transfers: 0", "Satisfaction: 4.0/5 (2 answers: 1:0 2:0 3:1 4:0 5:1)",
                 "Video appointments: 0"):
        assert line in text, (line, text)
    rows = list(csv.DictReader(io.StringIO(ctl(desk, "stats", *week, "--csv").stdout)))
    assert len(rows) == 1, rows
    r = rows[0]
    expect = {"group": "all", "requests": "4", "live_requests": "3",
              "answered": "2", "within_2min": "1", "within_2min_pct": "33.3",
              "first_response_p50_s": "50", "first_response_p90_s": "200",
              "waiting_p50_s": "50", "waiting_p90_s": "200", "abandoned": "1",
              "abandoned_after_p50_s": "30", "offline_requests": "1",
              "offline_answered": "1", "offline_within_promise": "1",
              "offline_delay_p50_s": str(13 * 3600 + 1800), "transfers": "0",
              "ratings": "2", "satisfaction_mean": "4.00", "rating_3": "1",
              "rating_5": "1", "rating_1": "0", "video_appointments": "0"}
    for k, v in expect.items():
        assert r[k] == v, (k, r[k], v)
    by_hour = {r["group"]: r for r in csv.DictReader(io.StringIO(
        ctl(desk, "stats", *week, "--by", "hour", "--csv").stdout))}
    assert {k: v["requests"] for k, v in by_hour.items()} == \
        {"18": "2", "19": "1", "20": "1"}, by_hour
    # no data is an empty cell, never 0
    assert by_hour["20"]["first_response_p50_s"] == "", by_hour["20"]
    by_lang = {r["group"]: r["requests"] for r in csv.DictReader(io.StringIO(
        ctl(desk, "stats", *week, "--by", "language", "--csv").stdout))}
    assert by_lang == {"en": "1", "fr": "3"}, by_lang
    # the previous week has nothing: it says so
    empty = ctl(desk, "stats", "--from", "2026-11-09", "--to", "2026-11-15").stdout
    assert "No request" in empty or "no data" in empty, empty
    assert ctl(desk, "stats", "--by", "nothing", check=False).returncode == 1
    assert ctl(desk, "--help").stdout.startswith("usage: accueilctl")

    # ---- the quality review, from alice's client -----------------------
    since = alice.mark()
    alice.send_message(D, f"!revue {a} 2 2 1 2 2 2 1 Accueil chaleureux")
    reply = alice.wait_for(lambda s: str(s["from"]) == D and "Review" in body(s),
                           since=since, timeout=10)
    assert "recorded" in body(reply), body(reply)
    # marie (not a supervisor) cannot score
    since = marie.mark()
    marie.send_message(f"claire@{D}", f"!revue {a} 0 0 0 0 0 0 0")
    refused = marie.wait_for(lambda s: "supervisor" in body(s), since=since)
    assert "Only a supervisor" in body(refused)
    # the ad-hoc form: a second score for the same conversation replaces it
    fields = {"session": a, "greeting": "2", "first_name": "2",
              "precision": "2", "enriched": "1", "reassurance": "2",
              "tone": "2", "timing": "1", "comment": "Très bien"}
    payload = (f'<command xmlns="{NS_CMD}" node="review" action="execute">'
               '<x xmlns="jabber:x:data" type="submit">' + "".join(
                   f'<field var="{k}"><value>{v}</value></field>'
                   for k, v in fields.items()) + "</x></command>")
    res = alice.iq(D, payload, type="set")
    assert "recorded" in str(res), str(res)
    q = ctl(desk, "stats", *week).stdout  # still fine with reviews around
    assert "Requests: 4" in q

    # ---- the HTML report in headless Chromium ------------------------
    html = Path(tmpdir) / "report.html"
    ctl(desk, "report", "--html", str(html), "--office", "cahors",
        "--week", "2026-11-18")
    page = html.read_text()
    assert "Cahors &amp; du Lot" in page and "<script" not in page
    assert 'data-counsellor="marie@ot.example"' in page
    qrow = re.search(r'<tr data-counsellor="marie@ot.example">(.*?)</tr>', page).group(1)
    assert "<td>1</td>" in qrow and ">12.00<" in qrow, qrow
    check_in_browser(html)


def check_in_browser(html):
    import sys
    sys.path.insert(0, str(REPO / "tests" / "browser"))
    import browserlib
    why = None
    if not os.access(browserlib.CHROMIUM, os.X_OK):
        why = "no Chromium"
    elif not (browserlib.HERE / "node_modules" / "playwright-core").is_dir():
        why = "playwright-core is not installed (cd tests/browser && npm ci)"
    if why:
        raise Skip(f"report checked as text only; browser: {why}")
    b = browserlib.Browser(str(html.parent), viewport=(1100, 1400))
    b.goto(html.as_uri())
    b.wait("svg[data-heatmap=arrivals]")
    cells = b.eval("""return [...document.querySelectorAll(
        'svg[data-heatmap=arrivals] rect.cell')].map(r => [
        +r.dataset.weekday, +r.dataset.hour, r.dataset.value,
        r.getBoundingClientRect().width > 0])""")
    assert len(cells) == 7 * 24, len(cells)
    assert all(c[3] for c in cells), "every cell is drawn"
    filled = {(c[0], c[1]): c[2] for c in cells if c[2] not in ("", "0")}
    assert filled == {(1, 18): "1", (1, 19): "1", (2, 18): "1", (7, 20): "1"}, filled
    first = b.eval("""return Object.fromEntries([...document.querySelectorAll(
        'svg[data-heatmap=first-response] rect.cell')].filter(
        r => r.dataset.value !== '').map(r => [r.dataset.weekday + '-' +
        r.dataset.hour, r.dataset.value]))""")
    assert first == {"1-18": "50", "1-19": "200"}, first
    b.screenshot("stats-report.png")


if __name__ == "__main__":
    run([test_scripted_week])
