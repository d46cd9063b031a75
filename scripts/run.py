#!/usr/bin/env python3
"""Run the whole product in one terminal: the web server (gunicorn), the task worker
(`manage.py db_worker`: notification e-mail, digests …) and the scheduler (`manage.py scheduler`:
enqueues the periodic tasks when they are due). Ctrl+C (or SIGTERM) stops all three; if one of
them stops by itself, the others are stopped too and the exit status says so.

`make run` calls this after migrate/seed. Environment: HOST, PORT, WEB_CONCURRENCY, SITE_URL
(default http://HOST:PORT), EMAIL_BACKEND/EMAIL_HOST (default: the development mailbox in
var/mail/, readable at /notifications/mail/)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from types import FrameType

ROOT = Path(__file__).resolve().parent.parent
MAILBOX_BACKEND = "kyodo.notifications.mailbox.MailboxBackend"


def environment() -> dict[str, str]:
    env = dict(os.environ)
    host = env.setdefault("HOST", "127.0.0.1")
    port = env.setdefault("PORT", "8000")
    shown_host = "127.0.0.1" if host in {"0.0.0.0", "::"} else host  # noqa: S104
    env.setdefault("SITE_URL", f"http://{shown_host}:{port}")
    if not env.get("EMAIL_HOST"):
        env.setdefault("EMAIL_BACKEND", MAILBOX_BACKEND)
    env.setdefault("KYODO_MANIFEST_STATIC", "1")
    env.setdefault("SECURE_COOKIES", "0")
    env.setdefault("PYTHONUNBUFFERED", "1")
    return env


def commands(env: dict[str, str]) -> dict[str, list[str]]:
    python = sys.executable
    bind = f"{env['HOST']}:{env['PORT']}"
    return {
        "web": [
            python, "-m", "gunicorn", "config.wsgi:application", "--bind", bind,
            "--workers", env.get("WEB_CONCURRENCY", "2"), "--worker-class", "gthread",
            "--threads", "1", "--access-logfile", "-", "--timeout", "60",
        ],
        "worker": [python, "manage.py", "db_worker", "--no-reload"],
        "scheduler": [python, "manage.py", "scheduler"],
    }  # fmt: skip


def main() -> int:
    env = environment()
    procs: dict[str, subprocess.Popen[bytes]] = {}
    stopping = False

    def stop(signum: int, frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGHUP, stop)  # the terminal closed: stop the children too

    for name, cmd in commands(env).items():
        # Own process group: Ctrl+C reaches only this supervisor, which stops the children in
        # order (the worker finishes the task it is running).
        procs[name] = subprocess.Popen(cmd, cwd=ROOT, env=env, start_new_session=True)  # noqa: S603 (fixed commands)

    mail = (
        f"Mail is kept in {ROOT / 'var' / 'mail'}/ (one .eml per message) and can be read at "
        f"{env['SITE_URL']}/notifications/mail/ (sign in as the person it was sent to)."
        if env.get("EMAIL_BACKEND") == MAILBOX_BACKEND
        else f"Mail goes out through {env.get('EMAIL_BACKEND') or 'SMTP ' + env['EMAIL_HOST']}."
    )
    print(
        f"\nKyodo is running at {env['SITE_URL']}/ : web server, task worker and scheduler"
        f" (Ctrl+C stops all three).\n{mail}\n",
        flush=True,
    )

    status = 0
    while not stopping:
        for name, proc in procs.items():
            code = proc.poll()
            if code is not None:
                print(f"run: the {name} stopped (exit {code}); stopping the others.", flush=True)
                status = code or 1
                stopping = True
                break
        time.sleep(0.5)

    for proc in procs.values():
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + 15
    for name, proc in procs.items():
        try:
            proc.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            print(f"run: the {name} did not stop in time; killing it.", flush=True)
            proc.kill()
            proc.wait()
    print("run: stopped.", flush=True)
    return status


if __name__ == "__main__":
    sys.exit(main())
