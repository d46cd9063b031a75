"""交付決定通知書 and 額の確定通知書 as PDF, with a Japanese font and 和暦 dates in Japan time.

Each notice is addressed as a clerk files it: the organization's legal name and its
representative's title and name (not the public display name, not 「代表者 様」)."""

from __future__ import annotations

import io
from typing import Any

from django.utils import timezone
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

from kyodo.calls.models import Grant
from kyodo.core.formatting import fiscal_year_label, wareki, yen
from kyodo.core.pdf import japanese_font
from kyodo.guideline.selectors import municipality
from kyodo.organizations.models import MembershipRole, MembershipStatus, Organization


def _wrap(text: str, width: int) -> list[str]:
    lines: list[str] = []
    for paragraph in (text or "").splitlines() or [""]:
        while len(paragraph) > width:
            lines.append(paragraph[:width])
            paragraph = paragraph[width:]
        lines.append(paragraph)
    return lines


def addressee(org: Organization) -> tuple[str, str]:
    """(legal name, "title name") of the organization a notice is addressed to.

    Reads the organization's legal name and representative fields when the organization has
    them (`legal_name`, `representative_title`, `representative_name`); until then it falls back
    to fields that exist today: the legal personality before the name (特定非営利活動法人 …)
    and the active representative's office title and real name (its private profile), else
    the display name. Never an empty 「代表者 様」."""
    legal_name = str(getattr(org, "legal_name", "") or "").strip()
    if not legal_name:
        personality = (org.legal_personality or "").strip()
        legal_name = (
            f"{personality} {org.name}"
            if personality and personality not in org.name and personality not in ("任意団体", "")
            else org.name
        )
    title = str(getattr(org, "representative_title", "") or "").strip()
    name = str(getattr(org, "representative_name", "") or "").strip()
    if not name:
        membership = (
            org.memberships.filter(
                role=MembershipRole.REPRESENTATIVE, status=MembershipStatus.ACTIVE
            )
            .select_related("user__private_profile")
            .first()
        )
        if membership is not None:
            profile = getattr(membership.user, "private_profile", None)
            name = (getattr(profile, "real_name", "") or "").strip() or (
                membership.user.display_name
            )
            title = title or (membership.title or "").strip()
    title = title or "代表者"
    return legal_name, f"{title}　{name}" if name else title


def notice_title(call_title: str, fiscal_year: int, kind: str) -> str:
    """「令和8年度 協働提案事業補助金 交付決定通知書」: the fiscal year once, even when the
    call's own title already begins with it."""
    label = fiscal_year_label(fiscal_year)
    title = call_title.strip()
    if label in title or str(fiscal_year) in title:
        return f"{title} {kind}"
    return f"{label} {title} {kind}"


class _Page:
    def __init__(self, title: str) -> None:
        self.font = japanese_font()
        self.out = io.BytesIO()
        self.c = canvas.Canvas(self.out, pagesize=A4)
        self.c.setTitle(title)
        self.width, self.height = A4
        self.x = 25 * mm
        self.y = self.height - 25 * mm

    def line(self, text: str, size: int = 11, dx: float = 0, gap: float = 7) -> None:
        self.c.setFont(self.font, size)
        self.c.drawString(self.x + dx, self.y, text)
        self.y -= gap * mm

    def right(self, text: str, size: int = 11, gap: float = 7) -> None:
        self.c.setFont(self.font, size)
        self.c.drawRightString(self.width - 25 * mm, self.y, text)
        self.y -= gap * mm

    def centre(self, text: str, size: int = 16, gap: float = 14) -> None:
        self.c.setFont(self.font, size)
        self.c.drawCentredString(self.width / 2, self.y, text)
        self.y -= gap * mm

    def rows(self, rows: list[tuple[str, str]]) -> None:
        for label, value in rows:
            self.line(label, 11, gap=0)
            for text in _wrap(value, 28):
                self.line(text, 11, dx=40 * mm)

    def header(self, *, number: str, date: Any, org: Organization, city: str) -> None:
        self.right(f"第{number}号")
        self.right(wareki(timezone.localtime(date)) if date else "", gap=12)
        legal_name, representative = addressee(org)
        self.line(legal_name, 12)
        self.line(f"{representative} 様", 12, gap=12)
        self.right(f"{city}長", 12, gap=16)

    def done(self) -> bytes:
        self.c.showPage()
        self.c.save()
        return self.out.getvalue()


def _city() -> str:
    muni = municipality()
    return muni.name if muni else ""


def grant_notice(grant: Grant) -> bytes:
    application = grant.application
    call = application.call
    title = notice_title(call.title, call.fiscal_year, "交付決定通知書")
    page = _Page(f"{title} {grant.notice_number}")
    page.header(
        number=grant.notice_number,
        date=grant.decided_at,
        org=application.organization,
        city=_city(),
    )
    page.centre(title)
    submitted = (
        wareki(timezone.localtime(application.submitted_at)) if application.submitted_at else ""
    )
    for text in _wrap(
        f"{submitted}付けで申請のあった{call.title}については、次のとおり交付することに決定したので通知します。",
        40,
    ):
        page.line(text)
    page.y -= 4 * mm
    page.rows(
        [
            ("1 事業名", application.title),
            ("2 交付決定額", yen(grant.decided_amount_yen)),
            (
                "3 補助率",
                f"補助対象経費の{grant.rate_percent_label}（{grant.rounding_unit_yen:,}円未満切捨て）",
            ),
            ("4 上限額", yen(grant.cap_yen)),
        ]
    )
    page.line("5 交付の条件", 11)
    for text in _wrap(
        grant.conditions
        or "（1）補助事業の内容又は経費の配分を変更する場合は、あらかじめ市長の承認を受けること。\n（2）補助事業が完了したときは、実績報告書に領収書の写しを添えて提出すること。",
        36,
    ):
        page.line(text, 10, dx=8 * mm, gap=6)
    return page.done()


def confirmed_notice(grant: Grant, *, eligible_cost: int) -> bytes:
    """額の確定通知書: the amount confirmed from the settlement report by the call's rule."""
    application = grant.application
    call = application.call
    title = notice_title(call.title, call.fiscal_year, "額の確定通知書")
    page = _Page(f"{title} {grant.notice_number}")
    page.header(
        number=f"{grant.notice_number}-確",
        date=grant.confirmed_at,
        org=application.organization,
        city=_city(),
    )
    page.centre(title)
    decided = wareki(timezone.localtime(grant.decided_at))
    submitted = (
        wareki(timezone.localtime(grant.settlement_submitted_at))
        if grant.settlement_submitted_at
        else ""
    )
    for text in _wrap(
        f"{decided}付け第{grant.notice_number}号で交付決定した{call.title}について、"
        f"{submitted}付けで提出のあった実績報告書を審査した結果、次のとおり交付すべき額を確定したので通知します。",
        40,
    ):
        page.line(text)
    page.y -= 4 * mm
    page.rows(
        [
            ("1 事業名", application.title),
            ("2 交付決定額", yen(grant.decided_amount_yen)),
            ("3 補助対象経費の実績額", yen(eligible_cost)),
            (
                "4 確定の方法",
                f"補助対象経費の実績額の{grant.rate_percent_label}（{grant.rounding_unit_yen:,}円未満切捨て）"
                "と交付決定額のいずれか低い額",
            ),
            ("5 交付確定額", yen(grant.confirmed_amount_yen)),
        ]
    )
    return page.done()
