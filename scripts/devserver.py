#!/usr/bin/python3
"""A small HTTP server for the demo and the browser tests.

Serves a directory of pages at /, the built widget at /widget/, and
forwards /http-bind to the XMPP server's BOSH endpoint, so the page, the
widget and BOSH share one origin (no CORS settings needed on Prosody or
ejabberd). Loopback only. Standard library only.

    scripts/devserver.py --port 8080 --root demo \
        --widget widget/dist --bosh http://127.0.0.1:5280/http-bind
"""

import argparse
import http.server
import os
import socketserver
import sys
import urllib.error
import urllib.request
from functools import partial
from pathlib import Path

MAX_BODY = 1024 * 1024


class Handler(http.server.SimpleHTTPRequestHandler):
    root = None
    widget = None
    bosh = None

    def log_message(self, fmt, *args):
        if os.environ.get("ACCUEIL_DEVSERVER_LOG"):
            sys.stderr.write("devserver: " + fmt % args + "\n")

    def translate_path(self, path):
        path = path.split("?", 1)[0].split("#", 1)[0]
        if path.startswith("/widget/") and self.widget:
            base, rest = Path(self.widget), path[len("/widget/"):]
        else:
            base, rest = Path(self.root), path.lstrip("/")
        target = (base / rest).resolve()
        if base.resolve() not in target.parents and target != base.resolve():
            return str(base.resolve() / "__forbidden__")
        return str(target)

    def end_headers(self):
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def do_POST(self):
        if not self.path.startswith("/http-bind"):
            self.send_error(404)
            return
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            self.send_error(413)
            return
        data = self.rfile.read(length)
        req = urllib.request.Request(self.bosh, data=data, method="POST",
                                     headers={"Content-Type": self.headers.get(
                                         "Content-Type", "text/xml; charset=utf-8")})
        try:
            # BOSH holds requests up to its "wait" (60 s by default)
            with urllib.request.urlopen(req, timeout=120) as resp:
                body, status = resp.read(), resp.status
                ctype = resp.headers.get("Content-Type", "text/xml; charset=utf-8")
        except urllib.error.HTTPError as exc:
            body, status, ctype = exc.read(), exc.code, "text/plain"
        except (urllib.error.URLError, OSError) as exc:
            body, status, ctype = str(exc).encode(), 502, "text/plain"
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_OPTIONS(self):
        self.send_response(204)
        self.end_headers()


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--port", type=int, default=8080)
    ap.add_argument("--root", required=True, help="directory served at /")
    ap.add_argument("--widget", help="directory served at /widget/")
    ap.add_argument("--bosh", required=True, help="BOSH URL of the XMPP server")
    args = ap.parse_args()
    if not args.bosh.startswith("http://127.0.0.1") and \
            not args.bosh.startswith("http://localhost"):
        ap.error("--bosh must be on loopback")
    handler = type("H", (Handler,), {"root": args.root, "widget": args.widget,
                                      "bosh": args.bosh})
    with Server(("127.0.0.1", args.port), handler) as httpd:
        print(f"devserver: http://127.0.0.1:{httpd.server_address[1]}/", flush=True)
        try:
            httpd.serve_forever()
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
