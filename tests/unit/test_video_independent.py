#!/usr/bin/python3
"""test_video_independent.py: checks what accueil's video modules make with
implementations that are not ours.

- JWT (component/jwt.c through the jitsi plugin): PyJWT (python3-jwt)
  verifies the signature, the header and the claims, and refuses expired,
  not-yet-valid, wrongly signed and tampered tokens.
- BigBlueButton URLs: hashlib recomputes the checksums; urllib decodes the
  parameters.
- iCalendar (component/ical.c): python3-icalendar parses the events; the
  VTIMEZONE, turned into a tzinfo by icalendar, must give the same UTC
  instant as Python's zoneinfo for the intended wall-clock time, across
  daylight-saving changes, and list exactly the changes zoneinfo knows.
- Slots (component/slots.c): zoneinfo recomputes the free slots, including
  around changes of one hour and of 30 minutes (Australia/Lord_Howe).

The C side runs through tests/unit/video_tool. TAP output; skipped when
python3-jwt or python3-icalendar is missing (apt-get install python3-jwt
python3-icalendar).
"""
import datetime
import hashlib
import os
import subprocess
import sys
import tempfile
import time
import urllib.parse
from zoneinfo import ZoneInfo

UTC = datetime.timezone.utc
_n = 0
_failed = 0


def ok(cond, what, diag=None):
    global _n, _failed
    _n += 1
    print("%sok %d - %s" % ("" if cond else "not ", _n, what))
    if not cond:
        _failed += 1
        if diag is not None:
            for line in str(diag).splitlines():
                print("# " + line)
    sys.stdout.flush()
    return cond


def is_eq(got, want, what):
    return ok(got == want, what, "got %r\nwant %r" % (got, want))


try:
    import jwt
    import icalendar
except ImportError as e:
    print("1..0 # SKIP %s (apt-get install python3-jwt python3-icalendar)"
          % e)
    sys.exit(0)


def tool_path():
    if os.environ.get("VIDEO_TOOL"):
        return os.environ["VIDEO_TOOL"]
    if os.environ.get("ACCUEILD"):
        d = os.path.dirname(os.environ["ACCUEILD"])
        return os.path.join(d, "tests", "unit", "video_tool")
    return os.path.join(os.getcwd(), "tests", "unit", "video_tool")


TOOL = tool_path()


