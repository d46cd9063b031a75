"""Building the open-data package: every public dataset as CSV (UTF-8 with BOM) and JSON in one
zip, with a data dictionary (datapackage.json, Frictionless Data), the catalogue entries
(catalog.jsonld in DCAT, ckan.json in the shape of CKAN's package_show), the list of rows changed
since the previous build (changes.csv) and the licence (CC BY 4.0).

A build is versioned by its Japan date (one package per day; a second build the same day
replaces it). It is validated before it is published: a package whose files do not match their
schema is never moved into place. Builds stay downloadable for a year (`KEEP_DAYS`). Built daily
by the scheduler (`kyodo.api.apps`), after a report or results are published, and by
`manage.py build_open_data`; listed at api:open-data."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import os
import re
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, TextIO

from django.conf import settings
from django.utils import timezone, translation

from kyodo.api.opendata.catalog import ckan_package, dcat_catalog
from kyodo.api.opendata.schema import LIST_DELIMITER, Column, Dataset
from kyodo.api.opendata.validate import validate_package
from kyodo.core.exports import csv_cell

LICENCE = {
    "name": "CC-BY-4.0",
    "title": "Creative Commons Attribution 4.0 International (CC BY 4.0)",
    "path": "https://creativecommons.org/licenses/by/4.0/",
}
PACKAGE_PREFIX = "kyodo-open-data-"
PACKAGE_RE = re.compile(r"^kyodo-open-data-(\d{4}-\d{2}-\d{2})\.zip$")
MANIFEST = "latest.json"
HISTORY = "history.json"
INDEX_SUFFIX = ".index.json"
# Earlier builds stay downloadable for a year.
KEEP_DAYS = 366
CHANGE_COLUMNS = ("dataset", "key", "change")


class PackageInvalidError(Exception):
    """The freshly built package does not match its own data dictionary: not published."""


def datasets() -> list[Dataset]:
    """Every dataset of the package, in the order of the data dictionary."""
    from kyodo.api.opendata.records import record_datasets
    from kyodo.api.opendata.reference import reference_datasets
    from kyodo.api.opendata.standard import standard_datasets

    return [*reference_datasets(), *record_datasets(), *standard_datasets()]


def _json_value(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return (
            timezone.localtime(value).isoformat() if timezone.is_aware(value) else value.isoformat()
        )
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return value


def _csv_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return LIST_DELIMITER.join(str(v) for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return str(_json_value(value))
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int | Decimal | float):
        return str(value)
    return csv_cell(value)


@dataclass
class PackageInfo:
    path: Path
    generated_at: dt.datetime
    size: int = 0
    sha256: str = ""
    rows: dict[str, int] = field(default_factory=dict)
    built_at: dict[str, str] = field(default_factory=dict)
    changes: dict[str, dict[str, int]] = field(default_factory=dict)


def open_data_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / "open-data"


def _field_schema(col: Column) -> dict[str, Any]:
    schema: dict[str, Any] = {
        "name": col.name,
        "type": col.type,
        "title": col.title_ja,
        "title_en": col.title_en,
        "description": col.description_ja,
        "description_en": col.description_en,
    }
    if col.type == "list":
        schema["delimiter"] = LIST_DELIMITER
        schema["itemType"] = "string"
    return schema


def _row_key(dataset: Dataset, row: dict[str, Any]) -> str:
    return "/".join(str(_json_value(row.get(k))) for k in dataset.key)


def _write_dataset(
    dataset: Dataset, csv_file: TextIO, json_file: TextIO, index: dict[str, str]
) -> int:
    """Write one dataset's rows as CSV and JSON; record each row's key and content hash."""
    names = [c.name for c in dataset.columns]
    writer = csv.writer(csv_file)
    csv_file.write("\ufeff")
    writer.writerow(names)
    json_file.write("[")
    count = 0
    for row in dataset.rows():
        values = {n: _json_value(row.get(n)) for n in names}
        text = json.dumps(values, ensure_ascii=False)
        writer.writerow([_csv_value(row.get(n)) for n in names])
        json_file.write(",\n" if count else "\n")
        json_file.write(text)
        index[_row_key(dataset, row)] = hashlib.sha1(
            text.encode(), usedforsecurity=False
        ).hexdigest()
        count += 1
    json_file.write("\n]\n" if count else "]\n")
    return count


def _changes(
    previous: dict[str, dict[str, str]] | None, current: dict[str, dict[str, str]]
) -> tuple[list[tuple[str, str, str]], dict[str, dict[str, int]]]:
    """Rows added, changed and removed since the previous build, by dataset and key. With no
    previous build every row is new."""
    rows: list[tuple[str, str, str]] = []
    counts: dict[str, dict[str, int]] = {}
    for name, now in current.items():
        before = (previous or {}).get(name, {})
        added = [k for k in now if k not in before]
        changed = [k for k in now if k in before and before[k] != now[k]]
        removed = [k for k in before if k not in now]
        rows += [(name, k, "added") for k in added]
        rows += [(name, k, "changed") for k in changed]
        rows += [(name, k, "removed") for k in removed]
        counts[name] = {"added": len(added), "changed": len(changed), "removed": len(removed)}
    return rows, counts


def _readme(publisher: str, generated_at: dt.datetime, rows: dict[str, int]) -> str:
    lines = [
        f"{publisher} 協働オープンデータ / Open data of collaboration in {publisher}",
        "",
        f"作成日時 / Generated at: {timezone.localtime(generated_at).isoformat()}",
        "",
        "ライセンス / Licence: クリエイティブ・コモンズ 表示 4.0 国際 (CC BY 4.0)",
        f"  {LICENCE['path']}",
        f"  出典を表示すれば、複製・加工・再配布・商用利用ができます。出典の例: 「{publisher} Kyodo オープンデータ」",
        f'  You may copy, adapt and redistribute the data, also commercially, if you credit "{publisher} Kyodo open data".',
        "",
        "中身 / Contents:",
        "  datapackage.json  データ辞書（各列の説明：日本語・英語）/ data dictionary (Japanese and English)",
        "  catalog.jsonld    カタログ情報（DCAT）/ catalogue entry (DCAT)",
        "  ckan.json         CKAN 形式のカタログ情報 / catalogue entry in CKAN's format",
        "  changes.csv       前回の作成からの変更（追加・変更・削除された行）/ rows added, changed or removed since the previous build",
        "  csv/*.csv         UTF-8 (BOM付き) の CSV。複数の値は ; で区切っています / UTF-8 CSV with BOM; several values are separated by ;",
        "  json/*.json       同じデータの JSON / the same data as JSON",
        "  csv/standard_*.csv  推奨データセット（イベント一覧・公共施設一覧）の項目名による CSV / the national standard format",
        "",
    ]
    lines += [f"  {name}: {count:,}" for name, count in rows.items()]
    return "\n".join(lines) + "\n"


def _previous_index() -> dict[str, dict[str, str]] | None:
    manifest = latest_manifest()
    if manifest is None:
        return None
    try:
        data = json.loads(
            (open_data_dir() / (manifest["file"] + INDEX_SUFFIX)).read_text(encoding="utf-8")
        )
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _resource(dataset: Dataset, count: int, built_at: str) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "name": dataset.name,
        "path": f"csv/{dataset.name}.csv",
        "json_path": f"json/{dataset.name}.json",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8-sig",
        "title": dataset.title_ja,
        "title_en": dataset.title_en,
        "description": dataset.description_ja,
        "description_en": dataset.description_en,
        "group": dataset.group,
        "rows": count,
        "built_at": built_at,
        "schema": {
            "fields": [_field_schema(c) for c in dataset.columns],
            "primaryKey": list(dataset.key),
        },
        "licenses": [LICENCE],
    }
    if dataset.conforms_to:
        resource["conformsTo"] = dataset.conforms_to
    return resource


def build_package(
    *, now: dt.datetime | None = None, progress: Callable[[str, int], None] | None = None
) -> PackageInfo:
    """Write today's package, validate it, publish it atomically, update the manifest and the
    history, and drop builds older than a year. Labels are written in the site's language
    (Japanese), whoever runs the build."""
    with translation.override(settings.LANGUAGE_CODE):
        return _build(now=now, progress=progress)


def _build(*, now: dt.datetime | None, progress: Callable[[str, int], None] | None) -> PackageInfo:
    from kyodo.guideline.selectors import municipality

    now = now or timezone.now()
    day = timezone.localtime(now).date()
    directory = open_data_dir()
    directory.mkdir(parents=True, exist_ok=True)
    muni = municipality()
    publisher = muni.name if muni else "Kyodo"
    info = PackageInfo(path=directory / f"{PACKAGE_PREFIX}{day.isoformat()}.zip", generated_at=now)
    previous = _previous_index()
    index: dict[str, dict[str, str]] = {}
    resources = []
    fd, tmp_zip = tempfile.mkstemp(prefix=".building-", suffix=".zip", dir=directory)
    os.close(fd)
    try:
        with (
            zipfile.ZipFile(tmp_zip, "w", compression=zipfile.ZIP_DEFLATED) as zf,
            tempfile.TemporaryDirectory() as work,
        ):
            for dataset in datasets():
                csv_path = Path(work) / f"{dataset.name}.csv"
                json_path = Path(work) / f"{dataset.name}.json"
                index[dataset.name] = {}
                with (
                    open(csv_path, "w", encoding="utf-8", newline="") as cf,
                    open(json_path, "w", encoding="utf-8") as jf,
                ):
                    count = _write_dataset(dataset, cf, jf, index[dataset.name])
                zf.write(csv_path, f"csv/{dataset.name}.csv")
                zf.write(json_path, f"json/{dataset.name}.json")
                built_at = timezone.localtime().isoformat()
                info.rows[dataset.name] = count
                info.built_at[dataset.name] = built_at
                if progress:
                    progress(dataset.name, count)
                resources.append(_resource(dataset, count, built_at))
            change_rows, info.changes = _changes(previous, index)
            buffer = Path(work) / "changes.csv"
            with open(buffer, "w", encoding="utf-8", newline="") as fh:
                fh.write("\ufeff")
                writer = csv.writer(fh)
                writer.writerow(CHANGE_COLUMNS)
                writer.writerows(change_rows)
            zf.write(buffer, "changes.csv")
            package = {
                "profile": "tabular-data-package",
                "name": f"kyodo-{muni.code if muni else 'open-data'}",
                "title": f"{publisher} 協働オープンデータ",
                "title_en": f"Open data of collaboration in {muni.name_en if muni and muni.name_en else publisher}",
                "created": timezone.localtime(now).isoformat(),
                "version": day.isoformat(),
                "licenses": [LICENCE],
                "sources": [{"title": f"{publisher} Kyodo", "path": settings.SITE_URL}],
                "resources": resources,
            }
            zf.writestr("datapackage.json", json.dumps(package, ensure_ascii=False, indent=2))
            zf.writestr(
                "catalog.jsonld",
                json.dumps(dcat_catalog(package, muni, now), ensure_ascii=False, indent=2),
            )
            zf.writestr(
                "ckan.json",
                json.dumps(ckan_package(package, muni, now), ensure_ascii=False, indent=2),
            )
            zf.writestr("README.txt", _readme(publisher, now, info.rows))
        problems = validate_package(Path(tmp_zip))
        if problems:
            raise PackageInvalidError("; ".join(problems[:20]))
        digest = hashlib.sha256()
        with open(tmp_zip, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                digest.update(chunk)
        info.sha256 = digest.hexdigest()
        info.size = os.path.getsize(tmp_zip)
        os.chmod(tmp_zip, 0o644)
        os.replace(tmp_zip, info.path)
    finally:
        if os.path.exists(tmp_zip):
            os.unlink(tmp_zip)
    _write_json(directory / (info.path.name + INDEX_SUFFIX), index)
    _write_manifest(info)
    _prune(directory, today=day)
    return info


def _write_json(path: Path, data: Any) -> None:
    tmp = path.parent / f".{path.name}.tmp"
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(tmp, path)


def _write_manifest(info: PackageInfo) -> None:
    entry = {
        "file": info.path.name,
        "generated_at": info.generated_at.isoformat(),
        "size": info.size,
        "sha256": info.sha256,
        "rows": info.rows,
        "built_at": info.built_at,
        "changes": info.changes,
        "licence": LICENCE,
    }
    _write_json(info.path.parent / MANIFEST, entry)
    history = [h for h in history_entries() if h.get("file") != info.path.name]
    summary = {k: entry[k] for k in ("file", "generated_at", "size", "sha256")}
    summary["rows"] = sum(info.rows.values())
    history.insert(0, summary)
    _write_json(info.path.parent / HISTORY, history)


def _prune(directory: Path, *, today: dt.date) -> None:
    """Drop builds older than KEEP_DAYS (and their change indexes)."""
    oldest = today - dt.timedelta(days=KEEP_DAYS)
    for path in package_files():
        match = PACKAGE_RE.match(path.name)
        if match and dt.date.fromisoformat(match.group(1)) < oldest:
            path.unlink(missing_ok=True)
            (directory / (path.name + INDEX_SUFFIX)).unlink(missing_ok=True)
    kept = {p.name for p in package_files()}
    history = [h for h in history_entries() if h.get("file") in kept]
    _write_json(directory / HISTORY, history)


def package_files() -> list[Path]:
    """The packages on disk, newest first."""
    directory = open_data_dir()
    if not directory.is_dir():
        return []
    return sorted(
        (p for p in directory.iterdir() if PACKAGE_RE.match(p.name)),
        key=lambda p: p.name,
        reverse=True,
    )


def history_entries() -> list[dict[str, Any]]:
    """Every kept build, newest first: file, generated_at, size, sha256, total rows."""
    try:
        data = json.loads((open_data_dir() / HISTORY).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    return [h for h in data if isinstance(h, dict)] if isinstance(data, list) else []


def latest_manifest() -> dict[str, Any] | None:
    path = open_data_dir() / MANIFEST
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or not PACKAGE_RE.match(str(data.get("file", ""))):
        return None
    if not (open_data_dir() / data["file"]).is_file():
        return None
    return data


def package_path(filename: str) -> Path | None:
    """The path of a published package, or None (also for any name that is not one)."""
    if not PACKAGE_RE.match(filename):
        return None
    path = open_data_dir() / filename
    return path if path.is_file() else None


MEMBER_RE = re.compile(
    r"^(?:(?:csv|json)/[a-z_]+\.(?:csv|json)|datapackage\.json|catalog\.jsonld|ckan\.json|changes\.csv)$"
)


def latest_member(member: str) -> bytes | None:
    """One file of the latest package (for catalogues that harvest single distributions), or
    None for any name that is not a file of it."""
    manifest = latest_manifest()
    if manifest is None or not MEMBER_RE.match(member):
        return None
    try:
        with zipfile.ZipFile(open_data_dir() / manifest["file"]) as zf:
            return zf.read(member)
    except (KeyError, OSError, zipfile.BadZipFile):
        return None
