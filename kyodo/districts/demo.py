"""A district council for each district: members, subcommittees, two years of meetings with
published records, and ownership of the district's issues."""

from __future__ import annotations

import datetime as dt

from django.apps import apps
from django.utils import timezone

from kyodo.core.demo import DemoContext
from kyodo.districts.models import Council, CouncilMember, Meeting, Subcommittee
from kyodo.guideline.models import District, Field
from kyodo.organizations.models import Membership, MembershipRole, MembershipStatus, Organization

SUBCOMMITTEES = [
    ("防犯部会", "防犯パトロールと防犯灯の点検", "crime-prevention"),
    ("防災部会", "地区防災訓練と避難所運営の準備", "disaster"),
    ("福祉部会", "高齢者の見守りとサロン活動", "welfare"),
    ("環境部会", "ごみ集積所の管理とごみゼロ運動", "environment"),
    ("子育て部会", "子どもの居場所づくりと通学路の安全", "childcare"),
]
ROLES = ["会長団体", "副会長団体", "構成団体", "構成団体", "構成団体", "監事団体"]
AGENDAS = [
    (
        "定例会",
        "1. 各部会からの報告\n2. 地区防災訓練の日程について\n3. 夏祭りの協力体制について\n4. その他",
    ),
    ("総会", "1. 前年度の活動報告と決算\n2. 今年度の活動計画と予算\n3. 役員の選出"),
    ("臨時会", "1. 通学路の安全対策について（市への要望のとりまとめ）\n2. その他"),
]


def _is_neighbourhood(org: Organization) -> bool:
    return org.org_type.code == "jichikai" or any(
        w in org.org_type.name for w in ("自治会", "町内会")
    )


def seed(ctx: DemoContext) -> dict[str, int]:
    rng = ctx.rng_for("districts")
    Issue = apps.get_model("challenges", "Issue")
    fields = {f.code: f for f in Field.objects.all()}
    totals = {"councils": 0, "members": 0, "subcommittees": 0, "meetings": 0}
    groups = list(
        Organization.objects.groups()
        .select_related("org_type")
        .prefetch_related("districts")
        .order_by("id")
    )
    by_district: dict[int, list[Organization]] = {}
    for org in groups:
        for d in org.districts.all():
            by_district.setdefault(d.pk, []).append(org)
    reps = dict(
        Membership.objects.filter(
            role=MembershipRole.REPRESENTATIVE, status=MembershipStatus.ACTIVE
        ).values_list("organization_id", "user_id")
    )
    # Councils the guideline file set up are kept (their name and description); the demo
    # gives them members, a chair and meetings like the others.
    from_file = {c.district_id: c for c in Council.objects.all()}
    for district in District.objects.order_by("order"):
        candidates = by_district.get(district.pk, [])
        # Neighbourhood associations first (自治会・町内会 by the type's name in the file).
        jichikai = [o for o in candidates if _is_neighbourhood(o)]
        others = [o for o in candidates if not _is_neighbourhood(o)]
        members = (jichikai[:4] + rng.sample(others, min(len(others), 5))) or candidates[:6]
        chair_org = members[0] if members else None
        council = from_file.get(district.pk)
        if council is None:
            council = Council.objects.create(
                district=district,
                name=f"{district.name}地区地域会議",
                founded_year=rng.choice([2012, 2014, 2016]),
                description=f"{district.name}地区の自治会、学校、PTA、老人クラブ、民生委員、NPO、企業が集まり、防犯・防災・福祉・環境・教育・子育ての課題にともに取り組んでいます。",
                chair_id=reps.get(chair_org.pk) if chair_org else None,
            )
        else:
            council.chair_id = reps.get(chair_org.pk) if chair_org else None
            council.founded_year = council.founded_year or 2019
            council.save(update_fields=["chair", "founded_year"])
        totals["councils"] += 1
        for i, org in enumerate(members):
            CouncilMember.objects.create(
                council=council,
                organization=org,
                role=ROLES[min(i, len(ROLES) - 1)],
                joined_on=dt.date(council.founded_year or 2015, 4, 1),
            )
            totals["members"] += 1
        subs = []
        for name, theme, field_code in SUBCOMMITTEES:
            subs.append(
                Subcommittee.objects.create(
                    council=council,
                    name=name,
                    theme=theme,
                    field=fields.get(field_code),
                    lead=rng.choice(members) if members else None,
                )
            )
        totals["subcommittees"] += len(subs)
        for sub in subs:
            ids = list(
                Issue.objects.filter(district=district, field=sub.field)
                .order_by("id")
                .values_list("id", flat=True)[:40]
            )
            if ids:
                sub.issues.add(*rng.sample(ids, min(len(ids), rng.randint(2, 6))))
        for months_ago in range(24, -2, -2):
            day = ctx.today - dt.timedelta(days=30 * months_ago)
            held = timezone.make_aware(dt.datetime(day.year, day.month, min(day.day, 28), 19, 0))
            title_kind, agenda = AGENDAS[0] if months_ago % 12 else AGENDAS[1]
            past = months_ago > 0
            record = ""
            decisions = ""
            if past:
                decisions = rng.choice(
                    [
                        "地区防災訓練を10月第2日曜日に実施することを決定した。",
                        "防犯灯の点検結果を取りまとめ、市に修繕を要望することとした。",
                        "夏祭りでのごみ分別ボランティアを各自治会から2名ずつ出すことを確認した。",
                        "通学路の危険箇所マップを子育て部会で更新することとした。",
                    ]
                )
                record = f"出席：構成団体{len(members)}団体\n\n{agenda}\n\n【決定事項】\n{decisions}\n\n次回は2か月後に開催する。"
            Meeting.objects.create(
                council=council,
                title=f"{council.name} {title_kind}（{held:%Y年%m月}）",
                held_at=held,
                place=f"{district.name}市民センター",
                agenda=agenda,
                record=record,
                decisions=decisions,
                status="published"
                if past and months_ago > 1
                else ("draft_record" if past else "scheduled"),
                published_at=held + dt.timedelta(days=10) if past and months_ago > 1 else None,
                published_by_id=council.chair_id if past and months_ago > 1 else None,
                drafted_by_id=council.chair_id if past else None,
            )
            totals["meetings"] += 1
    return totals
