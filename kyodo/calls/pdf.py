"""交付決定通知書 (grant decision notice) as PDF, with a Japanese font and 和暦 dates."""

from __future__ import annotations

import io

from django.utils import timezone
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

from kyodo.calls.models import Grant
from kyodo.core.formatting import fiscal_year_label, wareki, yen
from kyodo.core.pdf import japanese_font
from kyodo.guideline.selectors import municipality


def _wrap(text: str, width: int) -> list[str]:
    lines: list[str] = []
    for paragraph in (text or "").splitlines() or [""]:
        while len(paragraph) > width:
            lines.append(paragraph[:width])
            paragraph = paragraph[width:]
        lines.append(paragraph)
    return lines


def grant_notice(grant: Grant) -> bytes:
    application = grant.application
    call = application.call
    muni = municipality()
    city = muni.name if muni else ""
    font = japanese_font()
    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=A4)
    c.setTitle(f"交付決定通知書 {grant.notice_number}")
    width, height = A4
    x = 25 * mm
    y = height - 25 * mm

    def line(text: str, size: int = 11, dx: float = 0, gap: float = 7) -> None:
        nonlocal y
        c.setFont(font, size)
        c.drawString(x + dx, y, text)
        y -= gap * mm

    c.setFont(font, 11)
    c.drawRightString(width - 25 * mm, y, f"第{grant.notice_number}号")
    y -= 7 * mm
    c.drawRightString(width - 25 * mm, y, wareki(timezone.localtime(grant.decided_at)))
    y -= 12 * mm
    line(f"{application.organization.name}", 12)
    line("代表者 様", 12, gap=12)
    c.setFont(font, 12)
    c.drawRightString(width - 25 * mm, y, f"{city}長")
    y -= 16 * mm
    c.setFont(font, 16)
    c.drawCentredString(
        width / 2, y, f"{fiscal_year_label(call.fiscal_year)}{call.title} 交付決定通知書"
    )
    y -= 14 * mm
    submitted = (
        wareki(timezone.localtime(application.submitted_at)) if application.submitted_at else ""
    )
    for text in _wrap(
        f"{submitted}付けで申請のあった{call.title}については、次のとおり交付することに決定したので通知します。",
        40,
    ):
        line(text)
    y -= 4 * mm
    rows = [
        ("1 事業名", application.title),
        ("2 交付決定額", yen(grant.decided_amount_yen)),
        (
            "3 補助率",
            f"補助対象経費の{grant.rate_percent_label}（{grant.rounding_unit_yen:,}円未満切捨て）",
        ),
        ("4 上限額", yen(grant.cap_yen)),
    ]
    for label, value in rows:
        line(label, 11, gap=0)
        for text in _wrap(value, 28):
            line(text, 11, dx=40 * mm)
    line("5 交付の条件", 11)
    for text in _wrap(
        grant.conditions
        or "（1）補助事業の内容又は経費の配分を変更する場合は、あらかじめ市長の承認を受けること。\n（2）補助事業が完了したときは、実績報告書に領収書の写しを添えて提出すること。",
        36,
    ):
        line(text, 10, dx=8 * mm, gap=6)
    c.showPage()
    c.save()
    return out.getvalue()
