"""The theme map ("broad listening"): group similar local issues into themes.

Method (no model download, numpy only):
1. Text → NFKC, lower case, letters and digits only; character 2- and 3-grams (Japanese has
   no spaces, and character n-grams catch 街灯/防犯灯/外灯 alike). N-grams made only of
   hiragana are dropped: they are mostly particles and endings (「して」「ている」).
2. TF-IDF with sublinear term frequency, a vocabulary of the most frequent n-grams
   (min_df 2, max_df 40%), rows L2-normalised.
3. Spherical k-means (cosine), k-means++ start with a fixed seed, so the same data gives the
   same themes. k ≈ √(n/4), between 3 and 16. Large sets are fitted on a sample and then
   every issue is assigned in batches, so memory stays bounded at any scale.
4. Each theme: its size, the issues closest to its centre (representatives), keywords by
   class-based TF-IDF on whole words, the most common field, and the number of issues per
   month (trend).

Keywords are words, never cut mid-word (子育て, not 子育): nouns and compounds from the
morphological analyser (kyodo.search.words, Sudachi split mode C). A noun with its
suffixes (自転車, 防犯灯, 集積所) or prefix is one unit, and a verb stem directly before a
noun joins it (食べ放題, 見守り活動); consecutive units form a compound (ごみ集積所,
放置自転車), counted beside its units. Spellings of one word count as one (子ども/子供:
Sudachi's normalised form), shown in the spelling used most. Filler words (課題, 地域,
問題 …) are data: the municipality file's [search] theme_stop_words.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)
_HIRAGANA_ONLY = re.compile(r"^[\u3041-\u309f]+$")
_WORD_RUN = re.compile(r"[^\W_]+")


def stop_words() -> frozenset[str]:
    """Words never shown as keywords: the municipality file's [search] theme_stop_words
    (kyodo.search.words; a built-in list when the file has none), normalised."""
    from kyodo.search.words import vocabulary

    return vocabulary().theme_stop_words


_NOUN_UNIT_POS = frozenset(["名詞"])
_SKIP_NOUN = frozenset(["数詞"])
_HONORIFICS = frozenset(
    ["さん", "様", "さま", "ちゃん", "くん", "君", "氏", "たち", "達", "ら", "等"]
)


def theme_words(text: str) -> list[tuple[str, str]]:
    """(key, surface) of the whole words and compounds of a text: the key folds spellings
    (Sudachi's normalised form through the search normaliser), the surface is as written
    (NFKC)."""
    from kyodo.search.normalize import normalize as search_normalize
    from kyodo.search.words import analyse

    units: list[list[tuple[str, str]]] = []  # compounds, each a list of (key, surface) units
    current: list[tuple[str, str]] = []
    unit: tuple[str, str] | None = None
    pending_prefix: tuple[str, str] | None = None
    pending_stem: tuple[str, str] | None = None

    def close_unit() -> None:
        nonlocal unit
        if unit is not None:
            current.append(unit)
            unit = None

    def close_compound() -> None:
        nonlocal current
        close_unit()
        if current:
            units.append(current)
        current = []

    for w in analyse(text):
        nf, surface = w.normalized_form, w.surface
        if w.pos in _NOUN_UNIT_POS and w.pos_detail not in _SKIP_NOUN:
            close_unit()
            key, shown = nf, surface
            for extra in (pending_stem, pending_prefix):
                if extra is not None:
                    key, shown = extra[0] + key, extra[1] + shown
            unit = (key, shown)
            pending_prefix = pending_stem = None
            continue
        if w.pos == "接尾辞" and surface in _HONORIFICS:
            continue  # 民生委員さん → 民生委員
        if w.pos == "接尾辞" and unit is not None:
            unit = (unit[0] + nf, unit[1] + surface)
            continue
        if w.pos == "接頭辞":
            close_compound()
            pending_prefix, pending_stem = (nf, surface), None
            continue
        if w.pos == "動詞" and w.pos_detail == "一般" and w.conjugation.startswith("連用形"):
            # A verb stem joins the noun right after it: 食べ放題, 見守り活動.
            close_compound()
            pending_stem, pending_prefix = (surface, surface), None
            continue
        close_compound()
        pending_prefix = pending_stem = None
    close_compound()

    out: list[tuple[str, str]] = []
    for compound in units:
        pieces = list(compound)
        if len(compound) > 1:
            pieces.append(("".join(k for k, _s in compound), "".join(s for _k, s in compound)))
        for key, shown in pieces:
            key_norm = search_normalize(key)
            shown = unicodedata.normalize("NFKC", shown)
            # (Short hiragana-only nouns are filler: こと, もの, ため.)
            short_kana = len(shown) <= 2 and _HIRAGANA_ONLY.match(shown)
            if _WORD_RUN.fullmatch(key_norm) and not short_kana:
                out.append((key_norm, shown))
    return out


METHOD = "char 2-3gram TF-IDF + spherical k-means (numpy)"


@dataclass(frozen=True)
class Doc:
    id: int
    title: str
    text: str
    created_at: dt.date
    field_id: int | None = None


@dataclass
class ThemeResult:
    label: str
    keywords: list[str]
    size: int
    representative_ids: list[int]
    trend: list[tuple[str, int]]
    top_field_id: int | None = None
    member_ids: list[int] = field(default_factory=list)


def normalize(text: str) -> str:
    return _NON_WORD.sub("", unicodedata.normalize("NFKC", text or "").lower())


def char_ngrams(text: str, sizes: Sequence[int] = (2, 3)) -> list[str]:
    t = normalize(text)
    grams = []
    for n in sizes:
        for i in range(len(t) - n + 1):
            g = t[i : i + n]
            if not _HIRAGANA_ONLY.match(g):
                grams.append(g)
    return grams


def _doc_text(doc: Doc) -> str:
    # The title says what the issue is about; count it twice.
    return f"{doc.title} {doc.title} {doc.text}"


class TfidfVectorizer:
    def __init__(self, *, max_features: int = 3000, min_df: int = 2, max_df: float = 0.4) -> None:
        self.max_features = max_features
        self.min_df = min_df
        self.max_df = max_df
        self.vocabulary: dict[str, int] = {}
        self.idf: np.ndarray = np.zeros(0, dtype=np.float32)

    def fit(self, texts: Sequence[str]) -> TfidfVectorizer:
        n = len(texts)
        df: Counter[str] = Counter()
        for t in texts:
            df.update(set(char_ngrams(t)))
        limit = max(self.min_df, int(self.max_df * n)) if n >= 10 else n
        candidates = [(g, c) for g, c in df.items() if self.min_df <= c <= limit] or list(
            df.items()
        )
        candidates.sort(key=lambda gc: (-gc[1], gc[0]))
        kept = candidates[: self.max_features]
        self.vocabulary = {g: i for i, (g, _c) in enumerate(kept)}
        counts = np.array([c for _g, c in kept], dtype=np.float32)
        self.idf = (np.log((1.0 + n) / (1.0 + counts)) + 1.0).astype(np.float32)
        return self

    def transform(self, texts: Sequence[str]) -> np.ndarray:
        matrix = np.zeros((len(texts), len(self.vocabulary)), dtype=np.float32)
        for row, t in enumerate(texts):
            tf = Counter(g for g in char_ngrams(t) if g in self.vocabulary)
            for g, c in tf.items():
                matrix[row, self.vocabulary[g]] = 1.0 + math.log(c)
        matrix *= self.idf
        norms = np.linalg.norm(matrix, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        return matrix / norms


def spherical_kmeans(
    x: np.ndarray, k: int, *, seed: int = 0, iterations: int = 30
) -> tuple[np.ndarray, np.ndarray]:
    """Cosine k-means on L2-normalised rows; returns (centroids, labels)."""
    rng = np.random.default_rng(seed)
    n = x.shape[0]
    k = max(1, min(k, n))
    # k-means++ on cosine distance.
    centroids = np.empty((k, x.shape[1]), dtype=np.float32)
    centroids[0] = x[rng.integers(n)]
    closest = 1.0 - x @ centroids[0]
    for j in range(1, k):
        weights = np.clip(closest, 0, None) ** 2
        total = float(weights.sum())
        idx = int(rng.choice(n, p=weights / total)) if total > 0 else int(rng.integers(n))
        centroids[j] = x[idx]
        closest = np.minimum(closest, 1.0 - x @ centroids[j])
    labels = np.full(n, -1, dtype=np.int64)
    for _ in range(iterations):
        sims = x @ centroids.T
        new_labels = sims.argmax(axis=1)
        if np.array_equal(new_labels, labels):
            break
        labels = new_labels
        for j in range(k):
            members = x[labels == j]
            if len(members) == 0:
                # Re-seed an empty cluster with the point worst served by its centre.
                worst = int(sims.max(axis=1).argmin())
                centroids[j] = x[worst]
                continue
            c = members.sum(axis=0)
            norm = float(np.linalg.norm(c))
            centroids[j] = c / norm if norm else c
    return centroids, labels


def choose_k(n: int) -> int:
    return int(max(3, min(16, round(math.sqrt(n / 4)), n // 3 or 1)))


def _keywords(
    member_words: Counter[str], size: int, df: Counter[str], n: int, limit: int = 6
) -> list[str]:
    # Class-based TF-IDF; words in more than half of all issues ("対応", "早急") say nothing.
    stop = stop_words()
    scored = [
        (count / size * math.log(n / df[w]), w)
        for w, count in member_words.items()
        if len(w) >= 2 and w not in stop and (count >= 2 or size < 4) and df[w] <= 0.5 * n
    ]
    scored.sort(key=lambda sw: (-sw[0], sw[1]))
    words: list[str] = []
    for _score, w in scored:
        if any(w in kept or kept in w for kept in words):
            continue
        words.append(w)
        if len(words) == limit:
            break
    return words


def _month_key(d: dt.date) -> str:
    return f"{d.year:04d}-{d.month:02d}"


def _months(today: dt.date, count: int) -> list[str]:
    keys = []
    y, m = today.year, today.month
    for _ in range(count):
        keys.append(f"{y:04d}-{m:02d}")
        m -= 1
        if m == 0:
            y, m = y - 1, 12
    return list(reversed(keys))


def compute_themes(
    docs: Sequence[Doc],
    *,
    today: dt.date,
    k: int | None = None,
    fit_sample: int = 6000,
    batch_size: int = 4000,
    trend_months: int = 12,
    representatives: int = 5,
    min_size: int = 2,
    seed: int = 0,
) -> list[ThemeResult]:
    n = len(docs)
    if n < 6:
        return []
    k = k or choose_k(n)
    rng = np.random.default_rng(seed)
    texts = [_doc_text(d) for d in docs]
    if n > fit_sample:
        sample_idx = np.sort(rng.choice(n, fit_sample, replace=False))
    else:
        sample_idx = np.arange(n)
    vectorizer = TfidfVectorizer().fit([texts[i] for i in sample_idx])
    if not vectorizer.vocabulary:
        return []
    centroids, _labels = spherical_kmeans(
        vectorizer.transform([texts[i] for i in sample_idx]), k, seed=seed
    )
    labels = np.empty(n, dtype=np.int64)
    best = np.empty(n, dtype=np.float32)
    for start in range(0, n, batch_size):
        sims = vectorizer.transform(texts[start : start + batch_size]) @ centroids.T
        labels[start : start + batch_size] = sims.argmax(axis=1)
        best[start : start + batch_size] = sims.max(axis=1)

    # Whole words (keys fold spellings); each shown in the spelling used most.
    words_per_doc: list[set[str]] = []
    spellings: dict[str, Counter[str]] = {}
    for d in docs:
        keys = set()
        for key, shown in theme_words(d.title + "\n" + d.text):
            keys.add(key)
            spellings.setdefault(key, Counter())[shown] += 1
        words_per_doc.append(keys)
    df: Counter[str] = Counter()
    for ws in words_per_doc:
        df.update(ws)
    months = _months(today, trend_months)
    month_set = set(months)
    results: list[ThemeResult] = []
    for j in range(len(centroids)):
        idx = np.flatnonzero(labels == j)
        if len(idx) < min_size:
            continue
        order = idx[np.argsort(-best[idx], kind="stable")]
        member_words: Counter[str] = Counter()
        trend: Counter[str] = Counter()
        fields: Counter[int] = Counter()
        for i in idx.tolist():
            member_words.update(words_per_doc[i])
            doc = docs[i]
            key = _month_key(doc.created_at)
            if key in month_set:
                trend[key] += 1
            if doc.field_id is not None:
                fields[doc.field_id] += 1
        keywords: list[str] = []
        for key in _keywords(member_words, len(idx), df, n, limit=10):
            shown = spellings[key].most_common(1)[0][0]
            # (Keys fold spellings: 一人 and 一人暮らし (key 独り暮らし) differ as keys.)
            if not any(shown in kept or kept in shown for kept in keywords):
                keywords.append(shown)
        keywords = keywords[:6]
        label = "・".join(keywords[:3]) if keywords else docs[int(order[0])].title
        results.append(
            ThemeResult(
                label=label[:200],
                keywords=keywords,
                size=len(idx),
                representative_ids=[docs[int(i)].id for i in order[:representatives]],
                trend=[(m, trend.get(m, 0)) for m in months],
                top_field_id=fields.most_common(1)[0][0] if fields else None,
                member_ids=[docs[int(i)].id for i in idx],
            )
        )
    results.sort(key=lambda r: (-r.size, r.label))
    return results
