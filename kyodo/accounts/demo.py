"""Demo people: named demo logins (docs/accounts.md) and the residents registered on the
platform: 2,000 at scale 1 (Kawagoe today), 350,000 at scale 10 (VOLUMES["people"]).

ctx.shared["users"]: {"admin", "coordinator", "staff", "rep", "member", "resident",
"reviewer"} → User; ctx.shared["resident_ids"]: the ids of every other demo person, in
creation order (ids, not User objects: at scale 10 there are 350,000 of them).
Roles (coordinator, staff, rep, member) are given by kyodo.organizations.demo.
Residents are written as plain rows (ctx.insert) with one password hash shared by all.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from kyodo.accounts.models import PrivateProfile, Residency, User
from kyodo.core.demo import DEMO_PASSWORD, DemoContext
from kyodo.guideline.models import District, Field

NAMED_USERS: list[tuple[str, str, str, dict[str, Any]]] = [
    # key, e-mail, display name, extra
    ("admin", "admin@example.jp", "管理者", {"is_staff": True, "is_superuser": True}),
    ("coordinator", "coordinator@example.jp", "佐藤 美穂", {}),
    ("staff", "staff@example.jp", "鈴木 大輔", {}),
    ("rep", "rep@example.jp", "高橋 恵子", {}),
    ("member", "member@example.jp", "田中 健太", {}),
    ("resident", "resident@example.jp", "伊藤 さくら", {}),
    ("reviewer", "reviewer@example.jp", "渡辺 誠", {}),
]

SURNAMES = [
    ("佐藤", "さとう"),
    ("鈴木", "すずき"),
    ("高橋", "たかはし"),
    ("田中", "たなか"),
    ("伊藤", "いとう"),
    ("渡辺", "わたなべ"),
    ("山本", "やまもと"),
    ("中村", "なかむら"),
    ("小林", "こばやし"),
    ("加藤", "かとう"),
    ("吉田", "よしだ"),
    ("山田", "やまだ"),
    ("佐々木", "ささき"),
    ("山口", "やまぐち"),
    ("松本", "まつもと"),
    ("井上", "いのうえ"),
    ("木村", "きむら"),
    ("林", "はやし"),
    ("斎藤", "さいとう"),
    ("清水", "しみず"),
    ("山崎", "やまざき"),
    ("森", "もり"),
    ("池田", "いけだ"),
    ("橋本", "はしもと"),
    ("阿部", "あべ"),
    ("石川", "いしかわ"),
    ("小川", "おがわ"),
    ("新井", "あらい"),
    ("関根", "せきね"),
    ("粕谷", "かすや"),
    ("小峰", "こみね"),
    ("大野", "おおの"),
    ("細田", "ほそだ"),
    ("野口", "のぐち"),
    ("金子", "かねこ"),
]
GIVEN = [
    ("健太", "けんた"),
    ("大輔", "だいすけ"),
    ("翔太", "しょうた"),
    ("誠", "まこと"),
    ("浩", "ひろし"),
    ("隆", "たかし"),
    ("修", "おさむ"),
    ("蓮", "れん"),
    ("悠真", "ゆうま"),
    ("陽翔", "はると"),
    ("恵子", "けいこ"),
    ("裕子", "ゆうこ"),
    ("美香", "みか"),
    ("さくら", "さくら"),
    ("陽菜", "ひな"),
    ("結衣", "ゆい"),
    ("直美", "なおみ"),
    ("和子", "かずこ"),
    ("幸子", "さちこ"),
    ("真由美", "まゆみ"),
    ("一郎", "いちろう"),
    ("正男", "まさお"),
    ("美咲", "みさき"),
    ("葵", "あおい"),
    ("智子", "ともこ"),
]
NICKNAMES = [
    "まちの散歩人",
    "古い町並みファン",
    "いも好き",
    "地元っ子",
    "週末ボランティア",
    "鐘の音",
    "川辺ウォーカー",
    "子育て中ママ",
    "定年後の挑戦",
    "学生ボランティア",
    "まちあるき隊",
]
STREETS = [
    "元町",
    "仲町",
    "幸町",
    "連雀町",
    "脇田町",
    "新富町",
    "菅原町",
    "今福",
    "笠幡",
    "的場",
    "南大塚",
    "古谷上",
    "寺尾",
    "藤間",
    "福田",
    "下老袋",
    "鯨井",
    "伊勢原町",
    "大袋",
    "山田",
]


def seed(ctx: DemoContext) -> dict[str, int]:
    rng = ctx.rng_for("accounts")
    password_hash = make_password(DEMO_PASSWORD)  # hashed once, shared by every demo person
    districts = list(District.objects.all())
    district_ids: list[int | None] = [d.pk for d in districts] or [None]
    field_ids = list(Field.objects.values_list("id", flat=True))
    now = timezone.now()
    named: list[User] = []
    for _key, email, name, extra in NAMED_USERS:
        named.append(
            User(
                email=email,
                display_name=name,
                password=password_hash,
                residency=Residency.LIVES,
                district=districts[len(named) % len(districts)] if districts else None,
                email_confirmed_at=now,
                date_joined=now - dt.timedelta(days=400),
                **extra,
            )
        )
    named = ctx.bulk_create(User, named, label="demo logins")
    n_residents = ctx.volume("people")
    residencies = [
        str(r)
        for r in [Residency.LIVES] * 7
        + [Residency.WORKS] * 2
        + [Residency.STUDIES, Residency.OTHER]
    ]
    days_back = int(365 * ctx.years)

    def residents() -> Any:
        for i in range(n_residents):
            surname, _sk = rng.choice(SURNAMES)
            given, _gk = rng.choice(GIVEN)
            display = (
                f"{surname} {given}" if rng.random() < 0.7 else f"{rng.choice(NICKNAMES)}{i % 97}"
            )
            # Sign-ups accumulate: more people joined recently than ten years ago.
            joined = now - dt.timedelta(
                days=int(days_back * rng.random() ** 1.3), minutes=rng.randrange(1440)
            )
            yield (
                f"resident{i:06d}@example.jp",
                display,
                password_hash,
                rng.choice(residencies),
                rng.choice(district_ids),
                "en" if rng.random() < 0.03 else "ja",
                joined,
                joined,
            )

    ctx.insert(
        User,
        [
            "email",
            "display_name",
            "password",
            "residency",
            "district_id",
            "language",
            "email_confirmed_at",
            "date_joined",
        ],
        residents(),
        total=n_residents,
        label="people",
    )
    resident_ids = ctx.last_ids(User, n_residents)
    all_ids = [u.pk for u in named] + resident_ids

    # Every person has a private profile (only they see it), at an address in the city:
    # the file's district names.
    city = ctx.city
    streets = list(District.objects.values_list("name", flat=True)) or STREETS

    def profiles() -> Any:
        for user_id in all_ids:
            surname, sk = rng.choice(SURNAMES)
            given, gk = rng.choice(GIVEN)
            yield (
                user_id,
                f"{surname} {given}",
                f"{sk} {gk}",
                city.phone_number(rng),
                f"{city.postal_prefix}-{rng.randint(0, 1199):04d}",
                f"{city.name}{rng.choice(streets)}{rng.randint(1, 5)}-{rng.randint(1, 30)}-{rng.randint(1, 20)}",
            )

    n_profiles = ctx.insert(
        PrivateProfile,
        ["user_id", "real_name", "real_name_kana", "phone", "postal_code", "address"],
        profiles(),
        total=len(all_ids),
        label="private profiles",
    )
    through = User.fields_of_interest.through

    def interests() -> Any:
        for user_id in all_ids:
            for field_id in rng.sample(field_ids, k=min(len(field_ids), rng.randint(0, 3))):
                yield (user_id, field_id)

    ctx.insert(
        through,
        ["user_id", "field_id"],
        interests(),
        total=len(all_ids) * 3 // 2,
        label="fields of interest",
    )
    _expose(ctx, named, resident_ids)
    return {"people": len(all_ids), "private profiles": n_profiles}


def _expose(ctx: DemoContext, named: list[User], resident_ids: list[int]) -> None:
    by_email = {u.email: u for u in named}
    ctx.shared["users"] = {
        key: by_email[email] for key, email, _n, _e in NAMED_USERS if email in by_email
    }
    ctx.shared["resident_ids"] = resident_ids


def load_shared(ctx: DemoContext) -> None:
    emails = [email for _k, email, _n, _e in NAMED_USERS]
    named = list(User.objects.filter(email__in=emails))
    resident_ids = list(
        User.objects.filter(deleted_at__isnull=True, email__startswith="resident")
        .filter(email__endswith="@example.jp")
        .exclude(email__in=emails)
        .order_by("id")
        .values_list("id", flat=True)
    )
    _expose(ctx, named, resident_ids)
