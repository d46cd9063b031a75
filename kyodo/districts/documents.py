"""The annual district activity report as a Japanese PDF."""

from __future__ import annotations

import io
from typing import Any

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate

from kyodo.core.formatting import fiscal_year_label, wareki
from kyodo.core.pdf import styles, table


def district_report_pdf(data: dict[str, Any], *, generated_on: Any) -> bytes:
    st = styles()
    title, h2, body = st["title"], st["h2"], st["body"]
    district, fy, council = data["district"], data["fiscal_year"], data["council"]
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        title=f"{district.name}地区 活動報告 {fiscal_year_label(fy)}",
    )
    story: list[Any] = [
        Paragraph(f"{district.name}地区 地域会議 活動報告（{fiscal_year_label(fy)}）", title),
        Paragraph(f"作成日：{wareki(generated_on)}", body),
        Paragraph("概要", h2),
        table(
            [
                ["項目", "値"],
                ["地域会議", council.name if council else "（未設置）"],
                [
                    "会議の開催",
                    f"{len(data['meetings'])}回（議事録公開 {data['published_records']}回）",
                ],
                ["構成団体が行ったイベント等", f"{data['events_total']}件"],
                ["構成団体が参加した協働事業", f"{len(data['projects'])}件"],
                [
                    "地域の課題（新規 / 解決）",
                    f"{data['issues_raised']} / {data['issues_resolved']}",
                ],
                ["部会が担当する未解決の課題", f"{data['owned_open']}件"],
            ],
            [90 * mm, 70 * mm],
        ),
    ]
    if data["meetings"]:
        story += [
            Paragraph("会議", h2),
            table(
                [["日付", "会議"], *[[wareki(m.held_at), m.title] for m in data["meetings"]]],
                [45 * mm, 115 * mm],
            ),
        ]
    if data["events_by_member"]:
        story += [
            Paragraph("構成団体ごとのイベント等", h2),
            table(
                [["団体", "件数"], *[[n, str(c)] for n, c in data["events_by_member"]]],
                [120 * mm, 40 * mm],
            ),
        ]
    if data["projects"]:
        story += [
            Paragraph("協働事業", h2),
            table([["事業名"], *[[p.title] for p in data["projects"]]], [160 * mm]),
        ]
    doc.build(story)
    return out.getvalue()
