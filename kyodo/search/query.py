"""From a query string to the full-text expressions of each ranking tier.

A query is normalised and split into terms (runs of word characters). A term of two or
more characters becomes a phrase of its bigrams — exactly "the text contains this term".
Terms are ANDed. One-character terms cannot be answered from bigrams; they are checked
with LIKE on the normalised copy.

Tiers, best first (docs/search.md):
  4 the normalised title equals the query (an organization's exact name)
  3 the title contains the whole query as one phrase
  2 the title contains every term (several terms, not as one phrase)
  1 the body contains the whole query as one phrase (several terms)
  0 every term appears somewhere
  -1 the words of the query in another spelling or a listed synonym (子ども食堂 for
     こども食堂, 申込 for 申し込み, 町内会 for 自治会), and no exact match
Inside a tier, newer first.

The variant tier (kyodo.search.words): for each term, every spelling — as typed, its
canonical form (Sudachi's normalised forms joined), and the spellings of its synonyms —
is found either as a substring (the canonical spelling itself, through the bigrams) or
through the word keys indexed for words written otherwise. Expressions are built once as
a small tree and written out for FTS5, for a PostgreSQL tsquery (GIN candidates) and as
the exact SQL recheck on the stored copies.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from kyodo.search.indexing import facet_token
from kyodo.search.normalize import bigrams, normalize, query_terms_raw
from kyodo.search.words import Spelling, key_token, spelling, synonyms_of

MAX_QUERY_CHARS = 200
MAX_TERMS = 10


@dataclass(frozen=True)
class Filters:
    types: tuple[str, ...] = ()
    district: str = ""
    field: str = ""
    fiscal_year: int | None = None
    status: str = ""


@dataclass
class ParsedQuery:
    raw: str
    normalized: str
    terms: list[str]  # two or more characters
    short_terms: list[str]  # one character
    raw_terms: list[str] = field(default_factory=list)  # `terms` as typed (katakana kept)
    variants: bool = True  # also look for other spellings and synonyms (tier -1)
    phrase: str = field(init=False)

    def __post_init__(self) -> None:
        self.phrase = "".join(self.terms)

    @property
    def is_empty(self) -> bool:
        return not self.terms and not self.short_terms

    @property
    def all_terms(self) -> list[str]:
        return self.terms + self.short_terms


def parse(query: str, *, variants: bool = True) -> ParsedQuery:
    raw = (query or "")[:MAX_QUERY_CHARS]
    pairs = query_terms_raw(raw)[:MAX_TERMS]
    return ParsedQuery(
        raw=raw,
        normalized=normalize(raw),
        terms=[t for t, _r in pairs if len(t) > 1],
        short_terms=[t for t, _r in pairs if len(t) == 1],
        raw_terms=[r for t, r in pairs if len(t) > 1],
        variants=variants,
    )


def facet_groups(filters: Filters, visibility_keys: Sequence[str] | None) -> list[list[str]]:
    """Each inner list is ORed, the lists are ANDed. visibility_keys None = no check."""
    groups: list[list[str]] = []
    if visibility_keys is not None:
        groups.append([facet_token("vi", k) for k in visibility_keys])
    if filters.types:
        groups.append([facet_token("ty", t) for t in filters.types])
    if filters.district:
        groups.append([facet_token("di", filters.district)])
    if filters.field:
        groups.append([facet_token("fi", filters.field)])
    if filters.fiscal_year is not None:
        groups.append([facet_token("fy", filters.fiscal_year)])
    if filters.status:
        groups.append([facet_token("st", filters.status)])
    return groups


# --- SQLite FTS5 MATCH expressions ------------------------------------------------------
# Every token is a bigram of word characters or an ASCII facet token, always inside
# double quotes, so nothing a person types can become FTS5 syntax.


def _fts_phrase(term: str) -> str:
    return '"' + " ".join(bigrams(term)) + '"'


def _fts_all(terms: Sequence[str]) -> str:
    return "(" + " AND ".join(_fts_phrase(t) for t in terms) + ")"


def _fts_facets(groups: list[list[str]]) -> str:
    return " AND ".join("facets : (" + " OR ".join(f'"{t}"' for t in g) + ")" for g in groups)


def _with_facets(expr: str, groups: list[list[str]]) -> str:
    facets = _fts_facets(groups)
    return f"({expr}) AND {facets}" if facets else expr


# A condition on the normalised copies: one of these columns contains the term.
Contains = tuple[tuple[str, ...], str]
TITLE = ("title_norm",)
BODY = ("body_norm",)
ANYWHERE = ("title_norm", "body_norm")


@dataclass(frozen=True)
class PgTier:
    """A tier on PostgreSQL. The tsvector columns hold each document's distinct bigrams
    (no positions), so the GIN index narrows to documents having every bigram of
    `gin_terms`; `must` / `must_not` then decide exactly, as substring tests on the
    normalised copies (a term is a run of word characters, so "contains the term" is
    exactly "has its bigrams as a phrase"). `must` and `must_not` alone are also what a
    scan of the newest documents checks."""

    gin_column: str  # "title_tsv" or "tsv"
    gin_terms: tuple[str, ...]
    must: tuple[Contains, ...]
    must_not: tuple[tuple[Contains, ...], ...] = ()  # each: NOT (all of these)
    # The variant tier: a tsquery expression for the GIN index instead of gin_terms, and
    # an SQL condition (alias d) with its parameters added to must / must_not.
    gin_query: str = ""
    cond: tuple[str, tuple[str, ...]] = ("", ())


@dataclass(frozen=True)
class TierQuery:
    tier: int
    title_table: bool  # SQLite: search the title-only table
    sqlite: str
    pg: PgTier

    @property
    def variant(self) -> bool:
        return self.tier < 0


# --- other spellings and synonyms -----------------------------------------------------------
# An expression: ("c", text) the title or body contains text (two or more word
# characters); ("k", key) the document has the word key; ("and" | "or", (expr, …)).
Expr = tuple[str, object]


def _or(items: Sequence[Expr | None]) -> Expr | None:
    kept = tuple(dict.fromkeys(i for i in items if i is not None))
    if not kept:
        return None
    return kept[0] if len(kept) == 1 else ("or", kept)


def _and(items: Sequence[Expr | None]) -> Expr | None:
    kept = tuple(dict.fromkeys(i for i in items if i is not None))
    if not kept:
        return None
    return kept[0] if len(kept) == 1 else ("and", kept)


def _has(text: str) -> Expr | None:
    return ("c", text) if len(text) >= 2 and text.isalnum() else None


def _spelling_expr(sp: Spelling, exclude: str) -> Expr | None:
    """Documents with this spelling of a term in any of its word forms: the spelling or
    its canonical form as a substring, or (the words in any spelling, at least one of them
    through its key). `exclude`: a substring left out (the exact term, found by tiers
    3..0 already)."""
    branches = [_has(f) for f in (sp.norm, sp.canonical) if f != exclude]
    keys = [("k", k) for _s, k in sp.words if len(k) >= 2]
    if keys:
        per_word = [_or([("k", k) if len(k) >= 2 else None, _has(s), _has(k)]) for s, k in sp.words]
        any_key = _or(keys)
        branches.append(any_key if len(sp.words) == 1 else _and([any_key, *per_word]))
    return _or(branches)


def _alternatives(term: str, raw: str) -> list[Spelling]:
    sp = spelling(raw)
    if sp.norm != term:  # (cannot happen: query_terms_raw keeps them aligned)
        sp = Spelling(raw, term, sp.words, sp.canonical, sp.canonical_raw)
    return [sp, *(spelling(w) for w in synonyms_of(raw))]


@dataclass(frozen=True)
class Variants:
    """Per term: its spellings (as typed first), the expression for "the term in any
    spelling" and for "in another spelling than the exact one"."""

    spellings: list[list[Spelling]]
    any_spelling: list[Expr | None]
    other_spelling: list[Expr | None]


