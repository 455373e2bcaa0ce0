#!/usr/bin/python3
"""The web visitor widget in Debian's headless Chromium, against the real
daemon on a real Prosody and a real ejabberd (their BOSH through
scripts/devserver.py), with real counsellor clients (slixmpp).

Scenarios: a whole conversation (persona name and avatar, the bot marked as
a robot, typing, a correction), reload and resume, a lost connection, the
queue when nobody is free, closed hours, the survey (rating stored in
SQLite), and a video appointment (slot buttons, link, calendar event).

Accessibility: in every state they visit, axe-core's WCAG 2.1 A and AA
rules with each of three office colours (THEMES) in the light and the dark
scheme must find nothing (browserlib.audit); test_themes_and_zoom checks the
launcher's contrast on each theme, focus order and rings, reduced motion,
text and page zoom to 200 %, and the console warning for a bad colour
pair; test_colour_maths runs the widget's colour unit tests (node).

Screenshots go to artefacts/browser/ at the top of the repository (axe
results to artefacts/browser/axe/). Without Chromium, Node, playwright-core
and axe-core (tests/browser: npm ci) or the built widget (widget: npm ci &&
npm run build), every test reports SKIP.

    tests/browser/test_widget.py                 all, on both servers
    ACCUEIL_SERVERS=prosody tests/browser/test_widget.py survey
"""

import datetime
import re
import shutil
import subprocess
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent))

from browserlib import (  # noqa: E402
    AGENT, ANNOUNCER, COMPOSER, CONSENT, EMAIL, ENDED, LAUNCHER, MINE, NAME, OTHER,
    PANEL, QUESTION, QUEUE, REPO, START, STATUS, THEMES, TYPING, Browser, DevServer,
    audit, capture_sent, check_no_loss, check_ring, contrast, focus_stop, focus_walk,
    hex_colour, need_browser, parse_colour, sent)
from harness import DEFAULT_OFFICE, Skip, pause, run  # noqa: E402
from sessionlib import Desk, Visitor, body, is_from_v, offer_to  # noqa: E402

CHATSTATES = "http://jabber.org/protocol/chatstates"


def start(server_cls, tmpdir, page=None, viewport=(1280, 860), theme=None, **desk_args):
    """Skip unless a browser can run; then a server, the daemon, counsellors
    (sessionlib.Desk with desk_args), the devserver and a browser on the
    demo page, in the office colour THEMES[theme] (default: data-color's
    default)."""
    need_browser()
    desk = Desk(server_cls, tmpdir, avatars=True, **desk_args)
    attrs = dict(page or {})
    if theme:
        attrs.setdefault("color", THEMES[theme])
    site = DevServer(desk.server, tmpdir, page_attrs=attrs)
    browser = Browser(tmpdir, viewport=viewport)
    browser.goto(site.url)
    browser.wait(LAUNCHER)
    return desk, site, browser


def shot(browser, server_cls, test, what):
    return browser.screenshot(f"{test}-{server_cls.name}-{what}.png")


READY = ".aw-status[data-state=open], .aw-status[data-state=busy], .aw-status[data-state=closed]"


def open_widget(browser):
    """Open the panel; wait until it shows the desk's state."""
    browser.click(LAUNCHER)
    browser.wait(PANEL)
    browser.wait(READY, timeout=20)


def fill_prechat(browser, question, name=None, email=None, interest=None):
    browser.fill(QUESTION, question)
    if name:
        browser.fill(NAME, name)
    if interest:
        browser.click(f".aw-chip:has(input[value={interest}])")
    if email:
        browser.fill(EMAIL, email)
        browser.check(CONSENT)


def ask(browser, question, name=None, email=None, interest=None):
    """Open the widget and send the first question through the pre-chat form."""
    open_widget(browser)
    fill_prechat(browser, question, name, email, interest)
    browser.click(START)


def check_full_screen(browser, width=390, height=844):
    """Under 480 px wide the open window takes the whole screen."""
    got = check_no_loss(browser, PANEL)
    assert (round(got["width"]), round(got["height"])) == (width, height), got


def focus_back_from(browser, sel, server_cls, state):
    """Click sel, then Shift+Tab through everything focusable before it:
    each stop has a ring of 3:1 or more (focus_walk), the conversation log
    is one stop, and the header's two controls come last. Returns the
    stops' labels."""
    browser.click(sel)
    check_ring(focus_stop(browser))
    stops = focus_walk(browser, back=True)
    labels = [f"{s['tag']} {s['label'][:30]!r}" for s in stops]
    assert [s["label"] for s in stops[-3:]] == \
        ["Conversation", "Fermer la fenêtre de discussion", "Langue"], labels
    print(f"# focus {state} [{server_cls.name}], back from {sel}: {'; '.join(labels)}")
    return stops


def no_page_errors(browser):
    errors = browser.errors()
    assert not errors, errors


