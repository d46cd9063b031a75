from django.urls import path

from kyodo.news import views
from kyodo.news.feeds import NewsFeed

app_name = "news"
urlpatterns = [
    path("", views.item_list, name="item_list"),
    path("new/", views.item_create, name="item_create"),
    path("feed/", NewsFeed(), name="item_feed"),
    path("feed/<slug:district>/", NewsFeed(), name="item_feed_district"),
    path("<int:pk>/", views.item_detail, name="item_detail"),
    path("<int:pk>/edit/", views.item_edit, name="item_edit"),
]
