"""Account pages: sign-up, confirmation, log in/out, passwords, e-mail, profile, My page,
personal-data download and account deletion."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from kyodo.accounts import policies, services
from kyodo.accounts.forms import (
    DeleteAccountForm,
    EmailChangeForm,
    LoginForm,
    PasswordChangeForm,
    PasswordResetForm,
    PrivateProfileForm,
    ProfileForm,
    ResendConfirmationForm,
    SetPasswordForm,
    SignUpForm,
    password_help,
)
from kyodo.accounts.hooks import rendered_my_page_sections
from kyodo.accounts.models import PrivateProfile, User

BACKEND = "django.contrib.auth.backends.ModelBackend"


def _set_language_cookie(response: HttpResponse, language: str) -> HttpResponse:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,  # type: ignore[arg-type]
    )
    return response


class LoginView(auth_views.LoginView):
    """Django's login view (django-axes counts failures), which then applies the person's
    language preference."""

    form_class = LoginForm
    template_name = "accounts/user_login.html"
    redirect_authenticated_user = True

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        return _set_language_cookie(response, form.get_user().language)


class LogoutView(auth_views.LogoutView):
    http_method_names = ["post", "options"]


class PasswordResetView(auth_views.PasswordResetView):
    form_class = PasswordResetForm
    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password-reset-done")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = SetPasswordForm
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password-reset-complete")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs), "password_help": password_help()}

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        user = form.user
        services.revoke_credentials_after_password_change(actor=user, user=user, reset=True)
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = PasswordChangeForm
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:me")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        user = self.request.user
        assert isinstance(user, User)
        revoked = services.revoke_credentials_after_password_change(
            actor=user, user=user, reset=False
        )
        messages.success(self.request, _("Your password has been changed."))
        messages.info(
            self.request,
            _(
                "You have been logged out everywhere else, and your API tokens have been "
                "revoked (%(count)s). Create a new token if a script needs one."
            )
            % {"count": revoked.get("api_tokens", 0)},
        )
        return response

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs), "password_help": password_help()}


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("accounts:me")
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.sign_up(
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password"],
                display_name=form.cleaned_data["display_name"],
                residency=form.cleaned_data["residency"],
                district=form.cleaned_data["district"],
                language=(request.LANGUAGE_CODE or "ja")[:2],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect("accounts:signup-sent")
    return render(
        request, "accounts/user_signup.html", {"form": form, "password_help": password_help()}
    )


def signup_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/user_signup_sent.html", {"form": ResendConfirmationForm()})


@require_POST
def resend_confirmation(request: HttpRequest) -> HttpResponse:
    form = ResendConfirmationForm(request.POST)
    if form.is_valid():
        services.resend_confirmation(email=form.cleaned_data["email"])
    messages.info(
        request,
        _(
            "If the address belongs to an account waiting for confirmation, we have sent the link again."
        ),
    )
    return redirect("accounts:signup-sent")


@never_cache
def confirm_email(request: HttpRequest, token: str) -> HttpResponse:
    try:
        user = services.confirm_email(token=token)
    except ValidationError as exc:
        return render(
            request, "accounts/user_confirm_failed.html", {"error": exc.messages[0]}, status=400
        )
    if not request.user.is_authenticated:
        auth_login(request, user, backend=BACKEND)
    messages.success(request, _("Your e-mail address is confirmed. Welcome to Kyodo!"))
    return _set_language_cookie(redirect("accounts:me"), user.language)


@login_required
def me(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    private = services.view_private_profile(actor=user, subject=user, purpose="")
    return render(
        request,
        "accounts/user_me.html",
        {
            "profile_user": user,
            "private": private,
            "interests": list(user.fields_of_interest.all()),
            "sections": rendered_my_page_sections(request),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def profile_edit(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    if not user.has_perm("accounts.change_user", user):
        raise PermissionDenied
    private, _created = PrivateProfile.objects.get_or_create(user=user)
    form = ProfileForm(request.POST or None, instance=user, prefix="p")
    private_form = PrivateProfileForm(request.POST or None, instance=private, prefix="x")
    if request.method == "POST":
        # Validate both before writing either.
        profile_ok, private_ok = form.is_valid(), private_form.is_valid()
        if profile_ok and private_ok:
            with transaction.atomic():
                services.update_profile(
                    actor=user,
                    user=user,
                    display_name=form.cleaned_data["display_name"],
                    residency=form.cleaned_data["residency"],
                    district=form.cleaned_data["district"],
                    fields_of_interest=form.cleaned_data["fields_of_interest"],
                    language=form.cleaned_data["language"],
                )
                services.update_private_profile(
                    actor=user,
                    user=user,
                    **{name: private_form.cleaned_data[name] for name in services.PRIVATE_FIELDS},
                )
            messages.success(request, _("Your profile has been saved."))
            return _set_language_cookie(redirect("accounts:me"), user.language)
    return render(
        request, "accounts/user_profile_form.html", {"form": form, "private_form": private_form}
    )


@login_required
@require_http_methods(["GET", "POST"])
def email_change(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    form = EmailChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.request_email_change(
                actor=user,
                user=user,
                new_email=form.cleaned_data["new_email"],
                password=form.cleaned_data["password"],
            )
        except ValidationError as exc:
            if getattr(exc, "code", "") == "wrong_password":
                form.add_error("password", exc)
            else:
                form.add_error("new_email", exc)
        else:
            messages.info(
                request, _("We have sent a link to the new address. Open it to finish the change.")
            )
            return redirect("accounts:me")
    return render(request, "accounts/user_email_form.html", {"form": form})


@login_required
@never_cache
def email_change_confirm(request: HttpRequest, token: str) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    try:
        services.confirm_email_change(actor=user, token=token)
    except ValidationError as exc:
        return render(
            request, "accounts/user_confirm_failed.html", {"error": exc.messages[0]}, status=400
        )
    messages.success(request, _("Your e-mail address has been changed."))
    return redirect("accounts:me")


@login_required
@never_cache
def export_my_data(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    data = services.export_personal_data(actor=user, user=user)
    body = json.dumps(data, ensure_ascii=False, indent=2, default=str)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    stamp = timezone.localdate().strftime("%Y%m%d")
    response["Content-Disposition"] = f'attachment; filename="kyodo-my-data-{stamp}.json"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def delete_account(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    form = DeleteAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.delete_account(actor=user, user=user, password=form.cleaned_data["password"])
        except ValidationError as exc:
            if getattr(exc, "code", "") == "wrong_password":
                form.add_error("password", exc)
            else:
                form.add_error(None, exc)
        else:
            auth_logout(request)
            messages.success(
                request, _("Your account has been deleted. Thank you for taking part.")
            )
            return redirect(reverse("core:home"))
    return render(request, "accounts/user_delete.html", {"form": form})


@require_safe
def terms(request: HttpRequest) -> HttpResponse:
    """利用規約: public, from the municipality's guideline file."""
    return render(request, "accounts/terms.html", policies.terms_of_use())


@require_safe
def privacy(request: HttpRequest) -> HttpResponse:
    """個人情報の取扱い: purposes, retention, and how to ask for disclosure, correction, deletion."""
    return render(request, "accounts/privacy.html", policies.privacy_policy())
