"""Load a municipality's guideline file (TOML) into the guideline tables.

The whole file is validated first; any error names the section, the row and the field
("principles[3].name: required") and nothing is written. Loading runs in one transaction
and is idempotent: rows are matched by `code` and updated in place.
"""

from __future__ import annotations

import datetime as dt
import json
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.dispatch import Signal

from kyodo.guideline import models as m

SCHEMA_VERSION = 1

# Sent inside the loading transaction with `clean` (the validated file): apps that keep
# their own rows from the file (departments, district councils) upsert them here.
guideline_loaded = Signal()


class GuidelineDataError(ValueError):
    """The guideline file is invalid. `errors` lists every problem with its field path."""

    def __init__(self, errors: list[str]) -> None:
        self.errors = errors
        super().__init__("; ".join(errors))


@dataclass(frozen=True)
class F:
    name: str
    kind: type | str = str  # str, int, bool, "date", "decimal", "ref:<section>"
    required: bool = True
    max_length: int | None = None


TEXT = dict(kind=str)
SECTIONS: dict[str, list[F]] = {
    "principles": [
        F("code", max_length=50),
        F("number", int),
        F("short_name", max_length=40),
        F("short_name_en", required=False),
        F("name", max_length=60),
        F("name_en", required=False),
        F("explanation"),
        F("explanation_en", required=False),
        F("evaluation_question"),
        F("evaluation_question_en", required=False),
        F("planning_prompt", required=False),
        F("planning_prompt_en", required=False),
    ],
    "steps": [
        F("code", max_length=50),
        F("order", int),
        F("character", max_length=4),
        F("reading", max_length=10),
        F("name", max_length=40),
        F("name_en", required=False),
        F("headline", max_length=100),
        F("headline_en", required=False),
        F("explanation"),
        F("explanation_en", required=False),
        F("evidence", "list:evidence", required=False),
    ],
    "measures": [
        F("code", max_length=50),
        F("order", int),
        F("name", max_length=100),
        F("name_en", required=False),
        F("explanation"),
        F("explanation_en", required=False),
    ],
    "actor_types": [
        F("code", max_length=50),
        F("order", int),
        F("name", max_length=40),
        F("name_en", required=False),
        F("description"),
        F("description_en", required=False),
        F("is_government", bool, required=False),
    ],
    "organization_types": [
        F("code", max_length=50),
        F("order", int),
        F("actor_type", "ref:actor_types"),
        F("name", max_length=60),
        F("name_en", required=False),
        F("report_category", required=False, max_length=60),
    ],
    "collaboration_forms": [
        F("code", max_length=50),
        F("order", int),
        F("name", max_length=60),
        F("name_en", required=False),
        F("description", required=False),
        F("description_en", required=False),
        F("requires_city_partner", bool, required=False),
    ],
    "tiers": [
        F("code", max_length=50),
        F("order", int),
        F("name", max_length=20),
        F("name_en", required=False),
        F("explanation"),
        F("explanation_en", required=False),
    ],
    "fields": [
        F("code", max_length=50),
        F("order", int),
        F("name", max_length=40),
        F("name_en", required=False),
    ],
    "districts": [
        F("code", max_length=50),
        F("order", int),
        F("name", max_length=40),
        F("name_en", required=False),
        F("kana", required=False, max_length=60),
    ],
    # Optional: the city's departments (created as organizations of the government type when
    # the file is loaded; matched by name, never deleted). One may coordinate collaboration.
    "departments": [
        F("code", max_length=50),
        F("order", int),
        F("name", max_length=120),
        F("kana", max_length=200),
        F("description", required=False),
        F("org_type", "ref:organization_types", required=False),
        F("coordinating", bool, required=False),
    ],
    # Optional: district councils (地域会議), at most one per district.
    "district_councils": [
        F("code", max_length=50),
        F("order", int),
        F("district", "ref:districts"),
        F("name", max_length=100),
        F("description", required=False),
        F("founded_year", int, required=False),
    ],
    "evaluation_items": [
        F("code", max_length=50),
        F("order", int),
        F("principle", "ref:principles", required=False),
        F("name", max_length=60),
        F("name_en", required=False),
        F("question"),
        F("question_en", required=False),
    ],
    "rubric_criteria": [
        F("code", max_length=50),
        F("order", int),
        F("principle", "ref:principles", required=False),
        F("name", max_length=60),
        F("name_en", required=False),
        F("description", required=False),
        F("max_score", int),
        F("weight", int),
    ],
}
MUNICIPALITY_FIELDS = [
    F("code", max_length=50),
    F("name", max_length=100),
    F("name_en", required=False),
    F("name_kana", required=False, max_length=60),
    F("prefecture", max_length=20),
    F("local_government_code", required=False, max_length=6),
    F("population", int, required=False),
    F("guideline_title", max_length=100),
    F("guideline_edition", required=False),
    F("vision", max_length=200),
    F("vision_en", required=False),
    F("definition"),
    F("definition_en", required=False),
    F("self_mutual_public_summary", required=False),
    F("self_mutual_public_summary_en", required=False),
    F("principles_summary", required=False),
    F("principles_summary_en", required=False),
    F("contact_department", max_length=100),
    F("contact_department_en", required=False),
    F("contact_postal_code", required=False),
    F("contact_address", required=False),
    F("contact_phone", required=False),
    F("contact_fax", required=False),
    F("contact_email", required=False),
]
SNAPSHOT_FIELDS = [
    F("district", "ref:districts"),
    F("as_of", "date"),
    F("households", int, required=False),
    F("population", int, required=False),
    F("aging_rate", "decimal", required=False),
    F("source", required=False),
]
REQUIRED_SECTIONS = (
    "principles",
    "steps",
    "actor_types",
    "organization_types",
    "collaboration_forms",
    "tiers",
    "fields",
    "districts",
    "evaluation_items",
    "rubric_criteria",
)
# What may count as reaching a step (steps[].evidence): a person's own records of each kind.
STEP_EVIDENCE = {
    "took_part": "a registration taken part in (checked in, or confirmed for a past event)",
    "membership": "an active membership of an organization",
    "follow": "following a project",
    "role": "a role in the role-division table of an agreed project",
    "party_member": "an active member of a party organization to a signed agreement",
    "feedback": "feedback on an event",
    "evaluation": "a submitted project evaluation",
}
# Sections the loader validates but does not store in the guideline tables: other apps read
# them from the `guideline_loaded` signal (organizations: departments; districts: councils).
SIGNAL_SECTIONS = ("departments", "district_councils")