def test_conversation(server_cls, tmpdir):
    desk, site, browser = start(server_cls, tmpdir, theme="dark")
    marie = desk.staff["marie"]
    audit(browser, server_cls, "conversation", "closed")
    open_widget(browser)
    audit(browser, server_cls, "conversation", "open")
    fill_prechat(browser, "Bonjour, quelles randonnées faciles autour de Cahors ?",
                 name="Marie-Laure", interest="hiking")
    audit(browser, server_cls, "conversation", "form")
    browser.click(START)
    v = offer_to(marie, "randonnées faciles", timeout=20)
    offer = [s for s in marie.stanzas if is_from_v(s) and "randonnées" in body(s)][0]
    assert "Marie-Laure" in body(offer), body(offer)
    # the bot greets: marked as a robot, by name
    browser.wait(OTHER, "robot", timeout=20)
    browser.wait(".aw-other.aw-bot .aw-robot", "Assistant automatique · robot")
    browser.wait(AGENT, "Adam")
    # the counsellor's answer under the persona, with avatar
    marie.send_message(v, "Bonjour Marie-Laure, je vous conseille le sentier des Chartreux.")
    browser.wait(OTHER, "Chartreux")
    browser.wait(".aw-other.aw-counsellor .aw-name", "Claire")
    src = browser.attr(".aw-other.aw-counsellor .aw-avatar img", "src")
    assert src and src.startswith("data:image/png;base64,"), src
    browser.wait(AGENT, "Claire")
    assert browser.count(".aw-other.aw-counsellor .aw-robot") == 0
    # the screen reader hears the new message
    browser.wait(ANNOUNCER, "Claire : Bonjour Marie-Laure")
    # typing (passed on once the chat is the counsellor's), then a message
    marie.send_message(v, None, extra_xml=f'<composing xmlns="{CHATSTATES}"/>')
    browser.wait(TYPING, "Claire écrit…")
    audit(browser, server_cls, "conversation", "typing")
    shot(browser, server_cls, "conversation", "typing")
    # a correction replaces the text
    orig = marie.send_message(v, "Le parcours fait 5 km.")
    browser.wait(TYPING, state="hidden")
    browser.wait(OTHER, "5 km")
    marie.send_message(v, "Le parcours fait 4 km.",
                       extra_xml=f'<replace xmlns="urn:xmpp:message-correct:0" id="{orig}"/>')
    browser.wait(OTHER, "4 km")
    assert browser.count(OTHER, "5 km") == 0
    browser.wait(".aw-other .aw-edited", "corrigé")
    audit(browser, server_cls, "conversation", "conversation")
    assert len(focus_back_from(browser, COMPOSER, server_cls, "conversation")) == 3
    # what a screen reader gets: a named dialog, named controls, a log
    tree = browser.aria(PANEL)
    for line in ('dialog "Office de tourisme de Cahors"',
                 'button "Fermer la fenêtre de discussion"', 'combobox "Langue"',
                 'log "Conversation"', 'textbox "Votre message"', 'button "Envoyer"',
                 'text: Adam Assistant automatique · robot',
                 'paragraph: "Claire : Bonjour Marie-Laure'):
        assert line in tree, (line, tree)
    # the visitor types (the counsellor sees it) and sends; shown once
    since = marie.mark()
    browser.type(COMPOSER, "Merci ! Et pour les enfants ?")
    marie.wait_for(lambda s: is_from_v(s) and
                   s.xml.find(f"{{{CHATSTATES}}}composing") is not None, since=since)
    browser.press(COMPOSER, "Enter")
    marie.wait_for(lambda s: is_from_v(s) and "enfants" in body(s), since=since)
    browser.wait(".aw-mine:not(.aw-pending)", "enfants")
    pause(1)
    assert browser.count(MINE, "enfants") == 1
    assert browser.count(MINE, "randonnées faciles") == 1
    shot(browser, server_cls, "conversation", "desktop")
    # text zoomed to 200 %: the window grows, nothing is cut
    browser.font_size(32)
    browser.settle()
    zoomed = check_no_loss(browser, PANEL)
    assert zoomed["fontSize"] == "30px" and zoomed["width"] > 700, zoomed
    audit(browser, server_cls, "conversation", "text-200")
    shot(browser, server_cls, "conversation", "text-200")
    browser.font_size(16)
    browser.viewport(390, 844)
    pause(0.5)
    check_full_screen(browser)
    audit(browser, server_cls, "conversation", "phone")
    shot(browser, server_cls, "conversation", "phone")
    # keyboard: Escape closes and gives the focus back to the launcher
    browser.press(COMPOSER, "Escape")
    browser.wait(PANEL, state="hidden")
    focused = browser.focused()
    assert "aw-launcher" in focused["cls"], focused
    # closed, a new message: a badge on the launcher; opening clears it
    marie.send_message(v, "Pour les enfants, le sentier du Pech d'Angély.")
    browser.wait(".aw-badge", "1", timeout=20)
    assert "1 nouveau" in browser.aria(LAUNCHER), browser.aria(LAUNCHER)
    audit(browser, server_cls, "conversation", "phone-closed")
    shot(browser, server_cls, "conversation", "phone-closed")
    browser.click(LAUNCHER)
    browser.wait(OTHER, "Pech d'Angély")
    browser.wait(".aw-badge", state="hidden")
    no_page_errors(browser)


def take(desk, browser, question_part, answer):
    """Marie takes the browser visitor's request by answering it; returns
    the v- JID once the answer shows in the page."""
    marie = desk.staff["marie"]
    v = offer_to(marie, question_part, timeout=20)
    marie.send_message(v, answer)
    browser.wait(OTHER, answer[:20], timeout=20)
    return v


def stored(browser):
    """The widget's session in localStorage (or None)."""
    return browser.eval("return JSON.parse(localStorage.getItem("
                        "'accueil:cahors@accueil.ot.example') || 'null');")


