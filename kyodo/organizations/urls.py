from django.urls import path

from kyodo.organizations import city_setup_views, views

app_name = "organizations"
urlpatterns = [
    path("", views.directory, name="directory"),
    path("export.<str:fmt>", views.directory_export, name="directory-export"),
    path("register/", views.register, name="register"),
    path("pending/", views.pending, name="pending"),
    path("import/", views.import_csv, name="import"),
    path("city-setup/", city_setup_views.index, name="city-setup"),
    path("city-setup/<int:pk>/", city_setup_views.edit, name="city-setup-edit"),
    path("city-setup/councils/<slug:code>/", city_setup_views.council, name="city-setup-council"),
    path(
        "city-setup/<int:pk>/coordinate/", city_setup_views.coordinate, name="city-setup-coordinate"
    ),
    path("offers/", views.offer_list, name="offer-list"),
    path("offers/<int:pk>/", views.offer_detail, name="offer-detail"),
    path("offers/<int:pk>/edit/", views.offer_edit, name="offer-edit"),
    path("offers/<int:pk>/status/", views.offer_status, name="offer-status"),
    path("contacts/", views.contact_inbox, name="contact-inbox"),
    path("contacts/<int:pk>/", views.contact_detail, name="contact-detail"),
    path("invitations/<str:token>/", views.invitation_accept, name="invitation-accept"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/logo/", views.logo, name="logo"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/logo/upload/", views.upload_logo, name="logo-upload"),
    path("<int:pk>/verify/", views.verify, name="verify"),
    path("<int:pk>/suspend/", views.suspend, name="suspend"),
    path("<int:pk>/renew/", views.renew, name="renew"),
    path("<int:pk>/members/", views.members, name="members"),
    path("<int:pk>/members/invite/", views.invite, name="invite"),
    path(
        "<int:pk>/members/<int:membership_pk>/<str:action>/",
        views.membership_action,
        name="membership-action",
    ),
    path(
        "<int:pk>/invitations/<int:invitation_pk>/revoke/",
        views.revoke_invitation,
        name="invitation-revoke",
    ),
    path("<int:pk>/join/", views.join, name="join"),
    path("<int:pk>/leave/", views.leave, name="leave"),
    path("<int:pk>/handover/", views.handover, name="handover"),
    path("<int:pk>/documents/", views.documents, name="documents"),
    path("<int:pk>/documents/<int:doc_pk>/", views.document_download, name="document-download"),
    path("<int:pk>/documents/<int:doc_pk>/delete/", views.document_delete, name="document-delete"),
    path("<int:pk>/offers/new/", views.offer_create, name="offer-create"),
    path("<int:pk>/contact/", views.contact, name="contact"),
]
