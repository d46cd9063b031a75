from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

handler404 = "kyodo.core.views.page_not_found"
handler500 = "kyodo.core.views.server_error"
handler403 = "kyodo.core.views.permission_denied"
handler400 = "kyodo.core.views.bad_request"

urlpatterns = [
    path("", include("kyodo.core.urls")),
    path("about/", include("kyodo.guideline.urls")),
    path("accounts/", include("kyodo.accounts.urls")),
    path("notifications/", include("kyodo.notifications.urls")),
    path("organizations/", include("kyodo.organizations.urls")),
    path("issues/", include("kyodo.challenges.urls")),
    path("news/", include("kyodo.news.urls")),
    path("projects/", include("kyodo.projects.urls")),
    path("calls/", include("kyodo.calls.urls")),
    path("events/", include("kyodo.events.urls")),
    path("districts/", include("kyodo.districts.urls")),
    path("internal/", include("kyodo.promotion.urls")),
    path("search/", include("kyodo.search.urls")),
    path("reports/", include("kyodo.reports.urls")),
    path("api/", include("kyodo.api.urls")),
    path("privacy/", include("kyodo.privacy.urls")),
    path("i18n/setlang/", set_language, name="set_language"),
    path("admin/", admin.site.urls),
]
