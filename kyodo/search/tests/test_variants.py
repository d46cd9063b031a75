"""Other spellings (表記ゆれ) and synonyms: each spelling finds the documents written with
the other, exact matches first, on whichever database the suite runs (SQLite by default,
PostgreSQL with DATABASE_URL). The pairs follow the issue and the 公用文 guidance on
okurigana (送り仮名の付け方: 取り組み／取組, 申し込み／申込 …)."""

from __future__ import annotations

import pytest

from kyodo.search import selectors, words
from kyodo.search.indexing import remove_document
from kyodo.search.tests.conftest import fts_integrity_check
from kyodo.search.tests.factories import make_doc

pytestmark = pytest.mark.django_db

VARIANT_PAIRS = [
    ("子供", "子ども"),
    ("子供", "こども"),
    ("子ども", "こども"),
    ("取り組み", "取組"),
    ("取り組み", "取組み"),
    ("取組", "取組み"),
    ("申し込み", "申込"),
    ("申し込み", "申込み"),
    ("申込", "申込み"),
    ("打ち合わせ", "打合せ"),
    ("受け付け", "受付"),
    ("引き続き", "引続き"),
    ("シミュレーション", "シュミレーション"),
    ("問い合わせ", "問合せ"),
    ("売り上げ", "売上"),
    ("売り上げ", "売上げ"),
    ("立ち入り", "立入"),
    ("立ち入り", "立入り"),
    ("付属", "附属"),
    ("話し合い", "話合い"),
    ("見積もり", "見積"),
    ("見積もり", "見積り"),
    ("締め切り", "締切"),
    ("締め切り", "締切り"),
    ("落とし物", "落し物"),
    ("貸し出し", "貸出"),
    ("貸し出し", "貸出し"),
    ("割り当て", "割当"),
    ("割り当て", "割当て"),
    ("取り扱い", "取扱"),
    ("取り扱い", "取扱い"),
    ("乗り換え", "乗換"),
    ("手続き", "手続"),
    ("届け出", "届出"),
    ("振り込み", "振込"),
    ("振り込み", "振込み"),
    ("払い戻し", "払戻し"),
    ("払い戻し", "払戻"),
    ("申し出", "申出"),
    ("呼び掛け", "呼びかけ"),
    ("差し押さえ", "差押え"),
    ("差し押さえ", "差押"),
    ("書き込み", "書込み"),
    ("売り場", "売場"),
    ("繰越し", "繰越"),
    ("ヴァイオリン", "バイオリン"),
    ("コンピューター", "コンピュータ"),
    ("サーバー", "サーバ"),
    ("一人暮らし", "独り暮らし"),
    ("子ども食堂", "こども食堂"),
    ("子供食堂", "こども食堂"),
    ("ゴミ", "ごみ"),
    ("髙橋", "高橋"),
    ("行う", "行なう"),
    ("出来る", "できる"),
    ("頂く", "いただく"),
]

SYNONYM_PAIRS = [
    ("自治会", "町内会"),
    ("ボランティア", "ボラ"),
    ("NPO", "特定非営利活動法人"),
    ("高齢者", "お年寄り"),
    ("障害者", "障がい者"),
]


def _found(query: str, anon) -> list[int]:  # type: ignore[no-untyped-def]
    return [d.object_id for d in selectors.search(query, user=anon, limit=100).documents]


def test_at_least_fifty_variant_pairs() -> None:
    assert len(VARIANT_PAIRS) >= 50
    assert len({frozenset(p) for p in VARIANT_PAIRS}) == len(VARIANT_PAIRS)


def test_each_spelling_finds_the_other(anon) -> None:  # type: ignore[no-untyped-def]
    # One document per spelling, the word inside a sentence as people write it.
    spellings = sorted({w for pair in VARIANT_PAIRS for w in pair})
    ids = {}
    for i, w in enumerate(spellings):
        ids[w] = make_doc(
            f"お知らせ{i}", f"市民の皆さんへ。{w}について、窓口でご案内します。"
        ).object_id
    fts_integrity_check()
    missing = []
    for a, b in VARIANT_PAIRS:
        for query, other in ((a, b), (b, a)):
            found = _found(query, anon)
            if ids[other] not in found or ids[query] not in found:
                missing.append(f"{query} → {other}")
    assert missing == []


def test_exact_spelling_ranks_first(anon) -> None:  # type: ignore[no-untyped-def]
    variant = make_doc("こども食堂のお知らせ", "毎月開いています", days_ago=0)
    exact = make_doc("活動報告", "子ども食堂を開きました", days_ago=30)
    page = selectors.search("子ども食堂", user=anon)
    assert [d.object_id for d in page.documents] == [exact.object_id, variant.object_id]
    assert not page.is_variant(page.documents[0])
    assert page.is_variant(page.documents[1])
    assert page.did_you_mean == ""  # something matched exactly


def test_exact_search_without_variants(anon) -> None:  # type: ignore[no-untyped-def]
    make_doc("こども食堂", "")
    assert selectors.search("子ども食堂", user=anon).documents  # with variants
    parsed_only = selectors.ranked_keys(
        selectors.q.parse("子ども食堂", variants=False), selectors.q.Filters(), ["public"], 10
    )
    assert parsed_only == []


