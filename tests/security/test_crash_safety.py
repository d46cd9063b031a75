"""Crash safety: concurrent writers against a live gunicorn, SIGKILL mid-load, restart.

Every write that got a success response must be in the database afterwards, and the
database must pass its integrity checks. The write is a real feature: filing a personal
data request (privacy:request-create), which writes the request and its audit row in one
transaction. Runs on the database the suite runs on (SQLite: a file copied from the test
database with the online backup API; PostgreSQL: the test database itself).
"""

from __future__ import annotations

import http.client
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.db import connection

from kyodo.accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)
ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).with_name("gunicorn")
WRITERS = 8
CSRF = "k" * 32  # an unmasked CSRF secret: the cookie and the header carry the same value


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "SQLITE_PATH"}}
    env.update(
        {
            "DEBUG": "0",
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_COOKIES": "0",
            "AXES_ENABLED": "0",
            "KYODO_FAST_HASHER": "1",
            "KYODO_TASKS_BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
            "STATIC_ROOT": str(tmp_path / "static"),
            "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        }
    )
    if connection.vendor == "sqlite":
        env["SQLITE_PATH"] = str(tmp_path / "live.sqlite3")
    else:
        s = connection.settings_dict
        auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
        env["DATABASE_URL"] = (
            f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"
        )
    return env


@contextmanager
def gunicorn(env: dict[str, str], port: int, log: Path) -> Iterator[subprocess.Popen]:
    with log.open("ab") as out:
        proc = subprocess.Popen(
            [
                str(GUNICORN),
                "config.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "2",
                "--threads",
                "4",
                "--timeout",
                "30",
                "--graceful-timeout",
                "1",
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        wait_healthy(port, proc, log)
        yield proc
    finally:
        kill_group(proc)


def kill_group(proc: subprocess.Popen) -> None:
    with suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)


def wait_healthy(port: int, proc: subprocess.Popen, log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"gunicorn exited: {log.read_text()[-2000:]}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"gunicorn did not answer: {log.read_text()[-2000:]}")


class Writers:
    """Threads that file requests until stopped, remembering every acknowledged token."""

    def __init__(self, port: int, session: str) -> None:
        self.port, self.session = port, session
        self.acknowledged: list[str] = []
        self.failed = 0
        self.errors: list[str] = []
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.threads = [threading.Thread(target=self.run, daemon=True) for _ in range(WRITERS)]

    def start(self) -> None:
        for t in self.threads:
            t.start()

    def join(self) -> None:
        self.stop.set()
        for t in self.threads:
            t.join(timeout=30)

    def post(self) -> None:
        token = str(uuid.uuid4())
        body = urlencode(
            {"kind": "disclosure", "details": f"crash-test {token}", "submission_token": token}
        )
        try:
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
            conn.request(
                "POST",
                "/privacy/requests/new/",
                body=body,
                headers={
                    "Content-Type": "application/x-www-form-urlencoded",
                    "Cookie": f"sessionid={self.session}; csrftoken={CSRF}",
                    "X-CSRFToken": CSRF,
                },
            )
            response = conn.getresponse()
            response.read()
            status, location = response.status, response.getheader("Location") or ""
        except OSError:
            with self.lock:
                self.failed += 1  # no answer: the write may or may not have happened
            time.sleep(0.05)
            return
        with self.lock:
            if status == 302 and location.endswith("/privacy/requests/"):
                self.acknowledged.append(token)
            elif status >= 500 or status == 403:
                self.errors.append(f"{status} {location}")
            else:
                self.failed += 1

    def run(self) -> None:
        while not self.stop.is_set():
            self.post()

    def count(self) -> int:
        with self.lock:
            return len(self.acknowledged)


def stored_tokens(tmp_path: Path) -> set[str]:
    if connection.vendor == "sqlite":
        db = sqlite3.connect(tmp_path / "live.sqlite3")
        try:
            return {
                uuid.UUID(r[0]).hex
                for r in db.execute("SELECT submission_token FROM privacy_privacyrequest")
            }
        finally:
            db.close()
    from kyodo.privacy.models import PrivacyRequest

    return {t.hex for t in PrivacyRequest.objects.values_list("submission_token", flat=True)}


def check_sqlite_integrity(path: Path) -> None:
    db = sqlite3.connect(path)
    try:
        assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert db.execute("PRAGMA foreign_key_check").fetchall() == []
        requests = db.execute("SELECT COUNT(*) FROM privacy_privacyrequest").fetchone()[0]
        audited = db.execute(
            "SELECT COUNT(DISTINCT target_id) FROM core_auditevent WHERE verb='privacy.request.submit'"
        ).fetchone()[0]
        assert requests == audited  # each request and its audit row were written together
    finally:
        db.close()


def check_postgres_consistency() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM privacy_privacyrequest")
        requests = cursor.fetchone()[0]
        cursor.execute(
            "SELECT COUNT(DISTINCT target_id) FROM core_auditevent WHERE verb='privacy.request.submit'"
        )
        assert cursor.fetchone()[0] == requests
        cursor.execute(
            "SELECT COUNT(*) FROM privacy_privacyrequest r LEFT JOIN accounts_user u ON u.id = r.user_id"
            " WHERE u.id IS NULL"
        )
        assert cursor.fetchone()[0] == 0
        cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'amcheck'")
        if cursor.fetchone():
            cursor.execute("CREATE EXTENSION IF NOT EXISTS amcheck")
            cursor.execute(
                """SELECT c.relname, bt_index_check(c.oid) FROM pg_index i
                   JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am a ON a.oid = c.relam
                   JOIN pg_class t ON t.oid = i.indrelid
                   WHERE a.amname = 'btree' AND t.relname IN
                     ('privacy_privacyrequest', 'core_auditevent', 'django_session', 'accounts_user')"""
            )
            assert cursor.fetchall()  # every index checked (an error would have raised)


@pytest.mark.skipif(not GUNICORN.exists(), reason="gunicorn is not installed in the venv")
def test_acknowledged_writes_survive_sigkill(tmp_path, client, guideline):
    user = UserFactory()
    client.force_login(user)
    session = client.cookies["sessionid"].value
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        target = sqlite3.connect(tmp_path / "live.sqlite3")
        connection.connection.backup(target)
        target.execute("PRAGMA journal_mode=WAL")
        target.close()
    env = server_env(tmp_path)
    port = free_port()
    log = tmp_path / "gunicorn.log"

    writers = Writers(port, session)
    started = time.monotonic()
    with gunicorn(env, port, log) as first:
        writers.start()
        deadline = time.monotonic() + 20
        while writers.count() < 60 and time.monotonic() < deadline:
            time.sleep(0.05)
        kill_group(first)  # SIGKILL the master and workers mid-load
    before_kill = writers.count()
    assert before_kill >= 20, (before_kill, writers.errors, log.read_text()[-1000:])

    with gunicorn(env, port, log):
        deadline = time.monotonic() + 15
        while writers.count() < before_kill + 20 and time.monotonic() < deadline:
            time.sleep(0.05)
        writers.join()
    elapsed = time.monotonic() - started

    assert writers.errors == []
    acknowledged = {uuid.UUID(t).hex for t in writers.acknowledged}
    assert len(acknowledged) > before_kill  # the restarted server took writes too
    missing = acknowledged - stored_tokens(tmp_path)
    assert not missing, f"{len(missing)} acknowledged writes lost"
    if connection.vendor == "sqlite":
        check_sqlite_integrity(tmp_path / "live.sqlite3")
    else:
        check_postgres_consistency()
    print(
        f"crash test: {len(acknowledged)} acknowledged writes, {writers.failed} unanswered, {elapsed:.1f}s"
    )