def _check_value(
    path: str, spec: F, value: Any, codes: dict[str, set[str]], errors: list[str]
) -> Any:
    if spec.kind is str or (isinstance(spec.kind, str) and spec.kind.startswith("ref:")):
        if not isinstance(value, str):
            errors.append(f"{path}: must be text")
            return None
        if spec.required and not value.strip():
            errors.append(f"{path}: must not be empty")
        if spec.max_length and len(value) > spec.max_length:
            errors.append(f"{path}: at most {spec.max_length} characters")
        if isinstance(spec.kind, str) and spec.kind.startswith("ref:"):
            section = spec.kind[4:]
            if value not in codes.get(section, set()):
                errors.append(f"{path}: unknown {section} code '{value}'")
        return value
    if spec.kind == "list:evidence":
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            errors.append(f"{path}: must be a list of texts")
            return []
        for v in value:
            if v not in STEP_EVIDENCE:
                errors.append(
                    f"{path}: unknown evidence '{v}' (one of {', '.join(sorted(STEP_EVIDENCE))})"
                )
        return value
    if spec.kind is int:
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            errors.append(f"{path}: must be a whole number of 0 or more")
        return value
    if spec.kind is bool:
        if not isinstance(value, bool):
            errors.append(f"{path}: must be true or false")
        return value
    if spec.kind == "date":
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            errors.append(f"{path}: must be a date (YYYY-MM-DD)")
            return None
    if spec.kind == "decimal":
        try:
            return Decimal(str(value))
        except InvalidOperation:
            errors.append(f"{path}: must be a number")
            return None
    return value