def test_reload_and_resume(server_cls, tmpdir):
    desk, site, browser = start(server_cls, tmpdir, theme="dark")
    marie = desk.staff["marie"]
    ask(browser, "Bonjour, le musée Henri-Martin est-il ouvert le lundi ?", name="Paul")
    v = take(desk, browser, "Henri-Martin", "Oui, de 10 h à 18 h, sauf les jours fériés.")
    session = stored(browser)
    assert session and session["room"].endswith("@salons.ot.example"), session
    assert session["password"] and session["nick"] == "Paul", session
    # the page reloads: a new anonymous JID, the same room; history again
    browser.reload()
    browser.wait(PANEL, timeout=10)  # it was open: it opens again
    browser.wait(OTHER, "10 h à 18 h", timeout=20)
    browser.wait(OTHER, "robot")
    browser.wait(MINE, "Henri-Martin")
    browser.wait(".aw-other.aw-counsellor .aw-name", "Claire")
    pause(1)
    assert browser.count(OTHER, "10 h à 18 h") == 1
    assert browser.count(MINE, "Henri-Martin") == 1
    # the visitor goes on; the counsellor reads it
    since = marie.mark()
    browser.fill(COMPOSER, "Merci, et le mardi ?")
    browser.press(COMPOSER, "Enter")
    marie.wait_for(lambda s: is_from_v(s) and "mardi" in body(s), since=since)
    browser.wait(".aw-mine:not(.aw-pending)", "mardi", timeout=20)
    shot(browser, server_cls, "resume", "after-reload")
    # a lost connection: the widget says so, comes back, rejoins
    browser.offline(True)
    browser.wait(".aw-status[data-state=reconnecting]", timeout=60)
    audit(browser, server_cls, "resume", "reconnecting")
    pause(3)
    browser.offline(False)
    browser.wait(READY, timeout=60)
    browser.wait(".aw-composer", timeout=5)
    browser.wait(".aw-panel[data-phase=joined]", timeout=30)
    marie.send_message(v, "Le mardi aussi, même horaire.")
    browser.wait(OTHER, "Le mardi aussi", timeout=30)
    pause(1)
    assert browser.count(OTHER, "10 h à 18 h") == 1
    assert browser.count(MINE, "mardi") == 1
    no_page_errors(browser)


def test_reload_before_invitation(server_cls, tmpdir):
    """The page reloads after the first question was sent but before its
    invitation came (accueild held with SIGSTOP meanwhile): the question
    stays in view, is asked again with its resume token, and the one
    conversation it started moves to the new page: one conversation, one
    offer, the counsellor's answer shown once."""
    import signal
    desk, site, browser = start(server_cls, tmpdir, theme="light")
    marie = desk.staff["marie"]
    question = "Bonjour, peut-on visiter la tour du pape Jean XXII ?"
    open_widget(browser)
    desk.daemon.proc.send_signal(signal.SIGSTOP)
    try:
        fill_prechat(browser, question, name="Léo")
        browser.click(START)
        browser.wait(MINE, "Jean XXII", timeout=10)
        pending = browser.eval("return JSON.parse(localStorage.getItem("
                               "'accueil:cahors@accueil.ot.example:pending') "
                               "|| 'null');")
        assert pending and pending["question"] == question and \
            len(pending["token"]) == 32, pending
        browser.reload()
        browser.wait(MINE, "Jean XXII", timeout=20)   # still in view
        shot(browser, server_cls, "reload-before-invite", "pending")
        pause(2)
    finally:
        desk.daemon.proc.send_signal(signal.SIGCONT)
    browser.wait(".aw-panel[data-phase=joined]", timeout=40)
    v = offer_to(marie, "Jean XXII", timeout=30)
    marie.send_message(v, "Bonjour Léo, oui, tous les jours de 10 h à 18 h.")
    browser.wait(OTHER, "de 10 h à 18 h", timeout=30)
    pause(2)
    assert browser.count(MINE, "Jean XXII") == 1
    assert browser.count(OTHER, "de 10 h à 18 h") == 1
    rows = desk.rows("SELECT id FROM sessions")
    assert len(rows) == 1, f"{len(rows)} conversations for one question"
    assert "reloaded the page before joining" in desk.daemon.log_text()
    assert stored(browser) and not browser.eval(
        "return localStorage.getItem('accueil:cahors@accueil.ot.example:pending');")
    no_page_errors(browser)


def test_server_restart(server_cls, tmpdir):
    """The XMPP server restarts under the widget: BOSH fails, the widget
    retries with back-off, logs in again and rejoins the (persistent) room."""
    desk, site, browser = start(server_cls, tmpdir, theme="saturated")
    ask(browser, "Bonjour, les horaires de la cathédrale ?", name="Hugo")
    v = take(desk, browser, "cathédrale", "Bonjour Hugo, de 8 h à 19 h.")
    desk.daemon.mark_log()
    desk.server.restart()
    browser.wait(".aw-status[data-state=reconnecting]", timeout=60)
    desk.daemon.wait_log(desk.daemon.connected_line, timeout=30)
    marie = desk.staff["marie"] = desk.login_counsellor("marie")
    browser.wait(".aw-panel[data-phase=joined]", timeout=90)
    browser.wait(READY, timeout=30)
    marie.send_message(v, "Et la visite du cloître est libre.")
    browser.wait(OTHER, "cloître", timeout=30)
    since = marie.mark()
    browser.fill(COMPOSER, "Merci beaucoup !")
    browser.press(COMPOSER, "Enter")
    marie.wait_for(lambda s: is_from_v(s) and "Merci beaucoup" in body(s), since=since,
                   timeout=20)
    pause(1)
    assert browser.count(OTHER, "de 8 h à 19 h") == 1
    no_page_errors(browser)


