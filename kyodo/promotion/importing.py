"""Import survey records from the spreadsheet departments already use (CSV in UTF-8 or
Shift_JIS as Excel saves it, or .xlsx). A dry run lists every row's problems; nothing is
written unless every row is valid, or the person chooses to import only the valid rows."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from kyodo.accounts.models import User
from kyodo.core.fields import MAX_YEN
from kyodo.guideline.models import CollaborationForm, District, Field, OrganizationType
from kyodo.organizations.models import Organization

COLUMNS = {
    "title": ("事業名", "title"),
    "form": ("協働の形態", "form"),
    "partner_name": ("相手方", "partner"),
    "partner_type": ("相手方の種類", "partner type"),
    "field": ("分野", "field"),
    "district": ("地区", "district"),
    "is_new": ("新規・継続", "new or continuing"),
    "city_share_yen": ("市の負担額", "city share"),
    "partner_share_yen": ("相手方の負担額", "partner share"),
    "participants": ("参加者数", "participants"),
    "note": ("備考", "note"),
}
REQUIRED = ("title", "form", "partner_name", "partner_type")
MAX_ROWS = 5000


@dataclass
class ParsedRow:
    number: int
    values: dict[str, Any] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def _rows_from_upload(data: bytes) -> list[list[str]]:
    if data[:4] == b"PK\x03\x04":
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        ws = wb.worksheets[0]
        return [
            ["" if c is None else str(c) for c in row] for row in ws.iter_rows(values_only=True)
        ]
    for encoding in ("utf-8-sig", "cp932"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ValueError(
            _("The file could not be read. Save it as CSV (UTF-8 or Shift_JIS) or Excel.")
        )
    return list(csv.reader(io.StringIO(text)))


def _lookup(model: Any, value: str) -> Any:
    value = value.strip()
    return model.objects.filter(name=value).first() or model.objects.filter(code=value).first()


def _yen(text: str) -> int:
    cleaned = text.replace(",", "").replace("円", "").replace("¥", "").strip() or "0"
    try:
        amount = int(float(cleaned)) if "." in cleaned else int(cleaned)
    except OverflowError as exc:  # 1.5e400 is infinite as a float
        raise ValueError from exc
    if not 0 <= amount <= MAX_YEN:
        raise ValueError
    return amount


def parse(data: bytes) -> list[ParsedRow]:
    rows = _rows_from_upload(data)
    if not rows:
        raise ValueError(_("The file is empty."))
    header = [h.strip() for h in rows[0]]
    index: dict[str, int] = {}
    for key, names in COLUMNS.items():
        for i, h in enumerate(header):
            if h in names:
                index[key] = i
    missing = [COLUMNS[k][0] for k in REQUIRED if k not in index]
    if missing:
        raise ValueError(
            _("These columns are missing from the first row: %(cols)s")
            % {"cols": "、".join(missing)}
        )
    if len(rows) - 1 > MAX_ROWS:
        raise ValueError(_("Import at most %(n)s rows at a time.") % {"n": MAX_ROWS})
    parsed = []
    for number, raw in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in raw):
            continue
        row = ParsedRow(number=number)

        def cell(key: str, raw: list[str] = raw) -> str:
            i = index.get(key)
            return raw[i].strip() if i is not None and i < len(raw) else ""

        for key in REQUIRED:
            if not cell(key):
                row.errors.append(_("%(col)s is empty.") % {"col": COLUMNS[key][0]})
        row.values["title"] = cell("title")[:200]
        row.values["partner_name"] = cell("partner_name")[:200]
        row.values["note"] = cell("note")[:300]
        for key, model, label in (
            ("form", CollaborationForm, "協働の形態"),
            ("partner_type", OrganizationType, "相手方の種類"),
            ("field", Field, "分野"),
            ("district", District, "地区"),
        ):
            text = cell(key)
            if not text:
                row.values[key] = None
                continue
            found = _lookup(model, text)
            if found is None:
                row.errors.append(
                    _("%(col)s: 「%(value)s」 is not on the list.") % {"col": label, "value": text}
                )
            row.values[key] = found
        new_text = cell("is_new")
        row.values["is_new"] = new_text not in ("継続", "continuing", "0", "いいえ")
        for key in ("city_share_yen", "partner_share_yen", "participants"):
            text = cell(key)
            try:
                row.values[key] = _yen(text)
            except ValueError:
                row.errors.append(
                    _("%(col)s: 「%(value)s」 is not a whole number of 0 or more.")
                    % {"col": COLUMNS[key][0], "value": text}
                )
                row.values[key] = 0
        parsed.append(row)
    return parsed


def import_rows(
    *,
    actor: User,
    department: Organization,
    fiscal_year: int,
    rows: list[ParsedRow],
    valid_only: bool,
) -> int:
    """Write the rows in one transaction. Refuses if any row is invalid, unless valid_only."""
    from kyodo.promotion.services import add_survey_record

    if not valid_only and any(not r.ok for r in rows):
        raise ValueError(
            _("Some rows have problems. Fix them, or choose to import only the valid rows.")
        )
    with transaction.atomic():
        count = 0
        for row in rows:
            if row.ok:
                add_survey_record(
                    actor=actor,
                    department=department,
                    fiscal_year=fiscal_year,
                    imported=True,
                    **row.values,
                )
                count += 1
    return count
