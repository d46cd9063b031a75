"""Validating a built package against its own data dictionary (Frictionless table schemas).

Checked for every resource of datapackage.json: the CSV exists, starts with a BOM, has exactly
the schema's columns in order, every cell of a typed column parses as its type (integer,
number, boolean true/false, ISO date, ISO datetime with an offset), the primary key is unique
and non-empty, the row count is the one the dictionary states, and the JSON file holds the same
number of objects with the same keys. The build refuses to publish a package with a problem;
the test suite runs the same function over the demo's package."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import zipfile
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

_INTEGER = re.compile(r"^-?\d+$")


def _is_number(value: str) -> bool:
    try:
        Decimal(value)
    except InvalidOperation:
        return False
    return True


def _is_date(value: str) -> bool:
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return len(value) == 10


def _is_datetime(value: str) -> bool:
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        return False
    return parsed.tzinfo is not None


CHECKS: dict[str, Callable[[str], bool]] = {
    "integer": lambda v: bool(_INTEGER.match(v)),
    "number": _is_number,
    "boolean": lambda v: v in ("true", "false"),
    "date": _is_date,
    "datetime": _is_datetime,
}


def _check_resource(zf: zipfile.ZipFile, resource: dict[str, Any]) -> list[str]:
    name = resource["name"]
    fields = resource["schema"]["fields"]
    names = [f["name"] for f in fields]
    problems: list[str] = []
    try:
        raw = zf.read(resource["path"])
    except KeyError:
        return [f"{name}: {resource['path']} is missing"]
    if not raw.startswith("\ufeff".encode()):
        problems.append(f"{name}: the CSV has no BOM")
    reader = csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline=""))
    header = next(reader, [])
    if header != names:
        return [*problems, f"{name}: columns {header} are not the schema's {names}"]
    key_columns = [names.index(k) for k in resource["schema"].get("primaryKey", [])]
    seen: set[tuple[str, ...]] = set()
    count = 0
    for line, row in enumerate(reader, start=2):
        count += 1
        if len(row) != len(names):
            problems.append(f"{name}: line {line} has {len(row)} cells, not {len(names)}")
            continue
        for value, spec in zip(row, fields, strict=True):
            check = CHECKS.get(spec["type"])
            if value and check and not check(value):
                problems.append(
                    f"{name}: line {line}, {spec['name']}: {value!r} is not {spec['type']}"
                )
        if key_columns:
            key = tuple(row[i] for i in key_columns)
            if not all(key):
                problems.append(f"{name}: line {line} has an empty key")
            elif key in seen:
                problems.append(f"{name}: line {line} repeats the key {key}")
            seen.add(key)
        if len(problems) > 50:
            break
    if count != resource["rows"]:
        problems.append(f"{name}: {count} rows, the dictionary says {resource['rows']}")
    try:
        objects = json.loads(zf.read(resource["json_path"]))
    except (KeyError, ValueError):
        return [*problems, f"{name}: {resource['json_path']} is missing or not JSON"]
    if not isinstance(objects, list) or len(objects) != count:
        problems.append(f"{name}: the JSON does not hold the CSV's {count} rows")
    elif objects and list(objects[0]) != names:
        problems.append(f"{name}: the JSON objects' keys are not the schema's columns")
    return problems


def validate_package(path: Path) -> list[str]:
    """Every problem found in the package at `path` (an empty list: valid)."""
    with zipfile.ZipFile(path) as zf:
        try:
            package = json.loads(zf.read("datapackage.json"))
        except (KeyError, ValueError):
            return ["datapackage.json is missing or not JSON"]
        problems: list[str] = []
        for resource in package.get("resources", []):
            problems += _check_resource(zf, resource)
        for member in ("catalog.jsonld", "ckan.json", "changes.csv", "README.txt"):
            if member not in zf.namelist():
                problems.append(f"{member} is missing")
        return problems
