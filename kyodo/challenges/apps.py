from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChallengesConfig(AppConfig):
    name = "kyodo.challenges"
    label = "challenges"
    verbose_name = _("Local issues")

    def ready(self) -> None:
        from kyodo.accounts.hooks import register_my_page_section
        from kyodo.accounts.me import ME_LIST_TEMPLATE
        from kyodo.challenges.me import my_issues_section

        register_my_page_section("issues", 20, ME_LIST_TEMPLATE, my_issues_section)
        from kyodo.accounts.personal_data import register_personal_data_exporter
        from kyodo.challenges import personal_data

        register_personal_data_exporter("local_issues", personal_data.export_issues)
        register_personal_data_exporter("issue_comments", personal_data.export_comments)
        register_personal_data_exporter("issue_supports", personal_data.export_supports)
        from kyodo.challenges.home import cached_block
        from kyodo.challenges.models import Issue, IssueComment
        from kyodo.challenges.moderation import register_moderated
        from kyodo.challenges.services import HOME_BLOCK_KEY
        from kyodo.core.hooks import HomeBlock, NavItem, register_home_block, register_nav_item
        from kyodo.guideline.models import District
        from kyodo.notifications.registry import register_followable

        register_nav_item(NavItem("challenges:issue_list", _("Local issues"), 10))
        register_home_block(
            HomeBlock(
                key=HOME_BLOCK_KEY,
                order=10,
                context=cached_block(HOME_BLOCK_KEY, 60, new_issues_block),
                template="challenges/home_block.html",
            )
        )
        register_followable(Issue, lambda user, obj: user.has_perm("challenges.view_issue", obj))
        # Following a district: told about new issues there.
        register_followable(
            District,
            lambda user, obj: True,
            url=lambda obj: optional_reverse("districts:detail", obj.code),
        )
        register_moderated(Issue, author=lambda i: i.author, title=lambda i: i.title)
        register_moderated(
            IssueComment,
            author=lambda c: c.author,
            title=lambda c: _("Comment on “%(title)s”") % {"title": c.issue.title},
        )
        _register_periodic_tasks()


def _register_periodic_tasks() -> None:
    import datetime as dt

    from kyodo.challenges import tasks
    from kyodo.core.hooks import PeriodicTask, register_periodic_task

    register_periodic_task(
        PeriodicTask("challenges.theme_map", tasks.build_theme_map_task, at=dt.time(2, 0))
    )


def new_issues_block() -> dict[str, object]:
    from kyodo.challenges.selectors import issue_counts, latest_issues

    return {"issues": latest_issues(5), "counts": issue_counts()}


def optional_reverse(name: str, *args: object) -> str:
    """A page of a higher app (districts) that may not be installed: "" then."""
    from django.urls import NoReverseMatch, reverse

    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""
