from django.urls import path

from kyodo.guideline import views

app_name = "guideline"
urlpatterns = [path("", views.about, name="about")]
