"""The search index: one SearchDocument per searchable object of any app.

The full-text part lives beside this table and is created by migration 0002 for the
database in use (docs/search.md):
- SQLite: two FTS5 tables, `search_fts(title, body, facets)` and `search_title_fts(title,
  facets)`, whose rowid is SearchDocument.sort_key.
- PostgreSQL: two tsvector columns on this table, `tsv` (title weight A, body weight B,
  facets) and `title_tsv`, each with a GIN index.
Nothing else writes them: kyodo.search.indexing does.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class DocType(models.TextChoices):
    ORGANIZATION = "organization", pgettext_lazy("content type", "Organizations")
    ISSUE = "issue", _("Local issues")
    PROJECT = "project", _("Projects")
    AGREEMENT = "agreement", _("Agreements")
    CALL = "call", _("Calls")
    DECISION = "decision", pgettext_lazy("content type", "Decisions")
    EVENT = "event", pgettext_lazy("content type", "Events")
    OFFER_NEED = "offer_need", _("Offers and needs")
    NEWS = "news", _("News")


class SearchDocument(models.Model):
    """The search copy of one object. `sort_key` orders documents by recency (newer is
    larger) and is the rowid of the FTS5 rows on SQLite: a ranked first page then reads
    the newest matches first and stops early instead of scoring every match."""

    doc_type = models.CharField(_("type"), max_length=20, choices=DocType.choices)
    object_id = models.BigIntegerField(_("object id"))
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(_("text for snippets"), blank=True)
    url = models.CharField(_("URL"), max_length=300)
    district_codes = models.CharField(_("districts"), max_length=300, blank=True)
    field_codes = models.CharField(_("fields"), max_length=300, blank=True)
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=40, blank=True)
    # Space-separated keys: "public", or scoped keys such as "org:12", "staff",
    # "project-partners:7". A person sees a document when they hold one of its keys.
    visibility = models.CharField(_("visible to"), max_length=300, default="public")
    date = models.DateTimeField(_("date"))
    sort_key = models.BigIntegerField(_("recency key"), unique=True, null=True)
    title_norm = models.CharField(_("normalised title"), max_length=300, db_index=True)
    body_norm = models.TextField(_("normalised text"), blank=True)
    # " k1 k2 ": the normalised forms of the words spelled otherwise (子ども → 子供), as
    # indexed beside the bigrams (kyodo.search.words); kept so that an FTS5 row can be
    # deleted with exactly the tokens it was indexed with, and for exact rechecks.
    word_keys = models.TextField(_("word keys"), blank=True, default="")

    class Meta:
        verbose_name = _("search document")
        verbose_name_plural = _("search documents")
        constraints = [
            models.UniqueConstraint(
                fields=["doc_type", "object_id"], name="search_document_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(doc_type__in=DocType.values), name="search_document_type_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.doc_type}:{self.object_id} {self.title}"
