from __future__ import annotations

import datetime as dt
import random

import numpy as np
import pytest

from kyodo.challenges import services
from kyodo.challenges.models import Theme, ThemeMap
from kyodo.challenges.tests.factories import IssueFactory
from kyodo.challenges.themes import (
    Doc,
    TfidfVectorizer,
    char_ngrams,
    compute_themes,
    spherical_kmeans,
)
from kyodo.guideline.tests import codes

TEMPLATES = [
    "{p}の街灯が切れていて夜道が暗い",
    "{p}のごみ集積所でカラス被害が続いている",
    "{p}付近の通学路の見通しが悪い交差点",
]
PLACES = ["小仙波公園", "霞ケ関駅", "名細小学校", "南古谷駅", "山田公民館"]


def _docs(n: int, seed: int = 1) -> list[Doc]:
    rng = random.Random(seed)
    docs = []
    for i in range(n):
        t = i % 3
        title = TEMPLATES[t].format(p=rng.choice(PLACES))
        docs.append(
            Doc(i, title, title + "。困っています。", dt.date(2026, 1 + i % 11, 1), field_id=t)
        )
    return docs


def test_char_ngrams_drop_hiragana_only_grams():
    grams = char_ngrams("街灯が切れている")
    assert "街灯" in grams and "ている" not in grams and "いる" not in grams


def test_tfidf_rows_are_unit_length():
    v = TfidfVectorizer(min_df=1).fit(["街灯が暗い", "カラス被害", "街灯の交換"])
    x = v.transform(["街灯が暗い", "まったく関係ない"])
    assert np.isclose(np.linalg.norm(x[0]), 1.0)


def test_kmeans_is_deterministic():
    x = TfidfVectorizer().fit([d.title for d in _docs(60)]).transform([d.title for d in _docs(60)])
    a = spherical_kmeans(x, 3, seed=0)[1]
    b = spherical_kmeans(x, 3, seed=0)[1]
    assert (a == b).all()


def test_compute_themes_groups_similar_issues():
    docs = _docs(90)
    results = compute_themes(docs, today=dt.date(2026, 11, 25), k=3)
    assert len(results) == 3
    for r in results:
        members = {docs[i].field_id for i in r.member_ids}
        assert len(members) == 1  # each theme holds one kind of problem
        assert r.size == 30
        assert len(r.trend) == 12 and sum(c for _m, c in r.trend) == 30
        assert r.representative_ids and r.keywords
    labels = " ".join(r.label for r in results)
    assert "カラス" in labels
    assert "街灯" in labels or "夜道" in labels
    assert "交差点" in labels or "通学路" in labels


def test_compute_themes_with_sampling_assigns_every_issue():
    docs = _docs(300)
    results = compute_themes(docs, today=dt.date(2026, 11, 25), k=3, fit_sample=60, batch_size=70)
    assert sum(r.size for r in results) == 300


def test_too_few_issues_give_no_themes():
    assert compute_themes(_docs(4), today=dt.date(2026, 11, 25)) == []


@pytest.mark.django_db
def test_build_theme_maps_stores_and_keeps_the_latest():
    for i in range(30):
        IssueFactory(title=TEMPLATES[i % 3].format(p=PLACES[i % 5]))
    first = codes.district(0, "honcho").code
    maps = services.build_theme_maps(district_codes=[first])
    assert len(maps) == 1 and maps[0].district.code == first
    assert Theme.objects.filter(theme_map=maps[0]).exists()
    for _ in range(4):
        services.build_theme_maps(district_codes=[first])
    assert ThemeMap.objects.filter(district__code=first).count() == 3
    city = services.build_theme_maps()
    assert city[0].district is None and city[0].issue_count == 30


def _boundaries(text: str) -> set[int]:
    from kyodo.search.words import analyse

    cuts, pos = {0}, 0
    for w in analyse(text):
        pos += len(w.surface)
        cuts.add(pos)
    return cuts


def _is_whole_word(keyword: str, texts: list[str]) -> bool:
    """The keyword occurs in some text starting and ending on the analyser's word
    boundaries (not inside a word, as 子育 in 子育て)."""
    import unicodedata

    for text in texts:
        t = unicodedata.normalize("NFKC", text)
        cuts = _boundaries(t)
        start = t.find(keyword)
        while start >= 0:
            if start in cuts and start + len(keyword) in cuts:
                return True
            start = t.find(keyword, start + 1)
    return False


def test_keywords_are_whole_words_never_cut():
    from kyodo.challenges.themes import theme_words

    text = "食べ放題の店で子育て中の一人暮らし高齢者の見守り活動。通学路の見通しが悪い"
    surfaces = {shown for _key, shown in theme_words(text)}
    for cut in ("子育", "一人暮", "見通", "放題", "見守"):
        assert cut not in surfaces
    assert {"食べ放題", "一人暮らし", "見通し", "見守り活動", "通学路"} <= surfaces


def test_spellings_count_as_one_keyword():
    from kyodo.challenges.themes import theme_words

    assert {k for k, _s in theme_words("子ども")} == {k for k, _s in theme_words("こども")}


def test_stop_words_come_from_the_municipality_file(monkeypatch):
    from kyodo.challenges import themes
    from kyodo.search import words

    docs = [
        Doc(i, f"{p}の課題", f"{p}の公園の遊具が壊れている", dt.date(2026, 1, 1))
        for i, p in enumerate(["霞ケ関", "小仙波", "南古谷", "名細", "山田", "高階"] * 2)
    ]
    results = compute_themes(docs, today=dt.date(2026, 11, 25), k=1)
    assert all("課題" not in r.keywords for r in results)
    custom = words.parse_search_section({"search": {"theme_stop_words": ["遊具"]}})
    monkeypatch.setattr(themes, "stop_words", lambda: custom.theme_stop_words)
    results = compute_themes(docs, today=dt.date(2026, 11, 25), k=1)
    assert all("遊具" not in r.keywords for r in results)


def test_demo_theme_map_shows_no_cut_words():
    """The demo data's issues (kyodo/challenges/demo_text.py): every keyword of every theme
    is a whole word in the issues' text."""
    from kyodo.challenges import demo_text as text

    rng = random.Random(7)
    docs, texts = [], []
    for i in range(400):
        field = rng.choice(list(text.TEMPLATES))
        title_t, details, _tier, _dept = rng.choice(text.TEMPLATES[field])
        place = rng.choice(rng.choice(list(text.PLACES.values())))
        opener = rng.choice(text.OPENERS).format(since=rng.choice(text.SINCE))
        title = title_t.format(place=place)
        body = f"{opener}{rng.choice(details)}{rng.choice(text.CLOSERS)}"
        docs.append(Doc(i, title, body, dt.date(2026, 1 + i % 11, 1)))
        texts.append(title + "\n" + body)
    results = compute_themes(docs, today=dt.date(2026, 11, 25))
    keywords = {k for r in results for k in r.keywords}
    assert len(keywords) >= 10
    cut = sorted(k for k in keywords if not _is_whole_word(k, texts))
    assert cut == []
