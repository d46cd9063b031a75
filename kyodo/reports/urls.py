from django.urls import path

from kyodo.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.index, name="index"),
    path("annual/<int:fiscal_year>/", views.annual, name="annual"),
    path("annual/<int:fiscal_year>/report.pdf", views.annual_pdf, name="annual-pdf"),
    path("annual/<int:fiscal_year>/report.xlsx", views.annual_xlsx, name="annual-xlsx"),
    path("dashboard/", views.dashboard, name="dashboard"),
]
