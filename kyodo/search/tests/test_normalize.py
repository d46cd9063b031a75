from __future__ import annotations

import pytest

from kyodo.search.normalize import RUN_BREAK, bigrams, fts_tokens, normalize, query_terms, runs


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("ＡＢＣ１２３", "abc123"),
        ("ｶﾀｶﾅ", "かたかな"),
        ("ゴミ", "ごみ"),
        ("ボランティアセンター", "ぼらんてぃあせんたー"),
        ("センタ−", "せんたー"),  # minus sign typed for the long-vowel mark
        ("センタ-", "せんたー"),
        ("センタｰ", "せんたー"),
        ("センタ—", "せんたー"),
        ("髙橋", "高橋"),
        ("山﨑", "山崎"),
        ("渡邊", "渡辺"),
        ("渡邉", "渡辺"),
        ("齋藤", "斎藤"),
        ("齊藤", "斎藤"),
        ("濵田", "浜田"),
        ("德川", "徳川"),
        ("NPO法人　川越", "npo法人 川越"),  # ideographic space
        ("  a \n\t b  ", "a b"),
        ("ヴァイオリン", "ゔぁいおりん"),
    ],
)
def test_folding(a: str, b: str) -> None:
    assert normalize(a) == normalize(b)


def test_runs_split_on_spaces_and_punctuation() -> None:
    assert runs(normalize("防災訓練、清掃・夏祭り！ a-b")) == ["防災訓練", "清掃", "夏祭り", "aーb"]


def test_bigrams_and_unigrams() -> None:
    assert bigrams("防災訓練") == ["防災", "災訓", "訓練"]
    assert bigrams("市") == ["市"]


def test_phrases_cannot_span_runs() -> None:
    # "あい いう": without a break token, the phrase あい+いう (query あいう) would match.
    assert fts_tokens("あい いう") == f"あい {RUN_BREAK} いう"
    assert fts_tokens("あ いう") == "あ いう"  # a unigram already separates


def test_query_terms_are_deduplicated_and_normalised() -> None:
    assert query_terms("防災　ボウサイ 防災") == ["防災", "ぼうさい"]
    assert query_terms('" * ( ) : NEAR AND OR -') == ["near", "and", "or", "ー"]
    assert query_terms("") == []
