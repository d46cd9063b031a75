"""Words: the morphological analyser (SudachiPy + sudachidict_core), the word keys indexed
beside the bigrams, and the curated synonyms (docs/search.md, docs/decisions/0005).

The bigram index finds every substring, but not another spelling of the same word
(子ども / こども / 子供, 申し込み / 申込, 打ち合わせ / 打合せ). Sudachi's normalised form
folds those (表記ゆれ): each word of a document whose spelling differs from its
normalised form is indexed as a *word key* — "〓" + the normalised form, run through the
same character normaliser as everything else (`normalize.normalize`). A key starts with
〓, which is never a word character, so it can never equal a bigram or a facet token.
Only words spelled differently from their normalised form get a key: a document written
in the normalised spelling is already found by the bigram phrase of that spelling, so a
query for any spelling looks for "the normalised spelling as a substring, or its key".

The analyser is loaded once per process (a lazy module-level singleton; a worker process
made by fork creates its own tokenizer on first use). The dictionary is memory-mapped.
"""

from __future__ import annotations

import os
import re
import threading
import tomllib
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from kyodo.search.normalize import normalize

KEY_MARK = "〓"
# Parts of speech that carry no searchable meaning (particles, auxiliaries, symbols) and
# affixes (お→御 would give every お-word the key 御).
_SKIP_POS = frozenset(["助詞", "助動詞", "補助記号", "空白", "記号", "接頭辞", "接尾辞"])
_WORD_RUN = re.compile(r"[^\W_]+")
# Sudachi refuses input longer than about 49,000 bytes; bodies are cut at 7,500
# characters (indexing.BODY_MAX), so this only guards odd callers.
_MAX_CHARS = 12_000

_lock = threading.Lock()
_dictionary: Any = None
_local = threading.local()


def _tokenizer() -> Any:
    """This thread's tokenizer over the process's one dictionary (a SudachiPy tokenizer is
    not safe to share between threads; a forked process makes its own)."""
    global _dictionary
    tok = getattr(_local, "tok", None)
    if tok is not None and _local.pid == os.getpid():
        return tok
    with _lock:
        if _dictionary is None:
            from sudachipy import Dictionary

            _dictionary = Dictionary(dict="core")
    tok = _dictionary.tokenizer(mode="C", fields={"pos", "normalized_form"})
    _local.tok = tok
    _local.pid = os.getpid()
    return tok


@dataclass(frozen=True)
class Word:
    surface: str  # as written (NFKC)
    normalized_form: str  # Sudachi's normalised form (NFKC)
    pos: str  # the first part-of-speech field (名詞, 動詞 …)
    pos_detail: str  # the second (固有名詞, 数詞, 普通名詞 …)
    conjugation: str = ""  # the sixth (連用形-一般 …)

    @property
    def surface_norm(self) -> str:
        return normalize(self.surface)

    @property
    def key(self) -> str:
        """The normalised form through the search normaliser ("" when it is not one run
        of word characters)."""
        norm = normalize(self.normalized_form)
        return norm if _WORD_RUN.fullmatch(norm) else ""

    @property
    def is_content(self) -> bool:
        return self.pos not in _SKIP_POS


def analyse(text: str) -> list[Word]:
    """The words of a text (Sudachi split mode C: the longest units, so compounds such as
    一人暮らし stay whole)."""
    text = unicodedata.normalize("NFKC", text or "").replace("\x00", " ")[:_MAX_CHARS]
    if not text.strip():
        return []
    out: list[Word] = []
    for m in _tokenizer().tokenize(text):
        pos = m.part_of_speech()
        out.append(Word(m.surface(), m.normalized_form(), pos[0], pos[1], pos[5]))
    return out


