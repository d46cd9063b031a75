from django.urls import path

from kyodo.challenges import views
from kyodo.challenges.feeds import IssueFeed

app_name = "challenges"
urlpatterns = [
    path("", views.issue_list, name="issue_list"),
    path("new/", views.issue_create, name="issue_create"),
    path("themes/", views.theme_map, name="theme_map"),
    path("map.json", views.issue_map_data, name="issue_map_data"),
    path("districts.geojson", views.district_boundaries, name="district_boundaries"),
    path("feed/", IssueFeed(), name="issue_feed"),
    path("feed/<slug:district>/", IssueFeed(), name="issue_feed_district"),
    path("report/", views.report_content, name="report_content"),
    path("moderation/", views.moderation_queue, name="moderation_queue"),
    path("moderation/decide/", views.moderation_decide, name="moderation_decide"),
    path("<int:pk>/", views.issue_detail, name="issue_detail"),
    path("<int:pk>/photo/", views.issue_photo, name="issue_photo"),
    path("<int:pk>/support/", views.issue_support, name="issue_support"),
    path("<int:pk>/comments/", views.issue_comment, name="issue_comment"),
    path("<int:pk>/offers/", views.issue_link_offer, name="issue_link_offer"),
    path("<int:pk>/manage/", views.issue_manage, name="issue_manage"),
]