def variants_of(parsed: ParsedQuery) -> Variants | None:
    if not parsed.variants or not parsed.terms:
        return None
    spellings, any_sp, other = [], [], []
    for term, raw in zip(parsed.terms, parsed.raw_terms, strict=True):
        alts = _alternatives(term, raw)
        spellings.append(alts)
        any_sp.append(_or([_has(term), *(_spelling_expr(a, "") for a in alts)]))
        other.append(_or([_spelling_expr(a, term) for a in alts]))
    if all(o is None for o in other):
        return None
    return Variants(spellings, any_sp, other)


def _render_fts(e: Expr) -> str:
    kind, value = e
    if kind == "c":
        return "{title body} : " + _fts_phrase(str(value))
    if kind == "k":
        return f'facets : "{key_token(str(value))}"'
    joiner = " AND " if kind == "and" else " OR "
    return "(" + joiner.join(_render_fts(x) for x in value) + ")"  # type: ignore[attr-defined]


def _render_tsquery(e: Expr) -> str:
    kind, value = e
    if kind == "c":
        return "(" + " & ".join(f"'{b}'" for b in sorted(set(bigrams(str(value))))) + ")"
    if kind == "k":
        return f"'{key_token(str(value))}'"
    joiner = " & " if kind == "and" else " | "
    return "(" + joiner.join(_render_tsquery(x) for x in value) + ")"  # type: ignore[attr-defined]


def render_sql(e: Expr, params: list[str]) -> str:
    """The exact test on the stored copies (PostgreSQL, alias d)."""
    kind, value = e
    if kind == "c":
        params += [str(value), str(value)]
        return "(strpos(d.title_norm, %s) > 0 OR strpos(d.body_norm, %s) > 0)"
    if kind == "k":
        params.append(f" {value} ")
        return "strpos(d.word_keys, %s) > 0"
    joiner = " AND " if kind == "and" else " OR "
    return "(" + joiner.join(render_sql(x, params) for x in value) + ")"  # type: ignore[attr-defined]


