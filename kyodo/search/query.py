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
Inside a tier, newer first.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from kyodo.search.indexing import facet_token
from kyodo.search.normalize import bigrams, normalize, query_terms

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
    phrase: str = field(init=False)

    def __post_init__(self) -> None:
        self.phrase = "".join(self.terms)

    @property
    def is_empty(self) -> bool:
        return not self.terms and not self.short_terms

    @property
    def all_terms(self) -> list[str]:
        return self.terms + self.short_terms


def parse(query: str) -> ParsedQuery:
    raw = (query or "")[:MAX_QUERY_CHARS]
    terms = query_terms(raw)[:MAX_TERMS]
    return ParsedQuery(
        raw=raw,
        normalized=normalize(raw),
        terms=[t for t in terms if len(t) > 1],
        short_terms=[t for t in terms if len(t) == 1],
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


@dataclass(frozen=True)
class TierQuery:
    tier: int
    title_table: bool  # SQLite: search the title-only table
    sqlite: str
    pg: PgTier


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
    """(SQLite MATCH, PostgreSQL tier) for "every term appears somewhere"."""
    sqlite = _with_facets("{title body} : " + _fts_all(parsed.terms), groups)
    pg = PgTier("tsv", tuple(parsed.terms), tuple((ANYWHERE, t) for t in parsed.terms))
    return sqlite, pg


# --- PostgreSQL tsquery literals ----------------------------------------------------------


def pg_tsquery(terms: Sequence[str], groups: list[list[str]]) -> str:
    """Every distinct bigram of the terms, and one token of each facet group. Bigrams are
    word characters and facet tokens ASCII hex, so nothing typed becomes tsquery syntax."""
    items = sorted({b for t in terms for b in bigrams(t)})
    parts = [f"'{b}'" for b in items]
    for g in groups:
        parts.append("(" + " | ".join(f"'{t}'" for t in g) + ")")
    return " & ".join(parts)
