from django.urls import path

from kyodo.promotion import views

app_name = "promotion"
urlpatterns = [
    path("", views.index, name="index"),
    path("liaisons/", views.liaisons, name="liaisons"),
    path("liaisons/<int:pk>/remove/", views.liaison_remove, name="liaison-remove"),
    path("requests/", views.request_list, name="requests"),
    path("requests/new/", views.request_create, name="request-create"),
    path("requests/<int:pk>/", views.request_detail, name="request-detail"),
    path("calendar/", views.calendar, name="calendar"),
    path("learning/", views.course, name="course"),
    path("learning/self-check/", views.self_check, name="self-check"),
    path("learning/summary/", views.learning_summary, name="learning-summary"),
    path("learning/<slug:module>/", views.course_module, name="course-module"),
    path("survey/", views.survey_index, name="survey-index"),
    path("survey/<int:fiscal_year>/", views.survey, name="survey"),
    path("survey/<int:fiscal_year>/submit/", views.survey_submit, name="survey-submit"),
    path("survey/<int:fiscal_year>/close/", views.survey_close, name="survey-close"),
    path("survey/<int:fiscal_year>/remind/", views.survey_remind, name="survey-remind"),
    path("survey/<int:fiscal_year>/import/", views.survey_import, name="survey-import"),
    path("survey/records/<int:pk>/delete/", views.record_delete, name="record-delete"),
]