def _variant_parts(v: Variants) -> tuple[Expr, Expr] | None:
    """(any spelling of every term, with at least one in another spelling)."""
    every = _and(v.any_spelling)
    other = _or(v.other_spelling)
    if every is None or other is None:
        return None
    positive = other if len(v.any_spelling) == 1 else _and([every, other])
    assert positive is not None
    return every, positive


def variant_tier(parsed: ParsedQuery, groups: list[list[str]]) -> TierQuery | None:
    """Tier -1: documents with every term in some spelling, at least one of them in
    another spelling, and not every term exactly (those are in tiers 3..0)."""
    v = variants_of(parsed)
    parts = _variant_parts(v) if v else None
    if parts is None:
        return None
    _every, positive = parts
    exact_all = _fts_all(parsed.terms)
    sqlite = _with_facets(f"({_render_fts(positive)}) NOT ({{title body}} : {exact_all})", groups)
    params: list[str] = []
    cond = render_sql(positive, params)
    exact_sql = " AND ".join(
        "(strpos(d.title_norm, %s) > 0 OR strpos(d.body_norm, %s) > 0)" for _t in parsed.terms
    )
    for t in parsed.terms:
        params += [t, t]
    pg = PgTier(
        "tsv",
        (),
        (),
        gin_query=_render_tsquery(positive),
        cond=(f"{cond} AND NOT ({exact_sql})", tuple(params)),
    )
    return TierQuery(-1, False, sqlite, pg)


def tier_queries(parsed: ParsedQuery, groups: list[list[str]]) -> list[TierQuery]:
    """Tiers 3..0 (tier 4 is looked up by the normalised title)."""
    terms = parsed.terms
    if not terms:
        return []
    multi = len(terms) > 1
    phrase = parsed.phrase
    all_expr = _fts_all(terms)
    title_all = f"title : {all_expr}"
    title_phrase = f"title : {_fts_phrase(phrase)}"
    body_phrase = f"body : {_fts_phrase(phrase)}"
    anywhere = "{title body} : " + all_expr

    in_title_all = tuple((TITLE, t) for t in terms)
    anywhere_all = tuple((ANYWHERE, t) for t in terms)
    tiers = [
        TierQuery(
            3,
            True,
            _with_facets(title_phrase, groups),
            PgTier("title_tsv", (phrase,), ((TITLE, phrase),)),
        ),
    ]
    if multi:
        tiers.append(
            TierQuery(
                2,
                True,
                _with_facets(f"({title_all}) NOT ({title_phrase})", groups),
                PgTier("title_tsv", tuple(terms), in_title_all, (((TITLE, phrase),),)),
            )
        )
        tiers.append(
            TierQuery(
                1,
                False,
                _with_facets(f"({body_phrase}) NOT ({title_all})", groups),
                PgTier("tsv", (phrase,), ((BODY, phrase),), (in_title_all,)),
            )
        )
        tiers.append(
            TierQuery(
                0,
                False,
                _with_facets(f"({anywhere}) NOT (({title_all}) OR ({body_phrase}))", groups),
                PgTier("tsv", tuple(terms), anywhere_all, (in_title_all, ((BODY, phrase),))),
            )
        )
    else:
        tiers.append(
            TierQuery(
                0,
                False,
                _with_facets(f"({anywhere}) NOT ({title_all})", groups),
                PgTier("tsv", tuple(terms), anywhere_all, (in_title_all,)),
            )
        )
    return tiers


def match_all(parsed: ParsedQuery, groups: list[list[str]]) -> tuple[str, PgTier]:
    """(SQLite MATCH, PostgreSQL tier) for "every term appears somewhere" (in some
    spelling, unless parsed.variants is off)."""
    v = variants_of(parsed)
    parts = _variant_parts(v) if v else None
    if parts is not None:
        every = parts[0]
        params: list[str] = []
        cond = render_sql(every, params)
        pg = PgTier("tsv", (), (), gin_query=_render_tsquery(every), cond=(cond, tuple(params)))
        return _with_facets(_render_fts(every), groups), pg
    sqlite = _with_facets("{title body} : " + _fts_all(parsed.terms), groups)
    pg = PgTier("tsv", tuple(parsed.terms), tuple((ANYWHERE, t) for t in parsed.terms))
    return sqlite, pg


# --- PostgreSQL tsquery literals ----------------------------------------------------------


def pg_tsquery(terms: Sequence[str], groups: list[list[str]], expression: str = "") -> str:
    """Every distinct bigram of the terms (or a prebuilt expression), and one token of
    each facet group. Bigrams and word keys are word characters and facet tokens ASCII
    hex, so nothing typed becomes tsquery syntax."""
    items = sorted({b for t in terms for b in bigrams(t)})
    parts = [f"'{b}'" for b in items]
    if expression:
        parts.append(expression)
    for g in groups:
        parts.append("(" + " | ".join(f"'{t}'" for t in g) + ")")
    return " & ".join(parts)
