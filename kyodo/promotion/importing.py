"""Import survey records from the spreadsheet departments already use (CSV in UTF-8 or
Shift_JIS as Excel saves it, or .xlsx). A dry run lists every row's problems; nothing is
written unless every row is valid, or the person chooses to import only the valid rows.

Two rules a clerk relies on:
- a re-import changes nothing: each row has a natural key (department, fiscal year, project
  name, partner, form of collaboration; `SurveyRecord.natural_key`, unique in the database),
  and the check reports the rows already recorded, which the import then skips;
- no value is rounded or cut: 1500.5円, 1.5e400 or a project name longer than the column
  holds is an error naming the row and the column, never a silent 1,500 or a cut name."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from kyodo.accounts.models import User
from kyodo.core.fields import MAX_YEN, fold_digits
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
# What each text column holds (SurveyRecord's max_length): longer is an error, never a cut.
TEXT_LIMITS = {"title": 200, "partner_name": 200, "note": 300}
NUMBER_LIMITS = {"city_share_yen": MAX_YEN, "partner_share_yen": MAX_YEN, "participants": 10**7}


@dataclass
class ParsedRow:
    number: int
    values: dict[str, Any] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    # Set when a record with the same natural key is already stored: skipped on import.
    existing: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def to_import(self) -> bool:
        return self.ok and not self.existing


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


def _whole_number(text: str, limit: int) -> int:
    """'1,500円' → 1500; '1500.0' (how Excel hands over a whole number) → 1500. Anything that
    is not exactly a whole number from 0 to `limit` raises ValueError: 1500.5 is not rounded,
    1.5e400 is not read as infinity, -1 is not stored."""
    cleaned = (
        fold_digits(text).replace(",", "").replace("円", "").replace("¥", "").replace(" ", "")
    ) or "0"
    if len(cleaned) > 40:
        raise ValueError(cleaned)
    try:
        number = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(cleaned) from None
    if not number.is_finite() or number != number.to_integral_value():
        raise ValueError(cleaned)
    if number < 0 or number > limit:
        raise ValueError(cleaned)
    return int(number)


def natural_key(values: dict[str, Any]) -> tuple[str, str, int | None]:
    form = values.get("form")
    return (values.get("title") or "", values.get("partner_name") or "", getattr(form, "pk", None))


def parse(
    data: bytes, *, department: Organization | None = None, fiscal_year: int | None = None
) -> list[ParsedRow]:
    """Every row with its problems. With `department` and `fiscal_year`, rows already recorded
    (same natural key) are marked `existing`, so the check says so instead of 「問題なし」."""
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
        for key, limit in TEXT_LIMITS.items():
            text = cell(key)
            if len(text) > limit:
                row.errors.append(
                    _(
                        "Row %(row)s, %(col)s: %(n)s characters, more than the %(limit)s "
                        "this column holds. Shorten it; nothing is cut automatically."
                    )
                    % {"row": number, "col": COLUMNS[key][0], "n": len(text), "limit": limit}
                )
            row.values[key] = text
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
        for key, limit in NUMBER_LIMITS.items():
            text = cell(key)
            try:
                row.values[key] = _whole_number(text, limit)
            except ValueError:
                row.errors.append(
                    _(
                        "Row %(row)s, %(col)s: 「%(value)s」 is not a whole number from 0 to "
                        "%(limit)s. Nothing is rounded: correct the cell."
                    )
                    % {
                        "row": number,
                        "col": COLUMNS[key][0],
                        "value": text[:40],
                        "limit": f"{limit:,}",
                    }
                )
                row.values[key] = 0
        parsed.append(row)
    _mark_duplicates(parsed, department=department, fiscal_year=fiscal_year)
    return parsed


def _mark_duplicates(
    rows: list[ParsedRow], *, department: Organization | None, fiscal_year: int | None
) -> None:
    from kyodo.promotion.models import SurveyRecord

    seen: dict[tuple[str, str, int | None], int] = {}
    for row in rows:
        key = natural_key(row.values)
        if key in seen:
            row.errors.append(
                _("Row %(row)s is the same collaboration as row %(first)s (%(cols)s).")
                % {"row": row.number, "first": seen[key], "cols": "事業名・相手方・協働の形態"}
            )
        else:
            seen[key] = row.number
    if department is None or fiscal_year is None:
        return
    stored = set(
        SurveyRecord.objects.filter(department=department, fiscal_year=fiscal_year).values_list(
            "title", "partner_name", "form_id"
        )
    )
    for row in rows:
        if natural_key(row.values) in stored:
            row.existing = True


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
    from kyodo.promotion.models import SurveyRecord

    with transaction.atomic():
        count = 0
        # Read again inside the transaction: a row recorded since the check is skipped too (the
        # unique natural key is the backstop).
        stored: set[tuple[str, str, int | None]] = set(
            SurveyRecord.objects.select_for_update()
            .filter(department=department, fiscal_year=fiscal_year)
            .values_list("title", "partner_name", "form_id")
        )
        for row in rows:
            if row.ok and natural_key(row.values) not in stored:
                stored.add(natural_key(row.values))
                add_survey_record(
                    actor=actor,
                    department=department,
                    fiscal_year=fiscal_year,
                    imported=True,
                    **row.values,
                )
                count += 1
    return count
