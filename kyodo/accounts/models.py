"""People. Public and private data live in separate tables: a public page, export or API
serializer never needs to touch PrivateProfile, so it cannot leak it by accident."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kyodo.guideline.models import District, Field


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        if not email:
            raise ValueError("email is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        extra.setdefault("display_name", "管理者")
        return self.create_user(email, password, **extra)


class Residency(models.TextChoices):
    LIVES = "lives", _("Lives in the city")
    WORKS = "works", _("Works in the city")
    STUDIES = "studies", _("Studies in the city")
    OTHER = "other", _("Other")


class User(AbstractBaseUser, PermissionsMixin):
    """A person. Logs in by e-mail. `display_name` is the only field shown in public."""

    email = models.EmailField(_("e-mail address"), unique=True)
    display_name = models.CharField(_("display name"), max_length=50)
    residency = models.CharField(
        _("relationship to the city"), max_length=10, choices=Residency.choices, blank=True
    )
    district = models.ForeignKey(
        District, verbose_name=_("district"), null=True, blank=True, on_delete=models.SET_NULL
    )
    fields_of_interest = models.ManyToManyField(
        Field, verbose_name=_("fields of interest"), blank=True
    )
    language = models.CharField(
        _("language"), max_length=5, choices=[("ja", "日本語"), ("en", "English")], default="ja"
    )
    email_confirmed_at = models.DateTimeField(_("e-mail confirmed at"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("can use the admin site"), default=False)
    date_joined = models.DateTimeField(pgettext_lazy("account", "joined"), default=timezone.now)
    deleted_at = models.DateTimeField(_("account deleted at"), null=True, blank=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["display_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.public_name

    @property
    def public_name(self) -> str:
        """What anyone may see: the display name, or 「退会したユーザー」 after deletion."""
        if self.deleted_at is not None:
            return str(_("Former user"))
        return self.display_name or str(_("Anonymous user"))


class PrivateProfile(models.Model):
    """Private personal data. Seen only by the person, and by organisers of something the
    person joined that needs it, with the purpose stated (each such view is audited)."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="private_profile")
    real_name = models.CharField(_("real name"), max_length=100, blank=True)
    real_name_kana = models.CharField(_("real name (kana)"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=10, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("private profile")
        verbose_name_plural = _("private profiles")

    def __str__(self) -> str:
        return f"private profile #{self.user_id}"