def test_queue_when_nobody_is_free(server_cls, tmpdir):
    desk, site, browser = start(server_cls, tmpdir, theme="light")
    marie = desk.staff["marie"]
    desk.daemon.mark_log()
    marie.send_presence(show="away")
    desk.daemon.wait_log(r"staff: marie@ot\.example is now unavailable", timeout=15)
    # the desk says nobody is free: the widget says so before any question
    open_widget(browser)
    browser.wait(".aw-status[data-state=busy]", timeout=20)
    browser.wait(STATUS, "Conseillers occupés")
    browser.wait(".aw-welcome", "occupés")
    audit(browser, server_cls, "queue", "busy-prechat")
    shot(browser, server_cls, "queue", "busy-prechat")
    # someone else is already waiting
    first = Visitor(desk, nick="Jeanne")
    first.ask("Bonjour, où garer un camping-car ?")
    browser.fill(QUESTION, "Bonjour, y a-t-il une visite guidée du pont Valentré demain ?")
    browser.click(START)
    # the bot's queue message with <queue position="2" wait="..."/>
    browser.wait(OTHER, "file d'attente", timeout=30)
    browser.wait(QUEUE, "2e dans la file", timeout=10)
    text = browser.text(QUEUE)
    assert re.search(r"2e dans la file · environ (\d+ min|moins d'une minute)", text), text
    audit(browser, server_cls, "queue", "queue")
    shot(browser, server_cls, "queue", "position")
    # the status line follows the language switch
    for lang, expected in (("en", "2nd in the queue"), ("es", "Puesto 2 en la cola"),
                           ("ca", "Posició 2 a la cua"), ("fr", "2e dans la file")):
        browser.select(".aw-lang-select", lang)
        browser.wait(QUEUE, expected)
    browser.select(".aw-lang-select", "en")
    browser.wait(".aw-composer textarea[placeholder='Write your message…']")
    shot(browser, server_cls, "queue", "position-en")
    browser.select(".aw-lang-select", "fr")
    # a counsellor comes back and takes it: the queue line goes
    marie.send_presence()
    v = offer_to(marie, "pont Valentré", timeout=30)
    marie.send_message(v, "Oui, à 15 h, départ de l'office.")
    browser.wait(OTHER, "départ de l'office", timeout=20)
    browser.wait(QUEUE, state="hidden", timeout=10)
    no_page_errors(browser)


def closed_office():
    """The cahors office, open one hour a day, twelve hours from now (Paris
    time): closed now. Returns (office XML, next opening as aware datetime)."""
    paris = ZoneInfo("Europe/Paris")
    now = datetime.datetime.now(paris)
    start_hour = (now.hour + 12) % 24
    opening = now.replace(hour=start_hour, minute=0, second=0, microsecond=0)
    if opening <= now:
        opening += datetime.timedelta(days=1)
    xml = f"""\
  <office id="cahors" name="Office de tourisme de Cahors" timezone="Europe/Paris"
          languages="fr en es ca" default-lang="fr" fallback-langs="en fr"
          answer-delay="24" offer-size="2" offer-timeout="45" alert-delay="120"
          max-wait="600" bot="adam">
    <hours days="mon-sun" open="{start_hour:02d}:00" close="{start_hour + 1:02d}:00"/>
  </office>"""
    return xml, opening


FR_DAYS = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]


def test_closed_hours(server_cls, tmpdir):
    office, opening = closed_office()
    desk, site, browser = start(server_cls, tmpdir, office_xml=office,
                                viewport=(390, 844), theme="saturated")
    open_widget(browser)
    browser.wait(".aw-status[data-state=closed]", timeout=20)
    status = browser.text(STATUS)
    assert "Chat fermé" in status and "réouverture" in status, status
    assert FR_DAYS[opening.weekday()] in status and f"{opening.hour:02d}:00" in status, \
        (status, opening)
    note = browser.text(".aw-closed-note")
    assert f"{opening.hour:02d}:00" in note, note
    browser.wait(".aw-welcome", "fermé")
    check_full_screen(browser)
    audit(browser, server_cls, "closed", "closed-office-phone")
    shot(browser, server_cls, "closed", "phone")
    # the visitor still leaves a question and an address
    browser.fill(QUESTION, "Bonjour, peut-on visiter les caves le dimanche ?")
    browser.fill(NAME, "Lucie")
    browser.fill(EMAIL, "lucie@example.org")
    browser.click(START)
    browser.wait(".aw-error", "Cochez la case")
    assert browser.attr(CONSENT, "aria-invalid") == "true"
    audit(browser, server_cls, "closed", "form-error")
    browser.check(CONSENT)
    browser.click(START)
    browser.wait(OTHER, "fermé", timeout=30)
    browser.wait(OTHER, "lucie@example.org", timeout=30)
    audit(browser, server_cls, "closed", "question-left")
    shot(browser, server_cls, "closed", "question-left")
    rows = desk.rows("SELECT email, consent, name, question FROM sessions")
    assert [(r["email"], r["consent"], r["name"]) for r in rows] == \
        [("lucie@example.org", 1, "Lucie")], [tuple(r) for r in rows]
    no_page_errors(browser)


