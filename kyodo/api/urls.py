from django.urls import path, re_path
from django.views.generic import RedirectView

from kyodo.api import views
from kyodo.api.v1 import api

app_name = "api"
urlpatterns = [
    path("", RedirectView.as_view(pattern_name="api:docs"), name="index"),
    # The docs page comes before the API's own URLs (ninja's docs view is turned off).
    path("v1/docs", views.docs, name="docs"),
    path("v1/docs/assets/<str:name>", views.docs_asset, name="docs-asset"),
    path("v1/", api.urls),
    re_path(r"^v1/(?P<rest>.*)$", views.not_found),
    path("tokens/", views.token_list, name="tokens"),
    path("tokens/<int:pk>/revoke/", views.token_revoke, name="token-revoke"),
    path("open-data/", views.open_data, name="open-data"),
    path("open-data/latest/<path:member>", views.open_data_latest, name="open-data-latest"),
    path("open-data/<str:filename>", views.open_data_download, name="open-data-download"),
]
