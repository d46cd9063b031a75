"""Import an existing list of groups from CSV (UTF-8 with or without BOM, or Shift_JIS/cp932
as Excel saves it). `parse_organizations_csv` checks every row and reports each problem
(row number as Excel shows it, column, message); `import_organizations` writes in one
transaction: everything, or only the valid rows when the coordinator chooses so."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kyodo.accounts.models import User
from kyodo.core.audit import record_event
from kyodo.core.hooks import content_changed
from kyodo.guideline.models import District, Field, OrganizationType
from kyodo.organizations.models import Organization, RegistrationStatus
from kyodo.organizations.services import fiscal_year_end, search_text_for
from kyodo.organizations.text import normalise

MAX_ROWS = 5000
# Column → accepted headers (Japanese as city lists have them, and English).
COLUMNS: dict[str, tuple[str, ...]] = {
    "name": ("団体名", "名称", "name"),
    "kana": ("ふりがな", "フリガナ", "よみがな", "kana"),
    "org_type": ("種別", "団体種別", "type"),
    "legal_personality": ("法人格", "legal personality"),
    "fields": ("活動分野", "分野", "fields"),
    "districts": ("活動地区", "地区", "districts"),
    "member_count": ("会員数", "members"),
    "founded_year": ("設立年", "founded"),
    "description": ("団体紹介", "活動内容", "description"),
    "activity_bases": ("活動拠点", "activity bases"),
    "website": ("ウェブサイト", "ホームページ", "website"),
    "public_email": ("公開用メールアドレス", "メールアドレス", "public e-mail"),
    "public_phone": ("公開用電話番号", "電話番号", "public phone"),
    "public_address": ("公開用住所", "所在地", "public address"),
    "status": ("登録状況", "status"),
}
REQUIRED = ("name", "kana", "org_type")
_SPLIT_RE = re.compile(r"[、,，・/／;；\s]+")
_LIST_SPLIT_RE = re.compile(r"[、,，/／;；\s]+")  # _SPLIT_RE without 「・」


def _names_in(chunk: str, table: dict[str, Any]) -> list[str]:
    """The names in `chunk`, split on 「・」, which separates values (防災・環境) but is also
    part of many names (a city's 「子ども・子育て」): the longest known name wins."""
    pieces = [p for p in re.split(r"・+", chunk) if p]
    names, i = [], 0
    while i < len(pieces):
        j = next(
            (j for j in range(len(pieces), i, -1) if normalise("・".join(pieces[i:j])) in table),
            i + 1,
        )
        names.append("・".join(pieces[i:j]))
        i = j
    return names


_KANA_RE = re.compile(r"^[\u3041-\u309f\u30fc0-9a-z\s・ー\-]+$")
_PHONE_RE = re.compile(r"^[0-9+\-() ]{6,30}$")


@dataclass
class RowResult:
    number: int
    values: dict[str, Any] = field(default_factory=dict)
    errors: list[tuple[str, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def name(self) -> str:
        return str(self.values.get("name") or "")


@dataclass
class ParseResult:
    rows: list[RowResult]
    file_errors: list[str]
    encoding: str = ""

    @property
    def valid_rows(self) -> list[RowResult]:
        return [r for r in self.rows if r.ok]

    @property
    def invalid_rows(self) -> list[RowResult]:
        return [r for r in self.rows if not r.ok]

    @property
    def all_valid(self) -> bool:
        return not self.file_errors and all(r.ok for r in self.rows) and bool(self.rows)


def decode(data: bytes) -> tuple[str, str]:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8"), "UTF-8 (BOM)"
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp932"), "Shift_JIS"
    except UnicodeDecodeError as exc:
        raise ValidationError(
            _(
                "The file is neither UTF-8 nor Shift_JIS. Save it from Excel as 「CSV UTF-8」 and try again."
            ),
            code="encoding",
        ) from exc


def _column_labels() -> dict[str, str]:
    return {key: headers[0] for key, headers in COLUMNS.items()}


class _Lookups:
    def __init__(self) -> None:
        self.types: dict[str, OrganizationType] = {}
        # The city's own types (departments) are accepted too, so a city can import its
        # departments the same way as its groups (issue 25).
        for t in OrganizationType.objects.select_related("actor_type"):
            for key in (t.code, t.name, t.name_en):
                if key:
                    self.types[normalise(key)] = t
        self.fields = {
            normalise(k): f for f in Field.objects.all() for k in (f.code, f.name, f.name_en) if k
        }
        self.districts = {
            normalise(k): d
            for d in District.objects.all()
            for k in (d.code, d.name, d.name_en, d.kana)
            if k
        }
        self.existing = {normalise(n) for n in Organization.objects.values_list("name", flat=True)}


def parse_organizations_csv(data: bytes) -> ParseResult:
    try:
        text, encoding = decode(data)
    except ValidationError as exc:
        return ParseResult(rows=[], file_errors=list(exc.messages))
    try:
        return _parse_text(text, encoding)
    except csv.Error:
        return ParseResult(
            rows=[],
            encoding=encoding,
            file_errors=[
                _("The file could not be read as CSV. Save it from Excel as CSV and try again.")
            ],
        )


def _parse_text(text: str, encoding: str) -> ParseResult:
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        return ParseResult(rows=[], file_errors=[_("The file is empty.")], encoding=encoding)
    positions: dict[str, int] = {}
    for i, raw in enumerate(header):
        key = normalise(raw)
        for column, names in COLUMNS.items():
            if key in {normalise(n) for n in names}:
                positions.setdefault(column, i)
    labels = _column_labels()
    missing = [labels[c] for c in REQUIRED if c not in positions]
    if missing:
        return ParseResult(
            rows=[],
            encoding=encoding,
            file_errors=[
                _("These columns are missing from the first row: %(columns)s")
                % {"columns": "、".join(missing)}
            ],
        )
    lookups = _Lookups()
    seen: dict[str, int] = {}
    rows: list[RowResult] = []
    for number, raw_row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in raw_row):
            continue
        if len(rows) >= MAX_ROWS:
            return ParseResult(
                rows=rows,
                encoding=encoding,
                file_errors=[
                    _("The file has more than %(n)s rows. Split it into smaller files.")
                    % {"n": MAX_ROWS}
                ],
            )
        cells = {c: (raw_row[i].strip() if i < len(raw_row) else "") for c, i in positions.items()}
        rows.append(_check_row(number, cells, lookups, labels, seen))
    if not rows:
        return ParseResult(
            rows=[], encoding=encoding, file_errors=[_("The file has no data rows.")]
        )
    return ParseResult(rows=rows, file_errors=[], encoding=encoding)


def _check_row(
    number: int,
    cells: dict[str, str],
    lookups: _Lookups,
    labels: dict[str, str],
    seen: dict[str, int],
) -> RowResult:
    result = RowResult(number=number)
    values = result.values

    def err(column: str, message: str) -> None:
        result.errors.append((labels[column], message))

    name = cells.get("name", "")
    if not name:
        err("name", _("Enter the name of the group."))
    elif len(name) > 120:
        err("name", _("The name can be up to 120 characters."))
    else:
        key = normalise(name)
        if key in lookups.existing:
            err("name", _("A group with this name is already registered."))
        elif key in seen:
            err("name", _("The same name is on row %(row)s.") % {"row": seen[key]})
        else:
            seen[key] = number
        values["name"] = name
    kana = normalise(cells.get("kana", ""))
    if not kana:
        err("kana", _("Enter the reading in hiragana or katakana."))
    elif not _KANA_RE.match(kana):
        err("kana", _("Write the reading in hiragana or katakana only."))
    else:
        values["kana"] = kana[:200]
    type_text = cells.get("org_type", "")
    org_type = lookups.types.get(normalise(type_text))
    if org_type is None:
        err(
            "org_type",
            _("「%(value)s」 is not a type of organization. Use one of: %(choices)s")
            % {
                "value": type_text,
                "choices": "、".join(sorted({t.name for t in lookups.types.values()})),
            },
        )
    values["org_type"] = org_type
    values["legal_personality"] = cells.get("legal_personality", "")[:60]
    for column, table in (("fields", lookups.fields), ("districts", lookups.districts)):
        found = []
        for chunk in _LIST_SPLIT_RE.split(cells.get(column, "")):
            for part in _names_in(chunk, table):
                item = table.get(normalise(part))
                if item is None:
                    err(column, _("「%(value)s」 is not known.") % {"value": part})
                else:
                    found.append(item)
        values[column] = found
    for column, low, high in (
        ("member_count", 0, 10_000_000),
        ("founded_year", 1868, timezone.localdate().year),
    ):
        raw = (
            normalise(cells.get(column, "")).removesuffix("年").removesuffix("人").replace(",", "")
        )
        if not raw:
            values[column] = None
        elif not raw.isdigit() or not low <= int(raw) <= high:
            err(
                column,
                _("Enter a number between %(low)s and %(high)s.") % {"low": low, "high": high},
            )
        else:
            values[column] = int(raw)
    values["description"] = cells.get("description", "")
    values["activity_bases"] = cells.get("activity_bases", "")
    website = cells.get("website", "")
    if website:
        try:
            URLValidator(schemes=["http", "https"])(website)
        except ValidationError:
            err("website", _("Enter the address starting with https://."))
    values["website"] = website
    email = cells.get("public_email", "")
    if email:
        try:
            validate_email(email)
        except ValidationError:
            err("public_email", _("Enter an e-mail address such as info@example.jp."))
    values["public_email"] = email
    phone = normalise(cells.get("public_phone", ""))
    if phone and not _PHONE_RE.match(phone):
        err("public_phone", _("Enter the phone number with digits and hyphens, e.g. 049-224-8811."))
    values["public_phone"] = phone
    values["public_address"] = cells.get("public_address", "")[:200]
    status_text = normalise(cells.get("status", ""))
    if status_text in ("", "本登録", "verified"):
        values["status"] = RegistrationStatus.VERIFIED
    elif status_text in ("仮登録", "provisional"):
        values["status"] = RegistrationStatus.PROVISIONAL
    else:
        err("status", _("Write 本登録 or 仮登録."))
    return result


def import_organizations(
    *,
    actor: User | None,
    parsed: ParseResult,
    valid_only: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> list[Organization]:
    """Write the rows in one transaction. Without `valid_only`, nothing is written unless
    every row is valid. `actor` None is the command line (a coordinator's own action)."""
    if actor is not None and not actor.has_perm("organizations.import_organization"):
        raise PermissionDenied
    if parsed.file_errors:
        raise ValidationError(parsed.file_errors)
    if not valid_only and not parsed.all_valid:
        raise ValidationError(
            _("Some rows have problems. Fix them, or choose to import only the valid rows."),
            code="invalid_rows",
        )
    rows = parsed.valid_rows
    now = timezone.now()
    expires = fiscal_year_end(timezone.localdate())
    created: list[Organization] = []
    with transaction.atomic():
        for i, row in enumerate(rows, 1):
            v = row.values
            department = v["org_type"].actor_type.is_government
            if department:
                # The city's departments: verified, no registration to renew.
                v = {**v, "status": RegistrationStatus.VERIFIED}
            org = Organization(
                name=v["name"],
                kana=v["kana"],
                org_type=v["org_type"],
                legal_personality=v["legal_personality"],
                description=v["description"],
                activity_bases=v["activity_bases"],
                member_count=v["member_count"],
                founded_year=v["founded_year"],
                website=v["website"],
                public_email=v["public_email"],
                public_phone=v["public_phone"],
                public_address=v["public_address"],
                registration_status=v["status"],
                registration_expires_on=None if department else expires,
                declared_not_political=department,
                declared_not_religious=department,
                declared_no_antisocial_ties=department,
                declarations_at=now if department else None,
                verified_at=now if v["status"] == RegistrationStatus.VERIFIED else None,
                verified_by=actor if v["status"] == RegistrationStatus.VERIFIED else None,
                registered_by=actor,
            )
            org.search_text = search_text_for(org)
            org.save()
            org.fields.set(v["fields"])
            org.districts.set(v["districts"])
            content_changed(org)
            if department:
                record_event(
                    actor=actor,
                    verb="organizations.department.create",
                    target=org,
                    to_state="created",
                    data={"source": "csv"},
                )
            created.append(org)
            if progress is not None:
                progress(i, len(rows))
        record_event(
            actor=actor,
            verb="organizations.organization.import",
            target=None,
            data={
                "created": len(created),
                "skipped": len(parsed.invalid_rows),
                "encoding": parsed.encoding,
            },
        )
    return created
