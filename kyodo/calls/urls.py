from django.urls import path

from kyodo.calls import views

app_name = "calls"
urlpatterns = [
    path("", views.call_list, name="list"),
    path("new/", views.call_create, name="call-create"),
    path("<int:pk>/", views.call_detail, name="detail"),
    path("<int:pk>/results/", views.call_results, name="results"),
    path("<int:pk>/adopted/", views.adopted_export, name="adopted-export"),
    path("<int:pk>/apply/", views.call_apply, name="apply"),
    path("<int:pk>/manage/", views.call_manage, name="manage"),
    path("<int:pk>/edit/", views.call_edit, name="call-edit"),
    path("<int:pk>/publish/", views.call_publish, name="call-publish"),
    path("<int:pk>/rounds/new/", views.round_edit, name="round-create"),
    path("<int:pk>/rounds/<int:round_pk>/edit/", views.round_edit, name="round-edit"),
    path("<int:pk>/funding-rules/", views.call_funding_rules, name="funding-rules"),
    path("<int:pk>/criteria/", views.call_criteria, name="criteria"),
    path("<int:pk>/documents/", views.call_required_documents, name="required-documents"),
    path("rounds/<int:pk>/reviewers/", views.round_reviewers, name="round-reviewers"),
    path("rounds/<int:pk>/ranking/", views.round_ranking, name="round-ranking"),
    path("rounds/<int:pk>/publish/", views.round_publish, name="round-publish"),
    path("applications/mine/", views.my_applications, name="my-applications"),
    path("applications/<int:pk>/", views.application_detail, name="application-detail"),
    path("applications/<int:pk>/edit/", views.application_edit, name="application-edit"),
    path("applications/<int:pk>/budget/", views.application_budget, name="application-budget"),
    path("applications/<int:pk>/roles/", views.application_roles, name="application-roles"),
    path(
        "applications/<int:pk>/documents/",
        views.application_documents,
        name="application-documents",
    ),
    path("applications/<int:pk>/submit/", views.application_submit, name="application-submit"),
    path(
        "applications/<int:pk>/withdraw/", views.application_withdraw, name="application-withdraw"
    ),
    path("applications/<int:pk>/check/", views.application_check, name="application-check"),
    path(
        "applications/<int:pk>/presentation/",
        views.application_presentation,
        name="application-presentation",
    ),
    path("applications/<int:pk>/decision/", views.application_decide, name="application-decide"),
    path("applications/<int:pk>/score/", views.application_score, name="application-score"),
    path(
        "applications/<int:pk>/conflict/", views.application_conflict, name="application-conflict"
    ),
    path("applications/<int:pk>/grant/", views.grant_decide, name="grant-decide"),
    path("documents/<int:pk>/", views.document_download, name="document-download"),
    path("reviews/", views.my_reviews, name="my-reviews"),
    path("grants/<int:pk>/", views.grant_detail, name="grant-detail"),
    path("grants/<int:pk>/notice.pdf", views.grant_notice, name="grant-notice"),
    path(
        "grants/<int:pk>/confirmed-notice.pdf",
        views.grant_confirmed_notice,
        name="grant-confirmed-notice",
    ),
    path("grants/<int:pk>/change/", views.grant_change_request, name="grant-change"),
    path("grants/<int:pk>/settlement/", views.grant_settlement, name="grant-settlement"),
    path("grants/<int:pk>/<str:action>/", views.grant_action, name="grant-action"),
    path("changes/<int:pk>/decide/", views.change_decide, name="change-decide"),
    path("receipts/<int:pk>/", views.receipt_download, name="receipt-download"),
]