def test_survey(server_cls, tmpdir):
    desk, site, browser = start(server_cls, tmpdir, theme="saturated")
    marie = desk.staff["marie"]
    ask(browser, "Bonjour, où louer des vélos électriques ?", name="Inès")
    v = take(desk, browser, "vélos électriques", "Bonjour Inès, chez Cahors Vélo, quai Cavaignac.")
    marie.send_message(v, "/fin")
    browser.wait(".aw-survey", timeout=20)
    browser.wait(".aw-survey legend", "Note de 1 à 5")
    assert browser.count(".aw-survey .aw-star") == 5
    browser.click(".aw-survey .aw-star[data-n='4']")
    assert browser.count(".aw-survey .aw-star.aw-on") == 4
    browser.fill(".aw-survey textarea", "Réponse rapide et claire")
    audit(browser, server_cls, "survey", "survey")
    stops = focus_back_from(browser, COMPOSER, server_cls, "survey")
    # the card's button, comment and the chosen star (one stop for the group)
    assert [s["tag"] for s in stops[:3]] == ["button", "textarea", "input"], stops
    # arrow keys move the rating (a radio group)
    browser.press(".aw-survey .aw-star-input:checked", "ArrowRight")
    assert browser.count(".aw-survey .aw-star.aw-on") == 5
    browser.press(".aw-survey .aw-star-input:checked", "ArrowLeft")
    assert browser.count(".aw-survey .aw-star.aw-on") == 4
    check_ring(focus_stop(browser))
    shot(browser, server_cls, "survey", "stars")
    browser.click(".aw-survey button[type=submit]")
    browser.wait(".aw-survey .aw-thanks", "Merci")
    browser.wait(MINE, "4 Réponse rapide et claire")
    # the bot thanks, the room is destroyed: the end, the session forgotten
    browser.wait(ENDED, "Conversation terminée", timeout=30)
    browser.wait(".aw-composer", state="hidden")
    assert stored(browser) is None
    desk.daemon.wait_log(r"session v-[0-9a-f]+: closed \(done\)", timeout=15, from_start=True)
    row = desk.rows("SELECT rating, comment, state FROM sessions WHERE id = ?",
                    v.split("@")[0])[0]
    assert (row["rating"], row["comment"], row["state"]) == \
        (4, "Réponse rapide et claire", "closed"), tuple(row)
    audit(browser, server_cls, "survey", "ended")
    shot(browser, server_cls, "survey", "ended")
    browser.viewport(390, 844)
    pause(0.5)
    shot(browser, server_cls, "survey", "ended-phone")
    # a new conversation starts from the pre-chat form
    browser.click(".aw-ended button")
    browser.wait(QUESTION)
    # a stored session whose room is gone: the visitor is told, and can ask again
    browser.eval("localStorage.setItem('accueil:cahors@accueil.ot.example', JSON.stringify("
                 "{v: 1, saved: Date.now(), room: arg, password: 'nope', nick: 'Inès',"
                 " nicks: ['Inès'], question: 'Une vieille question', open: true}));",
                 f"{'0' * 32}@salons.ot.example")
    browser.reload()
    browser.wait(".aw-prechat .aw-error", "conversation précédente est terminée", timeout=20)
    browser.wait(QUESTION)
    audit(browser, server_cls, "survey", "previous-ended-phone")
    assert stored(browser) is None
    no_page_errors(browser)


VIDEO_HOURS = '<video days="tue thu" from="14:00" to="17:00" slot="30"/>'
VIDEO_PLUGIN = ('<plugin name="url-template"><option name="template" '
                'value="https://visio.example/{room}?who={name}"/></plugin>')


def test_email_boxes(server_cls, tmpdir):
    """With an e-mail relay: the pre-chat form's follow-up box sends its
    exact text, stored as the consent; the survey card offers the
    transcript by e-mail (the address from the form), which is queued."""
    import sys
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "integration"))
    from harness import free_ports
    from smtpsink import SmtpSink
    port, = free_ports(1)
    sink = SmtpSink(port).start()
    smtp = (f'<smtp url="smtp://127.0.0.1:{port}" from="accueil@ot.example" '
            'tls="none"/>')
    desk, site, browser = start(server_cls, tmpdir, theme="light",
                                extra_xml=[smtp])
    marie = desk.staff["marie"]
    address = "ines.martin@example.org"
    open_widget(browser)
    fill_prechat(browser, "Bonjour, le pont Valentré se visite-t-il le soir ?",
                 name="Inès", email=address)
    label = browser.text(".aw-prechat input[name=followup] + label")
    assert label.startswith("J'accepte que l'office me recontacte"), label
    browser.check(".aw-prechat input[name=followup]")
    audit(browser, server_cls, "email-boxes", "prechat")
    browser.click(START)
    v = take(desk, browser, "pont Valentré", "Bonjour Inès, oui, il est éclairé.")
    c, = desk.rows("SELECT text, contact, lang FROM consents")
    assert (c["text"], c["contact"], c["lang"]) == (label, address, "fr"), dict(c)
    marie.send_message(v, "!fin")
    browser.wait(".aw-survey .aw-transcript", timeout=20)
    assert browser.attr(".aw-transcript input", "value") == address
    audit(browser, server_cls, "email-boxes", "survey")
    shot(browser, server_cls, "email-boxes", "survey")
    browser.click(".aw-transcript button")
    browser.wait(".aw-transcript .aw-thanks", "Demandé")
    browser.wait(OTHER, address, timeout=20)      # the bot says it is queued
    (_, rcpts, raw), = sink.wait_count(1)
    assert rcpts == [address], rcpts
    assert not [t for t in browser.texts(OTHER) if "oui ou non" in t], \
        "the bot asked for a consent the form gave"
    no_page_errors(browser)


