"""The municipality's collaboration guideline (協働指針) as data.

Everything here is loaded from a versioned data file (kyodo/guideline/data/*.toml) by
kyodo.guideline.loader; a second city runs Kyodo by supplying its own file. Each row has a
stable `code` so reloading a file updates rows in place and never duplicates them.
"""

from __future__ import annotations

from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _


def english_or(english: str, japanese: str) -> str:
    """The English name in English mode when the data has one, else the Japanese name: every
    page, form choice and list that prints one of these reference rows follows the language."""
    if english and not (translation.get_language() or "ja").startswith("ja"):
        return english
    return japanese


class Municipality(models.Model):
    code = models.SlugField(_("code"), unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100, blank=True)
    name_kana = models.CharField(_("name in kana"), max_length=60, blank=True)
    prefecture = models.CharField(_("prefecture"), max_length=20)
    # 全国地方公共団体コード (6 digits with the check digit, e.g. 112011 for Kawagoe): the national
    # standard datasets identify the publisher by it.
    local_government_code = models.CharField(_("local government code"), max_length=6, blank=True)
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    guideline_title = models.CharField(_("guideline title"), max_length=100)
    guideline_edition = models.CharField(_("guideline edition"), max_length=100, blank=True)
    vision = models.CharField(_("vision"), max_length=200)
    vision_en = models.CharField(_("vision (English)"), max_length=200, blank=True)
    definition = models.TextField(_("definition of collaboration"))
    definition_en = models.TextField(_("definition (English)"), blank=True)
    self_mutual_public_summary = models.TextField(_("self, mutual and public help"), blank=True)
    self_mutual_public_summary_en = models.TextField(blank=True)
    principles_summary = models.TextField(_("how the principles fit together"), blank=True)
    principles_summary_en = models.TextField(blank=True)
    contact_department = models.CharField(_("contact department"), max_length=100)
    contact_department_en = models.CharField(max_length=100, blank=True)
    contact_postal_code = models.CharField(_("postal code"), max_length=10, blank=True)
    contact_address = models.CharField(_("address"), max_length=200, blank=True)
    contact_phone = models.CharField(_("phone"), max_length=30, blank=True)
    contact_fax = models.CharField(_("fax"), max_length=30, blank=True)
    contact_email = models.EmailField(_("e-mail"), blank=True)
    data_version = models.CharField(_("data version"), max_length=40)
    loaded_at = models.DateTimeField(_("loaded at"), auto_now=True)

    class Meta:
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")

    def __str__(self) -> str:
        return self.name


class Measure(models.Model):
    """The city's measures to promote collaboration (協働の推進に向けて)."""

    code = models.SlugField(_("code"), unique=True)
    order = models.PositiveSmallIntegerField(_("order"))
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(max_length=100, blank=True)
    explanation = models.TextField(_("explanation"))
    explanation_en = models.TextField(blank=True)

    class Meta:
        ordering = ["order"]
        verbose_name = _("measure")
        verbose_name_plural = _("measures")

    def __str__(self) -> str:
        return english_or(self.name_en, self.name)


class Principle(models.Model):
    """One of the municipality's collaboration rules (協働のルール); how many there are, and
    what they say, comes from its guideline file."""

    code = models.SlugField(_("code"), unique=True)
    number = models.PositiveSmallIntegerField(_("number"), unique=True)
    short_name = models.CharField(_("short name"), max_length=40)
    short_name_en = models.CharField(max_length=60, blank=True)
    name = models.CharField(_("name"), max_length=60)
    name_en = models.CharField(max_length=100, blank=True)
    explanation = models.TextField(_("explanation"))
    explanation_en = models.TextField(blank=True)
    evaluation_question = models.TextField(_("evaluation question"))
    evaluation_question_en = models.TextField(blank=True)
    planning_prompt = models.TextField(_("planning prompt"), blank=True)
    planning_prompt_en = models.TextField(blank=True)

    class Meta:
        ordering = ["number"]
        verbose_name = _("principle")
        verbose_name_plural = _("principles")

    def __str__(self) -> str:
        return f"{self.circled_number} {self.short_name}"

    @property
    def circled_number(self) -> str:
        return chr(0x2460 + self.number - 1) if 1 <= self.number <= 20 else str(self.number)


