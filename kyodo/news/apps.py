from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewsConfig(AppConfig):
    name = "kyodo.news"
    label = "news"
    verbose_name = _("News")

    def ready(self) -> None:
        from kyodo.challenges.home import cached_block
        from kyodo.challenges.moderation import register_moderated
        from kyodo.core.hooks import HomeBlock, NavItem, register_home_block, register_nav_item
        from kyodo.news.models import NewsItem
        from kyodo.news.services import HOME_BLOCK_KEY
        from kyodo.notifications.registry import register_followable

        register_nav_item(NavItem("news:item_list", _("News"), 60))
        register_home_block(
            HomeBlock(
                key=HOME_BLOCK_KEY,
                order=60,
                context=cached_block(HOME_BLOCK_KEY, 60, latest_news_block),
                template="news/home_block.html",
            )
        )
        register_moderated(NewsItem, author=lambda n: n.author, title=lambda n: n.title)
        register_followable(NewsItem, lambda user, obj: True)
        from kyodo.accounts.personal_data import register_personal_data_exporter
        from kyodo.news.personal_data import export_news

        register_personal_data_exporter("news", export_news)


def latest_news_block() -> dict[str, object] | None:
    from kyodo.news.selectors import latest_news

    items = latest_news(5)
    return {"items": items} if items else None
