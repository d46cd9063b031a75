"""CSV (UTF-8 with BOM, so Excel opens Japanese correctly) and Excel downloads.

Callers pass only what the viewer may see: these functions never decide visibility."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Sequence
from typing import Any

from django.http import HttpResponse, StreamingHttpResponse
from openpyxl import Workbook
from openpyxl.styles import Font

from kyodo.core.text import xml_safe
from kyodo.core.uploads import safe_display_name

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, str):
        # Stored text may hold control characters (from before the input rule, imports):
        # openpyxl refuses them and CSV readers choke on them; they carry nothing visible.
        return xml_safe(value)
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        from django.utils import timezone

        return timezone.localtime(value).replace(tzinfo=None)
    return value


def csv_cell(value: Any) -> str:
    """Neutralise spreadsheet formula injection (=, +, -, @ at the start of text)."""
    text = "" if value is None else xml_safe(str(_cell(value)))
    if text and text[0] in "=+-@\t\r" and not _is_number(text):
        return "'" + text
    return text


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_response(
    filename: str, header: Sequence[str], rows: Iterable[Sequence[Any]]
) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())

    def stream() -> Iterable[str]:
        yield "\ufeff" + writer.writerow([xml_safe(str(h)) for h in header])
        for row in rows:
            yield writer.writerow([csv_cell(v) for v in row])

    response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = _disposition(filename, "csv")
    return response


def xlsx_bytes(sheets: Sequence[tuple[str, Sequence[str], Iterable[Sequence[Any]]]]) -> bytes:
    wb = Workbook(write_only=False)
    wb.remove(wb.active)  # type: ignore[arg-type]
    for title, header, rows in sheets:
        ws = wb.create_sheet(title=safe_display_name(xml_safe(title), "sheet")[:31])
        ws.append([xml_safe(str(h)) for h in header])
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for row in rows:
            ws.append([csv_cell(v) if isinstance(v, str) else _cell(v) for v in row])
        ws.freeze_panes = "A2"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def xlsx_response(
    filename: str, header: Sequence[str], rows: Iterable[Sequence[Any]], *, sheet: str = "data"
) -> HttpResponse:
    response = HttpResponse(xlsx_bytes([(sheet, header, rows)]), content_type=XLSX_TYPE)
    response["Content-Disposition"] = _disposition(filename, "xlsx")
    return response


def _disposition(filename: str, ext: str) -> str:
    from urllib.parse import quote

    name = safe_display_name(filename, "export")
    if not name.endswith(f".{ext}"):
        name = f"{name}.{ext}"
    ascii_name = name.encode("ascii", "ignore").decode() or f"export.{ext}"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"