class Step(models.Model):
    """A step of the municipality's ladder of collaboration (its number and names come from
    the guideline file). `evidence` lists the kinds of a person's records that count as
    reaching it (loader.STEP_EVIDENCE)."""

    code = models.SlugField(_("code"), unique=True)
    order = models.PositiveSmallIntegerField(_("order"), unique=True)
    character = models.CharField(_("character"), max_length=4)
    reading = models.CharField(_("reading"), max_length=10)
    name = models.CharField(_("name"), max_length=40)
    name_en = models.CharField(max_length=60, blank=True)
    headline = models.CharField(_("headline"), max_length=100)
    headline_en = models.CharField(max_length=150, blank=True)
    explanation = models.TextField(_("explanation"))
    explanation_en = models.TextField(blank=True)
    evidence = models.JSONField(_("what counts as reaching it"), default=list, blank=True)

    class Meta:
        ordering = ["order"]
        verbose_name = _("step")
        verbose_name_plural = _("steps")

    def __str__(self) -> str:
        return f"{self.character}（{self.reading}）{self.name}"


class ActorType(models.Model):
    """協働の主体: 市民, 民間団体, 事業者, 行政."""

    code = models.SlugField(_("code"), unique=True)
    order = models.PositiveSmallIntegerField(_("order"))
    name = models.CharField(_("name"), max_length=40)
    name_en = models.CharField(max_length=60, blank=True)
    description = models.TextField(_("description"))
    description_en = models.TextField(blank=True)
    is_government = models.BooleanField(_("is the city"), default=False)

    class Meta:
        ordering = ["order"]
        verbose_name = _("actor type")
        verbose_name_plural = _("actor types")

    def __str__(self) -> str:
        return english_or(self.name_en, self.name)


class OrganizationType(models.Model):
    """Kinds of organization within an actor type (自治会・町内会, NPO法人, 企業, 所管課 …)."""

    code = models.SlugField(_("code"), unique=True)
    order = models.PositiveSmallIntegerField(_("order"))
    actor_type = models.ForeignKey(
        ActorType,
        verbose_name=_("actor type"),
        on_delete=models.PROTECT,
        related_name="organization_types",
    )
    name = models.CharField(_("name"), max_length=60)
    name_en = models.CharField(max_length=80, blank=True)
    report_category = models.CharField(
        _("category in the annual report"), max_length=60, blank=True
    )

    class Meta:
        ordering = ["order"]
        verbose_name = _("organization type")
        verbose_name_plural = _("organization types")

    def __str__(self) -> str:
        return english_or(self.name_en, self.name)


class CollaborationForm(models.Model):
    """協働の形態: 委託, 補助・助成, 共催, 後援, 実行委員会・協議会, 事業協力 …"""

    code = models.SlugField(_("code"), unique=True)
    order = models.PositiveSmallIntegerField(_("order"))
    name = models.CharField(_("name"), max_length=60)
    name_en = models.CharField(max_length=80, blank=True)
    description = models.TextField(_("description"), blank=True)
    description_en = models.TextField(blank=True)
    requires_city_partner = models.BooleanField(_("requires a city department"), default=True)

    class Meta:
        ordering = ["order"]
        verbose_name = _("form of collaboration")
        verbose_name_plural = _("forms of collaboration")

    def __str__(self) -> str:
        return english_or(self.name_en, self.name)


class Tier(models.Model):
    """自助・共助・公助."""

    code = models.SlugField(_("code"), unique=True)
    order = models.PositiveSmallIntegerField(_("order"), unique=True)
    name = models.CharField(_("name"), max_length=20)
    name_en = models.CharField(max_length=40, blank=True)
    explanation = models.TextField(_("explanation"))
    explanation_en = models.TextField(blank=True)

    class Meta:
        ordering = ["order"]
        verbose_name = _("tier")
        verbose_name_plural = _("tiers")

    def __str__(self) -> str:
        return english_or(self.name_en, self.name)


