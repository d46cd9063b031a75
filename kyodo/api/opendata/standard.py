"""Events and facilities in the national standard format: the 推奨データセット of the Digital
Agency (自治体標準オープンデータセット), datasets イベント一覧 and 公共施設一覧, with the standard's
own column names and order, so a prefecture's or the national catalogue, and any tool built for
the standard, reads Kyodo's files without a mapping.

Conventions of the standard followed here: the first column is the publisher's 全国地方公共団体
コード (6 digits with the check digit, `local_government_code` in the guideline file); NO numbers
the rows uniquely within the publisher (Kyodo uses the id of the same row in the API and in the
package's own events/facilities files, so the NO is stable between builds); dates are
YYYY-MM-DD and times HH:MM in Japan time; several values in one cell are separated by `;`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.utils import timezone

from kyodo.api.opendata.records import facilities, listed_events
from kyodo.api.opendata.schema import C, Column, Dataset

STANDARD = "推奨データセット（デジタル庁 自治体標準オープンデータセット）"
EVENT_STANDARD = f"{STANDARD} イベント一覧"
FACILITY_STANDARD = f"{STANDARD} 公共施設一覧"

# (column name of the standard, Frictionless type, English title, what Kyodo puts there)
_COMMON = (
    ("都道府県コード又は市区町村コード", "string", "Local government code"),
    ("NO", "integer", "Number (the API id)"),
    ("都道府県名", "string", "Prefecture"),
    ("市区町村名", "string", "Municipality"),
)
EVENT_FIELDS = (
    *_COMMON,
    ("イベント名", "string", "Event name"),
    ("イベント名_カナ", "string", "Event name in kana"),
    ("イベント名_英語", "string", "Event name in English"),
    ("開始日", "date", "Start date"),
    ("終了日", "date", "End date"),
    ("開始時間", "string", "Start time (HH:MM)"),
    ("終了時間", "string", "End time (HH:MM)"),
    ("開始日時特記事項", "string", "Notes on the dates"),
    ("説明", "string", "Description"),
    ("料金(基本)", "integer", "Basic fee (yen)"),
    ("料金(詳細)", "string", "Fee details"),
    ("連絡先名称", "string", "Contact"),
    ("連絡先電話番号", "string", "Contact phone"),
    ("連絡先内線番号", "string", "Contact extension"),
    ("主催者", "string", "Organiser"),
    ("場所名称", "string", "Venue"),
    ("住所", "string", "Address"),
    ("方書", "string", "Address detail"),
    ("緯度", "number", "Latitude"),
    ("経度", "number", "Longitude"),
    ("アクセス方法", "string", "Access"),
    ("駐車場情報", "string", "Parking"),
    ("定員", "integer", "Capacity"),
    ("参加申込終了日", "date", "Registration closes (date)"),
    ("参加申込終了時間", "string", "Registration closes (time)"),
    ("参加申込方法", "string", "How to register"),
    ("URL", "string", "URL"),
    ("備考", "string", "Notes"),
)
FACILITY_FIELDS = (
    *_COMMON,
    ("名称", "string", "Name"),
    ("名称_カナ", "string", "Name in kana"),
    ("名称_通称", "string", "Common name"),
    ("POIコード", "string", "POI code"),
    ("住所", "string", "Address"),
    ("方書", "string", "Address detail"),
    ("緯度", "number", "Latitude"),
    ("経度", "number", "Longitude"),
    ("電話番号", "string", "Phone"),
    ("内線番号", "string", "Extension"),
    ("法人番号", "string", "Corporate number"),
    ("団体名", "string", "Managing organization"),
    ("利用可能曜日", "string", "Days open"),
    ("開始時間", "string", "Opens (HH:MM)"),
    ("終了時間", "string", "Closes (HH:MM)"),
    ("利用可能日時特記事項", "string", "Notes on opening times"),
    ("説明", "string", "Description"),
    ("バリアフリー情報", "string", "Accessibility"),
    ("URL", "string", "URL"),
    ("備考", "string", "Notes"),
)
EVENT_COLUMNS: tuple[Column, ...] = tuple(C(n, t, n, en) for n, t, en in EVENT_FIELDS)
FACILITY_COLUMNS: tuple[Column, ...] = tuple(C(n, t, n, en) for n, t, en in FACILITY_FIELDS)
# 公共施設一覧 writes the days a facility is open as 月火水木金土日 (one character each).
WEEKDAYS = "月火水木金土日"


def _publisher() -> dict[str, Any]:
    from kyodo.guideline.selectors import municipality

    muni = municipality()
    return {
        "都道府県コード又は市区町村コード": (muni.local_government_code if muni else "") or "",
        "都道府県名": muni.prefecture if muni else "",
        "市区町村名": muni.name if muni else "",
    }


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _event_rows() -> Iterator[dict[str, Any]]:
    from django.urls import reverse

    publisher = _publisher()
    for e in listed_events().iterator(chunk_size=1000):
        starts, ends = timezone.localtime(e.starts_at), timezone.localtime(e.ends_at)
        closes = timezone.localtime(e.closes_at)
        facility = e.room.facility if e.room_id else None
        notes = []
        if e.status == "cancelled":
            notes.append("中止" + (f"（{e.cancel_reason}）" if e.cancel_reason else ""))
        if e.accessibility:
            notes.append(f"バリアフリー: {e.accessibility}")
        yield {
            **publisher,
            "NO": e.pk,
            "イベント名": e.title,
            "イベント名_カナ": "",
            "イベント名_英語": "",
            "開始日": starts.date(),
            "終了日": ends.date(),
            "開始時間": starts.strftime("%H:%M"),
            "終了時間": ends.strftime("%H:%M"),
            "開始日時特記事項": "",
            "説明": e.summary + ("\n" + e.description if e.description else ""),
            "料金(基本)": int(e.cost_yen),
            "料金(詳細)": "無料" if not e.cost_yen else f"{int(e.cost_yen):,}円",
            "連絡先名称": e.organization.name if e.organization_id else "",
            "連絡先電話番号": "",
            "連絡先内線番号": "",
            "主催者": e.organization.name if e.organization_id else "",
            "場所名称": e.place_name or (f"{facility.name} {e.room.name}" if facility else ""),
            "住所": e.address or (facility.address if facility else ""),
            "方書": "",
            "緯度": None,
            "経度": None,
            "アクセス方法": "",
            "駐車場情報": "",
            "定員": e.capacity,
            "参加申込終了日": closes.date(),
            "参加申込終了時間": closes.strftime("%H:%M"),
            "参加申込方法": "ウェブサイトから申し込む",
            "URL": _absolute(reverse("events:detail", args=[e.pk])),
            "備考": "；".join(notes),
        }


def _facility_rows() -> Iterator[dict[str, Any]]:
    from django.urls import reverse

    publisher = _publisher()
    queryset = facilities().select_related("managed_by")
    for f in queryset.iterator(chunk_size=500):
        open_days = "".join(d for i, d in enumerate(WEEKDAYS) if i != f.closed_weekday)
        yield {
            **publisher,
            "NO": f.pk,
            "名称": f.name,
            "名称_カナ": f.kana,
            "名称_通称": "",
            "POIコード": "",
            "住所": f.address,
            "方書": "",
            "緯度": None,
            "経度": None,
            "電話番号": f.phone,
            "内線番号": "",
            "法人番号": "",
            "団体名": f.managed_by.name if f.managed_by_id else "",
            "利用可能曜日": open_days,
            "開始時間": "",
            "終了時間": "",
            "利用可能日時特記事項": f.opening_hours,
            "説明": f.description,
            "バリアフリー情報": ";".join(
                line.strip() for line in f.accessibility.splitlines() if line.strip()
            ),
            "URL": _absolute(reverse("events:facility-detail", args=[f.pk])),
            "備考": "",
        }


def standard_datasets() -> list[Dataset]:
    return [
        Dataset(
            "standard_events",
            "イベント一覧（推奨データセット形式）",
            "Events (national standard format)",
            "デジタル庁の推奨データセット「イベント一覧」の項目名・順序による公開中・中止のイベント",
            "Published and cancelled events in the Digital Agency's standard dataset format",
            EVENT_COLUMNS,
            _event_rows,
            key=("NO",),
            group="standard",
            conforms_to=EVENT_STANDARD,
        ),
        Dataset(
            "standard_facilities",
            "公共施設一覧（推奨データセット形式）",
            "Public facilities (national standard format)",
            "デジタル庁の推奨データセット「公共施設一覧」の項目名・順序による活動拠点",
            "The activity bases in the Digital Agency's standard dataset format",
            FACILITY_COLUMNS,
            _facility_rows,
            key=("NO",),
            group="standard",
            conforms_to=FACILITY_STANDARD,
        ),
    ]
