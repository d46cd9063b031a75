"""Text normalisation for the substring search and for matching offers and needs."""

from __future__ import annotations

import unicodedata

_KATAKANA_TO_HIRAGANA = {code: code - 0x60 for code in range(0x30A1, 0x30F7)}


def normalise(text: str) -> str:
    """NFKC (full-width ASCII and half-width kana fixed), lower case, katakana → hiragana,
    whitespace removed: 「ＮＰＯ法人 カワゴエ」 and 「npo法人かわごえ」 match."""
    text = unicodedata.normalize("NFKC", text or "").lower().translate(_KATAKANA_TO_HIRAGANA)
    return "".join(text.split())


def bigrams(text: str) -> set[str]:
    """Character bigrams of the normalised text (Japanese has no spaces between words)."""
    norm = normalise(text)
    return {norm[i : i + 2] for i in range(len(norm) - 1)}


def overlap(a: set[str], b: set[str]) -> float:
    """Dice coefficient of two bigram sets, 0.0–1.0."""
    if not a or not b:
        return 0.0
    return 2 * len(a & b) / (len(a) + len(b))
