from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from kyodo.core.fields import normalise_phone
from kyodo.core.text import KyodoForm, KyodoModelForm
from kyodo.guideline.models import District, Field, OrganizationType
from kyodo.organizations.models import (
    DocumentKind,
    MembershipRole,
    OfferCategory,
    OfferKind,
    OfferNeed,
    Organization,
)
from kyodo.organizations.text import normalise

PROFILE_FORM_FIELDS = [
    "name",
    "kana",
    "legal_personality",
    "description",
    "fields",
    "districts",
    "member_count",
    "founded_year",
    "activity_bases",
    "website",
    "public_email",
    "public_phone",
    "public_address",
    "legal_name",
    "legal_address",
    "representative_title",
    "representative_name",
]


class OrganizationForm(KyodoModelForm):
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")

    class Meta:
        model = Organization
        fields = PROFILE_FORM_FIELDS
        widgets = {
            "fields": forms.CheckboxSelectMultiple,
            "districts": forms.CheckboxSelectMultiple,
            "description": forms.Textarea(attrs={"rows": 6}),
            "activity_bases": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "kana": _(
                "In hiragana or katakana, without 「NPO法人」 or 「株式会社」. Used to sort the directory."
            ),
            "public_email": _("Shown in public. Leave empty to be contacted only through Kyodo."),
            "public_phone": _("Shown in public. Leave empty if you do not want to show it."),
            "public_address": _("Shown in public. Leave empty if you do not want to show it."),
            "legal_address": _("Printed on agreements with the city; not shown in public."),
            "representative_name": _("Printed on agreements with the city; not shown in public."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelMultipleChoiceField, self.fields["fields"]).queryset = Field.objects.all()
        cast(
            forms.ModelMultipleChoiceField, self.fields["districts"]
        ).queryset = District.objects.all()

    def clean_public_phone(self) -> str:
        return normalise_phone(self.cleaned_data.get("public_phone") or "")

    def clean_kana(self) -> str:
        return normalise(self.cleaned_data["kana"])[:200]


class DeclarationsForm(KyodoForm):
    declared_not_political = forms.BooleanField(
        label=_("The group is not a political organization")
    )
    declared_not_religious = forms.BooleanField(
        label=_("The group is not a religious organization")
    )
    declared_no_antisocial_ties = forms.BooleanField(
        label=_("The group has no ties to organized crime (暴力団)")
    )


class RegisterOrganizationForm(OrganizationForm):
    org_type = forms.ModelChoiceField(
        label=_("Type"),
        queryset=OrganizationType.objects.filter(actor_type__is_government=False),
    )

    class Meta(OrganizationForm.Meta):
        fields = ["org_type", *PROFILE_FORM_FIELDS]


class LogoForm(KyodoForm):
    logo = forms.ImageField(label=_("Logo image"), help_text=_("JPEG, PNG or WebP, up to 10 MB."))


class DocumentForm(KyodoForm):
    kind = forms.ChoiceField(label=_("Kind of document"), choices=DocumentKind.choices)
    file = forms.FileField(label=_("File"), help_text=_("PDF, Office document or image."))


class InviteForm(KyodoForm):
    email = forms.EmailField(label=_("E-mail address of the person"))
    role = forms.ChoiceField(
        label=_("Role"),
        choices=[c for c in MembershipRole.choices if c[0] != MembershipRole.REPRESENTATIVE],
        initial=MembershipRole.MEMBER,
    )


class RoleForm(KyodoForm):
    role = forms.ChoiceField(
        label=_("Role"),
        choices=[c for c in MembershipRole.choices if c[0] != MembershipRole.REPRESENTATIVE],
    )
    title = forms.CharField(label=_("Office title"), max_length=40, required=False)


class JoinForm(KyodoForm):
    message = forms.CharField(
        label=_("Message to the group (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
    )


class HandOverForm(KyodoForm):
    member = forms.ChoiceField(label=_("New representative"))

    def __init__(self, *args: Any, members: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["member"]).choices = [
            (str(m.user_id), m.user.public_name) for m in members
        ]


class SuspendForm(KyodoForm):
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=500
    )


class DirectoryFilterForm(KyodoForm):
    q = forms.CharField(label=_("Name or keyword"), required=False)
    type = forms.ModelChoiceField(
        label=_("Type"),
        queryset=OrganizationType.objects.all(),
        required=False,
        to_field_name="code",
        empty_label=_("All types"),
    )
    field = forms.ModelChoiceField(
        label=_("Field"),
        queryset=Field.objects.all(),
        required=False,
        to_field_name="code",
        empty_label=_("All fields"),
    )
    district = forms.ModelChoiceField(
        label=_("District"),
        queryset=District.objects.all(),
        required=False,
        to_field_name="code",
        empty_label=_("All districts"),
    )
    verified = forms.BooleanField(label=_("Only groups registered with the city"), required=False)


class OfferNeedForm(KyodoModelForm):
    class Meta:
        model = OfferNeed
        fields = ["kind", "category", "title", "body", "fields", "districts"]
        widgets = {
            "kind": forms.RadioSelect,
            "fields": forms.CheckboxSelectMultiple,
            "districts": forms.CheckboxSelectMultiple,
            "body": forms.Textarea(attrs={"rows": 6}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Radio buttons: no 「---------」 choice, and none chosen until the person picks one.
        cast(forms.ChoiceField, self.fields["kind"]).choices = OfferKind.choices
        cast(forms.ModelMultipleChoiceField, self.fields["fields"]).queryset = Field.objects.all()
        cast(
            forms.ModelMultipleChoiceField, self.fields["districts"]
        ).queryset = District.objects.all()


class OfferFilterForm(KyodoForm):
    q = forms.CharField(label=_("Keyword"), required=False)
    kind = forms.ChoiceField(
        label=_("Offer or need"), required=False, choices=[("", _("Both")), *OfferKind.choices]
    )
    category = forms.ChoiceField(
        label=_("Category"),
        required=False,
        choices=[("", _("All categories")), *OfferCategory.choices],
    )
    field = forms.ModelChoiceField(
        label=_("Field"),
        queryset=Field.objects.all(),
        required=False,
        to_field_name="code",
        empty_label=_("All fields"),
    )
    district = forms.ModelChoiceField(
        label=_("District"),
        queryset=District.objects.all(),
        required=False,
        to_field_name="code",
        empty_label=_("All districts"),
    )


class ContactForm(KyodoForm):
    from_organization = forms.ChoiceField(label=_("Writing on behalf of"), required=False)
    subject = forms.CharField(label=_("Subject"), max_length=120)
    body = forms.CharField(
        label=_("Message"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=5000,
        help_text=_("Your e-mail address is not shown. The group replies here, on Kyodo."),
    )

    def __init__(self, *args: Any, organizations: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["from_organization"]).choices = [
            ("", _("Myself")),
            *[(str(o.pk), o.name) for o in organizations],
        ]


class ReplyForm(KyodoForm):
    body = forms.CharField(
        label=_("Reply"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000
    )


class ImportForm(KyodoForm):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("UTF-8 or Shift_JIS, as Excel saves it. The first row holds the column names."),
    )