def test_video_appointment(server_cls, tmpdir):
    # a reminder a week ahead: it comes right after the booking, whatever
    # the hour, and its link must fit the phone's width too
    office = DEFAULT_OFFICE.replace('bot="adam"', 'bot="adam" reminders="10080"')
    desk, site, browser = start(server_cls, tmpdir, children={"marie": VIDEO_HOURS},
                                extra_xml=[VIDEO_PLUGIN], theme="light",
                                office_xml=office)
    marie = desk.staff["marie"]
    ask(browser, "Bonjour, pouvez-vous me conseiller une randonnée de deux jours ?")
    v = take(desk, browser, "deux jours", "Avec plaisir : parlons-en en visio ?")
    marie.send_message(v, "/visio")
    # the bot's form: one button per time, "now" first (Claire is free)
    browser.wait(".aw-video .aw-slot", timeout=20)
    slots = browser.texts(".aw-video .aw-slot")
    assert len(slots) >= 3 and slots[0].lower() == "maintenant", slots
    values = browser.eval("return [...window.AccueilWidget.instance.root.querySelectorAll("
                          "'.aw-video .aw-slot')].map(b => b.dataset.value);")
    assert values[0] == "now" and all(x.isdigit() for x in values[1:]), values
    audit(browser, server_cls, "video", "video-times")
    stops = focus_back_from(browser, COMPOSER, server_cls, "video times")
    assert [s["label"] for s in stops[:len(slots)]] == slots[::-1], stops
    shot(browser, server_cls, "video", "slots")
    capture_sent(browser)
    since = marie.mark()
    browser.click(".aw-video .aw-slot >> nth=1")
    browser.wait(".aw-video .aw-chosen", slots[1])
    assert browser.count(".aw-video .aw-slot:disabled") == len(slots)
    out = "".join(sent(browser))
    assert "urn:accueil:video:0" in out and f"<value>{values[1]}</value>" in out, out
    assert "<body>2</body>" in out, out
    # booked: the link and the calendar event
    browser.wait(".aw-links a", "Rejoindre la visio", timeout=20)
    href = browser.attr(".aw-links a[target=_blank]", "href")
    assert href.startswith("https://visio.example/"), href
    assert browser.attr(".aw-links a[download]", "download") == "rendez-vous.ics"
    ics = browser.eval("const a = window.AccueilWidget.instance.root.querySelector("
                       "'.aw-links a[download]'); return fetch(a.href).then(r => r.text());")
    assert ics.startswith("BEGIN:VCALENDAR") and "BEGIN:VEVENT" in ics and \
        "DTSTART" in ics, ics
    marie.wait_for(lambda s: is_from_v(s) and "réservé" in body(s), since=since, timeout=15)
    row = desk.rows("SELECT state, start FROM appointments")[0]
    assert row["state"] == "booked" and row["start"] == int(values[1]), tuple(row)
    audit(browser, server_cls, "video", "video-link")
    shot(browser, server_cls, "video", "link")
    browser.wait(".aw-notice", "Rappel", timeout=30)
    assert href in " ".join(browser.texts(".aw-notice")), browser.texts(".aw-notice")
    browser.viewport(390, 844)
    pause(0.5)
    check_full_screen(browser)
    audit(browser, server_cls, "video", "video-link-phone")
    shot(browser, server_cls, "video", "link-phone")
    no_page_errors(browser)


def test_languages_and_pages(server_cls, tmpdir):
    """No data-lang: the browser's language (Catalan here); the visitor's
    switch wins, is sent as the form's lang (an explicit choice) and is
    remembered; data-pages keeps the widget off other pages."""
    need_browser()
    desk = Desk(server_cls, tmpdir, accounts=("marie", "tom"), avatars=True)
    site = DevServer(desk.server, tmpdir, page_attrs={"lang": None})
    site.write_page({"pages": "/randonnees/*, /sejourner"}, "autre.html")
    browser = Browser(tmpdir, locale="ca-ES")
    browser.goto(site.url)
    browser.wait(LAUNCHER, "Alguna pregunta?")
    open_widget(browser)
    browser.wait(".aw-welcome", "Feu la vostra pregunta")
    browser.wait(STATUS, "Xat obert")
    audit(browser, server_cls, "languages", "catalan")
    shot(browser, server_cls, "languages", "catalan")
    browser.select(".aw-lang-select", "es")
    browser.wait(".aw-welcome", "Haga su pregunta")
    browser.wait(STATUS, "Chat abierto")
    assert browser.eval("return localStorage.getItem('accueil:lang')") == "es"
    browser.reload()
    browser.wait(LAUNCHER, "¿Una pregunta?")
    # keyboard only: Enter on the launcher, the focus in the question, Tab
    # to the button, Enter
    browser.press(LAUNCHER, "Enter")
    browser.wait(READY, timeout=20)
    focused = browser.focused()
    assert focused["tag"] == "textarea", focused
    browser.call("keyboard", key="H")
    browser.type(QUESTION, "ola, ¿hay visitas guiadas en español?")
    for _ in range(20):
        browser.call("keyboard", key="Tab")
        if browser.focused()["cls"] == "aw-btn aw-btn-wide":
            break
    else:
        raise AssertionError(f"Tab never reached the send button: {browser.focused()}")
    browser.call("keyboard", key="Enter")
    tom = desk.staff["tom"]
    v = offer_to(tom, "visitas guiadas", timeout=20)
    row = desk.rows("SELECT lang, lang_source FROM sessions WHERE id = ?", v.split("@")[0])[0]
    assert (row["lang"], row["lang_source"]) == ("es", "form"), tuple(row)
    browser.wait(OTHER, "robot", timeout=20)
    browser.wait(".aw-other.aw-bot .aw-robot", "Asistente automático · robot")
    # another page of the site, not listed in data-pages: no widget there
    browser.goto(site.url + "autre.html")
    pause(1)
    assert browser.count("#accueil-widget") == 0
    assert browser.count(LAUNCHER) == 0
    no_page_errors(browser)


