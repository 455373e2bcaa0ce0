#!/usr/bin/python3
"""Video appointments against real Prosody and ejabberd: /visio to the
link in the room (numbered list and form, booking, link, iCalendar event
checked with an independent parser), reminders across a restart,
cancellation freeing the slot, and two visitors racing for one slot.
"""

import datetime

from harness import pause, run
from sessionlib import Clock, D, Desk, Visitor, body, is_from_v, offer_to, paris

VIDEO = '<video days="tue thu" from="14:00" to="17:00" slot="30"/>'
PLUGIN = ('<plugin name="url-template"><option name="template" '
          'value="https://visio.example/{room}?who={name}"/></plugin>')
NS_FORM = "urn:accueil:video:0"


def desk_with_video(server_cls, tmpdir, max_chats=3):
    clock = Clock(tmpdir, paris(2026, 11, 24, 10, 0))     # Tuesday 10:00
    desk = Desk(server_cls, tmpdir, clock=clock, extra_xml=[PLUGIN],
                children={"marie": VIDEO}, max_chats={"marie": max_chats})
    return desk, clock


def chat(desk, nick, question):
    v = Visitor(desk, nick=nick)
    v.ask(question)
    marie = desk.staff["marie"]
    vj = offer_to(marie, question[:25])
    marie.send_message(vj, f"Bonjour {nick}, je vous écoute.")
    v.wait_room(lambda s: f"Bonjour {nick}" in body(s))
    return v, vj


def proposal(visitor, since=0):
    return visitor.wait_room(lambda s: NS_FORM in str(s), since=since)


def options(stanza):
    ns = "{jabber:x:data}"
    x = stanza.xml.find(f"{ns}x")
    return [(o.get("label"), o.find(f"{ns}value").text)
            for o in x.find(f"{ns}field[@var='slot']").findall(f"{ns}option")]


def test_visio_to_link_reminders_cancel(server_cls, tmpdir):
    desk, clock = desk_with_video(server_cls, tmpdir)
    marie = desk.staff["marie"]
    v, vj = chat(desk, "Sophie", "Bonjour, quelle randonnée pour nous avec un âne ?")
    marie.send_message(vj, "/visio")
    prop = proposal(v)
    opts = options(prop)
    assert opts[0][1] == "now", opts                       # marie is free
    assert "mardi 24 novembre, 14:00" in opts[1][0], opts   # video hours
    assert "1. maintenant" in body(prop) and "2. mardi 24 novembre, 14:00" in body(prop)
    assert all("17:00" not in label for label, _ in opts), "ends at 17:00"
    marie.wait_for(lambda s: is_from_v(s) and "créneaux proposés" in body(s))
    since = v.client.mark()
    v.say("2")
    booked = v.wait_room(lambda s: "confirmé" in body(s), since=since)
    assert "https://visio.example/" in body(booked), body(booked)
    assert booked.xml.find("{jabber:x:oob}x/{jabber:x:oob}url") is not None
    ics = booked.xml.find("{urn:accueil:ical:0}ical").text
    try:
        import icalendar
        cal = icalendar.Calendar.from_ical(ics)
        ev = [c for c in cal.walk() if c.name == "VEVENT"][0]
        start = ev.decoded("dtstart")
        assert start.hour == 14 and start.minute == 0, start
        assert str(start.tzinfo) in ("Europe/Paris", "CET") or \
            start.utcoffset() == datetime.timedelta(hours=1), start.tzinfo
        assert "visio.example" in str(ev.get("url")), ev
    except ImportError:
        assert "DTSTART;TZID=Europe/Paris:20261124T140000" in ics, ics
    note = marie.wait_for(lambda s: is_from_v(s) and "#1" in body(s)
                          and "réservé" in body(s))
    assert "who=Claire" in body(note), "the counsellor's own link"
    row = desk.rows("SELECT state, start FROM appointments")[0]
    assert row["state"] == "booked" and row["start"] == paris(2026, 11, 24, 14, 0)
    # /rdv lists it
    since = marie.mark()
    marie.send_message(f"claire@{D}", "/rdv")
    marie.wait_for(lambda s: "#1" in body(s) and "14:00" in body(s), since=since)
    # 60 min before: a reminder; then a kill -9 and restart; 10 min before
    since = marie.mark()
    clock.set(paris(2026, 11, 24, 13, 0))
    marie.wait_for(lambda s: "Rappel" in body(s) and "#1" in body(s),
                   since=since, timeout=25)
    desk.daemon.kill9()
    desk.daemon.mark_log()
    desk.daemon.start()
    desk.daemon.wait_log(r"accueild ready", timeout=15)
    clock.set(paris(2026, 11, 24, 13, 50))
    marie.wait_for(lambda s: "Rappel" in body(s) and "10 min" in body(s),
                   since=since, timeout=25)
    pause(11)
    reminders = [body(s) for s in marie.stanzas[since:] if "Rappel" in body(s)]
    assert len(reminders) == 2, reminders
    # cancellation frees the slot
    clock.set(paris(2026, 11, 24, 10, 30))
    since = v.client.mark()
    marie.send_message(vj, "/annuler 1")
    v.wait_room(lambda s: "annulé" in body(s), since=since, timeout=15)
    assert desk.rows("SELECT state FROM appointments")[0]["state"] == "cancelled"
    since = v.client.mark()
    marie.send_message(vj, "/visio")
    again = options(proposal(v, since))
    assert any("14:00" in label for label, _ in again), again


def test_two_visitors_race_for_one_slot(server_cls, tmpdir):
    desk, clock = desk_with_video(server_cls, tmpdir, max_chats=2)
    marie = desk.staff["marie"]
    a, aj = chat(desk, "Anne", "Bonjour, une visite guidée du vieux Cahors ?")
    b, bj = chat(desk, "Bruno", "Bonjour, un circuit vélo dans les vignes ?")
    marie.send_message(aj, "/visio")
    marie.send_message(bj, "/visio")
    pa, pb = options(proposal(a)), options(proposal(b))
    slot = [value for label, value in pa if "14:30" in label][0]
    assert slot in [value for _, value in pb]
    form = ('<x xmlns="jabber:x:data" type="submit">'
            f'<field var="FORM_TYPE"><value>{NS_FORM}</value></field>'
            f'<field var="slot"><value>{slot}</value></field></x>')
    sa, sb = a.client.mark(), b.client.mark()
    a.say("14:30", extra_xml=form)
    b.say("14:30", extra_xml=form)
    results = []
    for who, since in ((a, sa), (b, sb)):
        m = who.wait_room(lambda s: "confirmé" in body(s) or
                          "quelqu'un d'autre" in body(s), since=since)
        results.append("won" if "confirmé" in body(m) else "lost")
        if results[-1] == "lost":
            fresh = options(m)
            assert slot not in [value for _, value in fresh], fresh
    assert sorted(results) == ["lost", "won"], results
    n = desk.rows("SELECT count(*) AS n FROM appointments WHERE start = ? "
                  "AND state = 'booked'", int(slot))[0]["n"]
    assert n == 1, n


if __name__ == "__main__":
    run([test_visio_to_link_reminders_cancel,
         test_two_visitors_race_for_one_slot])
