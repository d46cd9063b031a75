"""The agreement (協定書) as a Japanese PDF, built with reportlab.

The font comes from kyodo.core.pdf.japanese_font. Dates are in 和暦 with 西暦 beside them."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from kyodo.core.formatting import japan_date, wareki
from kyodo.core.pdf import japanese_font
from kyodo.projects.models import AgreementParty, AgreementVersion
from kyodo.projects.workflow import Phase

PHASE_JA: dict[str, str] = {
    Phase.PLANNING: "計画",
    Phase.IMPLEMENTATION: "実施",
    Phase.EVALUATION: "評価",
}


def date_both(value: dt.date | dt.datetime | None) -> str:
    """令和8年4月1日（2026年4月1日）. An instant is shown as its Japan date."""
    if value is None:
        return ""
    d = japan_date(value)
    return f"{wareki(d)}（{d.year}年{d.month}月{d.day}日）"


def party_name(p: AgreementParty) -> str:
    """The name a clerk files: the legal name (for the city, with the department)."""
    name = p.legal_name or p.organization.name
    if p.is_city and p.organization.name not in name:
        return f"{name}（{p.organization.name}）"
    return name


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(text).replace("\n", "<br/>"), style)


def agreement_pdf_bytes(version: AgreementVersion, changes: list[Any] | None = None) -> bytes:
    """`version` with parties, roles and approvals prefetched (selectors.version_detail).
    A change agreement (変更協定) opens with what changed (`changes`, from
    selectors.version_changes) and then states the whole agreement as changed."""
    font = japanese_font()
    body = ParagraphStyle("body", fontName=font, fontSize=10.5, leading=16, wordWrap="CJK")
    small = ParagraphStyle("small", parent=body, fontSize=9, leading=13)
    title = ParagraphStyle("title", parent=body, fontSize=16, leading=24, alignment=1, spaceAfter=8)
    heading = ParagraphStyle(
        "heading", parent=body, fontSize=12, leading=18, spaceBefore=8, spaceAfter=4
    )
    project = version.agreement.project
    parties = list(version.parties.all())
    roles = list(version.roles.all())
    approvals = {a.organization_id: a for a in version.approvals.all()}
    designation = {p.organization_id: p.designation for p in parties}
    complete = bool(parties) and all(p.organization_id in approvals for p in parties)
    signed_on = max(a.approved_at for a in approvals.values()) if complete else None

    is_change = version.change_request_id is not None
    doc_title = f"{project.title} 協働事業{'変更' if is_change else ''}協定書"
    named = "、".join(f"{party_name(p)}（以下「{p.designation}」という。）" for p in parties)
    story: list[object] = [
        _p(doc_title, title),
        _p(f"第{version.number}版　作成日 {date_both(version.created_at)}", small),
        Spacer(1, 4 * mm),
    ]
    if is_change:
        story += [
            _p(
                named
                + "は、"
                + f"{project.title}に関する協働事業協定書の一部を次のとおり変更する"
                + (f"（{version.change_note}）" if version.change_note else "")
                + "。",
                body,
            ),
            _p("変更の内容", heading),
        ]
        change_rows: list[list[object]] = [[_p(h, small) for h in ("項目", "変更前", "変更後")]]
        for c in changes or []:
            change_rows.append([_p(c.label, small), _p(c.before, small), _p(c.after, small)])
        changed = Table(change_rows, colWidths=[40 * mm, 65 * mm, 65 * mm], repeatRows=1)
        changed.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef7")),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
        )
        story += [changed, _p("変更後の協定の内容は、次のとおりとする。", body)]
    else:
        story.append(_p(named + "は、次のとおり協働事業に関する協定を締結する。", body))
    story += [
        _p("第1条（目的）", heading),
        _p(version.purpose, body),
        _p("第2条（期間）", heading),
        _p(f"{date_both(version.period_start)}から{date_both(version.period_end)}まで", body),
        _p("第3条（役割分担）", heading),
        _p("各当事者の役割は、次の役割分担表のとおりとする。", body),
    ]
    role_rows: list[list[object]] = [[_p(h, small) for h in ("段階", "役割", "担当", "区分")]]
    for role in roles:
        role_rows.append(
            [
                _p(PHASE_JA.get(role.phase, role.phase), small),
                _p(role.task, small),
                _p(f"{designation.get(role.party_id, '')} {role.party.name}", small),
                _p(role.tier.name, small),
            ]
        )
    table = Table(role_rows, colWidths=[18 * mm, 82 * mm, 52 * mm, 18 * mm], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef7")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    story += [table, _p("第4条（経費の負担）", heading)]
    cost_rows: list[list[object]] = [
        [_p("当事者", small), _p("負担額", small), _p("現物等", small)]
    ]
    total = 0
    for p in parties:
        total += int(p.share_yen)
        cost_rows.append(
            [
                _p(f"{p.designation} {party_name(p)}", small),
                _p(f"{int(p.share_yen):,}円", small),
                _p(p.in_kind, small),
            ]
        )
    cost_rows.append([_p("合計", small), _p(f"{total:,}円", small), _p("", small)])
    costs = Table(cost_rows, colWidths=[70 * mm, 40 * mm, 60 * mm])
    costs.setStyle(
        TableStyle(
            [("GRID", (0, 0), (-1, -1), 0.5, colors.grey), ("ALIGN", (1, 1), (1, -1), "RIGHT")]
        )
    )
    story.append(costs)
    if version.cost_note:
        story.append(_p(version.cost_note, body))
    clauses = [
        ("第5条（情報の共有及び公開）", version.clause_information),
        ("第6条（責任及び保険）", version.clause_responsibility),
        ("第7条（変更及び解除）", version.clause_change),
    ]
    if version.clause_results:
        clauses.append(("第8条（成果の帰属）", version.clause_results))
    for head, text in clauses:
        story += [_p(head, heading), _p(text, body)]
    story += [
        _p(f"第{len(clauses) + 5}条（評価）", heading),
        _p(
            "当事者は、事業の終了後、協働の原則に基づく評価項目により相互に評価を行い、その結果を公表する。",
            body,
        ),
        Spacer(1, 6 * mm),
        _p(
            "この協定の"
            + ("変更" if is_change else "締結")
            + "を証するため、本書を当事者の数だけ作成し、各当事者記名押印の上、各自1通を保有する。",
            body,
        ),
        Spacer(1, 3 * mm),
        _p(f"{date_both(signed_on) if signed_on else '　　年　　月　　日'}", body),
        Spacer(1, 3 * mm),
    ]
    # 記名押印欄: one block per party, with the registered address, name and representative,
    # and a square left empty for the seal (印).
    for p in parties:
        block = Table(
            [
                [_p(p.designation, body), _p("住所", small), _p(p.address, body), ""],
                ["", _p("名称", small), _p(party_name(p), body), _p("印", small)],
                [
                    "",
                    _p("代表者", small),
                    _p(f"{p.representative_title}　{p.representative_name}".strip(), body),
                    "",
                ],
            ],
            colWidths=[12 * mm, 18 * mm, 115 * mm, 25 * mm],
            rowHeights=[9 * mm, 9 * mm, 11 * mm],
        )
        block.setStyle(
            TableStyle(
                [
                    ("SPAN", (0, 0), (0, 2)),
                    ("SPAN", (3, 1), (3, 2)),
                    ("BOX", (3, 1), (3, 2), 0.5, colors.grey),
                    ("ALIGN", (3, 1), (3, 2), "CENTER"),
                    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                    ("LINEBELOW", (2, 0), (2, 2), 0.3, colors.lightgrey),
                ]
            )
        )
        story += [block, Spacer(1, 3 * mm)]
    story.append(_p("電子による承認の記録", heading))
    sign_rows: list[list[object]] = [[_p(h, small) for h in ("当事者", "承認日", "承認者")]]
    for p in parties:
        a = approvals.get(p.organization_id)
        sign_rows.append(
            [
                _p(f"{p.designation} {party_name(p)}", small),
                _p(date_both(a.approved_at) if a else "未承認", small),
                _p(a.approved_by.public_name if a else "", small),
            ]
        )
    signs = Table(sign_rows, colWidths=[70 * mm, 65 * mm, 35 * mm])
    signs.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.grey)]))
    story.append(signs)

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        title=doc_title,
        author="Kyodo",
    )
    doc.build(story)
    return buffer.getvalue()
