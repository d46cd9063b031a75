from django.contrib import admin

from kyodo.districts.models import Council, CouncilMember, Meeting, Subcommittee


class MemberInline(admin.TabularInline):
    model = CouncilMember
    extra = 0


@admin.register(Council)
class CouncilAdmin(admin.ModelAdmin):
    list_display = ("name", "district", "chair")
    inlines = [MemberInline]


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ("title", "council", "held_at", "status")
    list_filter = ("status",)


@admin.register(Subcommittee)
class SubcommitteeAdmin(admin.ModelAdmin):
    list_display = ("name", "council", "theme")
