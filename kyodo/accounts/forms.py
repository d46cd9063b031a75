from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.password_validation import (
    password_validators_help_texts,
    validate_password,
)
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from kyodo.accounts.models import PrivateProfile, Residency, User
from kyodo.core.fields import normalise_phone, normalise_postal_code
from kyodo.guideline.models import District, Field


class LoginForm(AuthenticationForm):
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


class SignUpForm(forms.Form):
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
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            raise ValidationError(
                _(
                    "An account with this e-mail address already exists. Log in or reset your password."
                )
            )
        return email

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


class ResendConfirmationForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"))


class ProfileForm(forms.ModelForm):
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


class PrivateProfileForm(forms.ModelForm):
    class Meta:
        model = PrivateProfile
        fields = ["real_name", "real_name_kana", "phone", "postal_code", "address"]

    # Full-width digits, dashes and spaces are folded; stored as 350-8601 / 049-224-8811.
    def clean_postal_code(self) -> str:
        return normalise_postal_code(self.cleaned_data["postal_code"])

    def clean_phone(self) -> str:
        return normalise_phone(self.cleaned_data["phone"])


class EmailChangeForm(forms.Form):
    new_email = forms.EmailField(label=_("New e-mail address"))
    password = forms.CharField(
        label=_("Current password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        label=_("Current password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    confirm = forms.BooleanField(label=_("I understand that my account cannot be restored"))


def password_help() -> list[str]:
    return list(password_validators_help_texts())
