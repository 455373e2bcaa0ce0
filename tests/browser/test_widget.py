#!/usr/bin/python3
"""The web visitor widget in Debian's headless Chromium, against the real
daemon on a real Prosody and a real ejabberd (their BOSH through
scripts/devserver.py), with real counsellor clients (slixmpp).

Scenarios: a whole conversation (persona name and avatar, the bot marked as
a robot, typing, a correction), reload and resume, a lost connection, the
queue when nobody is free, closed hours, the survey (rating stored in
SQLite), and a video appointment (slot buttons, link, calendar event).

Screenshots go to artefacts/browser/ at the top of the repository. Without
Chromium, Node, playwright-core (tests/browser: npm ci) or the built widget
(widget: npm ci && npm run build), every test reports SKIP.

    tests/browser/test_widget.py                 all, on both servers
    ACCUEIL_SERVERS=prosody tests/browser/test_widget.py survey
"""

import datetime
import re
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent))

from browserlib import (  # noqa: E402
    AGENT, ANNOUNCER, COMPOSER, CONSENT, EMAIL, ENDED, LAUNCHER, MINE, NAME, OTHER,
    PANEL, QUESTION, QUEUE, START, STATUS, TYPING, Browser, DevServer, capture_sent,
    need_browser, sent)
from harness import pause, run  # noqa: E402
from sessionlib import Desk, Visitor, body, is_from_v, offer_to  # noqa: E402

CHATSTATES = "http://jabber.org/protocol/chatstates"


def start(server_cls, tmpdir, page=None, viewport=(1280, 860), **desk_args):
    """Skip unless a browser can run; then a server, the daemon, counsellors
    (sessionlib.Desk with desk_args), the devserver and a browser on the
    demo page."""
    need_browser()
    desk = Desk(server_cls, tmpdir, avatars=True, **desk_args)
    site = DevServer(desk.server, tmpdir, page_attrs=page)
    browser = Browser(tmpdir, viewport=viewport)
    browser.goto(site.url)
    return desk, site, browser


def shot(browser, server_cls, test, what):
    return browser.screenshot(f"{test}-{server_cls.name}-{what}.png")


READY = ".aw-status[data-state=open], .aw-status[data-state=busy], .aw-status[data-state=closed]"


def open_widget(browser):
    """Open the panel; wait until it shows the desk's state."""
    browser.click(LAUNCHER)
    browser.wait(PANEL)
    browser.wait(READY, timeout=20)


def ask(browser, question, name=None, email=None, interest=None):
    """Open the widget and send the first question through the pre-chat form."""
    open_widget(browser)
    browser.fill(QUESTION, question)
    if name:
        browser.fill(NAME, name)
    if interest:
        browser.click(f".aw-chip:has(input[value={interest}])")
    if email:
        browser.fill(EMAIL, email)
        browser.check(CONSENT)
    browser.click(START)


def no_page_errors(browser):
    errors = browser.errors()
    assert not errors, errors


def test_conversation(server_cls, tmpdir):
    desk, site, browser = start(server_cls, tmpdir)
    marie = desk.staff["marie"]
    ask(browser, "Bonjour, quelles randonnées faciles autour de Cahors ?",
        name="Marie-Laure", interest="hiking")
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
    browser.viewport(390, 844)
    pause(0.5)
    shot(browser, server_cls, "conversation", "phone")
    # keyboard: Escape closes and gives the focus back to the launcher
    browser.press(COMPOSER, "Escape")
    browser.wait(PANEL, state="hidden")
    focused = browser.focused()
    assert "aw-launcher" in focused["cls"], focused
    # closed, a new message: a badge on the launcher; opening clears it
    marie.send_message(v, "Pour les enfants, le sentier du Pech d'Angély.")
    browser.wait(".aw-badge", "1", timeout=20)
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
    desk, site, browser = start(server_cls, tmpdir)
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


def test_server_restart(server_cls, tmpdir):
    """The XMPP server restarts under the widget: BOSH fails, the widget
    retries with back-off, logs in again and rejoins the (persistent) room."""
    desk, site, browser = start(server_cls, tmpdir)
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
    desk, site, browser = start(server_cls, tmpdir)
    marie = desk.staff["marie"]
    desk.daemon.mark_log()
    marie.send_presence(show="away")
    desk.daemon.wait_log(r"staff: marie@ot\.example is now unavailable", timeout=15)
    # the desk says nobody is free: the widget says so before any question
    open_widget(browser)
    browser.wait(".aw-status[data-state=busy]", timeout=20)
    browser.wait(STATUS, "Conseillers occupés")
    browser.wait(".aw-welcome", "occupés")
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
                                viewport=(390, 844))
    open_widget(browser)
    browser.wait(".aw-status[data-state=closed]", timeout=20)
    status = browser.text(STATUS)
    assert "Chat fermé" in status and "réouverture" in status, status
    assert FR_DAYS[opening.weekday()] in status and f"{opening.hour:02d}:00" in status, \
        (status, opening)
    note = browser.text(".aw-closed-note")
    assert f"{opening.hour:02d}:00" in note, note
    browser.wait(".aw-welcome", "fermé")
    shot(browser, server_cls, "closed", "phone")
    # the visitor still leaves a question and an address
    browser.fill(QUESTION, "Bonjour, peut-on visiter les caves le dimanche ?")
    browser.fill(NAME, "Lucie")
    browser.fill(EMAIL, "lucie@example.org")
    browser.click(START)
    browser.wait(".aw-error", "Cochez la case")
    browser.check(CONSENT)
    browser.click(START)
    browser.wait(OTHER, "fermé", timeout=30)
    browser.wait(OTHER, "lucie@example.org", timeout=30)
    shot(browser, server_cls, "closed", "question-left")
    rows = desk.rows("SELECT email, consent, name, question FROM sessions")
    assert [(r["email"], r["consent"], r["name"]) for r in rows] == \
        [("lucie@example.org", 1, "Lucie")], [tuple(r) for r in rows]
    no_page_errors(browser)


def test_survey(server_cls, tmpdir):
    desk, site, browser = start(server_cls, tmpdir)
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
    assert stored(browser) is None
    no_page_errors(browser)


VIDEO_HOURS = '<video days="tue thu" from="14:00" to="17:00" slot="30"/>'
VIDEO_PLUGIN = ('<plugin name="url-template"><option name="template" '
                'value="https://visio.example/{room}?who={name}"/></plugin>')


def test_video_appointment(server_cls, tmpdir):
    desk, site, browser = start(server_cls, tmpdir, children={"marie": VIDEO_HOURS},
                                extra_xml=[VIDEO_PLUGIN])
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
    shot(browser, server_cls, "video", "link")
    browser.viewport(390, 844)
    pause(0.5)
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


if __name__ == "__main__":
    import os
    if os.environ.get("ACCUEIL_SKIP_BROWSER") == "1":
        # scripts/test runs the browser tests once, in the -Werror build
        print("1..0 # SKIP browser tests run in the -Werror suite")
        raise SystemExit(0)
    run([test_conversation, test_reload_and_resume, test_server_restart,
         test_queue_when_nobody_is_free,
         test_closed_hours, test_survey, test_video_appointment,
         test_languages_and_pages])