def word_keys(*texts: str) -> list[str]:
    """The distinct keys of the words of these texts whose spelling differs from their
    normalised form (子ども → 子供, 申込 → 申し込み, 取組み → 取り組み), in order.
    (The index build's hot path: most words are written in their normalised form, so the
    raw strings are compared first and only the rest are looked at closely.)"""
    text = "\n".join(t for t in texts if t)
    text = unicodedata.normalize("NFKC", text).replace("\x00", " ")[:_MAX_CHARS]
    if not text.strip():
        return []
    seen: dict[str, None] = {}
    for m in _tokenizer().tokenize(text):
        nf = m.normalized_form()
        surface = m.surface()
        if nf == surface:
            continue
        key = normalize(nf)
        if len(key) < 2 or key == normalize(surface) or not _WORD_RUN.fullmatch(key):
            continue
        if m.part_of_speech()[0] in _SKIP_POS:
            continue
        seen.setdefault(key, None)
    return list(seen)


def spellings_of_keys(text: str, keys: set[str] | frozenset[str]) -> list[str]:
    """The spellings (as written, NFKC) of the words of `text` whose key is one of `keys`:
    which words a result found only through a word key contains (子ども for 子供)."""
    if not keys:
        return []
    found: dict[str, None] = {}
    for w in analyse(text):
        if w.is_content and w.key in keys:
            found.setdefault(w.surface, None)
    return list(found)


def padded_keys(*texts: str) -> str:
    """The word_keys column: " k1 k2 " (so `' k1 '` matches one key exactly), or ""."""
    keys = word_keys(*texts)
    return f" {' '.join(keys)} " if keys else ""


def key_token(key: str) -> str:
    return KEY_MARK + key


# --- synonyms (data: the municipality file's [search] section) ---------------------------

# Used when the municipality file has no [search] section.
DEFAULT_SYNONYMS: tuple[tuple[str, ...], ...] = (
    ("子ども食堂", "こども食堂", "子供食堂"),
    ("自治会", "町内会", "町会"),
    ("ボランティア", "ボラ"),
    ("NPO", "NPO法人", "特定非営利活動法人"),
    ("高齢者", "お年寄り", "シニア"),
    ("ごみ", "廃棄物"),
    ("防犯灯", "街灯", "外灯"),
    ("見守り", "見守り活動"),
    ("子育て", "育児"),
    ("障害者", "障がい者", "障碍者"),
)
DEFAULT_THEME_STOP_WORDS: tuple[str, ...] = (
    "課題",
    "地域",
    "問題",
    "場所",
    "心配",
    "何度",
    "機会",
    "参加",
    "対応",
    "不足",
    "一緒",
    "程度",
    "大変",
    "部分",
    "最近",
    "近所",
    "自分",
    "相談",
    "必要",
    "状況",
    "早急",
    "改善",
    "検討",
    "お願い",
    "以前",
    "毎年",
    "毎日",
    "時間",
    "気軽",
    "安心",
    "不安",
    "危険",
    "周辺",
    "付近",
    "管理",
    "確認",
    "様子",
    "方",
    "事",
    "こと",
    "もの",
    "ため",
    "よう",
    "皆さん",
    "皆様",
    "市",
    "声",
    "話",
    "感じ",
)


class SearchDataError(ValueError):
    pass


@dataclass(frozen=True)
class SearchVocabulary:
    synonyms: tuple[tuple[str, ...], ...]
    theme_stop_words: frozenset[str]