def _check_row(
    path: str, fields: list[F], row: Any, codes: dict[str, set[str]], errors: list[str]
) -> dict[str, Any]:
    if not isinstance(row, dict):
        errors.append(f"{path}: must be a table")
        return {}
    known = {f.name for f in fields}
    for extra in sorted(set(row) - known):
        errors.append(f"{path}.{extra}: unknown field")
    clean: dict[str, Any] = {}
    for spec in fields:
        if spec.name not in row:
            if spec.required:
                errors.append(f"{path}.{spec.name}: required")
            continue
        clean[spec.name] = _check_value(f"{path}.{spec.name}", spec, row[spec.name], codes, errors)
    return clean


def parse_guideline(data: dict[str, Any]) -> dict[str, Any]:
    """Validate a parsed file; return clean sections or raise GuidelineDataError."""
    errors: list[str] = []
    if data.get("schema_version") != SCHEMA_VERSION:
        errors.append(f"schema_version: must be {SCHEMA_VERSION}")
    if not isinstance(data.get("data_version"), str) or not data.get("data_version"):
        errors.append("data_version: required")
    codes: dict[str, set[str]] = {}
    for section in SECTIONS:
        rows = data.get(section, [])
        if section in REQUIRED_SECTIONS and not rows:
            errors.append(f"{section}: at least one entry is required")
        if not isinstance(rows, list):
            errors.append(f"{section}: must be a list of tables")
            continue
        seen: set[str] = set()
        for i, row in enumerate(rows):
            code = row.get("code") if isinstance(row, dict) else None
            if isinstance(code, str):
                if code in seen:
                    errors.append(f"{section}[{i}].code: duplicate code '{code}'")
                seen.add(code)
        codes[section] = seen
    clean: dict[str, Any] = {"data_version": data.get("data_version")}
    municipality = data.get("municipality")
    if municipality is None:
        errors.append("municipality: required")
    else:
        clean["municipality"] = _check_row(
            "municipality", MUNICIPALITY_FIELDS, municipality, codes, errors
        )
    for section, fields in SECTIONS.items():
        rows = data.get(section, [])
        if section == "departments" and isinstance(rows, list):
            coordinating = [
                i for i, r in enumerate(rows) if isinstance(r, dict) and r.get("coordinating")
            ]
            for i in coordinating[1:]:
                errors.append(f"departments[{i}].coordinating: only one department may coordinate")
        if isinstance(rows, list):
            clean[section] = [
                _check_row(f"{section}[{i}]", fields, r, codes, errors) for i, r in enumerate(rows)
            ]
    clean["district_snapshots"] = [
        _check_row(f"district_snapshots[{i}]", SNAPSHOT_FIELDS, r, codes, errors)
        for i, r in enumerate(data.get("district_snapshots", []))
    ]
    settings = data.get("settings", {})
    if not isinstance(settings, dict):
        errors.append("settings: must be a table")
        settings = {}
    clean["settings"] = _flatten(settings)
    _check_departments(clean, errors)
    seen_districts: set[str] = set()
    for i, row in enumerate(clean.get("district_councils") or []):
        district = row.get("district")
        if district in seen_districts:
            errors.append(f"district_councils[{i}].district: '{district}' has a council already")
        seen_districts.add(district)
    if errors:
        raise GuidelineDataError(errors)
    return clean


def _check_departments(clean: dict[str, Any], errors: list[str]) -> None:
    """Departments must be of a type whose actor type is the government."""
    departments = clean.get("departments") or []
    if not departments:
        return
    government = {
        r.get("code") for r in clean.get("actor_types", []) if r.get("is_government") is True
    }
    city_types = [
        r.get("code")
        for r in clean.get("organization_types", [])
        if r.get("actor_type") in government
    ]
    if not city_types:
        errors.append(
            "departments: needs an organization_types entry whose actor_type has "
            "is_government = true"
        )
        return
    for i, row in enumerate(departments):
        code = row.get("org_type")
        if code and code not in city_types:
            errors.append(
                f"departments[{i}].org_type: '{code}' is not a type of the city "
                f"(one of {', '.join(str(c) for c in city_types)})"
            )


