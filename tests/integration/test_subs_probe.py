#!/usr/bin/python3
"""Silent subscribers are probed before they expire (subs.c), against real
Prosody and ejabberd, on the test clock (subscriber-days 7: probed from
day 6).

- bob subscribed to the desk, which asked for his presence in return; his
  client accepted: online but silent for six and a half days, he is
  probed, his server answers with his presence, and he is kept past the
  seventh day; he is not made a watcher (a subscriber gets the pushes);
- alice subscribed and declined the desk's request ("unsubscribed"): her
  subscription stands, the server's "unsubscribed" to the probe forgets
  no one, and she expires after seven silent days like before;
- "unsubscribe" still forgets at once.
"""

import time

from harness import Client, DAEMON_TIME_FACTOR as F, pause, run, wait_until
from sessionlib import DESK, Clock, Desk


def limits(**attrs):
    return "<limits " + " ".join(f'{k.replace("_", "-")}="{v}"'
                                 for k, v in attrs.items()) + "/>"


def test_silent_subscribers_probed(server_cls, tmpdir):
    clock = Clock(tmpdir, time.time())
    desk = Desk(server_cls, tmpdir, clock=clock, extra_xml=[limits(
        subscriber_days=7)])
    bob = Client(desk.server, "bob", "pw")
    alice = Client(desk.server, "alice", "pw")
    alice.xmpp.auto_authorize = False     # declines the desk's request
    since_a = alice.mark()
    bob.send_presence(to=DESK, type="subscribe")
    alice.send_presence(to=DESK, type="subscribe")
    alice.wait_for(lambda s: s.name == "presence" and s["type"] == "subscribe"
                   and str(s["from"]) == DESK, timeout=10 * F, since=since_a)

    def subscribers():
        return sorted(r["jid"] for r in desk.rows(
            "SELECT jid FROM subscribers WHERE office = 'cahors'"))
    wait_until(lambda: subscribers() == [alice.bare, bob.bare], 10 * F,
               "two subscribers stored")
    pause(2)
    assert subscribers() == [alice.bare, bob.bare], \
        f"alice's decline forgot her subscription: {subscribers()}"
    assert not desk.rows("SELECT jid FROM watchers"), "a subscriber made a watcher"

    # six and a half days without a word: both probed, both kept
    desk.daemon.mark_log()
    since = bob.mark()
    clock.advance(6 * 86400 + 43200)
    desk.daemon.wait_log(r"subs: 2 silent subscribers probed before they "
                         r"expire", timeout=15 * F)
    seen = {r["jid"]: r["seen"] for r in desk.rows(
        "SELECT jid, seen FROM subscribers")}

    def bob_seen():
        rows = desk.rows("SELECT seen FROM subscribers WHERE jid = ?", bob.bare)
        return rows and rows[0]["seen"] == clock.now
    wait_until(bob_seen, 10 * F, "bob's answer to the probe counted as heard of "
               f"(seen: {seen})")
    pause(6)    # a tick or more: an "unsubscribed" answer would be read now
    assert subscribers() == [alice.bare, bob.bare], \
        f"a probe's answer forgot someone: {subscribers()}"
    assert not [s for s in bob.stanzas[since:] if s.name == "presence"
                and s["type"] == "unsubscribed"], "bob was unsubscribed"
    # no second probe in the same silence
    pause(6)
    assert desk.daemon.log_text().count("silent subscribers probed") == 1

    # day 8: alice (silent since day 0) forgotten, bob (heard of at 6.5) kept
    desk.daemon.mark_log()
    clock.advance(86400 + 43200)
    desk.daemon.wait_log(r"subs: 1 subscriber not heard of for 7 days forgotten",
                         timeout=15 * F)
    assert subscribers() == [bob.bare], subscribers()

    # an unsubscribe forgets at once
    bob.send_presence(to=DESK, type="unsubscribe")
    wait_until(lambda: subscribers() == [], 10 * F, "bob's unsubscribe read")


if __name__ == "__main__":
    run([test_silent_subscribers_probed], timeout=200)
