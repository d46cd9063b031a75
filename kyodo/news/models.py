"""News (お知らせ) from the city's departments and from groups."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kyodo.guideline.models import District
from kyodo.organizations.models import Organization


class NewsItem(models.Model):
    title = models.CharField(_("title"), max_length=150)
    body = models.TextField(_("text"))
    # The publisher: a city department (news from the city) or a group.
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("published by"),
        on_delete=models.PROTECT,
        related_name="news_items",
    )
    is_from_city = models.BooleanField(_("from the city"), default=False, db_index=True)
    district = models.ForeignKey(
        District,
        verbose_name=_("district"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="news_items",
        help_text=_("Leave empty for news about the whole city."),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        on_delete=models.PROTECT,
        related_name="news_items",
    )
    published_at = models.DateTimeField(_("published at"), db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    hidden_at = models.DateTimeField(_("hidden at"), null=True, blank=True)
    hidden_reason = models.CharField(_("reason for hiding"), max_length=300, blank=True)

    class Meta:
        ordering = ["-published_at", "-id"]
        indexes = [
            models.Index(fields=["-published_at", "-id"], name="news_item_recent"),
            models.Index(fields=["district", "-published_at", "-id"], name="news_item_district"),
            models.Index(fields=["organization", "-published_at", "-id"], name="news_item_org"),
        ]
        verbose_name = _("news item")
        verbose_name_plural = _("news")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("news:item_detail", args=[self.pk])

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None
