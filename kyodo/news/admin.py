from django.contrib import admin

from kyodo.news.models import NewsItem


@admin.register(NewsItem)
class NewsItemAdmin(admin.ModelAdmin):
    list_display = ["title", "organization", "is_from_city", "district", "published_at"]
    list_filter = ["is_from_city", "district"]
    search_fields = ["title"]
    raw_id_fields = ["organization", "author"]
    date_hierarchy = "published_at"
