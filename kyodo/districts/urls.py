from django.urls import path

from kyodo.districts import views

app_name = "districts"
urlpatterns = [
    path("", views.district_list, name="list"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting-detail"),
    path("meetings/<int:pk>/publish/", views.meeting_publish, name="meeting-publish"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment"),
    path("subcommittees/<int:pk>/", views.subcommittee_detail, name="subcommittee-detail"),
    path("<slug:code>/", views.district_detail, name="detail"),
    path("<slug:code>/meetings/new/", views.meeting_create, name="meeting-create"),
    path("<slug:code>/council/", views.council_manage, name="council-manage"),
    path("<slug:code>/report/<int:fiscal_year>/", views.annual_report, name="annual-report"),
    path(
        "<slug:code>/report/<int:fiscal_year>/report.pdf",
        views.annual_report_pdf,
        name="annual-report-pdf",
    ),
]
