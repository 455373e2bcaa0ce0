#!/usr/bin/python3
"""The editorial coach and event plugins, against real Prosody and
ejabberd, with the test clock:

- each hint fires on its case, privately, in the counsellor's language,
  and never reaches the visitor: a first reply without a greeting and
  without the visitor's first name; "tu" (and the Catalan familiar form);
  a reply that is mostly links; the visitor waiting 90 s for the next
  answer; a request reaching 2 minutes unanswered (to the counsellor it
  was offered to); on taking it, how long the visitor waited;
- no hint twice in one conversation, at most two per line;
- an office with coach="no" gets none;
- an event plugin loaded from a shared object (<plugin-file>) hears the
  conversation and whispers to the counsellor; one built for another ABI
  is refused by `accueild -n` with the reason.

Every wait is bounded; each test runs once per server.
"""

import os
import subprocess
from pathlib import Path

from harness import DAEMON_TIME_FACTOR as F, Skip, pause, run
from sessionlib import Clock, Desk, Visitor, body, offer_to, paris

FORM = ("<x xmlns='jabber:x:data' type='submit'><field var='name'>"
        "<value>{}</value></field></x>")


def hints_from(client, v, since=0):
    return [body(s) for s in client.stanzas[since:] if s.name == "message"
            and str(s["from"].bare) == v and "privé" in body(s)]


def wait_hint(client, v, needle, since, timeout=10):
    return body(client.wait_for(lambda s: s.name == "message" and
                                str(s["from"].bare) == v and "privé" in body(s)
                                and needle in body(s), since=since,
                                timeout=timeout * F))


def office(coach="yes"):
    return ('<office id="cahors" name="Office de tourisme de Cahors" '
            'timezone="Europe/Paris" languages="fr en es ca" default-lang="fr" '
            'fallback-langs="en fr" answer-delay="24" offer-size="1" '
            'offer-timeout="600" alert-delay="600" max-wait="3600" bot="adam" '
            f'coach="{coach}"><hours days="mon-sun" open="00:00" close="24:00"/>'
            '</office>')


def plugin_dir():
    d = Path(os.environ.get("ACCUEILD", "accueild")).resolve().parent
    return d / "tests" / "plugins"


def test_coach_hints(server_cls, tmpdir):
    clock = Clock(tmpdir, paris(2026, 7, 15, 10, 0))
    desk = Desk(server_cls, tmpdir, accounts=("marie", "jordi"), clock=clock,
                office_xml=office())
    marie, jordi = desk.staff["marie"], desk.staff["jordi"]

    # a request nobody answers for 2 minutes: the one offered it is told
    visitor = Visitor(desk, nick="Lucas")
    sm = marie.mark()
    visitor.ask("Bonjour, où louer des vélos à Cahors ?",
                extra_xml=FORM.format("Lucas"))
    v = offer_to(marie, "louer des vélos", since=sm)
    clock.advance(125)
    wait_hint(marie, v, "2 minutes", sm)

    # taking it: how long the visitor waited
    marie.send_message(v, "tu peux voir https://www.tourisme-cahors.fr/velos")
    wait_hint(marie, v, "attendait depuis 2 min", sm)
    # a first reply with no greeting and no first name: both, not more
    wait_hint(marie, v, "saluer", sm)
    wait_hint(marie, v, "Lucas", sm)
    pause(1.5)
    assert not [h for h in hints_from(marie, v, sm) if "vouvoient" in h], \
        "three hints for one line"

    # "tu" and a reply that is mostly links
    sm = marie.mark()
    marie.send_message(v, "tu as aussi https://a.example/1 https://a.example/2 "
                       "https://a.example/3")
    wait_hint(marie, v, "vouvoient", sm)
    wait_hint(marie, v, "liens", sm)

    # the visitor waits 90 s for the next answer
    sm = marie.mark()
    visitor.say("Et le dimanche, c'est ouvert ?")
    marie.wait_for(lambda s: "dimanche" in body(s), since=sm, timeout=10 * F)
    clock.advance(95)
    wait_hint(marie, v, "une minute et demie", sm)

    # never twice
    sm = marie.mark()
    marie.send_message(v, "Salut Lucas, tu peux venir dimanche, "
                       "https://a.example/4 https://a.example/5 https://a.example/6")
    pause(2)
    again = hints_from(marie, v, sm)
    assert not again, f"hints given twice: {again}"

    # the Catalan familiar form
    visitor2 = Visitor(desk, nick="Núria")
    sj = jordi.mark()
    visitor2.ask("Hola, on puc llogar una bicicleta a Cahors?", lang="ca",
                 extra_xml=FORM.format("Pere"))
    v2 = offer_to(jordi, "bicicleta", since=sj)
    jordi.send_message(v2, "Bon dia Pere, pots anar al moll.")
    wait_hint(jordi, v2, "vostè", sj)

    # none of it reached the visitors
    pause(1)
    for who in (visitor, visitor2):
        leaked = [body(s) for s in who.client.stanzas if s.name == "message"
                  and ("Conseil :" in body(s) or "privé" in body(s))]
        assert not leaked, leaked


def test_coach_off_and_plugin_files(server_cls, tmpdir):
    echo = plugin_dir() / "echo.so"
    bad = plugin_dir() / "echo_bad_abi.so"
    if not echo.exists() or not bad.exists():
        raise Skip(f"{echo} not built (make check builds it)")
    desk = Desk(server_cls, tmpdir, office_xml=office(coach="no"),
                extra_xml=[f'<plugin-file path="{echo}" offices="cahors"/>'])
    marie = desk.staff["marie"]
    visitor = Visitor(desk, nick="Lucas")
    visitor.ask("Bonjour, où louer des vélos ?", extra_xml=FORM.format("Lucas"))
    v = offer_to(marie, "louer des vélos")
    sm = marie.mark()
    marie.send_message(v, "tu peux voir https://a.example/1 ping-plugin")
    got = wait_hint(marie, v, "pong from the echo plugin", sm)
    assert "office cahors" in got and "language fr" in got, got
    pause(1.5)
    others = [h for h in hints_from(marie, v, sm)
              if "pong" not in h and "Vous avez pris" not in h]
    assert not others, f"coach=\"no\" and still hints: {others}"
    assert "echo: started" in desk.daemon.log_text()

    # a plugin for another ABI: refused by the check, with the reason
    conf = desk.daemon.dir / "bad.conf.xml"   # beside its secret file
    text = desk.daemon.conf_path.read_text().replace(str(echo), str(bad))
    conf.write_text(text)
    proc = subprocess.run([os.environ.get("ACCUEILD", "accueild"), "-n", "-f",
                           str(conf)], capture_output=True, text=True,
                          timeout=30)
    assert proc.returncode != 0, proc.stderr
    assert "ABI 99" in proc.stderr and "speaks 1" in proc.stderr, proc.stderr


if __name__ == "__main__":
    run([test_coach_hints, test_coach_off_and_plugin_files])
