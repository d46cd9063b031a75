"""Highlighting matched text: escape first, then wrap the matches in <mark>.

Matching is done on the normalised text (so ゴミ highlights ごみ, ＡＢＣ highlights abc) and
mapped back to the original characters. Nothing a person typed is ever marked safe.
"""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

from kyodo.search.normalize import normalize_with_offsets


def _spans(text: str, terms: Sequence[str]) -> list[tuple[int, int]]:
    norm, origin = normalize_with_offsets(text)
    spans: list[tuple[int, int]] = []
    for term in terms:
        if not term:
            continue
        start = norm.find(term)
        while start >= 0 and len(spans) < 200:
            end = start + len(term)
            spans.append((origin[start], origin[end - 1] + 1))
            start = norm.find(term, end)
    spans.sort()
    merged: list[tuple[int, int]] = []
    for s, e in spans:
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], e))
        else:
            merged.append((s, e))
    return merged


def _render(text: str, spans: list[tuple[int, int]], start: int, end: int) -> Markup:
    out: list[str] = []
    pos = start
    for s, e in spans:
        if e <= start or s >= end:
            continue
        s, e = max(s, start), min(e, end)
        out.append(escape(text[pos:s]))
        out.append(Markup("<mark>") + escape(text[s:e]) + Markup("</mark>"))
        pos = e
    out.append(escape(text[pos:end]))
    return Markup("").join(out)


def highlight(text: str, terms: Sequence[str]) -> Markup:
    text = text or ""
    return _render(text, _spans(text, terms), 0, len(text))


def snippet(text: str, terms: Sequence[str], width: int = 120) -> Markup:
    """About `width` characters around the first match (or the start), highlighted."""
    text = " ".join((text or "").split())
    spans = _spans(text, terms)
    first = spans[0][0] if spans else 0
    start = max(0, first - width // 3)
    end = min(len(text), start + width)
    start = max(0, min(start, end - width))
    body = _render(text, spans, start, end)
    prefix = Markup("…") if start > 0 else Markup("")
    suffix = Markup("…") if end < len(text) else Markup("")
    return prefix + body + suffix
