from django.urls import path

from kyodo.core import views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("healthz", views.health, name="health"),
    path("floor", views.floor, name="floor"),
]
