#!/usr/bin/python3
"""A scripted web visitor for the demo: BOSH through the demo's web server,
the way the widget talks, standard library only.

Logs in anonymously to visit.ot.example through <url>/http-bind, asks a
question to cahors@accueil.ot.example, joins the room of the invitation,
waits for the robot's greeting and a counsellor's answer under a persona,
asks a follow-up question, waits for the satisfaction question and rates
the conversation. `scripts/demo --check` runs it; run it by hand against
a running `scripts/demo --simulate` (or with a counsellor of yours
answering in Profanity or Gajim):

    scripts/demo.d/visitor.py --url http://127.0.0.1:8080 \\
        --name Léa "Bonjour, où peut-on louer un canoë sur le Lot ?"

Exit status 0 when the whole conversation went through, 1 otherwise.
"""

import argparse
import base64
import random
import sys
import time
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from xml.sax.saxutils import escape, quoteattr

NS_BOSH = "http://jabber.org/protocol/httpbind"
NS_CLIENT = "jabber:client"
NS_STREAMS = "http://etherx.jabber.org/streams"
NS_SASL = "urn:ietf:params:xml:ns:xmpp-sasl"
NS_BIND = "urn:ietf:params:xml:ns:xmpp-bind"
NS_CONF = "jabber:x:conference"
NS_MUC = "http://jabber.org/protocol/muc"
NS_VCARD = "vcard-temp"

VISIT_DOMAIN = "visit.ot.example"
COMPONENT = "accueil.ot.example"
DESK = f"cahors@{COMPONENT}"
SURVEY_FORM = "urn:accueil:survey:0"


class VisitFailed(Exception):
    """A step of the visit did not happen; the message says which."""


def _q(tag, ns=NS_CLIENT):
    return f"{{{ns}}}{tag}"


class BoshVisitor:
    """One anonymous BOSH session (XEP-0124/0206), synchronous.

    Every stanza received is kept in .inbox (ElementTree elements) and its
    XML text in .raw, so a caller can check what the visitor ever saw.
    """

    def __init__(self, base_url, wait=3, log=None):
        self.url = base_url.rstrip("/") + "/http-bind"
        self.wait = wait
        self.rid = random.randint(1_000_000, 1_000_000_000)
        self.sid = None
        self.jid = None
        self.inbox = []
        self.raw = []
        self.log = log or (lambda line: None)
        self._seq = 0

    def post(self, payload="", **attrs):
        """POST one <body/>; return its child elements (also appended to
        .inbox when they are stanzas)."""
        self.rid += 1
        attrs = {"rid": str(self.rid), **({"sid": self.sid} if self.sid else {}),
                 **{k.replace("xmpp_", "xmpp:").replace("xml_", "xml:"): v
                    for k, v in attrs.items()}}
        text = " ".join(f"{k}={quoteattr(v)}" for k, v in attrs.items())
        data = (f"<body xmlns='{NS_BOSH}' xmlns:xmpp='urn:xmpp:xbosh' {text}>"
                f"{payload}</body>").encode()
        request = urllib.request.Request(
            self.url, data=data, headers={"Content-Type": "text/xml; charset=utf-8"})
        try:
            with urllib.request.urlopen(request, timeout=self.wait + 15) as reply:
                answer = reply.read().decode()
        except urllib.error.HTTPError as exc:
            raise VisitFailed(f"BOSH request to {self.url} failed: HTTP {exc.code}") from None
        except (urllib.error.URLError, OSError) as exc:
            raise VisitFailed(f"BOSH request to {self.url} failed: {exc}") from None
        self.raw.append(answer)
        try:
            body = ET.fromstring(answer)
        except ET.ParseError as exc:
            raise VisitFailed(f"BOSH answer is not XML ({exc}): {answer[:200]}") from None
        if body.get("type") == "terminate":
            raise VisitFailed(f"the server ended the BOSH session: {answer[:300]}")
        children = list(body)
        self.inbox.extend(c for c in children if c.tag.startswith(f"{{{NS_CLIENT}}}"))
        return children

    def _expect(self, children, tag, polls=3):
        for _ in range(polls + 1):
            for child in children:
                if child.tag == tag:
                    return child
            children = self.post()
        raise VisitFailed(f"BOSH: expected {tag}, got {self.raw[-1][:300]}")

    def login(self):
        """Open the session, SASL ANONYMOUS, bind; return the full JID."""
        children = self.post(to=VISIT_DOMAIN, xml_lang="fr", ver="1.6",
                             wait=str(self.wait), hold="1",
                             content="text/xml; charset=utf-8", xmpp_version="1.0")
        body = ET.fromstring(self.raw[-1])
        self.sid = body.get("sid")
        if not self.sid:
            raise VisitFailed(f"no BOSH session: {self.raw[-1][:300]}")
        self._expect(children, _q("features", NS_STREAMS))
        children = self.post(f"<auth xmlns='{NS_SASL}' mechanism='ANONYMOUS'/>")
        self._expect(children, _q("success", NS_SASL))
        children = self.post(to=VISIT_DOMAIN, xml_lang="fr", xmpp_restart="true")
        self._expect(children, _q("features", NS_STREAMS))
        children = self.post(f"<iq xmlns='{NS_CLIENT}' type='set' id='bind1'>"
                             f"<bind xmlns='{NS_BIND}'/></iq>")
        iq = self._expect(children, _q("iq"))
        jid = iq.find(f"{_q('bind', NS_BIND)}/{_q('jid', NS_BIND)}")
        if jid is None:
            raise VisitFailed(f"BOSH bind failed: {self.raw[-1][:300]}")
        self.jid = jid.text
        return self.jid

    def new_id(self):
        self._seq += 1
        return f"v{self._seq}"

    def send(self, xml_text):
        self.post(xml_text)

    def wait_for(self, predicate, timeout, what, since=0):
        """First stanza of .inbox[since:] matching predicate(el), polling
        at most `timeout` seconds; returns (element, its index)."""
        deadline = time.monotonic() + timeout
        index = since
        while True:
            while index < len(self.inbox):
                element = self.inbox[index]
                index += 1
                if predicate(element):
                    return element, index
            if time.monotonic() >= deadline:
                raise VisitFailed(f"no {what} within {timeout:.0f} s")
            self.post()

    def close(self):
        if self.sid:
            try:
                self.post(type="terminate")
            except VisitFailed:
                pass
            self.sid = None


