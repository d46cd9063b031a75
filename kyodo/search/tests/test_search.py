from __future__ import annotations

import pytest
from django.core.management import call_command
from django.urls import reverse

from kyodo.accounts.tests.factories import UserFactory
from kyodo.core.hooks import content_changed
from kyodo.organizations.tests.factories import OrganizationFactory, make_member
from kyodo.search import selectors
from kyodo.search.highlight import highlight, snippet
from kyodo.search.models import SearchDocument
from kyodo.search.tests.conftest import fts_integrity_check
from kyodo.search.tests.factories import make_doc

pytestmark = pytest.mark.django_db

HOSTILE = [
    "",
    " ",
    "　",
    '"',
    '""',
    "*",
    "(",
    ")",
    ":",
    "NEAR",
    "AND",
    "OR",
    "NOT",
    "-",
    "^",
    "+",
    '" * ( ) : NEAR AND OR -',
    "防災 OR 地域",
    "title:防災",
    "{title}: 防災",
    "NEAR(防災 地域, 2)",
    "'; DROP TABLE search_searchdocument; --",
    "%",
    "_",
    "%_%",
    "\\",
    "\\%",
    "a'b",
    "<script>alert(1)</script>",
    "\x00",
    "防\x00災",
    "🙂🙂",
    "𠮷野家",
    "ﾞ",
    "゛",
    "x" * 5000,
    "防災" * 500,
    "あ い う え お か き く け こ さ し",
    "&&",
    "||",
    "!",
    "<->",
    "'防災':A",
    "防災:*",
    "!!防災",
]


def titles(page: selectors.SearchPage) -> list[str]:
    return [d.title for d in page.documents]


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_queries_never_crash(query, anon, client) -> None:  # type: ignore[no-untyped-def]
    make_doc("防災訓練のお知らせ", "地域の防災訓練です。NEAR AND OR")
    selectors.search(query, user=anon)
    selectors.count_by_type(query, user=anon)
    selectors.suggest(query, user=anon)
    selectors.matching_ids("project", query)
    # A NUL character is refused at the door (RejectNulBytesMiddleware): 400, never a 500.
    expected = 400 if "\x00" in query else 200
    response = client.get(reverse("search:results"), {"q": query})
    assert response.status_code == expected
    response = client.get(reverse("search:suggest"), {"q": query})
    assert response.status_code == expected


def test_two_character_queries_find_substrings(anon) -> None:  # type: ignore[no-untyped-def]
    make_doc("防災訓練", "南古谷地区")
    make_doc("ごみゼロ運動", "清掃活動")
    make_doc("夏祭り", "子ども会")
    assert titles(selectors.search("防災", user=anon)) == ["防災訓練"]
    assert titles(selectors.search("ゴミ", user=anon)) == ["ごみゼロ運動"]
    assert titles(selectors.search("古谷", user=anon)) == ["防災訓練"]
    assert titles(selectors.search("災訓", user=anon)) == ["防災訓練"]
    assert titles(selectors.search("訓練 南古谷", user=anon)) == ["防災訓練"]
    assert titles(selectors.search("訓練 清掃", user=anon)) == []
    # A phrase never spans punctuation or a space.
    make_doc("あい、いう")
    assert titles(selectors.search("あいう", user=anon)) == []


def test_folding_in_search(anon) -> None:  # type: ignore[no-untyped-def]
    make_doc("髙橋ボランティアセンター", "ＮＰＯ法人")
    for query in ("高橋", "ぼらんてぃあ", "ｾﾝﾀｰ", "センタ−", "npo", "ＮＰＯ"):
        assert titles(selectors.search(query, user=anon)) == ["髙橋ボランティアセンター"], query


def test_one_character_queries(anon) -> None:  # type: ignore[no-untyped-def]
    make_doc("川越市の防災", "", days_ago=2)
    make_doc("地域の清掃", "市民が参加", days_ago=1)
    make_doc("夏祭り", "子ども会")
    assert titles(selectors.search("市", user=anon)) == [
        "川越市の防災",
        "地域の清掃",
    ]  # title first
    assert titles(selectors.search("祭", user=anon)) == ["夏祭り"]
    assert titles(selectors.search("市 防災", user=anon)) == ["川越市の防災"]  # mixed
    assert selectors.count_by_type("市", user=anon)["project"].count == 2