def test_colour_maths(server_cls, tmpdir):
    """The widget's colour unit tests (widget/test, node:test): every pair
    the stylesheet draws reaches 4.5:1 (text) or 3:1 (icons, borders,
    rings) for thousands of random office colours; the warnings. They need
    no server: they run with the first server only."""
    from harness import selected_servers
    if server_cls is not selected_servers()[0]:
        raise Skip(f"no server needed: ran with {selected_servers()[0].name}")
    if shutil.which("node") is None:
        raise Skip("no node (apt-get install nodejs)")
    tests = REPO / "widget" / "test"
    if not tests.is_dir():
        raise Skip("widget/test is not in this tree")
    proc = subprocess.run(["node", "--test", "--test-reporter=tap", str(tests)],
                          cwd=str(REPO / "widget"), capture_output=True, text=True,
                          timeout=120)
    summary = [line for line in proc.stdout.splitlines()
               if re.match(r"^(not ok|# (tests|pass|fail)|# Subtest: seed)", line)]
    print("\n".join(f"# node: {line.lstrip('# ')}" for line in summary))
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]


def tab_to(browser, cls, steps=30):
    """Press Tab until the element with class cls has the focus."""
    for _ in range(steps):
        browser.call("keyboard", key="Tab")
        stop = focus_stop(browser)
        if stop and cls in stop["cls"].split():
            return stop
    raise AssertionError(f"Tab never reached .{cls}: {focus_stop(browser)}")


def launcher_colours(browser):
    """The launcher as drawn: text, fill, edge and the page under it."""
    css = browser.eval(
        "const cs = getComputedStyle(window.AccueilWidget.instance.launcher);"
        "const icon = getComputedStyle(window.AccueilWidget.instance.launcher"
        ".querySelector('svg'));"
        "return [cs.color, cs.backgroundColor, cs.borderTopColor, icon.fill,"
        " getComputedStyle(document.body).backgroundColor];")
    return dict(zip(("text", "fill", "edge", "icon", "page"), map(parse_colour, css)))