def body_of(el):
    b = el.find(_q("body"))
    return b.text or "" if b is not None else ""


def nick_of(el):
    sender = el.get("from", "")
    return sender.split("/", 1)[1] if "/" in sender else None


def visit(url, question, name=None, lang="fr", form_lang=None, page="/",
          follow_up=None, rating="5 merci, très clair !", personas=None,
          never_see=(), timeout=60, log=print):
    """One whole visit; returns a dict of what happened. Raises VisitFailed
    naming the step that did not happen. `personas` maps room nicks that
    count as counsellors to persona localparts; `never_see` are strings
    (counsellors' real JIDs) the visitor must never receive."""
    personas = personas or {}
    v = BoshVisitor(url)
    result = {}
    began = time.monotonic()

    def step(text):
        log(f"  {time.monotonic() - began:5.1f} s  {text}")

    try:
        result["jid"] = v.login()
        step(f"logged in anonymously over BOSH as {result['jid']}")
        v.send("<presence xmlns='jabber:client'/>")
        fields = "".join(
            f"<field var='{var}'><value>{escape(value)}</value></field>"
            for var, value in (("name", name), ("lang", form_lang), ("page", page))
            if value)
        form = f"<x xmlns='jabber:x:data' type='submit'>{fields}</x>" if fields else ""
        v.send(f"<message xmlns='jabber:client' to='{DESK}' type='chat' "
               f"xml:lang='{lang}' id='{v.new_id()}'><body>{escape(question)}</body>"
               f"{form}</message>")
        step(f"asked {DESK}: « {question} »")

        invite, mark = v.wait_for(
            lambda el: el.tag == _q("message") and el.find(_q("x", NS_CONF)) is not None,
            timeout, "invitation (XEP-0249) from the desk")
        x = invite.find(_q("x", NS_CONF))
        room, password = x.get("jid"), x.get("password")
        if not room or not password:
            raise VisitFailed(f"invitation without room or password: {ET.tostring(invite)[:300]}")
        result["room"] = room
        step(f"invited to {room} (password given)")

        nick = name or "Visiteur"
        v.send(f"<presence xmlns='jabber:client' to={quoteattr(room + '/' + nick)}>"
               f"<x xmlns='{NS_MUC}'><password>{escape(password)}</password></x>"
               "</presence>")
        v.wait_for(lambda el: el.tag == _q("presence")
                   and el.get("from") == f"{room}/{nick}" and el.get("type") != "error",
                   timeout, "own presence in the room (join refused?)", since=mark)
        step(f"joined the room as {nick}")

        def in_room(el):
            return el.tag == _q("message") and el.get("from", "").startswith(room + "/")

        greet, _ = v.wait_for(lambda el: in_room(el) and body_of(el), timeout,
                              "greeting from the robot", since=mark)
        result["bot"] = nick_of(greet)
        step(f"{result['bot']}: « {body_of(greet)[:90]}… »")

        answer, mark2 = v.wait_for(
            lambda el: in_room(el) and body_of(el) and nick_of(el) not in (result["bot"], nick),
            timeout, "answer from a counsellor", since=mark)
        result["persona"] = nick_of(answer)
        result["answer"] = body_of(answer)
        step(f"{result['persona']}: « {result['answer'][:90]}… »")
        if personas and result["persona"] not in personas:
            raise VisitFailed(f"the answer came from {result['persona']!r}, "
                              f"not from a persona ({', '.join(personas)})")

        if result["persona"] in personas:
            local = personas[result["persona"]]
            iq_id = v.new_id()
            v.send(f"<iq xmlns='jabber:client' type='get' id='{iq_id}' "
                   f"to='{local}@{COMPONENT}'><vCard xmlns='{NS_VCARD}'/></iq>")
            card, _ = v.wait_for(lambda el: el.tag == _q("iq") and el.get("id") == iq_id,
                                 15, f"vCard of {local}@{COMPONENT}")
            fn = card.find(f"{_q('vCard', NS_VCARD)}/{_q('FN', NS_VCARD)}")
            binval = card.find(f"{_q('vCard', NS_VCARD)}/{_q('PHOTO', NS_VCARD)}/"
                               f"{_q('BINVAL', NS_VCARD)}")
            if card.get("type") != "result" or fn is None:
                raise VisitFailed(f"no vCard for {local}@{COMPONENT}: "
                                  f"{ET.tostring(card)[:300]}")
            photo = base64.b64decode("".join((binval.text or "").split())) \
                if binval is not None else b""
            if not photo.startswith(b"\x89PNG"):
                raise VisitFailed(f"the vCard of {local}@{COMPONENT} has no PNG photo")
            result["vcard"] = (fn.text, len(photo))
            step(f"vCard of {local}@{COMPONENT}: {fn.text}, photo {len(photo)} bytes")

        if follow_up:
            v.send(f"<message xmlns='jabber:client' to={quoteattr(room)} type='groupchat' "
                   f"id='{v.new_id()}'><body>{escape(follow_up)}</body></message>")
            step(f"{nick}: « {follow_up} »")
            again, mark2 = v.wait_for(
                lambda el: in_room(el) and body_of(el) and nick_of(el) == result["persona"],
                timeout, f"second answer from {result['persona']}", since=mark2)
            step(f"{result['persona']}: « {body_of(again)[:90]}… »")

        if rating:
            survey, mark3 = v.wait_for(
                lambda el: in_room(el) and SURVEY_FORM in ET.tostring(el, encoding="unicode"),
                timeout * 2, "satisfaction question (the counsellor's /fin)", since=mark2)
            step(f"{nick_of(survey)}: « {body_of(survey)[:90]}… »")
            v.send(f"<message xmlns='jabber:client' to={quoteattr(room)} type='groupchat' "
                   f"id='{v.new_id()}'><body>{escape(rating)}</body></message>")
            step(f"{nick}: « {rating} »")
            thanks, _ = v.wait_for(
                lambda el: in_room(el) and body_of(el) and nick_of(el) == result["bot"],
                timeout, "thanks for the rating", since=mark3)
            step(f"{result['bot']}: « {body_of(thanks)[:90]} »")
            result["rated"] = True

        seen = "\n".join(v.raw)
        for secret in never_see:
            if secret in seen:
                raise VisitFailed(f"the visitor received {secret!r}: a counsellor's "
                                  "real address must never reach a visitor")
        v.send(f"<presence xmlns='jabber:client' to={quoteattr(room + '/' + nick)} "
               "type='unavailable'/>")
    finally:
        v.close()
    result["seconds"] = time.monotonic() - began
    return result


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--url", default="http://127.0.0.1:8080",
                    help="the demo's web server (default %(default)s)")
    ap.add_argument("--name", help="first name given in the pre-chat form")
    ap.add_argument("--lang", default="fr", help="xml:lang of the question")
    ap.add_argument("--form-lang", help="language chosen in the form")
    ap.add_argument("--follow-up", default="Merci ! Et avec des enfants ?")
    ap.add_argument("--rating", default="5 merci, très clair !")
    ap.add_argument("--timeout", type=float, default=90,
                    help="seconds allowed for each step (default %(default)s)")
    ap.add_argument("question", nargs="?",
                    default="Bonjour, où peut-on louer un canoë sur le Lot ?")
    args = ap.parse_args()
    try:
        result = visit(args.url, args.question, name=args.name, lang=args.lang,
                       form_lang=args.form_lang, follow_up=args.follow_up,
                       rating=args.rating, timeout=args.timeout)
    except VisitFailed as exc:
        print(f"visitor: FAILED: {exc}", file=sys.stderr)
        return 1
    print(f"visitor: done in {result['seconds']:.1f} s, answered by {result['persona']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
