from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.password_validation import (
    password_validators_help_texts,
    validate_password,
)
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from kyodo.accounts.models import PrivateProfile, Residency, User
from kyodo.core.fields import normalise_phone, normalise_postal_code
from kyodo.core.text import ControlCharacterRuleMixin, KyodoForm, KyodoModelForm
from kyodo.guideline.models import District, Field


class LoginForm(ControlCharacterRuleMixin, AuthenticationForm):
    username = forms.EmailField(
        label=_("E-mail address"),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    error_messages = {
        "invalid_login": _(
            "The e-mail address or the password is not correct. If you have just signed up, "
            "open the link in the confirmation e-mail first."
        ),
        "inactive": _("This account is not active."),
    }


class SignUpForm(KyodoForm):
    email = forms.EmailField(
        label=_("E-mail address"), widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    display_name = forms.CharField(
        label=_("Display name"),
        max_length=50,
        help_text=_("Shown on the site with what you post. You may use a nickname."),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_(
            "At least 8 characters; 15 or more is safer. A few words in a row are easy to remember."
        ),
    )
    residency = forms.ChoiceField(
        label=_("Relationship to the city"),
        choices=[("", "---------"), *Residency.choices],
        required=False,
    )
    district = forms.ModelChoiceField(
        label=_("District"), queryset=District.objects.all(), required=False
    )
    agree = forms.BooleanField(label=_("I agree to the terms of use and the privacy policy"))

    def clean_email(self) -> str:
        # Whether the address already has an account is not said here (the page would tell
        # anyone who owns which address): services.sign_up e-mails the owner instead.
        return str(self.cleaned_data["email"]).strip().lower()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        password = data.get("password")
        if password:
            try:
                validate_password(
                    password,
                    User(email=data.get("email", ""), display_name=data.get("display_name", "")),
                )
            except ValidationError as exc:
                self.add_error("password", exc)
        return data


class ResendConfirmationForm(KyodoForm):
    email = forms.EmailField(label=_("E-mail address"))


class ProfileForm(KyodoModelForm):
    class Meta:
        model = User
        fields = ["display_name", "residency", "district", "fields_of_interest", "language"]
        widgets = {"fields_of_interest": forms.CheckboxSelectMultiple}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(
            forms.ModelMultipleChoiceField, self.fields["fields_of_interest"]
        ).queryset = Field.objects.all()
        self.fields["display_name"].help_text = _("Shown on the site with what you post.")


class PrivateProfileForm(KyodoModelForm):
    class Meta:
        model = PrivateProfile
        fields = ["real_name", "real_name_kana", "phone", "postal_code", "address"]

    # Full-width digits, dashes and spaces are folded; stored as 350-8601 / 049-224-8811.
    def clean_postal_code(self) -> str:
        return normalise_postal_code(self.cleaned_data["postal_code"])

    def clean_phone(self) -> str:
        return normalise_phone(self.cleaned_data["phone"])


class EmailChangeForm(KyodoForm):
    new_email = forms.EmailField(label=_("New e-mail address"))
    password = forms.CharField(
        label=_("Current password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class DeleteAccountForm(KyodoForm):
    password = forms.CharField(
        label=_("Current password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    confirm = forms.BooleanField(label=_("I understand that my account cannot be restored"))


# Django's password forms, under the same control-character rule as every Kyodo form.
class PasswordResetForm(ControlCharacterRuleMixin, auth_forms.PasswordResetForm):
    pass


class SetPasswordForm(ControlCharacterRuleMixin, auth_forms.SetPasswordForm):
    pass


class PasswordChangeForm(ControlCharacterRuleMixin, auth_forms.PasswordChangeForm):
    pass


def password_help() -> list[str]:
    return list(password_validators_help_texts())
