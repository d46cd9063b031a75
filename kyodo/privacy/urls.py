from django.urls import path

from kyodo.privacy import views

app_name = "privacy"
urlpatterns = [
    path("audit-log/", views.audit_log, name="audit-log"),
    path("requests/", views.request_list, name="request-list"),
    path("requests/new/", views.request_create, name="request-create"),
]
