"""Demo organizations: the city's departments (those of the guideline file if it lists any,
otherwise a typical set, with one coordinating), 300+ groups and businesses per unit of scale
of the file's organization types across all its districts, memberships, offers & needs and
a few contact requests. Names come from the city and district names of the file.

ctx.shared: "departments" (list), "coordinating_department", "organizations" (groups and
businesses, not departments), "verified_organizations", "rep_organization" (the verified
NPO that rep@example.jp represents), "memberships_by_org" ({org id: [user ids]}).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.utils import timezone

from kyodo.core.demo import DemoCity, DemoContext
from kyodo.core.formatting import fiscal_year_bounds, fiscal_year_of
from kyodo.guideline.models import District, Field, OrganizationType
from kyodo.organizations.models import (
    ContactMessage,
    ContactRequest,
    Membership,
    MembershipRole,
    OfferNeed,
    Organization,
    RegistrationStatus,
)
from kyodo.organizations.text import normalise

DEPARTMENTS: list[tuple[str, str, str]] = [
    # name, kana, description
    (
        "地域づくり推進課",
        "ちいきづくりすいしんか",
        "市民部。協働の推進、市民活動の支援、自治会との連絡調整を担当します。",
    ),
    (
        "防災危機管理室",
        "ぼうさいききかんりしつ",
        "総務部。地域防災計画、自主防災組織の支援、避難所運営を担当します。",
    ),
    (
        "環境政策課",
        "かんきょうせいさくか",
        "環境部。地球温暖化対策、環境学習、生物多様性の保全を担当します。",
    ),
    (
        "福祉推進課",
        "ふくしすいしんか",
        "福祉部。地域福祉計画、民生委員・児童委員の活動支援を担当します。",
    ),
    (
        "こども政策課",
        "こどもせいさくか",
        "こども未来部。子育て支援、子どもの居場所づくりを担当します。",
    ),
    ("観光課", "かんこうか", "産業観光部。観光振興、まつりやイベントの支援を担当します。"),
    (
        "国際文化交流課",
        "こくさいぶんかこうりゅうか",
        "文化スポーツ部。多文化共生、国際交流、姉妹都市交流を担当します。",
    ),
    (
        "教育総務課",
        "きょういくそうむか",
        "教育委員会。学校と地域の連携、学校施設の開放を担当します。",
    ),
    (
        "高齢者いきいき課",
        "こうれいしゃいきいきか",
        "福祉部。介護予防、高齢者の生きがいづくり、見守り活動を担当します。",
    ),
    (
        "道路環境整備課",
        "どうろかんきょうせいびか",
        "建設部。道路の維持管理、アダプトロード制度を担当します。",
    ),
    (
        "文化芸術振興課",
        "ぶんかげいじゅつしんこうか",
        "文化スポーツ部。文化芸術活動の支援、文化施設の運営を担当します。",
    ),
    (
        "スポーツ振興課",
        "すぽーつしんこうか",
        "文化スポーツ部。生涯スポーツの推進、スポーツ大会の開催を担当します。",
    ),
    (
        "健康づくり支援課",
        "けんこうづくりしえんか",
        "保健医療部。健康づくり、食育、地域の健康教室を担当します。",
    ),
    (
        "資源循環推進課",
        "しげんじゅんかんすいしんか",
        "環境部。ごみの減量、リサイクル、集団資源回収を担当します。",
    ),
    (
        "都市景観課",
        "としけいかんか",
        "都市計画部。歴史的町並みの保全、景観まちづくりを担当します。",
    ),
    (
        "商工振興課",
        "しょうこうしんこうか",
        "産業観光部。中小企業支援、商店街の活性化、創業支援を担当します。",
    ),
    (
        "広報室",
        "こうほうしつ",
        "総合政策部。市の広報紙、市公式ウェブサイト、シティプロモーションを担当します。",
    ),
    ("政策企画課", "せいさくきかくか", "総合政策部。総合計画、地域会議、公民連携を担当します。"),
    (
        "生涯学習課",
        "しょうがいがくしゅうか",
        "教育委員会。公民館、生涯学習、社会教育団体の支援を担当します。",
    ),
    (
        "防犯・交通安全課",
        "ぼうはんこうつうあんぜんか",
        "市民部。防犯パトロールの支援、交通安全教室を担当します。",
    ),
]

# Towns per district (地区), with readings: for 自治会・町内会, schools and addresses.
TOWNS: dict[str, list[tuple[str, str]]] = {
    "honcho": [
        ("元町", "もとまち"),
        ("仲町", "なかちょう"),
        ("幸町", "さいわいちょう"),
        ("連雀町", "れんじゃくちょう"),
        ("喜多町", "きたまち"),
        ("松江町", "まつえちょう"),
        ("六軒町", "ろっけんちょう"),
        ("通町", "とおりちょう"),
        ("新富町", "しんとみちょう"),
        ("菅原町", "すがわらちょう"),
        ("脇田町", "わきたちょう"),
        ("郭町", "くるわまち"),
    ],
    "yoshino": [
        ("鴨田", "かもだ"),
        ("石田", "いしだ"),
        ("福田", "ふくた"),
        ("上老袋", "かみおいぶくろ"),
        ("下老袋", "しもおいぶくろ"),
    ],
    "furuya": [
        ("古谷上", "ふるやかみ"),
        ("古谷本郷", "ふるやほんごう"),
        ("大中居", "おおなかい"),
        ("小中居", "こなかい"),
    ],
    "minami-furuya": [
        ("久下戸", "くげど"),
        ("木野目", "きのめ"),
        ("並木", "なみき"),
        ("渋井", "しぶい"),
        ("牛子", "うしご"),
    ],
    "takashina": [
        ("砂新田", "すなしんでん"),
        ("藤間", "とうま"),
        ("寺尾", "てらお"),
        ("新河岸", "しんがし"),
        ("南台", "みなみだい"),
    ],
    "fukuhara": [
        ("今福", "いまふく"),
        ("中福", "なかふく"),
        ("下松原", "しもまつばら"),
        ("大袋", "おおぶくろ"),
        ("旭町", "あさひちょう"),
    ],
    "daito": [
        ("南大塚", "みなみおおつか"),
        ("大塚新田", "おおつかしんでん"),
        ("藤倉", "ふじくら"),
        ("増形", "ましがた"),
    ],
    "kasumigaseki": [
        ("的場", "まとば"),
        ("笠幡", "かさはた"),
        ("霞ケ関東", "かすみがせきひがし"),
        ("伊勢原町", "いせはらちょう"),
    ],
    "kasumigaseki-kita": [
        ("霞ケ関北", "かすみがせききた"),
        ("天沼新田", "あまぬましんでん"),
        ("吉田", "よしだ"),
        ("鯨井新田", "くじらいしんでん"),
    ],
    "nagusa": [
        ("鯨井", "くじらい"),
        ("小堤", "こづつみ"),
        ("平塚", "ひらつか"),
        ("小仙波", "こせんば"),
        ("下小坂", "しもおさか"),
    ],
    "yamada": [
        ("山田", "やまだ"),
        ("府川", "ふかわ"),
        ("上寺山", "かみてらやま"),
        ("石原町", "いしわらまち"),
        ("寿町", "ことぶきちょう"),
    ],
}
JICHIKAI_SUFFIXES = [
    ("自治会", "じちかい"),
    ("町内会", "ちょうないかい"),
    ("北自治会", "きたじちかい"),
    ("南自治会", "みなみじちかい"),
    ("東町内会", "ひがしちょうないかい"),
    ("西町内会", "にしちょうないかい"),
    ("第一自治会", "だいいちじちかい"),
    ("第二自治会", "だいにじちかい"),
    ("第三自治会", "だいさんじちかい"),
    ("中央自治会", "ちゅうおうじちかい"),
    ("一丁目町内会", "いっちょうめちょうないかい"),
    ("二丁目町内会", "にちょうめちょうないかい"),
    ("団地自治会", "だんちじちかい"),
    ("住宅自治会", "じゅうたくじちかい"),
    ("親和会", "しんわかい"),
]
# Generic words for group names, with the city's and the districts' names (see _places).
PLACES = [
    ("みどり", "みどり"),
    ("さくら", "さくら"),
    ("ひまわり", "ひまわり"),
    ("あおぞら", "あおぞら"),
    ("ふれあい", "ふれあい"),
    ("ひだまり", "ひだまり"),
    ("つばさ", "つばさ"),
    ("わかば", "わかば"),
    ("国際交流協会", "こくさいこうりゅうきょうかい", ["international"]),
    ("環境保全協会", "かんきょうほぜんきょうかい", ["environment"]),
    ("福祉事業団", "ふくしじぎょうだん", ["welfare"]),
]
NPO_THEMES: list[tuple[str, str, list[str]]] = [
    ("子ども食堂ネット", "こどもしょくどうねっと", ["childcare", "welfare"]),
    ("子育て応援団", "こそだておうえんだん", ["childcare"]),
    ("環境ネットワーク", "かんきょうねっとわーく", ["environment"]),
    ("まちづくりサポート", "まちづくりさぽーと", ["tourism", "community"]),
    ("国際交流の会", "こくさいこうりゅうのかい", ["international"]),
    ("見守りネット", "みまもりねっと", ["welfare", "crime-prevention"]),
    ("防災サポーターズ", "ぼうさいさぽーたーず", ["disaster"]),
    ("学習支援の会", "がくしゅうしえんのかい", ["education", "childcare"]),
    ("里山クラブ", "さとやまくらぶ", ["environment"]),
    ("健康づくりの会", "けんこうづくりのかい", ["health"]),
    ("文化芸術フォーラム", "ぶんかげいじゅつふぉーらむ", ["culture"]),
    ("スポーツクラブ", "すぽーつくらぶ", ["sports"]),
    ("ふれあいサロン", "ふれあいさろん", ["welfare", "community"]),
    ("観光ガイドの会", "かんこうがいどのかい", ["tourism"]),
    ("日本語教室", "にほんごきょうしつ", ["international", "education"]),
    ("フードバンク", "ふーどばんく", ["welfare"]),
    ("歴史まちなみ保存会", "れきしまちなみほぞんかい", ["culture", "tourism"]),
    ("防犯パトロール隊", "ぼうはんぱとろーるたい", ["crime-prevention"]),
    ("障がい者支援センター", "しょうがいしゃしえんせんたー", ["welfare", "health"]),
    ("農と食の会", "のうとしょくのかい", ["environment", "health"]),
]
CITIZEN_PREFIXES = [("", ""), ("", ""), ("ボランティアグループ", "ぼらんてぃあぐるーぷ")]
BUSINESSES: list[tuple[str, str, list[str]]] = [
    ("印刷", "いんさつ", ["culture"]),
    ("建設", "けんせつ", ["disaster"]),
    ("不動産", "ふどうさん", ["community"]),
    ("商事", "しょうじ", ["community"]),
    ("運輸", "うんゆ", ["disaster"]),
    ("電機", "でんき", ["environment"]),
    ("食品", "しょくひん", ["health"]),
    ("造園", "ぞうえん", ["environment"]),
    ("製菓", "せいか", ["tourism"]),
    ("酒造", "しゅぞう", ["tourism", "culture"]),
    ("観光バス", "かんこうばす", ["tourism"]),
    ("ガス", "がす", ["disaster"]),
    ("設計事務所", "せっけいじむしょ", ["tourism"]),
    ("薬局", "やっきょく", ["health"]),
    ("ITソリューションズ", "あいてぃーそりゅーしょんず", ["education"]),
    ("リサイクル", "りさいくる", ["environment"]),
]


def _schools_fixed(city: DemoCity) -> list[tuple[str, str, str]]:
    """A few schools named after the city (only for a file with a school type)."""
    n, k, pref = city.short, city.short_kana, city.prefecture
    return [
        (f"{n}国際大学", f"{k}こくさいだいがく", "学校法人"),
        (f"{n}学園大学", f"{k}がくえんだいがく", "学校法人"),
        (f"{pref}立{n}高等学校", f"けんりつ{k}こうとうがっこう", ""),
        (f"{pref}立{n}南高等学校", f"けんりつ{k}みなみこうとうがっこう", ""),
        (f"{city.name}立{n}高等学校", f"{city.kana}りつ{k}こうとうがっこう", ""),
    ]


def _public_interest_fixed(city: DemoCity) -> list[tuple[str, str, str, list[str]]]:
    n, k = city.name, city.kana
    return [
        (
            f"社会福祉法人{n}社会福祉協議会",
            f"{k}しゃかいふくしきょうぎかい",
            "社会福祉法人",
            ["welfare"],
        ),
        (
            f"公益社団法人{n}シルバー人材センター",
            f"{k}しるばーじんざいせんたー",
            "公益社団法人",
            ["welfare", "community"],
        ),
        (
            f"一般社団法人{city.short}青年会議所",
            f"{city.short_kana}せいねんかいぎしょ",
            "一般社団法人",
            ["community", "tourism"],
        ),
        (
            f"{city.short}商工会議所",
            f"{city.short_kana}しょうこうかいぎしょ",
            "特別民間法人",
            ["tourism", "community"],
        ),
        (
            f"公益財団法人{n}施設管理公社",
            f"{k}しせつかんりこうしゃ",
            "公益財団法人",
            ["culture", "sports"],
        ),
        (
            f"公益社団法人{city.short}観光協会",
            f"{city.short_kana}かんこうきょうかい",
            "公益社団法人",
            ["tourism"],
        ),
    ]


PUBLIC_INTEREST_THEMES = [
    ("文化振興協会", "ぶんかしんこうきょうかい", ["culture"]),
    ("スポーツ協会", "すぽーつきょうかい", ["sports"]),
    ("国際交流協会", "こくさいこうりゅうきょうかい", ["international"]),
    ("環境保全協会", "かんきょうほぜんきょうかい", ["environment"]),
    ("福祉事業団", "ふくしじぎょうだん", ["welfare"]),
]
LOCAL_ORGS = [
    ("地区社会福祉協議会", "ちくしゃかいふくしきょうぎかい", ["welfare"]),
    ("地区防犯推進委員会", "ちくぼうはんすいしんいいんかい", ["crime-prevention"]),
    (
        "地区民生委員・児童委員協議会",
        "ちくみんせいいいんじどういいんきょうぎかい",
        ["welfare", "childcare"],
    ),
    ("地区青少年健全育成会", "ちくせいしょうねんけんぜんいくせいかい", ["education", "childcare"]),
    ("地区体育協会", "ちくたいいくきょうかい", ["sports"]),
    ("地区自主防災会連絡協議会", "ちくじしゅぼうさいかいれんらくきょうぎかい", ["disaster"]),
    ("地区女性会", "ちくじょせいかい", ["community"]),
    ("地区老人クラブ連合会", "ちくろうじんくらぶれんごうかい", ["welfare", "health"]),
    ("地区PTA連合会", "ちくぴーてぃーえーれんごうかい", ["education"]),
]
COMMITTEES = [
    ("まつり実行委員会", "まつりじっこういいんかい", ["culture", "tourism"]),
    ("花火大会実行委員会", "はなびたいかいじっこういいんかい", ["tourism"]),
    ("地域会議", "ちいきかいぎ", ["community"]),
    ("防災訓練実行委員会", "ぼうさいくんれんじっこういいんかい", ["disaster"]),
    ("マラソン大会実行委員会", "まらそんたいかいじっこういいんかい", ["sports"]),
    ("子ども会育成連絡協議会", "こどもかいいくせいれんらくきょうぎかい", ["childcare"]),
    ("環境フェア実行委員会", "かんきょうふぇあじっこういいんかい", ["environment"]),
]

TYPE_WEIGHTS = [
    ("jichikai", 30),
    ("local-org", 9),
    ("npo", 13),
    ("citizen-group", 20),
    ("committee", 5),
    ("company", 13),
    ("school", 5),
    ("public-interest", 5),
]
OFFICER_TITLES = ["副代表", "会計", "書記", "監査", "事務局長"]

DESCRIPTIONS = {
    "jichikai": "{town}の住民でつくる{kind}です。防犯パトロール、ごみ集積所の管理、夏祭りや防災訓練などを行っています。{fields}の活動にも力を入れています。",
    "local-org": "{district}地区で{fields}に取り組む地域の組織です。自治会や学校、市と連携して活動しています。",
    "npo": "{fields}の分野で活動するNPO法人です。市民の力で地域の課題を解決することを目指し、専門性を生かした事業を行っています。",
    "citizen-group": "{district}地区を中心に{fields}の活動をしている市民のグループです。月に数回集まり、どなたでも参加できます。",
    "committee": "{district}地区の{fields}の行事を企画・運営するために、自治会や地元の団体が集まってつくった会です。",
    "company": "{district}地区に事業所を置く事業者です。地域貢献として{fields}の活動に協力しています。",
    "school": "{district}地区にある学校です。地域と連携した学習やボランティア活動に取り組んでいます（{fields}）。",
    "public-interest": "{fields}の分野で公益的な事業を行う法人です。市内の団体や事業者と連携しています。",
    "typed-group": "{district}地区を中心に{fields}に取り組む{type}です。",
    "typed-business": "{district}地区の{type}です。地域貢献として{fields}の活動に協力しています。",
}
BASES = [
    "{town}公民館",
    "{town}集会所",
    "{district}地区市民センター",
    "{city}市民活動支援センター",
    "{town}自治会館",
]
# The demo's kinds of group (how names and descriptions are made), by the file's type codes
# first, then by words in the type's name, then by its actor type (see _kind_of).
KINDS = {"jichikai", "local-org", "npo", "citizen-group", "committee", "company", "school"}
KIND_WORDS = [
    ("自治会", "jichikai"),
    ("町内会", "jichikai"),
    ("NPO", "npo"),
    ("実行委員会", "committee"),
    ("協議会", "committee"),
    ("学校", "school"),
    ("大学", "school"),
    ("企業", "company"),
    ("公益", "public-interest"),
    ("地域組織", "local-org"),
    ("ボランティア", "citizen-group"),
    ("市民", "citizen-group"),
]


def _kind_of(org_type: OrganizationType) -> str:
    if org_type.code in KINDS or org_type.code == "public-interest":
        return org_type.code
    for word, kind in KIND_WORDS:
        if word in org_type.name:
            return kind
    business = org_type.actor_type.code in {"business", "enterprise"} or "事業" in (
        org_type.actor_type.name
    )
    return "typed-business" if business else "typed-group"


def _fields_or_any(codes: list[str], fields: dict[str, Field], rng: Any) -> list[str]:
    """The demo's field codes that the file has, or two of the file's own."""
    known = [c for c in codes if c in fields]
    return known or rng.sample(list(fields), k=min(2, len(fields)))


def _places(city: DemoCity, districts: list[District]) -> list[tuple[Any, ...]]:
    own: list[tuple[Any, ...]] = [(city.short, city.short_kana)]
    own += [(d.name, d.kana) for d in districts[:6]]
    return [*own, *PLACES]


def _fiscal_year_end(day: dt.date) -> dt.date:
    return fiscal_year_bounds(fiscal_year_of(day))[1]


class _Names:
    def __init__(self) -> None:
        self.used: set[str] = set()

    def take(self, name: str, kana: str) -> tuple[str, str] | None:
        if name in self.used:
            return None
        self.used.add(name)
        return name, kana


def seed(ctx: DemoContext) -> dict[str, int]:
    rng = ctx.rng_for("organizations")
    users = ctx.shared["users"]
    residents: list[int] = list(ctx.shared["resident_ids"])
    types = {t.code: t for t in OrganizationType.objects.select_related("actor_type")}
    fields = {f.code: f for f in Field.objects.all()}
    districts = list(District.objects.all())
    today = ctx.today
    now = timezone.now()
    fy_end = _fiscal_year_end(today)
    names = _Names()

    city = ctx.city
    # --- Departments ---------------------------------------------------------------------
    # Those of the guideline file (created when it was loaded) come first; without any, a
    # typical set, the first of which coordinates.
    orgs: list[Organization] = []
    org_fields: dict[int, list[str]] = {}
    org_districts: dict[int, list[District]] = {}
    from_file = list(
        Organization.objects.departments()
        .select_related("org_type__actor_type")
        .order_by("-is_coordinating_department", "id")
    )
    city_type = next((t for t in types.values() if t.actor_type.is_government), None)
    if city_type is None:
        raise ValueError("the guideline file has no organization type for the city")
    hall_phone = city.phone or "000-000-0000"
    for dept in from_file:
        dept.legal_personality = dept.legal_personality or city.name
        dept.public_address = dept.public_address or f"{city.address} {city.hall()}"
        dept.public_phone = dept.public_phone or hall_phone
        dept.website = dept.website or city.website
        dept.save()
    for i, (name, kana, desc) in enumerate([] if from_file else DEPARTMENTS):
        orgs.append(
            Organization(
                name=name,
                kana=kana,
                org_type=city_type,
                description=desc,
                legal_personality=city.name,
                registration_status=RegistrationStatus.VERIFIED,
                verified_at=now,
                registration_expires_on=None,
                public_phone=hall_phone,
                public_address=f"{city.address} {city.hall()}",
                website=city.website,
                is_coordinating_department=(i == 0),
                declared_not_political=True,
                declared_not_religious=True,
                declared_no_antisocial_ties=True,
                declarations_at=now,
            )
        )
        org_fields[len(orgs) - 1] = []
        org_districts[len(orgs) - 1] = []
    n_departments = len(orgs)

    # --- Groups and businesses of the file's types -----------------------------------------
    target = ctx.volume("organizations", minimum=30)
    # Type code by demo kind (the first type of each kind), and the weights of the file's
    # types (those the demo knows by kind; others a little).
    group_types = [t for t in types.values() if not t.actor_type.is_government]
    type_of_kind: dict[str, str] = {}
    for t in group_types:
        type_of_kind.setdefault(_kind_of(t), t.code)
    kind_weight = dict(TYPE_WEIGHTS)
    fixed: list[tuple[str, str, str, str, list[str]]] = []  # type, name, kana, legal, fields
    if "school" in type_of_kind:
        for name, kana, legal in _schools_fixed(city):
            fixed.append((type_of_kind["school"], name, kana, legal, ["education"]))
    if "public-interest" in type_of_kind:
        for name, kana, legal, fcodes in _public_interest_fixed(city):
            fixed.append((type_of_kind["public-interest"], name, kana, legal, fcodes))
    # The demo representative's verified NPO comes first, so its name is stable.
    rep_type = type_of_kind.get("npo") or type_of_kind.get("citizen-group") or group_types[0].code
    rep_name = f"NPO法人{city.short_kana or city.short}子ども食堂ネット"
    if _kind_of(types[rep_type]) != "npo":
        rep_name = f"{city.short}子ども食堂ネット"
    fixed.insert(
        0,
        (
            rep_type,
            rep_name,
            f"{city.short_kana}こどもしょくどうねっと",
            "特定非営利活動法人" if rep_name.startswith("NPO法人") else "",
            ["childcare", "welfare"],
        ),
    )
    places = _places(city, districts)
    names.take(fixed[0][1], fixed[0][2])
    for _t, name, kana, _l, _f in fixed[1:]:
        names.take(name, kana)
    type_pool = [t.code for t in group_types for _ in range(kind_weight.get(_kind_of(t), 6))]
    generated: list[tuple[str, str, str, str, list[str], District]] = []
    for code, name, kana, legal, fcodes in fixed:
        generated.append(
            (code, name, kana, legal, fcodes, districts[len(generated) % len(districts)])
        )
    attempts = 0
    while len(generated) < target and attempts < target * 50:
        attempts += 1
        # Round-robin districts so all 11 are covered; types by weight.
        district = districts[len(generated) % len(districts)]
        type_code = type_pool[rng.randrange(len(type_pool))]
        code = _kind_of(types[type_code])
        towns = TOWNS.get(district.code) or [(district.name, district.kana)]
        town, town_kana = rng.choice(towns)
        place, place_kana = rng.choice([*places, (district.name, district.kana)])[:2]
        legal = ""
        if code == "jichikai":
            suffix, sk = rng.choice(JICHIKAI_SUFFIXES)
            picked = names.take(f"{town}{suffix}", f"{town_kana}{sk}")
            fcodes = rng.sample(["community", "crime-prevention", "disaster", "environment"], k=2)
        elif code == "local-org":
            theme, tk, fcodes = rng.choice(LOCAL_ORGS)
            picked = names.take(f"{district.name}{theme}", f"{district.kana}{tk}")
        elif code == "npo":
            theme, tk, fcodes = rng.choice(NPO_THEMES)
            picked = names.take(f"NPO法人{place}{theme}", f"{place_kana}{tk}")
            legal = "特定非営利活動法人"
        elif code == "citizen-group":
            theme, tk, fcodes = rng.choice(NPO_THEMES)
            prefix, pk = rng.choice(CITIZEN_PREFIXES)
            base = town if rng.random() < 0.5 else place
            base_kana = town_kana if base == town else place_kana
            picked = names.take(f"{prefix}{base}{theme}", f"{pk}{base_kana}{tk}")
        elif code == "committee":
            theme, tk, fcodes = rng.choice(COMMITTEES)
            base, bk = (district.name, district.kana) if rng.random() < 0.6 else (town, town_kana)
            picked = names.take(f"{base}{theme}", f"{bk}{tk}")
        elif code == "company":
            biz, bk, fcodes = rng.choice(BUSINESSES)
            form = rng.choice(["株式会社", "株式会社", "有限会社", "合同会社"])
            if rng.random() < 0.5:
                picked = names.take(f"{form}{place}{biz}", f"{place_kana}{bk}")
            else:
                picked = names.take(f"{place}{biz}{form}", f"{place_kana}{bk}")
            legal = form
        elif code == "school":
            level, lk = rng.choice([("小学校", "しょうがっこう"), ("中学校", "ちゅうがっこう")])
            picked = names.take(f"{city.name}立{town}{level}", f"{city.kana}りつ{town_kana}{lk}")
            fcodes = ["education", "childcare"]
        elif code in ("typed-group", "typed-business"):
            # A type the demo does not know: the place and the type's own name.
            tname = types[type_code].name
            base, bk = (town, town_kana) if rng.random() < 0.5 else (place, place_kana)
            theme, tk, fcodes = rng.choice(NPO_THEMES) if code == "typed-group" else ("", "", [])
            picked = names.take(f"{base}{theme}{tname}", f"{bk}{tk}")
        else:
            theme, tk, fcodes = rng.choice(PUBLIC_INTEREST_THEMES)
            form = rng.choice(["一般社団法人", "公益財団法人", "一般財団法人"])
            picked = names.take(f"{form}{place}{theme}", f"{place_kana}{tk}")
            legal = form
        if picked is None:
            continue
        fcodes = _fields_or_any(list(fcodes), fields, rng)
        generated.append((type_code, picked[0], picked[1], legal, list(fcodes), district))
    for type_code, name, kana, legal, fcodes, district in generated:
        code = _kind_of(types[type_code])
        fcodes = _fields_or_any(list(fcodes), fields, rng)
        town = rng.choice(TOWNS.get(district.code) or [(district.name, district.kana)])[0]
        field_names = "・".join(fields[c].name for c in fcodes if c in fields)
        kind = "町内会" if "町内会" in name else "自治会"
        desc = DESCRIPTIONS[code].format(
            town=town,
            district=district.name,
            fields=field_names,
            kind=kind,
            type=types[type_code].name,
        )
        roll = rng.random()
        if name == rep_name or roll < 0.72:
            status = RegistrationStatus.VERIFIED
        elif roll < 0.9:
            status = RegistrationStatus.PROVISIONAL
        elif roll < 0.98:
            status = RegistrationStatus.EXPIRED
        else:
            status = RegistrationStatus.SUSPENDED
        registered = now - dt.timedelta(days=rng.randint(30, max(1500, int(365 * ctx.years))))
        expires = (
            fy_end if status != RegistrationStatus.EXPIRED else fy_end.replace(year=fy_end.year - 1)
        )
        slug = f"org{len(orgs):05d}"
        orgs.append(
            Organization(
                name=name,
                kana=kana,
                org_type=types[type_code],
                legal_personality=legal,
                description=desc,
                member_count=rng.randint(5, 40)
                if code not in {"jichikai", "company", "school"}
                else rng.randint(20, 900),
                founded_year=rng.randint(1955, today.year - 1),
                activity_bases=rng.choice(BASES).format(
                    town=town, district=district.name, city=city.name
                ),
                public_phone=f"049-{rng.randint(220, 299)}-{rng.randint(0, 9999):04d}"
                if rng.random() < 0.5
                else "",
                public_email=f"info@{slug}.example.jp" if rng.random() < 0.4 else "",
                website=f"https://{slug}.example.jp/" if rng.random() < 0.35 else "",
                registration_status=status,
                verified_at=registered + dt.timedelta(days=14)
                if status == RegistrationStatus.VERIFIED
                else None,
                registration_expires_on=expires,
                declared_not_political=True,
                declared_not_religious=True,
                declared_no_antisocial_ties=True,
                declarations_at=registered,
            )
        )
        idx = len(orgs) - 1
        extra_fields = rng.sample(list(fields), k=rng.randint(0, 1))
        org_fields[idx] = list(dict.fromkeys([*fcodes, *extra_fields]))
        ds = [district]
        if rng.random() < 0.2:
            ds.append(rng.choice(districts))
        org_districts[idx] = list(dict.fromkeys(ds))
    for org in orgs:
        org.search_text = normalise(f"{org.name} {org.kana} {org.description}")
    created = ctx.bulk_create(Organization, orgs, label="organizations")
    coordinator_dept = (from_file + created[:n_departments])[0]
    ctx.bulk_create(
        Organization.fields.through,
        [
            Organization.fields.through(organization_id=created[i].pk, field_id=fields[c].pk)
            for i, codes in org_fields.items()
            for c in codes
            if c in fields
        ],
        label="organization fields",
    )
    ctx.bulk_create(
        Organization.districts.through,
        [
            Organization.districts.through(organization_id=created[i].pk, district_id=d.pk)
            for i, ds in org_districts.items()
            for d in ds
        ],
        label="organization districts",
    )

    # --- Memberships --------------------------------------------------------------------
    memberships: list[Membership] = []
    members_by_org: dict[int, list[int]] = defaultdict(list)

    def add(user_id: int, org: Organization, role: str, title: str = "") -> None:
        if user_id in members_by_org[org.pk]:
            return
        members_by_org[org.pk].append(user_id)
        memberships.append(Membership(user_id=user_id, organization=org, role=role, title=title))

    departments = from_file + created[:n_departments]
    groups = created[n_departments:]
    rep_org = groups[0]
    add(users["coordinator"].pk, coordinator_dept, MembershipRole.MEMBER, "主任")
    add(users["staff"].pk, departments[min(2, len(departments) - 1)], MembershipRole.MEMBER, "主事")
    add(users["rep"].pk, rep_org, MembershipRole.REPRESENTATIVE)
    add(users["member"].pk, rep_org, MembershipRole.MEMBER)
    pool = residents
    cursor = 0

    def next_person() -> int:
        nonlocal cursor
        person = pool[cursor % len(pool)]
        cursor += 1 + rng.randrange(3)
        return person

    for dept in departments:
        for _ in range(rng.randint(3, 8)):
            add(next_person(), dept, MembershipRole.MEMBER, "主事")
        add(next_person(), dept, MembershipRole.OFFICER, "課長")
    for org in groups:
        if org.pk != rep_org.pk:
            add(next_person(), org, MembershipRole.REPRESENTATIVE)
        for title in rng.sample(OFFICER_TITLES, k=rng.randint(1, 2)):
            add(next_person(), org, MembershipRole.OFFICER, title)
        if rng.random() < 0.4:
            add(next_person(), org, MembershipRole.CLERK, "事務担当")
        for _ in range(rng.randint(2, 8)):
            add(next_person(), org, MembershipRole.MEMBER)
    ctx.bulk_create(Membership, memberships, label="memberships")

    # --- Offers & needs and contact requests ----------------------------------------------
    offers = _seed_offers(
        ctx,
        rng,
        [g for g in groups if g.registration_status == RegistrationStatus.VERIFIED],
        org_fields,
        org_districts,
        fields,
        created,
        members_by_org,
    )
    contacts = _seed_contacts(ctx, rng, offers, members_by_org)
    _expose(ctx, [*from_file, *created])
    return {
        "departments": len(departments),
        "organizations": len(groups),
        "memberships": len(memberships),
        "offers and needs": len(offers),
        "contact requests": contacts,
    }


OFFER_TEMPLATES: list[tuple[str, str, str, str]] = [
    # kind, category, title, body
    (
        "offer",
        "venue",
        "会議室を無料でお貸しします",
        "平日の夜と土曜日に、20人ほどが入れる会議室をお貸しできます。地域の活動であればどなたでもご相談ください。",
    ),
    (
        "offer",
        "equipment",
        "テント・机・椅子を貸し出せます",
        "イベント用のテント3張、長机10台、パイプ椅子50脚があります。運搬はご相談ください。",
    ),
    (
        "offer",
        "skills",
        "チラシやポスターのデザインをお手伝いします",
        "印刷とデザインの経験がある会員が、イベントのチラシ作りをお手伝いします。",
    ),
    (
        "offer",
        "volunteers",
        "学生ボランティアが参加できます",
        "地域の行事に学生ボランティアを派遣できます。清掃、受付、子どもの見守りなど。",
    ),
    (
        "offer",
        "funding",
        "地域活動への寄付・協賛を行っています",
        "環境や子育ての活動に年間数件、協賛金を出しています。企画書をお送りください。",
    ),
    (
        "offer",
        "skills",
        "防災講座の講師を派遣します",
        "防災士の資格を持つ会員が、自治会の防災訓練や講座の講師を務めます。",
    ),
    (
        "offer",
        "skills",
        "ホームページ作りを教えます",
        "団体の活動を発信するためのホームページやSNSの使い方を教えます。",
    ),
    (
        "need",
        "volunteers",
        "子ども食堂の調理ボランティアを募集",
        "毎月第2・第4土曜日の子ども食堂で、調理と配膳を手伝ってくださる方を探しています。",
    ),
    (
        "need",
        "venue",
        "定例会の会場を探しています",
        "月1回、夜に15人ほどで集まれる場所を探しています。",
    ),
    (
        "need",
        "equipment",
        "イベント用のテントを借りたい",
        "秋のまつりで使うテントを2張、お借りできるところを探しています。",
    ),
    (
        "need",
        "funding",
        "活動資金の協賛をお願いしたい",
        "清掃活動の道具と保険の費用について、協賛してくださる事業者を探しています。",
    ),
    (
        "need",
        "skills",
        "チラシ作りを手伝ってほしい",
        "イベントの案内チラシを作りたいのですが、デザインに詳しい人がいません。",
    ),
    (
        "need",
        "volunteers",
        "高齢者見守りの協力者を探しています",
        "一人暮らしの高齢者宅への声かけ訪問に協力してくださる方を探しています。",
    ),
    (
        "need",
        "other",
        "外国人住民との交流の進め方を相談したい",
        "地域に外国人住民が増えてきました。交流会の進め方について相談できる団体を探しています。",
    ),
]


def _seed_offers(
    ctx: DemoContext,
    rng: Any,
    verified: list[Organization],
    org_fields: dict[int, list[str]],
    org_districts: dict[int, list[District]],
    fields: dict[str, Field],
    created: list[Organization],
    members_by_org: dict[int, list[int]],
) -> list[OfferNeed]:
    index_of = {o.pk: i for i, o in enumerate(created)}
    rows: list[OfferNeed] = []
    meta: list[tuple[list[str], list[District]]] = []
    for _ in range(ctx.volume("offers")):
        org = rng.choice(verified)
        kind, category, title, body = rng.choice(OFFER_TEMPLATES)
        i = index_of[org.pk]
        status = "open" if rng.random() < 0.85 else "closed"
        rows.append(
            OfferNeed(
                organization=org,
                kind=kind,
                category=category,
                title=title,
                body=body,
                status=status,
                closed_at=timezone.now() if status == "closed" else None,
                created_by_id=members_by_org[org.pk][0] if members_by_org[org.pk] else None,
                search_text=normalise(f"{title} {body}"),
            )
        )
        meta.append((org_fields.get(i, []), org_districts.get(i, [])))
    created_rows = ctx.bulk_create(OfferNeed, rows, label="offers and needs")
    ctx.bulk_create(
        OfferNeed.fields.through,
        [
            OfferNeed.fields.through(offerneed_id=o.pk, field_id=fields[c].pk)
            for o, (codes, _d) in zip(created_rows, meta, strict=True)
            for c in codes[:2]
            if c in fields
        ],
        label="offer fields",
    )
    ctx.bulk_create(
        OfferNeed.districts.through,
        [
            OfferNeed.districts.through(offerneed_id=o.pk, district_id=d.pk)
            for o, (_c, ds) in zip(created_rows, meta, strict=True)
            for d in ds
        ],
        label="offer districts",
    )
    return created_rows


def _seed_contacts(
    ctx: DemoContext, rng: Any, offers: list[OfferNeed], members_by_org: dict[int, list[int]]
) -> int:
    open_offers = [o for o in offers if o.status == "open"]
    if not open_offers:
        return 0
    requests = []
    orgs_with_members = [oid for oid, ids in members_by_org.items() if ids]
    for _ in range(ctx.count(40)):
        offer = rng.choice(open_offers)
        from_org_id = rng.choice(orgs_with_members)
        if from_org_id == offer.organization_id:
            continue
        requests.append(
            ContactRequest(
                to_organization_id=offer.organization_id,
                from_organization_id=from_org_id,
                offer_need=offer,
                sender_id=members_by_org[from_org_id][0],
                subject=f"「{offer.title}」について",
                body="掲載を拝見しました。詳しくお話を伺えますでしょうか。こちらの活動についてもご紹介します。",
            )
        )
    created = ctx.bulk_create(ContactRequest, requests, label="contact requests")
    replies = [
        ContactMessage(
            request=r,
            author_id=members_by_org[r.to_organization_id][0],
            body="ご連絡ありがとうございます。来週の定例会のあとでいかがでしょうか。",
        )
        for r in created
        if rng.random() < 0.5 and members_by_org[r.to_organization_id]
    ]
    ctx.bulk_create(ContactMessage, replies, label="contact replies")
    return len(created)


def _expose(ctx: DemoContext, orgs: list[Organization]) -> None:
    departments = [o for o in orgs if o.org_type.actor_type.is_government]
    groups = [o for o in orgs if not o.org_type.actor_type.is_government]
    ctx.shared["departments"] = departments
    ctx.shared["coordinating_department"] = next(
        (d for d in departments if d.is_coordinating_department), None
    )
    ctx.shared["organizations"] = groups
    ctx.shared["verified_organizations"] = [
        o for o in groups if o.registration_status == RegistrationStatus.VERIFIED
    ]
    rep = ctx.shared.get("users", {}).get("rep")
    rep_org = None
    if rep is not None:
        membership = Membership.objects.filter(
            user=rep, role=MembershipRole.REPRESENTATIVE, status="active"
        ).first()
        rep_org = next(
            (o for o in groups if membership and o.pk == membership.organization_id), None
        )
    ctx.shared["rep_organization"] = rep_org
    by_org: dict[int, list[int]] = defaultdict(list)
    for org_id, user_id in Membership.objects.filter(status="active").values_list(
        "organization_id", "user_id"
    ):
        by_org[org_id].append(user_id)
    ctx.shared["memberships_by_org"] = dict(by_org)


def load_shared(ctx: DemoContext) -> None:
    _expose(
        ctx,
        list(Organization.objects.select_related("org_type__actor_type").order_by("id")),
    )