def test_substring_inside_a_word_still_matches(anon) -> None:  # type: ignore[no-untyped-def]
    doc = make_doc("子育て支援センター", "")
    assert doc.object_id in _found("育て支", anon)  # not a word: the bigrams find it


@pytest.mark.parametrize(("a", "b"), SYNONYM_PAIRS)
def test_synonyms_find_each_other(a: str, b: str, anon) -> None:  # type: ignore[no-untyped-def]
    da = make_doc(f"{a}の集まり", "")
    db = make_doc(f"{b}の集まり", "")
    assert set(_found(a, anon)) == {da.object_id, db.object_id}
    assert set(_found(b, anon)) == {da.object_id, db.object_id}
    assert _found(a, anon)[0] == da.object_id  # exact first


def test_synonym_with_another_term(anon) -> None:  # type: ignore[no-untyped-def]
    d = make_doc("町内会の防災訓練", "")
    make_doc("町内会の夏祭り", "")
    assert _found("自治会 防災", anon) == [d.object_id]


def test_did_you_mean(anon) -> None:  # type: ignore[no-untyped-def]
    make_doc("町内会の防災訓練", "")
    page = selectors.search("自治会 防災", user=anon)
    assert page.did_you_mean == "町内会 防災"
    page = selectors.search("こども食堂", user=anon)
    assert page.documents == [] and page.did_you_mean == ""
    make_doc("子供食堂を開きます", "")
    page = selectors.search("こども食堂", user=anon)
    assert page.did_you_mean == "子供食堂"
    make_doc("子ども会の集まり", "")
    assert selectors.search("こども会", user=anon).did_you_mean == "子ども会"


def test_counts_include_other_spellings(anon) -> None:  # type: ignore[no-untyped-def]
    make_doc("申込のご案内", "", doc_type="event")
    make_doc("申し込み方法", "", doc_type="news")
    counts = selectors.count_by_type("申し込み", user=anon)
    assert {t: c.count for t, c in counts.items()} == {"event": 1, "news": 1}


def test_matching_ids_include_other_spellings() -> None:
    d = make_doc("打合せの記録", "", doc_type="project")
    assert selectors.matching_ids("project", "打ち合わせ") == [d.object_id]


def test_word_keys_follow_updates_and_deletes(anon) -> None:  # type: ignore[no-untyped-def]
    d = make_doc("申込", "", object_id=900)
    assert d.word_keys == " 申し込み "
    assert _found("申し込み", anon) == [900]
    make_doc("受付", "", object_id=900)  # the same object, another text
    fts_integrity_check()
    assert _found("申し込み", anon) == []
    assert _found("受け付け", anon) == [900]
    remove_document("project", 900)
    fts_integrity_check()
    assert _found("受け付け", anon) == []


def test_visibility_applies_to_variants(anon) -> None:  # type: ignore[no-untyped-def]
    make_doc("打合せ", "", visibility=("staff",))
    assert _found("打ち合わせ", anon) == []


def test_word_keys_only_for_other_spellings() -> None:
    assert words.word_keys("子供食堂の取り組み紹介と付属施設") == []
    assert words.word_keys("こども食堂の取組") == ["子供", "取り組み"]
    assert words.word_keys("シュミレーション") == ["しみゅれーしょん"]


class TestSearchSection:
    def test_defaults_without_section(self) -> None:
        v = words.parse_search_section({})
        assert ("自治会", "町内会", "町会") in v.synonyms
        assert "課題" in v.theme_stop_words

    def test_city_extends_and_replaces(self) -> None:
        v = words.parse_search_section(
            {"search": {"extra_synonyms": [["小江戸", "川越"]], "theme_stop_words": ["要望"]}}
        )
        assert ("小江戸", "川越") in v.synonyms and ("自治会", "町内会", "町会") in v.synonyms
        assert v.theme_stop_words == frozenset(["要望"])

    def test_errors_name_the_field(self) -> None:
        with pytest.raises(words.SearchDataError) as exc:
            words.parse_search_section(
                {"search": {"synonyms": [["ひとつ"], "x"], "colour": 1, "theme_stop_words": 3}}
            )
        message = str(exc.value)
        assert "search.synonyms[0]" in message
        assert "search.synonyms[1]" in message
        assert "search.colour: unknown field" in message
        assert "search.theme_stop_words" in message

    def test_shipped_file_has_a_valid_section(self) -> None:
        from django.conf import settings

        from kyodo.guideline.loader import read_guideline_file

        data = read_guideline_file(settings.KYODO_GUIDELINE_FILE)
        assert "search" in data
        v = words.parse_search_section(data)
        assert v.synonyms[0][:2] == ("子ども食堂", "こども食堂")

    def test_city_synonym_is_used(self, anon, monkeypatch) -> None:  # type: ignore[no-untyped-def]
        extended = words.parse_search_section({"search": {"extra_synonyms": [["小江戸", "川越"]]}})
        monkeypatch.setattr(words, "vocabulary", lambda: extended)
        words._synonym_index.cache_clear()
        try:
            d = make_doc("川越まつり", "")
            assert _found("小江戸", anon) == [d.object_id]
        finally:
            words._synonym_index.cache_clear()