def test_themes_and_zoom(server_cls, tmpdir):
    """The launcher on each office colour (contrast as drawn, screenshots,
    the keyboard focus ring); the focus order and rings of the form; reduced
    motion; the text and the page zoomed to 200 %; the dark scheme; a
    configured colour pair below 4.5:1 warned about in the console."""
    need_browser()
    desk = Desk(server_cls, tmpdir, avatars=True)
    site = DevServer(desk.server, tmpdir, page_attrs={"color": THEMES["dark"]})
    for name, colour in THEMES.items():
        site.write_page({"color": colour}, f"{name}.html")
    site.write_page({"color": THEMES["light"], "color-text": "#ffffff"}, "bad-pair.html")
    site.write_page({"color": THEMES["saturated"], "color-text": "#001018"}, "good-pair.html")
    browser = Browser(tmpdir)
    srv = server_cls.name
    for name, colour in THEMES.items():
        browser.goto(f"{site.url}{name}.html")
        browser.wait(LAUNCHER)
        browser.settle()
        c = launcher_colours(browser)
        text_ratio, icon_ratio = contrast(c["text"], c["fill"]), contrast(c["icon"], c["fill"])
        page_ratio = max(contrast(c["fill"], c["page"]), contrast(c["edge"], c["page"]))
        print(f"# launcher {name} {colour} [{srv}]: text and icon {hex_colour(c['text'])} on "
              f"{hex_colour(c['fill'])} {text_ratio:.2f}:1; against the page "
              f"{hex_colour(c['page'])} {page_ratio:.2f}:1 (edge {hex_colour(c['edge'])})")
        assert hex_colour(c["fill"]) == colour, (c, colour)  # the office's own colour
        assert text_ratio >= 4.5 and icon_ratio >= 3 and page_ratio >= 3, (name, c)
        shot_path = browser.screenshot(f"launcher-{name}-{srv}.png", sel=LAUNCHER, pad=24)
        assert shot_path.stat().st_size > 1000
        ring = check_ring(tab_to(browser, "aw-launcher"))
        print(f"# launcher {name} focus ring [{srv}]: {ring:.2f}:1 on the page")
        browser.screenshot(f"launcher-{name}-{srv}-focus.png", sel=LAUNCHER, pad=24)
        browser.call("keyboard", key="Enter")
        browser.wait(".aw-status[data-state=open]", timeout=20)
        shot(browser, server_cls, "themes", f"{name}-open")
        browser.emulate(color_scheme="dark")
        browser.wait(".aw[data-scheme=dark]", state="attached")
        browser.settle()
        shot(browser, server_cls, "themes", f"{name}-open-dark")
        browser.emulate(color_scheme="light")

    # the form by keyboard only, on the dark theme: the launcher, Enter,
    # the question; forward through the form, back to the header
    browser.goto(site.url)
    tab_to(browser, "aw-launcher")
    browser.call("keyboard", key="Enter")
    browser.wait(".aw-status[data-state=open]", timeout=20)
    first = focus_stop(browser)
    assert first["tag"] == "textarea" and first["label"] == "Votre question", first
    check_ring(first)
    forward = [s["label"] for s in focus_walk(browser)]
    assert forward[:2] == ["Votre prénom (facultatif)", "Randonnée"], forward
    assert forward[-4:] == ["Votre e-mail (facultatif)",
                            "J'accepte que l'office de tourisme m'écrive à cette adresse "
                            "pour répondre à ma demande."[:60],
                            "J'accepte que l'office me recontacte deux fois après cet "
                            "échange (mon avis, puis si j'ai encore besoin d'aide)."[:60],
                            "Envoyer ma question"], forward
    # name, the six interests, e-mail, its two boxes (answer, follow-ups), button
    assert len(forward) == 1 + 6 + 4, forward
    browser.click(QUESTION)
    back = [(s["tag"], s["label"]) for s in focus_walk(browser, back=True)]
    assert back == [("button", "Fermer la fenêtre de discussion"), ("select", "Langue")], back
    print(f"# focus order [{srv}]: question, {', '.join(forward)}; back: "
          f"{', '.join(label for _, label in back)}; every ring 3:1 or more")

    # reduced motion: no entrance, no transitions
    browser.press(QUESTION, "Escape")
    browser.emulate(reduced_motion="reduce")
    browser.click(LAUNCHER)
    motion = browser.eval(
        "const r = window.AccueilWidget.instance.root;"
        "return [getComputedStyle(r.querySelector('.aw-panel')).animationName,"
        " getComputedStyle(r.querySelector('.aw-launcher')).transitionDuration];")
    assert motion == ["none", "0s"], motion
    browser.emulate(reduced_motion="no-preference")
    moving = browser.eval("return getComputedStyle(window.AccueilWidget.instance.root"
                          ".querySelector('.aw-panel')).animationName;")
    assert moving == "aw-in", moving

    # text zoomed to 200 % (the browser's font size): launcher and form grow,
    # nothing is cut
    browser.press(QUESTION, "Escape")
    normal = check_no_loss(browser, LAUNCHER)
    browser.font_size(32)
    browser.settle()
    big = check_no_loss(browser, LAUNCHER)
    assert float(big["fontSize"][:-2]) >= 2 * float(normal["fontSize"][:-2]) - 0.5, (normal, big)
    browser.screenshot(f"launcher-dark-{srv}-text-200.png", sel=LAUNCHER, pad=24)
    audit(browser, server_cls, "themes", "closed-text-200")
    browser.click(LAUNCHER)
    browser.fill(QUESTION, "Bonjour, une question un peu longue pour voir le texte agrandi.")
    browser.click(".aw-chip:has(input[value=hiking])")
    panel = check_no_loss(browser, PANEL)
    assert panel["fontSize"] == "30px", panel
    audit(browser, server_cls, "themes", "form-text-200")
    shot(browser, server_cls, "themes", "form-text-200")
    browser.font_size(16)
    # the page zoomed to 200 %: a 1280 x 860 window is 640 x 430 CSS pixels
    browser.viewport(640, 430)
    browser.settle()
    check_no_loss(browser, PANEL)
    audit(browser, server_cls, "themes", "form-zoom-200")
    shot(browser, server_cls, "themes", "form-zoom-200")
    browser.viewport(1280, 860)

    # colour pairs an office configured: a bad one is replaced and warned
    # about, a good one is used as is
    browser.goto(site.url + "bad-pair.html")
    browser.wait(LAUNCHER)
    browser.settle()
    c = launcher_colours(browser)
    warnings = [m["text"] for m in browser.console("warning") if "accueil widget" in m["text"]]
    expected = ("accueil widget: data-color-text #ffffff on data-color #f2d16b has a contrast "
                f"of 1.49:1, below 4.5:1 (WCAG 1.4.3); using {hex_colour(c['text'])} "
                f"({contrast(c['text'], c['fill']):.2f}:1)")
    assert warnings == [expected], (warnings, expected)
    assert contrast(c["text"], c["fill"]) >= 4.5, c
    print(f"# console [{srv}]: {warnings[0]}")
    audit(browser, server_cls, "themes", "bad-pair", themes={"bad-pair": THEMES["light"]})
    browser.goto(site.url + "good-pair.html")
    browser.wait(LAUNCHER)
    browser.settle()
    assert hex_colour(launcher_colours(browser)["text"]) == "#001018"
    assert [m for m in browser.console("warning") if "accueil widget" in m["text"]] == \
        [{"type": "warning", "text": expected}], browser.console("warning")
    no_page_errors(browser)


if __name__ == "__main__":
    import os
    if os.environ.get("ACCUEIL_SKIP_BROWSER") == "1":
        # scripts/test runs the browser tests once, in the -Werror build
        print("1..0 # SKIP browser tests run in the -Werror suite")
        raise SystemExit(0)
    run([test_colour_maths, test_themes_and_zoom, test_conversation,
         test_reload_before_invitation,
         test_reload_and_resume, test_server_restart, test_queue_when_nobody_is_free,
         test_closed_hours, test_survey, test_email_boxes, test_video_appointment,
         test_languages_and_pages])
