from django.urls import path

from kyodo.accounts import views

app_name = "accounts"
urlpatterns = [
    path("signup/", views.signup, name="signup"),
    path("signup/sent/", views.signup_sent, name="signup-sent"),
    path("signup/resend/", views.resend_confirmation, name="resend-confirmation"),
    path("confirm/<str:token>/", views.confirm_email, name="confirm-email"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("password/reset/", views.PasswordResetView.as_view(), name="password-reset"),
    path("password/reset/sent/", views.PasswordResetDoneView.as_view(), name="password-reset-done"),
    path(
        "password/reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password-reset-confirm",
    ),
    path(
        "password/reset/complete/",
        views.PasswordResetCompleteView.as_view(),
        name="password-reset-complete",
    ),
    path("password/change/", views.PasswordChangeView.as_view(), name="password-change"),
    path("me/", views.me, name="me"),
    path("me/profile/", views.profile_edit, name="profile-edit"),
    path("me/email/", views.email_change, name="email-change"),
    path("me/email/confirm/<str:token>/", views.email_change_confirm, name="email-change-confirm"),
    path("me/export/", views.export_my_data, name="export-my-data"),
    path("me/delete/", views.delete_account, name="delete"),
    path("terms/", views.terms, name="terms"),
    path("privacy/", views.privacy, name="privacy"),
]