def _flatten(table: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in table.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{name}."))
        else:
            flat[name] = value
    return flat


def check_guideline_file(path: str | Path) -> dict[str, Any]:
    """Validate a file without touching the database (`load_guideline --check`)."""
    return parse_guideline(read_guideline_file(path))


def read_guideline_file(path: str | Path) -> dict[str, Any]:
    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError as exc:
        raise GuidelineDataError([f"{path}: file not found"]) from exc
    except tomllib.TOMLDecodeError as exc:
        raise GuidelineDataError([f"{path}: not valid TOML ({exc})"]) from exc


def _read_boundaries(settings: dict[str, Any], folder: Path) -> None:
    """[settings.map] boundaries_file = "x.geojson" (beside the TOML file): the districts'
    boundaries as a GeoJSON FeatureCollection whose features carry properties.code. It is
    stored as the setting "map.boundaries" so pages need no file at run time."""
    name = settings.get("map.boundaries_file")
    if not name:
        return
    file = folder / str(name)
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise GuidelineDataError([f"settings.map.boundaries_file: {file} not found"]) from exc
    except (ValueError, UnicodeDecodeError) as exc:
        raise GuidelineDataError([f"settings.map.boundaries_file: not valid JSON ({exc})"]) from exc
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise GuidelineDataError(
            ["settings.map.boundaries_file: must be a GeoJSON FeatureCollection"]
        )
    settings["map.boundaries"] = data


Progress = Callable[[str], None]


@transaction.atomic
def load_guideline(path: str | Path, *, progress: Progress | None = None) -> dict[str, int]:
    """Validate then upsert everything in one transaction. Returns the rows per section."""
    clean = parse_guideline(read_guideline_file(path))
    _read_boundaries(clean["settings"], Path(path).parent)
    say = progress or (lambda _msg: None)
    counts: dict[str, int] = {}

    muni = dict(clean["municipality"])
    code = muni.pop("code")
    m.Municipality.objects.update_or_create(
        code=code, defaults={**muni, "data_version": clean["data_version"]}
    )
    counts["municipality"] = 1

    def upsert(model: type[Any], section: str, refs: dict[str, type[Any]] | None = None) -> None:
        for row in clean[section]:
            values = dict(row)
            for field, ref_model in (refs or {}).items():
                if values.get(field):
                    values[field] = ref_model.objects.get(code=values[field])
                else:
                    values[field] = None
            row_code = values.pop("code")
            model.objects.update_or_create(code=row_code, defaults=values)
        counts[section] = len(clean[section])
        say(f"{section}: {counts[section]}")

    upsert(m.Principle, "principles")
    upsert(m.Step, "steps")
    upsert(m.Measure, "measures")
    upsert(m.ActorType, "actor_types")
    upsert(m.OrganizationType, "organization_types", {"actor_type": m.ActorType})
    upsert(m.CollaborationForm, "collaboration_forms")
    upsert(m.Tier, "tiers")
    upsert(m.Field, "fields")
    upsert(m.District, "districts")
    upsert(m.EvaluationItem, "evaluation_items", {"principle": m.Principle})
    upsert(m.RubricCriterion, "rubric_criteria", {"principle": m.Principle})
    for section in SIGNAL_SECTIONS:
        counts[section] = len(clean[section])
    for row in clean["district_snapshots"]:
        values = dict(row)
        district = m.District.objects.get(code=values.pop("district"))
        as_of = values.pop("as_of")
        m.DistrictSnapshot.objects.update_or_create(district=district, as_of=as_of, defaults=values)
    counts["district_snapshots"] = len(clean["district_snapshots"])
    for key, value in clean["settings"].items():
        m.Setting.objects.update_or_create(key=key, defaults={"value": value})
    counts["settings"] = len(clean["settings"])
    say(f"settings: {counts['settings']}")
    guideline_loaded.send(sender=m.Municipality, clean=clean, progress=say)
    keys = [
        "guideline:municipality",
        "guideline:map",  # kyodo.challenges.geo's one read of every map.* setting
        *(f"guideline:setting:{key}" for key in clean["settings"]),
    ]
    transaction.on_commit(lambda: cache.delete_many(keys))
    return counts
