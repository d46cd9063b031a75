"""iCalendar (RFC 5545) feeds, written by hand: one VEVENT per event, CRLF line ends,
lines folded at 75 octets, TEXT values escaped."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from urllib.parse import urlparse

from django.conf import settings
from django.http import HttpResponse
from django.urls import reverse

from kyodo.events.models import Event
from kyodo.events.workflow import EventStatus


def escape_text(value: str) -> str:
    """RFC 5545 §3.3.11: backslash, semicolon, comma and newlines are escaped."""
    return (
        str(value)
        .replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def fold(line: str) -> str:
    """RFC 5545 §3.1: lines longer than 75 octets continue on lines starting with a space,
    never splitting a UTF-8 character."""
    out: list[str] = []
    current = ""
    size = 0
    limit = 75
    for char in line:
        n = len(char.encode("utf-8"))
        if size + n > limit:
            out.append(current)
            current = " "
            size = 1
            limit = 75
        current += char
        size += n
    out.append(current)
    return "\r\n".join(out)


def _utc(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def _host() -> str:
    return urlparse(settings.SITE_URL).hostname or "kyodo.localhost"


def event_lines(event: Event, stamp: dt.datetime) -> list[str]:
    url = f"{settings.SITE_URL}{reverse('events:detail', args=[event.pk])}"
    location = ", ".join(p for p in (event.place_label, event.place_address) if p)
    description = "\n".join(p for p in (event.summary, event.organization.name, url) if p)
    lines = [
        "BEGIN:VEVENT",
        f"UID:event-{event.pk}@{_host()}",
        f"DTSTAMP:{_utc(stamp)}",
        f"DTSTART:{_utc(event.starts_at)}",
        f"DTEND:{_utc(event.ends_at)}",
        f"SUMMARY:{escape_text(event.title)}",
        f"DESCRIPTION:{escape_text(description)}",
        f"URL:{url}",
        f"LAST-MODIFIED:{_utc(event.updated_at)}",
        f"STATUS:{'CANCELLED' if event.status == EventStatus.CANCELLED else 'CONFIRMED'}",
        f"ORGANIZER;CN={_param(event.organization.name)}:{url}",
    ]
    if location:
        lines.insert(6, f"LOCATION:{escape_text(location)}")
    lines.append("END:VEVENT")
    return lines


def _param(value: str) -> str:
    """A parameter value: quoted, without the characters a quoted value cannot hold."""
    return '"' + str(value).replace('"', "'").replace("\n", " ").replace("\r", " ") + '"'


def build_calendar(events: Iterable[Event], *, name: str, stamp: dt.datetime) -> str:
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Kyodo//Kyodo events//JA",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(name)}",
        "X-WR-TIMEZONE:Asia/Tokyo",
    ]
    for event in events:
        lines.extend(event_lines(event, stamp))
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)


def calendar_response(
    events: Iterable[Event], *, name: str, filename: str, stamp: dt.datetime
) -> HttpResponse:
    response = HttpResponse(
        build_calendar(events, name=name, stamp=stamp), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'inline; filename="{filename}.ics"'
    return response