def test_one_character_scan_is_bounded(anon, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(selectors, "SHORT_SCAN_CAP", 2)
    make_doc("市の古い話", days_ago=30)
    make_doc("新しい話", days_ago=1)
    make_doc("もっと新しい話")
    assert titles(selectors.search("市", user=anon)) == []  # outside the newest 2
    assert titles(selectors.search("市の", user=anon)) == ["市の古い話"]  # the index has no cap


def test_ranking_title_then_phrase_then_recency(anon) -> None:  # type: ignore[no-untyped-def]
    make_doc("古い防災の記事", days_ago=300)
    make_doc("新しいお知らせ", "防災について", days_ago=1)
    make_doc("新しい防災の記事", days_ago=10)
    assert titles(selectors.search("防災", user=anon)) == [
        "新しい防災の記事",
        "古い防災の記事",
        "新しいお知らせ",
    ]
    make_doc("訓練と防災", days_ago=0)  # both terms in the title, not as a phrase
    make_doc("防災訓練の手引き", days_ago=200)  # the whole phrase in the title
    make_doc("お知らせ", "防災訓練をします", days_ago=0)  # the phrase in the body
    make_doc("お知らせ2", "訓練のあと防災の話", days_ago=0)  # both terms in the body
    assert titles(selectors.search("防災 訓練", user=anon)) == [
        "防災訓練の手引き",
        "訓練と防災",
        "お知らせ",
        "お知らせ2",
    ]


def test_an_organizations_exact_name_comes_first(anon) -> None:  # type: ignore[no-untyped-def]
    make_doc("川越防災ネットワーク", "防災の会", doc_type="organization", days_ago=900)
    for i in range(5):
        make_doc(f"川越防災ネットワーク主催 訓練{i}", "川越防災ネットワークの活動", days_ago=i)
    page = selectors.search("川越防災ネットワーク", user=anon)
    assert page.documents[0].doc_type == "organization"
    assert page.documents[0].title == "川越防災ネットワーク"
    assert selectors.search("かわごえ防災ネットワーク", user=anon).documents == []


def test_private_documents_only_for_those_allowed(anon) -> None:  # type: ignore[no-untyped-def]
    org = OrganizationFactory()
    member = make_member(org)
    outsider = UserFactory()
    admin = UserFactory(is_superuser=True, is_staff=True)
    make_doc("秘密の相談メモ", "防災計画の下書き", visibility=(f"org:{org.pk}",))
    make_doc("公開の防災計画", "")
    assert titles(selectors.search("防災", user=anon)) == ["公開の防災計画"]
    assert titles(selectors.search("防災", user=outsider)) == ["公開の防災計画"]
    assert set(titles(selectors.search("防災", user=member))) == {
        "秘密の相談メモ",
        "公開の防災計画",
    }
    assert len(selectors.search("防災", user=admin).documents) == 2
    assert selectors.count_by_type("防災", user=anon)["project"].count == 1
    assert selectors.count_by_type("防災", user=member)["project"].count == 2
    assert selectors.suggest("秘密", user=anon) == []
    assert selectors.matching_ids("project", "秘密") == []
    assert titles(selectors.search("秘", user=anon)) == []  # the one-character scan too


def test_filters(anon) -> None:  # type: ignore[no-untyped-def]
    make_doc(
        "防災訓練A", districts=("furuya",), fields=("bousai",), fiscal_year=2025, status="open"
    )
    make_doc(
        "防災訓練B", doc_type="event", districts=("yoshino",), fiscal_year=2024, status="closed"
    )
    assert titles(selectors.search("防災", user=anon, types=["event"])) == ["防災訓練B"]
    assert titles(selectors.search("防災", user=anon, filters={"district": "furuya"})) == [
        "防災訓練A"
    ]
    assert titles(selectors.search("防災", user=anon, filters={"field": "bousai"})) == ["防災訓練A"]
    assert titles(selectors.search("防災", user=anon, filters={"fiscal_year": 2024})) == [
        "防災訓練B"
    ]
    assert titles(selectors.search("防災", user=anon, filters={"status": "open"})) == ["防災訓練A"]
    assert titles(selectors.search("防", user=anon, filters={"district": "yoshino"})) == [
        "防災訓練B"
    ]
    counts = selectors.count_by_type("防災", user=anon, filters={"fiscal_year": 2025})
    assert {k: v.count for k, v in counts.items()} == {"project": 1}
    assert selectors.search("防災", user=anon, types=["nonsense"]).documents == []


def test_pagination_is_capped(anon) -> None:  # type: ignore[no-untyped-def]
    for i in range(25):
        make_doc(f"清掃活動{i}", days_ago=i)
    first = selectors.search("清掃", user=anon, limit=20)
    second = selectors.search("清掃", user=anon, limit=20, offset=20)
    assert first.has_next and not second.has_next
    assert len(first.documents) == 20 and len(second.documents) == 5
    assert not {d.pk for d in first.documents} & {d.pk for d in second.documents}
    far = selectors.search("清掃", user=anon, offset=10**9)
    assert far.offset == selectors.MAX_RESULTS - 20


def test_listener_keeps_the_index_in_step(anon) -> None:  # type: ignore[no-untyped-def]
    org = OrganizationFactory(name="小江戸子ども食堂ネットワーク", description="食堂の運営")
    content_changed(org)
    assert titles(selectors.search("子ども食堂", user=anon)) == ["小江戸子ども食堂ネットワーク"]
    org.name = "小江戸こども食堂の会"
    org.save()
    content_changed(org)
    assert titles(selectors.search("こども食堂", user=anon)) == ["小江戸こども食堂の会"]
    assert titles(selectors.search("ネットワーク", user=anon)) == []
    org.registration_status = "suspended"
    org.save()
    content_changed(org)
    assert titles(selectors.search("食堂", user=anon)) == []
    content_changed(org, deleted=True)
    assert not SearchDocument.objects.filter(doc_type="organization", object_id=org.pk).exists()
    fts_integrity_check()


def test_reindex_command_rebuilds_everything(anon) -> None:  # type: ignore[no-untyped-def]
    OrganizationFactory(name="霞ケ関防犯パトロール隊")
    OrganizationFactory(name="名細環境の会")
    make_doc("消えるべき古い文書")  # not backed by any object: the rebuild drops it
    call_command("reindex", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert titles(selectors.search("防犯", user=anon)) == ["霞ケ関防犯パトロール隊"]
    assert selectors.matching_ids("organization", "環境") != []
    assert titles(selectors.search("古い文書", user=anon)) == []
    call_command("reindex", "--type", "organization", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert SearchDocument.objects.filter(doc_type="organization").count() == 2
    fts_integrity_check()


def test_highlight_escapes_then_marks() -> None:
    assert str(highlight("<b>防災</b>訓練", ["防災"])) == "&lt;b&gt;<mark>防災</mark>&lt;/b&gt;訓練"
    assert str(highlight("ゴミ拾い", ["ごみ"])) == "<mark>ゴミ</mark>拾い"
    assert str(highlight("ＡＢＣ", ["abc"])) == "<mark>ＡＢＣ</mark>"
    long = "あ" * 200 + "防災" + "い" * 200
    text = str(snippet(long, ["防災"], width=60))
    assert "<mark>防災</mark>" in text and text.startswith("…") and text.endswith("…")


def test_a_failing_provider_does_not_undo_the_content_change(anon, monkeypatch, caplog) -> None:  # type: ignore[no-untyped-def]
    from kyodo.search import providers

    org = OrganizationFactory(name="壊れた索引の会")
    real = providers._providers["organizations.Organization"]

    def broken(obj):  # type: ignore[no-untyped-def]
        raise AttributeError("model changed")

    monkeypatch.setitem(
        providers._providers,
        "organizations.Organization",
        providers.Provider(real.model_label, real.doc_type, broken, real.queryset),
    )
    content_changed(org)  # logged, not raised
    assert "could not index" in caplog.text
    assert selectors.search("壊れた", user=anon).documents == []


def test_a_draft_event_is_found_only_by_those_who_may_open_it(anon) -> None:  # type: ignore[no-untyped-def]
    """Search follows events.view_event: the organising group's managers (and admins) find a
    draft; a plain member of that group and staff of an unrelated department do not."""
    from kyodo.events.models import EventStatus
    from kyodo.events.tests.factories import EventFactory
    from kyodo.organizations.models import MembershipRole
    from kyodo.organizations.tests.factories import DepartmentFactory

    org = OrganizationFactory()
    event = EventFactory(organization=org, status=EventStatus.DRAFT, title="準備中の防災訓練")
    content_changed(event)
    representative = make_member(org, MembershipRole.REPRESENTATIVE)
    plain_member = make_member(org)
    other_staff = make_member(DepartmentFactory())
    admin = UserFactory(is_superuser=True, is_staff=True)
    for user in (representative, admin):
        assert user.has_perm("events.view_event", event)
        assert titles(selectors.search("防災訓練", user=user)) == ["準備中の防災訓練"]
    for user in (anon, plain_member, other_staff):
        assert not user.has_perm("events.view_event", event)
        assert titles(selectors.search("防災訓練", user=user)) == []