def parse_search_section(data: dict[str, Any]) -> SearchVocabulary:
    """The [search] section of a municipality file (optional; every key optional):

        [search]
        synonyms = [["自治会", "町内会"], ["ボランティア", "ボラ"]]
        extra_synonyms = [...]            # added to the built-in list instead of replacing it
        theme_stop_words = ["課題", …]    # replaces the built-in list
        extra_theme_stop_words = [...]    # added to it

    Errors name the field (`search.synonyms[2]: …`)."""
    section = data.get("search", {})
    errors: list[str] = []
    if not isinstance(section, dict):
        raise SearchDataError("search: must be a table")

    def groups(name: str) -> list[tuple[str, ...]] | None:
        if name not in section:
            return None
        value = section[name]
        if not isinstance(value, list):
            errors.append(f"search.{name}: must be a list of lists of words")
            return []
        out = []
        for i, group in enumerate(value):
            if (
                not isinstance(group, list)
                or len(group) < 2
                or not all(isinstance(w, str) and w.strip() for w in group)
            ):
                errors.append(f"search.{name}[{i}]: must list two or more words")
                continue
            out.append(tuple(w.strip() for w in group))
        return out

    def words(name: str) -> list[str] | None:
        if name not in section:
            return None
        value = section[name]
        if not isinstance(value, list) or not all(isinstance(w, str) for w in value):
            errors.append(f"search.{name}: must be a list of words")
            return []
        return [w.strip() for w in value if w.strip()]

    unknown = set(section) - {
        "synonyms",
        "extra_synonyms",
        "theme_stop_words",
        "extra_theme_stop_words",
    }
    errors += [f"search.{name}: unknown field" for name in sorted(unknown)]
    synonyms = groups("synonyms")
    extra = groups("extra_synonyms")
    stop = words("theme_stop_words")
    extra_stop = words("extra_theme_stop_words")
    if errors:
        raise SearchDataError("; ".join(errors))
    all_groups = tuple(synonyms if synonyms is not None else DEFAULT_SYNONYMS) + tuple(extra or ())
    stop_words = list(stop if stop is not None else DEFAULT_THEME_STOP_WORDS) + list(
        extra_stop or ()
    )
    return SearchVocabulary(
        synonyms=all_groups, theme_stop_words=frozenset(normalize(w) for w in stop_words)
    )


@lru_cache(maxsize=1)
def vocabulary() -> SearchVocabulary:
    """The municipality file's [search] section (settings.KYODO_GUIDELINE_FILE), read once
    per process; the built-in lists when the file or the section is missing."""
    from django.conf import settings

    path = getattr(settings, "KYODO_GUIDELINE_FILE", "")
    try:
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError):
        data = {}
    return parse_search_section(data)


@dataclass(frozen=True)
class Spelling:
    """One way of writing a query term: as typed (raw), normalised, and its words."""

    raw: str
    norm: str
    words: tuple[tuple[str, str], ...]  # (surface_norm, key) of its content words
    canonical: str  # the words' keys (or surfaces) joined: 子ども食堂 → 子供食堂
    canonical_raw: str  # the same with the normalised forms as Sudachi writes them


@lru_cache(maxsize=4096)
def spelling(raw: str) -> Spelling:
    words: list[tuple[str, str]] = []
    canon: list[str] = []
    canon_raw: list[str] = []
    for w in analyse(raw):
        s = w.surface_norm
        if not _WORD_RUN.fullmatch(s):
            continue
        key = w.key if w.is_content else ""
        canon.append(key or s)
        canon_raw.append(w.normalized_form if key else w.surface)
        if w.is_content and (len(s) >= 2 or len(key) >= 2):
            words.append((s, key or s))
    return Spelling(
        raw=raw,
        norm=normalize(raw),
        words=tuple(words),
        canonical="".join(canon),
        canonical_raw="".join(canon_raw),
    )


@lru_cache(maxsize=1)
def _synonym_index() -> dict[str, tuple[str, ...]]:
    """normalised spelling or canonical form of each listed word → its group."""
    index: dict[str, tuple[str, ...]] = {}
    for group in vocabulary().synonyms:
        for word in group:
            sp = spelling(word)
            for form in (sp.norm, sp.canonical):
                if form:
                    index.setdefault(form, group)
    return index


def synonyms_of(term_raw: str) -> list[str]:
    """The other words of the term's synonym group (as written in the list)."""
    sp = spelling(term_raw)
    group = _synonym_index().get(sp.norm) or _synonym_index().get(sp.canonical)
    if not group:
        return []
    return [w for w in group if normalize(w) != sp.norm and spelling(w).canonical != sp.canonical]


def clear_caches() -> None:
    vocabulary.cache_clear()
    _synonym_index.cache_clear()
