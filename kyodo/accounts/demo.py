"""Demo people: named demo logins (docs/accounts.md) and ~2,000 residents per unit of scale.

ctx.shared["users"]: {"admin", "coordinator", "staff", "rep", "member", "resident",
"reviewer"} → User; ctx.shared["residents"]: every other demo person (list of User).
Roles (coordinator, staff, rep, member) are given by kyodo.organizations.demo.
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
    ("coordinator", "coordinator@example.jp", "地域づくり推進課 佐藤", {}),
    ("staff", "staff@example.jp", "環境政策課 鈴木", {}),
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
    "小江戸の散歩人",
    "蔵の街ファン",
    "いも好き",
    "川越っ子",
    "週末ボランティア",
    "ときの鐘",
    "新河岸川ウォーカー",
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
    fields = list(Field.objects.all())
    now = timezone.now()
    users: list[User] = []
    for _key, email, name, extra in NAMED_USERS:
        users.append(
            User(
                email=email,
                display_name=name,
                password=password_hash,
                residency=Residency.LIVES,
                district=districts[len(users) % len(districts)] if districts else None,
                email_confirmed_at=now,
                date_joined=now - dt.timedelta(days=400),
                **extra,
            )
        )
    n_residents = ctx.count(2000)
    residencies = (
        [Residency.LIVES] * 7 + [Residency.WORKS] * 2 + [Residency.STUDIES, Residency.OTHER]
    )
    for i in range(n_residents):
        surname, _sk = rng.choice(SURNAMES)
        given, _gk = rng.choice(GIVEN)
        display = f"{surname} {given}" if rng.random() < 0.7 else f"{rng.choice(NICKNAMES)}{i % 97}"
        users.append(
            User(
                email=f"resident{i:06d}@example.jp",
                display_name=display,
                password=password_hash,
                residency=rng.choice(residencies),
                district=rng.choice(districts) if districts else None,
                language="en" if rng.random() < 0.03 else "ja",
                email_confirmed_at=now,
                date_joined=now - dt.timedelta(days=rng.randint(1, 2000)),
            )
        )
    created = ctx.bulk_create(User, users, label="people")
    # Every person has a private profile (only they see it).
    profiles = []
    for user in created:
        surname, sk = rng.choice(SURNAMES)
        given, gk = rng.choice(GIVEN)
        profiles.append(
            PrivateProfile(
                user=user,
                real_name=f"{surname} {given}",
                real_name_kana=f"{sk} {gk}",
                phone=f"049-{rng.randint(200, 299)}-{rng.randint(0, 9999):04d}",
                postal_code=f"350-{rng.randint(0, 1199):04d}",
                address=f"川越市{rng.choice(STREETS)}{rng.randint(1, 5)}-{rng.randint(1, 30)}-{rng.randint(1, 20)}",
            )
        )
    ctx.bulk_create(PrivateProfile, profiles, label="private profiles")
    through = User.fields_of_interest.through
    interests = []
    for user in created:
        for f in rng.sample(fields, k=min(len(fields), rng.randint(0, 3))):
            interests.append(through(user_id=user.pk, field_id=f.pk))
    ctx.bulk_create(through, interests, label="fields of interest")
    _expose(ctx, created)
    return {"people": len(created), "private profiles": len(profiles)}


def _expose(ctx: DemoContext, people: list[User]) -> None:
    by_email = {u.email: u for u in people}
    ctx.shared["users"] = {
        key: by_email[email] for key, email, _n, _e in NAMED_USERS if email in by_email
    }
    named = {email for _k, email, _n, _e in NAMED_USERS}
    ctx.shared["residents"] = [u for u in people if u.email not in named]


def load_shared(ctx: DemoContext) -> None:
    people = list(
        User.objects.filter(deleted_at__isnull=True, email__endswith="@example.jp").order_by("id")
    )
    _expose(ctx, people)
