"""Japanese PDF building blocks (reportlab). The CID font HeiseiKakuGo-W5 ships with
reportlab and every PDF reader, so nothing is downloaded or embedded; text extracts cleanly."""

from __future__ import annotations

from typing import Any

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Table, TableStyle

FONT = "HeiseiKakuGo-W5"


def japanese_font() -> str:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    return FONT


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
