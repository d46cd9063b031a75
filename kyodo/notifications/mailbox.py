"""The development mailbox: an e-mail backend that keeps each message as a .eml file in
`var/mail/` (KYODO_MAILBOX_DIR), and the reads behind the page where a person opens the mail the
site sent them (`make run` uses it unless EMAIL_HOST or EMAIL_BACKEND is set; see README.md).

Production sends real mail (SMTP) and this page answers 404."""

from __future__ import annotations

import contextlib
import datetime as dt
import email
import email.policy
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from email.utils import getaddresses, parsedate_to_datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.message import EmailMessage
from django.utils import timezone

BACKEND_PATH = "kyodo.notifications.mailbox.MailboxBackend"
_NAME = re.compile(r"^[0-9]{8}T[0-9]{6}-[0-9a-f]{32}\.eml$")


def mailbox_dir() -> Path:
    return Path(getattr(settings, "KYODO_MAILBOX_DIR", settings.BASE_DIR / "var" / "mail"))


def mailbox_enabled() -> bool:
    return str(settings.EMAIL_BACKEND) == BACKEND_PATH


class MailboxBackend(BaseEmailBackend):
    """Write every message to its own file (one .eml per message, readable with any mail
    program, `cat`, or the site's mailbox page)."""

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        folder = mailbox_dir()
        folder.mkdir(parents=True, exist_ok=True)
        sent = 0
        for message in email_messages:
            if not message.recipients():
                continue
            stamp = timezone.now().astimezone(dt.UTC).strftime("%Y%m%dT%H%M%S")
            path = folder / f"{stamp}-{uuid.uuid4().hex}.eml"
            tmp = path.with_suffix(".tmp")
            tmp.write_bytes(message.message().as_bytes(linesep="\n"))
            tmp.replace(path)  # readers never see half a message
            sent += 1
        return sent


@dataclass(frozen=True)
class Mail:
    name: str
    to: list[str]
    subject: str
    sent_at: dt.datetime | None
    body: str


def _read(path: Path, *, with_body: bool) -> Mail:
    msg: Any = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    to = [addr.lower() for _name, addr in getaddresses(msg.get_all("To", []))]
    sent_at: dt.datetime | None = None
    with contextlib.suppress(TypeError, ValueError):
        sent_at = parsedate_to_datetime(str(msg["Date"])) if msg["Date"] else None
    if sent_at is not None:
        # "-0000" (Django's default) parses as naive: it is UTC.
        sent_at = timezone.localtime(
            sent_at if timezone.is_aware(sent_at) else sent_at.replace(tzinfo=dt.UTC)
        )
    body = ""
    if with_body:
        part = msg.get_body(preferencelist=("plain",))
        body = part.get_content() if part is not None else ""
    return Mail(path.name, to, str(msg["Subject"] or "").strip(), sent_at, body)


def _visible(mail: Mail, user: Any) -> bool:
    return bool(user.is_superuser or user.is_staff or (user.email or "").lower() in mail.to)


def mails_for(user: Any, *, limit: int = 200) -> list[Mail]:
    """The newest messages this person may read: those sent to them (everything for admins)."""
    folder = mailbox_dir()
    if not folder.is_dir():
        return []
    names = sorted((p.name for p in folder.glob("*.eml") if _NAME.match(p.name)), reverse=True)
    found: list[Mail] = []
    for name in names:
        mail = _read(folder / name, with_body=False)
        if _visible(mail, user):
            found.append(mail)
            if len(found) >= limit:
                break
    return found


def get_mail_for(user: Any, name: str) -> Mail | None:
    if not _NAME.match(name):
        return None
    path = mailbox_dir() / name
    if not path.is_file():
        return None
    mail = _read(path, with_body=True)
    return mail if _visible(mail, user) else None
