"""Factories for calls: a published call with an open round, applications with a valid
budget, reviewers."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from kyodo.calls import services
from kyodo.calls.models import Application, Call, CallKind, ReviewerAssignment, Round
from kyodo.organizations.models import MembershipRole
from kyodo.organizations.tests.factories import (
    OrganizationFactory,
    UserFactory,
    make_coordinator,
    make_member,
)

PDF_BYTES = b"%PDF-1.4\n%test\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf_upload(name: str = "plan.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


def make_call(
    *,
    coordinator: Any = None,
    kind: str = CallKind.SUBSIDY,
    budget: int = 1_000_000,
    opens_at: dt.datetime | None = None,
    closes_at: dt.datetime | None = None,
    publish: bool = True,
    required_documents: bool = False,
    **changes: Any,
) -> Call:
    coordinator = coordinator or make_coordinator()
    now = timezone.now()
    call = services.create_call(
        actor=coordinator,
        kind=kind,
        fiscal_year=2026,
        title="令和8年度 提案型協働事業補助金",
        summary="地域の課題を解決する協働事業を募集します。",
        total_budget_yen=budget,
    )
    if not required_documents:
        services.replace_required_documents(actor=coordinator, call=call, rows=[])
    if changes:
        services.update_call(actor=coordinator, call=call, changes=changes)
    services.save_round(
        actor=coordinator,
        call=call,
        name="通常審査",
        order=1,
        opens_at=opens_at or now - dt.timedelta(days=1),
        closes_at=closes_at or now + dt.timedelta(days=10),
        presentation_date=(now + dt.timedelta(days=20)).date(),
        decision_date=(now + dt.timedelta(days=30)).date(),
    )
    if publish:
        services.publish_call(actor=coordinator, call=call)
    call.refresh_from_db()
    return call


def make_applicant(org: Any = None) -> tuple[Any, Any]:
    org = org or OrganizationFactory()
    rep = make_member(org, MembershipRole.REPRESENTATIVE)
    return org, rep


def make_application(
    call: Call,
    *,
    org: Any = None,
    rep: Any = None,
    requested: int = 300_000,
    expenses: list[dict[str, Any]] | None = None,
    own: int | None = None,
    title: str = "川越の里山を守るボランティア育成事業",
) -> Application:
    if rep is None:
        org, rep = make_applicant(org)
    rnd: Round = call.rounds.order_by("order").first()  # type: ignore[assignment]
    app = services.create_application(
        actor=rep, call=call, round=rnd, organization=org, title=title
    )
    services.update_application(
        actor=rep,
        application=app,
        changes={
            "purpose": "里山の保全を担う人を育てる。",
            "content": "月2回の保全活動と講座を開く。",
            "target_people": "市内在住の中高生と保護者",
            "place": "川越市内の雑木林",
            "schedule": "5月〜翌2月",
            "targets": "講座参加者60人",
        },
    )
    # The expense categories come from the call (copied from the guideline file): Kawagoe's
    # 報償費 and 消耗品費 when the call has them, else its first two, so the default budget is
    # eligible in any city's file.
    listed = list(call.eligible_categories) or ["報償費", "消耗品費"]
    others = [c for c in listed if c not in ("報償費", "消耗品費")]
    cats = [c if c in listed else (others or listed)[0] for c in ("報償費", "消耗品費")]
    if cats[0] == cats[1] and len(others) > 1:
        cats[1] = others[1]
    expenses = expenses or [
        {
            "category": cats[0],
            "description": "講師謝礼",
            "unit_price_yen": 20_000,
            "quantity": 10,
            "is_eligible": True,
        },
        {
            "category": cats[1],
            "description": "道具",
            "unit_price_yen": 5_000,
            "quantity": 40,
            "is_eligible": True,
        },
    ]
    total = sum(e["unit_price_yen"] * e["quantity"] for e in expenses)
    own = max(0, total - requested) if own is None else own
    income = [{"source": "subsidy", "description": "本補助金", "amount_yen": requested}]
    if own:
        income.append({"source": "own_funds", "description": "会費", "amount_yen": own})
    services.save_budget(actor=rep, application=app, income=income, expenses=expenses)
    app.refresh_from_db()
    return app


def submitted_application(call: Call, **kwargs: Any) -> Application:
    app = make_application(call, **kwargs)
    rep = app.created_by
    return services.submit_application(actor=rep, application=app)


def eligible_application(call: Call, coordinator: Any, **kwargs: Any) -> Application:
    app = submitted_application(call, **kwargs)
    return services.check_eligibility(actor=coordinator, application=app, outcome="pass")


def make_reviewer(rnd: Round, coordinator: Any, **kwargs: Any) -> Any:
    user = UserFactory(**kwargs)
    services.assign_reviewer(actor=coordinator, round=rnd, reviewer=user)
    return user


def full_scores(call: Call, value: int) -> dict[int, tuple[int, str]]:
    return {c.pk: (value, "") for c in call.criteria.all()}


__all__ = ["ReviewerAssignment", "make_application", "make_call", "make_reviewer"]