def run(*args, check=True):
    p = subprocess.run([TOOL] + [str(a) for a in args],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if check and p.returncode != 0:
        raise RuntimeError("video_tool %s: exit %d: %s" % (
            args[0], p.returncode, p.stderr.decode(errors="replace")))
    return p


def links(out):
    r = {}
    for line in out.decode().splitlines():
        k, v = line.split(" ", 1)
        r[k] = v
    return r


# ---- JWT ---------------------------------------------------------------

def test_jwt(tmp):
    secret = "s3cr3t-0123456789abcdef0123456789abcdef-ÿ"
    path = os.path.join(tmp, "jitsi.key")
    with open(path, "w", encoding="utf-8") as f:
        f.write(secret + "\n")
    os.chmod(path, 0o600)
    key = secret.encode("utf-8")
    visitor = "Zoë «Z» \"d'Alès\" \\ 東京\t"
    persona = "Claire"
    now = int(time.time())
    start, end = now + 600, now + 2400

    out = links(run("jitsi", path, "accueil", start, end, visitor,
                    persona).stdout)
    room = out["room"]
    for who, name in (("visitor", visitor), ("counsellor", persona)):
        u = urllib.parse.urlsplit(out[who])
        is_eq((u.scheme, u.netloc), ("https", "meet.example"),
              "jitsi %s: server" % who)
        is_eq(u.path, "/accueil-" + room, "jitsi %s: room path" % who)
        token = urllib.parse.parse_qs(u.query)["jwt"][0]
        is_eq(jwt.get_unverified_header(token),
              {"alg": "HS256", "typ": "JWT"}, "jitsi %s: header" % who)
        try:
            claims = jwt.decode(token, key, algorithms=["HS256"],
                                audience="accueil", issuer="accueil")
            ok(True, "jitsi %s: PyJWT verifies signature, aud, iss, nbf, "
               "exp" % who)
        except jwt.PyJWTError as e:
            ok(False, "jitsi %s: PyJWT verifies the token" % who, repr(e))
            continue
        is_eq(claims.get("room"), "accueil-" + room,
              "jitsi %s: room claim is the URL's room" % who)
        is_eq(claims.get("sub"), "meet.example", "jitsi %s: sub" % who)
        is_eq((claims.get("nbf"), claims.get("exp")),
              (start - 1800, end + 1800),
              "jitsi %s: nbf/exp with 30-minute margins" % who)
        is_eq(claims.get("context"), {"user": {"name": name}},
              "jitsi %s: context.user.name survives JSON escaping" % who)

    ok(len(room) == 32 and all(c in "0123456789abcdef" for c in room),
       "room name: 128 bits of hex")
    token = urllib.parse.parse_qs(
        urllib.parse.urlsplit(out["visitor"]).query)["jwt"][0]
    try:
        jwt.decode(token, b"another secret", algorithms=["HS256"],
                   audience="accueil")
        ok(False, "a wrong secret is detected")
    except jwt.InvalidSignatureError:
        ok(True, "a wrong secret is detected")
    h, p, s = token.split(".")
    forged = jwt.utils.base64url_encode(
        jwt.utils.base64url_decode(p).replace(b"accueil-", b"accueix-"))
    try:
        jwt.decode(h + "." + forged.decode() + "." + s, key,
                   algorithms=["HS256"], audience="accueil")
        ok(False, "a tampered payload is detected")
    except jwt.InvalidSignatureError:
        ok(True, "a tampered payload is detected")
    try:
        jwt.decode(token, key, algorithms=["HS256"], audience="other")
        ok(False, "another audience is refused")
    except jwt.InvalidAudienceError:
        ok(True, "another audience is refused")

    out = links(run("jitsi", path, "accueil", now - 7200, now - 5400,
                    visitor, persona).stdout)
    token = urllib.parse.parse_qs(
        urllib.parse.urlsplit(out["visitor"]).query)["jwt"][0]
    try:
        jwt.decode(token, key, algorithms=["HS256"], audience="accueil")
        ok(False, "a token past its meeting is expired")
    except jwt.ExpiredSignatureError:
        ok(True, "a token past its meeting is expired")
    out = links(run("jitsi", path, "accueil", now + 86400, now + 88200,
                    visitor, persona).stdout)
    token = urllib.parse.parse_qs(
        urllib.parse.urlsplit(out["visitor"]).query)["jwt"][0]
    try:
        jwt.decode(token, key, algorithms=["HS256"], audience="accueil")
        ok(False, "a token for tomorrow is not valid yet")
    except jwt.ImmatureSignatureError:
        ok(True, "a token for tomorrow is not valid yet")

    os.chmod(path, 0o644)
    p = run("jitsi", path, "accueil", start, end, visitor, persona,
            check=False)
    ok(p.returncode != 0 and b"chmod 600" in p.stderr,
       "a world-readable secret file is refused with a clear message",
       p.stderr.decode(errors="replace"))


# ---- BigBlueButton -----------------------------------------------------

def test_bbb(tmp):
    secret = "639259d4-9dd8-4b25-bf01-95f9567eaf4b"
    path = os.path.join(tmp, "bbb.key")
    with open(path, "w") as f:
        f.write(secret + "\n")
    os.chmod(path, 0o600)
    visitor = "Jordi Pujol i Martí & co = 100%"
    persona = "Núria"
    title = "Office de tourisme: rendez-vous + conseils"
    for alg, hexlen in (("sha1", 40), ("sha256", 64)):
        out = links(run("bbb", path, alg, visitor, persona, title).stdout)
        ids = set()
        for who, call, role, name in (
                ("setup", "create", None, None),
                ("counsellor", "join", "MODERATOR", persona),
                ("visitor", "join", "VIEWER", visitor)):
            u = urllib.parse.urlsplit(out[who])
            is_eq(u.scheme + "://" + u.netloc + u.path,
                  "https://bbb.example/bigbluebutton/api/" + call,
                  "bbb %s %s: API call %s" % (alg, who, call))
            query, _, checksum = u.query.rpartition("&checksum=")
            want = hashlib.new(alg, (call + query + secret).encode()
                               ).hexdigest()
            ok(checksum == want and len(checksum) == hexlen,
               "bbb %s %s: hashlib agrees with the checksum" % (alg, who),
               "got %s want %s" % (checksum, want))
            q = urllib.parse.parse_qs(query, strict_parsing=True)
            ids.add(q["meetingID"][0])
            if role:
                is_eq((q["role"][0], q["fullName"][0]), (role, name),
                      "bbb %s %s: role and name" % (alg, who))
            else:
                is_eq(q["name"][0], title,
                      "bbb %s: create names the meeting" % alg)
                is_eq(q["record"][0], "false", "bbb %s: no recording" % alg)
        is_eq(ids, {"accueil-" + out["room"]},
              "bbb %s: one meeting ID for all three calls" % alg)


# ---- iCalendar ---------------------------------------------------------

def observances(vtz):
    """(onset UTC, from, to) of each STANDARD/DAYLIGHT, in order."""
    r = []
    for c in vtz.subcomponents:
        start = c["DTSTART"].dt
        frm = c["TZOFFSETFROM"].td
        to = c["TZOFFSETTO"].td
        r.append(((start - frm).replace(tzinfo=UTC), frm, to))
    return sorted(r)


def zone_changes(tz, t0, t1):
    """Instants in [t0, t1) where zoneinfo's offset changes (hourly scan,
    then bisection)."""
    z = ZoneInfo(tz)
    r = []
    t = t0
    step = datetime.timedelta(hours=1)
    off = t.astimezone(z).utcoffset()
    while t < t1:
        n = t + step
        o = n.astimezone(z).utcoffset()
        if o != off:
            lo, hi = t, n
            while (hi - lo).total_seconds() > 1:
                mid = lo + (hi - lo) / 2
                mid = mid.replace(microsecond=0)
                if mid.astimezone(z).utcoffset() == off:
                    lo = mid
                else:
                    hi = mid
            r.append(hi)
            off = o
        t = n
    return r


def test_ical():
    url = ("https://meet.example/accueil-0123456789abcdef0123456789abcdef"
           "?jwt=aaa.bbb.ccc")
    summary = ("Rendez-vous vidéo avec Claire, conseillère en séjour; "
               "Office de tourisme de Cahors \\ Lot — 東京 😀")
    contact = "accueil@cahors.example"
    cases = [
        ("Europe/Paris", "2026-10-24", "14:00", 30),
        ("Europe/Paris", "2026-10-26", "14:00", 30),
        ("Europe/Paris", "2026-10-25", "03:30", 30),
        ("Europe/Paris", "2027-03-27", "14:00", 45),
        ("Europe/Paris", "2027-03-28", "01:30", 60),
        ("Europe/Paris", "2027-03-29", "14:00", 30),
        ("Europe/Paris", "2026-12-31", "23:30", 60),
        ("America/New_York", "2027-03-15", "09:00", 30),
        ("America/St_Johns", "2027-06-01", "10:00", 30),
        ("Australia/Sydney", "2027-01-10", "10:00", 30),
        ("Australia/Lord_Howe", "2027-04-04", "03:00", 30),
        ("Asia/Kolkata", "2026-12-01", "18:30", 30),
        ("UTC", "2026-11-24", "12:00", 30),
    ]
    for tz, date, hm, minutes in cases:
        label = "%s %s %s" % (tz, date, hm)
        p = run("ical", tz, date, hm, minutes, summary, url, contact)
        raw = p.stdout
        lines = raw.split(b"\r\n")
        ok(raw.endswith(b"\r\n") and b"\n" not in b"".join(lines) and
           max(len(x) for x in lines) <= 75,
           "%s: CRLF lines of at most 75 octets" % label)
        cal = icalendar.Calendar.from_ical(raw)
        events = cal.walk("VEVENT")
        vtzs = cal.walk("VTIMEZONE")
        if not ok(len(events) == 1 and len(vtzs) == 1,
                  "%s: icalendar parses one VEVENT and one VTIMEZONE" %
                  label):
            continue
        ev, vtz = events[0], vtzs[0]
        is_eq(str(vtz["TZID"]), tz, "%s: VTIMEZONE TZID" % label)
        is_eq(ev["DTSTART"].params.get("TZID"), tz,
              "%s: DTSTART refers to that TZID" % label)
        y, mo, d = (int(x) for x in date.split("-"))
        h, mi = (int(x) for x in hm.split(":"))
        wall = datetime.datetime(y, mo, d, h, mi)
        start = ev["DTSTART"].dt
        end = ev["DTEND"].dt
        is_eq(start.replace(tzinfo=None), wall,
              "%s: DTSTART is the intended wall-clock time" % label)
        want = wall.replace(tzinfo=ZoneInfo(tz)).astimezone(UTC)
        mytz = vtz.to_tz()
        got = mytz.localize(start.replace(tzinfo=None)).astimezone(UTC)
        is_eq(got, want, "%s: our VTIMEZONE gives zoneinfo's UTC "
              "instant" % label)
        got_end = mytz.localize(end.replace(tzinfo=None)).astimezone(UTC)
        is_eq(got_end - got, datetime.timedelta(minutes=minutes),
              "%s: DTEND is %d real minutes later" % (label, minutes))
        obs = observances(vtz)
        # from the first onset to the end of the year the event ends in
        zchanges = zone_changes(tz, obs[0][0], datetime.datetime(
            end.year + 1, 1, 1, tzinfo=UTC))
        is_eq([o[0] for o in obs[1:]], zchanges,
              "%s: every change in the VTIMEZONE, as zoneinfo has it" % label)
        bad = [o for o in obs[1:]
               if (o[0] - datetime.timedelta(seconds=1)).astimezone(
                   ZoneInfo(tz)).utcoffset() != o[1] or
               o[0].astimezone(ZoneInfo(tz)).utcoffset() != o[2]]
        ok(not bad, "%s: TZOFFSETFROM/TO match zoneinfo" % label, bad)
        ok(obs[0][0] <= want, "%s: the first observance starts before the "
           "event" % label)
        is_eq(str(ev["SUMMARY"]), summary,
              "%s: SUMMARY unfolds and unescapes to the original" % label)
        is_eq((str(ev["URL"]), str(ev["LOCATION"])), (url, url),
              "%s: URL and LOCATION are the link" % label)
        ok(url in str(ev["DESCRIPTION"]),
           "%s: DESCRIPTION has the link" % label)
        ok(str(ev["UID"]).endswith("@accueil.example"), "%s: UID" % label)
        is_eq(str(ev["ORGANIZER"]), "mailto:" + contact,
              "%s: ORGANIZER" % label)

    p = run("ical", "Europe/Paris", "2027-03-28", "02:30", 30, summary, url,
            contact, check=False)
    is_eq(p.returncode, 2, "no event at 02:30 on 2027-03-28 (no such time)")


# ---- slots -------------------------------------------------------------

def expected_slots(tz, now, days, notice, mask, frm, to, slot, holidays):
    z = ZoneInfo(tz)
    today = datetime.datetime.fromtimestamp(now, z).date()
    r = []
    for i in range(days):
        d = today + datetime.timedelta(days=i)
        if d.strftime("%m-%d") in holidays or d.isoformat() in holidays:
            continue
        wday = (d.weekday() + 1) % 7    # Sunday = 0, as struct tm
        if not mask & (1 << wday):
            continue
        for m in range(frm, to - slot + 1, slot):
            cands = []
            for fold in (0, 1):
                dt = datetime.datetime(d.year, d.month, d.day, m // 60,
                                       m % 60, fold=fold, tzinfo=z)
                u = dt.astimezone(UTC)
                back = u.astimezone(z)
                if back.replace(tzinfo=None, fold=0) == \
                        dt.replace(tzinfo=None, fold=0):
                    cands.append(int(u.timestamp()))
            if not cands:
                continue        # skipped by a change
            s = min(cands)
            if s >= now + 60 * notice:
                r.append((s, s + 60 * slot))
    return sorted(set(r))


def test_slots():
    def epoch(tz, y, mo, d, h=0, mi=0):
        return int(datetime.datetime(y, mo, d, h, mi,
                                     tzinfo=ZoneInfo(tz)).timestamp())
    cases = [
        ("Paris, autumn change, every day 00:00-04:00",
         "Europe/Paris", epoch("Europe/Paris", 2026, 10, 20, 9), 10, 30,
         0x7F, 0, 240, 30, ["10-22"]),
        ("Paris, spring change, every day 01:00-05:00 by 20 min",
         "Europe/Paris", epoch("Europe/Paris", 2027, 3, 24, 9), 8, 0,
         0x7F, 60, 300, 20, []),
        ("Paris, Tuesday and Thursday afternoons, 3 weeks",
         "Europe/Paris", epoch("Europe/Paris", 2026, 10, 19, 15, 10), 21,
         30, 0x14, 14 * 60, 17 * 60, 30, ["2026-10-29", "11-11"]),
        ("New York, spring change", "America/New_York",
         epoch("America/New_York", 2027, 3, 12, 9), 5, 0, 0x7F, 60, 240,
         30, []),
        ("Lord Howe, 30-minute change in April", "Australia/Lord_Howe",
         epoch("Australia/Lord_Howe", 2027, 4, 2, 9), 4, 0, 0x7F, 60, 180,
         10, []),
        ("Lord Howe, 30-minute change in October", "Australia/Lord_Howe",
         epoch("Australia/Lord_Howe", 2026, 10, 2, 9), 4, 0, 0x7F, 60, 180,
         10, []),
    ]
    for (label, tz, now, days, notice, mask, frm, to, slot,
         holidays) in cases:
        p = run("slots", tz, now, days, notice, mask, frm, to, slot,
                *holidays)
        got = [tuple(int(x) for x in line.split())
               for line in p.stdout.decode().splitlines()]
        want = expected_slots(tz, now, days, notice, mask, frm, to, slot,
                              set(holidays))
        is_eq(got, want, "slots: %s (%d slots)" % (label, len(want)))


def main():
    if not os.access(TOOL, os.X_OK):
        print("1..0 # SKIP %s not built" % TOOL)
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        for t in (test_jwt, test_bbb):
            try:
                t(tmp)
            except Exception as e:  # report, go on with the others
                ok(False, "%s ran" % t.__name__, repr(e))
    for t in (test_ical, test_slots):
        try:
            t()
        except Exception as e:
            ok(False, "%s ran" % t.__name__, repr(e))
    print("1..%d" % _n)
    return 1 if _failed else 0


if __name__ == "__main__":
    sys.exit(main())
