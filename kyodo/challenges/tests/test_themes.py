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
    maps = services.build_theme_maps(district_codes=["honcho"])
    assert len(maps) == 1 and maps[0].district.code == "honcho"
    assert Theme.objects.filter(theme_map=maps[0]).exists()
    for _ in range(4):
        services.build_theme_maps(district_codes=["honcho"])
    assert ThemeMap.objects.filter(district__code="honcho").count() == 3
    city = services.build_theme_maps()
    assert city[0].district is None and city[0].issue_count == 30
