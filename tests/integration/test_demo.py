#!/usr/bin/python3
"""scripts/demo --check as a TAP test: the README's first command works.

Runs the demo the way a person would (private Prosody with the shipped
snippet, accueild with the demo office, the demo web server, scripted
counsellors), with free ports (--ports auto) and a temporary state
directory, and one scripted visitor per language through the web
server's /http-bind: question, invitation, room, robot greeting, answer
under a persona with its vCard avatar, follow-up, /fin, rating. When
ACCUEILD is set (make check sets it), the demo uses that daemon and
builds nothing.

Skips only when a prerequisite cannot be had: Prosody or slixmpp missing
and not root (scripts/demo installs them as root).
"""

import importlib.util
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = Path(os.environ.get("ACCUEIL_SRCDIR") or HERE.parent.parent)
TIMEOUT = float(os.environ.get("ACCUEIL_DEMO_TEST_TIMEOUT", "900"))


def missing_prerequisite():
    if os.geteuid() == 0:
        return None  # scripts/demo installs what is missing
    if shutil.which("prosody") is None:
        return "prosody is not installed (and not root to install it)"
    if importlib.util.find_spec("slixmpp") is None:
        return "python3-slixmpp is not installed (and not root to install it)"
    accueild = os.environ.get("ACCUEILD")
    if not accueild or not os.access(accueild, os.X_OK):
        return "no ACCUEILD binary and not root to build one"
    return None


def main():
    print("1..1", flush=True)
    title = "scripts/demo --check --ports auto"
    why = missing_prerequisite()
    if why:
        print(f"ok 1 - {title} # SKIP {why}")
        return 0
    began = time.monotonic()
    try:
        proc = subprocess.run(
            [str(REPO / "scripts" / "demo"), "--check", "--ports", "auto"],
            cwd=REPO, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, text=True, timeout=TIMEOUT,
            start_new_session=True)
        output, status = proc.stdout, proc.returncode
    except subprocess.TimeoutExpired as exc:
        output = exc.stdout.decode(errors="replace") if isinstance(exc.stdout, bytes) \
            else (exc.stdout or "")
        output += f"\n(no end after {TIMEOUT:.0f} s)"
        status = None
    for line in output.splitlines():
        print(f"# {line}")
    print(f"# {time.monotonic() - began:.1f} s")
    if status == 0 and "check: PASSED" in output:
        print(f"ok 1 - {title}")
        return 0
    print(f"not ok 1 - {title}" + (f" (exit status {status})" if status is not None else ""))
    return 1


if __name__ == "__main__":
    sys.exit(main())
