from django.urls import path

from kyodo.projects import views
from kyodo.projects.feeds import ProjectFeed

app_name = "projects"
urlpatterns = [
    path("", views.project_list, name="list"),
    path("feed/", ProjectFeed(), name="feed"),
    path("feed/<slug:district>/", ProjectFeed(), name="feed-district"),
    path("new/", views.project_create, name="create"),
    path("evaluations/overdue/", views.overdue_evaluations, name="overdue-evaluations"),
    path("themes/", views.theme_list, name="theme-list"),
    path("themes/new/", views.theme_create, name="theme-create"),
    path("themes/<int:pk>/", views.theme_detail, name="theme-detail"),
    path("themes/<int:pk>/propose/", views.theme_answer, name="theme-answer"),
    path("themes/<int:pk>/close/", views.theme_close, name="theme-close"),
    path("<int:pk>/", views.project_detail, name="detail"),
    path("<int:pk>/edit/", views.project_edit, name="edit"),
    path("<int:pk>/do/<slug:action>/", views.project_transition, name="transition"),
    path("<int:pk>/cancel/", views.project_cancel, name="cancel"),
    path("<int:pk>/consultation/", views.consultation, name="consultation"),
    path("<int:pk>/consultation/invite/", views.invite, name="invite"),
    path("<int:pk>/documents/<int:doc_pk>/", views.document, name="document"),
    path("<int:pk>/photos/<int:photo_pk>/", views.photo, name="photo"),
    path("<int:pk>/agreement/", views.agreement_detail, name="agreement"),
    path("<int:pk>/agreement/v<int:number>/", views.agreement_detail, name="agreement-version"),
    path("<int:pk>/agreement/pdf/", views.agreement_pdf, name="agreement-pdf"),
    path(
        "<int:pk>/agreement/v<int:number>/pdf/", views.agreement_pdf, name="agreement-version-pdf"
    ),
    path("<int:pk>/agreement/edit/", views.agreement_edit, name="agreement-edit"),
    path("<int:pk>/agreement/approve/", views.agreement_approve, name="agreement-approve"),
    path("<int:pk>/checklist/", views.checklist, name="checklist"),
    path("<int:pk>/progress/new/", views.progress_create, name="progress-create"),
    path("<int:pk>/milestones/new/", views.milestone_create, name="milestone-create"),
    path(
        "<int:pk>/milestones/<int:milestone_pk>/done/",
        views.milestone_complete,
        name="milestone-complete",
    ),
    path("<int:pk>/targets/new/", views.target_create, name="target-create"),
    path("<int:pk>/indicators/new/", views.indicator_create, name="indicator-create"),
    path("<int:pk>/changes/new/", views.change_create, name="change-create"),
    path("<int:pk>/changes/<int:change_pk>/decide/", views.change_decide, name="change-decide"),
    path("<int:pk>/completion/", views.completion, name="completion"),
    path("<int:pk>/evaluation/<slug:kind>/", views.evaluation, name="evaluation"),
    path("<int:pk>/lessons/", views.lessons, name="lessons"),
]
