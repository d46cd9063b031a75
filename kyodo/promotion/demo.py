"""Demo data: liaisons for every department, three fiscal years of survey answers, and
learning records for some staff."""

from __future__ import annotations

import datetime as dt

from kyodo.core.demo import DemoContext
from kyodo.core.formatting import current_fiscal_year
from kyodo.guideline.models import CollaborationForm, District, Field, OrganizationType, Principle
from kyodo.organizations.models import Membership, MembershipStatus, Organization
from kyodo.promotion.models import (
    LearningCompletion,
    Liaison,
    SelfCheck,
    SurveyPeriod,
    SurveyRecord,
    SurveyResponse,
)
from kyodo.promotion.services import COURSE_MODULES

RECORDS = [
    (
        "後援",
        "endorsement",
        "citizen-group",
        [
            "{city} 春の音楽祭",
            "子ども囃子発表会",
            "市民ウォーキング大会",
            "親子環境フェスタ",
        ],
    ),
    (
        "共催",
        "co-hosting",
        "npo",
        ["防災フェア in {city}", "子育て応援ひろば", "多文化共生フォーラム", "高齢者の見守り講座"],
    ),
    (
        "実行委員会",
        "joint-body",
        "committee",
        ["{city}市民活動フォーラム", "水辺のクリーン作戦", "歴史ある街並みのライトアップ"],
    ),
    (
        "企画立案への参画",
        "planning",
        "jichikai",
        ["地区防災計画づくり", "公園リニューアル計画ワークショップ", "通学路安全マップ作成"],
    ),
    (
        "事業協力",
        "cooperation",
        "company",
        ["企業と連携した食品ロス削減", "大学生による学習支援", "商店街の空き店舗活用"],
    ),
]


def seed(ctx: DemoContext) -> dict[str, int]:
    rng = ctx.rng_for("promotion")
    departments = list(Organization.objects.departments().order_by("id"))
    if not departments:
        return {}
    staff: dict[int, list[int]] = {}
    for org_id, user_id in (
        Membership.objects.filter(organization__in=departments, status=MembershipStatus.ACTIVE)
        .values_list("organization_id", "user_id")
        .order_by("id")
    ):
        staff.setdefault(org_id, []).append(user_id)
    liaisons = []
    for dept in departments:
        members = staff.get(dept.pk, [])
        for user_id in members[:1] if dept.pk % 7 else []:  # a few departments still have none
            liaisons.append(Liaison(department=dept, user_id=user_id))
    Liaison.objects.bulk_create(liaisons)

    opener = next((u for ids in staff.values() for u in ids), None)
    forms = {f.code: f for f in CollaborationForm.objects.all()}
    types = {
        t.code: t
        for t in OrganizationType.objects.filter(actor_type__is_government=False).order_by("order")
    }
    form_list, type_list = list(forms.values()), list(types.values())
    city = ctx.city
    partner_names = [
        f"{city.name}自治会連合会",
        f"NPO法人{city.short_kana or city.short}環境ネット",
        f"{city.short}商工会議所",
        f"{city.short}まちづくりの会",
        f"{city.name}社会福祉協議会",
    ]
    fields = list(Field.objects.all())
    districts = list(District.objects.all())
    records, responses, periods = [], [], []
    this_fy = current_fiscal_year()
    for fy in (this_fy - 3, this_fy - 2, this_fy - 1):
        if opener is None:
            break
        closed = fy < this_fy - 1
        period = SurveyPeriod.objects.create(
            fiscal_year=fy,
            status="closed" if closed else "open",
            closes_on=dt.date(fy + 1, 5, 31) if closed else ctx.today + dt.timedelta(days=21),
            opened_by_id=opener,
        )
        periods.append(period)
        for dept in departments:
            answered = closed or rng.random() < 0.7
            n = rng.randint(0, 4) if answered else rng.randint(0, 2)
            submitter = (staff.get(dept.pk) or [opener])[0]
            for _ in range(n):
                _label, form_code, type_code, titles = rng.choice(RECORDS)
                # The file's form and type of that code, else any of its own.
                form = forms.get(form_code) or form_list[rng.randrange(len(form_list))]
                partner_type = types.get(type_code) or type_list[rng.randrange(len(type_list))]
                records.append(
                    SurveyRecord(
                        fiscal_year=fy,
                        department=dept,
                        title=rng.choice(titles).format(city=city.name),
                        form=form,
                        partner_name=rng.choice(partner_names),
                        partner_type=partner_type,
                        field=rng.choice(fields),
                        district=rng.choice(districts),
                        is_new=rng.random() < 0.4,
                        city_share_yen=rng.choice([0, 0, 50_000, 100_000, 300_000]),
                        partner_share_yen=rng.choice([0, 20_000, 80_000, 150_000]),
                        participants=rng.randint(20, 800),
                        created_by_id=submitter,
                    )
                )
            if answered:
                responses.append(
                    SurveyResponse(
                        period=period,
                        department=dept,
                        submitted_by_id=submitter,
                        no_activity=n == 0,
                    )
                )
    SurveyRecord.objects.bulk_create(records)
    SurveyResponse.objects.bulk_create(responses)

    principles = list(Principle.objects.all())
    completions: list[LearningCompletion] = []
    checks: list[SelfCheck] = []
    seen: set[int] = set()  # a person on two departments' staff learns once
    for ids in staff.values():
        for user_id in ids:
            if user_id in seen:
                continue
            seen.add(user_id)
            done = rng.randint(0, len(COURSE_MODULES))
            for module in COURSE_MODULES[:done]:
                completions.append(LearningCompletion(user_id=user_id, module=module))
            if done == len(COURSE_MODULES) and rng.random() < 0.6:
                checks.extend(
                    SelfCheck(user_id=user_id, principle=p, score=rng.randint(2, 5))
                    for p in principles
                )
    LearningCompletion.objects.bulk_create(completions)
    SelfCheck.objects.bulk_create(checks)
    return {
        "liaisons": len(liaisons),
        "survey records": len(records),
        "survey responses": len(responses),
        "learning records": len(completions) + len(checks),
    }
