from django.contrib import admin

from kyodo.accounts.models import PrivateProfile, User


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    list_display = ["email", "display_name", "is_active", "email_confirmed_at", "deleted_at"]
    list_filter = ["is_active", "is_staff", "residency"]
    search_fields = ["email", "display_name"]
    exclude = ["password"]
    filter_horizontal = ["fields_of_interest", "groups", "user_permissions"]


@admin.register(PrivateProfile)
class PrivateProfileAdmin(admin.ModelAdmin):
    list_display = ["user"]
    raw_id_fields = ["user"]
