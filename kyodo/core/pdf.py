"""Japanese PDF building blocks (reportlab), shared by every document Kyodo prints.

The font is IPA Gothic when Debian's TTF is installed (embedded as a subset, so the document
prints the same everywhere and its text can be searched), otherwise the Adobe CID font
HeiseiKakuGo-W5, which every Japanese PDF reader provides (nothing to download)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Table, TableStyle

TTF_CANDIDATES = (
    Path("/usr/share/fonts/opentype/ipafont-gothic/ipag.ttf"),
    Path("/usr/share/fonts/truetype/ipafont-gothic/ipag.ttf"),
    Path("/usr/share/fonts/truetype/fonts-japanese-gothic.ttf"),
)
EMBEDDED_FONT = "KyodoGothic"
CID_FONT = "HeiseiKakuGo-W5"
_font: str | None = None


def japanese_font() -> str:
    """Register the Japanese font once per process and return its name."""
    global _font
    if _font is None:
        path = next((p for p in TTF_CANDIDATES if p.exists()), None)
        if path is not None:
            pdfmetrics.registerFont(TTFont(EMBEDDED_FONT, str(path)))
            _font = EMBEDDED_FONT
        else:
            pdfmetrics.registerFont(UnicodeCIDFont(CID_FONT))
            _font = CID_FONT
    return _font


def styles() -> dict[str, ParagraphStyle]:
    font = japanese_font()
    return {
        "title": ParagraphStyle("title", fontName=font, fontSize=16, leading=22, spaceAfter=6),
        "h2": ParagraphStyle(
            "h2", fontName=font, fontSize=12, leading=18, spaceBefore=10, spaceAfter=4
        ),
        "body": ParagraphStyle("body", fontName=font, fontSize=9, leading=14),
    }


def table(rows: list[list[Any]], widths: list[float] | None = None) -> Table:
    """A bordered table whose first row is the header; numbers (columns after the first) right-aligned."""
    t = Table(rows, colWidths=widths, repeatRows=1)
    t.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), japanese_font(), 9),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8f1fe")),
                ("GRID", (0, 0), (-1, -1), 0.25, colors.HexColor("#b3b3b3")),
                ("ALIGN", (1, 1), (-1, -1), "RIGHT"),
            ]
        )
    )
    return t
