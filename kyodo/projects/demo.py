"""Demo collaboration projects: 160 at scale 1, 5,000 at scale 10 (closed ones spread over ten
fiscal years), across every stage, form, department and district,
with agreements (role-division tables), reports, evaluations and follow-ups.

Rows are written directly (not through the services) so that dates can be spread over past
fiscal years relative to ctx.today; the shapes are the ones the services produce.
Organizations and people are read from the database, so this works whether or not the
organizations app exposed them in ctx.shared."""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from typing import Any

from django.utils import timezone

from kyodo.core.demo import DemoContext
from kyodo.core.formatting import fiscal_year_bounds, fiscal_year_of
from kyodo.guideline.models import (
    CollaborationForm,
    District,
    EvaluationItem,
    Field,
    Principle,
    Tier,
)
from kyodo.organizations.models import Membership, MembershipRole, Organization
from kyodo.projects.models import (
    Agreement,
    AgreementApproval,
    AgreementParty,
    AgreementVersion,
    ChangeApproval,
    ChangeRequest,
    ChecklistAnswer,
    CompletionReport,
    ConsultationMessage,
    Evaluation,
    EvaluationScore,
    Indicator,
    Milestone,
    ProgressReport,
    Project,
    ProjectPartner,
    Role,
    Target,
    Theme,
)
from kyodo.projects.services import DESIGNATIONS, default_clauses, party_details
from kyodo.projects.workflow import (
    ChangeRequestStatus,
    EvaluationKind,
    Origin,
    Phase,
    ProjectStatus,
)

S = ProjectStatus
# Share of each stage (sums to 1); closed projects are the largest group, as in a real city.
STAGE_MIX = [
    (S.DRAFT, 0.06),
    (S.CONSULTATION, 0.09),
    (S.AGREEMENT_DRAFTING, 0.09),
    (S.AGREED, 0.06),
    (S.IN_PROGRESS, 0.24),
    (S.COMPLETION_REPORT, 0.06),
    (S.EVALUATION, 0.10),
    (S.CLOSED, 0.24),
    (S.CANCELLED, 0.06),
]
ORDER: list[str] = [
    S.DRAFT,
    S.CONSULTATION,
    S.AGREEMENT_DRAFTING,
    S.AGREED,
    S.IN_PROGRESS,
    S.COMPLETION_REPORT,
    S.EVALUATION,
    S.CLOSED,
]
THEMES_BY_FIELD = {
    "crime-prevention": ["{d}地区 子ども見守りパトロール", "{d} 防犯灯マップづくり"],
    "disaster": ["{d}地区 避難所運営訓練", "{d} 災害時要援護者支え合い"],
    "welfare": ["{d} ふれあい・いきいきサロン", "{d} 買い物支援ボランティア"],
    "environment": ["{d} 川と水辺のクリーン作戦", "{d} 里山の竹林整備"],
    "education": ["{d} 放課後学習支援教室", "{d} 郷土の歴史を学ぶ講座"],
    "childcare": ["{d} 子ども食堂ネットワーク", "{d} 子育てひろば"],
    "health": ["{d} ウォーキングで健康づくり", "{d} 介護予防体操教室"],
    "culture": ["{d} 歴史ある町並みの文化講座", "{d} まつり囃子の継承"],
    "tourism": ["{d} まちあるきガイド", "{d} 外国人観光客おもてなし"],
    "international": ["{d} やさしい日本語教室", "{d} 多文化交流フェスタ"],
    "sports": ["{d} 地域スポーツ交流会", "{d} パラスポーツ体験会"],
    "community": ["{d} 空き家活用コミュニティカフェ", "{d} 自治会の担い手づくり"],
    "elderly": ["{d} 通いの場と見守り", "{d} ちょっとした困りごと手伝い隊"],
    "children": ["{d} 子どもの居場所づくり", "{d} 子育てひろば"],
    "coast": ["{d} 海辺と里山のクリーン作戦", "{d} 里山の竹林整備"],
    "agriculture": ["{d} 地産地消の朝市", "{d} 耕作放棄地を活かす市民農園"],
    "mobility": ["{d} 乗り合い送迎の仕組みづくり", "{d} 買い物バスの運行"],
}


