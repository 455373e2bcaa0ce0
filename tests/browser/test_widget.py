#!/usr/bin/python3
"""The web visitor widget in Debian's headless Chromium, against the real
daemon on a real Prosody and a real ejabberd (their BOSH through
scripts/devserver.py), with real counsellor clients (slixmpp).

Scenarios: a whole conversation (persona name and avatar, the bot marked as
a robot, typing, a correction), reload and resume, a lost connection, the
queue when nobody is available, closed hours, the survey (rating stored in
SQLite), and the video appointment form and link.

Screenshots go to artefacts/browser/ at the top of the repository. Without
Chromium, Node, playwright-core (tests/browser: npm ci) or the built widget
(widget: npm ci && npm run build), every test reports SKIP.

    tests/browser/test_widget.py                 all, on both servers
    ACCUEIL_SERVERS=prosody tests/browser/test_widget.py survey
"""

import datetime
import re
import sys
import time
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent))

from browserlib import (  # noqa: E402
    AGENT, ANNOUNCER, COMPOSER, CONSENT, EMAIL, ENDED, LAUNCHER, MINE, NAME, OTHER,
    PANEL, QUESTION, QUEUE, START, STATUS, TYPING, Browser, DevServer, capture_sent,
    feed, need_browser, sent)
from harness import pause, run  # noqa: E402
from sessionlib import D, Desk, body, is_from_v, offer_to  # noqa: E402

CHATSTATES = "http://jabber.org/protocol/chatstates"


def start(server_cls, tmpdir, accounts=("marie",), office_xml=None, page=None,
          viewport=(1280, 860)):
    """Skip unless a browser can run; then a server, the daemon, counsellors,
    the devserver and a browser on the demo page."""
    need_browser()
    desk = Desk(server_cls, tmpdir, accounts=accounts, avatars=True, office_xml=office_xml)
    site = DevServer(desk.server, tmpdir, page_attrs=page)
    browser = Browser(tmpdir, viewport=viewport)
    browser.goto(site.url)
    return desk, site, browser


def shot(browser, server_cls, test, what):
    return browser.screenshot(f"{test}-{server_cls.name}-{what}.png")


def ask(browser, question, name=None, email=None, interest=None):
    """Open the widget and send the first question through the pre-chat form."""
    browser.click(LAUNCHER)
    browser.wait(PANEL)
    browser.wait(STATUS, "Chat")
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
    focused = browser.call("focused")
    assert "aw-launcher" in focused["cls"], focused
    shot(browser, server_cls, "conversation", "phone-closed")
    no_page_errors(browser)


if __name__ == "__main__":
    run([test_conversation])
