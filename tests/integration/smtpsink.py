"""A local SMTP relay for the e-mail tests: Debian's python3-aiosmtpd on
loopback, recording every message it accepts.

  sink = SmtpSink(port).start()
  sink.messages        # [(envelope_from, [rcpt...], raw bytes)], accepted
  sink.hold = True     # answer RCPT only when hold goes back to False
  sink.reject = "550 5.1.1 No such user"   # refuse every RCPT with this
  sink.stop()          # the relay is down: connections are refused
  SmtpSink(port, tls=(cert, key), auth=("user", "password"))
                       # STARTTLS required, then AUTH required

A message counts as accepted once the handler returned "250" for its
DATA, as with a real relay.
"""

import asyncio
import threading
import time

import ssl

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult


class _Handler:
    def __init__(self, sink):
        self.sink = sink

    async def handle_RCPT(self, server, session, envelope, address, options):
        self.sink.rcpt_seen += 1
        while self.sink.hold:
            await asyncio.sleep(0.05)
        if self.sink.reject:
            return self.sink.reject
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.sink.lock:
            self.sink.messages.append((envelope.mail_from,
                                       list(envelope.rcpt_tos),
                                       bytes(envelope.original_content
                                             or envelope.content)))
        return "250 2.0.0 queued"


class SmtpSink:
    kind = "server"  # the harness's cleanup order

    def __init__(self, port, tls=None, auth=None):
        self.port = port
        self.tls = tls
        self.auth = auth
        self.logins = []
        self.messages = []
        self.lock = threading.Lock()
        self.hold = False
        self.reject = None
        self.rcpt_seen = 0
        self.controller = None

    def start(self):
        kwargs = {}
        if self.tls:
            ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            ctx.load_cert_chain(*self.tls)
            kwargs.update(tls_context=ctx, require_starttls=True)
        if self.auth:
            kwargs.update(authenticator=self._authenticate,
                          auth_required=True, auth_require_tls=True)
        self.controller = Controller(_Handler(self), hostname="127.0.0.1",
                                     port=self.port, decode_data=False,
                                     enable_SMTPUTF8=False, **kwargs)
        self.controller.start()
        from harness import REGISTRY
        REGISTRY.add(self)
        return self

    def _authenticate(self, server, session, envelope, mechanism, data):
        login = (data.login.decode(), data.password.decode())
        self.logins.append((login[0], session.ssl is not None,
                            login == self.auth))
        return AuthResult(success=login == self.auth)

    def stop(self):
        if self.controller is not None:
            self.hold = False
            self.controller.stop()
            self.controller = None

    def count(self):
        with self.lock:
            return len(self.messages)

    def wait_count(self, n, timeout=20):
        end = time.time() + timeout
        while time.time() < end:
            if self.count() >= n:
                return list(self.messages)
            time.sleep(0.1)
        raise AssertionError(f"SMTP sink: {self.count()} message(s) after "
                             f"{timeout} s, expected {n}")

    # the harness's cleanup protocol
    def cleanup(self, check=False):
        self.stop()

    def diagnostics(self):
        return [f"--- SMTP sink on {self.port}: {self.count()} message(s)"]
