from django.urls import path

from kyodo.search import views

app_name = "search"
urlpatterns = [
    path("", views.results, name="results"),
    path("suggest/", views.suggest, name="suggest"),
    path("go/<str:doc_type>/<int:object_id>/", views.go, name="go"),
]