class Field(models.Model):
    """分野: fields of activity."""

    code = models.SlugField(_("code"), unique=True)
    order = models.PositiveSmallIntegerField(_("order"))
    name = models.CharField(_("name"), max_length=40)
    name_en = models.CharField(max_length=60, blank=True)

    class Meta:
        ordering = ["order"]
        verbose_name = _("field")
        verbose_name_plural = _("fields")

    def __str__(self) -> str:
        return english_or(self.name_en, self.name)


class District(models.Model):
    """地区: editable reference data; figures are kept as dated snapshots."""

    code = models.SlugField(_("code"), unique=True)
    order = models.PositiveSmallIntegerField(_("order"))
    name = models.CharField(_("name"), max_length=40)
    name_en = models.CharField(max_length=60, blank=True)
    kana = models.CharField(_("kana"), max_length=60, blank=True)

    class Meta:
        ordering = ["order"]
        verbose_name = _("district")
        verbose_name_plural = _("districts")

    def __str__(self) -> str:
        return english_or(self.name_en, self.name)

    def latest_snapshot(self) -> DistrictSnapshot | None:
        return self.snapshots.order_by("-as_of").first()


class DistrictSnapshot(models.Model):
    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="snapshots")
    as_of = models.DateField(_("as of"))
    households = models.PositiveIntegerField(_("households"), null=True, blank=True)
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    aging_rate = models.DecimalField(
        _("aging rate (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    source = models.CharField(_("source"), max_length=200, blank=True)

    class Meta:
        ordering = ["district", "-as_of"]
        constraints = [
            models.UniqueConstraint(fields=["district", "as_of"], name="guideline_snapshot_unique")
        ]
        verbose_name = _("district snapshot")
        verbose_name_plural = _("district snapshots")

    def __str__(self) -> str:
        return f"{self.district} {self.as_of}"


class EvaluationItem(models.Model):
    """An item of the evaluation sheet: one per principle plus 相乗効果, 進捗 …"""

    code = models.SlugField(_("code"), unique=True)
    order = models.PositiveSmallIntegerField(_("order"))
    principle = models.ForeignKey(
        Principle, null=True, blank=True, on_delete=models.PROTECT, related_name="evaluation_items"
    )
    name = models.CharField(_("name"), max_length=60)
    name_en = models.CharField(max_length=80, blank=True)
    question = models.TextField(_("question"))
    question_en = models.TextField(blank=True)

    class Meta:
        ordering = ["order"]
        verbose_name = _("evaluation item")
        verbose_name_plural = _("evaluation items")

    def __str__(self) -> str:
        return self.name


class RubricCriterion(models.Model):
    """Default screening criteria for calls (審査基準); calls copy and may adjust them."""

    code = models.SlugField(_("code"), unique=True)
    order = models.PositiveSmallIntegerField(_("order"))
    principle = models.ForeignKey(Principle, null=True, blank=True, on_delete=models.PROTECT)
    name = models.CharField(_("name"), max_length=60)
    name_en = models.CharField(max_length=80, blank=True)
    description = models.TextField(_("description"), blank=True)
    max_score = models.PositiveSmallIntegerField(_("maximum score"), default=5)
    weight = models.PositiveSmallIntegerField(_("weight"), default=1)

    class Meta:
        ordering = ["order"]
        verbose_name = _("rubric criterion")
        verbose_name_plural = _("rubric criteria")

    def __str__(self) -> str:
        return self.name


class Setting(models.Model):
    """Other configurable defaults from the guideline file (rubric threshold, money rules …),
    as typed JSON values keyed by a dotted name such as "rubric.adoption_threshold"."""

    key = models.CharField(_("key"), max_length=100, unique=True)
    value = models.JSONField(_("value"))

    class Meta:
        verbose_name = _("setting")
        verbose_name_plural = _("settings")

    def __str__(self) -> str:
        return self.key
