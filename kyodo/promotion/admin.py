from django.contrib import admin

from kyodo.promotion.models import CoordinationRequest, Liaison, SurveyPeriod, SurveyRecord


@admin.register(Liaison)
class LiaisonAdmin(admin.ModelAdmin):
    list_display = ("department", "user", "created_at")


@admin.register(CoordinationRequest)
class CoordinationRequestAdmin(admin.ModelAdmin):
    list_display = ("subject", "from_department", "to_department", "status", "created_at")
    list_filter = ("status",)


@admin.register(SurveyPeriod)
class SurveyPeriodAdmin(admin.ModelAdmin):
    list_display = ("fiscal_year", "status", "closes_on")


@admin.register(SurveyRecord)
class SurveyRecordAdmin(admin.ModelAdmin):
    list_display = ("title", "fiscal_year", "department", "form", "partner_name")
    list_filter = ("fiscal_year", "form")
