from django.urls import path

from kyodo.notifications import views

app_name = "notifications"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("<int:pk>/read/", views.mark_read, name="mark_read"),
    path("read-all/", views.mark_all_read, name="mark_all_read"),
    path("settings/", views.preferences, name="preferences"),
    path("follow/", views.follow, name="follow"),
    path("mail/", views.mail_list, name="mail-list"),
    path("mail/<str:name>/", views.mail_detail, name="mail-detail"),
]
