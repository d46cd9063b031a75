"""Authorization rows for kyodo.news (お知らせ).

The item is published for `w.org` by its representative: the group's managers edit it; a
plain member, another group's representative and city staff (who publish for departments)
do not. Rules: kyodo/news/rules.py.
"""

from __future__ import annotations

from typing import Any

from tests.security.authz_table import Row, World, only, public


def _news(w: World) -> Any:
    if "news" not in w.objects:
        from kyodo.news import services

        w.objects["news"] = services.publish_news(
            actor=w.users["representative"],
            organization=w.org,
            title="清掃活動のお知らせ",
            body="日曜の朝に川沿いを清掃します。",
        )
    return w.objects["news"]


NEWS = lambda w: {"pk": _news(w).pk}  # noqa: E731

ROWS: dict[str, Row] = {
    "news:item_list": Row(public()),
    "news:item_feed": Row(public()),
    "news:item_feed_district": Row(public(), kwargs=lambda w: {"district": "honcho"}),
    "news:item_detail": Row(public(), kwargs=NEWS),
    # Publishing: managers of a group, staff of a department (for their own), admins.
    "news:item_create": Row(
        only("representative", "other_rep", "other_staff", "coordinator", "admin")
    ),
    "news:item_edit": Row(
        only("representative", "admin"),
        kwargs=NEWS,
        note="coordinators edit departments' news, not groups' (test_authz_states_b)",
    ),
}

API_ROWS: dict[str, Row] = {
    "GET /api/v1/news/{news_id}": Row(public(), kwargs=lambda w: {"news_id": _news(w).pk}),
}
