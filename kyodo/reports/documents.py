"""The annual report as PDF (reportlab, Japanese CID font: nothing to download) and Excel."""

from __future__ import annotations

import io
from typing import Any

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

from kyodo.core.exports import xlsx_bytes
from kyodo.core.formatting import fiscal_year_label, wareki, yen
from kyodo.core.pdf import styles, table
from kyodo.reports.selectors import AnnualReport

BREAKDOWN_TITLES = {
    "department": "担当課別",
    "form": "協働の形態別",
    "partner_type": "相手方の種類別",
    "field": "分野別",
    "district": "地区別",
    "origin": "提案の区分別",
}


def annual_report_pdf(report: AnnualReport, *, municipality: str, generated_on: Any) -> bytes:
    st = styles()
    title, h2, body = st["title"], st["h2"], st["body"]
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        title=f"{municipality} 協働事業実施状況 {fiscal_year_label(report.fiscal_year)}",
    )
    fy = report.fiscal_year
    story: list[Any] = [
        Paragraph(f"{municipality} 協働事業実施状況（{fiscal_year_label(fy)}・{fy}年度）", title),
        Paragraph(f"作成日：{wareki(generated_on)}（{generated_on:%Y年%m月%d日}）", body),
        Paragraph("概要", h2),
        table(
            [
                ["項目", "値"],
                ["協働事業の件数（合計）", f"{report.total:,}"],
                ["　うち協働事業（協定締結以降）", f"{report.projects:,}"],
                ["　うち実施状況調査（公募以外）", f"{report.survey_records:,}"],
                ["新規 / 継続", f"{report.new:,} / {report.continuing:,}"],
                ["市の負担額", yen(report.city_share_yen)],
                ["相手方の負担額", yen(report.partner_share_yen)],
                ["事業費の合計", yen(report.total_yen)],
                [
                    "協働事業を行った課の割合",
                    f"{report.departments_share_percent}%（{report.departments_active}/{report.departments_total}課）",
                ],
            ],
            [100 * mm, 60 * mm],
        ),
    ]
    for key, breakdown in report.breakdowns.items():
        story += [
            Paragraph(BREAKDOWN_TITLES[key], h2),
            table(
                [["区分", "件数"], *[[label, f"{n:,}"] for label, n in breakdown.rows]]
                if breakdown.rows
                else [["区分", "件数"], ["（なし）", "0"]],
                [120 * mm, 40 * mm],
            ),
        ]
    story += [
        Paragraph("協働の流れ（件数）", h2),
        table(
            [["段階", "件数"], *[[label, f"{n:,}"] for _c, label, n in report.funnel]],
            [120 * mm, 40 * mm],
        ),
    ]
    story += [
        Paragraph("協働の原則の評価（平均点、1〜5）", h2),
        table(
            [
                ["原則", "団体", "市", "差（団体−市）"],
                *[
                    [
                        f"{m.principle.circled_number} {m.principle.short_name}",
                        m.groups or "—",
                        m.city or "—",
                        m.gap if m.gap is not None else "—",
                    ]
                    for m in report.principle_means
                ],
            ],
            [80 * mm, 25 * mm, 25 * mm, 30 * mm],
        ),
    ]
    p = report.participation
    story += [
        Paragraph("参加", h2),
        table(
            [
                ["項目", "値"],
                ["イベント等の件数", f"{p['events']:,}"],
                ["団体間の交流会", f"{p['exchange_events']:,}"],
                ["参加申込（確定）", f"{p['registrations']:,}"],
                ["出席", f"{p['attended']:,}"],
                ["満足度の平均（1〜5）", str(p["satisfaction_mean"] or "—")],
                ["登録団体数（本登録）", f"{p['registered_groups']:,}"],
            ],
            [100 * mm, 60 * mm],
        ),
    ]
    if report.steps:
        story += [
            Paragraph("協働のステップに到達した人数", h2),
            table(
                [["ステップ", "人数"], *[[label, f"{n:,}"] for _c, label, n in report.steps]],
                [120 * mm, 40 * mm],
            ),
        ]
    story.append(Spacer(1, 6 * mm))
    story.append(
        Paragraph(
            "この報告は Kyodo のデータから自動で作成しています。集計の定義は docs/reports.md を参照してください。",
            body,
        )
    )
    doc.build(story)
    return out.getvalue()


def annual_report_xlsx(report: AnnualReport) -> bytes:
    p = report.participation
    sheets: list[tuple[str, list[str], list[list[Any]]]] = [
        (
            "概要",
            ["項目", "値"],
            [
                ["年度", report.fiscal_year],
                ["協働事業の件数（合計）", report.total],
                ["協働事業（協定締結以降）", report.projects],
                ["実施状況調査（公募以外）", report.survey_records],
                ["新規", report.new],
                ["継続", report.continuing],
                ["市の負担額（円）", report.city_share_yen],
                ["相手方の負担額（円）", report.partner_share_yen],
                ["事業費の合計（円）", report.total_yen],
                ["協働事業を行った課", report.departments_active],
                ["課の総数", report.departments_total],
            ],
        ),
    ]
    for key, breakdown in report.breakdowns.items():
        sheets.append(
            (BREAKDOWN_TITLES[key], ["区分", "件数"], [[label, n] for label, n in breakdown.rows])
        )
    sheets.append(("協働の流れ", ["段階", "件数"], [[label, n] for _c, label, n in report.funnel]))
    sheets.append(
        (
            "原則の評価",
            ["原則", "団体の平均", "市の平均", "差（団体−市）"],
            [
                [
                    m.principle.short_name,
                    float(m.groups) if m.groups is not None else None,
                    float(m.city) if m.city is not None else None,
                    float(m.gap) if m.gap is not None else None,
                ]
                for m in report.principle_means
            ],
        )
    )
    sheets.append(
        (
            "参加",
            ["項目", "値"],
            [
                ["イベント等の件数", p["events"]],
                ["団体間の交流会", p["exchange_events"]],
                ["参加申込（確定）", p["registrations"]],
                ["出席", p["attended"]],
                ["満足度の平均", float(p["satisfaction_mean"]) if p["satisfaction_mean"] else None],
                ["登録団体数（本登録）", p["registered_groups"]],
            ],
        )
    )
    sheets.append(
        ("協働のステップ", ["ステップ", "人数"], [[label, n] for _c, label, n in report.steps])
    )
    return xlsx_bytes(sheets)
