"""The one normaliser for Japanese search, and the bigram tokens built from its output.

Indexed text and queries go through the same `normalize()`, so a query finds a document
exactly when the document's normalised text contains the normalised query. The normalised
text is a search copy only: stored content is never altered.

- NFKC: ＡＢＣ→abc, ｶﾀｶﾅ→カタカナ, ①→1, 全角スペース→space.
- lower case.
- katakana → hiragana (ゴミ and ごみ are the same word to a reader).
- long-vowel marks and the many hyphens/dashes people type for them → ー.
- a small table of variant kanji common in names (髙→高, 﨑→崎, 邊/邉→辺 …).
- runs of whitespace collapse to one space.

A "run" is a maximal stretch of word characters (letters, digits, ー …); spaces and
punctuation separate runs. Each run of two or more characters is indexed as its
overlapping bigrams; a one-character run as a unigram.
"""

from __future__ import annotations

import re
import unicodedata

# Variant kanji (異体字) as people type them in names and addresses → the common form.
VARIANT_KANJI = {
    "髙": "高",
    "﨑": "崎",
    "嵜": "崎",
    "碕": "崎",
    "邊": "辺",
    "邉": "辺",
    "齋": "斎",
    "齊": "斎",
    "濵": "浜",
    "濱": "浜",
    "德": "徳",
    "澤": "沢",
    "國": "国",
    "冨": "富",
    "眞": "真",
    "廣": "広",
    "櫻": "桜",
    "嶋": "島",
    "嶌": "島",
    "舘": "館",
    "𠮷": "吉",
    "惠": "恵",
    "榮": "栄",
    "實": "実",
    "會": "会",
    "鐵": "鉄",
    "龜": "亀",
    "槇": "槙",
    "曾": "曽",
    "增": "増",
    "淸": "清",
}

# Long-vowel marks and the dashes that are typed in their place (NFKC has already turned
# ｰ into ー and full-width －/﹣ into -).
LONG_VOWEL_LIKE = "-\u2010\u2011\u2012\u2013\u2014\u2015\u2043\u2212\u2500\u2501\u30fc\ufe58"
LONG_VOWEL = "ー"

_TABLE: dict[int, str] = {}
for _code in range(0x30A1, 0x30F7):  # ァ … ヶ → ぁ … ゖ
    _TABLE[_code] = chr(_code - 0x60)
_TABLE[0x30FD] = "ゝ"
_TABLE[0x30FE] = "ゞ"
for _ch in LONG_VOWEL_LIKE:
    _TABLE[ord(_ch)] = LONG_VOWEL
for _variant, _common in VARIANT_KANJI.items():
    _TABLE[ord(_variant)] = _common

_TABLE[0] = " "  # NUL cannot be stored in PostgreSQL text
# The same without katakana → hiragana: what the morphological analyser reads (it knows
# シミュレーション, not しみゅれーしょん). Every other step is the same, character for
# character, so a run of this text normalises to exactly one query term.
_RAW_TABLE = {code: value for code, value in _TABLE.items() if not 0x30A1 <= code <= 0x30FE}
_SPACES = re.compile(r"\s+")
# Used between runs in the FTS5 token string: a one-character token, which no query
# phrase ever contains (query phrases are made of bigrams), so phrases cannot match
# across a space or punctuation.
RUN_BREAK = "〓"


def normalize(text: str) -> str:
    text = unicodedata.normalize("NFKC", text or "").lower().translate(_TABLE)
    return _SPACES.sub(" ", text).strip()


def is_word_char(ch: str) -> bool:
    return ch.isalnum()  # ー, 々, ゝ are letters (Lm) too


# [^\W_] is exactly str.isalnum() (the regex engine's \w is isalnum() or "_").
_RUN = re.compile(r"[^\W_]+")


def runs(normalized: str) -> list[str]:
    """The runs of word characters in already-normalised text."""
    return _RUN.findall(normalized)


def bigrams(run: str) -> list[str]:
    if len(run) == 1:
        return [run]
    return [run[i : i + 2] for i in range(len(run) - 1)]


def fts_tokens(normalized: str) -> str:
    """The space-separated token string for an FTS5 column (ascii tokenizer)."""
    parts: list[str] = []
    previous_multi = False
    for run in runs(normalized):
        multi = len(run) > 1
        if multi and previous_multi:
            parts.append(RUN_BREAK)
        parts.extend(bigrams(run))
        previous_multi = multi
    return " ".join(parts)


def query_terms(query: str) -> list[str]:
    """The distinct terms of a query: runs of its normalised text, in order."""
    seen: dict[str, None] = {}
    for run in runs(normalize(query)):
        seen.setdefault(run, None)
    return list(seen)


def query_terms_raw(query: str) -> list[tuple[str, str]]:
    """(term, the term as typed) for the terms of query_terms(), in the same order: the
    typed form keeps katakana for the analyser (kyodo.search.words)."""
    text = unicodedata.normalize("NFKC", query or "").lower().translate(_RAW_TABLE)
    seen: dict[str, str] = {}
    for run in runs(_SPACES.sub(" ", text)):
        seen.setdefault(normalize(run), run)
    return list(seen.items())


def normalize_with_offsets(text: str) -> tuple[str, list[int]]:
    """Normalise character by character, returning the normalised text and, for each of
    its characters, the index of the original character it came from (for highlighting).
    Whitespace is not collapsed here."""
    out: list[str] = []
    origin: list[int] = []
    for i, ch in enumerate(text):
        folded = unicodedata.normalize("NFKC", ch).lower().translate(_TABLE)
        for f in folded:
            out.append(f)
            origin.append(i)
    return "".join(out), origin
