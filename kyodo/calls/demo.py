"""Demo data: three fiscal years of the 提案型協働事業補助金 (the current one and two before),
with applications, budgets, reviewer scores, conflicts, both decisions, grant decisions,
settlements and payments, plus this year's 行政提案型 call.

Runs through the services wherever the workflow matters (calls, decisions, adoption into
projects, grants, confirmation), so the demo has the same audit trail as real use.
People are found by e-mail in the database (the accounts demo creates them)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Max
from django.utils import timezone

from kyodo.accounts.models import User
from kyodo.calls import selectors, services
from kyodo.calls.models import (
    Application,
    Call,
    CallKind,
    ConflictDeclaration,
    Decision,
    ExpenseLine,
    Grant,
    IncomeLine,
    PresentationSlot,
    RoleDivision,
    Score,
    ScoreSheet,
    SettlementLine,
)
from kyodo.calls.workflow import ApplicationStatus, GrantStatus
from kyodo.core.demo import DemoContext
from kyodo.core.formatting import fiscal_year_label, fiscal_year_of
from kyodo.guideline.models import District
from kyodo.guideline.selectors import setting
from kyodo.organizations.models import Membership, MembershipRole, MembershipStatus, Organization

PROJECTS = [
    (
        "{city}の里山を守るボランティア育成事業",
        "市内に残る雑木林の保全を担う担い手を育てる。",
        "月2回の保全作業と、中高生向けの里山講座を開く。",
        "市内在住の中高生と保護者",
        "{d}地区の雑木林",
    ),
    (
        "子ども食堂ネットワークづくり事業",
        "市内の子ども食堂が食材と担い手を融通し合えるようにする。",
        "連絡会の開催、食材の共同受け入れ、ボランティア研修。",
        "子ども食堂の運営者と利用する子ども",
        "{d}地区ほか",
    ),
    (
        "高齢者の見守りとサロン運営事業",
        "一人暮らしの高齢者の孤立を防ぐ。",
        "週1回のサロンと、自治会と連携した見守り訪問。",
        "一人暮らしの高齢者",
        "{d}地区の集会所",
    ),
    (
        "外国人住民のための日本語・防災教室",
        "外国人住民が災害時に必要な情報を得られるようにする。",
        "やさしい日本語による防災教室と避難所体験。",
        "市内在住の外国人住民",
        "{d}地区の市民センター",
    ),
    (
        "水辺の清掃と環境学習",
        "川の清掃を通じて水辺環境への関心を高める。",
        "年4回の清掃活動と、小学生向けの生き物観察会。",
        "流域の住民と小学生",
        "{d}地区の川沿い",
    ),
    (
        "町並み案内ボランティア養成講座",
        "観光客を案内できる市民ボランティアを増やす。",
        "歴史講座と現地での案内実習（全8回）。",
        "市民（在勤・在学を含む）",
        "{d}地区の商店街周辺",
    ),
    (
        "地域の防災マップづくりワークショップ",
        "住民自身が危険箇所と避難経路を把握する。",
        "まち歩きとマップ作成のワークショップ、全戸配布。",
        "{d}地区の住民",
        "{d}地区",
    ),
    (
        "障がいのある人とつくる農園プロジェクト",
        "障がいのある人の社会参加と地域交流を進める。",
        "共同農園での栽培と収穫祭の開催。",
        "障がいのある人と地域住民",
        "{d}地区の農園",
    ),
    (
        "子育て親子の居場所づくり事業",
        "子育て中の親の孤立を防ぐ。",
        "空き店舗を使った親子の居場所の開設（週3日）。",
        "未就学児とその保護者",
        "{d}地区",
    ),
    (
        "空き家を活用した地域の茶の間事業",
        "誰もが立ち寄れる地域の居場所をつくる。",
        "空き家を改修せずに活用した茶の間の運営。",
        "地域住民",
        "{d}地区",
    ),
    (
        "地元の農産物と食文化の継承・食育事業",
        "地元の農産物の歴史と郷土の食文化を子どもに伝える。",
        "いも掘り体験と郷土料理教室。",
        "小学生とその家族",
        "{d}地区",
    ),
    (
        "中高生の地域活動参加促進事業",
        "中高生が地域の担い手として活動する機会をつくる。",
        "地域行事へのボランティア派遣とふりかえり会。",
        "市内の中学生・高校生",
        "{d}地区",
    ),
]
EXPENSE_TEMPLATES = [
    ("報償費", "講師謝礼", 10_000, (4, 12)),
    ("消耗品費", "活動用具・文具", 2_000, (20, 60)),
    ("印刷製本費", "チラシ・報告書", 40, (1000, 4000)),
    ("役務費", "ボランティア保険・郵送料", 500, (40, 120)),
    ("使用料及び賃借料", "会場使用料", 3_000, (10, 30)),
]
COMMENTS = [
    "地域の課題がはっきりしており、市との役割分担も具体的である。",
    "成果目標をより具体的な数値で示すとよい。",
    "継続して実施できる体制づくりに期待したい。",
    "参加者の広がりが見込め、公益性が高い。",
]


def _coordinator() -> User | None:
    user = User.objects.filter(email="coordinator@example.jp").first()
    if user is not None:
        return user
    return User.objects.filter(
        memberships__organization__is_coordinating_department=True,
        memberships__status=MembershipStatus.ACTIVE,
    ).first()


def _applicants() -> list[tuple[Organization, User]]:
    reps = (
        Membership.objects.filter(
            role=MembershipRole.REPRESENTATIVE,
            status=MembershipStatus.ACTIVE,
            organization__registration_status="verified",
            organization__org_type__actor_type__is_government=False,
        )
        .select_related("organization", "user")
        .order_by("organization_id")
    )
    return [(m.organization, m.user) for m in reps]


def _aware(day: dt.date, hour: int = 9) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def _application(
    ctx: DemoContext,
    rng: Any,
    call: Call,
    rnd: Any,
    org: Organization,
    rep: User,
    plan: tuple[str, str, str, str, str],
    year: int,
) -> Application:
    # The plan's {city} and {d} become the city and one of its districts (from the file).
    districts = ctx.shared.setdefault(
        "calls_district_names", list(District.objects.values_list("name", flat=True))
    )
    d = districts[sum(map(ord, plan[0])) % len(districts)] if districts else ""
    title, purpose, content, target, place = (part.format(city=ctx.city.name, d=d) for part in plan)
    max_year = call.funding_rules.aggregate(m=Max("continuation_year"))["m"] or 1
    year = min(year, max_year)
    eligible_cats = list(setting("subsidy.eligible_categories", []) or [])
    excluded_cats = list(setting("subsidy.excluded_categories", []) or [])
    app = Application.objects.create(
        call=call,
        round=rnd,
        organization=org,
        track=call.default_track,
        continuation_year=year,
        title=title,
        purpose=purpose,
        content=content,
        target_people=target,
        place=place,
        schedule="5月 準備・募集／6月〜翌1月 実施／2月 ふりかえりと報告会",
        targets="参加者 延べ100人、協力団体 5団体、参加者満足度 80%以上",
        created_by=rep,
    )
    lines = []
    eligible = 0
    for i, (category, description, unit, (low, high)) in enumerate(
        rng.sample(EXPENSE_TEMPLATES, 4), 1
    ):
        quantity = rng.randint(low, high)
        if eligible_cats and category not in eligible_cats:
            category = eligible_cats[(i - 1) % len(eligible_cats)]
        lines.append(
            ExpenseLine(
                application=app,
                order=i,
                category=category,
                description=description,
                unit_price_yen=unit,
                quantity=quantity,
                is_eligible=True,
            )
        )
        eligible += unit * quantity
    lines.append(
        ExpenseLine(
            application=app,
            order=9,
            category=excluded_cats[0] if excluded_cats else "会議の飲食費",
            description="打合せ時の茶菓",
            unit_price_yen=500,
            quantity=rng.randint(10, 30),
            is_eligible=False,
        )
    )
    ExpenseLine.objects.bulk_create(lines)
    total = sum(line.amount_yen for line in lines)
    rule = selectors.funding_rule_for(app)
    assert rule is not None
    limit = min(rule.cap_yen, eligible * rule.rate_basis_points // 10_000)
    requested = limit - limit % rule.rounding_unit_yen
    fees = rng.choice([0, 10_000, 20_000])
    fees = min(fees, total - requested)
    IncomeLine.objects.bulk_create(
        [
            IncomeLine(
                application=app,
                order=1,
                source="subsidy",
                description="本補助金",
                amount_yen=requested,
            ),
            IncomeLine(
                application=app, order=2, source="fees", description="参加費", amount_yen=fees
            ),
            IncomeLine(
                application=app,
                order=3,
                source="own_funds",
                description="会費・自己資金",
                amount_yen=total - requested - fees,
            ),
        ]
    )
    RoleDivision.objects.bulk_create(
        [
            RoleDivision(
                application=app,
                order=1,
                phase="planning",
                party=org.name,
                role="企画立案、参加者の募集",
            ),
            RoleDivision(
                application=app,
                order=2,
                phase="planning",
                party="市（担当課）",
                role="広報紙・市ホームページでの周知、関係機関との調整",
            ),
            RoleDivision(
                application=app,
                order=3,
                phase="implementation",
                party=org.name,
                role="講座・活動の運営、記録",
            ),
            RoleDivision(
                application=app,
                order=4,
                phase="implementation",
                party="市（担当課）",
                role="会場の確保、専門的な情報の提供",
            ),
            RoleDivision(
                application=app,
                order=5,
                phase="evaluation",
                party="双方",
                role="参加者アンケートの集計と相互評価",
            ),
        ]
    )
    return app


def seed(ctx: DemoContext) -> dict[str, int]:
    rng = ctx.rng_for("calls")
    coordinator = _coordinator()
    applicants = _applicants()
    if coordinator is None or len(applicants) < 6:
        return {"calls": 0}
    reviewer = User.objects.filter(email="reviewer@example.jp").first()
    committee = [u for u in [reviewer] if u is not None]
    used_orgs = {o.pk for o, _u in applicants}
    others = list(
        User.objects.filter(email__startswith="resident", is_active=True)
        .exclude(memberships__organization_id__in=used_orgs)
        .order_by("id")[:4]
    )
    committee += others[: 4 - len(committee)]
    dept = Organization.objects.filter(is_coordinating_department=True).first()
    now = timezone.now()
    this_fy = fiscal_year_of(ctx.today)
    counts = {"calls": 0, "applications": 0, "score sheets": 0, "grants": 0}
    for fy in (this_fy - 2, this_fy - 1, this_fy):
        call = services.create_call(
            actor=coordinator,
            kind=CallKind.SUBSIDY,
            fiscal_year=fy,
            department=dept,
            title=f"{fiscal_year_label(fy)} {ctx.city.name}提案型協働事業補助金",
            summary=(
                "市民活動団体などが自ら企画し、市と協働して地域の課題を解決する事業に、"
                f"経費の一部を補助します。応募前に{dept.name if dept else '市'}への事前相談を"
                "お願いします。"
            ),
            total_budget_yen=3_000_000,
        )
        counts["calls"] += 1
        start = dt.date(fy, 4, 1)
        early_open, early_close = start + dt.timedelta(days=14), start + dt.timedelta(days=44)
        if fy == this_fy:
            # this year: the early round is decided; the regular round is open now
            early_open = min(early_open, ctx.today - dt.timedelta(days=90))
            early_close = early_open + dt.timedelta(days=30)
            normal_open, normal_close = (
                ctx.today - dt.timedelta(days=10),
                ctx.today + dt.timedelta(days=20),
            )
        else:
            normal_open, normal_close = (
                start + dt.timedelta(days=75),
                start + dt.timedelta(days=105),
            )
        early = services.save_round(
            actor=coordinator,
            call=call,
            name="早期審査",
            order=1,
            opens_at=_aware(early_open),
            closes_at=_aware(early_close, 17),
            presentation_date=early_close + dt.timedelta(days=20),
            decision_date=early_close + dt.timedelta(days=35),
        )
        normal = services.save_round(
            actor=coordinator,
            call=call,
            name="通常審査",
            order=2,
            opens_at=_aware(normal_open),
            closes_at=_aware(normal_close, 17),
            presentation_date=normal_close + dt.timedelta(days=20),
            decision_date=normal_close + dt.timedelta(days=35),
        )
        services.publish_call(actor=coordinator, call=call)
        rounds = [early] if fy == this_fy else [early, normal]
        plans = rng.sample(PROJECTS, 8)
        orgs = rng.sample(applicants, min(len(applicants), 8))
        for rnd in rounds:
            for assignee in committee:
                services.assign_reviewer(actor=coordinator, round=rnd, reviewer=assignee)
        for i, (plan, (org, rep)) in enumerate(zip(plans, orgs, strict=False)):
            rnd = rounds[i % len(rounds)]
            app = _application(
                ctx,
                rng,
                call,
                rnd,
                org,
                rep,
                plan,
                year=1 + (fy - this_fy + 2 + i) % 3 if i % 3 == 0 else 1,
            )
            counts["applications"] += 1
            submitted = rnd.opens_at + dt.timedelta(
                days=rng.randint(2, 25), hours=rng.randint(0, 6)
            )
            Application.objects.filter(pk=app.pk).update(
                status=ApplicationStatus.SUBMITTED,
                submitted_at=submitted,
                submitted_by=rep,
                entered_on_paper=(i == 5),
                entered_by=coordinator if i == 5 else None,
                paper_received_on=submitted.date() if i == 5 else None,
            )
            app.refresh_from_db()
            if i == 6:
                services.check_eligibility(
                    actor=coordinator,
                    application=app,
                    outcome="return",
                    reasons="役員名簿と会則の写しを添付してください。",
                )
                continue
            services.check_eligibility(actor=coordinator, application=app, outcome="pass")
            PresentationSlot.objects.create(
                application=app,
                starts_at=_aware(rnd.presentation_date or ctx.today, 10 + i % 6),
                minutes=15,
                place=f"{ctx.city.hall()} 会議室",
            )
        # The current call's regular round: drafts and one submission while it is open.
        if fy == this_fy:
            for plan, (org, rep) in zip(PROJECTS[-3:], applicants[-3:], strict=False):
                app = _application(ctx, rng, call, normal, org, rep, plan, year=1)
                counts["applications"] += 1
                if plan is PROJECTS[-1]:
                    Application.objects.filter(pk=app.pk).update(
                        status=ApplicationStatus.SUBMITTED,
                        submitted_at=now - dt.timedelta(days=2),
                        submitted_by=rep,
                    )
        # Scores, with one declared and one automatic conflict of interest.
        for rnd in rounds:
            apps = list(rnd.applications.filter(status=ApplicationStatus.ELIGIBLE).order_by("id"))
            if not apps:
                continue
            if len(committee) > 1:
                ConflictDeclaration.objects.create(
                    application=apps[0],
                    reviewer=committee[-1],
                    reason="この団体の活動に助言しています。",
                )
            criteria = list(call.criteria.all())
            conflicts = selectors.conflicts_for_round(rnd, [a.pk for a in apps])
            for app in apps:
                quality = rng.choice([2, 3, 3, 4, 4, 5])
                for assignee in committee:
                    if assignee.pk in conflicts[app.pk]:
                        continue
                    sheet = ScoreSheet.objects.create(
                        application=app,
                        reviewer=assignee,
                        comment=rng.choice(COMMENTS),
                        submitted_at=now,
                    )
                    Score.objects.bulk_create(
                        Score(
                            sheet=sheet,
                            criterion=c,
                            score=max(0, min(c.max_score, quality + rng.choice([-1, 0, 0, 1]))),
                        )
                        for c in criteria
                    )
                    counts["score sheets"] += 1
            # Decisions in ranking order within the budget.
            _criteria, rows = selectors.round_ranking(rnd)
            for row in rows:
                app = row.application
                allocated = row.allocation.outcome == "allocated"
                conclusion = (
                    "adopt"
                    if allocated and row.allocation.rank and row.allocation.rank % 3
                    else ("adopt_with_conditions" if allocated else "reject")
                )
                services.record_committee_conclusion(
                    actor=coordinator,
                    application=app,
                    conclusion=conclusion,
                    comment=rng.choice(COMMENTS),
                    conditions="成果目標を数値で示し、中間報告を行うこと。"
                    if conclusion == "adopt_with_conditions"
                    else "",
                )
                if allocated:
                    services.record_city_decision(
                        actor=coordinator,
                        application=app,
                        decision="adopt",
                        amount_yen=row.allocation.amount,
                    )
                else:
                    services.record_city_decision(
                        actor=coordinator,
                        application=app,
                        decision="reject",
                        reason="審査会の結論を踏まえ、基準点または予算の範囲に達しなかったため。",
                    )
            services.publish_round_results(actor=coordinator, round=rnd)
            # Grants; settlements and payments for finished years.
            for row in rows:
                app = Application.objects.get(pk=row.application.pk)
                if app.status != ApplicationStatus.ADOPTED:
                    continue
                grant = services.decide_grant(
                    actor=coordinator,
                    application=app,
                    amount_yen=row.allocation.amount,
                    conditions="補助事業の内容を変更する場合は、あらかじめ承認を受けること。",
                )
                counts["grants"] += 1
                # The record carries the dates of its year, not the day the demo was built: the
                # grant page and its notice must not say 交付決定日 today for a grant paid last March.
                if rnd.decision_date and rnd.decision_date < ctx.today:
                    decided_on = _aware(rnd.decision_date + dt.timedelta(days=7))
                    Grant.objects.filter(pk=grant.pk).update(decided_at=decided_on)
                    Decision.objects.filter(application=app).update(
                        city_decided_at=_aware(rnd.decision_date)
                    )
                    grant.decided_at = decided_on
                if fy == this_fy:
                    continue
                actual = []
                for j, line in enumerate(app.expense_lines.all(), 1):
                    spent = line.amount_yen * rng.choice([85, 95, 100, 100, 105]) // 100
                    actual.append(
                        SettlementLine(
                            grant=grant,
                            order=j,
                            category=line.category,
                            description=line.description,
                            amount_yen=spent,
                            is_eligible=line.is_eligible,
                            receipt_name=f"領収書_{j}.pdf" if line.is_eligible else "",
                        )
                    )
                SettlementLine.objects.bulk_create(actual)
                grant.settlement_results = (
                    f"計画した活動をおおむね実施し、延べ{rng.randint(60, 240)}人が参加した。"
                )
                grant.settlement_participants = rng.randint(60, 240)
                grant.status = GrantStatus.SETTLEMENT_SUBMITTED
                grant.settlement_submitted_at = now
                grant.settlement_submitted_by = app.created_by
                grant.save()
                grant = services.confirm_amount(actor=coordinator, grant=grant)
                if dt.date(fy + 1, 3, 15) < ctx.today:
                    Grant.objects.filter(pk=grant.pk).update(
                        settlement_submitted_at=_aware(dt.date(fy + 1, 3, 5)),
                        confirmed_at=_aware(dt.date(fy + 1, 3, 15)),
                    )
                if fy == this_fy - 2 or rng.random() < 0.5:
                    services.record_payment(
                        actor=coordinator,
                        grant=grant,
                        amount_yen=grant.confirmed_amount_yen or 0,
                        paid_on=dt.date(fy + 1, 3, 25) if fy + 1 <= ctx.today.year else ctx.today,
                    )
    # This year's city-proposed theme call (行政提案型), open now.
    theme_call = services.create_call(
        actor=coordinator,
        kind=CallKind.CITY_THEME,
        fiscal_year=this_fy,
        department=dept,
        title=f"{fiscal_year_label(this_fy)} 行政提案型協働事業（テーマ：外国人住民の防災）",
        summary="市が示すテーマ「外国人住民が災害時に孤立しないしくみづくり」に取り組む団体を募集します。",
        total_budget_yen=800_000,
    )
    services.save_round(
        actor=coordinator,
        call=theme_call,
        name="募集",
        order=1,
        opens_at=_aware(ctx.today - dt.timedelta(days=5)),
        closes_at=_aware(ctx.today + dt.timedelta(days=25), 17),
    )
    services.publish_call(actor=coordinator, call=theme_call)
    counts["calls"] += 1
    return counts