def _themes_for(field: Field) -> list[str]:
    """Project titles for a field of the guideline file (generic ones for a field the demo
    does not know)."""
    return THEMES_BY_FIELD.get(field.code) or [
        "{d} " + f"{field.name}の協働プロジェクト",
        "{d} " + f"{field.name}の担い手づくり",
    ]


def _tier_by_role(tiers: list[Tier]) -> dict[str, Tier]:
    """The demo's role tasks say self/mutual/public: the file's tier of that code, else the
    first, a middle and the last of its tiers (any number of tiers)."""
    by_code = {t.code: t for t in tiers}
    return {
        "self": by_code.get("self", tiers[0]),
        "mutual": by_code.get("mutual", tiers[len(tiers) // 2]),
        "public": by_code.get("public", tiers[-1]),
    }


ROLE_TASKS = {
    Phase.PLANNING: [
        ("事業計画の作成", "mutual"),
        ("広報チラシの作成・配布", "public"),
        ("会場の確保", "public"),
        ("参加者の募集", "mutual"),
        ("関係団体との調整", "public"),
    ],
    Phase.IMPLEMENTATION: [
        ("当日の運営", "mutual"),
        ("講師の手配", "self"),
        ("安全管理・保険加入", "self"),
        ("備品の貸出", "public"),
        ("記録写真の撮影", "self"),
        ("ボランティアの受付", "mutual"),
    ],
    Phase.EVALUATION: [
        ("参加者アンケートの実施", "self"),
        ("実績報告書の作成", "mutual"),
        ("相互評価の実施", "mutual"),
        ("市ウェブサイトでの公表", "public"),
    ],
}
INDICATORS = [
    ("開催回数", "回", 6, 24),
    ("参加者数", "人", 80, 600),
    ("ボランティア数", "人", 10, 60),
    ("配布部数", "部", 200, 3000),
    ("協力団体数", "団体", 3, 15),
]
TARGETS = [
    "参加者の満足度8割以上",
    "新たな担い手の発掘",
    "地域のつながりの強化",
    "継続的な活動体制の確立",
    "課題に関する住民の認知度向上",
]
LESSONS = [
    "企画段階から担当課と月1回の定例会を持ったことで、情報共有の遅れがなくなった。",
    "役割分担表を早めに確定し、変更時は必ず全員で協議することが大切だと分かった。",
    "予算要求の時期を団体側にも早く伝えるべきだった。次回は前年度の秋から相談を始める。",
    "参加者アンケートを目標と対応させて設計すると、評価の議論が具体的になった。",
    "団体の自主性を尊重し、市は広報と会場確保に徹したことで、参加者が大きく増えた。",
]
COMMENTS = {
    5: "期待を大きく上回った",
    4: "期待をやや上回った",
    3: "概ね期待どおり",
    2: "やや期待を下回った",
    1: "期待を大きく下回った",
}
REASONS = [
    "情報共有が直前になることが多かった",
    "役割分担が曖昧なまま実施に入った",
    "参加者が目標に届かなかった",
    "費用の見積もりが甘かった",
]


def _stage_counts(total: int) -> list[str]:
    out: list[str] = []
    for status, share in STAGE_MIX:
        out += [status] * max(2, round(total * share))
    return out


def seed(ctx: DemoContext) -> dict[str, int]:
    rng = ctx.rng_for("projects")
    now = timezone.now()
    this_fy = fiscal_year_of(ctx.today)
    departments = list(
        Organization.objects.departments().filter(is_coordinating_department=False).order_by("id")
    )
    groups = list(
        Organization.objects.groups().filter(registration_status="verified").order_by("id")
    ) or list(Organization.objects.groups().order_by("id"))
    if not departments or not groups:
        ctx.out.write("  projects: no organizations to work with (seed organizations first)\n")
        return {}
    people: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for org_id, user_id, role in Membership.objects.filter(status="active").values_list(
        "organization_id", "user_id", "role"
    ):
        people[org_id].append((user_id, role))
    groups = [g for g in groups if people.get(g.pk)] or groups
    departments = [d for d in departments if people.get(d.pk)] or departments
    forms = list(CollaborationForm.objects.all())
    fields = {f.code: f for f in Field.objects.all()}
    districts = list(District.objects.all())
    tiers = _tier_by_role(list(Tier.objects.order_by("order")))
    principles = list(Principle.objects.all())
    items = list(EvaluationItem.objects.all())
    fallback_user = next(iter(uid for ids in people.values() for uid, _r in ids))

    def acting_user(org_id: int) -> int:
        ids = people.get(org_id) or [(fallback_user, "member")]
        reps = [u for u, r in ids if r == MembershipRole.REPRESENTATIVE]
        return reps[0] if reps else ids[0][0]

    # --- themes (行政提案型) ------------------------------------------------------------
    themes = []
    for i in range(ctx.volume("themes")):
        dept = departments[i % len(departments)]
        field_code = rng.choice(list(fields))
        fy = this_fy + (1 if i % 3 == 0 else -(i % 3))
        themes.append(
            Theme(
                department=dept,
                title=_themes_for(fields[field_code])[0]
                .format(d="市内全域")
                .replace("市内全域地区", "市内全域"),
                problem=f"{fields[field_code].name}の分野で、行政だけでは担い手が足りず、地域の力を必要としています。",
                target="市民、地域団体",
                expected_outcome="地域の団体と市が役割を分担し、継続的な取り組みになること。",
                budget_ceiling_yen=rng.choice([300_000, 500_000, 1_000_000]),
                deadline=fiscal_year_bounds(fy)[0] - dt.timedelta(days=60)
                if i % 3
                else ctx.today + dt.timedelta(days=45),
                fiscal_year=fy,
                status="open" if i % 3 == 0 else "closed",
                created_by_id=acting_user(dept.pk),
            )
        )
    themes = ctx.bulk_create(Theme, themes, label="themes")

    # --- projects ---------------------------------------------------------------------
    stages = _stage_counts(ctx.volume("projects", minimum=150))
    rng.shuffle(stages)
    projects: list[Project] = []
    plan: list[dict[str, Any]] = []
    for i, status in enumerate(stages):
        field_code = rng.choice(list(fields))
        district = districts[i % len(districts)]
        title = rng.choice(_themes_for(fields[field_code])).format(d=district.name)
        if status in (S.CLOSED, S.EVALUATION, S.COMPLETION_REPORT):
            fy = (
                this_fy - rng.randint(1, max(4, int(ctx.years)))
                if status == S.CLOSED
                else this_fy - 1
            )
        elif status in (S.DRAFT, S.CONSULTATION, S.AGREEMENT_DRAFTING):
            fy = this_fy + (1 if status != S.AGREEMENT_DRAFTING or i % 2 else 0)
        else:
            fy = this_fy
        years = 1 if rng.random() < 0.8 else 2
        fy_end = fy + years - 1
        if status in (S.IN_PROGRESS, S.AGREED) and fy_end < this_fy:
            fy_end = this_fy
        origin = Origin.CITY if i % 5 == 0 else (Origin.OTHER if i % 11 == 0 else Origin.CITIZEN)
        theme = themes[i % len(themes)] if origin == Origin.CITY and themes else None
        lead = groups[(i * 7) % len(groups)]
        depts = [departments[(i * 3) % len(departments)]]
        if rng.random() < 0.25:
            depts.append(departments[(i * 3 + 5) % len(departments)])
        if theme is not None:
            depts[0] = theme.department
        extra = [groups[(i * 13 + 1) % len(groups)]] if rng.random() < 0.3 else []
        extra = [g for g in extra if g.pk != lead.pk]
        start_day, _e = fiscal_year_bounds(fy)
        end_day = fiscal_year_bounds(fy_end)[1]
        city_share = rng.choice([0, 100_000, 200_000, 300_000, 500_000, 800_000, 1_000_000])
        if theme is not None and theme.budget_ceiling_yen:
            # A theme's ceiling bounds what its projects ask of the city (the invariant).
            city_share = min(city_share, theme.budget_ceiling_yen)
        stamps = _stamps(ctx, status, start_day, end_day, now, rng)
        projects.append(
            Project(
                title=title,
                purpose=f"{district.name}地区で{fields[field_code].name}の課題に、団体と市が力を合わせて取り組む。",
                summary="年間を通じて活動し、成果を市民に公開します。",
                origin=origin,
                status=status,
                fiscal_year=fy,
                fiscal_year_end=fy_end,
                city_share_yen=city_share,
                theme=theme,
                created_by_id=acting_user(lead.pk),
                cancel_reason="担い手の確保が難しく、双方協議のうえ中止した。"
                if status == S.CANCELLED
                else "",
                agreed_lessons=rng.choice(LESSONS) if status == S.CLOSED else "",
                **stamps,
            )
        )
        plan.append(
            {
                "field": field_code,
                "district": district,
                "lead": lead,
                "depts": depts,
                "extra": extra,
                "start": start_day,
                "end": end_day,
            }
        )
    projects = ctx.bulk_create(Project, projects, label="projects")
    position = {p.pk: i for i, p in enumerate(projects)}

    # Follow-ups: some later projects continue a closed one, with its lead group.
    closed = [p for p in projects if p.status == S.CLOSED]
    later = [
        p for p in projects if p.status in (S.CONSULTATION, S.AGREEMENT_DRAFTING, S.IN_PROGRESS)
    ]
    follow_ups = 0
    for prev, nxt in zip(closed[: ctx.count(12)], later, strict=False):
        nxt.predecessor = prev
        nxt.title = f"{prev.title}（第2期）"
        plan[position[nxt.pk]]["lead"] = plan[position[prev.pk]]["lead"]
        follow_ups += 1
    Project.objects.bulk_update([p for p in later if p.predecessor_id], ["predecessor", "title"])

    # --- links, partners ---------------------------------------------------------------
    form_links, field_links, district_links, partners = [], [], [], []
    for p, info in zip(projects, plan, strict=True):
        for f in rng.sample(forms, rng.choice([1, 1, 2])):
            form_links.append(Project.forms.through(project_id=p.pk, collaborationform_id=f.pk))
        field_links.append(
            Project.fields.through(project_id=p.pk, field_id=fields[info["field"]].pk)
        )
        district_links.append(
            Project.districts.through(project_id=p.pk, district_id=info["district"].pk)
        )
        partners.append(
            ProjectPartner(
                project=p,
                organization=info["lead"],
                is_lead=True,
                share_yen=rng.choice([0, 30_000, 50_000, 100_000]),
                in_kind="会場・人員の提供",
            )
        )
        for d in dict.fromkeys(info["depts"]):
            partners.append(ProjectPartner(project=p, organization=d, role_label="担当課"))
        for g in info["extra"]:
            partners.append(ProjectPartner(project=p, organization=g, role_label="協力団体"))
    Project.forms.through.objects.bulk_create(form_links)
    Project.fields.through.objects.bulk_create(field_links)
    Project.districts.through.objects.bulk_create(district_links, ignore_conflicts=True)
    partners = ctx.bulk_create(ProjectPartner, partners, label="partners")
    partners_of: dict[int, list[ProjectPartner]] = defaultdict(list)
    for pp in partners:
        partners_of[pp.project_id].append(pp)

    # --- consultation ---------------------------------------------------------------------
    messages = []
    for p in projects:
        if p.status == S.DRAFT:
            continue
        for k, pp in enumerate(partners_of[p.pk][:2] * 2):
            body = [
                "事業の進め方についてご相談させてください。",
                "資料を拝見しました。会場は市で確保できます。",
                "役割分担表の案を作りました。ご確認ください。",
                "承知しました。次回の打合せで決めましょう。",
            ][k % 4]
            messages.append(
                ConsultationMessage(
                    project=p,
                    author_id=acting_user(pp.organization_id),
                    organization_id=pp.organization_id,
                    body=body,
                )
            )
    ctx.bulk_create(ConsultationMessage, messages, label="consultation messages")

    # --- agreements -------------------------------------------------------------------------
    with_agreement = [
        p
        for p in projects
        if p.status not in (S.DRAFT, S.CONSULTATION)
        and not (p.status == S.CANCELLED and p.agreement_drafting_at is None)
    ]
    agreements = ctx.bulk_create(
        Agreement, [Agreement(project=p) for p in with_agreement], label="agreements"
    )
    versions, parties, roles, approvals, checklist = [], [], [], [], []
    for p, ag in zip(with_agreement, agreements, strict=True):
        info = plan[position[p.pk]]
        n_versions = 2 if rng.random() < 0.4 else 1
        for number in range(1, n_versions + 1):
            versions.append(
                AgreementVersion(
                    agreement=ag,
                    number=number,
                    purpose=p.purpose,
                    period_start=info["start"],
                    period_end=info["end"],
                    cost_note="市の負担は予算の範囲内とし、団体は会場と人員を提供する。",
                    **default_clauses(["甲", *DESIGNATIONS[: 1 + len(info["extra"])]]),
                    change_note="役割分担表を修正" if number > 1 else "",
                    created_by_id=acting_user(info["depts"][0].pk),
                )
            )
    versions = ctx.bulk_create(AgreementVersion, versions, label="agreement versions")
    detail_cache: dict[int, dict[str, Any]] = {}

    def details(org: Organization) -> dict[str, Any]:
        if org.pk not in detail_cache:
            detail_cache[org.pk] = party_details(org)
        return detail_cache[org.pk]

    latest: dict[int, AgreementVersion] = {}
    for v in versions:
        latest[v.agreement_id] = v
    for p, ag in zip(with_agreement, agreements, strict=True):
        v = latest[ag.pk]
        ag.current_version = v
        signed = p.status not in (S.AGREEMENT_DRAFTING, S.CANCELLED) or (
            p.status == S.CANCELLED and p.agreed_at
        )
        pps = partners_of[p.pk]
        letters = iter("乙丙丁戊")
        for order, pp in enumerate(
            sorted(pps, key=lambda x: not x.organization.org_type.actor_type.is_government)
        ):
            is_dept = pp.organization.org_type.actor_type.is_government
            parties.append(
                AgreementParty(
                    version=v,
                    organization_id=pp.organization_id,
                    order=order,
                    designation="甲" if is_dept else next(letters, "他"),
                    share_yen=p.city_share_yen if is_dept and order == 0 else pp.share_yen,
                    in_kind=pp.in_kind,
                    **details(pp.organization),
                )
            )
        order = 0
        for phase, tasks in ROLE_TASKS.items():
            for task, tier in rng.sample(tasks, 2):
                party = (
                    pps[0]
                    if tier != "public"
                    else next(
                        (x for x in pps if x.organization.org_type.actor_type.is_government), pps[0]
                    )
                )
                roles.append(
                    Role(
                        version=v,
                        party_id=party.organization_id,
                        person_id=acting_user(party.organization_id),
                        task=task,
                        phase=phase,
                        tier=tiers[tier],
                        order=order,
                    )
                )
                order += 1
        approvers = pps if signed else pps[: rng.randint(0, len(pps) - 1)]
        for pp in approvers:
            approvals.append(
                AgreementApproval(
                    version=v,
                    organization_id=pp.organization_id,
                    approved_by_id=acting_user(pp.organization_id),
                )
            )
        if signed:
            ag.signed_version, ag.signed_at = v, p.agreed_at
        if signed or rng.random() < 0.6:
            for pr in principles:
                checklist.append(
                    ChecklistAnswer(
                        project=p,
                        principle=pr,
                        updated_by_id=acting_user(pps[0].organization_id),
                        answer=f"{pr.short_name}: 月1回の定例会と共有フォルダで確認する。",
                    )
                )
    Agreement.objects.bulk_update(agreements, ["current_version", "signed_version", "signed_at"])
    ctx.bulk_create(AgreementParty, parties, label="agreement parties")
    ctx.bulk_create(Role, roles, label="role-division rows")
    ctx.bulk_create(AgreementApproval, approvals, label="approvals")
    ctx.bulk_create(ChecklistAnswer, checklist, label="checklist answers")

    # --- targets, implementation, completion --------------------------------------------------
    targets, indicators, reports, milestones, completions, changes = [], [], [], [], [], []
    started = [p for p in projects if p.started_at is not None]
    finished = {S.COMPLETION_REPORT, S.EVALUATION, S.CLOSED}
    for p in projects:
        if p.status in (S.DRAFT,):
            continue
        done = p.status in finished
        for k, text in enumerate(rng.sample(TARGETS, 2)):
            targets.append(
                Target(
                    project=p,
                    order=k,
                    description=text,
                    target_value="達成",
                    actual_value=("達成" if rng.random() < 0.7 else "一部達成") if done else "",
                    achieved=(rng.random() < 0.7) if done else None,
                )
            )
        for k, (name, unit, lo, hi) in enumerate(rng.sample(INDICATORS, 3)):
            target = rng.randint(lo, hi)
            indicators.append(
                Indicator(
                    project=p,
                    order=k,
                    name=name,
                    unit=unit,
                    target_value=target,
                    actual_value=int(target * rng.uniform(0.6, 1.3)) if done else None,
                )
            )
    for p in started:
        info = plan[position[p.pk]]
        lead = info["lead"]
        for k in range(rng.randint(1, 3)):
            day = min(info["start"] + dt.timedelta(days=40 + 70 * k), ctx.today)
            reports.append(
                ProgressReport(
                    project=p,
                    author_id=acting_user(lead.pk),
                    organization=lead,
                    title=f"第{k + 1}回の活動報告",
                    reported_on=day,
                    participants=rng.randint(8, 80),
                    body="予定どおり実施しました。参加者から次回も参加したいとの声がありました。",
                )
            )
        for k, title in enumerate(("準備会の開催", "本事業の実施", "振り返りの会")):
            due = info["start"] + dt.timedelta(days=60 + 110 * k)
            milestones.append(
                Milestone(
                    project=p,
                    title=title,
                    due_on=due,
                    done_on=due if (p.status in finished or due < ctx.today) else None,
                )
            )
        if rng.random() < 0.15:
            changes.append((p, lead))
        if p.status in finished:
            actual_city = int(p.city_share_yen * rng.uniform(0.8, 1.0))
            completions.append(
                CompletionReport(
                    project=p,
                    summary="計画した活動をすべて実施しました。",
                    results="参加者数・満足度ともに概ね目標を達成しました。",
                    participants=rng.randint(60, 900),
                    actual_city_yen=actual_city,
                    actual_partner_yen=rng.choice([20_000, 50_000, 90_000]),
                    submitted_by_id=acting_user(lead.pk)
                    if p.status != S.COMPLETION_REPORT
                    else None,
                    submitted_at=p.evaluation_started_at,
                )
            )
    ctx.bulk_create(Target, targets, label="outcome targets")
    ctx.bulk_create(Indicator, indicators, label="activity indicators")
    ctx.bulk_create(ProgressReport, reports, label="progress reports")
    ctx.bulk_create(Milestone, milestones, label="milestones")
    ctx.bulk_create(CompletionReport, completions, label="completion reports")
    for p, lead in changes:
        cr = ChangeRequest.objects.create(
            project=p,
            requested_by_id=acting_user(lead.pk),
            organization=lead,
            summary="実施回数の変更",
            reason="会場の都合により1回減らしたい。",
            status=ChangeRequestStatus.APPROVED
            if p.status != S.IN_PROGRESS
            else ChangeRequestStatus.PENDING,
        )
        ChangeApproval.objects.bulk_create(
            [
                ChangeApproval(
                    change_request=cr,
                    organization_id=pp.organization_id,
                    decided_by_id=acting_user(pp.organization_id),
                    approved=True,
                )
                for pp in partners_of[p.pk]
                if cr.status == ChangeRequestStatus.APPROVED or pp.organization_id == lead.pk
            ]
        )

    # --- evaluations ------------------------------------------------------------------------------
    evaluations, score_plan = [], []
    for p in projects:
        pps = partners_of[p.pk]
        kinds = []
        if (
            p.status in (S.IN_PROGRESS, S.COMPLETION_REPORT, S.EVALUATION, S.CLOSED)
            and rng.random() < 0.4
        ):
            kinds.append((EvaluationKind.MIDTERM, pps))
        if p.status == S.CLOSED:
            kinds.append((EvaluationKind.FINAL, pps))
        elif p.status == S.EVALUATION:
            kinds.append((EvaluationKind.FINAL, pps[: rng.randint(0, len(pps) - 1)]))
        quality = rng.uniform(2.8, 4.6)
        for kind, who in kinds:
            for pp in who:
                when = (p.evaluation_started_at or p.started_at or now) + dt.timedelta(
                    days=rng.randint(3, 25)
                )
                evaluations.append(
                    Evaluation(
                        project=p,
                        kind=kind,
                        organization_id=pp.organization_id,
                        overall_satisfaction=max(1, min(5, round(quality + rng.uniform(-1, 1)))),
                        lessons=rng.choice(LESSONS) if kind == EvaluationKind.FINAL else "",
                        submitted_by_id=acting_user(pp.organization_id),
                        submitted_at=min(when, now),
                    )
                )
                score_plan.append((quality, pp.organization.org_type.actor_type.is_government))
    evaluations = ctx.bulk_create(Evaluation, evaluations, label="evaluations")
    scores = []
    for ev, (quality, is_dept) in zip(evaluations, score_plan, strict=True):
        for item in items:
            # Departments tend to score ⑤ 対等 and ① 情報共有 higher than groups do: the gap the
            # comparison is there to reveal.
            bias = 0.6 if is_dept and item.code in ("p5-equality", "p1-information") else 0.0
            score = max(1, min(5, round(quality + bias + rng.uniform(-1.2, 1.0))))
            scores.append(
                EvaluationScore(
                    evaluation=ev,
                    item=item,
                    score=score,
                    comment=COMMENTS[score],
                    reason=rng.choice(REASONS) if score <= 2 else "",
                )
            )
    ctx.bulk_create(EvaluationScore, scores, label="evaluation scores")
    load_shared(ctx)
    return {
        "projects": len(projects),
        "themes": len(themes),
        "agreements": len(agreements),
        "evaluations": len(evaluations),
        "follow_ups": follow_ups,
    }


def _stamps(
    ctx: DemoContext,
    status: str,
    start: dt.date,
    end: dt.date,
    now: dt.datetime,
    rng: random.Random,
) -> dict[str, Any]:
    """Plausible timestamps for each stage the project has passed."""
    out: dict[str, Any] = {}
    reached: str
    if status == S.CANCELLED:
        reached = ORDER[rng.randint(1, 4)]
        out["cancelled_at"] = min(ctx.aware(start) + dt.timedelta(days=rng.randint(20, 120)), now)
    else:
        reached = status
    idx = ORDER.index(reached)
    points: dict[str, dt.date] = {
        S.CONSULTATION: start - dt.timedelta(days=200),
        S.AGREEMENT_DRAFTING: start - dt.timedelta(days=90),
        S.AGREED: start - dt.timedelta(days=10),
        S.IN_PROGRESS: start,
        S.COMPLETION_REPORT: end + dt.timedelta(days=5),
        S.EVALUATION: end + dt.timedelta(days=35),
        S.CLOSED: end + dt.timedelta(days=90),
    }
    field_of: dict[str, str] = {
        S.CONSULTATION: "consultation_started_at",
        S.AGREEMENT_DRAFTING: "agreement_drafting_at",
        S.AGREED: "agreed_at",
        S.IN_PROGRESS: "started_at",
        S.COMPLETION_REPORT: "completion_started_at",
        S.EVALUATION: "evaluation_started_at",
        S.CLOSED: "closed_at",
    }
    latest = ctx.today
    for stage in reversed(ORDER[1 : idx + 1]):
        day = min(points[stage], latest)
        latest = day - dt.timedelta(days=1)
        out[field_of[stage]] = ctx.aware(day)
    return out


def load_shared(ctx: DemoContext) -> None:
    ctx.shared["projects"] = list(Project.objects.order_by("id"))
